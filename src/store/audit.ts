import { canonicalJson, sha256Hex } from '../domain/content.ts';
import type { Db } from './db.ts';
import { COVERED, canonicalRow, currentRows, merkleRoot, rowsRoot } from './ingest/evidence.ts';

export const GENESIS = '0'.repeat(64);

export interface AuditEntry {
  actor: string | null;
  action: string;
  subject?: string | null;
  detail?: Record<string, unknown>;
}

/**
 * What an audit entry seals besides itself: the evidence-log entries `from`–`to` (every row added to,
 * or identity changed in, an evidence table since the entry before), by the hash of their canonical
 * rows, and the Merkle root of the WARC records among them (write order).
 */
export interface SealedEvidence {
  from: number;
  to: number;
  rows: string;
  records: { n: number; root: string };
}

interface AuditRow {
  id: number;
  at: string;
  actor: string | null;
  action: string;
  subject: string | null;
  detail: string;
  evidence: string | null;
  prev_hash: string;
  hash: string;
}

function entryHash(
  prev: string,
  e: {
    at: string;
    actor: string | null;
    action: string;
    subject: string | null;
    detail: string;
    evidence: string | null;
  },
) {
  // Entries without evidence hash as they did before migration 6, so an older chain still holds.
  const fields: Record<string, unknown> = {
    at: e.at,
    actor: e.actor,
    action: e.action,
    subject: e.subject,
    detail: e.detail,
  };
  if (e.evidence !== null) fields.evidence = e.evidence;
  return sha256Hex(`${prev}\n${canonicalJson(fields)}`);
}

/** The canonical rows of the pending evidence-log entries, written into the log; null when none wait. */
async function sealPendingRows(db: Db): Promise<SealedEvidence | null> {
  const pending = await db.all<{ id: number; tbl: string; row_key: string }>(
    'SELECT id, tbl, row_key FROM evidence_log WHERE row IS NULL ORDER BY id',
  );
  if (!pending.length) return null;
  // Grouped in one pass (copying the table's list per row was quadratic: millions of pending rows
  // after a bulk import never sealed).
  const byTable = new Map<string, Set<string>>();
  for (const p of pending) {
    const keys = byTable.get(p.tbl);
    if (keys) keys.add(p.row_key);
    else byTable.set(p.tbl, new Set([p.row_key]));
  }
  const rows = new Map<string, Map<string, string>>();
  for (const [tbl, keys] of byTable) {
    if (COVERED[tbl]) rows.set(tbl, await currentRows(db, tbl, [...keys]));
  }
  const sealed = pending.map((p) => ({
    ...p,
    row: rows.get(p.tbl)?.get(p.row_key) ?? canonicalRow(p.tbl, undefined),
  }));
  await db.run(
    `UPDATE evidence_log SET row = j.value->>'row' FROM json_each(?) j WHERE evidence_log.id = j.value->>'id'`,
    [JSON.stringify(sealed.map((s) => ({ id: s.id, row: s.row })))],
  );
  return {
    from: sealed[0]!.id,
    to: sealed.at(-1)!.id,
    rows: rowsRoot(sealed),
    records: recordsRoot(sealed),
  };
}

/** The Merkle root over the WARC records among sealed log entries (capture_record rows, in log order). */
export function recordsRoot(sealed: { tbl: string; row: string }[]): { n: number; root: string } {
  const hashes = sealed
    .filter((s) => s.tbl === 'capture_record' && s.row !== 'null')
    .map((s) => (JSON.parse(s.row) as { warc_sha256: string | null }).warc_sha256 ?? sha256Hex(''));
  return { n: hashes.length, root: merkleRoot(hashes) };
}

/**
 * Appends one entry, chained to the previous entry's hash, sealing every evidence row written since
 * the entry before (see SealedEvidence). Call it inside a write transaction (Db.transaction takes the
 * write lock first), so the chain stays linear across processes and seals the rows of its own
 * transaction.
 */
export async function appendAudit(db: Db, entry: AuditEntry, at = new Date().toISOString()): Promise<string> {
  const last = await db.get<{ hash: string }>('SELECT hash FROM audit ORDER BY id DESC LIMIT 1');
  const prev = last?.hash ?? GENESIS;
  const evidence = await sealPendingRows(db);
  const row = {
    at,
    actor: entry.actor,
    action: entry.action,
    subject: entry.subject ?? null,
    detail: canonicalJson(entry.detail ?? {}),
    evidence: evidence ? canonicalJson(evidence) : null,
  };
  const hash = entryHash(prev, row);
  await db.run(
    'INSERT INTO audit (at, actor, action, subject, detail, evidence, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    [row.at, row.actor, row.action, row.subject, row.detail, row.evidence, prev, hash],
  );
  return hash;
}

/**
 * Seals evidence rows written outside an audited action (a re-check's status change, say) with an
 * entry of its own; does nothing when none wait. Call it inside the write transaction that wrote them.
 */
export async function sealPending(db: Db, actor: string | null, action = 'evidence.seal'): Promise<boolean> {
  const waiting = await db.get('SELECT 1 FROM evidence_log WHERE row IS NULL LIMIT 1');
  if (!waiting) return false;
  await appendAudit(db, { actor, action });
  return true;
}

/** The newest audit entry: what a seal signs and what verify expects the chain to end at. */
export async function auditHead(db: Db): Promise<{ id: number; hash: string; at: string } | null> {
  return (
    (await db.get<{ id: number; hash: string; at: string }>(
      'SELECT id, hash, at FROM audit ORDER BY id DESC LIMIT 1',
    )) ?? null
  );
}

export interface ChainReport {
  entries: number;
  problems: string[];
  /** The entries that seal evidence, in order, with what they seal. */
  seals: { id: number; evidence: SealedEvidence }[];
  head: { id: number; hash: string } | null;
}

/** Recomputes the whole chain; returns one line per entry that does not hold. */
export async function verifyAuditChain(db: Db): Promise<ChainReport> {
  const rows = await db.all<AuditRow>('SELECT * FROM audit ORDER BY id');
  const problems: string[] = [];
  const seals: ChainReport['seals'] = [];
  let prev = GENESIS;
  for (const r of rows) {
    if (r.prev_hash !== prev) problems.push(`audit entry ${r.id}: does not link to the entry before it`);
    if (entryHash(r.prev_hash, r) !== r.hash)
      problems.push(`audit entry ${r.id}: content does not match its hash`);
    if (r.evidence) {
      try {
        seals.push({ id: r.id, evidence: JSON.parse(r.evidence) as SealedEvidence });
      } catch {
        problems.push(`audit entry ${r.id}: its evidence seal is not valid JSON`);
      }
    }
    prev = r.hash;
  }
  const last = rows.at(-1);
  return { entries: rows.length, problems, seals, head: last ? { id: last.id, hash: last.hash } : null };
}
