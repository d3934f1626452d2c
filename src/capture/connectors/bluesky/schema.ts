import { z } from 'zod';

/**
 * The parts of app.bsky.feed.defs#postView and friends that we read (lexicons, docs.bsky.app;
 * docs/reference/platform-apis.md §2.2–2.4). Every answer is checked against them before use: what
 * the archive keys by is required, what the lexicons leave optional is optional, and fields we do not
 * read are allowed (and dropped).
 */
export const BAuthor = z.object({ did: z.string(), handle: z.string(), displayName: z.string().nullish() });
export type BAuthor = z.output<typeof BAuthor>;
const BBlobRef = z.object({
  ref: z.object({ $link: z.string().optional() }).nullish(),
  mimeType: z.string().nullish(),
});
const BStrongRef = z.object({ uri: z.string() });
const BRecordEmbedOwn = z.object({
  $type: z.string().optional(),
  images: z.array(z.object({ alt: z.string().nullish(), image: BBlobRef.nullish() })).nullish(),
  video: BBlobRef.nullish(),
  alt: z.string().nullish(),
  /** app.bsky.embed.record: the quoted record; recordWithMedia: `{record: {uri, cid}}` inside. */
  record: BStrongRef.partial().extend({ record: BStrongRef.nullish() }).nullish(),
});
/** A record's embed; recordWithMedia carries the images or video in `media`. */
export const BRecordEmbed = BRecordEmbedOwn.extend({ media: BRecordEmbedOwn.nullish() });
export const BRecord = z.object({
  text: z.string().nullish(),
  createdAt: z.string().nullish(),
  langs: z.array(z.string()).nullish(),
  reply: z
    .object({
      parent: z.object({ uri: z.string() }).nullish(),
      root: z.object({ uri: z.string() }).nullish(),
    })
    .nullish(),
  embed: BRecordEmbed.nullish(),
  labels: z.object({ values: z.array(z.object({ val: z.string() })).nullish() }).nullish(),
});
/**
 * What app.bsky.embed.record#view holds: a viewRecord (the quoted post, its record in `value`), or
 * viewNotFound / viewBlocked / viewDetached (only the URI), or another kind of record (a feed, a list).
 */
export const BQuoted = z.object({
  $type: z.string().optional(),
  uri: z.string(),
  cid: z.string().nullish(),
  /** A viewBlocked's author has only its DID (and the viewer's block state). */
  author: BAuthor.partial({ handle: true }).nullish(),
  value: z.unknown().optional(),
  embeds: z.array(z.unknown()).nullish(),
  notFound: z.boolean().nullish(),
  blocked: z.boolean().nullish(),
  detached: z.boolean().nullish(),
  indexedAt: z.string().nullish(),
  replyCount: z.number().nullish(),
  repostCount: z.number().nullish(),
  likeCount: z.number().nullish(),
  quoteCount: z.number().nullish(),
});
export type BQuoted = z.output<typeof BQuoted>;
const BEmbedViewOwn = z.object({
  $type: z.string().optional(),
  images: z
    .array(z.object({ fullsize: z.string(), thumb: z.string().nullish(), alt: z.string().nullish() }))
    .nullish(),
  playlist: z.string().nullish(),
  cid: z.string().nullish(),
  alt: z.string().nullish(),
  /** record#view: the quoted record's view; recordWithMedia#view: a record#view (`{record: …}`). */
  record: z.union([BQuoted, z.object({ record: BQuoted })]).nullish(),
});
/** An embed view; recordWithMedia#view carries the images or video in `media`. */
export const BEmbedView = BEmbedViewOwn.extend({ media: BEmbedViewOwn.nullish() });
export const BPostView = z.object({
  uri: z.string(),
  cid: z.string(),
  author: BAuthor,
  record: BRecord,
  embed: BEmbedView.nullish(),
  replyCount: z.number().nullish(),
  repostCount: z.number().nullish(),
  likeCount: z.number().nullish(),
  quoteCount: z.number().nullish(),
  indexedAt: z.string().nullish(),
});
export type BPostView = z.output<typeof BPostView>;
/** threadViewPost, or notFoundPost / blockedPost (no `post`), with parents and replies of the same kinds. */
export interface BThread {
  $type?: string | undefined;
  post?: BPostView | undefined;
  parent?: BThread | undefined;
  replies?: BThread[] | undefined;
}
export const BThread: z.ZodType<BThread> = z.lazy(() =>
  z.object({
    $type: z.string().optional(),
    post: BPostView.optional(),
    parent: BThread.optional(),
    replies: z.array(BThread).optional(),
  }),
);
export const BThreadAnswer = z.object({ thread: BThread });
export const BProfile = BAuthor.extend({ postsCount: z.number().nullish() });
export const BFeed = z.object({
  feed: z.array(z.object({ post: BPostView, reason: z.unknown().optional() })),
  cursor: z.string().nullish(),
});
export const BPosts = z.object({ posts: z.array(BPostView) });
/** An XRPC error body (`{"error","message"}`); anything else reads as no name. */
export const XrpcError = z
  .object({ error: z.string().optional(), message: z.string().optional() })
  .catch({ error: undefined, message: undefined });

/**
 * A quoted post (app.bsky.embed.record#viewRecord) as a postView: its record is `value`, its embed
 * views `embeds[0]`. Null when it is not a post (a feed, a list) or not in that shape.
 */
export function quotedAsPostView(q: BQuoted): BPostView | null {
  if (!q.uri.includes('/app.bsky.feed.post/') || !q.author?.handle || !q.cid) return null;
  const view = BPostView.safeParse({ ...q, record: q.value, embed: q.embeds?.[0] ?? undefined });
  return view.success ? view.data : null;
}
