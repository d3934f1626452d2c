/**
 * The rows that hold evidence or identity, in the canonical form the audit chain seals (see
 * migration 6 and src/store/audit.ts), and the Merkle root of a capture's WARC records.
 */
import { canonicalJson, sha256Hex } from '../../domain/content.ts';
import type { Db } from '../db.ts';

/** Per covered table: how a row is keyed (as the evidence_log triggers key it) and which columns count. */
export const COVERED: Record<
  string,
  {
    key: string;
    match: string;
    columns: string[];
    from: string;
    what: string;
    /**
     * Columns added after rows were first sealed: left out of the canonical row while NULL, so a row
     * sealed before the column existed still reads as it was sealed (and a value set later differs).
     */
    added?: string[];
  }
> = {
  version: {
    key: 'id',
    match: 'id IN (SELECT CAST(value AS INTEGER) FROM json_each(?))',
    from: 'version',
    what: 'version',
    columns: [
      'id',
      'post_id',
      'number',
      'captured_at',
      'valid_from',
      'content_hash',
      'content',
      'text',
      'origin',
      'trigger',
      'actor',
      'method',
      'misses',
      'capture_id',
      'warc_file',
      'warc_offset',
      'warc_length',
      'warc_record_id',
      'warc_sha256',
      'valid_from_latest',
    ],
    added: ['valid_from_latest'],
  },
  media: {
    key: 'sha256',
    match: 'sha256 IN (SELECT value FROM json_each(?))',
    from: 'media',
    what: 'media',
    columns: [
      'sha256',
      'type',
      'mime',
      'size',
      'url',
      'first_seen',
      'warc_file',
      'warc_offset',
      'warc_length',
      'warc_record_id',
      'warc_sha256',
    ],
  },
  capture: {
    key: 'id',
    match: 'id IN (SELECT CAST(value AS INTEGER) FROM json_each(?))',
    from: 'capture',
    what: 'capture',
    columns: [
      'id',
      'url',
      'trigger',
      'requested_by',
      'channel',
      'status',
      'error',
      'post_id',
      'started_at',
      'finished_at',
    ],
  },
  capture_record: {
    key: "warc_file || '@' || warc_offset",
    match: `(warc_file, warc_offset) IN (SELECT substr(value, 1, instr(value, '@') - 1),
      CAST(substr(value, instr(value, '@') + 1) AS INTEGER) FROM json_each(?))`,
    from: 'capture_record',
    what: 'record',
    columns: [
      'capture_id',
      'uri',
      'type',
      'warc_file',
      'warc_offset',
      'warc_length',
      'warc_record_id',
      'warc_sha256',
    ],
  },
  capture_post: {
    key: "capture_id || ':' || post_id",
    match: `(capture_id, post_id) IN (SELECT CAST(substr(value, 1, instr(value, ':') - 1) AS INTEGER),
      CAST(substr(value, instr(value, ':') + 1) AS INTEGER) FROM json_each(?))`,
    from: 'capture_post',
    what: 'sighting',
    columns: [
      'capture_id',
      'post_id',
      'version_id',
      'role',
      'seen_at',
      'warc_file',
      'warc_offset',
      'warc_length',
      'warc_record_id',
      'warc_sha256',
    ],
  },
  post: {
    key: 'id',
    match: 'id IN (SELECT CAST(value AS INTEGER) FROM json_each(?))',
    from: 'post',
    what: 'post',
    columns: ['id', 'platform', 'platform_id', 'url', 'status'],
  },
  warc_file: {
    key: 'name',
    match: 'name IN (SELECT value FROM json_each(?))',
    from: 'warc_file',
    what: 'WARC file',
    columns: ['name', 'size', 'sha256'],
  },
};

/** Long values (a version's text and content) are sealed by their SHA-256, so the log stays small. */
function sealValue(v: unknown): unknown {
  return typeof v === 'string' && v.length > 64 ? `sha256:${sha256Hex(v)}` : v;
}

/** A row as sealed: its covered columns, long values replaced by their SHA-256. */
export function canonicalRow(tbl: string, row: Record<string, unknown> | undefined): string {
  if (!row) return 'null';
  const out: Record<string, unknown> = {};
  const spec = COVERED[tbl]!;
  for (const c of spec.columns) {
    if ((row[c] ?? null) === null && spec.added?.includes(c)) continue;
    out[c] = sealValue(row[c] ?? null);
  }
  return canonicalJson(out);
}

/** The current canonical rows of one table for these keys (a key with no row is absent). */
export async function currentRows(db: Db, tbl: string, keys: string[]): Promise<Map<string, string>> {
  const spec = COVERED[tbl]!;
  const out = new Map<string, string>();
  const CHUNK = 5000;
  for (let i = 0; i < keys.length; i += CHUNK) {
    const rows = await db.all<Record<string, unknown> & { k: string }>(
      `SELECT ${spec.columns.join(', ')}, CAST(${spec.key} AS TEXT) AS k FROM ${spec.from}
       WHERE ${spec.match}`,
      [JSON.stringify(keys.slice(i, i + CHUNK))],
    );
    for (const r of rows) out.set(r.k, canonicalRow(tbl, r));
  }
  return out;
}

/** Every key of one covered table, as the triggers write it. */
export async function allKeys(db: Db, tbl: string): Promise<string[]> {
  const spec = COVERED[tbl]!;
  const rows = await db.all<{ k: string }>(`SELECT CAST(${spec.key} AS TEXT) AS k FROM ${spec.from}`);
  return rows.map((r) => r.k);
}

/** One line per sealed log entry; the hash over these lines is what an audit entry keeps. */
function logLine(e: { id: number; tbl: string; row_key: string; row: string }): string {
  return `${e.id}\t${e.tbl}\t${e.row_key}\t${e.row}`;
}

export function rowsRoot(entries: { id: number; tbl: string; row_key: string; row: string }[]): string {
  return sha256Hex(entries.map(logLine).join('\n'));
}

/**
 * The Merkle root of a list of record hashes in write order: leaves are the records' SHA-256 (as
 * bytes), each parent is SHA-256(0x01 ‖ left ‖ right), an odd node is carried up unchanged; the
 * root of no records is SHA-256 of nothing.
 */
export function merkleRoot(hashes: string[]): string {
  if (!hashes.length) return sha256Hex('');
  let level: Buffer[] = hashes.map((h) => Buffer.from(h, 'hex'));
  while (level.length > 1) {
    const next: Buffer[] = [];
    for (let i = 0; i < level.length; i += 2) {
      const right = level[i + 1];
      next.push(
        right
          ? Buffer.from(sha256Hex(Buffer.concat([Buffer.from([1]), level[i]!, right])), 'hex')
          : level[i]!,
      );
    }
    level = next;
  }
  return level[0]!.toString('hex');
}
