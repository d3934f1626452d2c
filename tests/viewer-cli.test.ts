/**
 * The viewer's CLI: `archiefbot login-link` (text and --json, refusals in the user's language) and
 * `archiefbot viewer` as a real process (bin/archiefbot.js), answering on the port it names and
 * stopping on SIGTERM.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, testEnv } from './helpers/cli.ts';

let t: ReturnType<typeof testEnv>;

beforeAll(() => {
  t = testEnv();
  const roles = path.join(t.dataDir, 'roles.yaml');
  writeFileSync(
    roles,
    'defaultRole: none\nusers:\n  - { platform: teams, user: "29:anna", roles: [viewer] }\n',
  );
  t.env.ARCHIEFBOT_ROLES = roles;
  t.env.ARCHIEFBOT_VIEWER_URL = 'https://archief.example.nl/archive/';
});
afterAll(() => t.cleanup());

describe('archiefbot login-link', () => {
  it('prints a link at the viewer address, for 15 minutes, as text or JSON', async () => {
    const text = await cli(t.env, 'login-link', '--user', 'teams:29:anna', '--post', '#12');
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(
      /^Sign-in link for teams:29:anna \(valid until \d{4}-.+Z\):\nhttps:\/\/archief\.example\.nl\/archive\/login\?token=\S+\n$/,
    );
    const json = await cli(t.env, 'login-link', '--user', 'teams:29:anna', '--json');
    const { url, expires } = json.json as { url: string; expires: string };
    expect(url).toMatch(/^https:\/\/archief\.example\.nl\/archive\/login\?token=/);
    const minutes = (Date.parse(expires) - Date.now()) / 60_000;
    expect(minutes).toBeGreaterThan(14);
    expect(minutes).toBeLessThanOrEqual(15);
  });

  it('refuses a user without a role and a user that is not platform:id, in Dutch when asked', async () => {
    const none = await cli({ ...t.env, ARCHIEFBOT_LANGUAGE: 'nl' }, 'login-link', '--user', 'slack:U999');
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/slack:U999 heeft geen rol in roles\.yaml/);
    const bad = await cli(t.env, 'login-link', '--user', 'anna');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--user must be platform:user id/);
  });
});

describe('archiefbot viewer', () => {
  it('runs the viewer alone on the port it names, and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, [path.resolve('bin/archiefbot.js'), 'viewer', '--port', '0'], {
      env: { ...t.env, ARCHIEFBOT_FROM_SOURCE: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let err = '';
      const url = await new Promise<string>((resolve, reject) => {
        child.stderr.on('data', (d: Buffer) => {
          err += d.toString();
          const m = /running at (http:\/\/\S+\/archive)/.exec(err);
          if (m) resolve(m[1]!);
        });
        child.once('exit', (code) => reject(new Error(`viewer exited ${code}: ${err}`)));
      });
      const r = await fetch(`${url}/`);
      expect(r.status).toBe(401);
      expect(await r.text()).toContain('archiefbot login-link');
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 60_000);
});
