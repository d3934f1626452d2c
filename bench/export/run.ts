/**
 * bench/export: export throughput (posts/s, MB/s) of a WACZ and a BagIt + MDTO export of one account's
 * 20,000 posts, against a baseline measured in the same run: a raw copy of the same WARC bytes (the
 * archive's files read and written once, with SHA-256 over them), the least any export must do.
 * Run: npm run bench:export (BENCH_POSTS, BENCH_RUNS change the size and the runs; the median is reported).
 *
 * The archive is made first by backfilling the account from the loopback Mastodon fake through the
 * full pipeline (as bench/ingest does): every 10th post carries an image, every 5th is a reply in the
 * account's own thread. Peak RSS is this process's (the fake and the backfill included).
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline as pipe } from 'node:stream/promises';
import { CapturePipeline } from '../../src/capture/pipeline.ts';
import { loadConfig } from '../../src/config.ts';
import { Archive } from '../../src/store/archive.ts';
import { exportSelection } from '../../src/usecases/export.ts';
import { FakeMastodon } from '../../tests/fakes/mastodon.ts';
import { median } from '../stats.ts';

const POSTS = Number(process.env.BENCH_POSTS ?? 20_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const FORMATS = (process.env.BENCH_FORMATS ?? 'wacz,bagit').split(',') as ('wacz' | 'bagit')[];
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP8z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==',
  'base64',
);

async function makeArchive(): Promise<string> {
  const m = await FakeMastodon.start({ latencyMs: 0 });
  m.addAccount({ username: 'bench', displayName: 'Benchmark' });
  let previous: string | undefined;
  for (let i = 0; i < POSTS; i++) {
    const reply = i % 5 === 4 && previous !== undefined;
    const s = m.addStatus({
      username: 'bench',
      content: `<p>Bericht ${i}: de minister publiceert vandaag het besluit over de regeling en de subsidie #post${i}</p>`,
      ...(reply ? { inReplyToId: previous } : {}),
      ...(i % 10 === 0
        ? {
            media: [
              {
                bytes: Buffer.concat([PNG, Buffer.from(`#${i}`)]),
                contentType: 'image/png',
                description: `Afbeelding ${i}`,
              },
            ],
          }
        : {}),
    });
    previous = s.id;
  }
  const dataDir = mkdtempSync(path.join(tmpdir(), 'archiefbot-bench-export-'));
  const config = loadConfig({ ARCHIEFBOT_DATA_DIR: dataDir, ARCHIEFBOT_ALLOW_PRIVATE_NETWORKS: 'true' });
  const archive = await Archive.open(dataDir, config.warc);
  const capture = new CapturePipeline(archive, config);
  const t0 = performance.now();
  const outcome = await capture.capture({ url: `${m.url}/@bench`, trigger: 'command', requestedBy: 'bench' });
  if (outcome.kind !== 'account' || outcome.posts !== POSTS)
    throw new Error(`backfill: ${JSON.stringify(outcome)}`);
  console.log(`archive: ${POSTS} posts backfilled in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  await capture.close();
  await archive.close();
  await m.close();
  return dataDir;
}

/** The baseline: every WARC file of the archive read once, hashed, and written to one file. */
async function rawCopy(dataDir: string, out: string): Promise<{ seconds: number; bytes: number }> {
  const dir = path.join(dataDir, 'warc');
  const t0 = performance.now();
  const hash = createHash('sha256');
  const sink = createWriteStream(out);
  let bytes = 0;
  for (const f of readdirSync(dir)
    .filter((x) => x.endsWith('.warc.gz'))
    .sort()) {
    const tap = new Transform({
      transform(chunk: Buffer, _e, done) {
        hash.update(chunk);
        bytes += chunk.length;
        done(null, chunk);
      },
    });
    await pipe(createReadStream(path.join(dir, f)), tap, async function* (src) {
      for await (const c of src)
        if (!sink.write(c)) await new Promise<void>((r) => sink.once('drain', () => r()));
    });
  }
  await new Promise<void>((r) => sink.end(r));
  hash.digest('hex');
  return { seconds: (performance.now() - t0) / 1000, bytes };
}

function sizeOf(p: string): number {
  const s = statSync(p);
  if (!s.isDirectory()) return s.size;
  return readdirSync(p).reduce((n, f) => n + sizeOf(path.join(p, f)), 0);
}

const dataDir = await makeArchive();
const config = loadConfig({ ARCHIEFBOT_DATA_DIR: dataDir });
const work = mkdtempSync(path.join(tmpdir(), 'archiefbot-bench-export-out-'));
const rows: string[] = [];
let peak = 0;
const watch = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
try {
  for (const format of FORMATS) {
    const times: number[] = [];
    const base: number[] = [];
    let size = 0;
    let posts = 0;
    for (let run = 0; run < RUNS; run++) {
      const copy = await rawCopy(dataDir, path.join(work, `raw-${run}`));
      base.push(copy.seconds);
      const out = path.join(work, `${format}-${run}${format === 'wacz' ? '.wacz' : ''}`);
      const archive = await Archive.open(dataDir, config.warc);
      const t0 = performance.now();
      let mark = performance.now();
      // BENCH_TRACE=1: the rate of each 2,000 posts (does it hold up as the export goes on?).
      const onProgress = (done: number) => {
        if (done % 2000 !== 0 || !process.env.BENCH_TRACE) return;
        const now = performance.now();
        console.log(`  ${format} ${done} posts: ${Math.round(2000 / ((now - mark) / 1000))} posts/s`);
        mark = now;
      };
      const r = await exportSelection(
        archive,
        config,
        {},
        { format, ref: 'bench', out, actor: 'bench', lang: 'en', onProgress },
      );
      times.push((performance.now() - t0) / 1000);
      await archive.close();
      size = sizeOf(out);
      posts = r.posts;
      rmSync(out, { recursive: true, force: true });
      rmSync(path.join(work, `raw-${run}`), { force: true });
    }
    const t = median(times);
    const b = median(base);
    rows.push(
      `| ${format} | ${posts} | ${t.toFixed(2)} s | ${Math.round(posts / t)} | ${(size / 1e6 / t).toFixed(1)} MB/s (${(size / 1e6).toFixed(1)} MB) | ${b.toFixed(3)} s | ${(t / b).toFixed(0)} |`,
    );
    console.log(
      `${format}: runs ${times.map((x) => x.toFixed(2)).join(', ')} s; baseline ${base.map((x) => x.toFixed(3)).join(', ')} s`,
    );
  }
} finally {
  clearInterval(watch);
  rmSync(work, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
}
console.log(
  `machine: ${cpus().length} × ${cpus()[0]?.model}, Node ${process.version}, load ${loadavg()[0]!.toFixed(2)}`,
);
console.log('| format | posts | export | posts/s | throughput (package) | raw copy | ratio |');
console.log('| --- | --- | --- | --- | --- | --- | --- |');
for (const r of rows) console.log(r);
console.log(`peak RSS ${(peak / 1e6).toFixed(0)} MB`);
