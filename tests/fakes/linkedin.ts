/**
 * A loopback LinkedIn Community Management API (api.linkedin.com/rest) that follows the documented
 * Rest.li protocol (docs/reference/platform-apis.md §5.2, §8; learn.microsoft.com/linkedin/marketing/
 * community-management): every call needs `Authorization: Bearer`, `LinkedIn-Version: YYYYMM` (400
 * VERSION_MISSING without, 426 NONEXISTENT_VERSION for one not served) and, for `List(…)` batch
 * syntax, `X-Restli-Protocol-Version: 2.0.0`. Organisations by vanity name or id; posts by author
 * (`q=author`, `start`/`count`, `paging{start,count,total,links}`), one by URN, BATCH_GET
 * `ids=List(…)` with `results`/`statuses`/`errors`; comments under `socialActions/{urn}/comments`
 * (nested ones under the comment's URN), one comment by id; Images BATCH_GET with `downloadUrl`;
 * Activities (`domainEntity`). A token reads only the posts of organisations its member administers
 * (403 ACCESS_DENIED otherwise); an unknown or expired token gets 401 INVALID_ACCESS_TOKEN; deleted
 * posts and comments 404 NOT_FOUND.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { answer, type FakeReply, InjectedFailures, listenOnLoopback } from './listen.ts';

export interface LinkedInImageInput {
  bytes: Buffer;
  contentType: string;
  alt?: string;
}

interface Org {
  id: number;
  vanityName: string;
  localizedName: string;
}

interface Post {
  urn: string;
  activity: string;
  org: Org;
  commentary: string;
  createdAt: number;
  lastModifiedAt: number;
  edited: boolean;
  images: { urn: string; file: LinkedInImageInput }[];
  article: { source: string; title: string } | null;
  video: { urn: string; file: LinkedInImageInput } | null;
  deleted: boolean;
}

interface Comment {
  id: string;
  post: Post;
  /** The post URN, or the parent comment's URN. */
  parent: string;
  actor: string;
  text: string;
  created: number;
  lastModified: number;
  deleted: boolean;
}

export interface RecordedRequest {
  path: string;
  headers: Record<string, string | string[] | undefined>;
}

/** Versions this fake serves (LinkedIn keeps about a year of monthly versions active). */
const ACTIVE_VERSIONS = /^202(4(0[6-9]|1[0-2])|5\d\d|6\d\d)$/;

function restli(status: number, code: string, message: string, serviceErrorCode?: number): FakeReply {
  const body: Record<string, unknown> = { status, code, message };
  if (serviceErrorCode !== undefined) body.serviceErrorCode = serviceErrorCode;
  return {
    status,
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json', 'x-restli-protocol-version': '2.0.0' },
  };
}

const notFound = () => restli(404, 'NOT_FOUND', 'Not Found', 0);

function json(body: unknown): FakeReply {
  return {
    status: 200,
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json', 'x-restli-protocol-version': '2.0.0' },
  };
}

/** `List(a,b)` → [a, b], each URL-decoded. */
function listOf(text: string | null): string[] | null {
  const m = text ? /^List\((.*)\)$/.exec(text) : null;
  return m ? (m[1] ? m[1].split(',').map((x) => decodeURIComponent(x)) : []) : null;
}

export class FakeLinkedIn {
  readonly requests: RecordedRequest[] = [];
  private readonly orgs: Org[] = [];
  private readonly admins = new Map<string, Set<number>>();
  private readonly posts = new Map<string, Post>();
  private readonly comments: Comment[] = [];
  private readonly failures = new InjectedFailures<FakeReply>();
  private nextId = 7300000000000000000n;
  private clock = Date.parse('2025-06-02T08:00:00Z');

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<FakeLinkedIn> {
    let fake: FakeLinkedIn | null = null;
    const server = createServer((req, res) => fake!.handle(req, res));
    fake = new FakeLinkedIn(server, await listenOnLoopback(server));
    return fake;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  failNext(match: RegExp, reply: FakeReply & { times?: number }): void {
    this.failures.add(match, reply, reply.times ?? 1);
  }

  addOrganisation(vanityName: string, localizedName: string): Org {
    const org = { id: 10000 + this.orgs.length, vanityName, localizedName };
    this.orgs.push(org);
    return org;
  }

  /** A token whose member administers these organisations. */
  addToken(token: string, ...orgs: Org[]): string {
    this.admins.set(token, new Set(orgs.map((o) => o.id)));
    return token;
  }

  revokeToken(token: string): void {
    this.admins.delete(token);
  }

  private id(): string {
    return String(this.nextId++);
  }

  addPost(
    org: Org,
    commentary: string,
    opts: {
      images?: LinkedInImageInput[];
      video?: LinkedInImageInput;
      article?: { source: string; title: string };
      ugc?: boolean;
    } = {},
  ): { urn: string; activity: string; url: string } {
    this.clock += 3_600_000;
    const p: Post = {
      urn: `urn:li:${opts.ugc ? 'ugcPost' : 'share'}:${this.id()}`,
      activity: `urn:li:activity:${this.id()}`,
      org,
      commentary,
      createdAt: this.clock,
      lastModifiedAt: this.clock,
      edited: false,
      images: (opts.images ?? []).map((file) => ({ urn: `urn:li:image:D4E22AQ${this.id()}`, file })),
      article: opts.article ?? null,
      video: opts.video ? { urn: `urn:li:video:D4E05AQ${this.id()}`, file: opts.video } : null,
      deleted: false,
    };
    this.posts.set(p.urn, p);
    return { urn: p.urn, activity: p.activity, url: `https://www.linkedin.com/feed/update/${p.urn}/` };
  }

  editPost(urn: string, commentary: string): number {
    const p = this.posts.get(urn)!;
    this.clock += 600_000;
    p.commentary = commentary;
    p.lastModifiedAt = this.clock;
    p.edited = true;
    return p.lastModifiedAt;
  }

  deletePost(urn: string): void {
    this.posts.get(urn)!.deleted = true;
  }

  /** A comment on a post (or, with `replyTo`, on a comment) by `actor` (a person or organisation URN). */
  addComment(postUrn: string, actor: string, text: string, replyTo?: string): { urn: string; id: string } {
    const post = this.posts.get(postUrn)!;
    this.clock += 60_000;
    const c: Comment = {
      id: this.id(),
      post,
      parent: replyTo ?? postUrn,
      actor,
      text,
      created: this.clock,
      lastModified: this.clock,
      deleted: false,
    };
    this.comments.push(c);
    return { urn: this.commentUrn(c), id: c.id };
  }

  /** Changes a comment's text; LinkedIn moves its `lastModified`. */
  editComment(urn: string, text: string): void {
    const c = this.comments.find((x) => this.commentUrn(x) === urn)!;
    this.clock += 60_000;
    c.text = text;
    c.lastModified = this.clock;
  }

  deleteComment(urn: string): void {
    this.comments.find((c) => this.commentUrn(c) === urn)!.deleted = true;
  }

  private commentUrn(c: Comment): string {
    return `urn:li:comment:(${c.post.activity},${c.id})`;
  }

  private renderPost(p: Post): Record<string, unknown> {
    const out: Record<string, unknown> = {
      id: p.urn,
      author: `urn:li:organization:${p.org.id}`,
      commentary: p.commentary,
      visibility: 'PUBLIC',
      distribution: { feedDistribution: 'MAIN_FEED', targetEntities: [], thirdPartyDistributionChannels: [] },
      lifecycleState: 'PUBLISHED',
      lifecycleStateInfo: { isEditedByAuthor: p.edited },
      isReshareDisabledByAuthor: false,
      createdAt: p.createdAt,
      publishedAt: p.createdAt,
      lastModifiedAt: p.lastModifiedAt,
    };
    if (p.images.length === 1)
      out.content = { media: { id: p.images[0]!.urn, altText: p.images[0]!.file.alt ?? '' } };
    else if (p.images.length > 1)
      out.content = {
        multiImage: { images: p.images.map((i) => ({ id: i.urn, altText: i.file.alt ?? '' })) },
      };
    else if (p.video) out.content = { media: { id: p.video.urn, title: p.video.file.alt ?? '' } };
    else if (p.article) out.content = { article: { source: p.article.source, title: p.article.title } };
    return out;
  }

  private renderComment(c: Comment): Record<string, unknown> {
    const urn = this.commentUrn(c);
    const children = this.comments.filter((x) => x.parent === urn && !x.deleted).length;
    const out: Record<string, unknown> = {
      id: c.id,
      commentUrn: urn,
      $URN: urn,
      actor: c.actor,
      agent: c.actor,
      object: c.post.activity,
      message: { text: c.text, attributes: [] },
      created: { actor: c.actor, time: c.created },
      lastModified: { actor: c.actor, time: c.lastModified },
      commentsSummary: { totalFirstLevelComments: children, aggregatedTotalComments: children },
    };
    if (c.parent !== c.post.urn) out.parentComment = c.parent;
    return out;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const raw = req.url ?? '/';
    this.requests.push({ path: raw, headers: { ...req.headers } });
    answer(
      res,
      () => {
        const injected = this.failures.take(raw);
        if (injected) return injected;
        const u = new URL(raw, this.url);
        if (u.pathname.startsWith('/dms/image/')) return this.image(u.pathname.slice('/dms/image/'.length));
        const refused = this.checkHeaders(req, raw);
        if (refused) return refused;
        const token = String(req.headers.authorization).slice('Bearer '.length);
        return this.route(u, this.admins.get(token)!);
      },
      () => restli(500, 'INTERNAL_SERVER_ERROR', 'Internal Server Error'),
    );
  }

  private checkHeaders(req: IncomingMessage, raw: string): FakeReply | null {
    const auth = req.headers.authorization;
    if (!auth?.startsWith('Bearer ') || !this.admins.has(auth.slice(7)))
      return restli(401, 'INVALID_ACCESS_TOKEN', 'Invalid access token', 65600);
    const version = req.headers['linkedin-version'];
    if (!version)
      return restli(
        400,
        'VERSION_MISSING',
        'A version must be present. Please specify a version by adding the LinkedIn-Version header.',
      );
    if (!ACTIVE_VERSIONS.test(String(version)))
      return restli(426, 'NONEXISTENT_VERSION', `Requested version ${version} is not active`);
    if (raw.includes('List(') && req.headers['x-restli-protocol-version'] !== '2.0.0')
      return restli(400, 'ILLEGAL_ARGUMENT', 'Syntax exception in path variables');
    return null;
  }

  private route(u: URL, orgs: Set<number>): FakeReply {
    const q = u.searchParams;
    const parts = u.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    if (parts[0] !== 'rest') return notFound();
    const [, resource, key, sub, subKey] = parts;
    if (resource === 'organizations') return this.organizations(key, q);
    if (resource === 'posts' && !key) return this.postCollection(q, orgs);
    if (resource === 'posts') {
      const p = this.posts.get(key!);
      if (!p || p.deleted) return notFound();
      if (!orgs.has(p.org.id))
        return restli(
          403,
          'ACCESS_DENIED',
          'Not enough permissions to access: partnerApiPostsExternal.GET.20251001',
          100,
        );
      return json(this.renderPost(p));
    }
    if (resource === 'socialActions' && sub === 'comments') return this.commentsOf(key!, subKey, q, orgs);
    if (resource === 'images' && !key) {
      const results: Record<string, unknown> = {};
      for (const urn of listOf(q.get('ids')) ?? []) {
        const img = [...this.posts.values()].flatMap((p) => p.images).find((i) => i.urn === urn);
        if (img)
          results[urn] = {
            id: urn,
            status: 'AVAILABLE',
            downloadUrl: `${this.url}/dms/image/${encodeURIComponent(urn)}`,
            downloadUrlExpiresAt: Date.now() + 3_600_000,
          };
      }
      return json({ results, statuses: {}, errors: {} });
    }
    if (resource === 'videos' && key) {
      const post = [...this.posts.values()].find((x) => x.video?.urn === key);
      if (!post) return notFound();
      if (!orgs.has(post.org.id)) return restli(403, 'ACCESS_DENIED', 'Not enough permissions', 100);
      return json({
        id: key,
        owner: `urn:li:organization:${post.org.id}`,
        status: 'AVAILABLE',
        duration: 12,
        downloadUrl: `${this.url}/dms/image/${encodeURIComponent(key)}`,
        downloadUrlExpiresAt: Date.now() + 3_600_000,
      });
    }
    if (resource === 'activities' && !key) {
      const results: Record<string, unknown> = {};
      for (const urn of listOf(q.get('ids')) ?? []) {
        const p = [...this.posts.values()].find((x) => x.activity === urn && !x.deleted);
        if (p) results[urn] = { domainEntity: p.urn };
      }
      return json({ results, statuses: {}, errors: {} });
    }
    return notFound();
  }

  private organizations(key: string | undefined, q: URLSearchParams): FakeReply {
    const render = (o: Org) => ({
      id: o.id,
      vanityName: o.vanityName,
      localizedName: o.localizedName,
      $URN: `urn:li:organization:${o.id}`,
    });
    if (key) {
      const o = this.orgs.find((x) => String(x.id) === key);
      return o ? json(render(o)) : notFound();
    }
    if (q.get('q') !== 'vanityName') return restli(400, 'ILLEGAL_ARGUMENT', 'Unsupported finder');
    const found = this.orgs.filter(
      (o) => o.vanityName.toLowerCase() === (q.get('vanityName') ?? '').toLowerCase(),
    );
    return json({
      elements: found.map(render),
      paging: { start: 0, count: 10, total: found.length, links: [] },
    });
  }

  private postCollection(q: URLSearchParams, orgs: Set<number>): FakeReply {
    const ids = listOf(q.get('ids'));
    if (ids) {
      const results: Record<string, unknown> = {};
      const statuses: Record<string, number> = {};
      const errors: Record<string, unknown> = {};
      for (const urn of ids) {
        const p = this.posts.get(urn);
        if (!p || p.deleted) errors[urn] = { status: 404, code: 'NOT_FOUND', message: 'Not Found' };
        else if (!orgs.has(p.org.id))
          errors[urn] = { status: 403, code: 'ACCESS_DENIED', message: 'Not enough permissions' };
        else results[urn] = this.renderPost(p);
        statuses[urn] = results[urn] ? 200 : (errors[urn] as { status: number }).status;
      }
      return json({ results, statuses, errors });
    }
    if (q.get('q') !== 'author') return restli(400, 'ILLEGAL_ARGUMENT', 'Unsupported finder');
    const author = Number(/^urn:li:organization:(\d+)$/.exec(q.get('author') ?? '')?.[1]);
    if (!orgs.has(author))
      return restli(
        403,
        'ACCESS_DENIED',
        'Not enough permissions to access: partnerApiPostsExternal.FINDER-author.20251001',
        100,
      );
    const all = [...this.posts.values()].filter((p) => p.org.id === author && !p.deleted).reverse();
    const start = Number(q.get('start') ?? 0);
    const count = Math.min(Number(q.get('count') ?? 10), 100);
    const slice = all.slice(start, start + count);
    const links =
      start + count < all.length
        ? [
            {
              type: 'application/json',
              rel: 'next',
              href: `/rest/posts?q=author&author=${encodeURIComponent(`urn:li:organization:${author}`)}&count=${count}&start=${start + count}`,
            },
          ]
        : [];
    return json({
      elements: slice.map((p) => this.renderPost(p)),
      paging: { start, count, total: all.length, links },
    });
  }

  private commentsOf(
    parent: string,
    id: string | undefined,
    q: URLSearchParams,
    orgs: Set<number>,
  ): FakeReply {
    const post = parent.startsWith('urn:li:comment:')
      ? this.comments.find((c) => this.commentUrn(c) === parent)?.post
      : this.posts.get(parent);
    if (!post || post.deleted) return notFound();
    if (!orgs.has(post.org.id))
      return restli(
        403,
        'ACCESS_DENIED',
        'Not enough permissions to access: partnerApiSocialActions.GET',
        100,
      );
    const under = this.comments.filter((c) => c.parent === parent && !c.deleted);
    if (id) {
      const c = under.find((x) => x.id === id);
      return c ? json(this.renderComment(c)) : notFound();
    }
    const start = Number(q.get('start') ?? 0);
    const count = Math.min(Number(q.get('count') ?? 10), 100);
    return json({
      elements: under.slice(start, start + count).map((c) => this.renderComment(c)),
      paging: { start, count, total: under.length, links: [] },
    });
  }

  private image(urn: string): FakeReply {
    const files = [...this.posts.values()].flatMap((p) => [...p.images, ...(p.video ? [p.video] : [])]);
    const img = files.find((i) => i.urn === decodeURIComponent(urn));
    return img
      ? { status: 200, body: img.file.bytes, headers: { 'content-type': img.file.contentType } }
      : { status: 404, body: 'not found', headers: { 'content-type': 'text/plain' } };
  }
}
