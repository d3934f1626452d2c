import { createServer, type IncomingMessage, type Server } from 'node:http';
import { PNG } from 'pngjs';
import { answer, type FakeReply, InjectedFailures, listenOnLoopback } from './listen.ts';

/**
 * A loopback YouTube Data API v3 (docs/reference/platform-apis.md §5.1 and §8; the resources of
 * developers.google.com/youtube/v3/docs): videos, channels, playlistItems, commentThreads (with at most
 * 5 embedded replies) and comments (by id or parentId), `pageToken`/`nextPageToken` paging, the API key
 * in `X-goog-api-key` or `key=`, Google's error envelope (`forbidden` without a key, `badRequest`/
 * API_KEY_INVALID for a wrong one, `quotaExceeded`, `videoNotFound`, `commentsDisabled`), and a
 * quota counter of its own (1 unit a list call, 100 a search). Thumbnails are real PNG bytes.
 */

export interface FakeVideo {
  id: string;
  channelId: string;
  title: string;
  description: string;
  publishedAt: string;
  privacy: 'public' | 'unlisted' | 'private';
  deleted: boolean;
  commentsDisabled: boolean;
  views: number;
  likes: number;
}

export interface FakeComment {
  id: string;
  videoId: string;
  parentId: string | null;
  authorName: string;
  authorChannelId: string;
  text: string;
  publishedAt: string;
  updatedAt: string;
  likes: number;
  deleted: boolean;
}

interface FakeChannel {
  id: string;
  handle: string;
  username: string | null;
  title: string;
  uploads: string[];
}

export interface Recorded {
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
}

/** A tiny real PNG (4×3, one colour per seed), as i.ytimg.com serves thumbnails. */
export function tinyPng(seed: number): Buffer {
  const png = new PNG({ width: 4, height: 3 });
  for (let i = 0; i < png.data.length; i += 4) {
    png.data[i] = (seed * 37) % 256;
    png.data[i + 1] = (seed * 91) % 256;
    png.data[i + 2] = (seed * 53) % 256;
    png.data[i + 3] = 255;
  }
  return PNG.sync.write(png);
}

const json = (status: number, body: unknown): FakeReply => ({
  status,
  body: JSON.stringify(body),
  headers: { 'content-type': 'application/json; charset=UTF-8' },
});

/** Google's error envelope. */
export function googleError(status: number, reason: string, message: string, extra: object = {}): FakeReply {
  return json(status, {
    error: {
      code: status,
      message,
      errors: [{ message, domain: reason === 'quotaExceeded' ? 'youtube.quota' : 'youtube.api', reason }],
      ...extra,
    },
  });
}

const ID_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';

export class FakeYouTube {
  readonly requests: Recorded[] = [];
  /** Quota units spent today, as Google counts them. */
  unitsUsed = 0;
  private readonly server: Server;
  private base = '';
  private readonly videos = new Map<string, FakeVideo>();
  private readonly channels = new Map<string, FakeChannel>();
  private readonly comments = new Map<string, FakeComment>();
  private readonly failures = new InjectedFailures<FakeReply>();
  private seq = 0;
  private clock = Date.parse('2025-03-01T08:00:00Z');

  private constructor(
    readonly apiKey: string,
    private quota: number,
  ) {
    this.server = createServer((req, res) =>
      answer(
        res,
        () => this.handle(req),
        (e) => googleError(500, 'backendError', String(e)),
      ),
    );
  }

  static async start(opts: { apiKey?: string; quota?: number } = {}): Promise<FakeYouTube> {
    const f = new FakeYouTube(opts.apiKey ?? 'test-youtube-key', opts.quota ?? 10_000);
    f.base = await listenOnLoopback(f.server);
    return f;
  }

  get url(): string {
    return this.base;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  // ---- test-side API ----------------------------------------------------------------------------

  setQuota(units: number): void {
    this.quota = units;
  }

  failNext(match: RegExp, reply: FakeReply, times = 1): void {
    this.failures.add(match, reply, times);
  }

  private id(prefix = '', length = 11): string {
    this.seq++;
    let n = this.seq * 7919;
    let out = prefix;
    while (out.length < length) {
      out += ID_CHARS[n % 64];
      n = Math.floor(n / 64) + this.seq;
    }
    return out;
  }

  private tick(): string {
    this.clock += 60_000;
    return new Date(this.clock).toISOString().replace('.000Z', 'Z');
  }

  addChannel(c: { handle: string; title: string; username?: string }): { id: string; uploads: string } {
    const id = this.id('UC', 24);
    this.channels.set(id, {
      id,
      handle: c.handle,
      title: c.title,
      username: c.username ?? null,
      uploads: [],
    });
    return { id, uploads: `UU${id.slice(2)}` };
  }

  addVideo(
    channelId: string,
    v: Partial<Pick<FakeVideo, 'title' | 'description' | 'privacy'>> = {},
  ): FakeVideo {
    const ch = this.channels.get(channelId);
    if (!ch) throw new Error(`no channel ${channelId}`);
    const video: FakeVideo = {
      id: this.id(),
      channelId,
      title: v.title ?? `Video ${this.seq}`,
      description: v.description ?? '',
      publishedAt: this.tick(),
      privacy: v.privacy ?? 'public',
      deleted: false,
      commentsDisabled: false,
      views: 100,
      likes: 5,
    };
    this.videos.set(video.id, video);
    ch.uploads.unshift(video.id);
    return video;
  }

  addComment(
    videoId: string,
    c: { author: string; text: string; parentId?: string; authorChannelId?: string },
  ): FakeComment {
    const at = this.tick();
    const comment: FakeComment = {
      id: c.parentId ? `${c.parentId}.${this.id('', 8)}` : this.id('Ug', 26),
      videoId,
      parentId: c.parentId ?? null,
      authorName: c.author,
      authorChannelId: c.authorChannelId ?? `UC${c.author.replace(/\W/g, '').padEnd(22, 'x').slice(0, 22)}`,
      text: c.text,
      publishedAt: at,
      updatedAt: at,
      likes: 0,
      deleted: false,
    };
    this.comments.set(comment.id, comment);
    return comment;
  }

  editVideo(id: string, change: Partial<Pick<FakeVideo, 'title' | 'description' | 'privacy'>>): void {
    Object.assign(this.video(id), change);
  }

  editComment(id: string, text: string): void {
    const c = this.comments.get(id)!;
    c.text = text;
    c.updatedAt = this.tick();
  }

  deleteVideo(id: string): void {
    this.video(id).deleted = true;
  }

  deleteComment(id: string): void {
    this.comments.get(id)!.deleted = true;
  }

  disableComments(id: string): void {
    this.video(id).commentsDisabled = true;
  }

  private video(id: string): FakeVideo {
    const v = this.videos.get(id);
    if (!v) throw new Error(`no video ${id}`);
    return v;
  }

  // ---- protocol -----------------------------------------------------------------------------------

  private handle(req: IncomingMessage): FakeReply {
    const u = new URL(req.url ?? '/', this.base);
    this.requests.push({ path: u.pathname, query: u.searchParams, headers: req.headers });
    const thumb = /^\/vi\/([\w-]+)\/(\w+)\.png$/.exec(u.pathname);
    if (thumb) {
      const v = this.videos.get(thumb[1]!);
      if (!v || v.deleted) return { status: 404, body: '' };
      return {
        status: 200,
        body: tinyPng(Number.parseInt(v.id.slice(0, 3), 36) % 251),
        headers: { 'content-type': 'image/png' },
      };
    }
    const key = req.headers['x-goog-api-key'] ?? u.searchParams.get('key');
    if (!key)
      return googleError(
        403,
        'forbidden',
        "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
        { status: 'PERMISSION_DENIED' },
      );
    if (key !== this.apiKey)
      return json(400, {
        error: {
          code: 400,
          message: 'API key not valid. Please pass a valid API key.',
          errors: [
            {
              message: 'API key not valid. Please pass a valid API key.',
              domain: 'global',
              reason: 'badRequest',
            },
          ],
          status: 'INVALID_ARGUMENT',
          details: [
            {
              '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
              reason: 'API_KEY_INVALID',
              domain: 'googleapis.com',
            },
          ],
        },
      });
    const injected = this.failures.take(u.pathname);
    if (injected) return injected;
    const cost = u.pathname === '/search' ? 100 : 1;
    if (this.unitsUsed + cost > this.quota)
      return googleError(
        403,
        'quotaExceeded',
        'The request cannot be completed because you have exceeded your <a href="/youtube/v3/getting-started#quota">quota</a>.',
      );
    this.unitsUsed += cost;
    const q = u.searchParams;
    switch (u.pathname) {
      case '/videos':
        return this.videosList(q);
      case '/channels':
        return this.channelsList(q);
      case '/playlistItems':
        return this.playlistItems(q);
      case '/commentThreads':
        return this.commentThreads(q);
      case '/comments':
        return this.commentsList(q);
      default:
        return googleError(404, 'notFound', 'Not Found');
    }
  }

  private page<T>(list: T[], q: URLSearchParams, max: number): { items: T[]; next: string | null } {
    const size = Math.min(Number(q.get('maxResults') ?? 5) || 5, max);
    const from = q.get('pageToken') ? Number(Buffer.from(q.get('pageToken')!, 'base64url').toString()) : 0;
    const items = list.slice(from, from + size);
    const next = from + size < list.length ? Buffer.from(String(from + size)).toString('base64url') : null;
    return { items, next };
  }

  videoResource(v: FakeVideo) {
    return {
      kind: 'youtube#video',
      etag: `etag-${v.id}`,
      id: v.id,
      snippet: {
        publishedAt: v.publishedAt,
        channelId: v.channelId,
        title: v.title,
        description: v.description,
        channelTitle: this.channels.get(v.channelId)!.title,
        thumbnails: {
          default: { url: `${this.base}/vi/${v.id}/default.png`, width: 120, height: 90 },
          high: { url: `${this.base}/vi/${v.id}/hqdefault.png`, width: 480, height: 360 },
          medium: { url: `${this.base}/vi/${v.id}/mqdefault.png`, width: 320, height: 180 },
        },
        defaultAudioLanguage: 'nl',
      },
      contentDetails: { duration: 'PT3M12S', contentRating: {} },
      status: { uploadStatus: 'processed', privacyStatus: v.privacy, embeddable: true },
      statistics: {
        viewCount: String(v.views),
        likeCount: String(v.likes),
        commentCount: String(
          [...this.comments.values()].filter((c) => c.videoId === v.id && !c.deleted).length,
        ),
      },
    };
  }

  private videosList(q: URLSearchParams): FakeReply {
    const ids = (q.get('id') ?? '').split(',').filter(Boolean);
    if (ids.length > 50) return googleError(400, 'invalidParameter', 'too many ids');
    // A removed or private video is simply not in `items` (an API key sees only public and unlisted ones).
    const items = ids
      .map((id) => this.videos.get(id))
      .filter((v): v is FakeVideo => !!v && !v.deleted && v.privacy !== 'private')
      .map((v) => this.videoResource(v));
    return json(200, {
      kind: 'youtube#videoListResponse',
      etag: 'e',
      items,
      pageInfo: { totalResults: items.length, resultsPerPage: items.length },
    });
  }

  private channelsList(q: URLSearchParams): FakeReply {
    const all = [...this.channels.values()];
    const handle = q.get('forHandle')?.replace(/^@/, '').toLowerCase();
    const found = q.get('id')
      ? all.filter((c) => c.id === q.get('id'))
      : handle
        ? all.filter((c) => c.handle.toLowerCase() === handle)
        : all.filter((c) => c.username && c.username === q.get('forUsername'));
    const items = found.map((c) => ({
      kind: 'youtube#channel',
      id: c.id,
      snippet: { title: c.title, customUrl: `@${c.handle.toLowerCase()}` },
      contentDetails: { relatedPlaylists: { likes: '', uploads: `UU${c.id.slice(2)}` } },
      statistics: {
        videoCount: String(c.uploads.filter((id) => !this.videos.get(id)!.deleted).length),
        viewCount: '0',
      },
    }));
    // channels.list leaves `items` out when nothing matches.
    return json(200, {
      kind: 'youtube#channelListResponse',
      pageInfo: { totalResults: items.length },
      ...(items.length ? { items } : {}),
    });
  }

  private playlistItems(q: URLSearchParams): FakeReply {
    const ch = [...this.channels.values()].find((c) => `UU${c.id.slice(2)}` === q.get('playlistId'));
    if (!ch)
      return googleError(
        404,
        'playlistNotFound',
        "The playlist identified with the request's <code>playlistId</code> parameter cannot be found.",
      );
    const { items, next } = this.page(ch.uploads, q, 50);
    return json(200, {
      kind: 'youtube#playlistItemListResponse',
      ...(next ? { nextPageToken: next } : {}),
      pageInfo: { totalResults: ch.uploads.length, resultsPerPage: 50 },
      items: items.map((id) => {
        const v = this.videos.get(id)!;
        // A removed upload stays in the playlist as a stub.
        const stub = v.deleted ? 'Deleted video' : v.privacy === 'private' ? 'Private video' : null;
        return {
          kind: 'youtube#playlistItem',
          id: `PI${id}`,
          snippet: {
            title: stub ?? v.title,
            description: stub ? 'This video is unavailable.' : v.description,
            resourceId: { kind: 'youtube#video', videoId: id },
          },
          contentDetails: { videoId: id, ...(stub ? {} : { videoPublishedAt: v.publishedAt }) },
          status: { privacyStatus: v.deleted ? 'privacyStatusUnspecified' : v.privacy },
        };
      }),
    });
  }

  commentResource(c: FakeComment) {
    return {
      kind: 'youtube#comment',
      id: c.id,
      snippet: {
        ...(c.parentId ? { parentId: c.parentId } : {}),
        videoId: c.videoId,
        textDisplay: c.text,
        textOriginal: c.text,
        authorDisplayName: c.authorName,
        authorChannelUrl: `http://www.youtube.com/channel/${c.authorChannelId}`,
        authorChannelId: { value: c.authorChannelId },
        canRate: true,
        viewerRating: 'none',
        likeCount: c.likes,
        publishedAt: c.publishedAt,
        updatedAt: c.updatedAt,
      },
    };
  }

  private liveReplies(parentId: string): FakeComment[] {
    return [...this.comments.values()].filter((c) => c.parentId === parentId && !c.deleted);
  }

  private commentThreads(q: URLSearchParams): FakeReply {
    const v = this.videos.get(q.get('videoId') ?? '');
    if (!v || v.deleted || v.privacy === 'private')
      return googleError(
        404,
        'videoNotFound',
        'The video identified by the <code>videoId</code> parameter could not be found.',
      );
    if (v.commentsDisabled)
      return googleError(
        403,
        'commentsDisabled',
        'The video identified by the <code>videoId</code> parameter has disabled comments.',
      );
    const tops = [...this.comments.values()]
      .filter((c) => c.videoId === v.id && !c.parentId && !c.deleted)
      .reverse();
    const { items, next } = this.page(tops, q, 100);
    return json(200, {
      kind: 'youtube#commentThreadListResponse',
      ...(next ? { nextPageToken: next } : {}),
      pageInfo: { totalResults: items.length, resultsPerPage: 100 },
      items: items.map((c) => {
        const replies = this.liveReplies(c.id);
        return {
          kind: 'youtube#commentThread',
          id: c.id,
          snippet: {
            channelId: v.channelId,
            videoId: v.id,
            topLevelComment: this.commentResource(c),
            canReply: true,
            totalReplyCount: replies.length,
            isPublic: true,
          },
          // At most 5 replies are embedded, newest first; comments?parentId has them all.
          ...(replies.length
            ? {
                replies: {
                  comments: replies
                    .slice(-5)
                    .reverse()
                    .map((r) => this.commentResource(r)),
                },
              }
            : {}),
        };
      }),
    });
  }

  private commentsList(q: URLSearchParams): FakeReply {
    let list: FakeComment[];
    if (q.get('parentId')) {
      list = this.liveReplies(q.get('parentId')!);
    } else {
      const ids = (q.get('id') ?? '').split(',').filter(Boolean);
      list = ids.map((id) => this.comments.get(id)).filter((c): c is FakeComment => !!c && !c.deleted);
    }
    const { items, next } = this.page(list, q, 100);
    return json(200, {
      kind: 'youtube#commentListResponse',
      ...(next ? { nextPageToken: next } : {}),
      pageInfo: { totalResults: items.length, resultsPerPage: 100 },
      items: items.map((c) => this.commentResource(c)),
    });
  }
}
