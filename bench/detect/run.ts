/**
 * bench/detect: how fast edits and deletions are seen, against what the platform's limit allows.
 *
 * 10,000 watched posts on the loopback Mastodon fake (30 ms latency per request; ages spread over
 * 120 days), backfilled through the pipeline, then posts deleted and edited at random moments. The
 * fake enforces Mastodon's default limit (300 requests per 5 minutes per IP) with its headers.
 * Time-to-detect runs from the change on the fake to the stored alert.
 *
 * - **poll-only**: the monitor's ticks alone (`pass({ budgeted: true, until })`: rounds as the budget
 *   refills until the next tick, each the decaying schedule's due posts up to half and the posts
 *   checked longest ago in the rest, spending `monitor.budget.mastodon` less `monitor.headroom`). One
 *   simulated hour on a clock compressed BENCH_SCALE times (default 10): the schedule, ticks, budget
 *   and the fake's rate-limit window are divided by it. Measured times are multiplied back, so the
 *   real processing time counts ×10 too (an upper bound; each pass's real time is reported apart).
 *   Baseline, same run, same changes: an ideal checker that reads the fake's change log at exactly
 *   the same budget (posts × batch per request, round robin): the limit no poller can beat.
 * - **stream**: real time, no compression. The monitor's path for a Mastodon stream event: the event
 *   from the fake's user stream, the archived post found by `postsByStreamKey` (the store function
 *   the monitor calls), gathered 250 ms, one batch check; the ticks run too. With BENCH_WATCHED=1000000
 *   the archive also holds a million other posts (bench/detect/million.ts: on the monitor's indexes,
 *   not due during the run: their hosts do not exist). Baseline, same run: the moment the event reaches
 *   the stream client (the fake's change seen by a bare listener).
 * - **sql** (bench/detect/sql.ts, on 1,000,000 archived posts): the SQL of a monitor tick (claims,
 *   leases, the claimed rows; saving the outcomes apart) and a stream event's look-up, against bare
 *   index probes on the same file.
 *
 * Run: npm run bench:detect (BENCH_MODE=poll|stream|sql|all, BENCH_WATCHED=10000|1000000,
 * BENCH_PLATFORMS=mastodon,bluesky for poll-only, BENCH_NO_TICKS=1 for the stream without the ticks).
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { CapturePipeline } from '../../src/capture/pipeline.ts';
import { type Config, loadConfig } from '../../src/config.ts';
import { createMastodonStream } from '../../src/monitor/mastodon-stream.ts';
import { Rechecker } from '../../src/monitor/recheck.ts';
import { Archive } from '../../src/store/archive.ts';
import { postsByStreamKey } from '../../src/store/monitor.ts';
import { FakeBluesky } from '../../tests/fakes/bluesky.ts';
import { FakeMastodon } from '../../tests/fakes/mastodon.ts';
import { pct } from '../stats.ts';
import { millionPosts } from './million.ts';
import { sql } from './sql.ts';

const POSTS = Number(process.env.BENCH_POSTS ?? 10_000);
const SCALE = Number(process.env.BENCH_SCALE ?? 10);
const POLL_SIM_SECONDS = Number(process.env.BENCH_SIM_SECONDS ?? 3600);
const POLL_CHANGES = Number(process.env.BENCH_CHANGES ?? 200); // deleted, and as many edited
const STREAM_SECONDS = Number(process.env.BENCH_STREAM_SECONDS ?? 300);
const STREAM_CHANGES = Number(process.env.BENCH_STREAM_CHANGES ?? 20); // a change every 7.5 s
const DAY = 86_400_000;
const LIMIT = { requests: 300, windowMs: 300_000 }; // Mastodon's default, per IP

const fmt = (ms: number) =>
  Number.isNaN(ms) ? '-' : ms < 120_000 ? `${(ms / 1000).toFixed(1)} s` : `${(ms / 60_000).toFixed(1)} min`;

function rng(seed: number) {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 2 ** 32;
  };
}

/** The configuration at a compressed clock: every duration the monitor knows, divided by `scale`. */
function scaled(
  dataDir: string,
  scale: number,
  platform: 'mastodon' | 'bluesky' = 'mastodon',
  url = '',
): Config {
  const base = loadConfig({
    ARCHIEFBOT_DATA_DIR: dataDir,
    ARCHIEFBOT_ALLOW_PRIVATE_NETWORKS: 'true',
    ARCHIEFBOT_LOG_LEVEL: 'silent',
    ...(platform === 'bluesky' ? { ARCHIEFBOT_BSKY_APPVIEW_URL: url, ARCHIEFBOT_PLC_URL: url } : {}),
  });
  const budget = base.monitor.budget[platform]!;
  return {
    ...base,
    http: { ...base.http, maxWaitMs: 600_000 / scale },
    monitor: {
      ...base.monitor,
      tickSeconds: base.monitor.tickSeconds / scale,
      recheckSchedule: base.monitor.recheckSchedule.map((r) => ({
        ...(r.maxAgeHours !== undefined ? { maxAgeHours: r.maxAgeHours / scale } : {}),
        everySeconds: Math.max(1, Math.round(r.everySeconds / scale)),
      })),
      errorRetrySeconds: Math.max(1, Math.round(base.monitor.errorRetrySeconds / scale)),
      budget: { [platform]: { ...budget, requestsPerHour: budget.requestsPerHour * scale } },
    },
  };
}

interface Change {
  post: { id: string; url: string };
  kind: 'deleted' | 'edited';
  at: number;
  done: number;
  /** Stream mode: when the event reached the stream client (the baseline). */
  heard?: number;
}

/**
 * The watched account backfilled through the pipeline into the archive in `dataDir`: the archive, the
 * pipeline, the archived posts by the key `idsSql` selects as `url`, and a close that ends the fake too.
 */
async function backfilled(
  dataDir: string,
  config: Config,
  accountUrl: string,
  idsSql: string,
  params: unknown[],
  closeFake: () => Promise<void>,
) {
  const archive = await Archive.open(dataDir, config.warc, {
    recheckSchedule: config.monitor.recheckSchedule,
  });
  const pipeline = new CapturePipeline(archive, config);
  const t0 = Date.now();
  const backfill = await pipeline.capture({ url: accountUrl, trigger: 'command' });
  if (backfill.kind !== 'account' || backfill.posts !== POSTS) throw new Error('backfill incomplete');
  const backfillMs = Date.now() - t0;
  const rows = await archive.db.all<{ id: number; url: string; created_at: string }>(idsSql, params);
  const ids = new Map(rows.map((r) => [r.url, r]));
  const close = async () => {
    await pipeline.close();
    await archive.close();
    await closeFake();
    rmSync(dataDir, { recursive: true, force: true });
  };
  return { archive, pipeline, ids, backfillMs, close };
}

/** A watched account of POSTS posts on the fake, backfilled into an archive (optionally the big one). */
async function setup(name: string, scale: number, seed: number, watched: number) {
  const random = rng(seed);
  const m = await FakeMastodon.start({
    rateLimit: { limit: LIMIT.requests, windowMs: LIMIT.windowMs / scale },
    latencyMs: 30,
  });
  m.addAccount({ username: 'rijksoverheid', displayName: 'Rijksoverheid' });
  const now = Date.now();
  const posts = Array.from({ length: POSTS }, (_, i) =>
    m.addStatus({
      username: 'rijksoverheid',
      content: `<p>Bericht ${i} van de rijksoverheid</p>`,
      createdAt: new Date(now - (120 * random() ** 1.5 * DAY) / scale).toISOString(),
    }),
  );
  const dataDir = mkdtempSync(path.join(tmpdir(), `archiefbot-detect-${name}-`));
  if (watched > POSTS) {
    // The million other posts (bench/detect/million.ts), not due during the run (their hosts do not exist).
    copyFileSync(
      path.join(await millionPosts('watched'), 'archiefbot.db'),
      path.join(dataDir, 'archiefbot.db'),
    );
  }
  const config = scaled(dataDir, scale);
  const archived = await backfilled(
    dataDir,
    config,
    `${m.url}/@rijksoverheid`,
    "SELECT id, url, created_at FROM post WHERE url >= ?1 AND url < ?1 || x'ff'",
    [`${m.url}/`],
    () => m.close(),
  );
  const change = (c: Change) => {
    if (c.kind === 'deleted') m.deleteStatus(c.post.id);
    else m.editStatus(c.post.id, { content: `<p>${c.post.url} aangepast</p>` });
  };
  return {
    m,
    posts,
    random,
    config,
    ...archived,
    change,
    requests: () => m.requests.length,
    /** The fake's requests since `from`, by what they ask (where the window goes). */
    kinds: (from: number) => requestKinds(m.requests.slice(from).map((r) => r.path)),
  };
}

/** Batch look-ups, single status look-ups (deletions confirmed, captures), account look-ups, the rest. */
function requestKinds(paths: string[]): Record<string, number> {
  const out: Record<string, number> = { batch: 0, status: 0, account: 0, other: 0 };
  for (const p of paths) {
    const k = p.startsWith('/api/v1/statuses?')
      ? 'batch'
      : /^\/api\/v1\/statuses\/[^/?]+$/.test(p)
        ? 'status'
        : p.startsWith('/api/v1/accounts/')
          ? 'account'
          : 'other';
    out[k]!++;
  }
  return out;
}

type Watched = Omit<Awaited<ReturnType<typeof setup>>, 'm' | 'posts' | 'kinds'> & {
  kinds?: (from: number) => Record<string, number>;
  posts: { id: string; url: string }[];
};

/** The same on the Bluesky fake (AppView, PLC and PDS on one port), with Bluesky's own budget. */
async function setupBluesky(scale: number, seed: number): Promise<Watched> {
  const random = rng(seed);
  const f = await FakeBluesky.start({ rateLimit: { limit: 3000, windowMs: 300_000 / scale } });
  const handle = 'rijksoverheid.bsky.social';
  f.addAccount({ handle, displayName: 'Rijksoverheid' });
  const now = Date.now();
  const made = Array.from({ length: POSTS }, (_, i) =>
    f.addPost({
      handle,
      text: `Bericht ${i} van de rijksoverheid`,
      createdAt: new Date(now - (120 * random() ** 1.5 * DAY) / scale).toISOString(),
    }),
  );
  const posts = made.map((p) => ({ id: p.uri, url: p.uri }));
  const dataDir = mkdtempSync(path.join(tmpdir(), 'archiefbot-detect-bsky-'));
  const config = scaled(dataDir, scale, 'bluesky', f.url);
  // Keyed by the AT-URI (what the archive holds as the platform id).
  const archived = await backfilled(
    dataDir,
    config,
    `https://bsky.app/profile/${handle}`,
    "SELECT id, platform_id AS url, created_at FROM post WHERE platform = 'bluesky'",
    [],
    () => f.close(),
  );
  const change = (c: Change) => {
    if (c.kind === 'deleted') f.deletePost(c.post.id);
    else f.updatePost(c.post.id, { text: `${c.post.url} aangepast` });
  };
  return {
    posts,
    random,
    config,
    ...archived,
    change,
    requests: () => f.requests.length,
  };
}

function plan(
  posts: { id: string; url: string }[],
  random: () => number,
  n: number,
  runMs: number,
): Change[] {
  const order = posts.map((p) => ({ p, k: random() })).sort((a, b) => a.k - b.k);
  const start = Date.now();
  return order.slice(0, n * 2).map((x, j) => ({
    post: x.p,
    kind: j < n ? 'deleted' : 'edited',
    at: start + random() * runMs * 0.8,
    done: 0,
  }));
}

async function apply(change: (c: Change) => void, changes: Change[]): Promise<void> {
  for (const c of [...changes].sort((a, b) => a.at - b.at)) {
    const wait = c.at - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    c.done = Date.now();
    change(c);
  }
}

/**
 * Runs the monitor's ticks until stopped, as its tick job does: every tick a pass that spends the
 * budget as it refills until the next tick (rounds). Returns the real time of each round that checked.
 */
function ticker(rechecker: Rechecker, config: Config) {
  // BENCH_NO_TICKS=1: the stream alone (to tell its own latency from the budget's competition).
  let stop = process.env.BENCH_NO_TICKS === '1';
  const passMs: number[] = [];
  const done = (async () => {
    while (!stop) {
      const next = Date.now() + config.monitor.tickSeconds * 1000;
      await rechecker.pass({
        limit: 5000,
        budgeted: true,
        until: next,
        onRound: (round) => {
          if (round.checked) passMs.push(round.ms ?? 0);
        },
      });
      const wait = next - Date.now();
      if (wait > 0 && !stop) await new Promise((r) => setTimeout(r, wait));
    }
  })();
  return {
    passMs,
    stop: async () => {
      stop = true;
      rechecker.stop();
      await done;
    },
  };
}

async function detections(
  archive: Archive,
  ids: Map<string, { id: number }>,
  changes: Change[],
  scale: number,
) {
  const alerts = await archive.db.all<{ kind: string; post_id: number; detected_at: string }>(
    'SELECT kind, post_id, detected_at FROM alert',
  );
  const byPost = new Map(alerts.map((a) => [a.post_id, a]));
  const times: number[] = [];
  let wrong = 0;
  for (const c of changes) {
    const a = byPost.get(ids.get(c.post.url)!.id);
    if (!a) continue;
    if (a.kind !== c.kind) wrong++;
    times.push((Date.parse(a.detected_at) - c.done) * scale);
  }
  return { times, wrong, detected: times.length };
}

async function waitForAlerts(archive: Archive, n: number, untilMs: number): Promise<void> {
  while (Date.now() < untilMs) {
    if ((await archive.db.get<{ n: number }>('SELECT count(*) AS n FROM alert'))!.n >= n) return;
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function pollOnly(platform: 'mastodon' | 'bluesky') {
  // Bluesky's budget checks 10,000 posts in under a minute: real time, five minutes, suffices.
  const scale = platform === 'bluesky' ? 1 : SCALE;
  const runMs = platform === 'bluesky' ? 300_000 : (POLL_SIM_SECONDS * 1000) / scale;
  const s = platform === 'bluesky' ? await setupBluesky(scale, 11) : await setup('poll', scale, 11, POSTS);
  const rechecker = new Rechecker(s.pipeline, s.config);
  const changes = plan(s.posts, s.random, platform === 'bluesky' ? 20 : POLL_CHANGES, runMs);
  const before = s.requests();
  const start = Date.now();
  const ticks = ticker(rechecker, s.config);
  await apply(s.change, changes);
  await waitForAlerts(s.archive, changes.length, start + runMs * 1.25);
  await ticks.stop();
  const elapsed = Date.now() - start;
  const requests = s.requests() - before;
  const perHour = (n: number) => Math.round(n / ((elapsed * scale) / 3_600_000));
  const kinds = Object.fromEntries(Object.entries(s.kinds?.(before) ?? {}).map(([k, n]) => [k, perHour(n)]));
  const r = await detections(s.archive, s.ids, changes, scale);
  // Baseline: round robin over every post at exactly the budget, reading the fake's change log.
  const budget = s.config.monitor.budget[platform]!;
  const checksPerMs =
    (budget.requestsPerHour * (1 - s.config.monitor.headroom) * budget.batchSize) / 3_600_000;
  const order = new Map(s.posts.map((p, i) => [p.id, i]));
  const baseline = changes.map((c) => {
    const slot = order.get(c.post.id)! / checksPerMs; // first visit of this post after `start`
    const cycle = POSTS / checksPerMs;
    const since = c.done - start;
    const next = slot + Math.ceil(Math.max(0, since - slot) / cycle) * cycle;
    return (next - since) * scale;
  });
  await s.close();
  return {
    mode: 'poll-only',
    platform,
    limitPerHour: budget.requestsPerHour / scale,
    scale,
    posts: POSTS,
    changes: changes.length,
    detected: r.detected,
    wrongKind: r.wrong,
    p50: pct(r.times, 50),
    p95: pct(r.times, 95),
    max: Math.max(...r.times),
    baselineP50: pct(baseline, 50),
    baselineP95: pct(baseline, 95),
    requestsPerHour: perHour(requests),
    requestKindsPerHour: kinds,
    passRealMs: { p50: pct(ticks.passMs, 50), p95: pct(ticks.passMs, 95) },
    backfillSeconds: Number((s.backfillMs / 1000).toFixed(1)),
  };
}

async function stream(watched: number) {
  const runMs = STREAM_SECONDS * 1000;
  const s = await setup('stream', 1, 7, watched);
  const rechecker = new Rechecker(s.pipeline, s.config);
  const changes = plan(s.posts, s.random, STREAM_CHANGES, runMs);
  const byStatus = new Map(changes.map((c) => [c.post.id, c]));
  const pending = new Set<number>();
  let gather: NodeJS.Timeout | undefined;
  const checks: Promise<unknown>[] = [];
  const lookupMs: number[] = [];
  const db = s.archive.db;
  const host = s.m.host;
  const listener = createMastodonStream({
    baseUrl: s.m.url,
    token: 'bench-token',
    // As the monitor's onStreamEvent: the post by the event's keys, gathered 250 ms, one batch check.
    onEvent: async (e) => {
      if (e.platform !== 'mastodon' || e.kind === 'create') return;
      const c = byStatus.get(e.statusId);
      if (c && !c.heard) c.heard = Date.now();
      const t = performance.now();
      const rows = await postsByStreamKey(db, 'mastodon', e.uri ?? '', [
        `https://${host}/api/v1/statuses/${e.statusId}`,
        `http://${host}/api/v1/statuses/${e.statusId}`,
      ]);
      lookupMs.push(performance.now() - t);
      for (const r of rows) pending.add(r.id);
      gather ??= setTimeout(() => {
        gather = undefined;
        const ids = [...pending];
        pending.clear();
        checks.push(rechecker.pass({ postIds: ids }));
      }, 250);
    },
  });
  await listener.start();
  const start = Date.now();
  const ticks = ticker(rechecker, s.config);
  await apply(s.change, changes);
  await waitForAlerts(s.archive, changes.length, start + runMs * 1.25);
  await ticks.stop();
  await listener.stop();
  clearTimeout(gather);
  await Promise.allSettled(checks);
  const r = await detections(s.archive, s.ids, changes, 1);
  const heard = changes.filter((c) => c.heard).map((c) => c.heard! - c.done);
  await s.close();
  return {
    mode: 'stream',
    watched,
    changes: changes.length,
    detected: r.detected,
    wrongKind: r.wrong,
    p50: pct(r.times, 50),
    p95: pct(r.times, 95),
    max: Math.max(...r.times),
    baselineP50: pct(heard, 50),
    baselineP95: pct(heard, 95),
    lookupMs: { p50: pct(lookupMs, 50), p95: pct(lookupMs, 95) },
    backfillSeconds: Number((s.backfillMs / 1000).toFixed(1)),
  };
}

const mode = process.env.BENCH_MODE ?? 'all';
const watched = Number(process.env.BENCH_WATCHED ?? POSTS);
const results: unknown[] = [];
if (mode === 'sql' || mode === 'all') {
  const r = await sql();
  results.push(r);
  console.log(
    `sql at ${r.posts.toLocaleString('en')} posts: Mastodon tick (${r.claimedPerTick} claimed) p50/p95 ${r.tickMs.p50.toFixed(2)}/${r.tickMs.p95.toFixed(2)} ms (the tick as before ${r.tickBeforeMs.p50.toFixed(2)}/${r.tickBeforeMs.p95.toFixed(2)}; bare index range scans ${r.bareTickMs.p50.toFixed(2)}/${r.bareTickMs.p95.toFixed(2)}; the claim before its lease table ${r.oldTickMs.p50.toFixed(1)}/${r.oldTickMs.p95.toFixed(1)}), saving their checks ${r.saveMs.p50.toFixed(1)}/${r.saveMs.p95.toFixed(1)} ms (before: ${r.oldSaveMs.p50.toFixed(1)}/${r.oldSaveMs.p95.toFixed(1)}); every platform (${r.claimedAllPlatforms} claimed) ${r.allPlatformsMs.p50.toFixed(0)}/${r.allPlatformsMs.p95.toFixed(0)} ms, saved ${r.allPlatformsSaveMs.p50.toFixed(0)}/${r.allPlatformsSaveMs.p95.toFixed(0)} ms | stream look-up ${r.lookupMs.p50.toFixed(3)}/${r.lookupMs.p95.toFixed(3)} ms (by primary key ${r.bareLookupMs.p50.toFixed(3)}/${r.bareLookupMs.p95.toFixed(3)})`,
  );
}
if (mode === 'stream' || mode === 'all') {
  const r = await stream(watched);
  results.push(r);
  console.log(
    `stream (${r.watched.toLocaleString('en')} watched) detected ${r.detected}/${r.changes} (wrong kind ${r.wrongKind})  p50 ${fmt(r.p50)}  p95 ${fmt(r.p95)}  max ${fmt(r.max)} | event heard p50 ${fmt(r.baselineP50)} p95 ${fmt(r.baselineP95)} | look-up p95 ${r.lookupMs.p95.toFixed(2)} ms`,
  );
}
const platforms = (process.env.BENCH_PLATFORMS ?? 'mastodon,bluesky').split(',') as (
  | 'mastodon'
  | 'bluesky'
)[];
for (const platform of mode === 'poll' || mode === 'all' ? platforms : []) {
  const r = await pollOnly(platform);
  results.push(r);
  console.log(
    `poll-only ${r.platform} detected ${r.detected}/${r.changes} (wrong kind ${r.wrongKind})  p50 ${fmt(r.p50)}  p95 ${fmt(r.p95)}  max ${fmt(r.max)} | ideal checker at the same budget p50 ${fmt(r.baselineP50)} p95 ${fmt(r.baselineP95)} | ${r.requestsPerHour} requests/hour (limit ${r.limitPerHour.toLocaleString('en')}; ${Object.entries(
      r.requestKindsPerHour,
    )
      .map(([k, n]) => `${k} ${n}`)
      .join(', ')}) | round real time p95 ${r.passRealMs.p95.toFixed(0)} ms`,
  );
}
console.log(
  JSON.stringify({
    results,
    machine: `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`,
    load: loadavg().map((x) => x.toFixed(1)),
    date: new Date().toISOString(),
  }),
);
