import { UsageError } from '../domain/errors.ts';
import type { Db } from './db.ts';
import { getAppraisal } from './knowledge.ts';
import { queryPhrases, SNIPPET_SQL, snippet } from './snippet.ts';

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

/**
 * A post's direct replies, oldest first. `+r.created_at`: the planner must find them by post_parent,
 * not walk every post of the platform by post_platform_created to save a sort of a few rows (3.3 ms a
 * post at 10,000 posts, 90 ms at 1M; asserted in tests/show-plan.test.ts).
 */
export const REPLIES_SQL = `SELECT r.id, r.url, a.handle, r.created_at, r.status,
       (SELECT v.text FROM version v WHERE v.post_id = r.id ORDER BY v.number DESC LIMIT 1) AS text
  FROM post r LEFT JOIN account a ON a.id = r.account_id
 WHERE r.platform = ? AND r.parent_platform_id = ? ORDER BY +r.created_at, r.id`;

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
  /** Set when the version re-reads the same record with newer parsing (no edit; `PostContent.rereading`). */
  rereading?: { of: number; why: string };
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
      ...(content.rereading ? { rereading: content.rereading as { of: number; why: string } } : {}),
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
  }>(REPLIES_SQL, [p.platform, p.platform_id]);
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

/** The parts of an FTS5 query: "quoted" words and phrases, `"prefix"*`, and OR. */
function ftsParts(input: string): string[] {
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
  return parts;
}

/** Turns what a person types into an FTS5 query: words must all occur; "quoted phrases" and prefix* work. */
export function ftsQuery(input: string): string {
  return ftsParts(input).join(' ');
}

/** A prefix is spelled out when it has at most this many words (more: FTS5 merges their lists itself). */
const PREFIX_WORDS = 64;

/**
 * The indexed words a prefix starts (migration 21's word list, in the index's byte order: the range
 * from the prefix to the prefix followed by the last code point). Reads each word's list once to
 * count it (2 ms for `minister*` at a million versions).
 */
export const PREFIX_WORDS_SQL = `SELECT term, doc FROM version_words WHERE term >= ?1 AND term <= ?1 || char(1114111) LIMIT ${PREFIX_WORDS + 1}`;

/**
 * The FTS5 query with each prefix spelled out as its words (`"minister"*` → `("minister" OR
 * "ministerie" OR …)`, an implicit AND made explicit next to the brackets): the same versions match,
 * but FTS5 finds one version by each word's own list instead of first merging every list the prefix
 * covers, once per statement (5 ms for `minister*` at a million versions, paid again by every
 * look-up of one version). Only for finding: bm25 weighs a prefix as one phrase, its words as many.
 * A prefix is kept as typed when it folds to anything but a–z and 0–9 (its folding is FTS5's own),
 * starts no word, or too many.
 */
export async function spelledOut(db: Db, input: string): Promise<string> {
  return (await spellOut(db, input)).match;
}

/** An indexed word and how many versions hold it. */
interface Word {
  term: string;
  doc: number;
}

/**
 * What a prefix's words depend on: FTS5's structure record (`version_fts_data` row 10, rewritten by
 * every commit that changes the index: a new segment, a merge) and the newest version (a version this
 * connection added in a transaction not yet committed is in FTS5's pending data, not yet in the
 * record). Versions are immutable, so a word appears only with a new version; one disappears only
 * with a deleted one, and a word spelled out that no version holds any more matches nothing.
 */
export const WORDS_KEY_SQL = `SELECT hex((SELECT block FROM version_fts_data WHERE id = ?1)) || ':' ||
  coalesce((SELECT max(id) FROM version), 0) AS key`;
/** FTS5's structure record's row in `version_fts_data` (a parameter, so the statement is kept prepared). */
const FTS_STRUCTURE_ROW = 10;

/** How long a connection keeps a prefix's words (checked against {@link WORDS_KEY_SQL} at every use). */
const WORDS_KEPT_MS = 60_000;
/** How many prefixes a connection keeps. */
const WORDS_KEPT = 100;
const KEPT_WORDS = new WeakMap<Db, Map<string, { key: string; at: number; words: Word[] }>>();

/**
 * The indexed words a prefix starts ({@link PREFIX_WORDS_SQL}), kept per connection while the index
 * is unchanged: fts5vocab counts every version of each word to list it (2–9 ms for `minister*` at a
 * million versions, whether its counts are read or not), its key 0.1 ms. `keep: false` always reads
 * them (bench/search's before).
 */
async function prefixWords(
  db: Db,
  folded: string,
  keep: boolean,
  key: () => Promise<string>,
): Promise<Word[]> {
  if (!keep) return db.all<Word>(PREFIX_WORDS_SQL, [folded]);
  const kept = KEPT_WORDS.get(db) ?? new Map<string, { key: string; at: number; words: Word[] }>();
  KEPT_WORDS.set(db, kept);
  const now = Date.now();
  const k = await key();
  const hit = kept.get(folded);
  if (hit && hit.key === k && now - hit.at < WORDS_KEPT_MS) return hit.words;
  const words = await db.all<Word>(PREFIX_WORDS_SQL, [folded]);
  kept.delete(folded);
  kept.set(folded, { key: k, at: now, words });
  if (kept.size > WORDS_KEPT) kept.delete(kept.keys().next().value!);
  return words;
}

/** {@link spelledOut}, with the words when the query is that one prefix (for {@link splitLookup}). */
async function spellOut(db: Db, input: string, keep = true): Promise<{ match: string; words?: Word[] }> {
  const parts = ftsParts(input);
  let spelled: Word[] | undefined;
  const out: string[] = [];
  let key: Promise<string> | undefined;
  const wordsKey = () =>
    (key ??= db.get<{ key: string }>(WORDS_KEY_SQL, [FTS_STRUCTURE_ROW]).then((r) => r?.key ?? ''));
  for (const part of parts) {
    const prefix = /^"([^"]+)"\*$/.exec(part)?.[1];
    const folded = prefix?.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
    const words = folded && /^[a-z0-9]+$/.test(folded) ? await prefixWords(db, folded, keep, wordsKey) : [];
    if (words.length && words.length <= PREFIX_WORDS) {
      out.push(`(${words.map((w) => `"${w.term}"`).join(' OR ')})`);
      spelled = words;
    } else out.push(part);
  }
  if (!spelled) return { match: parts.join(' ') };
  const match = out.map((p, i) => (i && p !== 'OR' && out[i - 1] !== 'OR' ? `AND ${p}` : p)).join(' ');
  return parts.length === 1 ? { match, words: spelled } : { match };
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

export type SearchSort = 'newest' | 'relevance';

export interface SearchFilters {
  platform?: string;
  author?: string;
  since?: string;
  until?: string;
  /** Hits per page (default 20). */
  limit?: number;
  /** Newest archived first (default: stops at the page, whatever the archive's size), or best first. */
  sort?: SearchSort;
  /** The `next` cursor of the page before: the page after it (keyset paging). */
  after?: string;
}

export interface SearchHit {
  id: number;
  url: string;
  platform: string;
  author: string | null;
  time: string | null;
  status: string;
  version: number;
  snippet: string;
  /** bm25 relevance (higher is better) in relevance order; null in newest order (not computed). */
  score: number | null;
}

export interface SearchPage {
  hits: SearchHit[];
  /** The cursor of the page after this one, or null when this is the last. */
  next: string | null;
  /**
   * Matching posts, on a first page: exactly this many, or (not exact) more than this many when
   * counting them all would be expensive (see countMatches).
   */
  total: { count: number; exact: boolean } | null;
}

/**
 * Relevance ranks the newest this many matching versions (bm25 over all of a common word's
 * hundreds of thousands of matches costs a second at a million versions; an archive's searcher
 * wants the best of the recent ones).
 */
export const RELEVANCE_WINDOW = 1000;
/** An unfiltered count reads at most this many matching versions (and one more): "more than N". */
export const COUNT_WINDOW = 1000;
/**
 * A filter that leaves at most this many posts is searched from its posts (an index on post, then
 * one FTS5 look-up per version); a wider one from the FTS5 index in rowid order, filtered as it goes.
 */
export const NARROW_FILTER = 5000;
/**
 * Relevance reads the newest {@link RELEVANCE_WINDOW} matches that pass the filters, not a page's
 * worth: a filter is searched from its posts up to this many (a wide filter that passes few matches —
 * one small platform, one month — would otherwise join tens of thousands of matches to their posts).
 */
const RELEVANCE_NARROW = 25_000;
/**
 * A relevance search whose words match at most this many versions (rare words) reads them from the
 * FTS5 index whatever the filter: no more than this many rows are joined to their posts, and the
 * filter's posts are not counted.
 */
const FEW_MATCHES = 4000;
/** How many versions match, counted up to a limit (FTS5's rowid list only). */
const MATCH_COUNT_SQL =
  'SELECT count(*) AS n FROM (SELECT 1 FROM version_fts WHERE version_fts MATCH ?1 LIMIT ?2)';
/**
 * From the posts: one FTS5 look-up per version of the filter's (newest first, stopped at the page)
 * instead of one scan over their rowid range, when the range holds more than this many matches per
 * version. Measured at a million versions: a look-up costs 15 µs for one word, 100–200 µs for a
 * prefix's nine words (each word's list sought in each of the index's segments), a scanned match
 * 0.1–0.2 µs; both stop at the page, so a look-up is worth about a thousand scanned matches.
 */
const LOOKUP_COST = 1000;

/** The SQL pieces of one search: the FTS5 query, the filter terms, which side the plan starts from. */
export interface SearchPlan {
  match: string;
  /** `post` columns, each term with its parameter (for the index-driven plan, as written). */
  terms: { sql: string; param: unknown }[];
  /** Start from the posts the filters leave (few), or from the FTS5 index (many or no filters). */
  from: 'fts' | 'posts';
  /** The words of a query that is one prefix, spelled out (newest first only). */
  words?: Word[];
  /** How many list entries a look-up of one of those words is worth ({@link splitLookup}). */
  listEntries?: number;
}

/**
 * A match's version and post read from migration 25's narrow indexes by id (the columns a match is
 * tested on and listed with), not from their rows: a scan that tests many matches reads a few index
 * pages instead of a table page per match (`minister` in one month: 4.1 against 10.1 ms).
 */
const BY_ID = { version: 'INDEXED BY version_id_post', post: 'INDEXED BY post_id_filters' };

/**
 * The statement that lists matching versions newest first, below a cursor (the plan's core): each
 * with its post, whether the post has a later version (`later`: it may have been listed there), and
 * the rank (relevance's window) or the snippet (a page: computed only for the rows it returns).
 */
export function matchesSql(
  plan: SearchPlan,
  column: 'rank' | 'snippet',
  /** How many rows at most (the FTS5 plan): an expression of the limit parameter (`?L`), evaluated once. */
  limit = '?L',
): { sql: string; params: unknown[] } {
  // Relevance groups by post (no `later`: its window may hold every version of a post).
  const extra = column === 'rank' ? 'bm25(version_fts) AS rank' : `${later('v')}, ${SNIPPET_SQL} AS snippet`;
  // `+` keeps the planner from starting at the post table's indexes for a filter that is wide.
  const residual = plan.terms.map((t) => `AND +${t.sql}`).join(' ');
  const narrow = plan.terms.map((t) => `AND ${t.sql}`).join(' ');
  const params = [plan.match, ...plan.terms.map((t) => t.param)];
  if (plan.from === 'fts') {
    const post = plan.terms.length ? `CROSS JOIN post p ${BY_ID.post} ON p.id = v.post_id` : '';
    return {
      sql: `SELECT f.rowid AS vid, v.post_id, ${extra}
            FROM version_fts f CROSS JOIN version v ${BY_ID.version} ON v.id = f.rowid ${post}
            WHERE version_fts MATCH ?1 AND f.rowid < ?${params.length + 1} ${residual}
            ORDER BY f.rowid DESC LIMIT ${limit.replaceAll('?L', `?${params.length + 2}`)}`,
      params,
    };
  }
  // The versions of the posts a narrow filter leaves (on an index, at most NARROW_FILTER posts'
  // worth), then one FTS5 scan newest first over their rowid range, each match tested against them
  // (`+`: a membership test, not one FTS5 look-up per version, which re-reads a prefix's word lists
  // every time).
  return {
    sql: `WITH c(id) AS MATERIALIZED (
            SELECT v.id FROM post p CROSS JOIN version v ON v.post_id = p.id
            WHERE 1 ${narrow} AND v.id < ?${params.length + 1})
          SELECT f.rowid AS vid, v.post_id, ${extra}
          FROM version_fts f CROSS JOIN version v ${BY_ID.version} ON v.id = f.rowid
          WHERE version_fts MATCH ?1 AND f.rowid >= (SELECT min(id) FROM c) AND f.rowid <= (SELECT max(id) FROM c)
            AND +f.rowid IN (SELECT id FROM c)
          ORDER BY f.rowid DESC LIMIT ?${params.length + 2}`,
    params,
  };
}

/** Whether the version's post has a later version (a later match of it may have been listed there). */
const later = (v: string) =>
  `EXISTS (SELECT 1 FROM version l WHERE l.post_id = ${v}.post_id AND l.number > ${v}.number) AS later`;

/** The filter terms of a search (accounts resolved first: the account table is small). */
async function searchPlan(
  db: Db,
  query: string,
  filters: SearchFilters,
  keepWords = true,
): Promise<SearchPlan | null> {
  const typed = ftsQuery(query);
  if (!typed) throw new UsageError('give at least one word to search for', 'search.no-words');
  // Newest first finds; relevance also ranks, and bm25 must see a prefix as the one phrase it is.
  const spelled = filters.sort === 'relevance' ? { match: typed } : await spellOut(db, query, keepWords);
  const match = spelled.match;
  const terms: SearchPlan['terms'] = [];
  if (filters.author) {
    const a = filters.author.replace(/^@/, '');
    const accounts = await db.all<{ id: number }>(
      `SELECT id FROM account WHERE handle = ?1 OR handle LIKE ?1 || '@%' OR display_name LIKE '%' || ?1 || '%'`,
      [a],
    );
    if (!accounts.length) return null;
    terms.push({
      sql: 'p.account_id IN (SELECT value FROM json_each(?))',
      param: JSON.stringify(accounts.map((r) => r.id)),
    });
  }
  if (filters.platform) terms.push({ sql: 'p.platform = ?', param: filters.platform });
  if (filters.since)
    terms.push({ sql: 'p.created_at >= ?', param: dateBound(filters.since, 'since', false) });
  if (filters.until) terms.push({ sql: 'p.created_at <= ?', param: dateBound(filters.until, 'until', true) });
  const numbered = terms.map((t, i) => ({ ...t, sql: t.sql.replace('?', `?${i + 2}`) }));
  return { match, terms: numbered, from: 'fts', words: spelled.words };
}

/**
 * Which side a filtered search starts from: the FTS5 index when its words match few versions
 * (relevance) or the filter leaves many posts, the filter's posts when it leaves few.
 */
async function planSide(
  db: Db,
  plan: SearchPlan,
  sort: SearchSort,
  narrowFilter: number,
  fewMatches: number,
): Promise<void> {
  if (!plan.terms.length) return;
  // (fewMatches -1: not counted, the words are known to match more.)
  if (
    sort === 'relevance' &&
    fewMatches >= 0 &&
    ((await db.get<{ n: number }>(MATCH_COUNT_SQL, [plan.match, fewMatches + 1]))?.n ?? 0) <= fewMatches
  )
    return;
  // How many posts the filters leave, counted on an index up to the limit of a narrow filter.
  const where = plan.terms.map((t, i) => t.sql.replace(/\?\d+/, `?${i + 1}`)).join(' AND ');
  const row = await db.get<{ n: number }>(
    `SELECT count(*) AS n FROM (SELECT 1 FROM post p WHERE ${where} LIMIT ${narrowFilter + 1})`,
    plan.terms.map((t) => t.param),
  );
  if ((row?.n ?? 0) <= narrowFilter) plan.from = 'posts';
}

/** `newest` cursors are a version id; `relevance` cursors the rank and version id of the last hit. */
function parseCursor(after: string | undefined, sort: SearchSort): { vid: number; rank: number } | null {
  if (!after) return null;
  const m = sort === 'relevance' ? /^r(-?[\d.e+-]+):(\d+)$/.exec(after) : /^(\d+)$/.exec(after);
  const vid = Number(m?.[sort === 'relevance' ? 2 : 1]);
  const rank = sort === 'relevance' ? Number(m?.[1]) : 0;
  if (!m || !Number.isSafeInteger(vid) || Number.isNaN(rank))
    throw new UsageError(
      `"${after}" is not a search cursor (use the "next" of a search's answer)`,
      'search.bad-cursor',
      {
        value: after,
      },
    );
  return { vid, rank };
}

/**
 * Full-text search over every version of every post (edited-away and deleted text too), one hit
 * per post. `newest` (default): the most recently archived matching version first, read from the
 * FTS5 index in rowid order and stopped at the page; `relevance`: bm25 over the newest
 * {@link RELEVANCE_WINDOW} matches. Paging by cursor (`after`), never by offset.
 */
export async function search(
  db: Db,
  query: string,
  filters: SearchFilters = {},
  /**
   * Where a filter stops being narrow, the look-up cost that picks look-ups over the scan for a
   * narrow one (0: always look up, Infinity: always scan), and how many matches are few for relevance
   * (-1: never), how many list entries a look-up of one of a prefix's words is worth ({@link
   * splitLookup}; 0: never read a list whole), and whether a prefix's words may be kept ({@link
   * prefixWords}; false: read anew): tests and benches try every plan on one archive.
   */
  tuning: {
    narrowFilter?: number;
    lookupCost?: number;
    fewMatches?: number;
    listEntries?: number;
    keepWords?: boolean;
  } = {},
): Promise<SearchPage> {
  const sort = filters.sort ?? 'newest';
  const cursor = parseCursor(filters.after, sort);
  const narrow = tuning.narrowFilter ?? (sort === 'relevance' ? RELEVANCE_NARROW : NARROW_FILTER);
  const fewMatches = tuning.fewMatches ?? FEW_MATCHES;
  const plan = await searchPlan(db, query, filters, tuning.keepWords);
  if (!plan) return { hits: [], next: null, total: filters.after ? null : { count: 0, exact: true } };
  plan.listEntries = tuning.listEntries ?? WORD_LOOKUP_ENTRIES;
  const limit = filters.limit ?? 20;
  // Relevance's rows come with what its hits show; newest first looks its hits up.
  let ranked: Awaited<ReturnType<typeof relevantPage>> | null = null;
  // Relevance with a filter: ranked from the index in one statement if the words match few versions.
  const fewFirst = sort === 'relevance' && plan.terms.length > 0 && fewMatches >= 0;
  if (fewFirst) {
    const few = await relevantPage(db, plan, limit, cursor, fewMatches);
    if (few.rows.length) ranked = few;
  }
  if (!ranked) {
    await planSide(db, plan, sort, narrow, fewFirst ? -1 : fewMatches);
    if (sort === 'relevance') ranked = await relevantPage(db, plan, limit, cursor);
  }
  const page = ranked ?? (await newestPage(db, plan, limit, cursor, tuning.lookupCost ?? LOOKUP_COST));
  const shown = page.rows.slice(0, limit);
  const hits = ranked ? rankedHits(plan.match, ranked.rows.slice(0, limit)) : await hitDetails(db, shown);
  const last = shown.at(-1);
  const more = page.rows.length > limit;
  const next = more && last ? (sort === 'relevance' ? `r${last.rank}:${last.vid}` : String(last.vid)) : null;
  let total: SearchPage['total'] = null;
  if (!filters.after) total = page.window ?? (await countMatches(db, plan, hits.length, more));
  return { hits, next, total };
}

interface MatchRow {
  vid: number;
  post_id: number;
  later?: number;
  rank?: number;
  snippet?: string;
}

/** Matching rows newest first below a version id, at least `batch` unless `done` (none are left). */
type Fetch = (below: number, batch: number) => Promise<{ rows: MatchRow[]; done: boolean }>;

/** Newest first: rows in rowid order, each post once (at its newest matching version). */
async function newestPage(
  db: Db,
  plan: SearchPlan,
  limit: number,
  cursor: { vid: number } | null,
  lookupCost: number,
) {
  let below = cursor?.vid ?? Number.MAX_SAFE_INTEGER;
  const fetch = plan.from === 'posts' ? await narrowFetch(db, plan, below, lookupCost) : scanFetch(db, plan);
  const rows: MatchRow[] = [];
  const seen = new Set<number>();
  const batch = limit + 5;
  while (rows.length <= limit) {
    const got = await fetch(below, batch);
    for (const r of got.rows) {
      if (rows.length > limit) break;
      below = r.vid;
      // A later matching version of the post: on an earlier page (a look-up), or on this one already
      // (on a first page every version is read newest first, and a post's versions share its filters).
      if (seen.has(r.post_id) || (cursor && r.later && (await newerMatch(db, plan.match, r)))) continue;
      seen.add(r.post_id);
      rows.push(r);
    }
    if (got.done) break;
  }
  return { rows, window: undefined };
}

/** One statement per batch: the FTS5 index read newest first (matchesSql). */
function scanFetch(db: Db, plan: SearchPlan): Fetch {
  const { sql, params } = matchesSql(plan, 'snippet');
  return async (below, batch) => {
    const rows = await db.all<MatchRow>(sql, [...params, below, batch]);
    return { rows, done: rows.length < batch };
  };
}

/** The versions of the posts a narrow filter leaves, below a cursor, newest first, as a JSON array. */
export function candidatesSql(plan: SearchPlan): { sql: string; params: unknown[] } {
  const narrow = plan.terms.map((t) => `AND ${t.sql}`).join(' ');
  const params = [plan.match, ...plan.terms.map((t) => t.param)];
  return {
    sql: `SELECT json_group_array(id) AS ids FROM (
            SELECT v.id FROM post p CROSS JOIN version v ON v.post_id = p.id
            WHERE 1 ${narrow} AND v.id < ?${params.length + 1} ORDER BY v.id DESC)`,
    params,
  };
}

/** The newest matches in a rowid range, at most ?4 of them, newest first, as a JSON array (the probe). */
export const DENSITY_SQL = `SELECT json_group_array(rowid) AS ids FROM (
  SELECT rowid FROM version_fts WHERE version_fts MATCH ?1 AND rowid <= ?2 AND rowid >= ?3 ORDER BY rowid DESC LIMIT ?4)`;
const PROBE = 256;

/**
 * One FTS5 look-up per version of a JSON array (a narrow filter's, when its rowid range holds many
 * matches per version: a prefix over a few posts scattered over the whole archive).
 */
export const LOOKUP_SQL = `SELECT f.rowid AS vid, v.post_id, ${later('v')}, ${SNIPPET_SQL} AS snippet
  FROM json_each(?2) j CROSS JOIN version_fts f ON f.rowid = j.value CROSS JOIN version v ON v.id = f.rowid
  WHERE version_fts MATCH ?1`;

/**
 * A narrow filter: its versions first (an index on post), then the newest {@link PROBE} matches in
 * their rowid range. Fewer: those are all, and the filter's among them are looked up (their rows and
 * snippets). More: the range's matches are estimated from how far down the probe reached, and either
 * one scan of the FTS5 index over the range (matchesSql) or one look-up per version, newest first in
 * growing chunks, whichever reads less ({@link LOOKUP_COST}).
 */
async function narrowFetch(db: Db, plan: SearchPlan, below: number, lookupCost: number): Promise<Fetch> {
  const c = candidatesSql(plan);
  const row = await db.get<{ ids: string }>(c.sql, [...c.params, below]);
  const ids = JSON.parse(row?.ids ?? '[]') as number[];
  if (!ids.length) return async () => ({ rows: [], done: true });
  // A prefix not spelled out (FTS5 would merge its words' lists again for every look-up) is scanned.
  if (plan.match.includes('*') || lookupCost === Number.POSITIVE_INFINITY) return scanFetch(db, plan);
  if (lookupCost === 0) return lookupFetch(db, await splitLookup(db, plan, ids), ids);
  const hi = ids[0]!;
  const lo = ids.at(-1)!;
  const probe = await db.get<{ ids: string }>(DENSITY_SQL, [plan.match, hi, lo, PROBE]);
  const found = JSON.parse(probe?.ids ?? '[]') as number[];
  if (found.length < PROBE) {
    const theirs = new Set(ids);
    const mine = found.filter((id) => theirs.has(id));
    return lookupFetch(db, await splitLookup(db, plan, mine), mine);
  }
  const matches = (found.length * (hi - lo + 1)) / (hi - found.at(-1)! + 1);
  return matches > lookupCost * ids.length
    ? lookupFetch(db, await splitLookup(db, plan, ids), ids)
    : scanFetch(db, plan);
}

/**
 * A look-up of one word in one version costs about as much as reading this many entries of a word's
 * list whole (measured at a million versions: 26 µs against 1–2 µs).
 */
const WORD_LOOKUP_ENTRIES = 15;

/** How a list of versions is looked up: with the whole query, or split by {@link splitLookup}. */
interface Lookup {
  match: string;
  /** The query without the words whose lists were read whole (null: none left). */
  common?: string | null;
  /** The versions that hold one of those words (looked up with the whole query, for their snippets). */
  rare?: Set<number>;
}

/**
 * A query that is one prefix, its versions looked up one by one: the words whose lists are shorter
 * than the look-ups of them would cost are read whole, once (their versions in the list's range); the
 * other versions are looked up by the remaining words only (`minister*`: 2 words sought in each
 * segment instead of 9). A version none of the short lists holds matches the query exactly when it
 * matches the remaining words, and its snippet is the same (no instance of the other words in it).
 */
async function splitLookup(db: Db, plan: SearchPlan, ids: number[]): Promise<Lookup> {
  const words = plan.words;
  if (!words || !ids.length) return { match: plan.match };
  const short = words.filter((w) => w.doc <= (plan.listEntries ?? WORD_LOOKUP_ENTRIES) * ids.length);
  if (!short.length) return { match: plan.match };
  const quote = (ws: Word[]) => (ws.length ? `(${ws.map((w) => `"${w.term}"`).join(' OR ')})` : null);
  const rows = await db.all<{ rowid: number }>(SHORT_LISTS_SQL, [
    quote(short),
    Math.min(...ids),
    Math.max(...ids),
  ]);
  return {
    match: plan.match,
    common: quote(words.filter((w) => !short.includes(w))),
    rare: new Set(rows.map((r) => r.rowid)),
  };
}

/** The versions in a rowid range that hold one of some words (their lists read whole). */
export const SHORT_LISTS_SQL =
  'SELECT rowid FROM version_fts WHERE version_fts MATCH ?1 AND rowid >= ?2 AND rowid <= ?3';

/** One FTS5 look-up per version of a list (newest first), in chunks that grow until the page is full. */
function lookupFetch(db: Db, how: Lookup, ids: number[]): Fetch {
  let next = 0;
  let chunk = 64;
  const look = async (match: string, part: number[]) =>
    part.length ? db.all<MatchRow>(LOOKUP_SQL, [match, JSON.stringify(part)]) : [];
  return async (under, batch) => {
    const rows: MatchRow[] = [];
    while (next < ids.length && ids[next]! >= under) next++;
    while (rows.length < batch && next < ids.length) {
      const part = ids.slice(next, next + chunk);
      next += part.length;
      chunk = Math.min(chunk * 2, 1024);
      const { rare } = how;
      const got = rare
        ? [
            ...(how.common
              ? await look(
                  how.common,
                  part.filter((id) => !rare.has(id)),
                )
              : []),
            ...(await look(
              how.match,
              part.filter((id) => rare.has(id)),
            )),
          ]
        : await look(how.match, part);
      rows.push(...got.sort((a, b) => b.vid - a.vid));
    }
    return { rows, done: next >= ids.length };
  };
}

/** The look-up of a later matching version of a post (listed there, on this page or an earlier one). */
export const NEWER_SQL = `SELECT 1 FROM version v CROSS JOIN version_fts f ON f.rowid = v.id
  WHERE v.post_id = ?1 AND v.id > ?2 AND version_fts MATCH ?3 LIMIT 1`;

async function newerMatch(db: Db, match: string, r: { vid: number; post_id: number }): Promise<boolean> {
  return (await db.get(NEWER_SQL, [r.post_id, r.vid, match])) !== undefined;
}

/**
 * The SQL of a relevance page from its matches (`matches`: vid, post_id and rank, newest first; `n`
 * parameters before its below-this-id and how-many): each post at its best version, ranked, with the
 * window's size (posts and versions) for the count; and, in the same statement, what each hit shows
 * (its post and author by primary key, and its version's text, from which snippet.ts makes the
 * snippet: no second pass through FTS5 for snippet()).
 */
function rankedPageSql(matches: string, n: number): string {
  return `WITH page AS MATERIALIZED (
            SELECT vid, post_id, rank, posts, versions FROM (
              SELECT *, count(*) OVER () AS posts, sum(n) OVER () AS versions FROM (
                SELECT post_id, min(rank) AS rank, vid, count(*) AS n FROM (${matches}) GROUP BY post_id))
            WHERE rank > ?${n + 3} OR (rank = ?${n + 3} AND vid < ?${n + 4})
            ORDER BY rank, vid DESC LIMIT ?${n + 5})
          SELECT page.*, ${HIT_COLUMNS}, v.text
          FROM page CROSS JOIN version v ON v.id = page.vid CROSS JOIN post p ON p.id = v.post_id
          LEFT JOIN account a ON a.id = p.account_id
          ORDER BY page.rank, page.vid DESC`;
}

/** The SQL of a relevance page: bm25 over the newest window of matches ({@link rankedPageSql}). */
export function relevanceSql(plan: SearchPlan): { sql: string; params: unknown[] } {
  const inner = matchesSql(plan, 'rank');
  return { sql: rankedPageSql(inner.sql, inner.params.length), params: inner.params };
}

/**
 * The SQL of a filtered relevance page read from the FTS5 index if the words match few versions: the
 * matches counted up to a number first, in the same statement (one trip to SQLite's thread instead of
 * two), and ranked only if there are no more than that. It holds no rows if there are more (or if none
 * pass the filter): the caller then chooses the plan by the filter's posts.
 */
export function fewRelevanceSql(plan: SearchPlan): { sql: string; params: unknown[] } {
  const n = 1 + plan.terms.length;
  // A LIMIT of 0 ends the statement before FTS5 is asked for a row (a term on no table in the WHERE
  // clause is tested at every row instead); otherwise FTS5 reads newest first and stops at the window.
  const inner = matchesSql(
    { ...plan, from: 'fts' },
    'rank',
    `(SELECT CASE WHEN count(*) <= ?${n + 6} THEN ?L ELSE 0 END
      FROM (SELECT 1 FROM version_fts WHERE version_fts MATCH ?1 LIMIT ?${n + 6} + 1))`,
  );
  return { sql: rankedPageSql(inner.sql, n), params: inner.params };
}

async function relevantPage(
  db: Db,
  plan: SearchPlan,
  limit: number,
  cursor: { vid: number; rank: number } | null,
  /** Only if the words match at most this many versions ({@link fewRelevanceSql}). */
  few?: number,
) {
  const { sql, params } = few === undefined ? relevanceSql(plan) : fewRelevanceSql(plan);
  const rows = await db.all<MatchRow & HitRow & { posts: number; versions: number }>(sql, [
    ...params,
    Number.MAX_SAFE_INTEGER,
    RELEVANCE_WINDOW,
    cursor?.rank ?? -Number.MAX_VALUE,
    cursor?.vid ?? Number.MAX_SAFE_INTEGER,
    limit + 1,
    ...(few === undefined ? [] : [few]),
  ]);
  const first = rows[0];
  // The window held every match (exact), or more than its posts less one are there.
  const window = first
    ? first.versions < RELEVANCE_WINDOW
      ? { count: first.posts, exact: true }
      : { count: first.posts - 1, exact: false }
    : { count: 0, exact: true };
  return { rows, window };
}

/** The columns a hit shows of its post, its author and its version. */
const HIT_COLUMNS = 'p.id, p.url, p.platform, a.handle, p.created_at, p.status, v.number';

/** What a newest-first hit shows (its snippet came with the match): by primary keys. */
export const HIT_SQL = `SELECT v.id AS vid, ${HIT_COLUMNS}
  FROM version v CROSS JOIN post p ON p.id = v.post_id LEFT JOIN account a ON a.id = p.account_id
  WHERE v.id IN (SELECT value FROM json_each(?1))`;

interface HitRow {
  vid: number;
  id: number;
  url: string;
  platform: string;
  handle: string | null;
  created_at: string | null;
  status: string;
  number: number;
  text?: string | null;
}

function hit(r: HitRow, snippet: string, rank?: number): SearchHit {
  return {
    id: r.id,
    url: r.url,
    platform: r.platform,
    author: r.handle,
    time: r.created_at,
    status: r.status,
    version: r.number,
    snippet: snippet.replace(/\s+/g, ' ').trim(),
    score: rank === undefined ? null : Number((-rank).toFixed(4)),
  };
}

/** Relevance hits: their rows came with the ranking, each snippet made from its version's text. */
function rankedHits(match: string, rows: (MatchRow & HitRow)[]): SearchHit[] {
  const phrases = queryPhrases(match);
  return rows.map((r) => hit(r, r.text ? snippet(r.text, phrases) : '', r.rank ?? 0));
}

/** Newest-first hits: their posts and authors by primary keys (the snippets came with the matches). */
async function hitDetails(db: Db, rows: MatchRow[]): Promise<SearchHit[]> {
  if (!rows.length) return [];
  const found = await db.all<HitRow>(HIT_SQL, [JSON.stringify(rows.map((r) => r.vid))]);
  const byVid = new Map(found.map((r) => [r.vid, r]));
  return rows.flatMap((m) => {
    const r = byVid.get(m.vid);
    return r ? [hit(r, m.snippet ?? '')] : [];
  });
}

/**
 * The SQL that counts the posts of the newest {@link COUNT_WINDOW} + 1 matching versions of an
 * unfiltered search: FTS5 and the version table's primary key only, a few milliseconds at most.
 */
export function countSql(plan: SearchPlan): { sql: string; params: unknown[] } {
  return {
    sql: `SELECT count(*) AS versions, count(DISTINCT v.post_id) AS posts
          FROM (SELECT rowid FROM version_fts WHERE version_fts MATCH ?1 ORDER BY rowid DESC LIMIT ?2) m
          CROSS JOIN version v ON v.id = m.rowid`,
    params: [plan.match, COUNT_WINDOW + 1],
  };
}

/**
 * How many posts match, said only as far as it is cheap to know: exactly when this first page is the
 * only one or the window held every match; "more than N" otherwise — N the posts of the window less
 * one for an unfiltered search (at least that many more are there), the hits shown for a filtered one
 * (counting past them would read as much as the search itself).
 */
async function countMatches(
  db: Db,
  plan: SearchPlan,
  shown: number,
  more: boolean,
): Promise<{ count: number; exact: boolean }> {
  if (!more) return { count: shown, exact: true };
  // A filter, or a prefix (FTS5 merges the lists of every word it starts once per statement).
  if (plan.terms.length || plan.match.includes('*')) return { count: shown, exact: false };
  const { sql, params } = countSql(plan);
  const row = await db.get<{ versions: number; posts: number }>(sql, params);
  const versions = row?.versions ?? 0;
  const posts = row?.posts ?? 0;
  return versions <= COUNT_WINDOW ? { count: posts, exact: true } : { count: posts - 1, exact: false };
}
