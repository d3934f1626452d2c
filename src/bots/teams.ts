import {
  type AuthConfiguration,
  authorizeJWT,
  CardFactory,
  CloudAdapter,
  getAuthConfigWithDefaults,
  MessageFactory,
  type TurnContext,
} from '@microsoft/agents-hosting';
import express, { type Request, type Response } from 'express';
import type { Logger } from 'pino';
import type { ChatAdapter } from '../chat/adapter.ts';
import type { Bot } from '../chat/bot.ts';
import type { ChatCommand, ReplyTarget } from '../chat/chat.ts';
import type { Reply } from '../chat/reply.ts';
import { ConfigError } from '../config.ts';
import type { Archive } from '../store/archive.ts';
import { conversationRef, saveConversationRef } from '../store/chat.ts';
import type { AdapterContext, AdapterFactory } from './registry.ts';
import { needsCard, toAdaptiveCard } from './teams-card.ts';

/**
 * Microsoft Teams over the Bot Framework protocol, through @microsoft/agents-hosting (the successor
 * of the archived botbuilder SDK; see the stack notes). Teams POSTs Activities to /api/messages; the
 * bot answers by POSTing Activities to the connector at the activity's serviceUrl. Every incoming
 * activity leaves a conversation reference in the store, so capture results and alerts can be sent
 * later (proactively) with `continueConversation`.
 */

type Activity = TurnContext['activity'];
type ConversationReference = ReturnType<Activity['getConversationReference']>;
type BotIdentity = Parameters<CloudAdapter['continueConversation']>[0];

/** Where a Teams answer goes. JSON-serialisable: it travels through the capture queue. */
export interface TeamsReplyTarget extends ReplyTarget {
  platform: 'teams';
  /** The chat or channel (a channel thread's `;messageid=…` suffix removed): alerts go here. */
  channel: string;
  /** The exact conversation to answer in when it differs from `channel` (a channel thread). */
  conversation?: string;
  /** The activity answered (sent as replyToId), so the answer threads under the question. */
  activityId?: string;
}

export interface TeamsSettings {
  /** MICROSOFT_APP_ID; without it (TEAMS_ENABLED=true) requests are not authenticated. */
  appId?: string;
  appPassword?: string;
  tenantId?: string;
}

const TRUE = new Set(['true', '1', 'yes']);
const isTrue = (v: string | undefined) => TRUE.has((v ?? '').trim().toLowerCase());
const nonEmpty = (v: string | undefined) => (v?.trim() ? v.trim() : undefined);

/** Reads and checks the Teams settings; throws a ConfigError naming the variable at fault. */
export function teamsSettings(env: NodeJS.ProcessEnv): TeamsSettings {
  const appId = nonEmpty(env.MICROSOFT_APP_ID);
  const appPassword = nonEmpty(env.MICROSOFT_APP_PASSWORD);
  const tenantId = nonEmpty(env.MICROSOFT_APP_TENANT_ID);
  // The SDK decides "anonymous allowed" on process.env.NODE_ENV; serve may run with its own env.
  const production = [env.NODE_ENV, process.env.NODE_ENV].some(
    (v) => v?.trim().toLowerCase() === 'production',
  );
  if (isTrue(env.TEAMS_ENABLED) && production) {
    throw new ConfigError(
      'TEAMS_ENABLED=true runs the Teams adapter without authentication, which is refused when NODE_ENV=production: ' +
        'unset TEAMS_ENABLED and set MICROSOFT_APP_ID, MICROSOFT_APP_PASSWORD and MICROSOFT_APP_TENANT_ID',
    );
  }
  if (appId && !appPassword) {
    throw new ConfigError(
      'MICROSOFT_APP_ID is set but MICROSOFT_APP_PASSWORD is empty: the bot needs its client secret to answer in Teams',
    );
  }
  if (!appId && production) {
    throw new ConfigError('MICROSOFT_APP_ID is required for the Teams adapter when NODE_ENV=production');
  }
  return { appId, appPassword, tenantId };
}

/** Teams channel threads are conversations `19:…@thread.tacv2;messageid=…`; the channel is the part before. */
export function channelOf(conversationId: string): string {
  const i = conversationId.indexOf(';messageid=');
  return i >= 0 ? conversationId.slice(0, i) : conversationId;
}

const ENTITIES: Record<string, string> = { nbsp: ' ', amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** The incoming activity fields the translation reads (an agents-hosting Activity has them all). */
export interface IncomingActivity {
  id?: string;
  type: string;
  text?: string;
  value?: unknown;
  from?: { id?: string; name?: string; aadObjectId?: string };
  recipient?: { id?: string };
  conversation?: { id?: string };
  entities?: { type: string; [key: string]: unknown }[];
}

/**
 * What the user typed: the bot's @mention (`<at>Archiefbot</at>`, as its mention entity says, or leading
 * when no entity names it) removed, other people's mentions reduced to their names, HTML entities decoded.
 */
export function messageText(a: IncomingActivity): string {
  let text = a.text ?? '';
  const botId = a.recipient?.id;
  let stripped = false;
  for (const e of a.entities ?? []) {
    if (e.type.toLowerCase() !== 'mention' || typeof e.text !== 'string' || !e.text) continue;
    const mentioned = e.mentioned as { id?: string } | undefined;
    if (botId && mentioned?.id === botId) {
      text = text.split(e.text).join(' ');
      stripped = true;
    }
  }
  if (!stripped) text = text.replace(/^\s*<at\b[^>]*>.*?<\/at>/is, ' ');
  text = text.replace(/<at\b[^>]*>(.*?)<\/at>/gis, '$1');
  text = text.replace(/&(nbsp|amp|lt|gt|quot|apos);/g, (_, name: string) => ENTITIES[name] ?? '');
  return text
    .replace(/[ \t\u00a0]+/g, ' ')
    .replace(/ ?\n ?/g, '\n')
    .trim();
}

/** A message activity as the core's ChatCommand; null when it names no user or conversation. */
export function commandFromActivity(a: IncomingActivity): ChatCommand | null {
  const user = a.from?.aadObjectId || a.from?.id;
  const conversationId = a.conversation?.id;
  if (!user || !conversationId) return null;
  const channel = channelOf(conversationId);
  const value = a.value as { command?: unknown } | undefined;
  const command = typeof value?.command === 'string' && value.command.trim() ? value.command : undefined;
  const replyTo: TeamsReplyTarget = {
    platform: 'teams',
    channel,
    ...(conversationId !== channel ? { conversation: conversationId } : {}),
    ...(a.id ? { activityId: a.id } : {}),
  };
  return {
    platform: 'teams',
    user,
    ...(a.from?.name ? { userName: a.from.name } : {}),
    channel,
    text: messageText(a),
    ...(command ? { action: { command } } : {}),
    replyTo,
  };
}

/** The Activity Teams shows: an Adaptive Card with `text` beside it, or text alone for one plain sentence. */
export function replyActivity(reply: Reply) {
  return needsCard(reply)
    ? MessageFactory.attachment(CardFactory.adaptiveCard(toAdaptiveCard(reply)), reply.text)
    : MessageFactory.text(reply.text);
}

export interface TeamsAdapterDeps {
  bot: Bot;
  archive: Archive;
  app: express.Express;
  log: Logger;
  settings: TeamsSettings;
  /** Sending to the connector: tries in all, and the first back-off (doubling). */
  retry?: { attempts?: number; backoffMs?: number };
}

const DEFAULT_RETRY = { attempts: 4, backoffMs: 500 };
const TRANSIENT = new Set([429, 502, 503, 504]);
const MAX_RETRY_AFTER_MS = 60_000;

/** How long to wait before trying a failed send again, or null when trying again cannot help. */
export function retryDelay(err: unknown, attempt: number, backoffMs: number): number | null {
  const e = err as { status?: unknown; response?: { headers?: { get?(name: string): string | null } } };
  if (typeof e.status === 'number') {
    if (!TRANSIENT.has(e.status)) return null;
    const after = e.response?.headers?.get?.('retry-after');
    const seconds = after != null && after.trim() !== '' ? Number(after) : Number.NaN;
    if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds * 1000, MAX_RETRY_AFTER_MS);
    return backoffMs * 2 ** (attempt - 1);
  }
  // fetch() rejects with a TypeError when the connection fails (refused, reset, DNS).
  return err instanceof TypeError && /fetch failed/i.test(err.message)
    ? backoffMs * 2 ** (attempt - 1)
    : null;
}

export class TeamsAdapter implements ChatAdapter {
  readonly platform = 'teams' as const;
  /** The route Teams (the Azure Bot's messaging endpoint) posts to. */
  static readonly PATH = '/api/messages';
  private readonly cloud: CloudAdapter;
  private readonly identity: BotIdentity;
  private readonly log: Logger;
  private accepting = false;
  /** Work per chat, one after another: answers keep the order of the questions (ack before result). */
  private readonly chains = new Map<string, Promise<void>>();
  private readonly inflight = new Set<Promise<void>>();
  /** The reference last written per chat, to skip rewriting an unchanged one. */
  private readonly savedRefs = new Map<string, string>();

  constructor(private readonly deps: TeamsAdapterDeps) {
    const { appId, appPassword, tenantId } = deps.settings;
    this.log = deps.log.child({ adapter: 'teams' });
    const auth: AuthConfiguration = appId
      ? { clientId: appId, clientSecret: appPassword, ...(tenantId ? { tenantId } : {}) }
      : {};
    const authConfig = getAuthConfigWithDefaults(auth);
    // With an app id, the activity's serviceUrl must match the token's serviceurl claim (no
    // confused-deputy posts to other hosts); without one there is no token and nothing to compare.
    this.cloud = new CloudAdapter(authConfig, undefined, undefined, { validateServiceUrl: Boolean(appId) });
    this.cloud.onTurnError = async (_ctx, err) => {
      this.log.error({ err: err.message }, 'Teams turn failed');
    };
    // `{}` is the anonymous identity: the SDK then sends without a token (development only).
    this.identity = appId ?? {};
    const authorize = authorizeJWT(authConfig);
    deps.app.post(
      TeamsAdapter.PATH,
      (_req, res, next) => {
        if (this.accepting) next();
        else res.status(503).set('retry-after', '5').json({ error: 'not accepting messages right now' });
      },
      express.json({ limit: '1mb' }),
      (req, res, next) => authorize(req, res, next),
      (req, res) => this.receive(req, res),
    );
    if (appId) {
      this.log.info({ appId, tenantId: tenantId ?? null }, 'Teams: requests must carry a Bot Framework JWT');
    } else {
      this.log.warn(
        'Teams: TEAMS_ENABLED without MICROSOFT_APP_ID, so requests are NOT authenticated (development only)',
      );
    }
  }

  async start(): Promise<void> {
    this.accepting = true;
  }

  /** Stops taking activities, then waits for the answers already being worked on. */
  async stop(): Promise<void> {
    this.accepting = false;
    await this.idle();
  }

  /** Resolves once every accepted activity has been answered and every send has finished. */
  async idle(): Promise<void> {
    while (this.inflight.size) await Promise.all([...this.inflight]);
  }

  /**
   * Answers in a chat: threaded under `activityId` when the target has one (a capture result), else as a
   * new message (an alert). The chat's stored conversation reference says where its connector is.
   */
  async send(target: ReplyTarget, reply: Reply): Promise<void> {
    return this.enqueue(target.channel, async () => {
      const stored = await conversationRef<ConversationReference>(
        this.deps.archive.db,
        'teams',
        target.channel,
      );
      if (!stored) {
        throw new Error(
          `no Teams conversation reference for ${target.channel}: the bot can write there once it has been added or spoken to`,
        );
      }
      const conversation =
        typeof target.conversation === 'string' ? target.conversation : stored.conversation.id;
      const activityId = typeof target.activityId === 'string' ? target.activityId : undefined;
      await this.deliver(
        { ...stored, conversation: { ...stored.conversation, id: conversation }, activityId },
        reply,
      );
    });
  }

  /**
   * The webhook. The HTTP request is answered (200) as soon as the activity is authenticated and
   * valid; the command runs after that and its answer goes to the connector, so Teams never waits on
   * the archive.
   */
  private async receive(req: Request, res: Response): Promise<void> {
    if (typeof req.body !== 'object' || req.body === null || Array.isArray(req.body)) {
      res.status(400).json({ error: 'expected an Activity (JSON object)' });
      return;
    }
    if (typeof req.body.serviceUrl !== 'string' || !req.body.serviceUrl) {
      // Without it there is nowhere to answer: refuse before running a command nobody would hear about.
      res.status(400).json({ error: 'the Activity has no serviceUrl' });
      return;
    }
    try {
      await this.cloud.process(req, res, async (ctx) => {
        const activity = ctx.activity;
        const channel = channelOf(activity.conversation?.id ?? '');
        void this.enqueue(channel, () => this.work(activity)).catch((err: Error) =>
          this.log.error({ err: err.message, activityId: activity.id }, 'could not answer a Teams activity'),
        );
      });
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'rejected a Teams request');
      if (!res.headersSent) res.status(400).json({ error: 'invalid activity' });
    }
  }

  private async work(activity: Activity): Promise<void> {
    await this.remember(activity).catch((err: Error) =>
      this.log.warn({ err: err.message }, 'could not store a Teams conversation reference'),
    );
    if (activity.type !== 'message') return;
    const cmd = commandFromActivity(activity);
    if (!cmd) return;
    const reply = await this.deps.bot.handle(cmd);
    await this.deliver(activity.getConversationReference(), reply);
  }

  /** Stores the chat's reference (its root, not a thread) for answers and alerts sent later. */
  private async remember(activity: Activity): Promise<void> {
    if (!activity.serviceUrl || !activity.conversation?.id || !activity.recipient) return;
    const { activityId: _answered, ...ref } = activity.getConversationReference();
    const channel = channelOf(ref.conversation.id);
    const stored = { ...ref, conversation: { ...ref.conversation, id: channel } };
    const json = JSON.stringify(stored);
    if (this.savedRefs.get(channel) === json) return;
    const db = this.deps.archive.db;
    await db.transaction(() => saveConversationRef(db, 'teams', channel, stored));
    this.savedRefs.set(channel, json);
  }

  /**
   * Sends through the connector, retrying what Teams documents as transient: 429 (honouring
   * Retry-After), 502, 503, 504 and network errors, with exponential back-off.
   */
  private async deliver(reference: ConversationReference, reply: Reply): Promise<void> {
    const { attempts, backoffMs } = { ...DEFAULT_RETRY, ...this.deps.retry };
    for (let attempt = 1; ; attempt++) {
      try {
        await this.deliverOnce(reference, reply);
        return;
      } catch (err) {
        const wait = retryDelay(err, attempt, backoffMs);
        if (wait === null || attempt >= attempts) throw err;
        this.log.warn(
          { err: (err as Error).message, attempt, waitMs: wait },
          'Teams connector failed; retrying',
        );
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  }

  private async deliverOnce(reference: ConversationReference, reply: Reply): Promise<void> {
    const threaded = Boolean(reference.activityId);
    // The SDK hands errors inside a turn to onTurnError; keep them, so the caller sees (and retries) them.
    let failure: unknown = null;
    await this.cloud.continueConversation(this.identity, reference, async (ctx) => {
      if (!threaded) {
        // The SDK gives a continuation a random activity id and would send it as replyToId.
        ctx.onSendActivities(async (_ctx, activities, next) => {
          for (const a of activities) delete a.replyToId;
          return next();
        });
      }
      try {
        await ctx.sendActivity(replyActivity(reply));
      } catch (err) {
        failure = err;
      }
    });
    if (failure) throw failure;
  }

  private enqueue(channel: string, job: () => Promise<void>): Promise<void> {
    const previous = this.chains.get(channel) ?? Promise.resolve();
    const run = previous.then(job);
    const settled = run.catch(() => {});
    this.chains.set(channel, settled);
    this.inflight.add(settled);
    void settled.then(() => {
      this.inflight.delete(settled);
      if (this.chains.get(channel) === settled) this.chains.delete(channel);
    });
    return run;
  }
}

export const teamsAdapterFactory: AdapterFactory = {
  platform: 'teams',
  configured: (env) => Boolean(nonEmpty(env.MICROSOFT_APP_ID)) || isTrue(env.TEAMS_ENABLED),
  create: (ctx: AdapterContext) =>
    new TeamsAdapter({
      bot: ctx.bot,
      archive: ctx.archive,
      app: ctx.app,
      log: ctx.log,
      settings: teamsSettings(ctx.env),
    }),
};
