import { QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { CAPTURE_QUEUE, type CaptureQueue } from '../queue/capture-queue.ts';
import type { ChatAdapter } from './adapter.ts';
import type { Bot } from './bot.ts';
import type { CaptureRequestFromChat, CaptureService, ReplyTarget } from './chat.ts';
import { captureFailure, captureResult } from './presenters.ts';
import type { Lang } from './reply.ts';

interface Waiter {
  replyTo: ReplyTarget;
  lang: Lang;
}

const WAIT_TTL_SECONDS = 7 * 86_400;

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
      replyTo: { ...req.replyTo, lang: req.lang },
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
          state === 'completed'
            ? { outcome: job.returnvalue }
            : { failure: job.failedReason.replace(/^[a-z-]+: /, '') },
      };
    }
    return added;
  }

  async counts(): Promise<Record<string, number>> {
    return this.queue.counts();
  }

  /** Everyone waiting for this job's answer (and forgets them: each is answered once). */
  async takeWaiters(jobId: string, first: ReplyTarget & { lang?: Lang }): Promise<Waiter[]> {
    const key = this.waitersKey(jobId);
    const [[, extra]] = (await this.redis.multi().lrange(key, 0, -1).del(key).exec()) as [
      [unknown, string[]],
      unknown,
    ];
    const { lang = 'nl', ...replyTo } = first;
    return [{ replyTo: replyTo as ReplyTarget, lang }, ...extra.map((x) => JSON.parse(x) as Waiter)];
  }
}

/** Listens for finished capture jobs and answers in the threads that asked, through their adapters. */
export class CaptureNotifier {
  private events?: QueueEvents;

  constructor(
    private readonly deps: {
      connection: Redis;
      queue: CaptureQueue;
      captures: ChatCaptureService;
      bot: Bot;
      adapters: Map<string, ChatAdapter>;
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
    this.events.on('completed', ({ jobId }) => void this.deliver(jobId, null));
    this.events.on('failed', ({ jobId, failedReason }) => void this.deliver(jobId, failedReason));
    await this.events.waitUntilReady();
  }

  private async deliver(jobId: string, failure: string | null): Promise<void> {
    try {
      const job = await this.deps.queue.queue.getJob(jobId);
      const first = job?.data.replyTo as (ReplyTarget & { lang?: Lang }) | undefined;
      if (!job || !first) return; // not from chat (CLI or watch): nobody to answer
      for (const w of await this.deps.captures.takeWaiters(jobId, first)) {
        const adapter = this.deps.adapters.get(w.replyTo.platform);
        if (!adapter) {
          this.deps.log?.warn({ jobId, platform: w.replyTo.platform }, 'no adapter to answer a capture');
          continue;
        }
        const reason = (failure ?? '').replace(/^[a-z-]+: /, '');
        const reply = failure
          ? captureFailure(job.data.url, reason, w.lang, false)
          : captureResult(job.returnvalue, w.lang);
        await adapter
          .send(w.replyTo, reply)
          .catch((err) => this.deps.log?.error({ err, jobId }, 'could not deliver a capture answer'));
      }
    } catch (err) {
      this.deps.log?.error({ err, jobId }, 'capture notification failed');
    }
  }

  async stop(): Promise<void> {
    await this.events?.close();
  }
}
