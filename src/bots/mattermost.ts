import { createHash, timingSafeEqual } from 'node:crypto';
import mm from '@mattermost/client';
import express, { type Express, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import WebSocket from 'ws';
import { z } from 'zod';
import type { ChatAdapter } from '../chat/adapter.ts';
import type { Bot } from '../chat/bot.ts';
import type { ChatCommand } from '../chat/chat.ts';
import { type Reply, toMarkdown } from '../chat/reply.ts';
import { ConfigError } from '../config.ts';
import { t } from '../domain/i18n.ts';
import type { MattermostTarget } from '../domain/target.ts';
import type { Lang } from '../domain/types.ts';
import { type AdapterContext, anySet, Inbox, readSettings, requiredMessage, welcomeFor } from './kit.ts';

// In native ESM the getter-style CJS re-exports of @mattermost/client are not detected: import the
// default (module.exports) and destructure (stack-notes §3, pitfall 1).
const { Client4, WebSocketClient } = mm;
type MattermostClient = InstanceType<typeof Client4>;
type MattermostSocket = InstanceType<typeof WebSocketClient>;

export type { MattermostTarget };

export interface MattermostSettings {
  /** Server base URL without a trailing slash, e.g. https://chat.example.org (may have a subpath). */
  url: string;
  /** The bot account's access token. */
  token: string;
  /** The slash command's token; without it `/mattermost/command` is not mounted. */
  commandToken?: string;
  /** Reconnect delay after a lost WebSocket (the client's default: 3 s plus up to 2 s jitter, backing off). Not from the environment. */
  reconnect?: { minMs: number; jitterMs: number };
}

/** Mattermost refuses posts longer than this many characters (16,383 runes on a default server). */
export const POST_LIMIT = 16_000;
const SLASH_PATH = '/mattermost/command';
const CONNECT_WAIT_MS = 10_000;

/** The server's base URL: http(s), no query, fragment or credentials; a trailing /api/v4 is dropped. */
const serverUrl = z
  .string({ error: requiredMessage('the server address, e.g. https://chat.example.org') })
  .refine(
    (raw) => {
      try {
        const url = new URL(raw);
        return ['https:', 'http:'].includes(url.protocol) && !url.search && !url.hash && !url.username;
      } catch {
        return false;
      }
    },
    {
      error: (issue) =>
        `must be the server's http(s) base URL such as https://chat.example.org, not "${String(issue.input)}"`,
    },
  )
  .transform((raw) => {
    const url = new URL(raw);
    return `${url.origin}${url.pathname}`.replace(/\/+$/, '').replace(/\/api\/v4$/, '');
  });

const MATTERMOST_ENV = z
  .object({
    MATTERMOST_URL: serverUrl,
    MATTERMOST_TOKEN: z.string({ error: requiredMessage('the bot account access token') }),
    MATTERMOST_COMMAND_TOKEN: z.string().optional(),
  })
  .transform(
    (e): MattermostSettings => ({
      url: e.MATTERMOST_URL,
      token: e.MATTERMOST_TOKEN,
      ...(e.MATTERMOST_COMMAND_TOKEN ? { commandToken: e.MATTERMOST_COMMAND_TOKEN } : {}),
    }),
  );

/** Reads and checks the Mattermost settings; a bad value is a ConfigError naming its variable. */
export function mattermostSettings(env: NodeJS.ProcessEnv): MattermostSettings {
  return readSettings(env, MATTERMOST_ENV);
}

/** Whether the environment asks for Mattermost: its URL and the bot's token. */
export function mattermostConfigured(env: NodeJS.ProcessEnv): boolean {
  return anySet(env, 'MATTERMOST_URL') && anySet(env, 'MATTERMOST_TOKEN');
}

/** Compares two secrets in constant time (also when their lengths differ). */
export function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** Splits a long message at line ends (or, for one very long line, anywhere) into posts Mattermost accepts. */
export function splitMessage(message: string, limit = POST_LIMIT): string[] {
  if (message.length <= limit) return [message];
  const parts: string[] = [];
  let current = '';
  for (const line of message.split('\n')) {
    let rest = line;
    while (rest.length > limit) {
      if (current) parts.push(current);
      current = '';
      parts.push(rest.slice(0, limit));
      rest = rest.slice(limit);
    }
    const joined = current ? `${current}\n${rest}` : rest;
    if (joined.length > limit) {
      parts.push(current);
      current = rest;
    } else {
      current = joined;
    }
  }
  if (current) parts.push(current);
  return parts;
}

/** The subset of a Mattermost post the adapter reads (the `post` of a `posted` event, JSON-decoded). */
export interface PostedPost {
  id: string;
  user_id: string;
  channel_id: string;
  root_id?: string;
  message?: string;
  type?: string;
  props?: Record<string, unknown> | null;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Turns a posted message into a command when it is for the bot: a direct message (channel type D)
 * or a post that mentions `@<botname>` (the mention is removed from the text). Skips the bot's own
 * posts, system messages, and posts by other bots and webhooks (a webhook post carries the user id
 * of whoever created the webhook, so it must not act with that person's role).
 */
export function commandFromPost(
  post: PostedPost,
  event: { channel_type?: string; sender_name?: string },
  me: { id: string; username: string },
): ChatCommand | null {
  if (!post?.id || !post.channel_id || !post.user_id) return null;
  if (post.user_id === me.id) return null;
  if (post.type) return null;
  const props = post.props ?? {};
  if (props.from_bot === 'true' || props.from_webhook === 'true' || props.from_plugin === 'true') return null;
  const message = post.message ?? '';
  const mention = `(^|[^\\w.-])@${escapeRegExp(me.username)}(?![\\w-]|\\.\\w)`;
  const direct = event.channel_type === 'D';
  if (!direct && !new RegExp(mention, 'i').test(message)) return null;
  const text = message
    .replace(new RegExp(mention, 'gi'), '$1')
    .trim()
    .replace(/^[:,;]\s*/, '')
    .trim();
  const userName = event.sender_name?.replace(/^@/, '') || undefined;
  const replyTo: MattermostTarget = {
    platform: 'mattermost',
    channel: post.channel_id,
    rootId: post.root_id || post.id,
  };
  return {
    platform: 'mattermost',
    user: post.user_id,
    ...(userName ? { userName } : {}),
    channel: post.channel_id,
    text,
    replyTo,
    // A direct channel the bot receives posts from is its own with this user.
    private: direct,
  };
}

/**
 * Whether a slash command came from the user's direct channel with the bot: Mattermost names a direct
 * channel after its two members' ids, sorted, joined by `__`. A direct channel with someone else (the
 * answer goes there `in_channel`, for both to read) or an unknown bot id: false.
 */
function directWithBot(channelName: string, user: string, botId: string | undefined): boolean {
  if (!botId || !user) return false;
  return channelName === [user, botId].sort().join('__');
}

/**
 * The client refers to the global WebSocket (`WebSocket.OPEN`) and builds `CloseEvent`s when a ping
 * goes unanswered or an event is missed; Node 20 has neither (stack-notes §3, pitfalls 2 and 3).
 */
function installWebSocketGlobals(): void {
  const g = globalThis as { WebSocket?: unknown; CloseEvent?: unknown };
  g.WebSocket ??= WebSocket;
  g.CloseEvent ??= class CloseEvent extends Event {
    readonly code: number;
    readonly reason: string;
    readonly wasClean: boolean;
    constructor(type: string, init: { code?: number; reason?: string; wasClean?: boolean } = {}) {
      super(type);
      this.code = init.code ?? 0;
      this.reason = init.reason ?? '';
      this.wasClean = init.wasClean ?? false;
    }
  };
}

function statusOf(err: unknown): number | undefined {
  const code = (err as { status_code?: unknown })?.status_code;
  return typeof code === 'number' ? code : undefined;
}

/**
 * Mattermost through a bot account: the WebSocket event stream brings mentions and direct messages,
 * answers go back over REST into the thread (Markdown, buttons as commands to type). A slash
 * command (`/archief …`) can post to `/mattermost/command` on the shared HTTP server; it answers at
 * once and later answers (a finished capture) are posted in the channel.
 */
export class MattermostAdapter implements ChatAdapter<'mattermost'> {
  readonly platform = 'mattermost' as const;
  private readonly client: MattermostClient;
  private socket?: MattermostSocket;
  private readonly sockets = new Set<WebSocket>();
  private me?: { id: string; username: string };
  private stopped = false;
  private onHello?: () => void;
  private readonly bot: Bot;
  private readonly log: Logger;
  private readonly inbox: Inbox;

  constructor(
    ctx: Pick<AdapterContext, 'bot' | 'log'> & Partial<Pick<AdapterContext, 'app'>>,
    private readonly settings: MattermostSettings,
  ) {
    this.bot = ctx.bot;
    this.log = ctx.log.child({ adapter: 'mattermost' });
    this.inbox = new Inbox(this.log);
    this.client = new Client4();
    this.client.setUrl(settings.url);
    this.client.setToken(settings.token);
    if (ctx.app && settings.commandToken) this.mountSlashCommand(ctx.app);
  }

  /** The bot account (known after start). */
  get account(): { id: string; username: string } | undefined {
    return this.me;
  }

  async start(): Promise<void> {
    installWebSocketGlobals();
    this.stopped = false;
    let me: { id: string; username: string };
    try {
      me = await this.client.getMe();
    } catch (err) {
      const status = statusOf(err);
      if (status === 401 || status === 403) {
        throw new ConfigError(
          `MATTERMOST_TOKEN was refused by ${this.settings.url} (HTTP ${status}): use the access token of the bot account`,
        );
      }
      throw new Error(
        `cannot reach Mattermost at ${this.settings.url} (MATTERMOST_URL): ${(err as Error).message}`,
      );
    }
    this.me = { id: me.id, username: me.username };
    const teams = await this.client.getMyTeams().catch((err) => {
      this.log.warn({ err: (err as Error).message }, 'could not list the Mattermost teams of the bot');
      return [];
    });
    if (!teams.length) {
      this.log.warn({ bot: me.username }, 'the Mattermost bot account is in no team: add it to one');
    }

    this.socket?.close();
    const socket = new WebSocketClient({
      newWebSocketFn: (url) => this.openSocket(url),
      ...(this.settings.reconnect
        ? {
            minWebSocketRetryTime: this.settings.reconnect.minMs,
            reconnectJitterRange: this.settings.reconnect.jitterMs,
          }
        : {}),
    });
    this.socket = socket;
    const hello = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), CONNECT_WAIT_MS).unref();
      this.onHello = () => {
        clearTimeout(timer);
        resolve(true);
      };
    });
    socket.addMessageListener((msg) => this.onEvent(msg as unknown as SocketEvent));
    // Registering this listener also makes the client restart its sequence count when the server
    // hands out a new connection id (after a restart or a long outage) instead of looping on reconnect.
    socket.addMissedMessageListener(() =>
      this.log.warn(
        'Mattermost WebSocket resumed on a new connection: mentions during the outage may be missed',
      ),
    );
    socket.addCloseListener((failures) => {
      if (!this.stopped) this.log.warn({ failures }, 'Mattermost WebSocket closed; reconnecting');
    });
    socket.addReconnectListener(() => this.log.info('Mattermost WebSocket reconnected'));
    socket.initialize(this.client.getWebSocketUrl().replace(/^http/, 'ws'), this.settings.token);
    const teamNames = teams.map((team) => team.name);
    this.inbox.start();
    if (await hello) {
      this.log.info({ bot: me.username, teams: teamNames }, 'Mattermost bot connected');
    } else {
      this.log.warn(
        { bot: me.username, teams: teamNames, url: this.settings.url },
        'Mattermost WebSocket not connected yet; it keeps retrying (slash commands work meanwhile)',
      );
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const drained = this.inbox.drain();
    // close() stops the ping timer and any pending reconnect, but only closes an OPEN socket:
    // one still connecting is ended here, without its handlers (they would schedule a reconnect).
    this.socket?.close();
    for (const s of this.sockets) {
      s.onclose = null;
      s.onopen = null;
      s.onmessage = null;
      s.onerror = null;
      s.terminate();
    }
    this.sockets.clear();
    await drained;
  }

  /** Posts into the thread (or the channel), after what the channel is still answering. */
  async send(target: MattermostTarget, reply: Reply): Promise<void> {
    await this.inbox.run(target.channel, () => this.post(target, reply));
  }

  /**
   * A reply is one Markdown message. Command buttons are their label and the command to type, and a
   * link button (the viewer's "open in browser") a Markdown link: Mattermost's message attachments
   * have interactive buttons that call an integration URL back, but no button that opens an address.
   */
  private async post(target: MattermostTarget, reply: Reply): Promise<void> {
    const message = toMarkdown(reply, 'markdown') || reply.text;
    for (const part of splitMessage(message)) {
      await this.client.createPost({
        channel_id: target.channel,
        root_id: target.rootId ?? '',
        message: part,
      });
    }
  }

  private openSocket(url: string): globalThis.WebSocket {
    const s = new WebSocket(url, { handshakeTimeout: CONNECT_WAIT_MS });
    // The client listens through onerror; this keeps an error after stop() from becoming unhandled.
    s.on('error', () => {});
    this.sockets.add(s);
    s.once('close', () => this.sockets.delete(s));
    return s as unknown as globalThis.WebSocket;
  }

  private onEvent(msg: SocketEvent): void {
    if (this.stopped || !this.me) return;
    if (msg.event === 'hello') {
      this.onHello?.();
      return;
    }
    if (msg.event === 'user_added' && msg.data?.user_id === this.me.id && msg.broadcast?.channel_id) {
      const channel = msg.broadcast.channel_id;
      this.inbox.accept(channel, () => this.welcome(channel));
      return;
    }
    if (msg.event !== 'posted' || typeof msg.data?.post !== 'string') return;
    let post: PostedPost;
    try {
      post = JSON.parse(msg.data.post) as PostedPost;
    } catch {
      this.log.warn('Mattermost sent a post that is not JSON');
      return;
    }
    const cmd = commandFromPost(post, msg.data, this.me);
    if (cmd) this.inbox.accept(cmd.channel, () => this.answer(cmd));
  }

  private async answer(cmd: ChatCommand): Promise<void> {
    const reply = await this.bot.handle(cmd);
    await this.post(cmd.replyTo as MattermostTarget, reply);
  }

  /** Added to a channel: a short welcome there. */
  private async welcome(channel: string): Promise<void> {
    const replyTo: MattermostTarget = { platform: 'mattermost', channel };
    const reply = await welcomeFor(this.bot, { platform: 'mattermost', user: this.me!.id, channel, replyTo });
    await this.post(replyTo, reply);
  }

  private mountSlashCommand(app: Express): void {
    app.post(SLASH_PATH, express.urlencoded({ extended: false, limit: '64kb' }), (req, res) =>
      this.onSlashCommand(req, res),
    );
  }

  /** The language to answer a slash command in when the Bot could not (stopping, or a failure). */
  private async languageOf(cmd: ChatCommand): Promise<Lang> {
    return this.bot.languageFor(cmd).catch((): Lang => 'nl');
  }

  private async onSlashCommand(req: Request, res: Response): Promise<void> {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const field = (name: string) => (typeof body[name] === 'string' ? (body[name] as string) : '');
    // Mattermost sends the token in the body and as `Authorization: Token <token>`.
    const header = /^token\s+(.+)$/i.exec(req.get('authorization') ?? '')?.[1] ?? '';
    const given = field('token') || header;
    if (!given || !sameSecret(given, this.settings.commandToken ?? '')) {
      res.status(401).json({ error: 'invalid or missing command token' });
      return;
    }
    const channel = field('channel_id');
    const user = field('user_id');
    if (!channel || !user) {
      res.status(400).json({ error: 'channel_id and user_id are required' });
      return;
    }
    const replyTo: MattermostTarget = { platform: 'mattermost', channel };
    const userName = field('user_name');
    const cmd: ChatCommand = {
      platform: 'mattermost',
      user,
      ...(userName ? { userName } : {}),
      channel,
      text: field('text'),
      replyTo,
      private: directWithBot(field('channel_name'), user, this.me?.id),
    };
    // The answer is this request's response; a later one (a capture's result) waits in the inbox for it.
    const done = this.inbox.accept(channel, async () => {
      let reply: Reply;
      try {
        reply = await this.bot.handle(cmd);
      } catch (err) {
        this.log.error({ err, channel }, 'Mattermost slash command failed');
        res
          .status(200)
          .json({ response_type: 'ephemeral', text: t(await this.languageOf(cmd), 'bots.failed') });
        return;
      }
      res.status(200).json({
        response_type: reply.private ? 'ephemeral' : 'in_channel',
        text: toMarkdown(reply, 'markdown') || reply.text,
      });
    });
    if (!done) {
      res
        .status(503)
        .json({ response_type: 'ephemeral', text: t(await this.languageOf(cmd), 'bots.restarting') });
      return;
    }
    await done;
  }
}

interface SocketEvent {
  event?: string;
  seq?: number;
  data?: { post?: unknown; channel_type?: string; sender_name?: string; user_id?: string };
  broadcast?: { channel_id?: string };
}
