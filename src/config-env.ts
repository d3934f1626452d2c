/**
 * What loadConfig (src/config.ts) and the bundled CLI's validated defaults (src/cli/config-fast.ts) share,
 * without zod or YAML (so the fast path stays light): which environment variable sets which key, how a
 * key is set, and the touches a validated configuration gets last.
 */
import path from 'node:path';
import { TOOL_VERSION } from './version.ts';

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
  ARCHIEFBOT_PLC_URL: 'bluesky.plcUrl',
  ARCHIEFBOT_GRAPH_API_URL: 'meta.graphApiUrl',
  ARCHIEFBOT_YOUTUBE_API_URL: 'youtube.apiUrl',
  YOUTUBE_API_KEY: 'youtube.apiKey',
  ARCHIEFBOT_YOUTUBE_DAILY_QUOTA: 'youtube.dailyQuota',
  ARCHIEFBOT_X_API_URL: 'x.apiUrl',
  X_BEARER_TOKEN: 'x.bearerToken',
  ARCHIEFBOT_X_MONTHLY_BUDGET: 'x.monthlyBudget',
  ARCHIEFBOT_X_COST_PER_POST: 'x.costPerPost',
  ARCHIEFBOT_THREADS_API_URL: 'threads.apiUrl',
  ARCHIEFBOT_LINKEDIN_API_URL: 'linkedin.apiUrl',
  ARCHIEFBOT_LINKEDIN_VERSION: 'linkedin.version',
  ARCHIEFBOT_CHROMIUM: 'browser.chromium',
  REDIS_URL: 'redis.url',
  MASTODON_TOKENS: 'mastodon.tokens',
  ARCHIEFBOT_KB_COMMUNITY_SLACK: 'kb.communityChannel.slack',
  ARCHIEFBOT_KB_COMMUNITY_TEAMS: 'kb.communityChannel.teams',
  ARCHIEFBOT_KB_COMMUNITY_MATTERMOST: 'kb.communityChannel.mattermost',
};

/** Sets a dotted key (`http.timeoutMs`) in a plain object, making the objects on the way. */
export function setPath(obj: Record<string, unknown>, dotted: string, value: unknown): void {
  const keys = dotted.split('.');
  let cur = obj;
  for (const k of keys.slice(0, -1)) {
    const next = cur[k];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) cur[k] = {};
    cur = cur[k] as Record<string, unknown>;
  }
  cur[keys.at(-1)!] = value;
}

/** The last touches of a validated configuration: an absolute data directory, the version in the user agent. */
export function finishConfig<C extends { dataDir: string; http: { userAgent: string } }>(config: C): C {
  config.dataDir = path.resolve(config.dataDir);
  config.http.userAgent = config.http.userAgent.replace('{version}', TOOL_VERSION);
  return config;
}
