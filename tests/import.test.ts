/**
 * `archiefbot import`: small exports built here after the documented formats (X archive, Meta's
 * "Download your information" in JSON, LinkedIn's data export, Mastodon's account export), zipped
 * with yazl and read back through the CLI, the archive and `verify`.
 */

import { once } from 'node:events';
import { createWriteStream, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import yazl from 'yazl';
import { normalisePost } from '../src/capture/connectors/x/api.ts';
import { contentHash } from '../src/domain/content.ts';
import { postKey } from '../src/domain/post-key.ts';
import type { NormalisedPost } from '../src/domain/types.ts';
import { planVersions } from '../src/store/ingest/plan.ts';
import { importExport } from '../src/usecases/import.ts';
import { count, ingestCaptured, query, warcFiles, withArchive } from './helpers/archive.ts';
import { cli, testEnv } from './helpers/cli.ts';

const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000a494441547801630001000005000136d088dd0000000049454e44ae426082',
  'hex',
);
const JPEG = Buffer.from('ffd8ffe000104a46494600010100000100010000ffd9', 'hex');

async function writeZip(file: string, entries: Record<string, string | Buffer>): Promise<string> {
  const zip = new yazl.ZipFile();
  for (const [name, data] of Object.entries(entries)) zip.addBuffer(Buffer.from(data), name);
  zip.end();
  const out = createWriteStream(file);
  zip.outputStream.pipe(out);
  await once(out, 'close');
  return file;
}

const ytd = (name: string, rows: unknown[]) => `window.YTD.${name}.part0 = ${JSON.stringify(rows, null, 2)}`;

function tweet(id: string, text: string, extra: Record<string, unknown> = {}) {
  return {
    tweet: {
      edit_info: {
        initial: { editTweetIds: [id], editableUntil: '2017-03-01T11:00:00.000Z', editsRemaining: '5' },
      },
      retweeted: false,
      source: '<a href="https://mobile.twitter.com" rel="nofollow">Twitter Web App</a>',
      entities: { hashtags: [], symbols: [], user_mentions: [], urls: [] },
      display_text_range: ['0', String(text.length)],
      favorite_count: '3',
      id_str: id,
      truncated: false,
      retweet_count: '1',
      id,
      created_at: 'Wed Mar 01 10:00:00 +0000 2017',
      favorited: false,
      full_text: text,
      lang: 'nl',
      ...extra,
    },
  };
}

const ACCOUNT = ytd('account', [
  {
    account: {
      email: 'x@minbzk.example',
      username: 'MinBZK',
      accountId: '4242',
      accountDisplayName: 'Ministerie van BZK',
    },
  },
]);

/** An X archive with 3 tweets, one of them with an image in tweets_media. */
function xArchive(extra: Record<string, string | Buffer> = {}): Record<string, string | Buffer> {
  return {
    'data/account.js': ACCOUNT,
    'data/tweets.js': ytd('tweets', [
      tweet('830000000000000001', 'Het paspoort aanvragen kan nu ook online &amp; snel.'),
      tweet('830000000000000002', 'Kabinet presenteert de begroting https://t.co/abc', {
        created_at: 'Thu Mar 02 09:30:00 +0000 2017',
        extended_entities: {
          media: [
            {
              id_str: '990001',
              type: 'photo',
              media_url_https: 'https://pbs.twimg.com/media/C5xYzAb.png',
              url: 'https://t.co/abc',
              expanded_url: 'https://twitter.com/MinBZK/status/830000000000000002/photo/1',
            },
          ],
        },
      }),
      tweet('830000000000000003', 'Antwoord op vragen over de Woo', {
        created_at: 'Fri Mar 03 08:00:00 +0000 2017',
        in_reply_to_status_id_str: '830000000000000001',
      }),
    ]),
    'data/tweets_media/830000000000000002-C5xYzAb.png': PNG,
    ...extra,
  };
}

let env: NodeJS.ProcessEnv;
let dataDir: string;
let cleanup: () => void;

beforeEach(() => {
  ({ env, dataDir, cleanup } = testEnv());
});
afterEach(() => cleanup());

const file = (name: string) => path.join(`${dataDir}-config`, name);

async function exportFile(name: string, entries: Record<string, string | Buffer>): Promise<string> {
  const { mkdirSync } = await import('node:fs');
  mkdirSync(`${dataDir}-config`, { recursive: true });
  return writeZip(file(name), entries);
}

describe('import of an X archive', () => {
  it('adds 3 posts with origin import and the image; a second import adds nothing; verify passes', async () => {
    const zip = await exportFile('twitter-2024-01-01-abc.zip', xArchive());
    const first = await cli(env, 'import', zip, '--json');
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.json).toMatchObject({
      format: 'x-archive',
      platform: 'x',
      account: 'MinBZK',
      posts: 3,
      added: { posts: 3, versions: 3, media: 1 },
      present: 0,
      dryRun: false,
    });
    const versions = await query<{ origin: string; method: string; trigger: string; valid_from: string }>(
      dataDir,
      'SELECT origin, method, trigger, valid_from FROM version ORDER BY id',
    );
    expect(versions.map((v) => v.origin)).toEqual(['import', 'import', 'import']);
    expect(versions.map((v) => v.method)).toEqual(['import', 'import', 'import']);
    expect(versions[0]!.valid_from).toBe('2017-03-01T10:00:00.000Z');

    const show = await cli(env, 'show', 'https://x.com/MinBZK/status/830000000000000002', '--json');
    expect(show.code).toBe(0);
    expect(show.json.post).toMatchObject({
      platform: 'x',
      url: 'https://x.com/MinBZK/status/830000000000000002',
    });
    expect(show.json.versions[0]).toMatchObject({ origin: 'import', method: 'import' });
    expect(show.json.versions[0].misses.join(' ')).toContain('replies and comments by others');
    expect(show.json.media).toHaveLength(1);
    expect(show.json.media[0]).toMatchObject({ type: 'image', size: PNG.length });

    // The export's document and the image are resource records; each version's metadata names the file.
    const records = await query<{ type: string; uri: string }>(
      dataDir,
      "SELECT type, uri FROM capture_record WHERE type = 'resource' ORDER BY uri",
    );
    expect(records.map((r) => r.uri.split(':').slice(4).join(':')).sort()).toEqual([
      'data/account.js',
      'data/tweets.js',
      'data/tweets_media/830000000000000002-C5xYzAb.png',
    ]);
    const sha = first.json.sha256 as string;
    expect(sha).toMatch(/^[0-9a-f]{64}$/);
    const meta = await withArchive(dataDir, async (a) => {
      const v = await a.db.get<{ warc_file: string; warc_offset: number }>(
        'SELECT warc_file, warc_offset FROM version LIMIT 1',
      );
      return v;
    });
    expect(meta).toBeTruthy();

    // Searchable like any version (the full-text index over every version's text).
    const hits = await query<{ url: string }>(
      dataDir,
      `SELECT p.url FROM version_fts JOIN version v ON v.id = version_fts.rowid JOIN post p ON p.id = v.post_id
       WHERE version_fts MATCH 'paspoort'`,
    );
    expect(hits.map((h) => h.url)).toEqual(['https://x.com/MinBZK/status/830000000000000001']);

    const bytes = warcFiles(dataDir).map((f) => statSync(path.join(dataDir, 'warc', f)).size);
    const captures = await count(dataDir, 'capture');
    const audit = await count(dataDir, 'audit');
    const again = await cli(env, 'import', zip, '--json');
    expect(again.code).toBe(0);
    expect(again.json).toMatchObject({
      added: { posts: 0, versions: 0, media: 0 },
      present: 3,
      captureId: null,
    });
    expect(await count(dataDir, 'version')).toBe(3);
    expect(await count(dataDir, 'capture')).toBe(captures);
    expect(await count(dataDir, 'audit')).toBe(audit);
    expect(warcFiles(dataDir).map((f) => statSync(path.join(dataDir, 'warc', f)).size)).toEqual(bytes);
    const text = await cli(env, 'import', zip);
    expect(text.stdout).toContain('Nothing new');

    const verify = await cli(env, 'verify', '--json');
    expect(verify.json.problems).toEqual([]);
    expect(verify.code).toBe(0);
  });

  it('keeps an edited tweet as one post with its versions, and deleted tweets as deleted', async () => {
    const zip = await exportFile(
      'edited.zip',
      xArchive({
        'data/tweets.js': ytd('tweets', [
          tweet('840000000000000001', 'Eerste versie van het bericht'),
          tweet('840000000000000005', 'Tweede versie van het bericht', {
            created_at: 'Wed Mar 01 10:20:00 +0000 2017',
            edit_info: { edit: { initialTweetId: '840000000000000001', editControlInitial: {} } },
          }),
        ]),
        'data/deleted-tweets.js': ytd('deleted_tweets', [
          tweet('840000000000000009', 'Dit bericht is verwijderd', {
            deleted_at: 'Thu Mar 02 10:00:00 +0000 2017',
          }),
        ]),
      }),
    );
    const out = await cli(env, 'import', zip, '--json');
    expect(out.code).toBe(0);
    expect(out.json.added).toMatchObject({ posts: 2, versions: 3 });
    const posts = await query<{ platform_id: string; status: string; n: number }>(
      dataDir,
      'SELECT p.platform_id, p.status, count(v.id) AS n FROM post p JOIN version v ON v.post_id = p.id GROUP BY p.id ORDER BY p.platform_id',
    );
    expect(posts).toEqual([
      { platform_id: 'x:post:840000000000000001', status: 'edited', n: 2 },
      { platform_id: 'x:post:840000000000000009', status: 'deleted', n: 1 },
    ]);
    const history = await cli(env, 'history', 'https://x.com/MinBZK/status/840000000000000001', '--json');
    expect(history.json.versions.map((v: { text: string }) => v.text)).toEqual([
      'Eerste versie van het bericht',
      'Tweede versie van het bericht',
    ]);
    expect((await cli(env, 'verify', '--json')).json.ok).toBe(true);
  });
});

describe('a wrong or damaged file is refused with one line, before anything is written', () => {
  it('a truncated zip, a file that is no zip, a zip without an export, bad JSON in a member', async () => {
    const good = await exportFile('whole.zip', xArchive());
    const cut = file('cut.zip');
    writeFileSync(cut, readFileSync(good));
    truncateSync(cut, statSync(cut).size - 40);
    const notZip = file('notes.txt');
    writeFileSync(notZip, 'dit is geen zip');
    const unknown = await exportFile('photos.zip', { 'IMG_0001.jpg': JPEG });
    const badJson = await exportFile(
      'bad.zip',
      xArchive({ 'data/tweets.js': 'window.YTD.tweets.part0 = [ { "tweet": ' }),
    );

    const cases: [string, string, RegExp][] = [
      [
        cut,
        'import-damaged',
        /^import failed: cut\.zip is damaged or incomplete \(.+\): download the export again/,
      ],
      [notZip, 'import-not-zip', /^import failed: notes\.txt is not a zip file/],
      [unknown, 'import-unknown', /^import failed: photos\.zip holds no export I know/],
      [badJson, 'import-bad-data', /^import failed: bad\.zip: data\/tweets\.js is not valid X archive data/],
    ];
    for (const [f, code, line] of cases) {
      const out = await cli(env, 'import', f, '--json');
      expect(out.code).toBe(1);
      expect(out.json.error.code).toBe(code);
      expect(out.stderr.trim().split('\n')).toHaveLength(1);
      expect(out.stderr).toMatch(line);
    }
    expect(await count(dataDir, 'post')).toBe(0);
    expect(await count(dataDir, 'capture')).toBe(0);
    expect(warcFiles(dataDir)).toEqual([]);

    // A media file damaged inside a zip that opens fine: found by its CRC-32 before anything is written.
    const stored = new yazl.ZipFile();
    for (const [name, data] of Object.entries(xArchive()))
      stored.addBuffer(Buffer.from(data), name, { compress: false });
    stored.end();
    const chunks: Buffer[] = [];
    for await (const c of stored.outputStream) chunks.push(c as Buffer);
    const bytes = Buffer.concat(chunks);
    const at = bytes.indexOf(PNG.subarray(16, 32));
    bytes[at + 4] = bytes[at + 4]! ^ 0xff;
    const flipped = file('flipped.zip');
    writeFileSync(flipped, bytes);
    const damaged = await cli(env, 'import', flipped, '--json');
    expect(damaged.code).toBe(1);
    expect(damaged.json.error.code).toBe('import-damaged');
    expect(damaged.stderr).toContain('data/tweets_media/830000000000000002-C5xYzAb.png: CRC-32 mismatch');
    expect(await count(dataDir, 'post')).toBe(0);
    expect(warcFiles(dataDir)).toEqual([]);

    const nl = await cli({ ...env, ARCHIEFBOT_LANGUAGE: 'nl' }, 'import', cut);
    expect(nl.stderr).toMatch(/^importeren mislukt: cut\.zip is beschadigd of onvolledig/);
    const missing = await cli(env, 'import', file('nowhere.zip'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('There is no file');
  });
});

describe('dry run, resuming, and never overwriting', () => {
  it('--dry-run says what it would add and writes nothing', async () => {
    const zip = await exportFile('dry.zip', xArchive());
    const out = await cli(env, 'import', zip, '--dry-run', '--json');
    expect(out.code).toBe(0);
    expect(out.json).toMatchObject({ dryRun: true, added: { posts: 3, versions: 3, media: 1 }, present: 0 });
    expect(await count(dataDir, 'post')).toBe(0);
    expect(await count(dataDir, 'capture')).toBe(0);
    const text = await cli(env, 'import', zip, '--dry-run');
    expect(text.stdout).toContain(
      'Dry run, nothing was written. Would add: 3 new posts, 3 versions, 1 media file',
    );
  });

  it('an import stopped halfway completes on the second run, without duplicates', async () => {
    const zip = await exportFile('halfway.zip', xArchive());
    const config = (await import('../src/config.ts')).loadConfig(env);
    await expect(
      withArchive(dataDir, (archive) =>
        importExport(archive, {
          file: zip,
          requestedBy: 'test',
          channel: null,
          chunkSize: 1,
          onProgress: ({ done, stage }) => {
            if (stage === 'import' && done === 1) throw new Error('killed halfway');
          },
        }),
      ),
    ).rejects.toThrow('killed halfway');
    expect(config.dataDir).toBe(dataDir);
    expect(await count(dataDir, 'post')).toBe(1);
    const out = await cli(env, 'import', zip, '--json');
    expect(out.code).toBe(0);
    expect(out.json).toMatchObject({ resumed: true, present: 1 });
    expect(await count(dataDir, 'post')).toBe(3);
    expect(await count(dataDir, 'version')).toBe(3);
    expect(await count(dataDir, 'media')).toBe(1);
    expect(await count(dataDir, 'capture_record', "type = 'resource' AND uri LIKE '%tweets.js'")).toBe(1);
    const runs = await query<{ status: string; done: number; posts: number }>(
      dataDir,
      'SELECT status, done, posts FROM import_run',
    );
    expect(runs).toEqual([{ status: 'done', done: 3, posts: 3 }]);
    expect((await cli(env, 'verify', '--json')).json.ok).toBe(true);
  });

  it('an import killed (SIGKILL) after its first chunk is resumed by the next run: no duplicates, verify passes', async () => {
    const zip = await exportFile('killed.zip', xArchive());
    const { spawn } = await import('node:child_process');
    // A process that imports one post per transaction and stops dead after the first (its thread blocked
    // until it is killed): as a crash would.
    const script = `const { Archive } = await import(${JSON.stringify(path.resolve('src/store/archive.ts'))});
const { importExport } = await import(${JSON.stringify(path.resolve('src/usecases/import.ts'))});
const archive = await Archive.open(${JSON.stringify(dataDir)}, { rotateBytes: 1e9, operator: '' });
await importExport(archive, { file: ${JSON.stringify(zip)}, requestedBy: 'test', channel: null, chunkSize: 1,
  onProgress: ({ done, stage }) => { if (stage === 'import' && done === 1) { console.log('first chunk written'); Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0); } } });`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.once('data', () => resolve());
        child.once('exit', (code) => reject(new Error(`child exited ${code}`)));
      });
    } finally {
      child.kill('SIGKILL');
    }
    await once(child, 'exit');
    expect(await count(dataDir, 'post')).toBe(1);
    const out = await cli(env, 'import', zip, '--json');
    expect(out.code).toBe(0);
    expect(out.json).toMatchObject({ resumed: true, present: 1, added: { posts: 3, versions: 3, media: 1 } });
    expect(await count(dataDir, 'version')).toBe(3);
    expect(await count(dataDir, 'capture_record', "type = 'resource' AND uri LIKE '%tweets.js'")).toBe(1);
    const captures = await query<{ status: string; error: string | null }>(
      dataDir,
      "SELECT status, error FROM capture WHERE trigger = 'import' ORDER BY id",
    );
    expect(captures.map((c) => c.status)).toEqual(['failed', 'done']);
    expect(captures[0]!.error).toMatch(/^interrupted/);
    expect((await cli(env, 'verify', '--json')).json.ok).toBe(true);
  });

  it('never overwrites a captured version: an older export state joins the history at its own time', async () => {
    const captured = xPost('x:post:830000000000000001', 'Het paspoort aanvragen kan nu online (bijgewerkt).');
    const same = xPost('x:post:830000000000000003', 'Antwoord op vragen over de Woo');
    await ingestCaptured(dataDir, 'https://x.com/MinBZK/status/830000000000000001', [
      { post: captured, role: 'main' },
      { post: same, role: 'reply' },
    ]);
    await withArchive(dataDir, (a) =>
      a.db.run("UPDATE post SET status = 'deleted' WHERE platform_id = 'x:post:830000000000000001'"),
    );
    const before = await query(
      dataDir,
      'SELECT id, number, content_hash, content, origin FROM version ORDER BY id',
    );
    const zip = await exportFile('older.zip', xArchive());
    const out = await cli(env, 'import', zip, '--json');
    expect(out.code).toBe(0);
    // The reply's text is held already: present. The first tweet differs: its export state is added.
    expect(out.json).toMatchObject({ added: { posts: 1, versions: 2 }, present: 1 });
    const after = await query<{ number: number; origin: string; valid_from: string }>(
      dataDir,
      'SELECT v.id, v.number, v.content_hash, v.content, v.origin, v.valid_from FROM version v JOIN post p ON p.id = v.post_id ORDER BY v.id',
    );
    expect(after.slice(0, before.length)).toMatchObject(before);
    const first = await query<{ number: number; origin: string; valid_from: string; status: string }>(
      dataDir,
      "SELECT v.number, v.origin, v.valid_from, p.status FROM version v JOIN post p ON p.id = v.post_id WHERE p.platform_id = 'x:post:830000000000000001' ORDER BY v.number",
    );
    expect(first).toEqual([
      { number: 1, origin: 'capture', valid_from: captured.createdAt, status: 'deleted' },
      { number: 2, origin: 'import', valid_from: '2017-03-01T10:00:00.000Z', status: 'deleted' },
    ]);
    // A later capture of the same platform content compares with the captured version, not the import.
    const known = await query<{
      id: number;
      number: number;
      hash: string;
      validFrom: string | null;
      origin: string;
    }>(
      dataDir,
      "SELECT v.id, v.number, v.content_hash AS hash, v.valid_from AS validFrom, v.origin FROM version v JOIN post p ON p.id = v.post_id WHERE p.platform_id = 'x:post:830000000000000001' ORDER BY v.number",
    );
    const replan = planVersions(captured, known, { seenAt: null, now: new Date().toISOString() });
    expect(replan.newVersions).toEqual([]);
    expect(replan.current.number).toBe(1);
    expect(contentHash(captured.content)).toBe(known[0]!.hash);
    expect((await cli(env, 'verify', '--json')).json.ok).toBe(true);
  });

  it('a tweet captured through the X API is the same post with the same content: the export adds nothing to it', async () => {
    const api = 'https://api.x.example/2';
    const tweetApi = {
      id: '830000000000000002',
      text: 'Kabinet presenteert de begroting https://t.co/abc',
      created_at: '2017-03-02T09:30:00.000Z',
      author_id: '4242',
      lang: 'nl',
      edit_history_tweet_ids: ['830000000000000002'],
      attachments: { media_keys: ['3_990001'] },
    };
    const includes = {
      users: [{ id: '4242', username: 'MinBZK', name: 'Ministerie van BZK' }],
      media: [{ media_key: '3_990001', type: 'photo', url: 'https://pbs.twimg.com/media/C5xYzAb.png' }],
      tweets: [],
    };
    const post = normalisePost(
      tweetApi as never,
      new Map([[tweetApi.id, tweetApi as never]]),
      includes as never,
      api,
      `${api}/tweets?ids=${tweetApi.id}`,
    );
    await ingestCaptured(dataDir, post.url, [{ post, role: 'main' }]);
    const zip = await exportFile('same.zip', xArchive());
    const out = await cli(env, 'import', zip, '--json');
    expect(out.json).toMatchObject({ added: { posts: 2, versions: 2 }, present: 1 });
    const versions = await query<{ origin: string }>(
      dataDir,
      "SELECT v.origin FROM version v JOIN post p ON p.id = v.post_id WHERE p.platform_id = 'x:post:830000000000000002'",
    );
    expect(versions).toEqual([{ origin: 'capture' }]);
  });
});

function xPost(id: string, text: string): NormalisedPost {
  return {
    platform: 'x',
    platformId: id,
    url: `https://x.com/MinBZK/status/${id.split(':').pop()}`,
    apiRef: null,
    account: {
      platform: 'x',
      handle: 'MinBZK',
      platformId: '4242',
      displayName: 'Ministerie van BZK',
      url: 'https://x.com/MinBZK',
    },
    kind: 'post',
    parentPlatformId: null,
    createdAt: '2017-03-01T10:00:00.000Z',
    editedAt: null,
    content: {
      text,
      html: null,
      title: null,
      spoilerText: '',
      sensitive: false,
      visibility: null,
      language: 'nl',
      media: [],
    },
    counts: {},
    history: null,
    sourceUrl: null,
  };
}

describe('the other formats', () => {
  it('a Mastodon account export: statuses keyed by their URI, media from media_attachments, boosts left out', async () => {
    const host = 'social.overheid.example';
    const note = (id: string, html: string, extra: Record<string, unknown> = {}) => ({
      id: `https://${host}/users/minbzk/statuses/${id}/activity`,
      type: 'Create',
      actor: `https://${host}/users/minbzk`,
      published: '2024-05-01T10:00:00Z',
      to: ['https://www.w3.org/ns/activitystreams#Public'],
      cc: [`https://${host}/users/minbzk/followers`],
      object: {
        id: `https://${host}/users/minbzk/statuses/${id}`,
        type: 'Note',
        summary: null,
        inReplyTo: null,
        published: '2024-05-01T10:00:00Z',
        url: `https://${host}/@minbzk/${id}`,
        attributedTo: `https://${host}/users/minbzk`,
        to: ['https://www.w3.org/ns/activitystreams#Public'],
        cc: [`https://${host}/users/minbzk/followers`],
        sensitive: false,
        content: html,
        contentMap: { nl: html },
        attachment: [],
        tag: [],
        ...extra,
      },
    });
    const outbox = {
      '@context': 'https://www.w3.org/ns/activitystreams',
      id: 'outbox.json',
      type: 'OrderedCollection',
      totalItems: 3,
      orderedItems: [
        note('112000000000000001', '<p>Nieuwe regels voor de <a href="https://example.org">Woo</a></p>'),
        note('112000000000000002', '<p>Foto van het bezoek</p>', {
          attachment: [
            {
              type: 'Document',
              mediaType: 'image/png',
              url: '/media_attachments/files/112/000/000/000/000/777/original/bezoek.png',
              name: 'De minister bij de opening',
              blurhash: 'U00000fQfQfQfQfQfQfQfQfQfQfQ',
              width: 1,
              height: 1,
            },
          ],
          to: [`https://${host}/users/minbzk/followers`],
          cc: ['https://www.w3.org/ns/activitystreams#Public'],
        }),
        {
          id: `https://${host}/users/minbzk/statuses/112000000000000003/activity`,
          type: 'Announce',
          actor: `https://${host}/users/minbzk`,
          published: '2024-05-02T10:00:00Z',
          to: ['https://www.w3.org/ns/activitystreams#Public'],
          object: 'https://elders.example/users/iemand/statuses/1',
        },
      ],
    };
    const actor = {
      id: `https://${host}/users/minbzk`,
      type: 'Person',
      preferredUsername: 'minbzk',
      name: 'BZK',
      url: `https://${host}/@minbzk`,
    };
    const zip = await exportFile('archive-20240601.zip', {
      'outbox.json': JSON.stringify(outbox),
      'actor.json': JSON.stringify(actor),
      'media_attachments/files/112/000/000/000/000/777/original/bezoek.png': PNG,
    });
    const out = await cli(env, 'import', zip, '--json');
    expect(out.code).toBe(0);
    expect(out.json).toMatchObject({
      format: 'mastodon',
      account: `minbzk@${host}`,
      posts: 2,
      added: { posts: 2, media: 1 },
    });
    const show = await cli(env, 'show', `https://${host}/@minbzk/112000000000000002`, '--json');
    expect(show.code).toBe(0);
    expect(show.json.post.id).toBeTruthy();
    const content = JSON.parse(
      (await query<{ content: string }>(dataDir, "SELECT content FROM version WHERE text LIKE 'Foto%'"))[0]!
        .content,
    );
    expect(content).toMatchObject({ visibility: 'unlisted', text: 'Foto van het bezoek' });
    expect(content.media[0]).toMatchObject({
      key: '112000000000000777',
      type: 'image',
      description: 'De minister bij de opening',
    });
    const ids = await query<{ platform_id: string }>(
      dataDir,
      'SELECT platform_id FROM post ORDER BY platform_id',
    );
    expect(ids.map((r) => r.platform_id)).toEqual([
      `https://${host}/users/minbzk/statuses/112000000000000001`,
      `https://${host}/users/minbzk/statuses/112000000000000002`,
    ]);
    expect((await cli(env, 'verify', '--json')).json.ok).toBe(true);
  });

  it('Facebook and Instagram "Download your information" (JSON): mojibake decoded, media by uri', async () => {
    const moji = (s: string) => Buffer.from(s, 'utf8').toString('latin1');
    const fb = await exportFile('facebook-minbzk.zip', {
      'personal_information/profile_information/profile_information.json': JSON.stringify({
        profile_v2: { name: { full_name: moji('Ministerie van Binnenlandse Zaken') } },
      }),
      'your_facebook_activity/posts/your_posts__check_ins__photos_and_videos_1.json': JSON.stringify([
        {
          timestamp: 1700000000,
          data: [{ post: moji('Café-overleg over de begroting 👍') }, { update_timestamp: 1700003600 }],
          attachments: [
            {
              data: [
                {
                  media: {
                    uri: 'your_facebook_activity/posts/media/Album/123.jpg',
                    creation_timestamp: 1700000000,
                    title: '',
                    description: moji('Overleg in het café'),
                  },
                },
              ],
            },
          ],
          title: 'Ministerie van Binnenlandse Zaken updated their status.',
        },
        { timestamp: 1700100000, data: [{ post: 'Tweede bericht' }] },
        { timestamp: 1700100000, data: [{ post: 'Derde bericht, in dezelfde seconde' }] },
      ]),
      'your_facebook_activity/posts/media/Album/123.jpg': JPEG,
    });
    const out = await cli(env, 'import', fb, '--json');
    expect(out.code).toBe(0);
    expect(out.json).toMatchObject({
      format: 'facebook',
      account: 'Ministerie van Binnenlandse Zaken',
      added: { posts: 3, media: 1 },
    });
    const texts = await query<{ text: string }>(
      dataDir,
      "SELECT v.text FROM version v JOIN post p ON p.id = v.post_id WHERE p.platform = 'facebook' ORDER BY v.id",
    );
    expect(texts[0]!.text).toContain('Café-overleg over de begroting 👍');
    expect(texts[0]!.text).toContain('Overleg in het café');
    const ids = await query<{ platform_id: string }>(
      dataDir,
      "SELECT platform_id FROM post WHERE platform = 'facebook' ORDER BY id",
    );
    expect(ids.map((r) => r.platform_id)).toEqual([
      'Ministerie van Binnenlandse Zaken:1700000000',
      'Ministerie van Binnenlandse Zaken:1700100000',
      'Ministerie van Binnenlandse Zaken:1700100000:2',
    ]);
    const edited = await query<{ valid_from: string }>(
      dataDir,
      "SELECT valid_from FROM version WHERE text LIKE '%Café-overleg%'",
    );
    expect(edited[0]!.valid_from).toBe(new Date(1700003600 * 1000).toISOString());

    const ig = await exportFile('instagram-minbzk.zip', {
      'personal_information/personal_information/personal_information.json': JSON.stringify({
        profile_user: [{ string_map_data: { Username: { value: 'minbzk' }, Name: { value: 'BZK' } } }],
      }),
      'your_instagram_activity/content/posts_1.json': JSON.stringify([
        {
          media: [
            {
              uri: 'media/posts/202401/abc.jpg',
              creation_timestamp: 1704100000,
              title: moji('Één foto, één bijschrift'),
            },
          ],
        },
        {
          title: 'Twee foto’s',
          creation_timestamp: 1704200000,
          media: [
            { uri: 'media/posts/202401/d1.jpg', creation_timestamp: 1704200000, title: '' },
            { uri: 'media/posts/202401/weg.jpg', creation_timestamp: 1704200000, title: '' },
          ],
        },
      ]),
      'media/posts/202401/abc.jpg': JPEG,
      'media/posts/202401/d1.jpg': PNG,
    });
    const igOut = await cli(env, 'import', ig, '--json');
    expect(igOut.code).toBe(0);
    expect(igOut.json).toMatchObject({ format: 'instagram', account: 'minbzk', posts: 2, missingMedia: 1 });
    // The same JPEG as the Facebook photo is stored once.
    expect(igOut.json.added.media).toBe(1);
    const caption = await query<{ text: string }>(
      dataDir,
      "SELECT v.text FROM version v JOIN post p ON p.id = v.post_id WHERE p.platform = 'instagram' ORDER BY v.id",
    );
    expect(caption[0]!.text).toBe('Één foto, één bijschrift');
    expect((await cli(env, 'verify', '--json')).json.ok).toBe(true);
  });

  it('a LinkedIn data export: Shares.csv keyed by the post URN, Comments.csv as comments', async () => {
    const shares = [
      'Date,ShareLink,ShareCommentary,SharedUrl,MediaUrl,Visibility',
      '2023-01-05 10:00:00,https://www.linkedin.com/feed/update/urn%3Ali%3Ashare%3A7016000000000000001,"Vacature: beleidsmedewerker ""digitale overheid""',
      'Reageer voor 1 februari.",https://werkenvoornederland.example/123,,MEMBER_NETWORK',
      '2023-02-01 08:15:00,https://www.linkedin.com/feed/update/urn%3Ali%3AugcPost%3A7020000000000000002,Terugblik op het congres,,https://media.licdn.example/image.jpg,PUBLIC',
    ].join('\n');
    const comments = [
      'Date,Link,Message',
      '2023-02-02 12:00:00,https://www.linkedin.com/feed/update/urn%3Ali%3Aactivity%3A7020000000000000009?commentUrn=urn%3Ali%3Acomment%3A%28activity%3A7020000000000000009%2C7021000000000000003%29,Dank voor het delen!',
    ].join('\n');
    const zip = await exportFile('Basic_LinkedInDataExport_02-03-2023.zip', {
      'Shares.csv': shares,
      'Comments.csv': comments,
      'Profile.csv': 'First Name,Last Name,Headline\nAnna,de Vries,Woordvoerder',
    });
    const out = await cli(env, 'import', zip, '--json');
    expect(out.code).toBe(0);
    expect(out.json).toMatchObject({
      format: 'linkedin',
      account: 'Anna de Vries',
      posts: 3,
      missingMedia: 1,
    });
    const posts = await query<{ platform_id: string; kind: string; parent_platform_id: string | null }>(
      dataDir,
      'SELECT platform_id, kind, parent_platform_id FROM post ORDER BY id',
    );
    expect(posts).toEqual([
      { platform_id: 'urn:li:share:7016000000000000001', kind: 'post', parent_platform_id: null },
      { platform_id: 'urn:li:ugcPost:7020000000000000002', kind: 'post', parent_platform_id: null },
      {
        platform_id: 'urn:li:comment:(activity:7020000000000000009,7021000000000000003)',
        kind: 'comment',
        parent_platform_id: 'urn:li:activity:7020000000000000009',
      },
    ]);
    const first = await query<{ text: string }>(dataDir, 'SELECT text FROM version ORDER BY id LIMIT 1');
    expect(first[0]!.text).toBe(
      'Vacature: beleidsmedewerker "digitale overheid"\nReageer voor 1 februari.\nhttps://werkenvoornederland.example/123',
    );
    expect((await cli(env, 'verify', '--json')).json.ok).toBe(true);
  });
});

describe('import in chat (admins only, from the import folder on the server)', () => {
  it('imports for an admin, refuses others and names outside the folder', async () => {
    const { mkdirSync } = await import('node:fs');
    const { Bot } = await import('../src/chat/bot.ts');
    const { Roles } = await import('../src/chat/roles.ts');
    mkdirSync(path.join(dataDir, 'import'), { recursive: true });
    await writeZip(path.join(dataDir, 'import', 'twitter-minbzk.zip'), xArchive());
    await withArchive(dataDir, async (archive) => {
      const roles = new Roles({
        defaultRole: 'viewer',
        users: [
          { platform: 'slack', user: 'U_ADMIN', roles: ['admin'] },
          { platform: 'slack', user: 'U_ARCH', roles: ['archivist'] },
        ],
      });
      const bot = new Bot({
        archive,
        roles,
        captures: {
          enqueue: async () => ({ jobId: '1', duplicate: false }),
          counts: async () => ({ waiting: 0, active: 0, delayed: 0 }),
        },
        checkUrl: () => {},
        lookupKeys: (ref) => [ref],
      });
      const say = (text: string, user: string) =>
        bot.handle({
          platform: 'slack',
          user,
          channel: 'C1',
          text,
          replyTo: { platform: 'slack', channel: 'C1' },
        });
      const refused = await say('importeer twitter-minbzk.zip', 'U_ARCH');
      expect(refused.kind).toBe('refused');
      expect(refused.text).toContain('admin');
      const outside = await say('import ../../etc/passwd', 'U_ADMIN');
      expect(outside.text).toContain("only import files from the archive's import folder");
      const dry = await say('importeer twitter-minbzk.zip proef', 'U_ADMIN');
      expect(dry.text).toContain('Proefdraai, er is niets geschreven. Zou toevoegen: 3 nieuwe berichten');
      const done = await say('import twitter-minbzk.zip', 'U_ADMIN');
      expect(done.text).toContain('Added: 3 new posts, 3 versions (origin import), 1 media file');
      const audit = await archive.db.all<{ action: string; actor: string }>(
        "SELECT action, actor FROM audit WHERE action IN ('import.start', 'capture.done') ORDER BY id",
      );
      expect(audit).toEqual([
        { action: 'import.start', actor: 'slack:U_ADMIN' },
        { action: 'capture.done', actor: 'slack:U_ADMIN' },
      ]);
    });
  });
});

describe('planImport on its own (pure)', () => {
  const ctx = { captureId: 9, now: '2026-11-26T10:00:00.000Z', recheckSchedule: null };
  const source = {
    uri: 'urn:archiefbot:import:abc:data/tweets.js',
    mime: 'application/javascript',
    body: Buffer.from('[]'),
    date: ctx.now,
  };
  const image = {
    uri: 'urn:archiefbot:import:abc:data/tweets_media/1-a.png',
    mime: 'image/png',
    body: PNG,
    date: ctx.now,
    media: true,
  };
  const withImage = (id: string, text: string): NormalisedPost => {
    const p = xPost(id, text);
    return {
      ...p,
      sourceUrl: source.uri,
      content: {
        ...p.content,
        media: [{ key: 'x:media:3_1', url: image.uri, type: 'image', description: null }],
      },
    };
  };
  const input = (posts: NormalisedPost[]) => ({
    url: 'import:x.zip',
    trigger: 'import' as const,
    requestedBy: 'test',
    channel: null,
    method: { id: 'import' as const, label: 'import', captures: [], misses: ['replies of others'] },
    posts: posts.map((post) => ({ post, role: 'account' as const })),
    exchanges: [],
    resources: [source, image],
    origin: 'import' as const,
    provenance: { import: { file: 'x.zip', sha256: 'abc' } },
  });

  it('writes the source and the image once, and refers to what is held', async () => {
    const { planImport } = await import('../src/store/ingest/import.ts');
    const none = { posts: new Map(), media: new Map(), accountRoles: new Map(), resources: new Map() };
    const fresh = planImport(input([withImage('x:post:1', 'een'), withImage('x:post:2', 'twee')]), none, ctx);
    expect(fresh.resources.map((r) => r.resource.uri)).toEqual([source.uri, image.uri]);
    expect(fresh.metadata.map((m) => m.source)).toEqual([
      { resource: 0, url: source.uri },
      { resource: 0, url: source.uri },
    ]);
    expect(fresh.metadata[0]!.doc).toMatchObject({
      provenance: { method: 'import', import: { sha256: 'abc' } },
    });
    expect(fresh.posts.map((p) => p.newVersions[0]!.origin)).toEqual(['import', 'import']);
    expect(fresh.media).toEqual({ stored: 1, revisits: 0 });

    // Held: the document by its URI, the image by its digest. A new post refers to the held record.
    const { sha256Hex } = await import('../src/domain/content.ts');
    const held = {
      ...none,
      media: new Map([[sha256Hex(PNG), { recordId: '<urn:uuid:img>', url: image.uri, date: ctx.now }]]),
      resources: new Map([[source.uri, { recordId: '<urn:uuid:doc>' }]]),
    };
    const later = planImport(input([withImage('x:post:3', 'drie')]), held, ctx);
    expect(later.resources).toEqual([]);
    expect(later.metadata[0]!.source).toEqual({ recordId: '<urn:uuid:doc>', url: source.uri });
    expect(later.posts[0]!.newVersions[0]!.archived.media[0]!.sha256).toBe(sha256Hex(PNG));

    // A post held with the same text (another normalisation): nothing planned at all.
    const same = {
      ...held,
      posts: new Map([
        [
          postKey({ platform: 'x', platformId: 'x:post:3' }),
          {
            id: 1,
            seenAt: null,
            versions: [
              { id: 1, number: 1, hash: 'other', validFrom: null, origin: 'capture', text: ' drie ' },
            ],
          },
        ],
      ]),
    };
    const nothing = planImport(input([withImage('x:post:3', 'drie')]), same, ctx);
    expect(nothing.posts).toEqual([]);
    expect(nothing.resources).toEqual([]);
    expect(nothing.metadata).toEqual([]);
  });
});

/** A ustar archive, gzip'd, as Ruby's Gem::Package::TarWriter writes Mastodon's older archives. */
function tarGz(entries: Record<string, string | Buffer>): Buffer {
  const blocks: Buffer[] = [];
  for (const [full, data] of Object.entries(entries)) {
    const body = Buffer.from(data);
    let [prefix, name] = ['', full];
    if (full.length > 100) {
      const cut = full.lastIndexOf('/');
      [prefix, name] = [full.slice(0, cut), full.slice(cut + 1)];
    }
    const h = Buffer.alloc(512);
    h.write(name, 0, 'utf8');
    h.write('0000444\0', 100);
    h.write('0000000\0', 108);
    h.write('0000000\0', 116);
    h.write(`${body.length.toString(8).padStart(11, '0')}\0`, 124);
    h.write('14523456070\0', 136);
    h.write('        ', 148);
    h.write('0', 156);
    h.write('ustar\0', 257);
    h.write('00', 263);
    h.write(prefix, 345);
    const sum = h.reduce((n, b) => n + b, 0);
    h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
    blocks.push(h, body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks));
}

describe("Mastodon's older .tar.gz archive", () => {
  it('is read like the zip (a long media path in the ustar prefix); a truncated one is refused', async () => {
    const host = 'mastodon.gemeente.example';
    const media = `media_attachments/files/109/000/000/000/000/123/original/${'raadsvergadering-'.repeat(4)}foto.png`;
    const outbox = {
      type: 'OrderedCollection',
      orderedItems: [
        {
          type: 'Create',
          object: {
            id: `https://${host}/users/gemeente/statuses/109000000000000001`,
            type: 'Note',
            url: `https://${host}/@gemeente/109000000000000001`,
            published: '2022-11-20T09:00:00Z',
            content: '<p>Vanavond vergadert de gemeenteraad.</p>',
            to: ['https://www.w3.org/ns/activitystreams#Public'],
            cc: [],
            attachment: [
              { type: 'Document', mediaType: 'image/png', url: `/system/${media}`, name: 'De raadszaal' },
            ],
          },
        },
      ],
    };
    const actor = { id: `https://${host}/users/gemeente`, preferredUsername: 'gemeente', name: 'Gemeente' };
    const bytes = tarGz({
      [media]: PNG,
      'outbox.json': JSON.stringify(outbox),
      'actor.json': JSON.stringify(actor),
    });
    const { mkdirSync } = await import('node:fs');
    mkdirSync(`${dataDir}-config`, { recursive: true });
    const whole = file('archive-20221201120000-0123456789abcdef.tar.gz');
    writeFileSync(whole, bytes);
    const out = await cli(env, 'import', whole, '--json');
    expect(out.stderr).toBe('');
    expect(out.json).toMatchObject({
      format: 'mastodon',
      account: `gemeente@${host}`,
      added: { posts: 1, media: 1 },
      missingMedia: 0,
    });
    const cut = file('cut.tar.gz');
    writeFileSync(cut, bytes.subarray(0, bytes.length - 30));
    const refused = await cli(env, 'import', cut, '--json');
    expect(refused.code).toBe(1);
    expect(refused.json.error.code).toBe('import-damaged');
    // The media waited in a temporary folder of the data directory, removed after the import.
    const { readdirSync } = await import('node:fs');
    expect(readdirSync(path.join(dataDir, 'tmp'))).toEqual([]);
    expect((await cli(env, 'verify', '--json')).json.ok).toBe(true);
  });
});

describe('a Mastodon status captured through the API', () => {
  it('is found by its URI and its content in the export: nothing is added to it', async () => {
    const { FakeMastodon } = await import('./fakes/mastodon.ts');
    const m = await FakeMastodon.start();
    try {
      m.addAccount({ username: 'minbzk', displayName: 'BZK' });
      const html = '<p>De Woo-verzoeken van 2023 staan online.</p>';
      const st = m.addStatus({ username: 'minbzk', content: html });
      const captured = await cli(env, 'capture', st.url, '--json');
      expect(captured.code).toBe(0);
      const outbox = {
        type: 'OrderedCollection',
        orderedItems: [
          {
            type: 'Create',
            object: {
              id: st.uri,
              type: 'Note',
              url: st.url,
              published: new Date().toISOString(),
              content: html,
              to: ['https://www.w3.org/ns/activitystreams#Public'],
              cc: [],
            },
          },
        ],
      };
      const actor = { id: st.uri.replace(/\/statuses\/.*$/, ''), preferredUsername: 'minbzk' };
      const zip = await exportFile('mastodon.zip', {
        'outbox.json': JSON.stringify(outbox),
        'actor.json': JSON.stringify(actor),
      });
      const out = await cli(env, 'import', zip, '--json');
      expect(out.code).toBe(0);
      expect(out.json).toMatchObject({
        posts: 1,
        present: 1,
        added: { posts: 0, versions: 0 },
        captureId: null,
      });
      expect(await count(dataDir, 'version')).toBe(1);
    } finally {
      await m.close();
    }
  });
});
