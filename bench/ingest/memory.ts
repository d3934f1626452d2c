/**
 * bench/ingest memory: the peak resident memory of a backfill, as an operator runs it — `archiefbot
 * capture <account URL>` in its own process against a loopback Mastodon fake (in this process) that
 * serves BENCH_POSTS posts — for several account sizes. A backfill must hold O(page), not the account:
 * the goal (issue 16) is a peak under 300 MB at 100,000 posts, and no growth with the account's size.
 * The baseline in the same run is the same command on an account of 40 posts (one page).
 * Run: npm run bench:ingest-memory   (BENCH_SIZES=2000,20000,100000)
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { FakeMastodon } from '../../tests/fakes/mastodon.ts';
import { testEnv } from '../../tests/helpers/cli.ts';

const SIZES = (process.env.BENCH_SIZES ?? '2000,20000,100000').split(',').map(Number);
const bin = new URL('../../bin/archiefbot.js', import.meta.url).pathname;

/** Runs `archiefbot capture <url> --json` in a child; its peak RSS (VmHWM, sampled until exit) in MB. */
function capture(
  url: string,
  env: NodeJS.ProcessEnv,
): Promise<{ peakMb: number; seconds: number; posts: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [bin, 'capture', url, '--json'], {
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    let peakKb = 0;
    child.stdout.on('data', (d) => {
      out += d;
    });
    const sample = setInterval(() => {
      try {
        const s = readFileSync(`/proc/${child.pid}/status`, 'utf8');
        peakKb = Math.max(peakKb, Number(/VmHWM:\s+(\d+)/.exec(s)?.[1] ?? 0));
      } catch {}
    }, 50);
    child.once('exit', (code) => {
      clearInterval(sample);
      if (code !== 0) return reject(new Error(`capture exited ${code}: ${out.slice(0, 300)}`));
      const doc = JSON.parse(out);
      resolve({
        peakMb: Math.round(peakKb / 1024),
        seconds: (performance.now() - t0) / 1000,
        posts: doc.posts,
      });
    });
  });
}

const rows: { posts: number; peakMb: number; seconds: number }[] = [];
for (const size of [40, ...SIZES]) {
  const m = await FakeMastodon.start();
  m.addAccount({ username: 'bench', displayName: 'Benchmark' });
  m.addStatuses(size, 'bench', (i) => `<p>Bericht ${i}: de minister over de begroting, woo-verzoek ${i}</p>`);
  const t = testEnv();
  // One run for the whole account: past capture.maxPagesPerRun (1,000 pages) a backfill stops to resume later.
  const override = path.join(t.dataDir, 'bench-config.yaml');
  writeFileSync(override, 'capture:\n  maxPagesPerRun: 1000000\n');
  try {
    const r = await capture(`${m.url}/@bench`, { ...process.env, ...t.env, ARCHIEFBOT_CONFIG: override });
    if (r.posts !== size) throw new Error(`backfilled ${r.posts} of ${size} posts`);
    rows.push({ posts: size, peakMb: r.peakMb, seconds: Number(r.seconds.toFixed(1)) });
    console.log(`${String(size).padStart(7)} posts: peak RSS ${r.peakMb} MB, ${r.seconds.toFixed(1)} s`);
  } finally {
    await m.close();
    t.cleanup();
  }
}
console.log(
  JSON.stringify({
    rows,
    machine: `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`,
    load: loadavg().map((l) => l.toFixed(2)),
    date: new Date().toISOString(),
  }),
);
