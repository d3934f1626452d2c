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
import { z } from 'zod';
import type { ChatAdapter } from '../chat/adapter.ts';
import type { ChatCommand } from '../chat/chat.ts';
import type { Reply } from '../chat/reply.ts';
import type { TeamsTarget } from '../domain/target.ts';
import { conversationRef, saveConversationRef } from '../store/chat.ts';
import { type AdapterContext, anySet, Inbox, readSettings, welcomeFor } from './kit.ts';
import { toAdaptiveCard } from './teams-card.ts';

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

export type TeamsReplyTarget = TeamsTarget;

export interface TeamsSettings {
  /** MICROSOFT_APP_ID; without it (TEAMS_ENABLED=true) requests are not authenticated. */
  appId?: string;
  appPassword?: string;
  tenantId?: string;
  /** Sending to the connector: tries in all, and the first back-off (doubling). Not from the environment. */
  retry?: { attempts?: number; backoffMs?: number };
}

const TRUE = new Set(['true', '1', 'yes']);
const isTrue = (v: string | undefined) => TRUE.has((v ?? '').trim().toLowerCase());

const TEAMS_ENV = z
  .object({
    MICROSOFT_APP_ID: z.string().optional(),
    MICROSOFT_APP_PASSWORD: z.string().optional(),
    MICROSOFT_APP_TENANT_ID: z.string().optional(),
    TEAMS_ENABLED: z.string().optional(),
    NODE_ENV: z.string().optional(),
  })
  .superRefine((e, ctx) => {
    // The SDK decides "anonymous allowed" on process.env.NODE_ENV; serve may run with its own env.
    const production = [e.NODE_ENV, process.env.NODE_ENV].some(
      (v) => v?.trim().toLowerCase() === 'production',
    );
    const problem = (variable: string, message: string) =>
      ctx.addIssue({ code: 'custom', path: [variable], message });
    if (isTrue(e.TEAMS_ENABLED) && production) {
      problem(
        'TEAMS_ENABLED',
        'TEAMS_ENABLED=true runs the Teams adapter without authentication, which is refused when NODE_ENV=production: ' +
          'unset TEAMS_ENABLED and set MICROSOFT_APP_ID, MICROSOFT_APP_PASSWORD and MICROSOFT_APP_TENANT_ID',
      );
    } else if (e.MICROSOFT_APP_ID && !e.MICROSOFT_APP_PASSWORD) {
      problem(
        'MICROSOFT_APP_PASSWORD',
        'MICROSOFT_APP_PASSWORD is empty while MICROSOFT_APP_ID is set: the bot needs its client secret to answer in Teams',
      );
    } else if (!e.MICROSOFT_APP_ID && production) {
      problem(
        'MICROSOFT_APP_ID',
        'MICROSOFT_APP_ID is required for the Teams adapter when NODE_ENV=production',
      );
    }
  })
  .transform(
    (e): TeamsSettings => ({
      appId: e.MICROSOFT_APP_ID,
      appPassword: e.MICROSOFT_APP_PASSWORD,
      tenantId: e.MICROSOFT_APP_TENANT_ID,
    }),
  );

/** Reads and checks the Teams settings; throws a ConfigError naming the variable at fault. */
export function teamsSettings(env: NodeJS.ProcessEnv): TeamsSettings {
  return readSettings(env, TEAMS_ENV);
}

/** Whether the environment asks for Teams: an app id, or TEAMS_ENABLED=true (development, no authentication). */
export function teamsConfigured(env: NodeJS.ProcessEnv): boolean {
  return anySet(env, 'MICROSOFT_APP_ID') || isTrue(env.TEAMS_ENABLED);
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
  membersAdded?: { id?: string }[];
  conversation?: { id?: string; conversationType?: string };
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
  const replyTo: TeamsTarget = {
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
    // The personal scope is the user's one-to-one chat with the bot; group chats and channels are not.
    private: a.conversation?.conversationType === 'personal',
  };
}

/**
 * The Activity Teams shows: one message, the Adaptive Card. The plain text is only its summary (what
 * a notification, or a client that cannot render cards, shows), never a second bubble beside the card.
 */
export function replyActivity(reply: Reply) {
  const activity = MessageFactory.attachment(CardFactory.adaptiveCard(toAdaptiveCard(reply)));
  activity.summary = reply.text;
  return activity;
}

/** Whether a conversationUpdate says the bot itself was added (installed in a team, chat or personal scope). */
function botWasAdded(a: IncomingActivity): boolean {
  const bot = a.recipient?.id;
  return a.type === 'conversationUpdate' && Boolean(bot) && (a.membersAdded ?? []).some((m) => m.id === bot);
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

export class TeamsAdapter implements ChatAdapter<'teams'> {
  readonly platform = 'teams' as const;
  /** The route Teams (the Azure Bot's messaging endpoint) posts to. */
  static readonly PATH = '/api/messages';
  private readonly cloud: CloudAdapter;
  private readonly identity: BotIdentity;
  private readonly log: Logger;
  /** Work per chat, one after another: answers keep the order of the questions (ack before result). */
  private readonly inbox: Inbox;
  /** The reference last written per chat, to skip rewriting an unchanged one. */
  private readonly savedRefs = new Map<string, string>();

  constructor(
    private readonly ctx: AdapterContext,
    private readonly settings: TeamsSettings,
  ) {
    const { appId, appPassword, tenantId } = settings;
    this.log = ctx.log.child({ adapter: 'teams' });
    this.inbox = new Inbox(this.log);
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
    ctx.app.post(
      TeamsAdapter.PATH,
      (_req, res, next) => {
        if (this.inbox.accepting) next();
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
    this.inbox.start();
  }

  /** Stops taking activities, then waits for the answers already being worked on. */
  async stop(): Promise<void> {
    await this.inbox.drain();
  }

  /** Resolves once every accepted activity has been answered and every send has finished. */
  async idle(): Promise<void> {
    await this.inbox.idle();
  }

  /**
   * Answers in a chat: threaded under `activityId` when the target has one (a capture result), else as a
   * new message (an alert). The chat's stored conversation reference says where its connector is.
   */
  async send(target: TeamsTarget, reply: Reply): Promise<void> {
    return this.inbox.run(target.channel, async () => {
      const stored = await conversationRef<ConversationReference>(
        this.ctx.archive.db,
        'teams',
        target.channel,
      );
      if (!stored) {
        throw new Error(
          `no Teams conversation reference for ${target.channel}: the bot can write there once it has been added or spoken to`,
        );
      }
      const conversation = target.conversation ?? stored.conversation.id;
      await this.deliver(
        {
          ...stored,
          conversation: { ...stored.conversation, id: conversation },
          activityId: target.activityId,
        },
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
        if (!this.inbox.accept(channel, () => this.work(activity))) {
          this.log.warn({ activityId: activity.id }, 'Teams activity while stopping dropped');
        }
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
    if (botWasAdded(activity)) {
      await this.welcome(activity);
      return;
    }
    if (activity.type !== 'message') return;
    const cmd = commandFromActivity(activity);
    if (!cmd) return;
    const reply = await this.ctx.bot.handle(cmd);
    await this.deliver(activity.getConversationReference(), reply);
  }

  /** Added to a team, a chat or a personal scope: a short welcome, as a new message in the conversation. */
  private async welcome(activity: Activity): Promise<void> {
    const { activityId: _update, ...reference } = activity.getConversationReference();
    const channel = channelOf(reference.conversation.id);
    const replyTo: TeamsTarget = { platform: 'teams', channel };
    const user = activity.from?.aadObjectId || activity.from?.id || '';
    const reply = await welcomeFor(this.ctx.bot, { platform: 'teams', user, channel, replyTo });
    await this.deliver({ ...reference, conversation: { ...reference.conversation, id: channel } }, reply);
  }

  /** Stores the chat's reference (its root, not a thread) for answers and alerts sent later. */
  private async remember(activity: Activity): Promise<void> {
    if (!activity.serviceUrl || !activity.conversation?.id || !activity.recipient) return;
    const { activityId: _answered, ...ref } = activity.getConversationReference();
    const channel = channelOf(ref.conversation.id);
    const stored = { ...ref, conversation: { ...ref.conversation, id: channel } };
    const json = JSON.stringify(stored);
    if (this.savedRefs.get(channel) === json) return;
    const db = this.ctx.archive.db;
    await db.transaction(() => saveConversationRef(db, 'teams', channel, stored));
    this.savedRefs.set(channel, json);
  }

  /**
   * Sends through the connector, retrying what Teams documents as transient: 429 (honouring
   * Retry-After), 502, 503, 504 and network errors, with exponential back-off.
   */
  private async deliver(reference: ConversationReference, reply: Reply): Promise<void> {
    const { attempts, backoffMs } = { ...DEFAULT_RETRY, ...this.settings.retry };
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
}
