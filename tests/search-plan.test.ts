/**
 * Search and the monitor's selections at any archive size: every statement's query plan (no scan of
 * the post or version table; newest-first read from the FTS5 index in rowid order, without a sort),
 * and the answers of both plans (from the FTS5 index, from the posts a narrow filter leaves) against
 * a brute-force reference: every matching post once, newest archived first, over every page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../src/domain/errors.ts';
import type { Db } from '../src/store/db.ts';
import { DUE_SQL, STREAM_POST_SQL } from '../src/store/monitor.ts';
import {
  countSql,
  fewRelevanceSql,
  ftsQuery,
  HIT_SQL,
  matchesSql,
  NEWER_SQL,
  relevanceSql,
  type SearchFilters,
  type SearchPlan,
  search,
} from '../src/store/queries.ts';
import { insertVersions, scratchDb, seeded } from './helpers/search-db.ts';

let db: Db;
let close: () => Promise<void>;

const WORDS = ['stikstof', 'kabinet', 'woningbouw', 'ministérie', 'asiel', 'tweede', 'kamer', 'begroting'];
const PLATFORMS = ['mastodon', 'bluesky', 'x'];

/** A small archive: 40 accounts, 1,200 posts (every 7th edited), words spread so every shape has hits. */
async function fill(): Promise<void> {
  for (let i = 1; i <= 40; i++)
    await db.run(
      `INSERT INTO account (id, platform, handle, display_name, first_seen, last_seen) VALUES (?, ?, ?, ?, '2025-01-01', '2025-01-01')`,
      [i, PLATFORMS[i % 3], `acct${i}`, `Account ${i}`],
    );
  const posts = [];
  const rnd = seeded(7);
  for (let id = 1; id <= 1200; id++) {
    // Account 40 is small (12 posts): an author filter on it is narrow.
    const account = id % 100 === 0 ? 40 : 1 + Math.floor(rnd() * 39);
    const words = Array.from({ length: 6 }, () => WORDS[Math.floor(rnd() ** 2 * WORDS.length)]);
    posts.push({
      id,
      account,
      platform: PLATFORMS[account % 3],
      created: new Date(Date.UTC(2025, 0, 1) + Math.floor(rnd() * 365) * 86_400_000).toISOString(),
      text: `bericht ${id} ${words.join(' ')}`,
    });
  }
  await db.run(
    `INSERT INTO post (id, platform, platform_id, url, api_ref, account_id, kind, created_at, first_seen, last_seen, next_check_at)
     SELECT j.value->>'id', j.value->>'platform', 'p' || (j.value->>'id'), 'https://e.org/' || (j.value->>'id'),
            'https://e.org/api/v1/statuses/' || (j.value->>'id'), j.value->>'account', 'post', j.value->>'created',
            '2025-01-01', '2025-01-01', '2025-06-01'
     FROM json_each(?) j`,
    [JSON.stringify(posts)],
  );
  const versions = posts.map((p) => ({ post: p.id, number: 1, text: p.text }));
  // Later versions: every 7th post edited, the edit drops its words (found only in version 1) or keeps them.
  for (const p of posts.filter((q) => q.id % 7 === 0))
    versions.push({
      post: p.id,
      number: 2,
      text: p.id % 14 === 0 ? `bericht ${p.id} aangepast` : `${p.text} kabinet`,
    });
  await insertVersions(db, versions);
}

beforeAll(async () => {
  ({ db, close } = await scratchDb('search-plan'));
  await fill();
});

afterAll(async () => {
  await close();
});

async function plan(sql: string, params: unknown[]): Promise<string[]> {
  const rows = await db.all<{ detail: string }>(`EXPLAIN QUERY PLAN ${sql}`, params);
  return rows.map((r) => r.detail);
}

/** No full scan of the post, version or account table, whatever the plan starts from. */
function expectNoTableScan(steps: string[]): void {
  for (const s of steps) expect(s, steps.join('\n')).not.toMatch(/^SCAN (p|v|post|version|a|account|l)\b/);
}

const FILTERS: Record<string, SearchPlan['terms']> = {
  none: [],
  platform: [{ sql: 'p.platform = ?2', param: 'mastodon' }],
  author: [{ sql: 'p.account_id IN (SELECT value FROM json_each(?2))', param: '[40]' }],
  dates: [
    { sql: 'p.created_at >= ?2', param: '2025-03-01' },
    { sql: 'p.created_at <= ?3', param: '2025-03-31' },
  ],
  'platform + dates': [
    { sql: 'p.platform = ?2', param: 'x' },
    { sql: 'p.created_at >= ?3', param: '2025-03-01' },
  ],
  'author + dates': [
    { sql: 'p.account_id IN (SELECT value FROM json_each(?2))', param: '[40]' },
    { sql: 'p.created_at >= ?3', param: '2025-03-01' },
  ],
};

describe('search query plans', () => {
  for (const [name, terms] of Object.entries(FILTERS)) {
    for (const from of ['fts', 'posts'] as const) {
      if (from === 'posts' && !terms.length) continue;
      it(`${name}, from ${from === 'fts' ? 'the FTS5 index' : 'the posts'}: index look-ups only, read newest first`, async () => {
        const p: SearchPlan = { match: '"kabinet"', terms, from };
        const page = matchesSql(p, 'snippet');
        const steps = await plan(page.sql, [...page.params, 1e9, 21]);
        expectNoTableScan(steps);
        if (from === 'fts') {
          // FTS5 hands back rows in rowid order (the `<` cursor its own constraint): no sort, stops at the limit.
          expect(steps[0]).toMatch(/^SCAN f VIRTUAL TABLE INDEX \d+:M1</);
          expect(steps.join('\n')).not.toMatch(/TEMP B-TREE FOR ORDER BY/);
        } else {
          // The filter's posts on an index, then one FTS5 scan newest first over their versions' rowid
          // range (no sort), each match tested against the versions: no FTS5 look-up per version.
          expect(steps.join('\n')).toMatch(
            /SEARCH p USING (COVERING )?INDEX (post_account|post_platform_created|post_created)/,
          );
          expect(steps[0]).toMatch(/^SCAN f VIRTUAL TABLE INDEX \d+:M1></);
          expect(steps.join('\n')).not.toMatch(/INDEX 0:=M1|TEMP B-TREE FOR ORDER BY/);
        }
        const rel = relevanceSql(p);
        expectNoTableScan(await plan(rel.sql, [...rel.params, 1e9, 1000, 0, 1e9, 21]));
      });
    }
  }

  it('hits, snippets, counts and the later-version check: primary keys and the FTS5 index only', async () => {
    const hit = await plan(HIT_SQL, ['[1,2,3]']);
    expectNoTableScan(hit);
    expect(hit.join('\n')).toMatch(/SEARCH v USING INTEGER PRIMARY KEY/);
    // Relevance's hits come with its page, by primary keys: no second pass through FTS5 for snippet().
    const rel = relevanceSql({ match: '"kabinet"', terms: [], from: 'fts' });
    const ranked = (await plan(rel.sql, [...rel.params, 1e9, 1000, 0, 1e9, 21])).join('\n');
    expect(ranked).toMatch(
      /SCAN page\nSEARCH v USING INTEGER PRIMARY KEY.*\nSEARCH p USING INTEGER PRIMARY KEY/,
    );
    expect(ranked.match(/VIRTUAL TABLE/g)).toHaveLength(1);
    const count = countSql({ match: '"kabinet"', terms: [], from: 'fts' });
    expectNoTableScan(await plan(count.sql, count.params));
    const newer = await plan(NEWER_SQL, [1, 1, '"kabinet"']);
    expectNoTableScan(newer);
    expect(newer.join('\n')).toMatch(
      /SEARCH v USING COVERING INDEX sqlite_autoindex_version_1 \(post_id=\?\)/,
    );
  });

  it('relevance with a filter: the matches counted first, ranked from the index in the same statement only if few', async () => {
    for (const name of ['platform', 'author', 'dates', 'author + dates'] as const) {
      const few = fewRelevanceSql({ match: '"kabinet"', terms: FILTERS[name]!, from: 'posts' });
      const params = (limit: number) => [...few.params, 1e9, 1000, -1e308, 1e9, 21, limit];
      const steps = await plan(few.sql, params(4000));
      expectNoTableScan(steps);
      // The count first (the LIMIT's scalar subquery, evaluated once: 0 ends the statement before FTS5 is
      // asked for a row), then the FTS5 plan as it is: newest first, no sort, the matches' narrow index rows.
      const text = steps.join('\n');
      expect(text, name).toMatch(
        /SCALAR SUBQUERY \d+\n(.*\n)*SCAN version_fts VIRTUAL TABLE INDEX 0:M1\n(.*\n)*SCAN f VIRTUAL TABLE INDEX \d+:M1<\nSEARCH v USING COVERING INDEX version_id_post \(id=\?\)\nSEARCH p USING COVERING INDEX post_id_filters/,
      );
      expect(text.slice(0, text.indexOf('FOR GROUP BY')), name).not.toMatch(/FOR ORDER BY/);
      const matching = (await db.get<{ n: number }>(
        'SELECT count(*) AS n FROM version_fts WHERE version_fts MATCH ?',
        ['"kabinet"'],
      ))!.n;
      expect((await db.all(few.sql, params(matching))).length, name).toBeGreaterThan(0);
      expect(await db.all(few.sql, params(matching - 1)), name).toEqual([]);
    }
  });

  it("the monitor's claims and stream look-ups: range scans and probes on their own indexes", async () => {
    const due = await plan(DUE_SQL.due, ['2026-01-01', 'mastodon', '2025-07-01', 240]);
    expect(due.join('\n')).toMatch(
      /SEARCH post USING COVERING INDEX post_platform_due \(platform=\? AND next_check_at/,
    );
    expectNoTableScan(due);
    const spare = await plan(DUE_SQL.spare, ['2026-01-01', 'mastodon', '2025-07-01', 240]);
    expect(spare.join('\n')).toMatch(/SEARCH post USING INDEX post_platform_checked \(platform=\?\)/);
    expect(spare.join('\n')).not.toMatch(/TEMP B-TREE FOR ORDER BY/);
    const listed = await plan(DUE_SQL.listed, ['2026-01-01', '["mastodon"]', '[1,2]', 10]);
    expect(listed.join('\n')).toMatch(/SEARCH post USING INTEGER PRIMARY KEY/);
    const stream = await plan(STREAM_POST_SQL, ['mastodon', 'p5', '["https://e.org/api/v1/statuses/5"]']);
    expectNoTableScan(stream);
    expect(stream.join('\n')).toMatch(/sqlite_autoindex_post_1 \(platform=\? AND platform_id=\?\)/);
    expect(stream.join('\n')).toMatch(/post_api_ref \(api_ref=\?\)/);
    const found = await db.all(STREAM_POST_SQL, ['mastodon', 'none', '["https://e.org/api/v1/statuses/6"]']);
    expect(found).toEqual([{ id: 6 }]);
  });
});

/** Brute force: the posts whose versions match, newest matching version first, with the filters. */
async function reference(query: string, f: SearchFilters): Promise<number[]> {
  const where = ['version_fts MATCH ?'];
  const params: unknown[] = [ftsQuery(query)];
  const add = (sql: string, value: unknown) => {
    where.push(sql);
    params.push(value);
  };
  if (f.platform) add('p.platform = ?', f.platform);
  if (f.author) add('a.handle = ?', f.author);
  if (f.since) add('p.created_at >= ?', new Date(f.since).toISOString());
  if (f.until) add('p.created_at <= ?', new Date(Date.parse(f.until) + 86_400_000 - 1).toISOString());
  const rows = await db.all<{ id: number }>(
    `SELECT p.id FROM version_fts JOIN version v ON v.id = version_fts.rowid JOIN post p ON p.id = v.post_id
     JOIN account a ON a.id = p.account_id WHERE ${where.join(' AND ')} GROUP BY p.id ORDER BY max(v.id) DESC`,
    params,
  );
  return rows.map((r) => r.id);
}

/** Every page, by cursor, of one search. */
async function allPages(query: string, f: SearchFilters, narrowFilter?: number) {
  const ids: number[] = [];
  let after: string | undefined;
  let first: Awaited<ReturnType<typeof search>> | undefined;
  for (let n = 0; n < 200; n++) {
    const page = await search(db, query, { ...f, limit: 7, after }, { narrowFilter });
    first ??= page;
    if (after) expect(page.total).toBeNull(); // counted on the first page only
    ids.push(...page.hits.map((h) => h.id));
    if (!page.next) break;
    after = page.next;
  }
  return { ids, first: first! };
}

describe('search answers', () => {
  const cases: [string, SearchFilters][] = [
    ['kabinet', {}],
    ['woningbouw asiel', {}],
    ['"tweede kamer"', {}],
    ['begr*', {}],
    ['ministerie', {}], // folded: the text says ministérie
    ['asiel OR begroting', {}],
    ['aangepast', {}], // only in later versions
    ['kabinet', { platform: 'x' }],
    ['kabinet', { author: 'acct40' }], // narrow: from the posts
    ['kabinet', { author: 'acct5' }],
    ['stikstof', { since: '2025-03-01', until: '2025-03-31' }],
    ['stikstof', { since: '2025-03-10', until: '2025-03-10' }],
    ['stikstof', { platform: 'mastodon', since: '2025-06-01' }],
  ];
  for (const [query, f] of cases) {
    // Filters: each answered from the posts they leave (all are narrow here) and from the FTS5 index.
    for (const narrowFilter of Object.keys(f).length ? [undefined, 0] : [undefined]) {
      const from = narrowFilter === 0 ? 'from the index' : Object.keys(f).length ? 'from the posts' : '';
      it(`${query} ${JSON.stringify(f)} ${from}: every matching post once, newest archived first, over every page`, async () => {
        const want = await reference(query, f);
        const { ids, first } = await allPages(query, f, narrowFilter);
        expect(ids).toEqual(want);
        expect(first.total).not.toBeNull();
        if (want.length <= 7) expect(first.total).toEqual({ count: want.length, exact: true });
        else
          expect(
            first.total!.exact ? first.total!.count === want.length : first.total!.count < want.length,
          ).toBe(true);
      });
    }
  }

  it('finds text that an edit took away, at the version that held it; a post matching twice is one hit', async () => {
    const gone = await search(db, 'bericht 14', { limit: 50 });
    const hit = gone.hits.find((h) => h.id === 14);
    expect(hit?.version).toBe(2); // "bericht 14" is in both versions: the newest
    const kabinet = await allPages('kabinet', {});
    expect(new Set(kabinet.ids).size).toBe(kabinet.ids.length);
    // Post 28's second version dropped its words: its first version is still found.
    const words = (await db.get<{ text: string }>(
      'SELECT text FROM version WHERE post_id = 28 AND number = 1',
    ))!.text;
    const word = words.split(' ')[2]!;
    const found = (await allPages(word, {})).ids;
    expect(found).toContain(28);
  });

  it('relevance: best first within the window, every post once over its pages, with scores', async () => {
    const seen: number[] = [];
    let after: string | undefined;
    let last = Number.POSITIVE_INFINITY;
    for (let n = 0; n < 1000; n++) {
      const page = await search(db, 'kabinet stikstof', { sort: 'relevance', limit: 5, after });
      for (const h of page.hits) {
        expect(h.score).not.toBeNull();
        expect(h.score!).toBeLessThanOrEqual(last + 1e-9);
        last = h.score!;
        seen.push(h.id);
      }
      if (!page.next) break;
      after = page.next;
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.sort((a, b) => a - b)).toEqual(
      (await reference('kabinet stikstof', {})).sort((a, b) => a - b),
    );
    const newest = await search(db, 'kabinet', {});
    expect(newest.hits.every((h) => h.score === null)).toBe(true);
  });

  it('refuses a cursor that is not one, and a search without words', async () => {
    await expect(search(db, 'kabinet', { after: 'page2' })).rejects.toMatchObject({
      key: 'search.bad-cursor',
    });
    await expect(search(db, 'kabinet', { sort: 'relevance', after: '12' })).rejects.toBeInstanceOf(
      UsageError,
    );
    await expect(search(db, '""', {})).rejects.toMatchObject({ key: 'search.no-words' });
  });

  it('an author that has no account finds nothing, counted exactly', async () => {
    expect(await search(db, 'kabinet', { author: 'nobody' })).toEqual({
      hits: [],
      next: null,
      total: { count: 0, exact: true },
    });
  });
});
