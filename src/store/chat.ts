import type { Lang } from '../domain/types.ts';
import type { Db } from './db.ts';

/** Chat-side state: per-channel language, alert subscriptions, and conversation references. */

export async function channelLanguage(db: Db, platform: string, channel: string): Promise<Lang | null> {
  const row = await db.get<{ language: Lang | null }>(
    'SELECT language FROM channel_setting WHERE platform = ? AND channel = ?',
    [platform, channel],
  );
  return row?.language ?? null;
}

export async function setChannelLanguage(
  db: Db,
  platform: string,
  channel: string,
  language: Lang,
  by: string,
) {
  await db.run(
    `INSERT INTO channel_setting (platform, channel, language, updated_by, updated_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (platform, channel) DO UPDATE SET language = excluded.language, updated_by = excluded.updated_by,
       updated_at = excluded.updated_at`,
    [platform, channel, language, by, new Date().toISOString()],
  );
}

export const ALERT_KINDS = ['edited', 'deleted', 'restored', 'unavailable', 'degraded'] as const;

export interface Subscription {
  platform: string;
  channel: string;
  account: string;
  kinds: string[];
}

/** Subscribes a channel (to every account with `*`). Returns the accounts newly added. */
export async function subscribe(
  db: Db,
  platform: string,
  channel: string,
  accounts: string[],
  by: string,
): Promise<string[]> {
  const added: string[] = [];
  for (const account of accounts) {
    const r = await db.run(
      `INSERT INTO subscription (platform, channel, account, kinds, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (platform, channel, account) DO NOTHING`,
      [platform, channel, account, JSON.stringify(ALERT_KINDS), by, new Date().toISOString()],
    );
    if (r.changes) added.push(account);
  }
  return added;
}

/** Unsubscribes the accounts named, or everything for the channel when none are. Returns how many went. */
export async function unsubscribe(
  db: Db,
  platform: string,
  channel: string,
  accounts: string[],
): Promise<number> {
  if (!accounts.length) {
    return (await db.run('DELETE FROM subscription WHERE platform = ? AND channel = ?', [platform, channel]))
      .changes;
  }
  return (
    await db.run(
      'DELETE FROM subscription WHERE platform = ? AND channel = ? AND account IN (SELECT value FROM json_each(?))',
      [platform, channel, JSON.stringify(accounts)],
    )
  ).changes;
}

export async function subscriptions(db: Db, platform?: string, channel?: string): Promise<Subscription[]> {
  const rows = await db.all<{ platform: string; channel: string; account: string; kinds: string }>(
    `SELECT platform, channel, account, kinds FROM subscription
     WHERE (?1 IS NULL OR platform = ?1) AND (?2 IS NULL OR channel = ?2) ORDER BY platform, channel, account`,
    [platform ?? null, channel ?? null],
  );
  return rows.map((r) => ({ ...r, kinds: JSON.parse(r.kinds) as string[] }));
}

export async function saveConversationRef(db: Db, platform: string, channel: string, reference: unknown) {
  await db.run(
    `INSERT INTO conversation_ref (platform, channel, reference, updated_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (platform, channel) DO UPDATE SET reference = excluded.reference, updated_at = excluded.updated_at`,
    [platform, channel, JSON.stringify(reference), new Date().toISOString()],
  );
}

export async function conversationRef<T>(db: Db, platform: string, channel: string): Promise<T | null> {
  const row = await db.get<{ reference: string }>(
    'SELECT reference FROM conversation_ref WHERE platform = ? AND channel = ?',
    [platform, channel],
  );
  return row ? (JSON.parse(row.reference) as T) : null;
}

/**
 * The queue retries a capture that failed for a passing reason, and every attempt is a capture row
 * of its own (the evidence of what was tried). An attempt that follows a failed one of the same URL,
 * trigger, asker and channel within this many minutes is a retry of the same requested capture.
 */
const RETRY_SPAN_MINUTES = 15;

/** One requested capture: its last attempt's row and how many attempts it took. */
export interface RequestedCapture {
  id: number;
  url: string;
  status: string;
  error: string | null;
  started_at: string;
  requested_by: string | null;
  post_id: number | null;
  attempts: number;
}

/** The capture rows matching `where`, grouped into requested captures (retries folded in). */
function requestedCaptures(where: string): string {
  const same = "url, trigger, coalesce(requested_by, ''), coalesce(channel, '')";
  return `WITH attempt AS (
      SELECT id, url, trigger, requested_by, channel, status, error, started_at, post_id,
        CASE WHEN lag(status) OVER w = 'failed'
          AND (julianday(started_at) - julianday(lag(started_at) OVER w)) * 1440 <= ${RETRY_SPAN_MINUTES}
          THEN 0 ELSE 1 END AS fresh
      FROM capture WHERE ${where}
      WINDOW w AS (PARTITION BY ${same} ORDER BY id)
    ), numbered AS (
      SELECT *, sum(fresh) OVER (PARTITION BY ${same} ORDER BY id) AS request FROM attempt
    )
    SELECT max(id) AS id, url, status, error, started_at, requested_by, post_id, count(*) AS attempts
    FROM numbered GROUP BY ${same}, request`;
}

/** The latest requested captures, newest first, for `status`: each once, however often it was retried. */
export async function recentCaptures(db: Db, limit = 5): Promise<RequestedCapture[]> {
  // The last rows by id are enough to find the latest captures and their retries.
  return db.all<RequestedCapture>(
    `${requestedCaptures('id > (SELECT coalesce(max(id), 0) FROM capture) - ?1')} ORDER BY id DESC LIMIT ?2`,
    [Math.max(limit * 50, 500), limit],
  );
}

/** Requested captures since `since` whose last attempt failed (retries are not counted again). */
export async function failuresSince(db: Db, since: string): Promise<number> {
  const from = new Date(Date.parse(since) - RETRY_SPAN_MINUTES * 60_000).toISOString();
  const row = await db.get<{ n: number }>(
    `SELECT count(*) AS n FROM (${requestedCaptures('started_at >= ?1')}) WHERE status = 'failed' AND started_at >= ?2`,
    [from, since],
  );
  return row?.n ?? 0;
}
