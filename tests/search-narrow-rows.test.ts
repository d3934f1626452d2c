/**
 * Search's scan of matches reads each match's version and post from migration 25's narrow indexes by
 * id (issue 16), covering every column it tests or lists, for every filter, newest first and for the
 * relevance window alike: no version or post row is read per match.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../src/store/db.ts';
import { matchesSql, relevanceSql, type SearchPlan } from '../src/store/queries.ts';
import { scratchDb } from './helpers/search-db.ts';

let db: Db;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ db, close } = await scratchDb('search-narrow-rows'));
});

afterAll(async () => {
  await close();
});

const FILTERS: Record<string, SearchPlan['terms']> = {
  none: [],
  platform: [{ sql: 'p.platform = ?2', param: 'x' }],
  author: [{ sql: 'p.account_id IN (SELECT value FROM json_each(?2))', param: '[1]' }],
  'platform + dates': [
    { sql: 'p.platform = ?2', param: 'x' },
    { sql: 'p.created_at >= ?3', param: '2025-03-01' },
    { sql: 'p.created_at <= ?4', param: '2025-03-31' },
  ],
};

async function plan(sql: string, params: unknown[]): Promise<string> {
  const rows = await db.all<{ detail: string }>(`EXPLAIN QUERY PLAN ${sql}`, params);
  return rows.map((r) => r.detail).join('\n');
}

describe("a match's version and post from the narrow indexes", () => {
  for (const [name, terms] of Object.entries(FILTERS)) {
    it(`${name}: newest first and the relevance window read no version or post row per match`, async () => {
      const p: SearchPlan = { match: '"kabinet"', terms, from: 'fts' };
      for (const column of ['snippet', 'rank'] as const) {
        const m = matchesSql(p, column);
        const steps = await plan(m.sql, [...m.params, 1e9, 21]);
        expect(steps).toMatch(/SEARCH v USING COVERING INDEX version_id_post \(id=\?\)/);
        if (terms.length) expect(steps).toMatch(/SEARCH p USING COVERING INDEX post_id_filters \(id=\?\)/);
        expect(steps).not.toMatch(/SEARCH (v|p) USING INTEGER PRIMARY KEY/);
      }
      const rel = relevanceSql(p);
      expect(await plan(rel.sql, [...rel.params, 1e9, 1000, 0, 1e9, 21])).toMatch(
        /SEARCH v USING COVERING INDEX version_id_post \(id=\?\)/,
      );
    });
  }

  it('a narrow filter: its range scan tests matches on the version index', async () => {
    const p: SearchPlan = { match: '"kabinet"', terms: FILTERS.platform!, from: 'posts' };
    const m = matchesSql(p, 'snippet');
    expect(await plan(m.sql, [...m.params, 1e9, 21])).toMatch(
      /SEARCH v USING COVERING INDEX version_id_post \(id=\?\)/,
    );
  });
});
