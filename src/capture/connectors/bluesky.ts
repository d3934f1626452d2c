import { z } from 'zod';
import type { Config } from '../../config.ts';
import { CaptureError } from '../../domain/errors.ts';
import type { AccountInfo, MediaItem, NormalisedPost } from '../../domain/types.ts';
import type {
  AccountHandle,
  AccountPage,
  AccountSource,
  AccountTarget,
  BatchChecker,
  CheckRef,
  CheckResult,
  Connector,
  PostSource,
  PostTarget,
  Target,
  Thread,
} from '../connector.ts';
import { validAnswer } from '../connector.ts';
import type { HttpSession, Response } from '../http.ts';
import { METHODS } from '../methods.ts';

/**
 * The parts of app.bsky.feed.defs#postView and friends that we read (lexicons, docs.bsky.app;
 * docs/reference/platform-apis.md §2.2–2.4). Every answer is checked against them before use: what
 * the archive keys by is required, what the lexicons leave optional is optional, and fields we do not
 * read are allowed (and dropped).
 */
const BAuthor = z.object({ did: z.string(), handle: z.string(), displayName: z.string().nullish() });
type BAuthor = z.output<typeof BAuthor>;
const BBlobRef = z.object({
  ref: z.object({ $link: z.string().optional() }).nullish(),
  mimeType: z.string().nullish(),
});
const BRecordEmbedOwn = z.object({
  $type: z.string().optional(),
  images: z.array(z.object({ alt: z.string().nullish(), image: BBlobRef.nullish() })).nullish(),
  video: BBlobRef.nullish(),
  alt: z.string().nullish(),
});
/** A record's embed; recordWithMedia carries the images or video in `media`. */
const BRecordEmbed = BRecordEmbedOwn.extend({ media: BRecordEmbedOwn.nullish() });
const BRecord = z.object({
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
const BEmbedViewOwn = z.object({
  $type: z.string().optional(),
  images: z
    .array(z.object({ fullsize: z.string(), thumb: z.string().nullish(), alt: z.string().nullish() }))
    .nullish(),
  playlist: z.string().nullish(),
  cid: z.string().nullish(),
  alt: z.string().nullish(),
});
/** An embed view; recordWithMedia#view carries the images or video in `media`. */
const BEmbedView = BEmbedViewOwn.extend({ media: BEmbedViewOwn.nullish() });
const BPostView = z.object({
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
type BPostView = z.output<typeof BPostView>;
/** threadViewPost, or notFoundPost / blockedPost (no `post`), with parents and replies of the same kinds. */
interface BThread {
  $type?: string | undefined;
  post?: BPostView | undefined;
  parent?: BThread | undefined;
  replies?: BThread[] | undefined;
}
const BThread: z.ZodType<BThread> = z.lazy(() =>
  z.object({
    $type: z.string().optional(),
    post: BPostView.optional(),
    parent: BThread.optional(),
    replies: z.array(BThread).optional(),
  }),
);
const BThreadAnswer = z.object({ thread: BThread });
const BProfile = BAuthor.extend({ postsCount: z.number().nullish() });
const BFeed = z.object({
  feed: z.array(z.object({ post: BPostView, reason: z.unknown().optional() })),
  cursor: z.string().nullish(),
});
const BPosts = z.object({ posts: z.array(BPostView) });
/** An XRPC error body (`{"error","message"}`); anything else reads as no name. */
const XrpcError = z
  .object({ error: z.string().optional(), message: z.string().optional() })
  .catch({ error: undefined, message: undefined });

const WEB_HOSTS = new Set(['bsky.app', 'www.bsky.app']);
const POST_PATH = /^\/profile\/([^/]+)\/post\/([^/]+)\/?$/;
const PROFILE_PATH = /^\/profile\/([^/]+)\/?$/;
const AT_POST = /^at:\/\/([^/]+)\/app\.bsky\.feed\.post\/([^/]+)$/;

function rkeyOf(uri: string): string {
  return uri.split('/').pop()!;
}

/**
 * Bluesky through the public AppView (no login): getPostThread for a post with its parents and
 * replies, getAuthorFeed for an account. Posts are keyed by AT-URI with the author's DID.
 */
export class BlueskyConnector implements Connector, PostSource, AccountSource, BatchChecker {
  readonly platform = 'bluesky' as const;
  readonly method = {
    ...METHODS.api,
    misses: [
      ...METHODS.api.misses,
      'video segments (Bluesky serves video as an HLS playlist; only the playlist is kept)',
    ],
  };
  private readonly appview: string;

  constructor(config: Config) {
    this.appview = config.bluesky.appviewUrl.replace(/\/+$/, '');
  }

  /** AT-URIs with a DID are not valid WHATWG URLs (the colons), so they are turned into bsky.app URLs first. */
  normaliseInput(text: string): string | null {
    if (!text.startsWith('at://')) return null;
    const m = AT_POST.exec(text);
    if (m) return `https://bsky.app/profile/${m[1]}/post/${m[2]}`;
    const actor = text.slice('at://'.length).replace(/\/+$/, '');
    return actor && !actor.includes('/') ? `https://bsky.app/profile/${actor}` : null;
  }

  private parse(url: URL): { actor: string; rkey: string | null } | null {
    if (!WEB_HOSTS.has(url.hostname)) return null;
    const post = POST_PATH.exec(url.pathname);
    if (post) return { actor: decodeURIComponent(post[1]!), rkey: post[2]! };
    const profile = PROFILE_PATH.exec(url.pathname);
    return profile ? { actor: decodeURIComponent(profile[1]!), rkey: null } : null;
  }

  match(url: URL): Target | null {
    const p = this.parse(url);
    if (!p) return null;
    return { kind: p.rkey ? 'post' : 'account', url: url.href };
  }

  lookupKeys(url: URL): string[] {
    const p = this.parse(url);
    return p?.rkey && p.actor.startsWith('did:') ? [`at://${p.actor}/app.bsky.feed.post/${p.rkey}`] : [];
  }

  private xrpc(method: string, params: Record<string, string | string[]>): string {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params))
      for (const one of Array.isArray(v) ? v : [v]) q.append(k, one);
    return `${this.appview}/xrpc/${method}?${q}`;
  }

  /**
   * XRPC errors are HTTP 400 with `{"error","message"}`; map the documented names. `page`: the URL
   * the user gave (the post or account), which their error message names instead of the XRPC call.
   */
  private async call<S extends z.ZodType>(
    http: HttpSession,
    url: string,
    schema: S,
    what: string,
    page: string = url,
  ): Promise<{ data: z.output<S>; res: Response }> {
    const { data, res } = await http.json<unknown>(url);
    if (res.status < 300) return { data: validAnswer(schema, data, url, what), res };
    const { error: name = '', message = '' } = XrpcError.parse(data);
    const host = new URL(url).host;
    const vars = { url: page, host, status: res.status, platform: 'Bluesky', detail: name || null };
    if (
      ['NotFound', 'RecordNotFound'].includes(name) ||
      (name === 'InvalidRequest' && /not found|unable to resolve handle/i.test(message))
    ) {
      throw new CaptureError(
        'not-found',
        `${what} was not found on Bluesky (deleted, or the account is gone)`,
        false,
        vars,
      );
    }
    if (
      ['BlockedActor', 'BlockedByActor', 'AuthRequired', 'AccountTakedown'].includes(name) ||
      res.status === 401
    ) {
      throw new CaptureError(
        'unavailable',
        `${what} is not available without login on Bluesky (${name || res.status})`,
        false,
        vars,
      );
    }
    throw new CaptureError(
      'platform-error',
      `${host} answered HTTP ${res.status} ${name} for ${what}`.trim(),
      false,
      vars,
    );
  }

  private async did(http: HttpSession, actor: string, page: string): Promise<string> {
    if (actor.startsWith('did:')) return actor;
    const { data } = await this.call(
      http,
      this.xrpc('com.atproto.identity.resolveHandle', { handle: actor }),
      z.object({ did: z.string() }),
      `the account ${actor}`,
      page,
    );
    return data.did;
  }

  normalise(v: BPostView, sourceUrl: string): NormalisedPost {
    const labels = (v.record.labels?.values ?? []).map((l) => l.val);
    return {
      platform: 'bluesky',
      platformId: v.uri,
      url: `https://bsky.app/profile/${v.author.handle}/post/${rkeyOf(v.uri)}`,
      apiRef: v.uri,
      account: this.account(v.author),
      kind: v.record.reply ? 'reply' : 'post',
      parentPlatformId: v.record.reply?.parent?.uri ?? null,
      createdAt: v.record.createdAt ?? v.indexedAt ?? null,
      editedAt: null,
      content: {
        text: v.record.text ?? '',
        html: null,
        title: null,
        spoilerText: labels.join(', '),
        sensitive: labels.length > 0,
        visibility: null,
        language: v.record.langs?.[0] ?? null,
        media: this.media(v),
      },
      counts: {
        replies: v.replyCount ?? 0,
        reposts: v.repostCount ?? 0,
        likes: v.likeCount ?? 0,
        quotes: v.quoteCount ?? 0,
      },
      history: null,
      sourceUrl,
    };
  }

  private account(a: BAuthor): AccountInfo {
    return {
      platform: 'bluesky',
      handle: a.handle,
      platformId: a.did,
      displayName: a.displayName || null,
      url: `https://bsky.app/profile/${a.handle}`,
    };
  }

  /** Images by blob CID (content-addressed, so a stable key); video by its CID with the HLS playlist. */
  private media(v: BPostView): MediaItem[] {
    const recordEmbed = v.record.embed?.media ?? v.record.embed;
    const view = v.embed?.media ?? v.embed;
    const out: MediaItem[] = [];
    (view?.images ?? []).forEach((img, i) => {
      const ref = recordEmbed?.images?.[i]?.image?.ref?.$link;
      out.push({ key: ref ?? img.fullsize, url: img.fullsize, type: 'image', description: img.alt || null });
    });
    if (view?.playlist) {
      out.push({
        key: view.cid ?? recordEmbed?.video?.ref?.$link ?? view.playlist,
        url: view.playlist,
        type: 'video',
        description: view.alt ?? null,
      });
    }
    return out;
  }

  async fetchThread(target: PostTarget, http: HttpSession, opts: { maxReplies: number }): Promise<Thread> {
    const p = this.parse(new URL(target.url))!;
    const did = await this.did(http, p.actor, target.url);
    const uri = `at://${did}/app.bsky.feed.post/${p.rkey}`;
    const url = this.xrpc('app.bsky.feed.getPostThread', { uri, depth: '100', parentHeight: '80' });
    const { data } = await this.call(http, url, BThreadAnswer, 'the post', target.url);
    const thread = data.thread;
    if (!thread.post) {
      throw new CaptureError('not-found', 'the post was not found on Bluesky (deleted, or blocked)', false, {
        url: target.url,
        host: new URL(target.url).host,
        platform: 'Bluesky',
      });
    }
    const ancestors: NormalisedPost[] = [];
    for (let t = thread.parent; t?.post; t = t.parent) ancestors.unshift(this.normalise(t.post, url));
    const replies: NormalisedPost[] = [];
    const walk = (t: BThread) => {
      for (const r of t.replies ?? []) {
        if (!r.post || replies.length >= opts.maxReplies) continue;
        replies.push(this.normalise(r.post, url));
        walk(r);
      }
    };
    walk(thread);
    return { post: this.normalise(thread.post, url), ancestors, replies };
  }

  async openAccount(target: AccountTarget, http: HttpSession): Promise<AccountHandle> {
    const p = this.parse(new URL(target.url))!;
    const { data } = await this.call(
      http,
      this.xrpc('app.bsky.actor.getProfile', { actor: p.actor }),
      BProfile,
      `the account ${p.actor}`,
      target.url,
    );
    return { account: this.account(data), total: data.postsCount ?? null, ref: data.did };
  }

  /** One page of getAuthorFeed (the account's posts and replies; reposts of others are left out). */
  async listAccount(handle: AccountHandle, http: HttpSession, cursor: string | null): Promise<AccountPage> {
    const params: Record<string, string> = { actor: handle.ref, limit: '100', filter: 'posts_with_replies' };
    if (cursor) params.cursor = cursor;
    const url = this.xrpc('app.bsky.feed.getAuthorFeed', params);
    const { data } = await this.call(http, url, BFeed, 'the posts of the account', handle.account.url ?? url);
    const posts = data.feed
      .filter((f) => !f.reason && f.post.author.did === handle.ref)
      .map((f) => this.normalise(f.post, url));
    const next = data.feed.length && data.cursor ? data.cursor : null;
    return { posts, next, ...(cursor === null ? {} : { self: cursor }) };
  }

  /**
   * Batch re-check through getPosts (25 AT-URIs a request): a post it leaves out is asked for on its
   * own (getPostThread); NotFound then is a deletion, unless the author's profile is gone or taken
   * down, which is `unavailable`. A changed record (new CID) shows up as changed content.
   */
  async checkPosts(refs: CheckRef[], http: HttpSession): Promise<Map<string, CheckResult>> {
    const out = new Map<string, CheckResult>();
    for (let i = 0; i < refs.length; i += 25) {
      const batch = refs.slice(i, i + 25);
      const url = this.xrpc('app.bsky.feed.getPosts', { uris: batch.map((r) => r.platformId) });
      let found: BPostView[];
      try {
        found = (await this.call(http, url, BPosts, 'a batch check')).data.posts;
      } catch (err) {
        for (const r of batch) out.set(r.platformId, { state: 'error', reason: (err as Error).message });
        continue;
      }
      const byUri = new Map(found.map((p) => [p.uri, p]));
      for (const r of batch) {
        const post = byUri.get(r.platformId);
        out.set(
          r.platformId,
          post ? { state: 'live', post: this.normalise(post, url) } : await this.confirmMissing(r, http),
        );
      }
    }
    return out;
  }

  private async confirmMissing(ref: CheckRef, http: HttpSession): Promise<CheckResult> {
    const url = this.xrpc('app.bsky.feed.getPostThread', {
      uri: ref.platformId,
      depth: '0',
      parentHeight: '0',
    });
    try {
      const { data } = await this.call(http, url, BThreadAnswer, 'the post');
      if (data.thread.post) return { state: 'live', post: this.normalise(data.thread.post, url) };
    } catch (err) {
      if (!(err instanceof CaptureError)) return { state: 'error', reason: (err as Error).message };
      if (err.code === 'unavailable') return { state: 'unavailable', reason: err.message };
      if (err.code !== 'not-found') return { state: 'error', reason: err.message };
    }
    const did = ref.accountRef ?? ref.platformId.replace(/^at:\/\/([^/]+)\/.*$/, '$1');
    try {
      await this.call(http, this.xrpc('app.bsky.actor.getProfile', { actor: did }), BProfile, 'the account');
    } catch (err) {
      if (err instanceof CaptureError && (err.code === 'not-found' || err.code === 'unavailable')) {
        return { state: 'unavailable', reason: 'the account is gone, deactivated or taken down' };
      }
      return { state: 'error', reason: (err as Error).message };
    }
    return { state: 'deleted', reason: 'Bluesky answers NotFound for the post (asked twice)' };
  }
}
