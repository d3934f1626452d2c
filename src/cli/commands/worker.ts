import type { Command } from 'commander';
import { UsageError } from '../../domain/errors.ts';
import { type CliContext, positiveInt } from '../context.ts';

/** `archiefbot worker`: the BullMQ workers (captures, watching, re-checking) on their own. */
export function register(program: Command, ctx: CliContext): void {
  program
    .command('worker')
    .description(
      'run the capture queue worker (BullMQ on Redis; REDIS_URL) that the chat bots hand captures to',
    )
    .option('--concurrency <n>', 'captures at once', positiveInt(ctx.lang), 2)
    .action(async (opts: { concurrency: number }) => {
      const config = ctx.config();
      if (!config.redis.url)
        throw new UsageError(
          'set REDIS_URL (for example redis://127.0.0.1:6379) to run the worker',
          'cli.worker-needs-redis',
        );
      const { runWorker } = await import('../../worker.ts');
      const { createLogger } = await import('../../log.ts');
      await runWorker(config, { concurrency: opts.concurrency, log: createLogger('info') });
    });
}
