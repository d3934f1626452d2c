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

/** node-sqlite3's statement constructor, whose callback (unlike Database#prepare's) also reports success. */
const PreparedStatement = sqlite3.Statement as unknown as new (
  db: sqlite3.Database,
  sql: string,
  callback: (err: Error | null) => void,
) => sqlite3.Statement;

/** How many prepared statements a connection keeps (least recently used finalized first). */
export const STATEMENT_CACHE_SIZE = 200;

/**
 * Statements worth keeping prepared for `run`: data changes without RETURNING, which step to
 * SQLITE_DONE (finished, nothing held). A RETURNING statement stops at its first row and would hold
 * its write open until reset; DDL and PRAGMAs run rarely.
 */
const CACHED_RUN = /^\s*(?:INSERT|UPDATE|DELETE|REPLACE)\b(?![\s\S]*\bRETURNING\b)/i;

/**
 * A small promise wrapper over one sqlite3 connection. Write transactions are serialised in this
 * process and take SQLite's write lock up front (BEGIN IMMEDIATE), so a read-decide-write inside
 * one is atomic across processes too.
 *
 * Other processes share the file: a statement that meets their lock (SQLITE_BUSY, which SQLite also
 * returns without waiting in some cases, such as switching to WAL or recovering it) is retried with
 * back-off, so a user never sees it; SQLITE_FULL becomes the `disk-full` capture error.
 *
 * Statements are kept prepared by their SQL text ({@link STATEMENT_CACHE_SIZE}, least recently used
 * finalized first): node-sqlite3's `Database#all/get/run` prepare a statement, run it and finalize
 * it, two trips to its thread pool and a parse and plan each time; a kept one is re-bound and run in
 * one trip. node-sqlite3 queues the calls on one statement, so overlapping calls with the same SQL
 * run one after the other, each bound anew. A statement that fails is finalized and forgotten (the
 * retry prepares it again); a schema change re-prepares a kept statement inside SQLite
 * (sqlite3_prepare_v2). `get` resets its statement after a row (a statement stopped at a row holds
 * its read, or a RETURNING write, open); a `get` without parameters and a `run` other than a plain
 * INSERT/UPDATE/DELETE are not kept (node-sqlite3 does not reset those by itself).
 */
export class Db {
  private txQueue: Promise<unknown> = Promise.resolve();
  /** Prepared statements by SQL text, least recently used first (a Map keeps insertion order). */
  private readonly statements = new Map<string, Promise<sqlite3.Statement>>();
  private closed = false;
  private prepares = 0;

  private constructor(
    private readonly raw: sqlite3.Database,
    /** The directory of the database file, whose free space tells a full disk from other I/O errors. */
    private readonly dir: string,
    /** How many statements to keep prepared (0: none, every call prepares its own). */
    private readonly keep: number,
  ) {}

  /** Opens a connection; `statements`: how many to keep prepared (default {@link STATEMENT_CACHE_SIZE}, 0: none). */
  static open(file: string, options: { statements?: number } = {}): Promise<Db> {
    return new Promise((resolve, reject) => {
      const raw = new sqlite3.Database(file, (err) => {
        if (err) return reject(err);
        raw.configure('busyTimeout', 15_000);
        resolve(new Db(raw, path.dirname(path.resolve(file)), options.statements ?? STATEMENT_CACHE_SIZE));
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

  /** How many statements this connection has prepared to keep (tests see the cache at work). */
  get prepared(): number {
    return this.prepares;
  }

  /** The kept statement for `sql`, prepared on first use; undefined once the connection is closing. */
  private statement(sql: string): Promise<sqlite3.Statement> | undefined {
    if (this.closed || !this.keep) return undefined;
    const kept = this.statements.get(sql);
    if (kept) {
      this.statements.delete(sql); // to the most recently used end
      this.statements.set(sql, kept);
      return kept;
    }
    this.prepares++;
    const made = new Promise<sqlite3.Statement>((resolve, reject) => {
      // Not Database#prepare: its callback is called on an error only.
      const stmt = new PreparedStatement(this.raw, sql, (err: Error | null) =>
        err ? reject(err) : resolve(stmt),
      );
    });
    made.catch(() => this.forget(sql, made));
    this.statements.set(sql, made);
    if (this.statements.size > this.keep) {
      const [oldest, stmt] = this.statements.entries().next().value!;
      this.forget(oldest, stmt);
    }
    return made;
  }

  /** Drops a kept statement (if it is still the one kept) and finalizes it after the calls queued on it. */
  private forget(sql: string, stmt: Promise<sqlite3.Statement>): void {
    if (this.statements.get(sql) === stmt) this.statements.delete(sql);
    stmt.then((s) => s.finalize()).catch(() => {});
  }

  /** Runs a kept statement; a failure forgets it (finalized, prepared anew next time). */
  private async kept<T>(
    sql: string,
    stmt: Promise<sqlite3.Statement>,
    op: (s: sqlite3.Statement, done: (err: Error | null, value?: T) => void) => void,
  ): Promise<T> {
    const s = await stmt;
    try {
      return await new Promise<T>((resolve, reject) =>
        op(s, (err, value) => (err ? reject(err) : resolve(value as T))),
      );
    } catch (err) {
      this.forget(sql, stmt);
      throw err;
    }
  }

  run(sql: string, params: Params = []): Promise<{ lastID: number; changes: number }> {
    return this.call(() => {
      const stmt = CACHED_RUN.test(sql) ? this.statement(sql) : undefined;
      const reply = (resolve: (v: { lastID: number; changes: number }) => void, reject: (e: Error) => void) =>
        function (this: sqlite3.RunResult, err: Error | null) {
          if (err) reject(err);
          else resolve({ lastID: this.lastID, changes: this.changes });
        };
      if (stmt)
        return this.kept(sql, stmt, (s, done) =>
          s.run(
            params,
            reply((v) => done(null, v), done),
          ),
        );
      return new Promise((resolve, reject) => {
        this.raw.run(sql, params, reply(resolve, reject));
      });
    });
  }

  all<T = Record<string, unknown>>(sql: string, params: Params = []): Promise<T[]> {
    return this.call(() => {
      const stmt = this.statement(sql);
      if (stmt)
        return this.kept<T[]>(sql, stmt, (s, done) => s.all(params, (err, rows) => done(err, rows as T[])));
      return new Promise((resolve, reject) => {
        this.raw.all(sql, params, (err, rows) => (err ? reject(err) : resolve(rows as T[])));
      });
    });
  }

  get<T = Record<string, unknown>>(sql: string, params: Params = []): Promise<T | undefined> {
    return this.call(() => {
      const bound = Array.isArray(params) ? params.length > 0 : Object.keys(params).length > 0;
      const stmt = bound ? this.statement(sql) : undefined;
      if (stmt)
        return this.kept<T | undefined>(sql, stmt, (s, done) =>
          s.get(params, (err, row) => {
            if (err || row === undefined) return done(err, row as T | undefined);
            // Stopped at its first row: reset, so the statement holds no read (or write) open.
            s.reset(() => done(null, row as T));
          }),
        );
      return new Promise((resolve, reject) => {
        this.raw.get(sql, params, (err, row) => (err ? reject(err) : resolve(row as T | undefined)));
      });
    });
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

  /** Finalizes the kept statements (after the calls queued on them), then closes the connection. */
  async close(): Promise<void> {
    this.closed = true;
    const kept = [...this.statements.values()];
    this.statements.clear();
    await Promise.all(
      kept.map((p) =>
        p.then(
          (s) => new Promise<void>((resolve) => s.finalize(() => resolve())),
          () => {},
        ),
      ),
    );
    return new Promise((resolve, reject) => this.raw.close((err) => (err ? reject(err) : resolve())));
  }
}
