// Loopback fake of a Bluesky network as the reference implementation (@atproto/dev-env) serves it:
// the public AppView (https://public.api.bsky.app) with its image CDN, the PLC directory
// (https://plc.directory) and the accounts' PDS (com.atproto.sync.getBlob), all on one port.
// Behaviour follows docs/reference/platform-apis.md §2 and the fidelity checklist in §8; error names
// and messages as packages/bsky and packages/pds of bluesky-social/atproto word them.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { answer, InjectedFailures, listenOnLoopback, refuseUpgrade } from './listen.ts';

export interface FakeBlueskyOptions {
  rateLimit?: { limit: number; windowMs: number };
}
export interface FakeImage {
  bytes: Buffer;
  mimeType: string;
  alt?: string;
}
export interface FailAnswer {
  status: number;
  body?: string;
  headers?: Record<string, string>;
  times?: number;
}
export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
}

interface Reply {
  status: number;
  body: string | Buffer;
  headers?: Record<string, string>;
}
interface Ref {
  uri: string;
  cid: string;
}
interface Img {
  cid: string;
  bytes: Buffer;
  mimeType: string;
  alt: string;
  dims: { width: number; height: number } | null;
}
interface Acc {
  did: string;
  handle: string;
  displayName: string;
  createdAt: string;
  /** Moderation (takendown) or the owner (deactivated) hides the account and its posts on the AppView. */
  status: 'active' | 'takendown' | 'deactivated';
  posts: Post[];
}
interface Post {
  uri: string;
  rkey: string;
  author: Acc;
  cid: string;
  record: Record<string, unknown>;
  createdAt: string;
  indexedAt: string;
  images: Img[];
  reply: { root: Ref; parent: Ref } | undefined;
  /** The post this one quotes (app.bsky.embed.record / recordWithMedia). */
  quote: Ref | undefined;
  /** Quoting posts the author detached from this one (its postgate's detachedEmbeddingUris). */
  detached: Set<string>;
  counts: { like: number; repost: number; reply: number; quote: number };
  deleted: boolean;
}
type Obj = Record<string, unknown>;

/** A Jetstream event as sent on the wire (§2.5). */
export interface JetstreamEvent {
  did: string;
  time_us: number;
  kind: 'commit' | 'account' | 'identity';
  commit?: {
    rev: string;
    operation: 'create' | 'update' | 'delete';
    collection: string;
    rkey: string;
    record?: Obj;
    cid?: string;
  };
  account?: { active: boolean; did: string; seq: number; time: string; status?: string };
  identity?: { did: string; handle: string; seq: number; time: string };
}
interface JetClient {
  ws: WebSocket;
  /** Empty: every collection. Entries may end in `.*` (a prefix). */
  collections: string[];
  /** Empty: every DID. */
  dids: Set<string>;
  /** Replayed and receiving live events (false while a requireHello socket waits for its options_update). */
  live: boolean;
  cursor: number | null;
}

const JSON_CT = 'application/json; charset=utf-8';
const POST = 'app.bsky.feed.post';
const DEFS = 'app.bsky.feed.defs';
const json = (status: number, body: unknown, headers?: Record<string, string>): Reply => ({
  status,
  body: JSON.stringify(body),
  headers: { 'content-type': JSON_CT, ...headers },
});
/** XRPC error envelope; HTTP 400 unless stated (§2.3). */
const xerr = (error: string, message: string, status = 400): Reply => json(status, { error, message });
const DEFAULT_ERR: Record<number, string> = {
  400: 'InvalidRequest',
  401: 'AuthenticationRequired',
  403: 'Forbidden',
  429: 'RateLimitExceeded',
  500: 'InternalServerError',
  501: 'MethodNotImplemented',
  502: 'UpstreamFailure',
  503: 'NotEnoughResources',
  504: 'UpstreamTimeout',
};

/** Multibase base32 (RFC 4648 lower, no padding) as used by CIDv1. */
function base32(buf: Uint8Array): string {
  const A = 'abcdefghijklmnopqrstuvwxyz234567';
  let out = '';
  let val = 0;
  let bits = 0;
  for (const b of buf) {
    val = ((val << 8) | b) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      out += A[(val >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return bits > 0 ? out + A[(val << (5 - bits)) & 31] : out;
}
/** A real CIDv1 (sha2-256) over the given bytes: codec 0x71 dag-cbor → "bafyrei…", 0x55 raw → "bafkrei…". */
const cidOf = (codec: number, data: string | Buffer) =>
  `b${base32(Buffer.concat([Buffer.from([1, codec, 0x12, 0x20]), createHash('sha256').update(data).digest()]))}`;
/** TID record key: 53-bit µs timestamp + 10-bit clock id, base32-sortable, 13 chars (11 for µs, 2 for the clock). */
function tid(us: number, clock: number): string {
  const S = '234567abcdefghijklmnopqrstuvwxyz';
  let s = S[(clock >> 5) & 31]! + S[clock & 31]!;
  for (let i = 0, v = us; i < 11; i++, v = Math.floor(v / 32)) s = S[v % 32]! + s;
  return s;
}
function imageSize(b: Buffer): { width: number; height: number } | null {
  if (b.length >= 24 && b.readUInt32BE(0) === 0x89504e47)
    return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
  if (b.length >= 10 && b.toString('latin1', 0, 3) === 'GIF')
    return { width: b.readUInt16LE(6), height: b.readUInt16LE(8) };
  if (b[0] === 0xff && b[1] === 0xd8) {
    for (let i = 2; i + 9 < b.length; i += 2 + b.readUInt16BE(i + 2)) {
      const mk = b[i + 1] as number;
      if (b[i] !== 0xff) return null;
      if (mk >= 0xc0 && mk <= 0xcf && mk !== 0xc4 && mk !== 0xc8 && mk !== 0xcc)
        return { height: b.readUInt16BE(i + 5), width: b.readUInt16BE(i + 7) };
    }
  }
  return null;
}
/**
 * What the CDN (cdn.bsky.app/img/<preset>/plain/<did>/<cid>@jpeg) serves: the image re-encoded, so other
 * bytes than the blob (a 96×64 PNG came back as a 1000×667 WebP from the real one). Deterministic, so
 * the same image always gives the same copy.
 */
function reencoded(original: Buffer, preset: string): Buffer {
  const digest = createHash('sha256').update(preset).update(original).digest();
  return Buffer.concat([Buffer.from('ffd8ffe000104a46494600', 'hex'), digest, Buffer.from('ffd9', 'hex')]);
}

/** First index whose rkey is > key (strict) or >= key; TIDs sort lexicographically. */
function bound(arr: Post[], key: string, strict: boolean): number {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const m = (lo + hi) >> 1;
    const k = (arr[m] as Post).rkey;
    if (k < key || (strict && k === key)) lo = m + 1;
    else hi = m;
  }
  return lo;
}
function insertSorted(arr: Post[], p: Post): void {
  const last = arr[arr.length - 1];
  if (!last || last.rkey < p.rkey) arr.push(p);
  else arr.splice(bound(arr, p.rkey, false), 0, p);
}

export class FakeBluesky {
  readonly requests: RecordedRequest[] = [];
  private readonly server: Server;
  private base = '';
  private readonly byDid = new Map<string, Acc>();
  private readonly byHandle = new Map<string, Acc>();
  private readonly posts = new Map<string, Post>();
  private readonly children = new Map<string, Post[]>();
  private readonly blobs = new Map<string, Img>();
  private readonly blocks = new Set<string>();
  private readonly corrupt = new Map<string, Buffer>();
  private readonly failures = new InjectedFailures<FailAnswer>();
  private window = { start: 0, count: 0 };
  private clock = Date.parse('2025-01-01T00:00:00.000Z'); // default createdAt: one post per minute from here
  private seq = 0;
  private readonly jwss = new WebSocketServer({ noServer: true, clientTracking: false });
  private readonly jclients = new Set<JetClient>();
  private readonly jlog: { ev: JetstreamEvent; text: string }[] = [];
  private lastUs = 0;
  private jseq = 0;

  private constructor(private readonly opts: FakeBlueskyOptions) {
    this.server = createServer((req, res) =>
      answer(
        res,
        (extra) => this.handle(req, extra),
        (e) => xerr('InternalServerError', String(e), 500),
      ),
    );
    this.server.on('upgrade', (req, socket, head) => this.upgrade(req, socket, head));
  }

  static async start(opts: FakeBlueskyOptions = {}): Promise<FakeBluesky> {
    const f = new FakeBluesky(opts);
    f.base = await listenOnLoopback(f.server);
    return f;
  }
  get url(): string {
    return this.base;
  }

  /** The Jetstream endpoint of this fake: ws://127.0.0.1:<port>/subscribe. */
  get jetstreamUrl(): string {
    return `${this.base.replace(/^http/, 'ws')}/subscribe`;
  }
  /** Open Jetstream WebSockets. */
  get jetstreamClients(): number {
    return this.jclients.size;
  }
  /** Every event this fake's Jetstream has emitted, oldest first (what a cursor replays from). */
  get jetstreamEvents(): readonly JetstreamEvent[] {
    return this.jlog.map((e) => e.ev);
  }
  /** The filters of each open Jetstream WebSocket, as last set by its URL or options_update. */
  get jetstreamSubscriptions(): { collections: string[]; dids: string[]; live: boolean }[] {
    return [...this.jclients].map((c) => ({
      collections: [...c.collections],
      dids: [...c.dids],
      live: c.live,
    }));
  }
  /** The network drops: every Jetstream WebSocket is cut without a close handshake. */
  dropJetstream(): void {
    for (const c of this.jclients) c.ws.terminate();
    this.jclients.clear();
  }

  async close(): Promise<void> {
    this.dropJetstream();
    this.jwss.close();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  // ---- test-side API ----------------------------------------------------------------------------

  /**
   * An account with a did:plc (its document served by this fake's PLC route), or with `didWeb` the
   * did:web of this fake's own host (its document at /.well-known/did.json; one such account per fake).
   * Either document names this fake as the account's PDS.
   */
  addAccount(a: { handle: string; displayName?: string; did?: string; didWeb?: boolean }): {
    did: string;
    handle: string;
  } {
    const handle = a.handle.toLowerCase();
    if (this.byHandle.has(handle)) throw new Error(`account ${handle} exists`);
    const did =
      a.did ??
      (a.didWeb ? `did:web:${encodeURIComponent(new URL(this.base).host)}` : undefined) ??
      `did:plc:${base32(createHash('sha256').update(`${handle}#${this.byDid.size}`).digest()).slice(0, 24)}`;
    const acc: Acc = {
      did,
      handle,
      displayName: a.displayName ?? '',
      createdAt: '2024-11-01T00:00:00.000Z',
      status: 'active',
      posts: [],
    };
    this.byDid.set(did, acc);
    this.byHandle.set(handle, acc);
    this.jet(did, 'identity', (time, seq) => ({ identity: { did, handle, seq, time } }));
    return { did, handle };
  }

  addPost(p: {
    handle: string;
    text: string;
    replyTo?: string;
    /** The AT-URI of a post this one quotes (with images: app.bsky.embed.recordWithMedia). */
    quote?: string;
    images?: FakeImage[];
    langs?: string[];
    labels?: string[];
    createdAt?: string;
  }): { uri: string; cid: string; rkey: string } {
    const acc = this.account(p.handle);
    let ms = this.clock + 60_000;
    if (p.createdAt !== undefined) {
      ms = Date.parse(p.createdAt);
      if (Number.isNaN(ms)) throw new Error(`bad createdAt ${p.createdAt}`);
    }
    this.clock = Math.max(this.clock, ms);
    let reply: Post['reply'];
    const parent = p.replyTo === undefined ? undefined : this.posts.get(this.canonical(p.replyTo) ?? '');
    if (p.replyTo !== undefined) {
      if (!parent) throw new Error(`unknown parent post ${p.replyTo}`);
      reply = {
        root: parent.reply?.root ?? { uri: parent.uri, cid: parent.cid },
        parent: { uri: parent.uri, cid: parent.cid },
      };
    }
    const quoted = p.quote === undefined ? undefined : this.posts.get(this.canonical(p.quote) ?? '');
    if (p.quote !== undefined && !quoted) throw new Error(`unknown quoted post ${p.quote}`);
    let us = ms * 1000 + (this.seq % 1000);
    let rkey = tid(us, this.seq++);
    while (this.posts.has(`at://${acc.did}/${POST}/${rkey}`)) rkey = tid(++us, this.seq);
    const createdAt = new Date(ms).toISOString();
    const post: Post = {
      uri: `at://${acc.did}/${POST}/${rkey}`,
      rkey,
      author: acc,
      cid: '',
      record: {},
      createdAt,
      indexedAt: new Date(ms + 1234).toISOString(),
      images: [],
      reply,
      quote: quoted && { uri: quoted.uri, cid: quoted.cid },
      detached: new Set(),
      counts: { like: 0, repost: 0, reply: 0, quote: 0 },
      deleted: false,
    };
    if (quoted) quoted.counts.quote++;
    this.setRecord(post, p.text, p.images, p.langs ?? ['nl'], p.labels ?? []);
    this.posts.set(post.uri, post);
    insertSorted(acc.posts, post);
    if (parent) {
      const kids = this.children.get(parent.uri) ?? [];
      if (kids.length === 0) this.children.set(parent.uri, kids);
      insertSorted(kids, post);
      parent.counts.reply++;
    }
    this.commit(post, 'create');
    return { uri: post.uri, cid: post.cid, rkey };
  }

  addPosts(n: number, handle: string, make: (i: number) => string = (i) => `Bericht ${i}`): void {
    for (let i = 0; i < n; i++) this.addPost({ handle, text: make(i) });
  }

  /** A protocol-level record update (Jetstream `operation: "update"`): same uri, new cid, no history (§2.4). */
  updatePost(
    uri: string,
    p: { text?: string; images?: FakeImage[]; langs?: string[]; labels?: string[] },
  ): void {
    const post = this.mustGet(uri);
    const r = post.record as { text: string; langs: string[]; labels?: { values: { val: string }[] } };
    const images = p.images ?? post.images.map((i) => ({ bytes: i.bytes, mimeType: i.mimeType, alt: i.alt }));
    this.setRecord(
      post,
      p.text ?? r.text,
      images,
      p.langs ?? r.langs,
      p.labels ?? r.labels?.values.map((v) => v.val) ?? [],
    );
    this.commit(post, 'update');
  }

  setCounts(
    uri: string,
    c: { likeCount?: number; repostCount?: number; replyCount?: number; quoteCount?: number },
  ): void {
    const k = this.mustGet(uri).counts;
    k.like = c.likeCount ?? k.like;
    k.repost = c.repostCount ?? k.repost;
    k.reply = c.replyCount ?? k.reply;
    k.quote = c.quoteCount ?? k.quote;
  }

  deletePost(uri: string): void {
    const p = this.mustGet(uri);
    p.deleted = true;
    const list = p.author.posts;
    const i = bound(list, p.rkey, false);
    if (list[i] === p) list.splice(i, 1);
    const parent = p.reply ? this.posts.get(p.reply.parent.uri) : undefined;
    if (parent) parent.counts.reply = Math.max(0, parent.counts.reply - 1);
    this.commit(p, 'delete');
  }

  /**
   * Moderation takes the account down: getProfile and getAuthorFeed answer AccountTakedown, its
   * posts are hidden; Jetstream says `account` active:false, takendown.
   */
  takedownAccount(handle: string): void {
    this.setStatus(handle, 'takendown');
  }

  /**
   * The owner deactivates the account: getProfile and getAuthorFeed answer AccountDeactivated, its
   * posts are hidden (getPosts leaves them out, getPostThread says NotFound); Jetstream says
   * `account` active:false, deactivated.
   */
  deactivateAccount(handle: string): void {
    this.setStatus(handle, 'deactivated');
  }

  /** The takedown is reversed or the account reactivated: visible again; Jetstream says `account` active:true. */
  restoreAccount(handle: string): void {
    this.setStatus(handle, 'active');
  }

  private setStatus(handle: string, status: Acc['status']): void {
    const a = this.account(handle);
    a.status = status;
    this.jet(a.did, 'account', (time, seq) => ({
      account: {
        active: status === 'active',
        did: a.did,
        seq,
        time,
        ...(status === 'active' ? {} : { status }),
      },
    }));
  }

  /**
   * The account changes its handle (the DID stays): the old handle no longer resolves, views show the
   * new one; Jetstream says `identity` with the new handle.
   */
  changeHandle(from: string, to: string): void {
    const a = this.account(from);
    const handle = to.toLowerCase();
    if (this.byHandle.has(handle)) throw new Error(`account ${handle} exists`);
    this.byHandle.delete(a.handle);
    a.handle = handle;
    this.byHandle.set(handle, a);
    this.jet(a.did, 'identity', (time, seq) => ({ identity: { did: a.did, handle, seq, time } }));
  }

  /** The quoted post's author detaches a quote (postgate detachedEmbeddingUris): the quote shows #viewDetached. */
  detachQuote(quoted: string, quoting: string): void {
    this.mustGet(quoted).detached.add(this.mustGet(quoting).uri);
  }

  /** `blocker` blocks `blocked`: quotes between their posts show #viewBlocked (the AppView's third-party block rule). */
  block(blocker: string, blocked: string): void {
    this.blocks.add(`${this.account(blocker).did} ${this.account(blocked).did}`);
  }

  /** The account's PDS serves other bytes than the blob for this CID (a broken or lying PDS). */
  corruptBlob(cid: string, bytes: Buffer): void {
    this.corrupt.set(cid, bytes);
  }

  failNext(match: RegExp, answer: FailAnswer): void {
    this.failures.add(match, answer, answer.times ?? 1);
  }

  // ---- model helpers ----------------------------------------------------------------------------

  private account(handle: string): Acc {
    const a = this.byHandle.get(handle.toLowerCase());
    if (!a) throw new Error(`unknown account ${handle}`);
    return a;
  }
  private mustGet(uri: string): Post {
    const p = this.posts.get(this.canonical(uri) ?? '');
    if (!p || p.deleted) throw new Error(`unknown or deleted post ${uri}`);
    return p;
  }
  /** Actor param: a DID or a handle (whatever its status: the caller answers for hidden accounts). */
  private actor(id: string): Acc | undefined {
    return id.startsWith('did:') ? this.byDid.get(id) : this.byHandle.get(id.toLowerCase());
  }
  /** getProfile / getAuthorFeed for an actor: not found, taken down or deactivated, as packages/bsky answers. */
  private hidden(a: Acc | undefined): Reply | null {
    if (!a) return xerr('InvalidRequest', 'Profile not found');
    if (a.status === 'takendown') return xerr('AccountTakedown', 'Account has been suspended');
    if (a.status === 'deactivated') return xerr('AccountDeactivated', 'Account is deactivated');
    return null;
  }
  /** at://<did|handle>/app.bsky.feed.post/<rkey> → DID form (handles are resolved), or undefined if not an at-uri. */
  private canonical(uri: string): string | undefined {
    const m = /^at:\/\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(uri);
    if (!m) return undefined;
    const did = (m[1] as string).startsWith('did:')
      ? m[1]
      : this.byHandle.get((m[1] as string).toLowerCase())?.did;
    return `at://${did ?? m[1]}/${m[2]}/${m[3]}`;
  }
  private live(p: Post | undefined): p is Post {
    return !!p && !p.deleted && p.author.status === 'active';
  }

  /** Builds the app.bsky.feed.post record and its CID; image blobs get raw-codec CIDs served by the CDN route. */
  private setRecord(
    post: Post,
    text: string,
    images: FakeImage[] | undefined,
    langs: string[],
    labels: string[],
  ): void {
    post.images = (images ?? []).map((i) => ({
      cid: cidOf(0x55, i.bytes),
      bytes: i.bytes,
      mimeType: i.mimeType,
      alt: i.alt ?? '',
      dims: imageSize(i.bytes),
    }));
    for (const img of post.images) this.blobs.set(`${post.author.did}/${img.cid}`, img);
    const record: Obj = { $type: POST, createdAt: post.createdAt, langs, text };
    if (post.reply) record.reply = post.reply;
    const media = post.images.length
      ? {
          $type: 'app.bsky.embed.images',
          images: post.images.map((i) => ({
            alt: i.alt,
            image: { $type: 'blob', ref: { $link: i.cid }, mimeType: i.mimeType, size: i.bytes.length },
            ...(i.dims ? { aspectRatio: i.dims } : {}),
          })),
        }
      : undefined;
    const quote = post.quote && { $type: 'app.bsky.embed.record', record: post.quote };
    if (quote && media) record.embed = { $type: 'app.bsky.embed.recordWithMedia', record: quote, media };
    else if (quote ?? media) record.embed = quote ?? media;
    if (labels.length)
      record.labels = { $type: 'com.atproto.label.defs#selfLabels', values: labels.map((val) => ({ val })) };
    post.record = record;
    post.cid = cidOf(0x71, JSON.stringify(record));
  }

  /** The images#view of a post's images: CDN URLs of the re-encoded copies (§2.6). */
  private imagesView(p: Post): Obj | undefined {
    if (!p.images.length) return undefined;
    const img = (preset: string, i: Img) => `${this.base}/img/${preset}/plain/${p.author.did}/${i.cid}@jpeg`;
    return {
      $type: 'app.bsky.embed.images#view',
      images: p.images.map((i) => ({
        thumb: img('feed_thumbnail', i),
        fullsize: img('feed_fullsize', i),
        alt: i.alt,
        ...(i.dims ? { aspectRatio: i.dims } : {}),
      })),
    };
  }

  /**
   * What app.bsky.embed.record#view shows of the post `p` quotes: #viewRecord, or #viewNotFound
   * (deleted, author hidden), #viewBlocked (a block between the two authors), #viewDetached (the
   * quoted author detached it), as packages/bsky's views build them.
   */
  private quoteView(p: Post, ref: Ref): Obj {
    const E = 'app.bsky.embed.record';
    const q = this.posts.get(ref.uri);
    if (!this.live(q)) return { $type: `${E}#viewNotFound`, uri: ref.uri, notFound: true };
    if (q.detached.has(p.uri)) return { $type: `${E}#viewDetached`, uri: ref.uri, detached: true };
    const [x, y] = [p.author.did, q.author.did];
    if (this.blocks.has(`${x} ${y}`) || this.blocks.has(`${y} ${x}`))
      return { $type: `${E}#viewBlocked`, uri: ref.uri, blocked: true, author: { did: y, viewer: {} } };
    const images = this.imagesView(q);
    return {
      $type: `${E}#viewRecord`,
      uri: q.uri,
      cid: q.cid,
      author: this.authorView(q.author),
      value: q.record,
      labels: [],
      likeCount: q.counts.like,
      replyCount: q.counts.reply,
      repostCount: q.counts.repost,
      quoteCount: q.counts.quote,
      indexedAt: q.indexedAt,
      ...(images ? { embeds: [images] } : {}),
    };
  }

  /** The post's embed view: images, a quote, or both (recordWithMedia#view). */
  private embedView(p: Post): Obj | undefined {
    const media = this.imagesView(p);
    if (!p.quote) return media;
    const record = { $type: 'app.bsky.embed.record#view', record: this.quoteView(p, p.quote) };
    return media ? { $type: 'app.bsky.embed.recordWithMedia#view', record, media } : record;
  }

  private authorView(a: Acc): Obj {
    return { did: a.did, handle: a.handle, displayName: a.displayName, labels: [], createdAt: a.createdAt };
  }

  /** PostView (§2.4/§2.6). Self-labels are echoed into `labels` as label objects, as the AppView does. */
  private view(p: Post): Obj {
    const a = p.author;
    const embed = this.embedView(p);
    const selfLabels = ((p.record.labels as { values: { val: string }[] } | undefined)?.values ?? []).map(
      (l) => ({ src: a.did, uri: p.uri, cid: p.cid, val: l.val, cts: p.createdAt }),
    );
    return {
      uri: p.uri,
      cid: p.cid,
      author: this.authorView(a),
      record: p.record,
      ...(embed ? { embed } : {}),
      replyCount: p.counts.reply,
      repostCount: p.counts.repost,
      likeCount: p.counts.like,
      quoteCount: p.counts.quote,
      bookmarkCount: 0,
      indexedAt: p.indexedAt,
      labels: selfLabels,
    };
  }
  /** Union member used in reply refs: a postView, or notFoundPost when deleted / taken down. */
  private refView(uri: string): Obj {
    const p = this.posts.get(uri);
    return this.live(p)
      ? { $type: `${DEFS}#postView`, ...this.view(p) }
      : { $type: `${DEFS}#notFoundPost`, uri, notFound: true };
  }

  // ---- Jetstream (§2.5) --------------------------------------------------------------------------

  private commit(p: Post, operation: 'create' | 'update' | 'delete'): void {
    this.jet(p.author.did, 'commit', (_time, seq, us) => ({
      commit: {
        rev: tid(us, seq),
        operation,
        collection: POST,
        rkey: p.rkey,
        ...(operation === 'delete' ? {} : { record: p.record, cid: p.cid }), // a delete has no record
      },
    }));
  }

  /** Appends an event to the log (time_us strictly increasing, from the wall clock) and sends it to live sockets. */
  private jet(
    did: string,
    kind: JetstreamEvent['kind'],
    body: (time: string, seq: number, us: number) => Partial<JetstreamEvent>,
  ): void {
    const us = Math.max(Date.now() * 1000, this.lastUs + 1);
    this.lastUs = us;
    const seq = ++this.jseq;
    const ev = { did, time_us: us, kind, ...body(new Date(Math.floor(us / 1000)).toISOString(), seq, us) };
    const entry = { ev: ev as JetstreamEvent, text: JSON.stringify(ev) };
    this.jlog.push(entry);
    for (const c of this.jclients) if (c.live && this.wants(c, entry.ev)) this.jsend(c, entry.text);
  }

  private wants(c: JetClient, ev: JetstreamEvent): boolean {
    if (c.dids.size > 0 && !c.dids.has(ev.did)) return false;
    if (ev.kind !== 'commit' || c.collections.length === 0) return true; // account/identity ignore collections
    const col = ev.commit?.collection ?? '';
    return c.collections.some((w) => (w.endsWith('.*') ? col.startsWith(w.slice(0, -1)) : col === w));
  }

  private jsend(c: JetClient, text: string): void {
    if (c.ws.readyState === WebSocket.OPEN) c.ws.send(text);
  }

  /** Replays the log from the client's cursor (time_us ≥ cursor), then goes live; a cursor in the future is live. */
  private goLive(c: JetClient): void {
    if (c.cursor !== null) {
      let lo = 0;
      let hi = this.jlog.length;
      while (lo < hi) {
        const m = (lo + hi) >> 1;
        if ((this.jlog[m] as { ev: JetstreamEvent }).ev.time_us < c.cursor) lo = m + 1;
        else hi = m;
      }
      for (let i = lo; i < this.jlog.length; i++) {
        const e = this.jlog[i] as { ev: JetstreamEvent; text: string };
        if (this.wants(c, e.ev)) this.jsend(c, e.text);
      }
    }
    c.live = true;
  }

  /** Validates a filter list like Jetstream: at most 100 collections, 10,000 DIDs. */
  private filters(cols: unknown, dids: unknown): { collections: string[]; dids: string[] } | string {
    const strings = (x: unknown) =>
      x === undefined || x === null || (Array.isArray(x) && x.every((v) => typeof v === 'string'));
    if (!strings(cols) || !strings(dids)) return 'wantedCollections and wantedDids must be arrays of strings';
    const c = (cols as string[] | null | undefined) ?? [];
    const d = (dids as string[] | null | undefined) ?? [];
    if (c.length > 100) return 'too many wantedCollections (max 100)';
    if (d.length > 10_000) return 'too many wantedDids (max 10000)';
    if (d.some((x) => !x.startsWith('did:'))) return 'invalid DID in wantedDids';
    return { collections: c, dids: d };
  }

  /** WebSocket handshake on /subscribe: wantedCollections, wantedDids, cursor, requireHello (§2.5). */
  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => {});
    const raw = req.url ?? '/';
    const u = new URL(raw, this.base);
    this.requests.push({ method: req.method ?? 'GET', path: raw, headers: { ...req.headers } });
    const refuse = (status: number, body: string, headers: Record<string, string> = {}) =>
      refuseUpgrade(socket, status, body, headers);
    if (u.pathname !== '/subscribe') {
      refuse(404, '{"error":"NotFound","message":"Not Found"}');
      return;
    }
    const fail = this.failures.take(u.pathname);
    if (fail) {
      const { status, body, headers } = fail;
      refuse(status, body ?? JSON.stringify({ error: DEFAULT_ERR[status] ?? 'Error' }), headers);
      return;
    }
    const q = u.searchParams;
    const f = this.filters(q.getAll('wantedCollections'), q.getAll('wantedDids'));
    if (typeof f === 'string') {
      refuse(400, JSON.stringify({ error: f }));
      return;
    }
    const cur = q.get('cursor');
    const cursor = cur === null || cur === '' ? null : Number(cur);
    if (cursor !== null && !Number.isSafeInteger(cursor)) {
      refuse(400, JSON.stringify({ error: 'invalid cursor' }));
      return;
    }
    const hello = q.get('requireHello') === 'true';
    this.jwss.handleUpgrade(req, socket, head, (ws) => {
      const c: JetClient = { ws, collections: f.collections, dids: new Set(f.dids), live: false, cursor };
      this.jclients.add(c);
      ws.on('error', () => {});
      ws.on('close', () => this.jclients.delete(c));
      ws.on('message', (data, isBinary) => {
        let msg: { type?: unknown; payload?: { wantedCollections?: unknown; wantedDids?: unknown } };
        try {
          msg = isBinary ? {} : (JSON.parse(String(data)) as typeof msg);
        } catch {
          msg = {};
        }
        if (msg.type !== 'options_update' || !msg.payload || typeof msg.payload !== 'object') {
          ws.close(1008, 'invalid subscriber message'); // invalid messages disconnect the client
          return;
        }
        const next = this.filters(msg.payload.wantedCollections, msg.payload.wantedDids);
        if (typeof next === 'string') {
          ws.close(1008, next);
          return;
        }
        c.collections = next.collections; // an update replaces the whole filter
        c.dids = new Set(next.dids);
        if (!c.live) this.goLive(c);
      });
      if (!hello) this.goLive(c);
    });
  }

  // ---- HTTP -------------------------------------------------------------------------------------

  private handle(req: IncomingMessage, extra: Record<string, string>): Reply {
    const raw = req.url ?? '/';
    const u = new URL(raw, this.base);
    const path = u.pathname;
    this.requests.push({ method: req.method ?? 'GET', path: raw, headers: { ...req.headers } });
    const xrpc = path.startsWith('/xrpc/');
    // The rate limit is the AppView's; the PDS (com.atproto.sync.*) and PLC routes stand for other hosts.
    const over = xrpc && !path.startsWith('/xrpc/com.atproto.sync.') && this.rate(extra);
    const fail = this.failures.take(path);
    if (fail) {
      const { status, body, headers } = fail;
      const name = DEFAULT_ERR[status] ?? (status >= 500 ? 'InternalServerError' : 'InvalidRequest');
      const dflt =
        status === 429
          ? '{"error":"RateLimitExceeded","message":"Rate Limit Exceeded"}'
          : JSON.stringify({ error: name, message: name });
      return { status, body: body ?? dflt, headers: { 'content-type': JSON_CT, ...headers } };
    }
    if (over) return xerr('RateLimitExceeded', 'Rate Limit Exceeded', 429);
    const m = /^\/img\/(feed_thumbnail|feed_fullsize)\/plain\/([^/]+)\/([^/@]+)@[a-z]+$/.exec(path);
    if (m) {
      const img = this.blobs.get(`${decodeURIComponent(m[2] as string)}/${m[3]}`);
      return img
        ? {
            status: 200,
            body: reencoded(img.bytes, m[1] as string),
            headers: { 'content-type': 'image/jpeg', 'cache-control': 'public, max-age=604800' },
          }
        : { status: 404, body: 'Not Found', headers: { 'content-type': 'text/plain' } };
    }
    if (path.startsWith('/did:')) return this.plc(decodeURIComponent(path.slice(1)));
    if (path === '/.well-known/did.json') return this.didWeb();
    if (path === '/xrpc/com.atproto.sync.getBlob') return this.getBlob(u.searchParams);
    if (!xrpc) return xerr('NotFound', 'Not Found', 404);
    return this.xrpc(path.slice(6), u.searchParams);
  }

  /** RateLimit-* headers like @atproto/xrpc-server: Reset is a unix time in seconds, Policy "<limit>;w=<seconds>" (§2.3). */
  private rate(extra: Record<string, string>): boolean {
    const rl = this.opts.rateLimit;
    if (!rl) return false;
    const now = Date.now();
    if (now >= this.window.start + rl.windowMs) this.window = { start: now, count: 0 };
    this.window.count++;
    const resetMs = this.window.start + rl.windowMs;
    extra['RateLimit-Limit'] = String(rl.limit);
    extra['RateLimit-Remaining'] = String(Math.max(0, rl.limit - this.window.count));
    extra['RateLimit-Reset'] = String(Math.floor(resetMs / 1000));
    extra['RateLimit-Policy'] = `${rl.limit};w=${Math.floor(rl.windowMs / 1000)}`;
    const over = this.window.count > rl.limit;
    if (over) extra['Retry-After'] = String(Math.ceil((resetMs - now) / 1000));
    return over;
  }

  private xrpc(method: string, q: URLSearchParams): Reply {
    // Lexicon param validation messages as the reference server words them.
    const need = (k: string) => q.get(k) ?? '';
    const missing = (k: string) => xerr('InvalidRequest', `Error: Params must have the property "${k}"`);
    const int = (k: string, dflt: number, min: number, max: number): number | Reply => {
      const v = q.get(k);
      if (v === null) return dflt;
      const n = Number(v);
      if (!Number.isInteger(n)) return xerr('InvalidRequest', `Error: ${k} must be an integer`);
      if (n < min) return xerr('InvalidRequest', `Error: ${k} can not be less than ${min}`);
      if (n > max) return xerr('InvalidRequest', `Error: ${k} can not be greater than ${max}`);
      return n;
    };
    switch (method) {
      case 'com.atproto.identity.resolveHandle': {
        if (!q.has('handle')) return missing('handle');
        const a = this.byHandle.get(need('handle').toLowerCase());
        return a ? json(200, { did: a.did }) : xerr('InvalidRequest', 'Unable to resolve handle');
      }
      case 'app.bsky.actor.getProfile': {
        if (!q.has('actor')) return missing('actor');
        const a = this.actor(need('actor'));
        const hidden = this.hidden(a);
        if (hidden || !a) return hidden ?? xerr('InvalidRequest', 'Profile not found');
        return json(200, {
          did: a.did,
          handle: a.handle,
          displayName: a.displayName,
          description: '',
          followersCount: 0,
          followsCount: 0,
          postsCount: a.posts.length,
          associated: { lists: 0, feedgens: 0, starterPacks: 0, labeler: false },
          indexedAt: a.createdAt,
          createdAt: a.createdAt,
          labels: [],
        });
      }
      case 'app.bsky.feed.getPostThread': {
        if (!q.has('uri')) return missing('uri');
        const depth = int('depth', 6, 0, 1000);
        const height = int('parentHeight', 80, 0, 1000);
        if (typeof depth !== 'number') return depth;
        if (typeof height !== 'number') return height;
        const uri = need('uri');
        const key = this.canonical(uri);
        if (!key) return xerr('InvalidRequest', 'Error: uri must be a valid at-uri');
        const p = this.posts.get(key);
        if (!this.live(p)) return xerr('NotFound', `Post not found: ${uri}`); // getPostThread.ts: NotFound for a missing anchor
        return json(200, {
          thread: {
            $type: `${DEFS}#threadViewPost`,
            post: this.view(p),
            parent: this.parentNode(p, height),
            replies: this.replies(p, depth),
          },
        });
      }
      case 'app.bsky.feed.getPosts': {
        const uris = q.getAll('uris');
        if (uris.length === 0) return missing('uris');
        if (uris.length > 25)
          return xerr('InvalidRequest', 'Error: uris must not have more than 25 elements');
        const keys = uris.map((x) => this.canonical(x));
        const bad = keys.indexOf(undefined);
        if (bad >= 0) return xerr('InvalidRequest', `Error: uris/${bad} must be a valid at-uri`);
        const found = keys.map((k) => this.posts.get(k ?? '')).filter((p): p is Post => this.live(p)); // missing ones dropped
        return json(200, { posts: found.map((p) => this.view(p)) });
      }
      case 'app.bsky.feed.getAuthorFeed':
        return this.authorFeed(q, int('limit', 50, 1, 100));
      default:
        return xerr('MethodNotImplemented', 'Method Not Implemented', 501);
    }
  }

  // ---- PLC directory, did:web and the PDS ---------------------------------------------------------

  /** A DID document as the PLC directory serves it (GET /<did>), naming this fake as the PDS. */
  private didDocument(a: Acc): Obj {
    return {
      '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'],
      id: a.did,
      alsoKnownAs: [`at://${a.handle}`],
      verificationMethod: [
        {
          id: `${a.did}#atproto`,
          type: 'Multikey',
          controller: a.did,
          publicKeyMultibase: 'zQ3shFakeKeyForTests',
        },
      ],
      service: [{ id: '#atproto_pds', type: 'AtprotoPersonalDataServer', serviceEndpoint: this.base }],
    };
  }

  /** PLC: the document of a did:plc; 404 `DID not registered` for one it does not know (plc.directory's answer). */
  private plc(did: string): Reply {
    const a = did.startsWith('did:plc:') ? this.byDid.get(did) : undefined;
    return a ? json(200, this.didDocument(a)) : json(404, { message: `DID not registered: ${did}` });
  }

  /** did:web: the document of the account whose DID is this host's. */
  private didWeb(): Reply {
    const a = this.byDid.get(`did:web:${encodeURIComponent(new URL(this.base).host)}`);
    return a
      ? json(200, this.didDocument(a))
      : { status: 404, body: 'Not Found', headers: { 'content-type': 'text/plain' } };
  }

  /**
   * com.atproto.sync.getBlob as the reference PDS answers: the blob's bytes with its MIME type, or
   * 400 RepoNotFound / RepoTakendown / RepoDeactivated / BlobNotFound.
   */
  private getBlob(q: URLSearchParams): Reply {
    for (const k of ['did', 'cid'])
      if (!q.get(k)) return xerr('InvalidRequest', `Error: Params must have the property "${k}"`);
    const did = q.get('did') as string;
    const cid = q.get('cid') as string;
    const a = this.byDid.get(did);
    if (!a) return xerr('RepoNotFound', `Could not find repo for DID: ${did}`);
    if (a.status === 'takendown') return xerr('RepoTakendown', `Repo has been takendown: ${did}`);
    if (a.status === 'deactivated') return xerr('RepoDeactivated', `Repo has been deactivated: ${did}`);
    const img = this.blobs.get(`${did}/${cid}`);
    if (!img) return xerr('BlobNotFound', 'Blob not found');
    return {
      status: 200,
      body: this.corrupt.get(cid) ?? img.bytes,
      headers: {
        'content-type': img.mimeType,
        'x-content-type-options': 'nosniff',
        'content-security-policy': "default-src 'none'; sandbox",
      },
    };
  }

  /** Parent chain up to parentHeight; a deleted/taken-down parent becomes notFoundPost and ends the chain (§2.2). */
  private parentNode(p: Post, height: number): Obj | undefined {
    if (!p.reply || height <= 0) return undefined;
    const parent = this.posts.get(p.reply.parent.uri);
    if (!this.live(parent)) return { $type: `${DEFS}#notFoundPost`, uri: p.reply.parent.uri, notFound: true };
    return {
      $type: `${DEFS}#threadViewPost`,
      post: this.view(parent),
      parent: this.parentNode(parent, height - 1),
    };
  }
  /** Replies to `depth` levels, oldest first; deleted replies are simply absent. */
  private replies(p: Post, depth: number): Obj[] | undefined {
    if (depth <= 0) return undefined;
    return (this.children.get(p.uri) ?? [])
      .filter((c) => this.live(c))
      .map((c) => ({
        $type: `${DEFS}#threadViewPost`,
        post: this.view(c),
        replies: this.replies(c, depth - 1),
      }));
  }

  /** getAuthorFeed: newest first; cursor "<ms>__<rkey>" on every non-empty page, like the dataplane's keyset (§2.3). */
  private authorFeed(q: URLSearchParams, limit: number | Reply): Reply {
    if (!q.has('actor')) return xerr('InvalidRequest', 'Error: Params must have the property "actor"');
    if (typeof limit !== 'number') return limit;
    const a = this.actor(q.get('actor') ?? '');
    const hidden = this.hidden(a);
    if (hidden || !a) return hidden ?? xerr('InvalidRequest', 'Profile not found');
    const cursor = q.get('cursor');
    let hi = a.posts.length;
    if (cursor) {
      const [ms, rkey, ...rest] = cursor.split('__');
      if (!ms || !rkey || rest.length || Number.isNaN(Number(ms)))
        return xerr('InvalidRequest', 'Malformed cursor');
      hi = bound(a.posts, rkey, false);
    }
    const filter = q.get('filter') ?? 'posts_with_replies';
    const ok = (p: Post) => {
      if (filter === 'posts_with_media') return p.images.length > 0;
      if (filter === 'posts_with_video') return false;
      if (filter === 'posts_no_replies') return !p.reply;
      if (filter === 'posts_and_author_threads')
        return !p.reply || p.reply.root.uri.startsWith(`at://${a.did}/`);
      return true;
    };
    const page: Post[] = [];
    for (let i = hi - 1; i >= 0 && page.length < limit; i--)
      if (ok(a.posts[i] as Post)) page.push(a.posts[i] as Post);
    const feed = page.map((p) =>
      p.reply
        ? {
            post: this.view(p),
            reply: { root: this.refView(p.reply.root.uri), parent: this.refView(p.reply.parent.uri) },
          }
        : { post: this.view(p) },
    );
    const last = page[page.length - 1];
    return json(200, last ? { feed, cursor: `${Date.parse(last.createdAt)}__${last.rkey}` } : { feed });
  }
}
