/**
 * The `archiefbot` command line: a composition of the command modules in src/cli/commands/ (one per
 * command, listed in its index.ts) over a shared context (src/cli/context.ts). main() maps what happened
 * to the exit code: 0 ok, 1 the work failed, 2 bad usage or configuration.
 */
import { Command, CommanderError } from 'commander';
import { loadCommands } from './cli/commands/index.ts';
import {
  type CliContext,
  cliLanguage,
  createContext,
  defaultIo,
  Exit,
  type Io,
  prepareConfig,
} from './cli/context.ts';
import { CaptureError, UsageError } from './domain/errors.ts';
import { describeError, t } from './domain/i18n.ts';
import { TOOL_VERSION } from './version.ts';

export type { Io };

/** Every command of the program, sub-commands included. */
function allCommands(program: Command): Command[] {
  return program.commands.flatMap((c) => [c, ...allCommands(c)]);
}

/** The program with the commands `argv` needs (all of them when it names none: help, version). */
export async function buildProgram(
  io: Io = defaultIo,
  env: NodeJS.ProcessEnv = process.env,
  extra: Pick<CliContext, 'stdinLines'> = {},
  argv: readonly string[] = [],
): Promise<Command> {
  await prepareConfig(env);
  const ctx = createContext(io, env, extra);
  const program = new Command('archiefbot')
    .description(
      'Archiefbot keeps government social media as records: it captures posts with their replies, edits and ' +
        'media into WARC evidence files and a searchable SQLite archive, and proves nothing was altered.',
    )
    .version(TOOL_VERSION, '-V, --version')
    .showHelpAfterError(ctx.say('cli.help-hint'))
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .addHelpText(
      'after',
      `
Data lives in ARCHIEFBOT_DATA_DIR (default ./data): archiefbot.db and warc/*.warc.gz.
Error lines are in English; with ARCHIEFBOT_LANGUAGE=nl (or LC_ALL/LANG starting with nl) they are in Dutch.
Exit codes: 0 ok, 1 the work failed (not found, blocked address, platform error), 2 bad usage or configuration.
Examples:
  archiefbot capture https://social.overheid.nl/@minbzk/113012345678901234
  archiefbot capture https://bsky.app/profile/minbzk.bsky.social      (every post of the account)
  archiefbot history 12                                                (every version, with what changed)
  archiefbot search "woo verzoek" --since 2025-01-01
  archiefbot status
  archiefbot verify`,
    );
  for (const command of await loadCommands(argv)) command.register(program, ctx);
  for (const c of allCommands(program)) {
    const name = c.parent === program ? c.name() : `${c.parent?.name()} ${c.name()}`;
    c.showHelpAfterError(ctx.say('cli.command-help-hint', { command: name }));
  }
  return program;
}

/** Runs the CLI; returns the exit code (0 ok, 1 the work failed, 2 bad usage or configuration). */
export async function main(
  argv: string[],
  io: Io = defaultIo,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const program = (await buildProgram(io, env, {}, argv)).exitOverride();
  for (const c of allCommands(program)) c.exitOverride();
  const lang = cliLanguage(env);
  const json = argv.includes('--json');
  const jsonError = (code: string, message: string) => {
    if (json) io.out(JSON.stringify({ error: { code, message } }));
  };
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    if (err instanceof Exit) return err.code;
    if (err instanceof CommanderError) {
      return err.exitCode === 0 || err.code === 'commander.helpDisplayed' || err.code === 'commander.version'
        ? 0
        : 2;
    }
    if (err instanceof CaptureError) {
      jsonError(err.code, err.message);
      io.err(t(lang, 'cli.capture-failed', { reason: describeError(err, lang) }));
      // A platform whose credentials are not set is a configuration matter (exit 2), not a failed capture.
      return err.code === 'not-configured' ? 2 : 1;
    }
    // The configuration module is loaded here when start-up did without it (src/cli/config-fast.ts).
    if (err instanceof UsageError || err instanceof (await import('./config.ts')).ConfigError) {
      jsonError('usage', err.message);
      io.err(describeError(err, lang));
      return 2;
    }
    // Not foreseen: the stack goes to stderr for the report, and --json still gets its error document.
    jsonError('internal', err instanceof Error ? err.message : String(err));
    io.err(t(lang, 'cli.unexpected', { error: (err as Error).stack ?? String(err) }));
    return 1;
  }
}
