import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { WARCParser } from 'warcio';
import { Archive } from '../../src/store/archive.ts';
import type { IngestInput } from '../../src/store/ingest/types.ts';

export const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

/** Opens the archive in a data dir for assertions (read what the CLI wrote). */
export async function withArchive<T>(dataDir: string, fn: (a: Archive) => Promise<T>): Promise<T> {
  const archive = await Archive.open(dataDir, { rotateBytes: 1e9, operator: '' });
  try {
    return await fn(archive);
  } finally {
    await archive.close();
  }
}

/** Ingests posts as an API capture asked for by a command, through the archive's own ingest. */
export async function ingestCaptured(
  dataDir: string,
  url: string,
  posts: IngestInput['posts'],
  exchanges: IngestInput['exchanges'] = [],
): Promise<void> {
  await withArchive(dataDir, (a) =>
    a.ingest({
      url,
      trigger: 'command',
      requestedBy: 'test',
      channel: null,
      method: { id: 'api', label: 'api', captures: [], misses: [] },
      posts,
      exchanges,
    }),
  );
}

/** Rows from the archive's database (opened and closed around the one query). */
export async function query<T = Record<string, unknown>>(
  dataDir: string,
  sql: string,
  params: unknown[] = [],
) {
  return withArchive(dataDir, (a) => a.db.all<T>(sql, params));
}

/** Makes every query of `archive` that contains `statement` fail with `message` (a full disk, say). */
export function failOn(archive: Archive, statement: string, message: string): void {
  const all = archive.db.all.bind(archive.db);
  archive.db.all = (async (sql: string, params?: unknown[]) => {
    if (sql.includes(statement)) throw new Error(message);
    return all(sql, params as never);
  }) as typeof archive.db.all;
}

export function warcFiles(dataDir: string): string[] {
  const dir = path.join(dataDir, 'warc');
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.warc.gz')) : [];
}

/** A failed capture leaves no post, version or media row and no WARC file (the data dir was fresh). */
export async function expectNothingWritten(dataDir: string): Promise<void> {
  expect(await count(dataDir, 'post')).toBe(0);
  expect(await count(dataDir, 'version')).toBe(0);
  expect(await count(dataDir, 'media')).toBe(0);
  expect(warcFiles(dataDir)).toEqual([]);
}

export async function count(dataDir: string, table: string, where = '1=1'): Promise<number> {
  return withArchive(dataDir, async (a) => {
    const row = await a.db.get<{ n: number }>(`SELECT count(*) AS n FROM ${table} WHERE ${where}`);
    return row!.n;
  });
}

export interface ReadRecord {
  type: string;
  uri: string;
  headers: Map<string, string>;
  block: Buffer;
  http: string | null;
}

/** Every record of every WARC file, read back with warcio (independently of the project's reader). */
export async function readAllWarc(dataDir: string): Promise<ReadRecord[]> {
  const dir = path.join(dataDir, 'warc');
  let files: string[] = [];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.warc.gz'));
  } catch {
    return [];
  }
  const out: ReadRecord[] = [];
  for (const f of files.sort()) {
    const parser = new WARCParser(createReadStream(path.join(dir, f)), { parseHttp: false });
    for await (const rec of parser) {
      const block = Buffer.from(await rec.readFully(false));
      const headers = new Map<string, string>();
      for (const [k, v] of rec.warcHeaders.headers as unknown as Iterable<[string, string]>)
        headers.set(k.toLowerCase(), v);
      const end = block.indexOf('\r\n\r\n');
      out.push({
        type: rec.warcType ?? '',
        uri: rec.warcTargetURI ?? '',
        headers,
        block,
        http:
          ['request', 'response', 'revisit'].includes(rec.warcType ?? '') && end >= 0
            ? block.subarray(0, end).toString()
            : null,
      });
    }
  }
  return out;
}
