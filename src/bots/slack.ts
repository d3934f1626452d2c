import { randomUUID } from 'node:crypto';
import { format } from 'node:util';
import {
  App,
  type Logger as BoltLogger,
  ExpressReceiver,
  LogLevel,
  type SlackCommandMiddlewareArgs,
} from '@slack/bolt';
import express from 'express';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { ChatAdapter } from '../chat/adapter.ts';
import type { Bot } from '../chat/bot.ts';
import type { ChatCommand, ReplyTarget } from '../chat/chat.ts';
import type { Reply } from '../chat/reply.ts';
import { ConfigError } from '../config.ts';
import type { AdapterContext, AdapterFactory } from './registry.ts';
import { ACTION_ID_PREFIX, renderReply, type SlackMessage } from './slack-blocks.ts';

/** Where Slack sends slash commands, events and interactivity (HTTP mode; config/slack-manifest.yaml). */
export const SLACK_EVENTS_PATH = '/slack/events';
/** The callback_id of the message shortcut "Archiveer link". */
export const ARCHIVE_LINK_CALLBACK = 'archive_link';

const DEFAULT_API_URL = 'https://slack.com/api/';
/** Slack retries an event for about an hour; an event id is remembered for a day. */
const EVENT_TTL_SECONDS = 86_400;
/** As long as a capture answer can be on its way (ChatCaptureService keeps waiters a week). */
const THREAD_TTL_SECONDS = 7 * 86_400;

/**
 * Where a Slack answer goes. Plain JSON, because it travels through the capture queue.
 * - `thread_ts`: answer in this thread (mentions, DMs, shortcuts, buttons).
 * - `user`: the asker, for ephemeral (private) answers.
 * - `response_url`: the slash command's or interaction's own answer URL (private answers, and the
 *   fallback when the bot is not a member of the channel; valid 30 minutes, 5 uses).
 * - `ref`: a slash command has no thread; its first public answer starts one, and later answers
 *   (a finished capture) go into that thread, found under this reference.
 */
export interface SlackTarget extends ReplyTarget {
  platform: 'slack';
  channel: string;
  thread_ts?: string;
  user?: string;
  response_url?: string;
  ref?: string;
}

export interface SlackSettings {
  botToken: string;
  signingSecret: string;
  /** Socket Mode when set (xapp-…): no public HTTP endpoint needed. */
  appToken?: string;
  /** Web API base URL, always ending in `/` (methods are appended: …/api/chat.postMessage). */
  apiUrl: string;
}

const present = (v: string | undefined): v is string => typeof v === 'string' && v.trim() !== '';

/** Reads and checks the Slack settings; a ConfigError names the missing or wrong variable. */
export function slackSettings(env: NodeJS.ProcessEnv): SlackSettings {
  const botToken = env.SLACK_BOT_TOKEN?.trim();
  const signingSecret = env.SLACK_SIGNING_SECRET?.trim();
  const appToken = env.SLACK_APP_TOKEN?.trim() || undefined;
  if (!present(botToken)) {
    throw new ConfigError(
      'Slack: SLACK_BOT_TOKEN is not set. Copy the Bot User OAuth Token (xoxb-…) from your Slack app\'s "OAuth & Permissions" page.',
    );
  }
  if (!present(signingSecret)) {
    throw new ConfigError(
      'Slack: SLACK_SIGNING_SECRET is not set. Copy the Signing Secret from your Slack app\'s "Basic Information" page.',
    );
  }
  if (botToken.startsWith('xapp-')) {
    throw new ConfigError(
      'Slack: SLACK_BOT_TOKEN holds an app-level token (xapp-…). Put that one in SLACK_APP_TOKEN and the Bot User OAuth Token (xoxb-…) in SLACK_BOT_TOKEN.',
    );
  }
  if (appToken && !appToken.startsWith('xapp-')) {
    throw new ConfigError(
      'Slack: SLACK_APP_TOKEN must be an app-level token (xapp-…, "Basic Information" → App-Level Tokens, scope connections:write).',
    );
  }
  let apiUrl = DEFAULT_API_URL;
  if (present(env.SLACK_API_URL)) {
    let url: URL;
    try {
      url = new URL(env.SLACK_API_URL.trim());
    } catch {
      throw new ConfigError(`Slack: SLACK_API_URL is not a URL: "${env.SLACK_API_URL}"`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new ConfigError(`Slack: SLACK_API_URL must be http(s), not "${env.SLACK_API_URL}"`);
    }
    apiUrl = url.href.endsWith('/') ? url.href : `${url.href}/`;
  }
  return { botToken, signingSecret, appToken, apiUrl };
}

export const slackAdapterFactory: AdapterFactory = {
  platform: 'slack',
  // Any Slack variable means "run Slack": a missing partner is then a ConfigError, not a silent skip.
  configured: (env) =>
    present(env.SLACK_BOT_TOKEN) || present(env.SLACK_SIGNING_SECRET) || present(env.SLACK_APP_TOKEN),
  create: (ctx) => new SlackAdapter(ctx, slackSettings(ctx.env)),
};

/**
 * Slack's way of writing links, mentions and `& < >` in message text, made plain: `<https://x|x>`
 * → `https://x`, `<#C1|general>` → `#general`, the bot's own mention removed.
 */
export function plainSlackText(text: string, botUserId?: string): string {
  let t = text;
  if (botUserId) t = t.replace(new RegExp(`<@${botUserId}(\\|[^>]*)?>`, 'g'), ' ');
  else t = t.replace(/^\s*<@[UW][A-Z0-9]+(\|[^>]*)?>/, ' ');
  t = t
    .replace(/<((?:https?|ftp):[^|>]+)(\|[^>]*)?>/g, '$1')
    .replace(/<mailto:([^|>]+)(\|[^>]*)?>/g, '$1')
    .replace(/<#[CG][A-Z0-9]+\|([^>]*)>/g, '#$1')
    .replace(/<!(here|channel|everyone)(\|[^>]*)?>/g, '@$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
  return t.replace(/\s+/g, ' ').trim();
}

/** The first web link in a Slack message text (`<https://…>` or a bare URL), if any. */
export function firstUrl(text: string): string | undefined {
  const linked = /<(https?:\/\/[^|>\s]+)(\|[^>]*)?>/.exec(text);
  if (linked) return linked[1];
  const bare = /https?:\/\/[^\s<>|]+/.exec(text.replace(/&amp;/g, '&'));
  return bare?.[0];
}

/** Bolt's Logger on top of pino. */
function boltLogger(log: Logger): BoltLogger {
  let level = LogLevel.INFO;
  return {
    debug: (...msg) => log.debug(format(...msg)),
    info: (...msg) => log.info(format(...msg)),
    warn: (...msg) => log.warn(format(...msg)),
    error: (...msg) => log.error(format(...msg)),
    setLevel: (l) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => {},
  };
}

/** The Slack error code of a failed Web API call (`not_in_channel`, …), if it was one. */
function slackError(err: unknown): string | undefined {
  const data = (err as { data?: { error?: unknown } } | undefined)?.data;
  return typeof data?.error === 'string' ? data.error : undefined;
}

const NO_ACCESS = new Set(['not_in_channel', 'channel_not_found', 'user_not_in_channel', 'is_archived']);

// The parts of Slack payloads the adapter reads (Bolt's own types are unions too wide to narrow well).
interface MessageLike {
  type: string;
  subtype?: string;
  bot_id?: string;
  user?: string;
  text?: string;
  ts: string;
  thread_ts?: string;
  channel: string;
  channel_type?: string;
}
interface MessageShortcutBody {
  type: 'message_action';
  callback_id: string;
  response_url?: string;
  team?: { id: string; domain?: string } | null;
  channel: { id: string };
  user: { id: string; username?: string; name?: string };
  message: { ts: string; text?: string; thread_ts?: string };
}
interface BlockActionBody {
  type: 'block_actions';
  user: { id: string; username?: string; name?: string };
  channel?: { id: string };
  container?: {
    type?: string;
    channel_id?: string;
    message_ts?: string;
    thread_ts?: string;
    is_ephemeral?: boolean;
  };
  message?: { ts: string; thread_ts?: string };
  response_url?: string;
}

/**
 * The Slack adapter (issue 3): `/archief`, app mentions, direct messages, the "Archiveer link"
 * message shortcut and buttons, over Bolt's signed HTTP receiver at /slack/events on the shared
 * express app, or over Socket Mode when SLACK_APP_TOKEN is set. Every request is acknowledged at once;
 * the Bot works afterwards and the answer is posted as Block Kit in the thread.
 */
export class SlackAdapter implements ChatAdapter {
  readonly platform = 'slack' as const;
  readonly mode: 'http' | 'socket';
  readonly app: App;
  private readonly bot: Bot;
  private readonly redis: Redis;
  private readonly log: Logger;
  private state: 'created' | 'running' | 'stopped' = 'created';
  private readonly inflight = new Set<Promise<void>>();
  /** Slash commands whose first public answer (the thread to answer in later) is being posted. */
  private readonly pendingThreads = new Map<string, Promise<string | undefined>>();

  constructor(
    ctx: AdapterContext,
    private readonly settings: SlackSettings,
    private readonly prefix = 'archiefbot',
  ) {
    this.bot = ctx.bot;
    this.redis = ctx.redis;
    this.log = ctx.log.child({ adapter: 'slack' });
    const logger = boltLogger(this.log);
    const clientOptions = {
      slackApiUrl: settings.apiUrl,
      logger,
      timeout: 10_000,
      // Seconds, not Bolt's default half hour, for a network failure; a 429 waits its Retry-After
      // and counts as one of these tries.
      retryConfig: { retries: 5, factor: 2, minTimeout: 250, maxTimeout: 5_000 },
    };
    if (settings.appToken) {
      this.mode = 'socket';
      this.app = new App({
        token: settings.botToken,
        appToken: settings.appToken,
        socketMode: true,
        signingSecret: settings.signingSecret,
        logger,
        clientOptions,
        deferInitialization: true,
      });
    } else {
      this.mode = 'http';
      // Bolt's receiver on the shared app (serve listens, not Bolt). The gate in front answers 503
      // until the token is verified and after stop(): Slack retries events; for a command the
      // user sees that it failed, rather than a silence.
      const router = express.Router();
      router.use(SLACK_EVENTS_PATH, (_req, res, next) => {
        if (this.state === 'running') return next();
        res.status(503).set('retry-after', '1').json({ ok: false, error: 'archiefbot is not ready' });
      });
      const receiver = new ExpressReceiver({
        signingSecret: settings.signingSecret,
        endpoints: SLACK_EVENTS_PATH,
        app: ctx.app,
        router,
        logger,
      });
      this.app = new App({
        receiver,
        token: settings.botToken,
        logger,
        clientOptions,
        deferInitialization: true,
      });
    }
    this.listen();
  }

  async start(): Promise<void> {
    try {
      await this.app.init(); // auth.test: a wrong token fails here, with Slack's reason
    } catch (err) {
      const code = slackError(err);
      throw code
        ? new ConfigError(
            `Slack refused SLACK_BOT_TOKEN (auth.test: ${code}); check the Bot User OAuth Token.`,
          )
        : err;
    }
    if (this.mode === 'socket') await this.app.start();
    this.state = 'running';
  }

  async stop(): Promise<void> {
    if (this.state === 'stopped') return;
    const wasRunning = this.state === 'running';
    this.state = 'stopped';
    if (this.mode === 'socket' && wasRunning) await this.app.stop().catch(() => {});
    await Promise.allSettled([...this.inflight]);
  }

  /** Proactive answers (a finished capture, an alert) into the thread the target names. */
  async send(target: ReplyTarget, reply: Reply): Promise<void> {
    const t = target as SlackTarget;
    const thread = t.thread_ts ?? (t.ref ? await this.threadOf(t.ref) : undefined);
    await this.deliver({ ...t, thread_ts: thread }, reply);
  }

  // --- incoming -------------------------------------------------------------------------------

  private listen(): void {
    const app = this.app;

    // Slack retries an event it thinks was not acknowledged in 3 s: answer each event_id once.
    app.use(async ({ body, next }) => {
      const b = body as { type?: string; event_id?: string };
      if (b.type === 'event_callback' && b.event_id) {
        const key = `${this.prefix}:slack:event:${b.event_id}`;
        const fresh = await this.redis.set(key, '1', 'EX', EVENT_TTL_SECONDS, 'NX');
        if (fresh !== 'OK') {
          this.log.debug({ eventId: b.event_id }, 'slack event already handled (retry)');
          return;
        }
      }
      await next();
    });

    // Every slash command of this app (the manifest defines /archief): its text is the command.
    app.command(/.*/, async ({ command, ack }: SlackCommandMiddlewareArgs) => {
      await ack();
      this.spawn(() => this.onSlashCommand(command));
    });

    app.event('app_mention', async ({ event, context }) => {
      const e = event as unknown as MessageLike;
      if (e.bot_id || !e.user) return; // other bots (and our own echoes) never drive the bot
      this.spawn(() => this.onMessage(e, context.botUserId));
    });

    app.event('message', async ({ event, context }) => {
      const e = event as unknown as MessageLike;
      // Direct messages only; edits, deletions, joins and bot messages have a subtype or bot_id.
      if (e.channel_type !== 'im' || e.subtype || e.bot_id || !e.user) return;
      if (e.user === context.botUserId) return;
      this.spawn(() => this.onMessage(e, context.botUserId));
    });

    app.shortcut({ type: 'message_action', callback_id: ARCHIVE_LINK_CALLBACK }, async ({ body, ack }) => {
      await ack();
      this.spawn(() => this.onArchiveLink(body as unknown as MessageShortcutBody));
    });

    app.action(
      { type: 'block_actions', action_id: new RegExp(`^${ACTION_ID_PREFIX}`) },
      async ({ body, action, ack }) => {
        await ack();
        const value = (action as { value?: string }).value;
        if (value) this.spawn(() => this.onButton(body as unknown as BlockActionBody, value));
      },
    );
    // Other interactive elements (say, a link button in an unfurl) are acknowledged and ignored.
    app.action(
      { type: 'block_actions', action_id: new RegExp(`^(?!${ACTION_ID_PREFIX})`) },
      async ({ ack }) => {
        await ack();
      },
    );

    app.error(async (err) => {
      this.log.error({ err }, 'slack request failed');
    });
  }

  /** Runs work after the acknowledgement; stop() waits for it. */
  private spawn(work: () => Promise<void>): void {
    const p = work()
      .catch((err) => this.log.error({ err }, 'slack answer failed'))
      .finally(() => this.inflight.delete(p));
    this.inflight.add(p);
  }

  private command(target: SlackTarget, user: string, fields: Partial<ChatCommand>): ChatCommand {
    return { platform: 'slack', user, channel: target.channel, replyTo: target, ...fields };
  }

  private async onSlashCommand(c: SlackCommandMiddlewareArgs['command']): Promise<void> {
    const ref = randomUUID();
    const target: SlackTarget = {
      platform: 'slack',
      channel: c.channel_id,
      user: c.user_id,
      response_url: c.response_url,
      ref,
    };
    let started: (ts: string | undefined) => void = () => {};
    this.pendingThreads.set(ref, new Promise((resolve) => (started = resolve)));
    let ts: string | undefined;
    try {
      const reply = await this.bot.handle(
        this.command(target, c.user_id, { userName: c.user_name, text: plainSlackText(c.text ?? '') }),
      );
      ts = await this.deliver(target, reply);
      if (ts) await this.redis.set(this.threadKey(ref), ts, 'EX', THREAD_TTL_SECONDS);
    } finally {
      started(ts);
      this.pendingThreads.delete(ref);
    }
  }

  private async onMessage(e: MessageLike, botUserId: string | undefined): Promise<void> {
    const target: SlackTarget = {
      platform: 'slack',
      channel: e.channel,
      thread_ts: e.thread_ts ?? e.ts,
      user: e.user,
    };
    const reply = await this.bot.handle(
      this.command(target, e.user!, { text: plainSlackText(e.text ?? '', botUserId) }),
    );
    await this.deliver(target, reply);
  }

  private async onArchiveLink(s: MessageShortcutBody): Promise<void> {
    const target: SlackTarget = {
      platform: 'slack',
      channel: s.channel.id,
      thread_ts: s.message.thread_ts ?? s.message.ts,
      user: s.user.id,
      response_url: s.response_url,
    };
    // Without a link in it, the message itself; with no permalink either, the Bot asks "which link?".
    const url = firstUrl(s.message.text ?? '') ?? (await this.permalink(s));
    const base = this.command(target, s.user.id, { userName: s.user.username ?? s.user.name });
    // The keyword in the channel's language, so the answer is too (the shortcut itself is Dutch).
    const word = (await this.bot.languageFor(base)) === 'en' ? 'capture' : 'archiveer';
    const reply = await this.bot.handle({ ...base, text: `${word} ${url ?? ''}`.trim() });
    await this.deliver(target, reply);
  }

  /** The message's permalink (chat.getPermalink), or built from the workspace domain if Slack refuses. */
  private async permalink(s: MessageShortcutBody): Promise<string | undefined> {
    try {
      const link = await this.app.client.chat.getPermalink({
        token: this.settings.botToken,
        channel: s.channel.id,
        message_ts: s.message.ts,
      });
      if (link.permalink) return link.permalink;
    } catch (err) {
      this.log.warn({ err: slackError(err) ?? err, channel: s.channel.id }, 'slack permalink refused');
    }
    const domain = s.team?.domain;
    return domain && /^[a-z0-9-]+$/i.test(domain)
      ? `https://${domain}.slack.com/archives/${s.channel.id}/p${s.message.ts.replace('.', '')}`
      : undefined;
  }

  private async onButton(b: BlockActionBody, command: string): Promise<void> {
    const channel = b.channel?.id ?? b.container?.channel_id;
    if (!channel) {
      this.log.warn({ command }, 'slack button outside a conversation ignored');
      return;
    }
    const ephemeral = b.container?.is_ephemeral === true;
    const target: SlackTarget = {
      platform: 'slack',
      channel,
      thread_ts:
        b.message?.thread_ts ??
        b.container?.thread_ts ??
        b.message?.ts ??
        (ephemeral ? undefined : b.container?.message_ts),
      user: b.user.id,
      response_url: b.response_url,
    };
    const reply = await this.bot.handle(
      this.command(target, b.user.id, { userName: b.user.username ?? b.user.name, action: { command } }),
    );
    await this.deliver(target, reply);
  }

  // --- outgoing -------------------------------------------------------------------------------

  private threadKey(ref: string): string {
    return `${this.prefix}:slack:thread:${ref}`;
  }

  private async threadOf(ref: string): Promise<string | undefined> {
    const pending = this.pendingThreads.get(ref);
    if (pending) return pending;
    return (await this.redis.get(this.threadKey(ref))) ?? undefined;
  }

  /**
   * Posts a reply: public ones with chat.postMessage in the thread (falling back to the response_url
   * where the bot is not a member), private ones as ephemeral messages to the asker. Returns the ts
   * of a public message, which can start a thread.
   */
  private async deliver(t: SlackTarget, reply: Reply): Promise<string | undefined> {
    const message = renderReply(reply);
    const token = this.settings.botToken;
    if (reply.private && t.user) {
      // A slash command's own answer URL first (it works in every channel); in a thread, the thread.
      const viaUrl = t.response_url && !t.thread_ts;
      if (viaUrl && (await this.respond(t.response_url!, 'ephemeral', message))) return undefined;
      try {
        await this.app.client.chat.postEphemeral({
          token,
          channel: t.channel,
          user: t.user,
          ...(t.thread_ts ? { thread_ts: t.thread_ts } : {}),
          text: message.text,
          blocks: message.blocks,
        });
        return undefined;
      } catch (err) {
        if (!viaUrl && t.response_url && NO_ACCESS.has(slackError(err) ?? '')) {
          if (await this.respond(t.response_url, 'ephemeral', message)) return undefined;
        }
        throw err;
      }
    }
    try {
      const posted = await this.app.client.chat.postMessage({
        token,
        channel: t.channel,
        ...(t.thread_ts ? { thread_ts: t.thread_ts } : {}),
        text: message.text,
        blocks: message.blocks,
        unfurl_links: false,
        unfurl_media: false,
      });
      return posted.ts;
    } catch (err) {
      if (t.response_url && NO_ACCESS.has(slackError(err) ?? '')) {
        if (await this.respond(t.response_url, 'in_channel', message)) return undefined;
      }
      throw err;
    }
  }

  /** POSTs to a response_url (JSON); false when Slack no longer takes it (expired, used 5 times). */
  private async respond(
    url: string,
    type: 'ephemeral' | 'in_channel',
    message: SlackMessage,
  ): Promise<boolean> {
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: JSON.stringify({ response_type: type, replace_original: false, ...message }),
        signal: AbortSignal.timeout(10_000),
      });
      await res.arrayBuffer().catch(() => undefined);
      if (!res.ok) this.log.warn({ status: res.status }, 'slack response_url refused the answer');
      return res.ok;
    } catch (err) {
      this.log.warn({ err }, 'slack response_url unreachable');
      return false;
    }
  }
}
