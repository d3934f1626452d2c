/**
 * Threads (Meta) through the Threads API with the account owner's own token
 * (docs/reference/platform-apis.md §4.3; developers.facebook.com/docs/threads/reference).
 *
 * - Tokens: one per account, named by `tokenEnv` in config/accounts.yaml (`account:
 *   https://www.threads.com/@minbzk`), sent as `Authorization: Bearer` (never as `access_token=` in
 *   the URL, which the WARC would keep). A token needs `threads_basic` and `threads_read_replies`.
 * - Ids: a post is archived as `threads:<media id>` (the API's id; stable), its URL the permalink.
 *   A pasted `/@user/post/<shortcode>` URL names only the shortcode, which the API cannot look up:
 *   the connector pages through the account's threads (`/me/threads?fields=id,shortcode`, 100 a
 *   request, newest first; then `/me/replies`) until it finds it — one request per 100 newer posts —
 *   and remembers the answer for the process (backfill pages and re-checks fill the same memory); a
 *   post the archive holds is read by the id it was archived under, with no search.
 * - Replies: `/<media id>/conversation` (every reply at any depth, flattened, `replied_to` names the
 *   parent), paged by cursors; replies of others are read with the owner's token.
 * - Edits: Threads gives no edit time; changed text on a re-check is an edit dated by its detection
 *   window (migration 10).
 * - Errors: Graph's envelope. 100 (subcode 33, "does not exist") → not found, which a re-check
 *   confirms by asking `/me` with the same token (a working token and a missing post: deleted);
 *   190 → the token is refused (not-configured naming its variable), never a deletion; 4, 17, 32,
 *   613, 80000+ and usage headers at 100% → rate-limited.
 */
import { z } from 'zod';
import { accountTokens, type Config } from '../../config.ts';
import { AccountTokenMissing, CaptureError, TokenRefused } from '../../domain/errors.ts';
import type { AccountInfo, MediaItem, MediaType, NormalisedPost, PostContent } from '../../domain/types.ts';
import type { Db } from '../../store/db.ts';
import { archivedPosts } from '../../store/monitor.ts';
import { findPostId } from '../../store/queries.ts';
import type {
  AccountHandle,
  AccountPage,
  AccountSource,
  AccountTarget,
  BatchChecker,
  CheckRef,
  CheckResult,
  Connector,
  PlatformReadiness,
  PostSource,
  PostTarget,
  ReadinessReporter,
  RederiveInput,
  Rederiver,
  Target,
  Thread,
} from '../connector.ts';
import { validAnswer } from '../connector.ts';
import type { HttpSession, Response } from '../http.ts';
import { METHODS } from '../methods.ts';
import { usageFromHeaders } from './meta/graph.ts';

const DISPLAY = 'Threads';
const HOSTS = new Set(['threads.net', 'www.threads.net', 'threads.com', 'www.threads.com']);
const POST_PATH = /^\/@([\w.]+)\/post\/([\w-]+)\/?$/;
const ACCOUNT_PATH = /^\/@([\w.]+)\/?$/;
/** Posts per page of `/threads` and `/conversation` (the API's maximum is 100). */
const PAGE = 100;
/** Pages of the account's threads searched for a shortcode before giving up (10,000 posts). */
const SHORTCODE_PAGES = 100;

/** The fields of a Threads media object we read (the API returns only the fields asked for). */
const CHILD_FIELDS = 'id,media_type,media_url,thumbnail_url,alt_text';
export const POST_FIELDS = [
  'id,media_product_type,media_type,media_url,permalink,username,text,timestamp,shortcode',
  `thumbnail_url,alt_text,link_attachment_url,is_quote_post,quoted_post,reposted_post,children{${CHILD_FIELDS}}`,
].join(',');
/** One media object by id: every field, so it says whether it is a reply and to what. */
const FULL_FIELDS = `${POST_FIELDS},root_post,replied_to,is_reply,hide_status`;
/** Replies have no `alt_text`, and their own fields for where they hang in the tree. */
export const REPLY_FIELDS = [
  'id,media_type,media_url,permalink,username,text,timestamp,shortcode,thumbnail_url',
  'is_quote_post,quoted_post,root_post,replied_to,is_reply,hide_status,children{id,media_type,media_url}',
].join(',');

/** A reference to another media object: `{"id": "…"}` (documented) or the bare id. */
const Ref = z
  .union([z.string(), z.object({ id: z.string() })])
  .transform((r) => (typeof r === 'string' ? r : r.id));
const TChild = z.object({
  id: z.string(),
  media_type: z.string().nullish(),
  media_url: z.string().nullish(),
  thumbnail_url: z.string().nullish(),
  alt_text: z.string().nullish(),
});
const TMedia = z.object({
  id: z.string(),
  media_type: z.string().nullish(),
  media_url: z.string().nullish(),
  permalink: z.string().nullish(),
  username: z.string().nullish(),
  text: z.string().nullish(),
  timestamp: z.string().nullish(),
  shortcode: z.string().nullish(),
  thumbnail_url: z.string().nullish(),
  alt_text: z.string().nullish(),
  link_attachment_url: z.string().nullish(),
  is_quote_post: z.boolean().nullish(),
  quoted_post: Ref.nullish(),
  reposted_post: Ref.nullish(),
  root_post: Ref.nullish(),
  replied_to: Ref.nullish(),
  is_reply: z.boolean().nullish(),
  hide_status: z.string().nullish(),
  children: z.object({ data: z.array(TChild) }).nullish(),
});
type TMedia = z.output<typeof TMedia>;
const Paging = z
  .object({
    cursors: z.object({ before: z.string().nullish(), after: z.string().nullish() }).nullish(),
    next: z.string().nullish(),
  })
  .nullish();
const TList = z.object({ data: z.array(TMedia), paging: Paging });
const TShortcodes = z.object({
  data: z.array(z.object({ id: z.string(), shortcode: z.string().nullish() })),
  paging: Paging,
});
const TUser = z.object({ id: z.string(), username: z.string(), name: z.string().nullish() });
const GraphError = z
  .object({
    error: z.object({
      message: z.string().optional(),
      type: z.string().optional(),
      code: z.number().optional(),
      error_subcode: z.number().optional(),
    }),
  })
  .nullable()
  .catch(null);

/** The cursor of the next page (Graph paging: a `next` link and `cursors.after`), or null. */
function nextCursor(list: { paging?: z.output<typeof Paging> }): string | null {
  return list.paging?.next && list.paging.cursors?.after ? list.paging.cursors.after : null;
}

/** Graph times (`2025-05-01T08:00:00+0000`) as ISO 8601. */
function isoTime(t: string | null | undefined): string | null {
  if (!t) return null;
  const ms = Date.parse(t.replace(/([+-]\d\d)(\d\d)$/, '$1:$2'));
  return Number.isNaN(ms) ? t : new Date(ms).toISOString();
}

function mediaType(t: string | null | undefined): MediaType {
  if (t === 'IMAGE') return 'image';
  if (t === 'VIDEO') return 'video';
  if (t === 'AUDIO') return 'audio';
  return 'unknown';
}

/** The user a Threads URL names (`@minbzk` → `minbzk`), lower-cased as Threads compares them. */
function userOf(url: string): string | null {
  let u: URL;
  try {
    u = new URL(url.startsWith('@') ? `https://www.threads.com/${url}` : url);
  } catch {
    return null;
  }
  if (!HOSTS.has(u.hostname.toLowerCase())) return null;
  const m = POST_PATH.exec(u.pathname) ?? ACCOUNT_PATH.exec(u.pathname);
  return m ? m[1]!.toLowerCase() : null;
}

function profileUrl(username: string): string {
  return `https://www.threads.com/@${username}`;
}

/**
 * Meta's usage headers as Threads reads them (meta/graph.ts parses them for every Meta connector):
 * the highest percentage used and when access returns, in minutes; null when Meta sent none.
 */
export function metaUsage(headers: Headers): { percent: number; regainMinutes: number } | null {
  if (!headers.has('x-app-usage') && !headers.has('x-business-use-case-usage')) return null;
  const { percent, waitMs } = usageFromHeaders(headers);
  return { percent, regainMinutes: waitMs / 60_000 };
}

/** The token of one account, with the variable it came from (for the messages). */
interface Token {
  account: string;
  variable: string;
  token: string;
}

/**
 * Threads with the owner's token: a post with every reply, an account's threads page by page, and
 * re-checks one post a request (the API has no batch look-up).
 */
export class ThreadsConnector
  implements Connector, PostSource, AccountSource, BatchChecker, ReadinessReporter, Rederiver
{
  readonly platform = 'threads' as const;
  readonly method = {
    ...METHODS.api,
    misses: [
      ...METHODS.api.misses,
      'edit times (Threads does not give them: an edit is dated by the window in which Archiefbot saw it change)',
      'the quoted post of a quote post and the reposted post of a repost (kept as their ids in the API answer)',
      'polls, GIFs and link previews (Threads serves them as a text post; the link URL is kept)',
      'replies the owner cannot see (Threads serves replies of public profiles and of the account itself)',
    ],
  };
  private readonly api: string;
  /** shortcode → media id, learnt from every answer that had both. Process-wide per connector. */
  private readonly ids = new Map<string, string>();
  /** Until when Meta's usage headers said the app's budget is spent. */
  private spentUntil = 0;

  constructor(
    config: Config,
    private readonly db: Db | null = null,
  ) {
    this.api = config.threads.apiUrl.replace(/\/+$/, '');
  }

  /** The media id of a post the archive holds under this URL (its id is in `threads:<id>`), so it is not searched for. */
  private async archivedId(url: URL): Promise<string | null> {
    if (!this.db) return null;
    const id = await findPostId(this.db, url.href, this.lookupKeys(url)).catch(() => undefined);
    const [row] = id === undefined ? [] : await archivedPosts(this.db, [id]).catch(() => []);
    return row?.platform === 'threads' ? row.platform_id.replace(/^threads:/, '') : null;
  }

  private parse(url: URL): { user: string; shortcode: string | null } | null {
    if (!HOSTS.has(url.hostname.toLowerCase())) return null;
    const post = POST_PATH.exec(url.pathname);
    if (post) return { user: post[1]!.toLowerCase(), shortcode: post[2]! };
    const account = ACCOUNT_PATH.exec(url.pathname);
    return account ? { user: account[1]!.toLowerCase(), shortcode: null } : null;
  }

  match(url: URL): Target | null {
    const p = this.parse(url);
    if (!p) return null;
    return { kind: p.shortcode ? 'post' : 'account', url: url.href };
  }

  /** The permalink in each of its spellings (threads.com / threads.net, with and without www). */
  lookupKeys(url: URL): string[] {
    const p = this.parse(url);
    if (!p?.shortcode) return [];
    return ['www.threads.com', 'threads.com', 'www.threads.net', 'threads.net'].flatMap((h) => [
      `https://${h}/@${p.user}/post/${p.shortcode}`,
      `https://${h}/@${p.user}/post/${p.shortcode}/`,
    ]);
  }

  /** Every Threads account of config/accounts.yaml with a token set. */
  private tokens(): Token[] {
    return accountTokens()
      .filter((a) => a.token && userOf(a.account))
      .map((a) => ({ account: userOf(a.account)!, variable: a.tokenEnv, token: a.token! }));
  }

  /** The token of `user`'s own account; not-configured when config/accounts.yaml gives it none. */
  private tokenOf(user: string, url: string): Token {
    const found = this.tokens().find((t) => t.account === user);
    if (found) return found;
    const named = accountTokens().find((a) => userOf(a.account) === user);
    const variable = named
      ? `${named.tokenEnv} (named by tokenEnv for @${user} in config/accounts.yaml)`
      : `tokenEnv for @${user} in config/accounts.yaml`;
    throw new AccountTokenMissing(
      `Threads needs the account owner's token to read ${url}: set ${variable}, or capture it with the browser method`,
      { platform: DISPLAY, account: `@${user}`, url, tokenEnv: named?.tokenEnv },
    );
  }

  async readiness(): Promise<PlatformReadiness> {
    return this.tokens().length
      ? { platform: 'threads', state: 'ready' }
      : { platform: 'threads', state: 'not-configured', variable: 'tokenEnv in config/accounts.yaml' };
  }

  /** Notes Meta's usage headers; a budget at 100% makes the next calls wait (or fail as rate-limited). */
  private noteUsage(res: Response): void {
    const usage = metaUsage(res.headers);
    if (usage && usage.percent >= 100)
      this.spentUntil = Date.now() + Math.max(1, usage.regainMinutes || 60) * 60_000;
  }

  private checkBudget(url: string): void {
    if (Date.now() >= this.spentUntil) return;
    const host = new URL(url).host;
    throw new CaptureError(
      'rate-limited',
      `${host} said the app's Threads API budget is spent until ${new Date(this.spentUntil).toISOString()}; try again later`,
      true,
      { url, host },
    );
  }

  /** The Graph error envelope as the archive's error. `page`: the URL the user gave. */
  private graphError(res: Response, what: string, page: string, token: Token): CaptureError {
    let body: unknown = null;
    try {
      body = JSON.parse(res.body.toString('utf8'));
    } catch {
      // Not JSON: only the status says what happened.
    }
    const e = GraphError.parse(body)?.error;
    const code = e?.code ?? null;
    const host = new URL(res.url).host;
    const vars = { url: page, host, status: res.status, platform: DISPLAY, detail: e?.message ?? null };
    if (code === 100 && (e?.error_subcode === 33 || /does not exist/i.test(e?.message ?? '')))
      return new CaptureError(
        'not-found',
        `${what} does not exist on Threads (code 100): deleted, or not this token's`,
        false,
        vars,
      );
    if (code === 190 || code === 102 || res.status === 401) {
      return new TokenRefused(
        'refused',
        `Threads refused the token in ${token.variable} (code ${code ?? res.status}): renew it`,
        { ...vars, variable: token.variable, detail: code === null ? `HTTP ${res.status}` : `#${code}` },
      );
    }
    if (code === 10 || (code !== null && code >= 200 && code < 300)) {
      return new TokenRefused(
        'no-access',
        `the token in ${token.variable} lacks a Threads permission (code ${code}) to read ${what}`,
        {
          ...vars,
          variable: token.variable,
          detail: `#${code}`,
          needs: 'threads_basic, threads_read_replies',
        },
      );
    }
    if (
      [4, 17, 32, 613].includes(code ?? -1) ||
      (code !== null && code >= 80000 && code < 80100) ||
      res.status === 429
    )
      return new CaptureError(
        'rate-limited',
        `${host} says the Threads API rate limit is reached (code ${code ?? res.status})`,
        true,
        vars,
      );
    return new CaptureError(
      'platform-error',
      `${host} answered HTTP ${res.status}${code === null ? '' : ` (code ${code})`} for ${what}`,
      res.status >= 500,
      vars,
    );
  }

  /** GET a Threads API answer with `token`, checked against `schema`; errors mapped as documented. */
  private async get<S extends z.ZodType>(
    http: HttpSession,
    url: string,
    schema: S,
    what: string,
    page: string,
    token: Token,
  ): Promise<{ data: z.output<S>; res: Response }> {
    this.checkBudget(url);
    const opts = { accept: 'application/json', headers: { authorization: `Bearer ${token.token}` } };
    const res = await http.get(url, opts);
    this.noteUsage(res);
    if (res.status >= 300) throw this.graphError(res, what, page, token);
    let data: unknown;
    try {
      data = JSON.parse(res.body.toString('utf8'));
    } catch {
      data = (await http.json<unknown>(url, opts)).data;
    }
    return { data: validAnswer(schema, data, url, what), res };
  }

  private url(path: string, params: Record<string, string>): string {
    return `${this.api}/${path}?${new URLSearchParams(params)}`;
  }

  /** A post's content: its text and its media (carousel children in order), keyed by media id. */
  content(m: TMedia): PostContent {
    // A reply's alt text and link are left out: the reply endpoints do not serve them, so a reply
    // reads the same however it was fetched.
    const reply = Boolean(m.replied_to || m.is_reply);
    const alt = (t: string | null | undefined) => (reply ? null : (t ?? null));
    const media: MediaItem[] = [];
    if (m.media_type === 'CAROUSEL_ALBUM') {
      for (const c of m.children?.data ?? []) {
        if (c.media_url)
          media.push({
            key: c.id,
            url: c.media_url,
            type: mediaType(c.media_type),
            description: alt(c.alt_text),
          });
      }
    } else if (m.media_url && ['IMAGE', 'VIDEO', 'AUDIO'].includes(m.media_type ?? '')) {
      media.push({
        key: m.id,
        url: m.media_url,
        type: mediaType(m.media_type),
        description: alt(m.alt_text),
      });
    }
    const link = m.link_attachment_url && !reply ? `\n${m.link_attachment_url}` : '';
    return {
      text: `${m.text ?? ''}${link}`.trim(),
      html: null,
      title: null,
      spoilerText: '',
      sensitive: false,
      visibility: m.hide_status === 'HIDDEN' || m.hide_status === 'COVERED' ? 'hidden' : null,
      language: null,
      media,
    };
  }

  /** A Threads media object as a post (`owner`: the account whose threads these are, when known). */
  normalise(m: TMedia, sourceUrl: string, owner: AccountInfo | null): NormalisedPost {
    if (m.shortcode) this.ids.set(m.shortcode, m.id);
    const username = m.username ?? null;
    const account: AccountInfo =
      owner && (!username || username.toLowerCase() === owner.handle.toLowerCase())
        ? owner
        : {
            platform: 'threads',
            handle: username ?? '(unknown)',
            platformId: null,
            displayName: null,
            url: username ? profileUrl(username) : null,
          };
    const parent = m.replied_to ?? null;
    return {
      platform: 'threads',
      platformId: `threads:${m.id}`,
      url:
        m.permalink ??
        (m.shortcode && username ? `${profileUrl(username)}/post/${m.shortcode}` : `${this.api}/${m.id}`),
      apiRef: this.url(m.id, { fields: parent || m.is_reply ? REPLY_FIELDS : POST_FIELDS }),
      account,
      kind: m.media_type === 'REPOST_FACADE' ? 'repost' : parent || m.is_reply ? 'reply' : 'post',
      parentPlatformId: parent ? `threads:${parent}` : null,
      createdAt: isoTime(m.timestamp),
      editedAt: null,
      content: this.content(m),
      counts: {},
      history: null,
      sourceUrl,
    };
  }

  /** The account behind a token (`/me`), checked to be the account the URL names. */
  private async me(http: HttpSession, token: Token, page: string): Promise<AccountInfo> {
    const url = this.url('me', { fields: 'id,username,name' });
    const { data } = await this.get(http, url, TUser, `the account @${token.account}`, page, token);
    if (data.username.toLowerCase() !== token.account) {
      throw new TokenRefused(
        'other-account',
        `the token in ${token.variable} is @${data.username}'s, not @${token.account}'s`,
        {
          platform: DISPLAY,
          url: page,
          variable: token.variable,
          owner: `@${data.username}`,
          account: `@${token.account}`,
        },
      );
    }
    return {
      platform: 'threads',
      handle: data.username,
      platformId: data.id,
      displayName: data.name || null,
      url: profileUrl(data.username),
    };
  }

  /** The media id of a shortcode: remembered, else found by paging through the account's threads. */
  private async resolveShortcode(
    http: HttpSession,
    shortcode: string,
    token: Token,
    page: string,
  ): Promise<string> {
    const known = this.ids.get(shortcode);
    if (known) return known;
    // The account's posts first, then its own replies (a shortcode URL may name either).
    for (const path of ['me/threads', 'me/replies']) {
      let after: string | null = null;
      for (let n = 0; n < SHORTCODE_PAGES; n++) {
        const params: Record<string, string> = { fields: 'id,shortcode', limit: String(PAGE) };
        if (after) params.after = after;
        const url = this.url(path, params);
        const { data } = await this.get(http, url, TShortcodes, 'the posts of the account', page, token);
        for (const d of data.data) if (d.shortcode) this.ids.set(d.shortcode, d.id);
        const id = this.ids.get(shortcode);
        if (id) return id;
        after = data.data.length ? nextCursor(data) : null;
        if (!after) break;
      }
    }
    throw new CaptureError(
      'not-found',
      `no post with shortcode ${shortcode} among @${token.account}'s threads: deleted, or not a post of this account`,
      false,
      { url: page, host: new URL(page).host, platform: DISPLAY },
    );
  }

  /**
   * The post a URL names, read with its own account's token; a reply by someone else (no token of
   * theirs) whose id the archive's reading already learnt is read with each Threads token in turn.
   */
  private async readPost(
    http: HttpSession,
    p: { user: string; shortcode: string },
    page: string,
  ): Promise<{ data: TMedia; token: Token; id: string; url: string; owner: AccountInfo }> {
    const own = this.tokens().find((t) => t.account === p.user);
    const known = this.ids.get(p.shortcode);
    const candidates = own ? [own] : known ? this.tokens() : [];
    if (!candidates.length) this.tokenOf(p.user, page);
    let missing: unknown = null;
    for (const token of candidates) {
      // The token's own account first: a refused or misplaced token says so, not "no such post".
      const owner = await this.me(http, token, page);
      const id = await this.resolveShortcode(http, p.shortcode, token, page);
      const url = this.url(id, { fields: FULL_FIELDS });
      try {
        const { data } = await this.get(http, url, TMedia, 'the post', page, token);
        return { data, token, id, url, owner };
      } catch (err) {
        if (!(err instanceof CaptureError && err.code === 'not-found')) throw err;
        missing = err;
      }
    }
    throw missing;
  }

  async fetchThread(target: PostTarget, http: HttpSession, opts: { maxReplies: number }): Promise<Thread> {
    const p = this.parse(new URL(target.url))!;
    const held = await this.archivedId(new URL(target.url));
    if (held) this.ids.set(p.shortcode!, held);
    const {
      data,
      token,
      id,
      owner,
      url: postUrl,
    } = await this.readPost(http, { user: p.user, shortcode: p.shortcode! }, target.url);
    const post = this.normalise(data, postUrl, owner);
    const replies: NormalisedPost[] = [];
    let after: string | null = null;
    while (replies.length < opts.maxReplies) {
      const params: Record<string, string> = { fields: REPLY_FIELDS, reverse: 'false', limit: String(PAGE) };
      if (after) params.after = after;
      const url = this.url(`${id}/conversation`, params);
      const { data: list } = await this.get(http, url, TList, 'the replies of the post', target.url, token);
      for (const r of list.data)
        if (replies.length < opts.maxReplies) replies.push(this.normalise(r, url, owner));
      after = list.data.length ? nextCursor(list) : null;
      if (!after) break;
    }
    return { post, ancestors: [], replies };
  }

  async openAccount(target: AccountTarget, http: HttpSession): Promise<AccountHandle> {
    const p = this.parse(new URL(target.url))!;
    const token = this.tokenOf(p.user, target.url);
    const account = await this.me(http, token, target.url);
    // Threads says nothing about how many posts an account has (outside insights).
    return { account, total: null, ref: account.platformId! };
  }

  /** One page of the account's own threads, newest first, by Graph cursors. */
  async listAccount(handle: AccountHandle, http: HttpSession, cursor: string | null): Promise<AccountPage> {
    const token = this.tokenOf(handle.account.handle.toLowerCase(), handle.account.url ?? handle.ref);
    const params: Record<string, string> = { fields: POST_FIELDS, limit: String(PAGE) };
    if (cursor) params.after = cursor;
    const url = this.url(`${handle.ref}/threads`, params);
    const { data } = await this.get(
      http,
      url,
      TList,
      'the posts of the account',
      handle.account.url ?? url,
      token,
    );
    const posts = data.data.map((m) => this.normalise(m, url, handle.account));
    const next = data.data.length ? nextCursor(data) : null;
    return { posts, next, ...(cursor === null ? {} : { self: cursor }) };
  }

  /**
   * One request a post (`GET /<media id>`): Threads has no batch look-up. The token is the one of the
   * account the post's URL names, else each Threads token in turn (a reply by someone else is read
   * with the owner's). Code 100 is a deletion only when the same token still reads `/me`.
   */
  async checkPosts(refs: CheckRef[], http: HttpSession): Promise<Map<string, CheckResult>> {
    const out = new Map<string, CheckResult>();
    const all = this.tokens();
    const tokenWorks = new Map<string, boolean>();
    for (const ref of refs) {
      const user = userOf(ref.url);
      const own = all.filter((t) => t.account === user);
      const candidates = [...own, ...all.filter((t) => t.account !== user)];
      if (!ref.apiRef || !candidates.length) {
        out.set(ref.platformId, {
          state: 'error',
          reason: ref.apiRef
            ? 'no Threads token in config/accounts.yaml'
            : 'no API reference to check this post with',
        });
        continue;
      }
      out.set(ref.platformId, await this.checkOne(ref, ref.apiRef, candidates, http, tokenWorks));
    }
    return out;
  }

  private async checkOne(
    ref: CheckRef,
    apiRef: string,
    candidates: Token[],
    http: HttpSession,
    tokenWorks: Map<string, boolean>,
  ): Promise<CheckResult> {
    let missing: string | null = null;
    for (const token of candidates) {
      try {
        const { data } = await this.get(http, apiRef, TMedia, 'the post', ref.url, token);
        return { state: 'live', post: this.normalise(data, apiRef, null) };
      } catch (err) {
        if (!(err instanceof CaptureError)) return { state: 'error', reason: (err as Error).message };
        if (err.code !== 'not-found') return { state: 'error', reason: err.message };
      }
      // Code 100 says "does not exist, or not readable with this token": only a token that still works proves the first.
      let works = tokenWorks.get(token.variable);
      if (works === undefined) {
        works = await this.me(http, token, ref.url).then(
          () => true,
          () => false,
        );
        tokenWorks.set(token.variable, works);
      }
      if (works)
        missing ??= `Threads answers code 100 "does not exist" for the post, and the token of @${token.account} still works`;
    }
    return missing
      ? { state: 'deleted', reason: missing }
      : { state: 'error', reason: 'no Threads token could read the post or itself' };
  }

  /** The post as this connector read it from a stored answer (a post, a page of threads, a conversation). */
  async rederive(input: RederiveInput): Promise<{ current: PostContent; history: PostContent[] } | null> {
    let json: unknown;
    try {
      json = JSON.parse(input.body.toString('utf8'));
    } catch {
      return null;
    }
    const id = input.platformId.replace(/^threads:/, '');
    const found = findMedia(json, id);
    if (!found) return null;
    const parsed = TMedia.safeParse(found);
    return parsed.success ? { current: this.content(parsed.data), history: [] } : null;
  }
}

/** The media object with this id in an answer (not a `replied_to`/`root_post` reference: those carry no timestamp). */
function findMedia(value: unknown, id: string): Record<string, unknown> | null {
  if (Array.isArray(value)) {
    for (const v of value) {
      const hit = findMedia(v, id);
      if (hit) return hit;
    }
    return null;
  }
  if (!value || typeof value !== 'object') return null;
  const o = value as Record<string, unknown>;
  if (o.id === id && 'timestamp' in o) return o;
  for (const v of Object.values(o)) {
    const hit = findMedia(v, id);
    if (hit) return hit;
  }
  return null;
}
