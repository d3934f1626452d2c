import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usageFromHeaders } from '../src/capture/connectors/meta/graph.ts';
import { alertReply } from '../src/chat/presenters.ts';
import type { AlertRow } from '../src/store/monitor.ts';
import { FakeMeta, PNG } from './fakes/meta.ts';
import { count, query, readAllWarc, sha256 } from './helpers/archive.ts';
import { cli, testEnv } from './helpers/cli.ts';

let fake: FakeMeta;
let dir: string;
const saved = { ...process.env };

/**
 * The page tokens live in config/accounts.yaml (`tokenEnv`) and the environment, which the connector
 * reads from the process (as `serve` and the CLI do); each test file runs in its own process.
 */
function accounts(entries: { account: string; tokenEnv: string; token?: string }[]): void {
  const file = path.join(dir, 'accounts.yaml');
  writeFileSync(
    file,
    `accounts:\n${entries.map((e) => `  - account: ${e.account}\n    tokenEnv: ${e.tokenEnv}\n`).join('')}`,
  );
  process.env.ARCHIEFBOT_ACCOUNTS = file;
  for (const e of entries) {
    if (e.token) process.env[e.tokenEnv] = e.token;
    else delete process.env[e.tokenEnv];
  }
}

function fresh() {
  // No HTTP retries: each injected failure is one answer the connector sees.
  return testEnv({
    ARCHIEFBOT_GRAPH_API_URL: fake.graphUrl,
    ARCHIEFBOT_HTTP_RETRIES: '0',
    // No Chromium: a refusal stays a refusal instead of becoming a browser capture.
    ARCHIEFBOT_CHROMIUM: '/nonexistent/chromium',
  });
}

const burger = { id: '9000000001', name: 'Een Burger' };

beforeAll(async () => {
  fake = await FakeMeta.start();
  dir = mkdtempSync(path.join(tmpdir(), 'archiefbot-meta-'));
});
afterAll(async () => {
  process.env = saved;
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

function page(username: string, name: string) {
  const p = fake.addPage({ username, name });
  return p;
}

describe('capturing a Facebook page post', () => {
  it('keeps the post, its photos (original files), comments and replies with their authors', async () => {
    const p = page('minbzk', 'Ministerie van BZK');
    accounts([{ account: 'https://www.facebook.com/minbzk', tokenEnv: 'FB_TOKEN_MINBZK', token: p.token }]);
    const post = fake.addPost({ page: p, message: 'Het jaarverslag Woo staat online.', photos: 2 });
    const c1 = fake.addComment({ post: post.id, message: 'Waar precies?', from: burger });
    fake.addComment({ post: post.id, message: 'Op rijksoverheid.nl', from: 'page', parent: c1.id });
    fake.addComment({ post: post.id, message: 'Dank!', from: { id: '9000000002', name: 'Iemand Anders' } });
    const { env, dataDir, cleanup } = fresh();

    const r = await cli(env, 'capture', post.url, '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.json.post).toMatchObject({
      platform: 'facebook',
      url: post.url,
      author: 'minbzk',
      status: 'live',
    });
    expect(r.json).toMatchObject({ version: 1, replies: 3, media: 2 });

    const show = await cli(env, 'show', post.url, '--json');
    // `show` lists the direct reactions; the page's answer hangs under the comment it answers.
    expect(show.json.replies.map((x: { text: string }) => x.text)).toEqual(['Waar precies?', 'Dank!']);
    expect(show.json.media).toHaveLength(2);
    // The photos' originals (the largest of their `images`), not the attachments' resized copies.
    const photos = fake.objects.get(post.id)!.photos;
    expect(fake.cdnRequests.filter((c) => photos.some((id) => c.includes(id)))).toEqual(
      photos.map((id) => `/cdn/${id}.png`),
    );
    expect(show.json.media[0]).toMatchObject({ sha256: sha256(PNG), size: PNG.length });
    const rows = await query<{
      kind: string;
      platform_id: string;
      parent_platform_id: string;
      handle: string;
    }>(
      dataDir,
      'SELECT p.kind, p.platform_id, p.parent_platform_id, a.handle FROM post p JOIN account a ON a.id = p.account_id ORDER BY p.id',
    );
    expect(rows).toEqual([
      { kind: 'post', platform_id: post.id, parent_platform_id: null, handle: 'minbzk' },
      { kind: 'comment', platform_id: c1.id, parent_platform_id: post.id, handle: burger.id },
      { kind: 'reply', platform_id: expect.any(String), parent_platform_id: c1.id, handle: 'minbzk' },
      { kind: 'comment', platform_id: expect.any(String), parent_platform_id: post.id, handle: '9000000002' },
    ]);
    // The token went as a header, never in a URL, and the WARC keeps it redacted.
    const records = await readAllWarc(dataDir);
    const requests = records.filter((x) => x.type === 'request');
    expect(requests.length).toBeGreaterThan(0);
    for (const q of requests) {
      expect(q.block.toString()).not.toContain(p.token);
      expect(q.uri).not.toContain('access_token');
    }
    expect(requests.some((q) => /authorization: Bearer \[redacted\]/i.test(q.block.toString()))).toBe(true);
    const found = await cli(env, 'search', 'jaarverslag', '--json');
    expect(found.json.hits.map((h: { url: string }) => h.url)).toEqual([post.url]);
    const verify = await cli(env, 'verify', '--json');
    expect(verify.json).toMatchObject({ ok: true, problems: [] });
    expect(verify.json.rederived).toBeGreaterThanOrEqual(4);
    cleanup();
  });

  it('reads every URL form of the same post: permalink.php, m. and fb.me hosts, and a pfbid link', async () => {
    const p = page('minfin', 'Ministerie van Financiën');
    accounts([{ account: 'https://www.facebook.com/minfin', tokenEnv: 'FB_TOKEN_MINFIN', token: p.token }]);
    const post = fake.addPost({ page: p, message: 'De Miljoenennota is gepubliceerd.' });
    const pf = fake.addPost({ page: p, message: 'Bericht met een pfbid-link.', pfbid: true });
    for (let i = 0; i < 3; i++) fake.addPost({ page: p, message: `Nieuwer bericht ${i}` });
    const { env, cleanup } = fresh();
    const forms = [
      post.url,
      `https://m.facebook.com/minfin/posts/${post.own}`,
      `https://fb.me/minfin/posts/${post.own}`,
      `https://www.facebook.com/permalink.php?story_fbid=${post.own}&id=${p.id}`,
    ];
    for (const url of forms) {
      const r = await cli(env, 'capture', url, '--json');
      expect(r.code, `${url}: ${r.stderr}`).toBe(0);
      expect(r.json.post.url).toBe(post.url);
    }
    const pfr = await cli(env, 'capture', pf.url, '--json');
    expect(pfr.code, pfr.stderr).toBe(0);
    expect(pfr.json.post.url).toBe(pf.url);
    expect(pfr.json.post.text).toBe('Bericht met een pfbid-link.');
    cleanup();
  });

  it('a new text with a later updated_time is a new version dated by Graph’s updated_time', async () => {
    const p = page('minvws', 'Ministerie van VWS');
    accounts([{ account: 'https://www.facebook.com/minvws', tokenEnv: 'FB_TOKEN_MINVWS', token: p.token }]);
    const post = fake.addPost({ page: p, message: 'Het RIVM adviseert vandaag.' });
    const { env, cleanup } = fresh();
    expect((await cli(env, 'capture', post.url, '--json')).json.version).toBe(1);
    fake.editPost(post.id, 'Het RIVM adviseert morgen.');
    const edited = fake.objects.get(post.id)!.updated;
    const v2 = await cli(env, 'capture', post.url, '--json');
    expect(v2.json).toMatchObject({ version: 2, newVersion: true });
    const show = await cli(env, 'show', post.url, '--json');
    expect(show.json.versions.map((v: { text: string }) => v.text)).toEqual([
      'Het RIVM adviseert vandaag.',
      'Het RIVM adviseert morgen.',
    ]);
    expect(show.json.versions[1].validFrom).toBe(new Date(edited).toISOString());
    cleanup();
  });

  it('a video whose file the API does not serve keeps its still; one with `source` keeps the file', async () => {
    const p = page('defensie', 'Defensie');
    accounts([{ account: 'https://www.facebook.com/defensie', tokenEnv: 'FB_TOKEN_DEF', token: p.token }]);
    const still = fake.addPost({ page: p, message: 'Video zonder bestand', video: { source: false } });
    const file = fake.addPost({ page: p, message: 'Video met bestand', video: { source: true } });
    const { env, cleanup } = fresh();
    const a = await cli(env, 'capture', still.url, '--json');
    const b = await cli(env, 'capture', file.url, '--json');
    const types = async (url: string) =>
      (await cli(env, 'show', url, '--json')).json.media.map((m: { type: string }) => m.type);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    expect(await types(still.url)).toEqual(['image']);
    expect(await types(file.url)).toEqual(['video']);
    cleanup();
  });
});

describe('refusals and errors', () => {
  it('a page without a token is refused as not configured, naming tokenEnv in accounts.yaml; nothing written', async () => {
    const p = page('minocw', 'Ministerie van OCW');
    accounts([]);
    const post = fake.addPost({ page: p, message: 'Geen token.' });
    const { env, dataDir, cleanup } = fresh();
    const r = await cli(env, 'capture', post.url, '--json');
    expect(r.code).toBe(2);
    expect(r.json.error.code).toBe('not-configured');
    expect(r.json.error.message).toMatch(/tokenEnv for minocw in config\/accounts\.yaml/);
    expect(r.stderr).toContain('Set tokenEnv for minocw in config/accounts.yaml');
    const nl = await cli({ ...env, ARCHIEFBOT_LANGUAGE: 'nl' }, 'capture', post.url);
    expect(nl.stderr).toContain('Zet tokenEnv bij minocw in config/accounts.yaml');
    expect(nl.stderr).not.toMatch(/tokenEnv for|page token per/);
    expect(await count(dataDir, 'post')).toBe(0);
    // An archived post's URL still resolves offline (match needs no credentials).
    expect((await cli(env, 'show', post.url, '--json')).code).toBe(1);
    cleanup();
  });

  it('a deleted post is "not found"; a 5xx outage is an error, never a deletion', async () => {
    const p = page('minjenv', 'Ministerie van JenV');
    accounts([{ account: 'https://www.facebook.com/minjenv', tokenEnv: 'FB_TOKEN_JENV', token: p.token }]);
    const post = fake.addPost({ page: p, message: 'Wordt verwijderd.' });
    fake.deleteObject(post.id);
    const { env, cleanup } = fresh();
    const r = await cli(env, 'capture', post.url, '--json');
    expect(r.code).toBe(1);
    expect(r.json.error.code).toBe('not-found');
    const live = fake.addPost({ page: p, message: 'Blijft staan.' });
    fake.failNext(new RegExp(live.id), {
      status: 500,
      body: '{"error":{"message":"An unknown error occurred","type":"OAuthException","code":1}}',
    });
    const down = await cli(env, 'capture', live.url, '--json');
    expect(down.code).toBe(1);
    expect(down.json.error.code).toBe('platform-error');
    cleanup();
  });
});

describe('the page as an account', () => {
  it('backfills the page’s posts page by page and resumes from the saved cursor after a failure', async () => {
    const p = page('rijksoverheid', 'Rijksoverheid');
    accounts([
      { account: 'https://www.facebook.com/rijksoverheid', tokenEnv: 'FB_TOKEN_RO', token: p.token },
    ]);
    // Every tenth with a photo: the originals of a whole page are asked for, and verify asks the same.
    for (let i = 0; i < 60; i++)
      fake.addPost({
        page: p,
        message: `Nieuwsbericht nummer ${i} over de begroting`,
        photos: i % 10 ? 0 : 1,
      });
    const { env, dataDir, cleanup } = fresh();
    // Pages after the first fail for a while (an outage while backfilling).
    fake.failNext(/\/posts\?.*after=/, {
      status: 503,
      body: '{"error":{"message":"Service temporarily unavailable","type":"OAuthException","code":2}}',
    });
    const broken = await cli(env, 'capture', 'https://www.facebook.com/rijksoverheid', '--json');
    expect(broken.code).toBe(1);
    expect(await count(dataDir, 'post')).toBe(25);
    const before = fake.requests.length;
    const r = await cli(env, 'capture', 'https://www.facebook.com/rijksoverheid', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.json).toMatchObject({ kind: 'account', resumed: true, complete: true, posts: 60 });
    const firstList = fake.requests.slice(before).find((q) => q.includes('/posts?'))!;
    expect(firstList).toContain('after=');
    expect(await count(dataDir, 'post')).toBe(60);
    expect(await count(dataDir, 'version')).toBe(60);
    const hit = await cli(env, 'search', 'nummer', '37', '--json');
    expect(hit.json.hits).toHaveLength(1);
    expect(await count(dataDir, 'version', "json_array_length(content, '$.media') = 1")).toBe(6);
    // Every version re-derived from the page it was read from, the photos' originals included.
    expect((await cli(env, 'verify', '--json')).json).toMatchObject({
      ok: true,
      problems: [],
      rederived: 60,
    });
    cleanup();
  });

  it('watch + recheck: finds the edit and the deletion with one batch look-up, and raises both alerts', async () => {
    const p = page('minezk', 'Ministerie van EZK');
    accounts([{ account: 'https://www.facebook.com/minezk', tokenEnv: 'FB_TOKEN_EZK', token: p.token }]);
    const a = fake.addPost({ page: p, message: 'De energietoeslag wordt verlengd.' });
    const b = fake.addPost({ page: p, message: 'Persbericht over netcongestie.' });
    const c = fake.addPost({ page: p, message: 'Vacature beleidsmedewerker.' });
    const { env, dataDir, cleanup } = fresh();
    const w = await cli(env, 'watch', 'https://www.facebook.com/minezk', '--json');
    expect(w.code, w.stderr).toBe(0);
    expect(w.json.backfill).toMatchObject({ posts: 3, complete: true });
    const first = await cli(env, 'recheck', '--all', '--json');
    expect(first.json.outcomes.map((o: { outcome: string }) => o.outcome)).toEqual([
      'unchanged',
      'unchanged',
      'unchanged',
    ]);

    fake.editPost(a.id, 'De energietoeslag wordt niet verlengd.');
    fake.deleteObject(b.id);
    const before = fake.requests.length;
    const second = await cli(env, 'recheck', '--all', '--json');
    const byUrl = new Map(
      second.json.outcomes.map((o: { url: string; outcome: string }) => [o.url, o.outcome]),
    );
    expect(byUrl.get(a.url)).toBe('edited');
    expect(byUrl.get(b.url)).toBe('deleted');
    expect(byUrl.get(c.url)).toBe('unchanged');
    // One multi-id look-up for the three; the one that is gone asked on its own, then its page.
    const asked = fake.requests.slice(before);
    expect(asked.filter((q) => q.includes('ids=')).length).toBe(1);
    expect(asked.some((q) => q.startsWith(`/v23.0/${b.id}?`))).toBe(true);
    const alerts = (await cli(env, 'alerts', '--json')).json.alerts;
    const edited = alerts.find((x: { kind: string }) => x.kind === 'edited');
    expect(edited.detail.diff).toContain('{+niet+}');
    expect(edited.detail.editedAt).toBe(new Date(fake.objects.get(a.id)!.updated).toISOString());
    const deleted = alerts.find((x: { kind: string }) => x.kind === 'deleted');
    expect(deleted.detail.lastVersion.text).toBe('Persbericht over netcongestie.');
    // The 100/33 answer is kept as evidence.
    const records = await readAllWarc(dataDir);
    expect(
      records.some(
        (r) => r.type === 'response' && r.uri.includes(b.id) && r.http?.startsWith('HTTP/1.1 400'),
      ),
    ).toBe(true);
    cleanup();
  });

  it('an expired token (190) is an error and an alert for the admins, never a deletion', async () => {
    const p = page('minbuza', 'Ministerie van BuZa');
    accounts([{ account: 'https://www.facebook.com/minbuza', tokenEnv: 'FB_TOKEN_BUZA', token: p.token }]);
    const post = fake.addPost({ page: p, message: 'Reisadvies aangepast.' });
    const { env, cleanup } = fresh();
    expect((await cli(env, 'watch', 'https://www.facebook.com/minbuza', '--json')).code).toBe(0);
    fake.expireToken(p);
    const r = await cli(env, 'recheck', '--all', '--json');
    expect(r.json.outcomes.map((o: { outcome: string }) => o.outcome)).toEqual(['error']);
    expect((await cli(env, 'show', post.url, '--json')).json.post.status).toBe('live');
    const alerts = (await cli(env, 'alerts', '--json')).json.alerts;
    expect(alerts.map((x: { kind: string }) => x.kind)).toEqual(['degraded']);
    expect(alerts[0].detail.notice).toEqual({
      key: 'alert.meta-token-refused',
      vars: { platform: 'Facebook', account: 'https://www.facebook.com/minbuza', variable: 'FB_TOKEN_BUZA' },
    });
    // The channel reads it in its own language, from the catalogue.
    const [row] = await query<AlertRow>(
      env.ARCHIEFBOT_DATA_DIR!,
      "SELECT * FROM alert WHERE kind = 'degraded'",
    );
    expect(JSON.stringify(alertReply(row!, 'nl'))).toContain(
      'Facebook weigert het token van https://www.facebook.com/minbuza (FB_TOKEN_BUZA)',
    );
    expect(JSON.stringify(alertReply(row!, 'en'))).toContain(
      'Facebook refuses the token of https://www.facebook.com/minbuza (FB_TOKEN_BUZA)',
    );
    // Once a day per token, however often it is refused.
    await cli(env, 'recheck', '--all', '--json');
    expect((await cli(env, 'alerts', '--json')).json.alerts).toHaveLength(1);
    const capture = await cli(env, 'capture', post.url, '--json');
    expect(capture.json.error.code).toBe('not-configured');
    expect(capture.json.error.message).toMatch(/FB_TOKEN_BUZA.*expired or was revoked/);
    const nl = await cli({ ...env, ARCHIEFBOT_LANGUAGE: 'nl' }, 'capture', post.url);
    expect(nl.stderr).toContain(
      'Facebook weigert het token in FB_TOKEN_BUZA (#190); het is verlopen of ingetrokken.',
    );
    cleanup();
  });

  /** A Graph fake of its own (its own host): the back-off is per Graph host and process. */
  async function ownGraph(username: string, tokenEnv: string) {
    const own = await FakeMeta.start();
    const p = own.addPage({ username, name: username });
    accounts([{ account: `https://www.facebook.com/${username}`, tokenEnv, token: p.token }]);
    own.addPost({ page: p, message: 'Mestbeleid.' });
    const t = testEnv({
      ARCHIEFBOT_GRAPH_API_URL: own.graphUrl,
      ARCHIEFBOT_HTTP_RETRIES: '0',
      ARCHIEFBOT_CHROMIUM: '/nonexistent/chromium',
    });
    expect((await cli(t.env, 'watch', `https://www.facebook.com/${username}`, '--json')).code).toBe(0);
    return { own, ...t };
  }

  it('a rate limit (#4) is an error, never a deletion, and nothing is asked of Meta while it lasts', async () => {
    const { own, env, dataDir, cleanup } = await ownGraph('minlnv', 'FB_TOKEN_LNV');
    try {
      own.failNext(/\/v23\.0\/\?ids=/, FakeMeta.rateLimitReply());
      const limited = await cli(env, 'recheck', '--all', '--json');
      expect(limited.json.outcomes[0]).toMatchObject({
        outcome: 'error',
        detail: expect.stringMatching(/rate limit/),
      });
      const before = own.requests.length;
      const again = await cli(env, 'recheck', '--all', '--json');
      expect(again.json.outcomes[0]).toMatchObject({
        outcome: 'error',
        detail: expect.stringMatching(/waits \d+ s/),
      });
      expect(own.requests.length).toBe(before);
      expect(await count(dataDir, 'alert', "kind = 'deleted'")).toBe(0);
    } finally {
      await own.close();
      cleanup();
    }
  });

  it('usage headers at 90% or more make it pause before the next request is sent', async () => {
    const { own, env, cleanup } = await ownGraph('minszw', 'FB_TOKEN_SZW');
    try {
      // Meta says the app is at 95% of its hour.
      own.usage = { call_count: 95, total_cputime: 10, total_time: 10 };
      const before = own.requests.length;
      const first = await cli(env, 'recheck', '--all', '--json');
      // The first answer (the token's /me) said 95%: the batch look-up was not sent.
      expect(first.json.outcomes[0]).toMatchObject({
        outcome: 'error',
        detail: expect.stringMatching(/over 90%/),
      });
      expect(own.requests.slice(before)).toEqual(['/v23.0/me?fields=id%2Cname%2Cusername%2Clink']);
      const second = await cli(env, 'recheck', '--all', '--json');
      expect(second.json.outcomes[0]!.outcome).toBe('error');
      expect(own.requests.length).toBe(before + 1);
    } finally {
      await own.close();
      cleanup();
    }
  });

  it('reads the usage headers: the highest percentage, and Meta’s wait in minutes', () => {
    const h = new Headers({
      'x-app-usage': '{"call_count":28,"total_time":25,"total_cputime":25}',
      'x-business-use-case-usage':
        '{"112233":[{"type":"pages","call_count":96,"total_cputime":20,"total_time":30,"estimated_time_to_regain_access":7}]}',
    });
    expect(usageFromHeaders(h)).toEqual({ percent: 96, waitMs: 7 * 60_000 });
    expect(usageFromHeaders(new Headers({ 'x-app-usage': 'not json' }))).toEqual({ percent: 0, waitMs: 0 });
  });
});
