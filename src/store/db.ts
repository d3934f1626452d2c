import { statfsSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import sqlite3 from 'sqlite3';
import { CaptureError } from '../domain/errors.ts';

export type Params = unknown[] | Record<string, unknown>;

/** How long a statement keeps retrying while another process holds the write lock (SQLITE_BUSY). */
const BUSY_DEADLINE_MS = 120_000;

/** The error a full disk becomes, wherever it is met (WARC bytes or SQLite pages): `disk-full`. */
export function diskFullError(detail: string): CaptureError {
  return new CaptureError('disk-full', `the archive's disk is full (${detail})`, true);
}

/** A full disk as the file system (ENOSPC, EDQUOT) or SQLite (SQLITE_FULL) reports it. */
export function isDiskFull(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return code === 'ENOSPC' || code === 'EDQUOT' || code === 'SQLITE_FULL';
}

/** Below this much free space, an I/O error of SQLite's is taken for the full disk it nearly always is. */
const NEARLY_FULL_BYTES = 64 * 1024 * 1024;

/**
 * SQLite reports a write that met a full disk as SQLITE_FULL, but a WAL or shared-memory write that
 * did as SQLITE_IOERR (node-sqlite3 does not pass the extended code): on a file system with almost
 * no space left, that is the full disk too.
 */
function isFullIoError(err: unknown, dir: string): boolean {
  if ((err as { code?: unknown })?.code !== 'SQLITE_IOERR') return false;
  try {
    const fs = statfsSync(dir);
    return fs.bavail * fs.bsize < NEARLY_FULL_BYTES;
  } catch {
    return false;
  }
}

const isBusy = (err: unknown) => {
  const code = (err as { code?: unknown })?.code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED';
};

/**
 * A small promise wrapper over one sqlite3 connection. Write transactions are serialised in this
 * process and take SQLite's write lock up front (BEGIN IMMEDIATE), so a read-decide-write inside
 * one is atomic across processes too.
 *
 * Other processes share the file: a statement that meets their lock (SQLITE_BUSY, which SQLite also
 * returns without waiting in some cases, such as switching to WAL or recovering it) is retried with
 * back-off, so a user never sees it; SQLITE_FULL becomes the `disk-full` capture error.
 */
export class Db {
  private txQueue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly raw: sqlite3.Database,
    /** The directory of the database file, whose free space tells a full disk from other I/O errors. */
    private readonly dir: string,
  ) {}

  static open(file: string): Promise<Db> {
    return new Promise((resolve, reject) => {
      const raw = new sqlite3.Database(file, (err) => {
        if (err) return reject(err);
        raw.configure('busyTimeout', 15_000);
        resolve(new Db(raw, path.dirname(path.resolve(file))));
      });
    });
  }

  private diskFull(err: unknown): boolean {
    return isDiskFull(err) || isFullIoError(err, this.dir);
  }

  /** Runs one statement; retries it while the database is busy, and names a full disk as such. */
  private async call<T>(op: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + BUSY_DEADLINE_MS;
    for (let attempt = 0; ; attempt++) {
      try {
        return await op();
      } catch (err) {
        if (this.diskFull(err)) throw diskFullError((err as Error).message);
        if (!isBusy(err) || Date.now() > deadline) throw err;
        // 10 ms doubling to 1 s, with jitter so waiting processes do not retry in step.
        await sleep(Math.min(1000, 10 * 2 ** attempt) * (0.5 + Math.random()));
      }
    }
  }

  run(sql: string, params: Params = []): Promise<{ lastID: number; changes: number }> {
    return this.call(
      () =>
        new Promise((resolve, reject) => {
          this.raw.run(sql, params, function (this: sqlite3.RunResult, err: Error | null) {
            if (err) reject(err);
            else resolve({ lastID: this.lastID, changes: this.changes });
          });
        }),
    );
  }

  all<T = Record<string, unknown>>(sql: string, params: Params = []): Promise<T[]> {
    return this.call(
      () =>
        new Promise((resolve, reject) => {
          this.raw.all(sql, params, (err, rows) => (err ? reject(err) : resolve(rows as T[])));
        }),
    );
  }

  get<T = Record<string, unknown>>(sql: string, params: Params = []): Promise<T | undefined> {
    return this.call(
      () =>
        new Promise((resolve, reject) => {
          this.raw.get(sql, params, (err, row) => (err ? reject(err) : resolve(row as T | undefined)));
        }),
    );
  }

  exec(sql: string): Promise<void> {
    return this.call(
      () =>
        new Promise((resolve, reject) => {
          this.raw.exec(sql, (err) => (err ? reject(err) : resolve()));
        }),
    );
  }

  /**
   * Runs `work` in one write transaction; if it or the COMMIT fails, first calls `onRollback` (still
   * holding the write lock, so work outside the database — WARC bytes — is undone before another
   * process may append), then rolls back and rethrows. A full disk is rethrown as `disk-full`.
   */
  transaction<T>(work: () => Promise<T>, onRollback?: () => Promise<void>): Promise<T> {
    const run = this.txQueue.then(async () => {
      await this.exec('BEGIN IMMEDIATE');
      try {
        const result = await work();
        await this.exec('COMMIT');
        return result;
      } catch (err) {
        await onRollback?.().catch(() => {}); // what stays behind is cut off by the next writer
        await this.exec('ROLLBACK').catch(() => {});
        throw this.diskFull(err) ? diskFullError((err as Error).message) : err;
      }
    });
    this.txQueue = run.catch(() => {});
    return run;
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) => this.raw.close((err) => (err ? reject(err) : resolve())));
  }
}
