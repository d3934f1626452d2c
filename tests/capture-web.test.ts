import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WARCParser } from 'warcio';
import { WebConnector } from '../src/capture/connectors/web.ts';
import { HttpClient } from '../src/capture/http.ts';
import { guardedLookup } from '../src/capture/ssrf.ts';
import { loadConfig } from '../src/config.ts';
import { CaptureError } from '../src/domain/errors.ts';
import { FakeWeb } from './fakes/web.ts';
import { expectNothingWritten, query, warcFiles } from './helpers/archive.ts';
import { cli, testEnv } from './helpers/cli.ts';

const sha256 = (data: Buffer | Uint8Array | string) => createHash('sha256').update(data).digest('hex');

interface WarcEntry {
  type: string;
  uri: string;
  status: number | null;
  payloadSha256: string;
}

/** Every record of every WARC file in the data dir, read back independently with warcio. */
async function warcRecords(dataDir: string): Promise<WarcEntry[]> {
  const out: WarcEntry[] = [];
  for (const name of warcFiles(dataDir).sort()) {
    for await (const rec of new WARCParser(createReadStream(path.join(dataDir, 'warc', name)))) {
      const payload = await rec.readFully(true);
      const status = rec.httpHeaders?.statusCode;
      out.push({
        type: rec.warcType,
        uri: rec.warcTargetURI ?? '',
        status: status === undefined ? null : Number(status),
        payloadSha256: sha256(payload),
      });
    }
  }
  return out;
}

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const undo of cleanups.splice(0).reverse()) await undo();
});

function env(extra: Record<string, string> = {}) {
  const t = testEnv(extra);
  cleanups.push(t.cleanup);
  return t;
}

/** Image bytes: only their identity matters, the connector never decodes them. */
const MAP = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.from('kaart van de dijkvakken')]);
const CHART = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.from('grafiek waterstanden')]);

function page(base: string): string {
  return `<!doctype html>
<html lang="nl">
<head>
  <meta charset="utf-8">
  <title>Kamerbrief over waterveiligheid</title>
  <script>window.trackingcode = 'scriptgeheimhoofd';</script>
  <style>p { color: navy }</style>
</head>
<body>
  <h1>Waterveiligheid in 2025</h1>
  <p>De minister informeert de Kamer over de dijkversterking langs de Lek.</p>
  <p>Het <strong>hoogwaterbeschermingsprogramma</strong> loopt op schema.</p>
  <script>document.write('scriptgeheimlichaam');</script>
  <img src="img/kaart.png" alt="Kaart van de dijkvakken">
  <img src="${base}/static/grafiek.png" alt="Grafiek">
</body>
</html>`;
}

let web: FakeWeb;

beforeAll(async () => {
  web = await FakeWeb.start();
  web.html('/nieuws/waterveiligheid', page(web.url));
  web.file('/nieuws/img/kaart.png', MAP, 'image/png');
  web.file('/static/grafiek.png', CHART, 'image/png');
  web.html('/weg', '<html><body><p>Niet gevonden</p></body></html>', 404);
  web.redirect('/oud', '/nieuw');
  web.html(
    '/nieuw',
    '<html><head><title>Verhuisd</title></head><body><p>Dit is het nieuwe adres.</p></body></html>',
  );
});

afterAll(async () => {
  await web.close();
});

describe('capture of a web page with text, a script and two images', () => {
  let dataDir: string;
  let run: ReturnType<typeof testEnv>['env'];
  let captured: Awaited<ReturnType<typeof cli>>;
  let pageUrl: string;
  let cleanup: () => void;

  beforeAll(async () => {
    ({ env: run, dataDir, cleanup } = testEnv());
    pageUrl = `${web.url}/nieuws/waterveiligheid`;
    captured = await cli(run, 'capture', pageUrl, '--json');
  });

  afterAll(() => cleanup());

  it('exits 0 with a web post holding the title and the visible text', () => {
    expect(captured.stderr).toBe('');
    expect(captured.code).toBe(0);
    expect(captured.json).toMatchObject({
      post: { platform: 'web', url: pageUrl, author: `127.0.0.1:${web.port}`, status: 'live' },
      version: 1,
      replies: 0,
      media: 2,
    });
    expect(captured.json.sha256).toMatch(/^[0-9a-f]{64}$/);
    const text: string = captured.json.post.text;
    expect(text.startsWith('Kamerbrief over waterveiligheid')).toBe(true);
    for (const words of [
      'Waterveiligheid in 2025',
      'dijkversterking langs de Lek',
      'Het hoogwaterbeschermingsprogramma loopt op schema.',
    ])
      expect(text).toContain(words);
  });

  it('leaves script (and style) contents out of the captured text', async () => {
    const shown = await cli(run, 'show', pageUrl, '--json');
    expect(shown.code).toBe(0);
    for (const text of [captured.json.post.text as string, shown.json.versions[0].text as string]) {
      expect(text).not.toMatch(/scriptgeheim|trackingcode|document\.write|color: navy/);
    }
  });

  it('stores both images, the relative one resolved against the page, with the sha256 of their bytes', async () => {
    const shown = await cli(run, 'show', pageUrl, '--json');
    expect(shown.json.media).toMatchObject([
      {
        url: `${web.url}/nieuws/img/kaart.png`,
        sha256: sha256(MAP),
        size: MAP.length,
        description: 'Kaart van de dijkvakken',
      },
      {
        url: `${web.url}/static/grafiek.png`,
        sha256: sha256(CHART),
        size: CHART.length,
        description: 'Grafiek',
      },
    ]);
    expect(shown.json.media.every((m: { evidence: unknown }) => m.evidence !== null)).toBe(true);
    expect((await query(dataDir, 'SELECT sha256 FROM media ORDER BY sha256')).map((r) => r.sha256)).toEqual(
      [sha256(MAP), sha256(CHART)].sort(),
    );

    // The WARC holds the image payloads byte for byte.
    const responses = (await warcRecords(dataDir)).filter((r) => r.type === 'response');
    expect(responses.find((r) => r.uri === `${web.url}/nieuws/img/kaart.png`)?.payloadSha256).toBe(
      sha256(MAP),
    );
    expect(responses.find((r) => r.uri === `${web.url}/static/grafiek.png`)?.payloadSha256).toBe(
      sha256(CHART),
    );
    expect(responses.find((r) => r.uri === pageUrl)?.status).toBe(200);
  });

  it('finds the page by a word of its text', async () => {
    const found = await cli(run, 'search', 'hoogwaterbeschermingsprogramma', '--json');
    expect(found.code).toBe(0);
    expect(found.json.query).toBe('hoogwaterbeschermingsprogramma');
    expect(found.json.hits).toHaveLength(1);
    expect(found.json.hits[0]).toMatchObject({ id: captured.json.post.id, url: pageUrl });
    expect(found.json.hits[0].snippet).toContain('hoogwaterbeschermingsprogramma');
  });

  it('passes verify', async () => {
    const verify = await cli(run, 'verify', '--json');
    expect(verify.json).toMatchObject({ ok: true, problems: [] });
    expect(verify.code).toBe(0);
  });
});

describe('web capture outcomes', () => {
  it('a 404 page: exit 1 saying it is gone, nothing written', async () => {
    const { env: e, dataDir } = env();
    const r = await cli(e, 'capture', `${web.url}/weg`, '--json');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${web.url}/weg does not exist (any more)`);
    expect(r.json.error.message).toMatch(/gone \(HTTP 404\)/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.json.error.code).toBe('not-found');
    await expectNothingWritten(dataDir);
  });

  it('a 404 page is not-found after one request: not retryable, naming the page and its status', async () => {
    const http = new HttpClient(loadConfig({ ARCHIEFBOT_ALLOW_PRIVATE_NETWORKS: 'true' }).http);
    const before = web.requests.filter((r) => r === '/weg').length;
    const err = await new WebConnector()
      .fetchThread({ kind: 'post', url: `${web.url}/weg` }, http.session())
      .catch((e) => e);
    await http.close();
    expect(err).toBeInstanceOf(CaptureError);
    expect([err.code, err.retryable]).toEqual(['not-found', false]);
    expect(err.vars).toEqual({ url: `${web.url}/weg`, host: `127.0.0.1:${web.port}`, status: 404 });
    expect(web.requests.filter((r) => r === '/weg').length).toBe(before + 1);
  });

  it.each([
    ['https://x.com/minbzk/status/1877000000000000000', 'X', 'X_BEARER_TOKEN'],
    ['https://www.youtube.com/watch?v=dQw4w9WgXcQ', 'YouTube', 'YOUTUBE_API_KEY'],
  ])(
    '%s without its API credentials and without Chromium: refused naming the variable, not captured as a login wall',
    async (url, name, variable) => {
      const { env: e, dataDir } = env({
        ARCHIEFBOT_LANGUAGE: 'nl',
        ARCHIEFBOT_CHROMIUM: '/nonexistent/chromium',
      });
      const r = await cli(e, 'capture', url, '--json');
      expect(r.code).toBe(2);
      expect(r.json.error.code).toBe('not-configured');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain(`kan ik niet via de API van ${name} archiveren: zet ${variable}`);
      expect(r.stderr).toContain('Chromium');
      await expectNothingWritten(dataDir);
    },
  );

  it('follows a 302 to another path on the same server and keeps both exchanges in the WARC', async () => {
    const { env: e, dataDir } = env();
    const r = await cli(e, 'capture', `${web.url}/oud`, '--json');
    expect(r.code).toBe(0);
    expect(r.json.post).toMatchObject({ platform: 'web', url: `${web.url}/oud` });
    expect(r.json.post.text).toContain('Dit is het nieuwe adres.');

    const records = await warcRecords(dataDir);
    const of = (type: string, uri: string) => records.filter((x) => x.type === type && x.uri === uri);
    expect(of('response', `${web.url}/oud`).map((x) => x.status)).toEqual([302]);
    expect(of('response', `${web.url}/nieuw`).map((x) => x.status)).toEqual([200]);
    expect(of('request', `${web.url}/oud`)).toHaveLength(1);
    expect(of('request', `${web.url}/nieuw`)).toHaveLength(1);
  });

  it('a text that is not a URL: a clear error and nothing written', async () => {
    const { env: e, dataDir } = env();
    const r = await cli(e, 'capture', 'hello');
    expect([1, 2]).toContain(r.code);
    expect(r.stderr).toMatch(/give a full link/i);
    expect(r.stderr).toContain('"hello"');
    await expectNothingWritten(dataDir);
  });
});

describe('addresses that must never be fetched (ARCHIEFBOT_ALLOW_PRIVATE_NETWORKS=false)', () => {
  /** Short timeouts and no retries: if the guard let a request through, the test fails fast, not after minutes. */
  const guarded = () =>
    env({
      ARCHIEFBOT_ALLOW_PRIVATE_NETWORKS: 'false',
      ARCHIEFBOT_HTTP_TIMEOUT_MS: '3000',
      ARCHIEFBOT_HTTP_RETRIES: '0',
    });

  it('refuses the loopback test page itself, without sending it a request', async () => {
    const { env: e, dataDir } = guarded();
    const before = web.requests.length;
    const r = await cli(e, 'capture', `${web.url}/nieuws/waterveiligheid`, '--json');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/blocked|refused/i);
    expect(r.json.error.code).toBe('blocked-address');
    expect(web.requests.length).toBe(before);
    await expectNothingWritten(dataDir);
  });

  const targets = [
    'http://10.0.0.1/',
    'http://169.254.169.254/latest/meta-data/',
    'file:///etc/passwd',
    'http://localhost:{port}/nieuws/waterveiligheid',
    'http://LOCALHOST:{port}/nieuws/waterveiligheid',
    'http://[::1]:{port}/nieuws/waterveiligheid',
    'http://[::ffff:127.0.0.1]:{port}/nieuws/waterveiligheid',
    'http://0x7f000001:{port}/nieuws/waterveiligheid',
    'http://0.0.0.0:{port}/nieuws/waterveiligheid',
    'http://100.64.0.1/',
    'http://192.168.1.1/',
    'http://[fd00::1]/',
  ];
  it.each(targets)('refuses %s before any connection', async (template) => {
    const { env: e, dataDir } = guarded();
    const url = template.replace('{port}', String(web.port));
    const before = web.requests.length;
    const started = Date.now();
    const r = await cli(e, 'capture', url, '--json');
    const elapsed = Date.now() - started;
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/blocked|refused/i);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.json.error.code).toBe('blocked-address');
    expect(elapsed).toBeLessThan(1500);
    expect(web.requests.length).toBe(before);
    await expectNothingWritten(dataDir);
  });

  it('the DNS guard refuses a name that resolves to a loopback address', async () => {
    const err = await new Promise<unknown>((resolve) => guardedLookup('localhost', {}, (e) => resolve(e)));
    expect(err).toBeInstanceOf(CaptureError);
    expect((err as CaptureError).code).toBe('blocked-address');
    expect((err as CaptureError).message).toMatch(/refused localhost: it resolves to (127\.0\.0\.1|::1)/);
  });
});
