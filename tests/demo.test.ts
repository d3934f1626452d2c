import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { demoConfig } from '../src/demo/config.ts';
import { demoCommand } from '../src/demo/interactive.ts';
import { DELETED, EDITED, runDemoOnce } from '../src/demo/once.ts';
import { type DemoPlatforms, startDemoPlatforms } from '../src/demo/platforms.ts';

describe('the demo', () => {
  let platforms: DemoPlatforms;
  beforeAll(async () => {
    platforms = await startDemoPlatforms();
  });
  afterAll(() => platforms.close());

  it('runs the whole story unattended: backfill, capture, an edit and a deletion alerted, verify', async () => {
    const config = demoConfig(loadConfig({}), platforms);
    try {
      const lines: string[] = [];
      const s = await runDemoOnce(config, platforms, { say: (l) => lines.push(l) });
      expect(s.platforms).toEqual(['mastodon', 'bluesky']);
      expect(s.captured).toBeGreaterThanOrEqual(platforms.data.posts.length);
      expect(s.versions).toBeGreaterThan(s.captured - 3); // the history of the edited post adds versions
      expect(s.alerts.map((a) => a.kind).sort()).toEqual(['deleted', 'edited']);
      expect(s.verify).toMatchObject({ ok: true, problems: [] });
      expect(lines.join('\n')).toMatch(/alert: post #\d+ edited/);
    } finally {
      rmSync(config.dataDir, { recursive: true, force: true });
    }
  });

  it('allows private addresses for its own platforms only', () => {
    const config = demoConfig(loadConfig({}), platforms);
    rmSync(config.dataDir, { recursive: true, force: true });
    expect(config.http.allowPrivateNetworks).toBe(false);
    expect(config.http.allowHosts).toEqual(platforms.hosts);
    expect(platforms.hosts.every((h) => h.startsWith('127.0.0.1:'))).toBe(true);
  });

  it('lets the newcomer make a platform change a post', () => {
    expect(demoCommand(platforms, 'demo list')).toContain('1. [mastodon]');
    expect(demoCommand(platforms, 'demo delete 99')).toMatch(/no demo post 99/);
    expect(EDITED).not.toBe(DELETED);
  });
});
