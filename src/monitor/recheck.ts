import type { Logger } from 'pino';
import {
  type BatchChecker,
  type CheckRef,
  type CheckResult,
  type Connector,
  canCheckPosts,
} from '../capture/connector.ts';
import { rateLimitWindow } from '../capture/http.ts';
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
}

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
   */
  async pass(
    opts: {
      all?: boolean;
      limit?: number;
      postIds?: number[];
      spare?: number;
      /**
       * Spend each platform's request budget (`monitor.budget`, less `monitor.headroom`): the due
       * posts first, then the ones checked longest ago, in batches of the platform's size, never
       * more requests than the budget has left (the monitor's ticks).
       */
      budgeted?: boolean;
    } = {},
  ): Promise<PassResult> {
    const now = Date.now();
    const platforms = this.checkers.map((c) => c.platform);
    const due = await claimDue(this.db, {
      now: new Date(now).toISOString(),
      leaseUntil: new Date(now + this.config.monitor.leaseSeconds * 1000).toISOString(),
      limit: opts.limit ?? 5000,
      all: opts.all,
      platforms,
      postIds: opts.postIds,
      ahead: opts.spare,
      perPlatform: opts.budgeted && !opts.all && !opts.postIds ? this.allowances(platforms, now) : undefined,
    });
    // One lane per platform host: each checks its posts in turn, the lanes run side by side.
    const lanes = new Map<string, DuePost[]>();
    for (const p of due) {
      const host = laneOf(p);
      const lane = lanes.get(host);
      if (lane) lane.push(p);
      else lanes.set(host, [p]);
    }
    const results = await Promise.all([...lanes.values()].map((posts) => this.checkLane(posts)));
    for (const r of results) this.budgets.get(r.platform)?.spend(r.requests, Date.now());
    const outcomes = results.flatMap((r) => r.outcomes);
    const alerts = results.flatMap((r) => r.alerts);
    alerts.push(...(await this.degraded(due)));
    for (const o of outcomes) {
      if (o.outcome === 'error') this.log?.warn({ post: o.id, url: o.url, detail: o.detail }, 'check failed');
      else if (o.outcome !== 'unchanged')
        this.log?.info({ post: o.id, url: o.url, outcome: o.outcome }, 'post changed');
    }
    return { checked: due.length, outcomes, alerts };
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
      // What the platform itself says is left of its window, less the headroom: captures, polls and
      // stream checks spend from the same window, and the re-checker must not take their share.
      const window = this.windows.get(platform);
      const left =
        window && window.resetAt > now
          ? Math.floor(window.remaining - this.config.monitor.headroom * window.limit)
          : null;
      const requests = Math.max(0, Math.min(budget.available(now), left ?? Number.POSITIVE_INFINITY));
      const checks = requests * limit.batchSize;
      out[platform] = { due: checks, inAll: checks };
    }
    return out;
  }

  private async checkLane(
    posts: DuePost[],
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
      results = await checker.checkPosts(refs, http);
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
    // What the look-ups cost (retries and single look-ups included), for the platform's budget.
    return { outcomes, alerts, platform, requests: http.exchanges.length };
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
    const before = JSON.parse(p.content) as PostContent;
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

interface RateWindow {
  limit: number;
  remaining: number;
  resetAt: number;
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

  constructor(
    perHour: number,
    tickSeconds: number,
    private at: number,
  ) {
    this.perMs = perHour / 3_600_000;
    this.capacity = Math.max(1, this.perMs * tickSeconds * 1000 * 2);
    this.tokens = this.capacity;
  }

  private refill(now: number): void {
    if (now > this.at) this.tokens = Math.min(this.capacity, this.tokens + (now - this.at) * this.perMs);
    this.at = Math.max(this.at, now);
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
