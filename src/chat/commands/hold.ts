import { UsageError } from '../../domain/errors.ts';
import { t } from '../../domain/i18n.ts';
import { holdAdd, holdList, holdRelease } from '../../usecases/retention.ts';
import { type Command, type CommandSpec, type SubCommand, subCommand } from '../command.ts';
import { textReply } from '../reply.ts';
import { parseExport } from './export.ts';

export const spec: CommandSpec = {
  name: 'hold',
  words: { en: ['hold'], nl: ['hold', 'bewaarplicht'] },
  usage: 'retention.hold-usage',
  summary: 'retention.hold-summary',
  role: 'archivist',
};

const SUBS: readonly SubCommand<'add' | 'list' | 'release'>[] = [
  { name: 'add', words: { en: ['add'], nl: ['plaats', 'toevoegen'] }, role: 'archivist' },
  { name: 'list', words: { en: ['list'], nl: ['lijst'] }, role: 'archivist' },
  { name: 'release', words: { en: ['release'], nl: ['opheffen'] }, role: 'admin' },
];

/** The reason follows `reason:` / `reden:` (to the end of the line); what comes before selects. */
const REASON = /\s(?:reason|reden):\s*(.+)$/i;

/**
 * `hold add <post | @account | words> reden: <text>` (`hold plaats …`), `hold list`, `hold release <id>`
 * (`hold opheffen`, admins): the CLI's legal holds in chat.
 */
export const hold: Command = {
  spec,
  subs: SUBS,
  async run({ args, lang, by, deps }) {
    const { sub, rest } = subCommand(SUBS, args);
    if (!sub) throw new UsageError('usage: hold add|list|release', 'retention.hold-usage');
    if (sub.name === 'list') {
      const holds = await holdList(deps.archive);
      if (!holds.length) return textReply(t(lang, 'retention.no-holds'));
      return textReply(
        holds
          .map((h) =>
            t(lang, 'retention.hold-line', {
              id: h.id,
              describe: h.describe,
              reason: h.reason,
              by: h.createdBy,
              at: h.createdAt,
              n: h.posts,
              released: '',
            }),
          )
          .join('\n'),
      );
    }
    if (sub.name === 'release') {
      const id = Number(rest.trim().replace(/^#/, ''));
      if (!Number.isInteger(id) || id < 1)
        throw new UsageError('usage: hold release <id>', 'retention.hold-usage');
      await holdRelease(deps.archive, id, by);
      return textReply(t(lang, 'retention.hold-released', { id }));
    }
    const reason = REASON.exec(` ${rest}`)?.[1]?.trim() ?? '';
    if (!reason) throw new UsageError('say why the hold is made', 'retention.reason-required');
    const { spec: selection } = parseExport(` ${rest}`.replace(REASON, ''));
    const r = await holdAdd(deps.archive, selection, reason, by);
    return textReply(t(lang, 'retention.hold-added', { id: r.id, describe: r.describe, n: r.posts }));
  },
};
