/**
 * What every command module of the CLI shares: where it prints, the environment, the configuration
 * (loaded on first use), the language of its error lines, `--json` printing and the way to end with
 * an exit code. A command module is `register(program, ctx)` (src/cli/commands/).
 */
import { userInfo } from 'node:os';
import { InvalidArgumentError } from 'commander';
import type { Config } from '../config.ts';
import { UsageError } from '../domain/errors.ts';
import { type MessageKey, type MessageVars, t } from '../domain/i18n.ts';
import type { Lang } from '../domain/types.ts';
import type { Archive } from '../store/archive.ts';
import { BUILT_SNAPSHOT, configFromSnapshot } from './config-fast.ts';

/**
 * The configuration module (zod, YAML): loaded with this module when running the sources; in the
 * bundled CLI only when its validated defaults cannot answer (prepareConfig), so `search` starts
 * without it.
 */
let configModule: typeof import('../config.ts') | undefined =
  BUILT_SNAPSHOT === undefined ? await import('../config.ts') : undefined;

/** Makes ctx.config() ready to answer synchronously for `env` (buildProgram calls it). */
export async function prepareConfig(env: NodeJS.ProcessEnv): Promise<void> {
  if (!configModule && !configFromSnapshot(BUILT_SNAPSHOT, env)) configModule = await import('../config.ts');
}

function loadConfig(env: NodeJS.ProcessEnv): Config {
  const fast = configFromSnapshot(BUILT_SNAPSHOT, env);
  if (fast) return fast;
  if (!configModule) throw new Error('archiefbot: the configuration module is not loaded (prepareConfig)');
  return configModule.loadConfig(env);
}

export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
}

export const defaultIo: Io = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
};

/** Thrown by a command to end with this exit code after it has said why. */
export class Exit extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

/** What `--json` prints when a command fails: `{"error": {"code", "message"}}` (message in plain English). */
export interface JsonError {
  code: string;
  message: string;
}

export interface CliContext {
  io: Io;
  env: NodeJS.ProcessEnv;
  /** The language of error lines and notices (ARCHIEFBOT_LANGUAGE, else LC_ALL/LANG; English by default). */
  lang: Lang;
  /** The configuration, loaded from the environment on first use (a ConfigError ends with exit 2). */
  config: () => Config;
  /** Prints `data` as one JSON document with --json, else the text for people. */
  print: (json: boolean | undefined, data: unknown, text: () => string) => void;
  /** A catalogue sentence in the CLI's language. */
  say: (key: MessageKey, vars?: MessageVars) => string;
  /** Says on stderr why the work failed (with --json also the error document on stdout); ends with exit 1. */
  fail: (json: boolean | undefined, error: JsonError, line: string) => never;
  Exit: typeof Exit;
  /** Questions for `ask` without an argument, one per line (default: stdin). */
  stdinLines?: () => AsyncIterable<string>;
}

/** The CLI's language: Dutch when ARCHIEFBOT_LANGUAGE (or else LC_ALL, LANG) starts with "nl". */
export function cliLanguage(env: NodeJS.ProcessEnv): Lang {
  const chosen = env.ARCHIEFBOT_LANGUAGE?.trim() || env.LC_ALL?.trim() || env.LANG?.trim() || '';
  return chosen.toLowerCase().startsWith('nl') ? 'nl' : 'en';
}

export function createContext(
  io: Io,
  env: NodeJS.ProcessEnv,
  extra: Pick<CliContext, 'stdinLines'> = {},
): CliContext {
  let config: Config | undefined;
  const lang = cliLanguage(env);
  return {
    io,
    env,
    lang,
    config: () => {
      config ??= loadConfig(env);
      return config;
    },
    print: (json, data, text) => io.out(json ? JSON.stringify(data, null, 2) : text()),
    say: (key, vars) => t(lang, key, vars),
    fail: (json, error, line) => {
      if (json) io.out(JSON.stringify({ error }));
      io.err(line);
      throw new Exit(1);
    },
    Exit,
    ...extra,
  };
}

/** Who runs the CLI, for the audit log: `cli:<login name>`. */
export function localUser(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return 'cli';
  }
}

/** Checks an `--as` value (ask, kb): a chat user as `<platform>:<user>` (slack:U0123ABCD), else a usage error. */
export function checkChatUser(as: string): void {
  if (!/^(slack|teams|mattermost|shell):\S+$/.test(as))
    throw new UsageError(`"${as}" is not <platform>:<user>`, 'community.as-bad', { value: as });
}

/** An option parser for a whole number of 1 or more. */
export function positiveInt(lang: Lang = 'en'): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(t(lang, 'cli.positive-int'));
    return n;
  };
}

/** Opens the archive for one piece of work and closes it afterwards, also when the work fails. */
export async function withArchive<T>(
  config: Config,
  work: (archive: Archive) => Promise<T>,
  opts: { recover?: boolean } = {},
): Promise<T> {
  // Loaded here, not at start-up: `--help`, `--version` and work that never opens the archive need
  // neither SQLite nor the WARC writer nor the migrations.
  const { Archive } = await import('../store/archive.ts');
  // `recover: false` (verify) leaves the files as found, so bytes nobody committed are reported, not cut.
  const archive = await Archive.open(config.dataDir, config.warc, {
    recheckSchedule: config.monitor.recheckSchedule,
    ...opts,
  });
  try {
    return await work(archive);
  } finally {
    await archive.close();
  }
}
