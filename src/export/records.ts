/**
 * WARC records read out of the archive's files for an export: each record's gzip member exactly as
 * stored (so its digests and the SHA-256 the archive keeps of it still hold in the package), with the
 * few headers an index needs. A member whose bytes no longer hash to the archive's SHA-256 is refused:
 * an export never hands on evidence that `verify` would call altered.
 */
import { type FileHandle, open } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { sha256Hex } from '../domain/content.ts';
import type { Db } from '../store/db.ts';
import type { RecordRef } from './selection.ts';

export interface CopiedRecord {
  ref: RecordRef;
  /** The gzip member as stored. */
  bytes: Buffer;
  type: string;
  uri: string;
  date: string;
  recordId: string;
  payloadDigest: string | null;
  /** WARC-Refers-To: the record id a metadata or revisit record names. */
  refersTo: string | null;
  refersToUri: string | null;
  refersToDate: string | null;
  /** For response and revisit records: the HTTP status and the payload's media type. */
  status: number | null;
  mime: string | null;
  /** The record's block (decompressed), kept only when asked for (`withBlock`). */
  block?: Buffer;
}

export class RecordReader {
  /** One handle per file, opened once (posts read ahead ask for the same file at the same time). */
  private readonly handles = new Map<string, Promise<FileHandle>>();

  constructor(private readonly warcDir: string) {}

  async read(ref: RecordRef, withBlock = false): Promise<CopiedRecord> {
    let opening = this.handles.get(ref.file);
    if (!opening) {
      opening = open(path.join(this.warcDir, ref.file), 'r');
      this.handles.set(ref.file, opening);
    }
    const fh = await opening;
    const bytes = Buffer.alloc(ref.length);
    const { bytesRead } = await fh.read(bytes, 0, ref.length, ref.offset);
    if (bytesRead !== ref.length)
      throw new Error(`${ref.file}@${ref.offset}: the file ends inside the record`);
    if (ref.sha256 && sha256Hex(bytes) !== ref.sha256)
      throw new Error(
        `${ref.file}@${ref.offset}: the record differs from the SHA-256 the archive keeps (run archiefbot verify)`,
      );
    return { ref, bytes, ...parseRecord(gunzipSync(bytes), withBlock) };
  }

  async close(): Promise<void> {
    for (const fh of this.handles.values()) await (await fh.catch(() => null))?.close().catch(() => {});
    this.handles.clear();
  }
}

function headerMap(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\r\n').slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0) out.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return out;
}

/** The WARC headers (and for HTTP records, the status and media type) of one decompressed record. */
export function parseRecord(raw: Buffer, withBlock: boolean): Omit<CopiedRecord, 'ref' | 'bytes'> {
  const end = raw.indexOf('\r\n\r\n');
  const h = headerMap(raw.subarray(0, end).toString('utf8'));
  const type = h.get('warc-type') ?? '';
  const length = Number(h.get('content-length') ?? 0);
  const block = raw.subarray(end + 4, end + 4 + length);
  let status: number | null = null;
  let mime: string | null = null;
  if (type === 'response' || type === 'revisit') {
    const httpEnd = block.indexOf('\r\n\r\n');
    const head = block.subarray(0, httpEnd < 0 ? Math.min(block.length, 4096) : httpEnd).toString('latin1');
    const m = /^HTTP\/[\d.]+ (\d{3})/.exec(head);
    status = m ? Number(m[1]) : null;
    const ct = headerMap(`x\r\n${head.split('\r\n').slice(1).join('\r\n')}`).get('content-type');
    mime = ct ? ct.split(';')[0]!.trim().toLowerCase() : null;
  }
  return {
    type,
    uri: h.get('warc-target-uri') ?? '',
    date: h.get('warc-date') ?? '',
    recordId: h.get('warc-record-id') ?? '',
    payloadDigest: h.get('warc-payload-digest') ?? null,
    refersTo: h.get('warc-refers-to') ?? null,
    refersToUri: h.get('warc-refers-to-target-uri') ?? null,
    refersToDate: h.get('warc-refers-to-date') ?? null,
    status,
    mime,
    ...(withBlock ? { block: Buffer.from(block) } : {}),
  };
}

interface Indexed extends RecordRef {
  type: string;
  uri: string;
}

/**
 * Finds the response a metadata record cites (WARC-Refers-To) and the request that fetched it, by
 * record id, in the capture that holds the metadata record. Each capture's record list is read once
 * and a few are kept (an account backfill's pages serve forty posts each, in order).
 */
export class EvidenceResolver {
  /** Each capture's index, loaded once (posts read ahead ask for the same capture at the same time). */
  private readonly captures = new Map<number, Promise<{ byId: Map<string, number>; list: Indexed[] }>>();

  constructor(
    private readonly db: Db,
    private readonly reader: RecordReader,
    private readonly keep = 4,
  ) {}

  private async index(file: string, offset: number) {
    const row = await this.db.get<{ capture_id: number }>(
      'SELECT capture_id FROM capture_record WHERE warc_file = ? AND warc_offset = ?',
      [file, offset],
    );
    if (!row) return null;
    let entry = this.captures.get(row.capture_id);
    if (!entry) {
      entry = this.db
        .all<Indexed>(
          `SELECT warc_file AS file, warc_offset AS offset, warc_length AS length, warc_record_id AS recordId,
                  warc_sha256 AS sha256, type, uri FROM capture_record WHERE capture_id = ? ORDER BY warc_file, warc_offset`,
          [row.capture_id],
        )
        .then((list) => ({ list, byId: new Map(list.map((r, i) => [r.recordId, i])) }));
      this.captures.set(row.capture_id, entry);
      if (this.captures.size > this.keep) this.captures.delete(this.captures.keys().next().value!);
    }
    return entry;
  }

  /** The post's records: its own, plus the response each cited metadata record refers to and that response's request. */
  async resolve(direct: { own: RecordRef[]; refer: RecordRef[] }): Promise<RecordRef[]> {
    const out = new Map(direct.own.map((r) => [`${r.file}@${r.offset}`, r]));
    for (const meta of direct.refer) {
      const rec = await this.reader.read(meta);
      if (!rec.refersTo) continue;
      const entry = await this.index(meta.file, meta.offset);
      const at = entry?.byId.get(rec.refersTo);
      if (!entry || at === undefined) continue;
      const target = entry.list[at]!;
      const strip = ({ type: _t, uri: _u, ...r }: Indexed): RecordRef => r;
      out.set(`${target.file}@${target.offset}`, strip(target));
      const request = entry.list
        .slice(Math.max(0, at - 4), at)
        .reverse()
        .find((r) => r.type === 'request' && r.uri === target.uri && r.file === target.file);
      if (request) out.set(`${request.file}@${request.offset}`, strip(request));
    }
    return [...out.values()].sort((a, b) =>
      a.file === b.file ? a.offset - b.offset : a.file < b.file ? -1 : 1,
    );
  }
}
