import type { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { CaptureError } from '../../domain/errors.ts';
import { describeError } from '../../domain/i18n.ts';
import { type CliContext, localUser, withArchive } from '../context.ts';

/** `archiefbot import <file>`: a platform's own export of an account into the archive. */
export function register(program: Command, ctx: CliContext): void {
  program
    .command('import')
    .description(
      "import a platform's own export of an account: X archive, Facebook/Instagram, LinkedIn, Mastodon",
    )
    .argument('<file>', 'the export as downloaded from the platform (a zip; Mastodon: also .tar.gz)')
    .option(
      '--account <handle>',
      'the account the export is of (when the export does not name it, or to override it)',
    )
    .option('--dry-run', 'read and check the export and say what it would add, without writing anything')
    .option('--json', 'print one JSON document instead of text')
    .option('--as <user>', 'who imports (written to the audit log)', localUser())
    .addHelpText(
      'after',
      `
Formats (recognised by what the zip holds):
  X archive        data/tweets.js (+ tweets_media/, deleted-tweets.js, account.js)
  Facebook         your_facebook_activity/posts/your_posts__check_ins__photos_and_videos_1.json (JSON format)
  Instagram        your_instagram_activity/content/posts_1.json (JSON format)
  LinkedIn         Shares.csv (+ Comments.csv, Profile.csv)
  Mastodon         outbox.json (+ media_attachments/, actor.json); older servers' .tar.gz archives too

The whole file is checked before anything is written; a wrong or damaged file is refused with one line.
Every imported post is a version with origin "import", its metadata naming the export file and its SHA-256;
the export's documents and media are kept as WARC resource records. Posts already archived are matched by
the platform's id: nothing captured is overwritten, only what is missing is added, and importing the same
export again adds nothing. Interrupted (Ctrl-C, a crash)? Run the same command again: it resumes.`,
    )
    .action(
      async (file: string, opts: { account?: string; dryRun?: boolean; json?: boolean; as: string }) => {
        const config = ctx.config();
        const [{ SingleBar }, { importExport, importSummary }] = await Promise.all([
          import('cli-progress'),
          import('../../usecases/import.ts'),
        ]);
        await withArchive(config, async (archive) => {
          let bar: SingleBar | undefined;
          let stage = '';
          try {
            const report = await importExport(archive, {
              file,
              account: opts.account ?? null,
              dryRun: opts.dryRun,
              requestedBy: opts.as,
              channel: 'cli',
              // One bar per stage: the media check (before anything is written), then the posts.
              onProgress: (p) => {
                if (!process.stderr.isTTY) return;
                if (!bar || stage !== p.stage) {
                  bar?.stop();
                  stage = p.stage;
                  bar = new SingleBar({
                    format: `${p.stage} [{bar}] {value}/{total} ${p.stage === 'check' ? 'media files' : 'posts'}`,
                    stream: process.stderr,
                    hideCursor: true,
                  });
                  bar.start(p.total, 0);
                }
                bar.update(p.done);
              },
            });
            bar?.stop();
            ctx.print(opts.json, report, () => importSummary(report, ctx.lang).join('\n'));
          } catch (err) {
            bar?.stop();
            if (!(err instanceof CaptureError)) throw err;
            ctx.fail(
              opts.json,
              { code: err.code, message: err.message },
              ctx.say('import.failed', { reason: describeError(err, ctx.lang) }),
            );
          }
        });
      },
    );
}
