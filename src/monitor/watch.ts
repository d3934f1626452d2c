import { existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { setAccountToken } from '../capture/connectors/mastodon/hosts.ts';
import type { BackfillOutcome, CaptureOptions, CapturePipeline } from '../capture/pipeline.ts';
import { ConfigError, configDir, parseYamlFile, readYamlFile } from '../config.ts';
import { UsageError } from '../domain/errors.ts';
import { ACCOUNT_ROLES, type AccountRole } from '../domain/types.ts';
import { appendAudit } from '../store/audit.ts';
import { deactivateWatch, setAccountProfile, upsertWatch, type WatchRow } from '../store/monitor.ts';

/**
 * The account URL a person means: an account URL as it is, `@user@instance` (Mastodon), or a
 * Bluesky handle or DID (`minbzk.bsky.social`, `@minbzk.bsky.social`, `did:plc:…`).
 */
export function accountUrl(input: string): string {
  const text = input.trim().replace(/^<|>$/g, '');
  if (/^https?:\/\//i.test(text)) return text;
  const mastodon = /^@?([\w.-]+)@([\w-]+(?:\.[\w-]+)+(?::\d+)?)$/i.exec(text);
  if (mastodon) return `https://${mastodon[2]}/@${mastodon[1]}`;
  const bsky = /^@?((?:[a-z0-9-]+\.)+[a-z]{2,}|did:[a-z]+:[\w.:%-]+)$/i.exec(text);
  if (bsky) return `https://bsky.app/profile/${bsky[1]}`;
  throw new UsageError(
    `"${input}" is not an account: give its URL (https://social.overheid.nl/@minbzk), @user@instance, or a Bluesky handle`,
  );
}

export interface WatchOptions {
  intervalSeconds: number;
  organisation?: string | null;
  role?: AccountRole;
  by: string | null;
  source: 'command' | 'config';
  capture?: CaptureOptions;
}

/** Watches an account: backfills it once (resumable), then records the watch the monitor polls. */
export async function watchAccount(
  pipeline: CapturePipeline,
  input: string,
  opts: WatchOptions,
): Promise<{ watch: WatchRow; created: boolean; backfill: BackfillOutcome }> {
  const url = accountUrl(input);
  const target = pipeline.resolve(url).target;
  if (target.kind !== 'account')
    throw new UsageError(`${url} is a post, not an account: watch the account that posted it`);
  const outcome = await pipeline.capture(
    { url, trigger: 'watch', requestedBy: opts.by, channel: null },
    opts.capture,
  );
  if (outcome.kind !== 'account') throw new UsageError(`${url} is not an account`);
  const db = pipeline.archive.db;
  const result = await db.transaction(async () => {
    const account = await db.get<{ id: number }>('SELECT id FROM account WHERE platform = ? AND handle = ?', [
      outcome.account.platform,
      outcome.account.handle,
    ]);
    if (!account) throw new Error(`the backfill of ${url} left no account row`);
    if (opts.organisation !== undefined || opts.role) {
      await setAccountProfile(db, account.id, opts.organisation ?? null, opts.role ?? 'other');
    }
    const { id, created } = await upsertWatch(db, {
      accountId: account.id,
      url,
      intervalSeconds: opts.intervalSeconds,
      source: opts.source,
      by: opts.by,
    });
    await db.run('UPDATE watch SET backfilled_at = ? WHERE id = ? AND ?', [
      new Date().toISOString(),
      id,
      outcome.complete ? 1 : 0,
    ]);
    await appendAudit(db, {
      actor: opts.by,
      action: 'watch.start',
      subject: url,
      detail: {
        account: outcome.account.handle,
        platform: outcome.account.platform,
        interval: opts.intervalSeconds,
        source: opts.source,
      },
    });
    const watch = await db.get<WatchRow>(
      `SELECT w.*, a.platform, a.handle, a.organisation, a.role FROM watch w JOIN account a ON a.id = w.account_id WHERE w.id = ?`,
      [id],
    );
    return { watch: watch!, created };
  });
  if (opts.organisation !== undefined || opts.role) await pipeline.reappraiseAccount(result.watch.account_id);
  return { ...result, backfill: outcome };
}

/** Stops watching; what was archived stays (nothing is deleted by a command). */
export async function unwatchAccount(
  pipeline: CapturePipeline,
  input: string,
  by: string | null,
): Promise<string | null> {
  const url = accountUrl(input);
  const db = pipeline.archive.db;
  return db.transaction(async () => {
    const row = await db.get<{ account_id: number; handle: string }>(
      `SELECT w.account_id, a.handle FROM watch w JOIN account a ON a.id = w.account_id
       WHERE w.url = ? OR a.url = ? OR a.handle = ? OR a.handle = ?`,
      [url, url, input.trim().replace(/^@/, ''), url.replace(/^https?:\/\/([^/]+)\/@([^/]+)$/, '$2@$1')],
    );
    if (!row || !(await deactivateWatch(db, row.account_id))) return null;
    await appendAudit(db, { actor: by, action: 'watch.stop', subject: url, detail: { account: row.handle } });
    return row.handle;
  });
}

const accountsFile = z.strictObject({
  accounts: z
    .array(
      z.strictObject({
        account: z.string().min(1),
        organisation: z.string().optional(),
        role: z.enum(ACCOUNT_ROLES).default('corporate'),
        everySeconds: z.number().int().min(10).optional(),
        /** The environment variable holding this account's token (a server that shows its posts only after login). */
        tokenEnv: z
          .string()
          .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'the name of an environment variable')
          .optional(),
      }),
    )
    .default([]),
});

export type AccountsFile = z.output<typeof accountsFile>;

/** config/accounts.yaml (or ARCHIEFBOT_ACCOUNTS): the accounts to watch from the start, with their archiefvormer and role. */
export function loadAccountsFile(env: NodeJS.ProcessEnv = process.env): AccountsFile['accounts'] {
  const file = env.ARCHIEFBOT_ACCOUNTS ?? path.join(configDir(env), 'accounts.yaml');
  if (!existsSync(file)) {
    if (env.ARCHIEFBOT_ACCOUNTS)
      throw new ConfigError(`${file}: the accounts file (ARCHIEFBOT_ACCOUNTS) does not exist`);
    return [];
  }
  const parsed = { data: parseYamlFile(file, accountsFile) };
  parsed.data.accounts.forEach((a, i) => {
    let url: string;
    try {
      url = accountUrl(a.account);
    } catch (err) {
      const where = readYamlFile(file).where(['accounts', i, 'account']);
      throw new ConfigError(`${where}: accounts.${i}.account: ${(err as Error).message}`);
    }
    if (a.tokenEnv === undefined) return;
    const token = env[a.tokenEnv];
    if (!token) {
      const where = readYamlFile(file).where(['accounts', i, 'tokenEnv']);
      throw new ConfigError(
        `${where}: accounts.${i}.tokenEnv: the environment variable ${a.tokenEnv} is not set`,
      );
    }
    // Sent with this account's requests only, to its own server (src/capture/connectors/mastodon/hosts.ts).
    setAccountToken(url, token);
  });
  return parsed.data.accounts;
}
