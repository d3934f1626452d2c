import { CaptureError, UsageError } from '../domain/errors.ts';
import { t } from '../domain/i18n.ts';
import { appendAudit } from '../store/audit.ts';
import { channelLanguage } from '../usecases/channel.ts';
import type { ChatCommand } from './chat.ts';
import { type BotDeps, type Command, neededRole } from './command.ts';
import { helpLine, helpReply } from './commands/help.ts';
import { COMMANDS } from './commands/index.ts';
import { didYouMean, guessLanguage, type ParsedCommand, parseCommand } from './parse.ts';
import { errorText } from './presenters.ts';
import { type Lang, type Reply, ReplyBuilder, textReply } from './reply.ts';
import type { Role } from './roles.ts';
import { short } from './text.ts';

export type { BotDeps } from './command.ts';
export type { KnowledgeService, MonitorService } from './services.ts';

/**
 * The core of every chat adapter: one command language, one set of permissions, one audit trail.
 * Adapters hand it a ChatCommand and render the Reply it returns; they decide nothing themselves.
 * Each command lives in src/chat/commands/; the bot parses, authorises, audits, runs and replies.
 */
export class Bot {
  private readonly pageSize: number;

  constructor(readonly deps: BotDeps) {
    this.pageSize = deps.pageSize ?? 5;
  }

  /**
   * The language to answer in: the keyword's (`archiveer` → Dutch), else the channel's (`taal`), else
   * a question's own, else the default. `help`/`hulp` yields to a language the channel set.
   */
  async languageFor(cmd: ChatCommand, parsed?: ParsedCommand): Promise<Lang> {
    const keyword = parsed?.lang ?? null;
    if (keyword && !parsed?.spec?.channelLanguageFirst) return keyword;
    const channel = await channelLanguage(this.deps.archive, {
      platform: cmd.platform,
      channel: cmd.channel,
    });
    if (channel) return channel;
    if (keyword) return keyword;
    const fallback = this.deps.defaultLanguage ?? 'nl';
    if (parsed?.name === 'ask') return guessLanguage(parsed.args) ?? fallback;
    return fallback;
  }

  /** The help text in `lang` (every command, or the one `topic` names), as `help` answers it. */
  help(topic: string, lang: Lang): Reply {
    return helpReply(COMMANDS, topic, lang);
  }

  /** Handles one command; never throws for what a user can cause: every problem is an answer. */
  async handle(cmd: ChatCommand): Promise<Reply> {
    const text = (cmd.action?.command ?? cmd.text ?? '').trim();
    const parsed = parseCommand(text || 'help');
    const lang = await this.languageFor(cmd, parsed);
    if (!parsed.command) {
      await this.audit(cmd, text, { command: null, allowed: false, reason: 'unknown command' });
      return this.unknown(text, parsed, lang);
    }
    const roles = this.deps.roles.rolesOf(cmd.platform, cmd.user, cmd.channel);
    const needed = neededRole(parsed.command, parsed.args);
    if (!this.deps.roles.allows(roles, needed)) {
      await this.audit(cmd, text, { command: parsed.name, allowed: false, needed, roles });
      const held = roles.join(', ') || t(lang, 'chat.no-roles');
      return textReply(t(lang, 'chat.refused', { word: parsed.word, role: needed, roles: held }), {
        kind: 'refused',
        private: true,
      });
    }
    await this.audit(cmd, text, { command: parsed.name, allowed: true, roles });
    return this.run(parsed.command, parsed, cmd, lang, roles, text);
  }

  private async run(
    command: Command,
    parsed: ParsedCommand,
    cmd: ChatCommand,
    lang: Lang,
    roles: Role[],
    text: string,
  ): Promise<Reply> {
    try {
      return await command.run({
        args: parsed.args,
        word: parsed.word,
        spec: command.spec,
        lang,
        cmd,
        by: `${cmd.platform}:${cmd.user}`,
        roles,
        deps: this.deps,
        pageSize: this.pageSize,
        commands: COMMANDS,
      });
    } catch (err) {
      if (err instanceof UsageError || err instanceof CaptureError) {
        return textReply(errorText(err, lang), { kind: 'error', private: true });
      }
      this.deps.log?.error({ err, text }, 'chat command failed');
      return textReply(t(lang, 'chat.failed'), { kind: 'error' });
    }
  }

  private unknown(text: string, parsed: ParsedCommand, lang: Lang): Reply {
    const guess = didYouMean(parsed.word);
    const sentence = t(lang, 'chat.unknown-command', { text: short(text, 60) });
    return new ReplyBuilder()
      .section(guess ? `${sentence} ${t(lang, 'chat.did-you-mean', { word: guess.word })}` : sentence)
      .context(helpLine(COMMANDS, lang))
      .build({ kind: 'error', private: true });
  }

  private async audit(cmd: ChatCommand, text: string, detail: Record<string, unknown>): Promise<void> {
    const db = this.deps.archive.db;
    await db.transaction(() =>
      appendAudit(db, {
        actor: `${cmd.platform}:${cmd.user}`,
        action: 'chat.command',
        subject: text,
        detail: { platform: cmd.platform, user: cmd.user, channel: cmd.channel, ...detail },
      }),
    );
  }
}
