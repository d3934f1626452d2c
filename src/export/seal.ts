/**
 * A seal outside the database: the audit head (the newest audit entry's id and hash) signed with an
 * Ed25519 key kept outside the data directory, optionally time-stamped by an RFC 3161 authority
 * (ARCHIEFBOT_TSA_URL), appended to seals.jsonl. Whoever holds only the public key can check that
 * the newest seal is genuine and that the archive's audit chain still holds what was sealed, so a
 * rewrite of the database (chain recomputed and all) shows, unless the seal key was taken too.
 */
import { type KeyObject, sign, verify } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import { t } from '../domain/i18n.ts';
import type { Archive } from '../store/archive.ts';
import { auditHead, verifyAuditChain } from '../store/audit.ts';
import type { Db } from '../store/db.ts';
import { TOOL_VERSION } from '../version.ts';
import { fingerprint, loadSealKey, PUBLIC_KEY_FILE, publishPublicKey, readPublicKey } from './seal/keys.ts';
import {
  appendSealLine,
  FIRST_PREV,
  imprintOf,
  lineHash,
  readSealLines,
  type Seal,
  sealLogFile,
  sealSchema,
  signedBytes,
} from './seal/log.ts';
import { checkToken, requestTimeStamp } from './seal/tsp.ts';

export type { Seal } from './seal/log.ts';

/** Sealing could not be done (nothing to seal, the TSA failed); `key` names the sentence a user reads. */
export class SealError extends Error {
  override name = 'SealError';
  constructor(
    readonly code: 'nothing-to-seal' | 'tsa-failed',
    message: string,
    readonly key: string,
    readonly vars: Record<string, string> = {},
  ) {
    super(message);
  }
}

export interface SealOptions {
  /** Where ARCHIEFBOT_SEAL_KEY, ARCHIEFBOT_TSA_URL (and HOME, XDG_CONFIG_HOME) are read; process.env by default. */
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  userAgent?: string;
}

export interface SealMade {
  seal: Seal;
  logFile: string;
  keyFile: string;
  /** The key was made by this call: say where it is and that it must be kept safe. */
  keyGenerated: boolean;
  publicKeyFile: string;
  publicKey: string;
  fingerprint: string;
}

function parseSeal(line: string | undefined): Seal | null {
  if (line === undefined) return null;
  try {
    const parsed = sealSchema.safeParse(JSON.parse(line));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

async function timeStamp(
  url: string,
  signature: string,
  opts: SealOptions,
): Promise<NonNullable<Seal['tsa']>> {
  try {
    const { token, info } = await requestTimeStamp(url, imprintOf(signature), {
      timeoutMs: opts.timeoutMs ?? 30_000,
      userAgent: opts.userAgent ?? `archiefbot/${TOOL_VERSION}`,
    });
    return { url, token: token.toString('base64'), time: info.time };
  } catch (err) {
    const reason = (err as Error).message;
    throw new SealError(
      'tsa-failed',
      `the time-stamping authority ${url} gave no valid time stamp: ${reason}`,
      'seal.tsa-failed',
      {
        url,
        reason,
      },
    );
  }
}

/**
 * Seals the audit head now: signs it, has it time-stamped when ARCHIEFBOT_TSA_URL is set, and
 * appends the seal to seals.jsonl (fsynced). The database's write lock serialises appends across
 * processes; when another process sealed in between, this one signs again over the new last line.
 */
export async function makeSeal(archive: Archive, opts: SealOptions = {}): Promise<SealMade> {
  const env = opts.env ?? process.env;
  if (!(await auditHead(archive.db)))
    throw new SealError(
      'nothing-to-seal',
      'the audit log is empty: nothing to seal yet',
      'seal.nothing-to-seal',
    );
  const key = loadSealKey(archive.dataDir, env);
  const tsaUrl = env.ARCHIEFBOT_TSA_URL?.trim() || undefined;
  for (let attempt = 1; ; attempt++) {
    const head = (await auditHead(archive.db))!;
    const lines = await readSealLines(archive.dataDir);
    const last = lines.at(-1);
    const body = {
      v: 1 as const,
      seq: lines.length + 1,
      auditId: head.id,
      auditHash: head.hash,
      at: new Date().toISOString(),
      prev: last === undefined ? FIRST_PREV : lineHash(last),
      key: key.fingerprint,
    };
    const signature = sign(null, signedBytes(body), key.privateKey).toString('base64');
    const seal: Seal = {
      ...body,
      signature,
      ...(tsaUrl ? { tsa: await timeStamp(tsaUrl, signature, opts) } : {}),
    };
    const appended = await archive.db.transaction(async () => {
      const now = await readSealLines(archive.dataDir);
      if (now.length !== lines.length || now.at(-1) !== last) return false;
      // The public key first, so a seal in the log always has its key beside it.
      publishPublicKey(archive.dataDir, key);
      await appendSealLine(archive.dataDir, JSON.stringify(seal));
      return true;
    });
    if (appended) {
      return {
        seal,
        logFile: sealLogFile(archive.dataDir),
        keyFile: key.file,
        keyGenerated: key.generated,
        publicKeyFile: path.join(archive.dataDir, PUBLIC_KEY_FILE),
        publicKey: key.publicPem,
        fingerprint: key.fingerprint,
      };
    }
    if (attempt >= 3) throw new Error('the seal log keeps changing while sealing; try again');
  }
}

export interface SealReport {
  ok: boolean;
  /** Lines in the seal log. */
  seals: number;
  newest: { seq: number; auditId: number; auditHash: string; at: string; timeStamp: string | null } | null;
  /** Audit entries after the newest seal (not sealed yet). */
  unsealed: number;
  /** The public key the seals were checked with: given by the caller, or the archive's seal-public-key.pem. */
  key: { fingerprint: string; source: 'given' | 'archive' } | null;
  problems: string[];
}

/** The caller's key (a UsageError when it is not an Ed25519 public key), else the archive's, else none. */
function publicKeyFor(
  dataDir: string,
  given: string | KeyObject | undefined,
  problems: string[],
): { key: KeyObject; fingerprint: string; source: 'given' | 'archive' } | null {
  if (given !== undefined) {
    const key = typeof given === 'string' ? readPublicKey(given, 'the public key given') : given;
    return { key, fingerprint: fingerprint(key), source: 'given' };
  }
  const file = path.join(dataDir, PUBLIC_KEY_FILE);
  if (!existsSync(file)) return null;
  try {
    const key = readPublicKey(readFileSync(file, 'utf8'), file);
    return { key, fingerprint: fingerprint(key), source: 'archive' };
  } catch (err) {
    problems.push((err as Error).message);
    return null;
  }
}

function checkTimeStamp(s: Seal): string[] {
  if (!s.tsa) return [];
  const checked = checkToken(Buffer.from(s.tsa.token, 'base64'), imprintOf(s.signature));
  const problems = checked.problems;
  if (checked.info && checked.info.time !== s.tsa.time)
    problems.push(`its time stamp says ${checked.info.time}, the log says ${s.tsa.time}`);
  return problems;
}

/** Each line's link to the one before, its signature (when made with this key) and its time stamp. */
function checkLog(lines: string[], key: { key: KeyObject; fingerprint: string } | null) {
  const problems: string[] = [];
  const seals: Seal[] = [];
  let prev = FIRST_PREV;
  for (const [i, line] of lines.entries()) {
    const where = `seal log line ${i + 1}`;
    const s = parseSeal(line);
    const linked = s?.prev === prev;
    prev = lineHash(line);
    if (!s) {
      problems.push(`${where} is not a seal (altered)`);
      continue;
    }
    if (!linked)
      problems.push(`${where} does not link to the line before it (a seal was changed, removed or inserted)`);
    const earlier = seals.at(-1);
    if (earlier && s.auditId < earlier.auditId)
      problems.push(`${where} seals an older audit entry than the line before it`);
    if (
      key &&
      s.key === key.fingerprint &&
      !verify(null, signedBytes(s), key.key, Buffer.from(s.signature, 'base64'))
    )
      problems.push(`${where}: its signature does not hold (the seal was altered)`);
    problems.push(...checkTimeStamp(s).map((p) => `${where}: ${p}`));
    seals.push(s);
  }
  const newest = parseSeal(lines.at(-1));
  if (newest && key && newest.key !== key.fingerprint)
    problems.push(
      `the newest seal was made with key ${newest.key.slice(0, 16)}…, not with the public key it is checked with (${key.fingerprint.slice(0, 16)}…)`,
    );
  return { seals, newest, problems };
}

/** Every sealed audit entry is still there with the hash it had, and the chain after the newest seal links. */
async function checkAudit(
  db: Db,
  seals: Seal[],
  newest: Seal,
): Promise<{ problems: string[]; unsealed: number }> {
  const problems: string[] = [];
  const ids = JSON.stringify([...new Set(seals.map((s) => s.auditId))]);
  const rows = await db.all<{ id: number; hash: string }>(
    'SELECT id, hash FROM audit WHERE id IN (SELECT value FROM json_each(?))',
    [ids],
  );
  const now = new Map(rows.map((r) => [r.id, r.hash]));
  for (const s of seals) {
    const hash = now.get(s.auditId);
    if (hash === undefined)
      problems.push(`seal ${s.seq}: audit entry ${s.auditId} is no longer in the archive`);
    else if (hash !== s.auditHash)
      problems.push(
        `seal ${s.seq}: audit entry ${s.auditId} has changed since it was sealed (hash ${s.auditHash.slice(0, 16)}… then, ${hash.slice(0, 16)}… now)`,
      );
  }
  const tail = await db.all<{ id: number; prev_hash: string; hash: string }>(
    'SELECT id, prev_hash, hash FROM audit WHERE id >= ? ORDER BY id',
    [newest.auditId],
  );
  for (let i = 1; i < tail.length; i++) {
    if (tail[i]!.prev_hash === tail[i - 1]!.hash) continue;
    problems.push(
      `the audit chain no longer extends the newest seal: entry ${tail[i]!.id} does not link to the one before it`,
    );
    break;
  }
  return { problems, unsealed: Math.max(0, tail.length - 1) };
}

/**
 * Checks the seal log with the public key alone (`publicKey`, PEM text or a key; by default the
 * archive's seal-public-key.pem): every line links to the one before, the signatures made with that
 * key hold (the newest must be one of them), each time stamp is over its seal, and the database's
 * audit chain still holds every sealed entry with its sealed hash and extends the newest.
 * `auditChain: false` leaves out the recomputation of the whole chain (when the caller does it).
 */
export async function verifySeals(
  archive: Archive,
  opts: { publicKey?: string | KeyObject; auditChain?: boolean } = {},
): Promise<SealReport> {
  const problems: string[] = [];
  const key = publicKeyFor(archive.dataDir, opts.publicKey, problems);
  const lines = await readSealLines(archive.dataDir);
  if (lines.length === 0 && key)
    problems.push(
      `the seal log ${sealLogFile(archive.dataDir)} is missing or empty, but the archive has a seal key`,
    );
  if (lines.length > 0 && !key && problems.length === 0)
    problems.push(`there is no public key to check the seals with (${PUBLIC_KEY_FILE} is missing)`);
  const log = checkLog(lines, key);
  problems.push(...log.problems);
  let unsealed = 0;
  const last = log.seals.at(-1);
  if (last) {
    const audit = await checkAudit(archive.db, log.seals, last);
    problems.push(...audit.problems);
    unsealed = audit.unsealed;
  }
  if (opts.auditChain !== false) problems.push(...(await verifyAuditChain(archive.db)).problems);
  const n = log.newest;
  return {
    ok: problems.length === 0,
    seals: lines.length,
    newest: n
      ? { seq: n.seq, auditId: n.auditId, auditHash: n.auditHash, at: n.at, timeStamp: n.tsa?.time ?? null }
      : null,
    unsealed,
    key: key ? { fingerprint: key.fingerprint, source: key.source } : null,
    problems,
  };
}

/** Seals when the audit head moved since the newest seal; says so in the log, never throws. */
async function sealIfMoved(
  archive: Archive,
  config: Config,
  log: Logger,
  env: NodeJS.ProcessEnv,
  why: string,
) {
  try {
    const head = await auditHead(archive.db);
    const newest = parseSeal((await readSealLines(archive.dataDir)).at(-1));
    if (!head || (newest?.auditId === head.id && newest.auditHash === head.hash)) return;
    const made = await makeSeal(archive, {
      env,
      timeoutMs: config.http.timeoutMs,
      userAgent: config.http.userAgent,
    });
    if (made.keyGenerated)
      log.warn(
        { keyFile: made.keyFile, publicKeyFile: made.publicKeyFile },
        t('en', 'seal.key-generated', { file: made.keyFile, publicKeyFile: made.publicKeyFile }),
      );
    const s = made.seal;
    log.info(
      { why, seq: s.seq, auditId: s.auditId, timeStamp: s.tsa?.time ?? null },
      'sealed the audit head',
    );
  } catch (err) {
    log.error({ err, why }, 'sealing failed');
  }
}

/**
 * For `serve`: seals every hour (when the audit head moved) and after each backfill that ended
 * (noticed in the backfill table, so also when another process ran it). Returns the stop function,
 * which waits for a seal in progress.
 */
export function startSealing(
  archive: Archive,
  config: Config,
  log: Logger,
  opts: { env?: NodeJS.ProcessEnv; everyMs?: number; pollMs?: number } = {},
): () => Promise<void> {
  const env = opts.env ?? process.env;
  let running: Promise<void> = Promise.resolve();
  const seal = (why: string) => {
    running = running.then(() => sealIfMoved(archive, config, log, env, why));
    return running;
  };
  let lastBackfill: string | null | undefined;
  const checkBackfills = async () => {
    const row = await archive.db.get<{ at: string | null }>(
      "SELECT max(updated_at) AS at FROM backfill WHERE status != 'running'",
    );
    const at = row?.at ?? null;
    if (lastBackfill !== undefined && at !== null && at !== lastBackfill) await seal('backfill');
    lastBackfill = at;
  };
  let polling: Promise<void> = Promise.resolve();
  const poll = () => {
    polling = polling
      .then(checkBackfills)
      .catch((err) => log.error({ err }, 'sealing: cannot read backfills'));
  };
  poll();
  const hourly = setInterval(() => void seal('hourly'), opts.everyMs ?? 3_600_000);
  const backfills = setInterval(poll, opts.pollMs ?? 30_000);
  hourly.unref();
  backfills.unref();
  return async () => {
    clearInterval(hourly);
    clearInterval(backfills);
    await polling;
    await running;
  };
}
