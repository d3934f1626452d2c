/**
 * What the Mastodon connector knows of the servers it reads: whether a host is a Mastodon-API server
 * at all (asked once per host and process with `GET /api/v2/instance`, else `/api/v1/instance`), the
 * software and version it names (recorded per host in SQLite), what it was found to support (batch
 * look-up, edit history; remembered for a day), and the tokens to send it.
 */
import type { Db } from '../../../store/db.ts';
import {
  getInstance,
  type InstanceCapabilities,
  saveCapability,
  saveInstance,
} from '../../../store/instances.ts';
import type { HttpClient } from '../../http.ts';

/** How long a capability found out holds before it is tried again. */
const CAPABILITY_TTL_MS = 86_400_000;
/** How long the answer "is / is not a Mastodon-API server" holds in a process. */
const CONFIRM_TTL_MS = 3_600_000;

/** host (with port) → whether it answered as a Mastodon-API server, and when. Process-wide. */
const confirmed = new Map<string, { api: boolean; at: number }>();

/** Forgets what this process found out about hosts, as a new process starts (for tests). */
export function forgetHosts(): void {
  confirmed.clear();
}

/** False only for a host that answered, and not as a Mastodon-API server (the web connector takes it). */
export function isMastodonApi(host: string, now = Date.now()): boolean | null {
  const c = confirmed.get(host);
  return c && now - c.at < CONFIRM_TTL_MS ? c.api : null;
}

export interface Software {
  software: string;
  version: string | null;
}

const KNOWN = [
  'gotosocial',
  'akkoma',
  'pleroma',
  'hollo',
  'mitra',
  'iceshrimp',
  'sharkey',
  'misskey',
  'friendica',
];

/**
 * The server software and version from an instance answer: Mastodon's own "4.4.0", the forks'
 * "3.5.3 (compatible; Pleroma 2.6.1)" or "0.10.0 (compatible; Hollo 0.6.0)", GoToSocial's
 * "0.17.3+git-…" with its source_url.
 */
export function softwareOf(version: string, sourceUrl: string | null | undefined): Software {
  const compat = /\(compatible;\s*([A-Za-z][\w.-]*)\s+([^)\s]+)[^)]*\)/.exec(version);
  if (compat) return { software: compat[1]!.toLowerCase(), version: compat[2]! };
  const named = KNOWN.find((k) => `${sourceUrl ?? ''} ${version}`.toLowerCase().includes(k));
  if (named) return { software: named, version: version.replace(/^[^\d]*/, '').split(/\s/)[0] || null };
  return { software: 'mastodon', version: version.trim() || null };
}

interface InstanceAnswer {
  version?: unknown;
  source_url?: unknown;
  configuration?: { urls?: { streaming?: unknown } };
  urls?: { streaming_api?: unknown };
}

/** The instance answer if `body` is one (an object with a string `version`). */
function instanceOf(body: Buffer): InstanceAnswer | null {
  try {
    const data = JSON.parse(body.toString('utf8')) as InstanceAnswer | null;
    return data && typeof data === 'object' && typeof data.version === 'string' ? data : null;
  } catch {
    return null;
  }
}

/**
 * Confirms once per host whether `origin` is a Mastodon-API server; records what it runs. A host that
 * cannot be reached stays unknown (its URLs are still tried as Mastodon, which reports the error).
 * The instance answer is not evidence of any post, so it is not written to a WARC.
 */
export async function confirmHost(origin: string, http: HttpClient, db: Db | null): Promise<void> {
  const host = new URL(origin).host;
  if (isMastodonApi(host) !== null) return;
  // Confirmed by an earlier run within the day: not asked again (each CLI command is a process).
  const known = db ? await getInstance(db, host).catch(() => null) : null;
  if (
    known &&
    known.software !== 'unknown' &&
    Date.now() - Date.parse(known.confirmedAt) < CAPABILITY_TTL_MS
  ) {
    confirmed.set(host, { api: true, at: Date.now() });
    return;
  }
  let login = false;
  for (const path of ['/api/v2/instance', '/api/v1/instance']) {
    let res: Awaited<ReturnType<HttpClient['get']>>;
    try {
      res = await http.get(`${origin}${path}`, { accept: 'application/json' }, () => {});
    } catch {
      return;
    }
    const inst = res.status === 200 ? instanceOf(res.body) : null;
    if (inst) {
      confirmed.set(host, { api: true, at: Date.now() });
      const streaming = inst.configuration?.urls?.streaming ?? inst.urls?.streaming_api;
      const sw = softwareOf(
        inst.version as string,
        typeof inst.source_url === 'string' ? inst.source_url : null,
      );
      const row = {
        host,
        ...sw,
        rawVersion: inst.version as string,
        streaming: typeof streaming === 'string',
      };
      if (db) await saveInstance(db, row).catch(() => {});
      return;
    }
    // An instance that hides itself from anonymous callers still answers JSON 401/403 like an API.
    if ((res.status === 401 || res.status === 403) && /json/.test(res.headers.get('content-type') ?? ''))
      login = true;
  }
  confirmed.set(host, { api: login, at: Date.now() });
}

/** A host's capabilities, from memory or the instance table, each with its time-to-live. */
export class HostCapabilities {
  private readonly known = new Map<string, { works: boolean; at: number }>();

  constructor(private readonly db: Db | null) {}

  /** True/false when found out within the time-to-live; null: to be tried. */
  async get(host: string, cap: keyof InstanceCapabilities, now = Date.now()): Promise<boolean | null> {
    const key = `${host} ${cap}`;
    const mem = this.known.get(key);
    if (mem && now - mem.at < CAPABILITY_TTL_MS) return mem.works;
    const row = this.db ? await getInstance(this.db, host).catch(() => null) : null;
    const at = row?.capsCheckedAt ? Date.parse(row.capsCheckedAt) : 0;
    const works = row?.[cap] ?? null;
    if (works === null || now - at >= CAPABILITY_TTL_MS) return null;
    this.known.set(key, { works, at });
    return works;
  }

  async set(host: string, cap: keyof InstanceCapabilities, works: boolean): Promise<void> {
    this.known.set(`${host} ${cap}`, { works, at: Date.now() });
    if (this.db) await saveCapability(this.db, host, cap, works).catch(() => {});
  }
}

/** `host=token,host2:8080=token2` as a map host → token. */
export function parseTokens(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of text.split(',')) {
    const at = part.indexOf('=');
    if (at > 0) out.set(part.slice(0, at).trim().toLowerCase(), part.slice(at + 1).trim());
  }
  return out;
}

/** account URL → its own token (config/accounts.yaml `tokenEnv`), set by the monitor. Process-wide. */
const accountTokens = new Map<string, string>();

/** Gives the account at `accountUrl` its own token (from the variable its `tokenEnv` names). */
export function setAccountToken(accountUrl: string, token: string): void {
  accountTokens.set(accountKey(accountUrl), token);
}

export function accountToken(accountUrl: string | null | undefined): string | null {
  return accountUrl ? (accountTokens.get(accountKey(accountUrl)) ?? null) : null;
}

function accountKey(url: string): string {
  return url.trim().toLowerCase().replace(/\/+$/, '');
}
