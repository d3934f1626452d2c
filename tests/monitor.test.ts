import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CapturePipeline } from '../src/capture/pipeline.ts';
import { type Config, loadConfig } from '../src/config.ts';
import type { PostContent } from '../src/domain/types.ts';
import { Rechecker } from '../src/monitor/recheck.ts';
import { accountUrl } from '../src/monitor/watch.ts';
import { Archive, type IngestInput } from '../src/store/archive.ts';
import { planImport } from '../src/store/ingest/import.ts';
import { readExisting } from '../src/store/ingest/read.ts';
import { openCapture, writeIngest } from '../src/store/ingest/write.ts';
import { latestVersion } from '../src/store/latest-version.ts';
import { archivedPosts, listAlerts } from '../src/store/monitor.ts';
import { FakeMastodon } from './fakes/mastodon.ts';
import { count, query, readAllWarc } from './helpers/archive.ts';
import { cli, testEnv } from './helpers/cli.ts';

let m: FakeMastodon;
beforeAll(async () => {
  m = await FakeMastodon.start();
});
afterAll(() => m.close());

/** A pipeline and re-checker on a data dir, as a worker process has them. */
async function worker(env: NodeJS.ProcessEnv, over: Partial<Config['monitor']> = {}) {
  const base = loadConfig(env);
  const config = { ...base, monitor: { ...base.monitor, ...over } };
  const archive = await Archive.open(config.dataDir, config.warc, {
    recheckSchedule: config.monitor.recheckSchedule,
  });
  const pipeline = new CapturePipeline(archive, config);
  return {
    archive,
    pipeline,
    rechecker: new Rechecker(pipeline, config),
    close: async () => {
      await pipeline.close();
      await archive.close();
    },
  };
}

/** Writes posts read from a platform's own export, as `archiefbot import` writes one chunk. */
async function importPosts(archive: Archive, input: IngestInput): Promise<void> {
  await archive.db.transaction(async () => {
    const now = new Date().toISOString();
    const captureId = await openCapture(archive.db, input, now);
    const existing = await readExisting(archive.db, input);
    const plan = planImport(input, existing, { captureId, now, recheckSchedule: null });
    await writeIngest(archive.db, archive.warc, plan, {});
  });
}

describe('config/accounts.yaml', () => {
  it('loads the accounts to watch with their organisation and role, and names what is wrong', async () => {
    const { loadAccountsFile } = await import('../src/monitor/watch.ts');
    const { writeFileSync } = await import('node:fs');
    const { dataDir, cleanup } = testEnv();
    const file = `${dataDir}/accounts.yaml`;
    writeFileSync(
      file,
      'accounts:\n  - account: "@minbzk@social.overheid.nl"\n    organisation: BZK\n    role: corporate\n    everySeconds: 300\n',
    );
    expect(loadAccountsFile({ ARCHIEFBOT_ACCOUNTS: file })).toEqual([
      { account: '@minbzk@social.overheid.nl', organisation: 'BZK', role: 'corporate', everySeconds: 300 },
    ]);
    writeFileSync(file, 'accounts:\n  - account: minbzk\n    role: chef\n');
    expect(() => loadAccountsFile({ ARCHIEFBOT_ACCOUNTS: file })).toThrow(/accounts\.0\.role/);
    writeFileSync(file, 'accounts:\n  - account: minister\n');
    expect(() => loadAccountsFile({ ARCHIEFBOT_ACCOUNTS: file })).toThrow(/not an account/);
    expect(() => loadAccountsFile({ ARCHIEFBOT_ACCOUNTS: `${dataDir}/none.yaml` })).toThrow(/does not exist/);
    cleanup();
  });
});

describe('account names', () => {
  it('understands URLs, @user@instance and Bluesky handles', () => {
    expect(accountUrl('https://social.overheid.nl/@minbzk')).toBe('https://social.overheid.nl/@minbzk');
    expect(accountUrl('@minbzk@social.overheid.nl')).toBe('https://social.overheid.nl/@minbzk');
    expect(accountUrl('minbzk.bsky.social')).toBe('https://bsky.app/profile/minbzk.bsky.social');
    expect(accountUrl('@minbzk.bsky.social')).toBe('https://bsky.app/profile/minbzk.bsky.social');
    expect(accountUrl('did:plc:abc123')).toBe('https://bsky.app/profile/did:plc:abc123');
    expect(() => accountUrl('minister')).toThrow(/not an account/);
  });
});

describe('watching and re-checking (Mastodon)', () => {
  it('watches an account: backfill, then re-checks find edits, deletions, suspensions and returns', async () => {
    const { env, dataDir, cleanup } = testEnv();
    m.addAccount({ username: 'minezk', displayName: 'Ministerie van EZK' });
    const a = m.addStatus({ username: 'minezk', content: '<p>De energietoeslag wordt verlengd.</p>' });
    const b = m.addStatus({ username: 'minezk', content: '<p>Persbericht over netcongestie.</p>' });
    const c = m.addStatus({ username: 'minezk', content: '<p>Vacature beleidsmedewerker.</p>' });

    const watched = await cli(
      env,
      'watch',
      `${m.url}/@minezk`,
      '--org',
      'Ministerie van EZK',
      '--role',
      'corporate',
      '--json',
    );
    expect(watched.code, watched.stderr).toBe(0);
    expect(watched.json).toMatchObject({
      account: { handle: `minezk@${m.host}`, role: 'corporate', organisation: 'Ministerie van EZK' },
      backfill: { posts: 3, complete: true },
    });
    expect((await cli(env, 'watching', '--json')).json.watching).toHaveLength(1);

    const first = await cli(env, 'recheck', '--all', '--json');
    expect(first.json.checked).toBe(3);
    expect(first.json.outcomes.map((o: { outcome: string }) => o.outcome)).toEqual([
      'unchanged',
      'unchanged',
      'unchanged',
    ]);

    m.editStatus(a.id, { content: '<p>De energietoeslag wordt niet verlengd.</p>' });
    m.deleteStatus(b.id);
    const second = await cli(env, 'recheck', '--all', '--json');
    const byUrl = new Map(
      second.json.outcomes.map((o: { url: string; outcome: string }) => [o.url, o.outcome]),
    );
    expect(byUrl.get(a.url)).toBe('edited');
    expect(byUrl.get(b.url)).toBe('deleted');
    expect(byUrl.get(c.url)).toBe('unchanged');

    const alerts = (await cli(env, 'alerts', '--json')).json.alerts;
    const edited = alerts.find((x: { kind: string }) => x.kind === 'edited');
    const deleted = alerts.find((x: { kind: string }) => x.kind === 'deleted');
    expect(edited.detail.diff).toContain('{+niet+}');
    expect(edited.detail.version).toBe(2);
    expect(deleted.detail.lastVersion.text).toBe('Persbericht over netcongestie.');
    expect(deleted.detail.lastVersion.sha256).toMatch(/^[0-9a-f]{64}$/);
    // The deletion is kept as evidence: the platform's 404 in the WARC, with a metadata record saying so.
    const records = await readAllWarc(dataDir);
    const check = records.find((r) => r.type === 'metadata' && r.uri.startsWith('urn:archiefbot:check:'));
    expect(JSON.parse(check!.block.toString()).outcome).toBe('deleted');
    expect(
      records.some(
        (r) =>
          r.type === 'response' &&
          r.uri.endsWith(`/api/v1/statuses/${b.id}`) &&
          r.http?.startsWith('HTTP/1.1 404'),
      ),
    ).toBe(true);
    expect((await cli(env, 'show', b.url, '--json')).json.post.status).toBe('deleted');
    expect((await cli(env, 'show', a.url, '--json')).json.versions).toHaveLength(2);

    // Checking again raises nothing new: one alert per event.
    await cli(env, 'recheck', '--all', '--json');
    expect(await count(dataDir, 'alert')).toBe(2);

    // The account is suspended: its posts become unavailable, not deleted.
    m.suspendAccount('minezk');
    const third = await cli(env, 'recheck', '--all', '--json');
    expect(
      new Map(third.json.outcomes.map((o: { url: string; outcome: string }) => [o.url, o.outcome])).get(
        c.url,
      ),
    ).toBe('unavailable');
    expect((await cli(env, 'verify')).code).toBe(0);
    expect((await cli(env, 'unwatch', `@minezk@${m.host}`)).code).toBe(0);
    expect((await cli(env, 'watching', '--json')).json.watching).toHaveLength(0);
    cleanup();
  });

  it('never counts 5xx, timeouts, 429 or malformed answers as a deletion, and says when capture is degraded', async () => {
    const { env, dataDir, cleanup } = testEnv({ ARCHIEFBOT_HTTP_RETRIES: '0' });
    m.addAccount({ username: 'minfin' });
    const p = m.addStatus({ username: 'minfin', content: '<p>Voorjaarsnota</p>' });
    await cli(env, 'capture', p.url);
    const w = await worker(env, { degradedAfterErrors: 3 });
    const batch = /^\/api\/v1\/statuses$/;
    const single = new RegExp(`^/api/v1/statuses/${p.id}$`);
    for (const answer of [
      { status: 503 },
      { status: 500, body: '<html>Internal Server Error</html>' },
      { status: 429, body: '{"error":"Too many requests"}', headers: { 'retry-after': '0' } },
      { status: 200, body: '[{"id": "1' },
    ]) {
      m.failNext(batch, answer);
      const pass = await w.rechecker.pass({ all: true });
      expect(pass.outcomes.map((o) => o.outcome)).toEqual(['error']);
    }
    // Left out of the batch, then a 502 on its own: still not a deletion.
    m.failNext(batch, { status: 200, body: '[]' });
    m.failNext(single, { status: 502 });
    expect((await w.rechecker.pass({ all: true })).outcomes[0]!.outcome).toBe('error');
    const kinds = (await listAlerts(w.archive.db)).map((a) => a.kind);
    expect(kinds).not.toContain('deleted');
    expect(kinds).toEqual(['degraded']);
    expect((await query<{ status: string }>(dataDir, 'SELECT status FROM post'))[0]!.status).toBe('live');
    // And it recovers: the next check is fine.
    expect((await w.rechecker.pass({ all: true })).outcomes[0]!.outcome).toBe('unchanged');
    await w.close();
    cleanup();
  });

  it('treats a platform that does not answer in time as an error, not a deletion', async () => {
    const { env, dataDir, cleanup } = testEnv({
      ARCHIEFBOT_HTTP_RETRIES: '0',
      ARCHIEFBOT_HTTP_TIMEOUT_MS: '300',
    });
    m.addAccount({ username: 'minlnv' });
    const p = m.addStatus({ username: 'minlnv', content: '<p>Stikstofkaart</p>' });
    await cli(env, 'capture', p.url);
    // The instance hangs: a server that takes the request and never answers.
    const { createServer } = await import('node:http');
    const hanging = createServer(() => {});
    await new Promise<void>((r) => hanging.listen(0, '127.0.0.1', r));
    const port = (hanging.address() as { port: number }).port;
    const statusId = p.url.split('/').pop();
    const db = await import('sqlite3');
    await new Promise<void>((resolve, reject) => {
      const conn = new db.default.Database(`${dataDir}/archiefbot.db`);
      conn.run(
        'UPDATE post SET api_ref = ?',
        [`http://127.0.0.1:${port}/api/v1/statuses/${statusId}`],
        (err) => conn.close(() => (err ? reject(err) : resolve())),
      );
    });
    const w = await worker(env);
    const pass = await w.rechecker.pass({ all: true });
    expect(pass.outcomes.map((o) => o.outcome)).toEqual(['error']);
    expect(pass.outcomes[0]!.detail).toMatch(/did not answer/);
    expect(await listAlerts(w.archive.db)).toEqual([]);
    await w.close();
    hanging.closeAllConnections();
    await new Promise((r) => hanging.close(r));
    cleanup();
  });

  it('diffs an edit over the text only and lists media changes apart', async () => {
    const { env, cleanup } = testEnv();
    m.addAccount({ username: 'minienw' });
    const img = (seed: string) => ({ bytes: Buffer.from(`png-${seed}`), contentType: 'image/png' });
    const p = m.addStatus({
      username: 'minienw',
      content: '<p>De dijk is versterkt.</p>',
      media: [{ ...img('a'), description: 'Luchtfoto van de dijk' }],
    });
    await cli(env, 'capture', p.url);
    const w = await worker(env);
    // The text changes; the image and its description stay as they were.
    m.editStatus(p.id, { content: '<p>De dijk bij Kampen is versterkt.</p>' });
    await w.rechecker.pass({ all: true });
    const [alert] = await listAlerts(w.archive.db);
    const detail = JSON.parse(alert!.detail) as { diff: string; media: Record<string, number> };
    expect(detail.diff).toBe('De dijk {+bij Kampen+} is versterkt.');
    expect(detail.media).toEqual({ added: 0, removed: 0, described: 0 });
    const { alertReply } = await import('../src/chat/presenters.ts');
    expect(alertReply(alert!, 'nl').text).not.toMatch(/Luchtfoto|Media:/);
    // Media changes are counted by the platform's media key, apart from the text.
    const { mediaChanges } = await import('../src/domain/diff.ts');
    const a = { key: 'a', url: '', type: 'image' as const, description: 'Luchtfoto' };
    const b = { key: 'b', url: '', type: 'image' as const, description: null };
    expect(mediaChanges([a], [{ ...a, description: 'Dijk' }, b])).toEqual({
      added: 1,
      removed: 0,
      described: 1,
    });
    expect(mediaChanges([a, b], [b])).toEqual({ added: 0, removed: 1, described: 0 });
    const withMedia = {
      ...alert!,
      detail: JSON.stringify({ ...detail, media: { added: 1, removed: 2, described: 0 } }),
    };
    expect(alertReply(withMedia, 'nl').text).toContain('Media: 1 bestand toegevoegd, 2 bestanden weggehaald');
    expect(alertReply(withMedia, 'en').text).toContain('Media: 1 file added, 2 files removed');
    await w.close();
    cleanup();
  });

  it('notices a post that comes back after it was gone (restored)', async () => {
    const { env, dataDir, cleanup } = testEnv();
    m.addAccount({ username: 'minocw' });
    const p = m.addStatus({ username: 'minocw', content: '<p>Examenrooster</p>' });
    await cli(env, 'capture', p.url);
    const w = await worker(env);
    // For a while the instance does not serve it (made private, then public again).
    m.failNext(/^\/api\/v1\/statuses$/, { status: 200, body: '[]' });
    m.failNext(new RegExp(`^/api/v1/statuses/${p.id}$`), {
      status: 404,
      body: '{"error":"Record not found"}',
    });
    expect((await w.rechecker.pass({ all: true })).outcomes[0]!.outcome).toBe('deleted');
    expect((await w.rechecker.pass({ all: true })).outcomes[0]!.outcome).toBe('restored');
    expect((await listAlerts(w.archive.db)).map((a) => a.kind).sort()).toEqual(['deleted', 'restored']);
    expect((await query<{ status: string }>(dataDir, 'SELECT status FROM post'))[0]!.status).toBe('live');
    await w.close();
    cleanup();
  });

  it('two workers checking at once raise one alert per event', async () => {
    const { env, cleanup } = testEnv();
    m.addAccount({ username: 'minbz' });
    const posts = Array.from({ length: 30 }, (_, i) =>
      m.addStatus({ username: 'minbz', content: `<p>Bericht ${i}</p>` }),
    );
    for (const p of posts) await cli(env, 'capture', p.url);
    m.deleteStatus(posts[7]!.id);
    m.editStatus(posts[12]!.id, { content: '<p>Bericht twaalf, aangepast</p>' });
    const one = await worker(env);
    const two = await worker(env);
    // Both are told to check everything at the same moment (the claims split the work; a post
    // claimed by one is left alone by the other).
    const [a, b] = await Promise.all([one.rechecker.pass({ all: true }), two.rechecker.pass({ all: true })]);
    expect(a.checked + b.checked).toBeGreaterThanOrEqual(30);
    // Even when both see the same event (a second pass over everything), it is one alert.
    await Promise.all([one.rechecker.pass({ all: true }), two.rechecker.pass({ all: true })]);
    const kinds = (await listAlerts(one.archive.db)).map((x) => x.kind).sort();
    expect(kinds).toEqual(['deleted', 'edited']);
    await one.close();
    await two.close();
    cleanup();
  });

  it('schedules re-checks by age: young posts soon, old posts rarely', async () => {
    const { env, dataDir, cleanup } = testEnv();
    m.addAccount({ username: 'minvenj' });
    const young = m.addStatus({
      username: 'minvenj',
      content: '<p>Nieuw</p>',
      createdAt: new Date().toISOString(),
    });
    const old = m.addStatus({
      username: 'minvenj',
      content: '<p>Oud</p>',
      createdAt: '2024-01-01T00:00:00Z',
    });
    await cli(env, 'capture', young.url);
    await cli(env, 'capture', old.url);
    const rows = await query<{ url: string; next_check_at: string }>(
      dataDir,
      'SELECT url, next_check_at FROM post',
    );
    const next = new Map(rows.map((r) => [r.url, Date.parse(r.next_check_at) - Date.now()]));
    expect(next.get(young.url)!).toBeLessThan(61_000);
    expect(next.get(old.url)!).toBeGreaterThan(6 * 86_400_000);
    // Nothing is due yet, so a pass without --all checks nothing…
    expect((await cli(env, 'recheck', '--json')).json.checked).toBe(0);
    // …but the monitor's ticks spend spare budget on the posts checked longest ago, in turn.
    const w = await worker(env);
    const firstSpare = (await w.rechecker.pass({ spare: 1 })).outcomes.map((o) => o.url);
    const secondSpare = (await w.rechecker.pass({ spare: 1 })).outcomes.map((o) => o.url);
    expect(firstSpare).toHaveLength(1);
    expect([...firstSpare, ...secondSpare].sort()).toEqual([young.url, old.url].sort());
    await w.close();
    cleanup();
  });

  it('compares with the latest version the platform served: an older state imported later costs no re-capture and marks no edit', async () => {
    const { env, dataDir, cleanup } = testEnv();
    m.addAccount({ username: 'minjenv' });
    const p = m.addStatus({ username: 'minjenv', content: '<p>Het nieuwe reglement gaat in op 1 juli.</p>' });
    await cli(env, 'capture', p.url);
    const w = await worker(env);
    // The organisation's own export knows an earlier state of the post: it joins as version 2.
    const [held] = await query<{
      platform_id: string;
      url: string;
      content: string;
      handle: string;
      ref: string;
    }>(
      dataDir,
      `SELECT p.platform_id, p.url, v.content, a.handle, a.platform_id AS ref FROM post p
       JOIN version v ON v.post_id = p.id JOIN account a ON a.id = p.account_id WHERE p.url = ?`,
      [p.url],
    );
    const content = JSON.parse(held!.content) as PostContent;
    await importPosts(w.archive, {
      url: 'file:export.zip',
      trigger: 'import',
      requestedBy: 'test',
      channel: null,
      origin: 'import',
      method: { id: 'import', label: 'import', captures: [], misses: [] },
      exchanges: [],
      posts: [
        {
          role: 'main',
          post: {
            platform: 'mastodon',
            platformId: held!.platform_id,
            url: held!.url,
            apiRef: null,
            account: {
              platform: 'mastodon',
              handle: held!.handle,
              platformId: held!.ref,
              displayName: null,
              url: null,
            },
            kind: 'post',
            parentPlatformId: null,
            createdAt: '2026-01-05T09:00:00.000Z',
            editedAt: null,
            content: { ...content, text: 'Het nieuwe reglement gaat in op 1 juni.', html: null },
            counts: {},
            history: null,
            sourceUrl: null,
          },
        },
      ],
    });
    const versions = () =>
      query<{ number: number; origin: string }>(
        dataDir,
        'SELECT number, origin FROM version ORDER BY number',
      );
    expect(await versions()).toEqual([
      { number: 1, origin: 'capture' },
      { number: 2, origin: 'import' },
    ]);
    const [post] = await archivedPosts(w.archive.db, [1]);
    expect(post!.version).toBe(1);
    expect((await latestVersion(w.archive.db, 'mastodon', held!.platform_id))!.number).toBe(1);
    // The re-check compares with version 1: unchanged, no capture again, no version, no alert.
    const pass = await w.rechecker.pass({ all: true });
    expect(pass.outcomes.map((o) => o.outcome)).toEqual(['unchanged']);
    expect(await count(dataDir, 'capture')).toBe(2);
    expect(await versions()).toHaveLength(2);
    expect(await listAlerts(w.archive.db)).toEqual([]);
    // A capture of the unchanged post does not mark it edited because of the imported state.
    const again = await w.pipeline.capture({ url: p.url, trigger: 'command' });
    expect(again.kind === 'post' && again.post.status).toBe('live');
    expect(await query(dataDir, 'SELECT status FROM post')).toEqual([{ status: 'live' }]);
    expect(await versions()).toHaveLength(2);
    await w.close();
    cleanup();
  });
});
