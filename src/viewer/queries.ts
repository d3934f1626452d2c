/**
 * What the viewer's pages read that no use case returns yet: the accounts with their counts, an
 * account's timeline with filters (keyset paged), a post's reply tree, a version's archived HTML, the
 * holds on a post, and the overview's daily series. Read-only SQL over the archive's index.
 */
import type { Db } from '../store/db.ts';

export interface AccountRow {
  id: number;
  platform: string;
  handle: string;
  displayName: string | null;
  url: string | null;
  organisation: string | null;
  role: string;
  watched: boolean;
  posts: number;
  lastChange: string | null;
}

const ACCOUNT_SQL = `SELECT a.id, a.platform, a.handle, a.display_name AS displayName, a.url, a.organisation, a.role,
    EXISTS (SELECT 1 FROM watch w WHERE w.account_id = a.id AND w.active = 1) AS watched,
    (SELECT count(*) FROM post p WHERE p.account_id = a.id) AS posts,
    (SELECT max(al.detected_at) FROM alert al WHERE al.account_id = a.id) AS lastChange
  FROM account a`;

type AccountDbRow = Omit<AccountRow, 'watched'> & { watched: number };

export async function accounts(db: Db): Promise<AccountRow[]> {
  const rows = await db.all<AccountDbRow>(
    `${ACCOUNT_SQL} ORDER BY a.organisation IS NULL, a.organisation, a.platform, a.handle`,
  );
  return rows.map((r) => ({ ...r, watched: Boolean(r.watched) }));
}

export async function account(db: Db, id: number): Promise<AccountRow | undefined> {
  const r = await db.get<AccountDbRow>(`${ACCOUNT_SQL} WHERE a.id = ?`, [id]);
  return r && { ...r, watched: Boolean(r.watched) };
}

export const STATUSES = ['live', 'edited', 'deleted', 'unavailable'] as const;
export const KINDS = ['post', 'reply', 'repost', 'comment', 'story', 'page'] as const;

export interface TimelineFilters {
  since?: string;
  until?: string;
  status?: string;
  kind?: string;
  /** The cursor (`<created_at>|<id>`, or `|<id>` among the undated) of the last row of the page before. */
  before?: string;
  limit?: number;
}

export interface TimelineRow {
  id: number;
  url: string;
  kind: string;
  status: string;
  createdAt: string | null;
  versions: number;
  text: string;
}

/**
 * An account's posts, newest first (by the time the platform gives, read in the order of the
 * post_account index, so a page costs the same for any account), filtered; `next` is the cursor of the
 * page after. Posts without a platform time (web pages) come last, newest archived first, paged too.
 */
export async function timeline(
  db: Db,
  accountId: number,
  f: TimelineFilters,
): Promise<{ rows: TimelineRow[]; next: string | null }> {
  const where = ['p.account_id = ?'];
  const params: unknown[] = [accountId];
  const add = (sql: string, value: unknown) => {
    where.push(sql);
    params.push(value);
  };
  if (f.since) add('p.created_at >= ?', f.since);
  if (f.until) add('p.created_at <= ?', f.until);
  if (f.status) add('p.status = ?', f.status);
  if (f.kind) add('p.kind = ?', f.kind);
  // The cursor is `<created_at>|<id>` of the last row shown, or `|<id>` once the dated posts are done.
  const cursor = f.before ? /^(.*)\|(\d+)$/.exec(f.before) : null;
  const limit = f.limit ?? 50;
  const select = (cond: string, order: string, extra: unknown[], n: number) =>
    db.all<TimelineRow & { at: string | null }>(
      `SELECT p.id, p.url, p.kind, p.status, p.created_at AS createdAt, p.created_at AS at,
              (SELECT count(*) FROM version v WHERE v.post_id = p.id) AS versions,
              (SELECT v.text FROM version v WHERE v.post_id = p.id ORDER BY v.number DESC LIMIT 1) AS text
       FROM post p WHERE ${[...where, cond].join(' AND ')}
       ORDER BY ${order} LIMIT ?`,
      [...params, ...extra, n],
    );
  const undatedCursor = cursor?.[1] === '';
  let rows = undatedCursor
    ? []
    : await select(
        cursor ? '(p.created_at, p.id) < (?, ?)' : 'p.created_at IS NOT NULL',
        'p.created_at DESC, p.id DESC',
        cursor ? [cursor[1], Number(cursor[2])] : [],
        limit + 1,
      );
  // The dated posts are done: the undated ones follow (a date filter leaves them out).
  if (rows.length <= limit && !f.since && !f.until)
    rows = rows.concat(
      await select(
        undatedCursor ? 'p.created_at IS NULL AND p.id < ?' : 'p.created_at IS NULL',
        'p.id DESC',
        undatedCursor ? [Number(cursor[2])] : [],
        limit + 1 - rows.length,
      ),
    );
  const more = rows.length > limit;
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { rows: page, next: more && last ? `${last.at ?? ''}|${last.id}` : null };
}

export interface ReplyNode {
  id: number;
  url: string;
  author: string | null;
  createdAt: string | null;
  status: string;
  text: string;
  replies: ReplyNode[];
}

/** The archived replies to a post and theirs, as a tree (at most `max` posts, depth 20). */
export async function replyTree(db: Db, postId: number, max = 500): Promise<ReplyNode[]> {
  const rows = await db.all<Omit<ReplyNode, 'replies'> & { parent: number }>(
    `WITH RECURSIVE tree(id, platform, platform_id, parent, depth) AS (
       SELECT id, platform, platform_id, NULL, 0 FROM post WHERE id = ?1
       UNION ALL
       SELECT r.id, r.platform, r.platform_id, t.id, t.depth + 1 FROM tree t
         JOIN post r ON r.platform = t.platform AND r.parent_platform_id = t.platform_id
       WHERE t.depth < 20 LIMIT ?2)
     SELECT t.id, t.parent, p.url, a.handle AS author, p.created_at AS createdAt, p.status,
            coalesce((SELECT v.text FROM version v WHERE v.post_id = p.id ORDER BY v.number DESC LIMIT 1), '') AS text
     FROM tree t JOIN post p ON p.id = t.id LEFT JOIN account a ON a.id = p.account_id
     WHERE t.depth > 0 ORDER BY p.created_at, p.id`,
    [postId, max + 1],
  );
  const nodes = new Map<number, ReplyNode>();
  for (const r of rows) nodes.set(r.id, { ...r, replies: [] });
  const top: ReplyNode[] = [];
  for (const r of rows) {
    const node = nodes.get(r.id)!;
    const parent = nodes.get(r.parent);
    if (parent) parent.replies.push(node);
    else top.push(node);
  }
  return top;
}

/** The archived HTML of each version (Mastodon's content, a web page's markup), by version number. */
export async function versionHtml(db: Db, postId: number): Promise<Map<number, string | null>> {
  const rows = await db.all<{ number: number; html: string | null }>(
    `SELECT number, content->>'html' AS html FROM version WHERE post_id = ? ORDER BY number`,
    [postId],
  );
  return new Map(rows.map((r) => [r.number, r.html]));
}

export interface PostHold {
  id: number;
  reason: string;
  createdBy: string;
  createdAt: string;
}

export async function postHolds(db: Db, postId: number): Promise<PostHold[]> {
  return db.all<PostHold>(
    `SELECT h.id, h.reason, h.created_by AS createdBy, h.created_at AS createdAt
     FROM hold_post hp JOIN hold h ON h.id = hp.hold_id WHERE hp.post_id = ? AND h.released_at IS NULL ORDER BY h.id`,
    [postId],
  );
}

/** The posts chart names this many accounts; the others are one series. */
export const TOP_ACCOUNTS = 7;
/** The series of the other accounts (no handle is `*`). */
export const OTHER_ACCOUNTS = '*';

export interface DayCount {
  day: string;
  series: string;
  n: number;
}

/** The overview's series over the last `days` days (UTC), each as day × series → count. */
export async function overviewSeries(
  db: Db,
  days: number,
  now = Date.now(),
): Promise<{ posts: DayCount[]; changes: DayCount[]; captures: DayCount[] }> {
  const since = new Date(now - days * 86_400_000).toISOString().slice(0, 10);
  // By account id on the post_created index (no join per post); the biggest accounts by name, the rest as `*`.
  const perAccount = await db.all<{ day: string; account: number | null; n: number }>(
    `SELECT substr(created_at, 1, 10) AS day, account_id AS account, count(*) AS n FROM post
     WHERE created_at >= ? AND kind NOT IN ('reply', 'comment') GROUP BY 1, 2`,
    [since],
  );
  const totals = new Map<number | null, number>();
  for (const r of perAccount) totals.set(r.account, (totals.get(r.account) ?? 0) + r.n);
  const top = [...totals]
    .sort((a, b) => b[1] - a[1])
    .slice(0, TOP_ACCOUNTS)
    .map(([id]) => id);
  const names = new Map(
    (
      await db.all<{ id: number; handle: string }>(
        'SELECT id, handle FROM account WHERE id IN (SELECT value FROM json_each(?))',
        [JSON.stringify(top)],
      )
    ).map((a) => [a.id, a.handle]),
  );
  const merged = new Map<string, DayCount>();
  for (const r of perAccount) {
    const series = r.account !== null && names.has(r.account) ? names.get(r.account)! : OTHER_ACCOUNTS;
    const key = `${r.day}|${series}`;
    const d = merged.get(key) ?? { day: r.day, series, n: 0 };
    d.n += r.n;
    merged.set(key, d);
  }
  const posts = [...merged.values()];
  const changes = await db.all<DayCount>(
    `SELECT substr(detected_at, 1, 10) AS day, kind AS series, count(*) AS n FROM alert
     WHERE detected_at >= ? AND kind IN ('edited', 'deleted') GROUP BY 1, 2 ORDER BY 1`,
    [since],
  );
  const captures = await db.all<DayCount>(
    `SELECT substr(started_at, 1, 10) AS day, CASE WHEN status = 'failed' THEN 'failed' ELSE 'captures' END AS series,
            count(*) AS n FROM capture WHERE started_at >= ? GROUP BY 1, 2 ORDER BY 1`,
    [since],
  );
  return { posts, changes, captures };
}
