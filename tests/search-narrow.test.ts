/**
 * Search with a prefix and with a narrow filter (issue 16): a prefix spelled out as its words (migration
 * 21's word list) finds what FTS5's own prefix finds; a narrow filter answers the same by one scan of
 * its versions' rowid range or by one look-up per version; each statement's query plan reads indexes
 * only (no scan of the post or version table).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../src/store/db.ts';
import {
  candidatesSql,
  DENSITY_SQL,
  ftsQuery,
  LOOKUP_SQL,
  PREFIX_WORDS_SQL,
  type SearchFilters,
  SHORT_LISTS_SQL,
  search,
  spelledOut,
} from '../src/store/queries.ts';
import { insertVersions, scratchDb, seeded } from './helpers/search-db.ts';

let db: Db;
let close: () => Promise<void>;

const WORDS = [
  'minister',
  'ministérie',
  'ministerraad',
  'begroting',
  'begrotingen',
  'begraafplaats',
  'kabinet',
  'asiel',
  'tweede',
  'kamer',
];

/** 30 accounts on two platforms, 900 posts (every 5th edited: the edit keeps its words or drops them). */
async function fill(): Promise<void> {
  for (let i = 1; i <= 30; i++)
    await db.run(
      `INSERT INTO account (id, platform, handle, display_name, first_seen, last_seen) VALUES (?, ?, ?, ?, '2025-01-01', '2025-01-01')`,
      [i, i % 2 ? 'mastodon' : 'x', `acct${i}`, `Account ${i}`],
    );
  const rnd = seeded(11);
  const posts = Array.from({ length: 900 }, (_, k) => {
    const id = k + 1;
    // Account 30 is small (one post in 60), spread over the whole id range.
    const account = id % 60 === 0 ? 30 : 1 + Math.floor(rnd() * 29);
    const words = Array.from({ length: 5 }, () => WORDS[Math.floor(rnd() ** 2 * WORDS.length)]);
    const day = Math.floor(rnd() * 120);
    return {
      id,
      account,
      platform: account % 2 ? 'mastodon' : 'x',
      created: new Date(Date.UTC(2025, 0, 1) + day * 86_400_000).toISOString(),
      text: `bericht ${id} ${words.join(' ')}`,
    };
  });
  await db.run(
    `INSERT INTO post (id, platform, platform_id, url, account_id, kind, created_at, first_seen, last_seen)
     SELECT j.value->>'id', j.value->>'platform', 'p' || (j.value->>'id'), 'https://e.org/' || (j.value->>'id'),
            j.value->>'account', 'post', j.value->>'created', '2025-01-01', '2025-01-01'
     FROM json_each(?) j`,
    [JSON.stringify(posts)],
  );
  const versions = posts.map((p) => ({ post: p.id, number: 1, text: p.text }));
  for (const p of posts.filter((q) => q.id % 5 === 0))
    versions.push({ post: p.id, number: 2, text: p.id % 10 === 0 ? `bericht ${p.id}` : `${p.text} kamer` });
  await insertVersions(db, versions);
}

beforeAll(async () => {
  ({ db, close } = await scratchDb('search-narrow'));
  await fill();
});

afterAll(async () => {
  await close();
});

async function matching(match: string): Promise<number[]> {
  const rows = await db.all<{ rowid: number }>(
    'SELECT rowid FROM version_fts WHERE version_fts MATCH ? ORDER BY rowid',
    [match],
  );
  return rows.map((r) => r.rowid);
}

describe('a prefix spelled out as its words', () => {
  it('names every indexed word the prefix starts (folded as FTS5 folds), bracketed, ANDs made explicit', async () => {
    expect(await spelledOut(db, 'begr*')).toBe('("begraafplaats" OR "begroting" OR "begrotingen")');
    expect(await spelledOut(db, 'Ministé*')).toBe('("minister" OR "ministerie" OR "ministerraad")');
    expect(await spelledOut(db, 'kabinet begrotinge* OR asiel')).toBe(
      '"kabinet" AND ("begrotingen") OR "asiel"',
    );
    // Without a prefix, or with one that starts no word or does not fold to a–z/0–9: as typed.
    expect(await spelledOut(db, '"tweede kamer" asiel')).toBe(ftsQuery('"tweede kamer" asiel'));
    expect(await spelledOut(db, 'kabinet zzz*')).toBe('"kabinet" "zzz"*');
    expect(await spelledOut(db, 'straße*')).toBe('"straße"*');
  });

  it('matches exactly the versions FTS5 own prefix matches', async () => {
    for (const q of [
      'begr*',
      'minist*',
      'kabinet begr*',
      'kabinet begr* OR asiel',
      'asiel OR ministerr*',
      'b*',
    ]) {
      expect(await matching(await spelledOut(db, q)), q).toEqual(await matching(ftsQuery(q)));
    }
  });
});

/** Brute force: the posts whose versions match, newest matching version first, with the filters. */
async function reference(query: string, f: SearchFilters): Promise<number[]> {
  const where = ['version_fts MATCH ?'];
  const params: unknown[] = [ftsQuery(query)];
  if (f.platform) {
    where.push('p.platform = ?');
    params.push(f.platform);
  }
  if (f.author) {
    where.push('a.handle = ?');
    params.push(f.author);
  }
  if (f.since) {
    where.push('p.created_at >= ?');
    params.push(new Date(f.since).toISOString());
  }
  const rows = await db.all<{ id: number }>(
    `SELECT p.id FROM version_fts JOIN version v ON v.id = version_fts.rowid JOIN post p ON p.id = v.post_id
     JOIN account a ON a.id = p.account_id WHERE ${where.join(' AND ')} GROUP BY p.id ORDER BY max(v.id) DESC`,
    params,
  );
  return rows.map((r) => r.id);
}

async function allPages(
  query: string,
  f: SearchFilters,
  tuning: { narrowFilter?: number; lookupCost?: number },
) {
  const ids: number[] = [];
  let after: string | undefined;
  for (let n = 0; n < 300; n++) {
    const page = await search(db, query, { ...f, limit: 4, after }, tuning);
    ids.push(...page.hits.map((h) => h.id));
    if (!page.next) break;
    after = page.next;
  }
  return ids;
}

describe('a narrow filter: scanned, looked up, or from the index, the same answer', () => {
  const cases: [string, SearchFilters][] = [
    ['minister*', { author: 'acct30' }],
    ['begr* kabinet', { author: 'acct30' }],
    ['kabinet', { author: 'acct30' }],
    ['"bericht 60" OR ministerraad', { author: 'acct30' }], // a phrase
    ['asiel OR begrotinge*', { author: 'acct30', since: '2025-02-01' }],
    ['kamer', { platform: 'x', since: '2025-04-20' }], // found in later versions too
    ['ministé*', { platform: 'mastodon', since: '2025-04-25' }],
  ];
  const plans = {
    'one look-up per version': { lookupCost: 0 },
    'one scan of their range': { lookupCost: Number.POSITIVE_INFINITY },
    'as the cost decides': {},
    'from the FTS5 index': { narrowFilter: 0 },
  };
  for (const [query, f] of cases)
    it(`${query} ${JSON.stringify(f)}: every matching post once, newest archived first, over every page`, async () => {
      const want = await reference(query, f);
      expect(want.length).toBeGreaterThan(0);
      for (const [name, tuning] of Object.entries(plans))
        expect(await allPages(query, f, tuning), name).toEqual(want);
    });

  it("a prefix looked up version by version: the same pages, snippets included, whichever of its words' lists are read whole", async () => {
    const pages = async (query: string, f: SearchFilters, listEntries: number) => {
      const out: unknown[] = [];
      let after: string | undefined;
      for (let n = 0; n < 300; n++) {
        const page = await search(db, query, { ...f, limit: 4, after }, { lookupCost: 0, listEntries });
        out.push(page);
        if (!page.next) break;
        after = page.next;
      }
      return out;
    };
    const spelled = await db.all<{ term: string; doc: number }>(PREFIX_WORDS_SQL, ['minister']);
    // Some words' lists short enough to read whole, others not (the threshold is per version looked up).
    expect(new Set(spelled.map((w) => w.doc)).size).toBeGreaterThan(1);
    for (const [query, f] of [
      ['ministé*', { platform: 'mastodon', since: '2025-04-25' }],
      ['minister*', { author: 'acct30' }],
      ['begr*', { platform: 'x', since: '2025-04-01' }],
    ] as [string, SearchFilters][]) {
      const whole = await pages(query, f, 0);
      expect((whole[0] as { hits: unknown[] }).hits.length, query).toBeGreaterThan(0);
      for (const entries of [0.5, 2, 8, 1e9])
        expect(await pages(query, f, entries), `${query} ${entries}`).toEqual(whole);
    }
  });

  it('relevance with a filter: the same hits and scores from the posts, from the index, or all matches ranked', async () => {
    const ranked = async (
      query: string,
      f: SearchFilters,
      tuning: { narrowFilter?: number; fewMatches?: number },
    ) => {
      const hits: [number, number | null][] = [];
      let after: string | undefined;
      for (let n = 0; n < 300; n++) {
        const page = await search(db, query, { ...f, sort: 'relevance', limit: 4, after }, tuning);
        hits.push(...page.hits.map((h): [number, number | null] => [h.id, h.score]));
        if (!page.next) break;
        after = page.next;
      }
      return hits;
    };
    for (const [query, f] of cases) {
      const few = await ranked(query, f, {});
      expect(few.map(([id]) => id).sort((a, b) => a - b)).toEqual(
        (await reference(query, f)).sort((a, b) => a - b),
      );
      for (let i = 1; i < few.length; i++) expect(few[i]![1]!).toBeLessThanOrEqual(few[i - 1]![1]! + 1e-9);
      expect(
        await ranked(query, f, { fewMatches: -1, narrowFilter: 1e9 }),
        `${query} from the posts`,
      ).toEqual(few);
      expect(await ranked(query, f, { fewMatches: -1, narrowFilter: 0 }), `${query} from the index`).toEqual(
        few,
      );
      // More matches than few: the first statement (counted, not ranked) gives no rows, a plan is chosen.
      expect(await ranked(query, f, { fewMatches: 2 }), `${query} more than few`).toEqual(few);
    }
  });

  it('relevance with a filter: the same first page, count included, whether its words match few versions or not', async () => {
    for (const [query, f] of cases) {
      const first = (tuning: { narrowFilter?: number; fewMatches?: number }) =>
        search(db, query, { ...f, sort: 'relevance', limit: 4 }, tuning);
      const few = await first({});
      expect(few.total, query).not.toBeNull();
      for (const tuning of [
        { fewMatches: 2 },
        { fewMatches: -1, narrowFilter: 1e9 },
        { fewMatches: -1, narrowFilter: 0 },
      ])
        expect(await first(tuning), `${query} ${JSON.stringify(tuning)}`).toEqual(few);
    }
  });

  it('relevance hits of a phrase show its snippet', async () => {
    const page = await search(db, '"tweede kamer"', { sort: 'relevance', limit: 3 });
    expect(page.hits.length).toBeGreaterThan(0);
    for (const h of page.hits) expect(h.snippet).toMatch(/«tweede kamer»/);
  });

  it('the prefix, the filter, the probe and the look-ups read indexes only', async () => {
    const plan = async (sql: string, params: unknown[]) =>
      (await db.all<{ detail: string }>(`EXPLAIN QUERY PLAN ${sql}`, params)).map((r) => r.detail);
    const noScan = (steps: string[]) => {
      for (const s of steps)
        expect(s, steps.join('\n')).not.toMatch(/^SCAN (p|v|post|version|a|account|l)\b/);
    };
    const words = await plan(PREFIX_WORDS_SQL, ['begr']);
    expect(words.join('\n')).toMatch(/VIRTUAL TABLE INDEX/);
    const c = candidatesSql({
      match: '"kabinet"',
      terms: [{ sql: 'p.account_id IN (SELECT value FROM json_each(?2))', param: '[30]' }],
      from: 'posts',
    });
    const candidates = await plan(c.sql, [...c.params, 1e9]);
    noScan(candidates);
    expect(candidates.join('\n')).toMatch(/SEARCH p USING (COVERING )?INDEX post_account/);
    expect(candidates.join('\n')).toMatch(
      /SEARCH v USING (COVERING )?INDEX sqlite_autoindex_version_1 \(post_id=\?\)/,
    );
    const density = await plan(DENSITY_SQL, ['"kabinet"', 1e9, 1, 256]);
    expect(density.join('\n')).toMatch(/SCAN version_fts VIRTUAL TABLE INDEX \d+:M1[<>]{2}/);
    const lists = await plan(SHORT_LISTS_SQL, ['("begraafplaats" OR "begrotingen")', 1, 1e9]);
    expect(lists.join('\n')).toMatch(/^SCAN version_fts VIRTUAL TABLE INDEX \d+:M1/);
    const lookups = await plan(LOOKUP_SQL, ['"kabinet"', '[5,4,3]']);
    noScan(lookups);
    // One FTS5 look-up by rowid per listed version, then the version by its primary key.
    expect(lookups.join('\n')).toMatch(/SCAN f VIRTUAL TABLE INDEX 0:=M1/);
    expect(lookups.join('\n')).toMatch(/SEARCH v USING INTEGER PRIMARY KEY/);
  });
});
