import { UsageError } from '../../domain/errors.ts';
import { t } from '../../domain/i18n.ts';
import type { Command, CommandSpec } from '../command.ts';
import { textReply } from '../reply.ts';

export const spec: CommandSpec = {
  name: 'ask',
  words: { en: ['ask'], nl: ['vraag'] },
  usage: 'command.ask.usage',
  summary: 'command.ask.summary',
  role: 'viewer',
};

/** `ask <question>` (and any plain question): the knowledge base's answer, with follow-up buttons. */
export const ask: Command = {
  spec,
  async run({ args, lang, by, deps }) {
    if (!args.trim()) throw new UsageError('what would you like to know?', 'ask.what');
    if (!deps.knowledge) return textReply(t(lang, 'kb.unavailable'));
    return deps.knowledge.ask(args, lang, { archive: deps.archive, user: by });
  },
};
