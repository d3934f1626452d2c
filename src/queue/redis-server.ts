import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { Redis } from 'ioredis';
import { UsageError } from '../domain/errors.ts';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/**
 * A private redis-server for `serve` when REDIS_URL is not set: loopback only, data under the data
 * directory with the append-only file on, so queued captures survive a restart.
 */
export async function startPrivateRedis(
  dataDir: string,
  command = 'redis-server',
): Promise<{ url: string; stop: () => Promise<void> }> {
  const dir = path.join(dataDir, 'redis');
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const proc: ChildProcess = spawn(
    command,
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--appendonly',
      'yes',
      '--save',
      '',
      '--protected-mode',
      'yes',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const failed = new Promise<never>((_, reject) => {
    proc.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'ENOENT'
          ? new UsageError(
              'the capture queue needs Redis: install it (sudo apt-get install redis-server) or set REDIS_URL to a running one',
            )
          : err,
      ),
    );
    proc.once('exit', (code) => reject(new Error(`redis-server stopped at start (exit ${code})`)));
  });
  const url = `redis://127.0.0.1:${port}`;
  const ready = (async () => {
    for (let i = 0; i < 200; i++) {
      const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      probe.on('error', () => {});
      try {
        await probe.connect();
        await probe.ping();
        probe.disconnect();
        return;
      } catch {
        probe.disconnect();
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    throw new Error('redis-server did not answer within 10 s');
  })();
  await Promise.race([ready, failed]);
  failed.catch(() => {});
  return {
    url,
    stop: async () => {
      if (proc.exitCode !== null) return;
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM'); // redis-server flushes the append-only file on SIGTERM
      await exited;
    },
  };
}
