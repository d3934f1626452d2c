import type { Command } from 'commander';
import { type CliContext, localUser, withArchive } from '../context.ts';
import { loadPipeline } from '../load-pipeline.ts';

/** `archiefbot unwatch <account>`: stop watching; what was archived stays. */
export function register(program: Command, ctx: CliContext): void {
  program
    .command('unwatch')
    .description('stop watching an account (everything archived stays)')
    .argument('<account>', 'account URL, @user@instance, or Bluesky handle')
    .option('--json', 'print one JSON document instead of text')
    .option('--as <user>', 'who asked (written to the audit log)', localUser())
    .action(async (input: string, opts: { json?: boolean; as: string }) => {
      const config = ctx.config();
      const [{ CapturePipeline }, { unwatchAccount }] = await Promise.all([
        loadPipeline(),
        import('../../monitor/watch.ts'),
      ]);
      const handle = await withArchive(config, async (archive) => {
        const pipeline = new CapturePipeline(archive, config);
        return unwatchAccount(pipeline, input, opts.as).finally(() => pipeline.close());
      });
      if (!handle)
        ctx.fail(
          opts.json,
          { code: 'not-watched', message: `${input} is not being watched` },
          ctx.say('cli.not-watched', { account: input }),
        );
      ctx.print(
        opts.json,
        { unwatched: handle },
        () => `No longer watching ${handle}; what was archived stays.`,
      );
    });
}
