/**
 * The Redis wipe of bench/faults: `serve` with its private redis-server and the terminal chat, 24
 * captures asked in the chat and held in the queue by a loopback site that does not answer yet; Redis
 * killed (SIGKILL) and its append-only file removed before serve starts it again; the site opens.
 * Counts the captures whose asker got an answer (as tests/redis-wipe.test.ts does).
 */
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import pino from 'pino';
import { loadConfig } from '../../src/config.ts';
import { serve } from '../../src/serve.ts';
import { outboxToShell, startShellDriver } from '../../tests/drivers/shell.ts';
import { slowSite } from '../../tests/fakes/slow-site.ts';
import type { Harness } from '../../tests/helpers/harness.ts';
import { TEST_ROLES } from '../../tests/helpers/harness.ts';
import { benchEnv, type Scratch } from './harness.ts';

const N = 24;

async function until(what: string, probe: () => Promise<boolean> | boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms / 1000} s waiting for ${what}`);
    await sleep(100);
  }
}

export async function redisWipe(s: Scratch, deadline: number) {
  const site = await slowSite();
  s.later(site.close);
  const dataDir = s.dir('archiefbot-bench-redis-');
  const rolesFile = path.join(dataDir, 'roles.yaml');
  writeFileSync(rolesFile, TEST_ROLES);
  // No REDIS_URL: serve runs its private redis-server (append-only file under the data directory).
  const env = {
    ...benchEnv(dataDir),
    ARCHIEFBOT_HTTP_TIMEOUT_MS: '60000',
    REDIS_URL: '',
    ARCHIEFBOT_ROLES: rolesFile,
  };
  const running = await serve(loadConfig(env), {
    env,
    log: pino({ level: 'silent' }),
    worker: true,
    shell: 'off',
    port: 0,
  });
  s.later(() => running.stop());
  const urls = Array.from({ length: N }, (_, i) => `${site.url}/p/${i + 1}`);
  const answered = new Set<string>();
  let wiped = 0;
  try {
    const shell = await startShellDriver({ running } as Harness);
    s.later(() => shell.close());
    outboxToShell(running, (text) => {
      for (const url of urls)
        if (new RegExp(`${url.replace(/[.]/g, '\\.')}(?!\\d)`).test(text)) answered.add(url);
    });
    for (const url of urls) await shell.say(`archiveer ${url}`, { until: /Bezig met archiveren/ });
    await until('two captures held at the site', () => site.held.length >= 2, 15_000);
    const probe = new Redis(running.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
    const pid = Number(/process_id:(\d+)/.exec(await probe.info('server'))![1]);
    probe.disconnect();
    process.kill(pid, 'SIGKILL');
    rmSync(path.join(dataDir, 'redis', 'appendonlydir'), { recursive: true, force: true });
    wiped = performance.now();
    // As in the test: the site opens once serve has its (empty) Redis again.
    await until(
      '/healthz 200',
      async () => (await fetch(`http://127.0.0.1:${running.port}/healthz`)).ok,
      30_000,
    );
    site.open();
    const ms = Math.max(10_000, Math.min(180_000, deadline - Date.now()));
    await until('every capture answered', () => answered.size === N, ms);
    return { answered: answered.size, total: N, seconds: (performance.now() - wiped) / 1000 };
  } catch (err) {
    return {
      answered: answered.size,
      total: N,
      seconds: wiped ? (performance.now() - wiped) / 1000 : 0,
      error: (err as Error).message,
    };
  }
}
