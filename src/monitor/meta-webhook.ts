/**
 * Meta's webhooks for watched Facebook pages and Instagram accounts (docs/reference/platform-apis.md
 * §4.1, §8), at `/webhooks/meta` on serve's port:
 *
 * - `GET` answers Meta's subscription handshake: `hub.mode=subscribe`, `hub.verify_token` equal to
 *   META_VERIFY_TOKEN, and the `hub.challenge` echoed; any other token is 403.
 * - `POST` carries `{object, entry:[{id, time, changes:[{field, value}]}]}` signed with
 *   `X-Hub-Signature-256: sha256=<HMAC-SHA256 of the raw body with META_APP_SECRET>`. The signature is
 *   checked in constant time over the raw bytes; a bad or missing one is 401 and nothing is done.
 *   A good delivery is answered 200 at once (Meta retries anything else) and handled afterwards:
 *   a `feed` change to a post or comment of a watched page becomes an immediate check of what it
 *   names (an edit is captured as a new version and alerted, a removal alerted as a deletion), a new
 *   post an immediate poll of the page; Instagram `comments` make the commented post be checked (its
 *   new comments are captured). Pages and accounts nobody watches are logged and ignored.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import express, { type Router } from 'express';
import type { Logger } from 'pino';
import type { Db } from '../store/db.ts';
import type { Monitor } from './service.ts';

const META_WEBHOOK_PATH = '/webhooks/meta';

/** What the receiver asks of the monitor: checks of archived posts, and a poll of a watched account. */
interface MetaWebhookTarget {
  checkNow(postIds: number[], reason: string): Promise<void>;
  pollNow(watchId: number): Promise<void>;
}

interface MetaWebhookOptions {
  appSecret: string;
  verifyToken: string;
  db: Db;
  monitor: MetaWebhookTarget;
  log?: Logger;
}

/** Whether serve should mount the receiver: both secrets are set. */
function metaWebhookConfigured(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.META_APP_SECRET && env.META_VERIFY_TOKEN);
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** `sha256=<hex>` over the raw body, compared in constant time. */
export function validSignature(raw: Buffer, header: string | undefined, secret: string): boolean {
  const m = /^sha256=([0-9a-f]{64})$/i.exec(header?.trim() ?? '');
  if (!m) return false;
  const expected = createHmac('sha256', secret).update(raw).digest();
  return timingSafeEqual(Buffer.from(m[1]!.toLowerCase(), 'hex'), expected);
}

interface Change {
  field?: string;
  value?: {
    item?: string;
    verb?: string;
    post_id?: string;
    comment_id?: string;
    parent_id?: string;
    photo_id?: string;
    video_id?: string;
    id?: string;
    media?: { id?: string };
  };
}
interface Delivery {
  object?: string;
  entry?: { id?: string; changes?: Change[] }[];
}

/** Verbs that change or remove something already archived (`edit` is an observed spelling of `edited`, restfb#749). */
const CHANGED = new Set(['edited', 'edit', 'remove', 'delete', 'hide', 'unhide']);

/**
 * The receiver for serve, wired to its monitor, when META_APP_SECRET and META_VERIFY_TOKEN are set;
 * else a router with no routes (so /webhooks/meta is not there at all).
 */
export function metaWebhooks(env: NodeJS.ProcessEnv, db: Db, monitor: Monitor, log?: Logger): Router {
  if (!metaWebhookConfigured(env)) return express.Router();
  return metaWebhookRouter({
    appSecret: env.META_APP_SECRET!,
    verifyToken: env.META_VERIFY_TOKEN!,
    db,
    monitor: {
      checkNow: (ids, reason) => monitor.checkNow(ids, reason),
      pollNow: async (watchId) =>
        void (await monitor.queue.add(
          'poll',
          { kind: 'poll', watchId },
          { deduplication: { id: `poll-now:${watchId}`, ttl: 2000 } },
        )),
    },
    log,
  });
}

/** The receiver's routes, to mount on serve's Express app. */
function metaWebhookRouter(opts: MetaWebhookOptions): Router {
  const router = express.Router();
  router.get(META_WEBHOOK_PATH, (req, res) => {
    const q = req.query as Record<string, unknown>;
    const token = typeof q['hub.verify_token'] === 'string' ? q['hub.verify_token'] : '';
    const challenge = q['hub.challenge'];
    if (q['hub.mode'] === 'subscribe' && sameText(token, opts.verifyToken) && typeof challenge === 'string') {
      res.status(200).type('text/plain').send(challenge);
      return;
    }
    opts.log?.warn('meta webhook: a subscription handshake with a wrong verify token was refused');
    res.sendStatus(403);
  });
  router.post(META_WEBHOOK_PATH, express.raw({ type: () => true, limit: '1mb' }), (req, res) => {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (!validSignature(raw, req.get('x-hub-signature-256'), opts.appSecret)) {
      opts.log?.warn('meta webhook: a delivery without a valid X-Hub-Signature-256 was refused');
      res.sendStatus(401);
      return;
    }
    let delivery: Delivery;
    try {
      delivery = JSON.parse(raw.toString('utf8')) as Delivery;
    } catch {
      res.sendStatus(400);
      return;
    }
    res.sendStatus(200);
    void handleDelivery(delivery, opts).catch((err) =>
      opts.log?.error({ err }, 'meta webhook: could not act on a delivery'),
    );
  });
  return router;
}

/** The watched account of an entry (a page id, or an Instagram user id), or null. */
async function watchedAccount(db: Db, platform: 'facebook' | 'instagram', id: string) {
  return db.get<{ accountId: number; watchId: number }>(
    `SELECT a.id AS accountId, w.id AS watchId FROM account a JOIN watch w ON w.account_id = a.id AND w.active = 1
     WHERE a.platform = ? AND a.platform_id = ? LIMIT 1`,
    [platform, id],
  );
}

async function postIds(db: Db, platform: 'facebook' | 'instagram', ids: (string | undefined)[]) {
  const wanted = ids.filter((x): x is string => Boolean(x));
  if (!wanted.length) return [];
  const rows = await db.all<{ id: number }>(
    'SELECT id FROM post WHERE platform = ? AND platform_id IN (SELECT value FROM json_each(?))',
    [platform, JSON.stringify(wanted)],
  );
  return rows.map((r) => r.id);
}

/** Turns one delivery into checks and polls. */
async function handleDelivery(delivery: Delivery, opts: MetaWebhookOptions): Promise<void> {
  const platform =
    delivery.object === 'instagram' ? 'instagram' : delivery.object === 'page' ? 'facebook' : null;
  if (!platform) {
    opts.log?.info(
      { object: delivery.object },
      'meta webhook: a delivery for an object type Archiefbot does not follow',
    );
    return;
  }
  const check = new Set<number>();
  const polls = new Set<number>();
  for (const entry of delivery.entry ?? []) {
    const watched = entry.id ? await watchedAccount(opts.db, platform, entry.id) : undefined;
    if (!watched) {
      opts.log?.info(
        { platform, id: entry.id },
        'meta webhook: a change for an account nobody watches, ignored',
      );
      continue;
    }
    for (const change of entry.changes ?? []) {
      const { ids, poll } = await actionFor(platform, change, opts.db);
      for (const id of ids) check.add(id);
      if (poll) polls.add(watched.watchId);
    }
  }
  if (check.size) await opts.monitor.checkNow([...check], 'webhook');
  for (const w of polls) await opts.monitor.pollNow(w);
  opts.log?.debug({ platform, checks: check.size, polls: polls.size }, 'meta webhook handled');
}

/** What one change asks for: posts to check now, and whether the account should be polled. */
async function actionFor(
  platform: 'facebook' | 'instagram',
  change: Change,
  db: Db,
): Promise<{ ids: number[]; poll: boolean }> {
  const v = change.value ?? {};
  if (platform === 'instagram') {
    // A comment on a media: check the media (its new comments are captured with it).
    if (change.field !== 'comments') return { ids: [], poll: false };
    return { ids: await postIds(db, 'instagram', [v.media?.id, v.id]), poll: false };
  }
  if (change.field !== 'feed') return { ids: [], poll: false };
  const verb = (v.verb ?? '').toLowerCase();
  if (v.item === 'comment' || v.item === 'reply') {
    // A new comment: check its post (more comments → captured). A changed one: check it, or its post.
    const own = verb === 'add' ? [] : await postIds(db, 'facebook', [v.comment_id]);
    return { ids: own.length ? own : await postIds(db, 'facebook', [v.post_id]), poll: false };
  }
  if (verb === 'add') return { ids: [], poll: true };
  if (!CHANGED.has(verb)) return { ids: [], poll: false };
  const archived = await postIds(db, 'facebook', [v.post_id, v.photo_id, v.video_id]);
  return { ids: archived, poll: !archived.length && verb !== 'remove' && verb !== 'delete' };
}
