import { t } from '../../domain/i18n.ts';
import { type WatchedAccount, watchedAccounts } from '../../usecases/watching.ts';
import type { Command, CommandSpec } from '../command.ts';
import { type Lang, ReplyBuilder, textReply } from '../reply.ts';
import { when } from '../text.ts';

export const spec: CommandSpec = {
  name: 'watching',
  words: { en: ['watching'], nl: ['gevolgd'] },
  usage: 'command.watching.usage',
  summary: 'command.watching.summary',
  role: 'viewer',
};

/** `watching`: the accounts being watched, how often and how recently they were polled. */
export const watching: Command = {
  spec,
  async run({ lang, deps }) {
    const list = await watchedAccounts(deps.archive);
    if (!list.length) return textReply(t(lang, 'watching.none'));
    return new ReplyBuilder()
      .header(t(lang, 'watching.title', { n: list.length }))
      .section(list.map((w) => watchLine(w, lang)).join('\n'))
      .build();
  },
};

function watchLine(w: WatchedAccount, lang: Lang): string {
  const org = w.organisation ? ` — ${w.organisation}` : '';
  const errors = w.pollErrors ? ` · ${t(lang, 'watching.errors', { n: w.pollErrors })}` : '';
  const every = t(lang, 'watching.every', { seconds: w.everySeconds });
  const last = t(lang, 'watching.last', { when: when(w.lastPolledAt) });
  return `${w.platform} ${w.handle}${org} (${w.role}) · ${every} · ${last}${errors}`;
}
