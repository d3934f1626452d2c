/**
 * bench/search: search at a million versions (bench/search/generate.ts builds and caches the archive).
 *
 * Every query shape — common, rare, phrase, prefix, OR, diacritics, each filter and combinations —
 * runs through the store's `search()` (what the CLI, the chat and the viewer call), newest first and
 * by relevance, against the bare FTS5 query on the same file in the same run:
 *
 * - newest first: `SELECT rowid FROM version_fts WHERE version_fts MATCH ? ORDER BY rowid DESC LIMIT 21`
 *   (no join, no filter, no snippet: the floor any newest-first search stands on);
 * - relevance: `… MATCH ? ORDER BY rank LIMIT 21` (FTS5's own bm25 ranking of every match).
 *
 * Each query runs BENCH_RUNS times (default 40) after 3 warm-up runs, shapes interleaved, the calls of
 * one shape in a shuffled order; p50 and p95 per shape. Run: npm run bench:search
 * (BENCH_VERSIONS=1000000, BENCH_DIR for the cache; BENCH_SHAPES=a,b
 * runs only the shapes whose names contain one of those words, to look again at a few).
 * A prefix's shapes are also timed with its words read anew (`keepWords: false`: the first search
 * after the index changed; search() keeps a prefix's words per connection while it is unchanged).
 * BENCH_UNCACHED=1 also times search() on a second connection that keeps no statements prepared
 * (store/db.ts's statement cache off), interleaved with the rest, in a table of its own.
 */
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { Db } from '../../src/store/db.ts';
import { migrate } from '../../src/store/migrations.ts';
import { type SearchFilters, search } from '../../src/store/queries.ts';
import { pct } from '../stats.ts';
import { benchArchive } from './generate.ts';

const VERSIONS = Number(process.env.BENCH_VERSIONS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 40);

interface Shape {
  name: string;
  query: string;
  filters?: SearchFilters;
}

/** The shapes; words picked from the generated vocabulary by how often they occur. */
function shapes(rare: string, mid: string, bigAccount: string, smallAccount: string): Shape[] {
  const month = { since: '2025-03-01', until: '2025-03-31' };
  const day = { since: '2025-03-12', until: '2025-03-12' };
  return [
    { name: 'very common word (de)', query: 'de' },
    { name: 'common word (minister)', query: 'minister' },
    { name: `mid word (${mid})`, query: mid },
    { name: `rare word (${rare})`, query: rare },
    { name: 'two words', query: 'kabinet stikstof' },
    { name: 'phrase', query: '"tweede kamer"' },
    { name: 'prefix', query: 'minister*' },
    { name: 'OR', query: 'stikstof OR asiel' },
    { name: 'diacritics folded', query: 'ministérie' },
    { name: 'common + big platform', query: 'minister', filters: { platform: 'mastodon' } },
    { name: 'common + small platform', query: 'minister', filters: { platform: 'threads' } },
    { name: 'rare + platform', query: rare, filters: { platform: 'mastodon' } },
    { name: 'common + big account', query: 'minister', filters: { author: bigAccount } },
    { name: 'common + small account', query: 'minister', filters: { author: smallAccount } },
    { name: 'common + month', query: 'minister', filters: month },
    { name: 'common + day', query: 'minister', filters: day },
    { name: 'rare + since', query: rare, filters: { since: '2025-01-01' } },
    { name: 'common + platform + month', query: 'minister', filters: { platform: 'x', ...month } },
    { name: 'rare + platform + since', query: rare, filters: { platform: 'mastodon', since: '2025-01-01' } },
    { name: 'common + account + month', query: 'minister', filters: { author: bigAccount, ...month } },
    { name: 'prefix + platform + day', query: 'minister*', filters: { platform: 'linkedin', ...day } },
    { name: 'phrase + small account', query: '"tweede kamer"', filters: { author: smallAccount } },
  ];
}

async function time(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

async function main() {
  const dir = await benchArchive(VERSIONS);
  const db = await Db.open(path.join(dir, 'archiefbot.db'));
  await migrate(db); // indexes added since the archive was generated (migration 13 at first)
  const uncached = process.env.BENCH_UNCACHED
    ? await Db.open(path.join(dir, 'archiefbot.db'), { statements: 0 })
    : undefined;
  const doc = (w: string) =>
    db.get<{ n: number }>('SELECT count(*) AS n FROM (SELECT 1 FROM version_fts WHERE version_fts MATCH ?)', [
      w,
    ]);
  // A rare word (tens of versions) and a middling one (thousands), from the vocabulary's tail and middle.
  const { vocabulary } = await import('./generate.ts');
  const words = vocabulary();
  const rare = words[20_000]!;
  const mid = words[600]!;
  const accounts = await db.all<{ handle: string; n: number }>(
    'SELECT a.handle, count(*) AS n FROM post p JOIN account a ON a.id = p.account_id GROUP BY a.id ORDER BY n DESC',
  );
  const big = accounts[0]!;
  const small = accounts.find((a) => a.n < 1500) ?? accounts.at(-1)!;
  const only = process.env.BENCH_SHAPES?.split(',').filter(Boolean);
  const list = shapes(rare, mid, big.handle, small.handle).filter(
    (s) => !only || only.some((w) => s.name.includes(w)),
  );
  const bareNewest = 'SELECT rowid FROM version_fts WHERE version_fts MATCH ? ORDER BY rowid DESC LIMIT 21';
  const bareRanked = 'SELECT rowid FROM version_fts WHERE version_fts MATCH ? ORDER BY rank LIMIT 21';
  const { ftsQuery } = await import('../../src/store/queries.ts');
  const rows: Record<string, number[]>[] = list.map(() => ({
    ours: [],
    bare: [],
    rel: [],
    bareRel: [],
    page2: [],
    uncNewest: [],
    uncRel: [],
    cold: [],
  }));
  const cursors = new Map<number, string | null>();
  const counts = new Map<number, string>();
  // Within a shape the calls run in a shuffled order (seeded): a query run right after another one of
  // the same words finds its pages cached, which a fixed order hands to whichever comes second.
  let seed = 16;
  const shuffle = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  for (let run = -3; run < RUNS; run++) {
    for (const [i, s] of list.entries()) {
      const match = ftsQuery(s.query);
      const r = rows[i]!;
      const next = cursors.get(i);
      const unc = uncached;
      const calls: [string, () => Promise<unknown>][] = [
        [
          'ours',
          async () => {
            const page = await search(db, s.query, { ...s.filters, limit: 20 });
            if (run !== -1) return;
            cursors.set(i, page.next);
            counts.set(i, page.total ? `${page.total.exact ? '' : '> '}${page.total.count}` : '-');
          },
        ],
        ['bare', () => db.all(bareNewest, [match])],
        ['rel', () => search(db, s.query, { ...s.filters, limit: 20, sort: 'relevance' })],
        ['bareRel', () => db.all(bareRanked, [match])],
      ];
      if (next) calls.push(['page2', () => search(db, s.query, { ...s.filters, limit: 20, after: next })]);
      // A prefix whose words the connection has not kept (the first search after the index changed).
      if (s.query.includes('*'))
        calls.push(['cold', () => search(db, s.query, { ...s.filters, limit: 20 }, { keepWords: false })]);
      if (unc) {
        calls.push(['uncNewest', () => search(unc, s.query, { ...s.filters, limit: 20 })]);
        calls.push(['uncRel', () => search(unc, s.query, { ...s.filters, limit: 20, sort: 'relevance' })]);
      }
      const order = calls.map((c) => ({ c, k: shuffle() })).sort((x, y) => x.k - y.k);
      for (const { c } of order) {
        const ms = await time(c[1]);
        if (run >= 0) r[c[0]]!.push(ms);
      }
      if (run >= 0 && !next) r.page2!.push(0);
    }
  }
  const fmt = (ms: number) => ms.toFixed(ms < 10 ? 2 : 1);
  const out = [];
  console.log(
    '| shape | matches | count shown | newest p50 / p95 | page 2 p95 | bare rowid p50 / p95 | relevance p50 / p95 | bare ranked p50 / p95 | relevance p95 ratio |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const [i, s] of list.entries()) {
    const r = rows[i]!;
    const matches = (await doc(ftsQuery(s.query)))!.n;
    const line = {
      shape: s.name,
      matches,
      count: counts.get(i),
      p50: pct(r.ours!, 50),
      p95: pct(r.ours!, 95),
      page2p95: pct(r.page2!, 95),
      bareP50: pct(r.bare!, 50),
      bareP95: pct(r.bare!, 95),
      relP50: pct(r.rel!, 50),
      relP95: pct(r.rel!, 95),
      bareRelP50: pct(r.bareRel!, 50),
      bareRelP95: pct(r.bareRel!, 95),
      ...(r.cold!.length ? { wordsAnewP50: pct(r.cold!, 50), wordsAnewP95: pct(r.cold!, 95) } : {}),
    };
    out.push(line);
    console.log(
      `| ${s.name}${s.filters ? ` ${JSON.stringify(s.filters)}` : ''} | ${matches.toLocaleString('en')} | ${line.count} | ${fmt(line.p50)} / ${fmt(line.p95)} | ${fmt(line.page2p95)} | ${fmt(line.bareP50)} / ${fmt(line.bareP95)} | ${fmt(line.relP50)} / ${fmt(line.relP95)} | ${fmt(line.bareRelP50)} / ${fmt(line.bareRelP95)} | ${(line.relP95 / line.bareRelP95).toFixed(2)} |`,
    );
  }
  const prefixes = list.flatMap((s, i) => (s.query.includes('*') ? [{ s, r: rows[i]! }] : []));
  if (prefixes.length) {
    console.log("\n| shape | newest p50 / p95 (the prefix's words kept) | the words read anew p50 / p95 |");
    console.log('| --- | --- | --- |');
    for (const { s, r } of prefixes)
      console.log(
        `| ${s.name} | ${fmt(pct(r.ours!, 50))} / ${fmt(pct(r.ours!, 95))} | ${fmt(pct(r.cold!, 50))} / ${fmt(pct(r.cold!, 95))} |`,
      );
  }
  if (uncached) {
    console.log('\n| shape | newest p50 / p95 | uncached | relevance p50 / p95 | uncached |');
    console.log('| --- | --- | --- | --- | --- |');
    for (const [i, s] of list.entries()) {
      const r = rows[i]!;
      const pp = (xs: number[]) => `${fmt(pct(xs, 50))} / ${fmt(pct(xs, 95))}`;
      console.log(`| ${s.name} | ${pp(r.ours!)} | ${pp(r.uncNewest!)} | ${pp(r.rel!)} | ${pp(r.uncRel!)} |`);
    }
    await uncached.close();
  }
  const worst = out.reduce((a, b) => (b.p95 > a.p95 ? b : a));
  const worstRatio = out.reduce((a, b) => (b.relP95 / b.bareRelP95 > a.relP95 / a.bareRelP95 ? b : a));
  console.log(
    `\nnewest first: worst p95 ${fmt(worst.p95)} ms (${worst.shape}; aim ≤ 20 ms); relevance: worst p95 ratio ${(worstRatio.relP95 / worstRatio.bareRelP95).toFixed(2)} (${worstRatio.shape}; aim ≤ 1.5)`,
  );
  console.log(
    JSON.stringify({
      versions: VERSIONS,
      accounts: { big: big.n, small: small.n },
      runs: RUNS,
      results: out,
      machine: `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`,
      load: loadavg().map((x) => x.toFixed(1)),
      date: new Date().toISOString(),
    }),
  );
  await db.close();
}

await main();
