/**
 * What every export format shares: the zip as downloaded (read with yauzl, member by member, so a
 * large media folder is never held in memory at once), the posts a format reads from it, and the
 * errors a wrong or damaged file gives (one line each, in the user's language: src/domain/messages/import.ts).
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open as openFile } from 'node:fs/promises';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import yauzl from 'yauzl';
import type { ZodType } from 'zod';
import { CaptureError, type ErrorVars } from '../../domain/errors.ts';
import type { AccountInfo, NormalisedPost, Platform } from '../../domain/types.ts';

export type ExportFormat = 'x-archive' | 'facebook' | 'instagram' | 'linkedin' | 'mastodon';

/** A media file of the export, stored as a `resource` record under `uri` and listed by the post. */
export interface ExportMedia {
  member: string;
  uri: string;
  mime: string;
}

export interface ExportPost {
  post: NormalisedPost;
  /** The export says the post was deleted (X's deleted-tweets.js). */
  status?: 'deleted';
  /** Its media files in the export (a media item whose file is not in the export is listed without). */
  media: ExportMedia[];
}

/** A document of the export the posts were read from (tweets.js, outbox.json, Shares.csv…). */
export interface ExportSource {
  member: string;
  uri: string;
  mime: string;
  body: Buffer;
}

export interface ParsedExport {
  format: ExportFormat;
  platform: Platform;
  account: AccountInfo;
  posts: ExportPost[];
  sources: ExportSource[];
  /** Media the posts name that the export does not contain. */
  missingMedia: number;
}

export type ImportErrorCode = 'import-not-zip' | 'import-damaged' | 'import-unknown' | 'import-bad-data';

/** A refused export: `error.<code>` in the catalogue, with the file (and member, detail) it names. */
export function importError(code: ImportErrorCode, message: string, vars: ErrorVars): CaptureError {
  return new CaptureError(code, message, false, vars);
}

/** The URI an export member is stored under: the export's SHA-256 names it, the member path inside. */
export function memberUri(exportSha256: string, member: string): string {
  return `urn:archiefbot:import:${exportSha256}:${member.split('/').map(encodeURIComponent).join('/')}`;
}

const MIME: Record<string, string> = {
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.heic': 'image/heic',
  '.mp4': 'video/mp4',
  '.mov': 'video/quicktime',
  '.webm': 'video/webm',
  '.m4a': 'audio/mp4',
  '.mp3': 'audio/mpeg',
  '.ogg': 'audio/ogg',
  '.json': 'application/json',
  '.js': 'application/javascript',
  '.csv': 'text/csv',
};

export function mimeOf(name: string): string {
  return MIME[path.extname(name).toLowerCase()] ?? 'application/octet-stream';
}

export function mediaTypeOf(mime: string): 'image' | 'video' | 'audio' | 'unknown' {
  const top = mime.split('/')[0];
  return top === 'image' || top === 'video' || top === 'audio' ? top : 'unknown';
}

/** SHA-256 and size of the file as received, streamed. */
export async function hashExport(file: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(file)) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), size };
}

/** An export opened for reading (a zip, or a .tar.gz): its member names, and each member's bytes on demand. */
export abstract class ExportArchive {
  constructor(readonly fileName: string) {}

  abstract names(): string[];
  abstract has(member: string): boolean;
  /** A member's bytes; a damaged member is `import-damaged`, naming it. */
  abstract read(member: string): Promise<Buffer>;
  /** Checks that a member reads whole (its bytes are not kept). */
  abstract check(member: string): Promise<void>;
  abstract close(): Promise<void>;

  /** The first of these members the export holds (newer export layouts first), or null. */
  first(...members: string[]): string | null {
    return members.find((m) => this.has(m)) ?? null;
  }

  /** A member read as JSON (after `strip`, e.g. X's `window.YTD… =` wrapper); bad JSON names the member. */
  async json(
    member: string,
    format: string,
    strip?: (text: string) => string,
  ): Promise<{ value: unknown; body: Buffer }> {
    const body = await this.read(member);
    return { value: parseMember(this.fileName, member, body, format, strip), body };
  }

  protected damaged(member: string, why: string): CaptureError {
    const detail = `${member}: ${why}`;
    return importError('import-damaged', `${this.fileName} is damaged (${detail})`, {
      file: this.fileName,
      detail,
    });
  }
}

/** The first bytes of a file: what kind of archive it is. */
export async function magicOf(file: string): Promise<Buffer> {
  const head = Buffer.alloc(4);
  const fh = await openFile(file, 'r');
  try {
    await fh.read(head, 0, 4, 0);
  } finally {
    await fh.close();
  }
  return head;
}

/** An export zip: yauzl reads the central directory, members are inflated on demand and CRC-checked. */
export class ExportZip extends ExportArchive {
  private constructor(
    private readonly zip: yauzl.ZipFile,
    private readonly entries: Map<string, yauzl.Entry>,
    fileName: string,
  ) {
    super(fileName);
  }

  /** Opens the zip; a file that is no zip, or a truncated or damaged one, is refused with one line. */
  static async open(file: string): Promise<ExportZip> {
    const name = path.basename(file);
    const head = await magicOf(file);
    if (head.readUInt32LE(0) !== 0x04034b50 && head.readUInt32LE(0) !== 0x06054b50)
      throw importError('import-not-zip', `${name} is not a zip file`, { file: name });
    const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
      yauzl.open(file, { lazyEntries: true, autoClose: false, validateEntrySizes: true }, (err, z) =>
        err ? reject(err) : resolve(z),
      ),
    ).catch((err: Error) => {
      throw importError('import-damaged', `${name} is damaged: ${err.message}`, {
        file: name,
        detail: err.message,
      });
    });
    const entries = new Map<string, yauzl.Entry>();
    await new Promise<void>((resolve, reject) => {
      zip.on('entry', (e: yauzl.Entry) => {
        if (!e.fileName.endsWith('/')) entries.set(e.fileName, e);
        zip.readEntry();
      });
      zip.on('end', () => resolve());
      zip.on('error', reject);
      zip.readEntry();
    }).catch((err: Error) => {
      zip.close();
      throw importError('import-damaged', `${name} is damaged: ${err.message}`, {
        file: name,
        detail: err.message,
      });
    });
    return new ExportZip(zip, entries, name);
  }

  names(): string[] {
    return [...this.entries.keys()];
  }

  has(member: string): boolean {
    return this.entries.has(member);
  }

  /** A member's bytes; a member that cannot be inflated whole, or whose CRC-32 differs, is `import-damaged`. */
  async read(member: string): Promise<Buffer> {
    const chunks: Buffer[] = [];
    await this.stream(member, (c) => chunks.push(c));
    return Buffer.concat(chunks);
  }

  /** Reads a member through without keeping it: checks that it inflates whole to its CRC-32. */
  async check(member: string): Promise<void> {
    await this.stream(member, () => {});
  }

  private async stream(member: string, onChunk: (c: Buffer) => void): Promise<void> {
    const entry = this.entries.get(member);
    if (!entry) throw new Error(`no member ${member}`);
    let crc = 0;
    try {
      const stream = await new Promise<NodeJS.ReadableStream>((resolve, reject) =>
        this.zip.openReadStream(entry, (err, s) => (err ? reject(err) : resolve(s))),
      );
      for await (const c of stream) {
        crc = crc32(c as Buffer, crc);
        onChunk(c as Buffer);
      }
    } catch (err) {
      throw this.damaged(member, (err as Error).message);
    }
    // yauzl checks the size; the CRC-32 the zip records for the member is checked here.
    if (crc >>> 0 !== entry.crc32 >>> 0) throw this.damaged(member, 'CRC-32 mismatch');
  }

  async close(): Promise<void> {
    this.zip.close();
  }
}

/** A member's bytes as JSON (UTF-8, a byte-order mark dropped, after `strip`); bad JSON names the member. */
export function parseMember(
  file: string,
  member: string,
  body: Buffer,
  format: string,
  strip: (text: string) => string = (t) => t,
): unknown {
  try {
    return JSON.parse(strip(body.toString('utf8').replace(/^\uFEFF/, '')));
  } catch (err) {
    throw badData(file, member, format, (err as Error).message);
  }
}

/** A value checked against its schema; the first problem names the member and the field. */
export function validMember<T>(
  file: string,
  member: string,
  format: string,
  schema: ZodType<T>,
  value: unknown,
): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw badData(file, member, format, `${issue.path.join('.') || 'the document'}: ${issue.message}`);
}

/** A member whose content is not what the format documents: names the file, member and what is wrong. */
export function badData(file: string, member: string, format: string, detail: string): CaptureError {
  return importError('import-bad-data', `${file}: ${member} is not a valid ${format} member (${detail})`, {
    file,
    member,
    format,
    detail,
  });
}

/** The posts an export gives, by the platform's own id, deduplicated (the last occurrence wins). */
export function uniqueById(posts: ExportPost[]): ExportPost[] {
  return [...new Map(posts.map((p) => [p.post.platformId, p])).values()];
}
