import { UsageError } from '../../domain/errors.ts';
import { t } from '../../domain/i18n.ts';
import type { Command, CommandSpec } from '../command.ts';
import { type Lang, type Reply, ReplyBuilder } from '../reply.ts';

export const spec: CommandSpec = {
  name: 'help',
  words: { en: ['help'], nl: ['hulp'] },
  usage: 'command.help.usage',
  summary: 'command.help.summary',
  role: 'viewer',
  channelLanguageFirst: true,
};

/** One line naming every command, for "unknown command" and "no help on …". */
export function helpLine(commands: readonly Command[], lang: Lang): string {
  return t(lang, 'help.line', { commands: commands.map((c) => c.spec.words[lang][0]).join(', ') });
}

/** `help [command]`: every command with its usage, or one command with its words and roles. */
export const help: Command = {
  spec,
  run: ({ args, lang, commands }) => helpReply(commands, args, lang),
};

/** The help text: every command, or the one named by `topic`. */
export function helpReply(commands: readonly Command[], text: string, lang: Lang): Reply {
  const topic = text.trim().toLowerCase();
  if (!topic) {
    return new ReplyBuilder()
      .header(t(lang, 'help.title'))
      .section(commands.map((c) => `\`${t(lang, c.spec.usage)}\` — ${t(lang, c.spec.summary)}`).join('\n'))
      .context(t(lang, 'help.footer'))
      .build();
  }
  const command = commands.find((c) => c.spec.words.en.includes(topic) || c.spec.words.nl.includes(topic));
  if (!command) {
    throw new UsageError(`no help on "${topic}"`, 'help.unknown-topic', {
      topic,
      line: helpLine(commands, lang),
    });
  }
  const other: Lang = lang === 'nl' ? 'en' : 'nl';
  const s = command.spec;
  const roles = (command.subs ?? [])
    .filter((sub) => sub.role !== s.role)
    .map((sub) =>
      t(lang, 'help.sub-role', { command: `${s.words[lang][0]} ${sub.words[lang][0]}`, role: sub.role }),
    );
  return new ReplyBuilder()
    .header(`\`${t(lang, s.usage)}\``)
    .section(t(lang, s.summary))
    .context(
      [
        t(lang, 'help.also', {
          words: [...new Set([...s.words[lang], ...s.words[other]])].join(', '),
          role: s.role,
        }),
        ...roles,
      ].join(' · '),
    )
    .build();
}
