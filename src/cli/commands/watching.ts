import type { Command } from 'commander';
import { type CliContext, withArchive } from '../context.ts';
import { formatWatching } from '../format.ts';

/** `archiefbot watching`: the accounts being watched. */
export function register(program: Command, ctx: CliContext): void {
  program
    .command('watching')
    .description('the accounts being watched')
    .option('--json', 'print one JSON document instead of text')
    .action(async (opts: { json?: boolean }) => {
      const { watchedAccounts } = await import('../../usecases/watching.ts');
      const list = await withArchive(ctx.config(), watchedAccounts);
      ctx.print(opts.json, { watching: list }, () => formatWatching(list));
    });
}
