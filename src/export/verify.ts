/**
 * `verify`: the archive checked end to end (what it proves and what it cannot: see the README's
 * threat model). Every WARC file is walked record by record (./verify/walk.ts), every version is
 * checked against its evidence and re-derived from the response it cites, every revisit against its
 * media row (./verify/versions.ts), the audit chain is recomputed, and every row that holds evidence
 * or identity is compared with what the chain sealed, the search index with the version texts
 * (./verify/coverage.ts); the chain must reach the head a seal names.
 */
import type { Archive } from '../store/archive.ts';
import { verifyAuditChain } from '../store/audit.ts';
import { checkCoverage, checkSearchIndex } from './verify/coverage.ts';
import { checkRevisits, checkVersions, type Rederive } from './verify/versions.ts';
import { walkFiles } from './verify/walk.ts';

export type { Rederive } from './verify/versions.ts';

export interface VerifyReport {
  ok: boolean;
  files: number;
  records: number;
  versions: number;
  media: number;
  auditEntries: number;
  problems: string[];
  /** The newest audit entry (what a seal signs). */
  auditHead: { id: number; hash: string } | null;
  /** Versions whose content was re-derived from the response record they cite. */
  rederived: number;
  /** WARC records a lawful destruction replaced by tombstones (accounted gaps, see `archiefbot dispose`). */
  destroyed: number;
}

export interface VerifyOptions {
  onProgress?: (done: number, total: number) => void;
  /** The connectors' parsing, to re-derive each version from its response (the CLI passes it). */
  rederive?: Rederive;
  /** The audit head a seal names: the chain must still hold it (and may have grown since). */
  sealedHead?: { id: number; hash: string };
}

export async function verifyArchive(
  archive: Archive,
  options: VerifyOptions | VerifyOptions['onProgress'] = {},
): Promise<VerifyReport> {
  const opts = typeof options === 'function' ? { onProgress: options } : (options ?? {});
  const db = archive.db;
  const counts = await db.get<{ versions: number; media: number; records: number; destroyed: number }>(
    `SELECT (SELECT count(*) FROM version) AS versions, (SELECT count(*) FROM media) AS media,
            (SELECT count(*) FROM capture_record) AS records, (SELECT count(*) FROM destroyed_record) AS destroyed`,
  );
  const walk = await walkFiles(db, archive.warcDir, (done) => opts.onProgress?.(done, counts?.records ?? 0));
  const problems = [...walk.problems];
  problems.push(...(await checkRevisits(db, walk.byId)));
  const versions = await checkVersions(db, archive.warcDir, walk.byId, opts.rederive);
  problems.push(...versions.problems);
  problems.push(...(await checkSearchIndex(db)));
  const chain = await verifyAuditChain(db);
  problems.push(...chain.problems);
  problems.push(...(await checkCoverage(db, chain)));
  problems.push(...(await checkHead(db, chain.head, opts.sealedHead)));
  return {
    ok: problems.length === 0,
    files: walk.files,
    records: walk.records,
    versions: counts?.versions ?? 0,
    media: counts?.media ?? 0,
    auditEntries: chain.entries,
    problems,
    auditHead: chain.head,
    rederived: versions.rederived,
    destroyed: counts?.destroyed ?? 0,
  };
}

/** The chain must still hold the entry a seal names, unchanged. */
async function checkHead(
  db: Archive['db'],
  head: { id: number; hash: string } | null,
  sealed?: { id: number; hash: string },
): Promise<string[]> {
  if (!sealed) return [];
  if (!head || head.id < sealed.id)
    return [`the audit chain ends at entry ${head?.id ?? 0} but the seal names entry ${sealed.id}`];
  const row = await db.get<{ hash: string }>('SELECT hash FROM audit WHERE id = ?', [sealed.id]);
  return row?.hash === sealed.hash ? [] : [`audit entry ${sealed.id} is not the entry the seal names`];
}
