import type { Command } from 'commander';
import { UsageError } from '../../domain/errors.ts';
import { type CliContext, localUser, withArchive } from '../context.ts';
import { formatBackfill, formatCapture } from '../format.ts';
import { loadPipeline } from '../load-pipeline.ts';

/** `archiefbot capture <url>`: a post with its thread, edits and media, a whole account, or a web page. */
export function register(program: Command, ctx: CliContext): void {
  program
    .command('capture')
    .description('capture a post (with replies, edit history and media), a whole account, or any web page')
    .argument('<url>', 'a Mastodon or Bluesky post or account URL, an at:// URI, or any http(s) URL')
    .option(
      '--method <method>',
      "browser: render the page in headless Chromium (screenshot, every request, text as shown); default: the platform's API, else the page",
    )
    .option('--json', 'print one JSON document instead of text')
    .option('--as <user>', 'who asked for this capture (written to the audit log)', localUser())
    .addHelpText(
      'after',
      `
A post URL captures the post, its thread (parents and replies), the platform's edit history and its media.
An account URL (https://host/@user, https://bsky.app/profile/<handle>) captures every post the platform serves,
with a progress bar; interrupt it with Ctrl-C and run the same command again to resume where it stopped.
Capturing unchanged content records the sighting but no new version. Exit 1 with the reason when it fails.

--method browser renders the page in headless Chromium (Debian's chromium; ARCHIEFBOT_CHROMIUM names
another path): what scripts show after the page loads, a full-page screenshot, the rendered DOM and every
request the page made, with what it missed. Without --method the browser is also used for platforms that
have no configured connector (credentials not set) when Chromium is installed, and for pages it captured before.`,
    )
    .action(async (url: string, opts: { json?: boolean; as: string; method?: string }) => {
      if (opts.method !== undefined && opts.method !== 'browser')
        throw new UsageError(`unknown capture method "${opts.method}" (only: browser)`, 'capture.method', {
          method: opts.method,
        });
      const config = ctx.config();
      const { CapturePipeline, createLogger, progressBar } = await loadPipeline();
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
            {
              url,
              trigger: 'command',
              requestedBy: opts.as,
              channel: 'cli',
              ...(opts.method === 'browser' ? { method: 'browser' as const } : {}),
            },
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
