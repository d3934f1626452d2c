/**
 * A loopback Threads API (graph.threads.net/v1.0) that follows the documented protocol
 * (docs/reference/platform-apis.md §4.3, §8; developers.facebook.com/docs/threads/reference):
 * `GET /me`, `/{user-id}/threads` and `/me/threads` (the token's own posts, newest first, Graph
 * cursor paging `paging{cursors{before,after},next}`), `GET /{media-id}?fields=…` (only the fields
 * asked for, `children{…}` nested), `/{media-id}/replies` (top level) and `/conversation` (every
 * reply, flattened, `replied_to`/`root_post` as `{"id"}`), carousel children, media bytes on a CDN
 * path. Errors in Graph's envelope: 100/33 for deleted or unknown objects, 190 for a bad token, 104
 * without one, 4 with `X-App-Usage` at 100% when the app's budget is spent. The token goes as
 * `Authorization: Bearer` or `access_token=`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { answer, type FakeReply, InjectedFailures, listenOnLoopback } from './listen.ts';

export interface ThreadsMediaInput {
  bytes: Buffer;
  contentType: string;
  type?: 'IMAGE' | 'VIDEO';
  alt?: string;
}

interface User {
  id: string;
  username: string;
  name: string;
  token: string;
}

interface Media {
  id: string;
  owner: User;
  shortcode: string;
  text: string;
  timestamp: string;
  mediaType: 'TEXT_POST' | 'IMAGE' | 'VIDEO' | 'CAROUSEL_ALBUM';
  /** This post's own file (IMAGE/VIDEO), or its children (CAROUSEL_ALBUM). */
  files: { id: string; file: ThreadsMediaInput }[];
  repliedTo: string | null;
  root: string | null;
  deleted: boolean;
  hidden: boolean;
}

export interface RecordedRequest {
  path: string;
  headers: Record<string, string | string[] | undefined>;
}

const SHORTCODE_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';

function graphError(
  status: number,
  code: number,
  message: string,
  type = 'OAuthException',
  subcode?: number,
) {
  const error: Record<string, unknown> = { message, type, code, fbtrace_id: 'AbCdEfGhIjK' };
  if (subcode !== undefined) error.error_subcode = subcode;
  return { status, body: JSON.stringify({ error }), headers: { 'content-type': 'application/json' } };
}

function notExist(id: string): FakeReply {
  return graphError(
    400,
    100,
    `Unsupported get request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api`,
    'GraphMethodException',
    33,
  );
}

/** `a,b,children{c,d}` → the top-level names with their nested field lists. */
function parseFields(text: string | null): Map<string, string | null> {
  const out = new Map<string, string | null>();
  if (!text) return out;
  let depth = 0;
  let start = 0;
  const push = (part: string) => {
    const m = /^([\w]+)(?:\{(.*)\})?$/.exec(part.trim());
    if (m) out.set(m[1]!, m[2] ?? null);
  };
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}') depth--;
    else if (text[i] === ',' && depth === 0) {
      push(text.slice(start, i));
      start = i + 1;
    }
  }
  push(text.slice(start));
  return out;
}

export class FakeThreads {
  readonly requests: RecordedRequest[] = [];
  private readonly users = new Map<string, User>();
  private readonly media = new Map<string, Media>();
  private readonly failures = new InjectedFailures<FakeReply>();
  private nextId = 17890000000000000n;
  private clock = Date.parse('2025-06-02T08:00:00Z');
  /** The app's usage in percent (`X-App-Usage`); at 100 every call is refused with code 4. */
  usagePercent = 12;

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<FakeThreads> {
    let fake: FakeThreads | null = null;
    const server = createServer((req, res) => fake!.handle(req, res));
    const url = await listenOnLoopback(server);
    fake = new FakeThreads(server, url);
    return fake;
  }

  /** The base URL connectors use (ARCHIEFBOT_THREADS_API_URL). */
  get apiUrl(): string {
    return `${this.url}/v1.0`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  failNext(match: RegExp, reply: FakeReply & { times?: number }): void {
    this.failures.add(match, reply, reply.times ?? 1);
  }

  addUser(username: string, name: string): User {
    const user = {
      id: String(this.nextId++),
      username,
      name,
      token: `THAA${username}${this.users.size}token`,
    };
    this.users.set(user.id, user);
    return user;
  }

  private id(): string {
    return String(this.nextId++);
  }

  private shortcode(id: string): string {
    let n = BigInt(id) * 7919n;
    let s = '';
    while (n > 0n) {
      s = SHORTCODE_CHARS[Number(n % 64n)] + s;
      n /= 64n;
    }
    return `D${s.slice(0, 10)}`;
  }

  /** A post (or a reply, with `replyTo`) by `user`; returns its id, shortcode and permalink. */
  addPost(
    user: User,
    text: string,
    opts: { media?: ThreadsMediaInput[]; replyTo?: string; hidden?: boolean } = {},
  ): { id: string; shortcode: string; url: string } {
    const id = this.id();
    const files = (opts.media ?? []).map((file) => ({ id: this.id(), file }));
    const parent = opts.replyTo ? this.media.get(opts.replyTo)! : null;
    const mediaType =
      files.length > 1
        ? 'CAROUSEL_ALBUM'
        : files.length === 1
          ? (files[0]!.file.type ?? 'IMAGE')
          : 'TEXT_POST';
    this.clock += 60_000;
    const m: Media = {
      id,
      owner: user,
      shortcode: this.shortcode(id),
      text,
      timestamp: new Date(this.clock).toISOString().replace(/\.\d{3}Z$/, '+0000'),
      mediaType,
      files: files.length === 1 ? [{ id, file: files[0]!.file }] : files,
      repliedTo: parent?.id ?? null,
      root: parent ? (parent.root ?? parent.id) : null,
      deleted: false,
      hidden: opts.hidden ?? false,
    };
    this.media.set(id, m);
    return { id, shortcode: m.shortcode, url: this.permalink(m) };
  }

  /** Changes a post's text in place (Threads keeps no edit history and gives no edit time). */
  editPost(id: string, text: string): void {
    this.media.get(id)!.text = text;
  }

  deletePost(id: string): void {
    this.media.get(id)!.deleted = true;
  }

  private permalink(m: Media): string {
    return `https://www.threads.com/@${m.owner.username}/post/${m.shortcode}`;
  }

  private render(m: Media, fields: Map<string, string | null>): Record<string, unknown> {
    const file = m.files.length === 1 && m.mediaType !== 'CAROUSEL_ALBUM' ? m.files[0]!.file : null;
    const all: Record<string, unknown> = {
      id: m.id,
      media_product_type: 'THREADS',
      media_type: m.mediaType,
      permalink: this.permalink(m),
      username: m.owner.username,
      owner: { id: m.owner.id },
      text: m.text,
      timestamp: m.timestamp,
      shortcode: m.shortcode,
      is_quote_post: false,
      has_replies: [...this.media.values()].some((r) => r.repliedTo === m.id && !r.deleted),
    };
    if (file) {
      all.media_url = `${this.url}/cdn/${m.id}`;
      if (file.alt) all.alt_text = file.alt;
    }
    if (m.repliedTo) {
      all.is_reply = true;
      all.replied_to = { id: m.repliedTo };
      all.root_post = { id: m.root };
      all.hide_status = m.hidden ? 'HIDDEN' : 'NOT_HUSHED';
    }
    if (m.mediaType === 'CAROUSEL_ALBUM') {
      const childFields = parseFields(fields.get('children') ?? 'id');
      all.children = {
        data: m.files.map((f) => {
          const c: Record<string, unknown> = {
            id: f.id,
            media_type: f.file.type ?? 'IMAGE',
            media_url: `${this.url}/cdn/${f.id}`,
          };
          if (f.file.alt) c.alt_text = f.file.alt;
          return Object.fromEntries(Object.entries(c).filter(([k]) => childFields.has(k)));
        }),
      };
    }
    const out: Record<string, unknown> = {};
    for (const k of fields.size ? fields.keys() : ['id']) if (k in all) out[k] = all[k];
    return out;
  }

  private page(items: Media[], q: URLSearchParams, path: string): FakeReply {
    const limit = Math.min(Number(q.get('limit') ?? 25), 100);
    const after = q.get('after');
    const start = after ? Number(Buffer.from(after, 'base64url').toString()) : 0;
    const slice = items.slice(start, start + limit);
    const fields = parseFields(q.get('fields'));
    const body: Record<string, unknown> = { data: slice.map((m) => this.render(m, fields)) };
    if (slice.length) {
      const cursors = {
        before: Buffer.from(String(start)).toString('base64url'),
        after: Buffer.from(String(start + slice.length)).toString('base64url'),
      };
      const paging: Record<string, unknown> = { cursors };
      if (start + slice.length < items.length) {
        const next = new URLSearchParams(q);
        next.set('after', cursors.after);
        paging.next = `${this.apiUrl}${path}?${next}`;
      }
      body.paging = paging;
    }
    return { status: 200, body: JSON.stringify(body), headers: { 'content-type': 'application/json' } };
  }

  private tokenUser(req: IncomingMessage, q: URLSearchParams): User | FakeReply {
    const auth = req.headers.authorization;
    const token = auth?.startsWith('Bearer ') ? auth.slice(7) : q.get('access_token');
    if (!token) return graphError(400, 104, 'An access token is required to request this resource.');
    const user = [...this.users.values()].find((u) => u.token === token);
    return user ?? graphError(400, 190, 'Invalid OAuth access token - Cannot parse access token');
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const raw = req.url ?? '/';
    this.requests.push({ path: raw, headers: { ...req.headers } });
    answer(
      res,
      (extra) => {
        const injected = this.failures.take(raw);
        if (injected) return injected;
        const u = new URL(raw, this.url);
        if (u.pathname.startsWith('/cdn/')) return this.cdn(u.pathname.slice(5));
        extra['x-app-usage'] = JSON.stringify({
          call_count: this.usagePercent,
          total_cputime: 1,
          total_time: 1,
        });
        if (this.usagePercent >= 100)
          return graphError(400, 4, 'Application request limit reached', 'OAuthException');
        const who = this.tokenUser(req, u.searchParams);
        if ('status' in who) return who;
        return this.route(u.pathname.replace(/^\/v1\.0/, ''), u.searchParams, who);
      },
      () => graphError(500, 1, 'An unknown error has occurred.', 'OAuthException'),
    );
  }

  private route(path: string, q: URLSearchParams, who: User): FakeReply {
    const parts = path.split('/').filter(Boolean);
    const fields = parseFields(q.get('fields'));
    const json = (body: unknown): FakeReply => ({
      status: 200,
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
    });
    if (parts[0] === 'me' && parts.length === 1) {
      const all: Record<string, unknown> = { id: who.id, username: who.username, name: who.name };
      return json(Object.fromEntries(Object.entries(all).filter(([k]) => fields.has(k) || k === 'id')));
    }
    const userId = parts[0] === 'me' ? who.id : parts[0]!;
    if (
      (parts[1] === 'threads' || parts[1] === 'replies') &&
      parts.length === 2 &&
      !this.media.has(parts[0]!)
    ) {
      // Only the app-scoped user's own threads (or own replies) can be listed.
      if (userId !== who.id) return notExist(userId);
      const own = [...this.media.values()]
        .filter(
          (m) => m.owner.id === who.id && Boolean(m.repliedTo) === (parts[1] === 'replies') && !m.deleted,
        )
        .reverse();
      return this.page(own, q, path);
    }
    const m = this.media.get(parts[0]!);
    if (!m || m.deleted) return notExist(parts[0]!);
    if (parts.length === 1) return json(this.render(m, fields));
    if (parts[1] === 'replies' || parts[1] === 'conversation') {
      // `/replies`: the top level under the post; `/conversation`: every reply below it, flattened.
      const below = (r: Media): boolean =>
        r.repliedTo === m.id ||
        (parts[1] === 'conversation' && r.repliedTo !== null && below(this.media.get(r.repliedTo)!));
      const all = [...this.media.values()].filter((r) => !r.deleted && below(r));
      const reverse = q.get('reverse') !== 'false';
      return this.page(reverse ? all.reverse() : all, q, path);
    }
    return notExist(parts.slice(0, 2).join('/'));
  }

  private cdn(id: string): FakeReply {
    for (const m of this.media.values()) {
      const f = m.files.find((x) => x.id === id);
      if (f) return { status: 200, body: f.file.bytes, headers: { 'content-type': f.file.contentType } };
    }
    return { status: 404, body: 'not found', headers: { 'content-type': 'text/plain' } };
  }
}
