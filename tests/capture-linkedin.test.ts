import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { littleText, parseLinkedIn } from '../src/capture/connectors/linkedin/api.ts';
import { LinkedInConnector } from '../src/capture/connectors/linkedin.ts';
import { loadConfig } from '../src/config.ts';
import { FakeLinkedIn } from './fakes/linkedin.ts';
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
const BURGER = 'urn:li:person:Ab12Cd34Ef';

let li: FakeLinkedIn;
let bzk: ReturnType<FakeLinkedIn['addOrganisation']>;
let setup: ReturnType<typeof testEnv>;
const TOKEN = 'AQV-bzk-admin-token';

function accounts(file: string, lines: [account: string, variable: string][]): void {
  writeFileSync(
    file,
    ['accounts:', ...lines.flatMap(([a, v]) => [`  - account: ${a}`, `    tokenEnv: ${v}`]), ''].join('\n'),
  );
  process.env.ARCHIEFBOT_ACCOUNTS = file;
}

// The admin's token comes from the variable config/accounts.yaml names (tokenEnv), as in production.
beforeAll(async () => {
  li = await FakeLinkedIn.start();
  bzk = li.addOrganisation('ministerie-van-bzk', 'Ministerie van BZK');
  li.addToken(TOKEN, bzk);
  setup = testEnv();
  accounts(path.join(setup.dataDir, 'accounts.yaml'), [
    ['https://www.linkedin.com/company/ministerie-van-bzk/', 'LINKEDIN_TOKEN_BZK'],
  ]);
  process.env.LINKEDIN_TOKEN_BZK = TOKEN;
});
afterAll(async () => {
  await li.close();
  setup.cleanup();
});

function fresh(extra: Record<string, string> = {}) {
  // No Chromium: a refusal stays a refusal instead of falling back to the browser method.
  return testEnv({
    ARCHIEFBOT_LINKEDIN_API_URL: li.url,
    ARCHIEFBOT_CHROMIUM: '/nonexistent/chromium',
    ...extra,
  });
}

describe('capturing a LinkedIn organisation post', () => {
  it('keeps the post (little text unescaped), its images and the comments with nested replies', async () => {
    const { env, dataDir, cleanup } = fresh();
    const post = li.addPost(
      bzk,
      'De Woo-jaarrapportage \\(2025\\) staat online. {hashtag|\\#|Woo} met @[Ministerie van BZK](urn:li:organization:10000)',
      {
        images: [
          { bytes: PNG, contentType: 'image/png', alt: 'Grafiek van het aantal Woo-verzoeken' },
          { bytes: PNG2, contentType: 'image/png', alt: 'Tabel per ministerie' },
        ],
      },
    );
    const comment = li.addComment(post.urn, BURGER, 'Waar staat de tabel per ministerie?');
    li.addComment(post.urn, `urn:li:organization:${bzk.id}`, 'Op rijksoverheid.nl onder Woo.', comment.urn);

    const r = await cli(env, 'capture', post.url, '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.json.post).toMatchObject({ platform: 'linkedin', url: post.url, author: 'ministerie-van-bzk' });
    expect(r.json.post.text).toBe('De Woo-jaarrapportage (2025) staat online. #Woo met Ministerie van BZK');
    expect(r.json).toMatchObject({ version: 1, replies: 2, media: 2 });

    const show = await cli(env, 'show', post.url, '--json');
    expect(show.json.media.map((m: { sha256: string }) => m.sha256)).toEqual([sha256(PNG), sha256(PNG2)]);
    expect(show.json.media[1].description).toBe('Tabel per ministerie');
    const rows = await withArchive(dataDir, (a) =>
      a.db.all<{ kind: string; handle: string; platform_id: string; parent: string | null }>(
        `SELECT p.kind, a.handle, p.platform_id, p.parent_platform_id AS parent
         FROM post p JOIN account a ON a.id = p.account_id ORDER BY p.id`,
      ),
    );
    expect(rows.map((x) => [x.kind, x.handle])).toEqual([
      ['post', 'ministerie-van-bzk'],
      ['comment', BURGER],
      ['reply', 'ministerie-van-bzk'],
    ]);
    expect(rows[0]!.platform_id).toBe(post.urn);
    expect(rows[1]!.parent).toBe(post.urn);
    expect(rows[2]!.parent).toBe(comment.urn);
    const hit = await cli(env, 'search', 'tabel', '--json');
    expect(hit.json.hits.length).toBeGreaterThanOrEqual(1);

    // Every API call carried the token, the version and the Rest.li protocol header.
    const rest = li.requests.filter((q) => q.path.startsWith('/rest/'));
    expect(rest.length).toBeGreaterThan(0);
    for (const q of rest) {
      expect(q.headers['linkedin-version']).toBe('202510');
      expect(q.headers['x-restli-protocol-version']).toBe('2.0.0');
      expect(q.headers.authorization).toBe(`Bearer ${TOKEN}`);
    }
    expect((await readAllWarc(dataDir)).some((x) => x.block.includes(TOKEN))).toBe(false);
    const verified = await cli(env, 'verify', '--json');
    expect(verified.code, verified.stdout).toBe(0);
    expect(verified.json.rederived).toBe(await count(dataDir, 'version'));
    cleanup();
  });

  it('waits out a 429 with Retry-After, then captures', async () => {
    const { env, cleanup } = fresh();
    const post = li.addPost(bzk, 'Na de drukte.');
    li.failNext(new RegExp(`^/rest/posts/${encodeURIComponent(post.urn)}$`), {
      status: 429,
      body: '{"status":429,"serviceErrorCode":101,"code":"TOO_MANY_REQUESTS","message":"Resource level throttle APPLICATION DAY limit for calls to this resource is reached."}',
      headers: { 'retry-after': '1', 'content-type': 'application/json' },
    });
    const started = Date.now();
    const r = await cli(env, 'capture', post.url, '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    cleanup();
  });

  it('pages through many comments by start and count', async () => {
    const { env, cleanup } = fresh();
    const post = li.addPost(bzk, 'Consultatie: wat vindt u van het wetsvoorstel?');
    for (let i = 0; i < 70; i++) li.addComment(post.urn, BURGER, `Reactie nummer ${i}`);
    const before = li.requests.length;
    const r = await cli(env, 'capture', post.url, '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.json.replies).toBe(70);
    const pages = li.requests.slice(before).filter((q) => q.path.includes('/comments?'));
    expect(pages.map((q) => new URL(q.path, li.url).searchParams.get('start'))).toEqual(['0', '50']);
    cleanup();
  });

  it('keeps a video through the Videos API downloadUrl, and an article link', async () => {
    const { env, cleanup } = fresh();
    const MP4 = Buffer.concat([Buffer.from('000000186674797069736f6d', 'hex'), Buffer.alloc(48, 1)]);
    const video = li.addPost(bzk, 'Terugblik op de Woo-dag.', {
      video: { bytes: MP4, contentType: 'video/mp4', alt: 'Woo-dag 2025' },
    });
    const r = await cli(env, 'capture', video.url, '--json');
    expect(r.code, r.stderr).toBe(0);
    const show = await cli(env, 'show', video.url, '--json');
    expect(show.json.media).toHaveLength(1);
    expect(show.json.media[0]).toMatchObject({ sha256: sha256(MP4), type: 'video' });
    const article = li.addPost(bzk, 'Lees het jaarverslag.', {
      article: { source: 'https://www.rijksoverheid.nl/jaarverslag', title: 'Jaarverslag 2025' },
    });
    const a = await cli(env, 'capture', article.url, '--json');
    expect(a.json.post.text).toContain('Jaarverslag 2025'); // the article's title
    expect(a.json.post.text).toContain('Lees het jaarverslag.\nhttps://www.rijksoverheid.nl/jaarverslag');
    cleanup();
  });

  it('matches a pasted activity URL (feed or /posts/ slug) to the post URN through the Activities API', async () => {
    const { env, cleanup } = fresh();
    const post = li.addPost(bzk, 'Vacature: beleidsmedewerker digitale overheid.', { ugc: true });
    const activityId = post.activity.split(':').pop();
    const a = await cli(env, 'capture', `https://www.linkedin.com/feed/update/${post.activity}/`, '--json');
    expect(a.code, a.stderr).toBe(0);
    expect(a.json.post.url).toBe(post.url);
    const b = await cli(
      env,
      'capture',
      `https://nl.linkedin.com/posts/ministerie-van-bzk_vacature-activity-${activityId}-x1Yz/`,
      '--json',
    );
    expect(b.json.post.id).toBe(a.json.post.id);
    expect(b.json.newVersion).toBe(false);
    // An activity LinkedIn does not resolve: the answer asks for the post's own link.
    const unknown = await cli(
      env,
      'capture',
      'https://www.linkedin.com/feed/update/urn:li:activity:123/',
      '--json',
    );
    expect(unknown.json.error.code).toBe('unsupported-url');
    expect(unknown.json.error.message).toContain('Embed this post');
    cleanup();
  });

  it('refuses without a token (naming tokenEnv), with a token of another organisation, and member profiles', async () => {
    const { env, cleanup } = fresh();
    const other = li.addOrganisation('rijksoverheid', 'Rijksoverheid');
    const theirs = li.addPost(other, 'Niet van BZK.');
    const none = await cli(env, 'capture', 'https://www.linkedin.com/company/rijksoverheid/', '--json');
    expect(none.json.error.code).toBe('not-configured');
    expect(none.stderr).toContain(
      'Set tokenEnv for linkedin.com/company/rijksoverheid in config/accounts.yaml',
    );
    const nl = await cli(
      { ...env, ARCHIEFBOT_LANGUAGE: 'nl' },
      'capture',
      'https://www.linkedin.com/company/rijksoverheid/',
    );
    expect(nl.stderr).toContain(
      'Zet tokenEnv bij linkedin.com/company/rijksoverheid in config/accounts.yaml',
    );
    const denied = await cli(env, 'capture', theirs.url, '--json');
    expect(denied.json.error.code).toBe('not-configured');
    expect(denied.json.error.message).toMatch(/403 ACCESS_DENIED/);
    const deniedNl = await cli({ ...env, ARCHIEFBOT_LANGUAGE: 'nl' }, 'capture', theirs.url);
    expect(deniedNl.stderr).toMatch(/het token in \S+ geeft er geen toegang toe \(HTTP 403 ACCESS_DENIED\)/);
    expect(deniedNl.stderr).toContain('nodig is r_organization_social');
    expect(deniedNl.stderr).not.toMatch(/the token of an admin/);
    const member = await cli(env, 'capture', 'https://www.linkedin.com/in/jan-jansen/', '--json');
    expect(member.json.error.code).toBe('unsupported-platform');
    const old = await cli({ ...env, ARCHIEFBOT_LINKEDIN_VERSION: '202001' }, 'capture', theirs.url, '--json');
    expect(old.json.error.code).toBe('not-configured');
    expect(old.stderr).toContain('ARCHIEFBOT_LINKEDIN_VERSION');
    // An answer not in the documented shape is a clear error, never a crash.
    const odd = li.addPost(bzk, 'Vreemd antwoord.');
    li.failNext(new RegExp(`^/rest/posts/${encodeURIComponent(odd.urn)}$`), {
      status: 200,
      body: '{"id": 42, "author": null}',
      times: 3,
    });
    const bad = await cli(env, 'capture', odd.url, '--json');
    expect(bad.json.error.code).toBe('bad-response');
    expect(bad.json.error.message).toMatch(/id|author/);

    const gone = li.addPost(bzk, 'Wordt verwijderd.');
    li.deletePost(gone.urn);
    const r = await cli(env, 'capture', gone.url, '--json');
    expect(r.json.error.code).toBe('not-found');
    cleanup();
  });
});

describe('watching a LinkedIn organisation', () => {
  it('backfills, then re-checks find the edit (dated by lastModifiedAt), deletions of a post and a comment', async () => {
    const { env, dataDir, cleanup } = fresh();
    const ezk = li.addOrganisation('ministerie-van-ezk', 'Ministerie van EZK');
    li.addToken('AQV-ezk-token', ezk);
    accounts(path.join(dataDir, 'accounts.yaml'), [
      ['https://www.linkedin.com/company/ministerie-van-ezk/', 'LINKEDIN_TOKEN_EZK'],
    ]);
    process.env.LINKEDIN_TOKEN_EZK = 'AQV-ezk-token';
    try {
      const a = li.addPost(ezk, 'De energietoeslag wordt verlengd.');
      const b = li.addPost(ezk, 'Persbericht over netcongestie.');
      const c = li.addPost(ezk, 'Vacature beleidsmedewerker.', {
        images: [{ bytes: PNG, contentType: 'image/png' }],
      });
      const comment = li.addComment(c.urn, BURGER, 'Tot wanneer kan ik solliciteren?');
      const question = li.addComment(c.urn, BURGER, 'Is de functie ook in deeltijd?');
      const answer = li.addComment(c.urn, `urn:li:organization:${ezk.id}`, 'Ja, vanaf 24 uur.', question.urn);

      const watched = await cli(
        env,
        'watch',
        'https://www.linkedin.com/company/ministerie-van-ezk/',
        '--json',
      );
      expect(watched.code, watched.stderr).toBe(0);
      expect(watched.json.backfill).toMatchObject({ posts: 3, complete: true });
      await cli(env, 'capture', c.url, '--json'); // with its comment
      const first = await cli(env, 'recheck', '--all', '--json');
      expect(first.json.checked).toBe(6);
      const answerUrl = `${c.url}?commentUrn=${encodeURIComponent(question.urn)}&replyUrn=${encodeURIComponent(answer.urn)}`;
      const shown = await cli(env, 'show', answerUrl, '--json');
      expect(shown.json.post).toMatchObject({ kind: 'reply', text: 'Ja, vanaf 24 uur.' });
      expect(first.json.outcomes.every((o: { outcome: string }) => o.outcome === 'unchanged')).toBe(true);

      const editedAt = li.editPost(a.urn, 'De energietoeslag wordt niet verlengd.');
      li.deletePost(b.urn);
      li.deleteComment(comment.urn);
      li.editComment(answer.urn, 'Ja, vanaf 24 uur per week.');
      const second = await cli(env, 'recheck', '--all', '--json');
      const byUrl = new Map(
        second.json.outcomes.map((o: { url: string; outcome: string }) => [o.url, o.outcome]),
      );
      expect(byUrl.get(a.url)).toBe('edited');
      expect(byUrl.get(b.url)).toBe('deleted');
      expect(byUrl.get(c.url)).toBe('unchanged');
      expect(
        [...byUrl.entries()].find(([u]) => String(u).includes(encodeURIComponent(comment.urn)))?.[1],
      ).toBe('deleted');
      expect(byUrl.get(answerUrl)).toBe('edited');
      const answerVersions = (await cli(env, 'show', answerUrl, '--json')).json.versions;
      expect(answerVersions.map((v: { text: string }) => v.text)).toEqual([
        'Ja, vanaf 24 uur.',
        'Ja, vanaf 24 uur per week.',
      ]);

      const alerts = (await cli(env, 'alerts', '--json')).json.alerts;
      const diffs = alerts
        .filter((x: { kind: string }) => x.kind === 'edited')
        .map((x: { detail: { diff: string } }) => x.detail.diff);
      expect(diffs).toEqual(expect.arrayContaining([expect.stringContaining('{+niet+}')]));
      expect(diffs).toEqual(expect.arrayContaining([expect.stringContaining('{+per week+}')]));
      expect(alerts.filter((x: { kind: string }) => x.kind === 'deleted')).toHaveLength(2);
      const versions = (await cli(env, 'show', a.url, '--json')).json.versions;
      expect(versions).toHaveLength(2);
      expect(versions[1].validFrom).toBe(new Date(editedAt).toISOString()); // LinkedIn's own edit time
      expect(versions[1].validFromLatest).toBeNull();

      // 5xx, 429 and a refused token are errors, never deletions.
      li.failNext(/\/rest\/posts\?ids=/, { status: 503, body: '{"status":503}', times: 3 });
      const third = await cli({ ...env, ARCHIEFBOT_HTTP_RETRIES: '0' }, 'recheck', '--all', '--json');
      expect(third.json.outcomes.find((o: { url: string }) => o.url === c.url).outcome).toBe('error');
      li.failNext(/\/rest\/posts\?ids=/, {
        status: 429,
        body: '{"status":429,"serviceErrorCode":101,"code":"TOO_MANY_REQUESTS","message":"Resource level throttle APPLICATION DAY limit for calls to this resource is reached."}',
        times: 3,
      });
      const fourth = await cli({ ...env, ARCHIEFBOT_HTTP_RETRIES: '0' }, 'recheck', '--all', '--json');
      expect(fourth.json.outcomes.find((o: { url: string }) => o.url === c.url).outcome).toBe('error');
      li.revokeToken('AQV-ezk-token');
      const fifth = await cli(env, 'recheck', '--all', '--json');
      expect(fifth.json.outcomes.find((o: { url: string }) => o.url === c.url).outcome).toBe('error');
      expect(await count(dataDir, 'alert', "kind = 'deleted'")).toBe(2);
      expect((await cli(env, 'verify')).code).toBe(0);
    } finally {
      process.env.ARCHIEFBOT_ACCOUNTS = path.join(setup.dataDir, 'accounts.yaml');
      delete process.env.LINKEDIN_TOKEN_EZK;
    }
    cleanup();
  });

  it('resumes an interrupted backfill from its start offset, with the total for progress', async () => {
    const { env, dataDir, cleanup } = fresh({ ARCHIEFBOT_HTTP_RETRIES: '1' });
    const org = li.addOrganisation('kabinet', 'Kabinet');
    li.addToken('AQV-kabinet', org);
    accounts(path.join(dataDir, 'accounts.yaml'), [
      [`https://www.linkedin.com/company/${org.id}/`, 'LINKEDIN_TOKEN_KABINET'],
    ]);
    process.env.LINKEDIN_TOKEN_KABINET = 'AQV-kabinet';
    try {
      for (let i = 0; i < 120; i++) li.addPost(org, `Kabinetsbericht ${i}`);
      const { CapturePipeline } = await import('../src/capture/pipeline.ts');
      const seen: (number | null)[] = [];
      const failed = await withArchive(dataDir, async (archive) => {
        const pipeline = new CapturePipeline(archive, loadConfig(env));
        try {
          await pipeline.capture(
            { url: `https://www.linkedin.com/company/${org.id}/`, trigger: 'command' },
            {
              onProgress: (p) => {
                seen.push(p.total);
                if (p.pages === 1)
                  li.failNext(/\/rest\/posts\?q=author/, { status: 500, body: '{}', times: 2 });
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
      expect(seen[0]).toBe(120);
      const saved = await count(dataDir, 'post');
      expect(saved).toBeGreaterThanOrEqual(50);
      expect(saved).toBeLessThan(120);
      const before = li.requests.length;
      const r = await cli(env, 'capture', `https://www.linkedin.com/company/${org.id}/`, '--json');
      expect(r.code, r.stderr).toBe(0);
      expect(r.json).toMatchObject({ resumed: true, complete: true });
      const page = li.requests.slice(before).find((q) => /\/rest\/posts\?q=author.*count=50/.test(q.path))!;
      expect(Number(new URL(page.path, li.url).searchParams.get('start'))).toBeGreaterThan(0);
      expect(await count(dataDir, 'post')).toBe(120);
      expect(await count(dataDir, 'version')).toBe(120);
    } finally {
      process.env.ARCHIEFBOT_ACCOUNTS = path.join(setup.dataDir, 'accounts.yaml');
      delete process.env.LINKEDIN_TOKEN_KABINET;
    }
    cleanup();
  });
});

describe('tokens of organisations', () => {
  it('finds the token of an organisation accounts.yaml names by id when the URL gives its vanity name', async () => {
    const { env, dataDir, cleanup } = fresh();
    const fin = li.addOrganisation('ministerie-van-financien', 'Ministerie van Financiën');
    li.addToken('AQV-fin', fin);
    accounts(path.join(dataDir, 'accounts.yaml'), [
      ['https://www.linkedin.com/company/ministerie-van-bzk/', 'LINKEDIN_TOKEN_BZK'],
      [`https://www.linkedin.com/company/${fin.id}/`, 'LINKEDIN_TOKEN_FIN'],
    ]);
    process.env.LINKEDIN_TOKEN_FIN = 'AQV-fin';
    try {
      li.addPost(fin, 'De Miljoenennota is gepubliceerd.');
      const r = await cli(
        env,
        'capture',
        'https://www.linkedin.com/company/ministerie-van-financien/',
        '--json',
      );
      expect(r.code, r.stderr).toBe(0);
      expect(r.json).toMatchObject({ posts: 1, complete: true });
      expect(r.json.account).toMatchObject({
        handle: 'ministerie-van-financien',
        displayName: 'Ministerie van Financiën',
      });
      // A post URL names no organisation: each token is tried until one is not refused (403).
      const post = li.addPost(fin, 'Tweede bericht.');
      const p = await cli(env, 'capture', post.url, '--json');
      expect(p.code, p.stderr).toBe(0);
      expect(p.json.post.author).toBe('ministerie-van-financien');
    } finally {
      process.env.ARCHIEFBOT_ACCOUNTS = path.join(setup.dataDir, 'accounts.yaml');
      delete process.env.LINKEDIN_TOKEN_FIN;
    }
    cleanup();
  });
});

describe('the LinkedIn connector on its own', () => {
  it('reads the URL forms and little text, and says whether it is ready', async () => {
    const u = (s: string) => parseLinkedIn(new URL(s));
    expect(u('https://www.linkedin.com/feed/update/urn:li:share:7300000000000000001/')).toEqual({
      kind: 'post',
      urn: 'urn:li:share:7300000000000000001',
    });
    expect(u('https://www.linkedin.com/feed/update/urn%3Ali%3AugcPost%3A7/')).toEqual({
      kind: 'post',
      urn: 'urn:li:ugcPost:7',
    });
    expect(u('https://www.linkedin.com/posts/minbzk_woo-activity-7123-AbCd')).toEqual({
      kind: 'activity',
      urn: 'urn:li:activity:7123',
    });
    expect(u('https://www.linkedin.com/company/Ministerie-van-BZK/posts/?feedView=all')).toEqual({
      kind: 'organisation',
      name: 'ministerie-van-bzk',
    });
    expect(u('https://lnkd.in/eAbCdEf')).toBeNull(); // an outbound link wrapper: the web connector's
    expect(littleText('Zie \\@rijksoverheid en {hashtag|\\#|Woo} \\[1\\]')).toBe(
      'Zie @rijksoverheid en #Woo [1]',
    );
    const c = new LinkedInConnector(loadConfig({ ARCHIEFBOT_LINKEDIN_API_URL: li.url }));
    expect(await c.readiness()).toEqual({ platform: 'linkedin', state: 'ready' });
    const { env, cleanup } = fresh();
    const status = await cli(env, 'status', '--json');
    expect(status.json.platforms.find((x: { platform: string }) => x.platform === 'linkedin')).toEqual({
      platform: 'linkedin',
      state: 'ready',
    });
    cleanup();
    expect(c.lookupKeys(new URL('https://www.linkedin.com/feed/update/urn:li:share:42/'))).toEqual([
      'urn:li:share:42',
    ]);
  });
});
