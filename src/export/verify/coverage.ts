/**
 * The database rows that hold evidence or identity against what the audit chain sealed: every entry
 * of the evidence log sealed by an audit entry whose hash still matches, every row of a covered table
 * as it was last sealed, nothing added or changed after the chain's last entry; and the search index
 * against the version texts it indexes.
 */
import type { ChainReport } from '../../store/audit.ts';
import { recordsRoot } from '../../store/audit.ts';
import type { Db } from '../../store/db.ts';
import { allKeys, COVERED, currentRows, rowsRoot } from '../../store/ingest/evidence.ts';

interface LogRow {
  id: number;
  tbl: string;
  row_key: string;
  row: string | null;
}

const LISTED = 10;

/** Names the first few items and counts the rest. */
function list(items: string[]): string {
  const shown = items.slice(0, LISTED).join(', ');
  return items.length > LISTED ? `${shown} and ${items.length - LISTED} more` : shown;
}

/** The log entries with ids from–to (the log is in id order): a binary search, then a slice. */
function logRange(log: LogRow[], from: number, to: number): LogRow[] {
  let lo = 0;
  let hi = log.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (log[mid]!.id < from) lo = mid + 1;
    else hi = mid;
  }
  let end = lo;
  while (end < log.length && log[end]!.id <= to) end++;
  return log.slice(lo, end);
}

export async function checkCoverage(db: Db, chain: ChainReport): Promise<string[]> {
  const problems: string[] = [];
  const log = await db.all<LogRow>('SELECT id, tbl, row_key, row FROM evidence_log ORDER BY id');
  const sealedBy = new Map<number, number>();
  let next = log[0]?.id ?? 1;
  for (const { id, evidence } of chain.seals) {
    const rows = logRange(log, evidence.from, evidence.to);
    if (evidence.from !== next)
      problems.push(
        `audit entry ${id}: the evidence it seals does not follow on the entry before (log ${next})`,
      );
    next = evidence.to + 1;
    const sealed = rows.filter((r): r is LogRow & { row: string } => r.row !== null);
    if (
      sealed.length !== rows.length ||
      rowsRoot(sealed) !== evidence.rows ||
      recordsRoot(sealed).root !== evidence.records.root
    ) {
      problems.push(
        `audit entry ${id}: the evidence rows it seals have changed (log ${evidence.from}–${evidence.to})`,
      );
    }
    for (const r of rows) sealedBy.set(r.id, id);
  }
  const unsealed = log.filter((l) => !sealedBy.has(l.id));
  if (unsealed.length) {
    const head = chain.head ? `ends at entry ${chain.head.id}` : 'is empty';
    problems.push(
      `the audit chain ${head} but these changes are not sealed by it: ${list(unsealed.map((u) => `${COVERED[u.tbl]?.what ?? u.tbl} ${u.row_key}`))}`,
    );
  }
  problems.push(...(await compareTables(db, log, sealedBy)));
  return problems;
}

/** Each covered table's rows now against the row the chain last sealed for each key. */
async function compareTables(db: Db, log: LogRow[], sealedBy: Map<number, number>): Promise<string[]> {
  const problems: string[] = [];
  const latest = new Map<string, LogRow & { row: string }>();
  const logged = new Set(log.map((l) => `${l.tbl}\t${l.row_key}`));
  // Rows a lawful destruction removed (migration 15): their removal is sealed as a null row and listed.
  const destroyed = new Set(
    (await db.all<{ k: string }>('SELECT tbl || char(9) || row_key AS k FROM destroyed_row')).map((r) => r.k),
  );
  for (const l of log) {
    if (l.row === null || !sealedBy.has(l.id)) continue;
    const k = `${l.tbl}\t${l.row_key}`;
    const prior = latest.get(k);
    if (l.row === 'null' && prior && prior.row !== 'null' && !destroyed.has(k))
      problems.push(
        `${COVERED[l.tbl]?.what ?? l.tbl} ${l.row_key} was removed (audit entry ${sealedBy.get(l.id)} sealed its removal) but no destruction record lists it`,
      );
    latest.set(k, l as never);
  }
  for (const tbl of Object.keys(COVERED)) {
    const what = COVERED[tbl]!.what;
    const keys = await allKeys(db, tbl);
    const now = await currentRows(db, tbl, keys);
    const notSealed = keys.filter((key) => !logged.has(`${tbl}\t${key}`));
    if (notSealed.length) problems.push(`${what} ${list(notSealed)}: not sealed by the audit chain`);
    for (const [k, l] of latest) {
      if (l.tbl !== tbl) continue;
      const current = now.get(l.row_key);
      if (l.row === 'null') continue;
      if (current === undefined) {
        problems.push(`${what} ${l.row_key} was deleted (audit entry ${sealedBy.get(l.id)} sealed it)`);
        continue;
      }
      if (current !== l.row)
        problems.push(
          `${what} ${l.row_key} ${differing(l.row, current)} differs from what audit entry ${sealedBy.get(l.id)} sealed`,
        );
      latest.delete(k);
    }
  }
  return problems;
}

/** The columns in which two canonical rows differ. */
function differing(a: string, b: string): string {
  const x = JSON.parse(a) as Record<string, unknown>;
  const y = JSON.parse(b) as Record<string, unknown>;
  return Object.keys(x)
    .filter((k) => JSON.stringify(x[k]) !== JSON.stringify(y[k]))
    .join(', ');
}

/**
 * The search index holds exactly the words of each version's text: FTS5's own integrity check
 * against its content table, and when that fails, the versions whose indexed words differ.
 */
export async function checkSearchIndex(db: Db): Promise<string[]> {
  try {
    await db.run("INSERT INTO version_fts(version_fts, rank) VALUES ('integrity-check', 1)");
    return [];
  } catch {
    // Find which: index the texts afresh in a temporary table and compare the words per version.
  }
  await db.exec(`DROP TABLE IF EXISTS temp.verify_fts; DROP TABLE IF EXISTS temp.verify_fts_words;
    DROP TABLE IF EXISTS temp.verify_index_words;
    CREATE VIRTUAL TABLE temp.verify_fts USING fts5(text, tokenize='unicode61 remove_diacritics 2');
    INSERT INTO temp.verify_fts(rowid, text) SELECT id, text FROM version;
    CREATE VIRTUAL TABLE temp.verify_fts_words USING fts5vocab(temp, verify_fts, instance);
    CREATE VIRTUAL TABLE temp.verify_index_words USING fts5vocab(main, version_fts, instance);`);
  try {
    const rows = await db.all<{ doc: number }>(
      `SELECT doc FROM (
         SELECT doc, term, "offset" FROM temp.verify_fts_words
         EXCEPT SELECT doc, term, "offset" FROM temp.verify_index_words)
       UNION SELECT doc FROM (
         SELECT doc, term, "offset" FROM temp.verify_index_words
         EXCEPT SELECT doc, term, "offset" FROM temp.verify_fts_words)
       ORDER BY doc`,
    );
    const docs = [...new Set(rows.map((r) => r.doc))];
    if (!docs.length) return ['the search index does not match the version texts'];
    return docs.map((d) => `version ${d} search index text differs from its text`);
  } finally {
    await db.exec(`DROP TABLE IF EXISTS temp.verify_fts_words; DROP TABLE IF EXISTS temp.verify_index_words;
      DROP TABLE IF EXISTS temp.verify_fts;`);
  }
}
