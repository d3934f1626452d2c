import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metaUsage, ThreadsConnector } from '../src/capture/connectors/threads.ts';
import { loadConfig } from '../src/config.ts';
import { FakeThreads } from './fakes/threads.ts';
import { count, readAllWarc, sha256, withArchive } from './helpers/archive.ts';
import { cli, testEnv } from './helpers/cli.ts';

const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000020000000208060000007bd4ed8c0000000d49444154789c63f8cfc0f01f0005000201e5273fbc0000000049454e44ae426082',
  'hex',
);
const PNG2 = Buffer.from(
  '89504e470d0a1a0a0000000d4948445200000001000000010806000000' +
    '1f15c4890000000d49444154789c6360f8cfc0000003010100c9fe92ef0000000049454e44ae426082',
  'hex',
);

let t: FakeThreads;
let gov: ReturnType<FakeThreads['addUser']>;
let burger: ReturnType<FakeThreads['addUser']>;
let setup: ReturnType<typeof testEnv>;

// The owner's token comes from the variable config/accounts.yaml names (tokenEnv), as in production.
beforeAll(async () => {
  t = await FakeThreads.start();
  gov = t.addUser('minbzk', 'Ministerie van BZK');
  burger = t.addUser('een.burger', 'Een burger');
  setup = testEnv();
  const file = path.join(setup.dataDir, 'accounts.yaml');
  writeFileSync(
    file,
    [
      'accounts:',
      '  - account: https://www.threads.net/@minbzk',
      '    organisation: Ministerie van BZK',
      '    role: corporate',
      '    tokenEnv: THREADS_TOKEN_MINBZK',
      '',
    ].join('\n'),
  );
  process.env.ARCHIEFBOT_ACCOUNTS = file;
  process.env.THREADS_TOKEN_MINBZK = gov.token;
});
afterAll(async () => {
  await t.close();
  setup.cleanup();
});

function fresh(extra: Record<string, string> = {}) {
  // No Chromium: a refusal stays a refusal instead of falling back to the browser method.
  return testEnv({
    ARCHIEFBOT_THREADS_API_URL: t.apiUrl,
    ARCHIEFBOT_CHROMIUM: '/nonexistent/chromium',
    ...extra,
  });
}

describe('capturing a Threads post with the owner token', () => {
  it('keeps the post, its carousel, replies by others (nested, with parents) and finds it again', async () => {
    const { env, dataDir, cleanup } = fresh();
    const post = t.addPost(gov, 'De Woo-jaarrapportage 2025 is gepubliceerd.', {
      media: [
        { bytes: PNG, contentType: 'image/png', alt: 'Grafiek van het aantal Woo-verzoeken' },
        { bytes: PNG2, contentType: 'image/png', alt: 'Tabel per ministerie' },
      ],
    });
    const reply = t.addPost(burger, 'Waar staat de tabel precies?', { replyTo: post.id });
    t.addPost(gov, 'Op rijksoverheid.nl onder Woo.', { replyTo: reply.id });

    const r = await cli(env, 'capture', post.url, '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.json.post).toMatchObject({
      platform: 'threads',
      url: post.url,
      author: 'minbzk',
      status: 'live',
    });
    expect(r.json).toMatchObject({ version: 1, replies: 2, media: 2 });

    const show = await cli(env, 'show', post.url, '--json');
    expect(show.code, show.stderr).toBe(0);
    expect(show.json.media.map((m: { sha256: string }) => m.sha256)).toEqual([sha256(PNG), sha256(PNG2)]);
    expect(show.json.media[0].description).toBe('Grafiek van het aantal Woo-verzoeken');
    const rows = await withArchive(dataDir, (a) =>
      a.db.all<{ kind: string; handle: string; parent: string | null; platform_id: string }>(
        `SELECT p.kind, a.handle, p.platform_id,
                (SELECT q.url FROM post q WHERE q.platform_id = p.parent_platform_id) AS parent
         FROM post p JOIN account a ON a.id = p.account_id ORDER BY p.id`,
      ),
    );
    expect(rows.map((x) => [x.kind, x.handle])).toEqual([
      ['post', 'minbzk'],
      ['reply', 'een.burger'],
      ['reply', 'minbzk'],
    ]);
    expect(rows[0]!.platform_id).toBe(`threads:${post.id}`);
    expect(rows[1]!.parent).toBe(post.url);
    expect(rows[2]!.parent).toBe(reply.url);

    // The same post under threads.net (the older domain) is the same archived post.
    const other = await cli(env, 'show', post.url.replace('www.threads.com', 'threads.net'), '--json');
    expect(other.json.post.id).toBe(show.json.post.id);
    // A reply by someone else, once archived, is captured again with the owner's token.
    const again = await cli(env, 'capture', reply.url, '--json');
    expect(again.code, again.stderr).toBe(0);
    expect(again.json).toMatchObject({ version: 1, newVersion: false, replies: 1 });
    const hit = await cli(env, 'search', 'tabel', '--json');
    expect(hit.code, hit.stderr + hit.stdout).toBe(0);
    expect(hit.json.hits.map((h: { url: string }) => h.url)).toContain(reply.url);

    // The token went as a header (redacted in the WARC), never in a URL the archive keeps.
    const asked = t.requests.filter((q) => q.path.startsWith('/v1.0/'));
    expect(asked.every((q) => q.headers.authorization === `Bearer ${gov.token}`)).toBe(true);
    const records = await readAllWarc(dataDir);
    expect(records.some((x) => x.block.includes(gov.token))).toBe(false);
    expect(records.some((x) => x.uri.includes('access_token'))).toBe(false);
    // verify re-derives every version from the stored API answer with the connector's own parsing.
    const verified = await cli(env, 'verify', '--json');
    expect(verified.code, verified.stdout).toBe(0);
    expect(verified.json.rederived).toBe(await count(dataDir, 'version'));
    cleanup();
  });

  it('pages through a long conversation by its cursors', async () => {
    const { env, cleanup } = fresh();
    const post = t.addPost(gov, 'Consultatie: wat vindt u van het wetsvoorstel?');
    for (let i = 0; i < 130; i++) t.addPost(burger, `Reactie nummer ${i}`, { replyTo: post.id });
    const before = t.requests.length;
    const r = await cli(env, 'capture', post.url, '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.json.replies).toBe(130);
    const pages = t.requests.slice(before).filter((q) => q.path.includes('/conversation'));
    expect(pages).toHaveLength(2);
    cleanup();
  });

  it('finds a post by its shortcode among many, paging through the account (the documented cost)', async () => {
    const { env, cleanup } = fresh();
    const old = t.addPost(gov, 'Een ouder bericht over de begroting.');
    for (let i = 0; i < 120; i++) t.addPost(gov, `Nieuwer bericht ${i}`);
    const before = t.requests.length;
    const r = await cli(env, 'capture', old.url, '--json');
    expect(r.code, r.stderr).toBe(0);
    const pages = t.requests.slice(before).filter((q) => q.path.startsWith('/v1.0/me/threads'));
    expect(pages.length).toBe(2); // 121 newer posts: the shortcode is on the second page of 100
    expect(new URL(pages[1]!.path, t.url).searchParams.get('after')).toBeTruthy();
    // Once archived, its media id is known: capturing it again searches nothing.
    const mark = t.requests.length;
    expect((await cli(env, 'capture', old.url, '--json')).code).toBe(0);
    expect(t.requests.slice(mark).filter((q) => q.path.startsWith('/v1.0/me/threads'))).toHaveLength(0);

    // The account's own reply: its shortcode is found among the account's replies (`/me/replies`).
    const answer = t.addPost(gov, 'Dank voor uw vraag: zie de begroting.', { replyTo: old.id });
    const r2 = await cli(env, 'capture', answer.url, '--json');
    expect(r2.code, r2.stderr).toBe(0);
    const shown = await cli(env, 'show', answer.url, '--json');
    expect(shown.json.post).toMatchObject({ kind: 'reply' });
    cleanup();
  });

  it('refuses an account without a token, naming tokenEnv, and a deleted post as not found', async () => {
    const { env, dataDir, cleanup } = fresh();
    const none = await cli(
      env,
      'capture',
      'https://www.threads.com/@rijksoverheid/post/DAbCdEf123',
      '--json',
    );
    expect(none.json.error.code).toBe('not-configured');
    expect(none.stderr).toContain('Set tokenEnv for @rijksoverheid in config/accounts.yaml');
    // The sentence is whole in Dutch too: no English fragment inside it.
    const nl = await cli(
      { ...env, ARCHIEFBOT_LANGUAGE: 'nl' },
      'capture',
      'https://www.threads.com/@rijksoverheid/post/DAbCdEf123',
    );
    expect(nl.stderr).toContain('een token van @rijksoverheid zelf nodig');
    expect(nl.stderr).toContain('Zet tokenEnv bij @rijksoverheid in config/accounts.yaml');
    expect(nl.stderr).not.toMatch(/ for @|tokenEnv for/);
    expect(none.stderr).toMatch(/browser/);

    // A token of another account, or one Threads refuses (190), is a configuration problem, said so.
    const post = t.addPost(gov, 'Met het verkeerde token.');
    try {
      process.env.THREADS_TOKEN_MINBZK = burger.token;
      const wrong = await cli(env, 'capture', post.url, '--json');
      expect(wrong.json.error.code).toBe('not-configured');
      expect(wrong.json.error.message).toContain("is @een.burger's, not @minbzk's");
      const wrongNl = await cli({ ...env, ARCHIEFBOT_LANGUAGE: 'nl' }, 'capture', post.url);
      expect(wrongNl.stderr).toContain(
        'het token in THREADS_TOKEN_MINBZK is van @een.burger, niet van @minbzk. Zet in THREADS_TOKEN_MINBZK het token van @minbzk zelf',
      );
      process.env.THREADS_TOKEN_MINBZK = 'THAAexpired';
      const expired = await cli(env, 'capture', post.url, '--json');
      expect(expired.json.error.code).toBe('not-configured');
      expect(expired.json.error.message).toMatch(/refused the token in THREADS_TOKEN_MINBZK \(code 190\)/);
      expect(expired.stderr).toContain(
        'Threads refuses the token in THREADS_TOKEN_MINBZK (#190); it expired or was revoked.',
      );
      const expiredNl = await cli({ ...env, ARCHIEFBOT_LANGUAGE: 'nl' }, 'capture', post.url);
      expect(expiredNl.stderr).toContain(
        'Threads weigert het token in THREADS_TOKEN_MINBZK (#190); het is verlopen of ingetrokken.',
      );
    } finally {
      process.env.THREADS_TOKEN_MINBZK = gov.token;
    }

    // An answer not in the documented shape is a clear error, never a crash.
    const odd = t.addPost(gov, 'Vreemd antwoord.');
    t.failNext(new RegExp(`^/v1.0/${odd.id}\\?`), { status: 200, body: '{"id": 42, "text": []}', times: 3 });
    const bad = await cli(env, 'capture', odd.url, '--json');
    expect(bad.json.error.code).toBe('bad-response');

    const gone = t.addPost(gov, 'Wordt verwijderd.');
    t.deletePost(gone.id);
    const r = await cli(env, 'capture', gone.url, '--json');
    expect(r.code).toBe(1);
    expect(r.json.error.code).toBe('not-found');
    expect(await count(dataDir, 'post')).toBe(0);
    cleanup();
  });

  it('waits out a 429 and reports a spent app budget (code 4, X-App-Usage) as a rate limit', async () => {
    const { env, cleanup } = fresh();
    const post = t.addPost(gov, 'Na de drukte.');
    t.failNext(new RegExp(`^/v1.0/${post.id}\\?`), {
      status: 429,
      body: '{"error":{"message":"Too many calls","type":"OAuthException","code":4}}',
      headers: { 'retry-after': '1', 'content-type': 'application/json' },
    });
    const ok = await cli(env, 'capture', post.url, '--json');
    expect(ok.code, ok.stderr).toBe(0);

    t.usagePercent = 100;
    try {
      const spent = await cli({ ...env, ARCHIEFBOT_HTTP_RETRIES: '0' }, 'capture', post.url, '--json');
      expect(spent.code).toBe(1);
      expect(spent.json.error.code).toBe('rate-limited');
    } finally {
      t.usagePercent = 12;
    }
    cleanup();
  });
});

describe('watching a Threads account', () => {
  it('backfills, then re-checks find the silent edit (dated by its window) and the deletion', async () => {
    const { env, dataDir, cleanup } = fresh();
    const owner = t.addUser('minezk', 'Ministerie van EZK');
    const file = path.join(dataDir, 'accounts.yaml');
    writeFileSync(
      file,
      'accounts:\n  - account: https://www.threads.com/@minezk\n    tokenEnv: THREADS_TOKEN_MINEZK\n',
    );
    process.env.ARCHIEFBOT_ACCOUNTS = file;
    process.env.THREADS_TOKEN_MINEZK = owner.token;
    try {
      const a = t.addPost(owner, 'De energietoeslag wordt verlengd.');
      const b = t.addPost(owner, 'Persbericht over netcongestie.');
      const c = t.addPost(owner, 'Vacature beleidsmedewerker.');
      const reply = t.addPost(burger, 'Hoe lang nog?', { replyTo: a.id });

      const watched = await cli(env, 'watch', 'https://www.threads.com/@minezk', '--json');
      expect(watched.code, watched.stderr).toBe(0);
      expect(watched.json.backfill).toMatchObject({ posts: 3, complete: true });
      await cli(env, 'capture', a.url, '--json');
      const first = await cli(env, 'recheck', '--all', '--json');
      expect(first.json.outcomes.map((o: { outcome: string }) => o.outcome)).toEqual(
        expect.arrayContaining(['unchanged']),
      );
      expect(first.json.outcomes.every((o: { outcome: string }) => o.outcome === 'unchanged')).toBe(true);

      t.editPost(a.id, 'De energietoeslag wordt niet verlengd.');
      t.editPost(reply.id, 'Hoe lang nog, en voor wie?');
      t.deletePost(b.id);
      const second = await cli(env, 'recheck', '--all', '--json');
      const byUrl = new Map(
        second.json.outcomes.map((o: { url: string; outcome: string }) => [o.url, o.outcome]),
      );
      expect(byUrl.get(a.url)).toBe('edited');
      expect(byUrl.get(b.url)).toBe('deleted');
      expect(byUrl.get(c.url)).toBe('unchanged');
      // A reply by someone else is read (and captured again) with the owner's token.
      expect(byUrl.get(reply.url)).toBe('edited');

      const alerts = (await cli(env, 'alerts', '--json')).json.alerts;
      const diffs = alerts
        .filter((x: { kind: string }) => x.kind === 'edited')
        .map((x: { detail: { diff: string } }) => x.detail.diff);
      expect(diffs).toEqual(expect.arrayContaining([expect.stringContaining('{+niet+}')]));
      expect(diffs).toEqual(expect.arrayContaining([expect.stringContaining('{+, en voor wie+}')]));
      expect(alerts.find((x: { kind: string }) => x.kind === 'deleted').detail.lastVersion.text).toBe(
        'Persbericht over netcongestie.',
      );
      const versions = (await cli(env, 'show', a.url, '--json')).json.versions;
      expect(versions).toHaveLength(2);
      // No edit time from Threads: the version is dated by the window it was detected in.
      expect(versions[1].validFromLatest).toBeTruthy();
      expect(Date.parse(versions[1].validFrom)).toBeLessThan(Date.parse(versions[1].validFromLatest));
      expect((await cli(env, 'show', b.url, '--json')).json.post.status).toBe('deleted');

      // 5xx and a refused token are errors, never deletions.
      t.failNext(new RegExp(`^/v1.0/${c.id}\\?`), { status: 503, body: '{}', times: 5 });
      const third = await cli({ ...env, ARCHIEFBOT_HTTP_RETRIES: '0' }, 'recheck', '--all', '--json');
      const cOut = third.json.outcomes.find((o: { url: string }) => o.url === c.url);
      expect(cOut.outcome).toBe('error');
      process.env.THREADS_TOKEN_MINEZK = 'expired-token';
      const fourth = await cli(env, 'recheck', '--all', '--json');
      const outcomes = fourth.json.outcomes.map((o: { outcome: string }) => o.outcome);
      expect(outcomes.filter((o: string) => o === 'deleted')).toEqual([]);
      expect(outcomes).toContain('error');
      expect(await count(dataDir, 'alert', "kind = 'deleted'")).toBe(1);
      expect((await cli(env, 'verify')).code).toBe(0);
    } finally {
      process.env.ARCHIEFBOT_ACCOUNTS = path.join(setup.dataDir, 'accounts.yaml');
      delete process.env.THREADS_TOKEN_MINEZK;
    }
    cleanup();
  });

  it('resumes an interrupted backfill from its cursor, without duplicates', async () => {
    const { env, dataDir, cleanup } = fresh({ ARCHIEFBOT_HTTP_RETRIES: '1' });
    const owner = t.addUser('kabinet', 'Kabinet');
    const file = path.join(dataDir, 'accounts.yaml');
    writeFileSync(file, 'accounts:\n  - account: "@kabinet"\n    tokenEnv: THREADS_TOKEN_KABINET\n');
    process.env.ARCHIEFBOT_ACCOUNTS = file;
    process.env.THREADS_TOKEN_KABINET = owner.token;
    try {
      for (let i = 0; i < 230; i++) t.addPost(owner, `Kabinetsbericht ${i}`);
      const { CapturePipeline } = await import('../src/capture/pipeline.ts');
      const failed = await withArchive(dataDir, async (archive) => {
        const pipeline = new CapturePipeline(archive, loadConfig(env));
        try {
          await pipeline.capture(
            { url: 'https://www.threads.com/@kabinet', trigger: 'command' },
            {
              onProgress: (p) => {
                if (p.pages === 1) t.failNext(/\/threads\?/, { status: 500, body: '{}', times: 2 });
              },
            },
          );
          return null;
        } catch (err) {
          return err as Error;
        } finally {
          await pipeline.close();
        }
      });
      expect(failed?.message).toMatch(/HTTP 500/);
      const saved = await count(dataDir, 'post');
      expect(saved).toBeGreaterThanOrEqual(100); // the pages before the failure are kept…
      expect(saved).toBeLessThan(230); // …and the run did stop short
      const before = t.requests.length;
      const r = await cli(env, 'capture', 'https://www.threads.com/@kabinet', '--json');
      expect(r.code, r.stderr).toBe(0);
      expect(r.json).toMatchObject({ resumed: true, complete: true });
      const firstPage = t.requests.slice(before).find((q) => /\/threads\?/.test(q.path))!;
      expect(new URL(firstPage.path, t.url).searchParams.get('after')).toBeTruthy();
      expect(await count(dataDir, 'post')).toBe(230);
      expect(await count(dataDir, 'version')).toBe(230);
    } finally {
      process.env.ARCHIEFBOT_ACCOUNTS = path.join(setup.dataDir, 'accounts.yaml');
      delete process.env.THREADS_TOKEN_KABINET;
    }
    cleanup();
  });
});

describe('the Threads connector on its own', () => {
  it('reads Meta usage headers and says whether it is ready', async () => {
    const h = new Headers({
      'x-app-usage': '{"call_count":28,"total_time":25,"total_cputime":25}',
      'x-business-use-case-usage':
        '{"123":[{"type":"threads","call_count":100,"estimated_time_to_regain_access":7}]}',
    });
    expect(metaUsage(h)).toEqual({ percent: 100, regainMinutes: 7 });
    expect(metaUsage(new Headers())).toBeNull();
    const c = new ThreadsConnector(loadConfig({ ARCHIEFBOT_THREADS_API_URL: t.apiUrl }));
    expect(await c.readiness()).toEqual({ platform: 'threads', state: 'ready' });
    const { env, cleanup } = fresh();
    const status = await cli(env, 'status', '--json');
    expect(status.json.platforms.find((x: { platform: string }) => x.platform === 'threads')).toEqual({
      platform: 'threads',
      state: 'ready',
    });
    cleanup();
    const saved = process.env.ARCHIEFBOT_ACCOUNTS;
    process.env.ARCHIEFBOT_ACCOUNTS = path.join(setup.dataDir, 'none.yaml');
    try {
      expect(await c.readiness()).toMatchObject({
        state: 'not-configured',
        variable: expect.stringContaining('tokenEnv'),
      });
    } finally {
      process.env.ARCHIEFBOT_ACCOUNTS = saved;
    }
    expect(c.match(new URL('https://www.threads.net/@minbzk'))).toEqual({
      kind: 'account',
      url: 'https://www.threads.net/@minbzk',
    });
    expect(c.match(new URL('https://threads.com/@minbzk/post/DAbC-12_x'))?.kind).toBe('post');
    expect(c.match(new URL('https://www.threads.com/search?q=woo'))).toBeNull();
  });
});
