/**
 * Crash, full disk and concurrent writers (issue 10, item 4), against the real binary where a real
 * process must die or race: kill -9 mid-capture, a small tmpfs that fills up, five CLI processes at once.
 */

import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fill, injectWrites } from '../bench/faults/harness.ts';
import { warcCensus } from '../bench/faults/records.ts';
import { Archive } from '../src/store/archive.ts';
import { FakeMastodon } from './fakes/mastodon.ts';
import { cli, testEnv } from './helpers/cli.ts';

const BIN = path.resolve('bin/archiefbot.js');
const WARC = { rotateBytes: 1e9, operator: '' };

function start(env: NodeJS.ProcessEnv, ...args: string[]): ChildProcess {
  return spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Runs the binary to its end: exit code, stdout, stderr and the --json document. */
async function bin(env: NodeJS.ProcessEnv, ...args: string[]) {
  const child = start(env, ...args);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? -1)));
  let json: { error?: { code: string }; kind?: string; posts?: number; ok?: boolean } | undefined;
  try {
    json = JSON.parse(stdout);
  } catch {}
  return { code, stdout, stderr, json };
}

function warcBytes(dataDir: string): number {
  const dir = path.join(dataDir, 'warc');
  try {
    return readdirSync(dir).reduce((n, f) => n + statSync(path.join(dir, f)).size, 0);
  } catch {
    return 0;
  }
}

/** Starts a capture and kills it (SIGKILL) a random moment after its WARC bytes begin to grow. */
async function killMidCapture(env: NodeJS.ProcessEnv, dataDir: string, url: string): Promise<void> {
  const before = warcBytes(dataDir);
  const child = start(env, 'capture', url, '--json');
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const deadline = Date.now() + 30_000;
  while (warcBytes(dataDir) <= before && Date.now() < deadline) await sleep(5);
  await sleep(Math.random() * 150);
  child.kill('SIGKILL');
  await exited; // reaped: the process is gone, not a zombie
}

async function openArchive(dataDir: string, recover = true) {
  return Archive.open(dataDir, WARC, { recover });
}

let m: FakeMastodon;
beforeAll(async () => {
  m = await FakeMastodon.start();
  m.addAccount({ username: 'crash' });
  m.addStatuses(3000, 'crash', (i) => `<p>Bericht ${i} over de begroting en het woo-verzoek</p>`);
  m.addAccount({ username: 'vol' });
  m.addAccount({ username: 'vijf' });
  m.addStatuses(400, 'vijf');
});
afterAll(() => m.close());

describe('kill -9 in the middle of a capture', () => {
  it('leaves no orphan record, no capture running and an archive that verifies, after recovery', async () => {
    const { env, dataDir, cleanup } = testEnv();
    const url = `${m.url}/@crash`;
    try {
      let orphansBefore = 0;
      for (let i = 0; i < 4; i++) {
        await killMidCapture(env, dataDir, url);
        const raw = await openArchive(dataDir, false);
        const census = await warcCensus(raw);
        orphansBefore += census.orphans.length + census.tails.length;
        await raw.close();
        const archive = await openArchive(dataDir);
        try {
          const after = await warcCensus(archive);
          expect(after.orphans).toEqual([]);
          expect(after.tails).toEqual([]);
          const running = await archive.db.get<{ n: number }>(
            `SELECT count(*) AS n FROM capture WHERE status = 'running'`,
          );
          expect(running!.n).toBe(0);
        } finally {
          await archive.close();
        }
      }
      console.info(`kill -9: ${orphansBefore} orphan records or tails before recovery, 0 after`);
      const archive = await openArchive(dataDir);
      const interrupted = await archive.db.all<{ error: string; status: string }>(
        'SELECT status, error FROM capture WHERE interrupted_at IS NOT NULL',
      );
      await archive.close();
      expect(interrupted.length).toBeGreaterThan(0);
      for (const c of interrupted) {
        expect(c.status).toBe('failed');
        expect(c.error).toMatch(/^interrupted: the process that ran it \(pid \d+/);
      }
      const verify = await cli(env, 'verify', '--json');
      expect(verify.json.problems).toEqual([]);
      expect(verify.code).toBe(0);
      // The backfill resumes where the last committed page left it: every post once, none lost.
      const done = await bin(env, 'capture', url, '--json');
      expect(done.code, done.stderr).toBe(0);
      const rows = await openArchive(dataDir).then(async (a) => {
        const r = await a.db.get<{ posts: number; counted: number }>(
          `SELECT (SELECT count(*) FROM post) AS posts, (SELECT posts FROM backfill WHERE status = 'done') AS counted`,
        );
        await a.close();
        return r!;
      });
      expect(rows).toEqual({ posts: 3000, counted: 3000 });
      expect((await cli(env, 'verify', '--json')).json.problems).toEqual([]);
    } finally {
      cleanup();
    }
  }, 240_000);
});

/** Mounts a tmpfs of `size` at a new directory; null when this machine does not allow it (not root). */
function mountTmpfs(size: string): { dir: string; unmount: () => void } | null {
  const dir = mkdtempSync(path.join(tmpdir(), 'archiefbot-full-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'ignore' });
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return null;
  }
  return {
    dir,
    unmount: () => {
      execFileSync('umount', ['-l', dir], { stdio: 'ignore' });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const image = () => ({ bytes: randomBytes(600_000), contentType: 'image/png' });

describe('a full disk', () => {
  it('fails the capture with disk-full, keeps the archive verifiable, and captures again once space is freed', async () => {
    const tmpfs = mountTmpfs('4m');
    const dataDir = tmpfs ? path.join(tmpfs.dir, 'data') : testEnv().dataDir;
    mkdirSync(dataDir, { recursive: true });
    const { env } = testEnv({ ARCHIEFBOT_DATA_DIR: dataDir });
    const run = (...args: string[]) => (tmpfs ? bin(env, ...args) : cli(env, ...args));
    try {
      const first = m.addStatus({ username: 'vol', content: '<p>Voor de schijf vol was</p>' });
      expect((await run('capture', first.url, '--json')).code).toBe(0);
      const big = m.addStatus({ username: 'vol', content: '<p>Met een grote foto</p>', media: [image()] });
      // Room for the rows but not for the photo: ENOSPC in the WARC (or SQLite's WAL, whichever meets
      // it first), and verify still runs on the full disk. Then no room at all: SQLite fails too, and
      // (in WAL mode it cannot even open for reading) verify runs once the space is freed.
      for (const room of [200_000, 0]) {
        let filler: string | null = null;
        let restore = () => {};
        if (tmpfs) filler = fill(tmpfs.dir, room);
        else restore = await injectWrites('ENOSPC');
        const failed = await run('capture', big.url, '--json').finally(restore);
        expect(failed.code, failed.stdout + failed.stderr).toBe(1);
        expect(failed.json.error.code, failed.stderr).toBe('disk-full');
        expect(failed.stderr).toMatch(/disk is full/);
        expect(failed.stderr).not.toMatch(/\n\s+at /); // no stack trace
        if (filler && room === 0) rmSync(filler);
        const verify = await run('verify', '--json');
        expect(verify.json.problems, `room ${room}: ${verify.stdout} ${verify.stderr}`).toEqual([]);
        if (filler && room > 0) rmSync(filler);
      }
      const again = await run('capture', big.url, '--json');
      expect(again.code, again.stderr).toBe(0);
      expect((await run('verify', '--json')).code).toBe(0);
      const archive = await openArchive(dataDir);
      const census = await warcCensus(archive);
      await archive.close();
      expect(census.orphans).toEqual([]);
      expect(census.tails).toEqual([]);
    } finally {
      if (tmpfs) tmpfs.unmount();
      else rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);

  it('continues a short write instead of losing the rest of the record', async () => {
    const { env, dataDir, cleanup } = testEnv();
    try {
      const post = m.addStatus({ username: 'vol', content: '<p>Korte schrijfactie</p>', media: [image()] });
      const restore = await injectWrites('continue');
      const r = await cli(env, 'capture', post.url, '--json').finally(restore);
      expect(r.code, r.stderr).toBe(0);
      expect((await cli(env, 'verify', '--json')).json.problems).toEqual([]);
      const archive = await openArchive(dataDir);
      expect((await warcCensus(archive)).tails).toEqual([]);
      await archive.close();
    } finally {
      cleanup();
    }
  }, 60_000);
});

describe('two processes backfilling one account', () => {
  it('leave the counters of a backfill the other finished alone', async () => {
    const { dataDir, cleanup } = testEnv();
    const [a, b] = [await openArchive(dataDir), await openArchive(dataDir)];
    try {
      const who = {
        url: 'https://example.org/@x',
        trigger: 'command' as const,
        requestedBy: null,
        channel: null,
      };
      const page = (captureId: number, id: number, cursor: string | null) => ({
        ...who,
        captureId,
        method: { id: 'api' as const, label: 'API', captures: [], misses: [] },
        posts: [],
        exchanges: [],
        backfill: { id, cursor, done: cursor === null },
      });
      const first = await a.startBackfill('mastodon', 'x', who.url, null, who);
      // The second resumes before the first saved a page: both start from the cursor null.
      const second = await b.startBackfill('mastodon', 'x', who.url, null, who);
      expect(second).toMatchObject({ id: first.id, cursor: null });
      await a.ingest(page(first.captureId, first.id, 'p2'));
      await a.ingest(page(first.captureId, first.id, null));
      // The first has finished (its cursor is null again): the second's first page is no progress.
      await b.ingest(page(second.captureId, second.id, 'p2'));
      const row = await a.db.get('SELECT cursor, pages, status FROM backfill WHERE id = ?', [first.id]);
      expect(row).toEqual({ cursor: null, pages: 2, status: 'done' });
    } finally {
      await a.close();
      await b.close();
      cleanup();
    }
  });
});

describe('five CLI processes writing at once', () => {
  it('all succeed without SQLITE_BUSY, and two backfills of one account count each post once', async () => {
    const { env, dataDir, cleanup } = testEnv();
    try {
      const posts = [1, 2, 3].map((i) => m.addStatus({ username: 'vol', content: `<p>Tegelijk ${i}</p>` }));
      const runs = await Promise.all([
        ...posts.map((p) => bin(env, 'capture', p.url, '--json')),
        bin(env, 'capture', `${m.url}/@vijf`, '--json'),
        bin(env, 'capture', `${m.url}/@vijf`, '--json'),
      ]);
      for (const r of runs) {
        expect(r.code, r.stderr).toBe(0);
        expect(r.stderr).not.toMatch(/SQLITE_BUSY/);
      }
      const archive = await openArchive(dataDir);
      const backfills = await archive.db.all<{ posts: number; status: string }>(
        'SELECT posts, status FROM backfill',
      );
      await archive.close();
      for (const b of backfills) expect(b).toEqual({ posts: 400, status: 'done' });
      expect((await cli(env, 'verify', '--json')).code).toBe(0);
    } finally {
      cleanup();
    }
  }, 120_000);
});
