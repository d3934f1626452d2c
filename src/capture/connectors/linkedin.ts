/**
 * LinkedIn organisation pages through the Community Management API, with the token of an admin of
 * each organisation (docs/reference/platform-apis.md §5.2, §8; learn.microsoft.com/linkedin/marketing/
 * community-management). Every call sends `LinkedIn-Version: <linkedin.version>` and
 * `X-Restli-Protocol-Version: 2.0.0`; the token goes as `Authorization: Bearer`.
 *
 * - Tokens: `tokenEnv` for the organisation's page in config/accounts.yaml (`account:
 *   https://www.linkedin.com/company/<vanity name or id>/`). A pasted post URL does not name its
 *   organisation: each LinkedIn token is tried in turn until one is not refused (403), and the
 *   organisation that answered is remembered for the process.
 * - Ids: a post is archived under its URN (`urn:li:share:…` or `urn:li:ugcPost:…`), a comment under
 *   its comment URN. URLs: `/feed/update/<urn>/`, `/posts/<slug>-share|ugcPost-<id>-…/` name the
 *   post itself. An activity (`/feed/update/urn:li:activity:<id>/`, `/posts/…-activity-<id>-…/`,
 *   what LinkedIn's share menu copies) is another id for the same post: it is resolved through
 *   `GET /rest/activities?ids=List(…)` (`domainEntity`, one request). When LinkedIn will not resolve
 *   it, the answer asks for the post's own link ("Embed this post" carries the share/ugcPost URN).
 *   `show` of an activity URL finds the post once captured only by its number or its own URL.
 * - lnkd.in links are LinkedIn's wrapper for outbound links in posts, not posts: they are left to the
 *   web connector, which records the redirect and the page it leads to.
 * - Edits: `lastModifiedAt` is the edit time (editedAt); a new version only when the content changed.
 * - Errors: 404 → not found (a re-check asks twice before calling it deleted); 401 (an expired
 *   60-day token) and 403 `ACCESS_DENIED` (not an admin, a scope missing) are configuration
 *   problems, never deletions; 426 is a LinkedIn-Version LinkedIn no longer serves; 429 is waited
 *   out by the HTTP client (Retry-After) and otherwise a rate-limit error.
 */
import type { z } from 'zod';
import { accountTokens, type Config } from '../../config.ts';
import { AccountTokenMissing, CaptureError, type ErrorVars, TokenRefused } from '../../domain/errors.ts';
import type { AccountInfo, NormalisedPost, PostContent } from '../../domain/types.ts';
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
import {
  commentContent,
  commentOf,
  commentUrn,
  companyUrl,
  enc,
  LActivities,
  LComment,
  LCommentList,
  LError,
  LImage,
  LImageBatch,
  LOrganization,
  LOrganizationList,
  LPost,
  LPostBatch,
  LPostList,
  mediaRefs,
  normaliseComment,
  normalisePost,
  organisationOf,
  parseLinkedIn,
  postContent,
} from './linkedin/api.ts';

const DISPLAY = 'LinkedIn';
/** Posts per page of the organisation's posts, and comments per page. */
const PAGE = 50;
/** Posts per BATCH_GET in re-checks. */
const BATCH = 20;

interface Token {
  /** The organisation as accounts.yaml names it (vanity name or id, lower-case). */
  name: string;
  variable: string;
  token: string;
}

interface Organisation {
  id: string;
  vanityName: string | null;
  name: string | null;
}

export class LinkedInConnector
  implements Connector, PostSource, AccountSource, BatchChecker, ReadinessReporter, Rederiver
{
  readonly platform = 'linkedin' as const;
  readonly method = {
    ...METHODS.api,
    misses: [
      ...METHODS.api.misses,
      "commenters' names (LinkedIn's API gives other members only as URNs)",
      'videos LinkedIn gives no download address for, documents and article pages (their link is kept)',
      'earlier wordings of an edited post (LinkedIn keeps no history; an edit is dated by lastModifiedAt)',
    ],
  };
  private readonly api: string;
  private readonly version: string;
  /** Organisations by id, and by the names (vanity, id) accounts.yaml may use. */
  private readonly orgs = new Map<string, Organisation>();
  private readonly orgIdByName = new Map<string, string>();

  constructor(config: Config) {
    this.api = config.linkedin.apiUrl.replace(/\/+$/, '');
    this.version = config.linkedin.version;
  }

  match(url: URL): Target | null {
    const ref = parseLinkedIn(url);
    if (!ref) return null;
    if (ref.kind === 'member') {
      const platform = 'LinkedIn member profiles (the API reads organisation pages only)';
      throw new CaptureError(
        'unsupported-platform',
        `${platform}: ${url.href}; Archiefbot captures LinkedIn organisation pages and their posts`,
        false,
        { platform, url: url.href, supported: 'LinkedIn organisation pages' },
      );
    }
    return { kind: ref.kind === 'organisation' ? 'account' : 'post', url: url.href };
  }

  lookupKeys(url: URL): string[] {
    const ref = parseLinkedIn(url);
    if (ref?.kind !== 'post') return [];
    return [commentOf(url, ref.urn)?.urn ?? ref.urn];
  }

  private tokens(): Token[] {
    return accountTokens()
      .filter((a) => a.token && organisationOf(a.account))
      .map((a) => ({ name: organisationOf(a.account)!, variable: a.tokenEnv, token: a.token! }));
  }

  private notConfigured(url: string, variable: string, message: string, extra: ErrorVars = {}): CaptureError {
    return new CaptureError('not-configured', message, false, { ...extra, platform: DISPLAY, variable, url });
  }

  async readiness(): Promise<PlatformReadiness> {
    return this.tokens().length
      ? { platform: 'linkedin', state: 'ready' }
      : { platform: 'linkedin', state: 'not-configured', variable: 'tokenEnv in config/accounts.yaml' };
  }

  private headers(token: Token) {
    return {
      accept: 'application/json',
      headers: {
        authorization: `Bearer ${token.token}`,
        'linkedin-version': this.version,
        'x-restli-protocol-version': '2.0.0',
      },
    };
  }

  /** Rest.li's error answer as the archive's error; `page`: the URL the user gave. */
  private error(res: Response, what: string, page: string, token: Token): CaptureError {
    let body: unknown = null;
    try {
      body = JSON.parse(res.body.toString('utf8'));
    } catch {
      // Not JSON: the status says enough.
    }
    const e = LError.parse(body);
    const host = new URL(res.url).host;
    const detail = [e.code, e.message].filter(Boolean).join(': ') || null;
    const vars = { url: page, host, status: res.status, platform: DISPLAY, detail };
    if (res.status === 404 || res.status === 410)
      return new CaptureError(
        'not-found',
        `${what} was not found on LinkedIn (HTTP ${res.status}): deleted`,
        false,
        vars,
      );
    if (res.status === 401)
      return new TokenRefused(
        'refused',
        `LinkedIn refused the token in ${token.variable} (HTTP 401 ${e.code ?? ''}): expired after its 60 days, or revoked; renew it`.trim(),
        { ...vars, variable: token.variable, detail: `HTTP 401 ${e.code ?? ''}`.trim() },
      );
    if (res.status === 403)
      return new TokenRefused(
        'no-access',
        `LinkedIn refused access to ${what} with the token in ${token.variable} (HTTP 403 ${e.code ?? 'ACCESS_DENIED'}): its member is no admin of the organisation, or a scope is missing`,
        {
          ...vars,
          variable: token.variable,
          detail: `HTTP 403 ${e.code ?? 'ACCESS_DENIED'}`,
          needs: 'r_organization_social',
        },
      );
    if (res.status === 426 || e.code === 'NONEXISTENT_VERSION' || e.code === 'VERSION_MISSING')
      return this.notConfigured(
        page,
        'ARCHIEFBOT_LINKEDIN_VERSION (a LinkedIn-Version LinkedIn still serves, YYYYMM)',
        `LinkedIn does not serve API version ${this.version} (${detail ?? res.status}): set ARCHIEFBOT_LINKEDIN_VERSION`,
        vars,
      );
    if (res.status === 429)
      return new CaptureError(
        'rate-limited',
        `${host} says the LinkedIn API limit is reached (${detail ?? 429})`,
        true,
        vars,
      );
    return new CaptureError(
      'platform-error',
      `${host} answered HTTP ${res.status} for ${what}`,
      res.status >= 500,
      vars,
    );
  }

  private async get<S extends z.ZodType>(
    http: HttpSession,
    url: string,
    schema: S,
    what: string,
    page: string,
    token: Token,
  ): Promise<{ data: z.output<S>; res: Response }> {
    const opts = this.headers(token);
    const res = await http.get(url, opts);
    if (res.status >= 300) throw this.error(res, what, page, token);
    let data: unknown;
    try {
      data = JSON.parse(res.body.toString('utf8'));
    } catch {
      data = (await http.json<unknown>(url, opts)).data;
    }
    return { data: validAnswer(schema, data, url, what), res };
  }

  /** The organisation a page name (vanity name or id) stands for, looked up once a process. */
  private async organisation(
    http: HttpSession,
    name: string,
    token: Token,
    page: string,
  ): Promise<Organisation> {
    const known = this.orgIdByName.get(name);
    if (known) return this.orgs.get(known)!;
    let org: z.output<typeof LOrganization>;
    if (/^\d+$/.test(name)) {
      org = (
        await this.get(
          http,
          `${this.api}/rest/organizations/${name}`,
          LOrganization,
          `the organisation ${name}`,
          page,
          token,
        )
      ).data;
    } else {
      const url = `${this.api}/rest/organizations?q=vanityName&vanityName=${enc(name)}`;
      const { data } = await this.get(http, url, LOrganizationList, `the organisation ${name}`, page, token);
      if (!data.elements[0])
        throw new CaptureError('not-found', `LinkedIn has no organisation page ${name}`, false, {
          url: page,
          host: new URL(url).host,
          platform: DISPLAY,
        });
      org = data.elements[0];
    }
    return this.remember(org, name);
  }

  private remember(org: z.output<typeof LOrganization>, name?: string): Organisation {
    const o = { id: org.id, vanityName: org.vanityName ?? null, name: org.localizedName ?? null };
    this.orgs.set(o.id, o);
    for (const n of [name, o.id, o.vanityName?.toLowerCase()]) if (n) this.orgIdByName.set(n, o.id);
    return o;
  }

  private owner(org: Organisation): AccountInfo {
    return {
      platform: 'linkedin',
      handle: org.vanityName ?? `urn:li:organization:${org.id}`,
      platformId: `urn:li:organization:${org.id}`,
      displayName: org.name,
      url: companyUrl(org.vanityName ?? org.id),
    };
  }

  /** The owner of a post: its organisation looked up (with the token that read it), or known by URN only. */
  private async ownerOf(http: HttpSession, author: string, token: Token, page: string): Promise<AccountInfo> {
    const id = /^urn:li:organization:(\d+)$/.exec(author)?.[1];
    if (!id)
      return { platform: 'linkedin', handle: author, platformId: author, displayName: null, url: null };
    const org = await this.organisation(http, id, token, page).catch(() =>
      this.remember({ id, vanityName: null, localizedName: null }),
    );
    return this.owner(org);
  }

  /** The token of the organisation `name` (its page in accounts.yaml); not-configured without one. */
  private tokenOf(name: string, url: string): Token {
    const found = this.findToken(name);
    if (found) return found;
    const account = `linkedin.com/company/${name}`;
    throw new AccountTokenMissing(
      `LinkedIn needs the token of an admin of ${name} to read ${url}: set tokenEnv for ${account} in config/accounts.yaml, or capture it with the browser method`,
      { platform: DISPLAY, account, url },
    );
  }

  /** The token accounts.yaml gives organisation `name` (by the same name, or by its id or vanity name once known). */
  private findToken(name: string): Token | null {
    const all = this.tokens();
    const id = /^\d+$/.test(name) ? name : this.orgIdByName.get(name);
    return (
      all.find((t) => t.name === name) ??
      (id ? all.find((t) => t.name === id || this.orgIdByName.get(t.name) === id) : undefined) ??
      null
    );
  }

  /**
   * The token of organisation `name`, also when accounts.yaml names it the other way (its id where
   * the URL has its vanity name, or the reverse): the organisations are then looked up (once a process).
   */
  private async tokenFor(http: HttpSession, name: string, url: string): Promise<Token> {
    const found = this.findToken(name);
    if (found) return found;
    const all = this.tokens();
    const org = all[0] ? await this.organisation(http, name, all[0], url).catch(() => null) : null;
    const token = org ? await this.tokenForOrg(http, `urn:li:organization:${org.id}`, all) : null;
    return token ?? this.tokenOf(name, url);
  }

  /** Every LinkedIn token, or not-configured when there is none. */
  private allTokens(url: string): Token[] {
    const all = this.tokens();
    if (all.length) return all;
    throw this.notConfigured(
      url,
      'tokenEnv in config/accounts.yaml',
      `LinkedIn needs the token of an admin of the post's organisation to read ${url}: set tokenEnv for the organisation's page in config/accounts.yaml, or capture it with the browser method`,
    );
  }

  /** Where each image and video of these posts is downloaded: Images API (batched) and Videos API `downloadUrl`. */
  private async mediaUrls(
    http: HttpSession,
    posts: LPost[],
    token: Token,
    page: string,
  ): Promise<(urn: string) => string> {
    const found = new Map<string, string>();
    const urns = [...new Set(posts.flatMap((p) => mediaRefs(p).map((m) => m.urn)))];
    const images = urns.filter((u) => u.startsWith('urn:li:image:'));
    for (let i = 0; i < images.length; i += 50) {
      const ids = images
        .slice(i, i + 50)
        .map(enc)
        .join(',');
      const url = `${this.api}/rest/images?ids=List(${ids})`;
      const batch = await this.get(http, url, LImageBatch, 'the images of the post', page, token).catch(
        () => null,
      );
      for (const [urn, img] of Object.entries(batch?.data.results ?? {}))
        if (img.downloadUrl) found.set(urn, img.downloadUrl);
    }
    for (const urn of urns.filter((u) => u.startsWith('urn:li:video:'))) {
      const v = await this.get(
        http,
        `${this.api}/rest/videos/${enc(urn)}`,
        LImage,
        'the video of the post',
        page,
        token,
      ).catch(() => null);
      if (v?.data.downloadUrl) found.set(urn, v.data.downloadUrl);
    }
    return (urn) => found.get(urn) ?? this.mediaApiUrl(urn);
  }

  private mediaApiUrl(urn: string): string {
    return `${this.api}/rest/${urn.startsWith('urn:li:video:') ? 'videos' : 'images'}/${enc(urn)}`;
  }

  /** The post URN an activity stands for (`domainEntity` of the Activities API). */
  private async activityPost(http: HttpSession, activity: string, page: string): Promise<string> {
    const url = `${this.api}/rest/activities?ids=List(${enc(activity)})`;
    for (const token of this.allTokens(page)) {
      let urn: string | null | undefined;
      try {
        const { data } = await this.get(http, url, LActivities, 'the post of the activity', page, token);
        urn = data.results[activity]?.domainEntity;
      } catch (err) {
        // Refused or unknown with this token (an activity of another organisation, or the API not granted): the next.
        if (err instanceof CaptureError && [400, 403, 404].includes(Number(err.vars.status))) continue;
        throw err;
      }
      if (urn && /^urn:li:(share|ugcPost):\d+$/.test(urn)) return urn;
    }
    throw new CaptureError(
      'unsupported-url',
      `LinkedIn did not say which post the activity ${activity} is: give the post's own link (… > "Embed this post" shows its urn:li:share or urn:li:ugcPost)`,
      false,
      { url: page },
    );
  }

  /** One post with the first token LinkedIn does not refuse (403) for it. */
  private async readPost(
    http: HttpSession,
    urn: string,
    page: string,
  ): Promise<{ post: LPost; token: Token; url: string }> {
    const url = `${this.api}/rest/posts/${enc(urn)}`;
    let refused: CaptureError | null = null;
    for (const token of this.allTokens(page)) {
      try {
        const { data } = await this.get(http, url, LPost, 'the post', page, token);
        return { post: data, token, url };
      } catch (err) {
        if (!(err instanceof CaptureError && err.vars.status === 403)) throw err;
        refused = err;
      }
    }
    throw refused!;
  }

  async fetchThread(target: PostTarget, http: HttpSession, opts: { maxReplies: number }): Promise<Thread> {
    const ref = parseLinkedIn(new URL(target.url))!;
    const urn =
      ref.kind === 'activity'
        ? await this.activityPost(http, ref.urn, target.url)
        : (ref as { urn: string }).urn;
    const { post: data, token, url } = await this.readPost(http, urn, target.url);
    const owner = await this.ownerOf(http, data.author, token, target.url);
    const urlOf = await this.mediaUrls(http, [data], token, target.url);
    const post = normalisePost(data, this.api, url, owner, urlOf);
    const comment = commentOf(new URL(target.url), urn);
    const replies: NormalisedPost[] = [];
    if (!comment) {
      if (opts.maxReplies > 0)
        await this.comments(http, urn, urn, token, owner, opts.maxReplies, replies, target.url);
      return { post, ancestors: [], replies };
    }
    // A comment's link captures the comment, under its post, with the replies below it.
    const at = `${this.api}/rest/socialActions/${enc(comment.parent)}/comments/${enc(comment.id)}`;
    const { data: c } = await this.get(http, at, LComment, 'the comment', target.url, token);
    const self = normaliseComment(c, this.api, urn, comment.parent, at, owner);
    if (opts.maxReplies > 0)
      await this.comments(http, urn, comment.urn, token, owner, opts.maxReplies, replies, target.url);
    return { post: self, ancestors: [post], replies };
  }

  /** The comments on `parent` (a post, or a comment for its replies), depth first, up to `max` in all. */
  private async comments(
    http: HttpSession,
    postUrn: string,
    parent: string,
    token: Token,
    owner: AccountInfo,
    max: number,
    out: NormalisedPost[],
    page: string,
  ): Promise<void> {
    for (let start = 0; out.length < max; ) {
      const url = `${this.api}/rest/socialActions/${enc(parent)}/comments?start=${start}&count=${PAGE}`;
      const { data } = await this.get(http, url, LCommentList, 'the comments of the post', page, token);
      for (const c of data.elements) {
        if (out.length >= max) return;
        out.push(normaliseComment(c, this.api, postUrn, parent, url, owner));
        if ((c.commentsSummary?.totalFirstLevelComments ?? 0) > 0)
          await this.comments(http, postUrn, commentUrn(c), token, owner, max, out, page);
      }
      start += data.elements.length;
      const total = data.paging?.total;
      if (!data.elements.length || (typeof total === 'number' ? start >= total : data.elements.length < PAGE))
        return;
    }
  }

  async openAccount(target: AccountTarget, http: HttpSession): Promise<AccountHandle> {
    const ref = parseLinkedIn(new URL(target.url));
    const name = ref?.kind === 'organisation' ? ref.name : '';
    const token = await this.tokenFor(http, name, target.url);
    const org = await this.organisation(http, name, token, target.url);
    const url = this.postsUrl(org.id, 0, 1);
    const { data } = await this.get(http, url, LPostList, 'the posts of the organisation', target.url, token);
    return { account: this.owner(org), total: data.paging?.total ?? null, ref: org.id };
  }

  private postsUrl(orgId: string, start: number, count: number): string {
    // By creation (not LAST_MODIFIED), so an edit does not move a post to another page mid-backfill; a
    // post published meanwhile shifts the rest by one, which the next page then sees again (a sighting).
    return `${this.api}/rest/posts?q=author&author=${enc(`urn:li:organization:${orgId}`)}&count=${count}&start=${start}&sortBy=CREATED`;
  }

  /** One page of the organisation's posts, by Rest.li `start`/`count` (the cursor is the start). */
  async listAccount(handle: AccountHandle, http: HttpSession, cursor: string | null): Promise<AccountPage> {
    const name = handle.account.handle.startsWith('urn:') ? handle.ref : handle.account.handle.toLowerCase();
    const token = this.tokenOf(name, handle.account.url ?? handle.ref);
    const start = cursor ? Number(cursor) : 0;
    const url = this.postsUrl(handle.ref, start, PAGE);
    const page = handle.account.url ?? url;
    const { data } = await this.get(http, url, LPostList, 'the posts of the organisation', page, token);
    const urlOf = await this.mediaUrls(http, data.elements, token, page);
    const posts = data.elements.map((p) => normalisePost(p, this.api, url, handle.account, urlOf));
    const end = start + data.elements.length;
    const total = data.paging?.total;
    const more =
      data.elements.length > 0 && (typeof total === 'number' ? end < total : data.elements.length >= PAGE);
    return { posts, next: more ? String(end) : null, ...(cursor === null ? {} : { self: cursor }) };
  }

  async checkPosts(refs: CheckRef[], http: HttpSession): Promise<Map<string, CheckResult>> {
    const out = new Map<string, CheckResult>();
    let tokens: Token[];
    try {
      tokens = this.allTokens(refs[0]?.url ?? this.api);
    } catch (err) {
      for (const r of refs) out.set(r.platformId, { state: 'error', reason: (err as Error).message });
      return out;
    }
    const posts = refs.filter(
      (r) => r.platformId.startsWith('urn:li:share:') || r.platformId.startsWith('urn:li:ugcPost:'),
    );
    for (const r of refs)
      if (!posts.includes(r)) out.set(r.platformId, await this.checkComment(r, tokens, http));
    const byOrg = new Map<string, CheckRef[]>();
    for (const r of posts) byOrg.set(r.accountRef ?? '', [...(byOrg.get(r.accountRef ?? '') ?? []), r]);
    for (const [org, list] of byOrg) {
      const token = (await this.tokenForOrg(http, org, tokens)) ?? tokens[0]!;
      for (let i = 0; i < list.length; i += BATCH)
        await this.checkBatch(list.slice(i, i + BATCH), token, tokens, http, out);
    }
    return out;
  }

  /** The token of the organisation with this URN: the one whose page names it (looked up once). */
  private async tokenForOrg(http: HttpSession, orgUrn: string, tokens: Token[]): Promise<Token | null> {
    const id = orgUrn.replace('urn:li:organization:', '');
    for (const t of tokens) {
      if (t.name === id || this.orgIdByName.get(t.name) === id) return t;
      if (!this.orgIdByName.has(t.name)) {
        const org = await this.organisation(http, t.name, t, companyUrl(t.name)).catch(() => null);
        if (org?.id === id) return t;
      }
    }
    return null;
  }

  private async checkBatch(
    batch: CheckRef[],
    token: Token,
    tokens: Token[],
    http: HttpSession,
    out: Map<string, CheckResult>,
  ): Promise<void> {
    const url = `${this.api}/rest/posts?ids=List(${batch.map((r) => enc(r.platformId)).join(',')})`;
    let data: z.output<typeof LPostBatch>;
    try {
      data = (await this.get(http, url, LPostBatch, 'a batch check', batch[0]!.url, token)).data;
    } catch (err) {
      for (const r of batch) out.set(r.platformId, { state: 'error', reason: (err as Error).message });
      return;
    }
    for (const r of batch) {
      const p = data.results[r.platformId];
      if (p) out.set(r.platformId, { state: 'live', post: await this.checked(p, url, http, token) });
      else
        out.set(
          r.platformId,
          await this.confirmMissing(r, [token, ...tokens.filter((t) => t !== token)], http),
        );
    }
  }

  /** A post found by a re-check, normalised as a capture would (media by URN; no downloads). */
  private async checked(p: LPost, url: string, http: HttpSession, token: Token): Promise<NormalisedPost> {
    const owner = await this.ownerOf(http, p.author, token, url);
    return normalisePost(p, this.api, url, owner, (urn) => this.mediaApiUrl(urn));
  }

  /** A post the batch did not return, asked for on its own: 404 again is a deletion; 401/403 an error. */
  private async confirmMissing(ref: CheckRef, tokens: Token[], http: HttpSession): Promise<CheckResult> {
    const url = `${this.api}/rest/posts/${enc(ref.platformId)}`;
    for (const token of tokens) {
      try {
        const { data } = await this.get(http, url, LPost, 'the post', ref.url, token);
        return { state: 'live', post: await this.checked(data, url, http, token) };
      } catch (err) {
        if (!(err instanceof CaptureError)) return { state: 'error', reason: (err as Error).message };
        if (err.code === 'not-found')
          return { state: 'deleted', reason: 'LinkedIn answers 404 for the post (asked twice)' };
        if (err.vars.status !== 403) return { state: 'error', reason: err.message };
      }
    }
    return { state: 'error', reason: 'LinkedIn refused every configured token for this post (HTTP 403)' };
  }

  /** A comment, by its own address (`/rest/socialActions/<parent>/comments/<id>`). */
  private async checkComment(ref: CheckRef, tokens: Token[], http: HttpSession): Promise<CheckResult> {
    if (!ref.apiRef?.startsWith(`${this.api}/rest/socialActions/`))
      return { state: 'error', reason: 'no API reference to check this comment with' };
    for (const token of tokens) {
      try {
        const { data } = await this.get(http, ref.apiRef, LComment, 'the comment', ref.url, token);
        return { state: 'live', post: this.commentPost(data, ref) };
      } catch (err) {
        if (!(err instanceof CaptureError)) return { state: 'error', reason: (err as Error).message };
        if (err.code === 'not-found') {
          const again = await http.get(ref.apiRef, this.headers(token)).catch(() => null);
          if (again?.status === 404)
            return { state: 'deleted', reason: 'LinkedIn answers 404 for the comment (asked twice)' };
          return {
            state: 'error',
            reason: `LinkedIn answered ${again?.status ?? 'nothing'} the second time`,
          };
        }
        if (err.vars.status !== 403) return { state: 'error', reason: err.message };
      }
    }
    return { state: 'error', reason: 'LinkedIn refused every configured token for this comment (HTTP 403)' };
  }

  private commentPost(c: z.output<typeof LComment>, ref: CheckRef): NormalisedPost {
    const parent = decodeURIComponent(/\/rest\/socialActions\/([^/]+)\/comments\//.exec(ref.apiRef!)![1]!);
    const postUrn = /commentUrn=/.test(ref.url)
      ? (parseLinkedIn(new URL(ref.url)) as { urn: string }).urn
      : parent;
    const nobody: AccountInfo = {
      platform: 'linkedin',
      handle: '',
      platformId: null,
      displayName: null,
      url: null,
    };
    return normaliseComment(c, this.api, postUrn, parent, ref.apiRef!, nobody);
  }

  /** A post or comment as this connector read it from a stored answer (a post, a list, a batch, comments). */
  async rederive(input: RederiveInput): Promise<{ current: PostContent; history: PostContent[] } | null> {
    let json: unknown;
    try {
      json = JSON.parse(input.body.toString('utf8'));
    } catch {
      return null;
    }
    const found = findById(json, input.platformId);
    if (!found) return null;
    if (input.platformId.startsWith('urn:li:comment:')) {
      const c = LComment.safeParse(found);
      return c.success ? { current: commentContent(c.data), history: [] } : null;
    }
    const p = LPost.safeParse(found);
    return p.success ? { current: postContent(p.data, (urn) => this.mediaApiUrl(urn)), history: [] } : null;
  }
}

/** The post (by `id`) or comment (by its URN) with this id in an answer. */
function findById(value: unknown, id: string): Record<string, unknown> | null {
  if (Array.isArray(value)) {
    for (const v of value) {
      const hit = findById(v, id);
      if (hit) return hit;
    }
    return null;
  }
  if (!value || typeof value !== 'object') return null;
  const o = value as Record<string, unknown>;
  if ((o.id === id && 'author' in o) || ((o.commentUrn === id || o.$URN === id) && 'actor' in o)) return o;
  for (const v of Object.values(o)) {
    const hit = findById(v, id);
    if (hit) return hit;
  }
  return null;
}
