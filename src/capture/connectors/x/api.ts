import { z } from 'zod';
import type {
  AccountInfo,
  HistoryEntry,
  MediaItem,
  NormalisedPost,
  PostContent,
} from '../../../domain/types.ts';

/**
 * The parts of X API v2 answers we read (docs.x.com/x-api; docs/reference/platform-apis.md §3): the
 * Post with `edit_history_tweet_ids`, `note_tweet` and `referenced_tweets`, the expansions in
 * `includes` (users, media, the other versions and referenced posts), `meta` paging and the partial
 * `errors[]` X sends with HTTP 200. Optional where X leaves fields out; extra fields allowed.
 */
export const XPost = z.object({
  id: z.string(),
  text: z.string(),
  edit_history_tweet_ids: z.array(z.string()).nullish(),
  created_at: z.string().nullish(),
  author_id: z.string().nullish(),
  conversation_id: z.string().nullish(),
  lang: z.string().nullish(),
  possibly_sensitive: z.boolean().nullish(),
  referenced_tweets: z.array(z.object({ type: z.string(), id: z.string() })).nullish(),
  attachments: z.object({ media_keys: z.array(z.string()).nullish() }).nullish(),
  public_metrics: z
    .object({
      retweet_count: z.number().nullish(),
      reply_count: z.number().nullish(),
      like_count: z.number().nullish(),
      quote_count: z.number().nullish(),
    })
    .nullish(),
  note_tweet: z.object({ text: z.string() }).nullish(),
  edit_controls: z
    .object({ editable_until: z.string().nullish(), edits_remaining: z.number().nullish() })
    .nullish(),
});
export type XPost = z.output<typeof XPost>;
export const XUser = z.object({
  id: z.string(),
  username: z.string(),
  name: z.string().nullish(),
  protected: z.boolean().nullish(),
  public_metrics: z.object({ tweet_count: z.number().nullish() }).nullish(),
});
export type XUser = z.output<typeof XUser>;
const XMedia = z.object({
  media_key: z.string(),
  type: z.string(),
  url: z.string().nullish(),
  preview_image_url: z.string().nullish(),
  alt_text: z.string().nullish(),
  variants: z
    .array(z.object({ url: z.string(), content_type: z.string().nullish(), bit_rate: z.number().nullish() }))
    .nullish(),
});
type XMedia = z.output<typeof XMedia>;
/** One of the partial errors X sends in a 200 answer (or alone). */
export const XProblem = z.object({
  title: z.string().nullish(),
  detail: z.string().nullish(),
  type: z.string().nullish(),
  value: z.string().nullish(),
  resource_id: z.string().nullish(),
  resource_type: z.string().nullish(),
});
export type XProblem = z.output<typeof XProblem>;
export const XIncludes = z.object({
  users: z.array(XUser).nullish(),
  media: z.array(XMedia).nullish(),
  tweets: z.array(XPost).nullish(),
});
export type XIncludes = z.output<typeof XIncludes>;
/** A list answer (look-up by ids, search, timeline). */
export const XPostList = z.object({
  data: z.array(XPost).nullish(),
  includes: XIncludes.nullish(),
  errors: z.array(XProblem).nullish(),
  meta: z.object({ next_token: z.string().nullish(), result_count: z.number().nullish() }).nullish(),
});
export type XPostList = z.output<typeof XPostList>;
export const XUserAnswer = z.object({ data: XUser.nullish(), errors: z.array(XProblem).nullish() });

/** The fields and expansions every post request asks for (one place, so re-derivation reads the same). */
export const POST_FIELDS: Record<string, string> = {
  'tweet.fields':
    'created_at,author_id,conversation_id,edit_history_tweet_ids,edit_controls,public_metrics,entities,note_tweet,referenced_tweets,attachments,lang,possibly_sensitive',
  // referenced_tweets.id.author_id: the authors of the posts a post answers or quotes (author_id expands only its own).
  expansions:
    'author_id,attachments.media_keys,referenced_tweets.id,referenced_tweets.id.author_id,edit_history_tweet_ids',
  'media.fields': 'url,preview_image_url,alt_text,variants,type,width,height',
  'user.fields': 'username,name,protected',
};

// ---- URLs ---------------------------------------------------------------------------------------

export const X_HOSTS = [
  'x.com',
  'www.x.com',
  'mobile.x.com',
  'twitter.com',
  'www.twitter.com',
  'mobile.twitter.com',
  'm.twitter.com',
];
const RESERVED = new Set([
  'home',
  'explore',
  'search',
  'i',
  'settings',
  'notifications',
  'messages',
  'hashtag',
  'intent',
  'share',
  'login',
  'logout',
  'signup',
  'tos',
  'privacy',
  'compose',
  'jobs',
]);
const USERNAME = /^[A-Za-z0-9_]{1,15}$/;
const POST_ID = /^\d{1,20}$/;

export type XRef =
  | { kind: 'post'; id: string; username: string | null }
  | { kind: 'account'; username: string }
  | { kind: 'short'; url: string };

/** What an X URL names; null: not an X host; 'other': an X page we do not capture (search, settings). */
export function parseX(url: URL): XRef | 'other' | null {
  const host = url.hostname.toLowerCase().replace(/\.$/, '');
  if (host === 't.co') return url.pathname.length > 1 ? { kind: 'short', url: url.href } : 'other';
  if (!X_HOSTS.includes(host)) return null;
  const parts = url.pathname.split('/').filter(Boolean);
  const [first, second, third] = parts;
  if (first === 'i' && (second === 'web' || second === 'status')) {
    const id = second === 'web' ? (parts[2] === 'status' ? parts[3] : undefined) : third;
    return id && POST_ID.test(id) ? { kind: 'post', id, username: null } : 'other';
  }
  if (!first || RESERVED.has(first.toLowerCase()) || !USERNAME.test(first)) return 'other';
  if ((second === 'status' || second === 'statuses') && third && POST_ID.test(third))
    return { kind: 'post', id: third, username: first };
  return parts.length === 1 ? { kind: 'account', username: first } : 'other';
}

export const postKey = (id: string) => `x:post:${id}`;
export const postUrl = (username: string, id: string) => `https://x.com/${username}/status/${id}`;

// ---- Normalising --------------------------------------------------------------------------------

/** The versions of a post, oldest first, from the posts at hand (the ids X lists that are missing are left out). */
export function versionsOf(p: XPost, byId: Map<string, XPost>): XPost[] {
  const chain = p.edit_history_tweet_ids?.length ? p.edit_history_tweet_ids : [p.id];
  return chain.map((id) => (id === p.id ? p : byId.get(id))).filter((v): v is XPost => !!v);
}

/** The media a post lists, as files: photos at their URL, videos and GIFs as their best MP4. */
function mediaOf(p: XPost, media: Map<string, XMedia>): MediaItem[] {
  const out: MediaItem[] = [];
  for (const key of p.attachments?.media_keys ?? []) {
    const m = media.get(key);
    if (!m) continue;
    const mp4 = (m.variants ?? [])
      .filter((v) => v.content_type === 'video/mp4')
      .sort((a, b) => (b.bit_rate ?? 0) - (a.bit_rate ?? 0))[0];
    const url = m.type === 'photo' ? m.url : (mp4?.url ?? m.preview_image_url);
    if (!url) continue;
    const type = m.type === 'photo' ? 'image' : m.type === 'animated_gif' ? 'gifv' : 'video';
    out.push({ key: `x:media:${m.media_key}`, url, type, description: m.alt_text ?? null });
  }
  return out;
}

export function postContent(p: XPost, includes: XIncludes | null | undefined): PostContent {
  const media = new Map((includes?.media ?? []).map((m) => [m.media_key, m]));
  return {
    text: p.note_tweet?.text ?? p.text,
    html: null,
    title: null,
    spoilerText: '',
    sensitive: p.possibly_sensitive ?? false,
    visibility: null,
    language: p.lang ?? null,
    media: mediaOf(p, media),
  };
}

export function userAccount(u: XUser | undefined, id: string | null | undefined): AccountInfo {
  const handle = u?.username ?? id ?? 'unknown';
  return {
    platform: 'x',
    handle,
    platformId: u?.id ?? id ?? null,
    displayName: u?.name ?? null,
    url: u ? `https://x.com/${u.username}` : null,
  };
}

/** All posts an answer holds (data and the expanded ones), by id. */
export function postsById(list: XPostList[]): Map<string, XPost> {
  const out = new Map<string, XPost>();
  for (const a of list) for (const p of [...(a.includes?.tweets ?? []), ...(a.data ?? [])]) out.set(p.id, p);
  return out;
}

/** The ids of versions the answers' posts list that the answers do not hold, each once, in answer order. */
export function missingIds(list: XPostList[]): string[] {
  const have = postsById(list);
  const wanted = [...have.values()]
    .flatMap((p) => p.edit_history_tweet_ids ?? [])
    .filter((id) => !have.has(id));
  return [...new Set(wanted)];
}

export function mergeIncludes(list: XPostList[]): XIncludes {
  return {
    users: list.flatMap((a) => a.includes?.users ?? []),
    media: list.flatMap((a) => a.includes?.media ?? []),
    tweets: list.flatMap((a) => a.includes?.tweets ?? []),
  };
}

/**
 * A post as the archive keeps it, whichever of its versions the answer holds: keyed by the id of its
 * first version (`x:post:<id>`, which every later version lists first), its content the latest
 * version's, `history` every version X still serves, oldest first, and `editedAt` the latest edit.
 */
export function normalisePost(
  asked: XPost,
  byId: Map<string, XPost>,
  includes: XIncludes,
  api: string,
  sourceUrl: string | null,
): NormalisedPost {
  const chain = asked.edit_history_tweet_ids?.length ? asked.edit_history_tweet_ids : [asked.id];
  const first = chain[0]!;
  const latest = byId.get(chain.at(-1)!) ?? asked;
  const versions = versionsOf(latest, byId);
  const users = new Map((includes.users ?? []).map((u) => [u.id, u]));
  const user = users.get(latest.author_id ?? '');
  const author = userAccount(user, latest.author_id);
  const replyTo = latest.referenced_tweets?.find((r) => r.type === 'replied_to')?.id;
  const reposted = latest.referenced_tweets?.some((r) => r.type === 'retweeted');
  const original = byId.get(first);
  const history: HistoryEntry[] | null =
    chain.length > 1
      ? versions.map((v) => ({ at: v.created_at ?? '', content: postContent(v, includes) }))
      : null;
  return {
    platform: 'x',
    platformId: postKey(first),
    // Without the author's username (X did not expand it) the URL form that needs none.
    url: user ? postUrl(user.username, first) : `https://x.com/i/web/status/${first}`,
    apiRef: `${api}/tweets?ids=${first}`,
    account: author,
    kind: replyTo ? 'reply' : reposted ? 'repost' : 'post',
    parentPlatformId: replyTo ? postKey(replyTo) : null,
    // Each version has its own created_at: the first version's is when the post was made.
    createdAt: original?.created_at ?? (chain.length === 1 ? (latest.created_at ?? null) : null),
    editedAt: chain.length > 1 ? (latest.created_at ?? null) : null,
    content: postContent(latest, includes),
    counts: {
      replies: latest.public_metrics?.reply_count ?? 0,
      reposts: latest.public_metrics?.retweet_count ?? 0,
      likes: latest.public_metrics?.like_count ?? 0,
      quotes: latest.public_metrics?.quote_count ?? 0,
    },
    history,
    sourceUrl,
  };
}

/** What an `errors[]` entry says about a post or user: gone, not visible without the owner's consent, or neither. */
export function problemKind(e: XProblem): 'not-found' | 'protected' | 'suspended' | 'other' {
  const type = e.type ?? '';
  const title = e.title ?? '';
  const detail = e.detail ?? '';
  if (/suspended/i.test(detail)) return 'suspended';
  if (type.endsWith('/resource-not-found') || title === 'Not Found Error') return 'not-found';
  if (type.endsWith('/not-authorized-for-resource') || title === 'Authorization Error') return 'protected';
  return 'other';
}
