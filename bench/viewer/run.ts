/**
 * bench/viewer: the web viewer's page times over an archive of 1,000,000 versions (issue 14; aim: p95
 * ≤ 100 ms server time for the post page and search).
 *
 * The archive is bench/search's generated one (bench/search/generate.ts, cached under
 * $TMPDIR/archiefbot-bench/), copied once to a file of its own (`viewer-<n>`), because every post view
 * writes an audit entry and the search bench's file must stay as it is. The copy's evidence-log rows
 * (left unsealed by the generator) are marked sealed first, so the first audit entry does not seal a
 * million rows inside the timing.
 *
 * The viewer runs in this process on loopback (the same router serve mounts); each request is timed
 * from before fetch() to the last byte of the page (loopback adds well under a millisecond). In the
 * same run, as the baseline, the store calls each page stands on: showPost() for the post page and
 * search() for the search page, so the ratio says what rendering, the extra reads (reply tree, holds,
 * appraisal, evidence hashes) and the audit write add.
 *
 * Run: npm run bench:viewer (BENCH_VERSIONS=1000000, BENCH_RUNS=200, BENCH_DIR for the cache).
 */
import { copyFileSync, existsSync, mkdirSync, renameSync } from 'node:fs';
import { createServer } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import express from 'express';
import { signClaims, viewerSecret } from '../../src/chat/present-viewer.ts';
import { Roles } from '../../src/chat/roles.ts';
import { Archive } from '../../src/store/archive.ts';
import { search, showPost } from '../../src/store/queries.ts';
import { viewerRouter } from '../../src/viewer/app.ts';
import { benchArchive, vocabulary } from '../search/generate.ts';
import { pct } from '../stats.ts';

const VERSIONS = Number(process.env.BENCH_VERSIONS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 200);

async function time(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

/** The viewer's own copy of the generated archive. */
async function viewerArchive(): Promise<string> {
  const source = await benchArchive(VERSIONS);
  const dir = path.join(
    process.env.BENCH_DIR ?? path.join(tmpdir(), 'archiefbot-bench'),
    `viewer-${VERSIONS}`,
  );
  if (!existsSync(path.join(dir, 'archiefbot.db'))) {
    mkdirSync(dir, { recursive: true });
    console.error(`copying ${source} for the viewer…`);
    copyFileSync(path.join(source, 'archiefbot.db'), path.join(dir, 'archiefbot.db.tmp'));
    renameSync(path.join(dir, 'archiefbot.db.tmp'), path.join(dir, 'archiefbot.db'));
  }
  return dir;
}

/**
 * The generator makes no replies; a post page shows its reply tree, and the store's reply look-up is
 * planned from the statistics of a post table that has some. One post in 17 gets a citizen's reply
 * (a post of kind reply with a version of its own), then ANALYZE. Done once on the copy.
 */
async function addReplies(archive: Archive): Promise<void> {
  const db = archive.db;
  if (await db.get(`SELECT 1 FROM post WHERE kind = 'reply' LIMIT 1`)) return;
  console.error('adding replies to the copy…');
  await db.transaction(async () => {
    await db.run(
      `INSERT INTO post (platform, platform_id, url, account_id, kind, parent_platform_id, status, created_at, first_seen, last_seen)
       SELECT platform, platform_id || '/reply', url || '/reply', account_id, 'reply', platform_id, 'live', created_at, first_seen, last_seen
       FROM post WHERE id % 17 = 0 AND kind = 'post'`,
    );
    await db.run(
      `INSERT INTO version (post_id, number, captured_at, valid_from, content_hash, content, text, origin, trigger, method, misses,
                            warc_file, warc_offset, warc_length, warc_record_id)
       SELECT r.id, 1, v.captured_at, v.valid_from, v.content_hash, v.content, 'Reactie: ' || v.text, v.origin, v.trigger,
              v.method, v.misses, v.warc_file, v.warc_offset, v.warc_length, v.warc_record_id || '/reply'
       FROM post r JOIN post p ON p.platform = r.platform AND p.platform_id = r.parent_platform_id
       JOIN version v ON v.post_id = p.id AND v.number = 1 WHERE r.kind = 'reply'`,
    );
  });
  await db.exec('ANALYZE');
}

async function main() {
  const dir = await viewerArchive();
  const archive = await Archive.open(dir, { rotateBytes: 1e9, operator: '' }, { recover: false });
  await addReplies(archive);
  await archive.db.run(`UPDATE evidence_log SET row = 'null' WHERE row IS NULL`);
  const env = { ARCHIEFBOT_DATA_DIR: dir } as NodeJS.ProcessEnv;
  const roles = new Roles({
    defaultRole: 'none',
    users: [{ platform: 'slack', user: 'UBENCH', roles: ['archivist'] }],
  });
  const app = express();
  app.use('/archive', viewerRouter({ archive, roles, env, oidc: null }));
  const server = createServer(app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}/archive`;
  const session = signClaims(viewerSecret(dir, env), {
    kind: 'session',
    sub: 'slack:UBENCH',
    roles: ['archivist'],
    via: 'link',
    sid: 'bench',
    exp: Math.floor(Date.now() / 1000) + 3600,
  });
  const get = async (p: string) => {
    const r = await fetch(`${base}${p}`, { headers: { cookie: `archiefbot_session=${session}` } });
    const body = await r.text();
    if (r.status !== 200) throw new Error(`${p}: ${r.status} ${body.slice(0, 200)}`);
    return body;
  };

  // Posts to open: spread over the whole archive, half of them edited (two versions side by side).
  const max = (await archive.db.get<{ n: number }>('SELECT max(id) AS n FROM post'))!.n;
  const edited = await archive.db.all<{ id: number }>(
    'SELECT post_id AS id FROM version WHERE number = 2 ORDER BY post_id LIMIT 1000',
  );
  const posts = Array.from({ length: RUNS }, (_, i) =>
    i % 2 ? edited[(i * 37) % edited.length]!.id : 1 + Math.floor(((i * 7919) % 1000) * (max / 1000)),
  );
  const words = vocabulary();
  const queries: { q: string; platform?: string; since?: string; until?: string; sort?: 'relevance' }[] = [
    { q: 'minister' },
    { q: words[600]! },
    { q: words[20_000]! },
    { q: 'kabinet stikstof' },
    { q: '"tweede kamer"' },
    { q: 'minister', platform: 'mastodon' },
    { q: 'minister', since: '2025-03-01', until: '2025-03-31' },
    { q: 'minister', sort: 'relevance' },
  ];
  const r: Record<string, number[]> = { post: [], show: [], search: [], store: [], page2: [] };
  for (let run = -5; run < RUNS; run++) {
    const id = posts[Math.max(0, run)]!;
    const page = await time(() => get(`/post/${id}`));
    const show = await time(() => showPost(archive.db, id));
    const qq = queries[(run + 5) % queries.length]!;
    const params = new URLSearchParams(qq as Record<string, string>);
    let html = '';
    const s = await time(async () => {
      html = await get(`/search?${params}`);
    });
    const { q, sort, ...filters } = qq as {
      q: string;
      sort?: 'relevance';
      platform?: string;
      since?: string;
    };
    const store = await time(() => search(archive.db, q, { ...filters, sort, limit: 20 }));
    const next = /href="[^"]*after=([^"&]+)/.exec(html)?.[1];
    const p2 = next ? await time(() => get(`/search?${params}&after=${next}`)) : 0;
    if (run < 0) continue;
    r.post!.push(page);
    r.show!.push(show);
    r.search!.push(s);
    r.store!.push(store);
    if (next) r.page2!.push(p2);
  }
  const other: [string, string][] = [
    ['overview (30 days, 3 charts)', '/'],
    ['accounts (400, with counts)', '/accounts'],
    [
      'timeline of the biggest account',
      `/accounts/${(await archive.db.get<{ id: number }>('SELECT account_id AS id FROM post GROUP BY account_id ORDER BY count(*) DESC LIMIT 1'))!.id}`,
    ],
    ['alerts (7 days)', '/alerts'],
  ];
  const extra: [string, number[]][] = [];
  for (const [name, p] of other) {
    const xs: number[] = [];
    for (let i = -2; i < 20; i++) {
      const ms = await time(() => get(p));
      if (i >= 0) xs.push(ms);
    }
    extra.push([name, xs]);
  }
  const fmt = (ms: number) => ms.toFixed(ms < 10 ? 2 : 1);
  const line = (name: string, xs: number[], base?: number[]) =>
    `| ${name} | ${xs.length} | ${fmt(pct(xs, 50))} / ${fmt(pct(xs, 95))} | ${base ? `${fmt(pct(base, 50))} / ${fmt(pct(base, 95))}` : '–'} | ${base ? (pct(xs, 95) / pct(base, 95)).toFixed(1) : '–'} |`;
  const held = (await archive.db.get<{ v: number; p: number }>(
    'SELECT (SELECT count(*) FROM version) AS v, (SELECT count(*) FROM post) AS p',
  ))!;
  console.log(
    `${held.v.toLocaleString('en')} versions of ${held.p.toLocaleString('en')} posts · ${cpus().length} × ${cpus()[0]?.model} · Node ${process.version} · load ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  console.log('| page | requests | page p50 / p95 (ms) | store call p50 / p95 (ms) | p95 ratio |');
  console.log('| --- | --- | --- | --- | --- |');
  console.log(line('post page (versions side by side, audited)', r.post!, r.show));
  console.log(line('search, first page (8 query shapes)', r.search!, r.store));
  console.log(line('search, page 2 (cursor)', r.page2!));
  for (const [name, xs] of extra) console.log(line(name, xs));
  await new Promise((res) => server.close(res));
  await archive.close();
}

await main();
