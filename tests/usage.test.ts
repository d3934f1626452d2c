import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Bot } from '../src/chat/bot.ts';
import type { ChatCommand } from '../src/chat/chat.ts';
import { Roles } from '../src/chat/roles.ts';
import { loadConfig } from '../src/config.ts';
import { PLATFORMS } from '../src/domain/types.ts';
import { Archive } from '../src/store/archive.ts';
import { firstReadsToday, recordUsage, usageFor, usageLedger } from '../src/store/usage.ts';
import { platformStatus } from '../src/usecases/status.ts';
import { testEnv } from './helpers/cli.ts';

let t: ReturnType<typeof testEnv>;
let archive: Archive;

beforeAll(async () => {
  t = testEnv();
  const config = loadConfig(t.env);
  archive = await Archive.open(config.dataDir, config.warc);
});
afterAll(async () => {
  await archive.close();
  t.cleanup();
});

describe('the API usage ledger (migration 12)', () => {
  it('adds up units, cost and calls per platform and period, apart per period', async () => {
    const db = archive.db;
    const day = { kind: 'day', key: '2026-11-25' } as const;
    await recordUsage(db, { platform: 'youtube', period: day, units: 1 });
    await recordUsage(db, { platform: 'youtube', period: day, units: 100 });
    await recordUsage(db, { platform: 'youtube', period: { kind: 'day', key: '2026-11-26' }, units: 7 });
    await recordUsage(db, {
      platform: 'x',
      period: { kind: 'month', key: '2026-11' },
      units: 3,
      cost: 0.035,
    });
    expect(await usageFor(db, 'youtube', day)).toEqual({ units: 101, cost: 0, calls: 2 });
    expect(await usageFor(db, 'youtube', { kind: 'day', key: '2026-11-26' })).toMatchObject({ units: 7 });
    expect(await usageFor(db, 'x', { kind: 'month', key: '2026-11' })).toEqual({
      units: 3,
      cost: 0.035,
      calls: 1,
    });
    expect(await usageFor(db, 'x', { kind: 'month', key: '2026-12' })).toEqual({
      units: 0,
      cost: 0,
      calls: 0,
    });
  });

  it('bills a resource once per UTC day and forgets earlier days', async () => {
    const db = archive.db;
    expect(await firstReadsToday(db, 'x', '2026-11-25', ['post:1', 'post:2', 'post:1'])).toEqual([
      'post:1',
      'post:2',
    ]);
    expect(await firstReadsToday(db, 'x', '2026-11-25', ['post:2', 'post:3'])).toEqual(['post:3']);
    expect(await firstReadsToday(db, 'x', '2026-11-26', ['post:1'])).toEqual(['post:1']);
    expect(await db.all("SELECT day FROM api_read WHERE platform = 'x' GROUP BY day")).toEqual([
      { day: '2026-11-26' },
    ]);
  });

  it('counts in memory when there is no database', async () => {
    const ledger = usageLedger();
    const month = { kind: 'month', key: '2026-11' } as const;
    await ledger.record({ platform: 'x', period: month, units: 2, cost: 0.01 });
    await ledger.record({ platform: 'x', period: month, units: 1, cost: 0.005 });
    expect(await ledger.usage('x', month)).toEqual({ units: 3, cost: 0.015, calls: 2 });
    expect(await ledger.firstReadsToday('x', '2026-11-25', ['post:1'])).toEqual(['post:1']);
    expect(await ledger.firstReadsToday('x', '2026-11-25', ['post:1'])).toEqual([]);
  });
});

describe('platform readiness in status', () => {
  it('lists all nine platforms: ready, not configured with the variable, or the quota left', async () => {
    const config = loadConfig({ ...t.env, YOUTUBE_API_KEY: 'k', X_BEARER_TOKEN: '' });
    const list = await platformStatus(config, archive.db);
    expect(list.map((p) => p.platform)).toEqual([...PLATFORMS]);
    const by = new Map(list.map((p) => [p.platform, p]));
    expect(by.get('mastodon')).toEqual({ platform: 'mastodon', state: 'ready' });
    expect(by.get('web')).toEqual({ platform: 'web', state: 'ready' });
    expect(by.get('x')).toEqual({ platform: 'x', state: 'not-configured', variable: 'X_BEARER_TOKEN' });
    expect(by.get('youtube')).toMatchObject({
      state: 'ready',
      quota: {
        limit: 10000,
        unit: 'units',
        period: 'day',
        resets: expect.stringMatching(/T0[78]:00:00\.000Z$/),
      },
    });
  });

  it('shows them in the chat, in the channel language', async () => {
    const bot = new Bot({
      archive,
      roles: new Roles({ defaultRole: 'archivist', users: [] }),
      captures: { enqueue: async () => ({ jobId: '1', duplicate: false }), counts: async () => ({}) },
      checkUrl: () => {},
      lookupKeys: () => [],
      platforms: async () => [
        { platform: 'mastodon', state: 'ready' },
        { platform: 'x', state: 'not-configured', variable: 'X_BEARER_TOKEN' },
        {
          platform: 'youtube',
          state: 'ready',
          quota: {
            used: 120,
            limit: 10000,
            unit: 'units',
            period: 'day',
            resets: '2026-11-27T08:00:00.000Z',
          },
        },
      ],
    });
    const cmd = (text: string): ChatCommand => ({
      platform: 'slack',
      user: 'U1',
      channel: 'C1',
      text,
      replyTo: { platform: 'slack', channel: 'C1' },
    });
    const nl = (await bot.handle(cmd('status'))).text;
    expect(nl).toContain('x: niet ingesteld: zet X_BEARER_TOKEN');
    expect(nl).toContain(
      'youtube: klaar (120/10000 units vandaag gebruikt, weer aangevuld 2026-11-27 08:00 UTC)',
    );
    await bot.handle(cmd('language en'));
    const en = (await bot.handle(cmd('status'))).text;
    expect(en).toContain('x: not configured: set X_BEARER_TOKEN');
    expect(en).toContain('youtube: ready (120/10000 units used today, renewed 2026-11-27 08:00 UTC)');
  });
});
