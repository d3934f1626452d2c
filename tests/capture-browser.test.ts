import { existsSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { dHash, hammingDistance } from '../src/capture/browser/phash.ts';
import { recogniseWall } from '../src/capture/browser/walls.ts';
import type { Connector, ConnectorFactory } from '../src/capture/connector.ts';
import { BrowserConnector, screenshotKey } from '../src/capture/connectors/browser.ts';
import { METHODS } from '../src/capture/methods.ts';
import { CapturePipeline } from '../src/capture/pipeline.ts';
import { Bot } from '../src/chat/bot.ts';
import type { CaptureRequestFromChat } from '../src/chat/chat.ts';
import { ChatKnowledge } from '../src/chat/knowledge.ts';
import { Roles } from '../src/chat/roles.ts';
import { loadConfig } from '../src/config.ts';
import { CaptureError } from '../src/domain/errors.ts';
import type { NormalisedPost } from '../src/domain/types.ts';
import { Archive } from '../src/store/archive.ts';
import { type Existing, planIngest } from '../src/store/ingest/plan.ts';
import { recordRequest } from '../src/store/requests.ts';
import { JsSite, solidPng } from './fakes/js-site.ts';
import { listenOnLoopback } from './fakes/listen.ts';
import { query, readAllWarc, sha256 } from './helpers/archive.ts';
import { cli, testEnv } from './helpers/cli.ts';

const CHROMIUM = process.env.ARCHIEFBOT_CHROMIUM ?? '/usr/bin/chromium';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const undo of cleanups.splice(0).reverse()) await undo();
});

/**
 * A data dir whose configuration blocks private addresses except the site's own port (as production
 * blocks them all), so a page script's fetch of another loopback port meets the SSRF guard.
 */
function guardedEnv(site: JsSite, extra: Record<string, string> = {}) {
  const t = testEnv({ ARCHIEFBOT_ALLOW_PRIVATE_NETWORKS: 'false', ARCHIEFBOT_CHROMIUM: CHROMIUM, ...extra });
  cleanups.push(t.cleanup);
  const file = path.join(t.dataDir, 'config.yaml');
  writeFileSync(
    file,
    `http:\n  allowHosts: ["${site.host}"]\nbrowser:\n  idleTimeoutMs: 3000\n  maxScrolls: 4\n`,
  );
  t.env.ARCHIEFBOT_CONFIG = file;
  return t;
}

describe('perceptual hash (dHash over the PNG)', () => {
  /** A left-to-right grey gradient, with a black box where asked. */
  const gradient = (w: number, h: number, box?: [number, number, number, number]) =>
    drawn(w, h, (x, y) => {
      if (box && x >= box[0] && x < box[2] && y >= box[1] && y < box[3]) return 0;
      return Math.round((x / w) * 255);
    });
  it('gives the same hash for the same image, a near one for a slight change, a far one for another picture', () => {
    const a = gradient(200, 120);
    expect(dHash(a)).toMatch(/^[0-9a-f]{32}$/);
    expect(dHash(a)).toBe(dHash(gradient(200, 120)));
    // Anti-aliasing-sized noise: a few pixels.
    expect(hammingDistance(dHash(a), dHash(gradient(200, 120, [10, 10, 12, 12])))).toBeLessThanOrEqual(2);
    // A black block over the right third of the picture: a changed look.
    expect(hammingDistance(dHash(a), dHash(gradient(200, 120, [130, 0, 200, 120])))).toBeGreaterThan(10);
    // A full-width dark band above the rest (a picture over the text): the aHash half sees it.
    expect(hammingDistance(dHash(a), dHash(gradient(200, 120, [0, 0, 200, 30])))).toBeGreaterThan(10);
    expect(hammingDistance('ffffffffffffffff', '0000000000000000')).toBe(64);
  });

  it('keeps the previous screenshot key within the threshold, a new one beyond it', () => {
    const prev = (key: string) => ({
      postId: 1,
      number: 1,
      method: 'browser',
      content: JSON.stringify({ media: [{ key, url: 'urn:view:x', type: 'image', description: null }] }),
    });
    expect(
      screenshotKey(
        '000000000000000000000000000000ff',
        prev('screenshot:000000000000000000000000000000fe'),
        10,
      ),
    ).toBe('screenshot:000000000000000000000000000000fe');
    expect(
      screenshotKey(
        'ffffffffffffffff00000000000000ff',
        prev('screenshot:000000000000000000000000000000fe'),
        10,
      ),
    ).toBe('screenshot:ffffffffffffffff00000000000000ff');
    expect(screenshotKey('000000000000000000000000000000ff', undefined, 10)).toBe(
      'screenshot:000000000000000000000000000000ff',
    );
  });
});

/** A greyscale PNG drawn pixel by pixel. */
function drawn(w: number, h: number, grey: (x: number, y: number) => number): Buffer {
  const img = new PNG({ width: w, height: h });
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const g = grey(x, y);
      img.data.set([g, g, g, 255], (y * w + x) * 4);
    }
  return PNG.sync.write(img);
}

describe('login walls and "not available" pages', () => {
  const page = (finalUrl: string, title: string, text: string, status = 200) => ({
    finalUrl,
    title,
    text,
    status,
  });
  it("recognises the platforms' walls and gone pages, and leaves ordinary pages alone", () => {
    expect(recogniseWall(page('https://x.com/i/flow/login', 'X', 'Sign in'))?.state).toBe('unavailable');
    expect(recogniseWall(page('https://www.linkedin.com/authwall?trk=x', 'LinkedIn', 'Join'))?.state).toBe(
      'unavailable',
    );
    expect(
      recogniseWall(
        page('https://www.facebook.com/p/1', 'Facebook', "This content isn't available right now"),
      )?.state,
    ).toBe('unavailable');
    expect(
      recogniseWall(page('https://www.instagram.com/p/1/', 'Instagram', "Sorry, this page isn't available."))
        ?.state,
    ).toBe('unavailable');
    expect(
      recogniseWall(page('https://x.com/a/status/1', 'X', 'Hmm...this page doesn’t exist. Try searching')),
    ).toMatchObject({ state: 'unavailable' });
    expect(
      recogniseWall(page('https://example.org/a', 'Log in to X', 'Log in to X\nSign in to see this post.')),
    ).toMatchObject({ state: 'unavailable' });
    expect(recogniseWall(page('https://example.org/a', 'Weg', 'Weg', 410))?.state).toBe('deleted');
    expect(recogniseWall(page('https://example.org/a', 'Weg', 'Weg', 404))?.state).toBe('deleted');
    // A short page whose menu starts with "Inloggen" is content too.
    expect(
      recogniseWall(page('https://www.gemeente.nl/a', 'Afvalkalender', 'Inloggen\nAfvalkalender 2026')),
    ).toBeNull();
    // A news page that mentions logging in further down is content.
    const article = `Kabinet verlengt subsidie\n${'De regeling loopt door. '.repeat(100)}\nLog in om te reageren.`;
    expect(recogniseWall(page('https://www.rijksoverheid.nl/nieuws/1', 'Nieuws', article))).toBeNull();
  });
});

describe('capture --method browser (headless Chromium against a loopback site)', () => {
  let site: JsSite;
  let privateHits: string[];
  let stopPrivate: () => Promise<void>;

  beforeAll(async () => {
    expect(existsSync(CHROMIUM), `Chromium is needed at ${CHROMIUM} (apt-get install chromium)`).toBe(true);
    site = await JsSite.start();
    privateHits = [];
    const server = createServer((req, res) => {
      privateHits.push(req.url ?? '');
      res.end('geheim');
    });
    const base = await listenOnLoopback(server);
    site.privateUrl = `${base}/geheim`;
    stopPrivate = () => new Promise<void>((resolve) => server.close(() => resolve()));
  });
  afterAll(async () => {
    await site?.stop();
    await stopPrivate?.();
  });

  it('captures the script-rendered page: searchable text, a PNG screenshot, every request, the private fetch blocked, verify clean', async () => {
    const { env, dataDir } = guardedEnv(site);
    const url = `${site.base}/bericht`;
    const r = await cli(env, 'capture', url, '--method', 'browser', '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.json).toMatchObject({ kind: 'post', method: 'browser', newVersion: true, version: 1 });
    expect(r.json.post.text).toContain(site.headline);

    // The JS-inserted text is searchable.
    const found = await cli(env, 'search', 'zonnepanelen', '--json');
    expect(found.code, found.stderr).toBe(0);
    expect(JSON.stringify(found.json)).toContain(url);

    // show lists the PNG screenshot (and the lazily loaded image) with the version.
    const shown = await cli(env, 'show', url, '--json');
    expect(shown.code).toBe(0);
    const media = shown.json.media as { mime: string; url: string; sha256: string }[];
    expect(media.find((m) => m.url === `urn:view:${url}`)).toMatchObject({ mime: 'image/png' });
    expect(media.find((m) => m.url === `${site.base}/img/kaart.png`)).toMatchObject({ mime: 'image/png' });
    expect(shown.json.versions[0].method).toBe('browser');
    expect(shown.stdout + JSON.stringify(shown.json)).toContain('browser');

    // The WARC holds the page's script and XHR exchanges as received, and the resources.
    const records = await readAllWarc(dataDir);
    const of = (type: string, uri: string) => records.filter((x) => x.type === type && x.uri === uri);
    for (const p of ['/bericht', '/app.js', '/api/bericht.json', '/img/kaart.png']) {
      expect(of('request', `${site.base}${p}`), p).toHaveLength(1);
      expect(of('response', `${site.base}${p}`), p).toHaveLength(1);
    }
    expect(of('response', `${site.base}/api/bericht.json`)[0]!.block.toString()).toContain(site.headline);
    const [shot] = of('resource', `urn:view:${url}`);
    expect(shot!.headers.get('content-type')).toBe('image/png');
    expect(shot!.block.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    expect(of('resource', `urn:dom:${url}`)[0]!.block.toString()).toContain(site.headline);
    const info = JSON.parse(of('resource', `urn:pageinfo:${url}`)[0]!.block.toString());
    expect(info).toMatchObject({
      openGraph: { 'og:title': 'Subsidie zonnepanelen verlengd' },
      oembed: { author_name: 'Ministerie van OCW' },
      cookieBanner: 'Weigeren',
    });

    // The page's fetch of another loopback port never left the browser, and is noted per version.
    expect(privateHits).toEqual([]);
    expect(of('request', site.privateUrl)).toHaveLength(0);
    const [version] = await query<{ misses: string }>(dataDir, 'SELECT misses FROM version');
    expect(JSON.parse(version!.misses)).toContain(
      `blocked: ${site.privateUrl} (private, loopback or link-local address)`,
    );

    // The cookie banner was closed with "reject", never "accept".
    expect(site.accepted).toBe(false);
    expect(site.requests).toContain('/consent?choice=reject');

    const verified = await cli(env, 'verify', '--json');
    expect(verified.code, verified.stdout).toBe(0);
  });

  it('follows a redirect of the requested page and keeps each hop as its own exchange', async () => {
    const { env, dataDir } = guardedEnv(site);
    const r = await cli(env, 'capture', `${site.base}/oud`, '--method', 'browser', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.json.post.text).toContain(site.headline);
    const records = await readAllWarc(dataDir);
    const hop = records.find((x) => x.type === 'response' && x.uri === `${site.base}/oud`);
    expect(hop?.block.toString('latin1')).toMatch(/^HTTP\/1\.1 301/);
    expect(records.some((x) => x.type === 'response' && x.uri === `${site.base}/bericht`)).toBe(true);
  });

  it('does not follow a script that sends the page to another site, and notes it', async () => {
    const { env, dataDir } = guardedEnv(site);
    const before = site.requests.length;
    const r = await cli(env, 'capture', `${site.base}/elders`, '--method', 'browser', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.json.post.text).toContain('U wordt doorgestuurd.');
    expect(site.requests.slice(before)).not.toContain('/bericht');
    const [version] = await query<{ misses: string }>(dataDir, 'SELECT misses FROM version');
    const away = `http://localhost:${new URL(site.base).port}/bericht`;
    expect(JSON.parse(version!.misses)).toContain(`navigation to another site not followed: ${away}`);
  });

  it('refuses a gone page and a login wall with a clear error, archiving nothing', async () => {
    const { env, dataDir } = guardedEnv(site);
    const gone = await cli(env, 'capture', `${site.base}/weg`, '--method', 'browser');
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/does not exist|bestaat niet/);
    site.wall = true;
    try {
      const wall = await cli(env, 'capture', `${site.base}/bericht`, '--method', 'browser');
      expect(wall.code).toBe(1);
      expect(wall.stderr).toMatch(/cannot be seen publicly|niet openbaar/);
    } finally {
      site.wall = false;
    }
    expect(await query(dataDir, 'SELECT id FROM version')).toEqual([]);
  });

  it('says in one line how to get Chromium when it is missing, and refuses an unknown method', async () => {
    const { env } = guardedEnv(site, { ARCHIEFBOT_CHROMIUM: '/nonexistent/chromium' });
    const r = await cli(env, 'capture', `${site.base}/bericht`, '--method', 'browser');
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('apt-get install chromium');
    expect(r.stderr).toContain('ARCHIEFBOT_CHROMIUM');
    const bad = await cli(env, 'capture', `${site.base}/bericht`, '--method', 'fax');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('fax');
  });

  it('re-checks: a text change is an edit alert, a login wall is unavailable (never an edit)', async () => {
    const { env } = guardedEnv(site);
    const url = `${site.base}/bericht`;
    const original = site.headline;
    try {
      expect((await cli(env, 'capture', url, '--method', 'browser')).code).toBe(0);
      // Captured again without --method: the page keeps its method, and unchanged means no new version.
      const again = await cli(env, 'capture', url, '--json');
      const changed = async () =>
        JSON.stringify((await cli(env, 'show', url, '--json')).json.versions.at(-1)?.changed);
      expect(again.json, await changed()).toMatchObject({ method: 'browser', newVersion: false, version: 1 });

      const same = await cli(env, 'recheck', '--all', '--json');
      expect(same.json.outcomes).toEqual([expect.objectContaining({ outcome: 'unchanged' })]);

      site.headline = 'Kabinet verlengt de subsidie voor zonnepanelen op scholen tot 2032';
      const edited = await cli(env, 'recheck', '--all', '--json');
      expect(edited.json.outcomes).toEqual([expect.objectContaining({ outcome: 'edited' })]);
      const alerts = (await cli(env, 'alerts', '--json')).json.alerts as { kind: string; detail: unknown }[];
      const edit = alerts.find((a) => a.kind === 'edited');
      expect(JSON.stringify(edit)).toContain('2032');

      // The same text with a different look (a large picture above it): an edit of the screenshot alone.
      site.hero = true;
      const looked = await cli(env, 'recheck', '--all', '--json');
      expect(looked.json.outcomes).toEqual([expect.objectContaining({ outcome: 'edited' })]);
      expect((await cli(env, 'show', url, '--json')).json.versions).toHaveLength(3);

      site.wall = true;
      const walled = await cli(env, 'recheck', '--all', '--json');
      expect(walled.json.outcomes).toEqual([expect.objectContaining({ outcome: 'unavailable' })]);
      const after = (await cli(env, 'alerts', '--json')).json.alerts as { kind: string }[];
      expect(after.filter((a) => a.kind === 'edited')).toHaveLength(2);
      expect(after.some((a) => a.kind === 'unavailable')).toBe(true);
      const shown = await cli(env, 'show', url, '--json');
      expect(shown.json.versions).toHaveLength(3);
    } finally {
      site.headline = original;
      site.wall = false;
      site.hero = false;
    }
  }, 90_000); // ten CLI runs, several starting Chromium: over 30 s on a loaded 2-core machine (no timing goal here)

  it('re-checks a page the web method captured with the web method, not the browser', async () => {
    const { env } = guardedEnv(site);
    const url = `${site.base}/pagina/7`;
    const r = await cli(env, 'capture', url, '--json');
    expect(r.json).toMatchObject({ method: 'web' });
    const before = site.requests.length;
    const pass = await cli(env, 'recheck', '--all', '--json');
    expect(pass.json.outcomes).toEqual([expect.objectContaining({ outcome: 'unchanged' })]);
    // The HTML only: no script or XHR was asked for, as a browser would have.
    expect(site.requests.slice(before)).toEqual(['/pagina/7']);
  });

  it('falls back to the browser when the platform connector is not configured, and says so when Chromium is missing', async () => {
    const notConfigured: ConnectorFactory = {
      name: 'platform-without-credentials',
      create: (): Connector & {
        fetchThread(): never;
        lookupKeys(): string[];
        platform: 'x';
        method: never;
      } =>
        ({
          platform: 'x',
          method: { id: 'api', label: 'api', captures: [], misses: [] },
          match: (u: URL) => (u.pathname === '/bericht' ? { kind: 'post', url: u.href } : null),
          lookupKeys: () => [],
          fetchThread: () => {
            throw new CaptureError(
              'not-configured',
              'set X_BEARER_TOKEN or capture with the browser',
              false,
              {
                platform: 'X',
                variable: 'X_BEARER_TOKEN',
              },
            );
          },
        }) as never,
    };
    const browser: ConnectorFactory = { name: 'browser', create: (c, db) => new BrowserConnector(c, db) };
    const run = async (chromium: string) => {
      const t = guardedEnv(site, { ARCHIEFBOT_CHROMIUM: chromium });
      const config = loadConfig(t.env);
      const archive = await Archive.open(config.dataDir, { rotateBytes: 1e9, operator: '' });
      const pipeline = new CapturePipeline(archive, config, undefined, [notConfigured, browser]);
      try {
        return await pipeline.capture({ url: `${site.base}/bericht`, trigger: 'command' });
      } finally {
        await pipeline.close();
        await archive.close();
      }
    };
    const outcome = await run(CHROMIUM);
    expect(outcome).toMatchObject({ kind: 'post', method: 'browser' });
    await expect(run('/nonexistent/chromium')).rejects.toMatchObject({ code: 'not-configured' });
  });

  it('fails at once, not to be retried, for a host that does not exist (the page request’s own verdict)', async () => {
    const t = guardedEnv(site);
    const config = loadConfig(t.env);
    const archive = await Archive.open(config.dataDir, { rotateBytes: 1e9, operator: '' });
    const pipeline = new CapturePipeline(archive, config);
    try {
      const err = await pipeline
        .capture({ url: 'https://bestaat-niet.invalid/bericht', trigger: 'command', method: 'browser' })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CaptureError);
      expect(err).toMatchObject({ code: 'network-error', retryable: false });
      expect((err as CaptureError).message).toMatch(/the browser could not load .*does not exist/);
    } finally {
      await pipeline.close();
      await archive.close();
    }
  });
});

describe('archiveer <url> browser (chat)', () => {
  it('queues a browser capture, keeps the method with the recorded request, and refuses an unknown method word', async () => {
    const t = testEnv({ ARCHIEFBOT_CHROMIUM: CHROMIUM, ARCHIEFBOT_ALLOW_PRIVATE_NETWORKS: 'false' });
    cleanups.push(t.cleanup);
    const config = loadConfig(t.env);
    const archive = await Archive.open(config.dataDir, config.warc);
    const pipeline = new CapturePipeline(archive, config);
    cleanups.push(async () => {
      await pipeline.close();
      await archive.close();
    });
    const queued: CaptureRequestFromChat[] = [];
    const bot = new Bot({
      archive,
      roles: new Roles({ defaultRole: 'archivist', users: [] }),
      captures: {
        enqueue: async (req) => {
          queued.push(req);
          return { jobId: String(queued.length), duplicate: false };
        },
        counts: async () => ({}),
      },
      checkUrl: (url) => void pipeline.resolve(url),
      lookupKeys: (ref) => pipeline.lookupKeys(ref),
      knowledge: new ChatKnowledge(),
    });
    const say = (text: string) =>
      bot.handle({
        platform: 'slack',
        user: 'U1',
        channel: 'C1',
        text,
        replyTo: { platform: 'slack', channel: 'C1' },
      });
    await say('archiveer <https://www.rijksoverheid.nl/nieuws/1> browser');
    await say('archiveer https://www.rijksoverheid.nl/nieuws/2');
    expect(queued.map((q) => [q.url, q.method])).toEqual([
      ['https://www.rijksoverheid.nl/nieuws/1', 'browser'],
      ['https://www.rijksoverheid.nl/nieuws/2', undefined],
    ]);
    // A platform without a connector is left to the worker (which renders it when Chromium is there).
    await say('archiveer https://www.tiktok.com/@rijksoverheid/video/7300000000000000000');
    expect(queued.at(-1)?.url).toBe('https://www.tiktok.com/@rijksoverheid/video/7300000000000000000');
    // A private address is refused in the chat, browser or not.
    const blocked = await say('archiveer http://169.254.169.254/latest/meta-data browser');
    expect(blocked.text).toMatch(/link-local|geblokkeerd/);
    expect(queued).toHaveLength(3);
    const refused = await say('archiveer https://www.rijksoverheid.nl/nieuws/3 fax');
    expect(refused.text).toContain('fax');
    expect(queued).toHaveLength(3);

    // The request is recorded with its method, so a request queued again after a Redis loss keeps it.
    const r = await recordRequest(archive.db, {
      kind: 'capture',
      url: 'https://www.rijksoverheid.nl/nieuws/1',
      requestedBy: 'U1',
      channel: 'slack:C1',
      replyTo: { platform: 'slack', channel: 'C1' },
      lang: 'nl',
      method: 'browser',
    });
    expect(r.method).toBe('browser');
    const plain = await recordRequest(archive.db, { ...r, method: undefined });
    expect(plain.method).toBeNull();
  });
});

describe('resource records in the ingest plan (the seam the browser method writes through)', () => {
  const png = solidPng(4, 4, [200, 10, 10]);
  const pageUrl = 'https://www.rijksoverheid.nl/nieuws/1';
  const page: NormalisedPost = {
    platform: 'web',
    platformId: pageUrl,
    url: pageUrl,
    apiRef: pageUrl,
    account: {
      platform: 'web',
      handle: 'www.rijksoverheid.nl',
      platformId: null,
      displayName: null,
      url: null,
    },
    kind: 'page',
    parentPlatformId: null,
    createdAt: null,
    editedAt: null,
    content: {
      text: 'Nieuws',
      html: null,
      title: 'Nieuws',
      spoilerText: '',
      sensitive: false,
      visibility: null,
      language: null,
      media: [{ key: 'screenshot:0', url: `urn:view:${pageUrl}`, type: 'image', description: null }],
    },
    counts: {},
    history: null,
    sourceUrl: null,
  };
  const input = (held: Existing['media']) =>
    planIngest(
      {
        url: pageUrl,
        trigger: 'command',
        requestedBy: null,
        channel: null,
        method: METHODS.browser,
        posts: [{ post: page, role: 'main' }],
        exchanges: [],
        resources: [
          {
            uri: `urn:view:${pageUrl}`,
            mime: 'image/png',
            body: png,
            date: '2026-11-26T10:00:00Z',
            media: true,
          },
          {
            uri: `urn:dom:${pageUrl}`,
            mime: 'text/html',
            body: Buffer.from('<p>Nieuws</p>'),
            date: '2026-11-26T10:00:00Z',
          },
        ],
      },
      { posts: new Map(), media: held, accountRoles: new Map() },
      { captureId: 1, now: '2026-11-26T10:00:00Z', recheckSchedule: null },
    );

  it('gives a media resource its SHA-256 in the version, counts it as stored once, and schedules a browser page for re-checks', () => {
    const plan = input(new Map());
    expect(plan.resources.map((r) => [r.resource.uri, r.media?.sha256 ?? null])).toEqual([
      [`urn:view:${pageUrl}`, sha256(png)],
      [`urn:dom:${pageUrl}`, null],
    ]);
    expect(plan.posts[0]!.newVersions[0]!.archived.media[0]!.sha256).toBe(sha256(png));
    expect(plan.media).toEqual({ stored: 1, revisits: 0 });
    // Web pages are not re-checked, unless the browser captured them.
    expect(plan.posts[0]!.nextCheck).toBe('2026-11-26T10:00:00Z');
    const held = input(
      new Map([[sha256(png), { recordId: '<urn:uuid:x>', url: `urn:view:${pageUrl}`, date: 'x' }]]),
    );
    expect(held.resources[0]!.media).toMatchObject({ held: true });
    expect(held.media.stored).toBe(0);
  });
});
