import type { z } from 'zod';
import type { Config } from '../../config.ts';
import { CaptureError, type ErrorVars } from '../../domain/errors.ts';
import type { CaptureMethod, NormalisedPost, PostContent } from '../../domain/types.ts';
import type { Db } from '../../store/db.ts';
import { type UsageLedger, type UsagePeriod, usageLedger } from '../../store/usage.ts';
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
import type { HttpSession } from '../http.ts';
import { METHODS } from '../methods.ts';
import {
  mergeIncludes,
  missingIds,
  normalisePost,
  POST_FIELDS,
  parseX,
  postContent,
  postsById,
  problemKind,
  versionsOf,
  type XPost,
  XPostList,
  type XProblem,
  type XRef,
  XUserAnswer,
} from './x/api.ts';
import { CredentialsRefused } from './youtube.ts';

const PLATFORM = 'X';
const VARIABLE = 'X_BEARER_TOKEN';
/** Posts per `ids=` look-up (the API's maximum). */
const BATCH = 100;
/** How far up a reply's thread the capture reads its ancestors. */
const MAX_ANCESTORS = 10;
/** The user timeline reaches back this many posts, no further. */
const TIMELINE_CAP = 3200;

/** The part of the monthly budget re-checks may spend (spread over the month's days); the rest is kept for captures. */
const RECHECK_SHARE = 0.8;

/** X's billing day: the date in UTC. */
export function utcDay(now = Date.now()): UsagePeriod {
  return { kind: 'day', key: new Date(now).toISOString().slice(0, 10) };
}

/** X's budget month: the calendar month in UTC. */
export function utcMonth(now = Date.now()): UsagePeriod {
  return { kind: 'month', key: new Date(now).toISOString().slice(0, 7) };
}

/** The 1st of next month, 00:00 UTC, when the budget is renewed. */
export function nextMonthStart(now = Date.now()): string {
  const d = new Date(now);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1)).toISOString();
}

/** USD to a tenth of a cent (a post read costs half a cent). */
const money = (n: number) => String(Math.round(n * 1000) / 1000);

/** The monthly budget is spent: its own sentence, naming what was spent and when it is renewed. */
class XBudgetSpent extends CaptureError {
  constructor(spent: number, budget: number, url: string | undefined) {
    const resets = nextMonthStart();
    super(
      'quota-exceeded',
      `the X API budget of this month is spent (${money(spent)} of ${money(budget)} USD); it is renewed on ${resets}`,
      false,
      { platform: PLATFORM, spent: money(spent), budget: money(budget), resets: resets.slice(0, 10), url },
    );
  }

  override get key(): string {
    return 'error.quota-exceeded.x';
  }
}

type Answer = { data: XPostList; url: string };

/**
 * X through API v2 with an app-only bearer token (X_BEARER_TOKEN): a post with its versions (each
 * edit is a new post id; `edit_history_tweet_ids` lists them oldest first and become versions), its
 * ancestors and the replies recent search finds (`conversation_id:`, the last 7 days), an account's
 * timeline (the newest 3,200 posts), batch re-checks of 100 posts a request. Every post and user read
 * is priced (pay-per-use, a resource billed once per UTC day) against `x.monthlyBudget`, and nothing
 * is asked once it is spent.
 */
export class XConnector
  implements Connector, PostSource, AccountSource, BatchChecker, ReadinessReporter, Rederiver
{
  readonly platform = 'x' as const;
  readonly method: CaptureMethod = {
    ...METHODS.api,
    misses: [
      ...METHODS.api.misses,
      'replies older than 7 days (recent search covers the last 7 days; full-archive search needs a higher access level)',
      'posts of an account beyond its newest 3,200 (the timeline goes no further back)',
      'posts of protected accounts (they need the owner’s consent)',
      'quoted posts beyond their id (the quoting post keeps the reference)',
    ],
  };
  private readonly api: string;
  private readonly ledger: UsageLedger;

  constructor(
    private readonly config: Config,
    db?: Db,
  ) {
    this.api = config.x.apiUrl.replace(/\/+$/, '');
    this.ledger = usageLedger(db);
  }

  match(url: URL): Target | null {
    const ref = parseX(url);
    if (ref === null) return null;
    if (ref === 'other') {
      throw new CaptureError(
        'unsupported-url',
        `${url.href} is not a post or an account on X (give a /<user>/status/<id> or /<user> link)`,
        false,
        { url: url.href },
      );
    }
    return { kind: ref.kind === 'account' ? 'account' : 'post', url: url.href };
  }

  lookupKeys(url: URL): string[] {
    const ref = parseX(url);
    return ref && ref !== 'other' && ref.kind === 'post' ? [`x:post:${ref.id}`] : [];
  }

  async readiness(db?: Db): Promise<PlatformReadiness> {
    if (!this.config.x.bearerToken) return { platform: 'x', state: 'not-configured', variable: VARIABLE };
    const ledger = db ? usageLedger(db) : this.ledger;
    const used = Math.round((await ledger.usage('x', utcMonth())).cost * 1000) / 1000;
    const limit = this.config.x.monthlyBudget;
    return {
      platform: 'x',
      state: used >= limit ? 'quota-exceeded' : 'ready',
      quota: { used, limit, unit: 'USD', period: 'month', resets: nextMonthStart() },
    };
  }

  private token(page: string | undefined): string {
    const token = this.config.x.bearerToken;
    if (token) return token;
    throw new CaptureError(
      'not-configured',
      `X needs a bearer token: set ${VARIABLE} (an X developer app's bearer token; reading is paid), or capture the page with the browser method`,
      false,
      { platform: PLATFORM, variable: VARIABLE, url: page },
    );
  }

  /**
   * One GET of the API: refused when the month's budget is spent (a re-check also when today's
   * re-check allowance is); its answer checked against `schema`; the posts and users it returned
   * priced (once per UTC day each); HTTP errors mapped (401/403 → the token is refused, 404 →
   * not-found, usage-capped → quota-exceeded).
   */
  private async call<S extends z.ZodType>(
    http: HttpSession,
    path: string,
    params: Record<string, string | null | undefined>,
    schema: S,
    what: string,
    page?: string,
    recheck = false,
  ): Promise<{ data: z.output<S>; url: string }> {
    const token = this.token(page);
    const month = utcMonth();
    const spent = (await this.ledger.usage('x', month)).cost;
    if (spent >= this.config.x.monthlyBudget)
      throw new XBudgetSpent(spent, this.config.x.monthlyBudget, page);
    if (recheck) await this.recheckAllowance();
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
    const url = `${this.api}${path}${q.size ? `?${q}` : ''}`;
    const { data, res } = await http.json<unknown>(url, { headers: { authorization: `Bearer ${token}` } });
    if (res.status >= 300) throw this.failure(res.status, data, url, what, page);
    const checked = validAnswer(schema, data, url, what);
    await this.charge(checked, month);
    return { data: checked, url };
  }

  /**
   * Re-checks read every archived post again each day they run, and X bills each read: they may
   * spend RECHECK_SHARE of the monthly budget, spread evenly over the month's days (what was spent
   * today counts, captures included), so a month's re-checks cannot use the budget up in a few days
   * and leave nothing for captures.
   */
  private async recheckAllowance(): Promise<void> {
    const now = new Date();
    const days = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 0)).getUTCDate();
    const allowance = (this.config.x.monthlyBudget * RECHECK_SHARE) / days;
    const today = (await this.ledger.usage('x', utcDay())).cost;
    if (today < allowance) return;
    throw new CaptureError(
      'quota-exceeded',
      `re-checks on X have used today's share of the monthly budget (${money(today)} of ${money(allowance)} USD today); they go on tomorrow (UTC)`,
      false,
      { platform: PLATFORM },
    );
  }

  /** Prices what an answer returned: each post and user once per UTC day, as X bills them. */
  private async charge(answer: unknown, month: UsagePeriod): Promise<void> {
    const a = answer as {
      data?: unknown;
      includes?: { tweets?: { id: string }[]; users?: { id: string }[] };
    };
    const data = Array.isArray(a.data) ? a.data : a.data ? [a.data] : [];
    const isUser = (o: unknown) => typeof (o as { username?: unknown }).username === 'string';
    const posts = [...data.filter((d) => !isUser(d)), ...(a.includes?.tweets ?? [])].map(
      (p) => `post:${(p as { id: string }).id}`,
    );
    const users = [...data.filter(isUser), ...(a.includes?.users ?? [])].map(
      (u) => `user:${(u as { id: string }).id}`,
    );
    if (!posts.length && !users.length) return;
    const fresh = await this.ledger.firstReadsToday('x', utcDay().key, [...posts, ...users]);
    const newPosts = fresh.filter((r) => r.startsWith('post:')).length;
    const newUsers = fresh.length - newPosts;
    const cost = newPosts * this.config.x.costPerPost + newUsers * this.config.x.costPerUser;
    await this.ledger.record({ platform: 'x', period: month, units: newPosts, cost });
    await this.ledger.record({ platform: 'x', period: utcDay(), units: newPosts, cost });
  }

  private failure(status: number, data: unknown, url: string, what: string, page?: string): CaptureError {
    const body = (data ?? {}) as { title?: string; detail?: string; type?: string; reason?: string };
    const host = new URL(url).host;
    const detail = body.reason ?? body.title ?? `HTTP ${status}`;
    const vars: ErrorVars = { url: page ?? url, host, status, platform: PLATFORM, detail };
    if (
      status === 401 ||
      (status === 403 && /client-forbidden|unsupported-authentication/.test(body.type ?? ''))
    )
      return new CredentialsRefused(PLATFORM, VARIABLE, detail, page);
    if (/usage-capped/.test(body.type ?? '') || status === 402)
      return new CaptureError(
        'quota-exceeded',
        `X refuses more reads: the app's usage is capped (${detail})`,
        false,
        {
          ...vars,
          spent: '?',
          budget: money(this.config.x.monthlyBudget),
          resets: nextMonthStart().slice(0, 10),
        },
      );
    if (status === 404) return new CaptureError('not-found', `${what} was not found on X`, false, vars);
    return new CaptureError(
      'platform-error',
      `${host} answered HTTP ${status} (${detail}) for ${what}`,
      false,
      vars,
    );
  }

  private lookup(
    http: HttpSession,
    ids: string[],
    what: string,
    page?: string,
    recheck = false,
  ): Promise<Answer> {
    return this.call(http, '/tweets', { ids: ids.join(','), ...POST_FIELDS }, XPostList, what, page, recheck);
  }

  /** The older versions X did not expand, asked for by id (oldest first when normalised). */
  private async missingVersions(
    http: HttpSession,
    answers: Answer[],
    page?: string,
    recheck = false,
  ): Promise<Answer[]> {
    const unique = missingIds(answers.map((a) => a.data));
    if (!unique.length) return [];
    const out: Answer[] = [];
    for (let i = 0; i < unique.length; i += BATCH) {
      const ids = unique.slice(i, i + BATCH);
      out.push(await this.lookup(http, ids, 'the earlier versions of the post', page, recheck));
    }
    return out;
  }

  private gone(kind: ReturnType<typeof problemKind>, what: string, page: string): CaptureError {
    const vars = { url: page, host: new URL(page).host, platform: PLATFORM, detail: kind };
    if (kind === 'protected' || kind === 'suspended')
      return new CaptureError('unavailable', `${what} is not visible on X (${kind})`, false, vars);
    return new CaptureError('not-found', `${what} was not found on X (deleted, or never there)`, false, vars);
  }

  /** A t.co link, followed through the recording session to the post it leads to. */
  async resolveShortLink(url: string, http: HttpSession): Promise<Extract<XRef, { kind: 'post' }>> {
    const res = await http.get(url, { purpose: 'page' });
    const final = parseX(new URL(res.url));
    if (final && final !== 'other' && final.kind === 'post') return final;
    throw new CaptureError(
      'unsupported-url',
      `${url} leads to ${res.url}, not to a post on X: capture that address itself`,
      false,
      { url },
    );
  }

  async fetchThread(target: PostTarget, http: HttpSession, opts: { maxReplies: number }): Promise<Thread> {
    this.token(target.url);
    let ref = parseX(new URL(target.url)) as Extract<XRef, { kind: 'post' | 'short' }>;
    if (ref.kind === 'short') ref = await this.resolveShortLink(ref.url, http);
    const first = await this.lookup(http, [ref.id], 'the post', target.url);
    const asked = first.data.data?.find((p) => p.id === ref.id);
    if (!asked) throw this.gone(problemKind(first.data.errors?.[0] ?? {}), 'the post', target.url);
    const answers = [first, ...(await this.missingVersions(http, [first], target.url))];
    const post = this.normalise(asked, answers, first.url);
    const ancestors = await this.ancestors(http, post, answers, target.url);
    const replies = opts.maxReplies > 0 ? await this.replies(http, asked, opts.maxReplies, target.url) : [];
    return { post, ancestors, replies };
  }

  private normalise(p: XPost, answers: Answer[], sourceUrl: string): NormalisedPost {
    const list = answers.map((a) => a.data);
    return normalisePost(p, postsById(list), mergeIncludes(list), this.api, sourceUrl);
  }

  /** The posts a reply answers, up its thread (the expansion gives the parent; further up is asked for). */
  private async ancestors(
    http: HttpSession,
    post: NormalisedPost,
    answers: Answer[],
    page: string,
  ): Promise<NormalisedPost[]> {
    const out: NormalisedPost[] = [];
    let parent = post.parentPlatformId?.split(':').pop();
    while (parent && out.length < MAX_ANCESTORS) {
      let found = postsById(answers.map((a) => a.data)).get(parent);
      if (!found) {
        const more = await this.lookup(http, [parent], 'a post the reply answers', page);
        answers.push(more);
        found = more.data.data?.find((p) => p.id === parent);
      }
      if (!found) break; // deleted or protected: the thread above is lost, the reply keeps its reference
      const n = this.normalise(found, answers, answers.at(-1)!.url);
      out.unshift(n);
      parent = n.parentPlatformId?.split(':').pop();
    }
    return out;
  }

  /**
   * Replies through recent search (`conversation_id:<root>`, 100 a page, `next_token`): only the last
   * 7 days (older replies are a listed miss). Of a conversation, the replies below this post.
   */
  private async replies(http: HttpSession, p: XPost, max: number, page: string): Promise<NormalisedPost[]> {
    const root = p.conversation_id ?? p.id;
    const found: { post: XPost; answer: Answer }[] = [];
    const answers: Answer[] = [];
    let token: string | null = null;
    do {
      const params: Record<string, string | null> = {
        query: `conversation_id:${root}`,
        max_results: '100',
        next_token: token,
        ...POST_FIELDS,
      };
      const a: Answer = await this.call(
        http,
        '/tweets/search/recent',
        params,
        XPostList,
        'the replies',
        page,
      );
      answers.push(a);
      for (const r of a.data.data ?? []) found.push({ post: r, answer: a });
      token = a.data.meta?.next_token ?? null;
    } while (token && found.length < max);
    const chain = new Set(p.edit_history_tweet_ids ?? [p.id]);
    const below = new Set<string>(chain);
    const parentOf = (r: XPost) => r.referenced_tweets?.find((x) => x.type === 'replied_to')?.id;
    // Oldest first, so a reply's parent is known before the reply.
    const ordered = [...found].sort((a, b) =>
      (a.post.created_at ?? '').localeCompare(b.post.created_at ?? ''),
    );
    const out: NormalisedPost[] = [];
    for (const { post, answer } of ordered) {
      const parent = parentOf(post);
      if (!parent || !below.has(parent) || chain.has(post.id) || out.length >= max) continue;
      for (const id of post.edit_history_tweet_ids ?? [post.id]) below.add(id);
      out.push(this.normalise(post, [answer, ...answers.filter((x) => x !== answer)], answer.url));
    }
    return out;
  }

  async openAccount(target: AccountTarget, http: HttpSession): Promise<AccountHandle> {
    this.token(target.url);
    const ref = parseX(new URL(target.url)) as Extract<XRef, { kind: 'account' }>;
    const { data } = await this.call(
      http,
      `/users/by/username/${encodeURIComponent(ref.username)}`,
      { 'user.fields': 'public_metrics,protected,name,username' },
      XUserAnswer,
      `the account @${ref.username}`,
      target.url,
    );
    const user = data.data;
    if (!user)
      throw this.gone(problemKind(data.errors?.[0] ?? {}), `the account @${ref.username}`, target.url);
    if (user.protected) throw this.gone('protected', `the account @${ref.username}`, target.url);
    const count = user.public_metrics?.tweet_count;
    return {
      account: {
        platform: 'x',
        handle: user.username,
        platformId: user.id,
        displayName: user.name ?? null,
        url: `https://x.com/${user.username}`,
      },
      total: count === null || count === undefined ? null : Math.min(count, TIMELINE_CAP),
      ref: user.id,
    };
  }

  /** One page (100) of the user timeline, newest first, reposts left out; it ends at 3,200 posts. */
  async listAccount(handle: AccountHandle, http: HttpSession, cursor: string | null): Promise<AccountPage> {
    const page = handle.account.url ?? undefined;
    const params = { max_results: '100', exclude: 'retweets', pagination_token: cursor, ...POST_FIELDS };
    const first = await this.call(
      http,
      `/users/${handle.ref}/tweets`,
      params,
      XPostList,
      'the posts of the account',
      page,
    );
    const answers = [first, ...(await this.missingVersions(http, [first], page))];
    const posts = (first.data.data ?? []).map((p) => this.normalise(p, answers, first.url));
    const next = posts.length && first.data.meta?.next_token ? first.data.meta.next_token : null;
    return { posts, next, ...(cursor === null ? {} : { self: cursor }) };
  }

  /**
   * Re-checks posts 100 a request (by the id of their first version: X answers with that version and
   * expands the later ones). `errors[]`: Authorization Error (protected) and a suspended author are
   * unavailable; a post left out or Not Found is asked for once more alone, then its author is looked
   * up: an author who is gone or suspended makes it unavailable, else it is deleted. Budget, 5xx and
   * network errors are errors, never deletions.
   */
  async checkPosts(refs: CheckRef[], http: HttpSession): Promise<Map<string, CheckResult>> {
    const out = new Map<string, CheckResult>();
    const idOf = (r: CheckRef) => r.platformId.split(':').pop()!;
    for (let i = 0; i < refs.length; i += BATCH) {
      const batch = refs.slice(i, i + BATCH);
      try {
        const found = await this.lookUp(http, batch.map(idOf));
        for (const r of batch) {
          const got = found.get(idOf(r));
          out.set(r.platformId, got && got.state !== 'deleted' ? got : await this.confirmMissing(http, r));
        }
      } catch (err) {
        for (const r of batch) out.set(r.platformId, { state: 'error', reason: (err as Error).message });
      }
    }
    return out;
  }

  private async lookUp(http: HttpSession, ids: string[]): Promise<Map<string, CheckResult>> {
    const first = await this.lookup(
      http,
      ids,
      ids.length === 1 ? 'the post' : 'a batch of posts',
      undefined,
      true,
    );
    const answers = [first, ...(await this.missingVersions(http, [first], undefined, true))];
    const out = new Map<string, CheckResult>();
    for (const p of first.data.data ?? []) {
      const n = this.normalise(p, answers, first.url);
      out.set(n.platformId.split(':').pop()!, { state: 'live', post: n });
    }
    for (const e of first.data.errors ?? []) {
      const id = e.resource_id ?? e.value;
      if (!id || out.has(id)) continue;
      out.set(id, this.problemResult(e));
    }
    return out;
  }

  private problemResult(e: XProblem): CheckResult {
    const kind = problemKind(e);
    const reason = e.detail ?? e.title ?? kind;
    if (kind === 'protected' || kind === 'suspended') return { state: 'unavailable', reason };
    if (kind === 'not-found') return { state: 'deleted', reason };
    return { state: 'error', reason };
  }

  private async confirmMissing(http: HttpSession, ref: CheckRef): Promise<CheckResult> {
    const id = ref.platformId.split(':').pop()!;
    try {
      const again = (await this.lookUp(http, [id])).get(id);
      if (again && again.state !== 'deleted') return again;
      if (ref.accountRef) {
        const { data } = await this.call(
          http,
          `/users/${ref.accountRef}`,
          { 'user.fields': 'username,protected' },
          XUserAnswer,
          'the author',
          undefined,
          true,
        );
        if (!data.data)
          return {
            state: 'unavailable',
            reason: data.errors?.[0]?.detail ?? 'the author is gone or suspended',
          };
      }
      return {
        state: 'deleted',
        reason:
          again?.state === 'deleted'
            ? `${again.reason} (asked twice)`
            : 'X no longer serves the post (asked twice)',
      };
    } catch (err) {
      return { state: 'error', reason: (err as Error).message };
    }
  }

  async rederive(input: RederiveInput): Promise<{ current: PostContent; history: PostContent[] } | null> {
    let parsed: XPostList;
    try {
      const checked = XPostList.safeParse(JSON.parse(input.body.toString('utf8')));
      if (!checked.success) return null;
      parsed = checked.data;
    } catch {
      return null;
    }
    const first = input.platformId.split(':').pop()!;
    const list = [parsed];
    const byId = postsById(list);
    const asked = [...byId.values()].find((p) => (p.edit_history_tweet_ids ?? [p.id])[0] === first);
    if (!asked) return null;
    const chain = asked.edit_history_tweet_ids ?? [asked.id];
    // The versions X did not expand were asked for by id in the same capture, 100 a look-up.
    const u = new URL(input.url);
    const api = `${u.origin}${u.pathname.slice(0, Math.max(0, u.pathname.search(/\/(tweets|users)(\/|$)/)))}`;
    const missing = missingIds(list);
    for (let i = 0; i < missing.length; i += BATCH) {
      const q = new URLSearchParams({ ids: missing.slice(i, i + BATCH).join(','), ...POST_FIELDS });
      const more = await input.related(`${api}/tweets?${q}`);
      const extra = more ? XPostList.safeParse(JSON.parse(more.toString('utf8'))) : null;
      if (extra?.success) list.push(extra.data);
    }
    const all = postsById(list);
    const includes = mergeIncludes(list);
    const latest = all.get(chain.at(-1)!) ?? asked;
    const history = chain.length > 1 ? versionsOf(latest, all).map((v) => postContent(v, includes)) : [];
    return { current: postContent(latest, includes), history };
  }
}
