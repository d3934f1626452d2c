// Loopback fake of Slack, both ways, after the documented protocol (docs/reference/stack-notes.md §1):
// - the Web API the bot calls: form-encoded (or JSON) POST /api/<method>, `Authorization: Bearer xoxb-…`,
//   HTTP 200 with JSON {ok:true,…} or {ok:false,error}; auth.test, chat.postMessage, chat.postEphemeral,
//   chat.getPermalink, apps.connections.open (Socket Mode); Block Kit limits checked as Slack does
//   (invalid_blocks), channels the bot is not in answered with not_in_channel;
// - response_url receivers (JSON POST; at most 5 uses each, like Slack);
// - what Slack sends the app: signed slash commands, Events API callbacks and interactivity payloads
//   (v0 HMAC-SHA256 signature over `v0:<timestamp>:<raw body>`), or Socket Mode envelopes over a WebSocket.
import { createHmac, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type WebSocket, WebSocketServer } from 'ws';
import { listenOnLoopback } from './listen.ts';

// biome-ignore lint/suspicious/noExplicitAny: Slack payloads are JSON of many shapes; tests read what they need
type Json = any;

export interface SlackApiCall {
  method: string;
  /** The token the call carried (Bearer header, or `token` in the body). */
  token: string | undefined;
  contentType: string;
  /** The arguments, with JSON-valued form fields (blocks, attachments) parsed. */
  args: Record<string, Json>;
  /** What the fake answered. */
  answer: Json;
  at: number;
}

/** A message the bot produced, however it got there. */
export interface SlackPost {
  via: 'chat.postMessage' | 'chat.postEphemeral' | 'response_url';
  channel: string;
  /** For ephemeral messages: who sees it. */
  user?: string;
  thread_ts?: string;
  /** The message's own ts (postMessage). */
  ts?: string;
  ephemeral: boolean;
  text: string;
  blocks: Json[];
  /** response_url posts only. */
  response_type?: string;
  at: number;
}

export interface SentRequest {
  status: number;
  body: string;
  ms: number;
}

export interface FakeSlackOptions {
  botToken?: string;
  signingSecret?: string;
  appToken?: string;
}

const API = /^\/api\/([a-zA-Z.]+)$/;
const RESPONSE = /^\/response\/([A-Za-z0-9-]+)$/;

/** Checks blocks the way Slack does for messages; returns the problems (empty = valid). */
export function blockKitProblems(blocks: Json): string[] {
  const problems: string[] = [];
  if (!Array.isArray(blocks)) return ['blocks must be an array'];
  if (blocks.length > 50) problems.push(`${blocks.length} blocks (max 50)`);
  const actionIds = new Set<string>();
  const textLen = (t: Json) => (typeof t?.text === 'string' ? t.text.length : -1);
  blocks.forEach((b: Json, i: number) => {
    const at = `[${i}] ${b?.type}`;
    switch (b?.type) {
      case 'header':
        if (b.text?.type !== 'plain_text') problems.push(`${at}: text must be plain_text`);
        if (textLen(b.text) < 1 || textLen(b.text) > 150) problems.push(`${at}: text must be 1-150 chars`);
        break;
      case 'section':
        if (!b.text && !b.fields) problems.push(`${at}: needs text or fields`);
        if (b.text && (textLen(b.text) < 1 || textLen(b.text) > 3000))
          problems.push(`${at}: text must be 1-3000 chars`);
        if (b.fields) {
          if (b.fields.length > 10) problems.push(`${at}: more than 10 fields`);
          for (const f of b.fields)
            if (textLen(f) < 1 || textLen(f) > 2000) problems.push(`${at}: field too long`);
        }
        break;
      case 'context':
        if (!Array.isArray(b.elements) || b.elements.length < 1 || b.elements.length > 10)
          problems.push(`${at}: 1-10 elements`);
        for (const e of b.elements ?? [])
          if (textLen(e) < 1 || textLen(e) > 3000) problems.push(`${at}: bad element`);
        break;
      case 'divider':
        break;
      case 'actions':
        if (!Array.isArray(b.elements) || b.elements.length < 1 || b.elements.length > 25)
          problems.push(`${at}: 1-25 elements`);
        for (const e of b.elements ?? []) {
          if (e.type !== 'button') problems.push(`${at}: unexpected element ${e.type}`);
          if (e.text?.type !== 'plain_text' || textLen(e.text) < 1 || textLen(e.text) > 75)
            problems.push(`${at}: button text must be plain_text, 1-75 chars`);
          if (typeof e.value === 'string' && e.value.length > 2000) problems.push(`${at}: value too long`);
          if (e.style && e.style !== 'primary' && e.style !== 'danger') problems.push(`${at}: bad style`);
          if (e.url !== undefined && (typeof e.url !== 'string' || e.url.length < 1 || e.url.length > 3000))
            problems.push(`${at}: url must be 1-3000 chars`);
          // action_id may be left out of a url button (Slack makes one up); a button needs one or the other.
          if (e.action_id === undefined && e.url === undefined)
            problems.push(`${at}: needs action_id or url`);
          else if (e.action_id === undefined) continue;
          else if (typeof e.action_id !== 'string' || e.action_id.length > 255)
            problems.push(`${at}: bad action_id`);
          else if (actionIds.has(e.action_id)) problems.push(`${at}: duplicate action_id ${e.action_id}`);
          else actionIds.add(e.action_id);
        }
        break;
      default:
        problems.push(`${at}: unknown block type`);
    }
  });
  return problems;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseArgs(contentType: string, body: string): Record<string, Json> {
  if (contentType.startsWith('application/json')) return body ? JSON.parse(body) : {};
  const args: Record<string, Json> = {};
  for (const [k, v] of new URLSearchParams(body)) {
    // The Web API client JSON-encodes structured arguments inside the form.
    if (['blocks', 'attachments', 'metadata'].includes(k)) {
      try {
        args[k] = JSON.parse(v);
      } catch {
        args[k] = v;
      }
    } else args[k] = v;
  }
  return args;
}

export class FakeSlack {
  readonly botToken: string;
  readonly signingSecret: string;
  readonly appToken: string;
  readonly teamId = 'T_ARCHIEF';
  readonly botUserId = 'U_BOT';
  readonly botId = 'B_BOT';
  readonly appId = 'A_ARCHIEF';
  readonly calls: SlackApiCall[] = [];
  readonly posts: SlackPost[] = [];
  /** Channels the bot is not a member of: chat.postMessage/postEphemeral answer not_in_channel. */
  readonly notInChannel = new Set<string>();
  /** Web API methods made to fail with this Slack error (e.g. chat.getPermalink → channel_not_found). */
  readonly failures = new Map<string, string>();
  private readonly responseUrls = new Map<string, { channel: string; user: string; uses: number }>();
  private readonly sockets = new Set<WebSocket>();
  private readonly acks = new Map<string, (payload: Json) => void>();
  private readonly wss: WebSocketServer;
  private tsCounter = 0;
  private eventCounter = 0;
  private waiters: (() => void)[] = [];
  baseUrl = '';

  private constructor(
    private readonly server: Server,
    opts: FakeSlackOptions,
  ) {
    this.botToken = opts.botToken ?? 'xoxb-archief-test-token';
    this.signingSecret = opts.signingSecret ?? 'archief-test-signing-secret';
    this.appToken = opts.appToken ?? 'xapp-1-archief-test';
    this.wss = new WebSocketServer({ noServer: true });
    server.on('upgrade', (req, socket, head) => {
      if (!req.url?.startsWith('/link')) {
        socket.destroy();
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => this.onSocket(ws));
    });
  }

  static async start(opts: FakeSlackOptions = {}): Promise<FakeSlack> {
    let fake: FakeSlack | undefined;
    const server = createServer((req, res) => {
      void fake!.handle(req, res).catch((err) => {
        res.writeHead(500).end(String(err));
      });
    });
    fake = new FakeSlack(server, opts);
    fake.baseUrl = await listenOnLoopback(server);
    return fake;
  }

  /** The Web API base URL (SLACK_API_URL), with its trailing slash. */
  get apiUrl(): string {
    return `${this.baseUrl}/api/`;
  }

  /** The environment `serve` needs to talk to this fake over HTTP (add SLACK_APP_TOKEN for Socket Mode). */
  env(extra: { socketMode?: boolean } = {}): Record<string, string> {
    return {
      SLACK_BOT_TOKEN: this.botToken,
      SLACK_SIGNING_SECRET: this.signingSecret,
      SLACK_API_URL: this.apiUrl,
      ...(extra.socketMode ? { SLACK_APP_TOKEN: this.appToken } : {}),
    };
  }

  /** A fresh message timestamp, as Slack writes them ("1700000000.000100"), always increasing. */
  nextTs(): string {
    this.tsCounter++;
    return `${1_760_000_000 + this.tsCounter}.${String(this.tsCounter * 100).padStart(6, '0')}`;
  }

  /** A response_url for one command or interaction in `channel` by `user`. */
  newResponseUrl(channel: string, user: string): string {
    const id = randomUUID();
    this.responseUrls.set(id, { channel, user, uses: 0 });
    return `${this.baseUrl}/response/${id}`;
  }

  // --- the Web API and response_url side ------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.baseUrl);
    const body = await readBody(req);
    const contentType = String(req.headers['content-type'] ?? '');
    const json = (status: number, value: Json) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(value));
    };
    const resp = RESPONSE.exec(url.pathname);
    if (resp && req.method === 'POST') {
      const entry = this.responseUrls.get(resp[1]!);
      if (!entry) return json(404, { ok: false, error: 'expired_url' });
      if (entry.uses >= 5) return json(404, { ok: false, error: 'used_url' });
      let msg: Json;
      try {
        msg = JSON.parse(body);
      } catch {
        return json(400, { ok: false, error: 'invalid_payload' });
      }
      const problems = msg.blocks ? blockKitProblems(msg.blocks) : [];
      if (problems.length) return json(400, { ok: false, error: 'invalid_blocks', errors: problems });
      entry.uses++;
      const type = msg.response_type ?? 'ephemeral'; // Slack's default for response_url
      this.record({
        via: 'response_url',
        channel: entry.channel,
        user: type === 'ephemeral' ? entry.user : undefined,
        thread_ts: msg.thread_ts,
        ephemeral: type === 'ephemeral',
        text: msg.text ?? '',
        blocks: msg.blocks ?? [],
        response_type: type,
        at: Date.now(),
      });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      return;
    }
    const api = API.exec(url.pathname);
    if (!api || req.method !== 'POST') {
      res.writeHead(404).end('not found');
      return;
    }
    const method = api[1]!;
    const args = parseArgs(contentType, body);
    const bearer = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1];
    const token = bearer ?? args.token;
    const answer = this.answer(method, token, args);
    this.calls.push({ method, token, contentType, args, answer, at: Date.now() });
    json(200, answer);
    this.wake();
  }

  private answer(method: string, token: string | undefined, args: Record<string, Json>): Json {
    if (method === 'apps.connections.open') {
      if (!token) return { ok: false, error: 'not_authed' };
      if (token !== this.appToken) return { ok: false, error: 'invalid_auth' };
      return { ok: true, url: `${this.baseUrl.replace(/^http/, 'ws')}/link/?ticket=${randomUUID()}` };
    }
    if (!token) return { ok: false, error: 'not_authed' };
    if (token !== this.botToken) return { ok: false, error: 'invalid_auth' };
    const failure = this.failures.get(method);
    if (failure) return { ok: false, error: failure };
    switch (method) {
      case 'auth.test':
        return {
          ok: true,
          url: 'https://archief-test.slack.com/',
          team: 'Archief test',
          user: 'archiefbot',
          team_id: this.teamId,
          user_id: this.botUserId,
          bot_id: this.botId,
          is_enterprise_install: false,
        };
      case 'chat.postMessage':
      case 'chat.postEphemeral': {
        if (!args.channel) return { ok: false, error: 'channel_not_found' };
        if (method === 'chat.postEphemeral' && !args.user) return { ok: false, error: 'user_not_found' };
        if (!args.text && !args.blocks) return { ok: false, error: 'no_text' };
        if (this.notInChannel.has(args.channel)) return { ok: false, error: 'not_in_channel' };
        const problems = args.blocks ? blockKitProblems(args.blocks) : [];
        if (problems.length)
          return {
            ok: false,
            error: 'invalid_blocks',
            errors: problems,
            response_metadata: { messages: problems },
          };
        const ts = this.nextTs();
        const ephemeral = method === 'chat.postEphemeral';
        this.record({
          via: method,
          channel: args.channel,
          user: ephemeral ? args.user : undefined,
          thread_ts: args.thread_ts,
          ts: ephemeral ? undefined : ts,
          ephemeral,
          text: args.text ?? '',
          blocks: args.blocks ?? [],
          at: Date.now(),
        });
        return ephemeral
          ? { ok: true, message_ts: ts }
          : {
              ok: true,
              channel: args.channel,
              ts,
              message: {
                type: 'message',
                bot_id: this.botId,
                text: args.text,
                ts,
                thread_ts: args.thread_ts,
              },
            };
      }
      case 'chat.getPermalink':
        if (!args.channel || !args.message_ts) return { ok: false, error: 'invalid_arguments' };
        return {
          ok: true,
          channel: args.channel,
          permalink: `https://archief-test.slack.com/archives/${args.channel}/p${String(args.message_ts).replace('.', '')}`,
        };
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }

  private record(post: SlackPost): void {
    this.posts.push(post);
    this.wake();
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  /** Waits until `find` returns something (checked on every call and post), up to `timeoutMs`. */
  async waitFor<T>(find: () => T | undefined | false, timeoutMs = 5_000, what = 'a Slack call'): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = find();
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  // --- what Slack sends the app (HTTP) ----------------------------------------------------------

  /** The v0 signature headers for a raw body (timestamp in unix seconds; default now). */
  sign(
    body: string,
    timestamp = Math.floor(Date.now() / 1000),
    secret = this.signingSecret,
  ): Record<string, string> {
    const sig = createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex');
    return { 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': `v0=${sig}` };
  }

  /** POSTs a raw body to the app the way Slack does, signed unless told otherwise. */
  async deliver(
    endpoint: string,
    body: string,
    contentType: string,
    opts: { timestamp?: number; secret?: string; headers?: Record<string, string> } = {},
  ): Promise<SentRequest> {
    const started = performance.now();
    const res = await fetch(endpoint, {
      method: 'POST',
      headers: {
        'content-type': contentType,
        'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
        ...this.sign(body, opts.timestamp, opts.secret),
        ...opts.headers,
      },
      body,
    });
    const text = await res.text();
    return { status: res.status, body: text, ms: performance.now() - started };
  }

  /** The form fields of a slash command as Slack posts them (with a fresh response_url). */
  commandPayload(c: { user: string; channel: string; text: string; command?: string; userName?: string }) {
    return {
      token: 'deprecated-verification-token',
      team_id: this.teamId,
      team_domain: 'archief-test',
      channel_id: c.channel,
      channel_name: c.channel.startsWith('D') ? 'directmessage' : 'general',
      user_id: c.user,
      user_name: c.userName ?? c.user.toLowerCase(),
      command: c.command ?? '/archief',
      text: c.text,
      api_app_id: this.appId,
      is_enterprise_install: 'false',
      response_url: this.newResponseUrl(c.channel, c.user),
      trigger_id: `${Date.now()}.${randomUUID()}`,
    };
  }

  /** A slash command, form-encoded and signed. */
  async slashCommand(
    endpoint: string,
    c: { user: string; channel: string; text: string; command?: string },
    opts: { timestamp?: number; secret?: string } = {},
  ): Promise<SentRequest & { payload: ReturnType<FakeSlack['commandPayload']> }> {
    const payload = this.commandPayload(c);
    const body = new URLSearchParams(payload).toString();
    return { ...(await this.deliver(endpoint, body, 'application/x-www-form-urlencoded', opts)), payload };
  }

  /** The Events API envelope around an event (event_callback). */
  eventEnvelope(event: Json, eventId = `Ev${String(++this.eventCounter).padStart(8, '0')}`): Json {
    return {
      token: 'deprecated-verification-token',
      team_id: this.teamId,
      api_app_id: this.appId,
      event: { event_ts: event.ts, ...event },
      type: 'event_callback',
      event_id: eventId,
      event_time: Math.floor(Date.now() / 1000),
      authorizations: [
        {
          enterprise_id: null,
          team_id: this.teamId,
          user_id: this.botUserId,
          is_bot: true,
          is_enterprise_install: false,
        },
      ],
      is_ext_shared_channel: false,
    };
  }

  /** An Events API callback (JSON, signed); `retryNum` adds Slack's retry headers. */
  async event(
    endpoint: string,
    event: Json,
    opts: { eventId?: string; retryNum?: number } = {},
  ): Promise<SentRequest & { eventId: string }> {
    const envelope = this.eventEnvelope(event, opts.eventId);
    const headers: Record<string, string> = opts.retryNum
      ? { 'x-slack-retry-num': String(opts.retryNum), 'x-slack-retry-reason': 'http_timeout' }
      : {};
    const res = await this.deliver(endpoint, JSON.stringify(envelope), 'application/json', { headers });
    return { ...res, eventId: envelope.event_id };
  }

  /** A user's message as Slack writes it: `& < >` escaped, web links wrapped as `<url>`. */
  static slackText(text: string): string {
    return text
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/https?:\/\/[^\s<>&]+(?:&amp;[^\s<>&]+)*/g, (u) => `<${u}>`);
  }

  /** An app_mention event: `<@U_BOT> text` in a channel. */
  mention(c: { user: string; channel: string; text: string; ts?: string; thread_ts?: string }): Json {
    const ts = c.ts ?? this.nextTs();
    return {
      type: 'app_mention',
      user: c.user,
      text: `<@${this.botUserId}> ${FakeSlack.slackText(c.text)}`,
      ts,
      channel: c.channel,
      ...(c.thread_ts ? { thread_ts: c.thread_ts } : {}),
    };
  }

  /** A member_joined_channel event: `user` (the bot itself, by default) joined `channel`. */
  memberJoined(c: { channel: string; user?: string; inviter?: string }): Json {
    return {
      type: 'member_joined_channel',
      user: c.user ?? this.botUserId,
      channel: c.channel,
      channel_type: 'C',
      team: this.teamId,
      ...(c.inviter ? { inviter: c.inviter } : {}),
      ts: this.nextTs(),
    };
  }

  /** A message.im event: a direct message to the bot. */
  directMessage(c: {
    user: string;
    channel: string;
    text: string;
    ts?: string;
    subtype?: string;
    bot_id?: string;
  }): Json {
    const ts = c.ts ?? this.nextTs();
    return {
      type: 'message',
      channel_type: 'im',
      user: c.user,
      text: FakeSlack.slackText(c.text),
      ts,
      channel: c.channel,
      ...(c.subtype ? { subtype: c.subtype } : {}),
      ...(c.bot_id ? { bot_id: c.bot_id } : {}),
    };
  }

  /** An interactivity payload (`payload=<json>`, form-encoded, signed). */
  async interaction(endpoint: string, payload: Json): Promise<SentRequest> {
    const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    return this.deliver(endpoint, body, 'application/x-www-form-urlencoded');
  }

  /** The payload of the message shortcut `callbackId` on a message. */
  messageShortcutPayload(c: {
    user: string;
    channel: string;
    message: { ts: string; text: string; user?: string; thread_ts?: string };
    callbackId?: string;
  }): Json {
    return {
      type: 'message_action',
      token: 'deprecated-verification-token',
      action_ts: `${Date.now() / 1000}`,
      team: { id: this.teamId, domain: 'archief-test' },
      user: { id: c.user, username: c.user.toLowerCase(), team_id: this.teamId, name: c.user.toLowerCase() },
      channel: { id: c.channel, name: 'general' },
      is_enterprise_install: false,
      callback_id: c.callbackId ?? 'archive_link',
      trigger_id: `${Date.now()}.${randomUUID()}`,
      response_url: this.newResponseUrl(c.channel, c.user),
      message_ts: c.message.ts,
      message: { type: 'message', user: c.message.user ?? 'U_AUTHOR', ...c.message },
    };
  }

  /** The block_actions payload of pressing `button` (a rendered Block Kit button) on a posted message. */
  blockActionPayload(c: { user: string; post: SlackPost; button: Json }): Json {
    const blockId = c.post.blocks.find((b: Json) => b.elements?.includes(c.button))?.block_id ?? 'b1';
    const message = c.post.ephemeral
      ? undefined
      : {
          type: 'message',
          bot_id: this.botId,
          text: c.post.text,
          ts: c.post.ts,
          thread_ts: c.post.thread_ts,
          blocks: c.post.blocks,
        };
    return {
      type: 'block_actions',
      user: { id: c.user, username: c.user.toLowerCase(), name: c.user.toLowerCase(), team_id: this.teamId },
      api_app_id: this.appId,
      token: 'deprecated-verification-token',
      container: {
        type: 'message',
        message_ts: c.post.ts,
        channel_id: c.post.channel,
        is_ephemeral: c.post.ephemeral,
        ...(c.post.thread_ts ? { thread_ts: c.post.thread_ts } : {}),
      },
      trigger_id: `${Date.now()}.${randomUUID()}`,
      team: { id: this.teamId, domain: 'archief-test' },
      enterprise: null,
      is_enterprise_install: false,
      channel: { id: c.post.channel, name: 'general' },
      ...(message ? { message } : {}),
      response_url: this.newResponseUrl(c.post.channel, c.user),
      actions: [
        {
          type: 'button',
          action_id: c.button.action_id,
          block_id: blockId,
          text: c.button.text,
          value: c.button.value,
          ...(c.button.style ? { style: c.button.style } : {}),
          action_ts: `${Date.now() / 1000}`,
        },
      ],
    };
  }

  // --- Socket Mode --------------------------------------------------------------------------------

  private onSocket(ws: WebSocket): void {
    this.sockets.add(ws);
    ws.on('close', () => this.sockets.delete(ws));
    ws.on('message', (data) => {
      let msg: Json;
      try {
        msg = JSON.parse(String(data));
      } catch {
        return;
      }
      if (msg?.envelope_id) this.acks.get(msg.envelope_id)?.(msg.payload ?? {});
    });
    ws.send(
      JSON.stringify({
        type: 'hello',
        num_connections: this.sockets.size,
        debug_info: { host: 'fake-slack', approximate_connection_time: 18060 },
        connection_info: { app_id: this.appId },
      }),
    );
    this.wake();
  }

  /** How many Socket Mode clients are connected. */
  get socketClients(): number {
    return this.sockets.size;
  }

  /**
   * Sends a Socket Mode envelope to the connected app and resolves with its acknowledgement
   * (`payload` is what the app acked with) and how long that took.
   */
  async envelope(
    type: 'slash_commands' | 'events_api' | 'interactive',
    payload: Json,
    timeoutMs = 3_000,
  ): Promise<{ payload: Json; ms: number }> {
    const ws = [...this.sockets][0];
    if (!ws) throw new Error('no Socket Mode client is connected');
    const id = randomUUID();
    const started = performance.now();
    const acked = new Promise<Json>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`envelope ${type} not acknowledged in ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.acks.set(id, (p) => {
        clearTimeout(timer);
        this.acks.delete(id);
        resolve(p);
      });
    });
    ws.send(
      JSON.stringify({
        envelope_id: id,
        type,
        payload,
        accepts_response_payload: type !== 'events_api',
        ...(type === 'events_api' ? { retry_attempt: 0, retry_reason: '' } : {}),
      }),
    );
    const ackPayload = await acked;
    return { payload: ackPayload, ms: performance.now() - started };
  }

  async close(): Promise<void> {
    for (const ws of this.sockets) ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}
