import type { IncomingMessage } from 'node:http';
import type { Logger } from 'pino';
import WebSocket from 'ws';
import { TOOL_NAME, TOOL_VERSION } from '../version.ts';

/**
 * What a platform stream reports about a post (or, for Bluesky, an account). `at` is when this client
 * received the event (the moment of detection); Jetstream's own clock is in `timeUs`.
 *
 * Mastodon `statusId` is the id on the instance whose stream this is (`host`), so the post's API
 * reference there is `https://${host}/api/v1/statuses/${statusId}`; `uri` is the ActivityPub id (the
 * archive's platformId). A `delete` carries only the bare id on the wire; `uri` is filled in when this
 * client saw the status earlier in its life (an `update` or `status.update`), else it is absent.
 */
export type StreamEvent =
  | { platform: 'mastodon'; kind: 'delete'; host: string; statusId: string; uri?: string; at: string }
  | {
      platform: 'mastodon';
      kind: 'update' | 'create';
      host: string;
      statusId: string;
      uri: string;
      at: string;
      /** The Status entity as the stream sent it (already parsed). */
      status?: Record<string, unknown>;
    }
  | {
      platform: 'bluesky';
      kind: 'delete' | 'update' | 'create';
      /** at://did/app.bsky.feed.post/rkey */
      uri: string;
      did: string;
      at: string;
      timeUs: number;
      /** The new record's CID (create, update). */
      cid?: string;
      /** The new record (create, update). */
      record?: Record<string, unknown>;
      rev?: string;
    }
  | {
      platform: 'bluesky';
      kind: 'account';
      did: string;
      active: boolean;
      /** Why inactive: takendown, suspended, deactivated, deleted, … */
      status?: string;
      at: string;
      timeUs: number;
    };

export interface PostStream {
  readonly name: string;
  /** Connects (resolves once the first attempt has opened or failed; failures are retried, never thrown). */
  start(): Promise<void>;
  /** Closes the socket, cancels every timer and waits for the event being handled, if any. */
  stop(): Promise<void>;
  /** connected now */
  readonly connected: boolean;
}

export interface StreamOptions {
  /** Called once per event, one at a time, in the order received. A throw is logged, never fatal. */
  onEvent: (e: StreamEvent) => void | Promise<void>;
  log?: Logger;
  /** Reconnect delays: defaults 1 s .. 60 s, with jitter. */
  backoff?: { minMs: number; maxMs: number };
  /** A ping goes out this often; a connection that answered nothing since the last one is cut. Default 30 s. */
  heartbeatMs?: number;
  /** Opening handshake timeout. Default 15 s. */
  handshakeTimeoutMs?: number;
  userAgent?: string;
}

export const DEFAULT_BACKOFF = { minMs: 1_000, maxMs: 60_000 } as const;

/**
 * The wait before reconnect attempt `attempt` (0 for the first after a failure): min(maxMs, minMs·2^attempt)
 * less a random part of up to a half ("equal jitter"), so a fleet of clients does not reconnect in step.
 */
export function backoffDelay(
  attempt: number,
  b: { minMs: number; maxMs: number } = DEFAULT_BACKOFF,
  random: () => number = Math.random,
): number {
  const cap = Math.min(b.maxMs, b.minMs * 2 ** Math.min(attempt, 30));
  return Math.round(cap / 2 + (random() * cap) / 2);
}

/** Runs tasks one after the other; `clear()` drops the ones not started, `idle()` waits for the running one. */
export class SerialQueue {
  private readonly items: (() => Promise<void> | void)[] = [];
  private running: Promise<void> | undefined;

  constructor(private readonly onError: (err: unknown) => void) {}

  push(task: () => Promise<void> | void): void {
    this.items.push(task);
    if (!this.running) this.running = this.run();
  }
  get size(): number {
    return this.items.length;
  }
  clear(): void {
    this.items.length = 0;
  }
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }
  private async run(): Promise<void> {
    try {
      for (let task = this.items.shift(); task; task = this.items.shift()) {
        try {
          await task();
        } catch (err) {
          this.onError(err);
        }
      }
    } finally {
      this.running = undefined;
    }
  }
}

export interface SocketTarget {
  url: string;
  headers?: Record<string, string>;
  /** The URL as it may be logged (no tokens). */
  safeUrl: string;
}

export interface SocketHooks {
  /** Where to connect next, or null to stay idle (nothing to subscribe to) until `kick()`. */
  target(signal: AbortSignal): Promise<SocketTarget | null>;
  opened(ws: WebSocket, info: { reconnect: boolean; downSince: number | null }): void;
  message(text: string): void;
  closed?(): void;
}

/** One connection attempt's own state, shared by its socket's event handlers. */
interface Attempt {
  ws: WebSocket;
  target: SocketTarget;
  /** Settles the attempt: on open, or on close when it never opened. Later calls do nothing. */
  resolve: () => void;
  /** When the socket opened; 0 while it has not. */
  openedAt: number;
  /** Why the attempt failed, for the log: the HTTP refusal or the first socket error. */
  failure: string;
  /** The server's Retry-After, the least wait before the next attempt. */
  retryAfterMs: number;
  /** Something came in since the last ping. */
  alive: boolean;
}

/** A connection closed after staying open this long counts as a success: the back-off starts over. */
const STABLE_MS = 10_000;

/**
 * One WebSocket kept open: connects, reconnects with exponential back-off and jitter when the socket
 * fails, drops or stops answering pings (honouring Retry-After on a refused handshake), and stops cleanly.
 */
export class ReconnectingSocket {
  private running = false;
  private ws: WebSocket | undefined;
  private attempt = 0;
  private timer: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private abort: AbortController | undefined;
  private attemptDone: Promise<void> | undefined;
  private idle = false;
  private immediate = false;
  private everOpened = false;
  private downSince: number | null = null;
  private readonly backoff: { minMs: number; maxMs: number };

  constructor(
    readonly name: string,
    private readonly hooks: SocketHooks,
    private readonly opts: StreamOptions,
  ) {
    this.backoff = opts.backoff ?? DEFAULT_BACKOFF;
  }

  private get log(): Logger | undefined {
    return this.opts.log;
  }

  get connected(): boolean {
    return this.ws?.readyState === WebSocket.OPEN;
  }
  get socket(): WebSocket | undefined {
    return this.connected ? this.ws : undefined;
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.attempt = 0;
    this.immediate = false;
    this.everOpened = false;
    this.downSince = Date.now();
    await this.connect();
  }

  /** Connects now if idle (the target was null); a pending back-off is left alone. */
  kick(): void {
    if (this.running && this.idle && !this.ws && !this.timer) void this.connect();
  }

  /** Closes the current connection (if any) and connects again at once, re-reading the target. */
  restart(): void {
    if (!this.running) return;
    if (this.ws) {
      this.immediate = true;
      this.ws.close(1000);
    } else if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
      void this.connect();
    } else this.kick();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.abort?.abort();
    const ws = this.ws;
    if (ws) {
      const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
      if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
      else if (ws.readyState === WebSocket.OPEN) ws.close(1000);
      const force = setTimeout(() => ws.terminate(), 2_000);
      await closed;
      clearTimeout(force);
    }
    await this.attemptDone;
    this.stopHeartbeat();
  }

  private connect(): Promise<void> {
    this.timer = undefined;
    if (!this.running || this.ws || this.attemptDone) return this.attemptDone ?? Promise.resolve();
    this.attemptDone = this.attemptOnce().finally(() => {
      this.attemptDone = undefined;
    });
    return this.attemptDone;
  }

  private async attemptOnce(): Promise<void> {
    this.idle = false;
    this.abort = new AbortController();
    let target: SocketTarget | null;
    try {
      target = await this.hooks.target(this.abort.signal);
    } catch (err) {
      if (!this.running) return;
      this.log?.warn(
        { stream: this.name, err: (err as Error).message },
        'stream: cannot prepare the connection',
      );
      this.schedule(0);
      return;
    }
    if (!this.running) return;
    if (!target) {
      this.idle = true;
      return;
    }
    await this.open(target);
  }

  /** One connection, from handshake to close: resolves once it has opened, or closed without opening. */
  private open(target: SocketTarget): Promise<void> {
    return new Promise<void>((resolve) => {
      const ws = new WebSocket(target.url, {
        headers: {
          'user-agent': this.opts.userAgent ?? `${TOOL_NAME}/${TOOL_VERSION}`,
          ...target.headers,
        },
        handshakeTimeout: this.opts.handshakeTimeoutMs ?? 15_000,
        perMessageDeflate: false,
      });
      this.ws = ws;
      const a: Attempt = { ws, target, resolve, openedAt: 0, failure: '', retryAfterMs: 0, alive: true };
      ws.on('open', () => this.onOpen(a));
      ws.on('pong', () => {
        a.alive = true;
      });
      ws.on('message', (data: WebSocket.RawData) => this.onMessage(a, data));
      ws.on('unexpected-response', (_req, res) => this.onRefused(a, res));
      ws.on('error', (err) => {
        a.failure ||= err.message;
      });
      ws.on('close', (code, reason) => this.onClose(a, code, reason));
    });
  }

  private onOpen(a: Attempt): void {
    const { ws } = a;
    a.openedAt = Date.now();
    const reconnect = this.everOpened || this.attempt > 0;
    this.everOpened = true;
    this.log?.info({ stream: this.name, url: a.target.safeUrl }, 'stream: connected');
    this.startHeartbeat(ws, () => {
      if (!a.alive) {
        this.log?.warn({ stream: this.name }, 'stream: no answer to ping, dropping the connection');
        ws.terminate();
        return false;
      }
      a.alive = false;
      return true;
    });
    try {
      this.hooks.opened(ws, { reconnect, downSince: this.downSince });
    } catch (err) {
      this.log?.error({ stream: this.name, err: (err as Error).message }, 'stream: open handler failed');
    }
    this.downSince = null;
    a.resolve();
  }

  private onMessage(a: Attempt, data: WebSocket.RawData): void {
    a.alive = true;
    const text = Buffer.isBuffer(data)
      ? data.toString('utf8')
      : Array.isArray(data)
        ? Buffer.concat(data).toString('utf8')
        : Buffer.from(data).toString('utf8');
    try {
      this.hooks.message(text);
    } catch (err) {
      this.log?.warn({ stream: this.name, err: (err as Error).message }, 'stream: bad message');
    }
  }

  /**
   * A handshake answered with an HTTP status instead of an upgrade: keeps Retry-After for the back-off
   * and the start of the body for the log (read for at most a second), then ends the attempt.
   */
  private onRefused(a: Attempt, res: IncomingMessage): void {
    const status = res.statusCode ?? 0;
    const ra = res.headers['retry-after'];
    const secs = typeof ra === 'string' ? Number(ra) : Number.NaN;
    if (Number.isFinite(secs) && secs > 0) a.retryAfterMs = Math.min(secs * 1000, 15 * 60_000);
    let body = '';
    let finished = false;
    const done = () => {
      if (finished) return;
      finished = true;
      clearTimeout(cap);
      a.failure = `HTTP ${status}${body ? ` ${body.trim().slice(0, 200)}` : ''}`;
      a.ws.terminate();
    };
    const cap = setTimeout(done, 1_000);
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      if (body.length < 2_000) body += chunk;
    });
    res.on('end', done);
    res.on('error', done);
  }

  private onClose(a: Attempt, code: number, reason: Buffer): void {
    this.stopHeartbeat();
    if (this.ws === a.ws) this.ws = undefined;
    const wasOpen = a.openedAt > 0;
    if (wasOpen) {
      this.downSince = Date.now();
      if (Date.now() - a.openedAt >= STABLE_MS) this.attempt = 0;
      try {
        this.hooks.closed?.();
      } catch {
        // a hook's failure must not stop reconnecting
      }
    }
    if (this.running) {
      const detail = {
        stream: this.name,
        url: a.target.safeUrl,
        ...(wasOpen ? { code, reason: reason.toString() } : {}),
        ...(a.failure ? { err: a.failure } : {}),
      };
      if (wasOpen) this.log?.warn(detail, 'stream: connection lost');
      else this.log?.warn(detail, 'stream: connection refused or failed');
      if (this.immediate) {
        this.immediate = false;
        this.attempt = 0;
        this.timer = setTimeout(() => void this.connect(), 0);
      } else this.schedule(a.retryAfterMs);
    }
    a.resolve();
  }

  private schedule(minDelayMs: number): void {
    if (!this.running || this.timer) return;
    const delay = Math.max(backoffDelay(this.attempt, this.backoff), minDelayMs);
    this.attempt++;
    this.log?.info({ stream: this.name, delayMs: delay, attempt: this.attempt }, 'stream: reconnecting');
    this.timer = setTimeout(() => void this.connect(), delay);
  }

  private startHeartbeat(ws: WebSocket, check: () => boolean): void {
    this.stopHeartbeat();
    this.heartbeat = setInterval(() => {
      if (ws.readyState !== WebSocket.OPEN) return;
      if (check()) ws.ping();
    }, this.opts.heartbeatMs ?? 30_000);
  }
  private stopHeartbeat(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }
}
