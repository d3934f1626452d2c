import { z } from 'zod';
import type { AccountInfo, MediaItem, NormalisedPost, PostContent } from '../../../domain/types.ts';

/**
 * The parts of the YouTube Data API v3 resources we read (developers.google.com/youtube/v3/docs;
 * docs/reference/platform-apis.md §5.1): video, commentThread, comment, channel, playlistItem, and
 * Google's error envelope. What the archive keys by is required, the rest optional; extra fields are
 * allowed (and dropped).
 */
const Thumb = z.object({ url: z.string(), width: z.number().nullish(), height: z.number().nullish() });
export const YtVideo = z.object({
  id: z.string(),
  snippet: z.object({
    publishedAt: z.string().nullish(),
    channelId: z.string(),
    title: z.string().nullish(),
    description: z.string().nullish(),
    channelTitle: z.string().nullish(),
    thumbnails: z.record(z.string(), Thumb).nullish(),
    defaultLanguage: z.string().nullish(),
    defaultAudioLanguage: z.string().nullish(),
  }),
  contentDetails: z
    .object({
      duration: z.string().nullish(),
      contentRating: z.object({ ytRating: z.string().nullish() }).nullish(),
    })
    .nullish(),
  status: z.object({ privacyStatus: z.string().nullish(), uploadStatus: z.string().nullish() }).nullish(),
  statistics: z
    .object({
      viewCount: z.string().nullish(),
      likeCount: z.string().nullish(),
      commentCount: z.string().nullish(),
    })
    .nullish(),
});
export type YtVideo = z.output<typeof YtVideo>;
export const YtVideoList = z.object({ items: z.array(YtVideo) });

export const YtComment = z.object({
  id: z.string(),
  snippet: z.object({
    videoId: z.string().nullish(),
    textDisplay: z.string().nullish(),
    textOriginal: z.string().nullish(),
    authorDisplayName: z.string().nullish(),
    authorChannelUrl: z.string().nullish(),
    authorChannelId: z.object({ value: z.string() }).nullish(),
    likeCount: z.number().nullish(),
    publishedAt: z.string().nullish(),
    updatedAt: z.string().nullish(),
    parentId: z.string().nullish(),
  }),
});
export type YtComment = z.output<typeof YtComment>;
export const YtCommentList = z.object({ items: z.array(YtComment), nextPageToken: z.string().nullish() });
export const YtThread = z.object({
  id: z.string(),
  snippet: z.object({
    videoId: z.string().nullish(),
    topLevelComment: YtComment,
    totalReplyCount: z.number().nullish(),
  }),
  replies: z.object({ comments: z.array(YtComment) }).nullish(),
});
export const YtThreadList = z.object({ items: z.array(YtThread), nextPageToken: z.string().nullish() });

export const YtChannel = z.object({
  id: z.string(),
  snippet: z.object({ title: z.string().nullish(), customUrl: z.string().nullish() }).nullish(),
  contentDetails: z.object({ relatedPlaylists: z.object({ uploads: z.string() }) }).nullish(),
  statistics: z.object({ videoCount: z.string().nullish() }).nullish(),
});
export type YtChannel = z.output<typeof YtChannel>;
/** channels.list leaves `items` out altogether when nothing matches. */
export const YtChannelList = z.object({ items: z.array(YtChannel).nullish() });
export const YtPlaylistItems = z.object({
  items: z.array(
    z.object({
      snippet: z
        .object({
          title: z.string().nullish(),
          resourceId: z.object({ videoId: z.string().nullish() }).nullish(),
        })
        .nullish(),
      contentDetails: z.object({ videoId: z.string().nullish() }).nullish(),
      status: z.object({ privacyStatus: z.string().nullish() }).nullish(),
    }),
  ),
  nextPageToken: z.string().nullish(),
});

/** Google's error envelope (`{"error":{code,message,errors:[{reason,domain}],status,details}}`); anything else reads as none. */
export const GoogleError = z
  .object({
    error: z.object({
      code: z.number().nullish(),
      message: z.string().nullish(),
      errors: z.array(z.object({ reason: z.string().nullish(), domain: z.string().nullish() })).nullish(),
      status: z.string().nullish(),
      details: z.array(z.object({ reason: z.string().nullish() })).nullish(),
    }),
  })
  .catch({ error: { code: null, message: null, errors: null, status: null, details: null } });

// ---- URLs ---------------------------------------------------------------------------------------

const VIDEO_ID = /^[A-Za-z0-9_-]{11}$/;
const WATCH_HOSTS = new Set(['youtube.com', 'www.youtube.com', 'm.youtube.com', 'music.youtube.com']);
const EMBED_HOSTS = new Set(['youtube-nocookie.com', 'www.youtube-nocookie.com']);
export const YOUTUBE_HOSTS = [...WATCH_HOSTS, ...EMBED_HOSTS, 'youtu.be', 'www.youtu.be'];

export type YtRef =
  | { kind: 'video'; id: string; comment: string | null }
  | { kind: 'channel'; by: 'id' | 'handle' | 'username' | 'custom'; value: string };

/** What a YouTube URL names; null when it is not on a YouTube host; 'other' for a YouTube page we do not capture. */
export function parseYouTube(url: URL): YtRef | 'other' | null {
  const host = url.hostname.toLowerCase().replace(/\.$/, '');
  const parts = url.pathname.split('/').filter(Boolean);
  const video = (id: string | null | undefined): YtRef | 'other' =>
    id && VIDEO_ID.test(id) ? { kind: 'video', id, comment: url.searchParams.get('lc') || null } : 'other';
  if (host === 'youtu.be' || host === 'www.youtu.be') return video(parts[0]);
  if (EMBED_HOSTS.has(host)) return parts[0] === 'embed' ? video(parts[1]) : 'other';
  if (!WATCH_HOSTS.has(host)) return null;
  const [first, second] = parts;
  if (first === 'watch') return video(url.searchParams.get('v'));
  if (first && ['shorts', 'live', 'embed', 'v'].includes(first)) return video(second);
  if (first?.startsWith('@') && first.length > 1 && parts.length <= 2)
    return { kind: 'channel', by: 'handle', value: decodeURIComponent(first) };
  if (first === 'channel' && second?.startsWith('UC')) return { kind: 'channel', by: 'id', value: second };
  if (first === 'user' && second)
    return { kind: 'channel', by: 'username', value: decodeURIComponent(second) };
  if (first === 'c' && second) return { kind: 'channel', by: 'custom', value: decodeURIComponent(second) };
  return 'other';
}

export const videoUrl = (id: string) => `https://www.youtube.com/watch?v=${id}`;
export const commentUrl = (videoId: string, id: string) =>
  `https://www.youtube.com/watch?v=${videoId}&lc=${id}`;
export const channelUrl = (id: string) => `https://www.youtube.com/channel/${id}`;
/** Archive ids: `youtube:video:<id>`, `youtube:comment:<id>` (YouTube's own ids, which never change). */
export const videoKey = (id: string) => `youtube:video:${id}`;
export const commentKey = (id: string) => `youtube:comment:${id}`;

// ---- Normalising --------------------------------------------------------------------------------

const THUMB_ORDER = ['maxres', 'standard', 'high', 'medium', 'default'];

/** The largest thumbnail (by pixels, else by YouTube's size names). */
function largestThumbnail(thumbs: Record<string, z.output<typeof Thumb>> | null | undefined) {
  const list = Object.entries(thumbs ?? {});
  if (!list.length) return null;
  const rank = (name: string) => {
    const i = THUMB_ORDER.indexOf(name);
    return i < 0 ? THUMB_ORDER.length : i;
  };
  list.sort(([an, a], [bn, b]) => {
    const area = (b.width ?? 0) * (b.height ?? 0) - (a.width ?? 0) * (a.height ?? 0);
    return area || rank(an) - rank(bn);
  });
  return list[0]![1];
}

const num = (v: string | number | null | undefined) => (v === null || v === undefined ? 0 : Number(v) || 0);

export function videoContent(v: YtVideo): PostContent {
  const thumb = largestThumbnail(v.snippet.thumbnails);
  const media: MediaItem[] = thumb
    ? [{ key: thumb.url, url: thumb.url, type: 'image', description: null }]
    : [];
  return {
    text: v.snippet.description ?? '',
    html: null,
    title: v.snippet.title ?? null,
    spoilerText: '',
    sensitive: v.contentDetails?.contentRating?.ytRating === 'ytAgeRestricted',
    visibility: v.status?.privacyStatus ?? null,
    language: v.snippet.defaultLanguage ?? v.snippet.defaultAudioLanguage ?? null,
    media,
  };
}

export function channelAccount(id: string, title: string | null | undefined): AccountInfo {
  return { platform: 'youtube', handle: id, platformId: id, displayName: title || null, url: channelUrl(id) };
}

export function normaliseVideo(v: YtVideo, api: string, sourceUrl: string | null): NormalisedPost {
  return {
    platform: 'youtube',
    platformId: videoKey(v.id),
    url: videoUrl(v.id),
    apiRef: `${api}/videos?id=${v.id}`,
    account: channelAccount(v.snippet.channelId, v.snippet.channelTitle),
    kind: 'post',
    parentPlatformId: null,
    createdAt: v.snippet.publishedAt ?? null,
    // YouTube dates no change to a video: a changed title or description is dated by the re-check.
    editedAt: null,
    content: videoContent(v),
    counts: {
      replies: num(v.statistics?.commentCount),
      likes: num(v.statistics?.likeCount),
      views: num(v.statistics?.viewCount),
    },
    history: null,
    sourceUrl,
  };
}

export function commentContent(c: YtComment): PostContent {
  return {
    text: c.snippet.textDisplay ?? c.snippet.textOriginal ?? '',
    html: null,
    title: null,
    spoilerText: '',
    sensitive: false,
    visibility: null,
    language: null,
    media: [],
  };
}

/** A top-level comment (`parent` null: it answers the video) or a reply to one. */
export function normaliseComment(
  c: YtComment,
  videoId: string,
  parent: string | null,
  api: string,
  sourceUrl: string | null,
  replies?: number,
): NormalisedPost {
  const s = c.snippet;
  const author = s.authorChannelId?.value ?? null;
  const edited = s.updatedAt && s.publishedAt && s.updatedAt !== s.publishedAt ? s.updatedAt : null;
  return {
    platform: 'youtube',
    platformId: commentKey(c.id),
    url: commentUrl(videoId, c.id),
    apiRef: `${api}/comments?id=${c.id}`,
    account: {
      platform: 'youtube',
      handle: author ?? s.authorDisplayName ?? 'unknown',
      platformId: author,
      displayName: s.authorDisplayName ?? null,
      url: s.authorChannelUrl ?? (author ? channelUrl(author) : null),
    },
    kind: parent ? 'reply' : 'comment',
    parentPlatformId: parent ? commentKey(parent) : videoKey(videoId),
    createdAt: s.publishedAt ?? null,
    editedAt: edited,
    content: commentContent(c),
    counts: { likes: s.likeCount ?? 0, ...(replies === undefined ? {} : { replies }) },
    history: null,
    sourceUrl,
  };
}

/** Google's error, read: the HTTP status, the first `reason`, and the message. */
export function googleError(data: unknown): { reason: string; message: string; details: string[] } {
  const e = GoogleError.parse(data).error;
  return {
    reason: e.errors?.[0]?.reason ?? '',
    message: e.message ?? '',
    details: (e.details ?? []).map((d) => d.reason ?? '').filter(Boolean),
  };
}
