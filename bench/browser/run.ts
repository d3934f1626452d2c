/**
 * bench/browser: pages per minute and peak memory of the browser capture method, for 50 pages of the
 * loopback JS site (tests/fakes/js-site.ts: a script fetches the post as JSON after load, a lazy image
 * further down, a cookie banner), against the `web` method on the same pages in the same run (a
 * ratio, as these machines are noisy). Captures run one after another, as the CLI runs them, each
 * written to the archive (WARC + SQLite). Memory: the peak of this process's RSS plus Chromium's
 * processes' PSS (proportional set size, so pages the processes share are counted once), sampled
 * every 100 ms. Run: npm run bench:browser (BENCH_PAGES=50, ARCHIEFBOT_CHROMIUM=/usr/bin/chromium).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { CapturePipeline } from '../../src/capture/pipeline.ts';
import { loadConfig } from '../../src/config.ts';
import { Archive } from '../../src/store/archive.ts';
import { JsSite } from '../../tests/fakes/js-site.ts';

const PAGES = Number(process.env.BENCH_PAGES ?? 50);

/** The processes descended from ours (Chromium's browser, renderer, GPU and utility processes). */
function descendants(root: number): number[] {
  const parent = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      parent.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone meanwhile
    }
  }
  const out: number[] = [];
  const walk = (pid: number) => {
    for (const [child, p] of parent) {
      if (p !== pid) continue;
      out.push(child);
      walk(child);
    }
  };
  walk(root);
  return out;
}

/** A process's proportional set size in bytes (its RSS when smaps_rollup is not readable). */
function pss(pid: number): number {
  try {
    const text = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    const kb = /^Pss:\s+(\d+)/m.exec(text)?.[1];
    if (kb) return Number(kb) * 1024;
  } catch {
    // fall back to RSS
  }
  try {
    const kb = /^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Samples memory while `fn` runs; the peak of ours (RSS) + Chromium's (PSS). */
async function measured<T>(
  fn: () => Promise<T>,
): Promise<{ value: T; ms: number; peakOurs: number; peakTotal: number }> {
  let peakOurs = 0;
  let peakTotal = 0;
  const sample = () => {
    const ours = process.memoryUsage().rss;
    const theirs = descendants(process.pid).reduce((n, pid) => n + pss(pid), 0);
    peakOurs = Math.max(peakOurs, ours);
    peakTotal = Math.max(peakTotal, ours + theirs);
  };
  const timer = setInterval(sample, 100);
  const t0 = performance.now();
  try {
    const value = await fn();
    sample();
    return { value, ms: performance.now() - t0, peakOurs, peakTotal };
  } finally {
    clearInterval(timer);
  }
}

async function run(site: JsSite, method: 'web' | 'browser') {
  const dir = mkdtempSync(path.join(tmpdir(), `archiefbot-bench-browser-${method}-`));
  const config = loadConfig({
    ARCHIEFBOT_DATA_DIR: dir,
    ARCHIEFBOT_ALLOW_PRIVATE_NETWORKS: 'true',
    ARCHIEFBOT_LOG_LEVEL: 'silent',
    ...(process.env.ARCHIEFBOT_CHROMIUM ? { ARCHIEFBOT_CHROMIUM: process.env.ARCHIEFBOT_CHROMIUM } : {}),
  });
  const archive = await Archive.open(config.dataDir, config.warc);
  const pipeline = new CapturePipeline(archive, config);
  try {
    const m = await measured(async () => {
      let texts = 0;
      for (let i = 1; i <= PAGES; i++) {
        const out = await pipeline.capture({
          url: `${site.base}/pagina/${i}`,
          trigger: 'command',
          ...(method === 'browser' ? { method: 'browser' as const } : {}),
        });
        if (out.kind === 'post' && out.post.text.includes(site.headline)) texts++;
      }
      return texts;
    });
    return { method, ...m };
  } finally {
    await pipeline.close();
    await archive.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const site = await JsSite.start();
site.privateUrl = `${site.base}/img/kaart.png`; // the bench measures rendering, not the SSRF guard
try {
  const mb = (b: number) => `${(b / 2 ** 20).toFixed(0)} MB`;
  console.log(
    `bench/browser: ${PAGES} loopback pages, ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ` +
      `${mb(totalmem())} RAM, load ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
  );
  const web = await run(site, 'web');
  const browser = await run(site, 'browser');
  for (const r of [web, browser]) {
    console.log(
      `${r.method.padEnd(8)} ${((PAGES / r.ms) * 60_000).toFixed(1).padStart(7)} pages/min  ` +
        `${(r.ms / PAGES).toFixed(0).padStart(6)} ms/page  peak memory ${mb(r.peakTotal)} ` +
        `(ours ${mb(r.peakOurs)})  script-inserted text captured on ${r.value}/${PAGES} pages`,
    );
  }
  console.log(
    `browser/web: ${(browser.ms / web.ms).toFixed(1)}× the time per page, ` +
      `${(browser.peakTotal / web.peakTotal).toFixed(1)}× the peak memory`,
  );
} finally {
  await site.stop();
}
