/**
 * The WARC records of a capture, built from what was exchanged (ISO 28500 / WARC 1.1): request and
 * response, revisit for a payload already held, metadata for a version or a sighting. Writing them is
 * src/store/warc.ts.
 */
import { createHash } from 'node:crypto';
import { WARCRecord } from 'warcio';
import type { Exchange } from '../domain/exchange.ts';

export const WARC_VERSION = 'WARC/1.1';

export function recordId(rec: WARCRecord): string {
  return rec.warcHeaders.headers.get('WARC-Record-ID')!;
}

export function sha256(buf: Buffer): string {
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
