import { createHash } from 'node:crypto';
import { type Job, Queue, QueueEvents, UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { CapturePipeline } from '../capture/pipeline.ts';
import type { Config } from '../config.ts';
import { CaptureError, type ErrorVars, UsageError } from '../domain/errors.ts';
import type { ReplyTarget } from '../domain/target.ts';
import type { AccountRole, Lang } from '../domain/types.ts';
import { listWatches, markPolled, postsByStreamKey } from '../store/monitor.ts';
import { type DeliverAlert, deliverAlerts } from './alerts.ts';
import { createJetstream, type Jetstream } from './jetstream.ts';
import { createMastodonStream } from './mastodon-stream.ts';
import { Rechecker } from './recheck.ts';
import type { PostStream, StreamEvent } from './streams.ts';
import { accountUrl, loadAccountsFile, unwatchAccount, watchAccount } from './watch.ts';

export const MONITOR_QUEUE = 'monitor';

/** How often the worker checks that its schedules are still in Redis. */
const SCHEDULER_GUARD_MS = 30_000;

/** How long stream events are gathered into one check. */
const STREAM_GATHER_MS = 250;

type MonitorJob =
  | { kind: 'tick' }
  | { kind: 'poll'; watchId: number }
  | { kind: 'check'; postIds: number[]; reason: string }
  | {
      kind: 'watch';
      input: string;
      by: string | null;
      source: 'command' | 'config';
      intervalSeconds: number;
      organisation?: string;
      role?: AccountRole;
      replyTo?: ReplyTarget;
      lang?: Lang;
      /** Why the last attempt failed, for the answer (set by the worker). */
      error?: JobError;
    };

/** An error as data: its plain English message and the catalogue's key and vars for the user's language. */
export interface JobError {
  message: string;
  key?: string;
  vars?: ErrorVars;
}

/** What the monitor tells whoever asked to watch an account, once its job is over; the chat renders it. */
export type WatchNotice =
  | { kind: 'watched'; handle: string; posts: number; newVersions: number; everySeconds: number }
  | { kind: 'watch-failed'; input: string; error: JobError; attempts: number };

/** Sends a watch notice to the conversation that asked, in its language (wired to the outbox by serve). */
export type SendNotice = (target: ReplyTarget, notice: WatchNotice, lang: Lang) => Promise<void>;

/** Whether retrying may help: a passing problem (rate limit, outage, timeout) or an unexpected error. */
function retryable(err: unknown): boolean {
  if (err instanceof CaptureError) return err.retryable;
  return !(err instanceof UsageError);
}

/**
 * Watching and re-checking, on BullMQ: a tick (job scheduler, every `monitor.tickSeconds`) runs a
 * re-check pass over the posts that are due and delivers new alerts; each watched account has its
 * own poll scheduler (default every 2 minutes); watching an account is a job (its backfill can take
 * a while); stream events become immediate checks. Any number of processes may run the worker:
 * claims and alert keys make every check and every alert happen once.
 */
export class Monitor {
  readonly queue: Queue<MonitorJob>;
  private worker?: Worker<MonitorJob>;
  readonly rechecker: Rechecker;

  constructor(
    private readonly deps: {
      pipeline: CapturePipeline;
      config: Config;
      connection: Redis;
      env: NodeJS.ProcessEnv;
      log?: Logger;
      prefix?: string;
      /** Sends an alert to a subscribed channel; absent in a process without chat (alerts wait in the store). */
      deliver?: DeliverAlert;
      /** Answers a watch request; absent in a process without chat. */
      notice?: SendNotice;
    },
  ) {
    this.queue = new Queue<MonitorJob>(MONITOR_QUEUE, {
      connection: deps.connection,
      prefix: deps.prefix ?? 'archiefbot',
    });
    this.queue.on('error', (err) => deps.log?.warn({ err: err.message }, 'monitor queue error'));
    this.rechecker = new Rechecker(deps.pipeline, deps.config, deps.log);
  }

  /** Starts the worker side: the tick, the poll schedulers, and the accounts of config/accounts.yaml. */
  async startWorker(workerConnection: Redis): Promise<void> {
    const { config, log } = this.deps;
    this.workerConnection = workerConnection;
    this.worker = new Worker<MonitorJob>(MONITOR_QUEUE, (job) => this.process(job), {
      connection: workerConnection,
      prefix: this.deps.prefix ?? 'archiefbot',
      concurrency: 4,
    });
    this.worker.on('error', (err) => log?.error({ err: err.message }, 'monitor worker error'));
    this.worker.on('failed', (job, err) =>
      log?.warn({ job: job?.name, err: err.message }, 'monitor job failed'),
    );
    await this.scheduleTick();
    // Redis restarted without its data loses the schedulers: put the tick and the polls back.
    this.schedulerGuard = setInterval(() => void this.restoreSchedulers(), SCHEDULER_GUARD_MS);
    this.schedulerGuard.unref();
    for (const a of loadAccountsFile(this.deps.env)) {
      await this.queue.add(
        'watch',
        {
          kind: 'watch',
          input: a.account,
          by: 'config',
          source: 'config',
          intervalSeconds: a.everySeconds ?? config.monitor.pollIntervalSeconds,
          organisation: a.organisation,
          role: a.role,
        },
        {
          deduplication: { id: `watch:${accountUrl(a.account)}`, ttl: 3_600_000 },
          attempts: 5,
          backoff: { type: 'exponential', delay: 30_000 },
        },
      );
    }
    await this.syncWatches();
  }

  private schedulerGuard?: NodeJS.Timeout;

  private async scheduleTick(): Promise<void> {
    await this.queue.upsertJobScheduler(
      'tick',
      { every: this.deps.config.monitor.tickSeconds * 1000 },
      { name: 'tick', data: { kind: 'tick' } },
    );
  }

  /**
   * When the tick's scheduler is gone (Redis lost its data), the polls' are too: schedule the tick
   * again and rebuild every poll scheduler from the database, which stays the truth.
   */
  async restoreSchedulers(): Promise<boolean> {
    try {
      if (await this.queue.getJobScheduler('tick')) return false;
      await this.scheduleTick();
      this.syncedState = null;
      await this.syncWatches();
      this.deps.log?.warn('the monitor schedules were gone from Redis and are restored');
      return true;
    } catch (err) {
      this.deps.log?.debug({ err: (err as Error).message }, 'monitor schedules not checked (Redis down?)');
      return false;
    }
  }

  /** Keeps one poll scheduler per active watch, and none for the others. */
  async syncWatches(): Promise<void> {
    const watches = await listWatches(this.deps.pipeline.archive.db);
    if (this.jetstream) await this.refreshDids();
    const wanted = new Map(watches.filter((w) => w.active).map((w) => [`poll:${w.id}`, w]));
    // Every tick reads the watches (the database is the truth, other processes change it); Redis is
    // only touched when they differ from what this process last put there.
    const state = [...wanted].map(([key, w]) => `${key}@${w.url}/${w.interval_seconds}`).join('\n');
    if (state === this.syncedState) return;
    for (const w of watches) this.pollQueue(new URL(w.url).host);
    for (const { queue } of this.pollQueues.values()) {
      for (const s of await queue.getJobSchedulers()) {
        if (!wanted.has(s.key) || new URL(wanted.get(s.key)!.url).host !== this.hostOf(queue))
          await queue.removeJobScheduler(s.key);
      }
    }
    for (const [key, w] of wanted) {
      await this.pollQueue(new URL(w.url).host).upsertJobScheduler(
        key,
        { every: w.interval_seconds * 1000 },
        { name: 'poll', data: { kind: 'poll', watchId: w.id } },
      );
    }
    this.syncedState = state;
  }

  private syncedState: string | null = null;

  /**
   * Polls run in one queue per platform host, one at a time each, so a slow or rate-limited instance
   * holds up its own accounts only. Created as watches appear; in worker mode with a worker each.
   */
  private readonly pollQueues = new Map<
    string,
    { queue: Queue<MonitorJob>; worker?: Worker<MonitorJob>; connection?: Redis }
  >();
  private workerConnection?: Redis;

  private hostOf(queue: Queue<MonitorJob>): string | undefined {
    for (const [host, q] of this.pollQueues) if (q.queue === queue) return host;
    return undefined;
  }

  private pollQueue(host: string): Queue<MonitorJob> {
    let q = this.pollQueues.get(host);
    if (!q) {
      const name = `poll-${host.replace(/[^a-zA-Z0-9.-]/g, '_')}`;
      const prefix = this.deps.prefix ?? 'archiefbot';
      const queue = new Queue<MonitorJob>(name, { connection: this.deps.connection, prefix });
      queue.on('error', (err) => this.deps.log?.warn({ err: err.message, host }, 'poll queue error'));
      q = { queue };
      if (this.workerConnection) {
        const connection = this.workerConnection.duplicate();
        const worker = new Worker<MonitorJob>(name, (job) => this.process(job), {
          connection,
          prefix,
          concurrency: 1,
        });
        worker.on('error', (err) => this.deps.log?.error({ err: err.message, host }, 'poll worker error'));
        worker.on('failed', (job, err) =>
          this.deps.log?.warn({ host, watch: job?.data, err: err.message }, 'poll failed'),
        );
        q.worker = worker;
        q.connection = connection;
      }
      this.pollQueues.set(host, q);
    }
    return q.queue;
  }

  private async process(job: Job<MonitorJob>): Promise<unknown> {
    const data = job.data;
    const { pipeline, log } = this.deps;
    switch (data.kind) {
      case 'tick': {
        // Spends the budget as it refills until the next tick (continuous, not a burst a tick);
        // alerts go out as each round finds them.
        const pass = await this.rechecker.pass({
          budgeted: true,
          until: Date.now() + this.deps.config.monitor.tickSeconds * 1000,
          onRound: (round) => {
            if (round.alerts.length) this.deliverSoon();
          },
        });
        await this.syncWatches();
        if (pass.checked) log?.debug({ checked: pass.checked, alerts: pass.alerts.length }, 'recheck pass');
        return { checked: pass.checked, alerts: pass.alerts.length };
      }
      case 'check': {
        const pass = await this.rechecker.pass({ postIds: data.postIds });
        if (pass.alerts.length) this.deliverSoon();
        return { checked: pass.checked, reason: data.reason };
      }
      case 'poll': {
        const w = (await listWatches(pipeline.archive.db, { active: true })).find(
          (x) => x.id === data.watchId,
        );
        if (!w) return { skipped: true };
        try {
          const r = await pipeline.pollAccount(w.url);
          await pipeline.archive.db.transaction(() => markPolled(pipeline.archive.db, w.id, true));
          return r;
        } catch (err) {
          await pipeline.archive.db.transaction(() => markPolled(pipeline.archive.db, w.id, false));
          throw err;
        }
      }
      case 'watch':
        return this.watchJob(job as Job<Extract<MonitorJob, { kind: 'watch' }>>);
    }
  }

  /**
   * Watches an account (its backfill can take a while). What the asker hears is announced from the
   * job's end (`startDelivery`), so a failure is told once, after the last attempt; one that retrying
   * cannot heal (not an account, not found, blocked) fails at once.
   */
  private async watchJob(job: Job<Extract<MonitorJob, { kind: 'watch' }>>): Promise<WatchNotice> {
    const data = job.data;
    try {
      const r = await watchAccount(this.deps.pipeline, data.input, {
        intervalSeconds: data.intervalSeconds,
        organisation: data.organisation,
        role: data.role,
        by: data.by,
        source: data.source,
      });
      await this.syncWatches();
      return {
        kind: 'watched',
        handle: r.watch.handle,
        posts: r.backfill.posts,
        newVersions: r.backfill.newVersions,
        everySeconds: r.watch.interval_seconds,
      };
    } catch (err) {
      const e = err as Error & { key?: string; vars?: ErrorVars };
      await job.updateData({ ...data, error: { message: e.message, key: e.key, vars: e.vars } });
      if (!retryable(err)) throw new UnrecoverableError(e.message);
      throw err;
    }
  }

  /** Tells the asker how a finished watch job went: once, whichever process hears of it first. */
  private async announce(jobId: string): Promise<void> {
    const { notice, connection, log } = this.deps;
    try {
      const job = await this.queue.getJob(jobId);
      if (!notice || job?.data.kind !== 'watch' || !job.data.replyTo) return;
      const key = `${this.deps.prefix ?? 'archiefbot'}:watch-announced:${jobId}`;
      if (!(await connection.set(key, '1', 'EX', 7 * 86_400, 'NX'))) return;
      const data = job.data;
      const told: WatchNotice =
        job.returnvalue?.kind === 'watched'
          ? (job.returnvalue as WatchNotice)
          : {
              kind: 'watch-failed',
              input: data.input,
              error: data.error ?? { message: job.failedReason },
              attempts: job.attemptsMade,
            };
      await notice(data.replyTo!, told, data.lang ?? 'nl');
    } catch (err) {
      log?.error({ err, jobId }, 'could not announce a watch');
    }
  }

  private delivering: Promise<unknown> = Promise.resolve();
  private deliveryTimer?: NodeJS.Timeout;

  private events?: { listener: QueueEvents; connection: Redis };

  /**
   * Delivers alerts from this process every `everyMs` and answers watch requests when their jobs end
   * (only where chat runs: `serve`). A standalone worker only stores alerts and job outcomes; whichever
   * serve process claims one tells it.
   */
  async startDelivery(everyMs = 2000): Promise<void> {
    if (this.deps.deliver) this.deliveryTimer = setInterval(() => this.deliverSoon(), everyMs);
    if (!this.deps.notice) return;
    const connection = this.deps.connection.duplicate(); // QueueEvents blocks on its connection
    connection.on('error', (err) =>
      this.deps.log?.warn({ err: err.message }, 'monitor events connection error'),
    );
    const listener = new QueueEvents(MONITOR_QUEUE, { connection, prefix: this.deps.prefix ?? 'archiefbot' });
    this.events = { listener, connection };
    listener.on('error', (err) => this.deps.log?.warn({ err: err.message }, 'monitor events error'));
    listener.on('completed', ({ jobId, returnvalue }) => {
      if ((returnvalue as unknown as WatchNotice | null)?.kind === 'watched') void this.announce(jobId);
    });
    listener.on('failed', ({ jobId }) => void this.announce(jobId));
    await listener.waitUntilReady();
  }

  /** Delivers now (serialised), when this process delivers at all. */
  deliverSoon(): Promise<unknown> {
    const deliver = this.deps.deliver;
    if (!this.deliveryTimer || !deliver) return this.delivering;
    this.delivering = this.delivering.then(() =>
      deliverAlerts(this.deps.pipeline.archive, deliver, this.deps.log).catch((err) =>
        this.deps.log?.error({ err }, 'alert delivery failed'),
      ),
    );
    return this.delivering;
  }

  /** A stream event (or anything else) asks for these posts to be checked now. */
  async checkNow(postIds: number[], reason: string): Promise<void> {
    if (!postIds.length) return;
    const key = createHash('sha1')
      .update(postIds.sort((a, b) => a - b).join(','))
      .digest('hex');
    await this.queue.add(
      'check',
      { kind: 'check', postIds, reason },
      { deduplication: { id: `check:${key}`, ttl: 2000 } },
    );
  }

  // The chat's MonitorService (src/chat/services.ts), matched by shape.
  async watch(
    input: string,
    ctx: { by: string; replyTo: ReplyTarget; lang: Lang },
  ): Promise<{ url: string }> {
    const url = accountUrl(input);
    const { target } = this.deps.pipeline.resolve(url);
    if (target.kind !== 'account')
      throw new UsageError(`${url} is a post, not an account.`, 'monitor.not-an-account', { url });
    await this.queue.add(
      'watch',
      {
        kind: 'watch',
        input: url,
        by: ctx.by,
        source: 'command',
        intervalSeconds: this.deps.config.monitor.pollIntervalSeconds,
        replyTo: ctx.replyTo,
        lang: ctx.lang,
      },
      { attempts: 3, backoff: { type: 'exponential', delay: 30_000 } },
    );
    return { url };
  }

  async unwatch(input: string, ctx: { by: string }): Promise<{ handle: string | null }> {
    const handle = await unwatchAccount(this.deps.pipeline, input, ctx.by);
    await this.syncWatches();
    return { handle };
  }

  private streams: PostStream[] = [];
  private wantedDids: string[] = [];

  /**
   * Real-time streams, when configured: the Mastodon user stream of an account that follows the
   * watched accounts (MASTODON_STREAM_URL + MASTODON_STREAM_TOKEN) and Bluesky Jetstream for the watched
   * DIDs (ARCHIEFBOT_JETSTREAM_URL). An event asks for an immediate check of the posts it names;
   * polling stays the safety net (a Mastodon stream does not replay what it missed).
   */
  async startStreams(): Promise<string[]> {
    const { env, log, connection } = this.deps;
    const onEvent = (e: StreamEvent) => this.onStreamEvent(e);
    if (env.MASTODON_STREAM_URL && env.MASTODON_STREAM_TOKEN) {
      const stream = createMastodonStream({
        baseUrl: env.MASTODON_STREAM_URL,
        token: env.MASTODON_STREAM_TOKEN,
        onEvent,
        log,
      });
      this.streams.push(stream);
    }
    if (env.ARCHIEFBOT_JETSTREAM_URL) {
      await this.refreshDids();
      const key = `${this.deps.prefix ?? 'archiefbot'}:jetstream:cursor`;
      const jet = createJetstream({
        url: env.ARCHIEFBOT_JETSTREAM_URL,
        wantedDids: () => this.wantedDids,
        cursor: {
          load: async () => {
            const v = await connection.get(key);
            return v ? Number(v) : null;
          },
          save: async (timeUs) => void (await connection.set(key, String(timeUs))),
        },
        onEvent,
        log,
      });
      this.jetstream = jet;
      this.streams.push(jet);
    }
    for (const s of this.streams) await s.start();
    return this.streams.map((s) => s.name);
  }

  private jetstream?: Jetstream;

  private async refreshDids(): Promise<void> {
    const rows = await this.deps.pipeline.archive.db.all<{ platform_id: string }>(
      `SELECT a.platform_id FROM watch w JOIN account a ON a.id = w.account_id
       WHERE w.active = 1 AND a.platform = 'bluesky' AND a.platform_id LIKE 'did:%'`,
    );
    const dids = rows.map((r) => r.platform_id).sort();
    if (dids.join() !== this.wantedDids.join()) {
      this.wantedDids = dids;
      this.jetstream?.refreshDids();
    }
  }

  /** The archived posts a stream event is about (and, for unknown ids, the recent posts it may be). */
  private async onStreamEvent(e: StreamEvent): Promise<void> {
    const db = this.deps.pipeline.archive.db;
    let rows: { id: number }[] = [];
    if (e.platform === 'mastodon') {
      if (e.kind === 'create') return; // a new post: the account's next poll takes it in
      rows = await postsByStreamKey(db, 'mastodon', e.uri ?? '', [
        `https://${e.host}/api/v1/statuses/${e.statusId}`,
        `http://${e.host}/api/v1/statuses/${e.statusId}`,
      ]);
      if (!rows.length && e.kind === 'delete') {
        // Ids are local to the stream's instance: when it is not the post's own, check the watched
        // accounts' recent posts (a batch look-up is cheap).
        rows = await db.all<{ id: number }>(
          `SELECT p.id FROM post p JOIN watch w ON w.account_id = p.account_id AND w.active = 1
           WHERE p.platform = 'mastodon' AND p.status != 'deleted' AND p.created_at >= ? ORDER BY p.created_at DESC LIMIT 200`,
          [new Date(Date.now() - 2 * 86_400_000).toISOString()],
        );
      }
    } else if (e.kind === 'account') {
      // Taken down or deactivated: check its recent posts (unavailable); back again: its lost posts (restored).
      rows = await db.all<{ id: number }>(
        `SELECT p.id FROM post p JOIN account a ON a.id = p.account_id
         WHERE a.platform = 'bluesky' AND a.platform_id = ?1
           AND (?2 = 0 OR p.status IN ('deleted', 'unavailable'))
         ORDER BY p.created_at DESC LIMIT 200`,
        [e.did, e.active ? 1 : 0],
      );
    } else {
      if (e.kind === 'create') return;
      rows = await postsByStreamKey(db, 'bluesky', e.uri);
    }
    // Events come in bursts (a thread deleted, a batch of edits): gather them for a moment so one
    // batch look-up covers them all.
    for (const r of rows) this.eventPosts.add(r.id);
    this.eventTimer ??= setTimeout(() => {
      this.eventTimer = undefined;
      const ids = [...this.eventPosts];
      this.eventPosts.clear();
      void this.checkNow(ids, 'stream').catch((err) =>
        this.deps.log?.error({ err }, 'could not queue a stream check'),
      );
    }, STREAM_GATHER_MS);
  }

  private readonly eventPosts = new Set<number>();
  private eventTimer?: NodeJS.Timeout;

  async stop(): Promise<void> {
    clearInterval(this.schedulerGuard);
    this.rechecker.stop(); // a tick spending its budget ends after its current round
    for (const s of this.streams) await s.stop().catch(() => {});
    clearTimeout(this.eventTimer);
    clearInterval(this.deliveryTimer);
    await this.worker?.close();
    for (const q of this.pollQueues.values()) {
      await q.worker?.close();
      await q.queue.close();
      q.connection?.disconnect();
    }
    await this.delivering;
    await this.events?.listener.close();
    this.events?.connection.disconnect();
    await this.queue.close();
  }
}
