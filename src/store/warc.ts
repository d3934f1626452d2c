import { randomBytes } from 'node:crypto';
import { type FileHandle, mkdir, open, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { gzip as gzipCb, gzipSync, inflateRawSync } from 'node:zlib';
import { WARCParser, WARCRecord, WARCSerializer } from 'warcio';
import { diskFullError, isDiskFull } from './db.ts';
import { recordId, sha256, WARC_VERSION } from './warc-records.ts';

export * from './warc-records.ts';

import { TOOL_NAME, TOOL_VERSION } from '../version.ts';

/** Where one record sits: enough for `show` to return it and `verify` to re-read it. */
export interface RecordLocation {
  file: string;
  offset: number;
  length: number;
  recordId: string;
  type: string;
  uri: string;
  /** SHA-256 of the whole record as stored: its gzip member, every byte of it. */
  sha256: string;
}

const gzip = promisify(gzipCb);

/** One record as one gzip member (ISO 28500 annex D), so each can be read from its offset alone. */
async function serialize(rec: WARCRecord): Promise<Buffer> {
  const raw = await WARCSerializer.serialize(rec, { gzip: false });
  return raw.length > 1 << 20 ? gzip(raw) : gzipSync(raw);
}

export interface WarcWriterOptions {
  rotateBytes: number;
  operator: string;
}

/**
 * How many bytes of a WARC file the database has committed (the end of the last record it knows
 * there, or of the file's warcinfo); null when the file holds nothing usable (a torn warcinfo).
 */
export type CommittedLength = (file: string) => Promise<number | null>;

/** Writes all of `buf` at `position`: a short write is continued, a write that makes no progress fails. */
async function writeAll(handle: FileHandle, buf: Buffer, position: number): Promise<void> {
  let done = 0;
  while (done < buf.length) {
    const { bytesWritten } = await handle.write(buf, done, buf.length - done, position + done);
    if (bytesWritten <= 0) throw new Error(`write made no progress at byte ${position + done}`);
    done += bytesWritten;
  }
}

/** A failed write as the caller should see it: a full disk is the `disk-full` capture error. */
function writeError(err: unknown): Error {
  return isDiskFull(err) ? diskFullError((err as Error).message) : (err as Error);
}

/**
 * Appends records to the archive's current WARC file (one gzip member per record), opening a new
 * file with a warcinfo record first when there is none or the current one would pass `rotateBytes`.
 *
 * Callers must hold the archive's write lock (Archive.ingest appends inside its BEGIN IMMEDIATE
 * transaction): that lock, not this class, keeps processes (CLI, workers) from interleaving bytes,
 * which is why the end of the file is read afresh before every append. Before appending, bytes after
 * the file's committed length (`committed`: records of a process killed before its COMMIT) are cut
 * off, so they never end up between committed records; that query is skipped while the file still
 * ends where this writer's last append (committed, or else undone) left it. Every write is checked and synced; a write
 * that fails (a full disk) cuts the file back to where the append started.
 */
export class WarcWriter {
  private file: { name: string; handle: FileHandle } | null = null;
  /**
   * Where this writer's last append to `file` ended; null when unknown (a new handle, an undo). A file
   * still that long has had no other process append since, so it needs no committed-length query.
   */
  private end: number | null = null;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly dir: string,
    readonly options: WarcWriterOptions,
    private readonly committed?: CommittedLength,
  ) {}

  /** Serialises and appends; returns where each record landed and an `undo` that cuts them off again. */
  append(records: WARCRecord[]): Promise<{ locations: RecordLocation[]; undo: () => Promise<void> }> {
    const run = this.queue.then(() => this.appendNow(records));
    this.queue = run.catch(() => {});
    return run;
  }

  private async appendNow(records: WARCRecord[]) {
    const buffers: Buffer[] = [];
    for (const rec of records) buffers.push(await serialize(rec));
    const total = buffers.reduce((n, b) => n + b.length, 0);
    let { name, handle, size } = await this.reconciled();
    if (size + total > this.options.rotateBytes && size > 0) ({ name, handle, size } = await this.rotate());
    const start = size;
    const locations: RecordLocation[] = [];
    let offset = start;
    records.forEach((rec, i) => {
      const length = buffers[i]!.length;
      locations.push({
        file: name,
        offset,
        length,
        recordId: recordId(rec),
        type: rec.warcType ?? '',
        uri: rec.warcTargetURI ?? '',
        sha256: sha256(buffers[i]!),
      });
      offset += length;
    });
    try {
      await writeAll(handle, Buffer.concat(buffers, total), start);
      await handle.datasync();
    } catch (err) {
      this.end = null;
      await handle.truncate(start).catch(() => {}); // else the next writer or start-up cuts it
      throw writeError(err);
    }
    this.end = start + total;
    const undo = () => {
      const job = this.queue.then(async () => {
        this.end = null;
        if ((await handle.stat()).size === start + total) await handle.truncate(start);
      });
      this.queue = job.catch(() => {});
      return job;
    };
    return { locations, undo };
  }

  /**
   * The current file cut back to its committed length; a new file when the current one holds nothing
   * usable or is shorter than the database says (damage is left as it is for verify to report).
   */
  private async reconciled(): Promise<{ name: string; handle: FileHandle; size: number }> {
    const current = await this.current();
    if (current.size === this.end) return current; // only our own appends since: committed or undone
    const committed = this.committed ? await this.committed(current.name) : current.size;
    if (committed === null || committed > current.size) return this.rotate();
    if (committed < current.size) {
      await current.handle.truncate(committed);
      await current.handle.datasync();
    }
    return { ...current, size: committed };
  }

  /**
   * The file to append to and its size now (another process may have appended since). A process keeps
   * its file until it is full; a new process starts on the newest file, so short CLI runs share one.
   */
  private async current(): Promise<{ name: string; handle: FileHandle; size: number }> {
    if (this.file) return { ...this.file, size: (await this.file.handle.stat()).size };
    await mkdir(this.dir, { recursive: true });
    const newest = (await readdir(this.dir))
      .filter((f) => /^archiefbot-.*\.warc\.gz$/.test(f))
      .sort()
      .at(-1);
    if (!newest) return this.rotate();
    this.file = { name: newest, handle: await open(path.join(this.dir, newest), 'r+') };
    return { ...this.file, size: (await this.file.handle.stat()).size };
  }

  private async rotate(): Promise<{ name: string; handle: FileHandle; size: number }> {
    await this.file?.handle.close();
    this.file = null;
    this.end = null;
    await mkdir(this.dir, { recursive: true });
    // Time first (so names sort by age), then process and a random part: unique across processes.
    const stamp = new Date()
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.(\d+)Z$/, '$1Z');
    const name = `archiefbot-${stamp}-${process.pid}-${randomBytes(3).toString('hex')}.warc.gz`;
    const file = path.join(this.dir, name);
    const handle = await open(file, 'wx+');
    const bytes = await serialize(warcinfo(name, this.options.operator));
    try {
      await writeAll(handle, bytes, 0);
      await handle.datasync();
      await syncDir(this.dir); // the new name survives a power cut with the records in it
    } catch (err) {
      await handle.close();
      await rm(file, { force: true });
      throw writeError(err);
    }
    this.file = { name, handle };
    return { name, handle, size: bytes.length };
  }

  async close(): Promise<void> {
    await this.queue;
    await this.file?.handle.close();
    this.file = null;
    this.end = null;
  }
}

function warcinfo(name: string, operator: string): WARCRecord {
  return WARCRecord.createWARCInfo(
    { filename: name, warcVersion: WARC_VERSION },
    {
      software: `${TOOL_NAME}/${TOOL_VERSION} (warcio.js)`,
      format: 'WARC File Format 1.1',
      conformsTo: 'https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/',
      ...(operator ? { operator } : {}),
      description: 'Archiefbot capture of public social media records',
    },
  );
}

async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

export interface ReadBack {
  type: string;
  recordId: string;
  uri: string;
  headers: Record<string, string>;
  /** The whole record block (for HTTP records: the HTTP head and the payload). */
  block: Buffer;
  /** The payload: the block less the HTTP head for request/response/revisit, else the block. */
  payload: Buffer;
  blockDigestOk: boolean;
  payloadDigestOk: boolean | null;
}

function digestMatches(header: string | undefined, buf: Buffer): boolean {
  if (!header) return false;
  const [algo, value] = header.split(':');
  return algo === 'sha256' && value === sha256(buf);
}

/** Where a gzip member's deflate data starts, past its header (RFC 1952 §2.3); null if `b` is no gzip header. */
function deflateStart(b: Buffer): number | null {
  if (b.length < 10 || b[0] !== 0x1f || b[1] !== 0x8b || b[2] !== 8) return null;
  const flags = b[3]!;
  let at = 10;
  if (flags & 4) at += 2 + b.readUInt16LE(at); // FEXTRA
  for (const flag of [8, 16]) {
    // FNAME, FCOMMENT: zero-terminated
    if (!(flags & flag)) continue;
    const zero = b.indexOf(0, at);
    if (zero < 0) return null;
    at = zero + 1;
  }
  if (flags & 2) at += 2; // FHCRC
  return at < b.length ? at : null;
}

/**
 * The length of the gzip member (one record) that starts at `offset`, found by inflating it to its
 * end: the bytes the member itself takes, however the file is read. Throws when no whole member
 * starts there.
 */
export async function memberLength(fh: FileHandle, offset: number, size: number): Promise<number> {
  for (let window = 1 << 16; ; window *= 4) {
    const buf = Buffer.alloc(Math.min(window, size - offset));
    const { bytesRead } = await fh.read(buf, 0, buf.length, offset);
    const bytes = buf.subarray(0, bytesRead);
    const start = deflateStart(bytes);
    const whole = offset + bytesRead >= size;
    if (start === null) throw new Error('no gzip member starts here');
    try {
      const { engine } = inflateRawSync(bytes.subarray(start), { info: true }) as unknown as {
        engine: { bytesWritten: number };
      };
      const length = start + engine.bytesWritten + 8; // the CRC-32 and size that close the member
      if (length <= bytesRead) return length;
      if (whole) throw new Error('the file ends inside the trailer of this gzip member');
    } catch (err) {
      if (whole || (err as { code?: string }).code !== 'Z_BUF_ERROR') throw err;
    }
  }
}

/** Reads the one record at `offset` (exactly `length` bytes, one gzip member) and recomputes its digests. */
export async function readRecordAt(
  dir: string,
  loc: { file: string; offset: number; length: number },
  handles?: Map<string, FileHandle>,
): Promise<ReadBack> {
  let fh = handles?.get(loc.file);
  const own = !fh;
  fh ??= await open(path.join(dir, loc.file), 'r');
  try {
    const bytes = Buffer.alloc(loc.length);
    const { bytesRead } = await fh.read(bytes, 0, loc.length, loc.offset);
    if (bytesRead !== loc.length)
      throw new Error(`the file ends before offset ${loc.offset} + ${loc.length}`);
    const parser = new WARCParser([bytes], { parseHttp: false });
    const rec = await parser.parse();
    if (!rec) throw new Error('no WARC record at this offset');
    const block = Buffer.from(await rec.readFully(false));
    const headers: Record<string, string> = {};
    for (const [k, v] of rec.warcHeaders.headers as unknown as Iterable<[string, string]>) headers[k] = v;
    const type = rec.warcType ?? '';
    let payload = block;
    if (type === 'response' || type === 'request' || type === 'revisit') {
      const end = block.indexOf('\r\n\r\n');
      payload = end >= 0 ? block.subarray(end + 4) : Buffer.alloc(0);
    }
    const payloadHeader = rec.warcHeaders.headers.get('WARC-Payload-Digest') ?? undefined;
    return {
      type,
      recordId: rec.warcHeaders.headers.get('WARC-Record-ID') ?? '',
      uri: rec.warcTargetURI ?? '',
      headers,
      block,
      payload,
      blockDigestOk: digestMatches(rec.warcHeaders.headers.get('WARC-Block-Digest') ?? undefined, block),
      payloadDigestOk: type === 'revisit' || !payloadHeader ? null : digestMatches(payloadHeader, payload),
    };
  } finally {
    if (own) await fh.close();
  }
}
