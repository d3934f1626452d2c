import { UsageError } from '../../domain/errors.ts';
import { t } from '../../domain/i18n.ts';
import { setLanguage } from '../../usecases/channel.ts';
import type { Command, CommandSpec } from '../command.ts';
import { textReply } from '../reply.ts';

export const spec: CommandSpec = {
  name: 'language',
  words: { en: ['language'], nl: ['taal'] },
  usage: 'command.language.usage',
  summary: 'command.language.summary',
  role: 'archivist',
};

/** `language nl|en`: the language the bot answers in, in this channel (answered in that language). */
export const language: Command = {
  spec,
  async run({ args, cmd, by, deps }) {
    const choice = args.trim().toLowerCase();
    if (choice !== 'nl' && choice !== 'en') throw new UsageError('usage: language nl|en', 'language.usage');
    await setLanguage(deps.archive, { platform: cmd.platform, channel: cmd.channel }, choice, by);
    return textReply(t(choice, 'language.set'));
  },
};
