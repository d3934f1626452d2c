/**
 * The monitor tick's read of its claimed posts (issue 16): each post's latest served version's number
 * and hash kept in its row by migration 24's triggers, so the read touches the post pages only. The
 * kept values are checked against the choice made from the versions themselves (the highest number
 * not imported, else the highest) after inserts, imports and deletions, and after the migration fills
 * an existing archive; `archivedPosts` answers what it answered when it read the `version_latest`
 * index (migration 23), in the same order.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Db } from '../src/store/db.ts';
import { migration24 } from '../src/store/migrations/024-post-latest-version.ts';
import { MIGRATIONS, migrate } from '../src/store/migrations.ts';
import { ARCHIVED_POSTS_SQL, archivedPosts } from '../src/store/monitor.ts';

/**
 * The number of post `p`'s latest served version as the tick picked it before migration 24 (the same
 * choice as `LATEST_SERVED` in src/store/latest-version.ts, from the `version_latest` index alone): the
 * reference the kept columns are checked against.
 */
const LATEST_SERVED_NUMBER = `coalesce(
  (SELECT number FROM version INDEXED BY version_latest WHERE post_id = p.id AND origin <> 'import' ORDER BY number DESC LIMIT 1),
  (SELECT max(number) FROM version INDEXED BY version_latest WHERE post_id = p.id))`;

let dir: string;
let db: Db;

/** The read as it was before migration 24 (the latest version from the `version_latest` index). */
const BEFORE_SQL = `SELECT json_group_array(json(post)) AS posts FROM (
  SELECT json_object('id', p.id, 'platform', p.platform, 'platform_id', p.platform_id, 'api_ref', p.api_ref,
         'url', p.url, 'status', p.status, 'created_at', p.created_at, 'first_seen', p.first_seen,
         'reply_count', p.reply_count, 'account_id', p.account_id, 'account_ref', a.platform_id,
         'handle', a.handle, 'version', v.number, 'content_hash', v.content_hash) AS post
  FROM post p LEFT JOIN account a ON a.id = p.account_id
  JOIN version v INDEXED BY version_latest ON v.post_id = p.id AND v.number = ${LATEST_SERVED_NUMBER}
  WHERE p.id IN (SELECT value FROM json_each(?)) ORDER BY p.id)`;

/** What each post's kept columns should say, chosen from its versions. */
const EXPECTED_SQL = `SELECT p.id, p.latest_version AS kept, p.latest_hash AS kept_hash, v.number, v.content_hash
  FROM post p LEFT JOIN version v ON v.post_id = p.id AND v.number = ${LATEST_SERVED_NUMBER} ORDER BY p.id`;

async function open(upTo?: number): Promise<void> {
  dir = mkdtempSync(path.join(tmpdir(), 'archiefbot-tick-sql-'));
  db = await Db.open(path.join(dir, 'archiefbot.db'));
  if (upTo === undefined) await migrate(db);
  else for (const m of MIGRATIONS.filter((x) => x.version <= upTo)) await db.exec(m.sql);
}

afterEach(async () => {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

/** 40 posts (two accounts, some without one, one without versions) with 1–4 versions, some imported. */
async function fill(): Promise<void> {
  await db.run(
    `INSERT INTO account (id, platform, handle, platform_id, first_seen, last_seen) VALUES
       (1, 'mastodon', 'a@x.nl', '101', '2025-01-01', '2025-01-01'), (2, 'mastodon', 'b@x.nl', NULL, '2025-01-01', '2025-01-01')`,
  );
  for (let id = 1; id <= 40; id++)
    await db.run(
      `INSERT INTO post (id, platform, platform_id, url, api_ref, account_id, kind, created_at, first_seen, last_seen, reply_count)
       VALUES (?, 'mastodon', ?, ?, ?, ?, 'post', '2025-01-02', '2025-01-02', '2025-01-02', ?)`,
      [
        id,
        `p${id}`,
        `https://x.nl/@a/${id}`,
        id % 3 ? `https://x.nl/api/v1/statuses/${id}` : null,
        id % 5 ? 1 + (id % 2) : null,
        id % 4 ? id : null,
      ],
    );
  // Versions in an order that exercises the choice: served, then an import of an older state, or only imports.
  for (let id = 1; id <= 39; id++) {
    const kinds =
      id % 7 === 0 ? ['import', 'import'] : id % 4 === 0 ? ['capture', 'capture', 'import'] : ['capture'];
    if (id % 6 === 0) kinds.push('capture', 'import', 'capture');
    for (const [i, origin] of kinds.entries()) await addVersion(id, i + 1, origin);
  }
}

async function addVersion(post: number, number: number, origin: string): Promise<void> {
  await db.run(
    `INSERT INTO version (post_id, number, captured_at, content_hash, content, text, origin, trigger, method, misses,
                          warc_file, warc_offset, warc_length, warc_record_id)
     VALUES (?, ?, '2025-01-03', ?, '{}', 'tekst', ?, 'watch', 'api', '[]', 'w.warc.gz', 0, 0, 'r')`,
    [post, number, `h${post}.${number}`, origin],
  );
}

async function expectKept(): Promise<void> {
  const rows = await db.all<{
    id: number;
    kept: number | null;
    kept_hash: string | null;
    number: number | null;
    content_hash: string | null;
  }>(EXPECTED_SQL);
  expect(rows.length).toBeGreaterThan(0);
  for (const r of rows) expect([r.id, r.kept, r.kept_hash]).toEqual([r.id, r.number, r.content_hash]);
}

describe("a post's latest served version kept in its row (migration 24)", () => {
  it('is kept by every version added, imported or not', async () => {
    await open();
    await fill();
    await expectKept();
    const imported = await db.get<{ kept: number }>('SELECT latest_version AS kept FROM post WHERE id = 7');
    expect(imported?.kept).toBe(2); // only imports: the highest
    const served = await db.get<{ kept: number }>('SELECT latest_version AS kept FROM post WHERE id = 8');
    expect(served?.kept).toBe(2); // an import after two captures: the last capture
    expect(
      (await db.get<{ kept: number | null }>('SELECT latest_version AS kept FROM post WHERE id = 40'))?.kept,
    ).toBeNull();
  });

  it('is recomputed when a version is deleted (retention)', async () => {
    await open();
    await fill();
    await db.exec('DROP TRIGGER version_kept');
    await db.run('DELETE FROM version WHERE post_id = 12 AND number = 5');
    await db.run('DELETE FROM version WHERE post_id = 3');
    await expectKept();
    expect(
      (await db.get<{ kept: number | null }>('SELECT latest_version AS kept FROM post WHERE id = 3'))?.kept,
    ).toBeNull();
  });

  it('is filled on an archive that had versions before the migration', async () => {
    await open(23);
    await fill();
    await db.exec(migration24.sql);
    await expectKept();
  });
});

describe('the claimed posts read from their rows', () => {
  it('answer as the read from version_latest did, in id order, posts without a version left out', async () => {
    await open();
    await fill();
    const ids = [40, 3, 1, 2, 7, 8, 12, 13, 39, 24, 999];
    const before = await db.get<{ posts: string }>(BEFORE_SQL, [JSON.stringify(ids)]);
    const now = await archivedPosts(db, ids);
    expect(now).toEqual(JSON.parse(before!.posts));
    expect(now.map((p) => p.id)).toEqual([1, 2, 3, 7, 8, 12, 13, 24, 39]);
    expect(await archivedPosts(db, [])).toEqual([]);
    expect(await archivedPosts(db, [40])).toEqual([]);
  });

  it('read the post by primary key and nothing of the version table', async () => {
    await open();
    const plan = (
      await db.all<{ detail: string }>(`EXPLAIN QUERY PLAN ${ARCHIVED_POSTS_SQL}`, ['[1,2]'])
    ).map((r) => r.detail);
    expect(plan.join('\n')).toMatch(/SEARCH p USING INTEGER PRIMARY KEY \(rowid=\?\)/);
    expect(plan.join('\n')).toMatch(/SEARCH a USING INTEGER PRIMARY KEY \(rowid=\?\)/);
    expect(plan.join('\n')).not.toMatch(/\bversion\b/);
    for (const step of plan) expect(step).not.toMatch(/^SCAN (p|a)\b/);
  });
});
