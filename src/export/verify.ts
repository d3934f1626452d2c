import type { FileHandle } from 'node:fs/promises';
import { open, readdir } from 'node:fs/promises';
import path from 'node:path';
import { contentHash } from '../domain/content.ts';
import type { PostContent } from '../domain/types.ts';
import type { Archive } from '../store/archive.ts';
import { verifyAuditChain } from '../store/audit.ts';
import { readRecordAt } from '../store/warc.ts';

export interface VerifyReport {
  ok: boolean;
  files: number;
  records: number;
  versions: number;
  media: number;
  auditEntries: number;
  problems: string[];
}

interface Pointer {
  what: string;
  file: string;
  offset: number;
  length: number;
  recordId: string;
  type: string;
  sha256?: string;
  contentHash?: string;
}

/**
 * Fixity: re-reads every WARC record the database points at, checks that each offset holds the
 * expected record, recomputes its SHA-256 block and payload digests, re-derives each version's
 * content hash from the record and each media file's hash from its payload, and checks the audit chain.
 */
export async function verifyArchive(
  archive: Archive,
  onProgress?: (done: number, total: number) => void,
): Promise<VerifyReport> {
  const db = archive.db;
  const pointers = await databasePointers(archive);
  const problems: string[] = [];
  const seenRecords = new Set<string>();
  const handles = await openWarcFiles(archive.warcDir, pointers, problems);
  let done = 0;
  try {
    for (const p of pointers) {
      done++;
      if (done % 1000 === 0) onProgress?.(done, pointers.length);
      if (!handles.has(p.file)) {
        problems.push(`${p.what}: its WARC file ${p.file} is missing`);
        continue;
      }
      // The same record can back several rows (a version and its first sighting): check it once.
      const key = `${p.file}@${p.offset}:${p.recordId}:${p.contentHash ?? ''}`;
      if (seenRecords.has(key)) continue;
      seenRecords.add(key);
      problems.push(...(await checkRecord(archive.warcDir, p, handles)));
    }
  } finally {
    for (const fh of handles.values()) await fh.close();
  }
  const audit = await verifyAuditChain(db);
  problems.push(...audit.problems);
  const files = await countWarcFiles(archive.warcDir);
  const counts = await db.get<{ versions: number; media: number }>(
    'SELECT (SELECT count(*) FROM version) AS versions, (SELECT count(*) FROM media) AS media',
  );
  return {
    ok: problems.length === 0,
    files,
    records: seenRecords.size,
    versions: counts?.versions ?? 0,
    media: counts?.media ?? 0,
    auditEntries: audit.entries,
    problems,
  };
}

/**
 * Every WARC record the database points at: each version's metadata record, each media file's
 * response, each sighting of an unchanged post and every other record a capture wrote.
 */
async function databasePointers(archive: Archive): Promise<Pointer[]> {
  const db = archive.db;
  const pointers: Pointer[] = [];
  for (const v of await db.all<{
    id: number;
    post_id: number;
    number: number;
    content_hash: string;
    warc_file: string;
    warc_offset: number;
    warc_length: number;
    warc_record_id: string;
  }>(
    'SELECT id, post_id, number, content_hash, warc_file, warc_offset, warc_length, warc_record_id FROM version',
  )) {
    pointers.push({
      what: `post ${v.post_id} version ${v.number}`,
      file: v.warc_file,
      offset: v.warc_offset,
      length: v.warc_length,
      recordId: v.warc_record_id,
      type: 'metadata',
      contentHash: v.content_hash,
    });
  }
  for (const m of await db.all<{
    sha256: string;
    warc_file: string;
    warc_offset: number;
    warc_length: number;
    warc_record_id: string;
  }>('SELECT sha256, warc_file, warc_offset, warc_length, warc_record_id FROM media')) {
    pointers.push({
      what: `media ${m.sha256.slice(0, 12)}`,
      file: m.warc_file,
      offset: m.warc_offset,
      length: m.warc_length,
      recordId: m.warc_record_id,
      type: 'response',
      sha256: m.sha256,
    });
  }
  for (const c of await db.all<{
    capture_id: number;
    post_id: number;
    warc_file: string;
    warc_offset: number;
    warc_length: number;
    warc_record_id: string;
  }>('SELECT capture_id, post_id, warc_file, warc_offset, warc_length, warc_record_id FROM capture_post')) {
    pointers.push({
      what: `capture ${c.capture_id} sighting of post ${c.post_id}`,
      file: c.warc_file,
      offset: c.warc_offset,
      length: c.warc_length,
      recordId: c.warc_record_id,
      type: 'metadata',
    });
  }
  for (const r of await db.all<{
    capture_id: number;
    uri: string;
    type: string;
    warc_file: string;
    warc_offset: number;
    warc_length: number;
    warc_record_id: string;
  }>(
    'SELECT capture_id, uri, type, warc_file, warc_offset, warc_length, warc_record_id FROM capture_record',
  )) {
    pointers.push({
      what: `capture ${r.capture_id} ${r.type} ${r.uri}`,
      file: r.warc_file,
      offset: r.warc_offset,
      length: r.warc_length,
      recordId: r.warc_record_id,
      type: r.type,
    });
  }
  return pointers;
}

/**
 * One open handle per WARC file the pointers name, so thousands of records are read without
 * reopening; a file that cannot be opened is reported once here and its records are skipped.
 */
async function openWarcFiles(
  warcDir: string,
  pointers: Pointer[],
  problems: string[],
): Promise<Map<string, FileHandle>> {
  const handles = new Map<string, FileHandle>();
  for (const file of new Set(pointers.map((p) => p.file))) {
    try {
      handles.set(file, await open(path.join(warcDir, file), 'r'));
    } catch {
      problems.push(`WARC file ${file} is missing`);
    }
  }
  return handles;
}

/** The problems with the record one pointer names: wrong record or type, digests, file or content hash. */
async function checkRecord(warcDir: string, p: Pointer, handles: Map<string, FileHandle>): Promise<string[]> {
  const at = `${p.file}@${p.offset}`;
  let rec: Awaited<ReturnType<typeof readRecordAt>>;
  try {
    rec = await readRecordAt(warcDir, p, handles);
  } catch (err) {
    return [`${p.what}: no readable WARC record at ${at} (${(err as Error).message})`];
  }
  // Another record at this offset makes its digests meaningless for this pointer: stop here.
  if (rec.recordId !== p.recordId) {
    return [`${p.what}: ${at} holds ${rec.recordId || 'another record'}, expected ${p.recordId}`];
  }
  const problems: string[] = [];
  if (rec.type !== p.type) problems.push(`${p.what}: ${at} is a ${rec.type} record, expected ${p.type}`);
  if (!rec.blockDigestOk) problems.push(`${p.what}: block digest does not match at ${at}`);
  if (rec.payloadDigestOk === false) problems.push(`${p.what}: payload digest does not match at ${at}`);
  if (p.sha256 && rec.headers['warc-payload-digest'] !== `sha256:${p.sha256}`) {
    problems.push(`${p.what}: payload is not the file the database names at ${at}`);
  }
  if (p.contentHash) {
    // A version's hash is re-derived from the content in the record, not taken from its JSON.
    try {
      const meta = JSON.parse(rec.payload.toString('utf8')) as {
        version: { content: PostContent; contentHash: string };
      };
      if (contentHash(meta.version.content) !== p.contentHash || meta.version.contentHash !== p.contentHash) {
        problems.push(`${p.what}: content in ${at} does not hash to the version's SHA-256`);
      }
    } catch {
      problems.push(`${p.what}: metadata record at ${at} is not valid JSON`);
    }
  }
  return problems;
}

/** The number of WARC files in the archive's folder; none when the folder does not exist (yet). */
async function countWarcFiles(warcDir: string): Promise<number> {
  try {
    return (await readdir(warcDir)).filter((f) => f.endsWith('.warc.gz')).length;
  } catch {
    return 0;
  }
}
