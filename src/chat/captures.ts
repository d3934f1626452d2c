import { QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { CAPTURE_QUEUE, type CaptureJob, type CaptureQueue } from '../queue/capture-queue.ts';
import type { CaptureRequestFromChat, CaptureService, ReplyTarget } from './chat.ts';
import type { Outbox } from './outbox.ts';
import { afterAttempts } from './present-watch.ts';
import { captureFailure, captureResult, type ErrorData } from './presenters.ts';
import type { Lang } from './reply.ts';

interface Waiter {
  replyTo: ReplyTarget;
  lang: Lang;
}

const WAIT_TTL_SECONDS = 7 * 86_400;

/** Why a capture job failed (its last attempt's error), with the number of tries when there were more. */
function failureOf(
  job: { data: CaptureJob; failedReason: string; attemptsMade: number },
  lang: Lang,
): ErrorData {
  return afterAttempts(job.data.error ?? { message: job.failedReason }, job.attemptsMade, lang, job.data.url);
}

/**
 * Captures asked for in chat go to the BullMQ queue. Whoever asked (also a second person asking for
 * the same URL while it is queued) is remembered in Redis, so the answer reaches every thread even
 * when the worker runs in another process or the bot restarted in between.
 */
export class ChatCaptureService implements CaptureService {
  constructor(
    private readonly queue: CaptureQueue,
    private readonly redis: Redis,
    private readonly prefix = 'archiefbot',
  ) {}

  waitersKey(jobId: string): string {
    return `${this.prefix}:capture-waiters:${jobId}`;
  }

  async enqueue(req: CaptureRequestFromChat): ReturnType<CaptureService['enqueue']> {
    const added = await this.queue.add({
      url: req.url,
      trigger: 'command',
      requestedBy: req.requestedBy,
      channel: req.channel,
      replyTo: req.replyTo,
      lang: req.lang,
    });
    if (!added.duplicate) return added;
    const key = this.waitersKey(added.jobId);
    const waiter = JSON.stringify({ replyTo: req.replyTo, lang: req.lang });
    await this.redis.multi().rpush(key, waiter).expire(key, WAIT_TTL_SECONDS).exec();
    // The job may have finished already (the window outlives it). If our waiter is still in the list,
    // nobody will read it: take it back and answer now. If the notifier took it, it answers.
    const job = await this.queue.queue.getJob(added.jobId);
    const state = await job?.getState();
    if (job && (state === 'completed' || state === 'failed') && (await this.redis.lrem(key, 1, waiter))) {
      return {
        ...added,
        finished:
          state === 'completed' ? { outcome: job.returnvalue } : { failure: failureOf(job, req.lang) },
      };
    }
    return added;
  }

  async counts(): Promise<Record<string, number>> {
    return this.queue.counts();
  }

  /**
   * Everyone waiting for this job's answer, and forgets them: each is answered once, also when more
   * than one serve process hears that the job finished (the first to claim it answers).
   */
  async takeWaiters(jobId: string, first: Waiter): Promise<Waiter[]> {
    const claimed = await this.redis.set(
      this.waitersKey(`${jobId}:answered`),
      '1',
      'EX',
      WAIT_TTL_SECONDS,
      'NX',
    );
    if (!claimed) return [];
    const key = this.waitersKey(jobId);
    const [[, extra]] = (await this.redis.multi().lrange(key, 0, -1).del(key).exec()) as [
      [unknown, string[]],
      unknown,
    ];
    return [first, ...extra.map((x) => JSON.parse(x) as Waiter)];
  }
}

/**
 * Listens for finished capture jobs and answers in the threads that asked, through the outbox. A job
 * ends once (after its last attempt), so each asker hears once.
 */
export class CaptureNotifier {
  private events?: QueueEvents;

  constructor(
    private readonly deps: {
      connection: Redis;
      queue: CaptureQueue;
      captures: ChatCaptureService;
      outbox: Outbox;
      prefix?: string;
      log?: Logger;
    },
  ) {}

  async start(): Promise<void> {
    this.events = new QueueEvents(CAPTURE_QUEUE, {
      connection: this.deps.connection,
      prefix: this.deps.prefix ?? 'archiefbot',
    });
    this.events.on('error', (err) => this.deps.log?.warn({ err: err.message }, 'capture events error'));
    this.events.on('completed', ({ jobId }) => void this.deliver(jobId, false));
    this.events.on('failed', ({ jobId }) => void this.deliver(jobId, true));
    await this.events.waitUntilReady();
  }

  private async deliver(jobId: string, failed: boolean): Promise<void> {
    try {
      const job = await this.deps.queue.queue.getJob(jobId);
      const replyTo = job?.data.replyTo;
      if (!job || !replyTo) return; // not from chat (CLI or watch): nobody to answer
      // Jobs queued before the language had its own field carry it in the target.
      const first = { replyTo, lang: job.data.lang ?? replyTo.lang ?? 'nl' };
      for (const w of await this.deps.captures.takeWaiters(jobId, first)) {
        const reply = failed
          ? captureFailure(job.data.url, failureOf(job, w.lang), w.lang, false)
          : captureResult(job.returnvalue, w.lang);
        await this.deps.outbox.notify(w.replyTo, reply);
      }
    } catch (err) {
      this.deps.log?.error({ err, jobId }, 'capture notification failed');
    }
  }

  async stop(): Promise<void> {
    await this.events?.close();
  }
}
