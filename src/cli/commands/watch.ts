import { type Command, Option } from 'commander';
import { ACCOUNT_ROLES, type AccountRole } from '../../domain/types.ts';
import { type CliContext, localUser, positiveInt, withArchive } from '../context.ts';
import { loadPipeline } from '../load-pipeline.ts';

interface WatchOptions {
  every?: number;
  org?: string;
  role?: AccountRole;
  json?: boolean;
  as: string;
}

/** `archiefbot watch <account>`: backfill now, then the bot polls the account and re-checks its posts. */
export function register(program: Command, ctx: CliContext): void {
  program
    .command('watch')
    .description(
      'watch an account: secure every post once, then the bot polls it and re-checks its posts for edits and deletions',
    )
    .argument(
      '<account>',
      'account URL (https://social.overheid.nl/@minbzk), @user@instance, or a Bluesky handle',
    )
    .option(
      '--every <seconds>',
      'how often to look for new posts (default monitor.pollIntervalSeconds)',
      positiveInt(ctx.lang),
    )
    .option('--org <name>', 'the organisation whose records these are (archiefvormer)')
    .addOption(new Option('--role <role>', "the account's role, for appraisal").choices([...ACCOUNT_ROLES]))
    .option('--json', 'print one JSON document instead of text')
    .option('--as <user>', 'who asked (written to the audit log)', localUser())
    .action(async (input: string, opts: WatchOptions) => {
      const config = ctx.config();
      const [{ CapturePipeline, createLogger, progressBar }, { watchAccount }] = await Promise.all([
        loadPipeline(),
        import('../../monitor/watch.ts'),
      ]);
      await withArchive(config, async (archive) => {
        const pipeline = new CapturePipeline(archive, config, createLogger());
        const bar = progressBar();
        try {
          const r = await watchAccount(pipeline, input, {
            intervalSeconds: opts.every ?? config.monitor.pollIntervalSeconds,
            organisation: opts.org,
            role: opts.role,
            by: opts.as,
            source: 'command',
            capture: { onProgress: bar.onProgress },
          });
          bar.stop();
          const out = {
            account: {
              platform: r.watch.platform,
              handle: r.watch.handle,
              organisation: r.watch.organisation,
              role: r.watch.role,
            },
            url: r.watch.url,
            everySeconds: r.watch.interval_seconds,
            created: r.created,
            backfill: {
              posts: r.backfill.posts,
              newVersions: r.backfill.newVersions,
              complete: r.backfill.complete,
            },
          };
          ctx.print(opts.json, out, () =>
            [
              `Watching ${r.watch.platform} account ${r.watch.handle}${r.created ? '' : ' (already watched; settings updated)'}`,
              `  ${r.backfill.posts} posts secured, ${r.backfill.newVersions} new versions${r.backfill.complete ? '' : ' (backfill incomplete: it resumes on the next poll)'}`,
              `  polled every ${r.watch.interval_seconds} s while \`archiefbot serve\` (or \`archiefbot worker\`) runs`,
            ].join('\n'),
          );
        } finally {
          bar.stop();
          await pipeline.close();
        }
      });
    });
}
