/**
 * What the search-plan tests share: a migrated archive database of their own in a temporary directory,
 * a seeded random generator, and a bulk insert of version rows (no WARC behind them: the tests read the
 * SQL, not the evidence).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Db } from '../../src/store/db.ts';
import { migrate } from '../../src/store/migrations.ts';

/** A migrated database in a new temporary directory, and how to close and remove it. */
export async function scratchDb(name: string): Promise<{ db: Db; close: () => Promise<void> }> {
  const dir = mkdtempSync(path.join(tmpdir(), `archiefbot-${name}-`));
  const db = await Db.open(path.join(dir, 'archiefbot.db'));
  await migrate(db);
  return {
    db,
    close: async () => {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A deterministic generator of numbers in [0, 1) from a seed (the same fixture every run). */
export function seeded(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return x / 2 ** 31;
  };
}

/** Inserts versions (post id, number, text) in one statement. */
export async function insertVersions(
  db: Db,
  versions: { post: number; number: number; text: string }[],
): Promise<void> {
  await db.run(
    `INSERT INTO version (post_id, number, captured_at, content_hash, content, text, origin, trigger, method, misses,
                          warc_file, warc_offset, warc_length, warc_record_id)
     SELECT j.value->>'post', j.value->>'number', '2025-01-01', 'h', '{}', j.value->>'text', 'capture', 'watch', 'api', '[]',
            'w.warc.gz', 0, 0, 'r'
     FROM json_each(?) j`,
    [JSON.stringify(versions)],
  );
}
