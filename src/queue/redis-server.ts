import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { Redis } from 'ioredis';
import { UsageError } from '../domain/errors.ts';

/** $1 the parent's pid, $2 the redis-server command, the rest its arguments. */
const WATCHDOG = `parent=$1; shift; cmd=$1; shift
"$cmd" "$@" & r=$!
trap 'kill -TERM $r 2>/dev/null; wait $r; exit 0' TERM INT HUP
while kill -0 "$parent" 2>/dev/null && kill -0 $r 2>/dev/null; do sleep 1 & wait $!; done
if kill -0 $r 2>/dev/null; then kill -TERM $r; wait $r; exit 0; fi
wait $r; exit $?`;

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
  // Through a small shell watchdog: it stops redis-server when this process is gone, however it
  // ended (a crash, an interrupted test run), so no redis-server is ever left behind.
  const proc: ChildProcess = spawn(
    'sh',
    [
      '-c',
      WATCHDOG,
      'archiefbot-redis',
      String(process.pid),
      command,
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
              'the capture queue needs Redis: install it (apt-get install redis-server) or set REDIS_URL to a running one',
              'redis.missing',
            )
          : err,
      ),
    );
    proc.once('exit', (code) =>
      reject(
        code === 127
          ? new UsageError(
              'the capture queue needs Redis: install it (apt-get install redis-server) or set REDIS_URL to a running one',
              'redis.missing',
            )
          : new Error(`redis-server stopped at start (exit ${code})`),
      ),
    );
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
      proc.kill('SIGTERM'); // the watchdog passes it on; redis-server flushes the append-only file on SIGTERM
      await exited;
    },
  };
}
