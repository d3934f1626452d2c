/**
 * A prefix's words kept per connection (issue 16): spelling a prefix out reads fts5vocab, which counts
 * every version of each word it lists (2–9 ms for `minister*` at a million versions); a connection
 * keeps the words while the index is unchanged. Any version added — committed on this connection or on
 * another, or added in this connection's open transaction — makes the next search read them anew, so
 * the words spelled out are always those the index holds.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Db } from '../src/store/db.ts';
import { migrate } from '../src/store/migrations.ts';
import { PREFIX_WORDS_SQL, search, spelledOut, WORDS_KEY_SQL } from '../src/store/queries.ts';
import { insertVersions } from './helpers/search-db.ts';

let dir: string;
let db: Db;
let other: Db;
let reads = 0;

async function addPost(on: Db, id: number, text: string): Promise<void> {
  await on.run(
    `INSERT INTO post (id, platform, platform_id, url, account_id, kind, created_at, first_seen, last_seen)
     VALUES (?, 'mastodon', ?, ?, NULL, 'post', '2025-01-01', '2025-01-01', '2025-01-01')`,
    [id, `p${id}`, `https://e.org/${id}`],
  );
  await insertVersions(on, [{ post: id, number: 1, text }]);
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'archiefbot-words-kept-'));
  const file = path.join(dir, 'archiefbot.db');
  db = await Db.open(file);
  await db.exec('PRAGMA journal_mode = WAL');
  await migrate(db);
  other = await Db.open(file);
  for (const [i, text] of ['de begroting', 'de begrotingen', 'het kabinet'].entries())
    await addPost(db, i + 1, text);
  const all = db.all.bind(db);
  db.all = ((sql: string, params?: unknown[]) => {
    if (sql === PREFIX_WORDS_SQL) reads++;
    return all(sql, params as never);
  }) as typeof db.all;
});

afterAll(async () => {
  await other.close();
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("a prefix's words kept per connection", () => {
  it('reads them once while the index is unchanged', async () => {
    reads = 0;
    expect(await spelledOut(db, 'begr*')).toBe('("begroting" OR "begrotingen")');
    expect(await spelledOut(db, 'Begr*')).toBe('("begroting" OR "begrotingen")');
    const page = await search(db, 'begr*');
    expect(page.hits.map((h) => h.id).sort()).toEqual([1, 2]);
    expect(reads).toBe(1);
    // Asked not to keep them (bench/search's before), search reads them anew.
    await search(db, 'begr*', {}, { keepWords: false });
    expect(reads).toBe(2);
  });

  it('reads them anew after a version is added on this connection', async () => {
    await addPost(db, 4, 'de begrafenis');
    expect(await spelledOut(db, 'begr*')).toBe('("begrafenis" OR "begroting" OR "begrotingen")');
  });

  it('reads them anew after another connection commits a version', async () => {
    await addPost(other, 5, 'begraafplaats');
    expect(await spelledOut(db, 'begr*')).toBe(
      '("begraafplaats" OR "begrafenis" OR "begroting" OR "begrotingen")',
    );
    expect((await search(db, 'begr*')).hits.map((h) => h.id).sort()).toEqual([1, 2, 4, 5]);
  });

  it("sees a version added in this connection's open transaction", async () => {
    reads = 0;
    await spelledOut(db, 'begr*');
    expect(reads).toBe(0);
    await db.transaction(async () => {
      await addPost(db, 6, 'begrip');
      expect(await spelledOut(db, 'begr*')).toContain('"begrip"');
    });
    expect(reads).toBe(1);
  });

  it('its key is read from two primary keys', async () => {
    const plan = await db.all<{ detail: string }>(`EXPLAIN QUERY PLAN ${WORDS_KEY_SQL}`, [10]);
    const details = plan.map((p) => p.detail);
    expect(details.some((d) => /SEARCH version_fts_data USING INTEGER PRIMARY KEY/.test(d))).toBe(true);
    expect(details.filter((d) => /SCAN (?!CONSTANT ROW)/.test(d))).toEqual([]);
  });
});
