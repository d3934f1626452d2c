import { existsSync } from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { startPrivateRedis } from '../src/queue/redis-server.ts';
import { serve } from '../src/serve.ts';
import { outboxToShell, startShellDriver } from './drivers/shell.ts';
import { count, query } from './helpers/archive.ts';
import { testEnv } from './helpers/cli.ts';
import { type Harness, startHarness } from './helpers/harness.ts';

describe('archiefbot serve', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({});
  });
  afterAll(() => h.close());

  it('answers /healthz', async () => {
    const res = await fetch(`http://127.0.0.1:${h.running.port}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      ok: true,
      redis: { ok: true },
      worker: { ok: true, inProcess: true, running: true },
      archive: { ok: true },
      adapters: [],
      memory: { rssMb: expect.any(Number), heapUsedMb: expect.any(Number) },
    });
  });

  it('captures from the terminal chat through the queue and answers when the worker is done', async () => {
    const shell = await startShellDriver(h);
    const [answer] = await shell.say(`archiveer ${h.post.url}`, { until: /SHA-256/ });
    expect(answer).toMatch(/Bezig met archiveren/);
    expect(answer).toMatch(/Gearchiveerd: bericht #\d+, versie 1/);
    expect(answer).toMatch(/SHA-256: [0-9a-f]{64}/);
    const [shown] = await shell.say(`toon ${h.post.url}`);
    expect(shown).toContain('Woo-jaarrapportage');
    // Asked again within the idempotency window, after the job finished: answered at once from it.
    const [again] = await shell.say(`archiveer ${h.post.url}`, { until: /SHA-256/ });
    expect(again).not.toMatch(/Bezig met archiveren|wordt al gearchiveerd/);
    expect(again).toMatch(/Gearchiveerd: bericht #\d+, versie 1/);
    await shell.close();
  });
});

describe('failures are told once, after the last attempt, and counted once', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({});
  });
  afterAll(() => h.close());

  it('a capture of a host that does not exist fails at once: one attempt, told once, counted once', async () => {
    const shell = await startShellDriver(h);
    const told = outboxToShell(h.running);
    for (const url of ['https://nonexistent.invalid/x', 'https://nonexistent.invalid/y']) {
      const asked = Date.now();
      const [answer] = await shell.say(`archiveer ${url}`, { until: /is mislukt/ });
      expect(Date.now() - asked).toBeLessThan(5_000); // not retried (that takes 5 + 10 + 20 s)
      expect(answer).toContain(`Archiveren van ${url} is mislukt`);
      expect(answer).not.toMatch(/poging/); // one attempt: no count of attempts
    }
    await new Promise((r) => setTimeout(r, 1000));
    expect(told.filter((t) => /is mislukt/.test(t))).toHaveLength(2);
    expect(await count(h.dataDir, 'capture', "status = 'failed'")).toBe(2);
    const [status] = await shell.say('status');
    expect(status).toMatch(/Mislukt \(24 uur\)\W+2\b/);
    await shell.close();
  });

  it('a watch that fails is announced once, and not retried when retrying cannot help', async () => {
    const shell = await startShellDriver(h);
    const told = outboxToShell(h.running);
    const url = `${h.mastodon.url}/@niemand`;
    const [answer] = await shell.say(`volg ${url}`, { until: /Volgen van .* is mislukt/ });
    expect(answer).toContain(`Volgen van ${url} is mislukt`);
    const job = (await h.running.monitor.queue.getJobs(['failed'])).find((j) => j.name === 'watch');
    expect(job?.attemptsMade).toBe(1);
    await new Promise((r) => setTimeout(r, 1000));
    expect(told.filter((t) => /Volgen van/.test(t))).toHaveLength(1);
    await shell.close();
  });
});

describe('accounts watched from the start', () => {
  it('serve watches the accounts of config/accounts.yaml: backfilled, with organisation and role', async () => {
    const h = await startHarness(
      {},
      {
        accountsYaml: (url) =>
          `accounts:\n  - account: ${url}/@minbzk\n    organisation: Ministerie van BZK\n    role: corporate\n    everySeconds: 10\n`,
      },
    );
    try {
      const deadline = Date.now() + 15_000;
      let rows: { handle: string; organisation: string; role: string; backfilled_at: string | null }[] = [];
      while (Date.now() < deadline) {
        rows = await query(
          h.dataDir,
          'SELECT a.handle, a.organisation, a.role, w.backfilled_at FROM watch w JOIN account a ON a.id = w.account_id',
        );
        if (rows.length && rows[0]!.backfilled_at) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(rows).toMatchObject([
        { handle: `minbzk@${h.mastodon.host}`, organisation: 'Ministerie van BZK', role: 'corporate' },
      ]);
      expect(rows[0]!.backfilled_at).not.toBeNull();
      // The posts it backfilled are appraised with the account's role.
      const appraised = await query<{ valuation: string | null; rule: string }>(
        h.dataDir,
        'SELECT valuation, rule FROM appraisal',
      );
      expect(appraised.length).toBeGreaterThan(0);
      expect(appraised.every((a) => a.valuation === 'B')).toBe(true); // a corporate account's posts: bewaren
      // Then it is polled (its own scheduler, in the queue of its host): a new post comes in by itself.
      const fresh = h.mastodon.addStatus({
        username: 'minbzk',
        content: '<p>Nieuw bericht na het volgen</p>',
      });
      const until = Date.now() + 25_000;
      let found: { n: number }[] = [];
      while (Date.now() < until) {
        found = await query<{ n: number }>(h.dataDir, 'SELECT count(*) AS n FROM post WHERE url = ?', [
          fresh.url,
        ]);
        if (found[0]!.n) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(found[0]!.n).toBe(1);
      // Redis restarted without its data: the worker puts the tick and the poll schedulers back.
      const { Redis } = await import('ioredis');
      const redis = new Redis(h.env.REDIS_URL!);
      try {
        const schedules = async () => (await redis.keys('archiefbot:*:repeat')).sort();
        const before = await schedules();
        expect(before.length).toBeGreaterThanOrEqual(2); // the monitor's tick and this host's polls
        await redis.flushall();
        expect(await h.running.monitor.queue.getJobScheduler('tick')).toBeUndefined();
        expect(await h.running.monitor.restoreSchedulers()).toBe(true);
        expect(await h.running.monitor.queue.getJobScheduler('tick')).toBeDefined();
        expect(await schedules()).toEqual(before);
        expect(await h.running.monitor.restoreSchedulers()).toBe(false); // nothing was missing
      } finally {
        redis.disconnect();
      }
    } finally {
      await h.close();
    }
  });
});

describe('Redis for serve', () => {
  it('starts a private redis-server with its append-only file under the data directory, and stops it', async () => {
    const t = testEnv();
    const running = await serve(loadConfig({ ...t.env, REDIS_URL: '' }), {
      env: t.env,
      log: pino({ level: 'silent' }),
      worker: true,
      shell: 'off',
      port: 0,
    });
    expect((await fetch(`http://127.0.0.1:${running.port}/healthz`)).status).toBe(200);
    await running.stop();
    expect(existsSync(path.join(t.dataDir, 'redis', 'appendonlydir'))).toBe(true);
    t.cleanup();
  });

  it('says how to get Redis when redis-server is not installed', async () => {
    const t = testEnv();
    await expect(startPrivateRedis(t.dataDir, 'redis-server-not-installed')).rejects.toThrow(
      /apt-get install redis-server\) or set REDIS_URL/,
    );
    t.cleanup();
  });

  it('never leaves a redis-server behind: it stops when the process that started it is killed', async () => {
    const t = testEnv();
    const { spawn, execFileSync } = await import('node:child_process');
    const script = `const { startPrivateRedis } = await import(${JSON.stringify(path.resolve('src/queue/redis-server.ts'))});
const r = await startPrivateRedis(${JSON.stringify(t.dataDir)}); console.log(r.url); setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.once('data', (d: Buffer) => resolve(d.toString().trim()));
        child.once('exit', (code) => reject(new Error(`child exited ${code}`)));
      });
      const port = new URL(url).port;
      const running = () => {
        try {
          return (
            execFileSync('pgrep', ['-f', `redis-server 127.0.0.1:${port}`])
              .toString()
              .trim() !== ''
          );
        } catch {
          return false;
        }
      };
      expect(running()).toBe(true);
      child.kill('SIGKILL'); // as an interrupted test run or a crash would
      const deadline = Date.now() + 8000;
      while (running() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      expect(running()).toBe(false);
    } finally {
      child.kill('SIGKILL');
      t.cleanup();
    }
  });
});

describe('start-up that explains itself', () => {
  const log = pino({ level: 'silent' });

  it('a taken port is one line naming the port and ARCHIEFBOT_HTTP_PORT, and nothing is left running', async () => {
    const { createServer } = await import('node:net');
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    const t = testEnv();
    try {
      const err = await serve(loadConfig(t.env), { env: t.env, log, worker: true, shell: 'off', port }).catch(
        (e: Error & { key?: string }) => e,
      );
      expect(err).toMatchObject({ key: 'serve.port-taken' });
      const { describeError } = await import('../src/domain/i18n.ts');
      const line = describeError(err as Error, 'en');
      expect(line).toContain(String(port));
      expect(line).toContain('ARCHIEFBOT_HTTP_PORT');
      expect(line).not.toContain('\n');
      // The port is checked first: no redis-server was started for this data directory.
      expect(existsSync(path.join(t.dataDir, 'redis'))).toBe(false);
    } finally {
      blocker.close();
      t.cleanup();
    }
  });

  it('a malformed accounts file is one line with file, line and key before anything starts', async () => {
    const t = testEnv();
    const { writeFileSync } = await import('node:fs');
    const file = path.join(t.dataDir, 'accounts.yaml');
    writeFileSync(file, 'accounts:\n  - account: https://social.example/@a\n    role: minister\n');
    const env = { ...t.env, ARCHIEFBOT_ACCOUNTS: file };
    try {
      const err = await serve(loadConfig(env), { env, log, worker: true, shell: 'off', port: 0 }).catch(
        (e: Error) => e,
      );
      expect((err as Error).message).toMatch(new RegExp(`^${file}:3: accounts\\.0\\.role: `));
      expect(existsSync(path.join(t.dataDir, 'redis'))).toBe(false);
    } finally {
      t.cleanup();
    }
  });

  it('listens on 127.0.0.1 with no chat platform configured, on every interface with one', async () => {
    const { httpHost } = await import('../src/serve.ts');
    expect(httpHost({})).toBe('127.0.0.1');
    expect(httpHost({ MATTERMOST_URL: 'http://mm.example', MATTERMOST_TOKEN: 't' })).toBe('0.0.0.0');
    expect(httpHost({ ARCHIEFBOT_HTTP_HOST: '::1' })).toBe('::1');
  });
});
