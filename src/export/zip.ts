/**
 * Writing and hashing the files an export hands over: a ZIP (WACZ, the Woo package) streamed from
 * files on disk, written under a temporary name and renamed when whole, so a crash never leaves a
 * package that looks finished; and the SHA-256 of a file, streamed.
 */
import { createHash } from 'node:crypto';
import { createWriteStream, renameSync, rmSync } from 'node:fs';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yazl from 'yazl';

export interface ZipEntry {
  /** The path inside the ZIP. */
  name: string;
  /** A file on disk, or bytes in memory. */
  file?: string;
  data?: Buffer;
  /** Store without compression (data that is compressed already, e.g. `archive/*.warc.gz`). */
  store?: boolean;
}

export interface Written {
  file: string;
  bytes: number;
  sha256: string;
}

/** Writes the ZIP to `out` (via `out.partial`) and returns its size and SHA-256. */
export async function writeZip(out: string, entries: ZipEntry[], mtime = new Date()): Promise<Written> {
  const zip = new yazl.ZipFile();
  for (const e of entries) {
    const options = { compress: !e.store, mtime };
    if (e.file) zip.addFile(e.file, e.name, options);
    else zip.addBuffer(e.data ?? Buffer.alloc(0), e.name, options);
  }
  zip.end();
  const partial = `${out}.partial`;
  const hash = createHash('sha256');
  let bytes = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  try {
    await pipeline(zip.outputStream, tap, createWriteStream(partial));
    renameSync(partial, out);
  } catch (err) {
    rmSync(partial, { force: true });
    throw err;
  }
  return { file: out, bytes, sha256: hash.digest('hex') };
}

/** A file written in pieces that knows its size and SHA-256 as it goes. */
export class HashingWriter {
  private readonly stream;
  private readonly hash = createHash('sha256');
  bytes = 0;

  constructor(readonly file: string) {
    this.stream = createWriteStream(file);
  }

  async write(chunk: Buffer | string): Promise<void> {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    this.hash.update(buf);
    this.bytes += buf.length;
    if (!this.stream.write(buf)) await new Promise<void>((r) => this.stream.once('drain', () => r()));
  }

  async close(): Promise<{ bytes: number; sha256: string }> {
    await new Promise<void>((resolve, reject) =>
      this.stream.end((err?: Error | null) => (err ? reject(err) : resolve())),
    );
    return { bytes: this.bytes, sha256: this.hash.digest('hex') };
  }
}
