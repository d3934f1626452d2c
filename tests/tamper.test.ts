/**
 * An adversarial auditor's alterations (issue 10), each on a fresh copy of one small archive: verify
 * must exit 1 and name the altered item; the untouched archive verifies. WARC alterations keep each
 * gzip member's length where they can and recompute the SHA-256 block and payload digests, as a
 * careful forger would; database alterations drop the immutability triggers first.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import sqlite3 from 'sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeMastodon } from './fakes/mastodon.ts';
import { query, sha256 } from './helpers/archive.ts';
import { cli, testEnv } from './helpers/cli.ts';

const GIF = Buffer.from('474946383961010001000000002c00000000010001000002024401003b', 'hex');
const GIF2 = Buffer.from('474946383961010001000000002c00000000010001000002024c01003b', 'hex');

let m: FakeMastodon;
let base: ReturnType<typeof testEnv>;

interface Rec {
  capture_id: number;
  type: string;
  uri: string;
  warc_file: string;
  warc_offset: number;
  warc_length: number;
  warc_record_id: string;
}
let records: Rec[];

beforeAll(async () => {
  m = await FakeMastodon.start();
  m.addAccount({ username: 'rvo' });
  m.addAccount({ username: 'iemand' });
  const post = m.addStatus({
    username: 'rvo',
    content: '<p>Subsidieregeling geopend</p>',
    media: [{ bytes: GIF, contentType: 'image/gif', description: 'logo' }],
  });
  m.addStatus({ username: 'iemand', content: '<p>Mooi!</p>', inReplyToId: post.id });
  const other = m.addStatus({
    username: 'rvo',
    content: '<p>Tweede bericht</p>',
    media: [{ bytes: GIF2, contentType: 'image/gif', description: 'ander logo' }],
  });
  base = testEnv();
  expect((await cli(base.env, 'capture', post.url, '--json')).code).toBe(0);
  m.editStatus(post.id, { content: '<p>Subsidieregeling gesloten</p>' });
  // The edit: a new version; the image again, held already: a revisit.
  expect((await cli(base.env, 'capture', post.url, '--json')).code).toBe(0);
  expect((await cli(base.env, 'capture', other.url, '--json')).code).toBe(0);
  records = await query<Rec>(base.dataDir, 'SELECT * FROM capture_record ORDER BY rowid');
});
afterAll(async () => {
  await m.close();
  base.cleanup();
});

/** A fresh copy of the archive, altered by `alter`, then verified. */
async function tampered(alter: (dataDir: string) => Promise<void> | void) {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'archiefbot-tamper-'));
  try {
    cpSync(base.dataDir, dataDir, { recursive: true });
    await alter(dataDir);
    const r = await cli({ ...base.env, ARCHIEFBOT_DATA_DIR: dataDir }, 'verify', '--json');
    return {
      code: r.code,
      problems: (r.json?.problems ?? []) as string[],
      text: (r.json?.problems ?? []).join('\n'),
    };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function sql(dataDir: string, statements: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(path.join(dataDir, 'archiefbot.db'));
    db.exec(statements, (err) => db.close(() => (err ? reject(err) : resolve())));
  });
}

const DROP_GUARDS =
  'DROP TRIGGER version_immutable; DROP TRIGGER version_kept; DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;';

// ---- the forger's tools ----------------------------------------------------------------------

/** One record's WARC head (lines) and block. */
interface Parts {
  head: string[];
  block: Buffer;
}

function split(raw: Buffer): Parts {
  const end = raw.indexOf('\r\n\r\n');
  const head = raw.subarray(0, end).toString('utf8').split('\r\n');
  const length = Number(head.find((l) => /^content-length:/i.test(l))!.split(':')[1]);
  return { head, block: raw.subarray(end + 4, end + 4 + length) };
}

function setHeader(head: string[], name: string, value: string): string[] {
  const i = head.findIndex((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  const line = `${name}: ${value}`;
  return i < 0 ? [...head, line] : head.map((l, j) => (j === i ? line : l));
}

/** Recomputes Content-Length and the SHA-256 digests (payload: after the HTTP head, if any). */
function join({ head, block }: Parts, http: boolean): Buffer {
  let h = setHeader(head, 'Content-Length', String(block.length));
  h = setHeader(h, 'WARC-Block-Digest', `sha256:${sha256(block)}`);
  if (h.some((l) => /^warc-payload-digest:/i.test(l)) && !h.includes('WARC-Type: revisit')) {
    const payload = http ? block.subarray(block.indexOf('\r\n\r\n') + 4) : block;
    h = setHeader(h, 'WARC-Payload-Digest', `sha256:${sha256(payload)}`);
  }
  return Buffer.concat([Buffer.from(`${h.join('\r\n')}\r\n\r\n`), block, Buffer.from('\r\n\r\n')]);
}

/** A gzip member of exactly `length` bytes where possible (padded with a gzip comment). */
function member(raw: Buffer, length: number): Buffer {
  const gz = gzipSync(raw, { level: 9 });
  const pad = length - gz.length;
  if (pad < 2) return gz;
  const out = Buffer.concat([
    gz.subarray(0, 10),
    Buffer.alloc(pad - 1, 0x61),
    Buffer.from([0]),
    gz.subarray(10),
  ]);
  out[3] = out[3]! | 0x10;
  return out;
}

/** Rewrites the record at `rec` in place (same member length where possible). */
function forge(
  dataDir: string,
  rec: Pick<Rec, 'warc_file' | 'warc_offset' | 'warc_length'>,
  edit: (p: Parts) => Parts,
) {
  const file = path.join(dataDir, 'warc', rec.warc_file);
  const bytes = readFileSync(file);
  const old = gunzipSync(bytes.subarray(rec.warc_offset, rec.warc_offset + rec.warc_length));
  const parts = split(old);
  const http = /^HTTP\/|^GET /.test(parts.block.toString('latin1', 0, 5));
  const next = member(join(edit(parts), http), rec.warc_length);
  writeFileSync(
    file,
    Buffer.concat([
      bytes.subarray(0, rec.warc_offset),
      next,
      bytes.subarray(rec.warc_offset + rec.warc_length),
    ]),
  );
}

function append(dataDir: string, like: Rec, edit: (p: Parts) => Parts) {
  const file = path.join(dataDir, 'warc', like.warc_file);
  const bytes = readFileSync(file);
  const parts = split(gunzipSync(bytes.subarray(like.warc_offset, like.warc_offset + like.warc_length)));
  const fresh = edit({
    ...parts,
    head: setHeader(parts.head, 'WARC-Record-ID', '<urn:uuid:00000000-0000-4000-8000-000000000001>'),
  });
  const http = /^HTTP\//.test(fresh.block.toString('latin1', 0, 5));
  writeFileSync(file, Buffer.concat([bytes, gzipSync(join(fresh, http))]));
  return bytes.length;
}

const replaceIn = (block: Buffer, from: string, to: string) =>
  Buffer.from(block.toString('latin1').replace(from, to), 'latin1');
const rec = (pred: (r: Rec) => boolean) => {
  const r = records.find(pred);
  if (!r) throw new Error('no such record in the test archive');
  return r;
};
const at = (r: Rec) => `${r.warc_file}@${r.warc_offset}`;

describe('tamper: the untouched archive', () => {
  it('verifies, with every record known and every version re-derived', async () => {
    const r = await tampered(() => {});
    expect(r.problems).toEqual([]);
    expect(r.code).toBe(0);
    const types = new Set(records.map((x) => x.type));
    expect([...types].sort()).toEqual(['metadata', 'request', 'response', 'revisit', 'warcinfo']);
  });
});

describe('tamper: alterations in the WARC', () => {
  const status = () => rec((r) => r.type === 'response' && /\/api\/v1\/statuses\/\d+$/.test(r.uri));
  it.each([
    [
      'a changed JSON response body',
      () => status(),
      (p: Parts) => ({ ...p, block: replaceIn(p.block, 'Subsidieregeling', 'Subsidieregelin_') }),
    ],
    [
      'a changed HTTP header',
      () => status(),
      (p: Parts) => ({ ...p, block: replaceIn(p.block, 'application/json', 'application/jsox') }),
    ],
    [
      'a changed WARC-Date',
      () => status(),
      (p: Parts) => ({ ...p, head: setHeader(p.head, 'WARC-Date', '2020-01-01T00:00:00Z') }),
    ],
    [
      'a changed WARC-Target-URI',
      () => status(),
      (p: Parts) => ({ ...p, head: setHeader(p.head, 'WARC-Target-URI', 'https://example.org/x') }),
    ],
    [
      'a request with another user-agent',
      () => rec((r) => r.type === 'request'),
      (p: Parts) => ({
        ...p,
        block: Buffer.from(
          p.block.toString('latin1').replace(/user-agent: [^\r]*/i, 'user-agent: Forger/1.0'),
          'latin1',
        ),
      }),
    ],
    [
      'a changed warcinfo text',
      () => rec((r) => r.type === 'warcinfo'),
      (p: Parts) => ({ ...p, block: replaceIn(p.block, 'Archiefbot capture', 'Someone else capt') }),
    ],
    [
      'a metadata record whose WARC-Refers-To names another record',
      () => rec((r) => r.type === 'metadata' && r.uri.includes(':version:')),
      (p: Parts) => ({
        ...p,
        head: setHeader(p.head, 'WARC-Refers-To', rec((r) => r.type === 'request').warc_record_id),
      }),
    ],
  ])('%s is named', async (_, target, edit) => {
    const r0 = target();
    const r = await tampered((dir) => forge(dir, r0, edit));
    expect(r.code).toBe(1);
    expect(r.text).toContain(`record at ${at(r0)}`);
  });

  it('a revisit pointed at another image is named', async () => {
    const revisit = rec((r) => r.type === 'revisit');
    const media = await query<{ sha256: string; warc_record_id: string }>(
      base.dataDir,
      'SELECT sha256, warc_record_id FROM media',
    );
    const other = media.find((x) => x.sha256 === sha256(GIF2))!;
    const r = await tampered((dir) =>
      forge(dir, revisit, (p) => ({
        ...p,
        head: setHeader(
          setHeader(p.head, 'WARC-Refers-To', other.warc_record_id),
          'WARC-Payload-Digest',
          `sha256:${other.sha256}`,
        ),
      })),
    );
    expect(r.code).toBe(1);
    expect(r.text).toContain(`record at ${at(revisit)}`);
    expect(r.text).toContain(`revisit at ${at(revisit)} names another payload`);
  });

  it('a forged response appended at the end of the file is named', async () => {
    let end = 0;
    const r = await tampered((dir) => {
      end = append(dir, status(), (p) => ({
        ...p,
        block: replaceIn(p.block, 'Subsidieregeling', 'Vervalst bericht'),
      }));
    });
    expect(r.code).toBe(1);
    expect(r.text).toContain(`record at ${status().warc_file}@${end} is not in the archive (response`);
  });

  it('a forged version-metadata record appended at the end is named', async () => {
    let end = 0;
    const meta = rec((r) => r.type === 'metadata' && r.uri.includes(':version:'));
    const r = await tampered((dir) => {
      end = append(dir, meta, (p) => ({
        ...p,
        head: setHeader(p.head, 'WARC-Target-URI', meta.uri.replace(/:\d+$/, ':9')),
      }));
    });
    expect(r.code).toBe(1);
    expect(r.text).toContain(`record at ${meta.warc_file}@${end} is not in the archive (metadata`);
  });
});

describe('tamper: alterations in the database', () => {
  let version: { id: number; post_id: number };
  let media: string;
  let sighting: { capture_id: number; post_id: number };
  let lastAudit: number;
  beforeAll(async () => {
    version = (
      await query<{ id: number; post_id: number }>(
        base.dataDir,
        'SELECT id, post_id FROM version ORDER BY id LIMIT 1',
      )
    )[0]!;
    media = (await query<{ sha256: string }>(base.dataDir, 'SELECT sha256 FROM media LIMIT 1'))[0]!.sha256;
    sighting = (
      await query<{ capture_id: number; post_id: number }>(
        base.dataDir,
        'SELECT capture_id, post_id FROM capture_post LIMIT 1',
      )
    )[0]!;
    lastAudit = (await query<{ id: number }>(base.dataDir, 'SELECT max(id) AS id FROM audit'))[0]!.id;
  });

  it('version.text changed', async () => {
    const r = await tampered((d) =>
      sql(d, `${DROP_GUARDS} UPDATE version SET text = 'iets anders' WHERE id = ${version.id}`),
    );
    expect(r.code).toBe(1);
    expect(r.text).toContain(`version ${version.id} text differs from its evidence`);
  });

  it('version.content changed', async () => {
    const r = await tampered((d) =>
      sql(
        d,
        `${DROP_GUARDS} UPDATE version SET content = replace(content, 'Subsidieregeling', 'Vervalsing') WHERE id = ${version.id}`,
      ),
    );
    expect(r.code).toBe(1);
    expect(r.text).toContain(`version ${version.id} content differs from its evidence`);
  });

  it('a version row deleted', async () => {
    const r = await tampered((d) => sql(d, `${DROP_GUARDS} DELETE FROM version WHERE id = ${version.id}`));
    expect(r.code).toBe(1);
    expect(r.text).toContain(`version ${version.id} was deleted`);
  });

  it('a media row deleted', async () => {
    const r = await tampered((d) => sql(d, `DELETE FROM media WHERE sha256 = '${media}'`));
    expect(r.code).toBe(1);
    expect(r.text).toContain(`media ${media} was deleted`);
  });

  it('capture_record rows deleted', async () => {
    const request = rec((x) => x.type === 'request');
    const r = await tampered((d) =>
      sql(
        d,
        `DELETE FROM capture_record WHERE warc_file = '${request.warc_file}' AND warc_offset = ${request.warc_offset}`,
      ),
    );
    expect(r.code).toBe(1);
    expect(r.text).toContain(`record ${at(request)} was deleted`);
    expect(r.text).toContain(`record at ${at(request)} is not in the archive`);
  });

  it('capture_post rows deleted', async () => {
    const r = await tampered((d) => sql(d, 'DELETE FROM capture_post'));
    expect(r.code).toBe(1);
    expect(r.text).toContain(`sighting ${sighting.capture_id}:${sighting.post_id} was deleted`);
  });

  it('the last audit row deleted', async () => {
    const r = await tampered((d) => sql(d, `${DROP_GUARDS} DELETE FROM audit WHERE id = ${lastAudit}`));
    expect(r.code).toBe(1);
    expect(r.text).toContain(
      `the audit chain ends at entry ${lastAudit - 1} but these changes are not sealed by it`,
    );
  });

  it('the audit tail cut together with its captures', async () => {
    const last = (await query<{ id: number }>(base.dataDir, 'SELECT max(id) AS id FROM capture'))[0]!.id;
    const r = await tampered((d) =>
      sql(
        d,
        `${DROP_GUARDS} DELETE FROM audit WHERE id = ${lastAudit}; DELETE FROM capture_post WHERE capture_id = ${last};
         DELETE FROM capture_record WHERE capture_id = ${last}; DELETE FROM version WHERE capture_id = ${last};
         DELETE FROM capture WHERE id = ${last};`,
      ),
    );
    expect(r.code).toBe(1);
    expect(r.text, r.text).toContain(`the audit chain ends at entry ${lastAudit - 1}`);
    expect(r.text).toMatch(/record at \S+ is not in the archive/);
  });

  it('post.url changed', async () => {
    const r = await tampered((d) =>
      sql(d, `UPDATE post SET url = 'https://example.org/elders' WHERE id = ${version.post_id}`),
    );
    expect(r.code).toBe(1);
    expect(r.text).toContain(`post ${version.post_id} url differs from what audit entry`);
  });

  it('post.status changed', async () => {
    const r = await tampered((d) =>
      sql(d, `UPDATE post SET status = 'deleted' WHERE id = ${version.post_id}`),
    );
    expect(r.code).toBe(1);
    expect(r.text).toContain(`post ${version.post_id} status differs from what audit entry`);
  });

  it('the search index text changed', async () => {
    const r = await tampered((d) =>
      sql(
        d,
        `INSERT INTO version_fts(version_fts, rowid, text) SELECT 'delete', id, text FROM version WHERE id = ${version.id};
         INSERT INTO version_fts(rowid, text) VALUES (${version.id}, 'woorden die het bericht nooit had');`,
      ),
    );
    expect(r.code).toBe(1);
    expect(r.text).toContain(`version ${version.id} search index text differs from its text`);
  });
});
