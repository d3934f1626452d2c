import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { type Running, serve } from '../src/serve.ts';
import { outboxToShell, startShellDriver } from './drivers/shell.ts';
import { type SlowSite, slowSite } from './fakes/slow-site.ts';
import { query } from './helpers/archive.ts';
import { testEnv } from './helpers/cli.ts';
import { type Harness, TEST_ROLES } from './helpers/harness.ts';

const N = 24;

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const got = await probe();
    if (got !== undefined) return got;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('Redis restarted without its data', () => {
  let site: SlowSite;
  let running: Running;
  let t: ReturnType<typeof testEnv>;
  beforeAll(async () => {
    site = await slowSite();
    t = testEnv({ ARCHIEFBOT_HTTP_TIMEOUT_MS: '60000' });
    const rolesFile = path.join(t.dataDir, 'roles.yaml');
    writeFileSync(rolesFile, TEST_ROLES);
    // No REDIS_URL: serve runs its private redis-server (append-only file under the data directory).
    const env = { ...t.env, REDIS_URL: '', ARCHIEFBOT_ROLES: rolesFile };
    running = await serve(loadConfig(env), {
      env,
      log: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
      worker: true,
      shell: 'off',
      port: 0,
    });
  });
  afterAll(async () => {
    await running?.stop();
    await site?.close();
    t?.cleanup();
  });

  const healthz = async () => {
    const res = await fetch(`http://127.0.0.1:${running.port}/healthz`);
    return { status: res.status, body: (await res.json()) as Record<string, { ok: boolean }> };
  };

  it('answers all 24 acknowledged captures once each (a second asker and one asked while Redis was away too); /healthz is 503 while Redis is down', async () => {
    const shell = await startShellDriver({ running } as Harness);
    // What the outbox sends to the terminal chat on its own: the answers to the captures.
    const told = outboxToShell(running);

    expect((await healthz()).status).toBe(200);
    const urls = Array.from({ length: N }, (_, i) => `${site.url}/p/${i + 1}`);
    for (const url of urls) {
      const [ack] = await shell.say(`archiveer ${url}`, { until: /Bezig met archiveren/ });
      expect(ack).toContain(url);
    }
    // A second asker of a URL that is queued: the same job, both answered.
    const [joined] = await shell.say(`archiveer ${urls[0]}`, { until: /wordt al gearchiveerd/ });
    expect(joined).toContain(urls[0]);
    // Two are running (held by the site), the rest wait in the queue; every one is on record.
    await until('two captures at the site', async () => (site.held.length >= 2 ? true : undefined), 10_000);
    const recorded = await query<{
      url: string;
      state: string;
      job_id: string;
      reply_to: string;
      lang: string;
    }>(t.dataDir, 'SELECT url, state, job_id, reply_to, lang FROM chat_request ORDER BY id');
    expect(recorded.map((r) => r.url)).toEqual([...urls, urls[0]]);
    expect(recorded[N]!.job_id).toBe(recorded[0]!.job_id);
    expect(recorded.every((r) => r.state === 'queued' && r.job_id && r.lang === 'nl')).toBe(true);
    expect(JSON.parse(recorded[0]!.reply_to)).toMatchObject({ platform: 'shell' });

    // Redis dies and comes back empty: kill -9, and its append-only file gone before serve restarts it.
    const probe = new Redis(running.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
    const pid = Number(/process_id:(\d+)/.exec(await probe.info('server'))![1]);
    probe.disconnect();
    process.kill(pid, 'SIGKILL');
    rmSync(path.join(t.dataDir, 'redis', 'appendonlydir'), { recursive: true, force: true });
    const down = await until(
      '/healthz 503',
      async () => {
        const h = await healthz();
        return h.status === 503 ? h : undefined;
      },
      5_000,
    );
    expect(down.body).toMatchObject({
      ok: false,
      redis: { ok: false },
      worker: { ok: true },
      archive: { ok: true },
    });
    // Asked while Redis is away: recorded and acknowledged all the same, queued when it is back.
    const extra = `${site.url}/p/${N + 1}`;
    const [ack] = await shell.say(`archiveer ${extra}`, { until: /Bezig met archiveren/ });
    expect(ack).toContain(extra);
    await until('/healthz 200', async () => ((await healthz()).status === 200 ? true : undefined), 30_000);
    site.open();
    const answered = (url: string) =>
      told.filter((x) => new RegExp(`${url.replace(/[.]/g, '\\.')}(?!\\d)`).test(x));
    await until(
      'every capture answered',
      async () => ([...urls, extra].every((u) => answered(u).length > 0) ? true : undefined),
      90_000,
    );
    await new Promise((r) => setTimeout(r, 4_000)); // a sweep or two more: nothing is answered twice
    expect(answered(urls[0]!)).toHaveLength(2); // its two askers
    for (const url of [...urls.slice(1), extra]) expect(answered(url), url).toHaveLength(1);
    expect(told.every((x) => /Gearchiveerd/.test(x))).toBe(true);
    expect(told).toHaveLength(N + 2);
    // Every one was lost with Redis's data, queued again from SQLite, and answered.
    const states = await query<{ state: string; n: number; requeued: number }>(
      t.dataDir,
      `SELECT state, count(*) AS n, min(requeues) AS requeued FROM chat_request WHERE url <> ? GROUP BY state`,
      [extra],
    );
    expect(states).toEqual([{ state: 'answered', n: N + 1, requeued: 1 }]);
    expect(
      await query(t.dataDir, `SELECT 1 FROM chat_request WHERE url = ? AND state = 'answered'`, [extra]),
    ).toHaveLength(1);
    expect((await healthz()).body).toMatchObject({ ok: true, redis: { ok: true } });
    await shell.close();
  }, 180_000);
});
