import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Config } from '../config.ts';
import type { DemoPlatforms } from './platforms.ts';

/**
 * The configuration the demo runs with: a fresh archive of its own (unless one is named), the demo's
 * Bluesky AppView, and the private-network allowance for the demo's own loopback servers only.
 * Re-checks every few seconds, so an edit or a deletion is seen while the newcomer watches.
 */
export function demoConfig(base: Config, platforms: DemoPlatforms, dataDir?: string): Config {
  return {
    ...base,
    dataDir: dataDir ?? mkdtempSync(path.join(tmpdir(), 'archiefbot-demo-')),
    http: { ...base.http, allowPrivateNetworks: false, allowHosts: platforms.hosts, retries: 1 },
    bluesky: { ...base.bluesky, appviewUrl: platforms.bluesky.url, plcUrl: platforms.bluesky.url },
    monitor: {
      ...base.monitor,
      pollIntervalSeconds: 10,
      tickSeconds: 2,
      recheckSchedule: [{ everySeconds: 5 }],
      errorRetrySeconds: 5,
    },
  };
}
