import sqlite3 from 'sqlite3';

export type Params = unknown[] | Record<string, unknown>;

/**
 * A small promise wrapper over one sqlite3 connection. Write transactions are serialised in this
 * process and take SQLite's write lock up front (BEGIN IMMEDIATE), so a read-decide-write inside
 * one is atomic across processes too.
 */
export class Db {
  private txQueue: Promise<unknown> = Promise.resolve();

  private constructor(private readonly raw: sqlite3.Database) {}

  static open(file: string): Promise<Db> {
    return new Promise((resolve, reject) => {
      const raw = new sqlite3.Database(file, (err) => (err ? reject(err) : resolve(new Db(raw))));
    });
  }

  run(sql: string, params: Params = []): Promise<{ lastID: number; changes: number }> {
    return new Promise((resolve, reject) => {
      this.raw.run(sql, params, function (this: sqlite3.RunResult, err: Error | null) {
        if (err) reject(err);
        else resolve({ lastID: this.lastID, changes: this.changes });
      });
    });
  }

  all<T = Record<string, unknown>>(sql: string, params: Params = []): Promise<T[]> {
    return new Promise((resolve, reject) => {
      this.raw.all(sql, params, (err, rows) => (err ? reject(err) : resolve(rows as T[])));
    });
  }

  async get<T = Record<string, unknown>>(sql: string, params: Params = []): Promise<T | undefined> {
    return new Promise((resolve, reject) => {
      this.raw.get(sql, params, (err, row) => (err ? reject(err) : resolve(row as T | undefined)));
    });
  }

  exec(sql: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.raw.exec(sql, (err) => (err ? reject(err) : resolve()));
    });
  }

  /**
   * Runs `work` in one write transaction; rolls back (and rethrows) if it or the COMMIT fails, and
   * then calls `onRollback`, so work outside the database (WARC bytes) can be undone too.
   */
  transaction<T>(work: () => Promise<T>, onRollback?: () => Promise<void>): Promise<T> {
    const run = this.txQueue.then(async () => {
      await this.exec('BEGIN IMMEDIATE');
      try {
        const result = await work();
        await this.exec('COMMIT');
        return result;
      } catch (err) {
        await this.exec('ROLLBACK').catch(() => {});
        await onRollback?.();
        throw err;
      }
    });
    this.txQueue = run.catch(() => {});
    return run;
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) => this.raw.close((err) => (err ? reject(err) : resolve())));
  }
}
