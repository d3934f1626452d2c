import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeMastodon } from './fakes/mastodon.ts';
import { count, readAllWarc, sha256, withArchive } from './helpers/archive.ts';
import { cli, testEnv } from './helpers/cli.ts';

const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000020000000208060000007bd4ed8c0000000d49444154789c63f8cfc0f01f0005000201e5273fbc0000000049454e44ae426082',
  'hex',
);
const JPEG = Buffer.concat([
  Buffer.from('ffd8ffe000104a464946', 'hex'),
  Buffer.alloc(64, 7),
  Buffer.from('ffd9', 'hex'),
]);

let m: FakeMastodon;

beforeAll(async () => {
  m = await FakeMastodon.start();
  m.addAccount({ username: 'minbzk', displayName: 'Ministerie van BZK' });
  m.addAccount({ username: 'burger', displayName: 'Een burger' });
  m.addAccount({ username: 'webcare', displayName: 'Webcare BZK' });
});
afterAll(() => m.close());

function fresh() {
  const t = testEnv();
  return t;
}

describe('capturing a Mastodon post', () => {
  it('keeps the post, its replies (as replies with their parent) and its media', async () => {
    const { env, dataDir, cleanup } = fresh();
    const post = m.addStatus({
      username: 'minbzk',
      content: '<p>Het <strong>jaarverslag</strong> over de Woo staat online.</p><p>Zie de bijlage.</p>',
      media: [{ bytes: PNG, contentType: 'image/png', description: 'Grafiek van het aantal verzoeken' }],
    });
    const reply = m.addStatus({ username: 'burger', content: '<p>Waar precies?</p>', inReplyToId: post.id });
    m.addStatus({ username: 'webcare', content: '<p>Op rijksoverheid.nl</p>', inReplyToId: reply.id });

    const r = await cli(env, 'capture', post.url, '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.json.post).toMatchObject({
      platform: 'mastodon',
      url: post.url,
      author: `minbzk@${m.host}`,
      status: 'live',
    });
    expect(r.json.post.text).toContain('jaarverslag over de Woo staat online.');
    expect(r.json.post.text).not.toContain('<strong>');
    expect(r.json).toMatchObject({ version: 1, replies: 2, media: 1 });
    expect(r.json.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(r.json.warc.file).toMatch(/\.warc\.gz$/);
    expect(r.json.warc.offset).toBeGreaterThan(0);

    const show = await cli(env, 'show', String(r.json.post.id), '--json');
    expect(show.code).toBe(0);
    expect(show.json.replies.map((x: { text: string }) => x.text)).toEqual(['Waar precies?']);
    // Every captured post is appraised by the knowledge base's rules, and the appraisal is kept with it.
    expect(show.json.appraisal).toMatchObject({ reason: expect.any(String), inference: expect.any(Boolean) });
    expect(['B', 'V', null]).toContain(show.json.appraisal.valuation);
    const replyShow = await cli(env, 'show', String(show.json.replies[0].id), '--json');
    expect(replyShow.json.appraisal).not.toBeNull();
    expect(show.json.media).toHaveLength(1);
    expect(show.json.media[0]).toMatchObject({
      sha256: sha256(PNG),
      size: PNG.length,
      description: 'Grafiek van het aantal verzoeken',
    });

    const nested = await withArchive(dataDir, (a) =>
      a.db.all<{ kind: string; parent: string | null }>(
        `SELECT kind, (SELECT q.url FROM post q WHERE q.platform_id = p.parent_platform_id) AS parent FROM post p ORDER BY id`,
      ),
    );
    expect(nested.map((p) => p.kind)).toEqual(['post', 'reply', 'reply']);
    expect(nested[1]!.parent).toBe(post.url);
    expect(nested[2]!.parent).toBe(reply.url);
    cleanup();
  });

  it('records a second capture of unchanged content as a sighting, not a new version', async () => {
    const { env, dataDir, cleanup } = fresh();
    const post = m.addStatus({ username: 'minbzk', content: '<p>Ongewijzigd bericht</p>' });
    const first = await cli(env, 'capture', post.url, '--json');
    m.setCounts(post.id, { favourites: 42, reblogs: 7 }); // counters are not content
    const second = await cli(env, 'capture', post.url, '--json');
    expect(second.code).toBe(0);
    expect(second.json.version).toBe(1);
    expect(second.json.sha256).toBe(first.json.sha256);
    expect(second.json.newVersion).toBe(false);
    expect(await count(dataDir, 'version')).toBe(1);
    const show = await cli(env, 'show', post.url, '--json');
    expect(show.json.captures).toHaveLength(2);
    expect(show.json.captures.map((c: { version: number }) => c.version)).toEqual([1, 1]);
    cleanup();
  });

  it('keeps both versions when the post is edited, with what changed', async () => {
    const { env, cleanup } = fresh();
    const post = m.addStatus({ username: 'minbzk', content: '<p>De minister opent vandaag het loket.</p>' });
    const v1 = await cli(env, 'capture', post.url, '--json');
    m.editStatus(post.id, {
      content: '<p>De minister opent morgen het loket.</p>',
      spoilerText: 'Correctie',
    });
    const v2 = await cli(env, 'capture', post.url, '--json');
    expect(v2.code).toBe(0);
    expect(v2.json.version).toBe(2);
    expect(v2.json.post.status).toBe('edited');
    expect(v2.json.sha256).not.toBe(v1.json.sha256);
    const show = await cli(env, 'show', post.url, '--json');
    expect(show.json.post.status).toBe('edited');
    expect(show.json.versions.map((v: { text: string }) => v.text)).toEqual([
      'De minister opent vandaag het loket.',
      'De minister opent morgen het loket.',
    ]);
    expect(show.json.versions[1].changed).toEqual(expect.arrayContaining(['text', 'spoilerText']));
    expect(show.json.versions[1].sha256).toBe(v2.json.sha256);
    cleanup();
  });

  it("turns the platform's own edit history into versions marked as such", async () => {
    const { env, cleanup } = fresh();
    const post = m.addStatus({ username: 'minbzk', content: '<p>Eerste tekst</p>' });
    m.editStatus(post.id, { content: '<p>Tweede tekst</p>' });
    m.editStatus(post.id, { content: '<p>Derde tekst</p>' });
    const r = await cli(env, 'capture', post.url, '--json');
    expect(r.json.version).toBe(3);
    const show = await cli(env, 'show', post.url, '--json');
    expect(show.json.versions.map((v: { origin: string; text: string }) => [v.origin, v.text])).toEqual([
      ['platform-history', 'Eerste tekst'],
      ['platform-history', 'Tweede tekst'],
      ['capture', 'Derde tekst'],
    ]);
    // Capturing again adds nothing: the history versions are recognised.
    const again = await cli(env, 'capture', post.url, '--json');
    expect(again.json).toMatchObject({ version: 3, newVersion: false });
    cleanup();
  });

  it('makes a new version when only the media changes, and stores each file once', async () => {
    const { env, dataDir, cleanup } = fresh();
    const post = m.addStatus({
      username: 'minbzk',
      content: '<p>Foto van de opening</p>',
      media: [{ bytes: JPEG, contentType: 'image/jpeg', description: 'opening' }],
    });
    await cli(env, 'capture', post.url, '--json');
    await cli(env, 'capture', post.url, '--json');
    m.editStatus(post.id, { media: [{ bytes: PNG, contentType: 'image/png', description: 'nieuwe foto' }] });
    const r = await cli(env, 'capture', post.url, '--json');
    expect(r.json.version).toBe(2);
    expect(await count(dataDir, 'media')).toBe(2);
    const records = await readAllWarc(dataDir);
    const jpegResponses = records.filter(
      (x) => x.type === 'response' && x.headers.get('warc-payload-digest') === `sha256:${sha256(JPEG)}`,
    );
    const jpegRevisits = records.filter(
      (x) => x.type === 'revisit' && x.headers.get('warc-payload-digest') === `sha256:${sha256(JPEG)}`,
    );
    expect(jpegResponses).toHaveLength(1);
    expect(jpegRevisits.length).toBeGreaterThanOrEqual(1);
    expect(jpegRevisits[0]!.headers.get('warc-refers-to')).toBeTruthy();
    expect(jpegRevisits[0]!.headers.get('warc-profile')).toContain('identical-payload-digest');
    cleanup();
  });

  it('answers a deleted post with a clear error and writes nothing', async () => {
    const { env, dataDir, cleanup } = fresh();
    const post = m.addStatus({ username: 'minbzk', content: '<p>Wordt verwijderd</p>' });
    m.deleteStatus(post.id);
    const r = await cli(env, 'capture', post.url, '--json');
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`${post.url} does not exist (any more)`);
    expect(r.json.error.code).toBe('not-found');
    expect(r.json.error.message).toMatch(/not found/);
    expect(await count(dataDir, 'post')).toBe(0);
    expect(await count(dataDir, 'version')).toBe(0);
    expect((await readAllWarc(dataDir)).filter((x) => x.type !== 'warcinfo')).toHaveLength(0);
    // The attempt itself stays visible as a failed capture in the audit trail.
    expect(await count(dataDir, 'capture', "status = 'failed'")).toBe(1);
    const unknown = await cli(env, 'capture', `${m.url}/@minbzk/123456789`);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/does not exist/);
    cleanup();
  });

  it('waits out a 429 (Retry-After) and then captures', async () => {
    const { env, cleanup } = fresh();
    const post = m.addStatus({ username: 'minbzk', content: '<p>Na de drukte</p>' });
    m.failNext(new RegExp(`/api/v1/statuses/${post.id}$`), {
      status: 429,
      body: '{"error":"Too many requests"}',
      headers: { 'retry-after': '1', 'x-ratelimit-remaining': '0' },
    });
    const started = Date.now();
    const r = await cli(env, 'capture', post.url, '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(r.json.version).toBe(1);
    cleanup();
  });

  it('gives up on a platform that keeps failing, with the reason', async () => {
    const { env, dataDir, cleanup } = fresh();
    const post = m.addStatus({ username: 'minbzk', content: '<p>Storing</p>' });
    m.failNext(new RegExp(`/api/v1/statuses/${post.id}$`), { status: 503, times: 10 });
    const r = await cli({ ...env, ARCHIEFBOT_HTTP_RETRIES: '2' }, 'capture', post.url, '--json');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/answered with an error; try again later/);
    expect(r.json.error.code).toBe('platform-error');
    expect(r.json.error.message).toMatch(/HTTP 503.*3 tries|3 tries.*HTTP 503/);
    expect(await count(dataDir, 'version')).toBe(0);
    cleanup();
  });

  it('retries a malformed JSON answer once, and reports one that stays malformed', async () => {
    const { env, dataDir, cleanup } = fresh();
    const post = m.addStatus({ username: 'minbzk', content: '<p>Half antwoord</p>' });
    m.failNext(new RegExp(`/api/v1/statuses/${post.id}/context$`), {
      status: 200,
      body: '{"ancestors": [{"id": "12',
    });
    const ok = await cli(env, 'capture', post.url, '--json');
    expect(ok.code, ok.stderr).toBe(0);

    const other = m.addStatus({ username: 'minbzk', content: '<p>Kapot antwoord</p>' });
    m.failNext(new RegExp(`/api/v1/statuses/${other.id}$`), { status: 200, body: '{"id": "12', times: 10 });
    const bad = await cli(env, 'capture', other.url, '--json');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/sent an answer I can't read/);
    expect(bad.json.error.message).toMatch(/not valid JSON/);
    expect(await count(dataDir, 'post', `url = '${other.url}'`)).toBe(0);
    cleanup();
  });

  it('refuses a suspended account and says so', async () => {
    const { env, cleanup } = fresh();
    m.addAccount({ username: 'geschorst' });
    m.addStatus({ username: 'geschorst', content: '<p>x</p>' });
    m.suspendAccount('geschorst');
    const r = await cli(env, 'capture', `${m.url}/@geschorst`, '--json');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${m.url}/@geschorst cannot be seen publicly`);
    expect(r.json.error.code).toBe('unavailable');
    expect(r.json.error.message).toMatch(/suspended/);
    cleanup();
  });
});

describe('account backfill', () => {
  it('pages through every post the account has, following the Link header', async () => {
    const { env, dataDir, cleanup } = fresh();
    m.addAccount({ username: 'rijksoverheid' });
    m.addStatuses(130, 'rijksoverheid', (i) => `<p>Nieuwsbericht nummer ${i} over de begroting</p>`);
    const before = m.requests.length;
    const r = await cli(env, 'capture', `${m.url}/@rijksoverheid`, '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.json).toMatchObject({ kind: 'account', posts: 130, complete: true, resumed: false, pages: 4 });
    const pages = m.requests.slice(before).filter((q) => /\/accounts\/\d+\/statuses/.test(q.path));
    expect(pages.map((q) => new URL(q.path, m.url).searchParams.has('max_id'))).toEqual([
      false,
      true,
      true,
      true,
    ]);
    expect(await count(dataDir, 'post')).toBe(130);
    const hit = await cli(env, 'search', 'nummer', '77', '--json');
    expect(hit.json.hits).toHaveLength(1);
    expect(hit.json.hits[0].snippet).toContain('«nummer» «77»');
    // Backfilling again finds nothing new: no new versions, same posts.
    const again = await cli(env, 'capture', `${m.url}/@rijksoverheid`, '--json');
    expect(again.json).toMatchObject({ posts: 130, newVersions: 0, complete: true });
    expect(await count(dataDir, 'version')).toBe(130);
    cleanup();
  });

  it('resumes from the last saved page after a failure, without duplicates', async () => {
    const { env, dataDir, cleanup } = fresh();
    m.addAccount({ username: 'kabinet' });
    m.addStatuses(200, 'kabinet', (i) => `<p>Kabinetsbericht ${i}</p>`);
    const { CapturePipeline } = await import('../src/capture/pipeline.ts');
    const { loadConfig } = await import('../src/config.ts');
    const config = loadConfig({ ...env, ARCHIEFBOT_HTTP_RETRIES: '1' });
    const failed = await withArchive(dataDir, async (archive) => {
      const pipeline = new CapturePipeline(archive, config);
      try {
        await pipeline.capture(
          { url: `${m.url}/@kabinet`, trigger: 'command' },
          {
            // After the second page is saved, the platform starts failing.
            onProgress: (p) => {
              if (p.pages === 2) m.failNext(/\/api\/v1\/accounts\/\d+\/statuses$/, { status: 500, times: 2 });
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
    expect(saved).toBeGreaterThanOrEqual(80); // the pages before the failure are kept…
    expect(saved).toBeLessThan(200); // …and the run did stop short

    const before = m.requests.length;
    const r = await cli(env, 'capture', `${m.url}/@kabinet`, '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.json).toMatchObject({ resumed: true, complete: true, posts: 200 });
    const firstPage = m.requests.slice(before).find((q) => /\/accounts\/\d+\/statuses/.test(q.path))!;
    expect(new URL(firstPage.path, m.url).searchParams.has('max_id')).toBe(true); // continued, not restarted
    expect(await count(dataDir, 'post')).toBe(200);
    expect(await count(dataDir, 'version')).toBe(200);
    const status = await withArchive(dataDir, (a) =>
      a.db.get<{ status: string; posts: number }>('SELECT status, posts FROM backfill'),
    );
    expect(status).toEqual({ status: 'done', posts: 200 });
    cleanup();
  });
});
