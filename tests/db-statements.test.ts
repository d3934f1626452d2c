/**
 * store/db.ts keeps statements prepared by their SQL text: results stay right with new parameters,
 * after errors, across schema changes, overlapping calls, transactions and close, and a kept
 * statement holds no read or write open between calls.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Db, STATEMENT_CACHE_SIZE } from '../src/store/db.ts';

let dir: string;
let file: string;
let db: Db;
const open: Db[] = [];

async function connect(): Promise<Db> {
  const c = await Db.open(file);
  await c.exec('PRAGMA journal_mode = WAL');
  open.push(c);
  return c;
}

beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'archiefbot-db-'));
  file = path.join(dir, 'test.db');
  db = await connect();
  await db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT UNIQUE)');
});

afterEach(async () => {
  for (const c of open.splice(0)) await c.close().catch(() => {});
  rmSync(dir, { recursive: true, force: true });
});

const NAME = 'SELECT name FROM t WHERE id = ?';

describe('kept statements', () => {
  it('prepares a statement once and binds it anew for each call', async () => {
    await db.run('INSERT INTO t (id, name) VALUES (?, ?)', [1, 'een']);
    await db.run('INSERT INTO t (id, name) VALUES (?, ?)', [2, 'twee']);
    const before = db.prepared;
    expect(await db.get(NAME, [1])).toEqual({ name: 'een' });
    expect(await db.get(NAME, [2])).toEqual({ name: 'twee' });
    expect(await db.get(NAME, [3])).toBeUndefined();
    expect(await db.all('SELECT id FROM t WHERE id >= ? ORDER BY id', [1])).toEqual([{ id: 1 }, { id: 2 }]);
    expect(await db.all('SELECT id FROM t WHERE id >= ? ORDER BY id', [2])).toEqual([{ id: 2 }]);
    expect(db.prepared - before).toBe(2);
    // The INSERT was kept too: two rows, one preparation.
    expect(before).toBe(1);
  });

  it('answers overlapping calls with the same SQL each with its own parameters', async () => {
    const values = Array.from({ length: 50 }, (_, i) => i + 1);
    await Promise.all(values.map((i) => db.run('INSERT INTO t (id, name) VALUES (?, ?)', [i, `n${i}`])));
    const got = await Promise.all(values.map((i) => db.get<{ name: string }>(NAME, [i])));
    expect(got.map((r) => r?.name)).toEqual(values.map((i) => `n${i}`));
    const lists = await Promise.all(values.map((i) => db.all('SELECT id FROM t WHERE id <= ?', [i])));
    expect(lists.map((l) => l.length)).toEqual(values);
  });

  it('forgets a statement that failed and runs it again afterwards', async () => {
    const insert = 'INSERT INTO t (id, name) VALUES (?, ?)';
    await db.run(insert, [1, 'een']);
    const before = db.prepared;
    await expect(db.run(insert, [2, 'een'])).rejects.toThrow(/UNIQUE/);
    expect(await db.run(insert, [2, 'twee'])).toMatchObject({ lastID: 2, changes: 1 });
    expect(db.prepared - before).toBe(1); // prepared anew after the failure
    // A statement that does not prepare (no such table) is not kept, and works once the table exists.
    await expect(db.all('SELECT * FROM u WHERE x = ?', [1])).rejects.toThrow(/no such table/);
    await db.exec('CREATE TABLE u (x)');
    await db.run('INSERT INTO u (x) VALUES (?)', [1]);
    expect(await db.all('SELECT * FROM u WHERE x = ?', [1])).toEqual([{ x: 1 }]);
  });

  it('sees schema changes (a kept SELECT * after a new column)', async () => {
    await db.run('INSERT INTO t (id, name) VALUES (?, ?)', [1, 'een']);
    const star = 'SELECT * FROM t WHERE id = ?';
    expect(await db.get(star, [1])).toEqual({ id: 1, name: 'een' });
    await db.exec("ALTER TABLE t ADD COLUMN extra TEXT DEFAULT 'x'");
    expect(await db.get(star, [1])).toEqual({ id: 1, name: 'een', extra: 'x' });
    await db.exec('DROP TABLE t');
    await expect(db.get(star, [1])).rejects.toThrow(/no such table/);
  });

  it('holds no read open after a get: another connection can checkpoint the whole log', async () => {
    const other = await connect();
    await other.run('INSERT INTO t (id, name) VALUES (?, ?)', [1, 'een']);
    expect(await db.get(NAME, [1])).toEqual({ name: 'een' });
    await other.run('INSERT INTO t (id, name) VALUES (?, ?)', [2, 'twee']);
    // TRUNCATE waits for no reader: busy = 0 only when this connection's get left no read open.
    expect(await other.get('PRAGMA wal_checkpoint(TRUNCATE)', [])).toMatchObject({ busy: 0 });
    expect(await db.get(NAME, [2])).toEqual({ name: 'twee' });
  });

  it('commits a RETURNING write read by get, and runs a get without parameters afresh each time', async () => {
    const other = await connect();
    const row = await db.get('INSERT INTO t (id, name) VALUES (?, ?) RETURNING id', [7, 'zeven']);
    expect(row).toEqual({ id: 7 });
    expect(await other.get(NAME, [7])).toEqual({ name: 'zeven' });
    const count = 'SELECT count(*) AS n FROM t';
    expect(await db.get(count)).toEqual({ n: 1 });
    await db.run('INSERT INTO t (id, name) VALUES (?, ?)', [8, 'acht']);
    expect(await db.get(count)).toEqual({ n: 2 });
  });

  it('keeps working inside transactions, and a rollback undoes kept statements’ writes', async () => {
    const insert = 'INSERT INTO t (id, name) VALUES (?, ?)';
    await db.transaction(async () => {
      await db.run(insert, [1, 'een']);
      expect(await db.get(NAME, [1])).toEqual({ name: 'een' });
    });
    await expect(
      db.transaction(async () => {
        await db.run(insert, [2, 'twee']);
        throw new Error('stop');
      }),
    ).rejects.toThrow('stop');
    expect(await db.all('SELECT id FROM t WHERE id > ?', [0])).toEqual([{ id: 1 }]);
  });

  it(`finalizes the least recently used of more than ${STATEMENT_CACHE_SIZE} statements`, async () => {
    await db.run('INSERT INTO t (id, name) VALUES (?, ?)', [1, 'een']);
    const nth = (i: number) => `SELECT name, ${i} AS k FROM t WHERE id = ?`;
    expect(await db.get(nth(0), [1])).toEqual({ name: 'een', k: 0 });
    const before = db.prepared;
    expect(await db.get(nth(0), [1])).toEqual({ name: 'een', k: 0 }); // kept
    expect(db.prepared).toBe(before);
    for (let i = 1; i <= STATEMENT_CACHE_SIZE; i++) await db.get(nth(i), [1]);
    expect(await db.get(nth(0), [1])).toEqual({ name: 'een', k: 0 }); // evicted: prepared again
    expect(db.prepared - before).toBe(STATEMENT_CACHE_SIZE + 1);
  });

  it('closes with statements kept, and refuses calls afterwards', async () => {
    await db.run('INSERT INTO t (id, name) VALUES (?, ?)', [1, 'een']);
    await db.get(NAME, [1]);
    const pending = db.all('SELECT id FROM t WHERE id = ?', [1]);
    await db.close();
    expect(await pending).toEqual([{ id: 1 }]);
    await expect(db.get(NAME, [1])).rejects.toThrow(/closed/i);
  });
});
