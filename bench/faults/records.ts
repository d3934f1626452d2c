/**
 * What a replay tool sees in the WARC files, held against what the database knows: every record read
 * sequentially (warcio, independently of the writer), an orphan being a record that no row points at
 * and that is not a warcinfo, and a file's tail being any byte after its last known record.
 * Shared by tests/faults.test.ts and bench/faults/run.ts.
 */
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { WARCParser } from 'warcio';
import { type Known, knownRecords } from '../../src/export/verify/walk.ts';
import type { Archive } from '../../src/store/archive.ts';
import { warcinfoLength } from '../../src/store/recovery.ts';

export interface WarcCensus {
  files: number;
  records: number;
  /** `file@offset (type uri)` of every record the database does not know (warcinfo excepted). */
  orphans: string[];
  /** Files with bytes after their last known record (or their warcinfo): `file: n bytes`. */
  tails: string[];
}

export async function warcCensus(archive: Archive): Promise<WarcCensus> {
  const known = await knownRecords(archive.db);
  const names = (await readdir(archive.warcDir).catch(() => [] as string[]))
    .filter((f) => f.endsWith('.warc.gz'))
    .sort();
  const census: WarcCensus = { files: names.length, records: 0, orphans: [], tails: [] };
  for (const name of names) {
    const file = path.join(archive.warcDir, name);
    const offsets = known.get(name) ?? new Map<number, Known>();
    const parser = new WARCParser(createReadStream(file), { parseHttp: false });
    try {
      for await (const rec of parser) {
        await rec.readFully(false);
        census.records++;
        if (rec.warcType !== 'warcinfo' && !offsets.has(parser.offset))
          census.orphans.push(`${name}@${parser.offset} (${rec.warcType} ${rec.warcTargetURI ?? ''})`);
      }
    } catch (err) {
      census.orphans.push(`${name}: unreadable after offset ${parser.offset} (${(err as Error).message})`);
    }
    const end =
      Math.max(0, ...[...offsets.values()].map((k) => k.offset + k.length)) ||
      ((await warcinfoLength(file)) ?? 0);
    const size = (await stat(file)).size;
    if (size !== end) census.tails.push(`${name}: ${size - end} bytes after the last known record`);
  }
  return census;
}
