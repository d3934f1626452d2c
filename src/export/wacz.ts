/**
 * WACZ 1.1.1 (Webrecorder's package of web archives; docs/reference/formats.md §1, docs/export.md):
 *
 * - `archive/data.warc.gz`: every record the selection stands on, each gzip member copied byte for
 *   byte from the archive's files (its digests and the SHA-256 the archive keeps still hold), each
 *   record once, stored in the ZIP without compression;
 * - `indexes/index.cdx`: CDXJ, one line per response, revisit or resource record, sorted bytewise by
 *   SURT key and timestamp (lines of one URL within one second in the order they were captured), with
 *   offset, length and filename into the `archive/` file;
 * - `pages/pages.jsonl`: a header line and one page per post: its public URL when a browser or web
 *   capture of it exists, else the API URL its version was read from, titled with the account and
 *   the first words, timestamped at that capture;
 * - `datapackage.json` with each file's SHA-256 (computed here as the bytes are written) and size;
 *   `datapackage-digest.json` with the SHA-256 of datapackage.json, signed with the archive's seal
 *   key (Ed25519) when one is configured.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { sha256Hex } from '../domain/content.ts';
import { type ExportOptions, type ExportResult, signText, Tally } from './package.ts';
import { type CopiedRecord, EvidenceResolver, RecordReader } from './records.ts';
import { eachPost, type SelectedPost, type Selection } from './selection.ts';
import { HashingWriter, writeZip } from './zip.ts';

export const WACZ_VERSION = '1.1.1';
const WARC_NAME = 'data.warc.gz';

/** The SURT form of a URL (CDXJ's searchable key): host labels reversed with commas, then `)` and the path. */
export function surt(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return url.toLowerCase();
  }
  const host = u.hostname.toLowerCase().replace(/^www\./, '');
  const isIp = /^[\d.]+$/.test(host) || host.startsWith('[');
  const key = isIp ? host : host.split('.').reverse().join(',');
  const port = u.port ? `:${u.port}` : '';
  return `${key}${port})${u.pathname.toLowerCase()}${u.search.toLowerCase()}`;
}

/** `YYYYMMDDhhmmss` (UTC) of an ISO time. */
export function cdxTimestamp(iso: string): string {
  return new Date(iso)
    .toISOString()
    .replace(/[-:TZ]/g, '')
    .slice(0, 14);
}

/** A CDXJ line with what orders it: SURT key and timestamp, then the record's time to the millisecond. */
interface CdxLine {
  key: string;
  at: number;
  line: string;
}

/**
 * Sorts CDXJ lines by SURT key and timestamp, and lines with the same key in capture order. A timestamp
 * has whole seconds, and ReplayWeb.page keeps one record per URL and second (the last it loads): a post
 * captured, edited and captured again within one second must replay as edited, not as whichever
 * record's digest happens to sort last.
 */
function sortCdx(lines: CdxLine[]): string[] {
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return lines.sort((a, b) => cmp(a.key, b.key) || a.at - b.at || cmp(a.line, b.line)).map((l) => l.line);
}

/** The CDXJ line of a copied record, or null for records a replay does not look up (request, metadata). */
function cdxLine(rec: CopiedRecord, offset: number): CdxLine | null {
  if (!['response', 'revisit', 'resource'].includes(rec.type) || !rec.uri) return null;
  const json: Record<string, unknown> = {
    url: rec.uri,
    mime: rec.type === 'revisit' ? 'warc/revisit' : (rec.mime ?? 'application/octet-stream'),
    status: String(rec.status ?? 200),
    digest: rec.payloadDigest ?? `sha256:${sha256Hex(rec.bytes)}`,
    length: String(rec.bytes.length),
    offset: String(offset),
    filename: WARC_NAME,
    recordDigest: `sha256:${sha256Hex(rec.bytes)}`,
  };
  const key = `${surt(rec.uri)} ${cdxTimestamp(rec.date)}`;
  return { key, at: new Date(rec.date).getTime(), line: `${key} ${JSON.stringify(json)}` };
}

/** The first words of a text, for a title. */
export function firstWords(text: string, words = 10): string {
  const all = text.replace(/\s+/g, ' ').trim().split(' ');
  return all.length > words ? `${all.slice(0, words).join(' ')}…` : all.join(' ');
}

/**
 * The page of a post: the public URL when a capture fetched it (browser, web), else the API response
 * its newest version was read from (the metadata record's WARC-Refers-To), else its API URL.
 */
/** What a page needs to know of a record. */
interface RecordInfo {
  type: string;
  uri: string;
  date: string;
  refersTo: string | null;
}

function pageOf(post: SelectedPost, responses: Map<string, RecordInfo>, byId: Map<string, RecordInfo>) {
  const d = post.detail;
  const latest = d.versions.at(-1);
  const meta = latest ? byId.get(latest.evidence.recordId) : undefined;
  const source = meta?.refersTo ? byId.get(meta.refersTo) : undefined;
  const pub = responses.get(d.post.url);
  const api = post.apiRef ? responses.get(post.apiRef) : undefined;
  const rec = pub ?? (source?.type === 'response' ? source : undefined) ?? api;
  const author = d.post.author ? `@${d.post.author.split('@')[0]}` : d.post.platform;
  return {
    id: String(d.post.id),
    url: rec?.uri ?? post.apiRef ?? d.post.url,
    ts: new Date(rec?.date ?? latest?.capturedAt ?? d.post.firstSeen).toISOString(),
    title: `${author}: ${firstWords(d.post.text)}`,
    text: d.post.text,
  };
}

/** Writes the WACZ of a selection to `opts.out`. */
export async function exportWacz(selection: Selection, opts: ExportOptions): Promise<ExportResult> {
  const tmp = mkdtempSync(path.join(path.dirname(path.resolve(opts.out)), '.wacz-'));
  const reader = new RecordReader(opts.warcDir);
  const tally = new Tally();
  try {
    const warc = new HashingWriter(path.join(tmp, WARC_NAME));
    const pages = new HashingWriter(path.join(tmp, 'pages.jsonl'));
    await pages.write(`${JSON.stringify({ format: 'json-pages-1.0', id: 'pages', title: 'All Pages' })}\n`);
    const cdx: CdxLine[] = [];
    // What a page needs of each record written (not its bytes), by location.
    const written = new Map<string, RecordInfo>();
    const resolver = new EvidenceResolver(opts.db, reader);
    for await (const post of eachPost(opts.db, selection, (d) => resolver.resolve(d))) {
      const responses = new Map<string, RecordInfo>();
      const byId = new Map<string, RecordInfo>();
      for (const ref of post.records) {
        const key = `${ref.file}@${ref.offset}`;
        let info = written.get(key);
        if (!info) {
          const rec = await reader.read(ref);
          const line = cdxLine(rec, warc.bytes);
          if (line) cdx.push(line);
          await warc.write(rec.bytes);
          tally.records++;
          info = { type: rec.type, uri: rec.uri, date: rec.date, refersTo: rec.refersTo };
          written.set(key, info);
        }
        byId.set(ref.recordId, info);
        if (info.type === 'response' && !responses.has(info.uri)) responses.set(info.uri, info);
      }
      await pages.write(`${JSON.stringify(pageOf(post, responses, byId))}\n`);
      tally.posts++;
      tally.versions += post.detail.versions.length;
      for (const m of post.detail.media) if (m.sha256) tally.media.add(m.sha256);
      opts.onProgress?.(tally.posts, selection.all.length);
    }
    const files = [
      { name: `archive/${WARC_NAME}`, ...(await warc.close()), store: true },
      { name: 'pages/pages.jsonl', ...(await pages.close()), store: false },
    ];
    const lines = sortCdx(cdx);
    const index = Buffer.from(lines.length ? `${lines.join('\n')}\n` : '');
    writeFileSync(path.join(tmp, 'index.cdx'), index);
    files.push({ name: 'indexes/index.cdx', bytes: index.length, sha256: sha256Hex(index), store: false });
    const { datapackage, digest } = packageJson(selection, opts, files);
    const result = await writeZip(opts.out, [
      ...files.map((f) => ({
        name: f.name,
        file: path.join(tmp, path.basename(f.name)),
        store: f.store,
      })),
      { name: 'datapackage.json', data: datapackage },
      { name: 'datapackage-digest.json', data: digest },
    ]);
    return tally.result('wacz', result);
  } finally {
    await reader.close();
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** datapackage.json and datapackage-digest.json (signed when a signer is given). */
function packageJson(
  selection: Selection,
  opts: ExportOptions,
  files: { name: string; bytes: number; sha256: string }[],
): { datapackage: Buffer; digest: Buffer } {
  const now = (opts.now ?? new Date()).toISOString();
  const datapackage = Buffer.from(
    JSON.stringify(
      {
        profile: 'data-package',
        wacz_version: WACZ_VERSION,
        title: `Archiefbot: ${selection.describe}`,
        description: `Posts archived by Archiefbot (${selection.describe}), with their replies, versions, media and WARC evidence.`,
        created: now,
        modified: now,
        software: opts.software,
        resources: files.map((f) => ({
          name: path.basename(f.name),
          path: f.name,
          hash: `sha256:${f.sha256}`,
          bytes: f.bytes,
        })),
      },
      null,
      2,
    ),
  );
  const hash = `sha256:${sha256Hex(datapackage)}`;
  const digest: Record<string, unknown> = { path: 'datapackage.json', hash };
  if (opts.signer) {
    const { signature, publicKey } = signText(opts.signer, hash);
    digest.signedData = { hash, created: now, software: opts.software, signature, publicKey };
  }
  return { datapackage, digest: Buffer.from(JSON.stringify(digest, null, 2)) };
}
