import { randomBytes } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sqlite3 from 'sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeMastodon } from './fakes/mastodon.ts';
import { count, failOn, readAllWarc, sha256, warcFiles, withArchive } from './helpers/archive.ts';
import { cli, testEnv } from './helpers/cli.ts';

const GIF = Buffer.from('474946383961010001000000002c00000000010001000002024401003b', 'hex');

let m: FakeMastodon;
let post: { id: string; url: string };

beforeAll(async () => {
  m = await FakeMastodon.start();
  m.addAccount({ username: 'rvo' });
  m.addAccount({ username: 'iemand' });
  post = m.addStatus({
    username: 'rvo',
    content: '<p>Subsidieregeling geopend</p>',
    media: [{ bytes: GIF, contentType: 'image/gif', description: 'logo' }],
  });
  m.addStatus({ username: 'iemand', content: '<p>Mooi!</p>', inReplyToId: post.id });
});
afterAll(() => m.close());

function exec(file: string, sql: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(file);
    db.exec(sql, (err) => db.close(() => (err ? reject(err) : resolve())));
  });
}

describe('WARC evidence', () => {
  it('writes WARC/1.1 request, response and metadata records that warcio reads back with matching SHA-256 digests', async () => {
    const { env, dataDir, cleanup } = testEnv();
    const r = await cli(env, 'capture', post.url, '--json');
    expect(r.code, r.stderr).toBe(0);
    const records = await readAllWarc(dataDir);
    expect(records[0]!.type).toBe('warcinfo');
    const types = records.map((x) => x.type);
    expect(types.filter((t) => t === 'request').length).toBe(types.filter((t) => t === 'response').length);
    expect(types).toContain('metadata');
    for (const rec of records) {
      if (rec.type === 'warcinfo') continue;
      expect(rec.headers.get('warc-record-id')).toMatch(/^<urn:uuid:/);
      expect(rec.headers.get('warc-block-digest')).toBe(`sha256:${sha256(rec.block)}`);
      const payload = rec.http === null ? rec.block : rec.block.subarray(rec.block.indexOf('\r\n\r\n') + 4);
      if (rec.type !== 'revisit')
        expect(rec.headers.get('warc-payload-digest')).toBe(`sha256:${sha256(payload)}`);
    }
    // The status API answer is there, its request is linked to it, and the image payload is the image.
    const status = records.find(
      (x) => x.type === 'response' && x.uri.endsWith(`/api/v1/statuses/${post.id}`),
    )!;
    expect(status.http).toMatch(/^HTTP\/1\.1 200/);
    const request = records.find((x) => x.type === 'request' && x.uri === status.uri)!;
    expect(request.headers.get('warc-concurrent-to')).toBe(status.headers.get('warc-record-id'));
    expect(request.http).toMatch(/^GET \/api\/v1\/statuses\/\d+ HTTP\/1\.1/);
    const image = records.find(
      (x) => x.type === 'response' && x.headers.get('warc-payload-digest') === `sha256:${sha256(GIF)}`,
    );
    expect(image).toBeDefined();

    // The version's metadata record has its own URI, refers to the response, and holds the post and provenance.
    const meta = records.find((x) => x.type === 'metadata' && x.uri.includes(':version:'))!;
    expect(meta.uri).toMatch(/^urn:archiefbot:mastodon:version:/);
    expect(meta.uri).not.toBe(status.uri);
    expect(meta.headers.get('warc-refers-to')).toBe(status.headers.get('warc-record-id'));
    const doc = JSON.parse(meta.block.toString('utf8'));
    expect(doc.version.contentHash).toBe(r.json.sha256);
    expect(doc.provenance).toMatchObject({ trigger: 'command', tool: 'archiefbot', method: 'api' });
    expect(doc.provenance.requestedBy).toMatch(/^cli:/);
    expect(doc.provenance.misses.length).toBeGreaterThan(0);

    // The capture output points at exactly that record.
    const file = readFileSync(path.join(dataDir, 'warc', r.json.warc.file));
    expect(file.length).toBeGreaterThan(r.json.warc.offset);
    cleanup();
  });

  it('rotates to a new WARC file, opened by a warcinfo record, when the current one is full', async () => {
    const { env, dataDir, cleanup } = testEnv({ ARCHIEFBOT_WARC_ROTATE_BYTES: '2048' });
    await cli(env, 'capture', post.url, '--json');
    await cli(env, 'capture', post.url, '--json');
    const files = (await import('node:fs')).readdirSync(path.join(dataDir, 'warc'));
    expect(files.length).toBeGreaterThanOrEqual(2);
    const records = await readAllWarc(dataDir);
    expect(records.filter((x) => x.type === 'warcinfo')).toHaveLength(files.length);
    expect((await cli(env, 'verify')).code).toBe(0);
    cleanup();
  });
});

describe('fixity in the database', () => {
  it('keeps the SHA-256 of every record it wrote and seals their Merkle root in the capture audit entry', async () => {
    const { env, dataDir, cleanup } = testEnv();
    expect((await cli(env, 'capture', post.url, '--json')).code).toBe(0);
    const rows = await withArchive(dataDir, (a) =>
      a.db.all<{
        type: string;
        warc_file: string;
        warc_offset: number;
        warc_length: number;
        warc_sha256: string;
      }>('SELECT type, warc_file, warc_offset, warc_length, warc_sha256 FROM capture_record ORDER BY rowid'),
    );
    // Every record of the file is known: the warcinfo, the HTTP records and the metadata records.
    expect(rows.length).toBe((await readAllWarc(dataDir)).length);
    for (const r of rows) {
      const bytes = readFileSync(path.join(dataDir, 'warc', r.warc_file));
      expect(sha256(bytes.subarray(r.warc_offset, r.warc_offset + r.warc_length))).toBe(r.warc_sha256);
    }
    const audit = await withArchive(dataDir, (a) =>
      a.db.get<{ evidence: string }>("SELECT evidence FROM audit WHERE action = 'capture.done'"),
    );
    const { merkleRoot } = await import('../src/store/ingest/evidence.ts');
    const sealed = JSON.parse(audit!.evidence);
    expect(sealed.records).toEqual({ n: rows.length, root: merkleRoot(rows.map((r) => r.warc_sha256)) });
    cleanup();
  });
});

describe('a capture that fails while writing', () => {
  // The disk fills up while the evidence is being appended (the post rows), or just after it (the
  // version rows, before COMMIT): either way the rows roll back and the WARC is cut back.
  it.each([
    ['the post rows', 'INSERT INTO post ('],
    ['the version rows', 'INSERT INTO version ('],
  ])('rolls the rows back and cuts its records off the WARC again (failing at %s)', async (_, statement) => {
    const { env, dataDir, cleanup } = testEnv();
    await cli(env, 'capture', post.url, '--json');
    const file = path.join(dataDir, 'warc', warcFiles(dataDir)[0]!);
    const sizeBefore = statSync(file).size;
    const auditBefore = await count(dataDir, 'audit');
    const { CapturePipeline } = await import('../src/capture/pipeline.ts');
    const { loadConfig } = await import('../src/config.ts');
    const fresh = m.addStatus({ username: 'rvo', content: '<p>Schijf vol</p>' });
    const err = await withArchive(dataDir, async (archive) => {
      failOn(archive, statement, 'SQLITE_FULL: database or disk is full');
      const pipeline = new CapturePipeline(archive, loadConfig(env));
      try {
        await pipeline.capture({ url: fresh.url, trigger: 'command' });
        return null;
      } catch (e) {
        return e as Error;
      } finally {
        await pipeline.close();
      }
    });
    expect(err?.message).toMatch(/disk is full/);
    expect(statSync(file).size).toBe(sizeBefore);
    expect(await count(dataDir, 'post', `url = '${fresh.url}'`)).toBe(0);
    expect(await count(dataDir, 'capture', "status = 'failed'")).toBe(1);
    // Only the failure is audited, not a capture that did not happen.
    expect(await count(dataDir, 'audit')).toBe(auditBefore + 1);
    expect(await count(dataDir, 'audit', "action = 'capture.done'")).toBe(1);
    expect((await cli(env, 'verify')).code).toBe(0);
    cleanup();
  });
});

describe('verify', () => {
  it('passes on an intact archive and names every broken item after one flipped byte', async () => {
    const { env, dataDir, cleanup } = testEnv();
    const r = await cli(env, 'capture', post.url, '--json');
    const ok = await cli(env, 'verify', '--json');
    expect(ok.code).toBe(0);
    expect(ok.json).toMatchObject({ ok: true, problems: [] });
    expect(ok.json.records).toBeGreaterThan(5);

    // Flip one byte inside the version's metadata record (gzip member): verify must catch it.
    const file = path.join(dataDir, 'warc', r.json.warc.file);
    const bytes = readFileSync(file);
    const at = r.json.warc.offset + Math.floor(r.json.warc.length / 2);
    bytes[at] = bytes[at]! ^ 0x01;
    writeFileSync(file, bytes);
    const bad = await cli(env, 'verify', '--json');
    expect(bad.code).toBe(1);
    expect(bad.json.ok).toBe(false);
    expect(bad.json.problems.join('\n')).toContain(`post ${r.json.post.id} version 1`);
    const text = await cli(env, 'verify');
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/problem/);
    cleanup();
  });

  it('passes on records larger than the 64 KiB a reader takes in at a time, and on those that cross one', async () => {
    const { env, dataDir, cleanup } = testEnv();
    // Random bytes do not compress: each photo's record (gzip member) is as large as the photo.
    const photo = (n: number) => ({ bytes: randomBytes(n), contentType: 'image/png' });
    const big = m.addStatus({
      username: 'rvo',
      content: '<p>Foto’s van de opening</p>',
      media: [photo(300_000), photo(450_000)],
    });
    expect((await cli(env, 'capture', big.url, '--json')).code).toBe(0);
    expect((await cli(env, 'capture', post.url, '--json')).code).toBe(0); // small records after the large
    const media = await withArchive(dataDir, (a) =>
      a.db.all<{ warc_length: number }>('SELECT warc_length FROM media ORDER BY warc_length DESC'),
    );
    expect(media[0]!.warc_length).toBeGreaterThan(450_000);
    expect(media[1]!.warc_length).toBeGreaterThan(300_000);
    const ok = await cli(env, 'verify', '--json');
    expect(ok.json.problems).toEqual([]);
    expect(ok.code).toBe(0);
    expect(ok.json.records).toBe((await readAllWarc(dataDir)).length);
    cleanup();
  });

  it('catches a flipped byte in a media payload and a tampered audit entry', async () => {
    const { env, dataDir, cleanup } = testEnv();
    await cli(env, 'capture', post.url, '--json');
    const media = await withArchive(dataDir, (a) =>
      a.db.get<{ warc_file: string; warc_offset: number; warc_length: number }>('SELECT * FROM media'),
    );
    const file = path.join(dataDir, 'warc', media!.warc_file);
    const bytes = readFileSync(file);
    const at = media!.warc_offset + media!.warc_length - 12;
    bytes[at] = bytes[at]! ^ 0x80;
    writeFileSync(file, bytes);
    // Someone with database access rewrites history: drops the guard and edits an audit entry.
    await exec(
      path.join(dataDir, 'archiefbot.db'),
      "DROP TRIGGER audit_no_update; UPDATE audit SET actor = 'someone-else' WHERE id = 1;",
    );
    const bad = await cli(env, 'verify', '--json');
    expect(bad.code).toBe(1);
    const problems = bad.json.problems.join('\n');
    expect(problems).toMatch(/media [0-9a-f]{12}/);
    expect(problems).toMatch(/audit entry 1: content does not match its hash/);
    cleanup();
  });

  it('refuses to change or delete a version, and to edit the audit log', async () => {
    const { env, dataDir, cleanup } = testEnv();
    await cli(env, 'capture', post.url, '--json');
    const db = path.join(dataDir, 'archiefbot.db');
    await expect(exec(db, "UPDATE version SET text = 'anders'")).rejects.toThrow(/immutable/);
    await expect(exec(db, 'DELETE FROM version')).rejects.toThrow(/never deleted/);
    await expect(exec(db, 'DELETE FROM audit')).rejects.toThrow(/append-only/);
    cleanup();
  });

  it('chains every audit entry to the one before it', async () => {
    const { env, dataDir, cleanup } = testEnv();
    await cli(env, 'capture', post.url, '--json');
    await cli(env, 'capture', `${m.url}/@rvo/1`);
    const rows = await withArchive(dataDir, (a) =>
      a.db.all<{ action: string; prev_hash: string; hash: string }>(
        'SELECT action, prev_hash, hash FROM audit ORDER BY id',
      ),
    );
    expect(rows.map((x) => x.action)).toEqual(['capture.done', 'capture.failed']);
    expect(rows[0]!.prev_hash).toBe('0'.repeat(64));
    expect(rows[1]!.prev_hash).toBe(rows[0]!.hash);
    cleanup();
  });
});
