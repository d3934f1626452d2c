/**
 * What the LinkedIn connector reads: the URL forms, the Rest.li answers of the Community Management
 * API (Posts, Comments, Images, Videos, Organizations; learn.microsoft.com/linkedin/marketing/
 * community-management; docs/reference/platform-apis.md §5.2, §8), LinkedIn's "little text" format,
 * and how a post or a comment becomes a normalised post. No I/O here.
 */
import { z } from 'zod';
import type { AccountInfo, MediaItem, NormalisedPost, PostContent } from '../../../domain/types.ts';

/** linkedin.com and its country subdomains (nl.linkedin.com); lnkd.in is left to the web connector. */
export function isLinkedInHost(host: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  return h === 'linkedin.com' || h.endsWith('.linkedin.com');
}

/** What a LinkedIn URL names: an organisation page, a post by its URN, or a member profile. */
export type LinkedInRef =
  | { kind: 'organisation'; name: string }
  | { kind: 'post'; urn: string }
  | { kind: 'activity'; urn: string }
  | { kind: 'member' };

const FEED_UPDATE = /^\/(?:embed\/)?feed\/update\/(urn:li:(?:share|ugcPost|activity):\d+)\/?$/;
/** `/posts/<vanity>_<slug>-activity-<id>-<xxxx>/` (also `-share-` and `-ugcPost-`). */
const POSTS_SLUG = /^\/posts\/[^/]*-(activity|share|ugcPost)-(\d+)-[\w-]+\/?$/;
const COMPANY = /^\/(?:company|showcase)\/([^/]+)(?:\/.*)?$/;

export function parseLinkedIn(url: URL): LinkedInRef | null {
  if (!isLinkedInHost(url.hostname)) return null;
  const path = decodeURIComponent(url.pathname);
  const feed = FEED_UPDATE.exec(path);
  if (feed)
    return feed[1]!.startsWith('urn:li:activity:')
      ? { kind: 'activity', urn: feed[1]! }
      : { kind: 'post', urn: feed[1]! };
  const slug = POSTS_SLUG.exec(path);
  if (slug) {
    const urn = `urn:li:${slug[1]}:${slug[2]}`;
    return slug[1] === 'activity' ? { kind: 'activity', urn } : { kind: 'post', urn };
  }
  const company = COMPANY.exec(path);
  if (company) return { kind: 'organisation', name: company[1]!.toLowerCase() };
  if (/^\/in\/[^/]+/.test(path)) return { kind: 'member' };
  return null;
}

/** The organisation an accounts.yaml entry names (its page URL), or null. */
export function organisationOf(account: string): string | null {
  try {
    const ref = parseLinkedIn(new URL(account));
    return ref?.kind === 'organisation' ? ref.name : null;
  } catch {
    return null;
  }
}

export function postUrl(urn: string): string {
  return `https://www.linkedin.com/feed/update/${urn}/`;
}

/**
 * A comment's link as LinkedIn writes it: `?commentUrn=<comment>` on the post, and for a reply
 * `?commentUrn=<the comment it answers>&replyUrn=<the reply>`.
 */
export function commentUrl(postUrn: string, parentComment: string | null, urn: string): string {
  return parentComment
    ? `${postUrl(postUrn)}?commentUrn=${enc(parentComment)}&replyUrn=${enc(urn)}`
    : `${postUrl(postUrn)}?commentUrn=${enc(urn)}`;
}

/** The comment (or reply) a post URL points at, with the URN it hangs under; null for the post itself. */
export function commentOf(url: URL, postUrn: string): { urn: string; parent: string; id: string } | null {
  const comment = url.searchParams.get('commentUrn');
  if (!comment) return null;
  const reply = url.searchParams.get('replyUrn');
  const urn = reply ?? comment;
  const id = /,([^,()]+)\)$/.exec(urn)?.[1];
  return id ? { urn, parent: reply ? comment : postUrn, id } : null;
}

export function companyUrl(name: string): string {
  return `https://www.linkedin.com/company/${name}/`;
}

/** Rest.li: a URN in a path or a `List(…)` is URL-encoded. */
export const enc = encodeURIComponent;

/** Epoch milliseconds as ISO 8601. */
export function iso(ms: number | null | undefined): string | null {
  return typeof ms === 'number' && Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

/**
 * LinkedIn's "little text" (the `commentary` of a post) as the text a reader sees: mentions
 * `@[Name](urn:li:…)` as the name, hashtags `{hashtag|\#|woo}` as `#woo`, and the backslash escapes of
 * the reserved characters undone.
 */
export function littleText(raw: string): string {
  return raw
    .replace(/\{hashtag\|\\?#\|([^}]*)\}/g, '#$1')
    .replace(/@\[((?:\\.|[^\]\\])*)\]\(urn:li:[^)]*\)/g, '$1')
    .replace(/\\([\\|{}@[\]()<>#*_~])/g, '$1');
}

const Media = z.object({ id: z.string(), altText: z.string().nullish(), title: z.string().nullish() });
export const LPost = z.object({
  id: z.string(),
  author: z.string(),
  commentary: z.string().nullish(),
  visibility: z.string().nullish(),
  lifecycleState: z.string().nullish(),
  lifecycleStateInfo: z.object({ isEditedByAuthor: z.boolean().nullish() }).nullish(),
  createdAt: z.number().nullish(),
  publishedAt: z.number().nullish(),
  lastModifiedAt: z.number().nullish(),
  content: z
    .object({
      media: Media.nullish(),
      multiImage: z.object({ images: z.array(Media) }).nullish(),
      article: z
        .object({
          source: z.string().nullish(),
          title: z.string().nullish(),
          description: z.string().nullish(),
          thumbnail: z.string().nullish(),
        })
        .nullish(),
      poll: z.object({ question: z.string().nullish() }).nullish(),
    })
    .nullish(),
  reshareContext: z.object({ parent: z.string().nullish(), root: z.string().nullish() }).nullish(),
});
export type LPost = z.output<typeof LPost>;

/** Rest.li collection paging: `{start, count, total?, links?}`. */
export const LPaging = z
  .object({ start: z.number(), count: z.number(), total: z.number().nullish() })
  .nullish();
export const LPostList = z.object({ elements: z.array(LPost), paging: LPaging });
/** BATCH_GET: `results` by URN, and `errors` (with their status) for the ones it could not give. */
export const LPostBatch = z.object({
  results: z.record(z.string(), LPost).default({}),
  statuses: z.record(z.string(), z.number()).nullish(),
  errors: z.record(z.string(), z.object({ status: z.number().nullish() }).passthrough()).nullish(),
});

const AuditStamp = z.object({ time: z.number().nullish(), actor: z.string().nullish() }).nullish();
export const LComment = z.object({
  id: z.string(),
  commentUrn: z.string().nullish(),
  $URN: z.string().nullish(),
  actor: z.string(),
  object: z.string().nullish(),
  parentComment: z.string().nullish(),
  message: z.object({ text: z.string().nullish() }).nullish(),
  created: AuditStamp,
  lastModified: AuditStamp,
  content: z
    .array(
      z.object({ type: z.string().nullish(), url: z.string().nullish(), entity: z.unknown().optional() }),
    )
    .nullish(),
  commentsSummary: z
    .object({
      totalFirstLevelComments: z.number().nullish(),
      aggregatedTotalComments: z.number().nullish(),
    })
    .nullish(),
});
export type LComment = z.output<typeof LComment>;
export const LCommentList = z.object({ elements: z.array(LComment), paging: LPaging });

export const LOrganization = z.object({
  id: z.union([z.number(), z.string()]).transform(String),
  vanityName: z.string().nullish(),
  localizedName: z.string().nullish(),
});
export const LOrganizationList = z.object({ elements: z.array(LOrganization) });
export const LImage = z.object({
  id: z.string(),
  downloadUrl: z.string().nullish(),
  status: z.string().nullish(),
});
/** Images BATCH_GET: `results` by URN. */
export const LImageBatch = z.object({ results: z.record(z.string(), LImage).default({}) });
export const LActivities = z.object({
  results: z.record(z.string(), z.object({ domainEntity: z.string().nullish() })).default({}),
});
/** Rest.li's error body. */
export const LError = z
  .object({
    status: z.number().optional(),
    serviceErrorCode: z.number().optional(),
    code: z.string().optional(),
    message: z.string().optional(),
  })
  .catch({});

/** The comment's own URN (`urn:li:comment:(<post or activity urn>,<id>)`). */
export function commentUrn(c: LComment): string {
  return c.commentUrn ?? c.$URN ?? `urn:li:comment:(${c.object ?? ''},${c.id})`;
}

/** The URNs of a post's images and videos, in order, with their alt text. */
export function mediaRefs(p: LPost): { urn: string; altText: string | null }[] {
  const c = p.content;
  if (c?.multiImage) return c.multiImage.images.map((i) => ({ urn: i.id, altText: i.altText ?? null }));
  if (c?.media && /^urn:li:(image|video):/.test(c.media.id))
    return [{ urn: c.media.id, altText: c.media.altText ?? null }];
  return [];
}

/**
 * A post's content. `urlOf`: where each image or video file is downloaded (the Images/Videos API's
 * `downloadUrl`, or the API address when it gave none). Media are keyed by URN, so where the file
 * came from never changes the version.
 */
export function postContent(p: LPost, urlOf: (urn: string) => string): PostContent {
  const media: MediaItem[] = mediaRefs(p).map((m) => ({
    key: m.urn,
    url: urlOf(m.urn),
    type: m.urn.startsWith('urn:li:video:') ? 'video' : 'image',
    description: m.altText,
  }));
  const article = p.content?.article;
  const poll = p.content?.poll?.question;
  const extra = [article?.source, poll ? `Poll: ${poll}` : null].filter(Boolean).join('\n');
  return {
    text: [littleText(p.commentary ?? ''), extra].filter(Boolean).join('\n').trim(),
    html: null,
    title: article?.title ?? null,
    spoilerText: '',
    sensitive: false,
    visibility: p.visibility ? p.visibility.toLowerCase() : null,
    language: null,
    media,
  };
}

/**
 * `lastModifiedAt` as the edit time: set when the post was modified after it was published (and
 * LinkedIn does not say it was not edited by its author); a version is made only when the content
 * changed, so a modification that changed nothing the archive keeps makes none.
 */
export function editedAt(p: LPost): string | null {
  const published = p.publishedAt ?? p.createdAt ?? null;
  if (!p.lastModifiedAt || !published || p.lastModifiedAt - published < 1000) return null;
  if (p.lifecycleStateInfo?.isEditedByAuthor === false) return null;
  return iso(p.lastModifiedAt);
}

export function normalisePost(
  p: LPost,
  api: string,
  sourceUrl: string,
  owner: AccountInfo,
  urlOf: (urn: string) => string,
): NormalisedPost {
  return {
    platform: 'linkedin',
    platformId: p.id,
    url: postUrl(p.id),
    apiRef: `${api}/rest/posts/${enc(p.id)}`,
    account: owner,
    kind: p.reshareContext?.parent ? 'repost' : 'post',
    parentPlatformId: null,
    createdAt: iso(p.publishedAt ?? p.createdAt),
    editedAt: editedAt(p),
    content: postContent(p, urlOf),
    counts: {},
    history: null,
    sourceUrl,
  };
}

/** A comment's content: its text, and an image LinkedIn serves at `url` (kept by its URL). */
export function commentContent(c: LComment): PostContent {
  const media: MediaItem[] = (c.content ?? [])
    .filter((x) => x.url && (x.type ?? 'IMAGE') === 'IMAGE')
    .map((x) => ({ key: x.url!.split('?')[0]!, url: x.url!, type: 'image' as const, description: null }));
  return {
    text: littleText(c.message?.text ?? ''),
    html: null,
    title: null,
    spoilerText: '',
    sensitive: false,
    visibility: null,
    language: null,
    media,
  };
}

/** Who wrote a comment: the organisation itself, or a member known only by URN (the API names no one else). */
export function actorInfo(actor: string, owner: AccountInfo): AccountInfo {
  if (actor === owner.platformId) return owner;
  return { platform: 'linkedin', handle: actor, platformId: actor, displayName: null, url: null };
}

export function normaliseComment(
  c: LComment,
  api: string,
  postUrn: string,
  parentUrn: string,
  sourceUrl: string,
  owner: AccountInfo,
): NormalisedPost {
  const urn = commentUrn(c);
  const created = c.created?.time ?? null;
  const modified = c.lastModified?.time ?? null;
  return {
    platform: 'linkedin',
    platformId: urn,
    url: commentUrl(postUrn, parentUrn === postUrn ? null : parentUrn, urn),
    apiRef: `${api}/rest/socialActions/${enc(parentUrn)}/comments/${enc(c.id)}`,
    account: actorInfo(c.actor, owner),
    kind: parentUrn === postUrn ? 'comment' : 'reply',
    parentPlatformId: parentUrn,
    createdAt: iso(created),
    editedAt: created && modified && modified - created >= 1000 ? iso(modified) : null,
    content: commentContent(c),
    counts: {},
    history: null,
    sourceUrl,
  };
}
