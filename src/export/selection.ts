/**
 * What an export takes out of the archive: a post (archive id, URL or platform id), an account
 * (handle, @handle or profile URL), or a search (words, account, period, platform), each post with
 * its replies (and theirs), versions, media and the WARC records that are its evidence.
 *
 * The selection is resolved to post ids only (numbers); each post's detail and records are read one
 * post at a time while the export writes, so no export holds the selection's content in memory.
 */
import { UsageError } from '../domain/errors.ts';
import type { Db } from '../store/db.ts';
import { findPostId, ftsQuery, type PostDetail, showPost } from '../store/queries.ts';
import { effectiveAppraisal } from '../store/retention.ts';

export interface SelectionSpec {
  /** A post (id, URL, platform id) or an account (handle, @handle, profile URL). */
  ref?: string;
  query?: string;
  account?: string;
  platform?: string;
  since?: string;
  until?: string;
}

/** A WARC record of the archive that an exported post stands on. */
export interface RecordRef {
  file: string;
  offset: number;
  length: number;
  recordId: string;
  /** The SHA-256 of the record's gzip member as the archive keeps it (null for records before fixity). */
  sha256: string | null;
}

export interface SelectedPost {
  detail: PostDetail;
  /** Selected itself (true) or brought along as a reply of a selected post (false). */
  selected: boolean;
  apiRef: string | null;
  /** The author's organisation (archiefvormer) when the account names one. */
  organisation: string | null;
  /** Every record this post stands on: its versions, sightings, media, and the captures that saw it. */
  records: RecordRef[];
}

export interface Selection {
  /** What was asked, in words (for titles and the audit log). */
  describe: string;
  /** The selected posts' ids, oldest first; replies follow from `expand`. */
  ids: number[];
  /** The ids of the selected posts and all their replies (each once), in export order. */
  all: number[];
}

function dateBound(value: string, name: string, endOfDay: boolean): string {
  const ms = Date.parse(value);
  if (Number.isNaN(ms))
    throw new UsageError(
      `--${name} must be a date like 2025-03-01 or 2025-03-01T09:00:00Z, not "${value}"`,
      'date.invalid',
      { name, value },
    );
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(value);
  return new Date(dateOnly && endOfDay ? ms + 86_400_000 - 1 : ms).toISOString();
}

/** The account ids a user's words name: a handle with or without @ (and with or without its host), or a profile URL. */
export async function accountIds(db: Db, ref: string): Promise<number[]> {
  const a = ref.trim().replace(/^@/, '');
  const rows = await db.all<{ id: number }>(
    `SELECT id FROM account WHERE handle = ?1 OR handle LIKE ?1 || '@%' OR url = ?2 OR url = ?2 || '/'
       OR rtrim(url, '/') = rtrim(?2, '/')`,
    [a, ref.trim()],
  );
  return rows.map((r) => r.id);
}

/** Resolves what the user asked for to post ids; a UsageError when it names nothing the archive holds. */
export async function resolveSelection(db: Db, spec: SelectionSpec): Promise<Selection> {
  const where: string[] = [];
  const params: unknown[] = [];
  let describe = '';
  if (spec.ref) {
    const post = await findPostId(db, spec.ref);
    if (post !== undefined) {
      where.push('p.id = ?');
      params.push(post);
      describe = `post ${post}`;
    } else {
      const accounts = await accountIds(db, spec.ref);
      if (!accounts.length)
        throw new UsageError(`the archive holds no post or account "${spec.ref}"`, 'export.nothing-named', {
          ref: spec.ref,
        });
      where.push(`p.account_id IN (${accounts.map(() => '?').join(',')})`);
      params.push(...accounts);
      describe = `account ${spec.ref.trim()}`;
    }
  }
  if (spec.account) {
    const accounts = await accountIds(db, spec.account);
    where.push(`p.account_id IN (${accounts.length ? accounts.map(() => '?').join(',') : 'NULL'})`);
    params.push(...accounts);
    describe += `${describe ? ', ' : ''}account ${spec.account}`;
  }
  if (spec.query) {
    const match = ftsQuery(spec.query);
    if (!match) throw new UsageError('give at least one word to search for', 'search.no-words');
    where.push(
      'p.id IN (SELECT v.post_id FROM version_fts JOIN version v ON v.id = version_fts.rowid WHERE version_fts MATCH ?)',
    );
    params.push(match);
    describe += `${describe ? ', ' : ''}"${spec.query}"`;
  }
  if (spec.platform) {
    where.push('p.platform = ?');
    params.push(spec.platform);
    describe += `${describe ? ', ' : ''}${spec.platform}`;
  }
  if (spec.since) {
    where.push('coalesce(p.created_at, p.first_seen) >= ?');
    params.push(dateBound(spec.since, 'since', false));
    describe += `${describe ? ', ' : ''}since ${spec.since}`;
  }
  if (spec.until) {
    where.push('coalesce(p.created_at, p.first_seen) <= ?');
    params.push(dateBound(spec.until, 'until', true));
    describe += `${describe ? ', ' : ''}until ${spec.until}`;
  }
  if (!where.length)
    throw new UsageError(
      'name what to export: a post, an account, or a search (--query, --account, --since, --until, --platform)',
      'export.no-selection',
    );
  const ids = (
    await db.all<{ id: number }>(
      `SELECT p.id FROM post p WHERE ${where.join(' AND ')} ORDER BY coalesce(p.created_at, p.first_seen), p.id`,
      params,
    )
  ).map((r) => r.id);
  if (!ids.length)
    throw new UsageError(`nothing in the archive matches ${describe}`, 'export.nothing-matches', {
      describe,
    });
  return { describe, ids, all: await withReplies(db, ids) };
}

/** The selected ids followed by every reply under them (replies of replies too), each id once. */
async function withReplies(db: Db, ids: number[]): Promise<number[]> {
  const rows = await db.all<{ id: number }>(
    `WITH RECURSIVE sel(id) AS (SELECT value FROM json_each(?)),
       thread(id, platform, platform_id) AS (
         SELECT p.id, p.platform, p.platform_id FROM post p JOIN sel ON sel.id = p.id
         UNION SELECT r.id, r.platform, r.platform_id FROM post r
           JOIN thread t ON r.platform = t.platform AND r.parent_platform_id = t.platform_id)
     SELECT id FROM thread WHERE id NOT IN (SELECT id FROM sel) ORDER BY id`,
    [JSON.stringify(ids)],
  );
  return [...ids, ...rows.map((r) => r.id)];
}

/**
 * The records a post stands on directly: its version and sighting (metadata) records, its media, and
 * every record of a capture made of this very post (its API answers, context, history, media). A
 * version or sighting made by another capture (an account's backfill, its parent's thread) names the
 * response it was read from with WARC-Refers-To; `refer` lists those metadata records, which the
 * export resolves (./records.ts EvidenceResolver) so a backfill's every page is not taken for each post.
 */
export async function directRecords(
  db: Db,
  postId: number,
): Promise<{ own: RecordRef[]; refer: RecordRef[] }> {
  const own = await db.all<RecordRef & { foreign: number }>(
    `WITH caps(id) AS (SELECT id FROM capture WHERE post_id = ?1)
     SELECT v.warc_file AS file, v.warc_offset AS offset, v.warc_length AS length, v.warc_record_id AS recordId,
            v.warc_sha256 AS sha256, (v.capture_id IS NULL OR v.capture_id NOT IN (SELECT id FROM caps)) AS "foreign"
       FROM version v WHERE v.post_id = ?1
     UNION SELECT cp.warc_file, cp.warc_offset, cp.warc_length, cp.warc_record_id, cp.warc_sha256,
            cp.capture_id NOT IN (SELECT id FROM caps) FROM capture_post cp WHERE cp.post_id = ?1
     UNION SELECT m.warc_file, m.warc_offset, m.warc_length, m.warc_record_id, m.warc_sha256, 0 FROM media m
       WHERE m.sha256 IN (SELECT vm.sha256 FROM version_media vm JOIN version v ON v.id = vm.version_id WHERE v.post_id = ?1)
     UNION SELECT cr.warc_file, cr.warc_offset, cr.warc_length, cr.warc_record_id, cr.warc_sha256, 0 FROM capture_record cr
       WHERE cr.capture_id IN (SELECT id FROM caps) AND cr.type <> 'warcinfo'
     ORDER BY 1, 2`,
    [postId],
  );
  const strip = ({ foreign: _f, ...r }: RecordRef & { foreign: number }): RecordRef => r;
  return { own: own.map(strip), refer: own.filter((r) => r.foreign).map(strip) };
}

/** One post of the selection, read when the export reaches it (`resolve` adds the responses its records cite). */
export async function loadPost(
  db: Db,
  id: number,
  selected: boolean,
  resolve: (direct: { own: RecordRef[]; refer: RecordRef[] }) => Promise<RecordRef[]>,
): Promise<SelectedPost | null> {
  const [detail, effective, extra, direct] = await Promise.all([
    showPost(db, id),
    effectiveAppraisal(db, id),
    db.get<{ api_ref: string | null; organisation: string | null }>(
      'SELECT p.api_ref, a.organisation FROM post p LEFT JOIN account a ON a.id = p.account_id WHERE p.id = ?',
      [id],
    ),
    directRecords(db, id),
  ]);
  if (!detail) return null;
  // An archivist's appraisal (of the post or its account) wins over the knowledge base's.
  if (effective && effective.source !== 'kb')
    detail.appraisal = {
      valuation: effective.valuation,
      rule: effective.category,
      termYears: effective.termYears,
      inference: false,
      reason: `set by an archivist for the ${effective.source}${effective.category ? ` (category ${effective.category})` : ''}`,
      at: detail.appraisal?.at ?? new Date().toISOString(),
    };
  return {
    detail,
    selected,
    apiRef: extra?.api_ref ?? null,
    organisation: extra?.organisation ?? null,
    records: await resolve(direct),
  };
}

/** How many posts are read ahead of the one being written (their queries overlap the writing). */
const READ_AHEAD = 16;

/**
 * The selection's posts one by one, selected posts first, then the replies that came along. Up to
 * READ_AHEAD posts are read ahead while the caller writes, so the database's answers do not wait on
 * the writer (and the other way round); no more than that is held.
 */
export async function* eachPost(
  db: Db,
  selection: Selection,
  resolve: (direct: { own: RecordRef[]; refer: RecordRef[] }) => Promise<RecordRef[]>,
): AsyncGenerator<SelectedPost> {
  const chosen = new Set(selection.ids);
  const ahead: Promise<SelectedPost | null>[] = [];
  let next = 0;
  const fill = () => {
    while (ahead.length < READ_AHEAD && next < selection.all.length) {
      const id = selection.all[next++]!;
      const p = loadPost(db, id, chosen.has(id), resolve);
      p.catch(() => {}); // awaited in turn below; a failure surfaces there
      ahead.push(p);
    }
  };
  fill();
  while (ahead.length) {
    const post = await ahead.shift()!;
    fill();
    if (post) yield post;
  }
}

/**
 * The handles of accounts that speak for government, whose names stay in a redacted export: an
 * account with a government role (corporate, bewindspersoon, official), an organisation, or a watch,
 * and the authors of the posts the user selected (an export is of government posts). Everyone else
 * (the authors of replies that came along) counts as a citizen.
 */
export async function governmentHandles(db: Db, selection: Selection): Promise<Set<string>> {
  const rows = await db.all<{ handle: string }>(
    `SELECT a.handle FROM account a WHERE a.role IN ('corporate','bewindspersoon','official')
       OR a.organisation IS NOT NULL OR a.id IN (SELECT account_id FROM watch)
       OR a.id IN (SELECT p.account_id FROM post p WHERE p.id IN (SELECT value FROM json_each(?)))`,
    [JSON.stringify(selection.ids)],
  );
  return new Set(rows.map((r) => r.handle));
}

/** The authors (handle, display name) of the selection's posts, in export order. */
export async function selectionAuthors(
  db: Db,
  selection: Selection,
): Promise<{ handle: string; name: string | null }[]> {
  return db.all<{ handle: string; name: string | null }>(
    `SELECT a.handle, a.display_name AS name FROM json_each(?) j JOIN post p ON p.id = j.value
       JOIN account a ON a.id = p.account_id GROUP BY a.id ORDER BY min(j.key)`,
    [JSON.stringify(selection.all)],
  );
}
