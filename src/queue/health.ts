import { constants } from 'node:fs';
import { access, statfs } from 'node:fs/promises';
import type { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Archive } from '../store/archive.ts';

/** One part of `/healthz`: whether it works, and what was seen. */
export interface HealthCheck {
  ok: boolean;
  [detail: string]: unknown;
}

/** Less free space than this in the data directory and the archive counts as not writable. */
const MIN_FREE_BYTES = 1024 * 1024;

function within<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/** Redis: the connection is up and answers a PING in time. */
export async function redisHealth(redis: Redis, timeoutMs = 1_000): Promise<HealthCheck> {
  if (redis.status !== 'ready') return { ok: false, status: redis.status };
  const started = Date.now();
  try {
    await within(redis.ping(), timeoutMs);
    return { ok: true, ms: Date.now() - started };
  } catch (err) {
    return { ok: false, status: redis.status, error: (err as Error).message };
  }
}

/**
 * The capture worker: running, when this process should run it; when another process runs the
 * workers (`serve --no-worker` beside `archiefbot worker`), there is nothing to check here.
 */
export function workerHealth(worker: Worker | undefined, inProcess: boolean): HealthCheck {
  if (!inProcess) return { ok: true, inProcess: false };
  const running = Boolean(worker?.isRunning());
  return { ok: running, inProcess: true, running };
}

/** The archive: the data directory (and its WARC folder) writable, space left, the database answering. */
export async function archiveHealth(archive: Archive, timeoutMs = 2_000): Promise<HealthCheck> {
  try {
    await access(archive.dataDir, constants.W_OK);
    await access(archive.warcDir, constants.W_OK).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err; // made with the first capture
    });
    const fs = await statfs(archive.dataDir);
    const freeBytes = fs.bavail * fs.bsize;
    if (freeBytes < MIN_FREE_BYTES) return { ok: false, freeBytes, error: 'disk-full' };
    await within(archive.db.get('SELECT 1'), timeoutMs);
    return { ok: true, freeBytes };
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    return { ok: false, error: e.code ?? e.message };
  }
}
