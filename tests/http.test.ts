import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient, toCaptureError, waitFromHeaders } from '../src/capture/http.ts';
import { checkUrl, guardedLookup, isBlockedAddress } from '../src/capture/ssrf.ts';
import { loadConfig } from '../src/config.ts';
import { CaptureError } from '../src/domain/errors.ts';
import { cli, testEnv } from './helpers/cli.ts';

const TEXT = 'Dijkversterking langs de Lek. '.repeat(20);
/** Bodies in each Content-Encoding, with a repeated header and mixed-case names as a server may send them. */
const ENCODED: Record<string, { headers: string[]; body: Buffer }> = {
  '/gzip': {
    headers: ['Content-Encoding', 'gzip', 'Set-Cookie', 'a=1', 'Set-Cookie', 'b=2', 'X-Mixed-CASE', 'ja'],
    body: gzipSync(TEXT),
  },
  '/br': { headers: ['content-encoding', 'br'], body: brotliCompressSync(TEXT) },
  '/deflate': { headers: ['Content-Encoding', 'deflate'], body: deflateSync(TEXT) },
  '/deflate-raw': { headers: ['Content-Encoding', 'deflate'], body: deflateRawSync(TEXT) },
  '/bomb': { headers: ['Content-Encoding', 'gzip'], body: gzipSync(Buffer.alloc(5_000_000)) },
};

let server: http.Server;
let base: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.url === '/redirect') return res.writeHead(302, { location: '/final' }).end();
    if (req.url === '/loop') return res.writeHead(302, { location: '/loop' }).end();
    if (req.url === '/missing') return res.writeHead(404).end('not here');
    if (req.url === '/huge') return res.writeHead(200, { 'content-length': String(10_000_000) }).end();
    const coded = ENCODED[req.url ?? ''];
    if (coded)
      return res.writeHead(200, 'Prima', [...coded.headers, 'content-type', 'text/plain']).end(coded.body);
    res.writeHead(200, { 'content-type': 'text/plain' }).end(`ok ${req.url}`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

function client(over: Record<string, string> = {}) {
  const config = loadConfig({ ARCHIEFBOT_HTTP_BACKOFF_MS: '10', ...over });
  return new HttpClient(config.http);
}

describe('the SSRF guard', () => {
  it.each([
    ['127.0.0.1', true],
    ['10.0.0.1', true],
    ['172.16.5.4', true],
    ['192.168.1.1', true],
    ['169.254.169.254', true],
    ['100.64.0.1', true],
    ['0.0.0.0', true],
    ['::1', true],
    ['fe80::1', true],
    ['fd00::1', true],
    ['::ffff:127.0.0.1', true],
    ['::ffff:10.0.0.1', true],
    ['145.97.39.155', false],
    ['2a00:1450:4001::1', false],
  ])('classifies %s as blocked=%s', (address, blocked) => {
    expect(isBlockedAddress(address)).toBe(blocked);
  });

  it.each([
    'http://127.0.0.1/',
    'http://10.0.0.1/admin',
    'http://169.254.169.254/latest/meta-data/',
    'http://[::1]:8080/',
    'http://localhost:6379/',
    'file:///etc/passwd',
    'gopher://example.org/',
  ])('refuses %s on the command line without the allow flag, before connecting', async (url) => {
    const { env, cleanup } = testEnv({ ARCHIEFBOT_ALLOW_PRIVATE_NETWORKS: 'false' });
    const r = await cli(env, 'capture', url, '--json');
    expect(r.code).toBe(1);
    expect(r.json.error.code).toBe('blocked-address');
    expect(r.stderr).toContain(`I won't capture ${url}`);
    expect(r.json.error.message).toMatch(/refused/);
    cleanup();
  });

  it('lets through only the hosts named in http.allowHosts (the demo loopback servers), port and all', () => {
    const allowed = ['127.0.0.1:4100'];
    expect(() => checkUrl(new URL('http://127.0.0.1:4100/@minbzk'), false, allowed)).not.toThrow();
    expect(() => checkUrl(new URL('http://127.0.0.1:4101/@minbzk'), false, allowed)).toThrow(/refused/);
    expect(() => checkUrl(new URL('http://10.0.0.1/'), false, allowed)).toThrow(/refused/);
    expect(() => checkUrl(new URL('ftp://127.0.0.1:4100/pub'), false, allowed)).toThrow(/only http/);
  });

  it('still refuses file:// when private networks are allowed', () => {
    expect(() => checkUrl(new URL('file:///etc/passwd'), true)).toThrow(/only http and https/);
  });

  it('refuses, at connect time, a host name that resolves to a loopback address', async () => {
    // The agent connects through guardedLookup, so a public-looking name (or a redirect to one)
    // that resolves to an internal address is refused after DNS, whatever the URL said.
    const err = await new Promise<unknown>((resolve) =>
      guardedLookup('localhost', {}, (e, address) => resolve(e ?? address)),
    );
    expect(err).toBeInstanceOf(CaptureError);
    expect((err as CaptureError).code).toBe('blocked-address');
    expect((err as CaptureError).message).toMatch(/resolves to (127\.0\.0\.1|::1)/);
  });
});

describe('the recording HTTP client', () => {
  it('follows redirects and records every hop', async () => {
    const c = client({ ARCHIEFBOT_ALLOW_PRIVATE_NETWORKS: 'true' });
    const s = c.session();
    const res = await s.get(`${base}/redirect`, { purpose: 'page' });
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe('ok /final');
    expect(s.exchanges.map((e) => [e.status, new URL(e.url).pathname])).toEqual([
      [302, '/redirect'],
      [200, '/final'],
    ]);
    expect(s.exchanges[0]!.requestHeaders.find(([k]) => k === 'user-agent')?.[1]).toMatch(/^Archiefbot\//);
    await c.close();
  });

  it('decodes gzip, br and deflate for the connectors and keeps the answer as received for the WARC', async () => {
    const c = client({ ARCHIEFBOT_ALLOW_PRIVATE_NETWORKS: 'true' });
    const s = c.session();
    for (const path of ['/gzip', '/br', '/deflate', '/deflate-raw']) {
      const res = await s.get(`${base}${path}`);
      expect(res.body.toString('utf8'), path).toBe(TEXT);
      const { exchange } = res;
      expect(exchange.wire!.body.equals(ENCODED[path]!.body), path).toBe(true);
      expect(exchange.statusText).toBe('Prima');
      expect(exchange.ip).toBe('127.0.0.1');
    }
    const gzip = s.exchanges[0]!;
    // Names as sent, repeated fields kept, in order; the parsed Headers still answer case-insensitively.
    expect(gzip.responseHeaders.slice(0, 4)).toEqual([
      ['Content-Encoding', 'gzip'],
      ['Set-Cookie', 'a=1'],
      ['Set-Cookie', 'b=2'],
      ['X-Mixed-CASE', 'ja'],
    ]);
    const head = gzip.wire!.response.toString('latin1');
    expect(head).toMatch(
      /^HTTP\/1\.1 200 Prima\r\nContent-Encoding: gzip\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n/,
    );
    expect(head.endsWith('\r\n\r\n')).toBe(true);
    // The request head is what undici wrote: its own host and connection lines included.
    const sent = gzip.wire!.request.toString('latin1');
    expect(sent).toMatch(/^GET \/gzip HTTP\/1\.1\r\nhost: 127\.0\.0\.1:\d+\r\nconnection: keep-alive\r\n/);
    expect(sent).toContain('\r\naccept-encoding: gzip, deflate, br\r\n');
    expect(sent.endsWith('\r\n\r\n')).toBe(true);
    expect(gzip.requestHeaders.map(([k]) => k)).toEqual([
      'host',
      'connection',
      'user-agent',
      'accept',
      'accept-encoding',
    ]);
    await c.close();
  });

  it('refuses an answer that decodes to more than the limit (a compression bomb)', async () => {
    const config = loadConfig({ ARCHIEFBOT_ALLOW_PRIVATE_NETWORKS: 'true' });
    const c = new HttpClient({ ...config.http, maxBodyBytes: 1_000_000 });
    const err = await c
      .session()
      .get(`${base}/bomb`)
      .catch((e) => e);
    expect((err as CaptureError).code).toBe('too-large');
    await c.close();
  });

  it('stops a redirect loop with a clear error', async () => {
    const c = client({ ARCHIEFBOT_ALLOW_PRIVATE_NETWORKS: 'true' });
    await expect(c.session().get(`${base}/loop`)).rejects.toThrow(/too many redirects/);
    await c.close();
  });

  it('refuses a body larger than the limit before reading it', async () => {
    const config = loadConfig({ ARCHIEFBOT_ALLOW_PRIVATE_NETWORKS: 'true' });
    const c = new HttpClient({ ...config.http, maxBodyBytes: 1_000_000 });
    const err = await c
      .session()
      .get(`${base}/huge`)
      .catch((e) => e);
    expect((err as CaptureError).code).toBe('too-large');
    await c.close();
  });

  it('reads the wait from Retry-After and from Mastodon and IETF rate-limit headers', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(waitFromHeaders(new Headers({ 'retry-after': '3' }), now)).toBe(3000);
    expect(waitFromHeaders(new Headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:05 GMT' }), now)).toBe(5000);
    expect(waitFromHeaders(new Headers({ 'x-ratelimit-reset': '2026-01-01T00:05:00.000Z' }), now)).toBe(
      300_000,
    );
    expect(waitFromHeaders(new Headers({ 'ratelimit-reset': '7' }), now)).toBe(7000);
    expect(waitFromHeaders(new Headers({}), now)).toBeNull();
  });
});

describe('errors that cannot heal fail at once', () => {
  /** A client that would wait at least 2.5 s before a second try. */
  const patient = (allow: string) =>
    client({ ARCHIEFBOT_ALLOW_PRIVATE_NETWORKS: allow, ARCHIEFBOT_HTTP_BACKOFF_MS: '5000' });

  it.each(['false', 'true'])(
    'a host name that does not exist: one attempt, no retries (private networks allowed: %s)',
    async (allow) => {
      const c = patient(allow);
      const started = Date.now();
      const err = await c
        .session()
        .get('https://archiefbot-test.invalid/bericht/1')
        .catch((e) => e);
      expect(Date.now() - started).toBeLessThan(2000);
      expect(err).toBeInstanceOf(CaptureError);
      expect(err.code).toBe('network-error');
      expect(err.retryable).toBe(false);
      expect(err.vars).toMatchObject({ host: 'archiefbot-test.invalid' });
      expect(err.message).toMatch(/archiefbot-test\.invalid does not exist/);
      await c.close();
    },
  );

  it('tells a name that does not exist from a passing DNS or connect failure', () => {
    const url = new URL('https://social.example.nl/@minbzk');
    const failed = (code: string) =>
      new TypeError('fetch failed', { cause: Object.assign(new Error(`getaddrinfo ${code}`), { code }) });
    for (const code of ['ENOTFOUND', 'EAI_NONAME']) {
      const err = toCaptureError(failed(code), url);
      expect([err.code, err.retryable, err.vars.host]).toEqual(['network-error', false, 'social.example.nl']);
    }
    // Happy eyeballs reports every address family's failure together.
    const both = new TypeError('fetch failed', {
      cause: new AggregateError([Object.assign(new Error('x'), { code: 'ENOTFOUND' })]),
    });
    expect(toCaptureError(both, url).retryable).toBe(false);
    for (const code of ['EAI_AGAIN', 'ECONNREFUSED', 'ECONNRESET']) {
      const err = toCaptureError(failed(code), url);
      expect([err.code, err.retryable, err.vars.host]).toEqual(['network-error', true, 'social.example.nl']);
      expect(err.vars.detail).toBe(code);
    }
  });

  it('a blocked address: refused before connecting, not retryable, naming the host', async () => {
    const c = patient('false');
    const started = Date.now();
    const err = await c
      .session()
      .get('http://169.254.169.254/latest/meta-data/')
      .catch((e) => e);
    expect(Date.now() - started).toBeLessThan(2000);
    expect([err.code, err.retryable, err.vars.host]).toEqual(['blocked-address', false, '169.254.169.254']);
    await c.close();
    // Refused by the DNS guard (a name that resolves to an internal address): the URL is filled in.
    const guard = new CaptureError(
      'blocked-address',
      'refused intern.example: it resolves to 10.0.0.1',
      false,
      {
        host: 'intern.example',
        detail: '10.0.0.1',
      },
    );
    const viaDns = toCaptureError(
      new TypeError('fetch failed', { cause: guard }),
      new URL('https://intern.example/x'),
    );
    expect([viaDns.code, viaDns.retryable]).toEqual(['blocked-address', false]);
    expect(viaDns.vars).toEqual({
      url: 'https://intern.example/x',
      host: 'intern.example',
      detail: '10.0.0.1',
    });
  });

  it('a 404 is answered after one request (the connector turns it into not-found)', async () => {
    const c = patient('true');
    const s = c.session();
    const res = await s.get(`${base}/missing`);
    expect(res.status).toBe(404);
    expect(s.exchanges).toHaveLength(1);
    await c.close();
  });
});

describe('configuration', () => {
  it('names the bad key and the variable it came from', () => {
    expect(() => loadConfig({ ARCHIEFBOT_HTTP_RETRIES: 'many' })).toThrow(
      /ARCHIEFBOT_HTTP_RETRIES \(http\.retries\)/,
    );
    expect(() => loadConfig({ ARCHIEFBOT_BSKY_APPVIEW_URL: 'ftp://x' })).toThrow(/bluesky\.appviewUrl/);
  });

  it('reports a bad key in a config file and exits 2 from the CLI', async () => {
    const { env, dataDir, cleanup } = testEnv();
    const file = `${dataDir}/bad.yaml`;
    const { writeFileSync } = await import('node:fs');
    writeFileSync(file, 'http:\n  maxRedirects: soon\n');
    const r = await cli({ ...env, ARCHIEFBOT_CONFIG: file }, 'search', 'x');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/http\.maxRedirects/);
    writeFileSync(file, 'htpp:\n  timeoutMs: 100\n');
    const typo = await cli({ ...env, ARCHIEFBOT_CONFIG: file }, 'search', 'x');
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/htpp/);
    cleanup();
  });

  it('defaults the data directory to ./data and takes ARCHIEFBOT_DATA_DIR', () => {
    expect(loadConfig({}).dataDir).toBe(`${process.cwd()}/data`);
    expect(loadConfig({ ARCHIEFBOT_DATA_DIR: '/tmp/x' }).dataDir).toBe('/tmp/x');
    expect(loadConfig({}).http.allowPrivateNetworks).toBe(false);
    expect(loadConfig({ ARCHIEFBOT_ALLOW_PRIVATE_NETWORKS: 'true' }).http.allowPrivateNetworks).toBe(true);
  });
});
