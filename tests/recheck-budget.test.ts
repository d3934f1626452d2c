/**
 * Detection at the budget's limit (issue 11): the re-checker spends each platform's request budget
 * (`monitor.budget`, less `monitor.headroom`) — never more requests in any window than the budget,
 * the due posts first and then the ones checked longest ago.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CapturePipeline } from '../src/capture/pipeline.ts';
import { type Config, loadConfig } from '../src/config.ts';
import { Rechecker, RequestBudget, rateWindow } from '../src/monitor/recheck.ts';
import { Archive } from '../src/store/archive.ts';
import { claimDue } from '../src/store/monitor.ts';
import { FakeMastodon } from './fakes/mastodon.ts';

const HOUR = 3_600_000;

/** The most requests in any window of `ms` (spends as [time, requests]). */
function mostIn(spends: [number, number][], ms: number): number {
  let most = 0;
  let sum = 0;
  let start = 0;
  for (const [t, n] of spends) {
    sum += n;
    while (spends[start]![0] <= t - ms) sum -= spends[start++]![1];
    most = Math.max(most, sum);
  }
  return most;
}

describe('the request budget', () => {
  it('never lets a window see more than its share plus two ticks, and is spent in full over time', () => {
    // Mastodon: 3,600 an hour (300 per 5 minutes), 20 % headroom, a tick every 15 s arriving late at random.
    const perHour = 3600 * 0.8;
    let now = 0;
    const budget = new RequestBudget(perHour, 15, now);
    const spends: [number, number][] = [];
    let x = 3;
    const random = () => {
      x = (x * 48271) % 2147483647;
      return x / 2147483647;
    };
    while (now < 3 * HOUR) {
      now += 15_000 + random() * 10_000;
      const take = budget.available(now);
      // What the look-ups really cost: sometimes a retry or a single look-up more than the batches.
      const cost = take + (take && random() < 0.1 ? 1 : 0);
      budget.spend(cost, now);
      if (cost) spends.push([now, cost]);
    }
    const twoTicks = 2 * (perHour / 240);
    expect(mostIn(spends, HOUR)).toBeLessThanOrEqual(perHour + twoTicks + 1);
    expect(mostIn(spends, 5 * 60_000)).toBeLessThanOrEqual(300); // Mastodon's own window
    const total = spends.reduce((a, [, n]) => a + n, 0);
    expect(total).toBeGreaterThan(perHour * (now / HOUR) * 0.97); // nothing left unspent
  });

  it('waits while it is in debt: an expensive pass makes the next ones smaller', () => {
    const budget = new RequestBudget(240, 15, 0); // 1 request a tick, 2 at most in hand
    expect(budget.available(0)).toBe(2);
    budget.spend(6, 0);
    expect(budget.available(15_000)).toBe(0);
    expect(budget.available(60_000)).toBe(0); // −4, paid back at one a tick
    expect(budget.available(75_000)).toBe(1);
    expect(budget.available(90_000)).toBe(2);
    expect(budget.available(600_000)).toBe(2); // never more than two ticks' worth in hand
  });
});

describe("the platform's own window", () => {
  it('is read from Mastodon, X and Bluesky rate-limit headers, and ignored when absent', () => {
    const mastodon = rateWindow({
      responseHeaders: [
        ['X-RateLimit-Limit', '300'],
        ['X-RateLimit-Remaining', '120'],
        ['X-RateLimit-Reset', '2026-11-26T10:05:00.000Z'],
      ],
    });
    expect(mastodon).toEqual({ limit: 300, remaining: 120, resetAt: Date.parse('2026-11-26T10:05:00.000Z') });
    const bluesky = rateWindow({
      responseHeaders: [
        ['RateLimit-Limit', '3000'],
        ['RateLimit-Remaining', '2999'],
        ['RateLimit-Reset', '1795000000'],
      ],
    });
    expect(bluesky).toEqual({ limit: 3000, remaining: 2999, resetAt: 1_795_000_000_000 });
    const x = rateWindow({
      responseHeaders: [
        ['x-rate-limit-limit', '450'],
        ['x-rate-limit-remaining', '0'],
        ['x-rate-limit-reset', '1795000000'],
      ],
    });
    expect(x?.remaining).toBe(0);
    // The IETF draft's form: seconds from now, read as the HTTP client reads it (not as 1970).
    const before = Date.now();
    const delta = rateWindow({
      responseHeaders: [
        ['RateLimit-Limit', '3000'],
        ['RateLimit-Remaining', '10'],
        ['RateLimit-Reset', '300'],
      ],
    });
    expect(delta!.resetAt).toBeGreaterThanOrEqual(before + 300_000);
    expect(delta!.resetAt).toBeLessThanOrEqual(Date.now() + 300_000);
    expect(rateWindow({ responseHeaders: [['content-type', 'application/json']] })).toBeNull();
    expect(rateWindow(undefined)).toBeNull();
  });
});

describe('the re-checker at the budget', () => {
  let cleanup: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await cleanup?.();
    cleanup = undefined;
  });

  async function setup(
    posts: number,
    budget: { requestsPerHour: number; batchSize: number },
    opts: { latencyMs?: number; tickSeconds?: number; rateLimit?: { limit: number; windowMs: number } } = {},
  ) {
    const m = await FakeMastodon.start({ latencyMs: opts.latencyMs, rateLimit: opts.rateLimit });
    m.addAccount({ username: 'minbzk', displayName: 'BZK' });
    for (let i = 0; i < posts; i++)
      m.addStatus({
        username: 'minbzk',
        content: `<p>Bericht ${i}</p>`,
        createdAt: new Date(Date.now() - (i + 10) * 86_400_000).toISOString(),
      });
    const dataDir = mkdtempSync(path.join(tmpdir(), 'archiefbot-budget-'));
    const base = loadConfig({
      ARCHIEFBOT_DATA_DIR: dataDir,
      ARCHIEFBOT_ALLOW_PRIVATE_NETWORKS: 'true',
      ARCHIEFBOT_LOG_LEVEL: 'silent',
    });
    const config: Config = {
      ...base,
      http: { ...base.http, maxWaitMs: 2000 },
      monitor: {
        ...base.monitor,
        headroom: 0.25,
        tickSeconds: opts.tickSeconds ?? base.monitor.tickSeconds,
        budget: { ...base.monitor.budget, mastodon: budget },
      },
    };
    const archive = await Archive.open(dataDir, config.warc, {
      recheckSchedule: config.monitor.recheckSchedule,
    });
    const pipeline = new CapturePipeline(archive, config);
    cleanup = async () => {
      await pipeline.close();
      await archive.close();
      await m.close();
      rmSync(dataDir, { recursive: true, force: true });
    };
    const backfill = await pipeline.capture({ url: `${m.url}/@minbzk`, trigger: 'command' });
    expect(backfill.kind).toBe('account');
    return { m, archive, pipeline, rechecker: new Rechecker(pipeline, config) };
  }

  it('spends what the budget has, in whole batches, oldest checked first; nothing more until it refills', async () => {
    // 240 an hour less 25 % = 180 an hour: 0.75 a 15-second tick, 1.5 in hand at most → one batch of 20.
    const { m, archive, rechecker } = await setup(70, { requestsPerHour: 240, batchSize: 20 });
    // Nothing is due (posts ten days old are checked daily); some were checked longer ago than others.
    await archive.db.run(
      `UPDATE post SET next_check_at = '2099-01-01T00:00:00.000Z',
         last_checked_at = strftime('%Y-%m-%dT%H:%M:%fZ', '2026-01-01', '+' || id || ' minutes')`,
    );
    await archive.db.run('UPDATE post SET last_checked_at = NULL WHERE id IN (60, 61)');
    const before = m.requests.length;
    const first = await rechecker.pass({ budgeted: true });
    expect(m.requests.length - before).toBe(1); // one batch look-up
    const ids = first.outcomes.map((o) => o.id).sort((a, b) => a - b);
    // Never checked first, then the ones checked longest ago.
    expect(ids).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 60, 61]);
    expect(first.outcomes.every((o) => o.outcome === 'unchanged')).toBe(true);
    // The budget is spent: an immediate second pass asks nothing.
    const second = await rechecker.pass({ budgeted: true });
    expect(second.checked).toBe(0);
    expect(m.requests.length - before).toBe(1);
  });

  it('checks the due posts before spare ones, and a platform without a budget only on its schedule', async () => {
    const { archive, rechecker } = await setup(50, { requestsPerHour: 240, batchSize: 20 });
    await archive.db.run(
      `UPDATE post SET next_check_at = '2099-01-01T00:00:00.000Z', last_checked_at = '2026-01-01T00:00:00.000Z'`,
    );
    await archive.db.run(
      "UPDATE post SET next_check_at = '2000-01-01T00:00:00.000Z', last_checked_at = '2026-06-01T00:00:00.000Z' WHERE id > 45",
    );
    const pass = await rechecker.pass({ budgeted: true });
    const ids = pass.outcomes.map((o) => o.id);
    expect(ids).toHaveLength(20);
    for (const id of [46, 47, 48, 49, 50]) expect(ids).toContain(id); // due: first, though checked last
    // Without a budget (the store's defaults): the due ones only, as many as are due.
    const now = new Date().toISOString();
    await archive.db.run("UPDATE post SET next_check_at = '2000-01-01T00:00:00.000Z' WHERE id <= 3");
    const due = await claimDue(archive.db, { now, leaseUntil: now, limit: 100, platforms: ['mastodon'] });
    expect(due.map((p) => p.id)).toEqual([1, 2, 3]);
  });

  it('asks about a post already confirmed deleted in the batch alone: no look-up of its own each time', async () => {
    const { m, archive, rechecker } = await setup(3, { requestsPerHour: 240, batchSize: 20 });
    const gone = (await archive.db.get<{ id: number; api_ref: string }>(
      'SELECT id, api_ref FROM post ORDER BY id LIMIT 1',
    ))!;
    m.deleteStatus(gone.api_ref.split('/').pop()!);
    let before = m.requests.length;
    const first = await rechecker.pass({ all: true });
    expect(first.outcomes.find((o) => o.id === gone.id)?.outcome).toBe('deleted');
    expect(m.requests.length - before).toBeGreaterThan(1); // the batch, then the post alone (asked twice)
    before = m.requests.length;
    const again = await rechecker.pass({ all: true });
    expect(again.outcomes.find((o) => o.id === gone.id)).toMatchObject({
      outcome: 'unchanged',
      detail: 'still deleted',
    });
    expect(m.requests.slice(before).map((r) => r.path.split('?')[0])).toEqual(['/api/v1/statuses']);
  });

  it("lets a stream event's check spend the window's headroom at once while the background work is paced", async () => {
    // A window of 12 requests a day; once half is used the HTTP client spreads requests over what is
    // left (hours over a few requests: longer than the 2 s the client may wait).
    const { m, archive, pipeline, rechecker } = await setup(
      3,
      { requestsPerHour: 240, batchSize: 20 },
      { rateLimit: { limit: 12, windowMs: 86_400_000 } },
    );
    const lookup = `${m.url}/api/v1/accounts/lookup?acct=minbzk`;
    while (m.requests.length < 6) await fetch(lookup);
    // The client reads the window (5 of 12 left: pacing from now on); the next request has the one
    // free slot, the one after would wait hours.
    await pipeline.http.session().get(lookup);
    await pipeline.http.session().get(lookup);
    expect(m.requests.length).toBe(8);
    const { id } = (await archive.db.get<{ id: number }>('SELECT id FROM post ORDER BY id LIMIT 1'))!;
    const urgent = await rechecker.pass({ postIds: [id] });
    expect(urgent.outcomes).toEqual([expect.objectContaining({ id, outcome: 'unchanged' })]);
    // The same check as background work waits its turn in the pacing: longer than it may, so an error
    // (never a deletion), and the post is left for later.
    const paced = await rechecker.pass({ all: true });
    expect(paced.outcomes.map((o) => o.outcome)).toEqual(['error', 'error', 'error']);
  });

  it('gives the posts checked longest ago their share when the schedule alone would take the whole budget', async () => {
    const { archive, rechecker } = await setup(70, { requestsPerHour: 240, batchSize: 20 });
    // 40 young posts are due (more than the one batch the budget allows); the others were checked long ago.
    await archive.db.run(
      `UPDATE post SET next_check_at = '2099-01-01T00:00:00.000Z',
         last_checked_at = strftime('%Y-%m-%dT%H:%M:%fZ', '2026-01-01', '+' || id || ' minutes')`,
    );
    await archive.db.run(
      `UPDATE post SET last_checked_at = '2026-11-01T00:00:00.000Z',
         next_check_at = strftime('%Y-%m-%dT%H:%M:%fZ', '2000-01-01', '+' || id || ' minutes') WHERE id > 30`,
    );
    const ids = (await rechecker.pass({ budgeted: true })).outcomes.map((o) => o.id).sort((a, b) => a - b);
    expect(ids).toHaveLength(20);
    // Half the batch: the longest-due posts of the schedule; the other half: the oldest checked.
    expect(ids.filter((id) => id > 30)).toEqual([31, 32, 33, 34, 35, 36, 37, 38, 39, 40]);
    expect(ids.filter((id) => id <= 30)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('lets the schedule take what the oldest-checked posts leave (no budget left unspent)', async () => {
    const { archive, rechecker } = await setup(25, { requestsPerHour: 240, batchSize: 20 });
    // 22 posts due, 3 not: the spare side wants only 3 of its 10, the due side takes the other 17.
    await archive.db.run(
      `UPDATE post SET last_checked_at = '2026-11-01T00:00:00.000Z',
         next_check_at = strftime('%Y-%m-%dT%H:%M:%fZ', '2000-01-01', '+' || id || ' minutes')`,
    );
    await archive.db.run(
      "UPDATE post SET next_check_at = '2099-01-01T00:00:00.000Z', last_checked_at = '2026-01-01T00:00:00.000Z' WHERE id > 22",
    );
    const ids = (await rechecker.pass({ budgeted: true })).outcomes.map((o) => o.id).sort((a, b) => a - b);
    expect(ids).toHaveLength(20);
    expect(new Set(ids).size).toBe(20); // no post claimed twice
    expect(ids.filter((id) => id > 22)).toEqual([23, 24, 25]);
    expect(ids.filter((id) => id <= 22)).toEqual([...Array(17).keys()].map((i) => i + 1));
  });

  it('spends the budget as it refills until the tick ends, in rounds, never above the budget', async () => {
    // 36,000 an hour less 25 %: 7.5 requests a second; a 1-second tick holds 15 at most, rounds of 1.
    const { m, rechecker } = await setup(400, { requestsPerHour: 36_000, batchSize: 20 }, { tickSeconds: 1 });
    const rounds: number[] = [];
    const before = m.requests.length;
    const start = Date.now();
    const pass = await rechecker.pass({
      budgeted: true,
      until: start + 1000,
      onRound: (r) => rounds.push(r.checked),
    });
    const elapsed = Date.now() - start;
    const requests = m.requests.length - before;
    expect(rounds.length).toBeGreaterThan(1); // not one burst: more rounds as the budget refilled
    expect(pass.checked).toBe(rounds.reduce((a, b) => a + b, 0));
    expect(requests).toBeGreaterThan(15); // more than a burst's worth: what accrued was spent too
    expect(requests).toBeLessThanOrEqual(15 + Math.ceil((7.5 * elapsed) / 1000) + 1);
    // A tick that comes while the loop runs extends it instead of spending beside it.
    const [first, second] = await Promise.all([
      rechecker.pass({ budgeted: true, until: Date.now() + 300 }),
      rechecker.pass({ budgeted: true, until: Date.now() + 600 }),
    ]);
    expect(second.checked).toBe(0);
    expect(first.checked).toBeGreaterThan(0);
  });

  it("runs a stream event's check before the tick's next batch look-up: it is not queued behind the tick's spending", async () => {
    // A slow instance (80 ms a request) and a tick with 14 batches to look up, one after the other.
    const { m, archive, rechecker } = await setup(
      400,
      { requestsPerHour: 36_000, batchSize: 20 },
      { latencyMs: 80, tickSeconds: 1 },
    );
    // The first round asks one batch (the platform's window is not known yet); 14 of 15 are left.
    await rechecker.pass({ budgeted: true });
    await archive.db.run(
      `UPDATE post SET next_check_at = '2099-01-01T00:00:00.000Z', last_checked_at = '2026-01-01T00:00:00.000Z'`,
    );
    const target = (await archive.db.get<{ id: number; api_ref: string }>(
      'SELECT id, api_ref FROM post ORDER BY id DESC LIMIT 1',
    ))!;
    const statusId = target.api_ref.split('/').pop()!;
    // Deleted: its check takes three look-ups in turn (the batch, the post alone, its author).
    m.deleteStatus(statusId);
    const isBatch = (path: string) => path.startsWith('/api/v1/statuses?');
    const before = m.requests.length;
    const tick = rechecker.pass({ budgeted: true });
    // The stream's check arrives while the tick is looking up its third batch.
    while (m.requests.slice(before).filter((r) => isBatch(r.path)).length < 3)
      await new Promise((r) => setTimeout(r, 5));
    const asked = m.requests.length;
    const urgent = await rechecker.pass({ postIds: [target.id] });
    const answered = m.requests.length;
    await tick;
    expect(urgent.outcomes).toEqual([expect.objectContaining({ id: target.id, outcome: 'deleted' })]);
    const during = m.requests.slice(asked, answered);
    // Its own look-ups, and at most the one tick batch that was already on its way.
    expect(
      during.filter((r) => r.path.includes(statusId) && !r.path.includes('&')).length,
    ).toBeGreaterThanOrEqual(2);
    expect(during.filter((r) => isBatch(r.path) && r.path.includes('&')).length).toBeLessThanOrEqual(1);
    // The tick was not starved: it looked up all its batches afterwards.
    expect(
      m.requests.slice(before).filter((r) => isBatch(r.path) && r.path.includes('&')).length,
    ).toBeGreaterThanOrEqual(14);
  });

  it("asks one round's worth first, before the platform has said how much of its window is left", async () => {
    // A backfill has just spent most of the window (12 of 40 left, headroom 25 %: 10).
    const { m, rechecker } = await setup(
      200,
      { requestsPerHour: 36_000, batchSize: 20 },
      { tickSeconds: 1, rateLimit: { limit: 40, windowMs: 86_400_000 } },
    );
    while (m.requests.length < 28) await fetch(`${m.url}/api/v1/accounts/lookup?acct=minbzk`);
    const before = m.requests.length;
    await rechecker.pass({ budgeted: true }); // 15 in the bucket, but one round's worth: 1
    expect(m.requests.length - before).toBe(1);
    // Now it knows: 11 left less the headroom's 10, one more batch, and nothing after that.
    await rechecker.pass({ budgeted: true });
    await rechecker.pass({ budgeted: true });
    expect(m.requests.length - before).toBe(2);
  });
});
