/**
 * The seal log (seals.jsonl in the data directory): one JSON line per seal, appended and fsynced,
 * each line naming the hash of the line before it, so a changed, removed or inserted line breaks
 * the links up to the newest seal, whose signature covers its link.
 */
import { open, readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { canonicalJson, sha256Hex } from '../../domain/content.ts';

const SEAL_LOG = 'seals.jsonl';
export const FIRST_PREV = '0'.repeat(64);

const hex64 = z.string().regex(/^[0-9a-f]{64}$/);

export const sealSchema = z.strictObject({
  v: z.literal(1),
  seq: z.number().int().min(1),
  auditId: z.number().int().min(1),
  auditHash: hex64,
  at: z.string(),
  prev: hex64,
  key: hex64,
  signature: z.base64(),
  tsa: z.strictObject({ url: z.string(), token: z.base64(), time: z.string() }).optional(),
});

/** One seal: the audit head it signs, when, the link to the line before, the key, and the signature. */
export type Seal = z.output<typeof sealSchema>;

/** The bytes the Ed25519 signature is over: everything of the seal but the signature and time stamp. */
export function signedBytes(s: Omit<Seal, 'signature' | 'tsa'>): Buffer {
  const { v, seq, auditId, auditHash, at, prev, key } = s;
  return Buffer.from(
    `archiefbot seal\n${canonicalJson({ v, seq, auditId, auditHash, at, prev, key })}`,
    'utf8',
  );
}

/** What the time stamp is over: the SHA-256 of the signature (which covers the seal). */
export function imprintOf(signature: string): Buffer {
  return Buffer.from(sha256Hex(Buffer.from(signature, 'base64')), 'hex');
}

export function lineHash(line: string): string {
  return sha256Hex(line);
}

export function sealLogFile(dataDir: string): string {
  return path.join(dataDir, SEAL_LOG);
}

/** The log's lines (without their newlines); none when there is no log. */
export async function readSealLines(dataDir: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(sealLogFile(dataDir), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/** Appends one line and fsyncs it (and the folder, when the log is new). */
export async function appendSealLine(dataDir: string, line: string): Promise<void> {
  const file = sealLogFile(dataDir);
  const fh = await open(file, 'a');
  try {
    const { size } = await fh.stat();
    const bytes = Buffer.from(`${line}\n`, 'utf8');
    const { bytesWritten } = await fh.write(bytes, 0, bytes.length, null);
    if (bytesWritten !== bytes.length) {
      await fh.truncate(size); // no half line left behind
      throw new Error(`${file}: only ${bytesWritten} of ${bytes.length} bytes written`);
    }
    await fh.sync();
    if (size === 0) {
      const dir = await open(dataDir, 'r');
      await dir.sync().finally(() => dir.close());
    }
  } finally {
    await fh.close();
  }
}
