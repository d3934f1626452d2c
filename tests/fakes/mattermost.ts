// Loopback fake of a Mattermost server (API v4): the REST calls and the WebSocket event stream a bot
// account uses. Behaviour follows docs/reference/stack-notes.md §3 and the Mattermost API
// reference: bearer-token auth, JSON errors {id, message, status_code}, `POST /posts` answers 201,
// the WebSocket opens with `authentication_challenge` → OK, then `hello` with seq 0 and events whose
// `seq` increases by one; `posted` carries the post as a JSON string and is broadcast to every
// member of the channel (the bot's own posts come back to it too, as on a real server).
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type WebSocket, WebSocketServer } from 'ws';
import { listenOnLoopback } from './listen.ts';

export interface FakeUser {
  id: string;
  username: string;
  is_bot?: boolean;
}

export interface FakePost {
  id: string;
  create_at: number;
  update_at: number;
  edit_at: number;
  delete_at: number;
  user_id: string;
  channel_id: string;
  root_id: string;
  message: string;
  type: string;
  props: Record<string, unknown>;
}

export interface RecordedRequest {
  method: string;
  path: string;
  auth: string | undefined;
  body?: unknown;
}

interface Connection {
  socket: WebSocket;
  id: string;
  user?: FakeUser;
  seq: number;
}

export type ChannelType = 'O' | 'P' | 'D' | 'G';
export interface FakeChannel {
  id: string;
  name: string;
  type: ChannelType;
}

/** Mattermost ids: 26 characters of [a-z0-9]. */
export function mattermostId(): string {
  let out = '';
  while (out.length < 26) out += randomBytes(16).toString('hex');
  return out.slice(0, 26);
}

/** Mattermost's maximum post length (runes) on a default server. */
export const MAX_POST_LENGTH = 16383;

export class FakeMattermost {
  readonly users = new Map<string, FakeUser>();
  readonly posts = new Map<string, FakePost>();
  /** Posts created through `POST /api/v4/posts`, in order. */
  readonly created: FakePost[] = [];
  readonly requests: RecordedRequest[] = [];
  readonly channels = new Map<string, FakeChannel>();
  readonly team = { id: mattermostId(), name: 'ministerie', display_name: 'Ministerie' };
  /** Every WebSocket that has passed the authentication challenge (closed ones included). */
  authenticatedConnections = 0;
  private readonly tokens = new Map<string, FakeUser>();
  private readonly connections = new Set<Connection>();
  private readonly waiters = new Set<() => void>();
  private readonly wss: WebSocketServer;
  private holding = false;
  private readonly held: (() => void)[] = [];
  url = '';

  private constructor(
    private readonly server: Server,
    readonly bot: FakeUser,
  ) {
    this.wss = new WebSocketServer({ noServer: true });
    server.on('upgrade', (req, socket, head) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      if (path !== '/api/v4/websocket') {
        socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
        return;
      }
      if (this.holding) {
        this.held.push(() => {
          if (!socket.destroyed) this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws));
        });
        this.notify();
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws));
    });
  }

  static async start(
    opts: { botToken?: string; botName?: string; botId?: string } = {},
  ): Promise<FakeMattermost> {
    const bot: FakeUser = {
      id: opts.botId ?? mattermostId(),
      username: opts.botName ?? 'archiefbot',
      is_bot: true,
    };
    let fake: FakeMattermost | undefined;
    const server = createServer((req, res) => {
      void fake!.handle(req, res).catch((err: Error) => {
        fake!.send(res, 500, { id: 'fake.error', message: err.message, status_code: 500 });
      });
    });
    fake = new FakeMattermost(server, bot);
    fake.users.set(bot.id, bot);
    fake.tokens.set(opts.botToken ?? 'bot-token', bot);
    fake.url = await listenOnLoopback(server);
    return fake;
  }

  addUser(user: { id?: string; username: string }): FakeUser {
    const u: FakeUser = { id: user.id ?? mattermostId(), username: user.username };
    this.users.set(u.id, u);
    return u;
  }

  /** A public channel (type O) the bot is a member of. */
  addChannel(name: string, type: ChannelType = 'O'): FakeChannel {
    const existing = [...this.channels.values()].find((c) => c.name === name);
    if (existing) return existing;
    const c: FakeChannel = { id: mattermostId(), name, type };
    this.channels.set(c.id, c);
    return c;
  }

  /** The direct-message channel between a user and the bot (name `<id>__<id>`, sorted). */
  directChannel(user: FakeUser): FakeChannel {
    return this.addChannel([user.id, this.bot.id].sort().join('__'), 'D');
  }

  /** Number of open, authenticated WebSockets. */
  get openConnections(): number {
    return [...this.connections].filter((c) => c.user).length;
  }

  /**
   * A user posts (as through the web app): the post is stored and a `posted` event goes to every
   * authenticated WebSocket. Returns the post.
   */
  userPosts(
    user: FakeUser,
    channel: FakeChannel,
    message: string,
    opts: { rootId?: string; type?: string; props?: Record<string, unknown> } = {},
  ): FakePost {
    const now = Date.now();
    const post: FakePost = {
      id: mattermostId(),
      create_at: now,
      update_at: now,
      edit_at: 0,
      delete_at: 0,
      user_id: user.id,
      channel_id: channel.id,
      root_id: opts.rootId ?? '',
      message,
      type: opts.type ?? '',
      props: opts.props ?? {},
    };
    this.posts.set(post.id, post);
    this.broadcastPosted(post, user, channel);
    return post;
  }

  /**
   * Someone adds `user` to `channel` (as a channel admin does in the web app): `user_added` goes to
   * every authenticated WebSocket, `data.user_id` naming who was added, broadcast to the channel.
   */
  addToChannel(user: FakeUser, channel: FakeChannel): void {
    for (const c of this.connections) {
      if (!c.user) continue;
      this.sendEvent(
        c,
        'user_added',
        { user_id: user.id, team_id: this.team.id },
        { channel_id: channel.id },
      );
    }
    this.notify();
  }

  /** Bot posts that answer the thread of `rootId`, in order. */
  repliesTo(rootId: string): FakePost[] {
    return this.created.filter((p) => p.root_id === rootId);
  }

  /** Resolves when `check` becomes true (checked after every request and WebSocket event), or rejects. */
  async waitFor<T>(check: () => T | undefined | false, timeoutMs = 10_000, what = 'condition'): Promise<T> {
    const first = check();
    if (first) return first;
    return new Promise<T>((resolve, reject) => {
      const waiter = () => {
        const v = check();
        if (!v) return;
        cleanup();
        resolve(v);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`fake Mattermost: timed out waiting for ${what}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.waiters.delete(waiter);
      };
      this.waiters.add(waiter);
    });
  }

  /** Waits for an authenticated WebSocket (the `n`th one ever, when given). */
  async waitForConnection(opts: { nth?: number; timeoutMs?: number } = {}): Promise<void> {
    const nth = opts.nth ?? 1;
    await this.waitFor(
      () => this.authenticatedConnections >= nth && this.openConnections > 0,
      opts.timeoutMs ?? 10_000,
      `WebSocket connection #${nth}`,
    );
  }

  /** Every open WebSocket, authenticated or not. */
  get rawConnections(): number {
    return this.connections.size;
  }

  /** The next event on every connection skips one sequence number (as after a lost server buffer). */
  skipSequence(): void {
    for (const c of this.connections) c.seq++;
  }

  /** The network drops: every WebSocket is cut without a close handshake. */
  dropConnections(): void {
    for (const c of this.connections) c.socket.terminate();
  }

  /** A slow network: WebSocket handshakes are left pending (the client sits in CONNECTING) until released. */
  holdHandshakes(): void {
    this.holding = true;
  }

  /** Handshakes left pending so far. */
  get heldHandshakes(): number {
    return this.held.length;
  }

  /** Completes the pending handshakes (those whose client has not given up) and stops holding. */
  releaseHandshakes(): void {
    this.holding = false;
    for (const complete of this.held.splice(0)) complete();
  }

  async close(): Promise<void> {
    for (const c of this.connections) c.socket.terminate();
    this.wss.close();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private notify(): void {
    for (const w of [...this.waiters]) w();
  }

  private broadcastPosted(post: FakePost, sender: FakeUser, channel: FakeChannel): void {
    const data = {
      channel_display_name: channel.type === 'D' ? `@${sender.username}` : channel.name,
      channel_name: channel.name,
      channel_type: channel.type,
      post: JSON.stringify(post),
      sender_name: `@${sender.username}`,
      set_online: true,
      team_id: channel.type === 'D' || channel.type === 'G' ? '' : this.team.id,
      ...(post.message.includes(`@${this.bot.username}`) ? { mentions: JSON.stringify([this.bot.id]) } : {}),
    };
    for (const c of this.connections) {
      if (!c.user) continue;
      this.sendEvent(c, 'posted', data, { channel_id: channel.id, team_id: data.team_id });
    }
  }

  private sendEvent(
    c: Connection,
    event: string,
    data: Record<string, unknown>,
    broadcast: Record<string, unknown> = {},
  ): void {
    const msg = {
      event,
      data,
      broadcast: { omit_users: null, user_id: '', channel_id: '', team_id: '', ...broadcast },
      seq: c.seq++,
    };
    c.socket.send(JSON.stringify(msg));
  }

  private accept(socket: WebSocket): void {
    const c: Connection = { socket, id: mattermostId(), seq: 0 };
    this.connections.add(c);
    socket.on('close', () => {
      this.connections.delete(c);
      this.notify();
    });
    socket.on('error', () => {});
    socket.on('message', (raw) => {
      let msg: { seq?: number; action?: string; data?: { token?: string } };
      try {
        msg = JSON.parse(raw.toString());
      } catch {
        socket.close(1003, 'invalid json');
        return;
      }
      const reply = (body: Record<string, unknown>) =>
        socket.send(JSON.stringify({ seq_reply: msg.seq, ...body }));
      if (msg.action === 'authentication_challenge') {
        const user = this.tokens.get(msg.data?.token ?? '');
        if (!user) {
          reply({
            status: 'FAIL',
            error: {
              id: 'api.web_socket_router.bad_seq.app_error',
              message: 'Invalid or expired session',
              status_code: 401,
            },
          });
          socket.close(1008, 'unauthorised');
          return;
        }
        c.user = user;
        reply({ status: 'OK' });
        this.authenticatedConnections++;
        this.sendEvent(
          c,
          'hello',
          { connection_id: c.id, server_version: '11.9.0.0.0', server_hostname: 'fake-mattermost' },
          { user_id: user.id },
        );
        this.notify();
        return;
      }
      if (!c.user) {
        reply({
          status: 'FAIL',
          error: {
            id: 'api.web_socket_router.not_authenticated.app_error',
            message: 'Not authenticated',
            status_code: 401,
          },
        });
        return;
      }
      if (msg.action === 'ping') {
        reply({ status: 'OK', data: { text: 'pong', version: '11.9.0', server_time: Date.now() } });
        return;
      }
      reply({ status: 'OK' });
    });
  }

  send(res: ServerResponse, status: number, body: unknown): void {
    res.statusCode = status;
    // Exactly `application/json`: Client4 parses the body as JSON only for this value.
    res.setHeader('Content-Type', 'application/json');
    res.setHeader('X-Version-Id', '11.9.0.11.9.0.fake.false');
    res.end(JSON.stringify(body));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString();
    let body: unknown;
    if (raw) {
      try {
        body = JSON.parse(raw);
      } catch {
        body = raw;
      }
    }
    const auth = req.headers.authorization;
    this.requests.push({ method: req.method ?? 'GET', path: url.pathname + url.search, auth, body });
    try {
      this.route(req.method ?? 'GET', url, auth, body, res);
    } finally {
      this.notify();
    }
  }

  private route(
    method: string,
    url: URL,
    auth: string | undefined,
    body: unknown,
    res: ServerResponse,
  ): void {
    const error = (status: number, id: string, message: string) =>
      this.send(res, status, {
        id,
        message,
        detailed_error: '',
        request_id: mattermostId(),
        status_code: status,
      });
    const m = /^bearer (.+)$/i.exec(auth ?? '');
    const me = m ? this.tokens.get(m[1]!) : undefined;
    if (!me) {
      error(401, 'api.context.session_expired.app_error', 'Invalid or expired session, please login again.');
      return;
    }
    const path = url.pathname;
    if (method === 'GET' && path === '/api/v4/users/me') {
      this.send(res, 200, this.profile(me));
      return;
    }
    if (method === 'GET' && path === '/api/v4/users/me/teams') {
      this.send(res, 200, [{ ...this.team, type: 'O', delete_at: 0 }]);
      return;
    }
    const user = /^\/api\/v4\/users\/([a-z0-9]+)$/.exec(path);
    if (method === 'GET' && user) {
      const u = this.users.get(user[1]!);
      if (!u) error(404, 'app.user.missing_account.const', 'Unable to find the user.');
      else this.send(res, 200, this.profile(u));
      return;
    }
    if (method === 'POST' && path === '/api/v4/posts') {
      const p = (body ?? {}) as Partial<FakePost> & { file_ids?: string[] };
      const channel = typeof p.channel_id === 'string' ? this.channels.get(p.channel_id) : undefined;
      if (!channel) {
        error(403, 'api.context.permissions.app_error', 'You do not have the appropriate permissions.');
        return;
      }
      if (typeof p.message !== 'string' || (!p.message && !p.file_ids)) {
        error(400, 'api.context.invalid_body_param.app_error', 'Invalid or missing post in request body.');
        return;
      }
      if ([...p.message].length > MAX_POST_LENGTH) {
        error(400, 'model.post.is_valid.message_length.app_error', 'Message too long.');
        return;
      }
      if (p.root_id) {
        const root = this.posts.get(p.root_id);
        if (!root || root.channel_id !== channel.id || root.root_id) {
          error(400, 'api.post.create_post.root_id.app_error', 'Invalid RootId parameter.');
          return;
        }
      }
      const now = Date.now();
      const post: FakePost = {
        id: mattermostId(),
        create_at: now,
        update_at: now,
        edit_at: 0,
        delete_at: 0,
        user_id: me.id,
        channel_id: channel.id,
        root_id: p.root_id ?? '',
        message: p.message,
        type: '',
        props: { ...(p.props ?? {}), ...(me.is_bot ? { from_bot: 'true' } : {}) },
      };
      this.posts.set(post.id, post);
      this.created.push(post);
      this.send(res, 201, post);
      this.broadcastPosted(post, me, channel);
      return;
    }
    error(404, 'api.context.404.app_error', `Sorry, we could not find the page (${method} ${path}).`);
  }

  private profile(u: FakeUser) {
    return {
      id: u.id,
      username: u.username,
      first_name: '',
      last_name: '',
      nickname: '',
      email: `${u.username}@example.org`,
      roles: 'system_user',
      locale: 'nl',
      is_bot: u.is_bot ?? false,
      create_at: 0,
      update_at: 0,
      delete_at: 0,
    };
  }
}
