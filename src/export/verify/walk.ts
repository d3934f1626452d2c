/**
 * The WARC files read end to end: every record must be one the database knows (or the warcinfo that
 * opens its file), sit where the database says, hash to the SHA-256 the database keeps, carry intact
 * block and payload digests, and name only records of the archive in its WARC-Concurrent-To and
 * WARC-Refers-To; no bytes may follow the last record; each closed file matches its checkpoint.
 */
import { type FileHandle, open, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { Db } from '../../store/db.ts';
import { hashFile } from '../../store/ingest/write.ts';
import { memberLength, type ReadBack, readRecordAt, sha256 } from '../../store/warc.ts';

/** A record the database points at (several rows may point at one record). */
export interface Known {
  file: string;
  offset: number;
  length: number;
  recordId: string;
  type: string;
  sha256: string | null;
  what: string;
}

/** A record found in a file, by the walk. */
export interface Found {
  file: string;
  offset: number;
  length: number;
  type: string;
  uri: string;
  recordId: string;
  concurrentTo: string | null;
  refersTo: string | null;
  payloadDigest: string | null;
}

export interface WalkResult {
  files: number;
  records: number;
  /** Every record found, by WARC-Record-ID. */
  byId: Map<string, Found>;
  problems: string[];
}

/** Every record location the database keeps, by file and offset. */
export async function knownRecords(db: Db): Promise<Map<string, Map<number, Known>>> {
  const rows = await db.all<{
    what: string;
    warc_file: string;
    warc_offset: number;
    warc_length: number;
    warc_record_id: string;
    type: string;
    warc_sha256: string | null;
  }>(
    // The most telling name first: a version, a media file, a sighting, then any record of a capture.
    `SELECT 'post ' || post_id || ' version ' || number AS what, warc_file, warc_offset, warc_length, warc_record_id,
            'metadata' AS type, warc_sha256 FROM version
     UNION ALL SELECT 'media ' || substr(sha256, 1, 12), warc_file, warc_offset, warc_length, warc_record_id,
            -- a response, or a resource (a screenshot): the type its capture recorded
            coalesce((SELECT cr.type FROM capture_record cr WHERE cr.warc_file = media.warc_file
                      AND cr.warc_offset = media.warc_offset LIMIT 1), 'response'),
            warc_sha256 FROM media
     UNION ALL SELECT 'capture ' || capture_id || ' sighting of post ' || post_id, warc_file, warc_offset, warc_length,
            warc_record_id, 'metadata', warc_sha256 FROM capture_post
     UNION ALL SELECT 'capture ' || capture_id || ' ' || type || ' ' || uri, warc_file, warc_offset, warc_length,
            warc_record_id, type, warc_sha256 FROM capture_record`,
  );
  const out = new Map<string, Map<number, Known>>();
  for (const r of rows) {
    const file = out.get(r.warc_file) ?? new Map<number, Known>();
    out.set(r.warc_file, file);
    const held = file.get(r.warc_offset);
    const k: Known = {
      file: r.warc_file,
      offset: r.warc_offset,
      length: r.warc_length,
      recordId: r.warc_record_id,
      type: r.type,
      sha256: r.warc_sha256,
      what: r.what,
    };
    if (!held) file.set(r.warc_offset, k);
    else problemsOfTwo(held, k);
  }
  return out;
}

/** Two rows naming one offset must agree on the record; the first disagreement is kept on the first. */
function problemsOfTwo(held: Known, other: Known) {
  if (held.recordId !== other.recordId || held.length !== other.length)
    held.what += ` (and ${other.what}, which names ${other.recordId} there)`;
  held.sha256 ??= other.sha256;
  if (other.sha256 && held.sha256 !== other.sha256)
    held.what += ` (and ${other.what}, which keeps another SHA-256)`;
}

async function warcNames(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((f) => f.endsWith('.warc.gz')).sort();
  } catch {
    return [];
  }
}

/** Walks every file of the archive, record by record. */
export async function walkFiles(
  db: Db,
  dir: string,
  onProgress?: (done: number) => void,
): Promise<WalkResult> {
  const known = await knownRecords(db);
  const names = await warcNames(dir);
  const result: WalkResult = { files: names.length, records: 0, byId: new Map(), problems: [] };
  for (const file of known.keys()) {
    if (!names.includes(file)) result.problems.push(`WARC file ${file} is missing`);
  }
  for (const name of names) {
    const fh = await open(path.join(dir, name), 'r');
    try {
      await walkFile(dir, name, fh, known.get(name) ?? new Map(), result, onProgress);
    } finally {
      await fh.close();
    }
  }
  // A record a lawful destruction removed (migration 15) is an accounted gap, not a dangling reference.
  const destroyed = new Set(
    (await db.all<{ id: string }>('SELECT warc_record_id AS id FROM destroyed_record')).map((r) => r.id),
  );
  result.problems.push(...checkReferences(result.byId, destroyed));
  result.problems.push(...(await checkCheckpoints(db, dir, names)));
  return result;
}

/**
 * One file, member by member: each record's length is that of its gzip member (inflated to its end),
 * so a record is read whole wherever it sits, however large.
 */
async function walkFile(
  dir: string,
  name: string,
  fh: FileHandle,
  known: Map<number, Known>,
  result: WalkResult,
  onProgress?: (done: number) => void,
) {
  const problems = result.problems;
  const handles = new Map([[name, fh]]);
  const size = (await fh.stat()).size;
  const seen = new Set<number>();
  let end = 0;
  let broken: number | null = null;
  try {
    while (end < size) {
      const length = await memberLength(fh, end, size);
      const rec = await readRecordAt(dir, { file: name, offset: end, length }, handles).catch((err) => {
        // A whole gzip member that holds no readable record: named, and the walk goes on after it.
        const k = known.get(end);
        if (k) seen.add(end);
        problems.push(
          `${k ? `${k.what}: no` : 'no'} readable WARC record at ${name}@${end} (${(err as Error).message})`,
        );
        return null;
      });
      if (!rec) {
        end += length;
        continue;
      }
      const found: Found = {
        file: name,
        offset: end,
        length,
        type: rec.type,
        uri: rec.uri,
        recordId: rec.recordId,
        concurrentTo: header(rec, 'WARC-Concurrent-To'),
        refersTo: header(rec, 'WARC-Refers-To'),
        payloadDigest: header(rec, 'WARC-Payload-Digest'),
      };
      end += length;
      result.records++;
      if (result.records % 1000 === 0) onProgress?.(result.records);
      if (result.byId.has(found.recordId))
        problems.push(`record at ${name}@${found.offset} repeats the record id ${found.recordId}`);
      result.byId.set(found.recordId, found);
      const k = known.get(found.offset);
      if (!k) {
        if (!(found.type === 'warcinfo' && found.offset === 0))
          problems.push(
            `record at ${name}@${found.offset} is not in the archive (${found.type} ${found.uri})`,
          );
        continue;
      }
      seen.add(found.offset);
      problems.push(...(await checkKnown(fh, k, found, rec)));
    }
  } catch (err) {
    // The file cannot be read on from here: each known record after this point is checked on its own.
    broken = end;
    problems.push(`unreadable bytes at ${name}@${end}: ${(err as Error).message}`);
  }
  for (const [offset, k] of known) {
    if (seen.has(offset)) continue;
    if (broken !== null && offset >= broken) {
      problems.push(...(await checkAlone(dir, fh, k)));
      end = Math.max(end, offset + k.length);
    } else problems.push(`${k.what}: no record starts at ${name}@${offset}`);
  }
  if (size > end) problems.push(`bytes after the last record at ${name}@${end} are not in the archive`);
}

/** A WARC header of a record read back (header names as written, matched without case). */
function header(rec: ReadBack, name: string): string | null {
  const key = Object.keys(rec.headers).find((h) => h.toLowerCase() === name.toLowerCase());
  return key === undefined ? null : rec.headers[key]!;
}

/** A known record past a point where the file could not be parsed on: its hash and its digests. */
async function checkAlone(dir: string, fh: FileHandle, k: Known): Promise<string[]> {
  const at = `${k.file}@${k.offset}`;
  const bytes = Buffer.alloc(k.length);
  await fh.read(bytes, 0, k.length, k.offset);
  const problems: string[] = [];
  if (k.sha256 && sha256(bytes) !== k.sha256)
    problems.push(`record at ${at} (${k.what}) differs from the SHA-256 the archive keeps`);
  try {
    const rec = await readRecordAt(dir, k, new Map([[k.file, fh]]));
    if (rec.recordId !== k.recordId)
      problems.push(`${k.what}: ${at} holds ${rec.recordId}, expected ${k.recordId}`);
  } catch (err) {
    problems.push(`${k.what}: no readable WARC record at ${at} (${(err as Error).message})`);
  }
  return problems;
}

/** One known record against what the file holds there: its place, its hash, its digests. */
async function checkKnown(fh: FileHandle, k: Known, found: Found, rec: ReadBack): Promise<string[]> {
  const at = `${k.file}@${k.offset}`;
  if (found.recordId !== k.recordId)
    return [`${k.what}: ${at} holds ${found.recordId || 'another record'}, expected ${k.recordId}`];
  const problems: string[] = [];
  if (found.length !== k.length)
    problems.push(`${k.what}: the record at ${at} is ${found.length} bytes, the database says ${k.length}`);
  if (found.type !== k.type) problems.push(`${k.what}: ${at} is a ${found.type} record, expected ${k.type}`);
  const bytes = Buffer.alloc(found.length);
  await fh.read(bytes, 0, found.length, found.offset);
  if (k.sha256 && sha256(bytes) !== k.sha256)
    problems.push(`record at ${at} (${k.what}) differs from the SHA-256 the archive keeps`);
  // warcio writes no block digest on a warcinfo record; its member hash fixes it.
  if (!rec.blockDigestOk && (header(rec, 'WARC-Block-Digest') !== null || found.type !== 'warcinfo'))
    problems.push(`${k.what}: block digest does not match at ${at}`);
  if (rec.payloadDigestOk === false) problems.push(`${k.what}: payload digest does not match at ${at}`);
  return problems;
}

/** WARC-Concurrent-To and WARC-Refers-To must name records of the archive (or records it lawfully destroyed). */
function checkReferences(byId: Map<string, Found>, destroyed: Set<string>): string[] {
  const problems: string[] = [];
  for (const f of byId.values()) {
    for (const [header, target] of [
      ['WARC-Concurrent-To', f.concurrentTo],
      ['WARC-Refers-To', f.refersTo],
    ] as const) {
      if (target && !byId.has(target) && !destroyed.has(target))
        problems.push(
          `record at ${f.file}@${f.offset}: its ${header} ${target} is not a record in the archive`,
        );
    }
  }
  return problems;
}

/** Each closed file's first `size` bytes still hash to the checkpoint taken when it was closed. */
async function checkCheckpoints(db: Db, dir: string, names: string[]): Promise<string[]> {
  const problems: string[] = [];
  for (const c of await db.all<{ name: string; size: number; sha256: string }>(
    'SELECT name, size, sha256 FROM warc_file ORDER BY name',
  )) {
    if (!names.includes(c.name)) {
      problems.push(`WARC file ${c.name} is missing (it was closed with ${c.size} bytes)`);
      continue;
    }
    const now = await hashFile(path.join(dir, c.name), c.size);
    if (now.size !== c.size || now.sha256 !== c.sha256)
      problems.push(`WARC file ${c.name} differs from its checkpoint (its first ${c.size} bytes)`);
  }
  return problems;
}
