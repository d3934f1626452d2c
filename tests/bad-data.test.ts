/**
 * Bad platform data fails cleanly (issue 10, item 6): answers of the wrong shape are a `bad-response`
 * error that names what was wrong (never a stack trace), the `--json` error contract holds, a re-check
 * counts them as `error` (never a deletion), and account pagination that goes round in circles or
 * runs long ends in bounded time.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeBluesky } from './fakes/bluesky.ts';
import { FakeMastodon } from './fakes/mastodon.ts';
import { count, expectNothingWritten, query, withArchive } from './helpers/archive.ts';
import { cli, type RunResult, testEnv } from './helpers/cli.ts';

// biome-ignore lint/suspicious/noExplicitAny: platform JSON as the fakes serve it
type Json = any;

const WRONG = ['{"content": 42}', 'null', '[]'];
const STACK = /\n\s+at /;

let m: FakeMastodon;
let b: FakeBluesky;
const cleanups: (() => void)[] = [];

beforeAll(async () => {
  m = await FakeMastodon.start();
  b = await FakeBluesky.start();
  m.addAccount({ username: 'minbzk' });
  b.addAccount({ handle: 'minbzk.bsky.social' });
});
afterAll(async () => {
  for (const undo of cleanups) undo();
  await m.close();
  await b.close();
});

function env(extra: Record<string, string> = {}) {
  const t = testEnv({ ARCHIEFBOT_BSKY_APPVIEW_URL: b.url, ...extra });
  cleanups.push(t.cleanup);
  return t;
}

async function getJson(url: string): Promise<Json> {
  const res = await fetch(url);
  return res.json();
}

/** The capture failed on the platform's answer: exit 1, the JSON error document, one line on stderr. */
function expectBadResponse(r: RunResult, names?: RegExp): void {
  expect(r.code, r.stderr).toBe(1);
  expect(r.json?.error?.code, r.stdout).toBe('bad-response');
  expect(Object.keys(r.json.error).sort()).toEqual(['code', 'message']);
  if (names) expect(r.json.error.message).toMatch(names);
  expect(r.stderr).toMatch(/sent an answer I can't read/);
  expect(r.stderr).not.toMatch(STACK);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
}

describe('Mastodon answers of the wrong shape', () => {
  it('a status: exit 1 with the JSON error naming what was wrong, nothing written', async () => {
    const post = m.addStatus({ username: 'minbzk', content: '<p>Status</p>' });
    const path = new RegExp(`^/api/v1/statuses/${post.id}$`);
    const real = await getJson(`${m.url}/api/v1/statuses/${post.id}`);
    const cases: [string, RegExp][] = [
      ...WRONG.map((w): [string, RegExp] => [w, /not in the shape its API documents/]),
      [JSON.stringify({ ...real, content: 42 }), /content: .*expected string, received number/],
      [JSON.stringify({ ...real, account: null }), /account: .*expected object, received null/],
      [JSON.stringify({ id: post.id, content: '<p>x</p>' }), /uri: .*expected string/],
      ['null', /the answer: .*expected object, received null/],
      ['[]', /the answer: .*expected object, received array/],
    ];
    for (const [body, names] of cases) {
      const { env: e, dataDir } = env();
      m.failNext(path, { status: 200, body });
      const r = await cli(e, 'capture', post.url, '--json');
      expectBadResponse(r, names);
      expect(r.json.error.message).toContain(`/api/v1/statuses/${post.id}`);
      await expectNothingWritten(dataDir);
      expect(await count(dataDir, 'capture', "status = 'failed'")).toBe(1);
    }
  });

  it('a thread (context) and an edit history of the wrong shape', async () => {
    const post = m.addStatus({ username: 'minbzk', content: '<p>Draad</p>' });
    m.editStatus(post.id, { content: '<p>Draad, bewerkt</p>' });
    const context = new RegExp(`^/api/v1/statuses/${post.id}/context$`);
    const history = new RegExp(`^/api/v1/statuses/${post.id}/history$`);
    for (const body of [...WRONG, '{"ancestors": [], "descendants": [{"id": 7}]}']) {
      const { env: e, dataDir } = env();
      m.failNext(context, { status: 200, body });
      expectBadResponse(await cli(e, 'capture', post.url, '--json'), /the replies of the post/);
      await expectNothingWritten(dataDir);
    }
    for (const body of ['{"content": 42}', 'null', '[{"content": 42}]']) {
      const { env: e, dataDir } = env();
      m.failNext(history, { status: 200, body });
      expectBadResponse(await cli(e, 'capture', post.url, '--json'), /the edit history of the post/);
      await expectNothingWritten(dataDir);
    }
  });

  it('an account and an account page of the wrong shape', async () => {
    const acc = m.addAccount({ username: 'minvws' });
    m.addStatus({ username: 'minvws', content: '<p>Een</p>' });
    for (const body of WRONG) {
      const { env: e, dataDir } = env();
      m.failNext(/^\/api\/v1\/accounts\/lookup$/, { status: 200, body });
      expectBadResponse(await cli(e, 'capture', acc.url, '--json'), /the account @minvws/);
      await expectNothingWritten(dataDir);
    }
    const page = new RegExp(`^/api/v1/accounts/${acc.id}/statuses$`);
    for (const body of ['{"content": 42}', 'null', '[{"content": 42}]', '[null]']) {
      const { env: e, dataDir } = env();
      m.failNext(page, { status: 200, body });
      expectBadResponse(await cli(e, 'capture', acc.url, '--json'), /the posts of the account/);
      expect(await count(dataDir, 'post')).toBe(0);
      expect(await count(dataDir, 'capture', "status = 'failed'")).toBe(1);
    }
  });

  it('takes what the API documents as optional being absent or null, and fields it does not know', async () => {
    const post = m.addStatus({ username: 'minbzk', content: '<p>Zuinig antwoord</p>' });
    const real = await getJson(`${m.url}/api/v1/statuses/${post.id}`);
    const minimal = {
      id: real.id,
      uri: real.uri,
      url: null,
      created_at: real.created_at,
      edited_at: null,
      content: '<p>Zuinig antwoord</p>',
      spoiler_text: null,
      language: null,
      account: { id: real.account.id, username: 'minbzk', acct: 'minbzk', display_name: null, avatar: 'x' },
      quote_approval: { automatic: ['public'] },
      some_future_field: [1, 2, 3],
    };
    const { env: e } = env();
    m.failNext(new RegExp(`^/api/v1/statuses/${post.id}$`), { status: 200, body: JSON.stringify(minimal) });
    const r = await cli(e, 'capture', post.url, '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.json.post.text).toBe('Zuinig antwoord');
  });
});

describe('Mastodon re-check of answers of the wrong shape', () => {
  it('counts a wrong batch, status or account answer as an error, never a deletion', async () => {
    const acc = m.addAccount({ username: 'minfin' });
    const post = m.addStatus({ username: 'minfin', content: '<p>Voorjaarsnota</p>' });
    const { env: e, dataDir } = env({ ARCHIEFBOT_HTTP_RETRIES: '0' });
    expect((await cli(e, 'capture', post.url)).code).toBe(0);
    const batch = /^\/api\/v1\/statuses$/;
    const single = new RegExp(`^/api/v1/statuses/${post.id}$`);
    const recheck = async () => {
      const r = await cli(e, 'recheck', '--all', '--json');
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).not.toMatch(STACK);
      return r.json.outcomes.map((o: { outcome: string }) => o.outcome);
    };
    for (const body of [
      '{"content": 42}',
      'null',
      '[{"content": 42}]',
      `[{"id": "${post.id}", "content": 42}]`,
    ]) {
      m.failNext(batch, { status: 200, body });
      expect(await recheck(), body).toEqual(['error']);
    }
    // Left out of the batch, then asked for on its own: a wrong shape there is an error too.
    for (const body of WRONG) {
      m.failNext(batch, { status: 200, body: '[]' });
      m.failNext(single, { status: 200, body });
      expect(await recheck(), body).toEqual(['error']);
    }
    // Left out, not found on its own, and the account answer is of the wrong shape: not a deletion.
    for (const body of WRONG) {
      m.failNext(batch, { status: 200, body: '[]' });
      m.failNext(single, { status: 404, body: '{"error":"Record not found"}' });
      m.failNext(new RegExp(`^/api/v1/accounts/${acc.id}$`), { status: 200, body });
      expect(await recheck(), body).toEqual(['error']);
    }
    const alerts = await query<{ kind: string }>(dataDir, 'SELECT kind FROM alert');
    expect(alerts.map((a) => a.kind)).not.toContain('deleted');
    expect((await query<{ status: string }>(dataDir, 'SELECT status FROM post'))[0]!.status).toBe('live');
    expect(await recheck()).toEqual(['unchanged']);
  });
});

describe('Bluesky answers of the wrong shape', () => {
  const GOV = 'minbzk.bsky.social';
  const postUrl = (rkey: string) => `https://bsky.app/profile/${GOV}/post/${rkey}`;

  it('a thread, a handle, a profile and an account page: exit 1 with the JSON error, nothing written', async () => {
    const p = b.addPost({ handle: GOV, text: 'Persbericht' });
    const cases: [RegExp, string[], string, RegExp][] = [
      [/getPostThread$/, [...WRONG, '{"thread": {"post": {"uri": 42}}}'], postUrl(p.rkey), /the post/],
      [/resolveHandle$/, ['null', '[]', '{"did": 42}'], postUrl(p.rkey), /the account minbzk/],
      [/getProfile$/, ['null', '[]', '{"did": 42}'], `https://bsky.app/profile/${GOV}`, /the account/],
      [
        /getAuthorFeed$/,
        [...WRONG, '{"feed": [{"post": null}]}', '{"feed": "none"}'],
        `https://bsky.app/profile/${GOV}`,
        /the posts of the account/,
      ],
    ];
    for (const [match, bodies, url, names] of cases) {
      for (const body of bodies) {
        const { env: e, dataDir } = env();
        b.failNext(match, { status: 200, body });
        const r = await cli(e, 'capture', url, '--json');
        expectBadResponse(r, names);
        expect(await count(dataDir, 'post'), `${match} ${body}`).toBe(0);
      }
    }
    const { env: e, dataDir } = env();
    b.failNext(/getPostThread$/, { status: 200, body: '{"thread": {"post": {"uri": 42}}}' });
    expectBadResponse(
      await cli(e, 'capture', postUrl(p.rkey), '--json'),
      /thread\.post\.uri: .*expected string/,
    );
    await expectNothingWritten(dataDir);
  });

  it('a re-check: a wrong getPosts or getPostThread answer is an error, never a deletion', async () => {
    const p = b.addPost({ handle: GOV, text: 'Kamerbrief' });
    const { env: e, dataDir } = env({ ARCHIEFBOT_HTTP_RETRIES: '0' });
    expect((await cli(e, 'capture', postUrl(p.rkey))).code).toBe(0);
    const recheck = async () => {
      const r = await cli(e, 'recheck', '--all', '--json');
      expect(r.code, r.stderr).toBe(0);
      return r.json.outcomes.map((o: { outcome: string }) => o.outcome);
    };
    for (const body of [...WRONG, '{"posts": [{"uri": 42}]}']) {
      b.failNext(/getPosts$/, { status: 200, body });
      expect(await recheck(), body).toEqual(['error']);
    }
    for (const body of WRONG) {
      b.failNext(/getPosts$/, { status: 200, body: '{"posts": []}' });
      b.failNext(/getPostThread$/, { status: 200, body });
      expect(await recheck(), body).toEqual(['error']);
    }
    const alerts = await query<{ kind: string }>(dataDir, 'SELECT kind FROM alert');
    expect(alerts.map((a) => a.kind)).not.toContain('deleted');
    expect((await query<{ status: string }>(dataDir, 'SELECT status FROM post'))[0]!.status).toBe('live');
    expect(await recheck()).toEqual(['unchanged']);
  });

  it('takes a post view with only the fields the lexicon requires, and fields it does not know', async () => {
    const p = b.addPost({ handle: GOV, text: 'Zuinig' });
    const acc = await getJson(`${b.url}/xrpc/com.atproto.identity.resolveHandle?handle=${GOV}`);
    const view = {
      uri: p.uri,
      cid: p.cid,
      author: { did: acc.did, handle: GOV, labels: [], viewer: { muted: false } },
      record: { $type: 'app.bsky.feed.post', text: 'Zuinig', facets: [], tags: ['x'] },
      bookmarkCount: 0,
      threadgate: null,
    };
    const body = JSON.stringify({ thread: { $type: 'app.bsky.feed.defs#threadViewPost', post: view } });
    const { env: e } = env();
    b.failNext(/getPostThread$/, { status: 200, body });
    const r = await cli(e, 'capture', postUrl(p.rkey), '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.json.post.text).toBe('Zuinig');
  });
});

describe('account pagination that goes round in circles, or on and on', () => {
  it('a self-referencing Link: rel="next" ends the backfill with a clear error at once', async () => {
    const acc = m.addAccount({ username: 'kringloop' });
    for (let i = 0; i < 5; i++) m.addStatus({ username: 'kringloop', content: `<p>Bericht ${i}</p>` });
    const first = `${m.url}/api/v1/accounts/${acc.id}/statuses?limit=40`;
    const page = await (await fetch(first)).text();
    m.failNext(new RegExp(`^/api/v1/accounts/${acc.id}/statuses$`), {
      status: 200,
      body: page,
      headers: { link: `<${first}>; rel="next", <${first}&min_id=1>; rel="prev"` },
      times: 100_000,
    });
    const { env: e, dataDir } = env();
    const before = m.requests.length;
    const started = Date.now();
    const r = await cli(e, 'capture', acc.url, '--json');
    expect(Date.now() - started).toBeLessThan(10_000);
    expectBadResponse(r, /next-page cursor that was followed before \(.*\) after 1 page of/);
    const pages = m.requests.slice(before).filter((q) => q.path.includes(`/accounts/${acc.id}/statuses`));
    expect(pages).toHaveLength(1);
    // The page that was read is kept; the run is recorded as failed with the reason.
    expect(await count(dataDir, 'post')).toBe(5);
    const [capture] = await query<{ status: string; error: string }>(
      dataDir,
      'SELECT status, error FROM capture',
    );
    expect(capture).toMatchObject({ status: 'failed', error: expect.stringMatching(/followed before/) });
  });

  it('a watch poll keeps the new posts of a self-referencing page and stops there', async () => {
    const acc = m.addAccount({ username: 'kringpoll' });
    for (let i = 0; i < 3; i++) m.addStatus({ username: 'kringpoll', content: `<p>Poll ${i}</p>` });
    const first = `${m.url}/api/v1/accounts/${acc.id}/statuses?limit=40`;
    m.failNext(new RegExp(`^/api/v1/accounts/${acc.id}/statuses$`), {
      status: 200,
      body: await (await fetch(first)).text(),
      headers: { link: `<${first}>; rel="next"` },
      times: 100,
    });
    const { env: e, dataDir } = env();
    const { CapturePipeline } = await import('../src/capture/pipeline.ts');
    const { loadConfig } = await import('../src/config.ts');
    const polled = await withArchive(dataDir, async (archive) => {
      const pipeline = new CapturePipeline(archive, loadConfig(e));
      try {
        return await pipeline.pollAccount(acc.url);
      } finally {
        await pipeline.close();
      }
    });
    expect(polled).toMatchObject({ newPosts: 3, pages: 1 });
    expect(await count(dataDir, 'post')).toBe(3);
  });

  it('a next link that is no web address is a bad-response error, not a crash', async () => {
    const acc = m.addAccount({ username: 'kapotlink' });
    m.addStatus({ username: 'kapotlink', content: '<p>Een</p>' });
    const page = await (await fetch(`${m.url}/api/v1/accounts/${acc.id}/statuses?limit=40`)).text();
    m.failNext(new RegExp(`^/api/v1/accounts/${acc.id}/statuses$`), {
      status: 200,
      body: page,
      headers: { link: '<javascript:alert(1)>; rel="next"' },
    });
    const { env: e } = env();
    expectBadResponse(await cli(e, 'capture', acc.url, '--json'), /not a web address/);
  });

  it('a Bluesky cursor sent twice in a row, or again after another, ends the backfill with a clear error', async () => {
    const handle = 'rondje.bsky.social';
    const { did } = b.addAccount({ handle });
    for (let i = 0; i < 3; i++) b.addPost({ handle, text: `Rondje ${i}` });
    const feed = (await getJson(`${b.url}/xrpc/app.bsky.feed.getAuthorFeed?actor=${did}&limit=3`)).feed;
    const page = (i: number, cursor: string) => JSON.stringify({ feed: [feed[i]], cursor });
    const actor = `actor=${encodeURIComponent(did)}`;
    const feedCalls = () =>
      b.requests.filter((q) => q.path.includes('getAuthorFeed') && q.path.includes(actor));

    // The same cursor back.
    let before = feedCalls().length;
    b.failNext(/getAuthorFeed$/, { status: 200, body: page(0, 'A') });
    b.failNext(/getAuthorFeed$/, { status: 200, body: page(1, 'A') });
    let run = env();
    let r = await cli(run.env, 'capture', `https://bsky.app/profile/${handle}`, '--json');
    expectBadResponse(r, /next-page cursor that was followed before \(A\) after 2 pages/);
    expect(feedCalls().length - before).toBe(2);
    expect(await count(run.dataDir, 'post')).toBe(2);

    // A → B → A: the pipeline remembers every cursor of the run; the pages read are kept.
    before = feedCalls().length;
    b.failNext(/getAuthorFeed$/, { status: 200, body: page(0, 'A') });
    b.failNext(/getAuthorFeed$/, { status: 200, body: page(1, 'B') });
    b.failNext(/getAuthorFeed$/, { status: 200, body: page(2, 'A') });
    run = env();
    r = await cli(run.env, 'capture', `https://bsky.app/profile/${handle}`, '--json');
    expectBadResponse(r, /cursor that was followed before \(A\) after 3 pages/);
    expect(feedCalls().length - before).toBe(3);
    expect(await count(run.dataDir, 'post')).toBe(3);
    expect(await count(run.dataDir, 'capture', "status = 'failed'")).toBe(1);
  });

  it('stops a run at capture.maxPagesPerRun as incomplete, and the next run resumes', async () => {
    const acc = m.addAccount({ username: 'veelpaginas' });
    m.addStatuses(130, 'veelpaginas', (i) => `<p>Pagina-bericht ${i}</p>`);
    const { env: e, dataDir } = env();
    const config = path.join(dataDir, 'cap.yaml');
    writeFileSync(config, 'capture:\n  maxPagesPerRun: 3\n');
    const statusPages = () =>
      m.requests.filter((q) => q.path.includes(`/accounts/${acc.id}/statuses`)).length;

    const first = await cli({ ...e, ARCHIEFBOT_CONFIG: config }, 'capture', acc.url, '--json');
    expect(first.json).toMatchObject({ kind: 'account', complete: false, pages: 3, posts: 120 });
    expect(first.code).not.toBe(1); // incomplete, not failed
    expect(statusPages()).toBe(3); // the cap is not overrun by the page fetched ahead
    const captures = await query<{ status: string; error: string | null }>(
      dataDir,
      'SELECT status, error FROM capture',
    );
    expect(captures).toEqual([{ status: 'done', error: null }]);

    const second = await cli({ ...e, ARCHIEFBOT_CONFIG: config }, 'capture', acc.url, '--json');
    expect(second.code, second.stderr).toBe(0);
    expect(second.json).toMatchObject({ complete: true, resumed: true, posts: 130, pages: 4 });
    expect(await count(dataDir, 'post')).toBe(130);
  });
});

describe('the --json error contract', () => {
  it('holds for an error nobody foresaw: exit 1 and {"error": {"code", "message"}}', async () => {
    const { env: e, dataDir } = env();
    const notADirectory = path.join(dataDir, 'a-file');
    writeFileSync(notADirectory, 'x');
    const r = await cli({ ...e, ARCHIEFBOT_DATA_DIR: notADirectory }, 'status', '--json');
    expect(r.code).toBe(1);
    expect(r.json).toEqual({ error: { code: 'internal', message: expect.stringContaining('EEXIST') } });
  });
});
