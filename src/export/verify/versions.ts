/**
 * Each version checked against its evidence: the metadata record it points at (content, content
 * hash, text, post) and, through the connectors' own parsing, the response record that metadata
 * record cites; each revisit against the media row of its payload.
 */
import type { FileHandle } from 'node:fs/promises';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { canonicalJson, contentHash, searchText } from '../../domain/content.ts';
import { decodeContent } from '../../domain/exchange.ts';
import type { PostContent } from '../../domain/types.ts';
import type { Db } from '../../store/db.ts';
import { readRecordAt } from '../../store/warc.ts';
import type { Found } from './walk.ts';

/**
 * Re-derives a post from a stored response, the way its connector parsed it when capturing: the
 * content now, and the entries of its edit history (`related` reads another response of the same
 * capture by URL), and what earlier releases of the connector read from it (`earlier`). Null when
 * the platform has no re-derivation or the response does not hold the post.
 */
export type Rederive = (input: {
  platform: string;
  platformId: string;
  url: string;
  body: Buffer;
  related: (url: string) => Promise<Buffer | null>;
}) => Promise<{ current: PostContent; history: PostContent[]; earlier?: PostContent[] } | null>;

/** A response record's payload with its Content-Encoding undone (the WARC keeps it as received). */
async function decodedPayload(block: Buffer): Promise<Buffer> {
  const end = block.indexOf('\r\n\r\n');
  const head = block.subarray(0, Math.max(end, 0)).toString('latin1');
  const body = end >= 0 ? block.subarray(end + 4) : Buffer.alloc(0);
  return decodeContent(/^content-encoding:\s*(.+)$/im.exec(head)?.[1]?.trim() ?? null, body);
}

interface VersionRow {
  id: number;
  post_id: number;
  number: number;
  content_hash: string;
  content: string;
  text: string;
  origin: string;
  capture_id: number | null;
  warc_file: string;
  warc_offset: number;
  warc_length: number;
  platform: string;
  platform_id: string;
}

/** Reads records by location, one open handle per file. */
class Reader {
  private handles = new Map<string, FileHandle>();
  constructor(private readonly dir: string) {}
  async read(loc: { file: string; offset: number; length: number }) {
    if (!this.handles.has(loc.file))
      this.handles.set(loc.file, await open(path.join(this.dir, loc.file), 'r'));
    return readRecordAt(this.dir, loc, this.handles);
  }
  async close() {
    for (const fh of this.handles.values()) await fh.close();
  }
}

export async function checkVersions(
  db: Db,
  dir: string,
  byId: Map<string, Found>,
  rederive?: Rederive,
): Promise<{ problems: string[]; rederived: number }> {
  const rows = await db.all<VersionRow>(
    `SELECT v.id, v.post_id, v.number, v.content_hash, v.content, v.text, v.origin, v.capture_id, v.warc_file,
            v.warc_offset, v.warc_length, p.platform, p.platform_id
     FROM version v LEFT JOIN post p ON p.id = v.post_id ORDER BY v.id`,
  );
  const reader = new Reader(dir);
  const out = { problems: [] as string[], rederived: 0 };
  try {
    for (const v of rows) {
      try {
        await checkVersion(v, reader, db, byId, out, rederive);
      } catch (err) {
        out.problems.push(`version ${v.id}: its evidence cannot be read (${(err as Error).message})`);
      }
    }
  } finally {
    await reader.close();
  }
  return out;
}

async function checkVersion(
  v: VersionRow,
  reader: Reader,
  db: Db,
  byId: Map<string, Found>,
  out: { problems: string[]; rederived: number },
  rederive?: Rederive,
) {
  const at = `${v.warc_file}@${v.warc_offset}`;
  const p = out.problems;
  const meta = await reader.read({ file: v.warc_file, offset: v.warc_offset, length: v.warc_length });
  const doc = JSON.parse(meta.payload.toString('utf8')) as {
    post: { platformId: string };
    version: { number: number; contentHash: string; content: PostContent };
  };
  const evidence = doc.version.content;
  if (doc.post.platformId !== v.platform_id || doc.version.number !== v.number)
    p.push(`version ${v.id} is not the post version its evidence at ${at} documents`);
  if (contentHash(evidence) !== doc.version.contentHash)
    p.push(`version ${v.id}: the content in its evidence at ${at} does not hash to the hash it names`);
  if (v.content_hash !== doc.version.contentHash)
    p.push(`version ${v.id} content hash differs from its evidence`);
  let stored: PostContent | null = null;
  try {
    stored = JSON.parse(v.content) as PostContent;
  } catch {
    p.push(`version ${v.id} content is not valid JSON`);
  }
  if (stored && canonicalJson(stored) !== canonicalJson(evidence))
    p.push(`version ${v.id} content differs from its evidence`);
  if (v.text !== searchText(evidence)) p.push(`version ${v.id} text differs from its evidence`);
  const source = meta.headers['WARC-Refers-To'] ?? meta.headers['warc-refers-to'];
  const response = source ? byId.get(source) : undefined;
  if (!rederive || !response || response.type !== 'response') return;
  const derived = await rederiveFrom(v, response, reader, db, rederive);
  if (!derived) return;
  out.rederived++;
  // A version archived by an earlier release of the connector matches what that release read.
  const hashes =
    v.origin === 'platform-history'
      ? derived.history.map(contentHash)
      : [derived.current, ...(derived.earlier ?? [])].map(contentHash);
  if (!hashes.includes(v.content_hash))
    p.push(
      `version ${v.id} differs from the response it cites (${response.file}@${response.offset}, ${response.uri})`,
    );
}

/** The post as its connector reads it from the response record (and the capture's other responses). */
async function rederiveFrom(v: VersionRow, response: Found, reader: Reader, db: Db, rederive: Rederive) {
  const rec = await reader.read(response);
  const body = await decodedPayload(rec.block);
  const related = async (url: string) => {
    const loc = await db.get<{ warc_file: string; warc_offset: number; warc_length: number }>(
      `SELECT warc_file, warc_offset, warc_length FROM capture_record
       WHERE capture_id = ? AND type = 'response' AND uri = ? ORDER BY rowid DESC LIMIT 1`,
      [v.capture_id, url],
    );
    if (!loc) return null;
    const r = await reader.read({ file: loc.warc_file, offset: loc.warc_offset, length: loc.warc_length });
    return decodedPayload(r.block);
  };
  return rederive({ platform: v.platform, platformId: v.platform_id, url: response.uri, body, related });
}

/** Each revisit names a payload the archive holds (its media row) and refers to that payload's record. */
export async function checkRevisits(db: Db, byId: Map<string, Found>): Promise<string[]> {
  const problems: string[] = [];
  const media = new Map(
    (
      await db.all<{ sha256: string; warc_record_id: string }>('SELECT sha256, warc_record_id FROM media')
    ).map((m) => [m.sha256, m.warc_record_id]),
  );
  const listed = await db.all<{ capture_id: number; url: string; sha256: string }>(
    `SELECT v.capture_id, vm.url, vm.sha256 FROM version_media vm JOIN version v ON v.id = vm.version_id
     WHERE vm.sha256 IS NOT NULL`,
  );
  const byCaptureUrl = new Map(listed.map((l) => [`${l.capture_id} ${l.url}`, l.sha256]));
  for (const r of await db.all<{ capture_id: number; warc_record_id: string }>(
    "SELECT capture_id, warc_record_id FROM capture_record WHERE type = 'revisit'",
  )) {
    const f = byId.get(r.warc_record_id);
    if (!f) continue; // reported by the walk
    const at = `revisit at ${f.file}@${f.offset}`;
    const sha = /^sha256:([0-9a-f]{64})$/.exec(f.payloadDigest ?? '')?.[1];
    if (!sha || !media.has(sha)) {
      problems.push(`${at} names a payload (${f.payloadDigest}) the archive has no media row for`);
      continue;
    }
    if (f.refersTo !== media.get(sha))
      problems.push(`${at} refers to ${f.refersTo}, not to the media record of its payload`);
    const expected = byCaptureUrl.get(`${r.capture_id} ${f.uri}`);
    if (expected && expected !== sha)
      problems.push(`${at} names another payload than the version of its capture lists for ${f.uri}`);
  }
  return problems;
}
