import { z } from 'zod';
import type { Config } from '../../config.ts';
import { CaptureError } from '../../domain/errors.ts';
import type {
  AccountInfo,
  CaptureMethod,
  MediaItem,
  NormalisedPost,
  PostContent,
} from '../../domain/types.ts';
import type { Db } from '../../store/db.ts';
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
import type { HttpSession } from '../http.ts';
import { METHODS } from '../methods.ts';
import { batchCheck, findById } from './meta/check.ts';
import {
  Graph,
  GraphFailure,
  graphList,
  isoTime,
  type MetaToken,
  metaTokens,
  nextCursor,
  noToken,
  stableKey,
  usable,
} from './meta/graph.ts';

/**
 * The parts of Graph API Page posts, photos, videos and comments that we read (§4.1). Every field is
 * optional except the id: what a field list asks for, Graph leaves out when it has no value.
 */
const FMedia = z.object({
  image: z.object({ src: z.string(), width: z.number().nullish(), height: z.number().nullish() }).nullish(),
  source: z.string().nullish(),
});
interface FAttachment {
  media_type?: string | null | undefined;
  type?: string | null | undefined;
  url?: string | null | undefined;
  title?: string | null | undefined;
  description?: string | null | undefined;
  target?: { id?: string | null | undefined } | null | undefined;
  media?: z.output<typeof FMedia> | null | undefined;
  subattachments?: { data: FAttachment[] } | null | undefined;
}
const FAttachment: z.ZodType<FAttachment> = z.lazy(() =>
  z.object({
    media_type: z.string().nullish(),
    type: z.string().nullish(),
    url: z.string().nullish(),
    title: z.string().nullish(),
    description: z.string().nullish(),
    target: z.object({ id: z.string().nullish() }).nullish(),
    media: FMedia.nullish(),
    subattachments: z.object({ data: z.array(FAttachment) }).nullish(),
  }),
);
const FFrom = z.object({ id: z.string(), name: z.string().nullish() });
const FSummary = z.object({ summary: z.object({ total_count: z.number().nullish() }).nullish() }).nullish();
/** A post, photo, video or comment: one shape with every field optional, so a batch answer reads as one. */
const FObject = z.object({
  id: z.string(),
  message: z.string().nullish(),
  name: z.string().nullish(),
  title: z.string().nullish(),
  description: z.string().nullish(),
  created_time: z.string().nullish(),
  updated_time: z.string().nullish(),
  permalink_url: z.string().nullish(),
  link: z.string().nullish(),
  is_hidden: z.boolean().nullish(),
  from: FFrom.nullish(),
  parent: z.object({ id: z.string() }).nullish(),
  attachments: z.object({ data: z.array(FAttachment) }).nullish(),
  attachment: FAttachment.nullish(),
  images: z.array(z.object({ source: z.string(), width: z.number().nullish() })).nullish(),
  source: z.string().nullish(),
  picture: z.string().nullish(),
  shares: z.object({ count: z.number().nullish() }).nullish(),
  comments: FSummary,
  reactions: FSummary,
  like_count: z.number().nullish(),
  comment_count: z.number().nullish(),
});
type FObject = z.output<typeof FObject>;
const FPage = z.object({
  id: z.string(),
  name: z.string().nullish(),
  username: z.string().nullish(),
  link: z.string().nullish(),
});
type FPage = z.output<typeof FPage>;

const POST_FIELDS =
  'id,message,created_time,updated_time,permalink_url,is_hidden,from{id,name},attachments{media_type,type,url,title,description,target,media,subattachments},shares,comments.limit(0).summary(true),reactions.limit(0).summary(true)';
const PHOTO_FIELDS =
  'id,name,created_time,updated_time,link,images,from{id,name},comments.limit(0).summary(true)';
const VIDEO_FIELDS =
  'id,title,description,created_time,updated_time,permalink_url,source,picture,from{id,name},comments.limit(0).summary(true)';
const COMMENT_FIELDS =
  'id,message,created_time,from{id,name},parent{id},attachment,permalink_url,like_count,comment_count,is_hidden';
type Kind = 'post' | 'photo' | 'video' | 'comment';
const FIELDS: Record<Kind, string> = {
  post: POST_FIELDS,
  photo: PHOTO_FIELDS,
  video: VIDEO_FIELDS,
  comment: COMMENT_FIELDS,
};

/** What a facebook.com URL names. `page`: the page's vanity name or numeric id, when the URL says. */
interface FbRef {
  page: string | null;
  kind: Kind | 'account';
  /** The object's id as the URL gives it (a post's own part, `pfbid…`, a photo or video id). */
  id: string | null;
  commentId: string | null;
}

const HOSTS = /^(?:(?:www|m|web|mbasic|touch|business)\.)?(?:facebook\.com|fb\.com)$/;
/** First path segments that are facebook.com's own pages, not a page's name. */
const RESERVED = new Set(
  'login,share,sharer,sharer.php,groups,events,marketplace,gaming,hashtag,help,policies,privacy,settings,search,stories,notifications,messages,friends,bookmarks,ads,business,watch,photo,photo.php,permalink.php,story.php,video.php,reel,plugins,dialog,l.php,home.php'.split(
    ',',
  ),
);
const NUMERIC = /^\d+$/;

/** The page a facebook.com account URL in config/accounts.yaml names, lower case; null for any other text. */
function pageOfAccount(account: string): string | null {
  try {
    const ref = parseFacebook(new URL(account));
    return ref?.kind === 'account' ? ref.page : null;
  } catch {
    return null;
  }
}

function parseFacebook(url: URL): FbRef | null {
  const host = url.hostname.toLowerCase().replace(/\.$/, '');
  if (host !== 'fb.me' && !HOSTS.test(host)) return null;
  const q = url.searchParams;
  const segs = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const first = (segs[0] ?? '').toLowerCase();
  const none = { page: null, id: null, commentId: null };
  if (first === 'permalink.php' || first === 'story.php') {
    const id = q.get('story_fbid');
    return id
      ? {
          page: q.get('id'),
          kind: q.get('comment_id') ? 'comment' : 'post',
          id,
          commentId: q.get('comment_id'),
        }
      : null;
  }
  if (first === 'photo' || first === 'photo.php')
    return q.get('fbid') ? { ...none, kind: 'photo', id: q.get('fbid') } : null;
  if (first === 'watch' || first === 'video.php')
    return q.get('v') ? { ...none, kind: 'video', id: q.get('v') } : null;
  if (first === 'reel' && segs[1]) return { ...none, kind: 'video', id: segs[1] };
  if (first === 'profile.php') return q.get('id') ? { ...none, page: q.get('id'), kind: 'account' } : null;
  if (first === 'pages' && segs.length >= 3 && NUMERIC.test(segs[2]!))
    return { ...none, page: segs[2]!, kind: 'account' };
  if (!first || RESERVED.has(first)) return null;
  const page = segs[0]!;
  if (segs.length === 1) return { ...none, page, kind: 'account' };
  const section = segs[1]!.toLowerCase();
  const lastNumeric = [...segs.slice(2)].reverse().find((s) => NUMERIC.test(s)) ?? null;
  if (section === 'posts' && segs[2]) {
    const commentId = q.get('comment_id');
    return { page, kind: commentId ? 'comment' : 'post', id: segs[2], commentId };
  }
  if (section === 'videos' && lastNumeric) return { page, kind: 'video', id: lastNumeric, commentId: null };
  if (section === 'photos' && lastNumeric) return { page, kind: 'photo', id: lastNumeric, commentId: null };
  if (['about', 'photos', 'videos', 'posts', 'reels', 'community'].includes(section) && segs.length === 2)
    return { ...none, page, kind: 'account' };
  return null;
}

/**
 * Images and video files of an attachment and its sub-attachments. A photo's image is its original
 * (the largest of the photo's `images`) when it was asked for, else the attachment's resized copy.
 */
function attachmentMedia(a: FAttachment, out: MediaItem[], originals: ReadonlyMap<string, string>): void {
  const subs = a.subattachments?.data ?? [];
  if (subs.length) {
    for (const s of subs) attachmentMedia(s, out, originals);
    return;
  }
  const image = a.media?.image?.src ?? null;
  const video = a.media?.source ?? null;
  const isVideo = (a.media_type ?? a.type ?? '').startsWith('video');
  const id = a.target?.id ?? null;
  if (isVideo && video)
    out.push({ key: id ?? stableKey(video), url: video, type: 'video', description: null });
  else if (image) {
    const key = id ?? stableKey(image);
    // A video whose file the API does not serve keeps its still: the file itself is a miss.
    const url = (!isVideo && id && originals.get(id)) || image;
    out.push({ key: isVideo ? `${key}#thumbnail` : key, url, type: 'image', description: null });
  }
}

/** The photos among a post's attachments (albums included), by object id, in order: their originals are asked for. */
function photoIds(objects: FObject[]): string[] {
  const out = new Set<string>();
  const walk = (a: FAttachment) => {
    const subs = a.subattachments?.data ?? [];
    for (const s of subs) walk(s);
    const isVideo = (a.media_type ?? a.type ?? '').startsWith('video');
    if (!subs.length && !isVideo && a.target?.id && a.media?.image?.src) out.add(a.target.id);
  };
  for (const o of objects) for (const a of o.attachments?.data ?? []) walk(a);
  return [...out];
}

/** A photo's sizes, largest first wins: the original upload as far as Graph serves it. */
const FSizes = z.record(
  z.string(),
  z.object({ images: z.array(z.object({ source: z.string(), width: z.number().nullish() })).nullish() }),
);

function largestOf(sizes: z.output<typeof FSizes>, into: Map<string, string>): void {
  for (const [id, p] of Object.entries(sizes)) {
    const best = [...(p.images ?? [])].sort((a, b) => (b.width ?? 0) - (a.width ?? 0))[0];
    if (best) into.set(id, best.source);
  }
}

/** The content of a post, photo, video or comment, from the object alone (so `verify` re-derives it). */
export function facebookContent(o: FObject, originals: ReadonlyMap<string, string> = new Map()): PostContent {
  const media: MediaItem[] = [];
  for (const a of o.attachments?.data ?? []) attachmentMedia(a, media, originals);
  if (o.attachment) attachmentMedia(o.attachment, media, new Map());
  const biggest = [...(o.images ?? [])].sort((a, b) => (b.width ?? 0) - (a.width ?? 0))[0];
  if (biggest) media.push({ key: o.id, url: biggest.source, type: 'image', description: null });
  if (o.source) media.push({ key: o.id, url: o.source, type: 'video', description: null });
  else if (o.picture && !biggest && !o.attachments)
    media.push({ key: `${o.id}#thumbnail`, url: o.picture, type: 'image', description: null });
  return {
    text: o.message ?? o.name ?? o.description ?? '',
    html: null,
    title: o.title ?? null,
    spoilerText: '',
    sensitive: false,
    visibility: o.is_hidden ? 'hidden' : null,
    language: null,
    media,
  };
}

export const FACEBOOK_METHOD: CaptureMethod = {
  ...METHODS.api,
  label:
    'Facebook Graph API with the page’s own token (JSON), with the images it lists downloaded separately',
  misses: [
    ...METHODS.api.misses,
    'video files the Graph API does not serve (`source`): only their still image is kept',
    'the edit history (Graph gives only the time of the last change, `updated_time`)',
    'posts by visitors on the page and comments on pages whose token Archiefbot does not hold',
  ],
};

/**
 * Facebook Pages through the Graph API with each page's own token (config/accounts.yaml `tokenEnv`):
 * a post with its attachments and its comments and replies (flat with their parent, `filter=stream`),
 * the page's posts for backfill, and batch re-checks with `?ids=`. Posts are keyed by their Graph id
 * (`{page-id}_{post-id}`; photos, videos and comments by theirs).
 */
export class FacebookConnector
  implements Connector, PostSource, AccountSource, BatchChecker, ReadinessReporter, Rederiver
{
  readonly platform = 'facebook' as const;
  readonly method = FACEBOOK_METHOD;
  private readonly graph: Graph;

  constructor(
    private readonly config: Config,
    db?: Db,
  ) {
    this.graph = new Graph(config.meta.graphApiUrl, 'facebook', db);
  }

  match(url: URL): Target | null {
    const host = url.hostname.toLowerCase();
    if (host === 'fb.watch' || host.endsWith('.fb.watch')) {
      throw new CaptureError(
        'unsupported-url',
        `fb.watch short links name no page or video without loading facebook.com; open ${url.href} and give the facebook.com/…/videos/… address`,
        false,
        { url: url.href },
      );
    }
    const ref = parseFacebook(url);
    if (ref) return { kind: ref.kind === 'account' ? 'account' : 'post', url: url.href };
    if (host === 'fb.me' || HOSTS.test(host.replace(/\.$/, ''))) {
      // Groups, events, share links: not a page's post, and the web fallback would keep only a login wall.
      throw new CaptureError(
        'unsupported-url',
        `${url.href} is not a Facebook page, post, photo or video`,
        false,
        {
          url: url.href,
        },
      );
    }
    return null;
  }

  lookupKeys(url: URL): string[] {
    const ref = parseFacebook(url);
    if (!ref?.id) return [];
    if (ref.kind === 'photo' || ref.kind === 'video') return [ref.id];
    if (ref.kind === 'post' && ref.page && NUMERIC.test(ref.page) && NUMERIC.test(ref.id))
      return [`${ref.page}_${ref.id}`];
    return [];
  }

  private tokens(): MetaToken[] {
    return metaTokens(pageOfAccount);
  }

  async readiness(): Promise<PlatformReadiness> {
    const tokens = this.tokens();
    const missing = tokens.find((t) => !t.token);
    if (!tokens.length || missing)
      return {
        platform: 'facebook',
        state: 'not-configured',
        variable: missing?.tokenEnv ?? 'tokenEnv in config/accounts.yaml',
      };
    return { platform: 'facebook', state: 'ready' };
  }

  /** The page a token belongs to (its `/me`, asked once per process). */
  private me(http: HttpSession, token: MetaToken & { token: string }, page: string): Promise<FPage> {
    return this.graph.identity(http, token, 'id,name,username,link', FPage, page);
  }

  /**
   * The token for the page a URL names: the accounts.yaml entry with that page name, else the one whose
   * token is that page (by id or vanity name, from `/me`). Without a page in the URL (photo, video
   * links): every page token, in the file's order.
   */
  private async tokensFor(
    page: string | null,
    http: HttpSession,
    url: string,
    all: MetaToken[] = this.tokens(),
  ): Promise<{ token: MetaToken & { token: string }; page: FPage }[]> {
    const want = page?.toLowerCase() ?? null;
    const named = want ? all.find((t) => t.name === want) : undefined;
    if (named && !named.token) throw noToken('facebook', named.account, url, named.tokenEnv);
    const candidates = named ? [named as MetaToken & { token: string }] : usable(all);
    const out: { token: MetaToken & { token: string }; page: FPage }[] = [];
    for (const token of candidates) {
      const me = await this.me(http, token, url);
      if (!want || named || me.id === want || me.username?.toLowerCase() === want)
        out.push({ token, page: me });
    }
    if (!out.length) throw noToken('facebook', page ?? url, url);
    return out;
  }

  private pageAccount(p: FPage): AccountInfo {
    const handle = p.username ?? p.id;
    return {
      platform: 'facebook',
      handle,
      platformId: p.id,
      displayName: p.name ?? null,
      url: p.link ?? `https://www.facebook.com/${handle}`,
    };
  }

  private author(o: FObject, page: FPage): AccountInfo {
    if (!o.from || o.from.id === page.id) return this.pageAccount(page);
    return {
      platform: 'facebook',
      handle: o.from.id,
      platformId: o.from.id,
      displayName: o.from.name ?? null,
      url: null,
    };
  }

  normalise(
    o: FObject,
    page: FPage,
    sourceUrl: string,
    opts: {
      kind?: NormalisedPost['kind'];
      parent?: string | null;
      postUrl?: string;
      originals?: ReadonlyMap<string, string>;
    } = {},
  ): NormalisedPost {
    const kind = opts.kind ?? 'post';
    const handle = page.username ?? page.id;
    const own = o.id.includes('_') ? o.id.split('_').pop()! : o.id;
    const url =
      o.permalink_url ??
      o.link ??
      (kind === 'post'
        ? `https://www.facebook.com/${handle}/posts/${own}`
        : opts.postUrl
          ? `${opts.postUrl}${opts.postUrl.includes('?') ? '&' : '?'}comment_id=${own}`
          : `https://www.facebook.com/${own}`);
    const created = isoTime(o.created_time);
    const updated = isoTime(o.updated_time);
    return {
      platform: 'facebook',
      platformId: o.id,
      url: absoluteFacebook(url),
      apiRef: this.graph.url(o.id),
      account: this.author(o, page),
      kind,
      parentPlatformId: opts.parent ?? null,
      createdAt: created,
      // Graph keeps no edit history: the time of the last change is the edit signal.
      editedAt: updated && updated !== created ? updated : null,
      content: facebookContent(o, opts.originals),
      counts: {
        replies: o.comments?.summary?.total_count ?? o.comment_count ?? 0,
        likes: o.reactions?.summary?.total_count ?? o.like_count ?? 0,
        shares: o.shares?.count ?? 0,
      },
      history: null,
      sourceUrl,
    };
  }

  /** The Graph id of the object a URL names, for this page (a `pfbid…` is looked up in the page's posts). */
  private async graphId(
    ref: FbRef,
    page: FPage,
    token: MetaToken & { token: string },
    http: HttpSession,
    url: string,
  ) {
    const id = ref.id!;
    if (ref.kind === 'photo' || ref.kind === 'video') return id;
    const postId = NUMERIC.test(id) ? `${page.id}_${id}` : await this.findPfbid(id, page, token, http, url);
    if (ref.kind === 'comment') return `${postId.split('_').pop()}_${ref.commentId}`;
    return postId;
  }

  /**
   * A `pfbid…` post URL names no Graph id: the page's posts are read (100 a request, newest first)
   * until one's permalink carries it. Costs one request per 100 posts back to it.
   */
  private async findPfbid(
    pfbid: string,
    page: FPage,
    token: MetaToken & { token: string },
    http: HttpSession,
    url: string,
  ): Promise<string> {
    const schema = graphList(z.object({ id: z.string(), permalink_url: z.string().nullish() }));
    let after: string | null = null;
    for (let n = 0; n < this.config.capture.maxPagesPerRun; n++) {
      const list = await this.graph.get(
        http,
        this.graph.url(`${page.id}/posts`, { fields: 'id,permalink_url', limit: '100', after }),
        schema,
        'the posts of the page',
        { page: url, token },
      );
      const hit = list.data.find((p) => p.permalink_url?.includes(pfbid));
      if (hit) return hit.id;
      after = nextCursor(list);
      if (!after) break;
    }
    throw new CaptureError('not-found', `no post of ${page.username ?? page.id} has the link ${url}`, false, {
      url,
      host: this.graph.host,
      platform: 'Facebook',
    });
  }

  async fetchThread(target: PostTarget, http: HttpSession, opts: { maxReplies: number }): Promise<Thread> {
    const ref = parseFacebook(new URL(target.url))!;
    const candidates = await this.tokensFor(ref.page, http, target.url);
    let lastGone: unknown = null;
    for (const { token, page } of candidates) {
      try {
        return await this.threadWith(ref, token, page, http, target.url, opts.maxReplies);
      } catch (err) {
        // Without a page in the URL the next page's token may see it.
        if (!(err instanceof GraphFailure && err.kind === 'gone') || candidates.length === 1) throw err;
        lastGone = err;
      }
    }
    throw lastGone;
  }

  private async threadWith(
    ref: FbRef,
    token: MetaToken & { token: string },
    page: FPage,
    http: HttpSession,
    url: string,
    maxReplies: number,
  ): Promise<Thread> {
    const ctx = { page: url, token };
    const id = await this.graphId(ref, page, token, http, url);
    const kind: Kind = ref.kind === 'account' ? 'post' : ref.kind;
    const what = kind === 'comment' ? 'the comment' : 'the post';
    const api = this.graph.url(id, { fields: FIELDS[kind] });
    const o = await this.graph.get(http, api, FObject, what, ctx);
    if (kind !== 'comment') {
      const post = this.normalise(o, page, api, { originals: await this.originals([o], http, ctx) });
      return { post, ancestors: [], replies: await this.comments(id, post.url, page, http, ctx, maxReplies) };
    }
    const postId = `${page.id}_${id.split('_')[0]}`;
    const parentApi = this.graph.url(postId, { fields: POST_FIELDS });
    const parentObject = await this.graph.get(http, parentApi, FObject, 'the post', ctx);
    const parent = this.normalise(parentObject, page, parentApi, {
      originals: await this.originals([parentObject], http, ctx),
    });
    const comment = this.normalise(o, page, api, {
      kind: o.parent ? 'reply' : 'comment',
      parent: o.parent?.id ?? parent.platformId,
      postUrl: parent.url,
    });
    return {
      post: comment,
      ancestors: [parent],
      replies: await this.comments(id, parent.url, page, http, ctx, maxReplies),
    };
  }

  /** Comments and replies, flat with their parent (`filter=stream`), oldest first, paged by `after`. */
  private async comments(
    id: string,
    postUrl: string,
    page: FPage,
    http: HttpSession,
    ctx: { page: string; token: MetaToken & { token: string } },
    max: number,
  ): Promise<NormalisedPost[]> {
    const out: NormalisedPost[] = [];
    const schema = graphList(FObject);
    let after: string | null = null;
    while (out.length < max) {
      const url = this.graph.url(`${id}/comments`, {
        filter: 'stream',
        order: 'chronological',
        limit: String(Math.min(100, max - out.length)),
        fields: COMMENT_FIELDS,
        after,
      });
      const list = await this.graph.get(http, url, schema, 'the comments', ctx);
      for (const c of list.data) {
        const parent = c.parent?.id ?? null;
        out.push(
          this.normalise(c, page, url, { kind: parent ? 'reply' : 'comment', parent: parent ?? id, postUrl }),
        );
      }
      after = nextCursor(list);
      if (!after || !list.data.length) break;
    }
    return out.slice(0, max);
  }

  async openAccount(target: AccountTarget, http: HttpSession): Promise<AccountHandle> {
    const ref = parseFacebook(new URL(target.url))!;
    const { page } = (await this.tokensFor(ref.page, http, target.url))[0]!;
    return { account: this.pageAccount(page), total: null, ref: page.id };
  }

  /** One page of the page's own posts (`/{page-id}/posts`, 25 a request), paged by the `after` cursor. */
  async listAccount(handle: AccountHandle, http: HttpSession, cursor: string | null): Promise<AccountPage> {
    const { token, page } = (await this.tokensFor(handle.ref, http, handle.account.url ?? handle.ref))[0]!;
    const url = this.graph.url(`${page.id}/posts`, { fields: POST_FIELDS, limit: '25', after: cursor });
    const list = await this.graph.get(http, url, graphList(FObject), 'the posts of the page', {
      page: handle.account.url ?? url,
      token: token,
    });
    const originals = await this.originals(list.data, http, { page: handle.account.url ?? url, token });
    const posts = list.data.map((o) => this.normalise(o, page, url, { originals }));
    return { posts, next: list.data.length ? nextCursor(list) : null, ...(cursor ? { self: cursor } : {}) };
  }

  /**
   * Re-checks by page and kind with Graph's multi-id look-up (`?ids=a,b,c`, 50 a request). A post the
   * batch leaves out, or a batch Graph refuses because one id is gone, is asked for on its own; 100/33
   * then is a deletion when the page itself still answers (else `unavailable`). A refused token (190),
   * a rate limit or an outage is `error`, never a deletion.
   */
  async checkPosts(refs: CheckRef[], http: HttpSession): Promise<Map<string, CheckResult>> {
    const tokens = this.tokens(); // read once for the whole batch, not once a post
    return batchCheck(refs, {
      graph: this.graph,
      http,
      group: async (ref) => {
        const r = parseFacebook(new URL(ref.url));
        const kind: Kind = !r || r.kind === 'account' ? 'post' : r.kind;
        const page =
          r?.page ?? ref.accountRef ?? (ref.platformId.includes('_') ? ref.platformId.split('_')[0]! : null);
        const { token, page: p } = (await this.tokensFor(page, http, ref.url, tokens))[0]!;
        return {
          key: `${token.tokenEnv}:${kind}`,
          token: token,
          fields: FIELDS[kind],
          owner: p.id,
          normalise: (o: unknown, sourceUrl: string) =>
            this.normalise(o as FObject, p, sourceUrl, kind === 'comment' ? { kind: 'comment' } : {}),
        };
      },
      schema: FObject,
    });
  }

  /** The content from a stored Graph answer (a post, a list page, a comment list, a multi-id map). */
  async rederive(input: RederiveInput): Promise<{ current: PostContent; history: PostContent[] } | null> {
    let json: unknown;
    try {
      json = JSON.parse(input.body.toString('utf8'));
    } catch {
      return null;
    }
    const o = FObject.safeParse(findById(json, input.platformId));
    if (!o.success) return null;
    // The originals of the photos, as the capture asked for them: for every post of the stored answer.
    const listed = (json as { data?: unknown }).data;
    const objects = (Array.isArray(listed) ? listed : [json])
      .map((x) => FObject.safeParse(x))
      .flatMap((x) => (x.success ? [x.data] : []));
    const originals = new Map<string, string>();
    for (const url of this.originalsUrls(photoIds(objects))) {
      const body = await input.related(url);
      if (!body) continue;
      try {
        const sizes = FSizes.safeParse(JSON.parse(body.toString('utf8')));
        if (sizes.success) largestOf(sizes.data, originals);
      } catch {
        // a stored answer that is not JSON gave the capture no originals either
      }
    }
    return { current: facebookContent(o.data, originals), history: [] };
  }

  /** The multi-id look-ups for these photos' sizes, 50 ids a request (in this order, so `verify` asks the same). */
  private originalsUrls(ids: string[]): string[] {
    const urls: string[] = [];
    for (let i = 0; i < ids.length; i += 50)
      urls.push(this.graph.url('', { ids: ids.slice(i, i + 50).join(','), fields: 'images' }));
    return urls;
  }

  /**
   * The original image of every photo these posts attach (`?ids=…&fields=images`, the largest size):
   * Graph's attachments carry a resized copy. A look-up Graph refuses (a photo gone meanwhile) leaves
   * those photos at the attachment's copy; any other failure fails the capture.
   */
  private async originals(
    objects: FObject[],
    http: HttpSession,
    ctx: { page: string; token: MetaToken & { token: string } },
  ): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const url of this.originalsUrls(photoIds(objects))) {
      try {
        largestOf(await this.graph.get(http, url, FSizes, 'the photos of the post', ctx), out);
      } catch (err) {
        if (!(err instanceof GraphFailure && err.kind === 'gone')) throw err;
      }
    }
    return out;
  }
}

/** Graph's permalinks are absolute; an odd relative one is made absolute on www.facebook.com. */
function absoluteFacebook(url: string): string {
  return /^https?:\/\//.test(url) ? url : `https://www.facebook.com/${url.replace(/^\/+/, '')}`;
}
