import { createHash } from 'node:crypto';
import { Queue, QueueEvents, UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { CaptureOutcome, CapturePipeline, CaptureRequest } from '../capture/pipeline.ts';
import { CaptureError, type ErrorVars, UsageError } from '../domain/errors.ts';
import type { ReplyTarget } from '../domain/target.ts';
import type { Lang } from '../domain/types.ts';

export const CAPTURE_QUEUE = 'capture';

/** Tries of a capture job: a passing problem (rate limit, 5xx, timeout) gets this many. */
const CAPTURE_ATTEMPTS = 4;

/** What a bot puts on the queue: the same request the CLI runs in-process. */
export interface CaptureJob extends CaptureRequest {
  /** Where the answer goes (adapter-specific thread reference), carried through untouched. */
  replyTo?: ReplyTarget;
  /** The language of the answer. */
  lang?: Lang;
  /** Why the last attempt failed, as data for the answer (set by the worker). */
  error?: { message: string; key?: string; vars?: ErrorVars };
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
   * (`duplicate: true`) instead of capturing twice. `jobId`: an id of the caller's own (not an
   * integer, no colon), for jobs that must be told apart from ones Redis numbered after losing its data.
   */
  async add(job: CaptureJob, jobId?: string): Promise<{ jobId: string; duplicate: boolean }> {
    // A browser capture of a URL is another job than the one the pipeline chooses the method for.
    const key = job.method ? `${captureKey(job.url)}-${job.method}` : captureKey(job.url);
    const before = await this.queue.getDeduplicationJobId(key);
    const added = await this.queue.add('capture', job, {
      jobId,
      deduplication: { id: key, ttl: this.windowSeconds * 1000 },
      attempts: CAPTURE_ATTEMPTS,
      backoff: { type: 'exponential', delay: 5_000 },
      removeOnComplete: { age: 7 * 86_400, count: 10_000 },
      removeOnFail: { age: 30 * 86_400 },
    });
    return {
      jobId: added.id!,
      duplicate: (before !== null && before === added.id) || (jobId !== undefined && added.id !== jobId),
    };
  }

  /** Waits for a job's outcome (for callers that answer in the same conversation). */
  async result(jobId: string, timeoutMs: number): Promise<CaptureOutcome> {
    if (!this.events) {
      // QueueEvents blocks on its connection, so it gets its own.
      const connection = this.connection.duplicate();
      connection.on('error', () => {}); // reported by the connection it was made from
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

/** Whether trying again may help: a passing problem, or an unexpected error; not a user's mistake. */
function retryable(err: unknown): boolean {
  if (err instanceof CaptureError) return err.retryable;
  return !(err instanceof UsageError);
}

/**
 * The capture worker: runs the same pipeline as the CLI. A capture that can never succeed
 * (no such host, not found, unsupported, blocked) fails at once; a passing problem (rate limit, 5xx,
 * timeout) is retried with back-off and stays visible as failed after the last try. The error of the
 * last attempt is kept in the job's data (message, catalogue key and vars) for the answer.
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
          ...(job.data.method ? { method: job.data.method } : {}),
        });
      } catch (err) {
        const e = err as Error & { code?: string; key?: string; vars?: ErrorVars };
        await job.updateData({ ...job.data, error: { message: e.message, key: e.key, vars: e.vars } });
        if (!retryable(err)) throw new UnrecoverableError(e.code ? `${e.code}: ${e.message}` : e.message);
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
