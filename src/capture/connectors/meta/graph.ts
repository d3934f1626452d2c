/**
 * What Facebook Pages and Instagram share: Meta's Graph API (docs/reference/platform-apis.md §4.1,
 * §4.2, §8). One call reads one URL with a page's own token (an `Authorization: Bearer` header, which
 * graph.facebook.com accepts as it does `access_token`, and which the WARC keeps redacted, so the token
 * never lands in a stored URI), checks the usage headers and maps the Graph error envelope
 * `{"error":{message,type,code,error_subcode,fbtrace_id}}` to the archive's errors:
 *
 * - 100 with subcode 33 (and 803, "aliases do not exist"): the object does not exist or cannot be
 *   seen with this token — `not-found`; a re-check confirms with a second look before calling it deleted;
 * - 190 (and 102, 104): the token is expired, revoked or missing — `not-configured`, never a deletion;
 * - 4, 17, 32, 613, 80001–80014 and usage headers over 90%: rate-limited — the connector backs off;
 * - 10, 200–299: a permission the token lacks — `unavailable`;
 * - 1, 2 and HTTP 5xx: passing trouble at Meta — `platform-error`, retryable.
 */
import { z } from 'zod';
import { accountTokens } from '../../../config.ts';
import { AccountTokenMissing, CaptureError } from '../../../domain/errors.ts';
import type { Db } from '../../../store/db.ts';
import { insertAlert } from '../../../store/monitor.ts';
import { validAnswer } from '../../connector.ts';
import type { HttpSession } from '../../http.ts';

export type MetaPlatform = 'facebook' | 'instagram';
export const DISPLAY: Record<MetaPlatform, string> = { facebook: 'Facebook', instagram: 'Instagram' };

const GraphErrorBody = z
  .object({
    error: z.object({
      message: z.string().optional(),
      type: z.string().optional(),
      code: z.number().optional(),
      error_subcode: z.number().optional(),
      fbtrace_id: z.string().optional(),
    }),
  })
  .nullable()
  .catch(null);

/** `paging{cursors{before,after},next,previous}`: a next page exists when `next` is there. */
const Paging = z
  .object({
    cursors: z.object({ before: z.string().nullish(), after: z.string().nullish() }).nullish(),
    next: z.string().nullish(),
  })
  .nullish();

/** A Graph list (`{data:[…], paging}`) of `item`. */
export function graphList<T extends z.ZodType>(item: T) {
  return z.object({ data: z.array(item), paging: Paging });
}

/** The cursor of the page after this one, or null on the last page. */
export function nextCursor(list: { paging?: z.output<typeof Paging> }): string | null {
  return list.paging?.next && list.paging.cursors?.after ? list.paging.cursors.after : null;
}

/** Graph times (`2025-05-01T08:00:00+0000`) as ISO 8601. */
export function isoTime(t: string | null | undefined): string | null {
  if (!t) return null;
  const ms = Date.parse(t.replace(/([+-]\d\d)(\d\d)$/, '$1:$2'));
  return Number.isNaN(ms) ? t : new Date(ms).toISOString();
}

/** A media URL without its query (Meta's CDN URLs carry expiring signatures): a stable media key. */
export function stableKey(url: string): string {
  return url.replace(/[?#].*$/, '');
}

/** An account of config/accounts.yaml with its own token, for one Meta platform. */
export interface MetaToken {
  /** As written in the file. */
  account: string;
  /** The page or username the account's URL names (the connector's own parsing), lower case. */
  name: string;
  tokenEnv: string;
  token: string | null;
}

/** The `tokenEnv` entries of config/accounts.yaml whose account is one of this platform's (accountTokens re-reads the file when it changes). */
export function metaTokens(nameOf: (account: string) => string | null): MetaToken[] {
  const out: MetaToken[] = [];
  for (const t of accountTokens(process.env)) {
    const name = nameOf(t.account);
    if (name) out.push({ ...t, name: name.toLowerCase() });
  }
  return out;
}

/** The failure kinds of the Graph error envelope that the connectors act on. */
export type GraphFailureKind = 'gone' | 'token' | 'rate' | 'permission' | 'other';

export class GraphFailure extends CaptureError {
  constructor(
    readonly kind: GraphFailureKind,
    code: ConstructorParameters<typeof CaptureError>[0],
    message: string,
    retryable: boolean,
    vars: ConstructorParameters<typeof CaptureError>[3],
    readonly graphCode: number | null = null,
  ) {
    super(code, message, retryable, vars);
  }

  /** A refused token (190 and kin) is said as such in the user's language. */
  override get key(): string {
    return this.kind === 'token' ? 'error.token-refused' : super.key;
  }
}

const RATE_CODES = new Set([4, 17, 32, 613]);
/** Usage (percent of the hour's allowance) from which the connector stops asking for a while. */
export const USAGE_LIMIT = 90;
/** How long it stops when Meta does not say (`estimated_time_to_regain_access` is in minutes). */
const DEFAULT_PAUSE_MS = 60_000;

/**
 * Meta's usage headers (`X-App-Usage`, `X-Business-Use-Case-Usage`, JSON percentages): the highest
 * percentage they report and Meta's own estimate of the wait, in ms (0 when it gives none).
 */
export function usageFromHeaders(headers: Headers): { percent: number; waitMs: number } {
  let percent = 0;
  let waitMs = 0;
  const take = (o: unknown) => {
    if (!o || typeof o !== 'object') return;
    for (const k of ['call_count', 'total_cputime', 'total_time', 'acc_id_util_pct']) {
      const v = Number((o as Record<string, unknown>)[k]);
      if (Number.isFinite(v)) percent = Math.max(percent, v);
    }
    const regain = Number((o as Record<string, unknown>).estimated_time_to_regain_access);
    if (Number.isFinite(regain)) waitMs = Math.max(waitMs, regain * 60_000);
  };
  for (const name of ['x-app-usage', 'x-business-use-case-usage', 'x-page-usage']) {
    const raw = headers.get(name);
    if (!raw) continue;
    try {
      const parsed = JSON.parse(raw) as unknown;
      if (name === 'x-business-use-case-usage' && parsed && typeof parsed === 'object') {
        for (const list of Object.values(parsed)) for (const o of Array.isArray(list) ? list : []) take(o);
      } else take(parsed);
    } catch {
      // an unreadable header says nothing about usage
    }
  }
  return { percent, waitMs };
}

/**
 * Until when (ms) each Graph host is not asked again: shared by the Facebook and Instagram connectors of
 * this process, because Meta counts `X-App-Usage` per app, not per connector.
 */
const pausedUntil = new Map<string, number>();

/**
 * One Graph API host seen from this process: the base URL, the back-off after Meta says the app or
 * the page is near its limit, and what each token is (its page, asked once per process with `/me`).
 */
export class Graph {
  readonly base: string;
  readonly host: string;
  private readonly identities = new Map<string, unknown>();

  constructor(
    baseUrl: string,
    readonly platform: MetaPlatform,
    private readonly db?: Db,
  ) {
    this.base = baseUrl.replace(/\/+$/, '');
    this.host = new URL(this.base).host;
  }

  url(path: string, params: Record<string, string | null | undefined> = {}): string {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== null && v !== undefined) q.set(k, v);
    const s = q.toString();
    return `${this.base}/${path.replace(/^\/+/, '')}${s ? `?${s}` : ''}`;
  }

  /** Refuses to ask while Meta's usage is over the limit (a rate limit: retried later, never a deletion). */
  private checkPause(page: string): void {
    const left = (pausedUntil.get(this.host) ?? 0) - Date.now();
    if (left <= 0) return;
    throw new GraphFailure(
      'rate',
      'rate-limited',
      `the Graph API usage of this app is over ${USAGE_LIMIT}%; Archiefbot waits ${Math.ceil(left / 1000)} s before asking ${this.host} again`,
      true,
      { host: this.host, url: page, platform: DISPLAY[this.platform] },
    );
  }

  /** How long (ms) this process still waits before asking the Graph API again. */
  get pausedForMs(): number {
    return Math.max(0, (pausedUntil.get(this.host) ?? 0) - Date.now());
  }

  private pause(ms: number): void {
    pausedUntil.set(this.host, Math.max(pausedUntil.get(this.host) ?? 0, Date.now() + ms));
  }

  /**
   * GETs one Graph URL with the token and checks the answer against `schema`. `page`: the URL the user
   * gave (their error names it); `token`: whose token, for the not-configured sentence and the alert.
   */
  async get<S extends z.ZodType>(
    http: HttpSession,
    url: string,
    schema: S,
    what: string,
    ctx: { page: string; token: MetaToken & { token: string } },
  ): Promise<z.output<S>> {
    this.checkPause(ctx.page);
    const { res, data } = await http.json<unknown>(url, {
      headers: { authorization: `Bearer ${ctx.token.token}` },
    });
    const usage = usageFromHeaders(res.headers);
    if (usage.percent >= USAGE_LIMIT) this.pause(Math.max(usage.waitMs, DEFAULT_PAUSE_MS));
    const envelope = GraphErrorBody.parse(data);
    if (res.status < 300 && !envelope) return validAnswer(schema, data, url, what);
    throw await this.failure(res.status, envelope?.error ?? {}, what, ctx, usage.waitMs);
  }

  private async failure(
    status: number,
    e: { message?: string; code?: number; error_subcode?: number },
    what: string,
    ctx: { page: string; token: MetaToken },
    waitMs: number,
  ): Promise<GraphFailure> {
    const code = e.code ?? null;
    const platform = DISPLAY[this.platform];
    const vars = {
      url: ctx.page,
      host: this.host,
      status,
      platform,
      detail: code === null ? null : `#${code}`,
    };
    const said = `${this.host} answered HTTP ${status}${code === null ? '' : ` (#${code}${e.error_subcode ? `/${e.error_subcode}` : ''})`}: ${e.message ?? 'no message'}`;
    if ((code === 100 && e.error_subcode === 33) || code === 803) {
      return new GraphFailure(
        'gone',
        'not-found',
        `${what} does not exist on ${platform}, or this page's token may not see it (${said})`,
        false,
        vars,
        code,
      );
    }
    if (code === 190 || code === 102 || code === 104) {
      await this.tokenAlert(ctx.token, said);
      return new GraphFailure(
        'token',
        'not-configured',
        `the ${platform} token in ${ctx.token.tokenEnv} (tokenEnv for ${ctx.token.account} in config/accounts.yaml) was refused: it expired or was revoked; renew the page token, or capture the page with the browser method (${said})`,
        false,
        { ...vars, variable: ctx.token.tokenEnv },
        code,
      );
    }
    if ((code !== null && (RATE_CODES.has(code) || (code >= 80001 && code <= 80014))) || status === 429) {
      this.pause(Math.max(waitMs, DEFAULT_PAUSE_MS));
      return new GraphFailure(
        'rate',
        'rate-limited',
        `${platform} rate limit reached (${said})`,
        true,
        vars,
        code,
      );
    }
    if (code === 10 || (code !== null && code >= 200 && code <= 299)) {
      return new GraphFailure(
        'permission',
        'unavailable',
        `${what} needs a permission this token lacks (${said})`,
        false,
        vars,
        code,
      );
    }
    const passing = status >= 500 || code === 1 || code === 2;
    return new GraphFailure('other', 'platform-error', said, passing, vars, code);
  }

  /**
   * Tells the admins (a "capture degraded" alert, once a day per token) that a page's token was
   * refused: until it is renewed nothing of that page is captured or re-checked.
   */
  private async tokenAlert(token: MetaToken, said: string): Promise<void> {
    if (!this.db) return;
    const platform = DISPLAY[this.platform];
    try {
      const account = await this.db.get<{ id: number; handle: string }>(
        'SELECT id, handle FROM account WHERE platform = ? AND (lower(handle) = ? OR platform_id = ?) LIMIT 1',
        [this.platform, token.name, token.name],
      );
      await insertAlert(this.db, {
        kind: 'degraded',
        postId: null,
        accountId: account?.id ?? null,
        eventKey: `token-refused:${this.platform}:${token.tokenEnv}:${new Date().toISOString().slice(0, 10)}`,
        detectedAt: new Date().toISOString(),
        detail: {
          account: account?.handle ?? token.name,
          // What Meta said, for the record; the channel reads the notice in its own language.
          refused: said,
          notice: {
            key: 'alert.meta-token-refused',
            vars: { platform, account: token.account, variable: token.tokenEnv },
          },
        },
      });
    } catch {
      // The alert is a courtesy: the failed request itself is reported as an error either way.
    }
  }

  /** What a token is (its `/me`), asked once per process and token. */
  async identity<S extends z.ZodType>(
    http: HttpSession,
    token: MetaToken & { token: string },
    fields: string,
    schema: S,
    page: string,
  ): Promise<z.output<S>> {
    const known = this.identities.get(`${token.token}\u0000${fields}`);
    if (known) return known as z.output<S>;
    const me = await this.get(http, this.url('me', { fields }), schema, `the account of ${token.tokenEnv}`, {
      page,
      token,
    });
    this.identities.set(`${token.token}\u0000${fields}`, me);
    return me;
  }
}

/** The not-configured refusal for an account that has no token (or whose variable is empty). */
export function noToken(
  platform: MetaPlatform,
  account: string,
  url: string,
  tokenEnv?: string,
): CaptureError {
  const variable = tokenEnv ?? `tokenEnv for ${account} in config/accounts.yaml`;
  return new AccountTokenMissing(
    `${DISPLAY[platform]} posts are read with the page's own token, and there is none for ${account}: set ${variable} (see the README, "Platforms"), or capture the page with the browser method`,
    { platform: DISPLAY[platform], account, url, tokenEnv },
  );
}

/** Tokens that are set, in the file's order. */
export function usable(tokens: MetaToken[]): (MetaToken & { token: string })[] {
  return tokens.filter((t): t is MetaToken & { token: string } => Boolean(t.token));
}
