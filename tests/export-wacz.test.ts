/**
 * WACZ export (issue 13): `export <account> --format wacz` of a captured account. The package is read
 * back with an independent ZIP reader and warcio; every hash in datapackage.json is recomputed; every
 * record is the archive's own gzip member, byte for byte; the digest is signed with the seal key; and
 * every post's page replays in ReplayWeb.page in headless Chromium.
 *
 * What "replays" means for posts captured through a platform API: the page of such a post is the API
 * URL its newest version was read from (no browser capture of its public page exists), and ReplayWeb.page
 * serves that JSON response from the package; the test reads the replayed frame and finds the post's
 * text in it. A post with a browser capture would have its public URL as its page instead.
 */
import { createHash, createPublicKey, verify } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WARCParser } from 'warcio';
import { cdxTimestamp } from '../src/export/wacz.ts';
import { query, sha256 } from './helpers/archive.ts';
import { cli } from './helpers/cli.ts';
import { type Captured, capturedAccount, readZip, sealKeyFile, type ZipItem } from './helpers/export.ts';
import { replayedFrame } from './helpers/replay.ts';

let c: Captured;
let out: string;
let work: string;
// biome-ignore lint/suspicious/noExplicitAny: the CLI's JSON
let result: any;
let zip: Map<string, ZipItem>;

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'archiefbot-wacz-'));
  c = await capturedAccount({ ARCHIEFBOT_SEAL_KEY: sealKeyFile(mkdtempSync(path.join(tmpdir(), 'key-'))) });
  out = path.join(work, 'rvo.wacz');
  const r = await cli(c.env.env, 'export', 'rvo', '--format', 'wacz', '--out', out, '--json');
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  result = r.json;
  zip = await readZip(out);
}, 60_000);
afterAll(async () => {
  await c?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('export --format wacz', () => {
  it('prints format, file, sha256 and counts; the sha256 is the file’s', () => {
    expect(Object.keys(result)).toEqual(
      expect.arrayContaining(['format', 'file', 'sha256', 'posts', 'versions', 'media', 'records']),
    );
    expect(result.format).toBe('wacz');
    expect(result.file).toBe(out);
    expect(result.sha256).toBe(sha256(readFileSync(out)));
    // Three posts of the account and the citizen's reply that came along with the third.
    expect(result.posts).toBe(4);
    expect(result.versions).toBe(5);
    expect(result.media).toBe(1);
  });

  it('has the WACZ layout, with the WARC stored uncompressed in the ZIP', () => {
    expect([...zip.keys()].sort()).toEqual([
      'archive/data.warc.gz',
      'datapackage-digest.json',
      'datapackage.json',
      'indexes/index.cdx',
      'pages/pages.jsonl',
    ]);
    expect(zip.get('archive/data.warc.gz')!.compressionMethod).toBe(0);
  });

  it('lists every file in datapackage.json with its correct SHA-256 and size; the digest file hashes it and is signed', () => {
    const pkg = JSON.parse(zip.get('datapackage.json')!.data.toString());
    expect(pkg.profile).toBe('data-package');
    expect(pkg.wacz_version).toBe('1.1.1');
    const paths = pkg.resources.map((r: { path: string }) => r.path).sort();
    expect(paths).toEqual(['archive/data.warc.gz', 'indexes/index.cdx', 'pages/pages.jsonl']);
    for (const r of pkg.resources) {
      const data = zip.get(r.path)!.data;
      expect(r.hash).toBe(`sha256:${sha256(data)}`);
      expect(r.bytes).toBe(data.length);
    }
    const digest = JSON.parse(zip.get('datapackage-digest.json')!.data.toString());
    expect(digest.path).toBe('datapackage.json');
    expect(digest.hash).toBe(`sha256:${sha256(zip.get('datapackage.json')!.data)}`);
    const signed = digest.signedData;
    expect(signed.hash).toBe(digest.hash);
    const key = createPublicKey({
      key: Buffer.from(signed.publicKey, 'base64'),
      format: 'der',
      type: 'spki',
    });
    expect(verify(null, Buffer.from(signed.hash), key, Buffer.from(signed.signature, 'base64'))).toBe(true);
    expect(verify(null, Buffer.from('sha256:other'), key, Buffer.from(signed.signature, 'base64'))).toBe(
      false,
    );
  });

  it('copies each record as the archive stores it: the same gzip member, so the same SHA-256 and digests', async () => {
    const warc = zip.get('archive/data.warc.gz')!.data;
    const kept = new Set(
      (await query<{ h: string }>(c.env.dataDir, 'SELECT warc_sha256 AS h FROM capture_record')).map(
        (r) => r.h,
      ),
    );
    const cdx = zip.get('indexes/index.cdx')!.data.toString().trim().split('\n');
    expect(cdx.length).toBeGreaterThan(0);
    // Sorted bytewise by SURT key and timestamp; lines of one URL in one second in capture order, so
    // ReplayWeb.page (which keeps the last record it loads per URL and second) replays the newest.
    const keys = cdx.map((l) => l.split(' ').slice(0, 2).join(' '));
    expect([...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))).toEqual(keys);
    const dates: number[] = [];
    let members = 0;
    for (const line of cdx) {
      const [key, ts, json] = [line.split(' ')[0]!, line.split(' ')[1]!, line.slice(line.indexOf('{'))];
      expect(ts).toMatch(/^\d{14}$/);
      const e = JSON.parse(json);
      expect(key).toContain(')/');
      const member = warc.subarray(Number(e.offset), Number(e.offset) + Number(e.length));
      expect(kept.has(sha256(member))).toBe(true);
      expect(e.recordDigest).toBe(`sha256:${sha256(member)}`);
      // The record's payload digest still matches its payload.
      const parser = new WARCParser([gunzipSync(member)]);
      const rec = (await parser.parse())!;
      expect(rec.warcTargetURI).toBe(e.url);
      dates.push(new Date(rec.warcDate!).getTime());
      if (members > 0 && keys[members] === keys[members - 1])
        expect(dates[members]).toBeGreaterThanOrEqual(dates[members - 1]!);
      expect(ts).toBe(cdxTimestamp(rec.warcDate!));
      if (rec.warcType === 'response') {
        const payload = Buffer.from(await rec.readFully(true));
        expect(rec.warcPayloadDigest).toBe(`sha256:${createHash('sha256').update(payload).digest('hex')}`);
      }
      members++;
    }
    expect(members).toBe(cdx.length);
    // Every record of the package is one the archive keeps (each once).
    const all = new WARCParser([warc]);
    let n = 0;
    for await (const _ of all) n++;
    expect(n).toBe(result.records);
  });

  it('has one page per post, titled with the account and the first words, at an indexed URL and time', () => {
    const lines = zip
      .get('pages/pages.jsonl')!
      .data.toString()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines[0]).toMatchObject({ format: 'json-pages-1.0', id: 'pages' });
    const pages = lines.slice(1);
    expect(pages).toHaveLength(result.posts);
    const cdx = zip.get('indexes/index.cdx')!.data.toString();
    for (const post of c.posts) {
      const page = pages.find((p) => p.text === post.text);
      expect(page, post.text).toBeDefined();
      expect(page.title).toBe(`@rvo: ${post.text}`);
      expect(Date.parse(page.ts)).not.toBeNaN();
      expect(cdx).toContain(`"url":"${page.url}"`);
    }
  });
});

describe('export usage errors', () => {
  it('asks for the format, and names a selection the archive does not hold', async () => {
    const noFormat = await cli(c.env.env, 'export', 'rvo');
    expect(noFormat.code).toBe(2);
    expect(noFormat.stderr).toContain('--format');
    const nothing = await cli(
      c.env.env,
      'export',
      '@nobody',
      '--format',
      'wacz',
      '--out',
      path.join(work, 'x.wacz'),
    );
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toContain('The archive holds no post or account "@nobody"');
    const exists = await cli(c.env.env, 'export', 'rvo', '--format', 'bagit', '--out', work);
    expect(exists.code).toBe(2);
    expect(exists.stderr).toContain('exists already');
    const none = await cli(
      c.env.env,
      'export',
      '--query',
      'onvindbaar',
      '--format',
      'wacz',
      '--out',
      path.join(work, 'y.wacz'),
    );
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('Nothing in the archive matches');
  });
});

describe('replay in ReplayWeb.page (headless Chromium)', () => {
  let server: Server;
  let base: string;

  beforeAll(async () => {
    const rwp = path.resolve('node_modules/replaywebpage');
    server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const send = (type: string, body: Buffer | string) => {
        res.writeHead(200, { 'Content-Type': type, 'Cache-Control': 'no-store' });
        res.end(body);
      };
      if (url.pathname.endsWith('/ui.js'))
        return send('application/javascript', readFileSync(path.join(rwp, 'ui.js')));
      if (url.pathname.endsWith('/sw.js'))
        return send('application/javascript', readFileSync(path.join(rwp, 'sw.js')));
      // The replay frame's own page (the service worker serves it once it controls the scope).
      if (url.pathname === '/replay/' || url.pathname === '/replay/index.html')
        return send(
          'text/html',
          '<!doctype html><html><head><script src="/ui.js"></script></head><body><replay-app-main></replay-app-main></body></html>',
        );
      if (url.pathname === '/package.wacz') {
        // ReplayWeb.page reads a WACZ by HTTP range requests.
        const body = readFileSync(out);
        const range = /bytes=(\d*)-(\d*)/.exec(req.headers.range ?? '');
        let [start, end] = [0, body.length - 1];
        if (range?.[1]) [start, end] = [Number(range[1]), range[2] ? Math.min(Number(range[2]), end) : end];
        else if (range?.[2]) start = Math.max(0, body.length - Number(range[2]));
        res.writeHead(range ? 206 : 200, {
          'Content-Type': 'application/wacz',
          'Accept-Ranges': 'bytes',
          'Content-Length': end - start + 1,
          ...(range ? { 'Content-Range': `bytes ${start}-${end}/${body.length}` } : {}),
        });
        return res.end(req.method === 'HEAD' ? undefined : body.subarray(start, end + 1));
      }
      if (url.pathname === '/page.html') {
        const target = url.searchParams.get('url') ?? '';
        const ts = url.searchParams.get('ts') ?? '';
        return send(
          'text/html',
          `<!doctype html><html><head><script src="/ui.js"></script></head><body>
           <replay-web-page source="/package.wacz" url="${target.replace(/"/g, '&quot;')}" ts="${ts}" embed="replayonly"
             replayBase="/replay/" style="height:600px;display:block"></replay-web-page></body></html>`,
        );
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
  });

  it('replays every post’s page and shows the post’s text', async () => {
    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox'],
      headless: true,
    });
    try {
      const pages = zip
        .get('pages/pages.jsonl')!
        .data.toString()
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => JSON.parse(l) as { url: string; ts: string; text: string });
      for (const p of pages) {
        const context = await browser.newContext();
        const tab = await context.newPage();
        try {
          const ts = cdxTimestamp(p.ts);
          await tab.goto(`${base}/page.html?url=${encodeURIComponent(p.url)}&ts=${ts}`);
          const expected = p.text.split(' ').slice(0, 3).join(' ');
          // Reloaded once after 20 s, as a reader would, before calling the page unreplayable.
          const found = (await replayedFrame(tab, expected, { tries: 240, reloadAt: 80 }))?.url() ?? '';
          expect(found, `${p.url} did not replay "${expected}"`).not.toBe('');
          expect(decodeURIComponent(found)).toContain(p.url.replace(/^https?:\/\//, ''));
        } finally {
          await context.close();
        }
      }
    } finally {
      await browser.close();
    }
  }, 180_000);
});
