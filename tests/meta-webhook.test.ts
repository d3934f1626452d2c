import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validSignature } from '../src/monitor/meta-webhook.ts';
import { FakeMeta } from './fakes/meta.ts';
import { query } from './helpers/archive.ts';
import { type Harness, startHarness } from './helpers/harness.ts';

const VERIFY = 'verify-token-for-the-test';
let fake: FakeMeta;
let h: Harness;
let dir: string;
const saved = { ...process.env };
let page: ReturnType<FakeMeta['addPage']>;
let posts: { id: string; url: string }[] = [];
let ig: ReturnType<FakeMeta['linkInstagram']>;
let igPost: { id: string; url: string };

async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function alertFor(kind: string, postUrl: string) {
  return waitFor(`a ${kind} alert for ${postUrl}`, async () => {
    const rows = await query<{ detected_at: string }>(
      h.dataDir,
      'SELECT a.detected_at FROM alert a JOIN post p ON p.id = a.post_id WHERE p.url = ? AND a.kind = ?',
      [postUrl, kind],
    );
    return rows[0];
  });
}

function hook(): string {
  return `http://127.0.0.1:${h.running.port}/webhooks/meta`;
}

async function deliver(body: string, signature?: string): Promise<number> {
  const res = await fetch(hook(), {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(signature ? { 'x-hub-signature-256': signature } : {}),
    },
    body,
  });
  return res.status;
}

beforeAll(async () => {
  fake = await FakeMeta.start();
  dir = mkdtempSync(path.join(tmpdir(), 'archiefbot-meta-hook-'));
  page = fake.addPage({ username: 'minbzk', name: 'Ministerie van BZK' });
  posts = [
    fake.addPost({ page, message: 'Eerste bericht van vandaag.' }),
    fake.addPost({ page, message: 'Tweede bericht, wordt verwijderd.' }),
  ];
  ig = fake.linkInstagram(page, 'minbzk_ig');
  igPost = fake.addMedia({ user: ig, caption: 'Open dag op het ministerie' });
  // The Instagram account is read with the token of the page it is linked to.
  const yaml = [
    'accounts:',
    '  - account: https://www.facebook.com/minbzk',
    '    tokenEnv: FB_TOKEN_MINBZK',
    '  - account: https://www.instagram.com/minbzk_ig/',
    '    tokenEnv: FB_TOKEN_MINBZK',
    '',
  ].join('\n');
  // The connector reads the page token from the process, serve from its env: both see the same file.
  const file = path.join(dir, 'accounts.yaml');
  writeFileSync(file, yaml);
  process.env.ARCHIEFBOT_ACCOUNTS = file;
  process.env.FB_TOKEN_MINBZK = page.token;
  h = await startHarness(
    {
      ARCHIEFBOT_GRAPH_API_URL: fake.graphUrl,
      META_APP_SECRET: fake.appSecret,
      META_VERIFY_TOKEN: VERIFY,
      FB_TOKEN_MINBZK: page.token,
    },
    { accountsYaml: () => yaml },
  );
  // serve watches the page of config/accounts.yaml: its backfill takes both posts in.
  await waitFor('the backfill of the page', async () => {
    // The watch rows are written once each backfill is done; only then are the accounts watched ones.
    const rows = await query(h.dataDir, 'SELECT id FROM watch WHERE backfilled_at IS NOT NULL');
    return rows.length === 2 ? rows : undefined;
  });
});

afterAll(async () => {
  await h?.close();
  await fake.close();
  process.env = saved;
  rmSync(dir, { recursive: true, force: true });
});

describe('Meta webhooks on serve', () => {
  it('answers the subscription handshake with the challenge, and refuses a wrong verify token', async () => {
    const ok = await fetch(
      `${hook()}?hub.mode=subscribe&hub.verify_token=${VERIFY}&hub.challenge=1158201444`,
    );
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('1158201444');
    const wrong = await fetch(`${hook()}?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1`);
    expect(wrong.status).toBe(403);
  });

  it('refuses a delivery with a bad or missing signature (401) and does nothing with it', async () => {
    fake.editPost(posts[0]!.id, 'Eerste bericht van vandaag, aangepast.');
    const { body, signature } = fake.webhook('page', [
      {
        id: page.id,
        changes: [{ field: 'feed', value: { item: 'status', verb: 'edited', post_id: posts[0]!.id } }],
      },
    ]);
    const before = fake.requests.length;
    expect(await deliver(body, `sha256=${'0'.repeat(64)}`)).toBe(401);
    expect(await deliver(body)).toBe(401);
    // The body changed after signing: the signature over the raw bytes no longer matches.
    expect(await deliver(body.replace('edited', 'remove'), signature)).toBe(401);
    await new Promise((r) => setTimeout(r, 500));
    expect(fake.requests.slice(before).filter((q) => q.includes(posts[0]!.id))).toEqual([]);
    const alerts = await query(h.dataDir, "SELECT id FROM alert WHERE kind = 'edited'");
    expect(alerts).toEqual([]);
    fake.editPost(posts[0]!.id, 'Eerste bericht van vandaag.');
  });

  it('an `edited` change captures the new version and raises the edit alert; `remove` the deletion alert', async () => {
    fake.editPost(posts[0]!.id, 'Eerste bericht van vandaag: de regeling gaat later in.');
    const edited = fake.webhook('page', [
      {
        id: page.id,
        changes: [
          { field: 'feed', value: { item: 'status', verb: 'edited', post_id: posts[0]!.id, published: 1 } },
        ],
      },
    ]);
    const sent = Date.now();
    expect(await deliver(edited.body, edited.signature)).toBe(200);
    const alert = await alertFor('edited', posts[0]!.url);
    expect(Date.parse(alert.detected_at) - sent).toBeLessThan(10_000);
    const versions = await query<{ text: string }>(
      h.dataDir,
      'SELECT v.text FROM version v JOIN post p ON p.id = v.post_id WHERE p.url = ? ORDER BY v.number',
      [posts[0]!.url],
    );
    expect(versions.map((v) => v.text)).toEqual([
      'Eerste bericht van vandaag.',
      'Eerste bericht van vandaag: de regeling gaat later in.',
    ]);

    fake.deleteObject(posts[1]!.id);
    const removed = fake.webhook('page', [
      {
        id: page.id,
        changes: [{ field: 'feed', value: { item: 'status', verb: 'remove', post_id: posts[1]!.id } }],
      },
    ]);
    expect(await deliver(removed.body, removed.signature)).toBe(200);
    await alertFor('deleted', posts[1]!.url);
  });

  it('an `add` of a new post captures it; a change for a page nobody watches is answered 200 and ignored', async () => {
    const fresh = fake.addPost({ page, message: 'Nieuw bericht, via de webhook gemeld.' });
    const add = fake.webhook('page', [
      {
        id: page.id,
        changes: [{ field: 'feed', value: { item: 'status', verb: 'add', post_id: fresh.id } }],
      },
    ]);
    expect(await deliver(add.body, add.signature)).toBe(200);
    await waitFor('the new post to be captured', async () => {
      const rows = await query(h.dataDir, 'SELECT id FROM post WHERE platform_id = ?', [fresh.id]);
      return rows.length ? rows : undefined;
    });
    const other = fake.webhook('page', [
      {
        id: '999999',
        changes: [{ field: 'feed', value: { item: 'status', verb: 'remove', post_id: '999999_1' } }],
      },
    ]);
    expect(await deliver(other.body, other.signature)).toBe(200);
  });

  it('an Instagram `comments` change checks the commented post, which captures the new comment', async () => {
    const c = fake.addIgComment({
      media: igPost.id,
      text: 'Mag ik mijn kinderen meenemen?',
      username: 'ouder_utrecht',
    });
    const change = fake.webhook('instagram', [
      {
        id: ig.id,
        changes: [
          {
            field: 'comments',
            value: {
              id: c.id,
              text: 'Mag ik mijn kinderen meenemen?',
              from: { id: '17841400000000', username: 'ouder_utrecht' },
              media: { id: igPost.id, media_product_type: 'FEED' },
            },
          },
        ],
      },
    ]);
    expect(await deliver(change.body, change.signature)).toBe(200);
    const row = await waitFor('the new comment to be captured', async () => {
      const rows = await query<{ kind: string; parent: string }>(
        h.dataDir,
        'SELECT kind, parent_platform_id AS parent FROM post WHERE platform_id = ?',
        [c.id],
      );
      return rows[0];
    });
    expect(row).toEqual({ kind: 'comment', parent: igPost.id });
  });

  it('checks signatures over the raw bytes, in constant time, only in the documented form', () => {
    const raw = Buffer.from('{"object":"page"}');
    const good = fake.webhook('page', []).signature; // for another body
    expect(validSignature(raw, good, fake.appSecret)).toBe(false);
    const sig = createHmac('sha256', fake.appSecret).update(raw).digest('hex');
    expect(validSignature(raw, `sha256=${sig}`, fake.appSecret)).toBe(true);
    expect(validSignature(raw, `sha256=${sig.toUpperCase()}`, fake.appSecret)).toBe(true);
    expect(validSignature(raw, `sha1=${sig}`, fake.appSecret)).toBe(false);
    expect(validSignature(raw, `sha256=${sig.slice(2)}`, fake.appSecret)).toBe(false);
  });
});
