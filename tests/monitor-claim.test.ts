/**
 * The re-checker's claims (src/store/monitor.ts): leases in `post_lease`, never the same post to two
 * workers (due or spare, in one claim or in two, from two connections at once), leases that survive a
 * restart and expire, a saved check that ends its lease, a stream event's named posts checked even
 * when leased; and the query plan of every claim statement and of the claimed posts' rows (index range
 * scans and primary-key probes, no scan of the post or version table, no sort).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Db } from '../src/store/db.ts';
import { migrate } from '../src/store/migrations.ts';
import { ARCHIVED_POSTS_SQL, claimDue, DUE_SQL, saveChecks, versionText } from '../src/store/monitor.ts';

let dir: string;
let db: Db;

const NOW = '2026-06-01T12:00:00.000Z';
const LEASE = '2026-06-01T12:05:00.000Z';
const AFTER_LEASE = '2026-06-01T12:06:00.000Z';

/**
 * 60 Mastodon posts and 10 Bluesky ones: Mastodon posts 1–20 due (1 the longest), 21–60 not due,
 * checked longest ago first from 60 down to 21.
 */
async function fill(): Promise<void> {
  await db.run(
    `INSERT INTO account (id, platform, handle, first_seen, last_seen) VALUES (1, 'mastodon', 'minbz', ?1, ?1), (2, 'bluesky', 'minbz.bsky.social', ?1, ?1)`,
    [NOW],
  );
  const posts = Array.from({ length: 70 }, (_, i) => {
    const id = i + 1;
    const mastodon = id <= 60;
    return {
      id,
      platform: mastodon ? 'mastodon' : 'bluesky',
      account: mastodon ? 1 : 2,
      next: id <= 20 ? `2026-05-${String(id).padStart(2, '0')}T00:00:00.000Z` : '2026-07-01T00:00:00.000Z',
      checked: `2026-04-${String(Math.max(1, 61 - id)).padStart(2, '0')}T00:00:00.000Z`,
    };
  });
  await db.run(
    `INSERT INTO post (id, platform, platform_id, url, account_id, kind, first_seen, last_seen, next_check_at, last_checked_at)
     SELECT j.value->>'id', j.value->>'platform', 'p' || (j.value->>'id'), 'https://e.org/' || (j.value->>'id'),
            j.value->>'account', 'post', ?1, ?1, j.value->>'next', j.value->>'checked'
     FROM json_each(?2) j`,
    [NOW, JSON.stringify(posts)],
  );
  await db.run(
    `INSERT INTO version (post_id, number, captured_at, content_hash, content, text, origin, trigger, method, misses,
                          warc_file, warc_offset, warc_length, warc_record_id)
     SELECT j.value->>'id', 1, ?1, 'h' || (j.value->>'id'), '{"text":"x"}', 'x', 'capture', 'watch', 'api', '[]', 'w.warc.gz', 0, 0, 'r'
     FROM json_each(?2) j`,
    [NOW, JSON.stringify(posts)],
  );
}

beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'archiefbot-claim-'));
  db = await Db.open(path.join(dir, 'archiefbot.db'));
  await db.exec('PRAGMA journal_mode = WAL');
  await db.exec('PRAGMA foreign_keys = ON');
  await migrate(db);
  await fill();
});

afterEach(async () => {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

const mastodon = (due: number, inAll: number) => ({ mastodon: { due, inAll } });
const claim = (on: Db, now: string, due: number, inAll: number) =>
  claimDue(on, {
    now,
    leaseUntil: LEASE,
    limit: 0,
    platforms: ['mastodon'],
    perPlatform: mastodon(due, inAll),
  });
const ids = (posts: { id: number }[]) => posts.map((p) => p.id).sort((a, b) => a - b);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('claims', () => {
  it('leases due posts first, then the ones checked longest ago, and never hands a leased post out again', async () => {
    const first = await claim(db, NOW, 5, 10);
    expect(ids(first)).toEqual([...range(1, 5), ...range(56, 60)]);
    expect(first.find((p) => p.id === 3)).toMatchObject({
      platform: 'mastodon',
      handle: 'minbz',
      version: 1,
      content_hash: 'h3',
    });
    // A second claim (another worker, or the same one's next tick) gets the next ones, due or spare.
    const second = await claim(db, NOW, 5, 10);
    expect(ids(second)).toEqual([...range(6, 10), ...range(51, 55)]);
    // Spare only: the due posts still waiting are not spare, the leased ones not either.
    const spare = await claim(db, NOW, 0, 5);
    expect(ids(spare)).toEqual(range(46, 50));
    // The leases are rows of their own: the posts' schedule is untouched.
    const row = await db.get<{ next_check_at: string }>('SELECT next_check_at FROM post WHERE id = 1');
    expect(row!.next_check_at).toBe('2026-05-01T00:00:00.000Z');
    expect((await db.get<{ n: number }>('SELECT count(*) AS n FROM post_lease'))!.n).toBe(25);
  });

  it("hands out the latest served version's number and hash (an import only when nothing else is held); its text and content on request", async () => {
    const version = (post: number, number: number, hash: string, origin: string) =>
      db.run(
        `INSERT INTO version (post_id, number, captured_at, content_hash, content, text, origin, trigger, method, misses,
                              warc_file, warc_offset, warc_length, warc_record_id)
         VALUES (?1, ?2, ?3, ?4, json_object('text', ?4 || ' text'), ?4 || ' text', ?5, 'watch', 'api', '[]', 'w.warc.gz', 0, 0, 'r')`,
        [post, number, NOW, hash, origin],
      );
    await version(1, 2, 'edit', 'capture'); // post 1: an edit captured
    await version(2, 2, 'old', 'import'); // post 2: an older state imported after the capture
    // Post 80: only an import, due the longest.
    await db.run(
      `INSERT INTO post (id, platform, platform_id, url, account_id, kind, first_seen, last_seen, next_check_at)
       VALUES (80, 'mastodon', 'p80', 'https://e.org/80', 1, 'post', ?1, ?1, '2026-04-30T00:00:00.000Z')`,
      [NOW],
    );
    await version(80, 1, 'imported', 'import');
    const posts = await claim(db, NOW, 3, 3);
    expect(posts.map((p) => [p.id, p.version, p.content_hash])).toEqual([
      [1, 2, 'edit'],
      [2, 1, 'h2'],
      [80, 1, 'imported'],
    ]);
    expect(posts[0]).toEqual({
      id: 1,
      platform: 'mastodon',
      platform_id: 'p1',
      api_ref: null,
      url: 'https://e.org/1',
      status: 'live',
      created_at: null,
      first_seen: NOW,
      reply_count: null,
      account_id: 1,
      account_ref: null,
      handle: 'minbz',
      version: 2,
      content_hash: 'edit',
    });
    expect(await versionText(db, 1, 2)).toEqual({ text: 'edit text', content: '{"text":"edit text"}' });
    expect(await versionText(db, 2, 1)).toEqual({ text: 'x', content: '{"text":"x"}' });
  });

  it("leaves the connection's WAL checkpoint threshold as it was, also when the claim fails", async () => {
    await db.exec('PRAGMA wal_autocheckpoint = 7');
    const threshold = async () =>
      (await db.get<{ wal_autocheckpoint: number }>('PRAGMA wal_autocheckpoint'))!.wal_autocheckpoint;
    expect(await claim(db, NOW, 2, 2)).toHaveLength(2);
    expect(await threshold()).toBe(7);
    await db.exec('DROP TABLE post_lease');
    await expect(claim(db, NOW, 2, 2)).rejects.toThrow(/post_lease/);
    expect(await threshold()).toBe(7);
  });

  it('two workers claiming at the same moment never share a post', async () => {
    const other = await Db.open(path.join(dir, 'archiefbot.db'));
    try {
      const [a, b] = await Promise.all([claim(db, NOW, 15, 30), claim(other, NOW, 15, 30)]);
      const all = [...ids(a), ...ids(b)];
      expect(new Set(all).size).toBe(all.length);
      expect(all).toHaveLength(60);
    } finally {
      await other.close();
    }
  });

  it('leases survive a restart and expire; a saved check ends its lease', async () => {
    const first = await claim(db, NOW, 20, 20);
    expect(ids(first)).toEqual(range(1, 20));
    // A crash: the process and its connection are gone, the leases are not.
    await db.close();
    db = await Db.open(path.join(dir, 'archiefbot.db'));
    expect(await claim(db, NOW, 20, 0)).toEqual([]);
    // Post 1's check was saved (next check in July), post 2's was not: once the lease has passed,
    // post 2 is claimed again and post 1 is not due.
    await saveChecks(db, [{ id: 1, nextCheckAt: '2026-07-01T00:00:00.000Z', checkedAt: NOW, error: false }]);
    expect(await db.get('SELECT 1 FROM post_lease WHERE post_id = 1')).toBeUndefined();
    const later = await claim(db, AFTER_LEASE, 20, 0);
    expect(ids(later)).toEqual(range(2, 20));
    expect(
      (await db.get<{ n: number }>('SELECT count(*) AS n FROM post_lease WHERE until = ?', [LEASE]))!.n,
    ).toBe(19);
  });

  it("a stream event's posts are checked even when leased; recheck --all leaves leased posts alone", async () => {
    await claim(db, NOW, 3, 3);
    const named = await claimDue(db, {
      now: NOW,
      leaseUntil: LEASE,
      limit: 10,
      platforms: ['mastodon', 'bluesky'],
      postIds: [2, 40, 65],
    });
    expect(ids(named)).toEqual([2, 40, 65]);
    const all = await claimDue(db, {
      now: NOW,
      leaseUntil: LEASE,
      limit: 1000,
      all: true,
      platforms: ['mastodon'],
    });
    expect(ids(all)).toEqual(range(4, 60).filter((id) => id !== 40));
  });

  it('the lease of a post removed from the archive (lawful destruction) goes when it expires', async () => {
    await db.run(
      `INSERT INTO post (id, platform, platform_id, url, kind, first_seen, last_seen, next_check_at)
       VALUES (71, 'mastodon', 'p71', 'https://e.org/71', 'post', ?1, ?1, ?1)`,
      [NOW],
    );
    await claimDue(db, { now: NOW, leaseUntil: LEASE, limit: 10, platforms: ['mastodon'], postIds: [71] });
    expect(await db.get('SELECT until FROM post_lease WHERE post_id = 71')).toEqual({ until: LEASE });
    await db.run('DELETE FROM post WHERE id = 71');
    await claim(db, AFTER_LEASE, 1, 1);
    expect(await db.get('SELECT 1 FROM post_lease WHERE post_id = 71')).toBeUndefined();
  });
});

describe('claim query plans', () => {
  /** The plan's steps; never a scan of a table, and (`sorted`) no sort of what a range scan read. */
  async function plan(sql: string, params: unknown[], sorted = true): Promise<string> {
    const rows = await db.all<{ detail: string }>(`EXPLAIN QUERY PLAN ${sql}`, params);
    const steps = rows.map((r) => r.detail);
    for (const s of steps)
      expect(s, steps.join('\n')).not.toMatch(/^SCAN (p|v|post|version|a|account|l|post_lease)\b/);
    if (sorted) expect(steps.join('\n')).not.toMatch(/TEMP B-TREE/);
    return steps.join('\n');
  }

  it('due and spare: a range scan of their own index, one primary-key probe of the lease table per post', async () => {
    const due = await plan(DUE_SQL.due, [LEASE, 'mastodon', NOW, 240]);
    expect(due).toMatch(/SEARCH post USING COVERING INDEX post_platform_due \(platform=\? AND next_check_at/);
    expect(due).toMatch(/SEARCH l USING INTEGER PRIMARY KEY \(rowid=\?\)/);
    const spare = await plan(DUE_SQL.spare, [LEASE, 'mastodon', NOW, 240]);
    expect(spare).toMatch(/SEARCH post USING INDEX post_platform_checked \(platform=\?\)/);
    expect(spare).toMatch(/SEARCH l USING INTEGER PRIMARY KEY \(rowid=\?\)/);
    expect(await plan(DUE_SQL.expire, [NOW])).toMatch(
      /SEARCH post_lease USING (COVERING )?INDEX post_lease_until \(until<\?\)/,
    );
    expect(await plan(DUE_SQL.listed, [LEASE, '["mastodon"]', '[1,2]', 10], false)).toMatch(
      /SEARCH post USING INTEGER PRIMARY KEY \(rowid=\?\)/,
    );
  });

  it("the claimed posts' rows: by primary key, their latest version's number and hash from the post's own row", async () => {
    const rows = await plan(ARCHIVED_POSTS_SQL, ['[1,2,3]'], false);
    expect(rows).toMatch(/SEARCH p USING INTEGER PRIMARY KEY \(rowid=\?\)/);
    // No version row or index is read (migration 24 keeps the number and hash in the post row).
    expect(rows).not.toMatch(/\bversion\b|\bv\b USING/);
  });
});
