import { UsageError } from '../../domain/errors.ts';
import { t } from '../../domain/i18n.ts';
import { type Command, type CommandSpec, commandLine, type SubCommand, subCommand } from '../command.ts';
import type { Lang } from '../reply.ts';
import { textReply } from '../reply.ts';
import type { KbAction } from '../services.ts';

export const spec: CommandSpec = {
  name: 'kb',
  words: { en: ['kb'], nl: ['kb', 'kennisbank'] },
  usage: 'command.kb.usage',
  summary: 'command.kb.summary',
  role: 'viewer',
};

/**
 * The klankbordgroep's actions: anyone suggests and lists; experts approve and reject. The knowledge
 * community (issue 18): anyone lists the open questions, reads the house rules and the digest; experts
 * answer or pass; the leader sets the house rules (`kb rules set …`, checked in src/chat/community.ts),
 * assigns experts to topics and retires entries.
 */
const SUBS: readonly SubCommand<KbAction>[] = [
  { name: 'suggest', words: { en: ['suggest'], nl: ['voorstel', 'stel-voor'] }, role: 'viewer' },
  { name: 'pending', words: { en: ['pending'], nl: ['wachtend'] }, role: 'viewer' },
  { name: 'approve', words: { en: ['approve'], nl: ['goedkeuren'] }, role: 'expert' },
  { name: 'reject', words: { en: ['reject'], nl: ['afwijzen'] }, role: 'expert' },
  { name: 'open', words: { en: ['open'], nl: ['open', 'openstaand'] }, role: 'viewer' },
  { name: 'answer', words: { en: ['answer'], nl: ['antwoord', 'beantwoord'] }, role: 'expert' },
  { name: 'pass', words: { en: ['pass'], nl: ['overslaan'] }, role: 'expert' },
  { name: 'rules', words: { en: ['rules'], nl: ['huisregels', 'regels'] }, role: 'viewer' },
  { name: 'expert', words: { en: ['expert'], nl: ['expert'] }, role: 'leader' },
  { name: 'retire', words: { en: ['retire'], nl: ['intrekken'] }, role: 'leader' },
  { name: 'digest', words: { en: ['digest'], nl: ['overzicht'] }, role: 'viewer' },
];

/** The command that approves a suggestion, in `lang` (`kb goedkeuren 3`), for the pending list's buttons. */
export function approveCommand(id: number, lang: Lang): string {
  return commandLine(lang, spec, SUBS[2]!, id);
}

/** `kb suggest|pending|approve|reject|open|answer|pass|rules|expert|retire|digest …`: the knowledge community. */
export const kb: Command = {
  spec,
  subs: SUBS,
  async run({ args, lang, by, roles, deps }) {
    const { sub, rest } = subCommand(SUBS, args);
    if (!sub)
      throw new UsageError('usage: kb suggest|pending|approve|reject|open|answer|rules|digest', 'kb.usage');
    if (!deps.knowledge) return textReply(t(lang, 'kb.unavailable'));
    return deps.knowledge.kb(sub.name, rest, lang, { archive: deps.archive, user: by, roles });
  },
};
