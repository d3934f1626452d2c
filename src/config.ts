import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { TOOL_VERSION } from './version.ts';

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
  }),
  warc: z.strictObject({ rotateBytes: int(1024), operator: z.string() }),
  bluesky: z.strictObject({ appviewUrl: z.url({ protocol: /^https?$/ }) }),
  mastodon: z.strictObject({ pageSize: int(1).max(40) }),
  capture: z.strictObject({ idempotencyWindowSeconds: int(0), maxReplies: int(0) }),
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
    spareChecksPerTick: int(0),
  }),
});

export type Config = z.output<typeof schema>;

export class ConfigError extends Error {}

/** Environment variables and the config key each one sets. */
export const ENV_KEYS: Record<string, string> = {
  ARCHIEFBOT_DATA_DIR: 'dataDir',
  ARCHIEFBOT_ALLOW_PRIVATE_NETWORKS: 'http.allowPrivateNetworks',
  ARCHIEFBOT_HTTP_TIMEOUT_MS: 'http.timeoutMs',
  ARCHIEFBOT_HTTP_RETRIES: 'http.retries',
  ARCHIEFBOT_HTTP_BACKOFF_MS: 'http.backoffMs',
  ARCHIEFBOT_HTTP_MAX_WAIT_MS: 'http.maxWaitMs',
  ARCHIEFBOT_WARC_ROTATE_BYTES: 'warc.rotateBytes',
  ARCHIEFBOT_WARC_OPERATOR: 'warc.operator',
  ARCHIEFBOT_BSKY_APPVIEW_URL: 'bluesky.appviewUrl',
  REDIS_URL: 'redis.url',
};

function readYaml(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read config file ${file}: ${(err as Error).message}`);
  }
  try {
    return (parseYaml(text) ?? {}) as Record<string, unknown>;
  } catch (err) {
    throw new ConfigError(`config file ${file} is not valid YAML: ${(err as Error).message}`);
  }
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

function setPath(obj: Record<string, unknown>, dotted: string, value: unknown): void {
  const keys = dotted.split('.');
  let cur = obj;
  for (const k of keys.slice(0, -1)) {
    if (!isObject(cur[k])) cur[k] = {};
    cur = cur[k] as Record<string, unknown>;
  }
  cur[keys.at(-1)!] = value;
}

/**
 * Loads config/default.yaml, then the file named by ARCHIEFBOT_CONFIG, then the environment.
 * A bad value is reported with the key (and the environment variable) that holds it.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  let raw = readYaml(new URL('../config/default.yaml', import.meta.url).pathname);
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
    const problems = parsed.error.issues.map((issue) => {
      const key = issue.path.join('.') || '(top level)';
      const via = fromEnv[key] ? ` (from ${fromEnv[key]})` : '';
      return `${key}${via}: ${issue.message}`;
    });
    throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
  }
  const config = parsed.data;
  config.dataDir = path.resolve(config.dataDir);
  config.http.userAgent = config.http.userAgent.replace('{version}', TOOL_VERSION);
  return config;
}
