import { t } from '../../domain/i18n.ts';
import type { Command, CommandSpec } from '../command.ts';
import { textReply } from '../reply.ts';
import { monitorFor } from './watch.ts';

export const spec: CommandSpec = {
  name: 'unwatch',
  words: { en: ['unwatch'], nl: ['ontvolg'] },
  usage: 'command.unwatch.usage',
  summary: 'command.unwatch.summary',
  role: 'archivist',
};

/** `unwatch <account>`: stop watching an account; what was archived stays. */
export const unwatch: Command = {
  spec,
  async run(ctx) {
    const m = monitorFor(ctx);
    if ('blocks' in m) return m;
    const { handle } = await m.monitor.unwatch(m.input, { by: ctx.by });
    return textReply(
      handle
        ? t(ctx.lang, 'unwatch.done', { handle })
        : t(ctx.lang, 'unwatch.not-watched', { input: m.input }),
    );
  },
};
