// WARC 1.1 conformance of what a capture writes: responses stored as received (status line, header
// lines, Content-Encoding and body as sent), the request head as sent, WARC-IP-Address, digests over
// the stored bytes, revisits truncated, links between records that resolve, every record readable.
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WARCParser } from 'warcio';
import { WireWeb } from './fakes/web.ts';
import { type ReadRecord, readAllWarc, sha256, warcFiles } from './helpers/archive.ts';
import { cli, testEnv } from './helpers/cli.ts';

const HTML = `<!doctype html>
<html lang="nl"><head><meta charset="utf-8"><title>Dijkversterking Lek</title></head>
<body><h1>Dijkversterking</h1><p>De werkzaamheden langs de Lek beginnen in maart.</p>
<img src="/beeld.png" alt="Kaart"></body></html>`;
const GZIPPED = gzipSync(Buffer.from(HTML, 'utf8'));
const PNG = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.from('kaart van de dijk')]);

/** A whole HTTP response as bytes: the head lines as given, then the body. */
function response(lines: string[], body: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), body]);
}

// Mixed-case names, repeated Set-Cookie and Link fields, a reason phrase of its own, a gzip body.
const PAGE = response(
  [
    'HTTP/1.1 200 Alles Goed',
    'Content-Type: text/html; charset=utf-8',
    'Content-Encoding: gzip',
    'Set-Cookie: sessie=abc123; Path=/; HttpOnly',
    'X-Served-By: Rijksportaal-Web-07',
    'Set-Cookie: taal=nl; Path=/',
    'Link: </stijl.css>; rel=preload; as=style',
    'Link: </lettertype.woff2>; rel=preload; as=font',
    'cache-CONTROL: max-age=60',
    `Content-Length: ${GZIPPED.length}`,
  ],
  GZIPPED,
);
const IMAGE = response(['HTTP/1.1 200 OK', 'Content-Type: image/png', `Content-Length: ${PNG.length}`], PNG);
const CHUNKED_HTML =
  '<html><head><title>In delen</title></head><body><p>Verstuurd in twee delen.</p></body></html>';
const CHUNKED = Buffer.concat([
  Buffer.from('HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n', 'latin1'),
  Buffer.from(`20\r\n${CHUNKED_HTML.slice(0, 32)}\r\n`, 'latin1'),
  Buffer.from(
    `${(CHUNKED_HTML.length - 32).toString(16)}\r\n${CHUNKED_HTML.slice(32)}\r\n0\r\n\r\n`,
    'latin1',
  ),
]);

let web: WireWeb;
let t: ReturnType<typeof testEnv>;
let records: ReadRecord[];

beforeAll(async () => {
  web = await WireWeb.start();
  web.answer('/pagina', PAGE);
  web.answer('/beeld.png', IMAGE);
  web.answer('/in-delen', CHUNKED);
  t = testEnv();
  // Twice the same page: the second capture finds the image already held and writes a revisit.
  for (const url of [`${web.url}/pagina`, `${web.url}/pagina`, `${web.url}/in-delen`]) {
    const r = await cli(t.env, 'capture', url, '--json');
    expect(r.code, r.stderr).toBe(0);
  }
  records = await readAllWarc(t.dataDir);
}, 60_000);

afterAll(async () => {
  t.cleanup();
  await web.close();
});

const head = (block: Buffer) => block.subarray(0, block.indexOf('\r\n\r\n') + 4);
const http = (r: ReadRecord) => ['request', 'response', 'revisit'].includes(r.type);

describe('responses as received', () => {
  it('stores the gzip-encoded page byte for byte: status line, header lines as sent, body as sent', () => {
    const pages = records.filter((r) => r.type === 'response' && r.uri === `${web.url}/pagina`);
    expect(pages).toHaveLength(2);
    for (const page of pages) {
      expect(page.block.equals(PAGE)).toBe(true);
      expect(page.headers.get('warc-payload-digest')).toBe(`sha256:${sha256(GZIPPED)}`);
    }
  });

  it('removes a chunked transfer-coding, keeps the field renamed and digests the entity body', () => {
    const rec = records.find((r) => r.type === 'response' && r.uri === `${web.url}/in-delen`)!;
    expect(head(rec.block).toString('latin1')).toBe(
      'HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Archive-Orig-Transfer-Encoding: chunked\r\n\r\n',
    );
    expect(rec.block.subarray(head(rec.block).length).toString('latin1')).toBe(CHUNKED_HTML);
    expect(rec.headers.get('warc-payload-digest')).toBe(`sha256:${sha256(CHUNKED_HTML)}`);
  });

  it('records the peer address of every request and response', () => {
    for (const rec of records.filter(http)) expect(rec.headers.get('warc-ip-address')).toBe('127.0.0.1');
  });
});

describe('requests as sent', () => {
  it('stores each request head exactly as the server received it, with the headers actually sent', () => {
    const requests = records.filter((r) => r.type === 'request');
    expect(requests.length).toBe(web.received.length);
    const received = web.received.map((r) => r.head.toString('latin1'));
    for (const req of requests) {
      expect(received).toContain(req.block.toString('latin1'));
      const fields = req.block.toString('latin1').toLowerCase();
      for (const name of ['host', 'connection', 'user-agent', 'accept', 'accept-encoding'])
        expect(fields).toContain(`\r\n${name}: `);
    }
  });
});

describe('WARC 1.1 conformance', () => {
  it('recomputes every block and payload digest over the stored bytes', () => {
    expect(records.length).toBeGreaterThan(10);
    for (const rec of records) {
      if (rec.type === 'warcinfo') continue;
      expect(rec.headers.get('warc-block-digest'), rec.uri).toBe(`sha256:${sha256(rec.block)}`);
      if (rec.type === 'revisit') continue;
      const payload = http(rec) ? rec.block.subarray(head(rec.block).length) : rec.block;
      expect(rec.headers.get('warc-payload-digest'), rec.uri).toBe(`sha256:${sha256(payload)}`);
    }
  });

  it('has no WARC-Refers-To-Target-URI on a metadata record (§5.12)', () => {
    const metadata = records.filter((r) => r.type === 'metadata');
    expect(metadata.length).toBeGreaterThan(0);
    for (const rec of metadata) expect(rec.headers.has('warc-refers-to-target-uri')).toBe(false);
  });

  it('truncates revisits by length, with the response head kept and the stored payload digest (§6.7.2)', () => {
    const revisits = records.filter((r) => r.type === 'revisit');
    expect(revisits).toHaveLength(1);
    const [revisit] = revisits;
    expect(revisit!.headers.get('warc-truncated')).toBe('length');
    expect(revisit!.block.equals(head(IMAGE))).toBe(true);
    expect(revisit!.headers.get('warc-payload-digest')).toBe(`sha256:${sha256(PNG)}`);
    expect(revisit!.headers.get('warc-profile')).toBe(
      'http://netpreserve.org/warc/1.1/revisit/identical-payload-digest',
    );
  });

  it('resolves every WARC-Concurrent-To and WARC-Refers-To to a record in the files', () => {
    const ids = new Set(records.map((r) => r.headers.get('warc-record-id')));
    expect(ids.size).toBe(records.length);
    let links = 0;
    for (const rec of records) {
      for (const name of ['warc-concurrent-to', 'warc-refers-to']) {
        const target = rec.headers.get(name);
        if (!target) continue;
        links++;
        expect(ids.has(target), `${rec.type} ${rec.uri} ${name}`).toBe(true);
      }
    }
    expect(links).toBeGreaterThan(records.length / 2);
  });

  it('is read by warcio with HTTP parsing: every record, the page decoded from its gzip body', async () => {
    let read = 0;
    let page = '';
    for (const name of warcFiles(t.dataDir)) {
      const parser = new WARCParser(createReadStream(path.join(t.dataDir, 'warc', name)));
      for await (const rec of parser) {
        read++;
        if (rec.warcType === 'response' || rec.warcType === 'revisit' || rec.warcType === 'request')
          expect(rec.httpHeaders, `${rec.warcType} ${rec.warcTargetURI}`).not.toBeNull();
        if (rec.warcType === 'response' && rec.warcTargetURI === `${web.url}/pagina`) {
          expect(rec.httpHeaders!.statusCode).toBe(200);
          expect(rec.httpHeaders!.statusText).toBe('Alles Goed');
          page = await rec.contentText();
        } else await rec.readFully(true);
      }
    }
    expect(read).toBe(records.length);
    expect(page).toBe(HTML);
  });
});

describe('show and verify over encoded payloads', () => {
  it('shows the page text parsed from the decoded body and verifies the archive', async () => {
    const shown = await cli(t.env, 'show', `${web.url}/pagina`, '--json');
    expect(shown.code, shown.stderr).toBe(0);
    expect(JSON.stringify(shown.json)).toContain('De werkzaamheden langs de Lek beginnen in maart.');
    const verified = await cli(t.env, 'verify', '--json');
    expect(verified.code, verified.stdout).toBe(0);
  });
});
