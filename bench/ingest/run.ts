/**
 * bench/ingest: backfill an account of 20,000 posts from a loopback Mastodon fake through the full
 * pipeline (HTTP, WARC, SQLite + FTS), and compare with a baseline measured in the same run: the same
 * rows through one batched SQLite insert plus SHA-256 of the same bytes. Run: npm run bench:ingest
 *
 * The workload is an account's, not a list of one-liners: every 10th post carries an image (a real
 * PNG, downloaded and stored), every 7th was edited (its edit history is fetched and kept as
 * versions), every 5th is a reply in the account's own thread; the fake answers every request after
 * BENCH_LATENCY_MS (default 20 ms, a server on a real network). BENCH_SIMPLE=1 gives the old
 * workload (text only, no latency) for comparison with earlier figures. Peak RSS is this process's
 * (the fake and the baseline included); `npm run bench:ingest-memory` measures the backfill alone.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { CapturePipeline } from '../../src/capture/pipeline.ts';
import { loadConfig } from '../../src/config.ts';
import { sha256Hex } from '../../src/domain/content.ts';
import { Archive } from '../../src/store/archive.ts';
import { Db } from '../../src/store/db.ts';
import { migrate } from '../../src/store/migrations.ts';
import { FakeMastodon } from '../../tests/fakes/mastodon.ts';
import { median } from '../stats.ts';

const POSTS = Number(process.env.BENCH_POSTS ?? 20_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const WORDS =
  'de het een minister kabinet woo verzoek ministerie begroting rijksoverheid burger gemeente provincie wet besluit ' +
  'informatie archief bericht overheid publicatie vandaag morgen nieuws regeling subsidie toeslagen belasting zorg';
const words = WORDS.split(' ');

function text(i: number): string {
  const out: string[] = [];
  let x = i * 2654435761;
  for (let w = 0; w < 30; w++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out.push(words[x % words.length]!);
  }
  return `<p>Bericht ${i}: ${out.join(' ')} #post${i}</p>`;
}

async function pipelineRun(m: FakeMastodon): Promise<{ seconds: number; dataDir: string }> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'archiefbot-bench-'));
  const config = loadConfig({ ARCHIEFBOT_DATA_DIR: dataDir, ARCHIEFBOT_ALLOW_PRIVATE_NETWORKS: 'true' });
  const archive = await Archive.open(dataDir, config.warc);
  const pipeline = new CapturePipeline(archive, config);
  const t0 = performance.now();
  const outcome = await pipeline.capture({
    url: `${m.url}/@bench`,
    trigger: 'command',
    requestedBy: 'bench',
  });
  const seconds = (performance.now() - t0) / 1000;
  if (outcome.kind !== 'account' || outcome.posts !== POSTS || !outcome.complete) {
    throw new Error(`backfill incomplete: ${JSON.stringify(outcome)}`);
  }
  await pipeline.close();
  await archive.close();
  return { seconds, dataDir };
}

/** The same rows (posts and versions, FTS included) in one batched insert, plus SHA-256 of the same bytes. */
async function baselineRun(source: string, pages: Buffer[]): Promise<number> {
  const src = await Db.open(path.join(source, 'archiefbot.db'));
  const posts = await src.all('SELECT * FROM post ORDER BY id');
  const versions = await src.all('SELECT * FROM version ORDER BY id');
  await src.close();
  const dir = mkdtempSync(path.join(tmpdir(), 'archiefbot-baseline-'));
  const db = await Db.open(path.join(dir, 'b.db'));
  await db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL');
  await migrate(db);
  await db.exec('DROP TRIGGER version_immutable; DROP TRIGGER version_kept');
  const t0 = performance.now();
  for (const p of pages) sha256Hex(p);
  for (const v of versions) sha256Hex(v.content as string);
  await db.transaction(async () => {
    await db.run(
      `INSERT INTO post (id, platform, platform_id, url, api_ref, kind, status, created_at, first_seen, last_seen)
       SELECT value->>'id', value->>'platform', value->>'platform_id', value->>'url', value->>'api_ref', value->>'kind',
              value->>'status', value->>'created_at', value->>'first_seen', value->>'last_seen' FROM json_each(?)`,
      [JSON.stringify(posts)],
    );
    await db.run(
      `INSERT INTO version (post_id, number, captured_at, valid_from, content_hash, content, text, origin, trigger, actor,
                            method, misses, warc_file, warc_offset, warc_length, warc_record_id)
       SELECT value->>'post_id', value->>'number', value->>'captured_at', value->>'valid_from', value->>'content_hash',
              value->>'content', value->>'text', value->>'origin', value->>'trigger', value->>'actor', value->>'method',
              value->>'misses', value->>'warc_file', value->>'warc_offset', value->>'warc_length', value->>'warc_record_id'
       FROM json_each(?)`,
      [JSON.stringify(versions)],
    );
  });
  const seconds = (performance.now() - t0) / 1000;
  await db.close();
  rmSync(dir, { recursive: true, force: true });
  return seconds;
}

async function fetchPages(m: FakeMastodon, accountId: string): Promise<Buffer[]> {
  const pages: Buffer[] = [];
  let next: string | null = `${m.url}/api/v1/accounts/${accountId}/statuses?limit=40`;
  while (next) {
    const res: Response = await fetch(next);
    const body = Buffer.from(await res.arrayBuffer());
    if (body.length <= 2) break;
    pages.push(body);
    next = /<([^>]+)>;\s*rel="next"/.exec(res.headers.get('link') ?? '')?.[1] ?? null;
  }
  return pages;
}

const SIMPLE = process.env.BENCH_SIMPLE === '1';
const LATENCY = SIMPLE ? 0 : Number(process.env.BENCH_LATENCY_MS ?? 20);
// A 2×2 PNG (real bytes: the pipeline hashes and stores what it downloads); each image is made distinct.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP8z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==',
  'base64',
);
const m = await FakeMastodon.start({ latencyMs: LATENCY });
const account = m.addAccount({ username: 'bench', displayName: 'Benchmark' });
const workload = { images: 0, edits: 0, replies: 0 };
if (SIMPLE) m.addStatuses(POSTS, 'bench', text);
else {
  let previous: string | undefined;
  for (let i = 0; i < POSTS; i++) {
    const image = i % 10 === 0;
    const reply = i % 5 === 4 && previous !== undefined;
    const s = m.addStatus({
      username: 'bench',
      content: text(i),
      ...(reply ? { inReplyToId: previous } : {}),
      ...(image
        ? {
            media: [
              {
                type: 'image',
                bytes: Buffer.concat([PNG, Buffer.from(`#${i}`)]),
                contentType: 'image/png',
                description: `Afbeelding ${i}`,
              },
            ],
          }
        : {}),
    });
    if (i % 7 === 3) {
      m.editStatus(s.id, { content: `${text(i).replace('</p>', '')} (aangevuld)</p>` });
      workload.edits++;
    }
    if (image) workload.images++;
    if (reply) workload.replies++;
    previous = s.id;
  }
}
const pages = await fetchPages(m, account.id);
const results: { pipeline: number; baseline: number }[] = [];
for (let run = 0; run < RUNS; run++) {
  const { seconds, dataDir } = await pipelineRun(m);
  // The baseline is short and noisy: take the median of three, on the same rows.
  const baseline = median([
    await baselineRun(dataDir, pages),
    await baselineRun(dataDir, pages),
    await baselineRun(dataDir, pages),
  ]);
  rmSync(dataDir, { recursive: true, force: true });
  results.push({ pipeline: seconds, baseline });
  console.log(
    `run ${run + 1}: pipeline ${seconds.toFixed(2)} s (${Math.round(POSTS / seconds)} posts/s), baseline ${baseline.toFixed(3)} s, ratio ${(seconds / baseline).toFixed(1)}`,
  );
}
await m.close();
const p = median(results.map((r) => r.pipeline));
const b = median(results.map((r) => r.baseline));
const summary = {
  posts: POSTS,
  workload: SIMPLE ? 'simple (text only, no latency)' : { ...workload, latencyMs: LATENCY },
  peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  runs: RUNS,
  pipelineSeconds: Number(p.toFixed(3)),
  postsPerSecond: Math.round(POSTS / p),
  baselineSeconds: Number(b.toFixed(3)),
  ratio: Number(median(results.map((r) => r.pipeline / r.baseline)).toFixed(2)),
  machine: `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`,
  load: loadavg().map((l) => l.toFixed(2)),
  date: new Date().toISOString(),
};
console.log(JSON.stringify(summary));
