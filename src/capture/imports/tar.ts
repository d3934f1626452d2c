/**
 * A `.tar.gz` export: Mastodon's account archive before it became a zip (BackupService wrote it with
 * Ruby's Gem::Package::TarWriter: ustar headers, long names split into prefix and name). A gzip
 * stream cannot be read from the middle, so the archive is read once, whole: its JSON and CSV
 * documents are kept in memory, every other member (media) is written to a temporary folder and read
 * from there; `close` removes that folder. gzip's own CRC-32 and length, checked at the end of the
 * stream, cover every byte; a truncated or damaged file is `import-damaged`.
 */
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createGunzip } from 'node:zlib';
import { ExportArchive, importError } from './export-file.ts';

const BLOCK = 512;
const KEEP_IN_MEMORY = /\.(json|js|csv)$/i;

type Member = { data: Buffer } | { file: string };

/** The fields of a ustar header this reader needs: the name (with prefix), size and type. */
function header(block: Buffer): { name: string; size: number; type: string } | null {
  if (block.every((b) => b === 0)) return null;
  const text = (from: number, len: number) =>
    block
      .subarray(from, from + len)
      .toString('utf8')
      .replace(/\0.*$/s, '');
  const name = text(0, 100);
  const prefix = text(257, 6).startsWith('ustar') ? text(345, 155) : '';
  const size = Number.parseInt(text(124, 12).trim() || '0', 8);
  return {
    name: prefix ? `${prefix}/${name}` : name,
    size: Number.isNaN(size) ? 0 : size,
    type: text(156, 1) || '0',
  };
}

/** The `path` of a pax extended header (`<len> path=<value>\n` records), if it sets one. */
function paxPath(data: Buffer): string | null {
  const m = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(data.toString('utf8'));
  return m ? m[1]! : null;
}

export class ExportTar extends ExportArchive {
  private constructor(
    private readonly members: Map<string, Member>,
    private readonly tmp: string,
    fileName: string,
  ) {
    super(fileName);
  }

  /** Reads the whole archive once (into `tmpRoot`, a temporary folder of its own for the media). */
  static async open(file: string, tmpRoot: string): Promise<ExportTar> {
    const name = path.basename(file);
    await mkdir(tmpRoot, { recursive: true });
    const tmp = await mkdtemp(path.join(tmpRoot, 'import-'));
    const members = new Map<string, Member>();
    try {
      await readTar(file, async (member, data) => {
        if (KEEP_IN_MEMORY.test(member)) return void members.set(member, { data });
        const stored = path.join(tmp, String(members.size));
        await writeFile(stored, data);
        members.set(member, { file: stored });
      });
    } catch (err) {
      await rm(tmp, { recursive: true, force: true });
      const detail = (err as Error).message;
      throw importError('import-damaged', `${name} is damaged: ${detail}`, { file: name, detail });
    }
    return new ExportTar(members, tmp, name);
  }

  names(): string[] {
    return [...this.members.keys()];
  }

  has(member: string): boolean {
    return this.members.has(member);
  }

  async read(member: string): Promise<Buffer> {
    const m = this.members.get(member);
    if (!m) throw new Error(`no member ${member}`);
    return 'data' in m
      ? m.data
      : readFile(m.file).catch((err: Error) => Promise.reject(this.damaged(member, err.message)));
  }

  /** Every member was read whole, under gzip's CRC-32, when the archive was opened. */
  async check(member: string): Promise<void> {
    if (!this.members.has(member)) throw new Error(`no member ${member}`);
  }

  async close(): Promise<void> {
    await rm(this.tmp, { recursive: true, force: true });
  }
}

/**
 * Calls `onFile` for each regular file of the tar inside the gzip stream, in order (one member's
 * bytes in memory at a time). GNU long names (`L`) and pax `path` records are honoured.
 */
async function readTar(file: string, onFile: (name: string, data: Buffer) => Promise<void>): Promise<void> {
  let pending = Buffer.alloc(0);
  let current: { name: string; size: number; type: string; chunks: Buffer[]; left: number } | null = null;
  let longName: string | null = null;
  let ended = false;
  for await (const chunk of createReadStream(file).pipe(createGunzip())) {
    pending = Buffer.concat([pending, chunk as Buffer]);
    while (!ended) {
      if (current) {
        const take = Math.min(current.left, pending.length);
        current.chunks.push(pending.subarray(0, take));
        pending = pending.subarray(take);
        current.left -= take;
        if (current.left > 0) break;
        const padded = Math.ceil(current.size / BLOCK) * BLOCK - current.size;
        if (pending.length < padded) {
          current.left = 0;
          break;
        }
        pending = pending.subarray(padded);
        const data = Buffer.concat(current.chunks);
        const h = current;
        current = null;
        if (h.type === 'L') longName = data.toString('utf8').replace(/\0.*$/s, '');
        else if (h.type === 'x') longName = paxPath(data) ?? longName;
        else if (h.type === '0' || h.type === '7') {
          await onFile(longName ?? h.name, data);
          longName = null;
        } else longName = null;
        continue;
      }
      if (pending.length < BLOCK) break;
      const h = header(pending.subarray(0, BLOCK));
      pending = pending.subarray(BLOCK);
      if (!h) {
        ended = true;
        break;
      }
      current = { ...h, chunks: [], left: h.size };
    }
  }
  if (current) throw new Error('the archive ends inside a member');
  if (!ended && pending.length) throw new Error('the archive ends inside a header');
}
