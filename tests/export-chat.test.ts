/**
 * `exporteer …` in chat (issue 13): the export runs on the export queue of `archiefbot serve` and the
 * answer follows in the thread with the file's location, size and SHA-256; a Woo export without
 * redaction is refused to anyone but an admin; the words of the command select as the CLI's options do.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Bot } from '../src/chat/bot.ts';
import { parseExport } from '../src/chat/commands/export.ts';
import { Roles } from '../src/chat/roles.ts';
import { Archive } from '../src/store/archive.ts';
import { startShellDriver } from './drivers/shell.ts';
import { sha256 } from './helpers/archive.ts';
import { testEnv } from './helpers/cli.ts';
import { type ChatDriver, type Harness, startHarness } from './helpers/harness.ts';

describe('the words of export', () => {
  it('take a post or account first, a format, options, and the rest as search words', () => {
    expect(parseExport('https://social.example/@rvo/1 bagit')).toEqual({
      spec: { ref: 'https://social.example/@rvo/1' },
      format: 'bagit',
      noRedact: false,
    });
    expect(parseExport('@rvo woo sinds:2025-01-01 tot:2025-03-31 ongelakt')).toEqual({
      spec: { ref: '@rvo', since: '2025-01-01', until: '2025-03-31' },
      format: 'woo',
      noRedact: true,
    });
    expect(parseExport('subsidie energie platform:mastodon')).toEqual({
      spec: { query: 'subsidie energie', platform: 'mastodon' },
      format: 'wacz',
      noRedact: false,
    });
  });
});

describe('exporteer in the terminal chat', () => {
  let h: Harness;
  let driver: ChatDriver;
  beforeAll(async () => {
    h = await startHarness({});
    driver = await startShellDriver(h);
    await driver.say(`archiveer ${h.post.url}`, { user: 'admin', until: /Woo-jaarrapportage/ });
  }, 60_000);
  afterAll(async () => {
    await driver?.close();
    await h?.close();
  });

  it('queues the export and answers with the file, its size and SHA-256', async () => {
    const [answer] = await driver.say(`exporteer ${h.post.url} woo`, {
      user: 'admin',
      until: /SHA-256 [0-9a-f]{64}/,
    });
    expect(answer).toContain('wachtrij');
    const file = /klaar: (\S+\.zip)/.exec(answer!)![1]!;
    const hash = /SHA-256 ([0-9a-f]{64})/.exec(answer!)![1]!;
    expect(sha256(readFileSync(file))).toBe(hash);
    expect(answer).toMatch(/1 bericht · 1 versie/);
  }, 30_000);

  it('places, lists and releases a hold', async () => {
    const [added] = await driver.say(`hold plaats ${h.post.url} reden: Woo-verzoek 2026-3`, {
      user: 'admin',
    });
    expect(added).toMatch(/Hold 1 geldt nu voor post \d+: 1 bericht/);
    const [list] = await driver.say('hold lijst', { user: 'admin' });
    expect(list).toContain('Woo-verzoek 2026-3');
    const [released] = await driver.say('hold opheffen 1', { user: 'admin' });
    expect(released).toContain('Hold 1 is opgeheven');
    expect((await driver.say('hold lijst', { user: 'admin' }))[0]).toContain('Er gelden geen holds');
  });

  it('answers a selection that names nothing with the reason', async () => {
    const [answer] = await driver.say('exporteer 99999 bagit', { user: 'admin', until: /mislukt/ });
    expect(answer).toContain('Het archief heeft geen bericht of account "99999"');
  }, 30_000);
});

describe('roles', () => {
  it('refuses a viewer, and an unredacted Woo export to an archivist', async () => {
    const roles = new Roles({
      defaultRole: 'viewer',
      users: [{ platform: 'slack', user: 'U_ARCH', roles: ['archivist'] }],
    });
    const queued: unknown[] = [];
    const env = testEnv();
    const archive = await Archive.open(env.dataDir, { rotateBytes: 1e9, operator: '' });
    const bot = new Bot({
      archive,
      // biome-ignore lint/suspicious/noExplicitAny: not used by export
      captures: {} as any,
      roles,
      checkUrl: () => {},
      lookupKeys: () => [],
      exports: {
        enqueue: async (job) => {
          queued.push(job);
          return { jobId: '1' };
        },
      },
    });
    const cmd = (text: string, user: string) => ({
      platform: 'slack' as const,
      user,
      channel: 'C1',
      text,
      replyTo: { platform: 'slack' as const, channel: 'C1' },
    });
    expect((await bot.handle(cmd('exporteer @rvo', 'U_VIEW'))).text).toMatch(/archivist/);
    expect((await bot.handle(cmd('exporteer @rvo woo ongelakt', 'U_ARCH'))).text).toMatch(
      /alleen voor beheerders/,
    );
    expect(queued).toEqual([]);
    expect((await bot.handle(cmd('exporteer @rvo woo', 'U_ARCH'))).text).toMatch(/wachtrij/);
    expect(queued).toHaveLength(1);
    expect((await bot.handle(cmd('hold opheffen 1', 'U_ARCH'))).text).toMatch(/admin/);
    await archive.close();
    env.cleanup();
  });
});
