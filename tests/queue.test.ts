import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CapturePipeline } from '../src/capture/pipeline.ts';
import { loadConfig } from '../src/config.ts';
import type { ReplyTarget } from '../src/domain/target.ts';
import { CaptureQueue, redisConnection, startCaptureWorker } from '../src/queue/capture-queue.ts';
import { Archive } from '../src/store/archive.ts';
import { failuresSince, recentCaptures } from '../src/store/chat.ts';
import {
  answerFailed,
  claimAnswers,
  getRequest,
  markAnswered,
  moveRequest,
  openRequests,
  recordRequest,
  requestJobId,
} from '../src/store/requests.ts';
import { FakeMastodon } from './fakes/mastodon.ts';
import { count } from './helpers/archive.ts';
import { testEnv } from './helpers/cli.ts';
import { startRedis } from './helpers/redis.ts';

let redis: Awaited<ReturnType<typeof startRedis>>;
let m: FakeMastodon;

beforeAll(async () => {
  redis = await startRedis();
  m = await FakeMastodon.start();
  m.addAccount({ username: 'nctv' });
});
afterAll(async () => {
  await m.close();
  await redis.stop();
});

describe('the capture queue (BullMQ on a real redis-server)', () => {
  it('runs captures through the same pipeline, once per URL within the window, and fails not-found at once', async () => {
    const { env, dataDir, cleanup } = testEnv();
    const config = loadConfig(env);
    const archive = await Archive.open(config.dataDir, config.warc);
    const pipeline = new CapturePipeline(archive, config);
    const prefix = `t${Date.now()}`;
    const producer = redisConnection(redis.url);
    const consumer = redisConnection(redis.url);
    const queue = new CaptureQueue(producer, 60, prefix);

    const post = m.addStatus({ username: 'nctv', content: '<p>Dreigingsniveau ongewijzigd</p>' });
    // Queue before the worker runs: the second request for the same URL is the same job.
    const a = await queue.add({ url: post.url, trigger: 'command', requestedBy: 'slack:U1', channel: 'C1' });
    const b = await queue.add({
      url: `${post.url}#x`,
      trigger: 'command',
      requestedBy: 'slack:U2',
      channel: 'C2',
    });
    expect(b.jobId).toBe(a.jobId);
    expect(b.duplicate).toBe(true);
    expect(a.duplicate).toBe(false);

    const worker = startCaptureWorker({ connection: consumer, pipeline, concurrency: 2, prefix });
    const outcome = await queue.result(a.jobId, 15_000);
    expect(outcome.kind).toBe('post');
    if (outcome.kind === 'post') {
      expect(outcome.post.url).toBe(post.url);
      expect(outcome.sha256).toMatch(/^[0-9a-f]{64}$/);
    }

    const gone = m.addStatus({ username: 'nctv', content: '<p>weg</p>' });
    m.deleteStatus(gone.id);
    const c = await queue.add({ url: gone.url, trigger: 'command', requestedBy: 'slack:U1' });
    await expect(queue.result(c.jobId, 15_000)).rejects.toThrow(/not-found/);
    const job = await queue.queue.getJob(c.jobId);
    expect(job?.attemptsMade).toBe(1); // not retried: it can never succeed
    expect(job?.data.error).toMatchObject({ key: 'error.not-found' }); // for the answer, in any language

    // A host that does not exist cannot heal by retrying either: one attempt, its error kept as data.
    const d = await queue.add({
      url: 'https://nonexistent.invalid/x',
      trigger: 'command',
      requestedBy: 'slack:U1',
    });
    await expect(queue.result(d.jobId, 15_000)).rejects.toThrow(/does not exist/);
    const dns = await queue.queue.getJob(d.jobId);
    expect(dns?.attemptsMade).toBe(1);
    expect(dns?.data.error).toMatchObject({ key: 'error.network-error' });

    await worker.close();
    await queue.close();
    producer.disconnect();
    consumer.disconnect();
    await pipeline.close();
    await archive.close();
    expect(await count(dataDir, 'capture', "status = 'done'")).toBe(1);
    expect(await count(dataDir, 'capture', "status = 'failed'")).toBe(2);
    cleanup();
  });
});

describe('failed captures for status', () => {
  it('counts each requested capture once, however often the queue tried it', async () => {
    const { env, cleanup } = testEnv();
    const config = loadConfig(env);
    const archive = await Archive.open(config.dataDir, config.warc);
    const at = (minutes: number) => new Date(Date.now() - 3_600_000 + minutes * 60_000).toISOString();
    const attempt = (url: string, status: string, minutes: number) =>
      archive.db.run(
        `INSERT INTO capture (url, trigger, requested_by, channel, status, started_at) VALUES (?, 'command', 'slack:U1', 'C1', ?, ?)`,
        [url, status, at(minutes)],
      );
    for (const m of [0, 1, 2, 3]) await attempt('https://a.example/1', 'failed', m); // 4 tries, gave up
    for (const m of [0, 1]) await attempt('https://b.example/2', 'failed', m);
    await attempt('https://b.example/2', 'done', 2); // failed twice, then succeeded: no failure
    await attempt('https://c.example/3', 'failed', 5);
    await attempt('https://c.example/3', 'failed', 40); // asked again later: a second capture
    await attempt('https://d.example/4', 'done', 41);

    expect(await failuresSince(archive.db, at(-60 * 23))).toBe(3);
    expect(await failuresSince(archive.db, at(30))).toBe(1);
    const recent = await recentCaptures(archive.db, 10);
    expect(recent.map((c) => [c.url, c.status, c.attempts])).toEqual([
      ['https://d.example/4', 'done', 1],
      ['https://c.example/3', 'failed', 1],
      ['https://c.example/3', 'failed', 1],
      ['https://b.example/2', 'done', 3],
      ['https://a.example/1', 'failed', 4],
    ]);
    await archive.close();
    cleanup();
  });
});

describe('chat requests kept until answered', () => {
  it('records a request with a job id of its own; one process moves it, one claims its answer', async () => {
    const { env, cleanup } = testEnv();
    const config = loadConfig(env);
    const archive = await Archive.open(config.dataDir, config.warc);
    const db = archive.db;
    const ask = (url: string) =>
      recordRequest(db, {
        kind: 'capture',
        url,
        requestedBy: 'shell:operator',
        channel: 'shell:terminal',
        replyTo: { platform: 'shell', channel: 'terminal', lang: 'en' } as ReplyTarget,
        lang: 'en',
      });
    const a = await ask('https://a.example/1');
    const b = await ask('https://a.example/1');
    expect(a.jobId).toMatch(new RegExp(`^r${a.id}-[0-9a-f]{6}$`)); // never an id Redis hands out (1, 2, …)
    expect(a).toMatchObject({ state: 'queued', requeues: 0, replyTo: { platform: 'shell' }, lang: 'en' });
    // b joins a's job; moving it again from its old job does nothing (another process did it).
    expect(await moveRequest(db, b.id, b.jobId, a.jobId!)).toBe(true);
    expect(await moveRequest(db, b.id, b.jobId, 'other')).toBe(false);
    // Lost: queued again under a new id, by one sweeper only.
    const again = requestJobId(a.id);
    const moves = await Promise.all([
      moveRequest(db, a.id, a.jobId, again, { requeue: true }),
      moveRequest(db, a.id, a.jobId, requestJobId(a.id), { requeue: true }),
    ]);
    expect(moves.filter(Boolean)).toHaveLength(1);
    expect((await getRequest(db, a.id))?.requeues).toBe(1);
    // The job ends: its askers are claimed once, however many processes hear it.
    await moveRequest(db, b.id, a.jobId, again);
    const claims = await Promise.all([
      claimAnswers(db, { jobId: again }),
      claimAnswers(db, { jobId: again }),
    ]);
    expect(claims.map((c) => c.length).sort()).toEqual([0, 2]);
    expect(await openRequests(db, 'capture')).toHaveLength(0);
    // A claim whose process died (not answered within the stale time) is open again.
    expect(await openRequests(db, 'capture', Date.now() + 10 * 60_000)).toHaveLength(2);
    await markAnswered(db, a.id);
    await answerFailed(db, b.id); // sending failed: back to waiting
    expect((await openRequests(db, 'capture')).map((r) => r.id)).toEqual([b.id]);
    expect((await getRequest(db, a.id))?.state).toBe('answered');
    await archive.close();
    cleanup();
  });
});
