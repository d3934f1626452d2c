/**
 * An independent WARC 1.1 check (ISO 28500:2017), written from the specification rather than with
 * warcio, over every file the demo story writes: each gzip member holds exactly one record (annex D),
 * the version line, the mandatory named fields (§5.2–5.5) and their syntax, a Content-Length equal to
 * the block, the closing CRLF CRLF, digests recomputed over the stored bytes (§5.8–5.9), field rules
 * per record type (§5.12 WARC-Refers-To-Target-URI only on revisit, §6.7.2 revisit truncation,
 * §5.7 Concurrent-To resolving), and unique record ids.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { demoConfig } from '../src/demo/config.ts';
import { runDemoOnce } from '../src/demo/once.ts';
import { type DemoPlatforms, startDemoPlatforms } from '../src/demo/platforms.ts';

interface Rec {
  file: string;
  offset: number;
  version: string;
  fields: Map<string, string[]>;
  block: Buffer;
  tail: string;
}

/** Splits a file into its gzip members by inflating one at a time (zlib reports where each ends). */
function members(buf: Buffer): { offset: number; bytes: Buffer }[] {
  const out: { offset: number; bytes: Buffer }[] = [];
  let offset = 0;
  while (offset < buf.length) {
    // Find the end of this member: the next gzip magic after which the rest still inflates.
    let end = offset + 18;
    for (;;) {
      const next = buf.indexOf(Buffer.from([0x1f, 0x8b, 0x08]), end);
      const candidate = next < 0 ? buf.length : next;
      try {
        const bytes = gunzipSync(buf.subarray(offset, candidate));
        out.push({ offset, bytes });
        offset = candidate;
        break;
      } catch {
        if (next < 0) throw new Error(`no complete gzip member at ${offset}`);
        end = next + 1;
      }
    }
  }
  return out;
}

function parse(file: string, offset: number, bytes: Buffer): Rec {
  const headEnd = bytes.indexOf('\r\n\r\n');
  expect(headEnd, `${file}@${offset}: no end of the header block`).toBeGreaterThan(0);
  const [version, ...lines] = bytes.subarray(0, headEnd).toString('utf8').split('\r\n');
  const fields = new Map<string, string[]>();
  for (const line of lines) {
    const m = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+):[ \t]*(.*)$/.exec(line);
    expect(m, `${file}@${offset}: not a named field: ${line}`).not.toBeNull();
    const name = m![1]!.toLowerCase();
    fields.set(name, [...(fields.get(name) ?? []), m![2]!]);
  }
  const length = Number(fields.get('content-length')?.[0]);
  const block = bytes.subarray(headEnd + 4, headEnd + 4 + length);
  return {
    file,
    offset,
    version: version!,
    fields,
    block,
    tail: bytes.subarray(headEnd + 4 + length).toString('latin1'),
  };
}

const one = (r: Rec, name: string) => r.fields.get(name.toLowerCase())?.[0];
const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

describe('WARC 1.1, checked from the specification (not with warcio)', () => {
  let platforms: DemoPlatforms;
  let dataDir: string;
  const records: Rec[] = [];
  beforeAll(async () => {
    platforms = await startDemoPlatforms();
    const config = demoConfig(loadConfig({}), platforms);
    dataDir = config.dataDir;
    await runDemoOnce(config, platforms);
    const dir = path.join(dataDir, 'warc');
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.warc.gz'))) {
      for (const m of members(readFileSync(path.join(dir, file))))
        records.push(parse(file, m.offset, m.bytes));
    }
  });
  afterAll(async () => {
    await platforms.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('every record: version line, mandatory fields, length, closing CRLF CRLF, unique id', () => {
    expect(records.length).toBeGreaterThan(20);
    const ids = new Set<string>();
    for (const r of records) {
      const where = `${r.file}@${r.offset}`;
      expect(r.version, where).toBe('WARC/1.1');
      for (const name of ['WARC-Record-ID', 'Content-Length', 'WARC-Date', 'WARC-Type'])
        expect(r.fields.get(name.toLowerCase()), `${where} ${name}`).toHaveLength(1);
      expect(one(r, 'WARC-Record-ID'), where).toMatch(/^<[a-z][a-z0-9+.-]*:[^\s<>]+>$/i);
      expect(one(r, 'WARC-Date'), where).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z$/);
      expect(r.block.length, `${where} Content-Length`).toBe(Number(one(r, 'Content-Length')));
      expect(r.tail, `${where} record end`).toBe('\r\n\r\n');
      expect(ids.has(one(r, 'WARC-Record-ID')!), `${where} duplicate id`).toBe(false);
      ids.add(one(r, 'WARC-Record-ID')!);
    }
  });

  it('digests recompute over the stored bytes; links resolve; field rules per type hold', () => {
    const ids = new Set(records.map((r) => one(r, 'WARC-Record-ID')));
    const types = new Set(records.map((r) => one(r, 'WARC-Type')));
    expect([...types].sort()).toEqual(['metadata', 'request', 'response', 'revisit', 'warcinfo']);
    for (const r of records) {
      const where = `${r.file}@${r.offset} ${one(r, 'WARC-Type')}`;
      const type = one(r, 'WARC-Type');
      if (type !== 'warcinfo') expect(one(r, 'WARC-Target-URI'), where).toBeTruthy();
      const block = one(r, 'WARC-Block-Digest');
      if (block) expect(block, `${where} block digest`).toBe(sha(r.block));
      const payload = one(r, 'WARC-Payload-Digest');
      if (payload && type !== 'revisit') {
        // For HTTP records the payload is the block after the HTTP head (§5.9); otherwise the block.
        const http = type === 'response' || type === 'request';
        const body = http ? r.block.subarray(r.block.indexOf('\r\n\r\n') + 4) : r.block;
        expect(payload, `${where} payload digest`).toBe(sha(body));
      }
      for (const link of ['WARC-Concurrent-To', 'WARC-Refers-To'])
        for (const id of r.fields.get(link.toLowerCase()) ?? [])
          expect(ids.has(id), `${where} ${link} ${id}`).toBe(true);
      if (type !== 'revisit') expect(r.fields.has('warc-refers-to-target-uri'), `${where} §5.12`).toBe(false);
      if (type === 'revisit') {
        expect(one(r, 'WARC-Profile'), where).toBeTruthy();
        expect(one(r, 'WARC-Truncated'), `${where} §6.7.2`).toBe('length');
      }
      if (type === 'response' || type === 'request' || type === 'revisit')
        expect(one(r, 'Content-Type'), where).toMatch(/^application\/http; *msgtype=(request|response)$/);
    }
    // Each file starts with its warcinfo.
    const firsts = records.filter((r) => r.offset === 0);
    expect(firsts.every((r) => one(r, 'WARC-Type') === 'warcinfo')).toBe(true);
  });
});
