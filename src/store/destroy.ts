/**
 * Executing an approved destruction list (see ./retention.ts): one write transaction that removes
 * each post's rows, replaces each WARC record only destroyed posts stood on by a tombstone of the
 * same length, re-takes the checkpoints of the files it changed, writes the destruction records, and
 * seals all of it with one audit entry (each removed evidence row is noted in the evidence log, so
 * the chain seals its removal; `verify` finds it listed in `destroyed_row`).
 */
import { canonicalJson, sha256Hex } from '../domain/content.ts';
import { appendAudit } from './audit.ts';
import type { Db } from './db.ts';
import { type DisposalList, FileSwap, recheckpoint, tombstoneMember } from './retention.ts';
import { readRecordAt } from './warc.ts';

interface Loc {
  warc_file: string;
  warc_offset: number;
  warc_length: number;
  warc_record_id: string;
  warc_sha256: string | null;
}

interface PostRows {
  post: { id: number; platform: string; platform_id: string; url: string; account: string | null };
  versions: (Loc & { id: number; number: number; content_hash: string; capture_id: number | null })[];
  sightings: (Loc & { capture_id: number })[];
  media: string[];
  captures: number[];
}

async function rowsOf(db: Db, postId: number): Promise<PostRows | null> {
  const post = await db.get<PostRows['post']>(
    `SELECT p.id, p.platform, p.platform_id, p.url, a.handle AS account FROM post p
     LEFT JOIN account a ON a.id = p.account_id WHERE p.id = ?`,
    [postId],
  );
  if (!post) return null;
  const versions = await db.all<PostRows['versions'][number]>(
    `SELECT id, number, content_hash, capture_id, warc_file, warc_offset, warc_length, warc_record_id, warc_sha256
     FROM version WHERE post_id = ? ORDER BY number`,
    [postId],
  );
  const sightings = await db.all<PostRows['sightings'][number]>(
    'SELECT capture_id, warc_file, warc_offset, warc_length, warc_record_id, warc_sha256 FROM capture_post WHERE post_id = ?',
    [postId],
  );
  const media = (
    await db.all<{ sha256: string }>(
      `SELECT DISTINCT vm.sha256 FROM version_media vm JOIN version v ON v.id = vm.version_id
       WHERE v.post_id = ? AND vm.sha256 IS NOT NULL`,
      [postId],
    )
  ).map((m) => m.sha256);
  const captures = [
    ...new Set([...versions.map((v) => v.capture_id), ...sightings.map((s) => s.capture_id)]),
  ].filter((c): c is number => c !== null);
  return { post, versions, sightings, media, captures };
}

/**
 * Removes one post's rows (versions allowed by disposal_in_progress), each noted in the evidence log;
 * returns the media rows it removed and every (table, key) removed.
 */
async function removeRows(db: Db, r: PostRows): Promise<{ media: Loc[]; gone: [string, string][] }> {
  const id = r.post.id;
  const gone: [string, string][] = [];
  await db.run('DELETE FROM version_media WHERE version_id IN (SELECT value FROM json_each(?))', [
    JSON.stringify(r.versions.map((v) => v.id)),
  ]);
  await db.run('DELETE FROM capture_post WHERE post_id = ?', [id]);
  for (const s of r.sightings) gone.push(['capture_post', `${s.capture_id}:${id}`]);
  await db.run('DELETE FROM version WHERE post_id = ?', [id]);
  for (const v of r.versions) gone.push(['version', String(v.id)]);
  await db.run('DELETE FROM alert WHERE post_id = ?', [id]);
  await db.run('DELETE FROM appraisal WHERE post_id = ?', [id]);
  await db.run(`DELETE FROM appraisal_override WHERE scope = 'post' AND target_id = ?`, [id]);
  await db.run('UPDATE capture SET post_id = NULL WHERE post_id = ?', [id]);
  await db.run('DELETE FROM post WHERE id = ?', [id]);
  gone.push(['post', String(id)]);
  const media: Loc[] = [];
  for (const sha of r.media) {
    if (await db.get('SELECT 1 FROM version_media WHERE sha256 = ? LIMIT 1', [sha])) continue;
    const m = await db.get<Loc>(
      'SELECT warc_file, warc_offset, warc_length, warc_record_id, warc_sha256 FROM media WHERE sha256 = ?',
      [sha],
    );
    if (!m) continue;
    await db.run('DELETE FROM media WHERE sha256 = ?', [sha]);
    gone.push(['media', sha]);
    media.push(m);
  }
  for (const [tbl, key] of gone)
    await db.run('INSERT INTO evidence_log (tbl, row_key) VALUES (?, ?)', [tbl, key]);
  return { media, gone };
}

/**
 * The capture records no remaining row stands on: of the given locations; every record of a capture
 * left with no post; and, of a capture made of a destroyed post itself, every record but those its
 * remaining rows stand on and the responses (with their requests) that its remaining metadata records
 * cite — the post's own API answers go, the thread that still documents a surviving reply stays.
 */
async function orphanRecords(
  db: Db,
  warcDir: string,
  locs: Loc[],
  captures: number[],
  own: number[],
): Promise<(Loc & { capture_id: number })[]> {
  const empty: number[] = [];
  const kept = new Set<string>();
  for (const c of new Set([...captures, ...own])) {
    const left = await db.all<Loc>(
      `SELECT warc_file, warc_offset, warc_length, warc_record_id, warc_sha256 FROM version WHERE capture_id = ?1
       UNION ALL SELECT warc_file, warc_offset, warc_length, warc_record_id, warc_sha256 FROM capture_post WHERE capture_id = ?1`,
      [c],
    );
    if (!left.length) empty.push(c);
    else if (own.includes(c)) {
      empty.push(c);
      for (const id of await citedRecords(db, warcDir, c, left)) kept.add(id);
    }
  }
  const rows = await db.all<Loc & { capture_id: number; type: string }>(
    `SELECT cr.capture_id, cr.type, cr.warc_file, cr.warc_offset, cr.warc_length, cr.warc_record_id, cr.warc_sha256
     FROM capture_record cr
     WHERE (cr.capture_id IN (SELECT value FROM json_each(?1))
            OR cr.warc_file || '@' || cr.warc_offset IN (SELECT value FROM json_each(?2)))
       AND cr.type <> 'warcinfo'
       AND NOT EXISTS (SELECT 1 FROM version v WHERE v.warc_file = cr.warc_file AND v.warc_offset = cr.warc_offset)
       AND NOT EXISTS (SELECT 1 FROM media m WHERE m.warc_file = cr.warc_file AND m.warc_offset = cr.warc_offset)
       AND NOT EXISTS (SELECT 1 FROM capture_post p WHERE p.warc_file = cr.warc_file AND p.warc_offset = cr.warc_offset)`,
    [JSON.stringify(empty), JSON.stringify(locs.map((l) => `${l.warc_file}@${l.warc_offset}`))],
  );
  return rows.filter((r) => !kept.has(r.warc_record_id));
}

/** The record ids a capture's remaining metadata records cite (WARC-Refers-To), with the request before each. */
async function citedRecords(db: Db, warcDir: string, capture: number, metadata: Loc[]): Promise<string[]> {
  const cited = new Set<string>();
  for (const m of metadata) {
    const rec = await readRecordAt(warcDir, {
      file: m.warc_file,
      offset: m.warc_offset,
      length: m.warc_length,
    });
    const to = Object.entries(rec.headers).find(([k]) => k.toLowerCase() === 'warc-refers-to')?.[1];
    if (to) cited.add(to);
  }
  const all = await db.all<{ warc_record_id: string; type: string; uri: string }>(
    'SELECT warc_record_id, type, uri FROM capture_record WHERE capture_id = ? ORDER BY warc_file, warc_offset',
    [capture],
  );
  const out = new Set(cited);
  all.forEach((r, i) => {
    if (!cited.has(r.warc_record_id)) return;
    const request = all
      .slice(Math.max(0, i - 4), i)
      .reverse()
      .find((q) => q.type === 'request' && q.uri === r.uri);
    if (request) out.add(request.warc_record_id);
  });
  return [...out];
}

/** Replaces each record by a tombstone of its length (rows and file bytes); groups the file patches. */
async function tombstone(
  db: Db,
  records: (Loc & { capture_id: number })[],
  destructionId: number,
  patches: Map<string, { offset: number; bytes: Buffer }[]>,
): Promise<unknown[][]> {
  const destroyed: unknown[][] = [];
  for (const r of records) {
    const t = tombstoneMember(r.warc_length, {
      destroyed: true,
      record: r.warc_record_id,
      sha256: r.warc_sha256,
      destruction: destructionId,
    });
    await db.run('DELETE FROM capture_record WHERE warc_file = ? AND warc_offset = ?', [
      r.warc_file,
      r.warc_offset,
    ]);
    await db.run(
      `INSERT INTO capture_record (capture_id, uri, type, warc_file, warc_offset, warc_length, warc_record_id, warc_sha256)
       VALUES (?, ?, 'metadata', ?, ?, ?, ?, ?)`,
      [r.capture_id, t.uri, r.warc_file, r.warc_offset, r.warc_length, t.recordId, sha256Hex(t.bytes)],
    );
    destroyed.push([
      destructionId,
      r.warc_file,
      r.warc_offset,
      r.warc_length,
      r.warc_record_id,
      r.warc_sha256,
      t.recordId,
    ]);
    patches.set(r.warc_file, [
      ...(patches.get(r.warc_file) ?? []),
      { offset: r.warc_offset, bytes: t.bytes },
    ]);
  }
  return destroyed;
}

async function destroyOne(
  db: Db,
  warcDir: string,
  list: DisposalList,
  item: DisposalList['items'][number],
  approver: string,
  now: string,
  patches: Map<string, { offset: number; bytes: Buffer }[]>,
): Promise<{ id: number; records: number } | null> {
  const r = await rowsOf(db, item.post);
  if (!r) return null;
  const own: Loc[] = [...r.versions, ...r.sightings];
  // The id is taken inside the write transaction (serialised), so the tombstones can name it.
  const id = (await db.get<{ n: number }>('SELECT coalesce(max(id), 0) + 1 AS n FROM destruction'))!.n;
  const ownCaptures = (
    await db.all<{ id: number }>('SELECT id FROM capture WHERE post_id = ?', [r.post.id])
  ).map((c) => c.id);
  const { media, gone } = await removeRows(db, r);
  const records = await orphanRecords(db, warcDir, [...own, ...media], r.captures, ownCaptures);
  const destroyed = await tombstone(db, records, id, patches);
  const hashes = {
    versions: r.versions.map((v) => ({
      number: v.number,
      contentHash: v.content_hash,
      record: v.warc_sha256,
    })),
    records: [...new Set([...own, ...media, ...records].map((l) => l.warc_sha256).filter(Boolean))],
    media: r.media,
  };
  await db.run(
    `INSERT INTO destruction (id, list_id, post_id, platform, platform_id, url, account, category, valuation, term_years,
       due, proposed_by, approved_by, destroyed_at, hashes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'V', ?, ?, ?, ?, ?, ?)`,
    [
      id,
      list.id,
      r.post.id,
      r.post.platform,
      r.post.platform_id,
      r.post.url,
      r.post.account,
      item.category,
      item.termYears,
      item.due,
      list.proposedBy,
      approver,
      now,
      canonicalJson(hashes),
    ],
  );
  for (const [tbl, key] of gone)
    await db.run('INSERT INTO destroyed_row (destruction_id, tbl, row_key) VALUES (?, ?, ?)', [id, tbl, key]);
  for (const d of destroyed)
    await db.run(
      `INSERT INTO destroyed_record (destruction_id, warc_file, warc_offset, warc_length, warc_record_id, warc_sha256,
         tombstone_id) VALUES (?, ?, ?, ?, ?, ?, ?)`,
      d,
    );
  return { id, records: records.length };
}

/**
 * Destroys the posts of an approved list (the caller has checked terms, holds and the second admin).
 * Returns the destruction record ids.
 */
export async function destroyPosts(
  db: Db,
  warcDir: string,
  list: DisposalList,
  approver: string,
): Promise<number[]> {
  const swap = new FileSwap(warcDir);
  const ids = await db.transaction(
    async () => {
      const now = new Date().toISOString();
      await db.run('INSERT INTO disposal_in_progress (post_id) SELECT value FROM json_each(?)', [
        JSON.stringify(list.items.map((i) => i.post)),
      ]);
      const patches = new Map<string, { offset: number; bytes: Buffer }[]>();
      const done: number[] = [];
      let records = 0;
      for (const item of list.items) {
        const d = await destroyOne(db, warcDir, list, item, approver, now, patches);
        if (d) {
          done.push(d.id);
          records += d.records;
        }
      }
      for (const [file, p] of patches) {
        swap.patch(file, p);
        await recheckpoint(db, warcDir, file);
      }
      await db.run('DELETE FROM disposal_in_progress');
      await db.run(
        `UPDATE disposal_list SET status = 'executed', approved_by = ?, approved_at = ? WHERE id = ?`,
        [approver, now, list.id],
      );
      const rows = await db.all('SELECT * FROM destruction WHERE list_id = ? ORDER BY id', [list.id]);
      await appendAudit(db, {
        actor: approver,
        action: 'retention.destroy',
        subject: `destruction list ${list.id}`,
        detail: {
          list: list.id,
          proposedBy: list.proposedBy,
          approvedBy: approver,
          posts: list.items.map((i) => i.post),
          destructions: done,
          records,
          sha256: sha256Hex(canonicalJson(rows)),
        },
      });
      return done;
    },
    async () => swap.rollback(),
  );
  swap.commit();
  return ids;
}
