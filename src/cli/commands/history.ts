import type { Command } from 'commander';
import type { CliContext } from '../context.ts';
import { formatHistory } from '../format.ts';
import { withPost } from './show.ts';

/** `archiefbot history <id|url>`: every version of a post, oldest first, with the word diff of each. */
export function register(program: Command, ctx: CliContext): void {
  program
    .command('history')
    .description(
      'every version of an archived post, oldest first, each with the word diff against the one before',
    )
    .argument('<id|url>', 'the archive id (#12), the post URL, or its platform id (at://…, ActivityPub URI)')
    .option('--json', 'print one JSON document instead of text')
    .addHelpText(
      'after',
      '\nThe diff marks removed words as [-removed-] and added words as {+added+}; version 1 shows its whole text.',
    )
    .action(async (ref: string, opts: { json?: boolean }) => {
      const { postHistory } = await import('../../usecases/history.ts');
      const history = await withPost(ctx, ref, opts.json, (archive, keys) => postHistory(archive, ref, keys));
      ctx.print(opts.json, history, () => formatHistory(history));
    });
}
