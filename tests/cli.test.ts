import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS, loadCommands } from '../src/cli/commands/index.ts';
import { createContext } from '../src/cli/context.ts';
import { buildProgram } from '../src/cli.ts';
import { FakeMastodon } from './fakes/mastodon.ts';
import { cli, testEnv } from './helpers/cli.ts';
import { startRedis } from './helpers/redis.ts';

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

  it('lists every command of the registry in --help, in its order, each with its own --help', async () => {
    const top = await bin({}, '--help');
    expect(top.code).toBe(0);
    const section = top.stdout.split(/^Commands:$/m)[1]?.split(/^\S/m)[0] ?? '';
    const listed = [...section.matchAll(/^ {2}(\S+)/gm)].map((x) => x[1]);
    expect(listed).toEqual([...COMMANDS.map((c) => c.name), 'help']);
    for (const name of ['export', 'status', 'kb', 'hold']) {
      const r = await bin({}, name, '--help');
      expect(r.code, name).toBe(0);
      expect(r.stdout, name).toContain(`Usage: archiefbot ${name}`);
    }
    expect((await bin({}, 'export', '--help')).stdout).toMatch(/--format <format>.*"wacz", "bagit", "woo"/s);
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
    const notUrl = await cli(env, 'capture', 'hallo wereld', '--json');
    expect(notUrl.code).toBe(1);
    expect(notUrl.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^capture failed: .*"hallo wereld"/),
    ]);
    expect(notUrl.json.error).toMatchObject({ code: 'unsupported-url', message: expect.any(String) });
    const notUrlNl = await cli({ ...env, ARCHIEFBOT_LANGUAGE: 'nl' }, 'capture', 'hallo wereld');
    expect(notUrlNl.code).toBe(1);
    expect(notUrlNl.stderr).toMatch(/^archiveren mislukt: .*"hallo wereld"/);
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

  it('shows every version of a post with its word diff: history --json', async () => {
    const { env, cleanup } = testEnv();
    const post = m.addStatus({ username: 'minjenv', content: '<p>De termijn is vier weken.</p>' });
    const first = await cli(env, 'capture', post.url, '--json');
    expect(first.code, first.stderr).toBe(0);
    m.editStatus(post.id, { content: '<p>De termijn is zes weken.</p>' });
    expect((await cli(env, 'capture', post.url)).code).toBe(0);
    const h = await cli(env, 'history', `#${first.json.post.id}`, '--json');
    expect(h.code, h.stderr).toBe(0);
    expect(Object.keys(h.json).sort()).toEqual(['post', 'versions']);
    expect(h.json.post).toMatchObject({ id: first.json.post.id, url: post.url });
    expect(h.json.versions.map((v: { number: number }) => v.number)).toEqual([1, 2]);
    const [v1, v2] = h.json.versions;
    expect(v1).toMatchObject({ sha256: first.json.sha256, diff: 'De termijn is vier weken.' });
    expect(v2.diff).toBe('De termijn is [-vier-]{+zes+} weken.');
    expect(v2.changed).toContain('text');
    for (const key of ['capturedAt', 'validFrom', 'sha256', 'changed', 'diff'])
      expect(Object.keys(v2)).toContain(key);
    const text = await cli(env, 'history', post.url);
    expect(text.stdout).toContain('[-vier-]{+zes+}');
    const missing = await cli(env, 'history', '999', '--json');
    expect(missing.code).toBe(1);
    expect(missing.json.error.code).toBe('not-in-archive');
    cleanup();
  });

  it('refuses a platform whose credentials are not set with one line naming the variable, exit 2', async () => {
    // No browser either (a missing Chromium), so nothing can stand in for the API.
    const { env, cleanup } = testEnv({ ARCHIEFBOT_CHROMIUM: '/nonexistent/chromium' });
    const r = await cli(env, 'capture', 'https://www.youtube.com/watch?v=dQw4w9WgXcQ');
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('YOUTUBE_API_KEY');
    const nl = await cli(
      { ...env, ARCHIEFBOT_LANGUAGE: 'nl' },
      'capture',
      'https://x.com/minbzk/status/1877000000000000000',
      '--json',
    );
    expect(nl.code).toBe(2);
    expect(nl.json.error.code).toBe('not-configured');
    expect(nl.stderr).toContain('X_BEARER_TOKEN');
    cleanup();
  });

  it('reports the archive, failures per capture and no queue without Redis: status --json', async () => {
    const { env, cleanup } = testEnv();
    const post = m.addStatus({ username: 'minjenv', content: '<p>Status van het archief</p>' });
    expect((await cli(env, 'capture', post.url)).code).toBe(0);
    const lost = `${m.url}/nergens-${Date.now()}`;
    const gone = `${m.url}/weg-${Date.now()}`;
    expect((await cli(env, 'capture', lost)).code).toBe(1);
    expect((await cli(env, 'capture', gone)).code).toBe(1);
    const s = await cli(env, 'status', '--json');
    expect(s.code, s.stderr).toBe(0);
    expect(Object.keys(s.json).sort()).toEqual([
      'failed24h',
      'instances',
      'platforms',
      'posts',
      'queue',
      'recent',
      'versions',
    ]);
    expect(s.json).toMatchObject({ posts: 1, versions: 1, failed24h: 2, queue: null });
    // Every platform with its readiness: Mastodon needs nothing; YouTube's key is not set here.
    const platforms = new Map(s.json.platforms.map((p: { platform: string }) => [p.platform, p]));
    expect(platforms.get('mastodon')).toMatchObject({ state: 'ready' });
    expect(platforms.get('youtube')).toMatchObject({ state: 'not-configured', variable: 'YOUTUBE_API_KEY' });
    expect(s.json.recent[0]).toMatchObject({ url: gone, status: 'failed', attempts: 1 });
    expect(s.json.recent.map((c: { url: string }) => c.url)).toContain(post.url);
    const text = await cli(env, 'status');
    expect(text.stdout).toContain('Failed (24 h): 2 captures');
    expect(text.stdout).toContain('Queue: not configured (REDIS_URL is not set)');
    const started = Date.now();
    const down = await cli({ ...env, REDIS_URL: 'redis://127.0.0.1:1' }, 'status');
    expect(down.code, down.stderr).toBe(0);
    expect(down.stdout).toContain('Queue: not reachable at redis://127.0.0.1:1');
    expect(Date.now() - started).toBeLessThan(3_000);
    const redis = await startRedis();
    try {
      const up = await cli({ ...env, REDIS_URL: redis.url }, 'status', '--json');
      expect(up.json.queue).toMatchObject({ waiting: 0, active: 0, delayed: 0, failed: 0 });
    } finally {
      await redis.stop();
    }
    cleanup();
  });

  it('says a bad --since in Dutch with ARCHIEFBOT_LANGUAGE=nl, in English otherwise', async () => {
    const { env, cleanup } = testEnv();
    const en = await cli(env, 'alerts', '--since', 'gisteren');
    expect(en.code).toBe(2);
    expect(en.stderr.trim()).toBe(
      '--since must be a date like 2025-03-01 (or 2025-03-01T09:00:00Z), not "gisteren".',
    );
    const nl = await cli({ ...env, ARCHIEFBOT_LANGUAGE: 'nl' }, 'search', 'woo', '--since', 'gisteren');
    expect(nl.code).toBe(2);
    expect(nl.stderr.trim()).toBe(
      '--since moet een datum zijn zoals 2025-03-01 (of 2025-03-01T09:00:00Z), niet "gisteren".',
    );
    const lang = await cli({ ...env, LANG: 'nl_NL.UTF-8' }, 'search', 'woo', '--until', 'morgen');
    expect(lang.stderr).toMatch(/^--until moet een datum zijn/);
    const json = await cli({ ...env, ARCHIEFBOT_LANGUAGE: 'nl' }, 'alerts', '--since', 'gisteren', '--json');
    expect(json.json.error.code).toBe('usage');
    const help = await cli(env, '--help');
    expect(help.stdout).toContain('ARCHIEFBOT_LANGUAGE=nl');
    cleanup();
  });

  it('loads only the module of the command it runs, and every module for help', async () => {
    expect(await loadCommands(['node', 'archiefbot', 'search', 'x', '--json'])).toHaveLength(1);
    expect(await loadCommands(['node', 'archiefbot', '--help'])).toHaveLength(COMMANDS.length);
    expect(await loadCommands(['node', 'archiefbot', 'serch'])).toHaveLength(COMMANDS.length);
    expect(await loadCommands(['node', 'archiefbot', '--version'])).toHaveLength(0);
  });

  it('has --help for every command in the registry', async () => {
    const { env, cleanup } = testEnv();
    const names: string[] = [];
    for (const entry of COMMANDS) {
      const command = await entry.load();
      const program = new Command('archiefbot');
      command.register(program, createContext({ out: () => {}, err: () => {} }, env));
      for (const c of program.commands) {
        names.push(c.name());
        for (const sub of c.commands) names.push(`${c.name()} ${sub.name()}`);
      }
    }
    expect(names).toEqual(
      expect.arrayContaining(['capture', 'history', 'status', 'worker', 'ask', 'kb approve']),
    );
    expect((await buildProgram()).commands.map((c) => c.name())).toEqual(
      names.filter((n) => !n.includes(' ')),
    );
    for (const name of names) {
      const r = await cli(env, ...name.split(' '), '--help');
      expect(r.code, name).toBe(0);
      expect(r.stdout, name).toContain(`Usage: archiefbot ${name}`);
      expect(r.stdout.split('\n').length, name).toBeGreaterThan(3);
    }
    cleanup();
  });
});
