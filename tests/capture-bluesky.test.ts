import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FakeBluesky, type FakeBlueskyOptions, type FakeImage } from './fakes/bluesky.ts';
import { expectNothingWritten, query } from './helpers/archive.ts';
import { cli, testEnv } from './helpers/cli.ts';

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');
const postUrl = (handle: string, rkey: string) => `https://bsky.app/profile/${handle}/post/${rkey}`;

/** Bytes that start like a PNG (so the fake reports an aspect ratio) and differ per seed. */
function png(seed: string): Buffer {
  const dims = Buffer.alloc(8);
  dims.writeUInt32BE(640, 0);
  dims.writeUInt32BE(480, 4);
  return Buffer.concat([
    Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'),
    dims,
    Buffer.from(sha256(seed)),
  ]);
}

async function count(dataDir: string, sql: string, params: unknown[] = []): Promise<number> {
  const [row] = await query<{ n: number }>(dataDir, sql, params);
  return row!.n;
}

/** Things to undo after each test: temp data dirs and per-test fakes. */
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const undo of cleanups.splice(0).reverse()) await undo();
});

function envFor(fake: FakeBluesky, extra: Record<string, string> = {}) {
  // The fake is the AppView, the PLC directory and the accounts' PDS at once.
  const t = testEnv({ ARCHIEFBOT_BSKY_APPVIEW_URL: fake.url, ARCHIEFBOT_PLC_URL: fake.url, ...extra });
  cleanups.push(t.cleanup);
  return t;
}

/** A fake of its own, for tests that make the AppView misbehave. */
async function ownFake(opts: FakeBlueskyOptions = {}): Promise<FakeBluesky> {
  const fake = await FakeBluesky.start(opts);
  cleanups.push(() => fake.close());
  return fake;
}

/**
 * A `failNext` matcher for getAuthorFeed that lets the first page through and matches every later
 * page until `stop()` is called (the fake tests it once per request while the failure has tries left).
 */
class FeedPagesAfterTheFirst extends RegExp {
  private seen = 0;
  private active = true;

  constructor() {
    super('^/xrpc/app\\.bsky\\.feed\\.getAuthorFeed$');
  }

  override test(pathname: string): boolean {
    if (!this.active || !super.test(pathname)) return false;
    this.seen++;
    return this.seen > 1;
  }

  stop(): void {
    this.active = false;
  }
}

const GOV = 'minbzk.bsky.social';
const CITIZEN = 'burger.bsky.social';

let fake: FakeBluesky;
let gov: { did: string; handle: string };

beforeAll(async () => {
  fake = await FakeBluesky.start();
  gov = fake.addAccount({ handle: GOV, displayName: 'Ministerie van BZK' });
  fake.addAccount({ handle: CITIZEN, displayName: 'Een burger' });
});

afterAll(async () => {
  await fake.close();
});

describe('capture of a Bluesky post', () => {
  it('stores the post with its image and nested replies, each reply linked to its parent', async () => {
    const image: FakeImage = { bytes: png('kaart'), mimeType: 'image/png', alt: 'Kaart van de regio' };
    const main = fake.addPost({
      handle: GOV,
      text: 'Vandaag publiceren we de regiokaart voor de woningbouw.',
      images: [image],
      createdAt: '2025-03-01T09:00:00.000Z',
    });
    const r1 = fake.addPost({
      handle: CITIZEN,
      text: 'Waar vind ik de cijfers per gemeente?',
      replyTo: main.uri,
    });
    const r2 = fake.addPost({ handle: GOV, text: 'De cijfers staan in de bijlage.', replyTo: r1.uri });
    const r3 = fake.addPost({ handle: CITIZEN, text: 'Goed initiatief.', replyTo: main.uri });
    const { env, dataDir } = envFor(fake);

    const r = await cli(env, 'capture', postUrl(GOV, main.rkey), '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.json).toMatchObject({
      post: {
        platform: 'bluesky',
        url: postUrl(GOV, main.rkey),
        author: GOV,
        createdAt: '2025-03-01T09:00:00.000Z',
        text: 'Vandaag publiceren we de regiokaart voor de woningbouw.',
        status: 'live',
      },
      version: 1,
      replies: 3,
      media: 1,
    });
    expect(r.json.post.id).toEqual(expect.any(Number));
    expect(r.json.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(r.json.warc.offset).toEqual(expect.any(Number));
    expect(existsSync(path.join(dataDir, 'warc', r.json.warc.file))).toBe(true);

    // Every reply is its own post of kind 'reply', pointing at its parent.
    const replies = await query<{ platform_id: string; kind: string; parent_platform_id: string }>(
      dataDir,
      "SELECT platform_id, kind, parent_platform_id FROM post WHERE platform = 'bluesky' AND platform_id != ?",
      [main.uri],
    );
    expect(replies).toEqual(
      expect.arrayContaining([
        { platform_id: r1.uri, kind: 'reply', parent_platform_id: main.uri },
        { platform_id: r2.uri, kind: 'reply', parent_platform_id: r1.uri },
        { platform_id: r3.uri, kind: 'reply', parent_platform_id: main.uri },
      ]),
    );
    expect(replies).toHaveLength(3);

    // show: the main post lists its direct replies; the nested reply hangs under the first one.
    const shown = await cli(env, 'show', String(r.json.post.id), '--json');
    expect(shown.code).toBe(0);
    expect(shown.json.post).toMatchObject({ kind: 'post', platformId: main.uri, parent: null });
    expect(shown.json.versions).toHaveLength(1);
    expect(shown.json.versions[0].sha256).toBe(r.json.sha256);
    expect(
      shown.json.replies.map((x: { url: string; author: string; text: string }) => [x.url, x.author, x.text]),
    ).toEqual([
      [postUrl(CITIZEN, r1.rkey), CITIZEN, 'Waar vind ik de cijfers per gemeente?'],
      [postUrl(CITIZEN, r3.rkey), CITIZEN, 'Goed initiatief.'],
    ]);
    const first = await cli(env, 'show', postUrl(CITIZEN, r1.rkey), '--json');
    expect(first.json.post).toMatchObject({
      kind: 'reply',
      parent: { id: r.json.post.id, platformId: main.uri },
    });
    expect(first.json.replies.map((x: { url: string }) => x.url)).toEqual([postUrl(GOV, r2.rkey)]);
    const nested = await cli(env, 'show', r2.uri, '--json');
    expect(nested.json.post).toMatchObject({
      kind: 'reply',
      text: 'De cijfers staan in de bijlage.',
      parent: { id: first.json.post.id, platformId: r1.uri },
    });

    // The image: the original blob from the author's PDS (its bytes hash to the CID the record
    // names), with its alt text; the CDN's re-encoded copy is kept beside it as the rendition.
    expect(shown.json.media).toHaveLength(1);
    expect(shown.json.media[0]).toMatchObject({
      version: 1,
      sha256: sha256(image.bytes),
      type: 'image',
      mime: 'image/png',
      size: image.bytes.length,
      description: 'Kaart van de regio',
    });
    expect(shown.json.media[0].url).toContain('/xrpc/com.atproto.sync.getBlob?did=');
    expect(shown.json.media[0].evidence).not.toBeNull();
    const held = await query<{ sha256: string; mime: string; url: string }>(
      dataDir,
      'SELECT sha256, mime, url FROM media ORDER BY url',
    );
    expect(held).toHaveLength(2);
    expect(held.find((m) => m.sha256 === sha256(image.bytes))?.mime).toBe('image/png');
    const rendition = held.find((m) => m.sha256 !== sha256(image.bytes))!;
    expect(rendition).toMatchObject({ mime: 'image/jpeg' });
    expect(rendition.url).toContain('/img/feed_fullsize/plain/');

    const verify = await cli(env, 'verify', '--json');
    expect(verify.json).toMatchObject({ ok: true, problems: [] });
    expect(verify.code).toBe(0);
  });

  it('an at:// URI (DID or handle form) names the same archived post as its bsky.app URL', async () => {
    const p = fake.addPost({ handle: GOV, text: 'Nieuwe subsidieregeling voor verduurzaming.' });
    const { env } = envFor(fake);

    const viaUrl = await cli(env, 'capture', postUrl(GOV, p.rkey), '--json');
    expect(viaUrl.code).toBe(0);
    expect(p.uri).toBe(`at://${gov.did}/app.bsky.feed.post/${p.rkey}`);
    const viaDid = await cli(env, 'capture', p.uri, '--json');
    expect(viaDid.code).toBe(0);
    const viaHandle = await cli(env, 'capture', `at://${GOV}/app.bsky.feed.post/${p.rkey}`, '--json');
    expect(viaHandle.code).toBe(0);

    for (const again of [viaDid, viaHandle]) {
      expect(again.json.post.id).toBe(viaUrl.json.post.id);
      expect(again.json.post.url).toBe(postUrl(GOV, p.rkey));
      expect(again.json.version).toBe(1);
      expect(again.json.sha256).toBe(viaUrl.json.sha256);
    }
    const shown = await cli(env, 'show', p.uri, '--json');
    expect(shown.code).toBe(0);
    expect(shown.json.post.id).toBe(viaUrl.json.post.id);
    expect(shown.json.versions).toHaveLength(1);
    expect(shown.json.captures).toHaveLength(3);
  });

  it('capturing unchanged content twice records a second sighting but no new version', async () => {
    const p = fake.addPost({ handle: GOV, text: 'Openingstijden tijdens de feestdagen.' });
    const { env, dataDir } = envFor(fake);

    const one = await cli(env, 'capture', postUrl(GOV, p.rkey), '--json');
    const two = await cli(env, 'capture', postUrl(GOV, p.rkey), '--json');
    expect([one.code, two.code]).toEqual([0, 0]);
    expect(two.json.post.id).toBe(one.json.post.id);
    expect(two.json.version).toBe(1);
    expect(two.json.newVersion).toBe(false);
    expect(two.json.sha256).toBe(one.json.sha256);
    expect(
      await count(dataDir, 'SELECT count(*) AS n FROM version WHERE post_id = ?', [one.json.post.id]),
    ).toBe(1);

    const shown = await cli(env, 'show', String(one.json.post.id), '--json');
    expect(shown.json.versions).toHaveLength(1);
    expect(shown.json.captures.map((c: { version: number }) => c.version)).toEqual([1, 1]);
  });

  const updates: { what: string; change: Parameters<FakeBluesky['updatePost']>[1]; field: string }[] = [
    { what: 'text', change: { text: 'Correctie: de regeling opent op 1 april.' }, field: 'text' },
    {
      what: 'image',
      change: { images: [{ bytes: png('nieuwe-affiche'), mimeType: 'image/png', alt: 'Nieuwe affiche' }] },
      field: 'media',
    },
    { what: 'labels', change: { labels: ['graphic-media'] }, field: 'sensitive' },
  ];
  it.each(updates)(
    'a protocol-level update of the $what makes version 2 and keeps version 1 as it was',
    async ({ change, field }) => {
      const original = 'De regeling opent op 1 maart.';
      const p = fake.addPost({
        handle: GOV,
        text: original,
        images: [{ bytes: png('affiche'), mimeType: 'image/png', alt: 'Affiche' }],
      });
      const { env, dataDir } = envFor(fake);

      const before = await cli(env, 'capture', postUrl(GOV, p.rkey), '--json');
      expect(before.code).toBe(0);
      fake.updatePost(p.uri, change);
      const after = await cli(env, 'capture', postUrl(GOV, p.rkey), '--json');
      expect(after.code).toBe(0);
      expect(after.json).toMatchObject({ version: 2, newVersion: true, post: { status: 'edited' } });
      expect(after.json.post.id).toBe(before.json.post.id);
      expect(after.json.sha256).not.toBe(before.json.sha256);

      const shown = await cli(env, 'show', String(before.json.post.id), '--json');
      const versions = shown.json.versions as {
        number: number;
        sha256: string;
        text: string;
        changed: string[];
      }[];
      expect(versions.map((v) => v.number)).toEqual([1, 2]);
      expect(versions[0]!.sha256).toBe(before.json.sha256);
      expect(versions[0]!.text).toBe(original);
      expect(versions[1]!.sha256).toBe(after.json.sha256);
      expect(versions[1]!.text).toBe(change.text ?? original);
      expect(versions[1]!.changed).toContain(field);
      expect(shown.json.post.status).toBe('edited');
      expect(
        await count(dataDir, 'SELECT count(*) AS n FROM version WHERE post_id = ?', [before.json.post.id]),
      ).toBe(2);
    },
  );

  it('a changed like, repost or reply count alone does not make a new version', async () => {
    const p = fake.addPost({ handle: GOV, text: 'Bekijk de livestream van het debat.' });
    const { env, dataDir } = envFor(fake);

    const before = await cli(env, 'capture', postUrl(GOV, p.rkey), '--json');
    fake.setCounts(p.uri, { likeCount: 1234, repostCount: 56, quoteCount: 7 });
    const after = await cli(env, 'capture', postUrl(GOV, p.rkey), '--json');
    expect([before.code, after.code]).toEqual([0, 0]);
    expect(after.json).toMatchObject({ version: 1, newVersion: false, post: { status: 'live' } });
    expect(after.json.sha256).toBe(before.json.sha256);
    expect(await count(dataDir, 'SELECT count(*) AS n FROM version')).toBe(1);
  });

  it('capturing a nested reply also archives its ancestors, linked parent to child', async () => {
    const root = fake.addPost({ handle: GOV, text: 'Vragen over de nieuwe Omgevingswet?' });
    const q = fake.addPost({ handle: CITIZEN, text: 'Geldt dit ook voor dakkapellen?', replyTo: root.uri });
    const a = fake.addPost({ handle: GOV, text: 'Ja, kijk op het Omgevingsloket.', replyTo: q.uri });
    const { env } = envFor(fake);

    const r = await cli(env, 'capture', postUrl(GOV, a.rkey), '--json');
    expect(r.code).toBe(0);
    expect(r.json.replies).toBe(0);
    const shownRoot = await cli(env, 'show', root.uri, '--json');
    expect(shownRoot.code).toBe(0);
    expect(shownRoot.json.post.kind).toBe('post');
    expect(shownRoot.json.replies.map((x: { url: string }) => x.url)).toEqual([postUrl(CITIZEN, q.rkey)]);
    const shownA = await cli(env, 'show', String(r.json.post.id), '--json');
    expect(shownA.json.post.parent).toMatchObject({ platformId: q.uri, url: postUrl(CITIZEN, q.rkey) });
    expect(shownA.json.post.parent.id).toEqual(expect.any(Number));
  });
});

describe('failed Bluesky captures exit 1 and leave nothing half-written', () => {
  it('a deleted post: exit 1, "not found", no post, version or WARC record', async () => {
    const p = fake.addPost({ handle: GOV, text: 'Dit bericht wordt verwijderd.' });
    fake.deletePost(p.uri);
    const { env, dataDir } = envFor(fake);

    const r = await cli(env, 'capture', postUrl(GOV, p.rkey), '--json');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${postUrl(GOV, p.rkey)} does not exist (any more)`);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.json.error.code).toBe('not-found');
    expect(r.json.error.message).toMatch(/not found/i);
    await expectNothingWritten(dataDir);
  });

  it('a post URL with an unknown handle: exit 1, reported as not found', async () => {
    const { env, dataDir } = envFor(fake);

    const r = await cli(env, 'capture', postUrl('bestaatniet.bsky.social', '3lbcdefghij2k'), '--json');
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('bestaatniet.bsky.social');
    expect(r.json.error.code).toBe('not-found');
    expect(r.stderr).toMatch(/does not exist/i);
    expect(r.json.error.message).toMatch(/not found/i);
    await expectNothingWritten(dataDir);
  });

  it('an account URL with an unknown handle: exit 1, reported as not found', async () => {
    const { env, dataDir } = envFor(fake);

    const r = await cli(env, 'capture', 'https://bsky.app/profile/bestaatniet.bsky.social', '--json');
    expect(r.code).toBe(1);
    expect(r.json.error.code).toBe('not-found');
    expect(r.stderr).toContain('https://bsky.app/profile/bestaatniet.bsky.social does not exist');
    expect(r.json.error.message).toMatch(/not found/i);
    await expectNothingWritten(dataDir);
  });

  it('a 429 with Retry-After is waited out and the capture then succeeds', async () => {
    const own = await ownFake();
    own.addAccount({ handle: GOV });
    const p = own.addPost({ handle: GOV, text: 'Persbericht na de ministerraad.' });
    own.failNext(/getPostThread$/, { status: 429, headers: { 'Retry-After': '0' } });
    const { env } = envFor(own);

    const r = await cli(env, 'capture', postUrl(GOV, p.rkey), '--json');
    expect(r.code).toBe(0);
    expect(r.json).toMatchObject({ version: 1, post: { text: 'Persbericht na de ministerraad.' } });
    expect(own.requests.filter((q) => q.path.includes('getPostThread'))).toHaveLength(2);
  });

  it('malformed JSON answered persistently: exit 1 about invalid JSON, nothing written', async () => {
    const own = await ownFake();
    own.addAccount({ handle: GOV });
    const p = own.addPost({ handle: GOV, text: 'Dit antwoord komt kapot aan.' });
    own.failNext(/getPostThread$/, { status: 200, body: '{"thread": {"post": {"uri": "at://', times: 100 });
    const { env, dataDir } = envFor(own);

    const r = await cli(env, 'capture', postUrl(GOV, p.rkey), '--json');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/sent an answer I can't read/i);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.json.error.code).toBe('bad-response');
    expect(r.json.error.message).toMatch(/not valid JSON/i);
    await expectNothingWritten(dataDir);
  });
});

describe('Bluesky account backfill', () => {
  const texts = (i: number) =>
    i === 137 ? 'Kamerbrief over het stikstofbeleid verstuurd.' : `Bericht ${i} van de rijksoverheid.`;

  /** Adds n posts (oldest first) and returns their AT-URIs and rkeys. */
  function addPosts(f: FakeBluesky, handle: string, n: number) {
    return Array.from({ length: n }, (_, i) => f.addPost({ handle, text: texts(i) }));
  }

  it('backfills all 250 posts, finds one by a word, and verify passes', async () => {
    const handle = 'rijksoverheid.bsky.social';
    fake.addAccount({ handle, displayName: 'Rijksoverheid' });
    const posts = addPosts(fake, handle, 250);
    const { env, dataDir } = envFor(fake);

    const r = await cli(env, 'capture', `https://bsky.app/profile/${handle}`, '--json');
    expect(r.code).toBe(0);
    expect(r.json).toMatchObject({
      kind: 'account',
      account: { platform: 'bluesky', handle },
      posts: 250,
      newVersions: 250,
      resumed: false,
      complete: true,
    });
    const rows = await query<{ platform_id: string }>(
      dataDir,
      'SELECT p.platform_id FROM post p JOIN account a ON a.id = p.account_id WHERE a.handle = ?',
      [handle],
    );
    expect(rows.map((x) => x.platform_id).sort()).toEqual(posts.map((p) => p.uri).sort());
    expect(await count(dataDir, 'SELECT count(*) AS n FROM version')).toBe(250);

    const found = await cli(env, 'search', 'stikstofbeleid', '--json');
    expect(found.code).toBe(0);
    expect(found.json.query).toBe('stikstofbeleid');
    expect(found.json.hits).toHaveLength(1);
    expect(found.json.hits[0]).toMatchObject({ url: postUrl(handle, posts[137]!.rkey), author: handle });
    expect(found.json.hits[0].snippet).toContain('stikstofbeleid');

    const verify = await cli(env, 'verify', '--json');
    expect(verify.json).toMatchObject({ ok: true, problems: [] });
    expect(verify.code).toBe(0);
  });

  it('an interrupted backfill resumes from its cursor and ends with every post exactly once', async () => {
    const own = await ownFake();
    const handle = 'rijksoverheid.bsky.social';
    own.addAccount({ handle });
    const posts = addPosts(own, handle, 250);
    const gate = new FeedPagesAfterTheFirst();
    own.failNext(gate, { status: 500, times: 1000 });
    const { env, dataDir } = envFor(own);
    const account = `https://bsky.app/profile/${handle}`;

    const broken = await cli(env, 'capture', account, '--json');
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/answered with an error/);
    expect(broken.json.error.message).toMatch(/HTTP 500/);
    // The first page (100 posts) was saved before the AppView broke down.
    expect(await count(dataDir, 'SELECT count(*) AS n FROM post')).toBe(100);

    gate.stop();
    const feedRequestsBefore = own.requests.filter((q) => q.path.includes('getAuthorFeed')).length;
    const resumed = await cli(env, 'capture', account, '--json');
    expect(resumed.code).toBe(0);
    expect(resumed.json).toMatchObject({ kind: 'account', posts: 250, resumed: true, complete: true });
    // It went on from the saved cursor instead of starting over at the newest post.
    const feedRequests = own.requests
      .filter((q) => q.path.includes('getAuthorFeed'))
      .slice(feedRequestsBefore);
    expect(feedRequests[0]!.path).toContain('cursor=');

    const rows = await query<{ platform_id: string }>(dataDir, 'SELECT platform_id FROM post');
    expect(rows.map((x) => x.platform_id).sort()).toEqual(posts.map((p) => p.uri).sort());
    expect(await count(dataDir, 'SELECT count(*) AS n FROM version')).toBe(250);
    // Every post was seen by a capture: as a new version, or (seen again unchanged) as a sighting.
    expect(
      await count(
        dataDir,
        "SELECT count(DISTINCT post_id) AS n FROM (SELECT post_id FROM capture_post UNION SELECT post_id FROM version WHERE origin = 'capture')",
      ),
    ).toBe(250);
    expect(await query(dataDir, 'SELECT status, posts FROM backfill')).toEqual([
      { status: 'done', posts: 250 },
    ]);

    const verify = await cli(env, 'verify', '--json');
    expect(verify.json).toMatchObject({ ok: true, problems: [] });
    expect(verify.code).toBe(0);
  });

  it('waits for RateLimit-Reset when the AppView budget is spent, and completes', async () => {
    const own = await ownFake({ rateLimit: { limit: 2, windowMs: 1000 } });
    const handle = 'rijksoverheid.bsky.social';
    own.addAccount({ handle });
    addPosts(own, handle, 150);
    const { env, dataDir } = envFor(own);

    const r = await cli(env, 'capture', `https://bsky.app/profile/${handle}`, '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.json).toMatchObject({ kind: 'account', posts: 150, complete: true });
    expect(await count(dataDir, 'SELECT count(*) AS n FROM post')).toBe(150);
  });
});
