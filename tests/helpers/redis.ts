import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startPrivateRedis } from '../../src/queue/redis-server.ts';

/** A private redis-server for one test file: random port, temporary directory, stopped afterwards. */
export async function startRedis(): Promise<{ url: string; stop: () => Promise<void> }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'archiefbot-redis-'));
  const redis = await startPrivateRedis(dir);
  return {
    url: redis.url,
    stop: async () => {
      await redis.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
