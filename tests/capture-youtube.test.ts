import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseYouTube } from '../src/capture/connectors/youtube/api.ts';
import { nextPacificMidnight, pacificDay, YouTubeConnector } from '../src/capture/connectors/youtube.ts';
import { loadConfig } from '../src/config.ts';
import { FakeYouTube, tinyPng } from './fakes/youtube.ts';
import { count, expectNothingWritten, query, readAllWarc, sha256 } from './helpers/archive.ts';
import { cli, testEnv } from './helpers/cli.ts';

let yt: FakeYouTube;
let gov: { id: string; uploads: string };
const cleanups: (() => unknown)[] = [];

beforeAll(async () => {
  yt = await FakeYouTube.start();
  gov = yt.addChannel({ handle: 'Rijksoverheid', title: 'Rijksoverheid', username: 'rijksoverheid' });
});
afterAll(() => yt.close());
afterEach(async () => {
  for (const undo of cleanups.splice(0).reverse()) await undo();
});

function envFor(fake: FakeYouTube, extra: Record<string, string> = {}) {
  const t = testEnv({
    ARCHIEFBOT_YOUTUBE_API_URL: fake.url,
    YOUTUBE_API_KEY: fake.apiKey, // No Chromium: a refused platform is not handed to the browser method here.
    ARCHIEFBOT_CHROMIUM: '/nonexistent/chromium',
    ...extra,
  });
  cleanups.push(t.cleanup);
  return t;
}

async function ownFake(opts: { quota?: number } = {}) {
  const f = await FakeYouTube.start(opts);
  cleanups.push(() => f.close());
  return f;
}

const watch = (id: string) => `https://www.youtube.com/watch?v=${id}`;

describe('YouTube links', () => {
  it('reads every video and channel form, and leaves other hosts alone', () => {
    const v = { kind: 'video', id: 'dQw4w9WgXcQ', comment: null };
    for (const url of [
      'https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=42s',
      'https://m.youtube.com/watch?v=dQw4w9WgXcQ',
      'https://youtu.be/dQw4w9WgXcQ?si=abc',
      'https://www.youtube.com/shorts/dQw4w9WgXcQ',
      'https://www.youtube.com/live/dQw4w9WgXcQ?feature=share',
      'https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ',
    ])
      expect(parseYouTube(new URL(url)), url).toEqual(v);
    expect(parseYouTube(new URL('https://www.youtube.com/watch?v=dQw4w9WgXcQ&lc=UgzAbC'))).toEqual({
      ...v,
      comment: 'UgzAbC',
    });
    expect(parseYouTube(new URL('https://www.youtube.com/@rijksoverheid'))).toEqual({
      kind: 'channel',
      by: 'handle',
      value: '@rijksoverheid',
    });
    expect(parseYouTube(new URL('https://www.youtube.com/@rijksoverheid/videos'))).toMatchObject({
      by: 'handle',
    });
    expect(parseYouTube(new URL('https://www.youtube.com/channel/UCabc123'))).toEqual({
      kind: 'channel',
      by: 'id',
      value: 'UCabc123',
    });
    expect(parseYouTube(new URL('https://www.youtube.com/user/rijksoverheid'))).toMatchObject({
      by: 'username',
    });
    expect(parseYouTube(new URL('https://www.youtube.com/c/Rijksoverheid'))).toMatchObject({ by: 'custom' });
    expect(parseYouTube(new URL('https://www.youtube.com/feed/trending'))).toBe('other');
    expect(parseYouTube(new URL('https://www.youtube.com/watch?v=short'))).toBe('other');
    expect(parseYouTube(new URL('https://example.org/watch?v=dQw4w9WgXcQ'))).toBeNull();
  });

  it('counts the quota day in Pacific time and renews it at Pacific midnight', () => {
    // 2026-11-26 07:30 UTC is still 25 November in California (PST, UTC-8).
    const at = Date.parse('2026-11-26T07:30:00Z');
    expect(pacificDay(at)).toEqual({ kind: 'day', key: '2026-11-25' });
    expect(nextPacificMidnight(at)).toBe('2026-11-26T08:00:00.000Z');
    // In summer (PDT, UTC-7) midnight is 07:00 UTC.
    expect(nextPacificMidnight(Date.parse('2026-07-01T12:00:00Z'))).toBe('2026-07-02T07:00:00.000Z');
  });
});

describe('capture of a YouTube video', () => {
  it('keeps title, description, the largest thumbnail, every comment and every reply with authors', async () => {
    const video = yt.addVideo(gov.id, {
      title: 'Persconferentie na de ministerraad',
      description: 'De minister-president over de begroting en het woningtekort.',
    });
    const q = yt.addComment(video.id, { author: '@burger', text: 'Wanneer komt de huurverlaging?' });
    const replies = Array.from({ length: 7 }, (_, i) =>
      yt.addComment(video.id, {
        author: i % 2 ? '@buurman' : '@burger',
        text: `Antwoord ${i + 1}`,
        parentId: q.id,
      }),
    );
    const other = yt.addComment(video.id, { author: '@student', text: 'Goede uitleg.' });
    const { env, dataDir } = envFor(yt);

    const r = await cli(env, 'capture', `https://youtu.be/${video.id}`, '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.json).toMatchObject({
      post: { platform: 'youtube', url: watch(video.id), author: gov.id, status: 'live' },
      version: 1,
      replies: 9,
      media: 1,
      method: 'api',
    });
    expect(r.json.post.text).toContain('Persconferentie na de ministerraad');

    // Comments: top-level ones answer the video, replies their comment; authors kept.
    const rows = await query<{
      platform_id: string;
      kind: string;
      parent_platform_id: string;
      handle: string;
    }>(
      dataDir,
      "SELECT p.platform_id, p.kind, p.parent_platform_id, a.handle FROM post p JOIN account a ON a.id = p.account_id WHERE p.kind != 'post'",
    );
    expect(rows).toHaveLength(9);
    expect(rows).toContainEqual({
      platform_id: `youtube:comment:${other.id}`,
      kind: 'comment',
      parent_platform_id: `youtube:video:${video.id}`,
      handle: other.authorChannelId,
    });
    for (const reply of replies)
      expect(rows).toContainEqual(
        expect.objectContaining({
          platform_id: `youtube:comment:${reply.id}`,
          kind: 'reply',
          parent_platform_id: `youtube:comment:${q.id}`,
        }),
      );
    // More than 5 replies: read in full through comments?parentId.
    expect(yt.requests.some((x) => x.path === '/comments' && x.query.get('parentId') === q.id)).toBe(true);

    const shown = await cli(env, 'show', watch(video.id), '--json');
    expect(shown.code).toBe(0);
    expect(shown.json.post).toMatchObject({ platformId: `youtube:video:${video.id}`, kind: 'post' });
    expect(shown.json.replies.map((x: { text: string }) => x.text).sort()).toEqual(
      ['Goede uitleg.', 'Wanneer komt de huurverlaging?'].sort(),
    );
    // The largest thumbnail, as PNG bytes.
    expect(shown.json.media).toHaveLength(1);
    expect(shown.json.media[0]).toMatchObject({ type: 'image', mime: 'image/png' });
    const bytes = tinyPng(Number.parseInt(video.id.slice(0, 3), 36) % 251);
    expect(shown.json.media[0].sha256).toBe(sha256(bytes));
    expect(yt.requests.some((x) => x.path === `/vi/${video.id}/hqdefault.png`)).toBe(true);

    // The key went in a header and is never in the WARC.
    const records = await readAllWarc(dataDir);
    expect(records.some((x) => x.block.includes(yt.apiKey))).toBe(false);
    expect(records.some((x) => x.http?.toLowerCase().includes('x-goog-api-key: [redacted]'))).toBe(true);
    const method = records.find((x) => x.type === 'metadata' && x.block.includes('the video file itself'));
    expect(method).toBeTruthy();

    const found = await cli(env, 'search', 'woningtekort', '--json');
    expect(found.json.hits.map((h: { url: string }) => h.url)).toEqual([watch(video.id)]);
    const verify = await cli(env, 'verify', '--json');
    expect(verify.json).toMatchObject({ ok: true, problems: [] });
    // Every version (the video and its 9 comments) re-derived from the API answer it cites.
    expect(verify.json.rederived).toBe(10);
  });

  it('a comment link captures the comment with the video and the comment it answers', async () => {
    const video = yt.addVideo(gov.id, { title: 'Uitleg toeslagen' });
    const q = yt.addComment(video.id, { author: '@burger', text: 'Geldt dit ook voor 2026?' });
    const a = yt.addComment(video.id, {
      author: '@Rijksoverheid',
      text: 'Ja, ook voor 2026.',
      parentId: q.id,
    });
    yt.editComment(a.id, 'Ja, ook voor 2026 en 2027.');
    const { env } = envFor(yt);

    const url = `${watch(video.id)}&lc=${a.id}`;
    const r = await cli(env, 'capture', url, '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.json.post).toMatchObject({ text: 'Ja, ook voor 2026 en 2027.', url });
    const shown = await cli(env, 'show', url, '--json');
    expect(shown.json.post).toMatchObject({
      kind: 'reply',
      parent: { platformId: `youtube:comment:${q.id}` },
    });
    // updatedAt after publishedAt: the comment was edited, and the archive says when.
    expect(shown.json.versions[0].validFrom).toBe(a.updatedAt);
    expect((await cli(env, 'show', watch(video.id), '--json')).json.post.kind).toBe('post');
  });

  it('a video with comments turned off is captured without comments', async () => {
    const video = yt.addVideo(gov.id, { title: 'Troonrede' });
    yt.disableComments(video.id);
    const { env } = envFor(yt);
    const r = await cli(env, 'capture', watch(video.id), '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.json.replies).toBe(0);
  });
});

describe('YouTube refusals and errors', () => {
  it('without YOUTUBE_API_KEY: refused naming the variable and the browser method, no request made', async () => {
    const video = yt.addVideo(gov.id);
    const { env, dataDir } = envFor(yt, { YOUTUBE_API_KEY: '' });
    const before = yt.requests.length;
    const r = await cli(env, 'capture', watch(video.id), '--json');
    expect(r.code).toBe(2);
    expect(r.json.error.code).toBe('not-configured');
    expect(r.stderr).toContain('YOUTUBE_API_KEY');
    expect(r.stderr).toContain('browser');
    expect(yt.requests.length).toBe(before);
    await expectNothingWritten(dataDir);
    const nl = await cli({ ...env, ARCHIEFBOT_LANGUAGE: 'nl' }, 'capture', watch(video.id));
    expect(nl.stderr).toContain('zet YOUTUBE_API_KEY');
  });

  it('a key Google refuses (400 API_KEY_INVALID) is a clear message, not a missing video', async () => {
    const video = yt.addVideo(gov.id);
    const { env, dataDir } = envFor(yt, { YOUTUBE_API_KEY: 'wrong-key' });
    const r = await cli(env, 'capture', watch(video.id), '--json');
    expect(r.code).toBe(2);
    expect(r.json.error.code).toBe('not-configured');
    expect(r.stderr).toMatch(/YouTube refuses the key in YOUTUBE_API_KEY/);
    await expectNothingWritten(dataDir);
  });

  it('a deleted video: not found, nothing written', async () => {
    const video = yt.addVideo(gov.id);
    yt.deleteVideo(video.id);
    const { env, dataDir } = envFor(yt);
    const r = await cli(env, 'capture', watch(video.id), '--json');
    expect(r.code).toBe(1);
    expect(r.json.error.code).toBe('not-found');
    await expectNothingWritten(dataDir);
  });

  it("Google's 403 quotaExceeded is quota-exceeded, and then our own counter refuses without asking", async () => {
    const own = await ownFake({ quota: 1 });
    const ch = own.addChannel({ handle: 'minbzk', title: 'BZK' });
    const video = own.addVideo(ch.id);
    // Our counter allows 10,000 units; Google's project quota here is 1.
    const { env, dataDir } = envFor(own);
    const r = await cli(env, 'capture', watch(video.id), '--json');
    expect(r.code).toBe(1);
    expect(r.json.error.code).toBe('quota-exceeded');
    expect(r.stderr).toMatch(/quota for today is spent/);
    expect(r.stderr).toMatch(/midnight Pacific time/);
    await expectNothingWritten(dataDir);
    const asked = own.requests.length;
    const again = await cli(env, 'capture', watch(video.id), '--json');
    expect(again.json.error.code).toBe('quota-exceeded');
    expect(own.requests.length).toBe(asked);
    const status = await cli(env, 'status', '--json');
    const yts = status.json.platforms.find((p: { platform: string }) => p.platform === 'youtube');
    expect(yts).toMatchObject({
      state: 'quota-exceeded',
      quota: { limit: 10000, unit: 'units', period: 'day' },
    });
  });

  it('our own daily counter refuses before the call that would overspend', async () => {
    const own = await ownFake();
    const ch = own.addChannel({ handle: 'minbzk', title: 'BZK' });
    const video = own.addVideo(ch.id);
    const { env } = envFor(own, { ARCHIEFBOT_YOUTUBE_DAILY_QUOTA: '1' });
    const r = await cli(env, 'capture', watch(video.id), '--json');
    expect(r.json.error.code).toBe('quota-exceeded');
    // The video was read (1 unit); the comments were not asked for.
    expect(own.requests.map((x) => x.path)).toEqual(['/videos']);
    expect(own.unitsUsed).toBe(1);
    const usage = await query(env.ARCHIEFBOT_DATA_DIR!, 'SELECT platform, period, units FROM api_usage');
    expect(usage).toEqual([{ platform: 'youtube', period: 'day', units: 1 }]);
  });
});

describe('a YouTube channel', () => {
  it('backfills the uploads playlist (resumable), and re-checks find the edit and the deletion', async () => {
    const own = await ownFake();
    const ch = own.addChannel({ handle: 'MinVWS', title: 'Ministerie van VWS' });
    const videos = Array.from({ length: 60 }, (_, i) =>
      own.addVideo(ch.id, {
        title: `Update ${i}`,
        description: i === 17 ? 'Over de vaccinatiecampagne.' : '',
      }),
    );
    const { env, dataDir } = envFor(own, { ARCHIEFBOT_HTTP_RETRIES: '0' });
    // The second page of the playlist fails: the first 50 are kept, the run can be resumed.
    let pages = 0;
    own.failNext(
      Object.assign(/^\/playlistItems$/, {
        test: (p: string) => p === '/playlistItems' && ++pages === 2,
      }) as RegExp,
      {
        status: 503,
        body: '{"error":{"code":503,"message":"The service is currently unavailable.","errors":[{"reason":"backendError"}]}}',
      },
    );
    const broken = await cli(env, 'capture', 'https://www.youtube.com/@minvws', '--json');
    expect(broken.code).toBe(1);
    expect(await count(dataDir, 'post')).toBe(50);
    const resumed = await cli(env, 'capture', 'https://www.youtube.com/@minvws', '--json');
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.json).toMatchObject({ kind: 'account', posts: 60, resumed: true, complete: true });
    expect(await count(dataDir, 'post')).toBe(60);
    expect(
      own.requests
        .filter((x) => x.path === '/playlistItems')
        .at(-1)!
        .query.get('pageToken'),
    ).toBeTruthy();
    const found = await cli(env, 'search', 'vaccinatiecampagne', '--json');
    expect(found.json.hits.map((h: { url: string }) => h.url)).toEqual([watch(videos[17]!.id)]);

    const watched = await cli(env, 'watch', `https://www.youtube.com/channel/${ch.id}`, '--json');
    expect(watched.code, watched.stderr).toBe(0);
    const first = await cli(env, 'recheck', '--all', '--json');
    expect(first.json.checked).toBe(60);
    expect(new Set(first.json.outcomes.map((o: { outcome: string }) => o.outcome))).toEqual(
      new Set(['unchanged']),
    );
    // 60 videos in two batch look-ups, not 60.
    const lookups = own.requests.filter((x) => x.path === '/videos').slice(-2);
    expect(lookups.map((x) => x.query.get('id')!.split(',').length).sort()).toEqual([10, 50]);

    own.editVideo(videos[3]!.id, { title: 'Update 3 (gecorrigeerd)' });
    own.deleteVideo(videos[4]!.id);
    own.editVideo(videos[5]!.id, { privacy: 'private' });
    const second = await cli(env, 'recheck', '--all', '--json');
    const byUrl = new Map(
      second.json.outcomes.map((o: { url: string; outcome: string }) => [o.url, o.outcome]),
    );
    expect(byUrl.get(watch(videos[3]!.id))).toBe('edited');
    expect(byUrl.get(watch(videos[4]!.id))).toBe('deleted');
    expect(byUrl.get(watch(videos[6]!.id))).toBe('unchanged');
    // Private videos are not served to an API key: left out twice, like a deleted one.
    expect(['deleted', 'unavailable']).toContain(byUrl.get(watch(videos[5]!.id)));
    const alerts = (await cli(env, 'alerts', '--json')).json.alerts;
    const edited = alerts.find((a: { kind: string }) => a.kind === 'edited');
    expect(edited.detail.diff).toContain('gecorrigeerd');
    expect(alerts.filter((a: { kind: string }) => a.kind === 'deleted').length).toBeGreaterThanOrEqual(1);
    expect((await cli(env, 'verify', '--json')).json).toMatchObject({ ok: true, problems: [] });
  });

  it('5xx and a spent quota during re-checks are errors, never deletions', async () => {
    const own = await ownFake();
    const ch = own.addChannel({ handle: 'minfin', title: 'Financiën' });
    const video = own.addVideo(ch.id, { title: 'Prinsjesdag' });
    const c = own.addComment(video.id, { author: '@burger', text: 'Wat betekent dit voor mij?' });
    const { env } = envFor(own, { ARCHIEFBOT_HTTP_RETRIES: '0' });
    expect((await cli(env, 'capture', watch(video.id), '--json')).code).toBe(0);
    own.failNext(/^\/(videos|comments)$/, { status: 503, body: '' }, 2);
    const failed = await cli(env, 'recheck', '--all', '--json');
    expect(failed.json.outcomes.map((o: { outcome: string }) => o.outcome)).toEqual(['error', 'error']);
    own.setQuota(0);
    const spent = await cli(env, 'recheck', '--all', '--json');
    expect(spent.json.outcomes.map((o: { outcome: string }) => o.outcome)).toEqual(['error', 'error']);
    expect(spent.json.outcomes[0].detail).toMatch(/quota/);
    expect(await count(env.ARCHIEFBOT_DATA_DIR!, 'alert', "kind = 'deleted'")).toBe(0);
    expect((await cli(env, 'show', `${watch(video.id)}&lc=${c.id}`, '--json')).json.post.status).toBe('live');
  });

  it("re-checks spend only their share of the day's quota; captures keep the rest", async () => {
    const own = await ownFake();
    const ch = own.addChannel({ handle: 'minocw', title: 'OCW' });
    const video = own.addVideo(ch.id, { title: 'Examens' });
    // 6 units a day: re-checks may use 4 (80%), so 2 are left for a capture.
    const { env } = envFor(own, { ARCHIEFBOT_YOUTUBE_DAILY_QUOTA: '6' });
    expect((await cli(env, 'capture', watch(video.id), '--json')).code).toBe(0); // 2 units
    for (let i = 0; i < 2; i++)
      expect((await cli(env, 'recheck', '--all', '--json')).json.outcomes[0].outcome).toBe('unchanged');
    const refused = await cli(env, 'recheck', '--all', '--json');
    expect(refused.json.outcomes[0]).toMatchObject({
      outcome: 'error',
      detail: expect.stringMatching(/share/),
    });
    expect(own.unitsUsed).toBe(4);
    const again = await cli(env, 'capture', watch(video.id), '--json');
    expect(again.code, again.stderr).toBe(0);
    expect(own.unitsUsed).toBe(6);
  });

  it('readiness: not configured without a key, else the quota left today', async () => {
    const config = loadConfig({ ARCHIEFBOT_YOUTUBE_API_URL: yt.url });
    expect(await new YouTubeConnector(config).readiness()).toEqual({
      platform: 'youtube',
      state: 'not-configured',
      variable: 'YOUTUBE_API_KEY',
    });
    const ready = await new YouTubeConnector({
      ...config,
      youtube: { ...config.youtube, apiKey: 'k' },
    }).readiness();
    expect(ready).toMatchObject({
      state: 'ready',
      quota: { used: 0, limit: 10000, unit: 'units', period: 'day' },
    });
  });
});
