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
  channelAccount,
  commentContent,
  googleError,
  normaliseComment,
  normaliseVideo,
  parseYouTube,
  videoContent,
  type YtChannel,
  YtChannelList,
  type YtComment,
  YtCommentList,
  YtPlaylistItems,
  type YtRef,
  YtThreadList,
  type YtVideo,
  YtVideoList,
} from './youtube/api.ts';

const PLATFORM = 'YouTube';
const VARIABLE = 'YOUTUBE_API_KEY';
/** The part of the daily quota re-checks may spend; the rest is kept for captures. */
const RECHECK_SHARE = 0.8;
/** Videos or comments per `id=` look-up (the API's maximum). */
const BATCH = 50;
const VIDEO_PARTS = 'snippet,contentDetails,status,statistics';

/** The quota day as Google counts it: the date in Pacific time (midnight PT resets the quota). */
export function pacificDay(now = Date.now()): UsagePeriod {
  const key = new Intl.DateTimeFormat('en-CA', {
    timeZone: 'America/Los_Angeles',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date(now));
  return { kind: 'day', key };
}

/** The next midnight in Pacific time (07:00 or 08:00 UTC, after daylight saving), as an ISO time. */
export function nextPacificMidnight(now = Date.now()): string {
  const [y, m, d] = pacificDay(now).key.split('-').map(Number) as [number, number, number];
  for (const hour of [7, 8]) {
    const at = Date.UTC(y, m - 1, d + 1, hour);
    const pt = new Intl.DateTimeFormat('en-GB', {
      timeZone: 'America/Los_Angeles',
      hour: '2-digit',
      hourCycle: 'h23',
    }).format(new Date(at));
    if (Number(pt) === 0) return new Date(at).toISOString();
  }
  return new Date(Date.UTC(y, m - 1, d + 1, 8)).toISOString();
}

/** The daily quota is spent: its own sentence, naming the units and Google's Pacific-midnight reset. */
class YouTubeQuotaSpent extends CaptureError {
  constructor(used: number, limit: number, resets: string, url: string | undefined) {
    super(
      'quota-exceeded',
      `the YouTube Data API quota of today is spent (${used}/${limit} units); Google resets it at midnight Pacific time (${resets})`,
      false,
      { platform: PLATFORM, used, limit, resets, url },
    );
  }

  override get key(): string {
    return 'error.quota-exceeded.youtube';
  }
}

/** Google refuses the key itself (wrong, expired, restricted, or the API is not enabled for its project). */
export class CredentialsRefused extends CaptureError {
  constructor(platform: string, variable: string, detail: string, url: string | undefined) {
    super('not-configured', `${platform} refuses the credentials in ${variable} (${detail})`, false, {
      platform,
      variable,
      detail,
      url,
    });
  }

  override get key(): string {
    return 'error.credentials-refused';
  }
}

const QUOTA_REASONS = new Set(['quotaExceeded', 'dailyLimitExceeded']);
const RATE_REASONS = new Set(['rateLimitExceeded', 'userRateLimitExceeded']);
const KEY_REASONS = new Set(['keyInvalid', 'keyExpired', 'accessNotConfigured', 'ipRefererBlocked']);
const GONE_REASONS = new Set(['videoNotFound', 'commentNotFound', 'channelNotFound', 'playlistNotFound']);

/**
 * YouTube through the Data API v3 with an API key (YOUTUBE_API_KEY, sent in the `X-goog-api-key`
 * header, never in the URL that goes into the WARC): a video with its comments and every reply, a
 * channel's uploads, batch re-checks. Every call is counted against the daily quota (list calls cost
 * 1 unit; search, 100, is never used) before it is made.
 */
export class YouTubeConnector
  implements Connector, PostSource, AccountSource, BatchChecker, ReadinessReporter, Rederiver
{
  readonly platform = 'youtube' as const;
  readonly method: CaptureMethod = {
    ...METHODS.api,
    captures: [
      'title and description',
      'the largest thumbnail',
      'comments and all their replies, with their authors',
      'counters (views, likes, comments)',
    ],
    misses: [
      ...METHODS.api.misses,
      'the video file itself (the YouTube Data API does not serve it; capture the page with the browser method)',
      'captions and subtitles',
      'the live chat of streams',
      'comments YouTube holds for review or has removed',
      'earlier titles and descriptions (YouTube keeps no edit history; changes are found by re-checks)',
    ],
  };
  private readonly api: string;
  private readonly ledger: UsageLedger;

  constructor(
    private readonly config: Config,
    db?: Db,
  ) {
    this.api = config.youtube.apiUrl.replace(/\/+$/, '');
    this.ledger = usageLedger(db);
  }

  match(url: URL): Target | null {
    const ref = parseYouTube(url);
    if (ref === null) return null;
    if (ref === 'other') {
      throw new CaptureError(
        'unsupported-url',
        `${url.href} is not a YouTube video or channel (give a watch, youtu.be, shorts or channel link)`,
        false,
        { url: url.href },
      );
    }
    return { kind: ref.kind === 'video' ? 'post' : 'account', url: url.href };
  }

  lookupKeys(url: URL): string[] {
    const ref = parseYouTube(url);
    if (!ref || ref === 'other' || ref.kind !== 'video') return [];
    return [ref.comment ? `youtube:comment:${ref.comment}` : `youtube:video:${ref.id}`];
  }

  private ref(url: string): YtRef {
    const ref = parseYouTube(new URL(url));
    if (!ref || ref === 'other')
      throw new CaptureError('unsupported-url', `not a YouTube link: ${url}`, false);
    return ref;
  }

  async readiness(db?: Db): Promise<PlatformReadiness> {
    if (!this.config.youtube.apiKey)
      return { platform: 'youtube', state: 'not-configured', variable: VARIABLE };
    const ledger = db ? usageLedger(db) : this.ledger;
    const used = (await ledger.usage('youtube', pacificDay())).units;
    const limit = this.config.youtube.dailyQuota;
    return {
      platform: 'youtube',
      state: used >= limit ? 'quota-exceeded' : 'ready',
      quota: { used, limit, unit: 'units', period: 'day', resets: nextPacificMidnight() },
    };
  }

  private key(page: string | undefined): string {
    const key = this.config.youtube.apiKey;
    if (key) return key;
    throw new CaptureError(
      'not-configured',
      `YouTube needs an API key: set ${VARIABLE} (a Google Cloud API key with the YouTube Data API v3 enabled), or capture the page with the browser method`,
      false,
      { platform: PLATFORM, variable: VARIABLE, url: page },
    );
  }

  /**
   * Refuses before the call when the day's quota cannot pay for it. Re-checks may spend only their
   * share of it (RECHECK_SHARE): the monitor would otherwise spend the whole day's quota on old
   * videos and leave nothing for a capture someone asks for.
   */
  private async afford(units: number, page: string | undefined, recheck: boolean): Promise<UsagePeriod> {
    const day = pacificDay();
    const used = (await this.ledger.usage('youtube', day)).units;
    const limit = this.config.youtube.dailyQuota;
    if (used + units > limit) throw new YouTubeQuotaSpent(used, limit, nextPacificMidnight(), page);
    const share = Math.floor(limit * RECHECK_SHARE);
    if (recheck && used + units > share) {
      throw new CaptureError(
        'quota-exceeded',
        `re-checks have used their share of today's YouTube quota (${used}/${share} of ${limit} units; the rest is kept for captures); they go on after midnight Pacific time (${nextPacificMidnight()})`,
        false,
        { platform: PLATFORM },
      );
    }
    return day;
  }

  /**
   * One list call (1 quota unit, counted whatever the answer: Google charges invalid requests too),
   * checked against its schema; Google's errors mapped: quota → quota-exceeded (and the day's
   * counter set to spent), key refused → not-configured, *NotFound → not-found, commentsDisabled →
   * unavailable, rate limit → rate-limited. `page`: the link the user gave, for the error sentence.
   */
  private async call<S extends z.ZodType>(
    http: HttpSession,
    endpoint: string,
    params: Record<string, string | null | undefined>,
    schema: S,
    what: string,
    page?: string,
    recheck = false,
  ): Promise<{ data: z.output<S>; url: string }> {
    const key = this.key(page);
    const day = await this.afford(1, page, recheck);
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
    const url = `${this.api}/${endpoint}?${q}`;
    let got: Awaited<ReturnType<HttpSession['json']>>;
    try {
      got = await http.json<unknown>(url, { headers: { 'x-goog-api-key': key } });
    } finally {
      await this.ledger.record({ platform: 'youtube', period: day, units: 1 });
    }
    const { data, res } = got;
    if (res.status < 300) return { data: validAnswer(schema, data, url, what), url };
    throw await this.failure(res.status, data, url, what, page, day);
  }

  private async failure(
    status: number,
    data: unknown,
    url: string,
    what: string,
    page: string | undefined,
    day: UsagePeriod,
  ): Promise<CaptureError> {
    const { reason, message, details } = googleError(data);
    const host = new URL(url).host;
    const vars: ErrorVars = { url: page ?? url, host, status, platform: PLATFORM, detail: reason || null };
    if (status === 403 && QUOTA_REASONS.has(reason)) {
      const limit = this.config.youtube.dailyQuota;
      const used = (await this.ledger.usage('youtube', day)).units;
      // Google's own count is what counts: nothing more is asked today.
      if (used < limit) await this.ledger.record({ platform: 'youtube', period: day, units: limit - used });
      return new YouTubeQuotaSpent(Math.max(used, limit), limit, nextPacificMidnight(), page);
    }
    if (RATE_REASONS.has(reason))
      return new CaptureError('rate-limited', `${host} asks to slow down (${reason})`, true, vars);
    const keyRefused =
      KEY_REASONS.has(reason) ||
      details.includes('API_KEY_INVALID') ||
      (status === 400 && /api key/i.test(message)) ||
      (status === 403 && reason === 'forbidden' && /api key|has not been used|disabled/i.test(message));
    if (keyRefused) return new CredentialsRefused(PLATFORM, VARIABLE, reason || `HTTP ${status}`, page);
    if (status === 404 || GONE_REASONS.has(reason))
      return new CaptureError(
        'not-found',
        `${what} was not found on YouTube (${reason || status})`,
        false,
        vars,
      );
    if (status === 403)
      return new CaptureError(
        'unavailable',
        `${what} is not available on YouTube (${reason || status})`,
        false,
        vars,
      );
    return new CaptureError(
      'platform-error',
      `${host} answered HTTP ${status} ${reason} for ${what}`.trim(),
      false,
      vars,
    );
  }

  private async videos(http: HttpSession, ids: string[], page?: string, recheck = false) {
    const { data, url } = await this.call(
      http,
      'videos',
      { part: VIDEO_PARTS, id: ids.join(','), maxResults: String(BATCH) },
      YtVideoList,
      ids.length === 1 ? 'the video' : 'a batch of videos',
      page,
      recheck,
    );
    return { items: data.items, url };
  }

  private async oneVideo(
    http: HttpSession,
    id: string,
    page: string,
  ): Promise<{ video: YtVideo; url: string }> {
    const { items, url } = await this.videos(http, [id], page);
    const video = items.find((v) => v.id === id);
    const vars = { url: page, host: new URL(page).host, platform: PLATFORM };
    if (!video)
      throw new CaptureError(
        'not-found',
        'the video was not found on YouTube (removed, or private)',
        false,
        vars,
      );
    if (video.status?.privacyStatus === 'private')
      throw new CaptureError('unavailable', 'the video is private on YouTube', false, vars);
    return { video, url };
  }

  async fetchThread(target: PostTarget, http: HttpSession, opts: { maxReplies: number }): Promise<Thread> {
    const ref = this.ref(target.url) as Extract<YtRef, { kind: 'video' }>;
    const { video, url } = await this.oneVideo(http, ref.id, target.url);
    const post = normaliseVideo(video, this.api, url);
    if (ref.comment) return this.commentThread(http, ref.id, ref.comment, post, target.url, opts.maxReplies);
    const replies = opts.maxReplies > 0 ? await this.comments(http, ref.id, opts.maxReplies, target.url) : [];
    return { post, ancestors: [], replies };
  }

  /** A comment link (`watch?v=…&lc=…`): the comment, the video (and the comment it answers) as ancestors. */
  private async commentThread(
    http: HttpSession,
    videoId: string,
    commentId: string,
    video: NormalisedPost,
    page: string,
    maxReplies: number,
  ): Promise<Thread> {
    const found = await this.commentsById(http, [commentId], page);
    const c = found.items.find((x) => x.id === commentId);
    if (!c) {
      throw new CaptureError('not-found', 'the comment was not found on YouTube (removed)', false, {
        url: page,
        host: new URL(page).host,
        platform: PLATFORM,
      });
    }
    const ancestors = [video];
    const parentId = c.snippet.parentId ?? null;
    if (parentId) {
      const parent = (await this.commentsById(http, [parentId], page)).items.find((x) => x.id === parentId);
      if (parent) ancestors.push(normaliseComment(parent, videoId, null, this.api, found.url));
    }
    const replies =
      !parentId && maxReplies > 0
        ? (await this.replies(http, commentId, page, maxReplies)).map((r) =>
            normaliseComment(r.comment, videoId, commentId, this.api, r.url),
          )
        : [];
    return { post: normaliseComment(c, videoId, parentId, this.api, found.url), ancestors, replies };
  }

  private async commentsById(http: HttpSession, ids: string[], page?: string, recheck = false) {
    const { data, url } = await this.call(
      http,
      'comments',
      { part: 'snippet', id: ids.join(','), textFormat: 'plainText', maxResults: String(BATCH) },
      YtCommentList,
      ids.length === 1 ? 'the comment' : 'a batch of comments',
      page,
      recheck,
    );
    return { items: data.items, url };
  }

  /**
   * The video's comments, newest thread first (commentThreads, 100 a page), each followed by all its
   * replies, oldest first: the thread's embedded `replies` holds at most 5, so a thread with more is
   * read in full through comments?parentId. Comments turned off: none.
   */
  private async comments(http: HttpSession, videoId: string, max: number, page: string) {
    const out: NormalisedPost[] = [];
    let token: string | null = null;
    do {
      let got: { data: z.output<typeof YtThreadList>; url: string };
      try {
        got = await this.call(
          http,
          'commentThreads',
          {
            part: 'snippet,replies',
            videoId,
            maxResults: '100',
            order: 'time',
            textFormat: 'plainText',
            pageToken: token,
          },
          YtThreadList,
          'the comments of the video',
          page,
        );
      } catch (err) {
        if (err instanceof CaptureError && err.vars.detail === 'commentsDisabled') return out;
        throw err;
      }
      for (const t of got.data.items) {
        if (out.length >= max) break;
        const top = t.snippet.topLevelComment;
        const total = t.snippet.totalReplyCount ?? 0;
        out.push(normaliseComment(top, videoId, null, this.api, got.url, total));
        let replies = (t.replies?.comments ?? []).map((comment) => ({ comment, url: got.url }));
        if (total > replies.length) replies = await this.replies(http, top.id, page, max - out.length);
        for (const r of oldestFirst(replies)) {
          if (out.length >= max) break;
          out.push(normaliseComment(r.comment, videoId, top.id, this.api, r.url));
        }
      }
      token = got.data.nextPageToken ?? null;
    } while (token && out.length < max);
    return out;
  }

  /** Every reply to a top-level comment (comments?parentId, 100 a page), up to `max`. */
  private async replies(http: HttpSession, parentId: string, page: string, max: number) {
    const out: { comment: YtComment; url: string }[] = [];
    let token: string | null = null;
    do {
      const { data, url }: { data: z.output<typeof YtCommentList>; url: string } = await this.call(
        http,
        'comments',
        { part: 'snippet', parentId, maxResults: '100', textFormat: 'plainText', pageToken: token },
        YtCommentList,
        'the replies to a comment',
        page,
      );
      out.push(...data.items.map((comment) => ({ comment, url })));
      token = data.nextPageToken ?? null;
    } while (token && out.length < max);
    return out;
  }

  async openAccount(target: AccountTarget, http: HttpSession): Promise<AccountHandle> {
    const ref = this.ref(target.url) as Extract<YtRef, { kind: 'channel' }>;
    const ask = (by: Record<string, string>) =>
      this.call(
        http,
        'channels',
        { part: 'snippet,contentDetails,statistics', ...by },
        YtChannelList,
        'the channel',
        target.url,
      );
    const handle = ref.value.startsWith('@') ? ref.value : `@${ref.value}`;
    let found: YtChannel | undefined;
    if (ref.by === 'id') found = (await ask({ id: ref.value })).data.items?.[0];
    else if (ref.by === 'username') found = (await ask({ forUsername: ref.value })).data.items?.[0];
    else found = (await ask({ forHandle: handle })).data.items?.[0];
    // A /c/ custom URL has no look-up of its own (only search, at 100 units): its handle, then its legacy username.
    if (!found && ref.by === 'custom') found = (await ask({ forUsername: ref.value })).data.items?.[0];
    const uploads = found?.contentDetails?.relatedPlaylists.uploads;
    if (!found || !uploads) {
      throw new CaptureError('not-found', `the channel ${ref.value} was not found on YouTube`, false, {
        url: target.url,
        host: new URL(target.url).host,
        platform: PLATFORM,
      });
    }
    const count = found.statistics?.videoCount;
    return {
      account: channelAccount(found.id, found.snippet?.title),
      total: count === null || count === undefined ? null : Number(count),
      ref: uploads,
    };
  }

  /**
   * One page of the channel's uploads playlist (50 videos, 1 unit), then the page's videos through
   * videos.list (1 unit) so a video reads the same as when captured on its own. Deleted and private
   * uploads (the playlist's "Deleted video" / "Private video" stubs) are left out. Comments are not
   * read here (capture a video for them).
   */
  async listAccount(handle: AccountHandle, http: HttpSession, cursor: string | null): Promise<AccountPage> {
    const page = handle.account.url ?? undefined;
    const { data } = await this.call(
      http,
      'playlistItems',
      { part: 'snippet,contentDetails,status', playlistId: handle.ref, maxResults: '50', pageToken: cursor },
      YtPlaylistItems,
      'the uploads of the channel',
      page,
    );
    const ids = data.items
      .filter(
        (i) =>
          i.status?.privacyStatus !== 'private' && i.status?.privacyStatus !== 'privacyStatusUnspecified',
      )
      .map((i) => i.contentDetails?.videoId ?? i.snippet?.resourceId?.videoId)
      .filter((id): id is string => !!id);
    let posts: NormalisedPost[] = [];
    if (ids.length) {
      const { items, url } = await this.videos(http, ids, page);
      posts = items
        .filter((v) => v.status?.privacyStatus !== 'private')
        .map((v) => normaliseVideo(v, this.api, url));
    }
    const next = data.items.length && data.nextPageToken ? data.nextPageToken : null;
    return { posts, next, ...(cursor === null ? {} : { self: cursor }) };
  }

  /**
   * Re-checks videos (videos?id=, 50 a call) and comments (comments?id=, 50 a call). One the batch
   * leaves out is asked for once more on its own before it counts as deleted; a private video is
   * unavailable; quota, key, 5xx and network errors are errors, never a deletion.
   */
  async checkPosts(refs: CheckRef[], http: HttpSession): Promise<Map<string, CheckResult>> {
    const out = new Map<string, CheckResult>();
    const idOf = (r: CheckRef) => r.platformId.split(':').pop()!;
    const videos = refs.filter((r) => r.platformId.startsWith('youtube:video:'));
    const comments = refs.filter((r) => r.platformId.startsWith('youtube:comment:'));
    for (const r of refs)
      if (!videos.includes(r) && !comments.includes(r))
        out.set(r.platformId, { state: 'error', reason: 'not a YouTube video or comment id' });
    for (const [list, kind] of [
      [videos, 'video'],
      [comments, 'comment'],
    ] as const) {
      for (let i = 0; i < list.length; i += BATCH) {
        const batch = list.slice(i, i + BATCH);
        try {
          const found = await this.lookUp(http, kind, batch.map(idOf), batch);
          for (const r of batch)
            out.set(r.platformId, found.get(idOf(r)) ?? (await this.confirmMissing(http, kind, r)));
        } catch (err) {
          for (const r of batch) out.set(r.platformId, { state: 'error', reason: (err as Error).message });
        }
      }
    }
    return out;
  }

  private async lookUp(
    http: HttpSession,
    kind: 'video' | 'comment',
    ids: string[],
    refs: CheckRef[],
  ): Promise<Map<string, CheckResult>> {
    const out = new Map<string, CheckResult>();
    if (kind === 'video') {
      const { items, url } = await this.videos(http, ids, undefined, true);
      for (const v of items) {
        out.set(
          v.id,
          v.status?.privacyStatus === 'private'
            ? { state: 'unavailable', reason: 'the video is private on YouTube' }
            : { state: 'live', post: normaliseVideo(v, this.api, url) },
        );
      }
      return out;
    }
    const { items, url } = await this.commentsById(http, ids, undefined, true);
    for (const c of items) {
      const ref = refs.find((r) => r.platformId.endsWith(`:${c.id}`));
      const videoId = c.snippet.videoId ?? new URL(ref?.url ?? 'https://x/').searchParams.get('v') ?? '';
      out.set(c.id, {
        state: 'live',
        post: normaliseComment(c, videoId, c.snippet.parentId ?? null, this.api, url),
      });
    }
    return out;
  }

  private async confirmMissing(
    http: HttpSession,
    kind: 'video' | 'comment',
    ref: CheckRef,
  ): Promise<CheckResult> {
    const id = ref.platformId.split(':').pop()!;
    try {
      const again = await this.lookUp(http, kind, [id], [ref]);
      const found = again.get(id);
      if (found) return found;
    } catch (err) {
      return { state: 'error', reason: (err as Error).message };
    }
    return { state: 'deleted', reason: `YouTube no longer lists the ${kind} (asked twice)` };
  }

  async rederive(input: RederiveInput): Promise<{ current: PostContent; history: PostContent[] } | null> {
    let json: { items?: unknown[] };
    try {
      json = JSON.parse(input.body.toString('utf8'));
    } catch {
      return null;
    }
    const [, kind, id] = input.platformId.split(':');
    const items = Array.isArray(json.items) ? json.items : [];
    if (kind === 'video') {
      const list = YtVideoList.safeParse({ items });
      const v = list.success ? list.data.items.find((x) => x.id === id) : undefined;
      return v ? { current: videoContent(v), history: [] } : null;
    }
    const threads = YtThreadList.safeParse(json);
    const candidates: unknown[] = threads.success
      ? threads.data.items.flatMap((t) => [t.snippet.topLevelComment, ...(t.replies?.comments ?? [])])
      : items;
    const list = YtCommentList.safeParse({ items: candidates });
    const c = list.success ? list.data.items.find((x) => x.id === id) : undefined;
    return c ? { current: commentContent(c), history: [] } : null;
  }
}

function oldestFirst<T extends { comment: YtComment }>(list: T[]): T[] {
  return [...list].sort((a, b) =>
    (a.comment.snippet.publishedAt ?? '').localeCompare(b.comment.snippet.publishedAt ?? ''),
  );
}
