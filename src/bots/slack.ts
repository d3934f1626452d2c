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
import { z } from 'zod';
import type { ChatAdapter } from '../chat/adapter.ts';
import type { Bot } from '../chat/bot.ts';
import type { ChatCommand } from '../chat/chat.ts';
import type { Reply } from '../chat/reply.ts';
import { ConfigError } from '../config.ts';
import type { SlackTarget } from '../domain/target.ts';
import {
  type AdapterContext,
  anySet,
  fetchWithin,
  httpUrl,
  Inbox,
  readSettings,
  requiredMessage,
  welcomeFor,
} from './kit.ts';
import { ACTION_ID_PREFIX, renderReply, type SlackMessage } from './slack-blocks.ts';

/** Where Slack sends slash commands, events and interactivity (HTTP mode; config/slack-manifest.yaml). */
export const SLACK_EVENTS_PATH = '/slack/events';
/** The callback_id of the message shortcut "Archiveer link". */
export const ARCHIVE_LINK_CALLBACK = 'archive_link';

const DEFAULT_API_URL = 'https://slack.com/api/';
/** Slack retries an event for about an hour; an event id is remembered for a day. */
const EVENT_TTL_SECONDS = 86_400;
/** As long as a capture answer can be on its way (a chat capture request is kept until answered). */
const THREAD_TTL_SECONDS = 7 * 86_400;
/** How long the bot remembers that a `D` channel is its direct message with a user (see isOwnDirectMessage). */
const DIRECT_TTL_SECONDS = 90 * 86_400;
/** The prefix of the adapter's Redis keys. */
const PREFIX = 'archiefbot';
/** How long one Web API or response_url call may take (answer read included). */
const WEB_API_TIMEOUT_MS = 10_000;
/** Every Slack call (Web API and response_url) through one time-limited fetch. */
const respondFetch = fetchWithin(WEB_API_TIMEOUT_MS);

export type { SlackTarget };

/** Whether the environment asks for Slack: any Slack variable (a missing partner is then a ConfigError). */
export function slackConfigured(env: NodeJS.ProcessEnv): boolean {
  return anySet(env, 'SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_APP_TOKEN');
}

export interface SlackSettings {
  botToken: string;
  signingSecret: string;
  /** Socket Mode when set (xapp-…): no public HTTP endpoint needed. */
  appToken?: string;
  /** Web API base URL, always ending in `/` (methods are appended: …/api/chat.postMessage). */
  apiUrl: string;
}

const SLACK_ENV = z
  .object({
    SLACK_BOT_TOKEN: z
      .string({
        error: requiredMessage(
          'copy the Bot User OAuth Token (xoxb-…) from your Slack app\'s "OAuth & Permissions" page',
        ),
      })
      .refine((v) => !v.startsWith('xapp-'), {
        error:
          'holds an app-level token (xapp-…): put that one in SLACK_APP_TOKEN and the Bot User OAuth Token (xoxb-…) in SLACK_BOT_TOKEN',
      }),
    SLACK_SIGNING_SECRET: z.string({
      error: requiredMessage('copy the Signing Secret from your Slack app\'s "Basic Information" page'),
    }),
    SLACK_APP_TOKEN: z
      .string()
      .refine((v) => v.startsWith('xapp-'), {
        error:
          'must be an app-level token (xapp-…, "Basic Information" → App-Level Tokens, scope connections:write)',
      })
      .optional(),
    SLACK_API_URL: httpUrl('the Web API base, e.g. https://slack.com/api/').optional(),
  })
  .transform(
    (e): SlackSettings => ({
      botToken: e.SLACK_BOT_TOKEN,
      signingSecret: e.SLACK_SIGNING_SECRET,
      appToken: e.SLACK_APP_TOKEN,
      apiUrl: e.SLACK_API_URL ? e.SLACK_API_URL.replace(/\/?$/, '/') : DEFAULT_API_URL,
    }),
  );

/** Reads and checks the Slack settings; a ConfigError names the missing or wrong variable. */
export function slackSettings(env: NodeJS.ProcessEnv): SlackSettings {
  return readSettings(env, SLACK_ENV);
}

/**
 * Slack's way of writing links, mentions and `& < >` in message text, made plain: `<https://x|x>`
 * → `https://x`, `<#C1|general>` → `#general`, the bot's own mention removed.
 */
function plainSlackText(text: string, botUserId?: string): string {
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
function firstUrl(text: string): string | undefined {
  const linked = /<(https?:\/\/[^|>\s]+)(\|[^>]*)?>/.exec(text);
  if (linked) return linked[1];
  const bare = /https?:\/\/[^\s<>|]+/.exec(text.replace(/&amp;/g, '&'));
  return bare?.[0];
}

/** Bolt's Logger on top of pino (a message is put together only when its level is logged). */
function boltLogger(log: Logger): BoltLogger {
  let level = LogLevel.INFO;
  const at =
    (name: 'debug' | 'info' | 'warn' | 'error') =>
    (...msg: unknown[]) => {
      if (log.isLevelEnabled(name)) log[name](format(...msg));
    };
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
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

// The parts of Slack payloads the adapter reads (Bolt's own types are unions too wide to narrow
// well), checked before use: a signed request with fields of the wrong type is acknowledged and
// ignored with a log line (slackBodyProblem), never a 500 or a TypeError in a listener.
const text = z.string();
const MessageLike = z.looseObject({
  type: text,
  subtype: text.optional(),
  bot_id: text.optional(),
  user: text.optional(),
  text: text.optional(),
  ts: text,
  thread_ts: text.optional(),
  channel: text,
  channel_type: text.optional(),
});
type MessageLike = z.output<typeof MessageLike>;
const MemberJoined = z.looseObject({ type: text, user: text.optional(), channel: text.optional() });
const SlackUser = z.looseObject({ id: text, username: text.optional(), name: text.optional() });
const MessageShortcutBody = z.looseObject({
  type: z.literal('message_action'),
  callback_id: text,
  response_url: text.optional(),
  team: z.looseObject({ id: text, domain: text.optional() }).nullish(),
  channel: z.looseObject({ id: text }),
  user: SlackUser,
  message: z.looseObject({ ts: text, text: text.optional(), thread_ts: text.optional() }),
});
type MessageShortcutBody = z.output<typeof MessageShortcutBody>;
const BlockActionBody = z.looseObject({
  type: z.literal('block_actions'),
  user: SlackUser,
  actions: z.array(z.looseObject({ action_id: text, value: text.optional() })),
  channel: z.looseObject({ id: text }).nullish(),
  container: z
    .looseObject({
      type: text.optional(),
      channel_id: text.optional(),
      message_ts: text.optional(),
      thread_ts: text.optional(),
      is_ephemeral: z.boolean().optional(),
    })
    .nullish(),
  message: z.looseObject({ ts: text, thread_ts: text.optional() }).nullish(),
  response_url: text.optional(),
});
type BlockActionBody = z.output<typeof BlockActionBody>;
const SlashCommand = z.looseObject({
  command: text,
  text: text.optional(),
  channel_id: text,
  user_id: text,
  user_name: text.optional(),
  response_url: text.optional(),
});
/** The events the adapter listens to (config/slack-manifest.yaml), by type; others need only a type. */
const EVENTS: Record<string, z.ZodType> = {
  app_mention: MessageLike,
  message: MessageLike,
  member_joined_channel: MemberJoined,
};
const EventCallback = z.looseObject({
  type: z.literal('event_callback'),
  event: z.looseObject({ type: text }),
  event_id: text.optional(),
  team_id: text.optional(),
  enterprise_id: text.nullish(),
  authorizations: z
    .array(
      z.looseObject({
        team_id: text.nullish(),
        enterprise_id: text.nullish(),
        user_id: text.optional(),
        is_enterprise_install: z.boolean().optional(),
      }),
    )
    .optional(),
});

/** What is wrong with a parsed zod answer, in one line. */
function problemOf(r: z.ZodSafeParseResult<unknown>): string | null {
  if (r.success) return null;
  return r.error.issues
    .slice(0, 3)
    .map((i) => `${i.path.map(String).join('.') || 'body'}: ${i.message}`)
    .join('; ');
}

/**
 * Why a signed request's body is not one the adapter (or Bolt) can read, or null when it is: the
 * envelope of an event, slash command, message shortcut or button, and the fields the adapter uses.
 * Kinds the adapter does not handle pass with a type alone (Bolt acknowledges and ignores them).
 */
function slackBodyProblem(body: unknown): string | null {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return `body: expected an object, received ${body === null ? 'null' : Array.isArray(body) ? 'an array' : typeof body}`;
  const b = body as Record<string, unknown>;
  if ('event' in b || b.type === 'event_callback') {
    const envelope = EventCallback.safeParse(b);
    if (!envelope.success) return problemOf(envelope);
    const shape = EVENTS[envelope.data.event.type];
    return shape ? problemOf(shape.safeParse(envelope.data.event)) : null;
  }
  if ('command' in b) return problemOf(SlashCommand.safeParse(b));
  if (b.type === 'message_action') return problemOf(MessageShortcutBody.safeParse(b));
  if (b.type === 'block_actions') return problemOf(BlockActionBody.safeParse(b));
  return typeof b.type === 'string' ? null : 'type: expected a string';
}

/**
 * Bolt's HTTP receiver with the body checked after the signature and before Bolt reads it: a signed
 * request it cannot read is acknowledged (200, so Slack does not retry it) and ignored with a log line.
 */
class CheckedReceiver extends ExpressReceiver {
  constructor(
    options: ConstructorParameters<typeof ExpressReceiver>[0],
    private readonly onMalformed: (problem: string) => void,
  ) {
    super(options);
  }

  override async requestHandler(req: express.Request, res: express.Response): Promise<void> {
    const problem = slackBodyProblem(req.body);
    if (problem === null) return super.requestHandler(req, res);
    this.onMalformed(problem);
    res.status(200).send();
  }
}

/** Slack signs requests with their time; one more than this away from ours (either way) is refused. */
const MAX_CLOCK_SKEW_SECONDS = 5 * 60;

/** Whether a request's `x-slack-request-timestamp` lies within five minutes of now, past or future. */
function slackTimestampFresh(header: string | string[] | undefined, nowMs = Date.now()): boolean {
  const ts = Number(Array.isArray(header) ? header[0] : header);
  return Number.isFinite(ts) && Math.abs(nowMs / 1000 - ts) <= MAX_CLOCK_SKEW_SECONDS;
}

/**
 * The Slack adapter (issue 3): `/archief`, app mentions, direct messages, the "Archiveer link"
 * message shortcut and buttons, over Bolt's signed HTTP receiver at /slack/events on the shared
 * express app, or over Socket Mode when SLACK_APP_TOKEN is set. Every request is acknowledged at once;
 * the Bot works afterwards and the answer is posted as Block Kit in the thread.
 */
export class SlackAdapter implements ChatAdapter<'slack'> {
  readonly platform = 'slack' as const;
  readonly mode: 'http' | 'socket';
  readonly app: App;
  private readonly bot: Bot;
  private readonly redis: Redis;
  private readonly log: Logger;
  private readonly inbox: Inbox;
  /** Socket Mode connected (stop() then closes it). */
  private started = false;

  constructor(
    ctx: AdapterContext,
    private readonly settings: SlackSettings,
  ) {
    this.bot = ctx.bot;
    this.redis = ctx.redis;
    this.log = ctx.log.child({ adapter: 'slack' });
    this.inbox = new Inbox(this.log);
    const logger = boltLogger(this.log);
    const clientOptions = {
      slackApiUrl: settings.apiUrl,
      logger,
      // Ten seconds per call, as the client's own `timeout` would, but released when the call ends.
      fetch: respondFetch,
      timeout: 0,
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
        convoStore: false, // no conversation state is kept in Bolt (one store lookup less per request)
        deferInitialization: true,
      });
    } else {
      this.mode = 'http';
      // Bolt's receiver on the shared app (serve listens, not Bolt). The gate in front answers 503
      // until the token is verified and after stop(): Slack retries events; for a command the
      // user sees that it failed, rather than a silence.
      const router = express.Router();
      router.use(SLACK_EVENTS_PATH, (req, res, next) => {
        if (!this.inbox.accepting) {
          res.status(503).set('retry-after', '1').json({ ok: false, error: 'archiefbot is not ready' });
          return;
        }
        // Bolt refuses only the past side of Slack's five-minute window; a request dated in the
        // future (a replay prepared in advance) is refused here, before its signature is checked.
        if (!slackTimestampFresh(req.headers['x-slack-request-timestamp'])) {
          this.log.warn(
            { timestamp: req.headers['x-slack-request-timestamp'] },
            'slack request outside the five-minute window refused',
          );
          res.status(401).send();
          return;
        }
        next();
      });
      const receiver = new CheckedReceiver(
        { signingSecret: settings.signingSecret, endpoints: SLACK_EVENTS_PATH, app: ctx.app, router, logger },
        (problem) => this.log.warn({ problem }, 'signed slack request with fields of the wrong type ignored'),
      );
      this.app = new App({
        receiver,
        token: settings.botToken,
        logger,
        clientOptions,
        convoStore: false,
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
    this.started = true;
    this.inbox.start();
  }

  async stop(): Promise<void> {
    const drained = this.inbox.drain();
    if (this.mode === 'socket' && this.started) await this.app.stop().catch(() => {});
    this.started = false;
    await drained;
  }

  /**
   * Proactive answers (a finished capture, an alert) into the thread the target names, after
   * whatever the conversation is still answering (so a result never overtakes its acknowledgement).
   */
  async send(target: SlackTarget, reply: Reply): Promise<void> {
    await this.inbox.run(target.channel, async () => {
      const thread = target.thread_ts ?? (target.ref ? await this.threadOf(target.ref) : undefined);
      await this.deliver({ ...target, thread_ts: thread }, reply);
    });
  }

  // --- incoming -------------------------------------------------------------------------------

  private listen(): void {
    const app = this.app;

    // Listeners read only bodies of the shape they expect (over HTTP the receiver checked it already;
    // Socket Mode envelopes are checked here): anything else is acknowledged and ignored.
    app.use(async (args) => {
      const problem = slackBodyProblem(args.body);
      if (problem === null) return args.next();
      this.log.warn({ problem }, 'slack request with fields of the wrong type ignored');
      await (args as { ack?: () => Promise<void> }).ack?.();
    });

    // Slack retries an event it thinks was not acknowledged in 3 s: answer each event_id once.
    app.use(async ({ body, next }) => {
      const b = body as { type?: string; event_id?: string };
      if (b.type === 'event_callback' && b.event_id) {
        const key = `${PREFIX}:slack:event:${b.event_id}`;
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
      this.take(command.channel_id, () => this.onSlashCommand(command));
    });

    app.event('app_mention', async ({ event, context }) => {
      const e = event as unknown as MessageLike;
      if (e.bot_id || !e.user) return; // other bots (and our own echoes) never drive the bot
      this.take(e.channel, () => this.onMessage(e, context.botUserId));
    });

    app.event('message', async ({ event, context }) => {
      const e = event as unknown as MessageLike;
      // Direct messages only; edits, deletions, joins and bot messages have a subtype or bot_id.
      if (e.channel_type !== 'im' || e.subtype || e.bot_id || !e.user) return;
      if (e.user === context.botUserId) return;
      this.take(e.channel, () => this.onMessage(e, context.botUserId));
    });

    // The bot itself joined a channel (invited, or added at install): a short welcome there.
    app.event('member_joined_channel', async ({ event, context }) => {
      const e = event as unknown as { user?: string; channel?: string };
      if (!e.channel || !e.user || e.user !== context.botUserId) return;
      const channel = e.channel;
      this.take(channel, () => this.welcome(channel, e.user!));
    });

    app.shortcut({ type: 'message_action', callback_id: ARCHIVE_LINK_CALLBACK }, async ({ body, ack }) => {
      await ack();
      const s = body as unknown as MessageShortcutBody;
      this.take(s.channel.id, () => this.onArchiveLink(s));
    });

    app.action(
      { type: 'block_actions', action_id: new RegExp(`^${ACTION_ID_PREFIX}`) },
      async ({ body, action, ack }) => {
        await ack();
        const value = (action as { value?: string }).value;
        const b = body as unknown as BlockActionBody;
        const channel = b.channel?.id ?? b.container?.channel_id;
        if (!value) return;
        if (!channel) {
          this.log.warn({ command: value }, 'slack button outside a conversation ignored');
          return;
        }
        this.take(channel, () => this.onButton(b, channel, value));
      },
    );
    // Other interactive elements are acknowledged and ignored: our link buttons (`link:<n>`: Slack
    // opens the page and still sends a block_actions, with no value) and any other app's elements.
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

  /** Runs work after the acknowledgement, in the channel's order; stop() waits for it. */
  private take(channel: string, work: () => Promise<void>): void {
    if (!this.inbox.accept(channel, work)) this.log.warn({ channel }, 'slack event while stopping dropped');
  }

  private async welcome(channel: string, botUserId: string): Promise<void> {
    const target: SlackTarget = { platform: 'slack', channel };
    const reply = await welcomeFor(this.bot, this.command(target, botUserId, {}));
    await this.deliver(target, reply);
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
    const reply = await this.bot.handle(
      this.command(target, c.user_id, {
        userName: c.user_name,
        text: plainSlackText(c.text ?? ''),
        private: await this.isOwnDirectMessage(c.channel_id, c.user_id),
      }),
    );
    // The first public answer starts the thread later answers go to (they wait in the inbox for it).
    const ts = await this.deliver(target, reply);
    if (ts) await this.redis.set(this.threadKey(ref), ts, 'EX', THREAD_TTL_SECONDS);
  }

  private async onMessage(e: MessageLike, botUserId: string | undefined): Promise<void> {
    const target: SlackTarget = {
      platform: 'slack',
      channel: e.channel,
      thread_ts: e.thread_ts ?? e.ts,
      user: e.user,
    };
    const direct = e.channel_type === 'im';
    if (direct) await this.rememberDirectMessage(e.channel, e.user!);
    const reply = await this.bot.handle(
      this.command(target, e.user!, { text: plainSlackText(e.text ?? '', botUserId), private: direct }),
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

  private async onButton(b: BlockActionBody, channel: string, command: string): Promise<void> {
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
      this.command(target, b.user.id, {
        userName: b.user.username ?? b.user.name,
        action: { command },
        private: await this.isOwnDirectMessage(channel, b.user.id),
      }),
    );
    await this.deliver(target, reply);
  }

  /**
   * Whether a slash command or a button press came from the user's direct message with the bot. A
   * `D` channel alone does not say so: a slash command also works in a direct message between two
   * people, where the answer (through the response_url) reaches both. The bot's own direct messages
   * are the ones its `message.im` events come from; it remembers those (rememberDirectMessage).
   */
  private async isOwnDirectMessage(channel: string, user: string): Promise<boolean> {
    if (!channel.startsWith('D')) return false;
    try {
      return (await this.redis.get(this.directKey(channel))) === user;
    } catch (err) {
      this.log.warn({ err, channel }, 'slack direct message look-up failed');
      return false;
    }
  }

  private async rememberDirectMessage(channel: string, user: string): Promise<void> {
    try {
      await this.redis.set(this.directKey(channel), user, 'EX', DIRECT_TTL_SECONDS);
    } catch (err) {
      this.log.warn({ err, channel }, 'slack direct message not remembered');
    }
  }

  private directKey(channel: string): string {
    return `${PREFIX}:slack:im:${channel}`;
  }

  // --- outgoing -------------------------------------------------------------------------------

  private threadKey(ref: string): string {
    return `${PREFIX}:slack:thread:${ref}`;
  }

  private async threadOf(ref: string): Promise<string | undefined> {
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
      const res = await respondFetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: JSON.stringify({ response_type: type, replace_original: false, ...message }),
      });
      if (!res.ok) this.log.warn({ status: res.status }, 'slack response_url refused the answer');
      return res.ok;
    } catch (err) {
      this.log.warn({ err }, 'slack response_url unreachable');
      return false;
    }
  }
}
