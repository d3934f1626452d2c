import type { Command } from 'commander';
import { CapturePipeline } from '../../capture/pipeline.ts';
import { createLogger } from '../../log.ts';
import { type CliContext, localUser, progressBar, withArchive } from '../context.ts';
import { formatBackfill, formatCapture } from '../format.ts';

/** `archiefbot capture <url>`: a post with its thread, edits and media, a whole account, or a web page. */
export function register(program: Command, ctx: CliContext): void {
  program
    .command('capture')
    .description('capture a post (with replies, edit history and media), a whole account, or any web page')
    .argument('<url>', 'a Mastodon or Bluesky post or account URL, an at:// URI, or any http(s) URL')
    .option('--json', 'print one JSON document instead of text')
    .option('--as <user>', 'who asked for this capture (written to the audit log)', localUser())
    .addHelpText(
      'after',
      `
A post URL captures the post, its thread (parents and replies), the platform's edit history and its media.
An account URL (https://host/@user, https://bsky.app/profile/<handle>) captures every post the platform serves,
with a progress bar; interrupt it with Ctrl-C and run the same command again to resume where it stopped.
Capturing unchanged content records the sighting but no new version. Exit 1 with the reason when it fails.`,
    )
    .action(async (url: string, opts: { json?: boolean; as: string }) => {
      const config = ctx.config();
      await withArchive(config, async (archive) => {
        const pipeline = new CapturePipeline(archive, config, createLogger());
        const bar = progressBar();
        let stop = false;
        let interrupts = 0;
        const onSigint = () => {
          interrupts++;
          if (interrupts > 1) process.exit(130);
          stop = true;
          ctx.io.err(`\n${ctx.say('cli.backfill-stopping')}`);
        };
        process.on('SIGINT', onSigint);
        try {
          const outcome = await pipeline.capture(
            { url, trigger: 'command', requestedBy: opts.as, channel: 'cli' },
            { shouldStop: () => stop, onProgress: bar.onProgress },
          );
          bar.stop();
          ctx.print(opts.json, outcome, () =>
            outcome.kind === 'post' ? formatCapture(outcome) : formatBackfill(outcome),
          );
          if (outcome.kind === 'account' && !outcome.complete) throw new ctx.Exit(130);
        } finally {
          bar.stop();
          process.off('SIGINT', onSigint);
          await pipeline.close();
        }
      });
    });
}
