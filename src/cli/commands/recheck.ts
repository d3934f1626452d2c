import type { Command } from 'commander';
import { type CliContext, withArchive } from '../context.ts';
import { formatRecheck } from '../format.ts';
import { loadPipeline } from '../load-pipeline.ts';

/** `archiefbot recheck [--all]`: one re-check pass now. */
export function register(program: Command, ctx: CliContext): void {
  program
    .command('recheck')
    .description(
      'run one re-check pass now: the posts that are due (or --all), edits, deletions and the rest',
    )
    .option('--all', 'every post that can be re-checked, due or not')
    .option('--json', 'print one JSON document instead of text')
    .addHelpText(
      'after',
      '\nOutcomes: unchanged, edited (a new version is captured), deleted (not found, asked twice), unavailable\n(suspended, private, login required), restored (back after a loss), error (never counted as a deletion).\nAlerts are stored; `archiefbot serve` delivers them to subscribed channels.',
    )
    .action(async (opts: { all?: boolean; json?: boolean }) => {
      const config = ctx.config();
      const [{ CapturePipeline, createLogger }, { Rechecker }] = await Promise.all([
        loadPipeline(),
        import('../../monitor/recheck.ts'),
      ]);
      await withArchive(config, async (archive) => {
        const pipeline = new CapturePipeline(archive, config, createLogger());
        try {
          const pass = await new Rechecker(pipeline, config).pass({ all: opts.all });
          const out = { checked: pass.checked, outcomes: pass.outcomes, alerts: pass.alerts };
          ctx.print(opts.json, out, () => formatRecheck(pass));
        } finally {
          await pipeline.close();
        }
      });
    });
}
