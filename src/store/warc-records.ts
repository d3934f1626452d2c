/**
 * The WARC records of a capture, built from what was exchanged (ISO 28500 / WARC 1.1): request and
 * response, revisit for a payload already held, metadata for a version or a sighting. Writing them is
 * src/store/warc.ts.
 *
 * HTTP records hold the bytes as exchanged (§6.3.2, §6.4): the request head undici wrote to the
 * socket; the response's status line with its reason phrase, its header lines as received (names as
 * sent, repeated fields kept, Content-Encoding kept) and its entity body as transferred (gzip, br or
 * deflate as sent). The one change: a chunked transfer-coding is removed by the HTTP client, so its
 * Transfer-Encoding line is kept as X-Archive-Orig-Transfer-Encoding (src/domain/exchange.ts,
 * `responseHead`) and the WARC-Payload-Digest is over the entity body (§5.9), which is then exactly
 * the block after the head: readers need no de-chunking and every digest recomputes over the bytes
 * stored.
 */
import { createHash } from 'node:crypto';
import { WARCRecord } from 'warcio';
import { type Exchange, responseHead } from '../domain/exchange.ts';

export const WARC_VERSION = 'WARC/1.1';

export function recordId(rec: WARCRecord): string {
  return rec.warcHeaders.headers.get('WARC-Record-ID')!;
}

export function sha256(buf: Buffer): string {
  return createHash('sha256').update(buf).digest('hex');
}

/** The request head, the response head and the payload of an exchange, as the WARC keeps them. */
function wireOf(exchange: Exchange): { request: Buffer; response: Buffer; body: Buffer } {
  if (exchange.wire) return exchange.wire;
  // An exchange made up without its wire bytes (tests): heads from its fields, the decoded body, the
  // headers that described the transfer kept under another name.
  const u = new URL(exchange.url);
  const request = [`${exchange.method} ${u.pathname}${u.search} HTTP/1.1`]
    .concat(exchange.requestHeaders.map(([k, v]) => `${k}: ${v}`))
    .join('\r\n');
  const headers = exchange.responseHeaders.map(([k, v]): [string, string] =>
    TRANSFER_HEADERS.has(k.toLowerCase()) ? [`X-Archive-Orig-${k}`, v] : [k, v],
  );
  headers.push(['Content-Length', String(exchange.body.length)]);
  return {
    request: Buffer.from(`${request}\r\n\r\n`, 'latin1'),
    response: responseHead(exchange.status, exchange.statusText, headers),
    body: exchange.body,
  };
}

const TRANSFER_HEADERS = new Set(['content-encoding', 'transfer-encoding', 'content-length']);

/**
 * An HTTP record whose block is `head` followed by `payload`, byte for byte. warcio would re-serialise
 * an HTTP head from parsed fields (and fold or re-case them), so the record is given its block whole
 * and no parsed head; the SHA-256 digests are set from the bytes held (warcio then skips its own,
 * slower, hashing; verify recomputes both).
 */
function httpRecord(
  exchange: Exchange,
  type: 'request' | 'response' | 'revisit',
  head: Buffer,
  payload: Buffer,
  warcHeaders: Record<string, string>,
  extra: { refersToUrl?: string; refersToDate?: string; payloadDigest?: string } = {},
): WARCRecord {
  const rec = WARCRecord.create(
    {
      url: exchange.url,
      date: exchange.date,
      type,
      warcVersion: WARC_VERSION,
      warcHeaders: exchange.ip ? { 'WARC-IP-Address': exchange.ip, ...warcHeaders } : warcHeaders,
      refersToUrl: extra.refersToUrl,
      refersToDate: extra.refersToDate,
    },
    payload.length ? [head, payload] : [head],
  );
  rec.httpHeaders = null;
  const block = createHash('sha256').update(head).update(payload).digest('hex');
  rec.warcHeaders.headers.set('WARC-Block-Digest', `sha256:${block}`);
  rec.warcHeaders.headers.set('WARC-Payload-Digest', extra.payloadDigest ?? `sha256:${sha256(payload)}`);
  return rec;
}

/**
 * The id of the response record built for an exchange. A revisit stands in for that response and
 * takes its id, so the request's WARC-Concurrent-To names a record that is written (§5.7).
 */
const responseIds = new WeakMap<Exchange, string>();

/** A response record and the request record that preceded it (WARC-Concurrent-To links them). */
export function exchangeRecords(exchange: Exchange): { request: WARCRecord; response: WARCRecord } {
  const wire = wireOf(exchange);
  const response = httpRecord(exchange, 'response', wire.response, wire.body, {});
  responseIds.set(exchange, recordId(response));
  const request = httpRecord(exchange, 'request', wire.request, Buffer.alloc(0), {
    'WARC-Concurrent-To': recordId(response),
  });
  return { request, response };
}

/**
 * A revisit record for a payload already stored (identical-payload-digest profile, §6.7.2): the
 * response head as received, the payload left out (so `WARC-Truncated: length`), the payload digest
 * naming the stored payload. It takes the id of the response `exchangeRecords` built for the same
 * exchange, which it replaces.
 */
export function revisitRecord(
  exchange: Exchange,
  original: { recordId: string; url: string; date: string },
  payloadSha256: string,
): WARCRecord {
  const own = responseIds.get(exchange);
  return httpRecord(
    exchange,
    'revisit',
    wireOf(exchange).response,
    Buffer.alloc(0),
    {
      ...(own ? { 'WARC-Record-ID': own } : {}),
      'WARC-Refers-To': original.recordId,
      'WARC-Truncated': 'length',
    },
    { refersToUrl: original.url, refersToDate: original.date, payloadDigest: `sha256:${payloadSha256}` },
  );
}

/**
 * A metadata record with JSON content, under its own URI (not the response's, so replay is not
 * confused). It names the record it describes with WARC-Refers-To only: WARC-Refers-To-Target-URI
 * belongs to revisits (§5.12), so `refersTo.url` is not written.
 */
export function metadataRecord(
  uri: string,
  json: unknown,
  refersTo?: { recordId: string; url: string },
): WARCRecord {
  const warcHeaders: Record<string, string> = { 'Content-Type': 'application/json' };
  if (refersTo) warcHeaders['WARC-Refers-To'] = refersTo.recordId;
  const body = Buffer.from(JSON.stringify(json), 'utf8');
  const rec = WARCRecord.create({ url: uri, type: 'metadata', warcVersion: WARC_VERSION, warcHeaders }, [
    body,
  ]);
  const digest = `sha256:${sha256(body)}`;
  rec.warcHeaders.headers.set('WARC-Block-Digest', digest);
  rec.warcHeaders.headers.set('WARC-Payload-Digest', digest);
  return rec;
}

/**
 * A resource record (§6.6): a block the capture made or was handed (a screenshot, a DOM snapshot, an
 * export file), under its own URI, with its Content-Type; block and payload digest are the same.
 */
export function resourceRecord(uri: string, mime: string, body: Buffer, date: string): WARCRecord {
  const rec = WARCRecord.create(
    { url: uri, date, type: 'resource', warcVersion: WARC_VERSION, warcHeaders: { 'Content-Type': mime } },
    [body],
  );
  const digest = `sha256:${sha256(body)}`;
  rec.warcHeaders.headers.set('WARC-Block-Digest', digest);
  rec.warcHeaders.headers.set('WARC-Payload-Digest', digest);
  return rec;
}
