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
  usable,
} from './meta/graph.ts';

/** The parts of IG Media and IG Comment that we read (§4.2); every field but the id may be left out. */
const IChild = z.object({
  id: z.string(),
  media_type: z.string().nullish(),
  media_url: z.string().nullish(),
  thumbnail_url: z.string().nullish(),
});
const IMedia = IChild.extend({
  caption: z.string().nullish(),
  media_product_type: z.string().nullish(),
  permalink: z.string().nullish(),
  shortcode: z.string().nullish(),
  timestamp: z.string().nullish(),
  username: z.string().nullish(),
  like_count: z.number().nullish(),
  comments_count: z.number().nullish(),
  children: z.object({ data: z.array(IChild) }).nullish(),
  // A comment read in a batch check shares this shape.
  text: z.string().nullish(),
  parent_id: z.string().nullish(),
  hidden: z.boolean().nullish(),
  from: z.object({ id: z.string(), username: z.string().nullish() }).nullish(),
});
type IMedia = z.output<typeof IMedia>;
const IComment = z.object({
  id: z.string(),
  text: z.string().nullish(),
  timestamp: z.string().nullish(),
  username: z.string().nullish(),
  from: z.object({ id: z.string(), username: z.string().nullish() }).nullish(),
  like_count: z.number().nullish(),
  hidden: z.boolean().nullish(),
  parent_id: z.string().nullish(),
});
type IComment = z.output<typeof IComment>;
const ICommentWithReplies = IComment.extend({ replies: graphList(IComment).nullish() });
const IUser = z.object({
  id: z.string(),
  username: z.string(),
  name: z.string().nullish(),
  media_count: z.number().nullish(),
});
type IUser = z.output<typeof IUser>;
const Me = z.object({ id: z.string(), instagram_business_account: IUser.nullish() });

const CHILD_FIELDS = 'id,media_type,media_url,thumbnail_url';
const MEDIA_FIELDS = `id,caption,media_type,media_product_type,media_url,thumbnail_url,permalink,shortcode,timestamp,username,like_count,comments_count,children{${CHILD_FIELDS}}`;
const COMMENT_FIELDS = 'id,text,timestamp,username,from{id,username},like_count,hidden,parent_id';
const USER_FIELDS = 'id,username,name,media_count';

/** What an instagram.com URL names. */
interface IgRef {
  username: string | null;
  kind: 'account' | 'media' | 'comment';
  shortcode: string | null;
  commentId: string | null;
}

const HOSTS = /^(?:(?:www|m)\.)?instagram\.com$|^instagr\.am$/;
const RESERVED = new Set(
  'explore,accounts,stories,direct,about,legal,developer,reels,p,reel,tv,web,challenge,emails,privacy,session'.split(
    ',',
  ),
);
const MEDIA = new Set(['p', 'reel', 'tv']);
const USERNAME = /^[A-Za-z0-9._]{1,30}$/;

function parseInstagram(url: URL): IgRef | null {
  const host = url.hostname.toLowerCase().replace(/\.$/, '');
  if (!HOSTS.test(host)) return null;
  let segs = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  let username: string | null = null;
  // `/<username>/p/<shortcode>/` is another form of the same media link.
  if (segs.length >= 3 && !RESERVED.has(segs[0]!.toLowerCase()) && MEDIA.has(segs[1]!.toLowerCase())) {
    username = segs[0]!;
    segs = segs.slice(1);
  }
  const first = (segs[0] ?? '').toLowerCase();
  if (MEDIA.has(first) && segs[1]) {
    // Comment links: /p/<shortcode>/c/<comment-id>/ and /p/<shortcode>/c/<comment-id>/r/<reply-id>/.
    const commentId = segs[2] === 'c' ? ((segs[4] === 'r' ? segs[5] : segs[3]) ?? null) : null;
    return { username, kind: commentId ? 'comment' : 'media', shortcode: segs[1], commentId };
  }
  if (segs.length === 1 && !RESERVED.has(first) && USERNAME.test(segs[0]!))
    return { username: segs[0]!, kind: 'account', shortcode: null, commentId: null };
  return null;
}

/** The refusal for a token whose Facebook page has no Instagram business or creator account linked. */
function unlinked(token: MetaToken, url: string): CaptureError {
  return new CaptureError(
    'not-configured',
    `the page whose token is in ${token.tokenEnv} has no Instagram business or creator account linked, so ${token.account} cannot be read through the API; link the account to the page in Meta Business Suite, or capture it with the browser method`,
    false,
    { platform: 'Instagram', variable: token.tokenEnv, url },
  );
}

function usernameOfAccount(account: string): string | null {
  try {
    const ref = parseInstagram(new URL(account));
    return ref?.kind === 'account' ? ref.username : null;
  } catch {
    return null;
  }
}

function mediaItem(m: z.output<typeof IChild>, out: MediaItem[]): void {
  const type = (m.media_type ?? '').toUpperCase();
  if (type === 'VIDEO') {
    // `media_url` is left out for videos with licensed audio: then only the still is kept.
    if (m.media_url) out.push({ key: m.id, url: m.media_url, type: 'video', description: null });
    else if (m.thumbnail_url)
      out.push({ key: `${m.id}#thumbnail`, url: m.thumbnail_url, type: 'image', description: null });
  } else if (m.media_url) out.push({ key: m.id, url: m.media_url, type: 'image', description: null });
}

/** The content of a media object or a comment, from the object alone (so `verify` re-derives it). */
export function instagramContent(o: IMedia | IComment): PostContent {
  const media: MediaItem[] = [];
  if ('media_type' in o) {
    const children = o.children?.data ?? [];
    if (children.length) for (const c of children) mediaItem(c, media);
    else mediaItem(o, media);
  }
  const text = 'caption' in o && o.caption != null ? o.caption : (o.text ?? '');
  return {
    text,
    html: null,
    title: null,
    spoilerText: '',
    sensitive: false,
    visibility: 'hidden' in o && o.hidden ? 'hidden' : null,
    language: null,
    media,
  };
}

export const INSTAGRAM_METHOD: CaptureMethod = {
  ...METHODS.api,
  label:
    'Instagram Graph API with the linked page’s token (JSON), with the media files it lists downloaded separately',
  misses: [
    ...METHODS.api.misses,
    'video files of reels with licensed audio or downloads turned off (the API leaves out `media_url`): only the still is kept',
    'stories (they disappear after 24 hours and are not read)',
    'the time of an edit (Instagram gives none): a changed caption is dated by the window between two checks',
  ],
};

/**
 * Instagram business and creator accounts through the Graph API, with the token of the Facebook page
 * the account is linked to (config/accounts.yaml `tokenEnv` on the Instagram account): media with
 * their carousel children, comments and their replies, the account's media for backfill, and batch
 * re-checks. Media are keyed by their IG media id, comments by theirs.
 */
export class InstagramConnector
  implements Connector, PostSource, AccountSource, BatchChecker, ReadinessReporter, Rederiver
{
  readonly platform = 'instagram' as const;
  readonly method = INSTAGRAM_METHOD;
  private readonly graph: Graph;
  /** Shortcode → media id, learnt from the account's media lists (a shortcode names no Graph id). */
  private readonly shortcodes = new Map<string, string>();

  constructor(
    private readonly config: Config,
    db?: Db,
  ) {
    this.graph = new Graph(config.meta.graphApiUrl, 'instagram', db);
  }

  match(url: URL): Target | null {
    const ref = parseInstagram(url);
    if (ref) return { kind: ref.kind === 'account' ? 'account' : 'post', url: url.href };
    if (HOSTS.test(url.hostname.toLowerCase().replace(/\.$/, ''))) {
      // Stories, explore, direct: not an account's post, and the web fallback would keep only a login wall.
      throw new CaptureError('unsupported-url', `${url.href} is not an Instagram account or post`, false, {
        url: url.href,
      });
    }
    return null;
  }

  lookupKeys(url: URL): string[] {
    const ref = parseInstagram(url);
    if (ref?.commentId) return [ref.commentId];
    const id = ref?.shortcode ? this.shortcodes.get(ref.shortcode) : undefined;
    return id ? [id] : [];
  }

  private tokens(): MetaToken[] {
    return metaTokens(usernameOfAccount);
  }

  async readiness(): Promise<PlatformReadiness> {
    const tokens = this.tokens();
    const missing = tokens.find((t) => !t.token);
    if (!tokens.length || missing)
      return {
        platform: 'instagram',
        state: 'not-configured',
        variable: missing?.tokenEnv ?? 'tokenEnv in config/accounts.yaml',
      };
    return { platform: 'instagram', state: 'ready' };
  }

  /**
   * The tokens for an Instagram account: the accounts.yaml entry with that username, else each token
   * whose page's linked account (`/me?fields=instagram_business_account`) it is. Without a username in
   * the URL (a /p/ link): every Instagram token in the file's order.
   */
  private async tokensFor(
    username: string | null,
    http: HttpSession,
    url: string,
    all: MetaToken[] = this.tokens(),
  ): Promise<{ token: MetaToken & { token: string }; user: IUser }[]> {
    const want = username?.toLowerCase() ?? null;
    const named = want ? all.find((t) => t.name === want) : undefined;
    if (named && !named.token) throw noToken('instagram', named.account, url, named.tokenEnv);
    const candidates = named ? [named as MetaToken & { token: string }] : usable(all);
    const out: { token: MetaToken & { token: string }; user: IUser }[] = [];
    for (const token of candidates) {
      const me = await this.graph.identity(
        http,
        token,
        `id,instagram_business_account{${USER_FIELDS}}`,
        Me,
        url,
      );
      const user = me.instagram_business_account;
      if (!user) {
        // A named account whose page has no business or creator account linked: say that, not "no token".
        if (named) throw unlinked(named, url);
        continue;
      }
      if (!want || named || user.id === want || user.username.toLowerCase() === want)
        out.push({ token, user });
    }
    if (!out.length) throw noToken('instagram', username ?? url, url);
    return out;
  }

  private userAccount(u: { id: string; username: string; name?: string | null }): AccountInfo {
    return {
      platform: 'instagram',
      handle: u.username,
      platformId: u.id,
      displayName: u.name ?? null,
      url: `https://www.instagram.com/${u.username}/`,
    };
  }

  normaliseMedia(o: IMedia, user: IUser, sourceUrl: string): NormalisedPost {
    if (o.shortcode) this.shortcodes.set(o.shortcode, o.id);
    return {
      platform: 'instagram',
      platformId: o.id,
      url: o.permalink ?? `https://www.instagram.com/p/${o.shortcode ?? o.id}/`,
      apiRef: this.graph.url(o.id),
      account: this.userAccount(user),
      kind: 'post',
      parentPlatformId: null,
      createdAt: isoTime(o.timestamp),
      // Instagram gives no edit time: a changed caption is dated by the window between checks.
      editedAt: null,
      content: instagramContent(o),
      counts: { replies: o.comments_count ?? 0, likes: o.like_count ?? 0 },
      history: null,
      sourceUrl,
    };
  }

  normaliseComment(
    c: IComment,
    user: IUser,
    mediaUrl: string,
    /** The media a top-level comment is on; null when not known (a batch re-check reads the comment alone). */
    parent: string | null,
    sourceUrl: string,
  ): NormalisedPost {
    const own = c.from?.id === user.id || c.username?.toLowerCase() === user.username.toLowerCase();
    const base = mediaUrl.endsWith('/') ? mediaUrl : `${mediaUrl}/`;
    return {
      platform: 'instagram',
      platformId: c.id,
      url: c.parent_id ? `${base}c/${c.parent_id}/r/${c.id}/` : `${base}c/${c.id}/`,
      apiRef: this.graph.url(c.id),
      account: own
        ? this.userAccount(user)
        : {
            platform: 'instagram',
            handle: c.username ?? c.from?.username ?? c.from?.id ?? 'unknown',
            platformId: c.from?.id ?? null,
            displayName: null,
            url: c.username ? `https://www.instagram.com/${c.username}/` : null,
          },
      kind: c.parent_id ? 'reply' : 'comment',
      parentPlatformId: c.parent_id ?? parent,
      createdAt: isoTime(c.timestamp),
      editedAt: null,
      content: instagramContent(c),
      counts: { likes: c.like_count ?? 0 },
      history: null,
      sourceUrl,
    };
  }

  /**
   * The media id of a shortcode: the account's media are read (100 a request, newest first) until one
   * has it. Costs one request per 100 media back to the post; learnt ids are kept for this process.
   */
  private async mediaId(
    shortcode: string,
    user: IUser,
    token: MetaToken & { token: string },
    http: HttpSession,
    url: string,
  ) {
    const known = this.shortcodes.get(shortcode);
    if (known) return known;
    const schema = graphList(z.object({ id: z.string(), shortcode: z.string().nullish() }));
    let after: string | null = null;
    for (let n = 0; n < this.config.capture.maxPagesPerRun; n++) {
      const list = await this.graph.get(
        http,
        this.graph.url(`${user.id}/media`, { fields: 'id,shortcode', limit: '100', after }),
        schema,
        'the media of the account',
        { page: url, token },
      );
      for (const m of list.data) if (m.shortcode) this.shortcodes.set(m.shortcode, m.id);
      const hit = this.shortcodes.get(shortcode);
      if (hit) return hit;
      after = nextCursor(list);
      if (!after) break;
    }
    throw new GraphFailure('gone', 'not-found', `no media of ${user.username} has the link ${url}`, false, {
      url,
      host: this.graph.host,
      platform: 'Instagram',
    });
  }

  async fetchThread(target: PostTarget, http: HttpSession, opts: { maxReplies: number }): Promise<Thread> {
    const ref = parseInstagram(new URL(target.url))!;
    const candidates = await this.tokensFor(ref.username, http, target.url);
    let lastGone: unknown = null;
    for (const { token, user } of candidates) {
      try {
        return await this.threadWith(ref, token, user, http, target.url, opts.maxReplies);
      } catch (err) {
        if (!(err instanceof GraphFailure && err.kind === 'gone') || candidates.length === 1) throw err;
        lastGone = err;
      }
    }
    throw lastGone;
  }

  private async threadWith(
    ref: IgRef,
    token: MetaToken & { token: string },
    user: IUser,
    http: HttpSession,
    url: string,
    maxReplies: number,
  ): Promise<Thread> {
    const ctx = { page: url, token };
    const id = await this.mediaId(ref.shortcode!, user, token, http, url);
    const api = this.graph.url(id, { fields: MEDIA_FIELDS });
    const media = this.normaliseMedia(await this.graph.get(http, api, IMedia, 'the post', ctx), user, api);
    const comments = await this.comments(id, media.url, user, http, ctx, ref.commentId ? 10_000 : maxReplies);
    if (!ref.commentId) return { post: media, ancestors: [], replies: comments };
    const comment = comments.find((c) => c.platformId === ref.commentId);
    if (!comment)
      throw new CaptureError(
        'not-found',
        'the comment is not (any more) among the comments of the post',
        false,
        {
          url,
          host: this.graph.host,
          platform: 'Instagram',
        },
      );
    const parent = comments.find((c) => c.platformId === comment.parentPlatformId);
    return {
      post: comment,
      ancestors: parent ? [media, parent] : [media],
      replies: comments.filter((c) => c.parentPlatformId === comment.platformId).slice(0, maxReplies),
    };
  }

  /** Comments with their replies (nested `replies`, more from `/{comment}/replies` when paged), oldest first. */
  private async comments(
    mediaId: string,
    mediaUrl: string,
    user: IUser,
    http: HttpSession,
    ctx: { page: string; token: MetaToken & { token: string } },
    max: number,
  ): Promise<NormalisedPost[]> {
    const out: NormalisedPost[] = [];
    let after: string | null = null;
    while (out.length < max) {
      const url = this.graph.url(`${mediaId}/comments`, {
        fields: `${COMMENT_FIELDS},replies{${COMMENT_FIELDS}}`,
        limit: '50',
        after,
      });
      const list = await this.graph.get(http, url, graphList(ICommentWithReplies), 'the comments', ctx);
      for (const c of list.data) {
        out.push(this.normaliseComment(c, user, mediaUrl, mediaId, url));
        let replies = c.replies?.data ?? [];
        let repliesUrl = url;
        let more = c.replies ? nextCursor(c.replies) : null;
        for (;;) {
          for (const r of replies)
            out.push(
              this.normaliseComment(
                { ...r, parent_id: r.parent_id ?? c.id },
                user,
                mediaUrl,
                c.id,
                repliesUrl,
              ),
            );
          if (!more || out.length >= max) break;
          repliesUrl = this.graph.url(`${c.id}/replies`, {
            fields: COMMENT_FIELDS,
            limit: '50',
            after: more,
          });
          const page = await this.graph.get(http, repliesUrl, graphList(IComment), 'the replies', ctx);
          replies = page.data;
          more = page.data.length ? nextCursor(page) : null;
        }
      }
      after = nextCursor(list);
      if (!after || !list.data.length) break;
    }
    return out.slice(0, max);
  }

  async openAccount(target: AccountTarget, http: HttpSession): Promise<AccountHandle> {
    const ref = parseInstagram(new URL(target.url))!;
    const { token, user } = (await this.tokensFor(ref.username, http, target.url))[0]!;
    const url = this.graph.url(user.id, { fields: USER_FIELDS });
    const fresh = await this.graph.get(http, url, IUser, `the account ${user.username}`, {
      page: target.url,
      token,
    });
    return { account: this.userAccount(fresh), total: fresh.media_count ?? null, ref: fresh.username };
  }

  /** One page of the account's media (`/{ig-user-id}/media`, 25 a request), paged by the `after` cursor. */
  async listAccount(handle: AccountHandle, http: HttpSession, cursor: string | null): Promise<AccountPage> {
    const page = handle.account.url ?? handle.ref;
    const { token, user } = (await this.tokensFor(handle.ref, http, page))[0]!;
    const url = this.graph.url(`${user.id}/media`, { fields: MEDIA_FIELDS, limit: '25', after: cursor });
    const list = await this.graph.get(http, url, graphList(IMedia), 'the media of the account', {
      page,
      token,
    });
    const posts = list.data.map((o) => this.normaliseMedia(o, user, url));
    return { posts, next: list.data.length ? nextCursor(list) : null, ...(cursor ? { self: cursor } : {}) };
  }

  /**
   * Batch re-checks with `?ids=` (media and comments apart: their fields differ); a left-out or refused
   * id is asked for on its own, and "does not exist" is a deletion only while the account still answers.
   */
  async checkPosts(refs: CheckRef[], http: HttpSession): Promise<Map<string, CheckResult>> {
    const tokens = this.tokens(); // read once for the whole batch, not once a post
    return batchCheck(refs, {
      graph: this.graph,
      http,
      group: async (ref) => {
        const r = parseInstagram(new URL(ref.url));
        const comment = r?.kind === 'comment';
        const { token, user } = (await this.tokensFor(r?.username ?? null, http, ref.url, tokens))[0]!;
        const mediaUrl = ref.url.replace(/c\/.*$/, '');
        return {
          key: `${token.tokenEnv}:${comment ? 'comment' : 'media'}`,
          token,
          fields: comment ? COMMENT_FIELDS : MEDIA_FIELDS,
          owner: user.id,
          normalise: (o: unknown, sourceUrl: string) =>
            comment
              ? this.normaliseComment(o as IComment, user, mediaUrl, null, sourceUrl)
              : this.normaliseMedia(o as IMedia, user, sourceUrl),
        };
      },
      schema: IMedia,
    });
  }

  async rederive(input: RederiveInput): Promise<{ current: PostContent; history: PostContent[] } | null> {
    let json: unknown;
    try {
      json = JSON.parse(input.body.toString('utf8'));
    } catch {
      return null;
    }
    const o = IMedia.safeParse(findById(json, input.platformId));
    return o.success ? { current: instagramContent(o.data), history: [] } : null;
  }
}
