import { createHash, randomBytes } from 'node:crypto';
import { type FileHandle, mkdir, open, readdir } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { gzip as gzipCb, gzipSync } from 'node:zlib';
import { WARCParser, WARCRecord, WARCSerializer } from 'warcio';
import type { Exchange } from '../domain/exchange.ts';
import { TOOL_NAME, TOOL_VERSION } from '../version.ts';

const WARC_VERSION = 'WARC/1.1';

/** Where one record sits: enough for `show` to return it and `verify` to re-read it. */
export interface RecordLocation {
  file: string;
  offset: number;
  length: number;
  recordId: string;
  type: string;
  uri: string;
}

export function recordId(rec: WARCRecord): string {
  return rec.warcHeaders.headers.get('WARC-Record-ID')!;
}

const gzip = promisify(gzipCb);

function sha256(buf: Buffer): string {
  return createHash('sha256').update(buf).digest('hex');
}

/**
 * Sets the SHA-256 block and payload digests from the bytes we already hold. warcio then skips its
 * own (WASM) hashing, which is ten times slower per record; verify recomputes both independently.
 */
function withDigests(rec: WARCRecord, payload: Buffer, payloadDigest?: string): WARCRecord {
  const payloadHex = payloadDigest ? null : sha256(payload);
  let blockHex = payloadHex;
  if (rec.httpHeaders) {
    // The block is the HTTP head followed by the payload: hash both without copying the payload.
    blockHex = createHash('sha256')
      .update(`${rec.httpHeaders.toString()}\r\n`, 'utf8')
      .update(payload)
      .digest('hex');
  }
  rec.warcHeaders.headers.set('WARC-Block-Digest', `sha256:${blockHex ?? sha256(payload)}`);
  rec.warcHeaders.headers.set('WARC-Payload-Digest', payloadDigest ?? `sha256:${payloadHex}`);
  return rec;
}

/** One record as one gzip member (ISO 28500 annex D), so each can be read from its offset alone. */
async function serialize(rec: WARCRecord): Promise<Buffer> {
  const raw = await WARCSerializer.serialize(rec, { gzip: false });
  return raw.length > 1 << 20 ? gzip(raw) : gzipSync(raw);
}

/** Headers that describe the transfer, not the stored payload (fetch has already undone them). */
const TRANSFER_HEADERS = new Set(['content-encoding', 'transfer-encoding', 'content-length']);

function archivedHeaders(exchange: Exchange): [string, string][] {
  const out: [string, string][] = [];
  for (const [k, v] of exchange.responseHeaders) {
    if (TRANSFER_HEADERS.has(k.toLowerCase())) out.push([`x-archive-orig-${k}`, v]);
    else out.push([k, v]);
  }
  out.push(['content-length', String(exchange.body.length)]);
  return out;
}

function requestLine(exchange: Exchange): string {
  const u = new URL(exchange.url);
  return `${exchange.method} ${u.pathname}${u.search} HTTP/1.1`;
}

/** A response record and the request record that preceded it (WARC-Concurrent-To links them). */
export function exchangeRecords(exchange: Exchange): { request: WARCRecord; response: WARCRecord } {
  const response = WARCRecord.create(
    {
      url: exchange.url,
      date: exchange.date,
      type: 'response',
      warcVersion: WARC_VERSION,
      statusline: `HTTP/1.1 ${exchange.status} ${exchange.statusText || ''}`.trimEnd(),
      httpHeaders: archivedHeaders(exchange),
    },
    [exchange.body],
  );
  withDigests(response, exchange.body);
  const request = WARCRecord.create({
    url: exchange.url,
    date: exchange.date,
    type: 'request',
    warcVersion: WARC_VERSION,
    statusline: requestLine(exchange),
    httpHeaders: exchange.requestHeaders,
    warcHeaders: { 'WARC-Concurrent-To': recordId(response) },
  });
  withDigests(request, Buffer.alloc(0));
  return { request, response };
}

/** A revisit record for a payload already stored (identical-payload-digest profile). */
export function revisitRecord(
  exchange: Exchange,
  original: { recordId: string; url: string; date: string },
  payloadSha256: string,
): WARCRecord {
  const rec = WARCRecord.create({
    url: exchange.url,
    date: exchange.date,
    type: 'revisit',
    warcVersion: WARC_VERSION,
    statusline: `HTTP/1.1 ${exchange.status} ${exchange.statusText || ''}`.trimEnd(),
    httpHeaders: archivedHeaders(exchange),
    refersToUrl: original.url,
    refersToDate: original.date,
    warcHeaders: { 'WARC-Refers-To': original.recordId },
  });
  // A revisit's block is the HTTP head only; its payload digest names the stored payload.
  return withDigests(rec, Buffer.alloc(0), `sha256:${payloadSha256}`);
}

/** A metadata record with JSON content, under its own URI (not the response's, so replay is not confused). */
export function metadataRecord(
  uri: string,
  json: unknown,
  refersTo?: { recordId: string; url: string },
): WARCRecord {
  const warcHeaders: Record<string, string> = { 'Content-Type': 'application/json' };
  if (refersTo) {
    warcHeaders['WARC-Refers-To'] = refersTo.recordId;
    warcHeaders['WARC-Refers-To-Target-URI'] = refersTo.url;
  }
  const body = Buffer.from(JSON.stringify(json), 'utf8');
  return withDigests(
    WARCRecord.create({ url: uri, type: 'metadata', warcVersion: WARC_VERSION, warcHeaders }, [body]),
    body,
  );
}

export interface WarcWriterOptions {
  rotateBytes: number;
  operator: string;
}

/**
 * Appends records to the archive's current WARC file (one gzip member per record), opening a new
 * file with a warcinfo record first when there is none or the current one would pass `rotateBytes`.
 *
 * Callers must hold the archive's write lock (Archive.ingest appends inside its BEGIN IMMEDIATE
 * transaction): that lock, not this class, keeps processes (CLI, workers) from interleaving bytes,
 * which is why the end of the file is read afresh before every append.
 */
export class WarcWriter {
  private file: { name: string; handle: FileHandle } | null = null;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly dir: string,
    readonly options: WarcWriterOptions,
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
    let { name, handle, size } = await this.current();
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
      });
      offset += length;
    });
    await handle.write(Buffer.concat(buffers, total), 0, total, start);
    await handle.datasync();
    const undo = () => {
      const job = this.queue.then(async () => {
        if ((await handle.stat()).size === start + total) await handle.truncate(start);
      });
      this.queue = job.catch(() => {});
      return job;
    };
    return { locations, undo };
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
    await mkdir(this.dir, { recursive: true });
    // Time first (so names sort by age), then process and a random part: unique across processes.
    const stamp = new Date()
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.(\d+)Z$/, '$1Z');
    const name = `archiefbot-${stamp}-${process.pid}-${randomBytes(3).toString('hex')}.warc.gz`;
    const handle = await open(path.join(this.dir, name), 'wx+');
    const info = WARCRecord.createWARCInfo(
      { filename: name, warcVersion: WARC_VERSION },
      {
        software: `${TOOL_NAME}/${TOOL_VERSION} (warcio.js)`,
        format: 'WARC File Format 1.1',
        conformsTo: 'https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/',
        ...(this.options.operator ? { operator: this.options.operator } : {}),
        description: 'Archiefbot capture of public social media records',
      },
    );
    const bytes = await serialize(info);
    await handle.write(bytes, 0, bytes.length, 0);
    this.file = { name, handle };
    return { name, handle, size: bytes.length };
  }

  async close(): Promise<void> {
    await this.queue;
    await this.file?.handle.close();
    this.file = null;
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
