import { readFileSync } from 'node:fs';
import { open, readdir, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { WARCParser } from 'warcio';
import { appendAudit } from './audit.ts';
import type { Db } from './db.ts';

/**
 * Recovery after a crash (kill -9, power cut) or a full disk. A capture's WARC records are appended
 * and synced before its rows COMMIT, so a process that dies in between leaves records at the end of
 * a file that the database does not know: orphans, which replay tools would still serve. The
 * committed length of a file is the end of the last record the database knows in it (or of its
 * warcinfo); everything after it is cut off, by `recoverArchive` on start and by the WARC writer
 * before each append (src/store/warc.ts). Captures left `running` by a process that is gone are
 * marked interrupted. Both happen under the write lock, so a live writer is never cut short.
 */

export interface Recovery {
  /** Files cut back to their committed length. */
  cut: { file: string; from: number; to: number }[];
  /** Files that held nothing committed and no readable warcinfo (a rotation torn by a crash). */
  removed: string[];
  /** Captures whose process died while they ran, now failed with `interrupted_at` set. */
  interrupted: number[];
}

/** Who runs a capture: written on its row so a later start can tell whether that process lives. */
export function captureOwner(): { pid: number; host: string } {
  return { pid: process.pid, host: hostname() };
}

const WARC_NAME = /^archiefbot-.*\.warc\.gz$/;

/** Tables whose rows point at a WARC record (warc_file, warc_offset, warc_length), found in the schema. */
const tablesOf = new WeakMap<Db, Promise<string[]>>();
function recordTables(db: Db): Promise<string[]> {
  let tables = tablesOf.get(db);
  if (!tables) {
    tables = db
      .all<{ name: string }>(
        `SELECT m.name FROM sqlite_schema m
         WHERE m.type = 'table' AND (SELECT count(*) FROM pragma_table_info(m.name) p
                                     WHERE p.name IN ('warc_file', 'warc_offset', 'warc_length')) = 3
         ORDER BY m.name`,
      )
      .then((rows) => {
        const names = rows.map((r) => r.name);
        // Without them every file would look empty and be cut to its warcinfo: refuse instead.
        if (!names.includes('version') || !names.includes('capture_record'))
          throw new Error(
            `the archive's record tables were not found (found: ${names.join(', ') || 'none'})`,
          );
        return names;
      });
    tablesOf.set(db, tables);
  }
  return tables;
}

/** The end of the last record the database knows in `file` (0: none); a fixity checkpoint counts too. */
async function knownEnd(db: Db, file: string): Promise<number> {
  let end = 0;
  for (const table of await recordTables(db)) {
    const row = await db.get<{ end: number }>(
      `SELECT warc_offset + warc_length AS end FROM ${table} WHERE warc_file = ? ORDER BY warc_offset DESC LIMIT 1`,
      [file],
    );
    end = Math.max(end, row?.end ?? 0);
  }
  // Never cut into bytes a fixity checkpoint (migration 6's warc_file) has sealed.
  const checkpoint = await db
    .get<{ size: number }>('SELECT size FROM warc_file WHERE name = ?', [file])
    .catch(() => undefined);
  return Math.max(end, checkpoint?.size ?? 0);
}

/** The length of the warcinfo record a file starts with (its first gzip member); null if it has none. */
const warcinfoCache = new Map<string, number>();
export async function warcinfoLength(file: string): Promise<number | null> {
  const cached = warcinfoCache.get(file);
  if (cached !== undefined) return cached;
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(Math.min((await fh.stat()).size, 1 << 16));
    await fh.read(buf, 0, buf.length, 0);
    const parser = new WARCParser([buf], { parseHttp: false });
    const rec = await parser.parse();
    if (rec?.warcType !== 'warcinfo') return null;
    await rec.readFully(false);
    await parser.parse(); // moves past the member, so the parser knows where it ended
    const length = parser.offset;
    if (!(length > 0)) return null;
    warcinfoCache.set(file, length);
    return length;
  } catch {
    return null;
  } finally {
    await fh.close();
  }
}

/**
 * How many bytes of `file` (in `dir`) are committed: the end of the last record the database knows
 * in it, or else the end of its warcinfo; null when it holds neither. Call it holding the write lock.
 */
export async function committedLength(db: Db, dir: string, file: string): Promise<number | null> {
  const end = await knownEnd(db, file);
  if (end > 0) return end;
  return warcinfoLength(path.join(dir, file));
}

/** Whether the process that owns a running capture may still be alive (another host: assume so). */
function ownerAlive(pid: number | null, host: string | null): boolean {
  if (pid === null) return false; // written before owners were recorded: no process of now runs it
  if (host !== hostname()) return true;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    // A killed child its parent has not reaped yet still answers kill(0): a zombie is dead.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

/** Marks the captures left `running` by a process that is gone as interrupted (status failed). */
async function markInterrupted(db: Db, now: string): Promise<number[]> {
  const rows = await db.all<{
    id: number;
    url: string;
    requested_by: string | null;
    pid: number | null;
    host: string | null;
  }>(`SELECT id, url, requested_by, pid, host FROM capture WHERE status = 'running' ORDER BY id`);
  const interrupted: number[] = [];
  for (const r of rows) {
    if (ownerAlive(r.pid, r.host)) continue;
    const error = `interrupted: the process that ran it (pid ${r.pid ?? '?'} on ${r.host ?? '?'}) ended before it finished`;
    await db.run(
      `UPDATE capture SET status = 'failed', error = ?, finished_at = ?, interrupted_at = ?
       WHERE id = ? AND status = 'running'`,
      [error, now, now, r.id],
    );
    await appendAudit(db, {
      actor: r.requested_by,
      action: 'capture.interrupted',
      subject: r.url,
      detail: { capture: r.id, pid: r.pid, host: r.host },
    });
    interrupted.push(r.id);
  }
  return interrupted;
}

/**
 * Brings the archive back to its last committed state: each WARC file cut back to its committed
 * length (a file with nothing committed and no readable warcinfo removed), captures of dead
 * processes marked interrupted; what was done is written to the audit log. A file that ends within
 * its fixity checkpoint costs a stat, not a query per record table. Runs in one write transaction,
 * so no other process is between appending and committing meanwhile.
 */
export async function recoverArchive(db: Db, warcDir: string): Promise<Recovery> {
  return db.transaction(async () => {
    const now = new Date().toISOString();
    const names = (await readdir(warcDir).catch(() => [] as string[]))
      .filter((f) => WARC_NAME.test(f))
      .sort();
    // A file no longer than its fixity checkpoint has nothing past its committed length: only a stat.
    const sealed = new Map(
      (await db.all<{ name: string; size: number }>('SELECT name, size FROM warc_file')).map((r) => [
        r.name,
        r.size,
      ]),
    );
    const cut: Recovery['cut'] = [];
    const removed: string[] = [];
    for (const name of names) {
      const size = sealed.get(name);
      if (size !== undefined && (await stat(path.join(warcDir, name))).size <= size) continue;
      const done = await cutToCommitted(db, warcDir, name);
      if (done.committed === null) removed.push(name);
      else if (done.from > done.committed) cut.push({ file: name, from: done.from, to: done.committed });
    }
    const interrupted = await markInterrupted(db, now);
    if (cut.length || removed.length || interrupted.length) {
      await appendAudit(db, {
        actor: 'archiefbot',
        action: 'archive.recovered',
        subject: null,
        detail: { cut, removed, interrupted },
      });
    }
    return { cut, removed, interrupted };
  });
}

/**
 * One WARC file brought back to its committed length: bytes after it cut off, the file removed when
 * nothing in it is usable (`committed: null`); a file shorter than the database says is left as it
 * is, for verify to report. `from` is its size before. Call it holding the write lock.
 */
export async function cutToCommitted(
  db: Db,
  warcDir: string,
  name: string,
): Promise<{ from: number; committed: number | null }> {
  const file = path.join(warcDir, name);
  const from = (await stat(file)).size;
  const committed = await committedLength(db, warcDir, name);
  if (committed === null) await rm(file, { force: true });
  else if (committed < from) await truncateSynced(file, committed);
  return { from, committed };
}

async function truncateSynced(file: string, length: number): Promise<void> {
  const fh = await open(file, 'r+');
  try {
    await fh.truncate(length);
    await fh.datasync();
  } finally {
    await fh.close();
  }
}
