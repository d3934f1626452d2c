/**
 * bench/detect: how fast edits and deletions are seen. 10,000 watched posts on the loopback Mastodon
 * fake (ages spread over 120 days), of which 200 are deleted and 200 edited at random moments;
 * time-to-detect p50/p95/max in stream mode (Mastodon streaming triggers an immediate check; polling
 * stays on) and in poll-only mode (the decaying re-check schedule alone), and the platform requests
 * per hour. The fake enforces Mastodon's default limit (300 requests per 5 minutes per IP).
 *
 * Both run on a compressed clock: every duration the monitor knows (schedule intervals and ages, the
 * rate-limit window, the run itself) is divided by the scale, and measured times are multiplied back.
 * Poll-only: a simulated hour at 60×. Stream: 30 simulated minutes at 10× (real processing time is
 * multiplied too, so its figures are an upper bound). Run: npm run bench:detect
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { CapturePipeline } from '../../src/capture/pipeline.ts';
import { type Config, loadConfig } from '../../src/config.ts';
import { Rechecker } from '../../src/monitor/recheck.ts';
import { Archive } from '../../src/store/archive.ts';
import { FakeMastodon } from '../../tests/fakes/mastodon.ts';

const POSTS = Number(process.env.BENCH_POSTS ?? 10_000);
const CHANGES = Number(process.env.BENCH_CHANGES ?? 200); // deleted, and as many edited
const SCALE = Number(process.env.BENCH_SCALE ?? 60); // poll-only: 1 real second = SCALE simulated seconds
const SIM_SECONDS = Number(process.env.BENCH_SIM_SECONDS ?? 3600); // simulated run length (poll-only)
// Stream mode: 400 changes in 30 simulated minutes (faster would only measure Mastodon's rate limit),
// on a clock compressed 10 times; measured times are multiplied back, which overstates the real
// processing time tenfold: the stream figures are an upper bound.
const STREAM_SCALE = Number(process.env.BENCH_STREAM_SCALE ?? 10);
const STREAM_SIM_SECONDS = Number(process.env.BENCH_STREAM_SIM_SECONDS ?? 1800);
const DAY = 86_400_000;

const pct = (xs: number[], p: number) => {
  if (!xs.length) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};
const fmt = (ms: number) =>
  Number.isNaN(ms) ? '-' : ms < 120_000 ? `${(ms / 1000).toFixed(1)} s` : `${(ms / 60_000).toFixed(1)} min`;

function rng(seed: number) {
  let x = seed >>> 0;
  return () => {
    x = (x * 1664525 + 1013904223) >>> 0;
    return x / 2 ** 32;
  };
}

interface Mode {
  name: 'poll-only' | 'stream';
  scale: number;
  runMs: number;
}

async function run(mode: Mode) {
  const random = rng(mode.name === 'stream' ? 7 : 11);
  const scale = mode.scale;
  const m = await FakeMastodon.start({ rateLimit: { limit: 300, windowMs: 300_000 / scale } });
  m.addAccount({ username: 'rijksoverheid', displayName: 'Rijksoverheid' });
  const now = Date.now();
  const posts = Array.from({ length: POSTS }, (_, i) => {
    // Ages spread over 120 simulated days, young posts a little more often (recent activity).
    const ageDays = 120 * random() ** 1.5;
    return m.addStatus({
      username: 'rijksoverheid',
      content: `<p>Bericht ${i} van de rijksoverheid</p>`,
      createdAt: new Date(now - (ageDays * DAY) / scale).toISOString(),
    });
  });
  const dataDir = mkdtempSync(path.join(tmpdir(), 'archiefbot-detect-'));
  const base = loadConfig({
    ARCHIEFBOT_DATA_DIR: dataDir,
    ARCHIEFBOT_ALLOW_PRIVATE_NETWORKS: 'true',
    ARCHIEFBOT_LOG_LEVEL: 'silent',
  });
  const config: Config = {
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
    },
  };
  const archive = await Archive.open(dataDir, config.warc, {
    recheckSchedule: config.monitor.recheckSchedule,
  });
  const pipeline = new CapturePipeline(archive, config);
  const t0 = Date.now();
  const backfill = await pipeline.capture({ url: `${m.url}/@rijksoverheid`, trigger: 'command' });
  if (backfill.kind !== 'account' || backfill.posts !== POSTS) throw new Error('backfill incomplete');
  const backfillMs = Date.now() - t0;
  const rechecker = new Rechecker(pipeline, config);
  const requestsBefore = m.requests.length;

  // The changes, at random moments of the run.
  const order = posts.map((p, i) => ({ p, i, k: random() })).sort((a, b) => a.k - b.k);
  const changes = order.slice(0, CHANGES * 2).map((x, j) => ({
    post: x.p,
    kind: j < CHANGES ? ('deleted' as const) : ('edited' as const),
    at: Date.now() + random() * mode.runMs * 0.8,
    done: 0,
    ageDays: 0,
  }));
  const ids = new Map(
    (
      await archive.db.all<{ id: number; url: string; created_at: string }>(
        'SELECT id, url, created_at FROM post',
      )
    ).map((r) => [r.url, r]),
  );
  for (const c of changes) c.ageDays = ((c.at - Date.parse(ids.get(c.post.url)!.created_at)) * scale) / DAY;

  let stop = false;
  const pending = new Set<number>();
  let gather: NodeJS.Timeout | undefined;
  const checks: Promise<unknown>[] = [];
  const stream =
    mode.name === 'stream'
      ? await (async () => {
          const { createMastodonStream } = await import('../../src/monitor/mastodon-stream.ts');
          const urlToId = new Map([...ids.values()].map((r) => [r.url.split('/').pop()!, r.id]));
          const s = createMastodonStream({
            baseUrl: m.url,
            token: 'bench-token',
            // As the monitor does: events gathered for 250 ms, then one check of the posts they name.
            onEvent: (e) => {
              if (e.platform !== 'mastodon') return;
              const id = urlToId.get(e.statusId);
              if (!id) return;
              pending.add(id);
              gather ??= setTimeout(() => {
                gather = undefined;
                const ids = [...pending];
                pending.clear();
                checks.push(rechecker.pass({ postIds: ids }));
              }, 250);
            },
          });
          await s.start();
          return s;
        })()
      : null;
  const applier = (async () => {
    for (const c of [...changes].sort((a, b) => a.at - b.at)) {
      const wait = c.at - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      c.done = Date.now();
      if (c.kind === 'deleted') m.deleteStatus(c.post.id);
      else m.editStatus(c.post.id, { content: `<p>${c.post.url} aangepast</p>` });
    }
  })();
  const ticker = (async () => {
    while (!stop) {
      await rechecker.pass({ limit: 2000, budgeted: true });
      await new Promise((r) => setTimeout(r, config.monitor.tickSeconds * 1000));
    }
  })();
  const runStart = Date.now();
  await applier;
  // Keep going until everything is seen, or the run (plus a grace of a tenth) is over.
  while (Date.now() - runStart < mode.runMs * 1.1) {
    const seen = (await archive.db.get<{ n: number }>('SELECT count(*) AS n FROM alert'))!.n;
    if (seen >= changes.length) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  stop = true;
  await ticker;
  await stream?.stop();
  clearTimeout(gather);
  await Promise.allSettled(checks);
  const elapsed = Date.now() - runStart;
  const requests = m.requests.length - requestsBefore;
  const throttled = m.requests.slice(requestsBefore).length - 0;
  const alerts = await archive.db.all<{ kind: string; post_id: number; detected_at: string }>(
    'SELECT kind, post_id, detected_at FROM alert',
  );
  const detectedBy = new Map(alerts.map((a) => [a.post_id, a]));
  const times: number[] = [];
  const youngTimes: number[] = [];
  let missed = 0;
  let wrong = 0;
  for (const c of changes) {
    const a = detectedBy.get(ids.get(c.post.url)!.id);
    if (!a) {
      missed++;
      continue;
    }
    if (a.kind !== c.kind) wrong++;
    const ms = (Date.parse(a.detected_at) - c.done) * scale;
    times.push(ms);
    if (c.ageDays < 1) youngTimes.push(ms);
  }
  await pipeline.close();
  await archive.close();
  await m.close();
  rmSync(dataDir, { recursive: true, force: true });
  const simHours = (elapsed * scale) / 3_600_000;
  void throttled;
  return {
    mode: mode.name,
    scale,
    posts: POSTS,
    changes: changes.length,
    detected: changes.length - missed,
    wrongKind: wrong,
    p50: pct(times, 50),
    p95: pct(times, 95),
    max: times.length ? Math.max(...times) : Number.NaN,
    young: {
      n: youngTimes.length,
      p50: pct(youngTimes, 50),
      p95: pct(youngTimes, 95),
      max: youngTimes.length ? Math.max(...youngTimes) : Number.NaN,
    },
    requestsPerHour: Math.round(requests / simHours),
    backfillSeconds: Number((backfillMs / 1000).toFixed(1)),
    runSeconds: Number((elapsed / 1000).toFixed(1)),
  };
}

const modes: Mode[] = [];
if (process.env.BENCH_MODE !== 'poll') {
  modes.push({ name: 'stream', scale: STREAM_SCALE, runMs: (STREAM_SIM_SECONDS * 1000) / STREAM_SCALE });
}
if (process.env.BENCH_MODE !== 'stream')
  modes.push({ name: 'poll-only', scale: SCALE, runMs: (SIM_SECONDS * 1000) / SCALE });
const results = [];
for (const mode of modes) {
  const r = await run(mode);
  results.push(r);
  console.log(
    `${r.mode.padEnd(9)} detected ${r.detected}/${r.changes} (wrong kind ${r.wrongKind})  p50 ${fmt(r.p50)}  p95 ${fmt(r.p95)}  max ${fmt(r.max)}` +
      `  | younger than a day (n=${r.young.n}): p50 ${fmt(r.young.p50)} p95 ${fmt(r.young.p95)} max ${fmt(r.young.max)}` +
      `  | ${r.requestsPerHour} requests/hour (limit 3600)`,
  );
}
console.log(
  JSON.stringify({
    results,
    machine: `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`,
    date: new Date().toISOString(),
  }),
);
