/**
 * What a chat command is: its spec (keywords, usage and summary from the catalogue, the role it
 * needs), its sub-commands with their own roles, and `run(ctx)`. Each command is one file in
 * src/chat/commands/; the registry (src/chat/commands/index.ts) lists them.
 */
import type { Logger } from 'pino';
import type { MessageKey } from '../domain/i18n.ts';
import type { Archive } from '../store/archive.ts';
import type { PlatformStatus } from '../usecases/status.ts';
import type { CaptureService, ChatCommand } from './chat.ts';
import type { ExportService } from './exports.ts';
import type { Lang, Reply } from './reply.ts';
import type { Role, Roles } from './roles.ts';
import type { KnowledgeService, MonitorService } from './services.ts';

export interface BotDeps {
  archive: Archive;
  captures: CaptureService;
  roles: Roles;
  /** Checks a capture URL before it is queued (the pipeline's resolve); throws CaptureError. */
  checkUrl: (url: string) => void;
  lookupKeys: (ref: string) => string[];
  knowledge?: KnowledgeService;
  monitor?: MonitorService;
  /** The export queue (`export …`); absent where no queue runs. */
  exports?: ExportService;
  /** Each platform's readiness for `status` (usecases/status.ts platformStatus); absent: not shown. */
  platforms?: () => Promise<PlatformStatus[]>;
  defaultLanguage?: Lang;
  pageSize?: number;
  log?: Logger;
}

export interface CommandSpec {
  name: string;
  /** Keywords per language; the first is the one shown in help and put on buttons. */
  words: Record<Lang, string[]>;
  usage: MessageKey;
  summary: MessageKey;
  /** The role the command needs (sub-commands may declare another). */
  role: Role;
  /** The keyword's language yields to a language the channel set (`help` / `hulp`). */
  channelLanguageFirst?: boolean;
}

/** A sub-command: the first word of the arguments, with the role it needs. */
export interface SubCommand<N extends string = string> {
  name: N;
  words: Record<Lang, readonly string[]>;
  role: Role;
}

export interface CommandContext {
  /** What follows the keyword. */
  args: string;
  /** The keyword as typed. */
  word: string;
  /** The spec of the command being run. */
  spec: CommandSpec;
  lang: Lang;
  cmd: ChatCommand;
  /** `platform:user`, as the audit log and the store name the asker. */
  by: string;
  roles: Role[];
  deps: BotDeps;
  pageSize: number;
  /** Every command (for help). */
  commands: readonly Command[];
}

export interface Command {
  spec: CommandSpec;
  subs?: readonly SubCommand[];
  run(ctx: CommandContext): Promise<Reply> | Reply;
}

/** The sub-command named by the first word of `args`, and the rest of the arguments. */
export function subCommand<S extends SubCommand>(
  subs: readonly S[],
  args: string,
): { sub: S | null; word: string; rest: string } {
  const [first = '', ...rest] = args.trim().split(/\s+/);
  const word = first.toLowerCase();
  const sub = subs.find((s) => s.words.nl.includes(word) || s.words.en.includes(word)) ?? null;
  return { sub, word, rest: rest.join(' ') };
}

/** The role a command needs for these arguments: its sub-command's, else its own. */
export function neededRole(command: Command, args: string): Role {
  return subCommand(command.subs ?? [], args).sub?.role ?? command.spec.role;
}

/** A command as the user types it in `lang` (for buttons and examples): `toon 12`, `meldingen gezien 3`. */
export function commandLine(lang: Lang, ...parts: (SubCommand | CommandSpec | string | number)[]): string {
  return parts.map((p) => (typeof p === 'object' ? p.words[lang][0] : String(p))).join(' ');
}

/** The paging option of `search` and `history`, per language. */
export const PAGE: Record<Lang, string> = { nl: 'pagina', en: 'page' };

/** The page a `page:3` / `pagina:3` option asks for (1 when absent or wrong). */
export function pageOf(text: string): number {
  const m = /(?:page|pagina):(\d+)/i.exec(text);
  const n = m ? Number(m[1]) : 1;
  return Number.isInteger(n) && n >= 1 ? Math.min(n, 1000) : 1;
}
