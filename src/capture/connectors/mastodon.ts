import { z } from 'zod';
import type { Config } from '../../config.ts';
import { CaptureError } from '../../domain/errors.ts';
import type {
  AccountInfo,
  HistoryEntry,
  MediaItem,
  MediaType,
  NormalisedPost,
  PostContent,
} from '../../domain/types.ts';
import type { Db } from '../../store/db.ts';
import type {
  AccountHandle,
  AccountPage,
  AccountSource,
  AccountTarget,
  BatchChecker,
  CheckRef,
  CheckResult,
  Connector,
  PostSource,
  PostTarget,
  Target,
  Thread,
} from '../connector.ts';
import { validAnswer } from '../connector.ts';
import { htmlToText } from '../html.ts';
import type { HttpClient, HttpSession, Response } from '../http.ts';
import { METHODS } from '../methods.ts';
import { accountToken, confirmHost, HostCapabilities, isMastodonApi, parseTokens } from './mastodon/hosts.ts';

/**
 * The parts of Mastodon's Status, Account and StatusEdit entities we read
 * (docs.joinmastodon.org/entities; docs/reference/platform-apis.md §1.4–1.5). Every answer is checked
 * against them before use: what the archive keys and shows is required, what servers may omit or
 * null is optional, and fields we do not read are allowed (and dropped).
 */
const MAccount = z.object({
  id: z.string(),
  username: z.string(),
  acct: z.string(),
  display_name: z.string().nullish(),
  url: z.string().nullish(),
  suspended: z.boolean().nullish(),
  statuses_count: z.number().nullish(),
});
type MAccount = z.output<typeof MAccount>;
const MAttachment = z.object({
  id: z.string(),
  type: z.string().nullish(),
  url: z.string().nullish(),
  remote_url: z.string().nullish(),
  description: z.string().nullish(),
});
type MAttachment = z.output<typeof MAttachment>;
const MShown = {
  content: z.string(),
  spoiler_text: z.string().nullish(),
  sensitive: z.boolean().nullish(),
  media_attachments: z.array(MAttachment).nullish(),
};
const MStatusOwn = z.object({
  ...MShown,
  id: z.string(),
  uri: z.string(),
  url: z.string().nullish(),
  created_at: z.string(),
  edited_at: z.string().nullish(),
  in_reply_to_id: z.string().nullish(),
  visibility: z.string().nullish(),
  language: z.string().nullish(),
  account: MAccount,
  replies_count: z.number().nullish(),
  reblogs_count: z.number().nullish(),
  favourites_count: z.number().nullish(),
  quotes_count: z.number().nullish(),
});
/** A status; a boost carries the boosted status in `reblog` (which is never a boost itself). */
const MStatus = MStatusOwn.extend({ reblog: MStatusOwn.nullish() });
type MStatus = z.output<typeof MStatus>;
const MStatusEdit = z.object({ ...MShown, created_at: z.string() });
const MContext = z.object({ ancestors: z.array(MStatus), descendants: z.array(MStatus) });

/**
 * Post URLs of Mastodon-API servers. Ids are opaque: Mastodon's numbers, Hollo's UUIDs, GoToSocial's
 * ULIDs, Akkoma's and Pleroma's flake ids; one holds a digit, which tells it from the pages beside
 * (`/@user/media`, `/@user/with_replies`). `user`: the account, when the URL names it.
 */
const POST_PATHS = [
  /^\/@(?<user>[^/@]+(?:@[^/]+)?)\/(?<id>[0-9A-Za-z][0-9A-Za-z_-]*)\/?$/, // Mastodon, Hollo
  /^\/@(?<user>[^/@]+)\/statuses\/(?<id>[0-9A-Za-z][0-9A-Za-z_-]*)\/?$/, // GoToSocial
  /^\/users\/(?<user>[^/]+)\/statuses\/(?<id>[0-9A-Za-z][0-9A-Za-z_-]*)\/?$/, // ActivityPub ids
  /^\/notice\/(?<id>[0-9A-Za-z][0-9A-Za-z_-]*)\/?$/, // Akkoma, Pleroma
];
const ACCOUNT_PATHS = [/^\/@([^/@]+)\/?$/, /^\/users\/([^/]+)\/?$/];

/** The account and status id a post URL names (the account only when the URL has it). */
function postPath(path: string): { user: string | null; id: string } | null {
  for (const re of POST_PATHS) {
    const g = re.exec(path)?.groups;
    if (g?.id && /\d/.test(g.id)) return { user: g.user ?? null, id: g.id };
  }
  return null;
}

function base(url: string): string {
  const u = new URL(url);
  return `${u.protocol}//${u.host}`;
}

function mediaType(t: string | null | undefined): MediaType {
  return t === 'image' || t === 'video' || t === 'gifv' || t === 'audio' ? t : 'unknown';
}

function media(attachments: MAttachment[] | null | undefined): MediaItem[] {
  return (attachments ?? [])
    .filter((a) => a.url || a.remote_url)
    .map((a) => ({
      key: a.id,
      url: (a.url ?? a.remote_url)!,
      type: mediaType(a.type),
      description: a.description ?? null,
    }));
}

function accountInfo(a: MAccount, host: string): AccountInfo {
  return {
    platform: 'mastodon',
    handle: a.acct.includes('@') ? a.acct : `${a.acct}@${host}`,
    platformId: `${host}:${a.id}`,
    displayName: a.display_name || null,
    url: a.url ?? null,
  };
}

function content(
  s: {
    content: string;
    spoiler_text?: string | null;
    sensitive?: boolean | null;
    media_attachments?: MAttachment[] | null;
  },
  visibility: string | null,
  language: string | null,
): PostContent {
  return {
    text: htmlToText(s.content),
    html: s.content,
    title: null,
    spoilerText: s.spoiler_text ?? '',
    sensitive: Boolean(s.sensitive),
    visibility,
    language,
    media: media(s.media_attachments),
  };
}

/**
 * Any Mastodon instance (social.overheid.nl first): a status with its context and edit history,
 * and whole accounts page by page. Public statuses need no token. Status ids are local to the
 * instance queried, so the archive keys posts by their ActivityPub `uri`.
 */
export class MastodonConnector implements Connector, PostSource, AccountSource, BatchChecker {
  readonly platform = 'mastodon' as const;
  readonly method = {
    ...METHODS.api,
    misses: [
      ...METHODS.api.misses,
      'replies beyond what Mastodon serves without login (60 replies, depth 20)',
    ],
  };

  /** What each host was found to support (batch look-up, edit history), for a day. */
  private readonly caps: HostCapabilities;
  /** MASTODON_TOKENS: host (with port) → token. */
  private readonly tokens: Map<string, string>;

  constructor(
    readonly config: Config,
    private readonly db: Db | null = null,
  ) {
    this.caps = new HostCapabilities(db);
    this.tokens = parseTokens(config.mastodon.tokens ?? '');
  }

  /** A URL of a Mastodon-API shape, unless its host answered that it is no Mastodon-API server. */
  match(url: URL): Target | null {
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
    const kind = postPath(url.pathname)
      ? 'post'
      : ACCOUNT_PATHS.some((re) => re.test(url.pathname))
        ? 'account'
        : null;
    if (!kind || isMastodonApi(url.host) === false) return null;
    return { kind, url: url.href };
  }

  /** Confirms once per host (and process) that a URL of this shape is on a Mastodon-API server. */
  async probe(url: URL, http: HttpClient): Promise<void> {
    if (this.match(url)) await confirmHost(base(url.href), http, this.db);
  }

  lookupKeys(url: URL): string[] {
    const p = postPath(url.pathname);
    if (!p?.user || p.user.includes('@')) return [];
    return [`${url.protocol}//${url.host}/users/${p.user}/statuses/${p.id}`];
  }

  /** The token to send to `url`'s host: the account's own (tokenEnv), else the host's (MASTODON_TOKENS). */
  private token(url: string, accountUrl?: string | null): string | null {
    return accountToken(accountUrl) ?? this.tokens.get(new URL(url).host.toLowerCase()) ?? null;
  }

  private headers(
    url: string,
    accountUrl?: string | null,
  ): { accept: string; headers?: Record<string, string> } {
    const token = this.token(url, accountUrl);
    return token
      ? { accept: 'application/json', headers: { authorization: `Bearer ${token}` } }
      : { accept: 'application/json' };
  }

  private statusId(target: PostTarget): string {
    const p = postPath(new URL(target.url).pathname);
    if (p) return p.id;
    throw new CaptureError('unsupported-url', `not a Mastodon post URL: ${target.url}`, false, {
      url: target.url,
    });
  }

  /**
   * Maps Mastodon's documented error answers to what they mean for the archive. `page`: the URL
   * the user gave (the post or account), which their error message names instead of the API's.
   */
  private check(res: Response, what: string, page: string, withToken: boolean): void {
    if (res.status < 300) return;
    const host = new URL(res.url).host;
    const vars = { url: page, host, status: res.status, platform: 'Mastodon' };
    if (res.status === 401 && !withToken) {
      throw new CaptureError(
        'login-required',
        `${host} requires a login to read ${what} (HTTP 401): set MASTODON_TOKENS=${host}=<token>, or tokenEnv for the account in config/accounts.yaml`,
        false,
        { ...vars, variable: 'MASTODON_TOKENS' },
      );
    }
    if (res.status === 404 || res.status === 410) {
      throw new CaptureError(
        'not-found',
        `${what} was not found on ${host}: deleted, private, or its author is suspended`,
        false,
        vars,
      );
    }
    if (res.status === 401 || res.status === 403) {
      throw new CaptureError(
        'unavailable',
        `${host} requires a login to read ${what} (HTTP ${res.status})`,
        false,
        vars,
      );
    }
    throw new CaptureError('platform-error', `${host} answered HTTP ${res.status} for ${what}`, false, vars);
  }

  /** GET an API answer, mapped to what its error status means, parsed and checked against `schema`. */
  private async get<S extends z.ZodType>(
    http: HttpSession,
    url: string,
    schema: S,
    what: string,
    page: string,
    accountUrl?: string | null,
  ): Promise<{ data: z.output<S>; res: Response }> {
    const opts = this.headers(url, accountUrl);
    const first = await http.get(url, opts);
    this.check(first, what, page, Boolean(opts.headers));
    let parsed: { data: unknown; res: Response };
    // Parse through the session so a malformed body is retried and reported the same way everywhere.
    try {
      parsed = { data: JSON.parse(first.body.toString('utf8')), res: first };
    } catch {
      parsed = await http.json<unknown>(url, opts);
    }
    return { data: validAnswer(schema, parsed.data, url, what), res: parsed.res };
  }

  normalise(
    s: MStatus,
    host: string,
    apiBase: string,
    sourceUrl: string,
    parentUri: string | null,
  ): NormalisedPost {
    const shown = s.reblog ?? s;
    const visibility = s.visibility ?? null;
    const language = shown.language ?? null;
    return {
      platform: 'mastodon',
      platformId: s.uri,
      url: s.url ?? s.uri,
      apiRef: `${apiBase}/api/v1/statuses/${s.id}`,
      account: accountInfo(s.account, host),
      kind: s.reblog ? 'repost' : s.in_reply_to_id ? 'reply' : 'post',
      parentPlatformId: parentUri,
      createdAt: s.created_at,
      editedAt: shown.edited_at ?? null,
      content: content(shown, visibility, language),
      counts: {
        replies: s.replies_count ?? 0,
        reblogs: s.reblogs_count ?? 0,
        favourites: s.favourites_count ?? 0,
        quotes: s.quotes_count ?? 0,
      },
      history: null,
      sourceUrl,
    };
  }

  async fetchThread(target: PostTarget, http: HttpSession, opts: { maxReplies: number }): Promise<Thread> {
    const apiBase = base(target.url);
    const host = new URL(target.url).host;
    const id = this.statusId(target);
    const statusUrl = `${apiBase}/api/v1/statuses/${id}`;
    const { data: status } = await this.get(http, statusUrl, MStatus, 'the post', target.url);
    const contextUrl = `${statusUrl}/context`;
    // Without replies wanted (a re-check that only needs the new version), the thread is not asked for.
    const context =
      opts.maxReplies > 0
        ? (await this.get(http, contextUrl, MContext, 'the replies of the post', target.url)).data
        : { ancestors: [], descendants: [] };
    const uriById = new Map<string, string>([[status.id, status.uri]]);
    for (const s of [...context.ancestors, ...context.descendants]) uriById.set(s.id, s.uri);
    const parentOf = (s: MStatus) => (s.in_reply_to_id ? (uriById.get(s.in_reply_to_id) ?? null) : null);

    const post = this.normalise(status, host, apiBase, statusUrl, parentOf(status));
    if (status.edited_at) post.history = await this.history(http, status, statusUrl, target.url);
    return {
      post,
      ancestors: context.ancestors.map((s) => this.normalise(s, host, apiBase, contextUrl, parentOf(s))),
      replies: context.descendants
        .slice(0, opts.maxReplies)
        .map((s) => this.normalise(s, host, apiBase, contextUrl, parentOf(s))),
    };
  }

  /**
   * The edit history of an edited status, or null on a server without `/history` (404, 400, 422 or
   * 501 there; remembered for a day, so it is not asked again meanwhile).
   */
  private async history(
    http: HttpSession,
    status: MStatus,
    statusUrl: string,
    page: string,
  ): Promise<HistoryEntry[] | null> {
    const host = new URL(statusUrl).host;
    if ((await this.caps.get(host, 'editHistory')) === false) return null;
    const historyUrl = `${statusUrl}/history`;
    let edits: z.output<typeof MStatusEdit>[];
    try {
      edits = (await this.get(http, historyUrl, z.array(MStatusEdit), 'the edit history of the post', page))
        .data;
    } catch (err) {
      const code = err instanceof CaptureError ? err.vars.status : null;
      if (code !== 404 && code !== 400 && code !== 422 && code !== 501) throw err;
      await this.caps.set(host, 'editHistory', false);
      return null;
    }
    await this.caps.set(host, 'editHistory', true);
    const visibility = status.visibility ?? null;
    return edits.map(
      (e): HistoryEntry => ({ at: e.created_at, content: content(e, visibility, status.language ?? null) }),
    );
  }

  async openAccount(target: AccountTarget, http: HttpSession): Promise<AccountHandle> {
    const u = new URL(target.url);
    const username = ACCOUNT_PATHS.map((re) => re.exec(u.pathname)).find(Boolean)?.[1];
    if (!username) {
      throw new CaptureError('unsupported-url', `not a Mastodon account URL: ${target.url}`, false, {
        url: target.url,
      });
    }
    const apiBase = base(target.url);
    const lookup = `${apiBase}/api/v1/accounts/lookup?acct=${encodeURIComponent(username)}`;
    const { data: account } = await this.get(
      http,
      lookup,
      MAccount,
      `the account @${username}`,
      target.url,
      target.url,
    );
    if (account.suspended) {
      throw new CaptureError(
        'unavailable',
        `the account @${username}@${u.host} is suspended; its posts are not served`,
        false,
        { url: target.url, host: u.host, detail: 'suspended' },
      );
    }
    return {
      account: accountInfo(account, u.host),
      total: account.statuses_count ?? null,
      ref: `${apiBase}/api/v1/accounts/${account.id}/statuses?limit=${this.config.mastodon.pageSize}`,
    };
  }

  /** One page of the account's statuses, following the `Link: rel="next"` header as the docs ask. */
  async listAccount(handle: AccountHandle, http: HttpSession, cursor: string | null): Promise<AccountPage> {
    const url = cursor ?? handle.ref;
    const page = handle.account.url ?? handle.ref;
    const { data, res } = await this.get(
      http,
      url,
      z.array(MStatus),
      'the posts of the account',
      page,
      handle.account.url,
    );
    const apiBase = base(url);
    const host = new URL(url).host;
    const uriById = new Map(data.map((s) => [s.id, s.uri]));
    const posts = data.map((s) =>
      this.normalise(
        s,
        host,
        apiBase,
        url,
        s.in_reply_to_id ? (uriById.get(s.in_reply_to_id) ?? null) : null,
      ),
    );
    const link = data.length ? nextLink(res.headers.get('link')) : null;
    return { posts, next: link === null ? null : this.nextUrl(link, url), self: new URL(url).href };
  }

  /** A `Link: rel="next"` target as an absolute URL; a clear error for one that is no URL at all. */
  private nextUrl(link: string, url: string): string {
    const next = URL.canParse(link, url) ? new URL(link, url) : null;
    if (next?.protocol === 'https:' || next?.protocol === 'http:') return next.href;
    const host = new URL(url).host;
    throw new CaptureError(
      'bad-response',
      `${host} sent a next-page link that is not a web address: ${link}`,
      false,
      {
        url,
        host,
        detail: 'bad Link header',
      },
    );
  }

  /**
   * Batch re-check through `GET /api/v1/statuses?id[]=` (Mastodon 4.3+, 20 ids a request): the
   * statuses it leaves out are asked for one by one; a 404 then is a deletion unless the author's
   * account is suspended (`GET /api/v1/accounts/:id` says so), which is `unavailable`. A server
   * without the batch endpoint (404, 400, 422 or 501 to it; remembered for a day) is asked status by
   * status, through the same client and so within the same per-host rate budget.
   */
  async checkPosts(refs: CheckRef[], http: HttpSession): Promise<Map<string, CheckResult>> {
    const out = new Map<string, CheckResult>();
    const byBase = new Map<string, { ref: CheckRef; id: string }[]>();
    for (const ref of refs) {
      const m = ref.apiRef ? /^(https?:\/\/[^/]+)\/api\/v1\/statuses\/([^/?#]+)$/.exec(ref.apiRef) : null;
      if (!m) {
        out.set(ref.platformId, { state: 'error', reason: 'no API reference to check this post with' });
        continue;
      }
      const list = byBase.get(m[1]!) ?? [];
      list.push({ ref, id: m[2]! });
      byBase.set(m[1]!, list);
    }
    for (const [apiBase, items] of byBase) {
      for (let i = 0; i < items.length; i += BATCH) {
        const batch = items.slice(i, i + BATCH);
        const found = await this.checkBatch(apiBase, batch, http, out);
        for (const b of batch) {
          if (out.has(b.ref.platformId)) continue;
          const s = found?.get(b.id);
          const url = `${apiBase}/api/v1/statuses/${b.id}`;
          if (s)
            out.set(b.ref.platformId, {
              state: 'live',
              post: this.normalise(s, new URL(url).host, apiBase, url, null),
            });
          else if (b.ref.deleted && found)
            out.set(b.ref.platformId, { state: 'deleted', reason: 'still left out of the batch look-up' });
          else out.set(b.ref.platformId, await this.confirmMissing(b.ref, url, http));
        }
      }
    }
    return out;
  }

  /**
   * One batch look-up: the statuses found by id, or null on a server without the endpoint (each is
   * then asked for on its own). An error sets every status of the batch to `error` in `out`.
   */
  private async checkBatch(
    apiBase: string,
    batch: { ref: CheckRef; id: string }[],
    http: HttpSession,
    out: Map<string, CheckResult>,
  ): Promise<Map<string, MStatus> | null> {
    const host = new URL(apiBase).host;
    const known = await this.caps.get(host, 'batchLookup');
    if (known === false) return null;
    const url = `${apiBase}/api/v1/statuses?${batch.map((b) => `id[]=${encodeURIComponent(b.id)}`).join('&')}`;
    try {
      const res = await http.get(url, this.headers(url));
      if ([404, 400, 422, 501].includes(res.status)) {
        await this.caps.set(host, 'batchLookup', false);
        return null;
      }
      if (res.status !== 200)
        throw new CaptureError(
          'platform-error',
          `${host} answered HTTP ${res.status} to a batch check`,
          true,
          {
            url,
            host,
            status: res.status,
          },
        );
      const found = validAnswer(
        z.array(MStatus),
        JSON.parse(res.body.toString('utf8')),
        url,
        'a batch check',
      );
      if (known === null) await this.caps.set(host, 'batchLookup', true);
      return new Map(found.map((s) => [s.id, s]));
    } catch (err) {
      const reason = err instanceof SyntaxError ? `${host} sent invalid JSON` : (err as Error).message;
      for (const b of batch) out.set(b.ref.platformId, { state: 'error', reason });
      return new Map();
    }
  }

  /** Recent answers about accounts, so a burst of deletions by one account asks about it once. */
  private readonly accounts = new Map<string, { gone: string | null; at: number }>();

  /** Why the account is not there (suspended, gone), or null when it is. */
  private async accountGone(url: string, http: HttpSession): Promise<string | null> {
    const cached = this.accounts.get(url);
    // "Gone" holds for a minute (a suspension takes every post at once); "there" only for seconds, so a
    // suspension right after a deletion is still seen as one.
    if (cached && Date.now() - cached.at < (cached.gone ? 60_000 : 5_000)) return cached.gone;
    const acc = await http.get(url, this.headers(url));
    let gone: string | null = null;
    if (
      acc.status === 200 &&
      validAnswer(MAccount, JSON.parse(acc.body.toString('utf8')), url, 'the account').suspended
    )
      gone = 'the account is suspended';
    else if (acc.status === 410) gone = 'the account is gone (HTTP 410)';
    else if (acc.status !== 200 && acc.status !== 404)
      throw new CaptureError('platform-error', `HTTP ${acc.status} for the account`, true, {
        url,
        host: new URL(url).host,
        status: acc.status,
      });
    this.accounts.set(url, { gone, at: Date.now() });
    if (this.accounts.size > 10_000) this.accounts.delete(this.accounts.keys().next().value!);
    return gone;
  }

  private async confirmMissing(ref: CheckRef, statusUrl: string, http: HttpSession): Promise<CheckResult> {
    const host = new URL(statusUrl).host;
    try {
      const res = await http.get(statusUrl, this.headers(statusUrl));
      if (res.status === 200) {
        const s = validAnswer(MStatus, JSON.parse(res.body.toString('utf8')), statusUrl, 'the post');
        return { state: 'live', post: this.normalise(s, host, base(statusUrl), statusUrl, null) };
      }
      if (res.status === 401 || res.status === 403)
        return { state: 'unavailable', reason: `${host} requires a login (HTTP ${res.status})` };
      if (res.status !== 404 && res.status !== 410)
        return { state: 'error', reason: `${host} answered HTTP ${res.status}` };
      const accountId = ref.accountRef?.startsWith(`${host}:`) ? ref.accountRef.slice(host.length + 1) : null;
      if (accountId) {
        const gone = await this.accountGone(`${base(statusUrl)}/api/v1/accounts/${accountId}`, http);
        if (gone) return { state: 'unavailable', reason: gone };
      }
      return { state: 'deleted', reason: `${host} answers ${res.status} "Record not found" (asked twice)` };
    } catch (err) {
      return {
        state: 'error',
        reason: err instanceof SyntaxError ? `${host} sent invalid JSON` : (err as Error).message,
      };
    }
  }
}

/** Statuses per `GET /api/v1/statuses?id[]=` request (Mastodon refuses more with 422). */
const BATCH = 20;

/** The rel="next" target of an RFC 8288 Link header. */
export function nextLink(header: string | null): string | null {
  if (!header) return null;
  for (const part of header.split(',')) {
    const m = /<([^>]+)>\s*;\s*rel="?([^";]+)"?/.exec(part.trim());
    if (m && m[2]!.split(/\s+/).includes('next')) return m[1]!;
  }
  return null;
}
