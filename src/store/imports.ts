/**
 * Imports of the platforms' own exports (issue 12): the import ledger (`import_run`, migration 11) and
 * the ingest of one chunk of posts through the ingest path — read what the archive holds, plan
 * (src/store/ingest/import.ts, pure), write (src/store/ingest/write.ts) in one write transaction, so
 * the evidence rows, the audit chain and `verify` cover an import as they cover a capture.
 */
import type { Archive } from './archive.ts';
import { appendAudit } from './audit.ts';
import { planImport } from './ingest/import.ts';
import type { IngestPlan } from './ingest/plan.ts';
import { readExisting } from './ingest/read.ts';
import type { IngestInput, IngestResult } from './ingest/types.ts';
import { writeIngest } from './ingest/write.ts';
import { captureOwner } from './recovery.ts';

/** The export file an import reads: what its provenance names. */
export interface ExportFile {
  name: string;
  sha256: string;
  size: number;
  format: string;
  platform: string;
  account: string;
}

export interface ImportRun {
  id: number;
  captureId: number;
  status: 'running' | 'done' | 'failed';
  total: number;
  done: number;
  startedAt: string;
  finishedAt: string | null;
}

interface RunRow {
  id: number;
  capture_id: number;
  status: ImportRun['status'];
  total: number;
  done: number;
  started_at: string;
  finished_at: string | null;
}

const asRun = (r: RunRow): ImportRun => ({
  id: r.id,
  captureId: r.capture_id,
  status: r.status,
  total: r.total,
  done: r.done,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
});

/**
 * Opens the capture an import writes under (trigger `import`, running, owned by this process so a
 * crash leaves it `interrupted`), and its ledger row; an unfinished earlier import of the same file is
 * resumed (its ledger row continues under this new capture).
 */
export async function startImport(
  archive: Archive,
  file: ExportFile,
  total: number,
  who: { requestedBy: string | null; channel: string | null },
): Promise<{ run: ImportRun; resumed: boolean }> {
  const db = archive.db;
  return db.transaction(async () => {
    const now = new Date().toISOString();
    const { pid, host } = captureOwner();
    const url = `import:${file.name}`;
    const captureId = (
      await db.run(
        `INSERT INTO capture (url, trigger, requested_by, channel, status, started_at, pid, host)
         VALUES (?, 'import', ?, ?, 'running', ?, ?, ?)`,
        [url, who.requestedBy, who.channel, now, pid, host],
      )
    ).lastID;
    const open = await db.get<RunRow>(
      `SELECT id, capture_id, status, total, done, started_at, finished_at FROM import_run
       WHERE sha256 = ? AND status != 'done' ORDER BY id DESC LIMIT 1`,
      [file.sha256],
    );
    await appendAudit(db, {
      actor: who.requestedBy,
      action: open ? 'import.resume' : 'import.start',
      subject: url,
      detail: { capture: captureId, ...file, total, channel: who.channel },
    });
    if (open) {
      await db.run(
        // A resumed run walks the whole export again (the posts written are found held): `done` counts anew.
        `UPDATE import_run SET capture_id = ?, status = 'running', error = NULL, total = ?, done = 0, updated_at = ? WHERE id = ?`,
        [captureId, total, now, open.id],
      );
      return {
        run: asRun({ ...open, capture_id: captureId, status: 'running', total, done: 0 }),
        resumed: true,
      };
    }
    const { lastID } = await db.run(
      `INSERT INTO import_run (file_name, sha256, size, format, platform, account, capture_id, requested_by, status, total,
                               started_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'running', ?, ?, ?)`,
      [
        file.name,
        file.sha256,
        file.size,
        file.format,
        file.platform,
        file.account,
        captureId,
        who.requestedBy,
        total,
        now,
        now,
      ],
    );
    return {
      run: { id: lastID, captureId, status: 'running', total, done: 0, startedAt: now, finishedAt: null },
      resumed: false,
    };
  });
}

/** What one chunk would add (a dry run: nothing is written). */
export async function planImportChunk(archive: Archive, input: IngestInput): Promise<IngestPlan> {
  const existing = await readExisting(archive.db, input);
  return planImport(input, existing, {
    captureId: input.captureId ?? 0,
    now: new Date().toISOString(),
    recheckSchedule: null,
  });
}

/**
 * Writes one chunk: its new posts, versions, media and the export members they refer to, in one
 * transaction with the ledger's progress; a chunk with nothing new writes only the progress.
 */
export async function ingestImportChunk(
  archive: Archive,
  runId: number,
  input: IngestInput & { captureId: number },
  handled: number,
): Promise<IngestResult | null> {
  const written: { undo?: () => Promise<void> } = {};
  const db = archive.db;
  return db.transaction(
    async () => {
      const now = new Date().toISOString();
      const existing = await readExisting(db, input);
      const plan = planImport(input, existing, { captureId: input.captureId, now, recheckSchedule: null });
      const result = plan.posts.length ? await writeIngest(db, archive.warc, plan, written) : null;
      await db.run(
        `UPDATE import_run SET done = done + ?, posts = posts + ?, versions = versions + ?, media = media + ?,
           updated_at = ? WHERE id = ?`,
        [
          handled,
          plan.posts.filter((p) => !p.keepState).length,
          result?.newVersions ?? 0,
          result?.media.stored ?? 0,
          now,
          runId,
        ],
      );
      return result;
    },
    async () => written.undo?.(),
  );
}

/** Closes an import: its capture done (or failed, with the reason) and its ledger row with it. */
export async function finishImport(
  archive: Archive,
  run: ImportRun,
  status: 'done' | 'failed',
  detail: Record<string, unknown>,
  error?: string,
): Promise<void> {
  await archive.db.run(
    `UPDATE import_run SET status = ?, error = ?, updated_at = ?, finished_at = ? WHERE id = ?`,
    [
      status,
      error ?? null,
      new Date().toISOString(),
      status === 'done' ? new Date().toISOString() : null,
      run.id,
    ],
  );
  await archive.finishCapture(run.captureId, status, { import: run.id, ...detail }, error);
}

/** Totals of an import run so far. */
export async function importTotals(
  archive: Archive,
  runId: number,
): Promise<{ posts: number; versions: number; media: number; done: number; total: number }> {
  const row = await archive.db.get<{
    posts: number;
    versions: number;
    media: number;
    done: number;
    total: number;
  }>('SELECT posts, versions, media, done, total FROM import_run WHERE id = ?', [runId]);
  return row ?? { posts: 0, versions: 0, media: 0, done: 0, total: 0 };
}
