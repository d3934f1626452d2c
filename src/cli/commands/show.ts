import type { Command } from 'commander';
import { UsageError } from '../../domain/errors.ts';
import type { Archive } from '../../store/archive.ts';
import { type CliContext, withArchive } from '../context.ts';
import { formatShow } from '../format.ts';
import { loadPipeline } from '../load-pipeline.ts';

/** A post number as typed (`12`, `#12`): it is looked up as an id and as a platform id, nothing else. */
const POST_NUMBER = /^#?\d+$/;

/**
 * Runs a use case that looks up one archived post with the pipeline's lookup keys; an unknown post is
 * said on one line (and `{"error": {"code": "not-in-archive"}}` with --json) and ends with exit 1.
 * The keys come from the connectors (a Bluesky post's at:// URI, a Mastodon status's other URL): only
 * a reference that can be a link has any, so for a post number the capture pipeline is not loaded (its
 * lookupKeys would give none: a number is no URL) — `show 12` starts without it (issue 16).
 */
export async function withPost<T>(
  ctx: CliContext,
  ref: string,
  json: boolean | undefined,
  work: (archive: Archive, lookupKeys: (ref: string) => string[]) => Promise<T>,
): Promise<T> {
  const config = ctx.config();
  const loaded = POST_NUMBER.test(ref.trim()) ? undefined : await loadPipeline();
  try {
    return await withArchive(config, async (archive) => {
      if (!loaded) return await work(archive, () => []);
      const pipeline = new loaded.CapturePipeline(archive, config);
      try {
        return await work(archive, (r) => pipeline.lookupKeys(r));
      } finally {
        await pipeline.close();
      }
    });
  } catch (err) {
    if (!(err instanceof UsageError) || err.key !== 'post.not-found') throw err;
    return ctx.fail(
      json,
      { code: 'not-in-archive', message: `no archived post ${ref}` },
      ctx.say('cli.post-not-found', { ref }),
    );
  }
}

/** `archiefbot show <id|url>`: an archived post with its versions, replies, media, captures and evidence. */
export function register(program: Command, ctx: CliContext): void {
  program
    .command('show')
    .description(
      'show an archived post: every version (time, hash, what changed), replies, media, captures and evidence',
    )
    .argument('<id|url>', 'the archive id (#12), the post URL, or its platform id (at://…, ActivityPub URI)')
    .option('--json', 'print one JSON document instead of text')
    .action(async (ref: string, opts: { json?: boolean }) => {
      const { showArchivedPost } = await import('../../usecases/post.ts');
      const detail = await withPost(ctx, ref, opts.json, (archive, keys) =>
        showArchivedPost(archive, ref, keys),
      );
      ctx.print(opts.json, detail, () => formatShow(detail));
    });
}
