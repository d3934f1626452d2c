import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { isMap, isSeq, LineCounter, parseDocument, type Node as YamlNode } from 'yaml';
import { z } from 'zod';
import { ENV_KEYS, finishConfig, setPath } from './config-env.ts';
import { PLATFORMS } from './domain/types.ts';
import { PACKAGE_ROOT } from './version.ts';

const boolish = z
  .union([z.boolean(), z.enum(['true', 'false', '1', '0', 'yes', 'no'])])
  .transform((v) => (typeof v === 'boolean' ? v : ['true', '1', 'yes'].includes(v)));
const int = (min: number) => z.coerce.number().int().min(min);

const schema = z.strictObject({
  dataDir: z.string().min(1),
  http: z.strictObject({
    userAgent: z.string().min(1),
    timeoutMs: int(100),
    retries: int(0).max(20),
    backoffMs: int(0),
    maxWaitMs: int(0),
    maxBodyBytes: int(1024),
    maxMediaBytes: int(1024),
    maxRedirects: int(0).max(20),
    allowPrivateNetworks: boolish,
    allowHosts: z.array(z.string().min(1)),
  }),
  warc: z.strictObject({ rotateBytes: int(1024), operator: z.string() }),
  bluesky: z.strictObject({
    appviewUrl: z.url({ protocol: /^https?$/ }),
    /** The PLC directory that holds did:plc documents (where an account's PDS, and its original blobs, are). */
    plcUrl: z.url({ protocol: /^https?$/ }).default('https://plc.directory'),
  }),
  /** Meta's Graph API (Facebook Pages, Instagram), with its version in the path. */
  meta: z.strictObject({ graphApiUrl: z.url({ protocol: /^https?$/ }) }),
  youtube: z.strictObject({
    apiUrl: z.url({ protocol: /^https?$/ }),
    /** YOUTUBE_API_KEY: a Google Cloud API key with the YouTube Data API v3 enabled (environment only). */
    apiKey: z.string().default(''),
    /** Quota units a day (Google's default per project: 10,000; list calls cost 1, search 100). */
    dailyQuota: int(1),
  }),
  x: z.strictObject({
    apiUrl: z.url({ protocol: /^https?$/ }),
    /** X_BEARER_TOKEN: the app-only bearer token of an X developer app (environment only). */
    bearerToken: z.string().default(''),
    /** USD per post read (pay-per-use price, docs.x.com/x-api/getting-started/pricing). */
    costPerPost: z.coerce.number().min(0),
    /** USD per user read. */
    costPerUser: z.coerce.number().min(0),
    /** USD a calendar month (UTC); reads stop when it is spent. */
    monthlyBudget: z.coerce.number().min(0),
  }),
  /** Threads API (owner tokens per account through tokenEnv in config/accounts.yaml), version in the path. */
  threads: z.strictObject({ apiUrl: z.url({ protocol: /^https?$/ }) }),
  /** LinkedIn Community Management API (owner tokens per organisation through tokenEnv). */
  linkedin: z.strictObject({
    apiUrl: z.url({ protocol: /^https?$/ }),
    /** The `LinkedIn-Version: YYYYMM` every call sends (LinkedIn sunsets a version after about a year). */
    version: z.string().regex(/^20\d{4}$/, 'expected a LinkedIn API version as YYYYMM, e.g. 202510'),
  }),
  mastodon: z.strictObject({
    pageSize: int(1).max(40),
    /** `host=token,host2:8080=token2` (MASTODON_TOKENS): a token per Mastodon-API server, sent to that host only. */
    tokens: z
      .string()
      .default('')
      .refine((v) => v.trim() === '' || v.split(',').every((p) => /^\s*[^=\s,/]+=\S+\s*$/.test(p)), {
        message: 'expected host=token pairs separated by commas (a host may include its port)',
      }),
  }),
  capture: z.strictObject({
    idempotencyWindowSeconds: int(0),
    maxReplies: int(0),
    maxPagesPerRun: int(1),
  }),
  /** The browser capture method (headless Chromium, driven with playwright-core). */
  browser: z.strictObject({
    chromium: z.string().min(1),
    pageTimeoutMs: int(1000),
    idleTimeoutMs: int(0),
    maxScrolls: int(0),
    maxPageHeight: int(100),
    width: int(320),
    height: int(200),
    acceptCookies: boolish,
    maxImages: int(0),
    changeThreshold: int(0).max(128),
  }),
  redis: z.strictObject({ url: z.string() }),
  monitor: z.strictObject({
    pollIntervalSeconds: int(10),
    tickSeconds: int(1),
    recheckSchedule: z
      .array(z.strictObject({ maxAgeHours: z.number().positive().optional(), everySeconds: int(1) }))
      .min(1)
      .refine((rules) => rules.at(-1)?.maxAgeHours === undefined, 'the last rule must have no maxAgeHours'),
    degradedAfterErrors: int(1),
    errorRetrySeconds: int(1),
    leaseSeconds: int(10),
    /** Share of each platform's request budget left for captures, polls and stream-triggered checks. */
    headroom: z.number().min(0).max(0.95),
    /** Per platform: the requests an hour its API allows us, and the posts one batch look-up takes. */
    budget: z.partialRecord(
      z.enum(PLATFORMS),
      z.strictObject({ requestsPerHour: int(0), batchSize: int(1) }),
    ),
  }),
  /** The knowledge community (issue 18): per chat platform, the channel where open questions and the monthly digest go ("" = none). */
  kb: z.strictObject({
    communityChannel: z.strictObject({
      slack: z.string(),
      teams: z.string(),
      mattermost: z.string(),
    }),
  }),
});

export type Config = z.output<typeof schema>;

export class ConfigError extends Error {}

/** The schema, for the bundled CLI's validated defaults (src/cli/config-snapshot.ts, at build time). */
export const CONFIG_SCHEMA = schema;

/** A YAML file read with its line numbers, so every problem names file, line and key. */
export interface YamlFile {
  file: string;
  data: unknown;
  /** `file:line` of the value at this key path (the nearest enclosing key that exists). */
  where(path: readonly PropertyKey[]): string;
}

export function readYamlFile(file: string): YamlFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`${file}: cannot read it: ${(err as Error).message}`);
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const bad = doc.errors[0];
  if (bad) {
    const line = bad.linePos?.[0]?.line ?? lines.linePos(bad.pos[0]).line;
    throw new ConfigError(`${file}:${line}: not valid YAML: ${bad.message.split('\n')[0]}`);
  }
  const lineOf = (path: readonly PropertyKey[]): number => {
    for (let n = path.length; n > 0; n--) {
      const parent = n > 1 ? doc.getIn(path.slice(0, n - 1) as unknown[], true) : doc.contents;
      if (isMap(parent)) {
        const pair = parent.items.find((p) => (p.key as { value?: unknown })?.value === path[n - 1]);
        const range = (pair?.key as YamlNode | undefined)?.range;
        if (range) return lines.linePos(range[0]).line;
      }
      if (isSeq(parent)) {
        const item = parent.items[Number(path[n - 1])] as YamlNode | undefined;
        if (item?.range) return lines.linePos(item.range[0]).line;
      }
    }
    return 1;
  };
  return { file, data: doc.toJS() ?? {}, where: (path) => `${file}:${lineOf(path)}` };
}

/**
 * Validates a YAML file against a zod schema; the first problem becomes one ConfigError line:
 * `file:line: key: what is wrong`.
 */
export function parseYamlFile<S extends z.ZodType>(file: string, schema: S): z.output<S> {
  const y = readYamlFile(file);
  const parsed = schema.safeParse(y.data);
  if (!parsed.success) throw new ConfigError(describeIssue(y, parsed.error.issues[0]!));
  return parsed.data;
}

function describeIssue(y: YamlFile, issue: z.core.$ZodIssue): string {
  const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
  const path = keys.length ? [...issue.path, keys[0]!] : issue.path;
  const key = path.join('.') || '(top level)';
  const message = keys.length ? `unknown key (${keys.join(', ')})` : issue.message;
  return `${y.where(path)}: ${key}: ${message}`;
}

function readYaml(file: string): Record<string, unknown> {
  const data = readYamlFile(file).data;
  if (!isObject(data)) throw new ConfigError(`${file}:1: the file must hold keys and values`);
  return data;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function merge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = isObject(b) && isObject(v) ? merge(b, v) : v;
  }
  return out;
}

/**
 * Loads config/default.yaml, then the file named by ARCHIEFBOT_CONFIG, then the environment.
 * A bad value is reported with the key (and the environment variable) that holds it.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  let raw = readYaml(path.join(PACKAGE_ROOT, 'config', 'default.yaml'));
  if (env.ARCHIEFBOT_CONFIG) raw = merge(raw, readYaml(env.ARCHIEFBOT_CONFIG));
  const fromEnv: Record<string, string> = {};
  for (const [name, key] of Object.entries(ENV_KEYS)) {
    const value = env[name];
    if (value !== undefined && value !== '') {
      setPath(raw, key, value);
      fromEnv[key] = name;
    }
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = issue.path.join('.') || '(top level)';
    if (fromEnv[key]) throw new ConfigError(`${fromEnv[key]} (${key}): ${issue.message}`);
    // Say where the bad value is: the override file when it sets that key, else the defaults.
    const files = [env.ARCHIEFBOT_CONFIG, path.join(PACKAGE_ROOT, 'config', 'default.yaml')];
    for (const file of files) {
      if (!file) continue;
      const y = readYamlFile(file);
      const has = issue.path.reduce<unknown>((o, k) => (isObject(o) ? o[k as string] : undefined), y.data);
      if (has !== undefined || file === files[1]) throw new ConfigError(describeIssue(y, issue));
    }
  }
  return finishConfig(parsed.data!);
}

/**
 * The folder of the operator's own configuration files (roles.yaml, accounts.yaml): the checkout's
 * `config/` unless ARCHIEFBOT_CONFIG_DIR names another (the tests point it at an empty folder).
 */
export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.ARCHIEFBOT_CONFIG_DIR ?? process.env.ARCHIEFBOT_CONFIG_DIR ?? path.join(PACKAGE_ROOT, 'config');
}

/** An account of config/accounts.yaml that names the environment variable holding its own token. */
export interface AccountToken {
  /** As written in the file (a URL, `@user@host`, a handle). */
  account: string;
  tokenEnv: string;
  /** The variable's value; null when it is not set. */
  token: string | null;
}

/**
 * The `tokenEnv` entries of config/accounts.yaml (or ARCHIEFBOT_ACCOUNTS), for the connectors whose
 * platform reads an owner's account with the owner's token (Facebook Pages, Instagram, Threads,
 * LinkedIn, a Mastodon server behind a login). Lenient: the monitor validates the file with line
 * numbers when it loads it (src/monitor/watch.ts); here a missing or unreadable file gives none.
 */
export function accountTokens(env: NodeJS.ProcessEnv = process.env): AccountToken[] {
  const file = env.ARCHIEFBOT_ACCOUNTS ?? path.join(configDir(env), 'accounts.yaml');
  return tokenEntries(file).map((a) => ({ ...a, token: env[a.tokenEnv] || null }));
}

/**
 * The (account, tokenEnv) pairs of one accounts file, parsed once per version of the file: the
 * connectors ask for tokens on every request and check, and the file changes only when the operator
 * edits it (its modification time and size say so). The tokens themselves are read from the
 * environment at each call.
 */
const tokenFiles = new Map<string, { stamp: string; entries: Array<Omit<AccountToken, 'token'>> }>();

function tokenEntries(file: string): Array<Omit<AccountToken, 'token'>> {
  let stamp: string;
  try {
    const st = statSync(file);
    stamp = `${st.mtimeMs}:${st.size}`;
  } catch {
    return [];
  }
  const cached = tokenFiles.get(file);
  if (cached?.stamp === stamp) return cached.entries;
  let data: unknown;
  try {
    data = readYamlFile(file).data;
  } catch {
    return [];
  }
  const list = (data as { accounts?: unknown })?.accounts;
  const entries: Array<Omit<AccountToken, 'token'>> = [];
  for (const a of Array.isArray(list) ? (list as Array<{ account?: unknown; tokenEnv?: unknown }>) : []) {
    if (typeof a?.account !== 'string' || typeof a.tokenEnv !== 'string') continue;
    entries.push({ account: a.account, tokenEnv: a.tokenEnv });
  }
  tokenFiles.set(file, { stamp, entries });
  return entries;
}
