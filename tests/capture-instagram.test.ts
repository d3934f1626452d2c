import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeMeta, PNG } from './fakes/meta.ts';
import { count, query, sha256 } from './helpers/archive.ts';
import { cli, testEnv } from './helpers/cli.ts';

let fake: FakeMeta;
let dir: string;
const saved = { ...process.env };

/** The linked page's token per Instagram account, in accounts.yaml (`tokenEnv`) and the process environment. */
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
  return testEnv({
    ARCHIEFBOT_GRAPH_API_URL: fake.graphUrl,
    ARCHIEFBOT_HTTP_RETRIES: '0',
    // No Chromium: a refusal stays a refusal instead of becoming a browser capture.
    ARCHIEFBOT_CHROMIUM: '/nonexistent/chromium',
  });
}

/** A page with its linked Instagram business account, and its token configured. */
function account(username: string, tokenEnv: string) {
  const page = fake.addPage({ username: `${username}-fb`, name: `Pagina ${username}` });
  const user = fake.linkInstagram(page, username);
  accounts([{ account: `https://www.instagram.com/${username}/`, tokenEnv, token: page.token }]);
  return { page, user };
}

beforeAll(async () => {
  fake = await FakeMeta.start();
  dir = mkdtempSync(path.join(tmpdir(), 'archiefbot-ig-'));
});
afterAll(async () => {
  process.env = saved;
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('capturing an Instagram post', () => {
  it('keeps a carousel’s files, the caption, comments and replies; a shortcode is found in the account’s media', async () => {
    const { user } = account('rijksoverheid', 'IG_TOKEN_RO');
    const post = fake.addMedia({
      user,
      caption: 'Zo vraagt u huurtoeslag aan #toeslagen',
      children: ['IMAGE', 'IMAGE', 'VIDEO'],
    });
    for (let i = 0; i < 120; i++) fake.addMedia({ user, caption: `Nieuwer bericht ${i}` });
    const c = fake.addIgComment({
      media: post.id,
      text: 'Geldt dit ook voor studenten?',
      username: 'student_ams',
    });
    fake.addIgComment({
      media: post.id,
      text: 'Ja, kijk op toeslagen.nl',
      username: 'rijksoverheid',
      parent: c.id,
    });
    const { env, dataDir, cleanup } = fresh();

    const before = fake.requests.length;
    const r = await cli(env, 'capture', post.url, '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.json.post).toMatchObject({ platform: 'instagram', url: post.url, author: 'rijksoverheid' });
    expect(r.json).toMatchObject({ version: 1, replies: 2, media: 3 });
    // Finding the shortcode cost one media list request per 100 media back to the post.
    const lists = fake.requests.slice(before).filter((q) => q.includes('/media?') && q.includes('shortcode'));
    expect(lists).toHaveLength(2);

    const show = await cli(env, 'show', post.url, '--json');
    expect(show.json.post.text).toBe('Zo vraagt u huurtoeslag aan #toeslagen');
    expect(show.json.media.map((m: { type: string }) => m.type)).toEqual(['image', 'image', 'video']);
    expect(show.json.media[0]).toMatchObject({ sha256: sha256(PNG), size: PNG.length });
    const rows = await query<{ kind: string; handle: string; parent: string | null }>(
      dataDir,
      'SELECT p.kind, a.handle, p.parent_platform_id AS parent FROM post p JOIN account a ON a.id = p.account_id ORDER BY p.id',
    );
    expect(rows).toEqual([
      { kind: 'post', handle: 'rijksoverheid', parent: null },
      { kind: 'comment', handle: 'student_ams', parent: post.id },
      { kind: 'reply', handle: 'rijksoverheid', parent: c.id },
    ]);
    const found = await cli(env, 'search', 'huurtoeslag', '--json');
    expect(found.json.hits).toHaveLength(1);
    expect((await cli(env, 'verify', '--json')).json).toMatchObject({ ok: true, problems: [] });
    cleanup();
  });

  it('a reel with licensed audio (no media_url) keeps its still; a comment link captures the comment under its post', async () => {
    const { user } = account('defensie', 'IG_TOKEN_DEF');
    const reel = fake.addMedia({
      user,
      caption: 'Oefening op de Noordzee',
      type: 'VIDEO',
      licensedAudio: true,
    });
    const c = fake.addIgComment({ media: reel.id, text: 'Mooie beelden', username: 'kijker' });
    const { env, cleanup } = fresh();
    const reelUrl = `https://www.instagram.com/reel/${reel.shortcode}/`;
    const r = await cli(env, 'capture', reelUrl, '--json');
    expect(r.code, r.stderr).toBe(0);
    const show = await cli(env, 'show', reelUrl, '--json');
    expect(show.json.media.map((m: { type: string }) => m.type)).toEqual(['image']);
    expect(show.json.versions[0].misses.join(' ')).toMatch(/licensed audio/);
    const onComment = await cli(
      env,
      'capture',
      `https://www.instagram.com/p/${reel.shortcode}/c/${c.id}/`,
      '--json',
    );
    expect(onComment.code, onComment.stderr).toBe(0);
    expect(onComment.json.post).toMatchObject({ text: 'Mooie beelden', author: 'kijker' });
    cleanup();
  });

  it('an account without a token is refused as not configured', async () => {
    accounts([]);
    const { env, cleanup } = fresh();
    const r = await cli(env, 'capture', 'https://www.instagram.com/p/Cabcdef123/', '--json');
    expect(r.code).toBe(2);
    expect(r.json.error.code).toBe('not-configured');
    expect(r.json.error.message).toMatch(/tokenEnv/);
    const nl = await cli(
      { ...env, ARCHIEFBOT_LANGUAGE: 'nl' },
      'capture',
      'https://www.instagram.com/p/Cabcdef123/',
    );
    expect(nl.stderr).toContain('via de API van Instagram');
    expect(nl.stderr).toContain('Zet tokenEnv bij');
    // A token whose page has no Instagram business account linked is told as such.
    const page = fake.addPage({ username: 'gemeente-fb', name: 'Gemeente' });
    accounts([
      { account: 'https://www.instagram.com/gemeente/', tokenEnv: 'IG_TOKEN_GEM', token: page.token },
    ]);
    const unlinked = await cli(env, 'capture', 'https://www.instagram.com/gemeente/', '--json');
    expect(unlinked.json.error.code).toBe('not-configured');
    expect(unlinked.json.error.message).toMatch(
      /IG_TOKEN_GEM has no Instagram business or creator account linked/,
    );
    cleanup();
  });
});

describe('the Instagram account', () => {
  it('backfills the media with the total the API gives, resuming after a failure', async () => {
    const { user } = account('minbzk', 'IG_TOKEN_BZK');
    for (let i = 0; i < 40; i++) fake.addMedia({ user, caption: `Bericht ${i} over de Omgevingswet` });
    const { env, dataDir, cleanup } = fresh();
    fake.failNext(/\/media\?.*after=/, {
      status: 500,
      body: '{"error":{"message":"An unknown error occurred","code":1}}',
    });
    const broken = await cli(env, 'capture', 'https://www.instagram.com/minbzk/', '--json');
    expect(broken.code).toBe(1);
    expect(await count(dataDir, 'post')).toBe(25);
    const r = await cli(env, 'capture', 'https://www.instagram.com/minbzk/', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.json).toMatchObject({ kind: 'account', posts: 40, resumed: true, complete: true });
    expect(await count(dataDir, 'post')).toBe(40);
    cleanup();
  });

  it('watch + recheck: a changed caption is an edit dated by the window between checks; a removed post is deleted', async () => {
    const { user } = account('minienw', 'IG_TOKEN_IENW');
    const a = fake.addMedia({ user, caption: 'De A2 is vannacht dicht.' });
    const b = fake.addMedia({ user, caption: 'Werkzaamheden aan de brug.' });
    const { env, cleanup } = fresh();
    const w = await cli(env, 'watch', 'https://www.instagram.com/minienw/', '--json');
    expect(w.code, w.stderr).toBe(0);
    expect(w.json.backfill).toMatchObject({ posts: 2, complete: true });
    const first = await cli(env, 'recheck', '--all', '--json');
    expect(first.json.outcomes.map((o: { outcome: string }) => o.outcome)).toEqual([
      'unchanged',
      'unchanged',
    ]);
    fake.editCaption(a.id, 'De A2 is vannacht en morgennacht dicht.');
    fake.igMedia.get(b.id)!.deleted = true;
    const second = await cli(env, 'recheck', '--all', '--json');
    const byUrl = new Map(
      second.json.outcomes.map((o: { url: string; outcome: string }) => [o.url, o.outcome]),
    );
    expect(byUrl.get(a.url)).toBe('edited');
    expect(byUrl.get(b.url)).toBe('deleted');
    const alerts = (await cli(env, 'alerts', '--json')).json.alerts;
    const edited = alerts.find((x: { kind: string }) => x.kind === 'edited');
    // Instagram gives no edit time: the edit happened between the last unchanged check and this one.
    expect(edited.detail.editedBetween.from).toEqual(expect.any(String));
    expect(Date.parse(edited.detail.editedBetween.to)).toBeGreaterThanOrEqual(
      Date.parse(edited.detail.editedBetween.from),
    );
    expect(edited.detail.diff).toContain('{+en morgennacht+}');
    expect(alerts.some((x: { kind: string }) => x.kind === 'deleted')).toBe(true);
    cleanup();
  });
});
