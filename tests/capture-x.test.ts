import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseX } from '../src/capture/connectors/x/api.ts';
import { nextMonthStart, utcMonth, XConnector } from '../src/capture/connectors/x.ts';
import type { HttpSession } from '../src/capture/http.ts';
import { redactAuthorization, waitFromHeaders } from '../src/capture/http.ts';
import { loadConfig } from '../src/config.ts';
import { type FakeUser, FakeX } from './fakes/x.ts';
import { count, expectNothingWritten, query, readAllWarc } from './helpers/archive.ts';
import { cli, testEnv } from './helpers/cli.ts';

let x: FakeX;
let gov: FakeUser;
let burger: FakeUser;
const cleanups: (() => unknown)[] = [];

beforeAll(async () => {
  x = await FakeX.start();
  gov = x.addUser('MinBZK', 'Ministerie van BZK');
  burger = x.addUser('burger123', 'Een burger');
});
afterAll(() => x.close());
afterEach(async () => {
  for (const undo of cleanups.splice(0).reverse()) await undo();
});

function envFor(fake: FakeX, extra: Record<string, string> = {}) {
  const t = testEnv({
    ARCHIEFBOT_X_API_URL: fake.url,
    X_BEARER_TOKEN: fake.token, // No Chromium: a refused platform is not handed to the browser method here.
    ARCHIEFBOT_CHROMIUM: '/nonexistent/chromium',
    ...extra,
  });
  cleanups.push(t.cleanup);
  return t;
}

async function ownFake(opts: Parameters<typeof FakeX.start>[0] = {}) {
  const f = await FakeX.start(opts);
  cleanups.push(() => f.close());
  return f;
}

describe('X links and headers', () => {
  it('reads post, account and short-link forms', () => {
    const post = { kind: 'post', id: '1877000000000000000', username: 'minbzk' };
    for (const url of [
      'https://x.com/minbzk/status/1877000000000000000',
      'https://twitter.com/minbzk/status/1877000000000000000?s=20',
      'https://mobile.twitter.com/minbzk/status/1877000000000000000',
      'https://x.com/minbzk/status/1877000000000000000/photo/1',
    ])
      expect(parseX(new URL(url)), url).toEqual(post);
    expect(parseX(new URL('https://x.com/i/web/status/1877000000000000000'))).toEqual({
      ...post,
      username: null,
    });
    expect(parseX(new URL('https://x.com/minbzk'))).toEqual({ kind: 'account', username: 'minbzk' });
    expect(parseX(new URL('https://t.co/AbCdEf123'))).toEqual({
      kind: 'short',
      url: 'https://t.co/AbCdEf123',
    });
    expect(parseX(new URL('https://x.com/search?q=woo'))).toBe('other');
    expect(parseX(new URL('https://x.com/home'))).toBe('other');
    expect(parseX(new URL('https://example.org/minbzk/status/1'))).toBeNull();
  });

  it("waits on X's x-rate-limit-reset (unix seconds), and never writes a key into a request head", () => {
    const now = Date.parse('2026-11-26T10:00:00Z');
    const h = new Headers({ 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': String(now / 1000 + 90) });
    expect(waitFromHeaders(h, now)).toBe(90_000);
    const head =
      'GET /2/tweets HTTP/1.1\r\nauthorization: Bearer abc.def\r\nx-goog-api-key: AIzaSecret\r\n\r\n';
    expect(redactAuthorization(head)).toBe(
      'GET /2/tweets HTTP/1.1\r\nauthorization: Bearer [redacted]\r\nx-goog-api-key: [redacted]\r\n\r\n',
    );
  });

  it('follows a t.co link through the recording session to the post it leads to', async () => {
    const config = loadConfig({ ARCHIEFBOT_X_API_URL: x.url });
    const c = new XConnector(config);
    const session = (final: string) =>
      ({ get: async () => ({ url: final, status: 200 }) }) as unknown as HttpSession;
    expect(await c.resolveShortLink('https://t.co/Ab1', session('https://x.com/minbzk/status/1877'))).toEqual(
      {
        kind: 'post',
        id: '1877',
        username: 'minbzk',
      },
    );
    await expect(
      c.resolveShortLink('https://t.co/Ab2', session('https://www.rijksoverheid.nl/')),
    ).rejects.toThrow(/not to a post on X/);
  });

  it('counts the budget month in UTC and renews it on the 1st', () => {
    expect(utcMonth(Date.parse('2026-11-30T23:59:00Z'))).toEqual({ kind: 'month', key: '2026-11' });
    expect(nextMonthStart(Date.parse('2026-12-15T08:00:00Z'))).toBe('2027-01-01T00:00:00.000Z');
  });
});

describe('capture of a post on X', () => {
  it('keeps the post, its image, the replies by others (nested) and prices each read once a day', async () => {
    const p = x.addPost(gov, 'Het kabinet publiceert de Woo-jaarrapportage.', {
      media: [{ alt: 'Grafiek' }],
    });
    const r1 = x.addPost(burger, 'Waar staat de rapportage?', { replyTo: p.id });
    const r2 = x.addPost(gov, 'Op rijksoverheid.nl.', { replyTo: r1.id });
    const { env, dataDir } = envFor(x);

    const r = await cli(env, 'capture', p.url, '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.json).toMatchObject({
      post: { platform: 'x', author: 'MinBZK', text: 'Het kabinet publiceert de Woo-jaarrapportage.' },
      version: 1,
      replies: 2,
      media: 1,
    });
    const rows = await query<{ platform_id: string; kind: string; parent_platform_id: string | null }>(
      dataDir,
      'SELECT platform_id, kind, parent_platform_id FROM post ORDER BY id',
    );
    expect(rows).toEqual(
      expect.arrayContaining([
        { platform_id: `x:post:${p.id}`, kind: 'post', parent_platform_id: null },
        { platform_id: `x:post:${r1.id}`, kind: 'reply', parent_platform_id: `x:post:${p.id}` },
        { platform_id: `x:post:${r2.id}`, kind: 'reply', parent_platform_id: `x:post:${r1.id}` },
      ]),
    );
    const shown = await cli(env, 'show', p.url, '--json');
    expect(shown.json.media[0]).toMatchObject({ type: 'image', mime: 'image/png', description: 'Grafiek' });
    expect(shown.json.replies.map((x: { author: string }) => x.author)).toEqual(['burger123']);
    // The token is never in the WARC.
    expect((await readAllWarc(dataDir)).some((rec) => rec.block.includes(x.token))).toBe(false);

    // 3 posts read (0.005 USD each) and 2 users (0.010); the same reads again today cost nothing.
    const usage = await query<{ units: number; cost: number }>(
      dataDir,
      "SELECT units, cost FROM api_usage WHERE platform = 'x' AND period = 'month'",
    );
    expect(usage).toHaveLength(1);
    expect(usage[0]!.units).toBe(3);
    expect(usage[0]!.cost).toBeCloseTo(3 * 0.005 + 2 * 0.01, 6);
    expect((await cli(env, 'capture', p.url, '--json')).code).toBe(0);
    const again = await query<{ cost: number }>(
      dataDir,
      "SELECT cost FROM api_usage WHERE platform = 'x' AND period = 'month'",
    );
    expect(again[0]!.cost).toBeCloseTo(3 * 0.005 + 2 * 0.01, 6);

    expect((await cli(env, 'search', 'Woo-jaarrapportage', '--json')).json.hits).toHaveLength(1);
    expect((await cli(env, 'verify', '--json')).json).toMatchObject({ ok: true, problems: [] });
  });

  it("an edited post: edit_history_tweet_ids become versions, oldest first, whichever version's link is given", async () => {
    const p = x.addPost(gov, 'De subsidie opent op 1 maart.');
    const v2 = x.editPost(p.id, 'De subsidie opent op 1 april.');
    const v3 = x.editPost(p.id, 'De subsidie opent op 1 april (aanvragen via mijn.rvo.nl).');
    const { env } = envFor(x);

    const r = await cli(env, 'capture', `https://twitter.com/MinBZK/status/${v2}`, '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.json.post.text).toBe('De subsidie opent op 1 april (aanvragen via mijn.rvo.nl).');
    const shown = await cli(env, 'show', p.url, '--json');
    expect(shown.json.post.platformId).toBe(`x:post:${p.id}`);
    expect(shown.json.versions.map((v: { text: string }) => v.text)).toEqual([
      'De subsidie opent op 1 maart.',
      'De subsidie opent op 1 april.',
      'De subsidie opent op 1 april (aanvragen via mijn.rvo.nl).',
    ]);
    expect(shown.json.post.status).toBe('edited');
    const again = await cli(env, 'capture', `https://x.com/MinBZK/status/${v3}`, '--json');
    expect(again.json.post.id).toBe(r.json.post.id);
    expect(again.json.newVersion).toBe(false);
    const verify = await cli(env, 'verify', '--json');
    expect(verify.json).toMatchObject({ ok: true, problems: [] });
    // The three versions re-derived from the look-up they cite (its expansion holds the others).
    expect(verify.json.rederived).toBe(3);
  });

  it('asks for the older versions by id when X does not expand them, and verify re-derives them from that answer', async () => {
    const own = await ownFake();
    own.expandEditHistory = false;
    const u = own.addUser('minjenv', 'JenV');
    const p = own.addPost(u, 'Eerste versie.');
    own.editPost(p.id, 'Tweede versie.');
    const { env } = envFor(own);
    const r = await cli(env, 'capture', p.url, '--json');
    expect(r.code, r.stderr).toBe(0);
    const lookups = own.requests.filter((q) => q.path === '/2/tweets').map((q) => q.query.get('ids'));
    expect(lookups).toHaveLength(2);
    const shown = await cli(env, 'show', p.url, '--json');
    expect(shown.json.versions.map((v: { text: string }) => v.text)).toEqual([
      'Eerste versie.',
      'Tweede versie.',
    ]);
    const verify = await cli(env, 'verify', '--json');
    expect(verify.json).toMatchObject({ ok: true, problems: [], rederived: 2 });
  });

  it('a reply is captured with the posts it answers, up its thread, each with its own author', async () => {
    const root = x.addPost(gov, 'Vragen over de Omgevingswet?');
    const q = x.addPost(burger, 'Geldt dit ook voor dakkapellen?', { replyTo: root.id });
    const a = x.addPost(gov, 'Ja, kijk op het Omgevingsloket.', { replyTo: q.id });
    const { env } = envFor(x);
    const r = await cli(env, 'capture', a.url, '--json');
    expect(r.code, r.stderr).toBe(0);
    const parent = await cli(env, 'show', q.url, '--json');
    expect(parent.json.post).toMatchObject({
      kind: 'reply',
      author: 'burger123',
      parent: { platformId: `x:post:${root.id}` },
    });
    const top = await cli(env, 'show', root.url, '--json');
    expect(top.json.post).toMatchObject({ kind: 'post', author: 'MinBZK' });
  });

  it('replies older than the 7-day search window are not found (a listed miss), the post is', async () => {
    const old = new Date(Date.now() - 20 * 86_400_000).toISOString();
    const p = x.addPost(gov, 'Oud bericht over de Omgevingswet.', { createdAt: old });
    x.addPost(burger, 'Oude reactie.', { replyTo: p.id, createdAt: old });
    const { env, dataDir } = envFor(x);
    const r = await cli(env, 'capture', p.url, '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.json.replies).toBe(0);
    const method = (await readAllWarc(dataDir)).find(
      (rec) => rec.type === 'metadata' && rec.block.includes('older than 7 days'),
    );
    expect(method).toBeTruthy();
  });
});

describe('X refusals and errors', () => {
  it('without X_BEARER_TOKEN: refused naming the variable, no request made', async () => {
    const p = x.addPost(gov, 'Zonder token.');
    const { env, dataDir } = envFor(x, { X_BEARER_TOKEN: '' });
    const before = x.requests.length;
    const r = await cli(env, 'capture', p.url, '--json');
    expect(r.code).toBe(2);
    expect(r.json.error.code).toBe('not-configured');
    expect(r.stderr).toContain('X_BEARER_TOKEN');
    expect(x.requests.length).toBe(before);
    await expectNothingWritten(dataDir);
    const status = await cli(env, 'status', '--json');
    expect(status.json.platforms.find((q: { platform: string }) => q.platform === 'x')).toEqual({
      platform: 'x',
      state: 'not-configured',
      variable: 'X_BEARER_TOKEN',
    });
  });

  it('a token X refuses (401) says so, and is not a missing post', async () => {
    const p = x.addPost(gov, 'Verkeerd token.');
    const { env, dataDir } = envFor(x, { X_BEARER_TOKEN: 'wrong' });
    const r = await cli(env, 'capture', p.url, '--json');
    expect(r.json.error.code).toBe('not-configured');
    expect(r.stderr).toMatch(/X refuses the key in X_BEARER_TOKEN/);
    await expectNothingWritten(dataDir);
  });

  it('refuses once the monthly budget is spent, naming what was spent and when it renews', async () => {
    const own = await ownFake();
    const u = own.addUser('minfin', 'Financiën');
    const a = own.addPost(u, 'Voorjaarsnota.');
    const b = own.addPost(u, 'Miljoenennota.');
    const { env, dataDir } = envFor(own, { ARCHIEFBOT_X_MONTHLY_BUDGET: '0.02' });
    // The first capture reads a post and its author: 0.005 + 0.010 USD.
    const first = await cli(env, 'capture', a.url, '--json');
    expect(first.code, first.stderr).toBe(0);
    // The second reads another post (the author was billed today already): 0.020 spent, so the
    // replies are not asked for and the capture stops.
    const second = await cli(env, 'capture', b.url, '--json');
    expect(second.json.error.code).toBe('quota-exceeded');
    expect(own.requests.at(-1)!.path).toBe('/2/tweets');
    // From now on nothing is asked at all.
    const asked = own.requests.length;
    const r = await cli(env, 'capture', b.url, '--json');
    expect(r.code).toBe(1);
    expect(r.json.error.code).toBe('quota-exceeded');
    expect(r.stderr).toMatch(/budget for this month is spent \(0\.02 of 0\.02 USD spent\)/);
    expect(r.stderr).toContain(nextMonthStart().slice(0, 10));
    expect(own.requests.length).toBe(asked);
    expect(await count(dataDir, 'post')).toBe(1);
    const status = await cli(env, 'status', '--json');
    expect(status.json.platforms.find((q: { platform: string }) => q.platform === 'x')).toMatchObject({
      state: 'quota-exceeded',
      quota: { used: 0.02, limit: 0.02, unit: 'USD', period: 'month' },
    });
    const text = await cli(env, 'status');
    expect(text.stdout).toMatch(/x: quota spent — \$0\.02\/\$0\.02 used this month/);
  });

  it("re-checks spend at most a daily share of the month's budget; captures keep the rest", async () => {
    const own = await ownFake();
    const u = own.addUser('minocw', 'OCW');
    const a = own.addPost(u, 'Schooladvies.');
    // 0.30 USD a month: re-checks may spend 80% of it spread over the month's days (under 0.01 a day).
    const { env } = envFor(own, { ARCHIEFBOT_X_MONTHLY_BUDGET: '0.3' });
    expect((await cli(env, 'capture', a.url, '--json')).code).toBe(0);
    const asked = own.requests.length;
    const r = await cli(env, 'recheck', '--all', '--json');
    expect(r.json.outcomes).toMatchObject([
      { outcome: 'error', detail: expect.stringMatching(/today's share/) },
    ]);
    expect(own.requests.length).toBe(asked);
    const b = own.addPost(u, 'Lerarentekort.');
    expect((await cli(env, 'capture', b.url, '--json')).code).toBe(0);
  });

  it('waits out x-rate-limit-reset when the window is spent, and completes', async () => {
    const own = await ownFake({ rateLimit: { limit: 1, windowMs: 1000 } });
    const u = own.addUser('minezk', 'EZK');
    const p = own.addPost(u, 'Energietoeslag.');
    own.addPost(u, 'Reactie 1', { replyTo: p.id });
    const { env } = envFor(own);
    const r = await cli(env, 'capture', p.url, '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.json.replies).toBe(1);
    expect(own.requests.filter((q) => q.path.startsWith('/2/'))).toHaveLength(2);
  });
});

describe('watching an account on X', () => {
  it('backfills the timeline (resumable), then re-checks find edits, deletions, protected and suspended authors', async () => {
    const own = await ownFake();
    const u = own.addUser('minvws', 'Ministerie van VWS');
    const posts = Array.from({ length: 150 }, (_, i) =>
      own.addPost(u, i === 42 ? 'Start van de griepprik-campagne.' : `Bericht ${i}.`),
    );
    const { env, dataDir } = envFor(own, { ARCHIEFBOT_HTTP_RETRIES: '0' });
    let pages = 0;
    own.failNext(
      Object.assign(/tweets$/, {
        test: (p: string) => /^\/2\/users\/\d+\/tweets$/.test(p) && ++pages === 2,
      }) as RegExp,
      { status: 503, body: '{"title":"Service Unavailable","status":503}' },
    );
    const broken = await cli(env, 'capture', 'https://x.com/minvws', '--json');
    expect(broken.code).toBe(1);
    expect(await count(dataDir, 'post')).toBe(100);
    const resumed = await cli(env, 'capture', 'https://x.com/minvws', '--json');
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.json).toMatchObject({ posts: 150, resumed: true, complete: true });
    expect((await cli(env, 'search', 'griepprik', '--json')).json.hits[0].url).toBe(posts[42]!.url);

    expect((await cli(env, 'watch', 'https://x.com/minvws', '--json')).code).toBe(0);
    const first = await cli(env, 'recheck', '--all', '--json');
    expect(first.json.checked).toBe(150);
    expect(new Set(first.json.outcomes.map((o: { outcome: string }) => o.outcome))).toEqual(
      new Set(['unchanged']),
    );

    own.editPost(posts[1]!.id, 'Bericht 1 (gecorrigeerd).');
    own.deletePost(posts[2]!.id);
    own.failNext(/^\/2\/tweets$/, { status: 503, body: '' }, 2);
    const failed = await cli(env, 'recheck', '--all', '--json');
    expect(failed.json.outcomes.filter((o: { outcome: string }) => o.outcome === 'deleted')).toEqual([]);
    expect(failed.json.outcomes.some((o: { outcome: string }) => o.outcome === 'error')).toBe(true);

    const second = await cli(env, 'recheck', '--all', '--json');
    const byUrl = new Map(
      second.json.outcomes.map((o: { url: string; outcome: string }) => [o.url, o.outcome]),
    );
    expect(byUrl.get(posts[1]!.url)).toBe('edited');
    expect(byUrl.get(posts[2]!.url)).toBe('deleted');
    expect(byUrl.get(posts[3]!.url)).toBe('unchanged');
    const alerts = (await cli(env, 'alerts', '--json')).json.alerts;
    expect(alerts.find((a: { kind: string }) => a.kind === 'edited').detail.diff).toContain('gecorrigeerd');
    expect(alerts.find((a: { kind: string }) => a.kind === 'deleted').detail.lastVersion.text).toBe(
      'Bericht 2.',
    );
    const versions = (await cli(env, 'show', posts[1]!.url, '--json')).json.versions;
    expect(versions.map((v: { text: string }) => v.text)).toEqual([
      'Bericht 1.',
      'Bericht 1 (gecorrigeerd).',
    ]);

    own.setUser(u.id, { protected: true });
    const prot = await cli(env, 'recheck', '--all', '--json');
    expect(new Set(prot.json.outcomes.map((o: { outcome: string }) => o.outcome))).toEqual(
      new Set(['unavailable', 'unchanged']),
    );
    own.setUser(u.id, { protected: false, suspended: true });
    await cli(env, 'recheck', '--all', '--json');
    // A suspended author's posts are unavailable, not deleted.
    expect(await count(dataDir, 'post', "status = 'unavailable'")).toBeGreaterThanOrEqual(149);
    expect(await count(dataDir, 'alert', "kind = 'deleted'")).toBe(1);
    expect((await cli(env, 'verify', '--json')).json).toMatchObject({ ok: true, problems: [] });
  });
});
