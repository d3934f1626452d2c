import type { Command } from 'commander';
import type { Config } from '../../config.ts';
import { type CliContext, withArchive } from '../context.ts';
import { formatStatus } from '../format.ts';

/** How long `status` waits for Redis before it says the queue cannot be reached. */
const QUEUE_TIMEOUT_MS = 1500;

/** The capture queue's counts, or why there are none (no REDIS_URL, or Redis did not answer in time). */
async function queueCounts(config: Config): Promise<{ counts: Record<string, number> | null; note: string }> {
  if (!config.redis.url) return { counts: null, note: 'not configured (REDIS_URL is not set)' };
  const [{ Redis }, { CaptureQueue }] = await Promise.all([
    import('ioredis'),
    import('../../queue/capture-queue.ts'),
  ]);
  const redis = new Redis(config.redis.url, {
    lazyConnect: true,
    connectTimeout: QUEUE_TIMEOUT_MS,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  redis.on('error', () => {});
  let queue: InstanceType<typeof CaptureQueue> | undefined;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timeout')), QUEUE_TIMEOUT_MS);
  });
  try {
    // Connected before the queue is made: BullMQ would start connecting the lazy client itself.
    await Promise.race([redis.connect(), late]);
    queue = new CaptureQueue(redis, config.capture.idempotencyWindowSeconds);
    return { counts: await Promise.race([queue.counts(), late]), note: '' };
  } catch {
    return { counts: null, note: `not reachable at ${config.redis.url.replace(/\/\/[^@/]*@/, '//')}` };
  } finally {
    clearTimeout(timer);
    await queue?.close().catch(() => {});
    redis.disconnect();
  }
}

/** `archiefbot status`: the archive's size, failed captures of the last day, the queue, the last captures. */
export function register(program: Command, ctx: CliContext): void {
  program
    .command('status')
    .description(
      'the archive in numbers: posts and versions, captures that failed in the last 24 hours, the queue, the last captures, the Mastodon-API servers met, and each platform: ready, not configured (the variable to set) or its quota left',
    )
    .option('--json', 'print one JSON document instead of text')
    .addHelpText(
      'after',
      '\nA capture that the queue retried counts as one failure. The queue is asked only when REDIS_URL is set\n(and answers within two seconds); otherwise "queue" is null.',
    )
    .action(async (opts: { json?: boolean }) => {
      const config = ctx.config();
      // The connectors' code (their readiness is the platforms' part) loads while the archive opens.
      const registry = import('../../capture/registry.ts');
      const { archiveStatus, platformStatus } = await import('../../usecases/status.ts');
      const queue = await queueCounts(config);
      const status = await withArchive(config, (archive) =>
        archiveStatus(archive, {
          queueCounts: async () => queue.counts,
          platforms: async () => platformStatus(config, archive.db, (await registry).CONNECTOR_FACTORIES),
        }),
      );
      const { posts, versions, failed24h } = status;
      const recent = status.recent.map((c) => ({
        id: c.id,
        url: c.url,
        status: c.status,
        startedAt: c.started_at,
        requestedBy: c.requested_by,
        post: c.post_id,
        attempts: c.attempts,
        error: c.error,
      }));
      const instances = status.instances.map((i) => ({
        host: i.host,
        software: i.software,
        version: i.version,
        confirmedAt: i.confirmedAt,
        batchLookup: i.batchLookup,
        editHistory: i.editHistory,
        streaming: i.streaming,
      }));
      const { platforms } = status;
      ctx.print(
        opts.json,
        { posts, versions, failed24h, queue: status.queue, recent, instances, platforms },
        () => formatStatus(status, queue.note),
      );
    });
}
