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

/**
 * `ask <question>` (and any plain question): the knowledge base's answer, with follow-up buttons and a
 * "this did not help" button (`ask #n<id>`), which puts the question to the experts.
 */
export const ask: Command = {
  spec,
  async run({ args, lang, by, cmd, deps }) {
    if (!args.trim()) throw new UsageError('what would you like to know?', 'ask.what');
    if (!deps.knowledge) return textReply(t(lang, 'kb.unavailable'));
    // The "this did not help" button under an answer (`vraag #n12`): the question goes to the experts.
    const unhelpful = /^#n(\d+)$/i.exec(args.trim());
    if (unhelpful)
      return deps.knowledge.kb('unhelpful', unhelpful[1]!, lang, { archive: deps.archive, user: by });
    return deps.knowledge.ask(args, lang, { archive: deps.archive, user: by, replyTo: cmd.replyTo });
  },
};
