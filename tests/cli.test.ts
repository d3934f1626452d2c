import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeMastodon } from './fakes/mastodon.ts';
import { cli, testEnv } from './helpers/cli.ts';

const run = promisify(execFile);
const BIN = path.resolve('bin/archiefbot.js');

async function bin(env: NodeJS.ProcessEnv, ...args: string[]) {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], {
      env: { ...process.env, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

let m: FakeMastodon;
beforeAll(async () => {
  m = await FakeMastodon.start();
  m.addAccount({ username: 'minjenv' });
});
afterAll(() => m.close());

describe('the archiefbot command', () => {
  it('runs from bin/ with help for every command', async () => {
    const top = await bin({}, '--help');
    expect(top.code).toBe(0);
    for (const c of ['capture', 'show', 'search', 'verify', 'worker']) expect(top.stdout).toContain(c);
    const sub = await bin({}, 'search', '--help');
    expect(sub.code).toBe(0);
    expect(sub.stdout).toContain('--since <date>');
  });

  it('captures through the real binary and prints one JSON document', async () => {
    const { env, cleanup } = testEnv();
    const post = m.addStatus({ username: 'minjenv', content: '<p>Via het echte commando</p>' });
    const r = await bin(env, 'capture', post.url, '--json');
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.post.text).toBe('Via het echte commando');
    const show = await bin(env, 'show', String(doc.post.id));
    expect(show.code).toBe(0);
    expect(show.stdout).toContain('Via het echte commando');
    expect(show.stdout).toContain(doc.sha256);
    cleanup();
  });

  it('answers bad usage with exit 2 and a hint, and a missing post with exit 1', async () => {
    const { env, cleanup } = testEnv();
    const unknown = await cli(env, 'captur', 'x');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command 'captur'/);
    expect(unknown.stderr).toMatch(/Did you mean capture\?/);
    const noArg = await cli(env, 'capture');
    expect(noArg.code).toBe(2);
    expect(noArg.stderr).toMatch(/missing required argument 'url'/);
    const badDate = await cli(env, 'search', 'woo', '--since', 'gisteren');
    expect(badDate.code).toBe(2);
    expect(badDate.stderr).toMatch(/--since must be a date/);
    const badLimit = await cli(env, 'search', 'woo', '--limit', '0');
    expect(badLimit.code).toBe(2);
    const missing = await cli(env, 'show', '999', '--json');
    expect(missing.code).toBe(1);
    expect(missing.json.error.code).toBe('not-in-archive');
    expect(missing.stderr).toMatch(/Capture it first/);
    const notUrl = await cli(env, 'capture', 'hallo wereld');
    expect(notUrl.code).toBe(1);
    expect(notUrl.stderr).toMatch(/not a URL/);
    cleanup();
  });

  it('searches with filters: platform, author and dates', async () => {
    const { env, cleanup } = testEnv();
    m.addAccount({ username: 'ander' });
    const a = m.addStatus({
      username: 'minjenv',
      content: '<p>Stikstof en natuur</p>',
      createdAt: '2025-02-01T10:00:00Z',
    });
    const b = m.addStatus({
      username: 'ander',
      content: '<p>Stikstof in de polder</p>',
      createdAt: '2025-03-01T10:00:00Z',
    });
    await cli(env, 'capture', a.url);
    await cli(env, 'capture', b.url);
    const all = await cli(env, 'search', 'stikstof', '--json');
    expect(all.json.hits).toHaveLength(2);
    const byAuthor = await cli(env, 'search', 'stikstof', '--author', `@ander@${m.host}`, '--json');
    expect(byAuthor.json.hits.map((h: { url: string }) => h.url)).toEqual([b.url]);
    const since = await cli(env, 'search', 'stikstof', '--since', '2025-02-15', '--json');
    expect(since.json.hits.map((h: { url: string }) => h.url)).toEqual([b.url]);
    const until = await cli(env, 'search', 'stikstof', '--until', '2025-02-01', '--json');
    expect(until.json.hits.map((h: { url: string }) => h.url)).toEqual([a.url]);
    const none = await cli(env, 'search', 'stikstof', '--platform', 'bluesky', '--json');
    expect(none.json.hits).toEqual([]);
    const text = await cli(env, 'search', 'polder');
    expect(text.stdout).toContain('«polder»');
    cleanup();
  });
});
