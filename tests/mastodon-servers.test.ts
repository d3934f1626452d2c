// The core Mastodon capture behaviour against every server of the Mastodon client API the fake can
// play (issue 17): their ids, URL shapes, instance answers, token-only timelines and missing endpoints.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forgetHosts, softwareOf } from '../src/capture/connectors/mastodon/hosts.ts';
import { redactAuthorization } from '../src/capture/http.ts';
import { FakeMastodon, type MastodonProfile, PROFILES } from './fakes/mastodon.ts';
import { readAllWarc, sha256, withArchive } from './helpers/archive.ts';
import { cli, testEnv } from './helpers/cli.ts';

const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000020000000208060000007bd4ed8c0000000d49444154789c63f8cfc0f01f0005000201e5273fbc0000000049454e44ae426082',
  'hex',
);

const EXPECTED: Record<MastodonProfile, { software: string; version: string; idShape: RegExp }> = {
  mastodon: { software: 'mastodon', version: '4.4.0', idShape: /^\d+$/ },
  gotosocial: { software: 'gotosocial', version: '0.17.3+git-2b8c5e1', idShape: /^[0-9A-HJKMNP-TV-Z]{26}$/ },
  akkoma: { software: 'akkoma', version: '3.13.2', idShape: /^[0-9A-Za-z]{22}$/ },
  hollo: {
    software: 'hollo',
    version: '0.10.0',
    idShape: /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/,
  },
};

describe.each(Object.keys(PROFILES) as MastodonProfile[])('a %s server', (profile) => {
  let m: FakeMastodon;
  const token = `tok-${profile}`;
  beforeAll(async () => {
    m = await FakeMastodon.start({ profile, apiTokens: [token] });
    m.addAccount({ username: 'minbzk', displayName: 'Ministerie van BZK' });
    m.addAccount({ username: 'burger' });
  });
  afterAll(() => m.close());

  it('captures a status URL through the API, with its replies and original media', async () => {
    const { env, dataDir, cleanup } = testEnv();
    const post = m.addStatus({
      username: 'minbzk',
      content: '<p>Het jaarverslag staat online.</p>',
      media: [{ bytes: PNG, contentType: 'image/png', description: 'Grafiek' }],
    });
    m.addStatus({ username: 'burger', content: '<p>Dank!</p>', inReplyToId: post.id });
    expect(post.id).toMatch(EXPECTED[profile].idShape);

    const r = await cli(env, 'capture', post.url, '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.json.post).toMatchObject({ platform: 'mastodon', url: post.url, author: `minbzk@${m.host}` });
    expect(r.json).toMatchObject({ replies: 1, media: 1 });
    const show = await cli(env, 'show', String(r.json.post.id), '--json');
    expect(show.json.post).toMatchObject({ platform: 'mastodon', createdAt: expect.any(String) });
    const methods = await withArchive(dataDir, (a) =>
      a.db.all<{ method: string }>('SELECT DISTINCT method FROM version'),
    );
    expect(methods.map((v) => v.method)).toEqual(['api']);
    expect(show.json.media[0]).toMatchObject({ sha256: sha256(PNG), size: PNG.length });
    expect(show.json.replies.map((x: { text: string }) => x.text)).toEqual(['Dank!']);

    // The host was confirmed once, and what it runs is shown by `status`.
    const status = await cli(env, 'status', '--json');
    expect(status.json.instances).toEqual([
      expect.objectContaining({
        host: m.host,
        software: EXPECTED[profile].software,
        version: EXPECTED[profile].version,
      }),
    ]);
    expect((await cli(env, 'status')).stdout).toContain(`${m.host}: ${EXPECTED[profile].software}`);

    // A new process asks the host again only when the archive has not confirmed it within the day.
    const instanceAsked = () => m.requests.filter((q) => /^\/api\/v[12]\/instance$/.test(q.path)).length;
    forgetHosts();
    const asked = instanceAsked();
    expect((await cli(env, 'capture', post.url, '--json')).code).toBe(0);
    expect(instanceAsked()).toBe(asked);
    forgetHosts();
    const other = testEnv();
    expect((await cli(other.env, 'capture', post.url, '--json')).code).toBe(0);
    expect(instanceAsked()).toBeGreaterThan(asked);
    other.cleanup();
    cleanup();
  });

  it('backfills an account, with MASTODON_TOKENS where the server asks for a login', async () => {
    const user = `account${Date.now() % 100000}`;
    const acc = m.addAccount({ username: user });
    for (let i = 0; i < 3; i++) m.addStatus({ username: user, content: `<p>Bericht ${i}</p>` });
    const anonymous = testEnv();
    const without = await cli(anonymous.env, 'capture', acc.url, '--json');
    if (PROFILES[profile].tokenTimelines) {
      expect(without.code).toBe(1);
      expect(without.stderr + without.stdout).toContain('MASTODON_TOKENS');
    } else {
      expect(without.code, without.stderr).toBe(0);
    }
    anonymous.cleanup();

    const other = await FakeMastodon.start();
    const { env, dataDir, cleanup } = testEnv({ MASTODON_TOKENS: `${other.host}=wrong,${m.host}=${token}` });
    const before = m.requests.length;
    const r = await cli(env, 'capture', acc.url, '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.json).toMatchObject({ kind: 'account', posts: 3, complete: true });
    const sent = m.requests.slice(before).filter((q) => q.path.includes('/statuses'));
    expect(sent.every((q) => q.headers.authorization === `Bearer ${token}`)).toBe(true);
    expect(other.requests).toHaveLength(0);
    await other.close();
    // The token never reaches the WARC in the clear.
    const warc = Buffer.concat((await readAllWarc(dataDir)).map((rec) => rec.block)).toString('latin1');
    expect(warc).not.toContain(token);
    expect(warc).toContain('Bearer [redacted]');
    cleanup();
  });

  it('finds a deletion by recheck, with or without the batch endpoint', async () => {
    const { env, cleanup } = testEnv();
    const a = m.addStatus({ username: 'minbzk', content: '<p>Blijft staan.</p>' });
    const b = m.addStatus({ username: 'minbzk', content: '<p>Wordt verwijderd.</p>' });
    expect((await cli(env, 'capture', a.url, '--json')).code).toBe(0);
    expect((await cli(env, 'capture', b.url, '--json')).code).toBe(0);
    m.deleteStatus(b.id);
    const before = m.requests.length;
    const pass = await cli(env, 'recheck', '--all', '--json');
    expect(pass.code, pass.stderr).toBe(0);
    const byUrl = new Map(
      pass.json.outcomes.map((o: { url: string; outcome: string }) => [o.url, o.outcome]),
    );
    expect(byUrl.get(a.url)).toBe('unchanged');
    expect(byUrl.get(b.url)).toBe('deleted');
    const alerts = await cli(env, 'alerts', '--json');
    expect(JSON.stringify(alerts.json)).toContain('deleted');
    const batch = m.requests.slice(before).filter((q) => q.path.startsWith('/api/v1/statuses?'));
    if (PROFILES[profile].batch) expect(batch.length).toBeGreaterThan(0);
    else {
      // Asked once, found missing (remembered), then status by status.
      expect(batch.length).toBeLessThanOrEqual(1);
      const again = m.requests.length;
      await cli(env, 'recheck', '--all', '--json');
      expect(m.requests.slice(again).some((q) => q.path.startsWith('/api/v1/statuses?'))).toBe(false);
      const status = await cli(env, 'status', '--json');
      expect(status.json.instances[0]).toMatchObject({ batchLookup: false });
    }
    cleanup();
  });

  it('takes an edit into a new version, with the history where the server has one', async () => {
    const { env, cleanup } = testEnv();
    const post = m.addStatus({ username: 'minbzk', content: '<p>Het loket opent vandaag.</p>' });
    expect((await cli(env, 'capture', post.url, '--json')).code).toBe(0);
    m.editStatus(post.id, { content: '<p>Het loket opent morgen.</p>' });
    const before = m.requests.length;
    const v2 = await cli(env, 'capture', post.url, '--json');
    expect(v2.code, v2.stderr).toBe(0);
    expect(v2.json.newVersion).toBe(true);
    expect(v2.json.post.text).toContain('morgen');
    const asked = m.requests.slice(before).some((q) => q.path.endsWith('/history'));
    // A server of silent edits sets no edited_at, so there is no history to ask for.
    expect(asked).toBe(PROFILES[profile].history && !PROFILES[profile].silentEdits);
    cleanup();
  });

  it('finds an edit by recheck, silent or not', async () => {
    const { env, cleanup } = testEnv();
    const post = m.addStatus({ username: 'minbzk', content: '<p>De subsidie loopt tot 1 mei.</p>' });
    expect((await cli(env, 'capture', post.url, '--json')).code).toBe(0);
    m.editStatus(post.id, { content: '<p>De subsidie loopt tot 1 juni.</p>' });
    const pass = await cli(env, 'recheck', '--all', '--json');
    expect(pass.code, pass.stderr).toBe(0);
    expect(pass.json.outcomes.find((o: { url: string }) => o.url === post.url)?.outcome).toBe('edited');
    const alerts = await cli(env, 'alerts', '--json');
    expect(JSON.stringify(alerts.json)).toContain('edited');
    cleanup();
  });

  it('sends an account the token its tokenEnv in config/accounts.yaml names', async () => {
    const { loadAccountsFile } = await import('../src/monitor/watch.ts');
    const { writeFileSync } = await import('node:fs');
    const user = `own${Date.now() % 100000}`;
    const acc = m.addAccount({ username: user });
    m.addStatus({ username: user, content: '<p>Eigen token.</p>' });
    const { env, dataDir, cleanup } = testEnv();
    const file = `${dataDir}/accounts.yaml`;
    writeFileSync(
      file,
      `accounts:\n  - account: ${acc.url}\n    tokenEnv: OWN_TOKEN_${profile.toUpperCase()}\n`,
    );
    expect(() => loadAccountsFile({ ARCHIEFBOT_ACCOUNTS: file })).toThrow(/tokenEnv.*OWN_TOKEN.*not set/);
    loadAccountsFile({ ARCHIEFBOT_ACCOUNTS: file, [`OWN_TOKEN_${profile.toUpperCase()}`]: token });
    const before = m.requests.length;
    const r = await cli(env, 'capture', acc.url, '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.json).toMatchObject({ kind: 'account', posts: 1 });
    const page = m.requests.slice(before).find((q) => q.path.includes(`/accounts/${acc.id}/statuses`));
    expect(page?.headers.authorization).toBe(`Bearer ${token}`);
    cleanup();
  });
});

describe('Mastodon-API servers', () => {
  it('are told apart by the version their instance answer names', () => {
    expect(softwareOf('4.4.0', 'https://github.com/mastodon/mastodon')).toEqual({
      software: 'mastodon',
      version: '4.4.0',
    });
    expect(softwareOf('3.5.3 (compatible; Pleroma 2.6.1)', null)).toEqual({
      software: 'pleroma',
      version: '2.6.1',
    });
    expect(softwareOf('0.10.0 (compatible; Hollo 0.10.0)', null)).toEqual({
      software: 'hollo',
      version: '0.10.0',
    });
    expect(softwareOf('0.17.3+git-2b8c5e1', 'https://github.com/superseriousbusiness/gotosocial')).toEqual({
      software: 'gotosocial',
      version: '0.17.3+git-2b8c5e1',
    });
  });

  it('never records a token in the clear', () => {
    const head =
      'GET /api/v1/statuses/1 HTTP/1.1\r\nhost: x\r\nauthorization: Bearer s3cr3t\r\naccept: */*\r\n\r\n';
    expect(redactAuthorization(head)).toBe(
      'GET /api/v1/statuses/1 HTTP/1.1\r\nhost: x\r\nauthorization: Bearer [redacted]\r\naccept: */*\r\n\r\n',
    );
  });

  it('leaves a host that is no Mastodon-API server to the web capture', async () => {
    const { createServer } = await import('node:http');
    const server = createServer((req, res) => {
      res.writeHead(req.url?.startsWith('/api/') ? 404 : 200, { 'content-type': 'text/html' });
      res.end('<html><head><title>Blog</title></head><body><p>Een blogpost.</p></body></html>');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as { port: number };
    const { env, cleanup } = testEnv();
    const r = await cli(env, 'capture', `http://127.0.0.1:${port}/@blog/2024a`, '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.json.post.platform).toBe('web');
    server.close();
    cleanup();
  });
});
