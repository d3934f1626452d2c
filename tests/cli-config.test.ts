/**
 * The bundled CLI's configuration without zod and YAML (src/cli/config-fast.ts): from the defaults
 * validated at build time it must give exactly what loadConfig gives, and step aside whenever only
 * loadConfig can tell (a value to check, a file of overrides, an edited default.yaml).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { configFromSnapshot } from '../src/cli/config-fast.ts';
import { configSnapshot } from '../src/cli/config-snapshot.ts';
import { loadConfig } from '../src/config.ts';

const snapshot = configSnapshot()!;

describe('the configuration from the build-time snapshot', () => {
  it('is loadConfig for the defaults and for every variable that takes text as it is', () => {
    expect(snapshot).not.toBeNull();
    const envs: NodeJS.ProcessEnv[] = [
      {},
      { ARCHIEFBOT_DATA_DIR: 'elders/archief' },
      { ARCHIEFBOT_DATA_DIR: '/srv/archief', ARCHIEFBOT_CONFIG: '' },
      { ARCHIEFBOT_DATA_DIR: '', ARCHIEFBOT_LOG_LEVEL: 'silent', ARCHIEFBOT_LANGUAGE: 'nl' },
      {
        ARCHIEFBOT_WARC_OPERATOR: 'Nationaal Archief',
        YOUTUBE_API_KEY: 'k',
        X_BEARER_TOKEN: 't',
        REDIS_URL: 'redis://127.0.0.1:6390',
        ARCHIEFBOT_CHROMIUM: '/opt/chromium',
        ARCHIEFBOT_KB_COMMUNITY_SLACK: 'C123',
        ARCHIEFBOT_KB_COMMUNITY_TEAMS: ' ',
        ARCHIEFBOT_KB_COMMUNITY_MATTERMOST: 'kanaal',
      },
    ];
    for (const env of envs)
      expect(configFromSnapshot(snapshot, env), JSON.stringify(env)).toStrictEqual(loadConfig(env));
  });

  it('leaves values that need checking or converting to loadConfig', () => {
    for (const env of [
      { ARCHIEFBOT_HTTP_TIMEOUT_MS: '5000' },
      { ARCHIEFBOT_ALLOW_PRIVATE_NETWORKS: 'true' },
      { ARCHIEFBOT_BSKY_APPVIEW_URL: 'http://127.0.0.1:1' },
      { ARCHIEFBOT_LINKEDIN_VERSION: '202510' },
      { MASTODON_TOKENS: 'social.example=abc' },
      { ARCHIEFBOT_DATA_DIR: 'x', ARCHIEFBOT_YOUTUBE_DAILY_QUOTA: '0' },
    ])
      expect(configFromSnapshot(snapshot, env), JSON.stringify(env)).toBeUndefined();
    expect(snapshot.env.ARCHIEFBOT_DATA_DIR).toEqual({ key: 'dataDir', verbatim: true });
  });

  it('leaves a file of overrides and an edited default.yaml to loadConfig', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'archiefbot-config-'));
    try {
      const file = path.join(dir, 'over.yaml');
      writeFileSync(file, 'warc:\n  operator: elders\n');
      expect(configFromSnapshot(snapshot, { ARCHIEFBOT_CONFIG: file })).toBeUndefined();
      expect(
        configFromSnapshot({ ...snapshot, source: `${snapshot.source}\n# edited\n` }, {}),
      ).toBeUndefined();
      expect(configFromSnapshot(null, {})).toBeUndefined();
      expect(configSnapshot(file)).toBeNull(); // not a whole configuration: no snapshot, loadConfig decides
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gives each call its own copy', () => {
    const a = configFromSnapshot(snapshot, {})!;
    a.http.allowHosts.push('x:1');
    expect(configFromSnapshot(snapshot, {})!.http.allowHosts).toEqual([]);
  });
});
