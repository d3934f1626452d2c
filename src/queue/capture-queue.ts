import { createHash } from 'node:crypto';
import { Queue, QueueEvents, UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { CaptureOutcome, CaptureRequest } from '../capture/pipeline.ts';
import { CapturePipeline } from '../capture/pipeline.ts';
import type { Config } from '../config.ts';
import { CaptureError } from '../domain/errors.ts';
import { Archive } from '../store/archive.ts';

export const CAPTURE_QUEUE = 'capture';

/** What a bot puts on the queue: the same request the CLI runs in-process. */
export interface CaptureJob extends CaptureRequest {
  /** Where the answer goes (adapter-specific thread reference), carried through untouched. */
  replyTo?: unknown;
}

/** One ioredis connection as BullMQ wants it (stack notes: maxRetriesPerRequest null, an error listener). */
export function redisConnection(url: string, log?: Logger): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: null, lazyConnect: false });
  redis.on('error', (err) => log?.warn({ err: err.message }, 'redis connection error'));
  return redis;
}

/** The dedupe key of a URL: the same post asked for twice in a short window is captured once. */
export function captureKey(url: string): string {
  let normal = url.trim();
  try {
    const u = new URL(normal);
    u.hash = '';
    normal = u.href;
  } catch {
    // not a URL: the worker will report it; dedupe on the raw text
  }
  return createHash('sha256').update(normal).digest('hex').slice(0, 32);
}

export class CaptureQueue {
  readonly queue: Queue<CaptureJob, CaptureOutcome>;
  private events?: { listener: QueueEvents; connection: Redis };

  constructor(
    private readonly connection: Redis,
    private readonly windowSeconds: number,
    private readonly prefix = 'archiefbot',
  ) {
    this.queue = new Queue(CAPTURE_QUEUE, { connection, prefix });
    this.queue.on('error', () => {});
  }

  /**
   * Queues a capture; within the idempotency window the same URL returns the job already queued
   * (`duplicate: true`) instead of capturing twice.
   */
  async add(job: CaptureJob): Promise<{ jobId: string; duplicate: boolean }> {
    const key = captureKey(job.url);
    const before = await this.queue.getDeduplicationJobId(key);
    const added = await this.queue.add('capture', job, {
      deduplication: { id: key, ttl: this.windowSeconds * 1000 },
      attempts: 4,
      backoff: { type: 'exponential', delay: 5_000 },
      removeOnComplete: { age: 7 * 86_400, count: 10_000 },
      removeOnFail: { age: 30 * 86_400 },
    });
    return { jobId: added.id!, duplicate: before !== null && before === added.id };
  }

  /** Waits for a job's outcome (for callers that answer in the same conversation). */
  async result(jobId: string, timeoutMs: number): Promise<CaptureOutcome> {
    if (!this.events) {
      // QueueEvents blocks on its connection, so it gets its own.
      const connection = this.connection.duplicate();
      this.events = {
        connection,
        listener: new QueueEvents(CAPTURE_QUEUE, { connection, prefix: this.prefix }),
      };
    }
    const job = await this.queue.getJob(jobId);
    if (!job) throw new Error(`no capture job ${jobId}`);
    return job.waitUntilFinished(this.events.listener, timeoutMs);
  }

  async counts() {
    return this.queue.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed');
  }

  async close(): Promise<void> {
    await this.events?.listener.close();
    this.events?.connection.disconnect();
    await this.queue.close();
  }
}

/**
 * The capture worker: runs the same pipeline as the CLI. A capture that can never succeed
 * (not found, unsupported, blocked) fails at once; a passing problem (rate limit, 5xx, timeout)
 * is retried with back-off and stays visible as failed after the last try.
 */
export function startCaptureWorker(opts: {
  connection: Redis;
  pipeline: CapturePipeline;
  concurrency: number;
  prefix?: string;
  log?: Logger;
}): Worker<CaptureJob, CaptureOutcome> {
  const worker = new Worker<CaptureJob, CaptureOutcome>(
    CAPTURE_QUEUE,
    async (job) => {
      try {
        return await opts.pipeline.capture({
          url: job.data.url,
          trigger: job.data.trigger,
          requestedBy: job.data.requestedBy ?? null,
          channel: job.data.channel ?? null,
        });
      } catch (err) {
        if (err instanceof CaptureError && !err.retryable)
          throw new UnrecoverableError(`${err.code}: ${err.message}`);
        throw err;
      }
    },
    { connection: opts.connection, prefix: opts.prefix ?? 'archiefbot', concurrency: opts.concurrency },
  );
  worker.on('error', (err) => opts.log?.error({ err: err.message }, 'capture worker error'));
  worker.on('failed', (job, err) =>
    opts.log?.warn({ job: job?.id, url: job?.data.url, err: err.message }, 'capture failed'),
  );
  worker.on('completed', (job) => opts.log?.info({ job: job.id, url: job.data.url }, 'capture done'));
  return worker;
}

/** `archiefbot worker`: runs until SIGINT/SIGTERM, then lets running captures finish. */
export async function runWorker(config: Config, opts: { concurrency: number; log: Logger }): Promise<void> {
  const archive = await Archive.open(config.dataDir, config.warc, {
    recheckSchedule: config.monitor.recheckSchedule,
  });
  const pipeline = new CapturePipeline(archive, config, opts.log);
  const connection = redisConnection(config.redis.url, opts.log);
  const worker = startCaptureWorker({ connection, pipeline, concurrency: opts.concurrency, log: opts.log });
  // Watching and re-checking run here too; alerts are stored and `serve` delivers them.
  const { Monitor } = await import('../monitor/service.ts');
  const { Bot } = await import('../chat/bot.ts');
  const { Roles } = await import('../chat/roles.ts');
  const bot = new Bot({
    archive,
    roles: Roles.load(),
    captures: { enqueue: async () => ({ jobId: '', duplicate: false }), counts: async () => ({}) },
    checkUrl: (url) => void pipeline.resolve(url),
    lookupKeys: (ref) => pipeline.lookupKeys(ref),
  });
  const monitor = new Monitor({
    pipeline,
    config,
    connection,
    bot,
    adapters: new Map(),
    env: process.env,
    log: opts.log,
  });
  const monitorConnection = redisConnection(config.redis.url, opts.log);
  await monitor.startWorker(monitorConnection);
  await monitor.startStreams();
  opts.log.info({ concurrency: opts.concurrency }, 'capture and monitor worker started');
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  opts.log.info('stopping: letting running captures finish');
  await worker.close();
  await monitor.stop();
  monitorConnection.disconnect();
  await connection.quit();
  await pipeline.close();
  await archive.close();
}
