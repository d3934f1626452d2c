import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { UsageError } from '../domain/errors.ts';

/** $1 the parent's pid, $2 the redis-server command, the rest its arguments. */
const WATCHDOG = `parent=$1; shift; cmd=$1; shift
"$cmd" "$@" & r=$!
trap 'kill -TERM $r 2>/dev/null; wait $r; exit 0' TERM INT HUP
while kill -0 "$parent" 2>/dev/null && kill -0 $r 2>/dev/null; do sleep 1 & wait $!; done
if kill -0 $r 2>/dev/null; then kill -TERM $r; wait $r; exit 0; fi
wait $r; exit $?`;

/** The first wait before a private redis-server that stopped is started again. */
const RESTART_DELAY_MS = 1_000;

/** A free TCP port on 127.0.0.1 (asked of the kernel, then released). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

const MISSING =
  'the capture queue needs Redis: install it (apt-get install redis-server) or set REDIS_URL to a running one';

/** redis-server on this port, through the watchdog, with its files in `dir`. */
function launch(command: string, port: number, dir: string): ChildProcess {
  // Through a small shell watchdog: it stops redis-server when this process is gone, however it
  // ended (a crash, an interrupted test run), so no redis-server is ever left behind.
  return spawn(
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
}

/** Waits until redis-server answers at `url` (10 s at most). */
async function waitForRedis(url: string): Promise<void> {
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
}

/**
 * A private redis-server for `serve` when REDIS_URL is not set: loopback only, data under the data
 * directory with the append-only file on, so queued captures survive a restart. With `restart`, a
 * redis-server that stops by itself (a crash, killed) is started again on the same port, after a
 * second and longer after each failure in a row; the connections find it again by themselves.
 */
export async function startPrivateRedis(
  dataDir: string,
  command = 'redis-server',
  opts: { restart?: boolean; log?: Logger } = {},
): Promise<{ url: string; stop: () => Promise<void> }> {
  const dir = path.join(dataDir, 'redis');
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  let proc = launch(command, port, dir);
  const failed = new Promise<never>((_, reject) => {
    proc.once('error', (err: NodeJS.ErrnoException) =>
      reject(err.code === 'ENOENT' ? new UsageError(MISSING, 'redis.missing') : err),
    );
    proc.once('exit', (code) =>
      reject(
        code === 127
          ? new UsageError(MISSING, 'redis.missing')
          : new Error(`redis-server stopped at start (exit ${code})`),
      ),
    );
  });
  const url = `redis://127.0.0.1:${port}`;
  await Promise.race([waitForRedis(url), failed]);
  failed.catch(() => {});
  let stopping = false;
  let delay = RESTART_DELAY_MS;
  let timer: NodeJS.Timeout | undefined;
  const supervise = (p: ChildProcess, since: number) => {
    p.once('exit', (code, signal) => {
      if (stopping || !opts.restart) return;
      if (Date.now() - since > 60_000) delay = RESTART_DELAY_MS; // it ran a while: start over quickly
      opts.log?.warn({ code, signal, inMs: delay }, 'the private redis-server stopped: starting it again');
      timer = setTimeout(() => {
        if (stopping) return;
        proc = launch(command, port, dir);
        proc.on('error', (err) => opts.log?.error({ err }, 'could not start redis-server again'));
        supervise(proc, Date.now());
      }, delay);
      delay = Math.min(delay * 2, 30_000);
    });
  };
  supervise(proc, Date.now());
  return {
    url,
    stop: async () => {
      stopping = true;
      clearTimeout(timer);
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM'); // the watchdog passes it on; redis-server flushes the append-only file on SIGTERM
      await exited;
    },
  };
}
