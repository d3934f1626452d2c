/**
 * bench/detect/million.ts: the million archived posts of the detect bench, cached on disk.
 *
 * bench/search's generator at 1,176,471 versions holds exactly 1,000,000 posts (85 % of versions are
 * first versions; 971,552 of them on the re-check schedule, the web pages not), their re-checks
 * scheduled over the week after it was built. Two forms, each made once from it and cached beside it:
 *
 * - `scheduled`: the posts as generated (the sql mode claims from their schedule);
 * - `watched`: the same posts on the monitor's indexes but not due during a run (next and last check
 *   far in the future: their hosts do not exist, a check would only fail), for the stream mode. The
 *   two indexes the update touches are dropped first and built again after (SQLite sorts once), so
 *   the update rewrites the post table in order instead of moving a million entries around two
 *   b-trees a page at a time (that did not finish in 15 minutes): 6 s.
 *
 * In both, the generator's evidence-log entries (2.3 million, left unsealed) are marked sealed with a
 * placeholder, as if the writes that made them had sealed them: otherwise the first write that seals
 * (saving a check, a capture) would seal them all at once — not what a real archive ever holds
 * pending, and quadratic in `sealPendingRows` (it did not finish in 15 minutes either).
 */
import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Db } from '../../src/store/db.ts';
import { MIGRATIONS, migrate } from '../../src/store/migrations.ts';
import { benchArchive } from '../search/generate.ts';

/** bench/search's archive size (in versions) that holds 1,000,000 posts. */
const MILLION_POSTS_VERSIONS = 1_176_471;

/** The directory of the cached million-post archive in this form. */
export async function millionPosts(form: 'scheduled' | 'watched', log = console.error): Promise<string> {
  const dir = path.join(
    process.env.BENCH_DIR ?? path.join(tmpdir(), 'archiefbot-bench'),
    // Made by these migrations: a later schema makes it again.
    `detect-${form}-${MILLION_POSTS_VERSIONS}-schema${MIGRATIONS.at(-1)!.version}`,
  );
  const file = path.join(dir, 'archiefbot.db');
  if (existsSync(file)) return dir;
  const source = await benchArchive(MILLION_POSTS_VERSIONS, log);
  const building = `${dir}.building`;
  rmSync(building, { recursive: true, force: true });
  mkdirSync(building, { recursive: true });
  const t0 = Date.now();
  copyFileSync(path.join(source, 'archiefbot.db'), path.join(building, 'archiefbot.db'));
  const db = await Db.open(path.join(building, 'archiefbot.db'));
  await db.exec('PRAGMA journal_mode = WAL');
  await db.exec('PRAGMA synchronous = NORMAL');
  await migrate(db);
  await db.transaction(async () => {
    await db.run(`UPDATE evidence_log SET row = '"bench: sealed before the run"' WHERE row IS NULL`);
    if (form === 'watched') await notDue(db);
  });
  // The planner's statistics as they now are (the generator's said every evidence entry was pending).
  await db.exec('ANALYZE post');
  await db.exec('ANALYZE evidence_log');
  await db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
  await db.close();
  rmSync(dir, { recursive: true, force: true });
  renameSync(building, dir);
  log(`made the ${form} million-post archive in ${((Date.now() - t0) / 1000).toFixed(0)} s: ${file}`);
  return dir;
}

/** Every scheduled post not due before the year 2999, the indexes on the two columns rebuilt once. */
async function notDue(db: Db): Promise<void> {
  // The indexes as the migrations made them, dropped and made again.
  const indexes = await db.all<{ name: string; sql: string }>(
    `SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'post'
       AND name IN ('post_platform_due', 'post_platform_checked')`,
  );
  for (const i of indexes) await db.exec(`DROP INDEX ${i.name}`);
  await db.run(
    `UPDATE post SET next_check_at = '2999-01-01T00:00:00.000Z', last_checked_at = '2999-01-01T00:00:00.000Z'
     WHERE next_check_at IS NOT NULL`,
  );
  for (const i of indexes) await db.exec(i.sql);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await millionPosts('scheduled'));
  console.log(await millionPosts('watched'));
}
