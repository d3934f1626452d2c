import type { z } from 'zod';
import type { Config } from '../../config.ts';
import { CaptureError } from '../../domain/errors.ts';
import type { AccountInfo, MediaItem, NormalisedPost, PostContent } from '../../domain/types.ts';
import type { Db } from '../../store/db.ts';
import { accountByHandle } from '../../store/ingest/accounts.ts';
import { heldPosts } from '../../store/ingest/read.ts';
import { latestVersions } from '../../store/latest-version.ts';
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
  Rederived,
  RederiveInput,
  Rederiver,
  Target,
  Thread,
} from '../connector.ts';
import { validAnswer } from '../connector.ts';
import type { HttpSession, Response } from '../http.ts';
import { METHODS } from '../methods.ts';
import { keepOriginals } from './bluesky/originals.ts';
import { readBeforeQuoteEnding, rereadingOf } from './bluesky/rereading.ts';
import {
  type BAuthor,
  BFeed,
  BPosts,
  BPostView,
  BProfile,
  BQuoted,
  type BThread,
  BThreadAnswer,
  quotedAsPostView,
  XrpcError,
} from './bluesky/schema.ts';

const WEB_HOSTS = new Set(['bsky.app', 'www.bsky.app']);
const POST_PATH = /^\/profile\/([^/]+)\/post\/([^/]+)\/?$/;
const PROFILE_PATH = /^\/profile\/([^/]+)\/?$/;
const AT_POST = /^at:\/\/([^/]+)\/app\.bsky\.feed\.post\/([^/]+)$/;
/** XRPC error names that mean: the account is there but not shown (AppView getProfile/getAuthorFeed). */
const ACCOUNT_HIDDEN = new Set(['AccountDeactivated', 'AccountTakedown']);

function rkeyOf(uri: string): string {
  return uri.split('/').pop()!;
}

/**
 * The AppView hides an account (AccountDeactivated, AccountTakedown): `unavailable`, with a sentence
 * of its own for the user (the account may come back; nothing archived is lost).
 */
class AccountHidden extends CaptureError {
  constructor(
    readonly deactivated: boolean,
    what: string,
    vars: ConstructorParameters<typeof CaptureError>[3],
  ) {
    const why = deactivated ? 'deactivated' : 'taken down (suspended)';
    super('unavailable', `${what} is not shown: the account is ${why} on Bluesky`, false, vars);
  }

  override get key(): string {
    return this.deactivated ? 'error.account-deactivated' : 'error.account-takendown';
  }
}

/** What a quote post's embed showed when it was captured (app.bsky.embed.record#view and its kinds). */
export interface QuoteView {
  uri: string;
  /** The quoted post on bsky.app (by handle when the AppView showed its author, else by DID). */
  url: string | null;
  state: 'found' | 'not-found' | 'blocked' | 'detached' | 'not-shown';
}

/**
 * A Bluesky post's content. A quote post's text ends in `[quote: <AT-URI>]` (the quoted record, from
 * the author's own record, so the content hash holds still while the quoted post changes) and
 * `quote` says what the embed showed at that capture (not hashed: a quoted post that is deleted,
 * blocked or detached later is recorded with the sighting, not as an edit of the quoting post).
 */
export interface BlueskyContent extends PostContent {
  quote?: QuoteView;
  /**
   * The record's CID as the AppView gave it (not hashed): it changes exactly when the author's record
   * does, so a reading that differs under the same CID is a re-reading (./bluesky/rereading.ts).
   */
  cid?: string;
}

function quoteState(q: BQuoted | undefined): QuoteView['state'] {
  if (!q) return 'not-shown';
  if (q.notFound || q.$type?.endsWith('#viewNotFound')) return 'not-found';
  if (q.blocked || q.$type?.endsWith('#viewBlocked')) return 'blocked';
  if (q.detached || q.$type?.endsWith('#viewDetached')) return 'detached';
  return 'found';
}

/** The quoted record's view in a post's embed (record#view, or the record#view inside recordWithMedia#view). */
function quotedView(v: BPostView): BQuoted | undefined {
  const r = v.embed?.record;
  if (!r) return undefined;
  return 'uri' in r ? r : r.record;
}

/**
 * Bluesky through the public AppView (no login): getPostThread for a post with its parents and
 * replies, getAuthorFeed for an account. Posts are keyed by AT-URI with the author's DID; accounts by
 * DID (a handle can change: a link with a former handle is found through the archive). Images are
 * kept as their original blobs from the author's PDS, checked against their CIDs, with the CDN's copy
 * as the rendition (./bluesky/originals.ts). A quote post keeps the quoted post's URI in its text and
 * the quoted post is captured as a post of its own.
 */
export class BlueskyConnector implements Connector, PostSource, AccountSource, BatchChecker, Rederiver {
  readonly platform = 'bluesky' as const;
  readonly method = {
    ...METHODS.api,
    misses: [
      ...METHODS.api.misses,
      'video segments (Bluesky serves video as an HLS playlist; only the playlist is kept)',
    ],
  };
  private readonly appview: string;
  private readonly plcUrl: string;

  constructor(
    config: Config,
    /** The archive, for accounts it knows by a former handle (absent in some tests). */
    private readonly db?: Db,
  ) {
    this.appview = config.bluesky.appviewUrl.replace(/\/+$/, '');
    this.plcUrl = config.bluesky.plcUrl;
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
    // A DID stays as written: a did:web with a port carries its colon percent-encoded (did:web:host%3A8080).
    const actor = (raw: string) => (raw.startsWith('did:') ? raw : decodeURIComponent(raw));
    const post = POST_PATH.exec(url.pathname);
    if (post) return { actor: actor(post[1]!), rkey: post[2]! };
    const profile = PROFILE_PATH.exec(url.pathname);
    return profile ? { actor: actor(profile[1]!), rkey: null } : null;
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
   * AccountDeactivated and AccountTakedown (getProfile, getAuthorFeed) are `unavailable`: the account
   * is there, hidden, and may come back.
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
    if (ACCOUNT_HIDDEN.has(name)) throw new AccountHidden(name === 'AccountDeactivated', what, vars);
    if (['BlockedActor', 'BlockedByActor', 'AuthRequired'].includes(name) || res.status === 401) {
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

  /** The DID the archive knows for a handle: its account's now, or one it had before a handle change. */
  private async archivedDid(handle: string): Promise<string | null> {
    if (!this.db) return null;
    const held = await accountByHandle(this.db, 'bluesky', handle.toLowerCase());
    return held?.platformId?.startsWith('did:') ? held.platformId : null;
  }

  /**
   * The DIDs an actor in a link may be: the DID itself, or what the AppView resolves the handle to
   * now, then the DID the archive knows under that handle (a former handle of an archived account,
   * which the AppView no longer resolves or now resolves to someone else).
   */
  private async dids(http: HttpSession, actor: string, page: string): Promise<string[]> {
    if (actor.startsWith('did:')) return [actor];
    let now: string | null = null;
    let gone: unknown = null;
    try {
      const url = this.xrpc('com.atproto.identity.resolveHandle', { handle: actor });
      now = (await this.call(http, url, BProfile.pick({ did: true }), `the account ${actor}`, page)).data.did;
    } catch (err) {
      if (!(err instanceof CaptureError) || err.code !== 'not-found') throw err;
      gone = err;
    }
    const archived = await this.archivedDid(actor);
    const out = [...new Set([now, archived].filter((d): d is string => d !== null))];
    if (!out.length) throw gone;
    return out;
  }

  normalise(v: BPostView, sourceUrl: string): NormalisedPost {
    const labels = (v.record.labels?.values ?? []).map((l) => l.val);
    const quoted = v.record.embed?.record?.record?.uri ?? v.record.embed?.record?.uri ?? null;
    const content: BlueskyContent = {
      text: [v.record.text ?? '', quoted ? `[quote: ${quoted}]` : ''].filter(Boolean).join('\n\n'),
      html: null,
      title: null,
      spoilerText: labels.join(', '),
      sensitive: labels.length > 0,
      visibility: null,
      language: v.record.langs?.[0] ?? null,
      media: this.media(v),
      cid: v.cid,
    };
    if (quoted) {
      const view = quotedView(v);
      const post = AT_POST.exec(quoted);
      const byHandle = (view?.uri === quoted ? view.author?.handle : undefined) ?? post?.[1];
      content.quote = {
        uri: quoted,
        url: post ? `https://bsky.app/profile/${byHandle}/post/${post[2]}` : null,
        state: quoteState(view?.uri === quoted ? view : undefined),
      };
    }
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
      content,
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

  /** The posts these posts quote, as the AppView showed them in their embeds (found ones only). */
  private quotedPosts(views: BPostView[], sourceUrl: string): NormalisedPost[] {
    const out: NormalisedPost[] = [];
    for (const v of views) {
      const q = quotedView(v);
      const view = q && quoteState(q) === 'found' ? quotedAsPostView(q) : null;
      if (view) out.push(this.normalise(view, sourceUrl));
    }
    return out;
  }

  /**
   * The quoted posts of a page of the account's own posts that the archive does not hold yet (and that
   * are not on the page themselves): a watch poll stops at the first page with a post it knows, which
   * a quoted post it already has must not make it do early.
   */
  private async newQuoted(own: BPostView[], sourceUrl: string): Promise<NormalisedPost[]> {
    const onPage = new Set(own.map((v) => v.uri));
    const quoted = this.quotedPosts(own, sourceUrl).filter(
      (q, i, all) => !onPage.has(q.platformId) && all.findIndex((x) => x.platformId === q.platformId) === i,
    );
    if (!this.db || !quoted.length) return quoted;
    const held = await heldPosts(
      this.db,
      'bluesky',
      quoted.map((q) => q.platformId),
    );
    return quoted.filter((q) => !held.has(q.platformId));
  }

  /**
   * Marks each post whose new reading only re-reads the record the archive holds (same CID, or what a
   * newer parser adds to a post archived before it kept the CID): its new version is a re-reading,
   * not an edit (no alert, the post not marked edited).
   */
  private async markRereadings(posts: NormalisedPost[]): Promise<void> {
    if (!this.db || !posts.length) return;
    const held = await latestVersions(
      this.db,
      'bluesky',
      posts.map((p) => p.platformId),
    );
    for (const p of posts) {
      const v = held.get(p.platformId);
      const rereading =
        v && rereadingOf({ ...v, content: JSON.parse(v.content) as BlueskyContent }, p.content);
      if (rereading) p.content.rereading = rereading;
    }
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

  /** The thread of the post at this URI; NotFound is a CaptureError('not-found'). */
  private async thread(http: HttpSession, uri: string, page: string) {
    const url = this.xrpc('app.bsky.feed.getPostThread', { uri, depth: '100', parentHeight: '80' });
    const { data } = await this.call(http, url, BThreadAnswer, 'the post', page);
    if (!data.thread.post) {
      throw new CaptureError('not-found', 'the post was not found on Bluesky (deleted, or blocked)', false, {
        url: page,
        host: new URL(page).host,
        platform: 'Bluesky',
      });
    }
    return { thread: data.thread as BThread & { post: BPostView }, url };
  }

  async fetchThread(target: PostTarget, http: HttpSession, opts: { maxReplies: number }): Promise<Thread> {
    const p = this.parse(new URL(target.url))!;
    const dids = await this.dids(http, p.actor, target.url);
    let found: Awaited<ReturnType<BlueskyConnector['thread']>> | null = null;
    for (const did of dids) {
      try {
        found = await this.thread(http, `at://${did}/app.bsky.feed.post/${p.rkey}`, target.url);
        break;
      } catch (err) {
        if (!(err instanceof CaptureError) || err.code !== 'not-found') throw err;
        if (did === dids.at(-1)) throw await this.whyMissing(http, did, err, target.url);
      }
    }
    const { thread, url } = found!;
    const ancestors: NormalisedPost[] = [];
    for (let t = thread.parent; t?.post; t = t.parent) ancestors.unshift(this.normalise(t.post, url));
    const replies: NormalisedPost[] = [];
    const views: BPostView[] = [thread.post];
    const walk = (t: BThread) => {
      for (const r of t.replies ?? []) {
        if (!r.post || replies.length >= opts.maxReplies) continue;
        replies.push(this.normalise(r.post, url));
        views.push(r.post);
        walk(r);
      }
    };
    walk(thread);
    const post = this.normalise(thread.post, url);
    // Quoted posts are archived as posts of their own; they go in with the ancestors (context of the thread).
    const quoted = this.quotedPosts(views, url);
    await this.markRereadings([post, ...ancestors, ...replies, ...quoted]);
    await keepOriginals([post, ...ancestors, ...replies, ...quoted], http, this.plcUrl);
    return { post, ancestors: [...quoted, ...ancestors], replies };
  }

  /**
   * A post the AppView does not show: deleted, or its author deactivated or taken down (the AppView
   * then hides the posts too). The latter is `unavailable`, not a deletion.
   */
  private async whyMissing(http: HttpSession, did: string, notFound: CaptureError, page: string) {
    try {
      await this.call(
        http,
        this.xrpc('app.bsky.actor.getProfile', { actor: did }),
        BProfile,
        'the post',
        page,
      );
    } catch (err) {
      if (err instanceof CaptureError && err.code === 'unavailable') return err;
    }
    return notFound;
  }

  async openAccount(target: AccountTarget, http: HttpSession): Promise<AccountHandle> {
    const p = this.parse(new URL(target.url))!;
    const profile = (actor: string) =>
      this.call(
        http,
        this.xrpc('app.bsky.actor.getProfile', { actor }),
        BProfile,
        `the account ${p.actor}`,
        target.url,
      );
    let data: z.output<typeof BProfile>;
    try {
      data = (await profile(p.actor)).data;
    } catch (err) {
      // A handle that changed: the archive knows the account's DID under its former handle.
      const did = p.actor.startsWith('did:') ? null : await this.archivedDid(p.actor);
      if (!did || !(err instanceof CaptureError) || err.code !== 'not-found') throw err;
      data = (await profile(did)).data;
    }
    return { account: this.account(data), total: data.postsCount ?? null, ref: data.did };
  }

  /** One page of getAuthorFeed (the account's posts and replies, and the posts they quote; reposts of others are left out). */
  async listAccount(handle: AccountHandle, http: HttpSession, cursor: string | null): Promise<AccountPage> {
    const params: Record<string, string> = { actor: handle.ref, limit: '100', filter: 'posts_with_replies' };
    if (cursor) params.cursor = cursor;
    const url = this.xrpc('app.bsky.feed.getAuthorFeed', params);
    const { data } = await this.call(http, url, BFeed, 'the posts of the account', handle.account.url ?? url);
    const own = data.feed.filter((f) => !f.reason && f.post.author.did === handle.ref).map((f) => f.post);
    const posts = [...own.map((v) => this.normalise(v, url)), ...(await this.newQuoted(own, url))];
    await this.markRereadings(posts);
    await keepOriginals(posts, http, this.plcUrl);
    const next = data.feed.length && data.cursor ? data.cursor : null;
    return { posts, next, ...(cursor === null ? {} : { self: cursor }) };
  }

  /**
   * Batch re-check through getPosts (25 AT-URIs a request): a post it leaves out is asked for on its
   * own (getPostThread); NotFound then is a deletion, unless the author's profile is gone, deactivated
   * or taken down, which is `unavailable`. A changed record (new CID) shows up as changed content.
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
          post
            ? { state: 'live', post: this.normalise(post, url) }
            : r.deleted
              ? { state: 'deleted', reason: 'still left out of the batch look-up' }
              : await this.confirmMissing(r, http),
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
      if (err instanceof CaptureError && err.code === 'unavailable')
        return { state: 'unavailable', reason: err.message };
      if (err instanceof CaptureError && err.code === 'not-found')
        return { state: 'unavailable', reason: 'the account is gone (Bluesky: Profile not found)' };
      return { state: 'error', reason: (err as Error).message };
    }
    return { state: 'deleted', reason: 'Bluesky answers NotFound for the post (asked twice)' };
  }

  /**
   * For `verify`: the post as this connector reads it from a stored answer (a postView anywhere in
   * it, or a quoted post's viewRecord in another post's embed). Media URLs are the CDN's there; the
   * content hash does not cover URLs, so it re-derives the same version. A quote post archived before
   * its text ended with `[quote: …]` matches the earlier reading.
   */
  async rederive(input: RederiveInput): Promise<Rederived | null> {
    let json: unknown;
    try {
      json = JSON.parse(input.body.toString('utf8'));
    } catch {
      return null;
    }
    const hit = findObject(
      json,
      (o) => o.uri === input.platformId && 'author' in o && ('record' in o || 'value' in o),
    );
    if (!hit) return null;
    const parsed = 'record' in hit ? BPostView.safeParse(hit) : null;
    const view = parsed?.success
      ? parsed.data
      : !('record' in hit)
        ? quotedAsPostView(BQuoted.parse(hit))
        : null;
    if (!view) return null;
    const current = this.normalise(view, input.url).content;
    const before = readBeforeQuoteEnding(current);
    return { current, history: [], ...(before ? { earlier: [before] } : {}) };
  }
}

type Json = Record<string, unknown>;

/** The first object in a JSON answer that `is` accepts, depth first. */
function findObject(value: unknown, is: (o: Json) => boolean): Json | null {
  if (Array.isArray(value)) {
    for (const v of value) {
      const hit = findObject(v, is);
      if (hit) return hit;
    }
    return null;
  }
  if (!value || typeof value !== 'object') return null;
  const o = value as Json;
  if (is(o)) return o;
  for (const v of Object.values(o)) {
    const hit = findObject(v, is);
    if (hit) return hit;
  }
  return null;
}
