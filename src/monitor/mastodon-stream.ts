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

/**
 * The `user` stream of one Mastodon account over WebSocket (docs.joinmastodon.org/methods/streaming):
 * `update` becomes a `create` event, `status.update` an `update` and `delete` a `delete`.
 */
export function createMastodonStream(opts: MastodonStreamOptions): PostStream {
  const base = new URL(opts.baseUrl);
  if (base.protocol !== 'https:' && base.protocol !== 'http:')
    throw new Error(`Mastodon stream: ${opts.baseUrl} is not an http(s) URL`);
  const host = base.host;
  const origin = base.origin;
  const name = `mastodon:${host}`;
  const log = opts.log?.child({ stream: name });
  const known = new Map<string, string>(); // status id → uri
  const queue = new SerialQueue((err) =>
    log?.error({ err: (err as Error).message }, 'mastodon stream: event handler failed'),
  );
  let streamingBase: string | undefined = opts.streamingUrl?.replace(/\/+$/, '');

  const wsScheme = (u: string) => u.replace(/^http(s?):/i, 'ws$1:');

  /** configuration.urls.streaming from the instance; undefined when it cannot be asked right now. */
  async function discover(signal: AbortSignal): Promise<string | undefined> {
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
      log?.warn({ err: err.message }, 'mastodon stream: cannot ask the instance for its streaming URL');
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
      if (base.protocol === 'https:' && !/^wss:/i.test(advertised)) return wsScheme(origin);
      return advertised.replace(/\/+$/, '');
    }
    return wsScheme(origin);
  }

  const conn = new ReconnectingSocket(
    name,
    {
      async target(signal): Promise<SocketTarget> {
        if (streamingBase === undefined) streamingBase = await discover(signal);
        const at = streamingBase ?? wsScheme(origin);
        const path = `${at}/api/v1/streaming`;
        return {
          url: `${path}?access_token=${encodeURIComponent(opts.token)}`,
          safeUrl: path,
          headers: opts.token ? { authorization: `Bearer ${opts.token}` } : {},
        };
      },
      opened(ws, info) {
        ws.send(JSON.stringify({ type: 'subscribe', stream: STREAM }));
        if (info.reconnect && info.downSince !== null) {
          const gap = { host, from: new Date(info.downSince).toISOString(), to: new Date().toISOString() };
          log?.warn(
            gap,
            'mastodon stream: reconnected; events in the gap were not delivered (streams do not replay), polling covers them',
          );
          const onGap = opts.onGap;
          if (onGap) queue.push(() => onGap(gap));
        }
      },
      message(text) {
        handle(text);
      },
    },
    opts,
  );

  function remember(id: string, uri: string): void {
    known.delete(id);
    known.set(id, uri);
    if (known.size > MAX_KNOWN) known.delete(known.keys().next().value as string);
  }

  function handle(text: string): void {
    let frame: Frame;
    try {
      frame = JSON.parse(text) as Frame;
    } catch {
      log?.warn({ frame: text.slice(0, 200) }, 'mastodon stream: frame is not JSON');
      return;
    }
    if (frame === null || typeof frame !== 'object') return;
    if (frame.error !== undefined) {
      log?.error(
        { error: frame.error, status: frame.status },
        'mastodon stream: the server reported an error',
      );
      return;
    }
    if (Array.isArray(frame.stream) && !frame.stream.includes(STREAM)) return;
    const at = new Date().toISOString();
    const event = frame.event;
    if (event === 'delete') {
      const id = typeof frame.payload === 'number' ? String(frame.payload) : frame.payload;
      if (typeof id !== 'string' || !id)
        return void log?.warn({ event }, 'mastodon stream: delete without id');
      const uri = known.get(id);
      known.delete(id);
      emit({
        platform: 'mastodon',
        kind: 'delete',
        host,
        statusId: id,
        ...(uri !== undefined ? { uri } : {}),
        at,
      });
      return;
    }
    if (event !== 'update' && event !== 'status.update') return; // notifications, filters_changed, …
    let status: unknown = frame.payload;
    if (typeof status === 'string') {
      try {
        status = JSON.parse(status); // the payload is a JSON string inside the JSON frame
      } catch {
        return void log?.warn({ event }, 'mastodon stream: payload is not JSON');
      }
    }
    const s = status as { id?: unknown; uri?: unknown } | null;
    if (!s || typeof s !== 'object' || typeof s.id !== 'string' || typeof s.uri !== 'string')
      return void log?.warn({ event }, 'mastodon stream: payload is not a Status');
    remember(s.id, s.uri);
    emit({
      platform: 'mastodon',
      kind: event === 'update' ? 'create' : 'update',
      host,
      statusId: s.id,
      uri: s.uri,
      at,
      status: s as Record<string, unknown>,
    });
  }

  function emit(e: StreamEvent): void {
    queue.push(() => opts.onEvent(e));
  }

  return {
    name,
    get connected() {
      return conn.connected;
    },
    async start() {
      await conn.start();
    },
    /** Events already received are still handed over: the stream cannot give them again. */
    async stop() {
      await conn.stop();
      await queue.idle();
    },
  };
}
