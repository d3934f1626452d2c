import { mkdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Exchange } from '../domain/exchange.ts';
import type { RecheckSchedule } from '../domain/schedule.ts';
import { TOOL_NAME, TOOL_VERSION } from '../version.ts';
import { appendAudit } from './audit.ts';
import { Db } from './db.ts';
import { planIngest } from './ingest/plan.ts';
import { readExisting } from './ingest/read.ts';
import type { IngestInput, IngestResult } from './ingest/types.ts';
import { insertRecords, openCapture, writeIngest } from './ingest/write.ts';
import { migrate } from './migrations.ts';
import { captureOwner, committedLength, type Recovery, recoverArchive } from './recovery.ts';
import { exchangeRecords, metadataRecord, type RecordLocation, recordId, WarcWriter } from './warc.ts';

export { planVersions } from './ingest/plan.ts';
export type { IngestedPost, IngestInput, IngestResult, PostRole } from './ingest/types.ts';

/**
 * SQLite's shared-memory index (`-shm`) is always whole 32 KiB pages; one that is not was torn by a
 * full disk while it was being made, and SQLite then refuses to open the database (SQLITE_IOERR)
 * even after space is freed. It holds no data (it is rebuilt from the WAL): remove it. (A process
 * making it right now passes through such a size only for the instant between two system calls.)
 */
function removeTornShm(dbFile: string): void {
  try {
    const shm = statSync(`${dbFile}-shm`);
    if (shm.size % 32_768 !== 0) rmSync(`${dbFile}-shm`);
  } catch {}
}

/**
 * The archive: the only module that speaks SQL, and the one that writes the WARC evidence. A
 * capture's records are appended to the WARC and its rows inserted in one write transaction; if
 * either fails, both are undone, so nothing half-written remains. What a crash leaves behind (records
 * appended but never committed, captures left running) is recovered on open (src/store/recovery.ts).
 */
export class Archive {
  /** What recovery on open did (nothing cut, removed or interrupted when the last run ended well). */
  recovery: Recovery = { cut: [], removed: [], interrupted: [] };
  /** Per backfill, the cursor the next page of this process continues from (see `ingest`). */
  private readonly backfillFrom = new Map<number, string | null>();

  private constructor(
    readonly db: Db,
    readonly warc: WarcWriter,
    readonly dataDir: string,
    private readonly recheckSchedule: RecheckSchedule | null,
  ) {}

  get warcDir(): string {
    return path.join(this.dataDir, 'warc');
  }

  /**
   * `recheckSchedule` sets when a newly archived post is first re-checked (without it: at once).
   * Opening recovers from a crash first (`recover: false` leaves the files as they are).
   */
  static async open(
    dataDir: string,
    warc: { rotateBytes: number; operator: string },
    opts: { recheckSchedule?: RecheckSchedule; recover?: boolean } = {},
  ): Promise<Archive> {
    mkdirSync(dataDir, { recursive: true });
    removeTornShm(path.join(dataDir, 'archiefbot.db'));
    const db = await Db.open(path.join(dataDir, 'archiefbot.db'));
    const warcDir = path.join(dataDir, 'warc');
    try {
      await db.exec('PRAGMA busy_timeout = 15000');
      await db.exec('PRAGMA journal_mode = WAL');
      await db.exec('PRAGMA synchronous = NORMAL');
      await db.exec('PRAGMA foreign_keys = ON');
      await migrate(db);
      const archive = new Archive(
        db,
        new WarcWriter(warcDir, warc, (file) => committedLength(db, warcDir, file)),
        dataDir,
        opts.recheckSchedule ?? null,
      );
      if (opts.recover !== false) archive.recovery = await recoverArchive(db, warcDir);
      return archive;
    } catch (err) {
      await db.close().catch(() => {});
      throw err;
    }
  }

  async close(): Promise<void> {
    await this.warc.close();
    await this.db.close();
  }

  async recordFailure(
    input: Pick<IngestInput, 'url' | 'trigger' | 'requestedBy' | 'channel'>,
    error: string,
  ): Promise<number> {
    return this.db.transaction(async () => {
      const now = new Date().toISOString();
      const { lastID } = await this.db.run(
        `INSERT INTO capture (url, trigger, requested_by, channel, status, error, started_at, finished_at)
         VALUES (?, ?, ?, ?, 'failed', ?, ?, ?)`,
        [input.url, input.trigger, input.requestedBy, input.channel, error, now, now],
      );
      await appendAudit(this.db, {
        actor: input.requestedBy,
        action: 'capture.failed',
        subject: input.url,
        detail: { capture: lastID, error, trigger: input.trigger, channel: input.channel },
      });
      return lastID;
    });
  }

  async finishCapture(
    captureId: number,
    status: 'done' | 'failed',
    detail: Record<string, unknown>,
    error?: string,
  ) {
    await this.db.transaction(async () => {
      await this.db.run('UPDATE capture SET status = ?, error = ?, finished_at = ? WHERE id = ?', [
        status,
        error ?? null,
        new Date().toISOString(),
        captureId,
      ]);
      const row = await this.db.get<{ url: string; requested_by: string | null }>(
        'SELECT url, requested_by FROM capture WHERE id = ?',
        [captureId],
      );
      await appendAudit(this.db, {
        actor: row?.requested_by ?? null,
        action: status === 'done' ? 'capture.done' : 'capture.failed',
        subject: row?.url ?? null,
        detail: { capture: captureId, ...detail, ...(error ? { error } : {}) },
      });
    });
  }

  /** Which of these platform ids the archive already holds. */
  async knownPosts(platform: string, platformIds: string[]): Promise<Set<string>> {
    const rows = await this.db.all<{ platform_id: string }>(
      'SELECT platform_id FROM post WHERE platform = ? AND platform_id IN (SELECT value FROM json_each(?))',
      [platform, JSON.stringify(platformIds)],
    );
    return new Set(rows.map((r) => r.platform_id));
  }

  /**
   * Keeps the evidence of a re-check that found a post gone or unavailable: the HTTP exchanges (the
   * platform's 404 and the look-ups that confirmed it) and a metadata record saying what was
   * concluded, as a capture of its own, in the WARC and the audit log.
   */
  async recordCheck(input: {
    url: string;
    postId: number;
    platformId: string;
    outcome: string;
    detail: Record<string, unknown>;
    exchanges: Exchange[];
  }): Promise<{ captureId: number; evidence: RecordLocation }> {
    const written: { undo?: () => Promise<void> } = {};
    return this.db.transaction(
      async () => {
        const now = new Date().toISOString();
        const captureId = (
          await this.db.run(
            `INSERT INTO capture (url, trigger, requested_by, status, post_id, started_at, finished_at)
             VALUES (?, 'recheck', 'monitor', 'done', ?, ?, ?)`,
            [input.url, input.postId, now, now],
          )
        ).lastID;
        const records = input.exchanges.flatMap((ex) => {
          const { request, response } = exchangeRecords(ex);
          return [request, response];
        });
        const last = records.at(-1);
        records.push(
          metadataRecord(
            `urn:archiefbot:check:${encodeURIComponent(input.platformId)}:${captureId}`,
            {
              type: 'archiefbot/check',
              post: { id: input.postId, platformId: input.platformId, url: input.url },
              outcome: input.outcome,
              detail: input.detail,
              provenance: {
                capture: captureId,
                trigger: 'recheck',
                tool: TOOL_NAME,
                toolVersion: TOOL_VERSION,
                checkedAt: now,
              },
            },
            last ? { recordId: recordId(last), url: last.warcTargetURI ?? input.url } : undefined,
          ),
        );
        const { locations, undo } = await this.warc.append(records);
        written.undo = undo;
        await insertRecords(this.db, captureId, locations);
        await appendAudit(this.db, {
          actor: 'monitor',
          action: `recheck.${input.outcome}`,
          subject: input.url,
          detail: { capture: captureId, post: input.postId, ...input.detail },
        });
        return { captureId, evidence: locations.at(-1)! };
      },
      async () => written.undo?.(),
    );
  }

  /**
   * Opens (or resumes) the backfill of one account: an unfinished earlier run is continued from
   * its saved cursor; each run is its own capture.
   */
  async startBackfill(
    platform: string,
    account: string,
    url: string,
    total: number | null,
    who: Pick<IngestInput, 'url' | 'trigger' | 'requestedBy' | 'channel'>,
  ): Promise<{
    id: number;
    captureId: number;
    cursor: string | null;
    posts: number;
    pages: number;
    resumed: boolean;
  }> {
    return this.db.transaction(async () => {
      const now = new Date().toISOString();
      const { pid, host } = captureOwner();
      const captureId = (
        await this.db.run(
          `INSERT INTO capture (url, trigger, requested_by, channel, status, started_at, pid, host)
           VALUES (?, ?, ?, ?, 'running', ?, ?, ?)`,
          [who.url, who.trigger, who.requestedBy, who.channel, now, pid, host],
        )
      ).lastID;
      const open = await this.db.get<{ id: number; cursor: string | null; posts: number; pages: number }>(
        `SELECT id, cursor, posts, pages FROM backfill WHERE platform = ? AND account = ? AND status != 'done'
         ORDER BY id DESC LIMIT 1`,
        [platform, account],
      );
      await appendAudit(this.db, {
        actor: who.requestedBy,
        action: open ? 'backfill.resume' : 'backfill.start',
        subject: url,
        detail: { capture: captureId, platform, account, cursor: open?.cursor ?? null, channel: who.channel },
      });
      if (open) {
        await this.db.run(
          `UPDATE backfill SET status = 'running', error = NULL, total = ?, updated_at = ? WHERE id = ?`,
          [total, now, open.id],
        );
        this.backfillFrom.set(open.id, open.cursor);
        return { ...open, captureId, resumed: open.pages > 0 };
      }
      const { lastID } = await this.db.run(
        `INSERT INTO backfill (platform, account, url, total, status, started_at, updated_at) VALUES (?, ?, ?, ?, 'running', ?, ?)`,
        [platform, account, url, total, now, now],
      );
      this.backfillFrom.set(lastID, null);
      return { id: lastID, captureId, cursor: null, posts: 0, pages: 0, resumed: false };
    });
  }

  /**
   * Archives one capture: reads what the archive holds for its posts and media, plans the records and
   * rows (src/store/ingest/plan.ts), and writes them: the WARC records and the rows in one transaction.
   * On any failure the rows are rolled back and the records cut off the WARC again.
   */
  async ingest(input: IngestInput): Promise<IngestResult> {
    const written: { undo?: () => Promise<void> } = {};
    const result = await this.db.transaction(
      async () => {
        const now = new Date().toISOString();
        const captureId = input.captureId ?? (await openCapture(this.db, input, now));
        const existing = await readExisting(this.db, input);
        const counted = await this.advancesBackfill(input);
        const plan = planIngest(counted ? input : { ...input, backfill: undefined }, existing, {
          captureId,
          now,
          recheckSchedule: this.recheckSchedule,
        });
        return writeIngest(this.db, this.warc, plan, written);
      },
      async () => written.undo?.(),
    );
    if (input.backfill) this.backfillFrom.set(input.backfill.id, input.backfill.cursor);
    return result;
  }

  /**
   * Whether a backfill page moves its backfill on: the saved cursor is still the one this process
   * fetched the page from. When two processes backfill one account, the second to save a page finds
   * the cursor moved (the other saved that page first): its posts are archived all the same, but the
   * backfill's cursor and its page and post counters are left alone, so they count posts, not attempts.
   * A backfill the other finished is not moved on either: its cursor is null again, as at the start.
   */
  private async advancesBackfill(input: IngestInput): Promise<boolean> {
    if (!input.backfill || !this.backfillFrom.has(input.backfill.id)) return true;
    const row = await this.db.get<{ cursor: string | null; status: string }>(
      'SELECT cursor, status FROM backfill WHERE id = ?',
      [input.backfill.id],
    );
    return (
      row !== undefined &&
      row.status !== 'done' &&
      (row.cursor ?? null) === this.backfillFrom.get(input.backfill.id)
    );
  }
}
