import { execFile } from 'node:child_process';
import { generateKeyPairSync, verify as verifySignature } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Logger } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { signedBytes } from '../src/export/seal/log.ts';
import { readToken, timeStampRequest } from '../src/export/seal/tsp.ts';
import { makeSeal, SealError, startSealing, verifySeals } from '../src/export/seal.ts';
import type { Archive } from '../src/store/archive.ts';
import { appendAudit, verifyAuditChain } from '../src/store/audit.ts';
import { withArchive } from './helpers/archive.ts';
import { cli, testEnv } from './helpers/cli.ts';

/**
 * The seal outside the database: the audit head signed with an Ed25519 key outside the data directory,
 * checked with the public key alone; alterations of the audit chain or the seal log after sealing are
 * reported; the RFC 3161 path against a real TSA (OpenSSL's `openssl ts -reply` behind a loopback
 * HTTP wrapper), its token checked again with `openssl ts -verify`.
 */

const run = promisify(execFile);
const scratch = mkdtempSync(path.join(tmpdir(), 'archiefbot-seal-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A fresh archive environment whose seal key lives in its own config folder, outside the data dir. */
function sealEnv(extra: Record<string, string> = {}) {
  const config = mkdtempSync(path.join(scratch, 'config-'));
  return testEnv({ XDG_CONFIG_HOME: config, ...extra });
}

async function audit(dataDir: string, n: number, label = 'test') {
  await withArchive(dataDir, async (a) => {
    for (let i = 0; i < n; i++)
      await a.db.transaction(() => appendAudit(a.db, { actor: 'tester', action: `${label}.${i}` }));
  });
}

const sealLog = (dataDir: string) => path.join(dataDir, 'seals.jsonl');
const sealLines = (dataDir: string) => readFileSync(sealLog(dataDir), 'utf8').trimEnd().split('\n');

/** Rewrites the database as a forger with SQLite access would: append-only triggers dropped first. */
async function forge(a: Archive, sql: string) {
  await a.db.exec('DROP TRIGGER IF EXISTS audit_no_update; DROP TRIGGER IF EXISTS audit_no_delete;');
  await a.db.exec(sql);
}

describe('the seal: signing and checking with the public key alone', () => {
  it('signs the audit head with a key made outside the data directory, and the public key alone verifies it', async () => {
    const { env, dataDir, cleanup } = sealEnv();
    await audit(dataDir, 3);
    const r = await cli(env, 'seal', '--json');
    expect(r.code, r.stderr).toBe(0);
    const keyFile = path.join(env.XDG_CONFIG_HOME!, 'archiefbot', 'seal-key.pem');
    expect(r.json.keyFile).toBe(keyFile);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(r.stderr).toContain(`A new seal key was made: ${keyFile}`);
    expect(r.stderr).toContain('Keep it safe, outside the archive');
    expect(r.stderr).toContain(path.join(dataDir, 'seal-public-key.pem'));
    const head = await withArchive(dataDir, (a) =>
      a.db.get<{ id: number; hash: string }>('SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1'),
    );
    expect(r.json.seal).toMatchObject({ seq: 1, auditId: head!.id, auditHash: head!.hash });

    // Anyone with the public key and the log line checks the signature, without the archive's code.
    const publicPem = readFileSync(path.join(dataDir, 'seal-public-key.pem'), 'utf8');
    expect(r.json.publicKey).toBe(publicPem);
    const line = JSON.parse(sealLines(dataDir)[0]!);
    expect(verifySignature(null, signedBytes(line), publicPem, Buffer.from(line.signature, 'base64'))).toBe(
      true,
    );

    // The published key copied away from the archive: seal --verify with it alone holds.
    const published = path.join(scratch, 'published-key.pem');
    writeFileSync(published, publicPem);
    const ok = await cli(env, 'seal', '--verify', '--public-key', published, '--json');
    expect(ok.code, ok.stdout).toBe(0);
    expect(ok.json).toMatchObject({
      ok: true,
      seals: 1,
      unsealed: 0,
      key: { source: 'given' },
      problems: [],
    });
    const text = await cli(env, 'seal', '--verify');
    expect(text.stdout).toContain(`The seals hold: 1 seal; the newest seals audit entry ${head!.id}`);

    // Another key does not vouch for it.
    const other = path.join(scratch, 'other-key.pem');
    writeFileSync(other, generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }));
    const wrong = await cli(env, 'seal', '--verify', '--public-key', other);
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toContain('the newest seal was made with key');

    // A second seal reuses the key (no new note) and links to the first.
    await audit(dataDir, 1, 'more');
    const again = await cli(env, 'seal', '--json');
    expect(again.stderr).toBe('');
    expect(again.json.seal.seq).toBe(2);
    expect((await cli(env, 'seal', '--verify', '--public-key', published)).code).toBe(0);
    cleanup();
  });

  it('refuses a key inside the data directory, a named key that is missing, and an empty audit log', async () => {
    const { env, dataDir, cleanup } = sealEnv();
    const empty = await cli(env, 'seal', '--json');
    expect(empty.code).toBe(1);
    expect(empty.json).toEqual({
      error: { code: 'nothing-to-seal', message: expect.stringContaining('empty') },
    });
    expect(existsSync(sealLog(dataDir))).toBe(false);
    // Nothing was made for it: no key, no public key, and the archive still verifies.
    expect(existsSync(path.join(env.XDG_CONFIG_HOME!, 'archiefbot'))).toBe(false);
    expect(existsSync(path.join(dataDir, 'seal-public-key.pem'))).toBe(false);
    expect((await cli(env, 'seal', '--verify')).code).toBe(0);

    await audit(dataDir, 1);
    const inside = await cli({ ...env, ARCHIEFBOT_SEAL_KEY: path.join(dataDir, 'keys', 'seal.pem') }, 'seal');
    expect(inside.code).toBe(2);
    expect(inside.stderr).toContain('is inside the data directory');
    const nl = await cli(
      { ...env, ARCHIEFBOT_LANGUAGE: 'nl', ARCHIEFBOT_SEAL_KEY: path.join(scratch, 'nope.pem') },
      'seal',
    );
    expect(nl.code).toBe(2);
    expect(nl.stderr).toContain(
      `ARCHIEFBOT_SEAL_KEY verwijst naar ${path.join(scratch, 'nope.pem')}, maar dat bestand bestaat niet.`,
    );
    cleanup();
  });

  it('uses the key ARCHIEFBOT_SEAL_KEY names', async () => {
    const { env, dataDir, cleanup } = sealEnv();
    await audit(dataDir, 1);
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const file = path.join(scratch, 'operator-key.pem');
    writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    const r = await cli({ ...env, ARCHIEFBOT_SEAL_KEY: file }, 'seal', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.json.keyGenerated).toBe(false);
    expect(r.json.publicKey).toBe(publicKey.export({ type: 'spki', format: 'pem' }));
    expect(existsSync(path.join(env.XDG_CONFIG_HOME!, 'archiefbot'))).toBe(false);
    cleanup();
  });
});

describe('the seal: alterations after sealing', () => {
  async function sealed(auditEntries = 3, seals = 1) {
    const t = sealEnv();
    await audit(t.dataDir, auditEntries);
    await withArchive(t.dataDir, async (a) => {
      for (let i = 0; i < seals; i++) {
        if (i > 0) await a.db.transaction(() => appendAudit(a.db, { actor: 'tester', action: `later.${i}` }));
        await makeSeal(a, { env: t.env });
      }
    });
    return t;
  }

  it('reports an audit chain rewritten after sealing, even when every hash was recomputed', async () => {
    const { dataDir, cleanup } = await sealed(3);
    await withArchive(dataDir, async (a) => {
      await forge(a, 'DELETE FROM audit WHERE id >= 2');
      await a.db.transaction(() => appendAudit(a.db, { actor: 'forger', action: 'test.1' }));
      await a.db.transaction(() => appendAudit(a.db, { actor: 'forger', action: 'test.2' }));
      expect((await verifyAuditChain(a.db)).problems).toEqual([]); // the chain alone looks intact
      const report = await verifySeals(a);
      expect(report.ok).toBe(false);
      expect(report.problems).toEqual([
        expect.stringMatching(/^seal 1: audit entry 3 has changed since it was sealed/),
      ]);
    });
    cleanup();
  });

  it('reports a sealed audit row changed in place, and the sealed tail cut off', async () => {
    const { dataDir, cleanup } = await sealed(3);
    await withArchive(dataDir, async (a) => {
      await forge(a, `UPDATE audit SET actor = 'someone else' WHERE id = 2`);
      const report = await verifySeals(a);
      expect(report.problems).toContain('audit entry 2: content does not match its hash');
      await forge(a, 'DELETE FROM audit WHERE id >= 3');
      expect((await verifySeals(a, { auditChain: false })).problems).toEqual([
        'seal 1: audit entry 3 is no longer in the archive',
      ]);
    });
    cleanup();
  });

  it('reports a seal log line altered, removed, or the log deleted', async () => {
    const { dataDir, cleanup } = await sealed(2, 3);
    await withArchive(dataDir, async (a) => {
      expect(await verifySeals(a)).toMatchObject({ ok: true, seals: 3, problems: [] });
      const original = readFileSync(sealLog(dataDir), 'utf8');
      const lines = sealLines(dataDir);

      // The newest line claims another audit hash: its signature no longer holds.
      const newest = JSON.parse(lines[2]!);
      newest.auditHash = 'f'.repeat(64);
      writeFileSync(sealLog(dataDir), `${[lines[0], lines[1], JSON.stringify(newest)].join('\n')}\n`);
      expect((await verifySeals(a)).problems).toEqual(
        expect.arrayContaining(['seal log line 3: its signature does not hold (the seal was altered)']),
      );

      // An older line's time changed: its signature breaks, and the next line no longer links to it.
      const first = JSON.parse(lines[0]!);
      first.at = '2020-01-01T00:00:00.000Z';
      writeFileSync(sealLog(dataDir), `${[JSON.stringify(first), lines[1], lines[2]].join('\n')}\n`);
      expect((await verifySeals(a)).problems).toEqual([
        'seal log line 1: its signature does not hold (the seal was altered)',
        'seal log line 2 does not link to the line before it (a seal was changed, removed or inserted)',
      ]);

      // The middle seal removed.
      writeFileSync(sealLog(dataDir), `${[lines[0], lines[2]].join('\n')}\n`);
      expect((await verifySeals(a)).problems).toEqual([
        'seal log line 2 does not link to the line before it (a seal was changed, removed or inserted)',
      ]);

      // Garbage in place of a line.
      writeFileSync(sealLog(dataDir), `${[lines[0], '{"v":1}', lines[2]].join('\n')}\n`);
      expect((await verifySeals(a)).problems).toContain('seal log line 2 is not a seal (altered)');

      // The whole log gone, the archive's public key still there.
      rmSync(sealLog(dataDir));
      expect((await verifySeals(a)).problems).toEqual([
        expect.stringMatching(/seals\.jsonl is missing or empty, but the archive has a seal key$/),
      ]);
      writeFileSync(sealLog(dataDir), original);
      expect((await verifySeals(a)).ok).toBe(true);
    });
    cleanup();
  });

  it('an archive never sealed verifies (nothing to check)', async () => {
    const { dataDir, cleanup } = sealEnv();
    await audit(dataDir, 1);
    await withArchive(dataDir, async (a) => {
      expect(await verifySeals(a)).toMatchObject({
        ok: true,
        seals: 0,
        newest: null,
        key: null,
        unsealed: 0,
      });
    });
    cleanup();
  });
});

/** A throwaway CA and a TSA certificate (extendedKeyUsage timeStamping) for `openssl ts -reply`. */
async function makeTsa(dir: string) {
  const cnf = path.join(dir, 'tsa.cnf');
  writeFileSync(
    cnf,
    `[ tsa ]
default_tsa = tsa_config
[ tsa_config ]
serial = ${dir}/serial
crypto_device = builtin
signer_cert = ${dir}/tsa.crt
certs = ${dir}/tsa.crt
signer_key = ${dir}/tsa.key
signer_digest = sha256
default_policy = 1.2.3.4.1
other_policies = 1.2.3.4.2
digests = sha256
accuracy = secs:1
ordering = no
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
[ tsa_ext ]
basicConstraints = critical,CA:false
keyUsage = critical,digitalSignature
extendedKeyUsage = critical,timeStamping
`,
  );
  writeFileSync(path.join(dir, 'serial'), '01\n');
  const f = (name: string) => path.join(dir, name);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  await run('openssl', [
    'req',
    '-x509',
    ...ec,
    '-keyout',
    f('ca.key'),
    '-out',
    f('ca.crt'),
    '-subj',
    '/CN=Archiefbot test CA',
    '-days',
    '2',
  ]);
  await run('openssl', [
    'req',
    ...ec,
    '-keyout',
    f('tsa.key'),
    '-out',
    f('tsa.csr'),
    '-subj',
    '/CN=Archiefbot test TSA',
  ]);
  await run('openssl', [
    'x509',
    '-req',
    '-in',
    f('tsa.csr'),
    '-CA',
    f('ca.crt'),
    '-CAkey',
    f('ca.key'),
    '-CAcreateserial',
    '-out',
    f('tsa.crt'),
    '-days',
    '2',
    '-extfile',
    cnf,
    '-extensions',
    'tsa_ext',
  ]);
  return { cnf, ca: f('ca.crt') };
}

describe('the seal: RFC 3161 time stamps from a real TSA (openssl ts)', () => {
  let dir: string;
  let tsa: { cnf: string; ca: string };
  let server: Server;
  let base: string;
  let lastReply: Buffer | null = null;
  let replies = 0;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(scratch, 'tsa-'));
    tsa = await makeTsa(dir);
    // POST /tsa: the query goes to `openssl ts -reply`; /replay answers the previous reply again (a
    // stale token, another nonce); /refuse answers status 2 (rejection).
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', async () => {
        const send = (body: Buffer) =>
          res.writeHead(200, { 'content-type': 'application/timestamp-reply' }).end(body);
        if (req.url === '/refuse') return send(Buffer.from('30053003020102', 'hex'));
        if (req.url === '/replay' && lastReply) return send(lastReply);
        if (req.headers['content-type'] !== 'application/timestamp-query') return res.writeHead(415).end();
        const n = ++replies;
        const query = path.join(dir, `q${n}.tsq`);
        const reply = path.join(dir, `r${n}.tsr`);
        writeFileSync(query, Buffer.concat(chunks));
        await run('openssl', ['ts', '-reply', '-config', tsa.cnf, '-queryfile', query, '-out', reply]);
        lastReply = readFileSync(reply);
        send(lastReply);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('builds a TimeStampReq that openssl reads as SHA-256 with the nonce and certReq', async () => {
    const imprint = Buffer.alloc(32, 7);
    const file = path.join(dir, 'mine.tsq');
    writeFileSync(file, timeStampRequest(imprint, Buffer.from('8123456789abcdef', 'hex')));
    const { stdout } = await run('openssl', ['ts', '-query', '-in', file, '-text']);
    expect(stdout).toContain('Hash Algorithm: sha256');
    expect(stdout).toMatch(/07 07 07 07/);
    expect(stdout).toMatch(/Nonce: 0x(00)?8123456789ABCDEF/i);
    expect(stdout).toContain('Certificate required: yes');
  });

  it('time-stamps the seal, keeps the token, and the token verifies with openssl ts -verify', async () => {
    const { env, dataDir, cleanup } = sealEnv({ ARCHIEFBOT_TSA_URL: `${base}/tsa` });
    await audit(dataDir, 2);
    const before = Date.now();
    const r = await cli(env, 'seal', '--json');
    expect(r.code, r.stderr).toBe(0);
    const seal = r.json.seal;
    expect(seal.tsa.url).toBe(`${base}/tsa`);
    expect(Date.parse(seal.tsa.time)).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 - 1000);
    const token = Buffer.from(seal.tsa.token, 'base64');
    expect(readToken(token)).toMatchObject({ policy: '1.2.3.4.1', time: seal.tsa.time });

    // OpenSSL checks the token on its own: the TSA's signature, its certificate chain to the CA, and
    // that the imprint is the SHA-256 of the seal's signature.
    const tokenFile = path.join(dir, 'token.der');
    const signatureFile = path.join(dir, 'signature.bin');
    writeFileSync(tokenFile, token);
    writeFileSync(signatureFile, Buffer.from(seal.signature, 'base64'));
    const verified = await run('openssl', [
      'ts',
      '-verify',
      '-in',
      tokenFile,
      '-token_in',
      '-data',
      signatureFile,
      '-CAfile',
      tsa.ca,
    ]);
    expect(verified.stdout).toContain('Verification: OK');
    const other = path.join(dir, 'other.bin');
    writeFileSync(other, Buffer.alloc(64));
    await expect(
      run('openssl', ['ts', '-verify', '-in', tokenFile, '-token_in', '-data', other, '-CAfile', tsa.ca]),
    ).rejects.toThrow();

    const report = await cli(env, 'seal', '--verify', '--json');
    expect(report.json).toMatchObject({ ok: true, newest: { timeStamp: seal.tsa.time } });
    const text = await cli(env, 'seal');
    expect(text.stdout).toContain(`Time-stamped by ${base}/tsa:`);
    cleanup();
  });

  it('reports a token that belongs to another seal', async () => {
    const { env, dataDir, cleanup } = sealEnv({ ARCHIEFBOT_TSA_URL: `${base}/tsa` });
    await audit(dataDir, 1);
    await withArchive(dataDir, async (a) => {
      const first = await makeSeal(a, { env });
      await a.db.transaction(() => appendAudit(a.db, { actor: 'tester', action: 'more' }));
      await makeSeal(a, { env });
      const lines = sealLines(dataDir);
      const second = JSON.parse(lines[1]!);
      second.tsa = first.seal.tsa; // a genuine token, for other data
      writeFileSync(sealLog(dataDir), `${lines[0]}\n${JSON.stringify(second)}\n`);
      expect((await verifySeals(a)).problems).toEqual([
        'seal log line 2: the time stamp is for other data (its message imprint differs)',
      ]);
    });
    cleanup();
  });

  it('refuses a rejected request and a replayed token (another nonce); nothing is sealed', async () => {
    const { env, dataDir, cleanup } = sealEnv();
    await audit(dataDir, 1);
    await withArchive(dataDir, async (a) => {
      const refused = await makeSeal(a, { env: { ...env, ARCHIEFBOT_TSA_URL: `${base}/refuse` } }).catch(
        (e) => e,
      );
      expect(refused).toBeInstanceOf(SealError);
      expect(refused).toMatchObject({
        code: 'tsa-failed',
        message: expect.stringContaining('refused (status 2)'),
      });
      const replayed = await makeSeal(a, { env: { ...env, ARCHIEFBOT_TSA_URL: `${base}/replay` } }).catch(
        (e) => e,
      );
      expect(replayed).toBeInstanceOf(SealError);
      expect(replayed.message).toContain('the time stamp is for other data');
      expect((await verifySeals(a)).ok).toBe(true);
    });
    expect(existsSync(sealLog(dataDir))).toBe(false);
    expect(existsSync(path.join(dataDir, 'seal-public-key.pem'))).toBe(false);
    const nl = await cli({ ...env, ARCHIEFBOT_LANGUAGE: 'nl', ARCHIEFBOT_TSA_URL: `${base}/refuse` }, 'seal');
    expect(nl.code).toBe(1);
    expect(nl.stderr).toContain(`De tijdstempeldienst ${base}/refuse gaf geen geldig tijdstempel`);
    cleanup();
  });
});

describe('the seal in serve: every hour and after each backfill', () => {
  it('seals when the audit head moved, hourly and when a backfill ends', async () => {
    const { env, dataDir, cleanup } = sealEnv();
    await audit(dataDir, 1);
    const config = loadConfig(env);
    const log = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };
    const count = () => (existsSync(sealLog(dataDir)) ? sealLines(dataDir).length : 0);
    await withArchive(dataDir, async (a) => {
      // Hourly (here every 30 ms): one seal, none more while nothing happens.
      let stop = startSealing(a, config, log as unknown as Logger, { env, everyMs: 30, pollMs: 10_000 });
      await vi.waitFor(() => expect(count()).toBe(1), { timeout: 10_000 });
      await vi.waitFor(() =>
        expect(log.warn).toHaveBeenCalledWith(
          expect.objectContaining({ keyFile: path.join(env.XDG_CONFIG_HOME!, 'archiefbot', 'seal-key.pem') }),
          expect.stringContaining('A new seal key was made'),
        ),
      );
      await new Promise((r) => setTimeout(r, 150));
      expect(count()).toBe(1);
      await a.db.transaction(() => appendAudit(a.db, { actor: 'tester', action: 'more' }));
      await vi.waitFor(() => expect(count()).toBe(2), { timeout: 10_000 });
      await stop();

      // A backfill that ends (seen in the backfill table) is sealed without waiting for the hour.
      stop = startSealing(a, config, log as unknown as Logger, { env, everyMs: 3_600_000, pollMs: 20 });
      // Let the sealer take its first look at the backfill table (on a loaded machine it may take a while).
      await new Promise((r) => setTimeout(r, 400));
      const now = new Date().toISOString();
      await a.db.transaction(async () => {
        await a.db.run(
          `INSERT INTO backfill (platform, account, url, status, started_at, updated_at) VALUES ('mastodon', 'x', 'https://example.org/@x', 'done', ?, ?)`,
          [now, now],
        );
        await appendAudit(a.db, { actor: 'tester', action: 'backfill.done' });
      });
      await vi.waitFor(() => expect(count()).toBe(3), { timeout: 10_000 });
      await stop();
      expect(log.error).not.toHaveBeenCalled();
      expect((await verifySeals(a)).ok).toBe(true);
    });
    cleanup();
  });
});
