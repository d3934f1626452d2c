/**
 * Bluesky as the reference AppView (@atproto/dev-env: PLC, PDS and AppView) serves it (issue 11):
 * deactivated and taken-down accounts, handle changes, original image blobs checked against their
 * CIDs, records rewritten on the same rkey, and quote posts. The fake plays the AppView, the PLC
 * directory and the PDS on one loopback port.
 */
import { createHash } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { base32Lower, rawBlobCid } from '../src/capture/connectors/bluesky/cid.ts';
import { didDocumentUrl, pdsOf } from '../src/capture/connectors/bluesky/identity.ts';
import { readBeforeQuoteEnding, rereadingOf } from '../src/capture/connectors/bluesky/rereading.ts';
import { BlueskyConnector, type BlueskyContent } from '../src/capture/connectors/bluesky.ts';
import { HttpClient } from '../src/capture/http.ts';
import { CapturePipeline } from '../src/capture/pipeline.ts';
import { loadConfig } from '../src/config.ts';
import { contentHash } from '../src/domain/content.ts';
import { applyHandleChanges } from '../src/store/ingest/accounts.ts';
import { FakeBluesky } from './fakes/bluesky.ts';
import { ingestCaptured, query, withArchive } from './helpers/archive.ts';
import { cli, testEnv } from './helpers/cli.ts';

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');
const postUrl = (actor: string, rkey: string) => `https://bsky.app/profile/${actor}/post/${rkey}`;

/** Bytes that start like a PNG (so the fake reports an aspect ratio) and differ per seed. */
function png(seed: string): Buffer {
  const dims = Buffer.alloc(8);
  dims.writeUInt32BE(96, 0);
  dims.writeUInt32BE(64, 4);
  return Buffer.concat([
    Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'),
    dims,
    Buffer.from(sha256(seed)),
  ]);
}

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const undo of cleanups.splice(0).reverse()) await undo();
});

let fake: FakeBluesky;
beforeAll(async () => {
  fake = await FakeBluesky.start();
});
afterAll(async () => {
  await fake.close();
});

/** A fresh archive reading the fake as AppView, PLC directory and PDS. */
function envFor(f: FakeBluesky = fake) {
  const t = testEnv({ ARCHIEFBOT_BSKY_APPVIEW_URL: f.url, ARCHIEFBOT_PLC_URL: f.url });
  cleanups.push(t.cleanup);
  return t;
}

let n = 0;
/** An account of its own for each test (handles are unique in the fake). */
function account(name: string, opts: { didWeb?: boolean } = {}) {
  return fake.addAccount({ handle: `${name}-${++n}.bsky.social`, displayName: name, ...opts });
}

/** verify passes, and re-derived every version from the answer it cites (quoted posts too). */
async function verifyClean(env: NodeJS.ProcessEnv, dataDir: string) {
  const v = await cli(env, 'verify', '--json');
  expect(v.json).toMatchObject({ ok: true, problems: [] });
  expect(v.code).toBe(0);
  const [row] = await query<{ n: number }>(dataDir, 'SELECT count(*) AS n FROM version');
  expect(v.json.rederived).toBe(row!.n);
}

async function versionContent(dataDir: string, postId: number, number = 1) {
  const [row] = await query<{ content: string }>(
    dataDir,
    'SELECT content FROM version WHERE post_id = ? AND number = ?',
    [postId, number],
  );
  return JSON.parse(row!.content);
}

describe('the blob CID encoder and DID documents', () => {
  it('computes CIDv1 raw sha2-256 base32 CIDs as IPFS and atproto write them', () => {
    // Known vectors: the empty blob, and "hello" (ipfs add --cid-version 1 --raw-leaves).
    expect(rawBlobCid(Buffer.alloc(0))).toBe('bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku');
    expect(rawBlobCid(Buffer.from('hello'))).toBe(
      'bafkreibm6jg3ux5qumhcn2b3flc3tyu6dmlb4xa7u5bf44yegnrjhc4yeq',
    );
    // RFC 4648 §10 test vectors, lower case and unpadded.
    expect(['', 'f', 'fo', 'foo', 'foob', 'fooba', 'foobar'].map((s) => base32Lower(Buffer.from(s)))).toEqual(
      ['', 'my', 'mzxq', 'mzxw6', 'mzxw6yq', 'mzxw6ytb', 'mzxw6ytboi'],
    );
  });

  it('finds the PDS in a DID document, from the PLC directory or did:web', () => {
    expect(didDocumentUrl('did:plc:ewvi7nxzyoun6zhxrhs64oiz', 'https://plc.directory/')).toBe(
      'https://plc.directory/did:plc:ewvi7nxzyoun6zhxrhs64oiz',
    );
    expect(didDocumentUrl('did:web:gemeente.example', 'https://plc.directory')).toBe(
      'https://gemeente.example/.well-known/did.json',
    );
    expect(didDocumentUrl('did:web:localhost%3A2583', 'https://plc.directory')).toBe(
      'http://localhost:2583/.well-known/did.json',
    );
    expect(didDocumentUrl('did:key:z6Mk', 'https://plc.directory')).toBeNull();
    const did = 'did:plc:ewvi7nxzyoun6zhxrhs64oiz';
    const service = (id: string, endpoint: unknown) => ({
      id: did,
      service: [{ id, type: 'AtprotoPersonalDataServer', serviceEndpoint: endpoint }],
    });
    expect(pdsOf(service('#atproto_pds', 'https://pds.example/'), did)).toEqual({
      pds: 'https://pds.example',
    });
    expect(pdsOf(service(`${did}#atproto_pds`, 'https://pds.example'), did)).toEqual({
      pds: 'https://pds.example',
    });
    expect(pdsOf(service('#atproto_labeler', 'https://pds.example'), did)).toHaveProperty('problem');
    expect(pdsOf(service('#atproto_pds', 'ftp://pds.example'), did)).toHaveProperty('problem');
    expect(
      pdsOf({ ...service('#atproto_pds', 'https://pds.example'), id: 'did:plc:other' }, did),
    ).toHaveProperty('problem');
  });
});

describe('deactivated and taken-down accounts are unavailable, never deleted', () => {
  it('a deactivated account: capture says unavailable; re-checks mark its posts unavailable and then restored', async () => {
    const gov = account('deactivated');
    const p = fake.addPost({ handle: gov.handle, text: 'Wij verhuizen naar een nieuw account.' });
    const { env, dataDir } = envFor();
    expect((await cli(env, 'capture', postUrl(gov.handle, p.rkey), '--json')).code).toBe(0);

    fake.deactivateAccount(gov.handle);
    const profile = fake.requests.length;
    const again = await cli(env, 'capture', postUrl(gov.handle, p.rkey), '--json');
    expect(again.code).toBe(1);
    expect(again.json.error.code).toBe('unavailable');
    expect(again.json.error.message).toMatch(/deactivated/);
    expect(again.stderr).toContain(
      `${postUrl(gov.handle, p.rkey)} cannot be seen now: its owner deactivated the account`,
    );
    expect(fake.requests.slice(profile).some((r) => r.path.includes('app.bsky.actor.getProfile'))).toBe(true);
    const whole = await cli(env, 'capture', `https://bsky.app/profile/${gov.handle}`, '--json');
    expect(whole.code).toBe(1);
    expect(whole.json.error.code).toBe('unavailable');

    const checked = await cli(env, 'recheck', '--all', '--json');
    expect(checked.json.outcomes.map((o: { outcome: string }) => o.outcome)).toEqual(['unavailable']);
    expect((await cli(env, 'show', p.uri, '--json')).json.post.status).toBe('unavailable');
    const alerts = (await cli(env, 'alerts', '--json')).json.alerts;
    expect(alerts.map((a: { kind: string }) => a.kind)).toEqual(['unavailable']);

    fake.restoreAccount(gov.handle);
    const back = await cli(env, 'recheck', '--all', '--json');
    expect(back.json.outcomes.map((o: { outcome: string }) => o.outcome)).toEqual(['restored']);
    expect(await query(dataDir, "SELECT count(*) AS n FROM alert WHERE kind = 'deleted'")).toEqual([
      { n: 0 },
    ]);
    await verifyClean(env, dataDir);
  });

  it('the AppView answers AccountDeactivated and AccountTakedown as packages/bsky does', async () => {
    const gone = account('gone');
    const banned = account('banned');
    fake.deactivateAccount(gone.handle);
    fake.takedownAccount(banned.handle);
    const ask = async (method: string, actor: string) => {
      const res = await fetch(`${fake.url}/xrpc/${method}?actor=${actor}`);
      return { status: res.status, body: await res.json() };
    };
    for (const method of ['app.bsky.actor.getProfile', 'app.bsky.feed.getAuthorFeed']) {
      expect(await ask(method, gone.did)).toEqual({
        status: 400,
        body: { error: 'AccountDeactivated', message: 'Account is deactivated' },
      });
      expect(await ask(method, banned.handle)).toEqual({
        status: 400,
        body: { error: 'AccountTakedown', message: 'Account has been suspended' },
      });
    }
  });

  it('a taken-down account: its archived posts become unavailable (alert), not deleted', async () => {
    const gov = account('takedown');
    const p = fake.addPost({ handle: gov.handle, text: 'Persbericht.' });
    const { env } = envFor();
    expect((await cli(env, 'capture', postUrl(gov.handle, p.rkey), '--json')).code).toBe(0);
    fake.takedownAccount(gov.handle);
    const checked = await cli(env, 'recheck', '--all', '--json');
    expect(checked.json.outcomes).toMatchObject([{ outcome: 'unavailable' }]);
    expect(checked.json.outcomes[0].detail).toMatch(/taken down/);
    const capture = await cli(env, 'capture', postUrl(gov.handle, p.rkey), '--json');
    expect(capture.json.error.code).toBe('unavailable');
    expect(capture.stderr).toContain("the platform's moderation suspended the account");
    expect((await cli(env, 'show', p.uri, '--json')).json.post.status).toBe('unavailable');
    fake.restoreAccount(gov.handle);
  });
});

describe('handle changes: accounts by DID, posts re-captured by AT-URI', () => {
  it('old handle, new handle and DID links find the same post; watch of the new handle updates the one account', async () => {
    const gov = account('oldname');
    const p = fake.addPost({ handle: gov.handle, text: 'Eerste bericht onder de oude naam.' });
    const { env, dataDir } = envFor();
    const oldUrl = postUrl(gov.handle, p.rkey);
    const watched = await cli(env, 'watch', gov.handle, '--json');
    expect(watched.code, watched.stderr).toBe(0);
    const first = await cli(env, 'capture', oldUrl, '--json');
    expect(first.code).toBe(0);

    const renamed = `newname-${n}.bsky.social`;
    fake.changeHandle(gov.handle, renamed);
    fake.updatePost(p.uri, { text: 'Eerste bericht, gecorrigeerd.' });
    // The re-checker captures the post again from the URL it stored (with the old handle).
    const checked = await cli(env, 'recheck', '--all', '--json');
    expect(checked.json.outcomes.map((o: { outcome: string }) => o.outcome)).toEqual(['edited']);

    const newUrl = postUrl(renamed, p.rkey);
    for (const link of [oldUrl, newUrl, postUrl(gov.did, p.rkey), p.uri]) {
      const shown = await cli(env, 'show', link, '--json');
      expect(shown.code, link).toBe(0);
      expect(shown.json.post.id).toBe(first.json.post.id);
      expect(shown.json.versions).toHaveLength(2);
    }
    // A capture with the old handle still works (the AppView no longer resolves it; the archive does).
    const viaOld = await cli(env, 'capture', oldUrl, '--json');
    expect(viaOld.code, viaOld.stderr).toBe(0);
    expect(viaOld.json).toMatchObject({ post: { id: first.json.post.id, url: newUrl }, newVersion: false });

    const again = await cli(env, 'watch', renamed, '--json');
    expect(again.code, again.stderr).toBe(0);
    expect(again.json.account.handle).toBe(renamed);
    expect(await query(dataDir, 'SELECT handle, platform_id FROM account')).toEqual([
      { handle: renamed, platform_id: gov.did },
    ]);
    expect((await cli(env, 'watching', '--json')).json.watching).toHaveLength(1);
    expect(await query(dataDir, 'SELECT old_handle, new_handle FROM account_handle_change')).toEqual([
      { old_handle: gov.handle, new_handle: renamed },
    ]);
    const audit = await query<{ detail: string }>(
      dataDir,
      "SELECT detail FROM audit WHERE action = 'account.handle-change'",
    );
    expect(audit.map((a) => JSON.parse(a.detail))).toEqual([
      { platform: 'bluesky', platformId: gov.did, from: gov.handle, to: renamed },
    ]);
    await verifyClean(env, dataDir);
  });

  it('watching by the old handle after the change finds the account by its DID, and a new post under an old-handle link', async () => {
    const gov = account('before');
    const p1 = fake.addPost({ handle: gov.handle, text: 'Bericht een.' });
    const { env, dataDir } = envFor();
    expect((await cli(env, 'capture', `https://bsky.app/profile/${gov.handle}`, '--json')).code).toBe(0);
    const renamed = `after-${n}.bsky.social`;
    fake.changeHandle(gov.handle, renamed);
    const p2 = fake.addPost({ handle: renamed, text: 'Bericht twee, na de naamswijziging.' });

    const watched = await cli(env, 'watch', gov.handle, '--json');
    expect(watched.code, watched.stderr).toBe(0);
    expect(watched.json.backfill).toMatchObject({ posts: 2, complete: true });
    expect(await query(dataDir, 'SELECT count(*) AS n FROM account')).toEqual([{ n: 1 }]);
    const viaOld = await cli(env, 'capture', postUrl(gov.handle, p2.rkey), '--json');
    expect(viaOld.code, viaOld.stderr).toBe(0);
    expect(viaOld.json.post.url).toBe(postUrl(renamed, p2.rkey));
    const urls = await query<{ url: string }>(dataDir, 'SELECT url FROM post ORDER BY id');
    expect(urls.map((u) => u.url)).toEqual([postUrl(renamed, p1.rkey), postUrl(renamed, p2.rkey)]);
    await verifyClean(env, dataDir);
  });

  it('a handle someone else had before is not merged into their account', async () => {
    const first = account('reused');
    const p = fake.addPost({ handle: first.handle, text: 'Van de eerste houder.' });
    const { env, dataDir } = envFor();
    expect((await cli(env, 'capture', postUrl(first.handle, p.rkey), '--json')).code).toBe(0);
    const moved = `moved-${n}.bsky.social`;
    fake.changeHandle(first.handle, moved);
    const second = fake.addAccount({ handle: first.handle, displayName: 'De nieuwe houder' });
    const q = fake.addPost({ handle: second.handle, text: 'Van de tweede houder.' });
    expect((await cli(env, 'capture', postUrl(second.handle, q.rkey), '--json')).code).toBe(0);
    const accounts = await query<{ handle: string; platform_id: string }>(
      dataDir,
      'SELECT handle, platform_id FROM account ORDER BY id',
    );
    expect(accounts).toEqual([
      { handle: `${first.handle} (was ${first.did})`, platform_id: first.did },
      { handle: second.handle, platform_id: second.did },
    ]);
    // The first holder's post is named by DID now (its old-handle link is the new holder's), and found by either.
    const [held] = await query<{ url: string }>(dataDir, 'SELECT url FROM post WHERE platform_id = ?', [
      p.uri,
    ]);
    expect(held!.url).toBe(postUrl(first.did, p.rkey));
    expect((await cli(env, 'show', postUrl(first.handle, p.rkey), '--json')).json.post.platformId).toBe(
      p.uri,
    );
    expect((await cli(env, 'show', postUrl(second.handle, q.rkey), '--json')).json.post.platformId).toBe(
      q.uri,
    );
    // Once the first account is seen again, it takes its new handle.
    expect((await cli(env, 'capture', postUrl(moved, p.rkey), '--json')).code).toBe(0);
    expect(
      (await query<{ handle: string }>(dataDir, 'SELECT handle FROM account ORDER BY id'))[0]!.handle,
    ).toBe(moved);
    await verifyClean(env, dataDir);
  });
});

describe('the store keys accounts by platform id across handle changes (any platform)', () => {
  const info = (platform: 'mastodon' | 'bluesky', handle: string, platformId: string) => ({
    platform,
    handle,
    platformId,
    displayName: null,
    url: null,
  });
  const at = '2026-01-01T00:00:00.000Z';
  const insert = (db: import('../src/store/db.ts').Db, a: ReturnType<typeof info>) =>
    db.run(
      'INSERT INTO account (platform, handle, platform_id, first_seen, last_seen) VALUES (?, ?, ?, ?, ?)',
      [a.platform, a.handle, a.platformId, at, at],
    );

  it('renames by platform id; ids that are not DIDs never displace a handle', async () => {
    const { dataDir } = envFor();
    const rows = await withArchive(dataDir, async (archive) => {
      const db = archive.db;
      // Mastodon ids are local to the server that was asked: one account, two ids, same handle.
      await insert(db, info('mastodon', 'minbzk@social.example', 'social.example:1'));
      await insert(db, info('bluesky', 'oud.bsky.social', 'did:plc:aaaa'));
      await db.transaction(() =>
        applyHandleChanges(
          db,
          [
            info('mastodon', 'minbzk@social.example', 'other.example:77'),
            info('mastodon', 'renamed@social.example', 'social.example:1'),
            info('bluesky', 'nieuw.bsky.social', 'did:plc:aaaa'),
          ],
          at,
        ),
      );
      return db.all('SELECT platform, handle, platform_id FROM account ORDER BY id');
    });
    expect(rows).toEqual([
      { platform: 'mastodon', handle: 'renamed@social.example', platform_id: 'social.example:1' },
      { platform: 'bluesky', handle: 'nieuw.bsky.social', platform_id: 'did:plc:aaaa' },
    ]);
    const changes = await query(
      dataDir,
      'SELECT platform, old_handle, new_handle FROM account_handle_change',
    );
    expect(changes).toEqual([
      { platform: 'mastodon', old_handle: 'minbzk@social.example', new_handle: 'renamed@social.example' },
      { platform: 'bluesky', old_handle: 'oud.bsky.social', new_handle: 'nieuw.bsky.social' },
    ]);
  });
});

describe('original image blobs from the PDS, the CDN copy as rendition', () => {
  it('keeps the blob that hashes to its CID, the CDN copy beside it, and the same version on a second capture', async () => {
    const gov = account('images');
    const image = png('grafiek');
    const p = fake.addPost({
      handle: gov.handle,
      text: 'De cijfers.',
      images: [{ bytes: image, mimeType: 'image/png', alt: 'Grafiek' }],
    });
    const reply = fake.addPost({
      handle: gov.handle,
      text: 'Nog een grafiek.',
      replyTo: p.uri,
      images: [{ bytes: png('tweede'), mimeType: 'image/png' }],
    });
    const { env, dataDir } = envFor();
    const before = fake.requests.length;
    const r = await cli(env, 'capture', postUrl(gov.handle, p.rkey), '--json');
    expect(r.code, r.stderr).toBe(0);
    const asked = fake.requests.slice(before).map((q) => q.path);
    // The DID document is asked for once per process, whatever the number of images.
    expect(asked.filter((x) => x === `/${gov.did}`)).toHaveLength(1);
    expect(asked.filter((x) => x.startsWith('/xrpc/com.atproto.sync.getBlob'))).not.toHaveLength(0);
    const content = await versionContent(dataDir, r.json.post.id);
    const cid = rawBlobCid(image);
    expect(content.media).toEqual([
      expect.objectContaining({
        key: cid,
        sha256: sha256(image),
        url: `${fake.url}/xrpc/com.atproto.sync.getBlob?did=${encodeURIComponent(gov.did)}&cid=${cid}`,
        original: { status: 'verified', url: expect.stringContaining(cid) },
        rendition: `${fake.url}/img/feed_fullsize/plain/${gov.did}/${cid}@jpeg`,
      }),
    ]);
    const rendition = await query<{ sha256: string; mime: string }>(
      dataDir,
      'SELECT sha256, mime FROM media WHERE url = ?',
      [content.media[0].rendition],
    );
    expect(rendition).toHaveLength(1);
    expect(rendition[0]!.sha256).not.toBe(sha256(image));
    expect(rendition[0]!.mime).toBe('image/jpeg');
    expect(
      (await versionContent(dataDir, (await cli(env, 'show', reply.uri, '--json')).json.post.id)).media[0]
        .original.status,
    ).toBe('verified');

    const again = await cli(env, 'capture', postUrl(gov.handle, p.rkey), '--json');
    expect(again.json).toMatchObject({ newVersion: false, version: 1, sha256: r.json.sha256 });
    await verifyClean(env, dataDir);
  });

  it('a blob whose bytes do not hash to its CID is recorded as a mismatch and not kept as the original', async () => {
    const gov = account('mismatch');
    const image = png('echt');
    const p = fake.addPost({
      handle: gov.handle,
      text: 'Kaart.',
      images: [{ bytes: image, mimeType: 'image/png' }],
    });
    const forged = png('vervalst');
    fake.corruptBlob(rawBlobCid(image), forged);
    const { env, dataDir } = envFor();
    const r = await cli(env, 'capture', postUrl(gov.handle, p.rkey), '--json');
    expect(r.code, r.stderr).toBe(0);
    const [media] = (await versionContent(dataDir, r.json.post.id)).media;
    expect(media.original).toMatchObject({ status: 'mismatch', servedSha256: sha256(forged) });
    expect(media.original.detail).toContain(rawBlobCid(forged));
    // The version lists the CDN's copy, not the forged bytes.
    expect(media.url).toBe(media.rendition);
    expect(media.sha256).not.toBe(sha256(forged));
    expect(media.sha256).not.toBeNull();
    await verifyClean(env, dataDir);
  });

  it('a did:web account: its DID document comes from its host, its blobs from the PDS it names', async () => {
    const web = await FakeBluesky.start();
    cleanups.push(() => web.close());
    const gov = web.addAccount({ handle: 'gemeente.example', didWeb: true });
    expect(gov.did).toMatch(/^did:web:127\.0\.0\.1%3A\d+$/);
    const image = png('web');
    const p = web.addPost({
      handle: gov.handle,
      text: 'Via did:web.',
      images: [{ bytes: image, mimeType: 'image/png' }],
    });
    const { env, dataDir } = envFor(web);
    const r = await cli(env, 'capture', postUrl(gov.handle, p.rkey), '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(web.requests.some((q) => q.path === '/.well-known/did.json')).toBe(true);
    const [media] = (await versionContent(dataDir, r.json.post.id)).media;
    expect(media).toMatchObject({ sha256: sha256(image), original: { status: 'verified' } });
    await verifyClean(env, dataDir);
  });
});

describe('a record rewritten on the same rkey', () => {
  it("dates the new version by the window it was detected in, not the record's createdAt", async () => {
    const gov = account('rewrite');
    const p = fake.addPost({
      handle: gov.handle,
      text: 'Oorspronkelijke tekst.',
      createdAt: '2025-02-01T08:00:00.000Z',
    });
    const { env, dataDir } = envFor();
    const first = await cli(env, 'capture', postUrl(gov.handle, p.rkey), '--json');
    const [row] = await query<{ seen: string }>(
      dataDir,
      'SELECT content_seen_at AS seen FROM post WHERE id = ?',
      [first.json.post.id],
    );
    const seen = row!.seen;
    fake.updatePost(p.uri, { text: 'Herschreven tekst.' });
    const checked = await cli(env, 'recheck', '--all', '--json');
    expect(checked.json.outcomes.map((o: { outcome: string }) => o.outcome)).toEqual(['edited']);
    const versions = await query<{
      number: number;
      valid_from: string;
      valid_from_latest: string | null;
      captured_at: string;
    }>(
      dataDir,
      'SELECT number, valid_from, valid_from_latest, captured_at FROM version WHERE post_id = ? ORDER BY number',
      [first.json.post.id],
    );
    expect(versions[0]).toMatchObject({ valid_from: '2025-02-01T08:00:00.000Z', valid_from_latest: null });
    expect(versions[1]!.valid_from).toBe(seen);
    expect(versions[1]!.valid_from_latest).toBe(versions[1]!.captured_at);
    expect(versions[1]!.valid_from).not.toBe('2025-02-01T08:00:00.000Z');
    const alert = (await cli(env, 'alerts', '--json')).json.alerts.find(
      (a: { kind: string }) => a.kind === 'edited',
    );
    expect(alert.detail.editedBetween).toEqual({ from: seen, to: versions[1]!.valid_from_latest });
    await verifyClean(env, dataDir);
  });
});

describe('quote posts', () => {
  it('keeps the quoted URI in the text and archives the quoted post as a post of its own', async () => {
    const citizen = account('citizen');
    const gov = account('quoting');
    const quoted = fake.addPost({ handle: citizen.handle, text: 'Wanneer gaat de brug weer open?' });
    const q = fake.addPost({
      handle: gov.handle,
      text: 'Goede vraag, hier het antwoord.',
      quote: quoted.uri,
    });
    const withMedia = fake.addPost({
      handle: gov.handle,
      text: 'Met een foto erbij.',
      quote: quoted.uri,
      images: [{ bytes: png('brug'), mimeType: 'image/png', alt: 'De brug' }],
    });
    const { env, dataDir } = envFor();
    const r = await cli(env, 'capture', postUrl(gov.handle, q.rkey), '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.json.post.text).toBe(`Goede vraag, hier het antwoord.\n\n[quote: ${quoted.uri}]`);
    const content = await versionContent(dataDir, r.json.post.id);
    expect(content.quote).toEqual({
      uri: quoted.uri,
      url: postUrl(citizen.handle, quoted.rkey),
      state: 'found',
    });

    const own = await cli(env, 'show', quoted.uri, '--json');
    expect(own.code).toBe(0);
    expect(own.json.post).toMatchObject({
      kind: 'post',
      parent: null,
      text: 'Wanneer gaat de brug weer open?',
    });
    const found = await cli(env, 'search', 'brug', '--json');
    expect(found.json.hits.map((h: { url: string }) => h.url)).toContain(
      postUrl(citizen.handle, quoted.rkey),
    );

    const m = await cli(env, 'capture', postUrl(gov.handle, withMedia.rkey), '--json');
    expect(m.code, m.stderr).toBe(0);
    expect(m.json).toMatchObject({
      media: 1,
      post: { text: `Met een foto erbij.\n\n[quote: ${quoted.uri}]` },
    });
    expect((await versionContent(dataDir, m.json.post.id)).quote.state).toBe('found');

    // The quoted post deleted later: the quote shows #viewNotFound; the quoting post's version stands.
    fake.deletePost(quoted.uri);
    const again = await cli(env, 'capture', postUrl(gov.handle, q.rkey), '--json');
    expect(again.json).toMatchObject({ newVersion: false, sha256: r.json.sha256 });
    await verifyClean(env, dataDir);
  });

  it('a quote post archived before the [quote: …] ending is re-read on its next re-check, not reported edited; a real rewrite still is', async () => {
    const citizen = account('asker');
    const gov = account('oldquote');
    const quoted = fake.addPost({ handle: citizen.handle, text: 'Wanneer is de sluis weer open?' });
    const q = fake.addPost({ handle: gov.handle, text: 'Vanaf maandag.', quote: quoted.uri });
    const { env, dataDir } = envFor();
    // Archived "the old way": the same AppView answer, read as Archiefbot read it before it ended a
    // quote post's text with the quoted URI and kept the record's CID.
    const config = loadConfig(env);
    const client = new HttpClient(config.http);
    const http = client.session();
    const old = await new BlueskyConnector(config).fetchThread(
      { kind: 'post', url: postUrl(gov.handle, q.rkey) },
      http,
      { maxReplies: 0 },
    );
    await client.close();
    const { quote: _quote, cid: _cid, ...plain } = old.post.content as BlueskyContent;
    expect(_cid).toBe(q.cid);
    const post = { ...old.post, content: { ...plain, text: 'Vanaf maandag.' } };
    await ingestCaptured(dataDir, post.url, [{ post, role: 'main' }], http.exchanges);
    const versions = () =>
      query<{ number: number; content: string; valid_from: string; valid_from_latest: string | null }>(
        dataDir,
        'SELECT v.number, v.content, v.valid_from, v.valid_from_latest FROM version v JOIN post p ON p.id = v.post_id WHERE p.platform_id = ? ORDER BY v.number',
        [q.uri],
      );
    const status = async () =>
      (await query<{ status: string }>(dataDir, 'SELECT status FROM post WHERE platform_id = ?', [q.uri]))[0]!
        .status;

    // The re-check reads the quote: the fuller reading is kept as version 2, a re-reading of version 1.
    const checked = await cli(env, 'recheck', '--all', '--json');
    expect(checked.code, checked.stderr).toBe(0);
    expect(checked.json.outcomes.map((o: { outcome: string }) => o.outcome)).toEqual(['unchanged']);
    const [v1, v2] = await versions();
    const reread = JSON.parse(v2!.content);
    expect(reread).toMatchObject({
      text: `Vanaf maandag.\n\n[quote: ${quoted.uri}]`,
      cid: q.cid,
      rereading: { of: 1, why: 'quote-added' },
    });
    // Valid since version 1 was: the author changed nothing, so no edit window either.
    expect(v2).toMatchObject({ valid_from: v1!.valid_from, valid_from_latest: null });
    expect((await cli(env, 'alerts', '--json')).json.alerts).toEqual([]);
    expect(await status()).toBe('live');
    const history = await cli(env, 'history', postUrl(gov.handle, q.rkey));
    expect(history.stdout).toContain("re-read (recheck): v1's record with newer parsing, not an edit");
    const shown = await cli(env, 'show', postUrl(gov.handle, q.rkey), '--json');
    expect(shown.json.versions.map((v: { rereading?: unknown }) => v.rereading ?? null)).toEqual([
      null,
      { of: 1, why: 'quote-added' },
    ]);

    // Read again: the same record, the same content: nothing new.
    await cli(env, 'recheck', '--all', '--json');
    expect(await versions()).toHaveLength(2);
    const again = await cli(env, 'capture', postUrl(gov.handle, q.rkey), '--json');
    expect(again.json).toMatchObject({ newVersion: false, version: 2, post: { status: 'live' } });

    // The author rewrites the record (a new CID): that is an edit, alerted as one.
    fake.updatePost(q.uri, { text: 'Vanaf dinsdag.' });
    const edited = await cli(env, 'recheck', '--all', '--json');
    // (The quoted post, archived with the re-reading, is checked too: unchanged.)
    expect(edited.json.outcomes.map((o: { url: string; outcome: string }) => [o.url, o.outcome])).toEqual([
      [postUrl(gov.handle, q.rkey), 'edited'],
      [postUrl(citizen.handle, quoted.rkey), 'unchanged'],
    ]);
    const alerts = (await cli(env, 'alerts', '--json')).json.alerts;
    expect(alerts.map((a: { kind: string }) => a.kind)).toEqual(['edited']);
    expect(alerts[0].detail.diff).toContain('Vanaf [-maandag-]{+dinsdag+}.');
    expect(JSON.parse((await versions())[2]!.content).rereading).toBeUndefined();
    expect(await status()).toBe('edited');
    // verify re-derives every version from the answer it cites, version 1 as Archiefbot read it then.
    await verifyClean(env, dataDir);
  });

  it('tells a re-reading from an edit by the record CID, or by exactly the quote ending for a version without one', () => {
    const base: BlueskyContent = {
      text: 'Vanaf maandag.',
      html: null,
      title: null,
      spoilerText: '',
      sensitive: false,
      visibility: null,
      language: 'nl',
      media: [],
    };
    const uri = 'at://did:plc:abc/app.bsky.feed.post/3kq';
    const quote = { uri, url: null, state: 'found' as const };
    const fresh = { ...base, text: `Vanaf maandag.\n\n[quote: ${uri}]`, quote, cid: 'bafyA' };
    const held = (content: BlueskyContent) => ({ number: 3, hash: contentHash(content), content });
    // Archived without a CID: only the quote ending differs.
    expect(rereadingOf(held(base), fresh)).toEqual({ of: 3, why: 'quote-added' });
    expect(rereadingOf(held(base), { ...fresh, text: `[quote: ${uri}]` })).toBeNull();
    expect(rereadingOf(held({ ...base, text: '' }), { ...fresh, text: `[quote: ${uri}]` })).toEqual({
      of: 3,
      why: 'quote-added',
    });
    // Anything else differing too is the author's doing.
    expect(rereadingOf(held(base), { ...fresh, text: `Vanaf dinsdag.\n\n[quote: ${uri}]` })).toBeNull();
    expect(rereadingOf(held(base), { ...fresh, sensitive: true })).toBeNull();
    expect(rereadingOf(held(base), { ...fresh, quote: undefined })).toBeNull();
    // With CIDs on both sides, the CID decides.
    const withCid = { ...base, cid: 'bafyA' };
    expect(rereadingOf(held(withCid), fresh)).toEqual({ of: 3, why: 'same-cid' });
    expect(rereadingOf(held({ ...withCid, cid: 'bafyB' }), fresh)).toBeNull();
    // Unchanged content is no new version at all.
    expect(rereadingOf(held(fresh), { ...fresh })).toBeNull();
    // What verify accepts for a version archived then: that reading of the same answer, nothing else.
    expect(readBeforeQuoteEnding({ ...fresh, rereading: { of: 1, why: 'quote-added' } })).toEqual(base);
    expect(readBeforeQuoteEnding(base)).toBeNull();
    expect(readBeforeQuoteEnding({ ...fresh, text: 'Vanaf maandag. [quote: at://x]' })).toBeNull();
  });

  it('records a quote of a deleted, blocked or detached post as such', async () => {
    const other = account('other');
    const gov = account('quotes');
    const gone = fake.addPost({ handle: other.handle, text: 'Verdwijnt.' });
    const blocker = account('blocker');
    const blocked = fake.addPost({ handle: blocker.handle, text: 'Geblokkeerd.' });
    const detached = fake.addPost({ handle: other.handle, text: 'Losgemaakt.' });
    const qGone = fake.addPost({ handle: gov.handle, text: 'Citaat een.', quote: gone.uri });
    const qBlocked = fake.addPost({ handle: gov.handle, text: 'Citaat twee.', quote: blocked.uri });
    const qDetached = fake.addPost({ handle: gov.handle, text: 'Citaat drie.', quote: detached.uri });
    fake.deletePost(gone.uri);
    fake.block(blocker.handle, gov.handle);
    fake.detachQuote(detached.uri, qDetached.uri);
    const { env, dataDir } = envFor();
    for (const [post, target, state] of [
      [qGone, gone, 'not-found'],
      [qBlocked, blocked, 'blocked'],
      [qDetached, detached, 'detached'],
    ] as const) {
      const r = await cli(env, 'capture', postUrl(gov.handle, post.rkey), '--json');
      expect(r.code, r.stderr).toBe(0);
      expect(r.json.post.text).toContain(`[quote: ${target.uri}]`);
      expect((await versionContent(dataDir, r.json.post.id)).quote).toMatchObject({ uri: target.uri, state });
      expect((await cli(env, 'show', target.uri, '--json')).code).toBe(1); // not shown, so not archived
    }
    await verifyClean(env, dataDir);
  });

  it('a watch poll of more than a page of new posts does not stop at a quoted post it already holds', async () => {
    const gov = account('poll');
    const old = fake.addPost({ handle: gov.handle, text: 'Al gearchiveerd.' });
    const { env, dataDir } = envFor();
    expect((await cli(env, 'capture', `https://bsky.app/profile/${gov.handle}`, '--json')).code).toBe(0);
    fake.addPosts(149, gov.handle, (i) => `Nieuw bericht ${i}.`);
    fake.addPost({ handle: gov.handle, text: 'Zoals we eerder schreven.', quote: old.uri });
    const polled = await withArchive(dataDir, async (archive) => {
      const pipeline = new CapturePipeline(archive, loadConfig(env));
      try {
        return await pipeline.pollAccount(`https://bsky.app/profile/${gov.handle}`);
      } finally {
        await pipeline.close();
      }
    });
    expect(polled).toMatchObject({ newPosts: 150, pages: 2 });
    expect(await query(dataDir, 'SELECT count(*) AS n FROM post')).toEqual([{ n: 151 }]);
  });

  it('a backfill archives the posts the account quotes too', async () => {
    const citizen = account('quoted-in-feed');
    const gov = account('feed');
    const quoted = fake.addPost({ handle: citizen.handle, text: 'Vraag over de subsidie.' });
    fake.addPost({ handle: gov.handle, text: 'Antwoord.', quote: quoted.uri });
    const { env, dataDir } = envFor();
    const r = await cli(env, 'capture', `https://bsky.app/profile/${gov.handle}`, '--json');
    expect(r.code, r.stderr).toBe(0);
    const posts = await query<{ platform_id: string; kind: string }>(
      dataDir,
      'SELECT platform_id, kind FROM post ORDER BY id',
    );
    expect(posts).toEqual(expect.arrayContaining([{ platform_id: quoted.uri, kind: 'post' }]));
    await verifyClean(env, dataDir);
  });
});
