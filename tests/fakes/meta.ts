import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { answer, type FakeReply, InjectedFailures, listenOnLoopback } from './listen.ts';

/**
 * A loopback Meta Graph API (docs/reference/platform-apis.md §4.1, §4.2, §8) serving Facebook Pages
 * and the Instagram accounts linked to them, as a page token sees them:
 *
 * - `/v23.0/me`, `/{page-id}` (or its username), `/{page-id}/posts|published_posts|feed`,
 *   `/{object-id}` (post, photo, video, comment, IG media, IG comment), `/{id}/comments` (Facebook:
 *   `filter=stream` flat with `parent`, else top level; Instagram: top level with `replies{…}`),
 *   `/{ig-comment-id}/replies`, `/{ig-user-id}`, `/{ig-user-id}/media`, and `/?ids=a,b` (the
 *   multi-id look-up: one id that is gone fails the whole request with #803);
 * - the `fields` parameter picks the top-level fields; lists are `{data, paging{cursors{before,after},next}}`;
 * - tokens by `Authorization: Bearer` or `access_token`; a missing one is #104, an unknown one #190,
 *   an expired one #190/463; an object of another page, or deleted, is HTTP 400 #100/33 with the
 *   documented message; `X-App-Usage` / `X-Business-Use-Case-Usage` on every answer;
 * - media files (real PNG bytes) under `/cdn/…` with an expiring-signature query, as Meta's CDN.
 */
export const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000020000000208060000007bd4ed8c0000000d49444154789c63f8cfc0f01f0005000201e5273fbc0000000049454e44ae426082',
  'hex',
);
const MP4 = Buffer.concat([Buffer.from('000000186674797069736f6d', 'hex'), Buffer.alloc(32, 1)]);

interface Page {
  id: string;
  username: string;
  name: string;
  token: string;
  expired: boolean;
  ig: IgUser | null;
}
interface IgUser {
  id: string;
  username: string;
  name: string;
  page: Page;
}
interface FbObject {
  id: string;
  kind: 'post' | 'photo' | 'video' | 'comment';
  page: Page;
  message: string;
  created: number;
  updated: number;
  deleted: boolean;
  from: { id: string; name: string } | null;
  photos: string[];
  video: { id: string; source: boolean } | null;
  parent: string | null;
  /** The post a comment belongs to. */
  post: string | null;
  pfbid: string | null;
  seq: number;
}
interface IgMedia {
  id: string;
  user: IgUser;
  shortcode: string;
  caption: string;
  type: 'IMAGE' | 'VIDEO' | 'CAROUSEL_ALBUM';
  children: { id: string; type: 'IMAGE' | 'VIDEO' }[];
  licensedAudio: boolean;
  timestamp: number;
  deleted: boolean;
  seq: number;
}
interface IgComment {
  id: string;
  media: IgMedia;
  text: string;
  username: string;
  fromId: string;
  parent: string | null;
  timestamp: number;
  deleted: boolean;
}

const gtime = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+0000');

/** Top-level names of a `fields` list (`a,b{c,d},e.limit(0).summary(true)` → a, b, e). */
export function topFields(fields: string | null): Set<string> | null {
  if (!fields) return null;
  const out = new Set<string>();
  let depth = 0;
  let cur = '';
  for (const ch of `${fields},`) {
    if (ch === '{' || ch === '(') depth++;
    if (ch === '}' || ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.add(cur.split(/[.{(]/)[0]!.trim());
      cur = '';
    } else cur += ch;
  }
  return out;
}

function pick(o: Record<string, unknown>, fields: Set<string> | null): Record<string, unknown> {
  if (!fields) return o;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (k === 'id' || fields.has(k)) out[k] = v;
  return out;
}

function graphError(
  status: number,
  code: number,
  message: string,
  type = 'OAuthException',
  subcode?: number,
): FakeReply {
  return {
    status,
    headers: {
      'content-type': 'application/json; charset=UTF-8',
      'www-authenticate': `OAuth "Facebook Platform" "invalid_request" "${message}"`,
    },
    body: JSON.stringify({
      error: {
        message,
        type,
        code,
        ...(subcode ? { error_subcode: subcode } : {}),
        fbtrace_id: randomBytes(8).toString('base64url'),
      },
    }),
  };
}

function gone(id: string): FakeReply {
  return graphError(
    400,
    100,
    `Unsupported get request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api`,
    'GraphMethodException',
    33,
  );
}

const json = (body: unknown): FakeReply => ({
  status: 200,
  headers: { 'content-type': 'application/json; charset=UTF-8' },
  body: JSON.stringify(body),
});

export class FakeMeta {
  url = '';
  readonly appSecret = 'fake-meta-app-secret';
  private server!: Server;
  private seq = 0;
  private clock = Date.parse('2026-11-20T08:00:00Z');
  readonly pages = new Map<string, Page>();
  readonly objects = new Map<string, FbObject>();
  readonly igUsers = new Map<string, IgUser>();
  readonly igMedia = new Map<string, IgMedia>();
  readonly igComments = new Map<string, IgComment>();
  /** Every Graph request's path and query, in order (media downloads left out). */
  readonly requests: string[] = [];
  /** Every media download's path, in order. */
  readonly cdnRequests: string[] = [];
  /** `X-App-Usage` percentages sent with every answer. */
  usage = { call_count: 3, total_cputime: 1, total_time: 1 };
  /** `X-Business-Use-Case-Usage` for the pages, when set. */
  businessUsage: { call_count: number; estimated_time_to_regain_access: number } | null = null;
  private readonly failures = new InjectedFailures<FakeReply>();

  static async start(): Promise<FakeMeta> {
    const f = new FakeMeta();
    f.server = createServer((req, res) =>
      answer(
        res,
        (extra) => f.handle(req, extra),
        () =>
          graphError(
            500,
            2,
            'An unexpected error has occurred. Please retry your request later.',
            'OAuthException',
          ),
      ),
    );
    f.url = await listenOnLoopback(f.server);
    return f;
  }

  get graphUrl(): string {
    return `${this.url}/v23.0`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private nextId(): string {
    this.seq++;
    return String(100000000000000 + this.seq * 7919);
  }
  private tick(): number {
    this.clock += 60_000;
    return this.clock;
  }

  /** The next `times` Graph requests whose path matches get this answer (an outage, a rate limit). */
  failNext(match: RegExp, reply: FakeReply, times = 1): void {
    this.failures.add(match, reply, times);
  }
  /** Graph's answer for an app over its rate limit (#4). */
  static rateLimitReply(): FakeReply {
    return graphError(400, 4, '(#4) Application request limit reached', 'OAuthException');
  }

  addPage(o: { username: string; name: string }): Page {
    const page: Page = {
      id: this.nextId(),
      username: o.username,
      name: o.name,
      token: `EAAG${randomBytes(12).toString('hex')}`,
      expired: false,
      ig: null,
    };
    this.pages.set(page.id, page);
    return page;
  }

  expireToken(page: Page): void {
    page.expired = true;
  }

  /** A page post; `photos` attached (an album when more than one), a video with or without its file served. */
  addPost(o: { page: Page; message: string; photos?: number; video?: { source: boolean }; pfbid?: boolean }) {
    const own = this.nextId();
    const id = `${o.page.id}_${own}`;
    const photos = Array.from({ length: o.photos ?? 0 }, () => this.addNode(o.page, 'photo', o.message));
    const video = o.video ? { id: this.addNode(o.page, 'video', o.message), source: o.video.source } : null;
    const t = this.tick();
    const obj: FbObject = {
      id,
      kind: 'post',
      page: o.page,
      message: o.message,
      created: t,
      updated: t,
      deleted: false,
      from: null,
      photos,
      video,
      parent: null,
      post: null,
      pfbid: o.pfbid ? `pfbid0${randomBytes(16).toString('hex')}` : null,
      seq: this.seq,
    };
    this.objects.set(id, obj);
    return { id, own, url: this.permalink(obj), pfbid: obj.pfbid };
  }

  private addNode(page: Page, kind: 'photo' | 'video', message: string): string {
    const id = this.nextId();
    const t = this.tick();
    this.objects.set(id, {
      id,
      kind,
      page,
      message,
      created: t,
      updated: t,
      deleted: false,
      from: null,
      photos: [],
      video: null,
      parent: null,
      post: null,
      pfbid: null,
      seq: this.seq,
    });
    return id;
  }

  /** A comment (or, with `parent`, a reply) on a post, by someone else unless `from` is the page. */
  addComment(o: {
    post: string;
    message: string;
    from: { id: string; name: string } | 'page';
    parent?: string;
  }) {
    const post = this.objects.get(o.post)!;
    const id = `${post.id.split('_')[1]}_${this.nextId()}`;
    const t = this.tick();
    this.objects.set(id, {
      id,
      kind: 'comment',
      page: post.page,
      message: o.message,
      created: t,
      updated: t,
      deleted: false,
      from: o.from === 'page' ? { id: post.page.id, name: post.page.name } : o.from,
      photos: [],
      video: null,
      parent: o.parent ?? null,
      post: post.id,
      pfbid: null,
      seq: this.seq,
    });
    return { id, url: this.permalink(this.objects.get(id)!) };
  }

  editPost(id: string, message: string): void {
    const o = this.objects.get(id)!;
    o.message = message;
    o.updated = this.tick();
  }

  deleteObject(id: string): void {
    this.objects.get(id)!.deleted = true;
  }

  permalink(o: FbObject): string {
    if (o.kind === 'comment') {
      const post = this.objects.get(o.post!)!;
      return `${this.permalink(post)}?comment_id=${o.id.split('_')[1]}`;
    }
    if (o.kind === 'photo') return `https://www.facebook.com/photo/?fbid=${o.id}`;
    if (o.kind === 'video') return `https://www.facebook.com/${o.page.username}/videos/${o.id}/`;
    return `https://www.facebook.com/${o.page.username}/posts/${o.pfbid ?? o.id.split('_')[1]}`;
  }

  linkInstagram(page: Page, username: string): IgUser {
    const user: IgUser = { id: `1784${this.nextId()}`, username, name: page.name, page };
    page.ig = user;
    this.igUsers.set(user.id, user);
    return user;
  }

  addMedia(o: {
    user: IgUser;
    caption: string;
    type?: IgMedia['type'];
    children?: ('IMAGE' | 'VIDEO')[];
    licensedAudio?: boolean;
  }) {
    const id = `1790${this.nextId()}`;
    const shortcode = `C${randomBytes(5).toString('base64url')}`;
    const children = (o.children ?? []).map((type) => ({ id: `1791${this.nextId()}`, type }));
    const m: IgMedia = {
      id,
      user: o.user,
      shortcode,
      caption: o.caption,
      type: o.type ?? (children.length ? 'CAROUSEL_ALBUM' : 'IMAGE'),
      children,
      licensedAudio: o.licensedAudio ?? false,
      timestamp: this.tick(),
      deleted: false,
      seq: this.seq,
    };
    this.igMedia.set(id, m);
    return { id, shortcode, url: `https://www.instagram.com/p/${shortcode}/` };
  }

  addIgComment(o: { media: string; text: string; username: string; parent?: string }) {
    const id = `1800${this.nextId()}`;
    this.igComments.set(id, {
      id,
      media: this.igMedia.get(o.media)!,
      text: o.text,
      username: o.username,
      fromId: `9${this.nextId()}`,
      parent: o.parent ?? null,
      timestamp: this.tick(),
      deleted: false,
    });
    return { id };
  }

  editCaption(id: string, caption: string): void {
    this.igMedia.get(id)!.caption = caption;
  }

  /** A webhook delivery as Meta signs it: the raw body and its `X-Hub-Signature-256`. */
  webhook(
    object: 'page' | 'instagram',
    entries: { id: string; changes: { field: string; value: Record<string, unknown> }[] }[],
  ) {
    const body = JSON.stringify({
      object,
      entry: entries.map((e) => ({ ...e, time: Math.floor(Date.now() / 1000) })),
    });
    return { body, signature: `sha256=${createHmac('sha256', this.appSecret).update(body).digest('hex')}` };
  }

  // --- the Graph API ---

  private handle(req: IncomingMessage, extra: Record<string, string>): FakeReply {
    const u = new URL(req.url ?? '/', 'http://fake');
    if (u.pathname.startsWith('/cdn/')) {
      this.cdnRequests.push(u.pathname);
      return this.cdn(u.pathname);
    }
    this.requests.push(`${u.pathname}${u.search}`);
    extra['x-app-usage'] = JSON.stringify(this.usage);
    if (this.businessUsage) {
      const page = [...this.pages.values()][0];
      extra['x-business-use-case-usage'] = JSON.stringify({
        [page?.id ?? '0']: [{ type: 'pages', total_cputime: 1, total_time: 1, ...this.businessUsage }],
      });
    }
    const injected = this.failures.take(`${u.pathname}${u.search}`);
    if (injected) return injected;
    if (!u.pathname.startsWith('/v23.0/'))
      return graphError(400, 2500, `Unknown path components: ${u.pathname}`, 'OAuthException');
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const token = bearer ?? u.searchParams.get('access_token');
    if (!token) return graphError(400, 104, 'An access token is required to request this resource.');
    const page = [...this.pages.values()].find((p) => p.token === token);
    if (!page) return graphError(400, 190, 'Invalid OAuth access token - Cannot parse access token');
    if (page.expired)
      return graphError(
        400,
        190,
        'Error validating access token: Session has expired on Thursday, 26-Nov-26 01:00:00 PST. The current time is Thursday, 26-Nov-26 02:00:00 PST.',
        'OAuthException',
        463,
      );
    const parts = u.pathname.slice('/v23.0/'.length).split('/').filter(Boolean);
    const fields = topFields(u.searchParams.get('fields'));
    if (!parts.length) return this.multi(page, u, fields);
    const [id, edge] = parts as [string, string | undefined];
    if (!edge) return this.node(page, id === 'me' ? page.id : id, fields, u);
    return this.edge(page, id, edge, u, fields);
  }

  private cdn(path: string): FakeReply {
    const video = path.endsWith('.mp4');
    return {
      status: 200,
      headers: { 'content-type': video ? 'video/mp4' : 'image/png' },
      body: video ? MP4 : PNG,
    };
  }

  private cdnUrl(id: string, ext = 'png'): string {
    return `${this.url}/cdn/${id}.${ext}?oe=${Date.now().toString(16)}&_nc_sid=${randomBytes(3).toString('hex')}`;
  }

  private multi(page: Page, u: URL, fields: Set<string> | null): FakeReply {
    const ids = (u.searchParams.get('ids') ?? '').split(',').filter(Boolean);
    const out: Record<string, unknown> = {};
    const missing: string[] = [];
    for (const id of ids) {
      const o = this.view(page, id, fields);
      if (o) out[id] = o;
      else missing.push(id);
    }
    if (missing.length)
      return graphError(
        400,
        803,
        `(#803) Some of the aliases you requested do not exist: ${missing.join(',')}`,
        'OAuthException',
      );
    return json(out);
  }

  private node(page: Page, id: string, fields: Set<string> | null, u: URL): FakeReply {
    const own = page.id === id || page.username === id;
    if (own) {
      const full = {
        id: page.id,
        name: page.name,
        username: page.username,
        link: `https://www.facebook.com/${page.username}`,
        ...(page.ig && fields?.has('instagram_business_account')
          ? { instagram_business_account: this.igUserView(page.ig) }
          : {}),
      };
      return json(pick(full, fields));
    }
    if (page.ig?.id === id) return json(pick(this.igUserView(page.ig), fields));
    const o = this.view(page, id, fields);
    void u;
    return o ? json(o) : gone(id);
  }

  private igUserView(u: IgUser) {
    const count = [...this.igMedia.values()].filter((m) => m.user === u && !m.deleted).length;
    return { id: u.id, username: u.username, name: u.name, media_count: count };
  }

  /** An object as this page's token sees it, or null (gone, or another page's). */
  private view(page: Page, id: string, fields: Set<string> | null): Record<string, unknown> | null {
    const o = this.objects.get(id);
    if (o && !o.deleted && o.page === page) return pick(this.fbView(o), fields);
    const m = this.igMedia.get(id);
    if (m && !m.deleted && m.user.page === page) return pick(this.mediaView(m, fields), fields);
    const c = this.igComments.get(id);
    if (c && !c.deleted && c.media.user.page === page) return pick(this.igCommentView(c, null), fields);
    return null;
  }

  private comments(o: FbObject, stream: boolean): FbObject[] {
    return [...this.objects.values()]
      .filter(
        (c) =>
          c.kind === 'comment' &&
          !c.deleted &&
          (o.kind === 'comment' ? c.parent === o.id : c.post === o.id && (stream || !c.parent)),
      )
      .sort((a, b) => a.seq - b.seq);
  }

  private fbView(o: FbObject): Record<string, unknown> {
    const base = {
      id: o.id,
      created_time: gtime(o.created),
      from: o.from ?? { id: o.page.id, name: o.page.name },
      comments: {
        data: [],
        summary: { order: 'ranked', total_count: this.comments(o, true).length, can_comment: true },
      },
    };
    if (o.kind === 'comment')
      return {
        ...base,
        message: o.message,
        permalink_url: this.permalink(o),
        like_count: 0,
        comment_count: this.comments(o, false).length,
        is_hidden: false,
        ...(o.parent
          ? { parent: { id: o.parent, created_time: gtime(this.objects.get(o.parent)!.created) } }
          : {}),
      };
    if (o.kind === 'photo')
      return {
        ...base,
        name: o.message,
        updated_time: gtime(o.updated),
        link: this.permalink(o),
        images: [
          { source: this.cdnUrl(o.id), width: 2, height: 2 },
          { source: this.cdnUrl(`${o.id}-small`), width: 1, height: 1 },
        ],
      };
    if (o.kind === 'video')
      return {
        ...base,
        description: o.message,
        updated_time: gtime(o.updated),
        permalink_url: this.permalink(o),
        picture: this.cdnUrl(`${o.id}-still`),
      };
    const attachments = this.attachments(o);
    return {
      ...base,
      message: o.message,
      updated_time: gtime(o.updated),
      permalink_url: this.permalink(o),
      is_hidden: false,
      is_published: true,
      status_type: o.photos.length ? 'added_photos' : 'mobile_status_update',
      ...(attachments.length ? { attachments: { data: attachments } } : {}),
      shares: { count: 2 },
      reactions: { data: [], summary: { total_count: 12, viewer_reaction: 'NONE' } },
    };
  }

  private attachments(o: FbObject): Record<string, unknown>[] {
    const photo = (id: string) => ({
      media_type: 'photo',
      type: 'photo',
      url: `https://www.facebook.com/photo/?fbid=${id}`,
      target: { id, url: `https://www.facebook.com/photo/?fbid=${id}` },
      // Attachments carry a resized copy; the photo node's `images` has the original.
      media: { image: { src: this.cdnUrl(`${id}-720`), width: 1, height: 1 } },
    });
    if (o.photos.length === 1) return [photo(o.photos[0]!)];
    if (o.photos.length > 1)
      return [
        {
          media_type: 'album',
          type: 'album',
          title: 'Album',
          url: `https://www.facebook.com/media/set/?set=a.${o.id}`,
          subattachments: { data: o.photos.map(photo) },
        },
      ];
    if (o.video)
      return [
        {
          media_type: 'video',
          type: 'video_inline',
          url: this.permalink(this.objects.get(o.video.id)!),
          target: { id: o.video.id },
          media: {
            image: { src: this.cdnUrl(`${o.video.id}-still`), width: 2, height: 2 },
            ...(o.video.source ? { source: this.cdnUrl(o.video.id, 'mp4') } : {}),
          },
        },
      ];
    return [];
  }

  private mediaView(m: IgMedia, fields: Set<string> | null): Record<string, unknown> {
    const item = (id: string, type: string) => ({
      id,
      media_type: type,
      ...(type === 'VIDEO'
        ? {
            ...(m.licensedAudio ? {} : { media_url: this.cdnUrl(id, 'mp4') }),
            thumbnail_url: this.cdnUrl(`${id}-still`),
          }
        : { media_url: this.cdnUrl(id) }),
    });
    void fields;
    const comments = [...this.igComments.values()].filter((c) => c.media === m && !c.deleted);
    return {
      ...item(m.id, m.type === 'CAROUSEL_ALBUM' ? 'IMAGE' : m.type),
      media_type: m.type,
      ...(m.type === 'CAROUSEL_ALBUM'
        ? {
            media_url: this.cdnUrl(m.children[0]!.id),
            children: { data: m.children.map((c) => item(c.id, c.type)) },
          }
        : {}),
      caption: m.caption,
      media_product_type: m.type === 'VIDEO' ? 'REELS' : 'FEED',
      permalink: `https://www.instagram.com/${m.type === 'VIDEO' ? 'reel' : 'p'}/${m.shortcode}/`,
      shortcode: m.shortcode,
      timestamp: gtime(m.timestamp),
      username: m.user.username,
      like_count: 7,
      comments_count: comments.length,
      is_comment_enabled: true,
    };
  }

  private igCommentView(c: IgComment, fields: Set<string> | null): Record<string, unknown> {
    const replies = [...this.igComments.values()].filter((r) => r.parent === c.id && !r.deleted);
    return {
      id: c.id,
      text: c.text,
      timestamp: gtime(c.timestamp),
      username: c.username,
      from: { id: c.fromId, username: c.username },
      like_count: 0,
      hidden: false,
      ...(c.parent ? { parent_id: c.parent } : {}),
      ...(fields?.has('replies')
        ? { replies: { data: replies.map((r) => this.igCommentView(r, null)) } }
        : {}),
    };
  }

  /** A cursor-paged list of what `all` holds (the cursor is the position, as opaque base64). */
  private list(all: Record<string, unknown>[], u: URL, max = 100): FakeReply {
    const limit = Math.min(Number(u.searchParams.get('limit') ?? 25) || 25, max);
    const after = u.searchParams.get('after');
    const start = after ? Number(Buffer.from(after, 'base64').toString()) : 0;
    if (!Number.isInteger(start) || start < 0)
      return graphError(400, 100, 'Invalid after cursor', 'OAuthException');
    const data = all.slice(start, start + limit);
    const cursor = (n: number) => Buffer.from(String(n)).toString('base64');
    const paging: Record<string, unknown> = {
      cursors: { before: cursor(start), after: cursor(start + data.length) },
    };
    if (start + limit < all.length) {
      const next = new URL(`${this.graphUrl}${u.pathname.slice('/v23.0'.length)}`);
      for (const [k, v] of u.searchParams) if (k !== 'after') next.searchParams.set(k, v);
      next.searchParams.set('after', cursor(start + data.length));
      paging.next = next.href;
    }
    return json(data.length ? { data, paging } : { data: [] });
  }

  private edge(page: Page, id: string, edge: string, u: URL, fields: Set<string> | null): FakeReply {
    if ((id === page.id || id === page.username) && ['posts', 'published_posts', 'feed'].includes(edge)) {
      const posts = [...this.objects.values()]
        .filter((o) => o.kind === 'post' && o.page === page && !o.deleted)
        .sort((a, b) => b.seq - a.seq)
        .map((o) => pick(this.fbView(o), fields));
      return this.list(posts, u);
    }
    if (page.ig?.id === id && edge === 'media') {
      const media = [...this.igMedia.values()]
        .filter((m) => m.user === page.ig && !m.deleted)
        .sort((a, b) => b.seq - a.seq)
        .map((m) => pick(this.mediaView(m, fields), fields));
      return this.list(media, u);
    }
    const o = this.objects.get(id);
    if (o && !o.deleted && o.page === page && edge === 'comments') {
      const stream = u.searchParams.get('filter') === 'stream';
      return this.list(
        this.comments(o, stream).map((c) => pick(this.fbView(c), fields)),
        u,
      );
    }
    const m = this.igMedia.get(id);
    if (m && !m.deleted && m.user.page === page && edge === 'comments') {
      const top = [...this.igComments.values()].filter((c) => c.media === m && !c.parent && !c.deleted);
      return this.list(
        top.map((c) => pick(this.igCommentView(c, fields), fields)),
        u,
        50,
      );
    }
    const c = this.igComments.get(id);
    if (c && !c.deleted && c.media.user.page === page && edge === 'replies') {
      const replies = [...this.igComments.values()].filter((r) => r.parent === c.id && !r.deleted);
      return this.list(
        replies.map((r) => pick(this.igCommentView(r, null), fields)),
        u,
        50,
      );
    }
    return gone(id);
  }
}
