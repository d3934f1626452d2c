import { UsageError } from '../domain/errors.ts';
import type { Db } from './db.ts';
import { getAppraisal } from './knowledge.ts';

export interface Evidence {
  file: string;
  offset: number;
  length: number;
  recordId: string;
}

interface Loc {
  warc_file: string;
  warc_offset: number;
  warc_length: number;
  warc_record_id: string;
}

function evidence(r: Loc): Evidence {
  return { file: r.warc_file, offset: r.warc_offset, length: r.warc_length, recordId: r.warc_record_id };
}

/** The post a user names: an archive id, a URL, or a platform id (AT-URI, ActivityPub URI). */
export async function findPostId(db: Db, ref: string, keys: string[] = []): Promise<number | undefined> {
  const text = ref.trim();
  if (/^\d+$/.test(text)) {
    const row = await db.get<{ id: number }>('SELECT id FROM post WHERE id = ?', [Number(text)]);
    if (row) return row.id;
  }
  // A link that names the account by a handle it had before (migration 14) is also tried with the handle it has now.
  const renamed = await db.all<{ old_handle: string; handle: string; platform_id: string | null }>(
    `SELECT c.old_handle, a.handle, a.platform_id FROM account_handle_change c JOIN account a ON a.id = c.account_id
     WHERE instr(?, '/' || c.old_handle || '/') > 0`,
    [`${text}/`],
  );
  const now = renamed.flatMap((r) =>
    [r.handle, r.platform_id ?? r.handle].map((h) =>
      `${text}/`.replace(`/${r.old_handle}/`, `/${h}/`).slice(0, -1),
    ),
  );
  const candidates = JSON.stringify([text, ...keys, ...now]);
  const row = await db.get<{ id: number }>(
    `SELECT id FROM post WHERE url IN (SELECT value FROM json_each(?1)) OR platform_id IN (SELECT value FROM json_each(?1))
     ORDER BY id LIMIT 1`,
    [candidates],
  );
  return row?.id;
}

const HASHED_FIELDS = ['text', 'title', 'spoilerText', 'sensitive', 'visibility', 'media'] as const;

/** Which of the hashed fields differ between two versions' content. */
export function changedFields(prev: Record<string, unknown> | null, next: Record<string, unknown>): string[] {
  if (!prev) return ['first version'];
  return HASHED_FIELDS.filter((f) => {
    const a =
      f === 'media'
        ? (prev.media as { key: string; description: unknown }[]).map((m) => [m.key, m.description])
        : prev[f];
    const b =
      f === 'media'
        ? (next.media as { key: string; description: unknown }[]).map((m) => [m.key, m.description])
        : next[f];
    return JSON.stringify(a ?? null) !== JSON.stringify(b ?? null);
  });
}

interface PostRow {
  id: number;
  platform: string;
  platform_id: string;
  url: string;
  kind: string;
  status: string;
  parent_platform_id: string | null;
  created_at: string | null;
  first_seen: string;
  last_seen: string;
  handle: string | null;
  display_name: string | null;
  account_url: string | null;
  role: string | null;
}

interface PostVersion {
  number: number;
  capturedAt: string;
  validFrom: string | null;
  /**
   * Set for a change the platform did not date: it happened after `validFrom` and no later than
   * this (the capture that found it). Null: `validFrom` is the platform's own time.
   */
  validFromLatest: string | null;
  origin: string;
  trigger: string;
  actor: string | null;
  sha256: string;
  changed: string[];
  text: string;
  title: string | null;
  spoilerText: string;
  method: string;
  misses: string[];
  evidence: Evidence;
}

interface PostSummary {
  id: number;
  platform: string;
  platformId: string;
  url: string;
  kind: string;
  status: string;
  author: string | null;
  authorName: string | null;
  authorUrl: string | null;
  accountRole: string | null;
  createdAt: string | null;
  firstSeen: string;
  lastSeen: string;
  parent: { id: number | null; platformId: string; url: string | null } | null;
  text: string;
  sha256: string | null;
}

interface PostAppraisal {
  valuation: 'B' | 'V' | null;
  rule: string | null;
  termYears: number | null;
  inference: boolean;
  reason: string;
  at: string;
}

interface PostReply {
  id: number;
  url: string;
  author: string | null;
  createdAt: string | null;
  status: string;
  text: string;
}

interface PostMedia {
  version: number;
  sha256: string | null;
  type: string;
  mime: string | null;
  size: number | null;
  url: string;
  description: string | null;
  evidence: Evidence | null;
}

interface PostSighting {
  capture: number;
  seenAt: string;
  trigger: string;
  requestedBy: string | null;
  role: string;
  version: number;
  evidence: Evidence;
}

/** The post with its author's account, or undefined when there is no post with that id. */
async function postRow(db: Db, id: number): Promise<PostRow | undefined> {
  return db.get<PostRow>(
    `SELECT p.*, a.handle, a.display_name, a.url AS account_url, a.role FROM post p LEFT JOIN account a ON a.id = p.account_id
     WHERE p.id = ?`,
    [id],
  );
}

/** Every version, oldest first, each saying which hashed fields changed since the one before. */
async function postVersions(db: Db, id: number): Promise<PostVersion[]> {
  const rows = await db.all<
    Loc & {
      id: number;
      number: number;
      captured_at: string;
      valid_from: string | null;
      valid_from_latest: string | null;
      content_hash: string;
      content: string;
      origin: string;
      trigger: string;
      actor: string | null;
      method: string;
      misses: string;
    }
  >('SELECT * FROM version WHERE post_id = ? ORDER BY number', [id]);
  let prev: Record<string, unknown> | null = null;
  return rows.map((v) => {
    const content = JSON.parse(v.content) as Record<string, unknown>;
    const out: PostVersion = {
      number: v.number,
      capturedAt: v.captured_at,
      validFrom: v.valid_from,
      validFromLatest: v.valid_from_latest,
      origin: v.origin,
      trigger: v.trigger,
      actor: v.actor,
      sha256: v.content_hash,
      changed: changedFields(prev, content),
      text: content.text as string,
      title: (content.title as string | null) ?? null,
      spoilerText: (content.spoilerText as string) ?? '',
      method: v.method,
      misses: JSON.parse(v.misses) as string[],
      evidence: evidence(v),
    };
    prev = content;
    return out;
  });
}

/** The post as a whole: its row, the post it replies to (archived or not) and its current text. */
async function postSummary(db: Db, p: PostRow, current: PostVersion | undefined): Promise<PostSummary> {
  const parent = p.parent_platform_id
    ? await db.get<{ id: number; url: string }>(
        'SELECT id, url FROM post WHERE platform = ? AND platform_id = ?',
        [p.platform, p.parent_platform_id],
      )
    : undefined;
  return {
    id: p.id,
    platform: p.platform,
    platformId: p.platform_id,
    url: p.url,
    kind: p.kind,
    status: p.status,
    author: p.handle,
    authorName: p.display_name,
    authorUrl: p.account_url,
    accountRole: p.role,
    createdAt: p.created_at,
    firstSeen: p.first_seen,
    lastSeen: p.last_seen,
    parent: p.parent_platform_id
      ? { id: parent?.id ?? null, platformId: p.parent_platform_id, url: parent?.url ?? null }
      : null,
    text: current?.text ?? '',
    sha256: current?.sha256 ?? null,
  };
}

/** The stored appraisal without its sources, or null when the post has not been appraised. */
async function postAppraisal(db: Db, id: number): Promise<PostAppraisal | null> {
  const appraisal = await getAppraisal(db, id);
  return appraisal
    ? {
        valuation: appraisal.valuation,
        rule: appraisal.rule,
        termYears: appraisal.termYears,
        inference: appraisal.inference,
        reason: appraisal.reason,
        at: appraisal.at,
      }
    : null;
}

/** The archived replies to the post, each with the text of its latest version. */
async function postReplies(db: Db, p: PostRow): Promise<PostReply[]> {
  const rows = await db.all<{
    id: number;
    url: string;
    handle: string | null;
    created_at: string | null;
    status: string;
    text: string | null;
  }>(
    `SELECT r.id, r.url, a.handle, r.created_at, r.status,
            (SELECT v.text FROM version v WHERE v.post_id = r.id ORDER BY v.number DESC LIMIT 1) AS text
     FROM post r LEFT JOIN account a ON a.id = r.account_id
     WHERE r.platform = ? AND r.parent_platform_id = ? ORDER BY r.created_at, r.id`,
    [p.platform, p.platform_id],
  );
  return rows.map((r) => ({
    id: r.id,
    url: r.url,
    author: r.handle,
    createdAt: r.created_at,
    status: r.status,
    text: r.text ?? '',
  }));
}

/** The media of every version; evidence is null for a file that was never fetched (no media row). */
async function postMedia(db: Db, id: number): Promise<PostMedia[]> {
  const rows = await db.all<
    Loc & {
      sha256: string | null;
      type: string;
      mime: string | null;
      size: number | null;
      url: string;
      description: string | null;
      number: number;
    }
  >(
    `SELECT vm.sha256, vm.type, m.mime, m.size, vm.url, vm.description, v.number, m.warc_file, m.warc_offset, m.warc_length, m.warc_record_id
     FROM version_media vm JOIN version v ON v.id = vm.version_id LEFT JOIN media m ON m.sha256 = vm.sha256
     WHERE v.post_id = ? ORDER BY v.number, vm.position`,
    [id],
  );
  return rows.map((m) => ({
    version: m.number,
    sha256: m.sha256,
    type: m.type,
    mime: m.mime,
    size: m.size,
    url: m.url,
    description: m.description,
    evidence: m.warc_file ? evidence(m) : null,
  }));
}

/**
 * Sightings: a capture that made a version is documented by the version row; one that found the
 * post unchanged has a capture_post row.
 */
async function postSightings(db: Db, id: number): Promise<PostSighting[]> {
  const rows = await db.all<
    Loc & {
      id: number;
      seen_at: string;
      trigger: string;
      requested_by: string | null;
      role: string;
      number: number;
    }
  >(
    `SELECT c.id, cp.seen_at, c.trigger, c.requested_by, cp.role, v.number,
            cp.warc_file, cp.warc_offset, cp.warc_length, cp.warc_record_id
     FROM capture_post cp JOIN capture c ON c.id = cp.capture_id JOIN version v ON v.id = cp.version_id
     WHERE cp.post_id = ?1
     UNION ALL
     SELECT c.id, v.captured_at, c.trigger, c.requested_by, 'new version', v.number,
            v.warc_file, v.warc_offset, v.warc_length, v.warc_record_id
     FROM version v JOIN capture c ON c.id = v.capture_id
     WHERE v.post_id = ?1 AND v.origin = 'capture'
     ORDER BY 2, 1`,
    [id],
  );
  return rows.map((c) => ({
    capture: c.id,
    seenAt: c.seen_at,
    trigger: c.trigger,
    requestedBy: c.requested_by,
    role: c.role,
    version: c.number,
    evidence: evidence(c),
  }));
}

/** Everything the archive holds on one post (`show` and `history`), or undefined when it has none. */
export async function showPost(db: Db, id: number) {
  const p = await postRow(db, id);
  if (!p) return undefined;
  const versions = await postVersions(db, id);
  return {
    post: await postSummary(db, p, versions.at(-1)),
    appraisal: await postAppraisal(db, id),
    versions,
    replies: await postReplies(db, p),
    media: await postMedia(db, id),
    captures: await postSightings(db, id),
  };
}

export type PostDetail = NonNullable<Awaited<ReturnType<typeof showPost>>>;

export interface SearchFilters {
  platform?: string;
  author?: string;
  since?: string;
  until?: string;
  limit?: number;
}

/** Turns what a person types into an FTS5 query: words must all occur; "quoted phrases" and prefix* work. */
export function ftsQuery(input: string): string {
  const parts: string[] = [];
  const re = /"([^"]+)"|(\S+)/g;
  for (let m = re.exec(input); m; m = re.exec(input)) {
    if (m[1]) {
      parts.push(`"${m[1].replace(/"/g, '')}"`);
      continue;
    }
    const word = m[2]!;
    if (word === 'OR' && parts.length) {
      parts.push('OR');
      continue;
    }
    const prefix = word.endsWith('*');
    const clean = word.replace(/[*"]/g, '');
    if (!clean) continue;
    parts.push(`"${clean}"${prefix ? '*' : ''}`);
  }
  while (parts.at(-1) === 'OR') parts.pop();
  return parts.join(' ');
}

function dateBound(value: string, name: string, endOfDay: boolean): string {
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(value);
  const ms = Date.parse(value);
  if (Number.isNaN(ms))
    throw new UsageError(
      `--${name} must be a date like 2025-03-01 or 2025-03-01T09:00:00Z, not "${value}"`,
      'date.invalid',
      { name, value },
    );
  return new Date(dateOnly && endOfDay ? ms + 86_400_000 - 1 : ms).toISOString();
}

export async function search(db: Db, query: string, filters: SearchFilters = {}) {
  const match = ftsQuery(query);
  if (!match) throw new UsageError('give at least one word to search for', 'search.no-words');
  const limit = filters.limit ?? 20;
  const where = ['version_fts MATCH ?'];
  const params: unknown[] = [match];
  if (filters.platform) {
    where.push('p.platform = ?');
    params.push(filters.platform);
  }
  if (filters.author) {
    const a = filters.author.replace(/^@/, '');
    where.push("(a.handle = ? OR a.handle LIKE ? || '@%' OR a.display_name LIKE '%' || ? || '%')");
    params.push(a, a, a);
  }
  if (filters.since) {
    where.push('p.created_at >= ?');
    params.push(dateBound(filters.since, 'since', false));
  }
  if (filters.until) {
    where.push('p.created_at <= ?');
    params.push(dateBound(filters.until, 'until', true));
  }
  params.push(limit * 5);
  const rows = await db.all<{
    id: number;
    url: string;
    platform: string;
    handle: string | null;
    created_at: string | null;
    status: string;
    number: number;
    snippet: string;
    rank: number;
  }>(
    `SELECT p.id, p.url, p.platform, a.handle, p.created_at, p.status, v.number,
            snippet(version_fts, 0, '«', '»', '…', 16) AS snippet, bm25(version_fts) AS rank
     FROM version_fts JOIN version v ON v.id = version_fts.rowid JOIN post p ON p.id = v.post_id
     LEFT JOIN account a ON a.id = p.account_id
     WHERE ${where.join(' AND ')} ORDER BY rank LIMIT ?`,
    params,
  );
  const seen = new Set<number>();
  const hits = [];
  for (const r of rows) {
    if (seen.has(r.id)) continue;
    seen.add(r.id);
    hits.push({
      id: r.id,
      url: r.url,
      platform: r.platform,
      author: r.handle,
      time: r.created_at,
      status: r.status,
      version: r.number,
      snippet: r.snippet.replace(/\s+/g, ' ').trim(),
      score: Number((-r.rank).toFixed(4)),
    });
    if (hits.length >= limit) break;
  }
  return hits;
}
