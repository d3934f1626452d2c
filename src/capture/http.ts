import { AsyncLocalStorage } from 'node:async_hooks';
import diagnosticsChannel from 'node:diagnostics_channel';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { Agent, type Dispatcher } from 'undici';
import type { Config } from '../config.ts';
import { CaptureError } from '../domain/errors.ts';
import { decodeContent, type Exchange, headerValue, type Purpose, responseHead } from '../domain/exchange.ts';

export type { Exchange, Purpose } from '../domain/exchange.ts';

import { checkUrl, guardedLookup } from './ssrf.ts';

export interface GetOptions {
  accept?: string;
  headers?: Record<string, string>;
  purpose?: Purpose;
  /** False: a redirect is returned as it came (the browser recorder lets the page follow it). */
  followRedirects?: boolean;
}

export interface Response {
  url: string;
  status: number;
  headers: Headers;
  body: Buffer;
  exchange: Exchange;
}

const urgency = new AsyncLocalStorage<true>();

/**
 * Runs `fn` as urgent work (the check a stream event or webhook asks for, and the capture it leads
 * to): its requests skip the pacing that spreads a host's requests over what is left of its window,
 * spending the headroom the background work (the re-checker's budget) leaves; when the host says its
 * window is spent they wait like any other.
 */
export function urgently<T>(fn: () => Promise<T>): Promise<T> {
  return urgency.run(true, fn);
}

const RETRYABLE = new Set([408, 425, 429, 500, 502, 503, 504]);

/** Retry-After (seconds or an HTTP date) as a wait in ms. */
export function retryAfter(headers: Headers, now = Date.now()): number | null {
  const value = headers.get('retry-after');
  if (!value) return null;
  const secs = Number(value);
  if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** Retry-After, else the platform's rate-limit reset header, as a wait in ms. */
export function waitFromHeaders(headers: Headers, now = Date.now()): number | null {
  const after = retryAfter(headers, now);
  if (after !== null) return after;
  const at = rateLimitResetAt(headers, now);
  return at === null ? null : Math.max(0, at - now);
}

/**
 * When a platform's rate-limit window resets (ms since the epoch), in any of the forms they send:
 * Mastodon's X-RateLimit-Reset is an ISO time; X's x-rate-limit-reset a unix time in seconds; the
 * IETF draft's RateLimit-Reset a delta in seconds, which atproto's xrpc-server sends as a unix time.
 */
function rateLimitResetAt(headers: Headers, now = Date.now()): number | null {
  const seconds = (n: number) => (n > 1e9 ? n * 1000 : now + n * 1000);
  const xReset = headers.get('x-ratelimit-reset') ?? headers.get('x-rate-limit-reset');
  if (xReset) {
    const at = Date.parse(xReset);
    if (!Number.isNaN(at)) return at;
    const n = Number(xReset);
    if (Number.isFinite(n)) return seconds(n);
  }
  const reset = headers.get('ratelimit-reset');
  if (reset && Number.isFinite(Number(reset))) return seconds(Number(reset));
  return null;
}

/** A platform's rate-limit window: its size, what is left of it, when it resets (ms since the epoch). */
export interface RateWindow {
  limit: number;
  remaining: number;
  resetAt: number;
}

/** A platform's rate-limit window from its headers (any of the three forms), or null when it names none. */
export function rateLimitWindow(headers: Headers, now = Date.now()): RateWindow | null {
  const limit = windowSize(headers);
  const left = remaining(headers);
  const resetAt = rateLimitResetAt(headers, now);
  if (limit === null || limit <= 0 || left === null || resetAt === null) return null;
  return { limit, remaining: left, resetAt };
}

/** The requests a host's rate-limit window allows, in any of the three header forms. */
function windowSize(headers: Headers): number | null {
  const v =
    headers.get('x-ratelimit-limit') ?? headers.get('x-rate-limit-limit') ?? headers.get('ratelimit-limit');
  return v === null || !Number.isFinite(Number(v)) ? null : Number(v);
}

function remaining(headers: Headers): number | null {
  const v =
    headers.get('x-ratelimit-remaining') ??
    headers.get('x-rate-limit-remaining') ??
    headers.get('ratelimit-remaining');
  return v === null || !Number.isFinite(Number(v)) ? null : Number(v);
}

/**
 * The one HTTP client every connector uses. It refuses blocked addresses (also after redirects and
 * DNS resolution), retries 429/5xx/timeouts with back-off honouring Retry-After and rate-limit
 * headers, and records every exchange so the pipeline can write it to the WARC.
 */
export class HttpClient {
  private readonly agent: Agent;
  /** Per host: do not send before this time (set when a host says its budget is spent). */
  private readonly notBefore = new Map<string, number>();
  /** Per host: the spacing between requests while its budget runs low, and the next free slot. */
  private readonly pace = new Map<string, { spacingMs: number; nextAt: number }>();

  constructor(
    readonly config: Config['http'],
    readonly log?: Logger,
  ) {
    this.agent = new Agent({
      connect: config.allowPrivateNetworks ? {} : { lookup: guardedLookup as never },
      headersTimeout: config.timeoutMs,
      bodyTimeout: config.timeoutMs,
      keepAliveTimeout: 10_000,
      connections: 16,
    });
  }

  session(): HttpSession {
    return new HttpSession(this);
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  /** One request with retries and redirects; every attempt is recorded. */
  async get(url: string, opts: GetOptions, record: (e: Exchange) => void): Promise<Response> {
    let current = url;
    let asked = opts;
    for (let hop = 0; ; hop++) {
      const res = await this.getWithRetries(current, asked, record);
      const location = res.headers.get('location');
      if (res.status >= 300 && res.status < 400 && location && opts.followRedirects !== false) {
        if (hop >= this.config.maxRedirects) {
          throw new CaptureError('platform-error', `too many redirects from ${url}`, false, {
            url,
            host: new URL(url).host,
            status: res.status,
            detail: 'too many redirects',
          });
        }
        const next = new URL(location, current);
        // A token is for the host it was given for: never sent on to another host.
        if (next.host !== new URL(current).host && asked.headers?.authorization) {
          const { authorization: _, ...headers } = asked.headers;
          asked = { ...asked, headers };
        }
        current = next.href;
        continue;
      }
      return res;
    }
  }

  private async getWithRetries(
    url: string,
    opts: GetOptions,
    record: (e: Exchange) => void,
  ): Promise<Response> {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new CaptureError('unsupported-url', `not a valid URL: ${url}`, false, { url });
    }
    checkUrl(parsed, this.config.allowPrivateNetworks, this.config.allowHosts);
    const host = parsed.host;
    let lastProblem = '';
    let lastStatus: number | null = null;
    for (let attempt = 0; attempt <= this.config.retries; attempt++) {
      await this.respectHostBudget(host);
      let res: Response;
      try {
        res = await this.once(parsed, opts);
      } catch (err) {
        if (err instanceof CaptureError && !err.retryable) throw err;
        lastProblem = err instanceof CaptureError ? err.message : `${(err as Error).message}`;
        if (attempt === this.config.retries) break;
        await sleep(this.backoff(attempt));
        continue;
      }
      record(res.exchange);
      this.noteBudget(host, res.headers);
      if (!RETRYABLE.has(res.status)) return res;
      lastProblem = `HTTP ${res.status}`;
      lastStatus = res.status;
      if (attempt === this.config.retries) break;
      // A 429 says when the budget resets (Retry-After or the rate-limit headers); a 5xx only
      // through Retry-After, since its rate-limit headers describe the budget, not the outage.
      const wait =
        (res.status === 429 ? waitFromHeaders(res.headers) : retryAfter(res.headers)) ??
        this.backoff(attempt);
      if (wait > this.config.maxWaitMs) {
        const when = new Date(Date.now() + wait).toISOString();
        throw new CaptureError('rate-limited', `${host} asks to wait until ${when}; try again later`, true, {
          url,
          host,
          status: res.status,
        });
      }
      this.log?.debug({ url, status: res.status, wait }, 'retrying');
      await sleep(Math.max(wait, 50));
    }
    const code = lastStatus === 429 ? 'rate-limited' : lastStatus ? 'platform-error' : 'network-error';
    throw new CaptureError(
      code,
      `${host} did not answer properly after ${this.config.retries + 1} tries (${lastProblem}); try again later`,
      true,
      { url, host, status: lastStatus, detail: lastProblem },
    );
  }

  private backoff(attempt: number): number {
    const base = this.config.backoffMs * 2 ** attempt;
    return base / 2 + Math.random() * (base / 2);
  }

  private async respectHostBudget(host: string): Promise<void> {
    const now = Date.now();
    let wait = 0;
    const until = this.notBefore.get(host);
    if (until && until > now) wait = until - now;
    else if (until) this.notBefore.delete(host);
    // Pacing: once half a host's budget is spent, requests are spread over what is left of its
    // window instead of running into the limit and stalling until it resets.
    const pace = urgency.getStore() ? undefined : this.pace.get(host);
    if (pace && pace.spacingMs > 0) {
      const at = Math.max(now + wait, pace.nextAt);
      pace.nextAt = at + pace.spacingMs;
      wait = at - now;
    }
    if (wait <= 0) return;
    if (wait > this.config.maxWaitMs) {
      throw new CaptureError(
        'rate-limited',
        `${host} rate limit is spent until ${new Date(now + wait).toISOString()}; try again later`,
        true,
        { host },
      );
    }
    this.log?.debug({ host, wait }, 'waiting for the host rate limit');
    await sleep(wait);
  }

  private noteBudget(host: string, headers: Headers): void {
    const left = remaining(headers);
    if (left === null) return;
    const wait = waitFromHeaders(headers);
    if (left === 0) {
      if (wait && wait > 0) this.notBefore.set(host, Date.now() + wait);
      return;
    }
    const limit = windowSize(headers);
    if (!wait || limit === null || left > limit / 2) {
      this.pace.delete(host);
      return;
    }
    const spacingMs = wait / left;
    const pace = this.pace.get(host);
    if (pace) pace.spacingMs = spacingMs;
    else this.pace.set(host, { spacingMs, nextAt: Date.now() });
  }

  private async once(url: URL, opts: GetOptions): Promise<Response> {
    const purpose = opts.purpose ?? 'api';
    const requestHeaders: Record<string, string> = {
      'user-agent': this.config.userAgent,
      accept: opts.accept ?? (purpose === 'api' ? 'application/json' : '*/*'),
      'accept-encoding': 'gzip, deflate, br',
      ...opts.headers,
    };
    const date = new Date().toISOString();
    const limit = purpose === 'media' ? this.config.maxMediaBytes : this.config.maxBodyBytes;
    let got: Received;
    let body: Buffer;
    try {
      got = await receive(this.agent, url, requestHeaders, limit, this.config.timeoutMs);
      body = await decodeContent(headerValue(got.headers, 'content-encoding'), got.body, limit);
    } catch (err) {
      if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(url, limit);
      throw toCaptureError(err, url);
    }
    const headers = new Headers();
    for (const [name, value] of got.headers) headers.append(name, value);
    // The head undici wrote, seen on its diagnostics channel; should it go unseen, the head it writes.
    // A token never goes into the WARC: its value is recorded as `Bearer [redacted]`.
    const sent = redactAuthorization(
      got.sent?.head ??
        [`GET ${url.pathname}${url.search} HTTP/1.1`, `host: ${url.host}`, 'connection: keep-alive']
          .concat(Object.entries(requestHeaders).map(([k, v]) => `${k}: ${v}`))
          .join('\r\n')
          .concat('\r\n\r\n'),
    );
    const exchange: Exchange = {
      method: 'GET',
      url: url.href,
      requestHeaders: headerLines(sent),
      status: got.status,
      statusText: got.statusText,
      responseHeaders: got.headers,
      body,
      wire: {
        request: Buffer.from(sent, 'latin1'),
        response: responseHead(got.status, got.statusText, got.headers),
        body: got.body,
      },
      date,
      purpose,
    };
    if (got.sent?.ip) exchange.ip = got.sent.ip;
    return { url: url.href, status: got.status, headers, body, exchange };
  }
}

function tooLarge(url: URL, limit: number, declared?: number): CaptureError {
  const size =
    declared === undefined
      ? `more than the limit of ${limit} bytes`
      : `${declared} bytes, more than the limit of ${limit}`;
  return new CaptureError('too-large', `${url.href} is ${size}`, false, { url: url.href, host: url.host });
}

/** What came back for one request, before any decoding. */
interface Received {
  status: number;
  statusText: string;
  /** Header fields as received: names as sent, in order, repeats kept (latin1, as HTTP sends them). */
  headers: [string, string][];
  /** The entity body as transferred (Content-Encoding kept; undici has removed a chunked coding). */
  body: Buffer;
  /** The request head undici wrote to the socket and the peer's address (null: not observed). */
  sent: { head: string; ip: string | undefined } | null;
}

/**
 * The request being written now, waiting for undici's `undici:client:sendHeaders` message: undici
 * calls the handler's onRequestStart and then publishes the head it writes, in one synchronous run,
 * so the message that follows belongs to the request that set this.
 */
let sending: { origin: string; path: string; seen: (head: string, ip: string | undefined) => void } | null =
  null;

diagnosticsChannel.channel('undici:client:sendHeaders').subscribe((message) => {
  const { request, headers, socket } = message as {
    request: { origin?: string | URL; path?: string };
    headers: string;
    socket: { remoteAddress?: string };
  };
  const waiting = sending;
  sending = null;
  if (!waiting || String(request.origin) !== waiting.origin || request.path !== waiting.path) return;
  // For a request without a body undici writes this head and then the blank line that ends it.
  waiting.seen(`${headers}\r\n`, socket.remoteAddress);
});

/**
 * A request head with its credentials replaced: the Authorization field's as `Bearer [redacted]`, an
 * API key header's (Google's `X-goog-api-key`, `X-API-Key`) as `[redacted]`.
 */
export function redactAuthorization(head: string): string {
  return head
    .replace(/^(authorization:[ \t]*)(\S+)[ \t]+[^\r\n]*/gim, '$1$2 [redacted]')
    .replace(/^((?:x-goog-api-key|x-api-key):[ \t]*)[^\r\n]+/gim, '$1[redacted]');
}

/** A request head's header fields as [name, value] pairs (the request line left out). */
function headerLines(head: string): [string, string][] {
  return head
    .split('\r\n')
    .slice(1)
    .filter((line) => line.includes(':'))
    .map((line) => {
      const at = line.indexOf(':');
      return [line.slice(0, at), line.slice(at + 1).trim()];
    });
}

/**
 * One GET through undici's dispatcher, without decoding: the status line, the header fields as
 * received and the body bytes as transferred, with the request head actually sent and the peer's
 * address. A body over `limit` (declared or read) fails with `too-large`.
 */
function receive(
  agent: Agent,
  url: URL,
  headers: Record<string, string>,
  limit: number,
  timeoutMs: number,
): Promise<Received> {
  return new Promise((resolve, reject) => {
    const path = `${url.pathname}${url.search}`;
    const chunks: Buffer[] = [];
    let size = 0;
    let head: Omit<Received, 'body' | 'sent'> | null = null;
    let sent: Received['sent'] = null;
    let controller: Dispatcher.DispatchController | null = null;
    let settled = false;
    const finish = (err: unknown, value?: Received) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (!err) return resolve(value!);
      controller?.abort(err as Error);
      reject(err);
    };
    const timer = setTimeout(
      () => finish(Object.assign(new Error('timed out'), { name: 'TimeoutError' })),
      timeoutMs,
    );
    const handler: Dispatcher.DispatchHandler = {
      onRequestStart(ctl) {
        controller = ctl;
        if (settled) return ctl.abort(new Error('aborted'));
        sending = { origin: url.origin, path, seen: (h, ip) => (sent = { head: h, ip }) };
      },
      onResponseStart(ctl, status, _parsed, statusText) {
        const raw = (ctl.rawHeaders ?? []) as Buffer[];
        const fields: [string, string][] = [];
        for (let i = 0; i + 1 < raw.length; i += 2) {
          fields.push([raw[i]!.toString('latin1'), raw[i + 1]!.toString('latin1')]);
        }
        head = { status, statusText: statusText ?? '', headers: fields };
        const declared = Number(headerValue(fields, 'content-length') ?? 0);
        if (declared > limit) finish(tooLarge(url, limit, declared));
      },
      onResponseData(_ctl, chunk) {
        size += chunk.length;
        if (size > limit) return finish(tooLarge(url, limit));
        chunks.push(chunk);
      },
      onResponseEnd() {
        if (!head) return finish(new Error('the answer ended before its headers'));
        finish(null, { ...head, body: Buffer.concat(chunks, size), sent });
      },
      onResponseError(_ctl, err) {
        finish(err);
      },
    };
    try {
      agent.dispatch({ origin: url.origin, path, method: 'GET', headers }, handler);
    } catch (err) {
      finish(err);
    }
  });
}

/** DNS answers that the name does not exist (Node reports EAI_NONAME and EAI_NODATA as ENOTFOUND). */
const NO_SUCH_NAME = new Set(['ENOTFOUND', 'EAI_NONAME']);

/** The error codes along an error's cause chain (undici wraps connect errors, happy eyeballs aggregates them). */
function errorCodes(err: unknown, depth = 0): string[] {
  if (!err || typeof err !== 'object' || depth > 5) return [];
  const e = err as { code?: unknown; cause?: unknown; errors?: unknown };
  return [
    ...(typeof e.code === 'string' ? [e.code] : []),
    ...errorCodes(e.cause, depth + 1),
    ...(Array.isArray(e.errors) ? e.errors.flatMap((x) => errorCodes(x, depth + 1)) : []),
  ];
}

/** What a failed fetch means for the capture: retryable unless it cannot heal (a name that does not exist). */
export function toCaptureError(err: unknown, url: URL): CaptureError {
  if (err instanceof CaptureError) return err;
  // undici wraps connect errors: the SSRF guard's refusal arrives as the cause.
  let cause: unknown = err;
  for (let i = 0; i < 4 && cause; i++) {
    if (cause instanceof CaptureError) {
      // The DNS guard knows only the host name; the sentence names the URL that was asked for.
      const vars = { url: url.href, host: url.host, ...cause.vars };
      return new CaptureError(cause.code, cause.message, cause.retryable, vars);
    }
    cause = (cause as { cause?: unknown }).cause;
  }
  const e = err as Error & { cause?: { code?: string; message?: string } };
  const host = url.host;
  if (e.name === 'TimeoutError' || e.name === 'AbortError') {
    return new CaptureError('network-error', `${host} did not answer within the time limit`, true, {
      url: url.href,
      host,
      detail: 'timeout',
    });
  }
  // A name that does not exist will not exist a minute later either: no retries (EAI_AGAIN, a
  // resolver that did not answer, is passing and stays retryable).
  if (errorCodes(err).some((code) => NO_SUCH_NAME.has(code))) {
    return new CaptureError('network-error', `${url.hostname} does not exist (DNS lookup failed)`, false, {
      url: url.href,
      host: url.hostname,
      detail: 'ENOTFOUND',
    });
  }
  const detail = e.cause?.code ?? e.cause?.message ?? e.message;
  return new CaptureError('network-error', `could not reach ${host} (${detail})`, true, {
    url: url.href,
    host,
    detail,
  });
}

/** The exchanges of one capture; they are written to the WARC only if the capture succeeds. */
export class HttpSession {
  readonly exchanges: Exchange[] = [];

  constructor(readonly client: HttpClient) {}

  get(url: string, opts: GetOptions = {}): Promise<Response> {
    return this.client.get(url, opts, (e) => this.exchanges.push(e));
  }

  /**
   * GET and parse JSON. A body that is not JSON is asked for once more (a truncated answer is
   * usually passing), then reported as a clear `bad-response` error.
   */
  async json<T>(url: string, opts: GetOptions = {}): Promise<{ res: Response; data: T }> {
    for (let attempt = 0; ; attempt++) {
      const res = await this.get(url, { accept: 'application/json', ...opts });
      try {
        return { res, data: JSON.parse(res.body.toString('utf8')) as T };
      } catch {
        if (attempt < 1) continue;
        const host = new URL(res.url).host;
        throw new CaptureError(
          'bad-response',
          `${host} sent an answer that is not valid JSON (HTTP ${res.status}) for ${res.url}`,
          true,
          { url: res.url, host, status: res.status },
        );
      }
    }
  }
}
