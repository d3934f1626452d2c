import type { Exchange } from '../domain/exchange.ts';
import type { Archive } from './archive.ts';
import { sealPending } from './audit.ts';
import type { Db } from './db.ts';

/** The store's side of monitoring: the re-check queue of posts, watched accounts, alerts. */

export interface DuePost {
  id: number;
  platform: string;
  platform_id: string;
  api_ref: string | null;
  url: string;
  status: string;
  created_at: string | null;
  first_seen: string;
  reply_count: number | null;
  account_id: number | null;
  account_ref: string | null;
  handle: string | null;
  /** The latest version the platform served: its number and hash (its text and content: `versionText`). */
  version: number;
  content_hash: string;
}

/**
 * Claims posts for a re-check with a lease (a `post_lease` row until `leaseUntil`), inside the write
 * lock: a leased post is left out of every later due and spare selection until its check is saved or
 * the lease passes (the worker stopped or crashed), so two workers never claim the same post. The
 * posts' own rows are not written: a claim appends a few pages to the small lease table instead of
 * rewriting a page per claimed post scattered over the archive. Per platform, each selection a range
 * scan on its own index that stops at its size (work proportional to the claim, not to the archive):
 *
 * - `due`: up to this many posts whose scheduled check has come, the longest due first
 *   (`post_platform_due`);
 * - `inAll`: then, up to this many in all, the ones checked longest ago (`post_platform_checked`): the
 *   request budget the schedule leaves unused shortens detection for older posts.
 *
 * `all` claims every post of the platforms not leased (a full `recheck --all`); `postIds` exactly
 * those posts, leased or not (a stream event or webhook names a post that just changed: it is
 * checked now even when a tick's check of it is under way). The claimed posts' rows are read after
 * the claim commits, outside the write lock.
 */
export async function claimDue(db: Db, opts: ClaimOptions): Promise<DuePost[]> {
  return archivedPosts(db, await leaseDue(db, opts));
}

export interface ClaimOptions {
  now: string;
  leaseUntil: string;
  /** Due posts per platform at most (the default for platforms `perPlatform` does not name). */
  limit: number;
  all?: boolean;
  platforms: string[];
  postIds?: number[];
  /** Claim up to this many per platform in all: spare checks fill what the due ones leave (the default for platforms `perPlatform` does not name). */
  ahead?: number;
  /** Per platform: at most `due` due posts, and up to `inAll` posts in all (the request budget it has left). */
  perPlatform?: Record<string, { due: number; inAll: number }>;
}

/** Per connection: its WAL auto-checkpoint threshold in pages, as it is when no claim is under way. */
const AUTOCHECKPOINT = new WeakMap<Db, number>();

/**
 * `claimDue`'s write transaction: the leases taken, the claimed posts' ids returned. Its commit does
 * not checkpoint the WAL: a claim writes a few pages of the lease table, and the commit that tips the
 * WAL over its threshold copies every page the writes before it left there into the file (at a million
 * posts 30–45 ms, in one tick of about seven); the next write (a check's outcome, a capture) does it.
 */
async function leaseDue(db: Db, opts: ClaimOptions): Promise<number[]> {
  let pages = AUTOCHECKPOINT.get(db);
  if (pages === undefined) {
    pages = (await db.get<{ wal_autocheckpoint: number }>('PRAGMA wal_autocheckpoint'))!.wal_autocheckpoint;
    AUTOCHECKPOINT.set(db, pages);
  }
  await db.exec('PRAGMA wal_autocheckpoint = 0');
  try {
    return await takeLeases(db, opts);
  } finally {
    await db.exec(`PRAGMA wal_autocheckpoint = ${Number(pages)}`);
  }
}

/** The claim's write transaction alone (its commit checkpoints the WAL as any commit may: bench/detect's baseline). */
export function takeLeases(db: Db, opts: ClaimOptions): Promise<number[]> {
  return db.transaction(async () => {
    await db.run(DUE_SQL.expire, [opts.now]);
    const platforms = JSON.stringify(opts.platforms);
    if (opts.postIds) {
      const rows = await db.all<{ id: number }>(DUE_SQL.listed, [
        opts.leaseUntil,
        platforms,
        JSON.stringify(opts.postIds),
        opts.limit,
      ]);
      return rows.map((r) => r.id);
    }
    if (opts.all) {
      const rows = await db.all<{ id: number }>(DUE_SQL.all, [opts.leaseUntil, platforms, opts.limit]);
      return rows.map((r) => r.id);
    }
    const ids: number[] = [];
    for (const platform of opts.platforms) {
      const size = opts.perPlatform?.[platform] ?? { due: opts.limit, inAll: opts.ahead ?? 0 };
      const due =
        size.due > 0
          ? await db.all<{ id: number }>(DUE_SQL.due, [opts.leaseUntil, platform, opts.now, size.due])
          : [];
      for (const r of due) ids.push(r.id);
      if (size.inAll > due.length) {
        const spare = await db.all<{ id: number }>(DUE_SQL.spare, [
          opts.leaseUntil,
          platform,
          opts.now,
          size.inAll - due.length,
        ]);
        for (const r of spare) ids.push(r.id);
      }
    }
    return ids;
  });
}

/** Leases not (or no longer) held: none, or one whose time has passed. */
const NOT_LEASED = 'NOT EXISTS (SELECT 1 FROM post_lease l WHERE l.post_id = post.id AND l.until > ?3)';

/** The claim statements (their query plans are asserted in tests/search-plan.test.ts and tests/monitor-claim.test.ts). */
export const DUE_SQL = {
  /** Leases whose time has passed let their posts go (their worker stopped or crashed). */
  expire: 'DELETE FROM post_lease WHERE until <= ?1',
  /** The posts a stream event or webhook names, leased or not (the event is news a running check may predate). */
  listed: `INSERT INTO post_lease (post_id, until)
     SELECT id, ?1 FROM post
     WHERE platform IN (SELECT value FROM json_each(?2)) AND id IN (SELECT value FROM json_each(?3))
     ORDER BY next_check_at LIMIT ?4
     ON CONFLICT (post_id) DO UPDATE SET until = excluded.until
     RETURNING post_id AS id`,
  /** `recheck --all`: every post of the platforms that no worker holds. */
  all: `INSERT INTO post_lease (post_id, until)
     SELECT id, ?1 FROM post
     WHERE platform IN (SELECT value FROM json_each(?2))
       AND NOT EXISTS (SELECT 1 FROM post_lease l WHERE l.post_id = post.id)
     ORDER BY next_check_at LIMIT ?3
     ON CONFLICT (post_id) DO UPDATE SET until = excluded.until
     RETURNING post_id AS id`,
  /** The posts of one platform whose scheduled check has come. */
  due: `INSERT INTO post_lease (post_id, until)
     SELECT id, ?1 FROM post INDEXED BY post_platform_due
     WHERE platform = ?2 AND next_check_at IS NOT NULL AND next_check_at <= ?3 AND ${NOT_LEASED}
     ORDER BY next_check_at LIMIT ?4
     ON CONFLICT (post_id) DO UPDATE SET until = excluded.until
     RETURNING post_id AS id`,
  /**
   * The posts of one platform checked longest ago that are not due (nor leased, e.g. just claimed as
   * due): never checked first (NULL sorts first), then by the time of their last check.
   */
  spare: `INSERT INTO post_lease (post_id, until)
     SELECT id, ?1 FROM post INDEXED BY post_platform_checked
     WHERE platform = ?2 AND next_check_at IS NOT NULL AND next_check_at > ?3 AND ${NOT_LEASED}
     ORDER BY last_checked_at LIMIT ?4
     ON CONFLICT (post_id) DO UPDATE SET until = excluded.until
     RETURNING post_id AS id`,
};

/**
 * The archived posts a stream event names, by the platform's id or by their API URLs (a Mastodon
 * status id is local to the instance that streams it): two index probes (`sqlite_autoindex_post_1`
 * and `post_api_ref`), not an `OR` that makes the planner walk every post of the platform.
 */
export const STREAM_POST_SQL = `SELECT id FROM post WHERE platform = ?1 AND platform_id = ?2
  UNION
  SELECT id FROM post INDEXED BY post_api_ref WHERE api_ref IN (SELECT value FROM json_each(?3)) AND +platform = ?1`;

export async function postsByStreamKey(
  db: Db,
  platform: string,
  platformId: string,
  apiRefs: string[] = [],
): Promise<{ id: number }[]> {
  return db.all<{ id: number }>(STREAM_POST_SQL, [platform, platformId, JSON.stringify(apiRefs)]);
}

/**
 * These posts as the re-checker sees them: with their author and the latest version the platform
 * served (an older state imported later is not what a re-check compares with), its number and hash:
 * a check compares hashes, and reads the version's text and content (`versionText`) only when it
 * finds a change.
 */
export async function archivedPosts(db: Db, ids: number[]): Promise<DuePost[]> {
  if (!ids.length) return [];
  const row = await db.get<{ posts: string }>(ARCHIVED_POSTS_SQL, [JSON.stringify(ids)]);
  return (JSON.parse(row!.posts) as ArchivedPostRow[]).map((r) => ({
    id: r[0],
    platform: r[1],
    platform_id: r[2],
    api_ref: r[3],
    url: r[4],
    status: r[5],
    created_at: r[6],
    first_seen: r[7],
    reply_count: r[8],
    account_id: r[9],
    account_ref: r[10],
    handle: r[11],
    version: r[12],
    content_hash: r[13],
  }));
}

/** A row of {@link ARCHIVED_POSTS_SQL}: a post's fields by position, in `DuePost`'s order. */
type ArchivedPostRow = [
  number,
  string,
  string,
  string | null,
  string,
  string,
  string | null,
  string,
  number | null,
  number | null,
  string | null,
  string | null,
  number,
  string,
];

/**
 * Posts by id (a JSON array), each with its author and latest served version, as one JSON array of
 * arrays in id order (plan asserted in tests/monitor-tick-sql.test.ts). The post by primary key, the
 * version's number and hash from the post's own row (migration 24: no version table or index is
 * read, so a post costs one page), a post without a version left out. One value, not a row per post:
 * the driver turns every column of every row into a JavaScript value one by one, which at a tick's
 * 480 posts cost more than reading their pages; positional arrays, not objects: no key repeated per
 * post, built directly in the aggregate (a per-row object in a subquery was parsed again by `json()`).
 */
export const ARCHIVED_POSTS_SQL = `SELECT json_group_array(json_array(p.id, p.platform, p.platform_id, p.api_ref, p.url,
    p.status, p.created_at, p.first_seen, p.reply_count, p.account_id, a.platform_id, a.handle, p.latest_version,
    p.latest_hash) ORDER BY p.id) AS posts
  FROM post p LEFT JOIN account a ON a.id = p.account_id
  WHERE p.id IN (SELECT value FROM json_each(?)) AND p.latest_version IS NOT NULL`;

/** The text and content (JSON) of a post's version, by its number: what a change's alert and diff need. */
export async function versionText(
  db: Db,
  postId: number,
  number: number,
): Promise<{ text: string; content: string }> {
  const row = await db.get<{ text: string; content: string }>(
    'SELECT text, content FROM version WHERE post_id = ? AND number = ?',
    [postId, number],
  );
  if (!row) throw new Error(`post ${postId} has no version ${number}`);
  return row;
}

export interface CheckUpdate {
  id: number;
  status?: string;
  nextCheckAt: string;
  checkedAt: string;
  error: boolean;
  replyCount?: number | null;
  /** When the check saw the post's content unchanged (the window of a later silent edit opens here). */
  seenAt?: string;
}

/** Saves the outcome of checks in one statement; errors count up per post and per account, a success resets both. */
export async function saveChecks(db: Db, updates: CheckUpdate[]): Promise<void> {
  if (!updates.length) return;
  await db.transaction(async () => {
    await db.run(
      `UPDATE post SET
         status = coalesce(u.value->>'status', post.status),
         next_check_at = u.value->>'nextCheckAt',
         last_checked_at = u.value->>'checkedAt',
         check_errors = CASE WHEN u.value->>'error' THEN post.check_errors + 1 ELSE 0 END,
         reply_count = coalesce(u.value->>'replyCount', post.reply_count),
         content_seen_at = nullif(max(coalesce(u.value->>'seenAt', ''), coalesce(post.content_seen_at, '')), '')
       FROM json_each(?) u WHERE post.id = u.value->>'id'`,
      [JSON.stringify(updates.map((u) => ({ ...u, error: u.error ? 1 : 0 })))],
    );
    await db.run(
      `UPDATE account SET check_errors = CASE WHEN u.errors > 0 AND u.ok = 0 THEN account.check_errors + u.errors ELSE 0 END
       FROM (SELECT p.account_id AS account_id, sum(j.value->>'error') AS errors, sum(1 - (j.value->>'error')) AS ok
             FROM json_each(?) j JOIN post p ON p.id = j.value->>'id' GROUP BY p.account_id) u
       WHERE account.id = u.account_id`,
      [JSON.stringify(updates.map((u) => ({ id: u.id, error: u.error ? 1 : 0 })))],
    );
    // The check is done: its lease ends (the post's next check is its schedule again).
    await db.run('DELETE FROM post_lease WHERE post_id IN (SELECT value FROM json_each(?))', [
      JSON.stringify(updates.map((u) => u.id)),
    ]);
    // A changed status is evidence: the audit chain seals it in this transaction.
    await sealPending(db, 'monitor', 'recheck.status');
  });
}

export async function accountErrors(
  db: Db,
  accountIds: number[],
): Promise<Map<number, { errors: number; handle: string }>> {
  const rows = await db.all<{ id: number; check_errors: number; handle: string }>(
    'SELECT id, check_errors, handle FROM account WHERE id IN (SELECT value FROM json_each(?))',
    [JSON.stringify(accountIds)],
  );
  return new Map(rows.map((r) => [r.id, { errors: r.check_errors, handle: r.handle }]));
}

export type AlertKind = 'edited' | 'deleted' | 'restored' | 'unavailable' | 'degraded';

export interface AlertRow {
  id: number;
  kind: AlertKind;
  post_id: number | null;
  account_id: number | null;
  event_key: string;
  detected_at: string;
  detail: string;
  delivered_at: string | null;
  acknowledged_by: string | null;
  acknowledged_at: string | null;
}

/**
 * A post the platform answers is gone (`deleted`: its documented not-found) or hidden (`unavailable`):
 * the answer kept as evidence (the exchanges and a check record in the WARC), the post's status set
 * and sealed, and the alert raised once per event (a second sighting of the same loss of the same
 * version raises none). The re-checker and a capture that meets the not-found both come here.
 */
export async function recordLoss(
  archive: Archive,
  p: DuePost,
  loss: { state: 'deleted' | 'unavailable'; reason: string; exchanges: Exchange[] },
): Promise<{ alert: number | null }> {
  const db = archive.db;
  const detectedAt = new Date().toISOString();
  const { text } = await versionText(db, p.id, p.version);
  const { captureId, evidence } = await archive.recordCheck({
    url: p.url,
    postId: p.id,
    platformId: p.platform_id,
    outcome: loss.state,
    detail: { reason: loss.reason, lastVersion: p.version, sha256: p.content_hash },
    exchanges: loss.exchanges,
  });
  const alert = await db.transaction(async () => {
    await db.run('UPDATE post SET status = ? WHERE id = ?', [loss.state, p.id]);
    const id = await insertAlert(db, {
      kind: loss.state,
      postId: p.id,
      accountId: p.account_id,
      eventKey: `${loss.state}:post:${p.id}:v${p.version}`,
      detectedAt,
      detail: {
        account: p.handle,
        url: p.url,
        postedAt: p.created_at,
        liveForSeconds: p.created_at
          ? Math.round((Date.parse(detectedAt) - Date.parse(p.created_at)) / 1000)
          : null,
        lastVersion: { number: p.version, sha256: p.content_hash, text },
        reason: loss.reason,
        evidence: { capture: captureId, file: evidence.file, offset: evidence.offset },
      },
    });
    // The changed status is evidence: the audit chain seals it in this transaction.
    await sealPending(db, 'monitor', 'recheck.status');
    return id;
  });
  return { alert };
}

/** Stores an alert once per event: a second sighting of the same event (another worker) returns null. */
export async function insertAlert(
  db: Db,
  a: {
    kind: AlertKind;
    postId: number | null;
    accountId: number | null;
    eventKey: string;
    detectedAt: string;
    detail: unknown;
  },
): Promise<number | null> {
  const rows = await db.all<{ id: number }>(
    `INSERT INTO alert (kind, post_id, account_id, event_key, detected_at, detail) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (event_key) DO NOTHING RETURNING id`,
    [a.kind, a.postId, a.accountId, a.eventKey, a.detectedAt, JSON.stringify(a.detail)],
  );
  return rows[0]?.id ?? null;
}

export async function listAlerts(db: Db, opts: { since?: string; limit?: number } = {}): Promise<AlertRow[]> {
  return db.all<AlertRow>(
    'SELECT * FROM alert WHERE (?1 IS NULL OR detected_at >= ?1) ORDER BY id DESC LIMIT ?2',
    [opts.since ?? null, opts.limit ?? 100],
  );
}

/** Claims alerts not yet delivered (each is delivered by exactly one process). */
export async function claimUndelivered(db: Db, now: string): Promise<AlertRow[]> {
  return db.transaction(() =>
    db.all<AlertRow>('UPDATE alert SET delivered_at = ? WHERE delivered_at IS NULL RETURNING *', [now]),
  );
}

export async function acknowledgeAlert(db: Db, id: number, by: string): Promise<AlertRow | undefined> {
  return db.transaction(async () => {
    await db.run(
      'UPDATE alert SET acknowledged_by = ?, acknowledged_at = ? WHERE id = ? AND acknowledged_by IS NULL',
      [by, new Date().toISOString(), id],
    );
    return db.get<AlertRow>('SELECT * FROM alert WHERE id = ?', [id]);
  });
}

/** The last deletion or unavailability alert of a post, to key its restore. */
export async function lastLossAlert(db: Db, postId: number): Promise<number | null> {
  const row = await db.get<{ id: number }>(
    "SELECT id FROM alert WHERE post_id = ? AND kind IN ('deleted','unavailable') ORDER BY id DESC LIMIT 1",
    [postId],
  );
  return row?.id ?? null;
}

export interface WatchRow {
  id: number;
  account_id: number;
  url: string;
  interval_seconds: number;
  active: number;
  source: string;
  created_by: string | null;
  created_at: string;
  backfilled_at: string | null;
  last_polled_at: string | null;
  poll_errors: number;
  platform: string;
  handle: string;
  organisation: string | null;
  role: string;
}

export async function upsertWatch(
  db: Db,
  w: {
    accountId: number;
    url: string;
    intervalSeconds: number;
    source: 'command' | 'config';
    by: string | null;
  },
): Promise<{ id: number; created: boolean }> {
  const before = await db.get<{ id: number; active: number }>(
    'SELECT id, active FROM watch WHERE account_id = ?',
    [w.accountId],
  );
  await db.run(
    `INSERT INTO watch (account_id, url, interval_seconds, source, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (account_id) DO UPDATE SET active = 1, url = excluded.url, interval_seconds = excluded.interval_seconds`,
    [w.accountId, w.url, w.intervalSeconds, w.source, w.by, new Date().toISOString()],
  );
  const row = await db.get<{ id: number }>('SELECT id FROM watch WHERE account_id = ?', [w.accountId]);
  return { id: row!.id, created: !before || before.active === 0 };
}

export async function listWatches(db: Db, opts: { active?: boolean } = {}): Promise<WatchRow[]> {
  return db.all<WatchRow>(
    `SELECT w.*, a.platform, a.handle, a.organisation, a.role FROM watch w JOIN account a ON a.id = w.account_id
     WHERE (?1 IS NULL OR w.active = ?1) ORDER BY a.platform, a.handle`,
    [opts.active === undefined ? null : opts.active ? 1 : 0],
  );
}

export async function deactivateWatch(db: Db, accountId: number): Promise<boolean> {
  return (
    (await db.run('UPDATE watch SET active = 0 WHERE account_id = ? AND active = 1', [accountId])).changes > 0
  );
}

export async function markPolled(db: Db, watchId: number, ok: boolean, backfilled = false): Promise<void> {
  const now = new Date().toISOString();
  await db.run(
    `UPDATE watch SET last_polled_at = ?, poll_errors = CASE WHEN ? THEN 0 ELSE poll_errors + 1 END,
       backfilled_at = CASE WHEN ? THEN ? ELSE backfilled_at END WHERE id = ?`,
    [now, ok ? 1 : 0, backfilled ? 1 : 0, now, watchId],
  );
}

/** Sets an account's organisation (archiefvormer) and role, e.g. from config/accounts.yaml. */
export async function setAccountProfile(
  db: Db,
  accountId: number,
  organisation: string | null,
  role: string,
): Promise<void> {
  await db.run('UPDATE account SET organisation = coalesce(?, organisation), role = ? WHERE id = ?', [
    organisation,
    role,
    accountId,
  ]);
}
