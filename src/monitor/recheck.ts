import type { Logger } from 'pino';
import {
  type BatchChecker,
  type CheckRef,
  type CheckResult,
  type Connector,
  canCheckPosts,
} from '../capture/connector.ts';
import { type HttpSession, type RateWindow, rateLimitWindow, urgently } from '../capture/http.ts';
import type { CapturePipeline, PostCaptureOutcome } from '../capture/pipeline.ts';
import type { Config } from '../config.ts';
import { contentHash } from '../domain/content.ts';
import { mediaChanges, readableText, wordDiff } from '../domain/diff.ts';
import { CaptureError } from '../domain/errors.ts';
import { nextCheckAt } from '../domain/schedule.ts';
import type { PostContent } from '../domain/types.ts';
import {
  accountErrors,
  type CheckUpdate,
  claimDue,
  type DuePost,
  insertAlert,
  lastLossAlert,
  recordLoss,
  saveChecks,
  versionText,
} from '../store/monitor.ts';

export type Outcome = 'unchanged' | 'edited' | 'deleted' | 'unavailable' | 'restored' | 'error';

export interface CheckOutcome {
  id: number;
  url: string;
  outcome: Outcome;
  detail: string;
}

export interface PassResult {
  checked: number;
  outcomes: CheckOutcome[];
  /** Ids of the alerts this pass raised (for delivery). */
  alerts: number[];
  /** The real time one round took (a continuous pass's `onRound`). */
  ms?: number;
}

export interface PassOptions {
  all?: boolean;
  limit?: number;
  postIds?: number[];
  spare?: number;
  /**
   * Spend each platform's request budget (`monitor.budget`, less `monitor.headroom`): the due posts
   * up to their fair share, the ones checked longest ago in the rest, in batches of the platform's
   * size, never more requests than the budget has left (the monitor's ticks).
   */
  budgeted?: boolean;
  /** With `budgeted`: keep spending as the budget refills until this time (ms since the epoch). */
  until?: number;
  /** Called after each round of a continuous pass (the monitor delivers its alerts at once). */
  onRound?: (round: PassResult) => void;
}

/**
 * The share of a round's checks the decaying schedule's due posts may take when posts checked longest
 * ago want the rest: each side gets at least this much of the budget, and what one leaves the other
 * takes. Young posts stay checked far more often than old ones (a few hundred young posts against a
 * round robin over all), but a busy schedule on a tight budget (X: 48 look-ups an hour) can no longer
 * leave old posts unchecked for days.
 */
const DUE_SHARE = 0.5;

/** How long budgeted work waits for urgent checks at most before it takes its next batch. */
const YIELD_MAX_MS = 2000;

/** How far back what urgent checks cost counts towards what the ticks leave them. */
const URGENT_MEMORY_MS = 300_000;

/**
 * Re-checks what the archive holds. A pass claims the posts that are due (a lease keeps other workers
 * off them), asks each platform host in its own lane (a slow instance does not hold up the others)
 * with batch look-ups, and turns every answer into an outcome: unchanged; edited (captured again: a
 * new version and its diff); deleted (the platform's not-found, asked twice); unavailable (suspended,
 * private, login required); restored (seen again after a loss); error (5xx, timeouts, 429, malformed:
 * never a deletion; repeated errors raise a "capture degraded" alert for the account).
 */
export class Rechecker {
  constructor(
    private readonly pipeline: CapturePipeline,
    private readonly config: Config,
    private readonly log?: Logger,
  ) {}

  private get db() {
    return this.pipeline.archive.db;
  }

  private get checkers(): (Connector & BatchChecker)[] {
    return this.pipeline.connectors.filter(canCheckPosts);
  }

  /**
   * One pass. `spare`: when fewer posts than that are due, check the ones checked longest ago (the
   * monitor's ticks use the spare rate-limit budget this way; a `recheck` from the CLI does not).
   * `postIds` (a stream event, a webhook) is urgent: while it runs, budgeted work on the same platform
   * waits between its batch look-ups, so the urgent check has the platform's window to itself.
   */
  async pass(opts: PassOptions = {}): Promise<PassResult> {
    if (opts.budgeted && opts.until !== undefined && !opts.all && !opts.postIds) return this.spendUntil(opts);
    // An urgent check's requests (its capture's too) skip the HTTP client's pacing: they spend the
    // headroom the budget leaves in the platform's window.
    const {
      idle: _,
      ms: __,
      ...result
    } = await (opts.postIds ? urgently(() => this.round(opts)) : this.round(opts));
    return result;
  }

  /**
   * Continuous spending (the monitor's tick): round after round until `until`, each as soon as the
   * budget has refilled by a quarter tick's worth, so the budget is spent as it accrues instead of in
   * one burst a tick followed by an idle wait (a bucket that stays full loses what it cannot hold).
   * One such loop runs per re-checker: a tick that finds one running extends its end and returns.
   */
  private async spendUntil(opts: PassOptions): Promise<PassResult> {
    if (this.spending) {
      this.spending.until = Math.max(this.spending.until, opts.until!);
      return { checked: 0, outcomes: [], alerts: [] };
    }
    const state = { until: opts.until! };
    this.spending = state;
    this.stopped = false;
    const total: PassResult = { checked: 0, outcomes: [], alerts: [] };
    // Platforms whose budget allowed checks that found nothing to claim: left alone until the next tick.
    const idle = new Set<string>();
    try {
      for (;;) {
        await this.yieldToUrgent(null);
        const { idle: none, ...r } = await this.round(opts);
        for (const platform of none) idle.add(platform);
        total.checked += r.checked;
        total.outcomes.push(...r.outcomes);
        total.alerts.push(...r.alerts);
        opts.onRound?.(r);
        if (this.stopped) break;
        const wait = this.untilNextRound(Date.now(), idle);
        if (wait === null || Date.now() + wait >= state.until) break;
        await this.pause(wait);
      }
    } finally {
      this.spending = null;
    }
    return total;
  }

  /** The continuous loop running now, if any (its end moves when ticks come while it runs). */
  private spending: { until: number } | null = null;
  private stopped = false;
  private wake?: () => void;

  /** Ends a running continuous loop after its current round (the monitor's shutdown). */
  stop(): void {
    this.stopped = true;
    this.wake?.();
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const self = this;
      function done() {
        clearTimeout(timer);
        if (self.wake === done) self.wake = undefined;
        resolve();
      }
      this.wake = done;
    });
  }

  /** One round: claim, look up per lane, settle, spend. */
  private async round(opts: PassOptions): Promise<PassResult & { idle: string[] }> {
    const now = Date.now();
    const platforms = this.checkers.map((c) => c.platform);
    const budgeted = Boolean(opts.budgeted && !opts.all && !opts.postIds);
    const allowances = budgeted ? this.allowances(platforms, now) : undefined;
    const due = await this.claim(opts, platforms, now, allowances);
    const urgent = opts.postIds ? [...new Set(due.map((p) => p.platform))] : [];
    for (const platform of urgent) this.urgent.set(platform, (this.urgent.get(platform) ?? 0) + 1);
    try {
      // One lane per platform host: each checks its posts in turn, the lanes run side by side.
      const lanes = new Map<string, DuePost[]>();
      for (const p of due) {
        const host = laneOf(p);
        const lane = lanes.get(host);
        if (lane) lane.push(p);
        else lanes.set(host, [p]);
      }
      const results = await Promise.all([...lanes.values()].map((posts) => this.checkLane(posts, budgeted)));
      for (const r of results) {
        this.budgets.get(r.platform)?.spend(r.requests, Date.now());
        if (opts.postIds) {
          const log = this.urgentCost.get(r.platform) ?? [];
          log.push([Date.now(), r.requests]);
          this.urgentCost.set(r.platform, log);
        }
      }
      const outcomes = results.flatMap((r) => r.outcomes);
      const alerts = results.flatMap((r) => r.alerts);
      alerts.push(...(await this.degraded(due)));
      for (const o of outcomes) {
        if (o.outcome === 'error')
          this.log?.warn({ post: o.id, url: o.url, detail: o.detail }, 'check failed');
        else if (o.outcome !== 'unchanged')
          this.log?.info({ post: o.id, url: o.url, outcome: o.outcome }, 'post changed');
      }
      // The budgeted platforms that had checks to spend and nothing to claim (none, or all leased).
      const idle = Object.entries(allowances ?? {})
        .filter(([platform, a]) => a.inAll > 0 && !due.some((p) => p.platform === platform))
        .map(([platform]) => platform);
      return { checked: due.length, outcomes, alerts, idle, ms: Date.now() - now };
    } finally {
      for (const platform of urgent) this.urgent.set(platform, this.urgent.get(platform)! - 1);
      if (urgent.length) for (const w of this.waiters.splice(0)) w();
    }
  }

  /**
   * The posts of this round. Budgeted: per platform the due posts up to their fair share of what the
   * budget allows (`DUE_SHARE`), the ones checked longest ago in the rest; a share one side leaves
   * unused goes to the other (the due posts get more when there are too few spare ones).
   */
  private async claim(
    opts: PassOptions,
    platforms: string[],
    now: number,
    allowances: Record<string, { due: number; inAll: number }> | undefined,
  ): Promise<DuePost[]> {
    const ask = (perPlatform: typeof allowances, only = platforms) =>
      claimDue(this.db, {
        now: new Date(now).toISOString(),
        leaseUntil: new Date(now + this.config.monitor.leaseSeconds * 1000).toISOString(),
        limit: opts.limit ?? 5000,
        all: opts.all,
        platforms: only,
        postIds: opts.postIds,
        ahead: opts.spare,
        perPlatform,
      });
    const first = await ask(allowances);
    if (!allowances) return first;
    const rest: Record<string, { due: number; inAll: number }> = {};
    for (const [platform, a] of Object.entries(allowances)) {
      const left = a.inAll - first.filter((p) => p.platform === platform).length;
      // Due posts only: the spare selection would take the posts just leased (their next check is ahead).
      if (left > 0 && a.due < a.inAll) rest[platform] = { due: left, inAll: 0 };
    }
    if (!Object.keys(rest).length) return first;
    return [...first, ...(await ask(rest, Object.keys(rest)))];
  }

  /** Platforms asked once (before that, a budgeted round takes one round's worth of them). */
  private readonly probed = new Set<string>();
  /** Per platform: what urgent checks cost lately, as [time, requests]. */
  private readonly urgentCost = new Map<string, [number, number][]>();

  /**
   * The requests urgent checks will want until the window resets, at the rate they needed over the
   * last `URGENT_MEMORY_MS` (a busy stream asks for more than the headroom: the ticks leave it).
   */
  private urgentNeed(platform: string, now: number, msLeft: number): number {
    const log = (this.urgentCost.get(platform) ?? []).filter(([t]) => t > now - URGENT_MEMORY_MS);
    this.urgentCost.set(platform, log);
    return (log.reduce((a, [, n]) => a + n, 0) / URGENT_MEMORY_MS) * msLeft;
  }

  /** Per platform: urgent checks running now (budgeted look-ups wait while there are any). */
  private readonly urgent = new Map<string, number>();
  private waiters: (() => void)[] = [];

  /**
   * Waits while an urgent check runs on this platform (null: on any), at most `YIELD_MAX_MS` (a flood
   * of stream events never stops the polling).
   */
  private async yieldToUrgent(platform: string | null): Promise<void> {
    const busy = () =>
      platform === null ? [...this.urgent.values()].some((n) => n > 0) : (this.urgent.get(platform) ?? 0) > 0;
    const until = Date.now() + YIELD_MAX_MS;
    while (busy() && Date.now() < until) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, until - Date.now());
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Milliseconds until some budgeted platform (not idle) can spend a round's worth again; null: none. */
  private untilNextRound(now: number, idle: Set<string>): number | null {
    let soonest: number | null = null;
    for (const [platform, budget] of this.budgets) {
      if (idle.has(platform)) continue;
      let wait = budget.msUntil(budget.roundSize, now);
      const window = this.windows.get(platform);
      if (
        window &&
        window.resetAt > now &&
        window.remaining - this.config.monitor.headroom * window.limit < 1
      )
        wait = Math.max(wait, window.resetAt - now);
      soonest = soonest === null ? wait : Math.min(soonest, wait);
    }
    return soonest;
  }

  /** The request budget of each platform that has one, kept for the life of this re-checker. */
  private readonly budgets = new Map<string, RequestBudget>();
  /** Per platform: its rate-limit window as its last answer's headers told it. */
  private readonly windows = new Map<string, RateWindow>();

  /** Per budgeted platform: how many posts this pass may claim (what its budget has left, in batches). */
  private allowances(platforms: string[], now: number): Record<string, { due: number; inAll: number }> {
    const out: Record<string, { due: number; inAll: number }> = {};
    for (const platform of platforms) {
      const limit = this.config.monitor.budget[platform as keyof Config['monitor']['budget']];
      if (!limit || limit.requestsPerHour <= 0) continue;
      let budget = this.budgets.get(platform);
      if (!budget) {
        budget = new RequestBudget(
          limit.requestsPerHour * (1 - this.config.monitor.headroom),
          this.config.monitor.tickSeconds,
          now,
        );
        this.budgets.set(platform, budget);
      }
      // What the platform itself says is left of its window, less the headroom (and less what urgent
      // checks have been needing, when that is more): captures, polls and stream checks spend from the
      // same window, and the re-checker must not take their share. Before a platform's first answer
      // (a process just started: a backfill may have spent the window), one round's worth.
      const window = this.windows.get(platform);
      let left: number | null = null;
      if (window && window.resetAt > now) {
        const reserve = Math.max(
          this.config.monitor.headroom * window.limit,
          this.urgentNeed(platform, now, window.resetAt - now),
        );
        left = Math.floor(window.remaining - reserve);
      } else if (!this.windows.has(platform) && !this.probed.has(platform)) left = budget.roundSize;
      const requests = Math.max(0, Math.min(budget.available(now), left ?? Number.POSITIVE_INFINITY));
      const checks = requests * limit.batchSize;
      out[platform] = { due: Math.ceil(checks * DUE_SHARE), inAll: checks };
    }
    return out;
  }

  private async checkLane(
    posts: DuePost[],
    budgeted = false,
  ): Promise<{ outcomes: CheckOutcome[]; alerts: number[]; platform: string; requests: number }> {
    const platform = posts[0]!.platform;
    const checker = this.checkers.find((c) => c.platform === platform);
    const http = this.pipeline.http.session();
    let results: Map<string, CheckResult>;
    const refs: CheckRef[] = posts.map((p) => ({
      platformId: p.platform_id,
      apiRef: p.api_ref,
      url: p.url,
      accountRef: p.account_ref,
      deleted: p.status === 'deleted',
    }));
    // The content a look-up finds unchanged was there at some moment after this.
    const askedAt = new Date().toISOString();
    try {
      if (!checker) {
        throw new CaptureError('platform-error', `no connector re-checks ${platform} posts`, false, {
          platform,
          host: new URL(posts[0]!.url).host,
        });
      }
      results = await this.lookUp(checker, refs, http, budgeted);
    } catch (err) {
      results = new Map(
        refs.map((r) => [r.platformId, { state: 'error', reason: (err as Error).message } as const]),
      );
    }
    const outcomes: CheckOutcome[] = [];
    const alerts: number[] = [];
    const updates: CheckUpdate[] = [];
    for (const p of posts) {
      const result = results.get(p.platform_id) ?? { state: 'error', reason: 'no answer for this post' };
      const r = await this.settle(p, result, http.exchanges).catch((err) => ({
        outcome: 'error' as const,
        detail: (err as Error).message,
        status: undefined,
        alert: null,
        replies: undefined,
        seen: false,
      }));
      outcomes.push({ id: p.id, url: p.url, outcome: r.outcome, detail: r.detail });
      if (r.alert) alerts.push(r.alert);
      const now = Date.now();
      updates.push({
        id: p.id,
        status: r.status,
        checkedAt: new Date(now).toISOString(),
        nextCheckAt:
          r.outcome === 'error'
            ? new Date(now + this.config.monitor.errorRetrySeconds * 1000).toISOString()
            : nextCheckAt(this.config.monitor.recheckSchedule, p.created_at, p.first_seen, now),
        error: r.outcome === 'error',
        replyCount: r.replies,
        ...(r.seen ? { seenAt: askedAt } : {}),
      });
    }
    await saveChecks(this.db, updates);
    const window = rateWindow(http.exchanges.at(-1));
    if (window) this.windows.set(platform, window);
    this.probed.add(platform);
    // What the look-ups cost (retries and single look-ups included), for the platform's budget.
    return { outcomes, alerts, platform, requests: http.exchanges.length };
  }

  /**
   * The platform's answers for these posts. Budgeted work asks one batch at a time and lets an urgent
   * check on its platform go first before each (a stream event's check is not queued behind a tick's
   * look-ups in the platform's window or the HTTP client's pacing).
   */
  private async lookUp(
    checker: Connector & BatchChecker,
    refs: CheckRef[],
    http: HttpSession,
    budgeted: boolean,
  ): Promise<Map<string, CheckResult>> {
    const size = this.config.monitor.budget[checker.platform as keyof Config['monitor']['budget']]?.batchSize;
    if (!budgeted || !size) return checker.checkPosts(refs, http);
    const out = new Map<string, CheckResult>();
    for (let i = 0; i < refs.length; i += size) {
      await this.yieldToUrgent(checker.platform);
      for (const [k, v] of await checker.checkPosts(refs.slice(i, i + size), http)) out.set(k, v);
    }
    return out;
  }

  /** What one answer means for one post; captures again and raises alerts as needed. */
  private async settle(
    p: DuePost,
    result: CheckResult,
    exchanges: import('../capture/http.ts').Exchange[],
  ): Promise<{
    outcome: Outcome;
    detail: string;
    status?: string;
    alert: number | null;
    replies?: number;
    /** The look-up saw the content archived last (unchanged). */
    seen?: boolean;
  }> {
    const detectedAt = new Date().toISOString();
    const lost = p.status === 'deleted' || p.status === 'unavailable';
    if (result.state === 'error') return { outcome: 'error', detail: result.reason, alert: null };
    if (result.state === 'deleted' || result.state === 'unavailable') {
      if (p.status === result.state)
        return { outcome: 'unchanged', detail: `still ${result.state}`, alert: null };
      const relevant = exchanges.filter((e) => aboutPost(e.url, p));
      const { alert } = await recordLoss(this.pipeline.archive, p, {
        state: result.state,
        reason: result.reason,
        exchanges: relevant.length ? relevant : exchanges,
      });
      return { outcome: result.state, detail: result.reason, status: result.state, alert };
    }
    // Live: compare the content, pick up new replies, notice a return after a loss.
    const post = result.post;
    const replies = post.counts.replies;
    const changed = contentHash(post.content) !== p.content_hash;
    const moreReplies = replies !== undefined && p.reply_count !== null && replies > p.reply_count;
    let alert: number | null = null;
    let detail = 'unchanged';
    let outcome: Outcome = 'unchanged';
    if (changed || moreReplies || lost) {
      const captured = await this.pipeline.capture({
        url: p.url,
        trigger: 'recheck',
        requestedBy: 'monitor',
        withoutReplies: !moreReplies,
      });
      if (captured.kind !== 'post') throw new Error('a post URL captured as an account');
      if (captured.newVersion) {
        const edit = await this.editAlert(p, captured, detectedAt);
        alert = edit.alert;
        detail = edit.detail;
        if (!edit.rereading) outcome = 'edited';
      } else if (moreReplies) {
        detail = `${replies - (p.reply_count ?? 0)} new replies captured`;
      }
    }
    if (lost) {
      const after = await lastLossAlert(this.db, p.id);
      const restored = await insertAlert(this.db, {
        kind: 'restored',
        postId: p.id,
        accountId: p.account_id,
        eventKey: `restored:post:${p.id}:after:${after ?? 'none'}`,
        detectedAt,
        detail: { account: p.handle, url: p.url, postedAt: p.created_at, was: p.status },
      });
      // The capture above has set the post's status again (live, or edited when it has versions).
      return { outcome: 'restored', detail: `was ${p.status}`, alert: restored ?? alert, replies };
    }
    return { outcome, detail, alert, replies, seen: !changed };
  }

  /**
   * The alert for a new version a re-check captured: `edited`, with the diff over the text, media
   * changes and when it was made. A re-reading (the platform's same record read again by a newer
   * parser, `PostContent.rereading`) is kept as a version but is no edit: no alert.
   */
  private async editAlert(
    p: DuePost,
    captured: PostCaptureOutcome,
    detectedAt: string,
  ): Promise<{ alert: number | null; detail: string; rereading: boolean }> {
    // The diff is over what a reader sees as text; media changes are counted apart, so an
    // unchanged image's description never shows up as removed text.
    const before = JSON.parse((await versionText(this.db, p.id, p.version)).content) as PostContent;
    const row = await this.db.get<{
      content: string;
      valid_from: string | null;
      valid_from_latest: string | null;
    }>('SELECT content, valid_from, valid_from_latest FROM version WHERE post_id = ? AND number = ?', [
      p.id,
      captured.version,
    ]);
    const after = row ? (JSON.parse(row.content) as PostContent) : before;
    if (after.rereading) {
      const { of, why } = after.rereading;
      return {
        alert: null,
        detail: `version ${captured.version} re-reads version ${of} (${why}): not an edit`,
        rereading: true,
      };
    }
    const diff = wordDiff(readableText(before), readableText(after));
    const media = mediaChanges(before.media, after.media);
    const alert = await insertAlert(this.db, {
      kind: 'edited',
      postId: p.id,
      accountId: p.account_id,
      eventKey: `edited:post:${p.id}:v${captured.version}`,
      detectedAt,
      detail: {
        account: p.handle,
        url: p.url,
        postedAt: p.created_at,
        previous: { number: p.version, sha256: p.content_hash },
        version: captured.version,
        sha256: captured.sha256,
        diff,
        media,
        // The platform's edit time, or the window a change it did not date was found in.
        ...(row?.valid_from_latest
          ? { editedBetween: { from: row.valid_from, to: row.valid_from_latest } }
          : { editedAt: row?.valid_from ?? null }),
        evidence: captured.warc,
      },
    });
    return { alert, detail: `version ${captured.version}`, rereading: false };
  }

  /** One "capture degraded" alert per account and hour once its checks keep failing. */
  private async degraded(posts: DuePost[]): Promise<number[]> {
    const ids = [...new Set(posts.map((p) => p.account_id).filter((x): x is number => x !== null))];
    const out: number[] = [];
    for (const [accountId, { errors, handle }] of await accountErrors(this.db, ids)) {
      if (errors < this.config.monitor.degradedAfterErrors) continue;
      const hour = new Date().toISOString().slice(0, 13);
      const id = await insertAlert(this.db, {
        kind: 'degraded',
        postId: null,
        accountId,
        eventKey: `degraded:account:${accountId}:${hour}`,
        detectedAt: new Date().toISOString(),
        detail: { account: handle, consecutiveErrors: errors },
      });
      if (id) out.push(id);
    }
    return out;
  }
}

/** The exchanges of a lane that are about this post: its own look-up, the batch it was left out of, its author. */
function aboutPost(url: string, p: DuePost): boolean {
  if (url === p.api_ref || url.includes(encodeURIComponent(p.platform_id))) return true;
  const statusId = p.api_ref?.split('/').pop();
  if (statusId && new RegExp(`[?&]id\\[\\]=${statusId}(&|$)`).test(url)) return true;
  const account = p.account_ref?.split(':').pop();
  return Boolean(
    account &&
      (url.endsWith(`/api/v1/accounts/${account}`) || url.includes(encodeURIComponent(p.account_ref ?? ''))),
  );
}

/**
 * A platform's rate-limit window from an answer's headers: Mastodon's `X-RateLimit-*` (reset an ISO
 * time), X's `x-rate-limit-*` and Bluesky's `RateLimit-*` (reset in unix seconds).
 */
export function rateWindow(e: { responseHeaders: [string, string][] } | undefined): RateWindow | null {
  return e ? rateLimitWindow(new Headers(e.responseHeaders)) : null;
}

/**
 * A platform's request budget as a token bucket: it fills at `perHour` requests an hour up to two
 * ticks' worth (so a late tick can catch up, and no window of time sees more than its share plus
 * that), a pass takes what is there, and what the look-ups really cost is spent (the bucket may go
 * below zero: the next passes wait until it is paid back).
 */
export class RequestBudget {
  private tokens: number;
  private readonly capacity: number;
  private readonly perMs: number;
  private readonly tickMs: number;

  constructor(
    perHour: number,
    tickSeconds: number,
    private at: number,
  ) {
    this.perMs = perHour / 3_600_000;
    this.tickMs = tickSeconds * 1000;
    this.capacity = Math.max(1, this.perMs * tickSeconds * 1000 * 2);
    this.tokens = this.capacity;
  }

  private refill(now: number): void {
    if (now > this.at) this.tokens = Math.min(this.capacity, this.tokens + (now - this.at) * this.perMs);
    this.at = Math.max(this.at, now);
  }

  /** The requests a round of continuous spending waits for: a quarter tick's worth (at least one). */
  get roundSize(): number {
    return Math.max(1, Math.min(this.capacity, Math.floor((this.perMs * this.tickMs) / 4)));
  }

  /** Milliseconds until `requests` whole requests may be made (0: now). */
  msUntil(requests: number, now: number): number {
    this.refill(now);
    return Math.max(0, Math.ceil((requests - this.tokens) / this.perMs));
  }

  /** Whole requests that may be made now. */
  available(now: number): number {
    this.refill(now);
    return Math.max(0, Math.floor(this.tokens));
  }

  spend(requests: number, now: number): void {
    this.refill(now);
    this.tokens -= requests;
  }
}

function laneOf(p: DuePost): string {
  if (p.api_ref?.startsWith('http')) return `${p.platform}:${new URL(p.api_ref).host}`;
  return p.platform;
}

export type { CheckOutcome as RecheckOutcome };
