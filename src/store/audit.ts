import { canonicalJson, sha256Hex } from '../domain/content.ts';
import type { Db } from './db.ts';

export const GENESIS = '0'.repeat(64);

export interface AuditEntry {
  actor: string | null;
  action: string;
  subject?: string | null;
  detail?: Record<string, unknown>;
}

function entryHash(
  prev: string,
  e: { at: string; actor: string | null; action: string; subject: string | null; detail: string },
) {
  return sha256Hex(
    `${prev}\n${canonicalJson({ at: e.at, actor: e.actor, action: e.action, subject: e.subject, detail: e.detail })}`,
  );
}

/**
 * Appends one entry, chained to the previous entry's hash. Call it inside a write transaction
 * (Db.transaction takes the write lock first), so the chain stays linear across processes.
 */
export async function appendAudit(db: Db, entry: AuditEntry, at = new Date().toISOString()): Promise<string> {
  const last = await db.get<{ hash: string }>('SELECT hash FROM audit ORDER BY id DESC LIMIT 1');
  const prev = last?.hash ?? GENESIS;
  const row = {
    at,
    actor: entry.actor,
    action: entry.action,
    subject: entry.subject ?? null,
    detail: canonicalJson(entry.detail ?? {}),
  };
  const hash = entryHash(prev, row);
  await db.run(
    'INSERT INTO audit (at, actor, action, subject, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)',
    [row.at, row.actor, row.action, row.subject, row.detail, prev, hash],
  );
  return hash;
}

/** Recomputes the whole chain; returns one line per entry that does not hold. */
export async function verifyAuditChain(db: Db): Promise<{ entries: number; problems: string[] }> {
  const rows = await db.all<{
    id: number;
    at: string;
    actor: string | null;
    action: string;
    subject: string | null;
    detail: string;
    prev_hash: string;
    hash: string;
  }>('SELECT * FROM audit ORDER BY id');
  const problems: string[] = [];
  let prev = GENESIS;
  for (const r of rows) {
    if (r.prev_hash !== prev) problems.push(`audit entry ${r.id}: does not link to the entry before it`);
    if (entryHash(r.prev_hash, r) !== r.hash)
      problems.push(`audit entry ${r.id}: content does not match its hash`);
    prev = r.hash;
  }
  return { entries: rows.length, problems };
}
