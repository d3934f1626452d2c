/**
 * The CLI's commands, one module each: `register(program, ctx)` adds the command (its arguments, options,
 * help and action) to the program. Adding a command is adding a file here and one line to this list
 * (its name as typed, and how to load it); the order is the order of `archiefbot --help`.
 *
 * Loaded lazily: `archiefbot search …` loads the search module and what it needs, not the rest of the
 * program (start-up time, issue 16); `archiefbot --help` loads them all, which is cheap: a command
 * module imports what describing the command needs, and its action imports what running it needs.
 */
import type { Command } from 'commander';
import type { CliContext } from '../context.ts';

export interface CliCommand {
  register(program: Command, ctx: CliContext): void;
}

export interface CliCommandEntry {
  /** The command's name as typed (`archiefbot <name>`). */
  name: string;
  load(): Promise<CliCommand>;
}

export const COMMANDS: readonly CliCommandEntry[] = [
  { name: 'capture', load: () => import('./capture.ts') },
  { name: 'import', load: () => import('./import.ts') },
  { name: 'show', load: () => import('./show.ts') },
  { name: 'history', load: () => import('./history.ts') },
  { name: 'search', load: () => import('./search.ts') },
  { name: 'status', load: () => import('./status.ts') },
  { name: 'verify', load: () => import('./verify.ts') },
  { name: 'seal', load: () => import('./seal.ts') },
  { name: 'export', load: () => import('./export.ts') },
  { name: 'appraise', load: () => import('./appraise.ts') },
  { name: 'hold', load: () => import('./hold.ts') },
  { name: 'dispose', load: () => import('./dispose.ts') },
  { name: 'watch', load: () => import('./watch.ts') },
  { name: 'unwatch', load: () => import('./unwatch.ts') },
  { name: 'watching', load: () => import('./watching.ts') },
  { name: 'recheck', load: () => import('./recheck.ts') },
  { name: 'alerts', load: () => import('./alerts.ts') },
  { name: 'serve', load: () => import('./serve.ts') },
  { name: 'worker', load: () => import('./worker.ts') },
  { name: 'viewer', load: () => import('./viewer.ts') },
  { name: 'login-link', load: () => import('./login-link.ts') },
  { name: 'ask', load: () => import('./ask.ts') },
  { name: 'kb', load: () => import('./kb.ts') },
  { name: 'demo', load: () => import('./demo.ts') },
];

/** The modules of the commands `argv` needs: the one it names, or all (help, version, a typo). */
export async function loadCommands(argv: readonly string[]): Promise<CliCommand[]> {
  const args = argv.slice(2);
  // `--version` alone needs no command at all.
  if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) return [];
  const first = args.find((a) => !a.startsWith('-'));
  const named = COMMANDS.filter((c) => c.name === first);
  return Promise.all((named.length ? named : COMMANDS).map((c) => c.load()));
}
