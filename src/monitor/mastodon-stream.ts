import type WebSocket from 'ws';
import {
  type PostStream,
  ReconnectingSocket,
  SerialQueue,
  type SocketTarget,
  type StreamEvent,
  type StreamOptions,
} from './streams.ts';

export interface MastodonStreamOptions extends StreamOptions {
  /** https://instance: the instance of the account whose user stream this is. */
  baseUrl: string;
  /** User token of an account that follows the watched accounts (Mastodon ≥ 4.2 refuses streams without one). */
  token: string;
  /**
   * The streaming server (wss://…), when known. Otherwise it is asked of the instance once
   * (`GET /api/v2/instance` → `configuration.urls.streaming`; large instances stream from another host),
   * falling back to `baseUrl` with a ws(s) scheme.
   */
  streamingUrl?: string;
  /**
   * Called (in event order) after a reconnect: Mastodon streams do not replay, so whatever happened
   * between `from` and `to` was not seen here and only polling will find it.
   */
  onGap?: (gap: { host: string; from: string; to: string }) => void | Promise<void>;
}

/** Statuses this client has seen, newest last, so a bare-id `delete` can be given its uri. */
const MAX_KNOWN = 10_000;
const STREAM = 'user';

interface Frame {
  stream?: unknown;
  event?: unknown;
  payload?: unknown;
  error?: unknown;
  status?: unknown;
}

const wsScheme = (u: string) => u.replace(/^http(s?):/i, 'ws$1:');

/**
 * The `user` stream of one Mastodon account over WebSocket (docs.joinmastodon.org/methods/streaming):
 * `update` becomes a `create` event, `status.update` an `update` and `delete` a `delete`.
 */
export function createMastodonStream(opts: MastodonStreamOptions): PostStream {
  return new MastodonStream(opts);
}

class MastodonStream implements PostStream {
  readonly name: string;
  private readonly base: URL;
  private readonly host: string;
  private readonly origin: string;
  private readonly log: MastodonStreamOptions['log'];
  private readonly known = new Map<string, string>(); // status id → uri
  private readonly queue: SerialQueue;
  private readonly conn: ReconnectingSocket;
  private streamingBase: string | undefined;

  constructor(private readonly opts: MastodonStreamOptions) {
    this.base = new URL(opts.baseUrl);
    if (this.base.protocol !== 'https:' && this.base.protocol !== 'http:')
      throw new Error(`Mastodon stream: ${opts.baseUrl} is not an http(s) URL`);
    this.host = this.base.host;
    this.origin = this.base.origin;
    this.name = `mastodon:${this.host}`;
    this.log = opts.log?.child({ stream: this.name });
    this.queue = new SerialQueue((err) =>
      this.log?.error({ err: (err as Error).message }, 'mastodon stream: event handler failed'),
    );
    this.streamingBase = opts.streamingUrl?.replace(/\/+$/, '');
    this.conn = new ReconnectingSocket(
      this.name,
      {
        target: (signal) => this.target(signal),
        opened: (ws, info) => this.opened(ws, info),
        message: (text) => this.handle(text),
      },
      opts,
    );
  }

  get connected(): boolean {
    return this.conn.connected;
  }

  async start(): Promise<void> {
    await this.conn.start();
  }

  /** Events already received are still handed over: the stream cannot give them again. */
  async stop(): Promise<void> {
    await this.conn.stop();
    await this.queue.idle();
  }

  private async target(signal: AbortSignal): Promise<SocketTarget> {
    if (this.streamingBase === undefined) this.streamingBase = await this.discover(signal);
    const at = this.streamingBase ?? wsScheme(this.origin);
    const path = `${at}/api/v1/streaming`;
    return {
      url: `${path}?access_token=${encodeURIComponent(this.opts.token)}`,
      safeUrl: path,
      headers: this.opts.token ? { authorization: `Bearer ${this.opts.token}` } : {},
    };
  }

  /** configuration.urls.streaming from the instance; undefined when it cannot be asked right now. */
  private async discover(signal: AbortSignal): Promise<string | undefined> {
    const { opts, origin } = this;
    const timeout = AbortSignal.timeout(10_000);
    const res = await fetch(`${origin}/api/v2/instance`, {
      headers: {
        accept: 'application/json',
        ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
        ...(opts.userAgent ? { 'user-agent': opts.userAgent } : {}),
      },
      signal: AbortSignal.any([signal, timeout]),
    }).catch((err: Error) => {
      if (signal.aborted) throw err;
      this.log?.warn({ err: err.message }, 'mastodon stream: cannot ask the instance for its streaming URL');
      return undefined;
    });
    if (!res) return undefined;
    if (!res.ok) {
      await res.body?.cancel();
      // An old instance (no v2) or one that hides it: the streaming API is on the instance itself.
      return res.status === 404 || res.status === 401 || res.status === 403 ? wsScheme(origin) : undefined;
    }
    const body = (await res.json().catch(() => null)) as {
      configuration?: { urls?: { streaming?: unknown } };
    } | null;
    const advertised = body?.configuration?.urls?.streaming;
    if (typeof advertised === 'string' && /^wss?:\/\//i.test(advertised)) {
      // Never send the token in the clear when the instance itself is on https.
      if (this.base.protocol === 'https:' && !/^wss:/i.test(advertised)) return wsScheme(origin);
      return advertised.replace(/\/+$/, '');
    }
    return wsScheme(origin);
  }

  private opened(ws: WebSocket, info: { reconnect: boolean; downSince: number | null }): void {
    ws.send(JSON.stringify({ type: 'subscribe', stream: STREAM }));
    if (info.reconnect && info.downSince !== null) {
      const gap = {
        host: this.host,
        from: new Date(info.downSince).toISOString(),
        to: new Date().toISOString(),
      };
      this.log?.warn(
        gap,
        'mastodon stream: reconnected; events in the gap were not delivered (streams do not replay), polling covers them',
      );
      const onGap = this.opts.onGap;
      if (onGap) this.queue.push(() => onGap(gap));
    }
  }

  private remember(id: string, uri: string): void {
    const { known } = this;
    known.delete(id);
    known.set(id, uri);
    if (known.size > MAX_KNOWN) known.delete(known.keys().next().value as string);
  }

  private handle(text: string): void {
    let frame: Frame;
    try {
      frame = JSON.parse(text) as Frame;
    } catch {
      this.log?.warn({ frame: text.slice(0, 200) }, 'mastodon stream: frame is not JSON');
      return;
    }
    if (frame === null || typeof frame !== 'object') return;
    if (frame.error !== undefined) {
      this.log?.error(
        { error: frame.error, status: frame.status },
        'mastodon stream: the server reported an error',
      );
      return;
    }
    if (Array.isArray(frame.stream) && !frame.stream.includes(STREAM)) return;
    const at = new Date().toISOString();
    if (frame.event === 'delete') this.handleDelete(frame, at);
    else if (frame.event === 'update' || frame.event === 'status.update')
      this.handleStatus(frame, frame.event, at);
    // else notifications, filters_changed, …
  }

  private handleDelete(frame: Frame, at: string): void {
    const id = typeof frame.payload === 'number' ? String(frame.payload) : frame.payload;
    if (typeof id !== 'string' || !id)
      return void this.log?.warn({ event: frame.event }, 'mastodon stream: delete without id');
    const uri = this.known.get(id);
    this.known.delete(id);
    this.emit({
      platform: 'mastodon',
      kind: 'delete',
      host: this.host,
      statusId: id,
      ...(uri !== undefined ? { uri } : {}),
      at,
    });
  }

  private handleStatus(frame: Frame, event: 'update' | 'status.update', at: string): void {
    let status: unknown = frame.payload;
    if (typeof status === 'string') {
      try {
        status = JSON.parse(status); // the payload is a JSON string inside the JSON frame
      } catch {
        return void this.log?.warn({ event }, 'mastodon stream: payload is not JSON');
      }
    }
    const s = status as { id?: unknown; uri?: unknown } | null;
    if (!s || typeof s !== 'object' || typeof s.id !== 'string' || typeof s.uri !== 'string')
      return void this.log?.warn({ event }, 'mastodon stream: payload is not a Status');
    this.remember(s.id, s.uri);
    this.emit({
      platform: 'mastodon',
      kind: event === 'update' ? 'create' : 'update',
      host: this.host,
      statusId: s.id,
      uri: s.uri,
      at,
      status: s as Record<string, unknown>,
    });
  }

  private emit(e: StreamEvent): void {
    this.queue.push(() => this.opts.onEvent(e));
  }
}
