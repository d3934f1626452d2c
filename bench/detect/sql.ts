/**
 * bench/detect's sql mode: the SQL of the monitor at a million archived posts, against bare index
 * probes in the same run on the same file.
 *
 * The archive: bench/search's generator at 1,000,000 posts (`millionPosts('scheduled')`), re-checks scheduled
 * over a week, copied and opened with `Archive.open` (WAL, synchronous NORMAL, foreign keys).
 * Forty turns, four simulated hours apart (posts keep falling due); each turn:
 *
 * - a Mastodon tick at its default budget (two ticks' worth: the most it claims): `claimDue` — the
 *   expired leases dropped, the due and spare claims with their leases, in one write transaction,
 *   then the claimed posts' rows and latest versions read — timed whole and per statement;
 * - baseline: the tick as it was before its rows came as one value from the `version_latest` index
 *   and before its commit left the WAL checkpoint to the next write (the same lease transaction,
 *   `takeLeases`, then a row per post with its latest version's text and content, `BEFORE_ROWS_SQL`),
 *   on the next 480 posts; the two take turns going first;
 * - saving those checks' outcomes (`saveChecks`: each post's next check a week on), as the
 *   re-checker does when its look-ups are back (timed apart: it follows the network, not the tick);
 * - baseline: the same selection as bare index range scans (no lease, no rows);
 * - every platform at its default budget at once, claimed and saved;
 * - a stream event's look-up (`postsByStreamKey`) against a primary-key look-up.
 *
 * For the record, at the end: the claim as it was before the leases had their own table (the lease
 * written into each claimed post's row, the rows read as before).
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config.ts';
import { Archive } from '../../src/store/archive.ts';
import type { Db } from '../../src/store/db.ts';
import { LATEST_SERVED } from '../../src/store/latest-version.ts';
import {
  ARCHIVED_POSTS_SQL,
  claimDue,
  DUE_SQL,
  postsByStreamKey,
  saveChecks,
  takeLeases,
} from '../../src/store/monitor.ts';
import { pct } from '../stats.ts';
import { millionPosts } from './million.ts';

const TURNS = Number(process.env.BENCH_SQL_TURNS ?? 40);
const HOUR = 3_600_000;

/** Times every statement of `db` by kind (the claim's statements named, the rest by their first word). */
function statementTimer(db: Db) {
  const names = new Map<string, string>([
    [DUE_SQL.expire, 'expire'],
    [DUE_SQL.due, 'due'],
    [DUE_SQL.spare, 'spare'],
    [ARCHIVED_POSTS_SQL, 'rows'],
    [BEFORE_ROWS_SQL, 'rows before'],
  ]);
  let turn: Record<string, number> = {};
  const wrap = <F extends (sql: string, ...rest: never[]) => Promise<unknown>>(f: F): F =>
    (async (sql: string, ...rest: never[]) => {
      const t = performance.now();
      try {
        return await f.call(db, sql, ...rest);
      } finally {
        const name = names.get(sql) ?? sql.trim().split(/\s+/)[0]!.toLowerCase();
        turn[name] = (turn[name] ?? 0) + performance.now() - t;
      }
    }) as F;
  db.all = wrap(db.all);
  db.get = wrap(db.get);
  db.run = wrap(db.run);
  db.exec = wrap(db.exec);
  return {
    /** The statements' times since the last call, by kind. */
    take(): Record<string, number> {
      const out = turn;
      turn = {};
      return out;
    },
  };
}

const OLD_CLAIM = {
  due: `UPDATE post SET next_check_at = ?1
     WHERE id IN (SELECT id FROM post INDEXED BY post_platform_due
                  WHERE platform = ?2 AND next_check_at IS NOT NULL AND next_check_at <= ?3
                  ORDER BY next_check_at LIMIT ?4)
     RETURNING id`,
  spare: `UPDATE post SET next_check_at = ?1
     WHERE id IN (SELECT id FROM post INDEXED BY post_platform_checked
                  WHERE platform = ?2 AND next_check_at IS NOT NULL AND next_check_at > ?3
                    AND id NOT IN (SELECT value FROM json_each(?5))
                  ORDER BY last_checked_at LIMIT ?4)
     RETURNING id`,
};

/**
 * The claimed posts' rows as they were read before (for the baselines): a row per post with the
 * latest version's text and content, the version found through the (post_id, number) index and its row.
 */
const BEFORE_ROWS_SQL = `SELECT p.id, p.platform, p.platform_id, p.api_ref, p.url, p.status, p.created_at, p.first_seen,
       p.reply_count, p.account_id, a.platform_id AS account_ref, a.handle, v.number AS version, v.content_hash, v.text, v.content
     FROM post p LEFT JOIN account a ON a.id = p.account_id
     JOIN version v ON v.id = ${LATEST_SERVED}
     WHERE p.id IN (SELECT value FROM json_each(?)) ORDER BY p.id`;

const rowsBefore = (db: Db, ids: number[]) =>
  ids.length ? db.all<{ id: number }>(BEFORE_ROWS_SQL, [JSON.stringify(ids)]) : Promise.resolve([]);

const saved = (posts: { id: number }[], now: string) =>
  posts.map((p) => ({
    id: p.id,
    nextCheckAt: new Date(Date.parse(now) + 168 * HOUR).toISOString(),
    checkedAt: now,
    error: false,
    seenAt: now,
  }));

const stats = (xs: number[]) => ({ p50: pct(xs, 50), p95: pct(xs, 95) });

export async function sql() {
  const dir = await millionPosts('scheduled');
  const work = mkdtempSync(path.join(tmpdir(), 'archiefbot-detect-sql-'));
  copyFileSync(path.join(dir, 'archiefbot.db'), path.join(work, 'archiefbot.db'));
  const config = loadConfig({ ARCHIEFBOT_DATA_DIR: work });
  // The connection as the monitor has it (Archive.open's pragmas and migrations).
  const archive = await Archive.open(work, config.warc, { recover: false });
  const db = archive.db;
  const perPlatform = Object.fromEntries(
    Object.entries(config.monitor.budget).map(([p, b]) => {
      const perTick = Math.max(
        1,
        Math.floor(
          b.requestsPerHour * (1 - config.monitor.headroom) * (config.monitor.tickSeconds / 3600) * 2,
        ),
      );
      return [p, { due: perTick * b.batchSize, inAll: perTick * b.batchSize }];
    }),
  );
  const platforms = Object.keys(perPlatform);
  const posts = (await db.get<{ n: number }>('SELECT count(*) AS n FROM post'))!.n;
  const timer = statementTimer(db);
  const t = {
    tick: [] as number[],
    save: [] as number[],
    tickBefore: [] as number[],
    saveBefore: [] as number[],
    bare: [] as number[],
    all: [] as number[],
    allSave: [] as number[],
    look: [] as number[],
    bareLook: [] as number[],
  };
  const parts: Record<string, number>[] = [];
  const partsBefore: Record<string, number>[] = [];
  let claimed = 0;
  let claimedAll = 0;
  const mastodon = { mastodon: perPlatform.mastodon! };
  const lease = (now: string) => new Date(Date.parse(now) + config.monitor.leaseSeconds * 1000).toISOString();
  for (let i = 0; i < TURNS; i++) {
    const now = new Date(Date.parse('2026-11-26T00:00:00Z') + i * 4 * HOUR).toISOString();
    const claim = { now, leaseUntil: lease(now), limit: 0, platforms: ['mastodon'], perPlatform: mastodon };
    // This turn's tick, and one as committed before: its commit may checkpoint the WAL, its rows
    // (with their latest versions' text and content) a row per post; each on its own 480 posts, in
    // turn first.
    for (const before of i % 2 ? [false, true] : [true, false]) {
      timer.take();
      const t0 = performance.now();
      const due = before ? await rowsBefore(db, await takeLeases(db, claim)) : await claimDue(db, claim);
      (before ? t.tickBefore : t.tick).push(performance.now() - t0);
      const took = timer.take();
      if (before) partsBefore.push(took);
      else parts.push(took);
      if (!before) claimed += due.length;
      const t1 = performance.now();
      await saveChecks(db, saved(due, now));
      (before ? t.saveBefore : t.save).push(performance.now() - t1);
    }
    // The same selection as bare index range scans (no lease, no rows read for the check).
    let t0 = performance.now();
    const ids = await db.all<{ id: number }>(
      'SELECT id FROM post INDEXED BY post_platform_due WHERE platform = ? AND next_check_at <= ? ORDER BY next_check_at LIMIT ?',
      ['mastodon', now, mastodon.mastodon.due],
    );
    await db.all(
      'SELECT id FROM post INDEXED BY post_platform_checked WHERE platform = ? AND next_check_at > ? ORDER BY last_checked_at LIMIT ?',
      ['mastodon', now, Math.max(0, mastodon.mastodon.inAll - ids.length)],
    );
    t.bare.push(performance.now() - t0);
    // Every platform at its default budget at once (Bluesky's alone is 6,000 posts), claimed and saved.
    t0 = performance.now();
    const every = await claimDue(db, { now, leaseUntil: lease(now), limit: 0, platforms, perPlatform });
    t.all.push(performance.now() - t0);
    claimedAll += every.length;
    t0 = performance.now();
    await saveChecks(db, saved(every, now));
    t.allSave.push(performance.now() - t0);
    const id = 1 + Math.floor(Math.random() * 250_000) * 3;
    t0 = performance.now();
    await postsByStreamKey(db, 'mastodon', `https://social.overheid.nl/users/x/statuses/${id}`, [
      `https://social.overheid.nl/api/v1/statuses/${id}`,
      `http://social.overheid.nl/api/v1/statuses/${id}`,
    ]);
    t.look.push(performance.now() - t0);
    t0 = performance.now();
    await db.get('SELECT id FROM post WHERE id = ?', [id]);
    t.bareLook.push(performance.now() - t0);
  }
  const old = await oldStatements(db, mastodon.mastodon, lease);
  await archive.close();
  rmSync(work, { recursive: true, force: true });
  const kinds = [...new Set([...parts, ...partsBefore].flatMap((p) => Object.keys(p)))];
  return {
    mode: 'sql',
    posts,
    claimedPerTick: Math.round(claimed / t.tick.length),
    tickMs: stats(t.tick),
    tickPartsMs: Object.fromEntries(kinds.map((k) => [k, stats(parts.map((p) => p[k] ?? 0))])),
    saveMs: stats(t.save),
    tickBeforeMs: stats(t.tickBefore),
    tickBeforePartsMs: Object.fromEntries(kinds.map((k) => [k, stats(partsBefore.map((p) => p[k] ?? 0))])),
    saveBeforeMs: stats(t.saveBefore),
    bareTickMs: stats(t.bare),
    claimedAllPlatforms: Math.round(claimedAll / t.all.length),
    allPlatformsMs: stats(t.all),
    allPlatformsSaveMs: stats(t.allSave),
    lookupMs: stats(t.look),
    bareLookupMs: stats(t.bareLook),
    ...old,
  };
}

/**
 * The claim before this change, for the record, on the same file after the run (as many turns, the
 * next ones): its lease written into each claimed post's row; the checks saved as above.
 */
async function oldStatements(
  db: Db,
  size: { due: number; inAll: number },
  lease: (now: string) => string,
): Promise<{ oldTickMs: { p50: number; p95: number }; oldSaveMs: { p50: number; p95: number } }> {
  const tick: number[] = [];
  const save: number[] = [];
  for (let i = 0; i < TURNS; i++) {
    const now = new Date(Date.parse('2026-11-26T00:00:00Z') + (TURNS + i) * 4 * HOUR).toISOString();
    const t0 = performance.now();
    const posts = await db.transaction(async () => {
      const due = await db.all<{ id: number }>(OLD_CLAIM.due, [lease(now), 'mastodon', now, size.due]);
      const spare = await db.all<{ id: number }>(OLD_CLAIM.spare, [
        lease(now),
        'mastodon',
        now,
        size.inAll - due.length,
        JSON.stringify(due.map((r) => r.id)),
      ]);
      return rowsBefore(
        db,
        [...due, ...spare].map((r) => r.id),
      );
    });
    tick.push(performance.now() - t0);
    const t1 = performance.now();
    await saveChecks(db, saved(posts, now));
    save.push(performance.now() - t1);
  }
  return { oldTickMs: stats(tick), oldSaveMs: stats(save) };
}
