/**
 * Retention in the store (migration 15): archivists' appraisals, holds, destruction lists, and the
 * destruction itself. Nothing is deleted outside `destroyPosts`, which runs one approved list in one
 * write transaction: each post's rows go, each WARC record only it stood on is replaced in place by a
 * tombstone record of the same length (so every other record keeps its offset and digests), the
 * closed files' checkpoints are taken again, and the destruction records (what, category, term, who
 * proposed, who approved, when, the hashes of what was destroyed) are written and sealed by the audit
 * entry that ends the transaction. `verify` reads the destruction records to tell these gaps from
 * tampering.
 */
import { randomUUID } from 'node:crypto';
import {
  closeSync,
  copyFileSync,
  existsSync,
  fsyncSync,
  openSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';
import { canonicalJson, sha256Hex } from '../domain/content.ts';
import { appendAudit } from './audit.ts';
import type { Db } from './db.ts';
import { hashFile } from './ingest/write.ts';

export interface EffectiveAppraisal {
  postId: number;
  valuation: 'B' | 'V' | null;
  termYears: number | null;
  category: string | null;
  source: 'post' | 'account' | 'kb';
  /** When the term starts: the post's time, else when the archive first saw it. */
  start: string;
  /** When the term ends (V with a term only). */
  due: string | null;
}

/** The appraisal that counts per post: an archivist's for the post, else for its account, else the KB's. */
const EFFECTIVE = `
  SELECT p.id AS postId, coalesce(p.created_at, p.first_seen) AS start,
    CASE WHEN po.id IS NOT NULL THEN 'post' WHEN ao.id IS NOT NULL THEN 'account' ELSE 'kb' END AS source,
    CASE WHEN po.id IS NOT NULL THEN po.valuation WHEN ao.id IS NOT NULL THEN ao.valuation ELSE ap.valuation END AS valuation,
    CASE WHEN po.id IS NOT NULL THEN po.term_years WHEN ao.id IS NOT NULL THEN ao.term_years ELSE ap.term_years END AS termYears,
    CASE WHEN po.id IS NOT NULL THEN po.category WHEN ao.id IS NOT NULL THEN ao.category ELSE ap.rule END AS category
  FROM post p
  LEFT JOIN appraisal_override po ON po.scope = 'post' AND po.target_id = p.id
  LEFT JOIN appraisal_override ao ON ao.scope = 'account' AND ao.target_id = p.account_id
  LEFT JOIN appraisal ap ON ap.post_id = p.id`;

function withDue(r: Omit<EffectiveAppraisal, 'due'>): EffectiveAppraisal {
  if (r.valuation !== 'V' || !r.termYears) return { ...r, due: null };
  const d = new Date(r.start);
  d.setUTCFullYear(d.getUTCFullYear() + r.termYears);
  return { ...r, due: d.toISOString() };
}

export async function effectiveAppraisal(db: Db, postId: number): Promise<EffectiveAppraisal | null> {
  const row = await db.get<Omit<EffectiveAppraisal, 'due'>>(`${EFFECTIVE} WHERE p.id = ?`, [postId]);
  return row ? withDue(row) : null;
}

/** Posts appraised V whose term has ended by `now` (held or not: the caller leaves held posts out). */
export async function postsPastTerm(
  db: Db,
  now: Date,
): Promise<(EffectiveAppraisal & { url: string; account: string | null })[]> {
  const rows = await db.all<Omit<EffectiveAppraisal, 'due'> & { url: string; account: string | null }>(
    `SELECT e.*, p.url, a.handle AS account FROM (${EFFECTIVE}) e JOIN post p ON p.id = e.postId
     LEFT JOIN account a ON a.id = p.account_id
     WHERE e.valuation = 'V' AND e.termYears > 0 ORDER BY e.start, e.postId`,
  );
  return rows.map(withDue).filter((r) => r.due !== null && r.due <= now.toISOString()) as never;
}

export interface AppraisalInput {
  scope: 'account' | 'post';
  targetId: number;
  valuation: 'B' | 'V';
  termYears: number | null;
  category: string | null;
  reason: string | null;
  actor: string;
}

export async function setAppraisal(db: Db, a: AppraisalInput): Promise<void> {
  await db.transaction(async () => {
    const now = new Date().toISOString();
    await db.run(
      `INSERT INTO appraisal_override (scope, target_id, valuation, term_years, category, reason, set_by, set_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (scope, target_id) DO UPDATE SET valuation = excluded.valuation, term_years = excluded.term_years,
         category = excluded.category, reason = excluded.reason, set_by = excluded.set_by, set_at = excluded.set_at`,
      [a.scope, a.targetId, a.valuation, a.termYears, a.category, a.reason, a.actor, now],
    );
    await appendAudit(db, {
      actor: a.actor,
      action: 'retention.appraise',
      subject: `${a.scope} ${a.targetId}`,
      detail: { valuation: a.valuation, termYears: a.termYears, category: a.category, reason: a.reason },
    });
  });
}

export interface Hold {
  id: number;
  selection: string;
  describe: string;
  reason: string;
  createdBy: string;
  createdAt: string;
  releasedBy: string | null;
  releasedAt: string | null;
  posts: number;
}

export async function addHold(
  db: Db,
  h: { selection: unknown; describe: string; reason: string; actor: string; postIds: number[] },
): Promise<number> {
  return db.transaction(async () => {
    const { lastID } = await db.run(
      'INSERT INTO hold (selection, describe, reason, created_by, created_at) VALUES (?, ?, ?, ?, ?)',
      [JSON.stringify(h.selection), h.describe, h.reason, h.actor, new Date().toISOString()],
    );
    await db.run('INSERT INTO hold_post (hold_id, post_id) SELECT ?, value FROM json_each(?)', [
      lastID,
      JSON.stringify(h.postIds),
    ]);
    await appendAudit(db, {
      actor: h.actor,
      action: 'retention.hold',
      subject: `hold ${lastID}`,
      detail: { describe: h.describe, reason: h.reason, posts: h.postIds.length },
    });
    return lastID;
  });
}

export async function listHolds(db: Db, all = false): Promise<Hold[]> {
  return db.all<Hold>(
    `SELECT h.id, h.selection, h.describe, h.reason, h.created_by AS createdBy, h.created_at AS createdAt,
            h.released_by AS releasedBy, h.released_at AS releasedAt,
            (SELECT count(*) FROM hold_post hp WHERE hp.hold_id = h.id) AS posts
     FROM hold h ${all ? '' : 'WHERE h.released_at IS NULL'} ORDER BY h.id`,
  );
}

/** Releases a hold; false when there is no such active hold. */
export async function releaseHold(db: Db, id: number, actor: string): Promise<boolean> {
  return db.transaction(async () => {
    const { changes } = await db.run(
      'UPDATE hold SET released_by = ?, released_at = ? WHERE id = ? AND released_at IS NULL',
      [actor, new Date().toISOString(), id],
    );
    if (!changes) return false;
    await appendAudit(db, { actor, action: 'retention.release', subject: `hold ${id}` });
    return true;
  });
}

/** The posts an active hold named when it was made. */
export async function heldAtCreation(db: Db): Promise<Map<number, number[]>> {
  const rows = await db.all<{ hold_id: number; post_id: number }>(
    `SELECT hp.hold_id, hp.post_id FROM hold_post hp JOIN hold h ON h.id = hp.hold_id WHERE h.released_at IS NULL`,
  );
  const out = new Map<number, number[]>();
  for (const r of rows) out.set(r.post_id, [...(out.get(r.post_id) ?? []), r.hold_id]);
  return out;
}

/** Notes posts a hold covers now (its selection matched them later): the version trigger then protects them too. */
export async function extendHold(db: Db, holdId: number, postIds: number[]): Promise<void> {
  if (!postIds.length) return;
  await db.run('INSERT OR IGNORE INTO hold_post (hold_id, post_id) SELECT ?, value FROM json_each(?)', [
    holdId,
    JSON.stringify(postIds),
  ]);
}

export interface ListItem {
  post: number;
  url: string;
  account: string | null;
  category: string | null;
  termYears: number;
  start: string;
  due: string;
}

export interface DisposalList {
  id: number;
  status: 'proposed' | 'executed' | 'withdrawn';
  items: ListItem[];
  proposedBy: string;
  proposedAt: string;
  approvedBy: string | null;
  approvedAt: string | null;
}

export async function proposeList(db: Db, items: ListItem[], actor: string): Promise<number> {
  return db.transaction(async () => {
    const now = new Date().toISOString();
    const { lastID } = await db.run(
      `INSERT INTO disposal_list (status, items, proposed_by, proposed_at) VALUES ('proposed', ?, ?, ?)`,
      [JSON.stringify(items), actor, now],
    );
    await appendAudit(db, {
      actor,
      action: 'retention.propose',
      subject: `destruction list ${lastID}`,
      detail: { posts: items.map((i) => i.post), sha256: sha256Hex(canonicalJson(items)) },
    });
    return lastID;
  });
}

export async function getList(db: Db, id: number): Promise<DisposalList | null> {
  const r = await db.get<Omit<DisposalList, 'items'> & { items: string }>(
    `SELECT id, status, items, proposed_by AS proposedBy, proposed_at AS proposedAt, approved_by AS approvedBy,
            approved_at AS approvedAt FROM disposal_list WHERE id = ?`,
    [id],
  );
  return r ? { ...r, items: JSON.parse(r.items) as ListItem[] } : null;
}

export interface DestructionRecord {
  id: number;
  listId: number;
  postId: number;
  platform: string;
  platformId: string;
  url: string;
  account: string | null;
  category: string | null;
  valuation: string;
  termYears: number;
  due: string;
  proposedBy: string;
  approvedBy: string;
  destroyedAt: string;
  hashes: {
    versions: { number: number; contentHash: string; record: string | null }[];
    records: string[];
    media: string[];
  };
}

export async function destructions(db: Db, listId?: number): Promise<DestructionRecord[]> {
  const rows = await db.all<Omit<DestructionRecord, 'hashes'> & { hashes: string }>(
    `SELECT id, list_id AS listId, post_id AS postId, platform, platform_id AS platformId, url, account, category,
            valuation, term_years AS termYears, due, proposed_by AS proposedBy, approved_by AS approvedBy,
            destroyed_at AS destroyedAt, hashes
     FROM destruction ${listId === undefined ? '' : 'WHERE list_id = ?'} ORDER BY id`,
    listId === undefined ? [] : [listId],
  );
  return rows.map((r) => ({ ...r, hashes: JSON.parse(r.hashes) }));
}

/**
 * A WARC record in a gzip member of exactly `length` bytes that says which record was destroyed where
 * (the padding goes in the gzip header's extra field, and for large records into a stored body), so
 * the records around it keep their offsets.
 */
export function tombstoneMember(
  length: number,
  fields: Record<string, unknown>,
): { bytes: Buffer; recordId: string; uri: string } {
  const recordId = `<urn:uuid:${randomUUID()}>`;
  const uri = `urn:archiefbot:destroyed:${String(fields.record).replace(/^<|>$/g, '')}`;
  const build = (pad: number) => {
    const body = Buffer.from(`${JSON.stringify(fields)}\n${' '.repeat(pad)}`);
    const head = [
      'WARC/1.1',
      'WARC-Type: metadata',
      `WARC-Record-ID: ${recordId}`,
      `WARC-Date: ${new Date().toISOString()}`,
      `WARC-Target-URI: ${uri}`,
      'Content-Type: application/json',
      `WARC-Block-Digest: sha256:${sha256Hex(body)}`,
      `Content-Length: ${body.length}`,
    ].join('\r\n');
    return Buffer.concat([Buffer.from(`${head}\r\n\r\n`), body, Buffer.from('\r\n\r\n')]);
  };
  let pad = 0;
  let level = 9;
  for (let i = 0; i < 64; i++) {
    const rec = build(pad);
    const deflated = deflateRawSync(rec, { level });
    const gap = length - (12 + deflated.length + 8);
    if (gap >= 4 && gap <= 65_535) return { bytes: gzipMember(rec, deflated, gap), recordId, uri };
    if (gap < 4 && level === 9) throw new Error(`a record of ${length} bytes is too small for a tombstone`);
    // Too much room: a stored (uncompressed) body of spaces takes it, byte for byte.
    level = 0;
    pad = Math.max(0, pad + (gap > 65_535 ? gap - 32_768 : gap - 64));
  }
  throw new Error(`no tombstone of exactly ${length} bytes could be made`);
}

function gzipMember(raw: Buffer, deflated: Buffer, extra: number): Buffer {
  const header = Buffer.alloc(12 + extra);
  header.set([0x1f, 0x8b, 8, 4, 0, 0, 0, 0, 0, 255]);
  header.writeUInt16LE(extra, 10);
  header.set([0x41, 0x42], 12); // subfield "AB": padding
  header.writeUInt16LE(extra - 4, 14);
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc32(raw), 0);
  trailer.writeUInt32LE(raw.length % 2 ** 32, 4);
  return Buffer.concat([header, deflated, trailer]);
}

/** Files rewritten with tombstones: each written beside the original and swapped in; undone on rollback. */
export class FileSwap {
  private readonly backups: [string, string][] = [];

  constructor(private readonly dir: string) {}

  /** Writes each tombstone at its offset in a copy of the file, then puts the copy in the file's place. */
  patch(file: string, patches: { offset: number; bytes: Buffer }[]): void {
    const full = path.join(this.dir, file);
    const copy = `${full}.destroying`;
    const backup = `${full}.before-destruction`;
    copyFileSync(full, copy);
    const fd = openSync(copy, 'r+');
    try {
      for (const p of patches) writeSync(fd, p.bytes, 0, p.bytes.length, p.offset);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(full, backup);
    renameSync(copy, full);
    this.backups.push([full, backup]);
  }

  /** After the commit: the originals (with the destroyed records) go. */
  commit(): void {
    for (const [, backup] of this.backups) rmSync(backup, { force: true });
  }

  rollback(): void {
    for (const [full, backup] of this.backups.reverse()) if (existsSync(backup)) renameSync(backup, full);
  }
}

/** The SHA-256 of a closed file's first `size` bytes, taken again after its records were replaced. */
export async function recheckpoint(db: Db, dir: string, file: string): Promise<void> {
  const row = await db.get<{ size: number }>('SELECT size FROM warc_file WHERE name = ?', [file]);
  if (!row) return;
  const now = await hashFile(path.join(dir, file), row.size);
  await db.run('UPDATE warc_file SET sha256 = ?, recorded_at = ? WHERE name = ?', [
    now.sha256,
    new Date().toISOString(),
    file,
  ]);
  await db.run(`INSERT INTO evidence_log (tbl, row_key) VALUES ('warc_file', ?)`, [file]);
}
