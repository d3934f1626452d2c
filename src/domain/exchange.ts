/** The HTTP exchange type shared by capture (which records it) and store (which writes it to the WARC). */
import { promisify } from 'node:util';
import { brotliDecompress, gunzip, inflate, inflateRaw } from 'node:zlib';

export type Purpose = 'api' | 'media' | 'page';

/**
 * One HTTP request and its answer. `body` is what the connectors parse (Content-Encoding undone);
 * `wire` is what went over the network, which the WARC keeps (ISO 28500 §6.3.2: the response as
 * received).
 */
export interface Exchange {
  method: string;
  url: string;
  /** The request header fields sent, names as sent, in order (host and connection included). */
  requestHeaders: [string, string][];
  status: number;
  /** The reason phrase as the server sent it. */
  statusText: string;
  /** The response header fields as received: names as sent, in order, repeated fields kept. */
  responseHeaders: [string, string][];
  /** The payload with its Content-Encoding (gzip, br, deflate) undone: what connectors parse. */
  body: Buffer;
  /**
   * The bytes as exchanged (latin1 heads, as HTTP/1.1 sends them). Absent on exchanges made up in
   * tests: the WARC records are then built from the fields above.
   */
  wire?: {
    /** The request head as sent: request line, header lines, blank line. */
    request: Buffer;
    /** The response head: status line, header lines as received, blank line (see `responseHead`). */
    response: Buffer;
    /** The entity body as transferred: Content-Encoding kept, chunked transfer-coding removed. */
    body: Buffer;
  };
  /** The numeric address the answer came from (WARC-IP-Address). */
  ip?: string;
  date: string;
  purpose: Purpose;
}

/**
 * The response head as the WARC keeps it: the status line with the reason phrase as sent and every
 * header line as received. A chunked transfer-coding has been removed from the body (the HTTP client
 * hands over the entity body), so its Transfer-Encoding line is kept renamed as
 * X-Archive-Orig-Transfer-Encoding: readers then take the body as it stands (pywb and warcio
 * convention; webrecorder/pywb#584), and the payload digest is over the entity body (WARC 1.1 §5.9).
 */
export function responseHead(status: number, statusText: string, headers: [string, string][]): Buffer {
  let head = `HTTP/1.1 ${status}${statusText ? ` ${statusText}` : ''}\r\n`;
  for (const [name, value] of headers) {
    const chunked = name.toLowerCase() === 'transfer-encoding' && /chunked/i.test(value);
    head += `${chunked ? `X-Archive-Orig-${name}` : name}: ${value}\r\n`;
  }
  return Buffer.from(`${head}\r\n`, 'latin1');
}

const gunzipAsync = promisify(gunzip);
const inflateAsync = promisify(inflate);
const inflateRawAsync = promisify(inflateRaw);
const brotliAsync = promisify(brotliDecompress);

/**
 * Undoes a Content-Encoding (`gzip`, `x-gzip`, `deflate`, `br`, a list of them, applied in order), so
 * the payload can be parsed. An unknown coding is left as it is. `maxBytes` caps the decoded size
 * (a RangeError past it), so a small compressed answer cannot fill memory.
 */
export async function decodeContent(
  contentEncoding: string | null,
  body: Buffer,
  maxBytes = 2 ** 31 - 1,
): Promise<Buffer> {
  const codings = (contentEncoding ?? '')
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c && c !== 'identity');
  let out = body;
  const opts = { maxOutputLength: maxBytes };
  for (const coding of codings.reverse()) {
    if (out.length === 0) break;
    if (coding === 'gzip' || coding === 'x-gzip') out = await gunzipAsync(out, opts);
    else if (coding === 'br') out = await brotliAsync(out, opts);
    else if (coding === 'deflate') {
      // "deflate" is meant to be zlib-wrapped; some servers send raw deflate.
      const input = out;
      out = await inflateAsync(input, opts).catch(() => inflateRawAsync(input, opts));
    } else break;
  }
  return out;
}

/** The value of a header field (the first, by case-insensitive name), or null. */
export function headerValue(headers: [string, string][], name: string): string | null {
  const lower = name.toLowerCase();
  return headers.find(([k]) => k.toLowerCase() === lower)?.[1] ?? null;
}
