import { type Job, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { BackfillOutcome, PostCaptureOutcome } from '../capture/pipeline.ts';
import { CAPTURE_QUEUE, type CaptureJob, type CaptureQueue } from '../queue/capture-queue.ts';
import type { Db } from '../store/db.ts';
import {
  answerFailed,
  type ChatRequest,
  claimAnswers,
  dropRequest,
  hasRequests,
  markAnswered,
  moveRequest,
  openRequests,
  recordRequest,
  requestJobId,
} from '../store/requests.ts';
import type { CaptureRequestFromChat, CaptureService } from './chat.ts';
import type { Outbox } from './outbox.ts';
import { afterAttempts } from './present-watch.ts';
import { captureFailure, captureResult, type ErrorData } from './presenters.ts';
import type { Lang, Reply } from './reply.ts';

type CaptureJobOf = Job<CaptureJob, PostCaptureOutcome | BackfillOutcome>;

const WAIT_TTL_SECONDS = 7 * 86_400;
/** How long the acknowledgement waits for Redis; the request is recorded, so the sweeper queues it later. */
const ADD_TIMEOUT_MS = 2_000;
/** The sweeper leaves requests this young alone (their job may still be on its way to Redis). */
const SWEEP_GRACE_MS = 5_000;
/** How often the sweeper looks (and once at start). */
const SWEEP_EVERY_MS = 3_000;
/** A request lost this often is answered with a failure instead of being queued again. */
const MAX_REQUEUES = 5;
/** BullMQ's reason for a job whose worker died twice while running it: lost in flight, like a crash. */
const STALLED = 'job stalled more than allowable limit';

/** Why a capture job failed (its last attempt's error), with the number of tries when there were more. */
function failureOf(
  job: { data: CaptureJob; failedReason: string; attemptsMade: number },
  lang: Lang,
): ErrorData {
  return afterAttempts(job.data.error ?? { message: job.failedReason }, job.attemptsMade, lang, job.data.url);
}

/** The job a request runs as (the same request the CLI runs, plus where and how to answer). */
function jobData(
  r: Pick<ChatRequest, 'url' | 'requestedBy' | 'channel' | 'replyTo' | 'lang'> &
    Partial<Pick<ChatRequest, 'method'>>,
): CaptureJob {
  return {
    ...(r.method ? { method: r.method } : {}),
    url: r.url,
    trigger: 'command',
    requestedBy: r.requestedBy,
    channel: r.channel,
    replyTo: r.replyTo,
    lang: r.lang,
  };
}

/** What became of a job: finished, still on its way, or lost (Redis no longer knows it, or its worker died running it). */
async function fateOf(job: CaptureJobOf | undefined): Promise<'completed' | 'failed' | 'running' | 'lost'> {
  const state = job ? await job.getState() : 'unknown';
  if (state === 'unknown' || (state === 'failed' && job?.failedReason === STALLED)) return 'lost';
  return state === 'completed' || state === 'failed' ? state : 'running';
}

/** What a finished job says: its outcome, or why it failed; undefined while it runs or when it was lost. */
async function finishedOf(
  job: CaptureJobOf | undefined,
): Promise<{ job: CaptureJobOf; failed: boolean } | undefined> {
  const fate = await fateOf(job);
  return job && (fate === 'completed' || fate === 'failed') ? { job, failed: fate === 'failed' } : undefined;
}

/**
 * Captures asked for in chat go to the BullMQ queue, and each request (also a second person asking
 * for the same URL while it is queued) is first recorded in SQLite with its job id, its reply target
 * and its language, so the answer reaches every thread even when the worker runs in another process,
 * the bot restarted in between, or Redis lost its data (the sweeper queues the request again).
 */
export class ChatCaptureService implements CaptureService {
  constructor(
    private readonly queue: CaptureQueue,
    readonly db: Db,
    private readonly log?: Logger,
  ) {}

  async enqueue(req: CaptureRequestFromChat): ReturnType<CaptureService['enqueue']> {
    const r = await recordRequest(this.db, { kind: 'capture', ...req });
    const jobId = r.jobId!;
    const adding = this.add(r, jobId);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), ADD_TIMEOUT_MS);
    });
    let added: Awaited<typeof adding> | 'late';
    try {
      added = await Promise.race([adding, late]);
    } catch (err) {
      await dropRequest(this.db, r.id); // not acknowledged: the asker hears the error instead
      throw err;
    } finally {
      clearTimeout(timer);
    }
    if (added === 'late') {
      // Redis does not answer. The request is recorded: acknowledge it; it is queued when Redis is back.
      adding.catch((err) => this.log?.warn({ err, request: r.id }, 'queueing a recorded request failed'));
      this.log?.warn({ request: r.id, url: r.url }, 'Redis is slow or away: request recorded, queued later');
      return { jobId, duplicate: false };
    }
    if (!added.duplicate) return added;
    // The job may have finished already (the window outlives it): then answer now, unless the
    // notifier claimed this request first (then it answers).
    const done = await finishedOf(await this.queue.queue.getJob(added.jobId));
    if (done && (await claimAnswers(this.db, { id: r.id })).length) {
      await markAnswered(this.db, r.id);
      return {
        ...added,
        finished: done.failed
          ? { failure: failureOf(done.job, req.lang) }
          : { outcome: done.job.returnvalue },
      };
    }
    return added;
  }

  /** Queues a request's job under `jobId`; joined to the job already there for its URL, it follows that one. */
  async add(r: ChatRequest, jobId: string): Promise<{ jobId: string; duplicate: boolean }> {
    const added = await this.queue.add(jobData(r), jobId);
    if (added.jobId !== jobId) await moveRequest(this.db, r.id, jobId, added.jobId);
    return added;
  }

  async counts(): Promise<Record<string, number>> {
    return this.queue.counts();
  }
}

/**
 * Answers finished capture jobs in the threads that asked, through the outbox: when the job ends
 * (QueueEvents), and from the sweeper for jobs that ended while nobody listened. The sweeper also
 * queues again every request whose job Redis no longer knows (Redis restarted without its data) or
 * whose worker died while running it. Each asker hears once: answers are claimed in SQLite.
 */
export class CaptureNotifier {
  private events?: QueueEvents;
  private timer?: NodeJS.Timeout;
  private sweeping?: Promise<void>;

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

  private get db(): Db {
    return this.deps.captures.db;
  }

  async start(): Promise<void> {
    this.events = new QueueEvents(CAPTURE_QUEUE, {
      connection: this.deps.connection,
      prefix: this.deps.prefix ?? 'archiefbot',
    });
    this.events.on('error', (err) => this.deps.log?.warn({ err: err.message }, 'capture events error'));
    this.events.on('completed', ({ jobId }) => void this.deliver(jobId));
    this.events.on('failed', ({ jobId }) => void this.deliver(jobId));
    await this.events.waitUntilReady();
  }

  /** Sweeps now and then every `everyMs` (once the adapters that carry the answers have started). */
  startSweeper(everyMs = SWEEP_EVERY_MS): void {
    void this.sweep();
    this.timer = setInterval(() => void this.sweep(), everyMs);
  }

  /** Answers everyone waiting for this job, if it has finished (a job lost in flight is queued again). */
  async deliver(jobId: string): Promise<void> {
    try {
      const job = (await this.deps.queue.queue.getJob(jobId)) as CaptureJobOf | undefined;
      const done = await finishedOf(job);
      if (!done) return;
      if (!(await hasRequests(this.db, jobId))) return this.deliverUnrecorded(done.job, done.failed);
      for (const r of await claimAnswers(this.db, { jobId })) {
        const reply = done.failed
          ? captureFailure(r.url, failureOf(done.job, r.lang), r.lang, false)
          : captureResult(done.job.returnvalue, r.lang);
        await this.send(r, reply);
      }
    } catch (err) {
      this.deps.log?.error({ err, jobId }, 'capture notification failed');
    }
  }

  private async send(r: ChatRequest, reply: Reply): Promise<void> {
    if (await this.deps.outbox.deliver(r.replyTo, reply)) await markAnswered(this.db, r.id);
    else await answerFailed(this.db, r.id);
  }

  /**
   * A job queued before requests were recorded (by an older version): its asker is in the job data,
   * answered once by whichever process claims it in Redis.
   */
  private async deliverUnrecorded(job: CaptureJobOf, failed: boolean): Promise<void> {
    const replyTo = job.data.replyTo;
    if (!replyTo) return; // not from chat (CLI or watch): nobody to answer
    const key = `${this.deps.prefix ?? 'archiefbot'}:capture-waiters:${job.id}:answered`;
    if (!(await this.deps.connection.set(key, '1', 'EX', WAIT_TTL_SECONDS, 'NX'))) return;
    const lang = job.data.lang ?? replyTo.lang ?? 'nl';
    const reply = failed
      ? captureFailure(job.data.url, failureOf(job, lang), lang, false)
      : captureResult(job.returnvalue, lang);
    await this.deps.outbox.notify(replyTo, reply);
  }

  /** One pass of the sweeper (not two at once; none while Redis is away). */
  sweep(): Promise<void> {
    if (this.sweeping || this.deps.connection.status !== 'ready') return this.sweeping ?? Promise.resolve();
    this.sweeping = this.sweepOnce()
      .catch((err) => this.deps.log?.error({ err }, 'request sweep failed'))
      .finally(() => {
        this.sweeping = undefined;
      });
    return this.sweeping;
  }

  private async sweepOnce(): Promise<void> {
    const young = Date.now() - SWEEP_GRACE_MS;
    for (const r of await openRequests(this.db, 'capture')) {
      if (Date.parse(r.updatedAt) > young) continue;
      if (this.deps.connection.status !== 'ready') return;
      const job = r.jobId
        ? ((await this.deps.queue.queue.getJob(r.jobId)) as CaptureJobOf | undefined)
        : undefined;
      const fate = await fateOf(job);
      if (fate === 'lost') await this.requeue(r);
      else if (fate !== 'running') await this.deliver(r.jobId!);
    }
  }

  /** Queues a lost request again under a new job id (one process wins), or gives up after a few times. */
  private async requeue(r: ChatRequest): Promise<void> {
    const log = this.deps.log;
    if (r.requeues >= MAX_REQUEUES) {
      const [claimed] = await claimAnswers(this.db, { id: r.id });
      if (!claimed) return;
      const lost = { message: `lost ${r.requeues} times`, key: 'request.lost', vars: { n: r.requeues } };
      log?.warn({ request: r.id, url: r.url }, 'a request was lost too often: told the asker');
      return this.send(claimed, captureFailure(r.url, lost, r.lang, false));
    }
    const jobId = requestJobId(r.id);
    if (!(await moveRequest(this.db, r.id, r.jobId, jobId, { requeue: true }))) return;
    const added = await this.deps.captures.add(r, jobId);
    log?.info({ request: r.id, url: r.url, lost: r.jobId, job: added.jobId }, 'queued a lost request again');
    if (added.duplicate) await this.deliver(added.jobId); // joined a job that may have finished already
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    // A pass waiting for Redis is not waited for long: what it did not do, the next start does.
    await Promise.race([this.sweeping, new Promise((r) => setTimeout(r, 2_000).unref())]);
    await this.events?.close();
  }
}
