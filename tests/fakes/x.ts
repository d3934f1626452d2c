import { createServer, type IncomingMessage, type Server } from 'node:http';
import { answer, type FakeReply, InjectedFailures, listenOnLoopback } from './listen.ts';
import { tinyPng } from './youtube.ts';

/**
 * A loopback X API v2 (docs/reference/platform-apis.md §3 and §8; docs.x.com/x-api): posts with
 * `edit_history_tweet_ids` (each edit a new id; an old id returns that version; deleting one deletes
 * the chain), the expansions (author, media, referenced posts, edit history), `/tweets?ids=` with
 * partial `errors[]` in a 200 (Not Found Error, Authorization Error for protected authors), the user
 * look-ups (a suspended user: 200 with a Forbidden error), the user timeline with
 * `pagination_token`, recent search by `conversation_id:` (the last 7 days) with `next_token`, the
 * bearer token check (401 problem body), `x-rate-limit-*` headers with a 429 when a window is spent,
 * and a pay-per-use meter: resources returned, billed once per UTC day.
 */

export interface FakeUser {
  id: string;
  username: string;
  name: string;
  protected: boolean;
  suspended: boolean;
}

export interface FakePost {
  id: string;
  authorId: string;
  text: string;
  createdAt: string;
  conversationId: string;
  replyTo: string | null;
  /** Shared by every version of the post. */
  chain: string[];
  media: { key: string; alt: string }[];
  deleted: boolean;
  likes: number;
}

export interface Recorded {
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}): FakeReply => ({
  status,
  body: JSON.stringify(body),
  headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
});

export class FakeX {
  readonly requests: Recorded[] = [];
  /** Resources billed (post and user reads, once per UTC day each). */
  readonly billed: string[] = [];
  /** False: the `edit_history_tweet_ids` expansion is left out of `includes` (the older versions must be asked for). */
  expandEditHistory = true;
  private readonly server: Server;
  private base = '';
  private readonly users = new Map<string, FakeUser>();
  private readonly posts = new Map<string, FakePost>();
  private readonly failures = new InjectedFailures<FakeReply>();
  private readonly billedToday = new Set<string>();
  private seq = 1_870_000_000_000_000_000n;
  private clock = Date.now() - 3 * 86_400_000;
  private window = { start: Date.now(), count: 0 };

  private constructor(
    readonly token: string,
    /** Requests per window (per app), or none. */
    private readonly rateLimit: { limit: number; windowMs: number } | null,
  ) {
    this.server = createServer((req, res) =>
      answer(
        res,
        (extra) => this.handle(req, extra),
        (e) =>
          json(500, { title: 'Internal Server Error', detail: String(e), type: 'about:blank', status: 500 }),
      ),
    );
  }

  static async start(opts: { token?: string; rateLimit?: { limit: number; windowMs: number } } = {}) {
    const f = new FakeX(opts.token ?? 'test-x-bearer', opts.rateLimit ?? null);
    f.base = await listenOnLoopback(f.server);
    return f;
  }

  /** The API base, as ARCHIEFBOT_X_API_URL takes it. */
  get url(): string {
    return `${this.base}/2`;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  // ---- test-side API ----------------------------------------------------------------------------

  failNext(match: RegExp, reply: FakeReply, times = 1): void {
    this.failures.add(match, reply, times);
  }

  private nextId(): string {
    this.seq += 1_000_003n;
    return String(this.seq);
  }

  private tick(): string {
    this.clock += 60_000;
    return new Date(this.clock).toISOString();
  }

  addUser(username: string, name: string): FakeUser {
    const u: FakeUser = {
      id: String(1000 + this.users.size),
      username,
      name,
      protected: false,
      suspended: false,
    };
    this.users.set(u.id, u);
    return u;
  }

  addPost(
    author: FakeUser,
    text: string,
    opts: { replyTo?: string; media?: { alt: string }[]; createdAt?: string } = {},
  ): FakePost & { url: string } {
    const id = this.nextId();
    const parent = opts.replyTo ? this.posts.get(opts.replyTo)! : null;
    const p: FakePost = {
      id,
      authorId: author.id,
      text,
      createdAt: opts.createdAt ?? this.tick(),
      conversationId: parent ? parent.conversationId : id,
      replyTo: opts.replyTo ?? null,
      chain: [id],
      media: (opts.media ?? []).map((m, i) => ({ key: `3_${id}${i}`, alt: m.alt })),
      deleted: false,
      likes: 0,
    };
    this.posts.set(id, p);
    return { ...p, url: `https://x.com/${author.username}/status/${id}` };
  }

  /** An edit: a new post id with the new text, appended to the chain every version shares. */
  editPost(id: string, text: string): string {
    const old = this.posts.get(id)!;
    const nid = this.nextId();
    const chain = old.chain;
    chain.push(nid);
    this.posts.set(nid, { ...old, id: nid, text, createdAt: this.tick(), chain });
    return nid;
  }

  /** Deleting any version deletes the whole chain. */
  deletePost(id: string): void {
    for (const v of this.posts.get(id)!.chain) this.posts.get(v)!.deleted = true;
  }

  setUser(id: string, change: Partial<Pick<FakeUser, 'protected' | 'suspended'>>): void {
    Object.assign(this.users.get(id)!, change);
  }

  // ---- protocol -----------------------------------------------------------------------------------

  private handle(req: IncomingMessage, extra: Record<string, string>): FakeReply {
    const u = new URL(req.url ?? '/', this.base);
    this.requests.push({ path: u.pathname, query: u.searchParams, headers: req.headers });
    const media = /^\/media\/([\w]+)\.png$/.exec(u.pathname);
    if (media)
      return {
        status: 200,
        body: tinyPng(Number(media[1]!.slice(-4)) % 251),
        headers: { 'content-type': 'image/png' },
      };
    if (req.headers.authorization !== `Bearer ${this.token}`)
      return json(401, { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' });
    const limited = this.rateLimited(extra);
    if (limited) return limited;
    const injected = this.failures.take(u.pathname);
    if (injected) return injected;
    const q = u.searchParams;
    this.expansions = new Set((q.get('expansions') ?? '').split(',').filter(Boolean));
    const path = u.pathname.replace(/^\/2/, '');
    if (path === '/tweets') return this.bill(this.lookup((q.get('ids') ?? '').split(',').filter(Boolean), q));
    if (path === '/tweets/search/recent') return this.bill(this.search(q));
    const byName = /^\/users\/by\/username\/(\w+)$/.exec(path)?.[1];
    if (byName) {
      const user = [...this.users.values()].find((x) => x.username.toLowerCase() === byName.toLowerCase());
      return this.bill(this.userAnswer(user, byName));
    }
    const timeline = /^\/users\/(\d+)\/tweets$/.exec(path)?.[1];
    if (timeline) return this.bill(this.timeline(timeline, q));
    const userId = /^\/users\/(\d+)$/.exec(path)?.[1];
    if (userId) return this.bill(this.userAnswer(this.users.get(userId), userId));
    return json(404, { title: 'Not Found Error', type: 'about:blank', status: 404, detail: 'Not Found' });
  }

  private rateLimited(extra: Record<string, string>): FakeReply | null {
    if (!this.rateLimit) return null;
    const now = Date.now();
    if (now - this.window.start >= this.rateLimit.windowMs) this.window = { start: now, count: 0 };
    this.window.count++;
    const reset = Math.ceil((this.window.start + this.rateLimit.windowMs) / 1000);
    extra['x-rate-limit-limit'] = String(this.rateLimit.limit);
    extra['x-rate-limit-remaining'] = String(Math.max(0, this.rateLimit.limit - this.window.count));
    extra['x-rate-limit-reset'] = String(reset);
    if (this.window.count <= this.rateLimit.limit) return null;
    return json(429, {
      title: 'Too Many Requests',
      detail: 'Too Many Requests',
      type: 'about:blank',
      status: 429,
    });
  }

  /** Counts the posts and users an answer returns, each once per UTC day (pay-per-use). */
  private bill(reply: FakeReply): FakeReply {
    if (reply.status !== 200) return reply;
    const body = JSON.parse(String(reply.body)) as {
      data?: { id: string; username?: string } | { id: string; username?: string }[];
      includes?: { tweets?: { id: string }[]; users?: { id: string }[] };
    };
    const data = Array.isArray(body.data) ? body.data : body.data ? [body.data] : [];
    const resources = [
      ...data.map((d) => `${d.username ? 'user' : 'post'}:${d.id}`),
      ...(body.includes?.tweets ?? []).map((t) => `post:${t.id}`),
      ...(body.includes?.users ?? []).map((x) => `user:${x.id}`),
    ];
    for (const r of resources) {
      if (this.billedToday.has(r)) continue;
      this.billedToday.add(r);
      this.billed.push(r);
    }
    return reply;
  }

  private visible(p: FakePost | undefined): p is FakePost {
    if (!p || p.deleted) return false;
    const a = this.users.get(p.authorId)!;
    return !a.suspended;
  }

  postResource(p: FakePost) {
    const parent = p.replyTo ? this.posts.get(p.replyTo) : null;
    return {
      id: p.id,
      text: p.text,
      edit_history_tweet_ids: [...p.chain],
      created_at: p.createdAt,
      author_id: p.authorId,
      conversation_id: p.conversationId,
      lang: 'nl',
      possibly_sensitive: false,
      ...(parent
        ? { in_reply_to_user_id: parent.authorId, referenced_tweets: [{ type: 'replied_to', id: parent.id }] }
        : {}),
      ...(p.media.length ? { attachments: { media_keys: p.media.map((m) => m.key) } } : {}),
      edit_controls: {
        is_edit_eligible: true,
        editable_until: p.createdAt,
        edits_remaining: 5 - p.chain.indexOf(p.id),
      },
      public_metrics: {
        retweet_count: 0,
        reply_count: this.repliesTo(p.id).length,
        like_count: p.likes,
        quote_count: 0,
        bookmark_count: 0,
        impression_count: 10,
      },
    };
  }

  private repliesTo(id: string): FakePost[] {
    return [...this.posts.values()].filter(
      (x) => x.replyTo === id && this.visible(x) && x.chain.at(-1) === x.id,
    );
  }

  /** `includes` for a list of posts: authors, media, the referenced posts and every other version. */
  /** The expansions asked for in the request being answered. */
  private expansions = new Set<string>();

  private includes(list: FakePost[]) {
    const tweets = new Map<string, FakePost>();
    for (const p of list) {
      for (const v of this.expandEditHistory ? p.chain : [])
        if (v !== p.id && this.visible(this.posts.get(v))) tweets.set(v, this.posts.get(v)!);
      const parent = p.replyTo ? this.posts.get(p.replyTo) : undefined;
      if (this.visible(parent)) tweets.set(parent.id, parent);
    }
    for (const p of list) tweets.delete(p.id);
    // author_id expands the authors of `data`; referenced_tweets.id.author_id those of the posts referenced.
    const expanded = this.expansions.has('referenced_tweets.id.author_id') ? [...tweets.values()] : [];
    const authors = new Set([...list, ...expanded].map((p) => p.authorId));
    const media = [...list, ...tweets.values()].flatMap((p) => p.media);
    return {
      users: [...authors].map((id) => this.userResource(this.users.get(id)!)),
      ...(media.length
        ? {
            media: media.map((m) => ({
              media_key: m.key,
              type: 'photo',
              url: `${this.base}/media/${m.key}.png`,
              alt_text: m.alt,
              width: 4,
              height: 3,
            })),
          }
        : {}),
      ...(tweets.size ? { tweets: [...tweets.values()].map((p) => this.postResource(p)) } : {}),
    };
  }

  private userResource(u: FakeUser) {
    return {
      id: u.id,
      username: u.username,
      name: u.name,
      protected: u.protected,
      public_metrics: { tweet_count: this.byAuthor(u.id).length },
    };
  }

  private byAuthor(id: string): FakePost[] {
    return [...this.posts.values()]
      .filter((p) => p.authorId === id && this.visible(p) && p.chain.at(-1) === p.id)
      .reverse();
  }

  private lookup(ids: string[], _q: URLSearchParams): FakeReply {
    if (ids.length > 100)
      return json(400, {
        title: 'Invalid Request',
        detail: 'too many ids',
        type: 'https://api.twitter.com/2/problems/invalid-request',
      });
    const found: FakePost[] = [];
    const errors: object[] = [];
    for (const id of ids) {
      const p = this.posts.get(id);
      if (this.visible(p) && !this.users.get(p.authorId)!.protected) found.push(p);
      else if (this.visible(p))
        errors.push({
          resource_id: id,
          parameter: 'ids',
          resource_type: 'tweet',
          section: 'data',
          title: 'Authorization Error',
          value: id,
          detail: `Sorry, you are not authorized to see the Tweet with ids: [${id}].`,
          type: 'https://api.twitter.com/2/problems/not-authorized-for-resource',
        });
      else
        errors.push({
          value: id,
          detail: `Could not find tweet with ids: [${id}].`,
          title: 'Not Found Error',
          resource_type: 'tweet',
          parameter: 'ids',
          resource_id: id,
          type: 'https://api.twitter.com/2/problems/resource-not-found',
        });
    }
    return json(200, {
      ...(found.length
        ? { data: found.map((p) => this.postResource(p)), includes: this.includes(found) }
        : {}),
      ...(errors.length ? { errors } : {}),
    });
  }

  private page<T>(list: T[], token: string | null, size: number): { items: T[]; next: string | null } {
    const from = token ? Number(Buffer.from(token, 'base64url').toString()) : 0;
    const items = list.slice(from, from + size);
    return {
      items,
      next: from + size < list.length ? Buffer.from(String(from + size)).toString('base64url') : null,
    };
  }

  private listAnswer(items: FakePost[], next: string | null, nextKey: 'next_token'): FakeReply {
    const meta = {
      result_count: items.length,
      ...(items.length ? { newest_id: items[0]!.id, oldest_id: items.at(-1)!.id } : {}),
      ...(next ? { [nextKey]: next } : {}),
    };
    return json(200, {
      ...(items.length
        ? { data: items.map((p) => this.postResource(p)), includes: this.includes(items) }
        : {}),
      meta,
    });
  }

  /** Recent search: only `conversation_id:<id>` queries, over the last 7 days, newest first. */
  private search(q: URLSearchParams): FakeReply {
    const m = /^conversation_id:(\d+)$/.exec(q.get('query') ?? '');
    if (!m)
      return json(400, {
        title: 'Invalid Request',
        detail: 'unsupported query in this fake',
        type: 'https://api.twitter.com/2/problems/invalid-request',
      });
    const since = Date.now() - 7 * 86_400_000;
    const all = [...this.posts.values()]
      .filter(
        (p) =>
          p.conversationId === m[1] &&
          p.id !== m[1] &&
          this.visible(p) &&
          p.chain.at(-1) === p.id &&
          Date.parse(p.createdAt) >= since,
      )
      .reverse();
    const size = Math.min(Math.max(Number(q.get('max_results') ?? 10), 10), 100);
    const { items, next } = this.page(all, q.get('next_token'), size);
    return this.listAnswer(items, next, 'next_token');
  }

  private timeline(userId: string, q: URLSearchParams): FakeReply {
    const u = this.users.get(userId);
    if (!u || u.suspended) return this.userAnswer(u, userId);
    const size = Math.min(Math.max(Number(q.get('max_results') ?? 10), 5), 100);
    const { items, next } = this.page(this.byAuthor(userId), q.get('pagination_token'), size);
    // The user timeline sends its cursor as meta.next_token and takes it back as pagination_token.
    return this.listAnswer(items, next, 'next_token');
  }

  private userAnswer(u: FakeUser | undefined, asked: string): FakeReply {
    if (u?.suspended)
      return json(200, {
        errors: [
          {
            value: u.username,
            detail: `User has been suspended: [${u.username}].`,
            title: 'Forbidden',
            resource_type: 'user',
            parameter: 'username',
            resource_id: u.username,
            type: 'https://api.twitter.com/2/problems/resource-not-found',
          },
        ],
      });
    if (!u)
      return json(200, {
        errors: [
          {
            value: asked,
            detail: `Could not find user with username: [${asked}].`,
            title: 'Not Found Error',
            resource_type: 'user',
            parameter: 'username',
            resource_id: asked,
            type: 'https://api.twitter.com/2/problems/resource-not-found',
          },
        ],
      });
    return json(200, { data: this.userResource(u) });
  }
}
