import { writeFileSync } from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { loadConfig } from '../../src/config.ts';
import { type Running, serve } from '../../src/serve.ts';
import { FakeMastodon } from '../fakes/mastodon.ts';
import { testEnv } from './cli.ts';
import { startRedis } from './redis.ts';

export interface Harness {
  running: Running;
  env: NodeJS.ProcessEnv;
  dataDir: string;
  mastodon: FakeMastodon;
  /** A public post on the fake Mastodon, ready to capture. */
  post: { id: string; url: string };
  close(): Promise<void>;
}

/** Roles for the scripted conversations: `admin-user` is an archivist+expert everywhere, everyone else a viewer. */
export const TEST_ROLES = `defaultRole: viewer
users:
  - { platform: slack, user: U_ADMIN, roles: [admin] }
  - { platform: teams, user: 29:admin-user, roles: [admin] }
  - { platform: mattermost, user: adminuserid0000000000000000, roles: [admin] }
  - { platform: shell, user: "*", roles: [admin] }
`;

/**
 * `archiefbot serve` for a test: its own redis-server, data dir, a Mastodon fake with one post, the
 * platform settings in `extraEnv` (pointing at the platform's fake), port 0, no terminal chat.
 */
export async function startHarness(
  extraEnv: Record<string, string>,
  opts: {
    shell?: 'on' | 'off';
    streamFromMastodon?: boolean;
    accountsYaml?: (mastodonUrl: string) => string;
  } = {},
): Promise<Harness> {
  const redis = await startRedis();
  const mastodon = await FakeMastodon.start();
  mastodon.addAccount({ username: 'minbzk', displayName: 'Ministerie van BZK' });
  const post = mastodon.addStatus({
    username: 'minbzk',
    content: '<p>Het kabinet publiceert de Woo-jaarrapportage.</p>',
  });
  const t = testEnv();
  const rolesFile = path.join(t.dataDir, 'roles.yaml');
  writeFileSync(rolesFile, TEST_ROLES);
  const env: NodeJS.ProcessEnv = { ...t.env, REDIS_URL: redis.url, ARCHIEFBOT_ROLES: rolesFile, ...extraEnv };
  if (opts.accountsYaml) {
    env.ARCHIEFBOT_ACCOUNTS = path.join(t.dataDir, 'accounts.yaml');
    writeFileSync(env.ARCHIEFBOT_ACCOUNTS, opts.accountsYaml(mastodon.url));
  }
  if (opts.streamFromMastodon) {
    // The monitor follows the Mastodon fake's user stream (any token is accepted there).
    env.MASTODON_STREAM_URL = mastodon.url;
    env.MASTODON_STREAM_TOKEN = 'stream-test-token';
  }
  const running = await serve(loadConfig(env), {
    env,
    log: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    worker: true,
    shell: opts.shell ?? 'off',
    port: 0,
  });
  return {
    running,
    env,
    dataDir: t.dataDir,
    mastodon,
    post,
    close: async () => {
      await running.stop();
      await mastodon.close();
      await redis.stop();
      t.cleanup();
    },
  };
}

/** What a scripted conversation needs from each platform: say something, get the bot's plain-text answers. */
export interface ChatDriver {
  /**
   * Sends `text` as `user` (default: a viewer) the way the platform delivers a message, and returns the
   * plain text of every answer the bot gave to it, in order. With `until`, waits (up to 15 s) until an
   * answer matches it (asynchronous answers such as a finished capture).
   */
  say(text: string, opts?: { user?: 'admin' | 'viewer'; until?: RegExp }): Promise<string[]>;
  close(): Promise<void>;
}
