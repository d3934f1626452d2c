// Loopback fake of a Mastodon 4.4 instance: the public REST API subset the Archiefbot connector reads.
// Behaviour follows docs/reference/platform-apis.md §1 and the fidelity checklist in §8. With a
// `profile` it behaves like another server of the Mastodon client API (GoToSocial, Akkoma, Hollo):
// their ids, URL shapes, instance answer, and what they lack (issue 17).
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { answer, InjectedFailures, listenOnLoopback, refuseUpgrade } from './listen.ts';

export interface FakeMedia {
  type?: 'image' | 'video' | 'gifv' | 'audio';
  bytes: Buffer;
  contentType: string;
  description?: string | null;
}
/** Which server of the Mastodon client API the fake behaves like. */
export type MastodonProfile = 'mastodon' | 'gotosocial' | 'akkoma' | 'hollo';

/** How each profile's server differs from Mastodon, as far as the connector can tell. */
interface ProfileTraits {
  /** Status and account ids from (time in ms, sequence number); each kind sorts by time as text. */
  id: (ms: number, seq: number) => string;
  statusUrl: (base: string, user: string, id: string) => string;
  statusUri: (base: string, user: string, id: string) => string;
  /** `GET /api/v1/statuses?id[]=` (Mastodon 4.3+ only). */
  batch: boolean;
  /** `GET /api/v1/statuses/:id/history`. */
  history: boolean;
  /** An edit changes the content without setting `edited_at`. */
  silentEdits: boolean;
  /** `GET /api/v1/accounts/:id/statuses` answers 401 without a token. */
  tokenTimelines: boolean;
  /** The instance answer: on /api/v2/instance, or only on /api/v1/instance. */
  instance: { path: '/api/v2/instance' | '/api/v1/instance'; body: (base: string, host: string) => unknown };
}

const B32 = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const B62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
function encode(n: bigint, alphabet: string, width: number): string {
  const radix = BigInt(alphabet.length);
  let out = '';
  for (let v = n; v > 0n; v /= radix) out = alphabet[Number(v % radix)] + out;
  return out.padStart(width, alphabet[0]);
}
const hex = (n: bigint, width: number) => n.toString(16).padStart(width, '0');
/** UUIDv7 (Hollo): 48 bits of milliseconds, then the sequence where the random bits go. */
const uuid7 = (ms: number, seq: number) => {
  const t = hex(BigInt(ms), 12);
  const r = hex(BigInt(seq), 15);
  return `${t.slice(0, 8)}-${t.slice(8)}-7${r.slice(0, 3)}-8${r.slice(3, 6)}-${r.slice(3, 15)}`;
};
/** ULID (GoToSocial): 10 characters of time, 16 of "randomness", Crockford base32. */
const ulid = (ms: number, seq: number) => encode(BigInt(ms), B32, 10) + encode(BigInt(seq) * 7919n, B32, 16);
/** FlakeId (Akkoma, Pleroma): 64 bits of time, 64 of worker and sequence, base62. */
const flake = (ms: number, seq: number) => encode((BigInt(ms) << 64n) | BigInt(seq), B62, 22);

const mastodonUrl = (base: string, user: string, id: string) => `${base}/@${user}/${id}`;
const usersUri = (base: string, user: string, id: string) => `${base}/users/${user}/statuses/${id}`;
const instanceV2 = (title: string, version: string, sourceUrl: string) => ({
  path: '/api/v2/instance' as const,
  body: (base: string, host: string) => ({
    domain: host,
    title,
    version,
    source_url: sourceUrl,
    description: '',
    languages: ['nl'],
    configuration: { urls: { streaming: base.replace(/^http/, 'ws') } },
    registrations: { enabled: false },
    rules: [],
  }),
});

export const PROFILES: Record<MastodonProfile, ProfileTraits> = {
  mastodon: {
    id: (ms, seq) => ((BigInt(ms) << 16n) | BigInt(seq & 0xffff)).toString(),
    statusUrl: mastodonUrl,
    statusUri: usersUri,
    batch: true,
    history: true,
    silentEdits: false,
    tokenTimelines: false,
    instance: instanceV2('Fake Mastodon', '4.4.0', 'https://github.com/mastodon/mastodon'),
  },
  gotosocial: {
    id: ulid,
    statusUrl: (base, user, id) => `${base}/@${user}/statuses/${id}`,
    statusUri: usersUri,
    batch: false,
    history: true,
    silentEdits: false,
    tokenTimelines: true,
    instance: instanceV2(
      'Fake GoToSocial',
      '0.17.3+git-2b8c5e1',
      'https://github.com/superseriousbusiness/gotosocial',
    ),
  },
  akkoma: {
    id: flake,
    statusUrl: (base, _user, id) => `${base}/notice/${id}`,
    statusUri: (base, _user, id) =>
      `${base}/objects/${createHash('sha256').update(id).digest('hex').slice(0, 32)}`,
    batch: false,
    history: true,
    silentEdits: false,
    tokenTimelines: false,
    instance: {
      path: '/api/v1/instance',
      body: (base, host) => ({
        uri: host,
        title: 'Fake Akkoma',
        version: '2.7.2 (compatible; Akkoma 3.13.2)',
        urls: { streaming_api: base.replace(/^http/, 'ws') },
        languages: ['nl'],
      }),
    },
  },
  hollo: {
    id: uuid7,
    statusUrl: mastodonUrl,
    statusUri: mastodonUrl,
    batch: false,
    history: false,
    silentEdits: true,
    tokenTimelines: true,
    instance: instanceV2(
      'Fake Hollo',
      '4.0.0 (compatible; Hollo 0.10.0)',
      'https://github.com/fedify-dev/hollo',
    ),
  },
};

export interface FakeMastodonOptions {
  /** The server the fake behaves like (default 'mastodon'). */
  profile?: MastodonProfile;
  /** Tokens the REST API accepts where it asks for one. Without it any non-empty token is valid. */
  apiTokens?: string[];
  /** Enforced limit (rack-attack style fixed window). Without it the headers are still sent, with a 1,000,000 limit. */
  rateLimit?: { limit: number; windowMs: number };
  /** Limited-federation mode: every /api/ request without `Authorization: Bearer …` gets 401. */
  requireAuth?: boolean;
  /** Tokens the streaming API accepts. Without it any non-empty token is a valid user token. */
  streamingTokens?: string[];
  /** Each HTTP answer waits this long first (a real server over a real network; benchmarks). */
  latencyMs?: number;
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

type Visibility = 'public' | 'unlisted' | 'private' | 'direct';
interface Reply {
  status: number;
  body: string | Buffer;
  headers?: Record<string, string>;
}
interface Account {
  id: string;
  username: string;
  displayName: string;
  note: string;
  createdAt: string;
  suspended: boolean;
  listed: Status[];
  count: number;
  lastAt: number;
  json?: string | undefined;
}
interface Version {
  content: string;
  spoilerText: string;
  sensitive: boolean;
  createdAt: string;
  media: Record<string, unknown>[];
}
interface Status {
  id: string;
  account: Account;
  inReplyToId: string | null;
  inReplyToAccountId: string | null;
  visibility: Visibility;
  language: string | null;
  createdAt: string;
  editedAt: string | null;
  versions: Version[];
  counts: { replies: number; reblogs: number; favourites: number };
  deleted: boolean;
  json?: string | undefined;
}

/** A WebSocket on /api/v1/streaming and the streams it subscribed to (§1.7). */
interface StreamClient {
  ws: WebSocket;
  token: string;
  subs: Set<string>;
}
/** Stream names Mastodon's streaming server knows; only these can be subscribed to. */
const STREAMS = new Set([
  'user',
  'user:notification',
  'public',
  'public:local',
  'public:remote',
  'public:media',
  'public:local:media',
  'public:remote:media',
  'hashtag',
  'hashtag:local',
  'list',
  'direct',
]);
const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  404: 'Not Found',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

const JSON_CT = 'application/json; charset=utf-8';
const NOT_FOUND = '{"error":"Record not found"}';
const EXT: Record<string, string> = {
  'image/jpeg': 'jpeg',
  'image/png': 'png',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'video/mp4': 'mp4',
  'audio/mpeg': 'mp3',
  'audio/ogg': 'ogg',
};
const BLURHASH = 'UFBWY:8_0Jxv4mx]t8t64.%M-:IUWGWAt6M}';
const jsonText = (status: number, body: string, headers?: Record<string, string>): Reply => ({
  status,
  body,
  headers: { 'content-type': JSON_CT, ...headers },
});
const json = (status: number, body: unknown, headers?: Record<string, string>): Reply =>
  jsonText(status, JSON.stringify(body), headers);
const html = (status: number, body: string): Reply => ({
  status,
  body: `<!DOCTYPE html><html><body>${body}</body></html>`,
  headers: { 'content-type': 'text/html; charset=utf-8' },
});
const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
const iso = (ms: number) => new Date(ms).toISOString();

/** Snowflake ids are numeric strings; compare by length first so they sort numerically. */
const cmpId = (a: string, b: string) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
/** First index whose id is > id (strict) or >= id. */
function bound(arr: Status[], id: string, strict: boolean): number {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const m = (lo + hi) >> 1;
    const c = cmpId((arr[m] as Status).id, id);
    if (c < 0 || (strict && c === 0)) lo = m + 1;
    else hi = m;
  }
  return lo;
}
function insertSorted(arr: Status[], s: Status): void {
  const last = arr[arr.length - 1];
  if (!last || cmpId(last.id, s.id) < 0) arr.push(s);
  else arr.splice(bound(arr, s.id, false), 0, s);
}
/** PNG/GIF/JPEG dimensions, for `meta.original` like Mastodon's paperclip processing. */
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

export class FakeMastodon {
  readonly requests: RecordedRequest[] = [];
  private readonly server: Server;
  private base = '';
  private readonly accounts = new Map<string, Account>();
  private readonly byName = new Map<string, Account>();
  private readonly statuses = new Map<string, Status>();
  private readonly children = new Map<string, Status[]>();
  private readonly files = new Map<string, FakeMedia>();
  private readonly failures = new InjectedFailures<FailAnswer>();
  private window = { start: 0, count: 0 };
  private clock = Date.parse('2025-01-01T00:00:00.000Z'); // default created_at: one status per minute from here
  private seq = 0;
  private readonly wss = new WebSocketServer({ noServer: true, clientTracking: false });
  private readonly streams = new Set<StreamClient>();
  readonly profile: MastodonProfile;
  private readonly traits: ProfileTraits;

  private constructor(private readonly opts: FakeMastodonOptions) {
    this.profile = opts.profile ?? 'mastodon';
    this.traits = PROFILES[this.profile];
    const latency = opts.latencyMs ?? 0;
    this.server = createServer((req, res) => {
      const go = () =>
        answer(
          res,
          (extra) => this.handle(req, extra),
          (e) => json(500, { error: String(e) }),
        );
      if (latency > 0) setTimeout(go, latency);
      else go();
    });
    this.server.on('upgrade', (req, socket, head) => this.upgrade(req, socket, head));
  }

  static async start(opts: FakeMastodonOptions = {}): Promise<FakeMastodon> {
    const f = new FakeMastodon(opts);
    f.base = await listenOnLoopback(f.server);
    return f;
  }
  get url(): string {
    return this.base;
  }
  get host(): string {
    return this.base.replace(/^https?:\/\//, '');
  }

  async close(): Promise<void> {
    this.dropStreams();
    this.wss.close();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  /** Open streaming WebSockets (subscribed or not). */
  get streamClients(): number {
    return this.streams.size;
  }

  /** Open streaming WebSockets subscribed to `stream`. */
  streamSubscribers(stream = 'user'): number {
    let n = 0;
    for (const c of this.streams) if (c.subs.has(stream)) n++;
    return n;
  }

  /** The network drops: every streaming WebSocket is cut without a close handshake. */
  dropStreams(): void {
    for (const c of this.streams) c.ws.terminate();
    this.streams.clear();
  }

  // ---- test-side API ----------------------------------------------------------------------------

  addAccount(a: { username: string; displayName?: string; note?: string }): {
    id: string;
    username: string;
    url: string;
  } {
    if (this.byName.has(a.username.toLowerCase())) throw new Error(`account ${a.username} exists`);
    const n = this.accounts.size + 1;
    const id =
      this.profile === 'mastodon'
        ? String(109000000000000000n + BigInt(n))
        : this.traits.id(Date.parse('2023-07-01T00:00:00.000Z') + n, n);
    const acc: Account = {
      id,
      username: a.username,
      displayName: a.displayName ?? a.username,
      note: a.note ?? '',
      createdAt: '2023-07-01T00:00:00.000Z',
      suspended: false,
      listed: [],
      count: 0,
      lastAt: 0,
    };
    this.accounts.set(id, acc);
    this.byName.set(a.username.toLowerCase(), acc);
    return { id, username: a.username, url: `${this.base}/@${a.username}` };
  }

  addStatus(s: {
    username: string;
    content: string;
    inReplyToId?: string;
    visibility?: Visibility;
    spoilerText?: string;
    sensitive?: boolean;
    language?: string;
    media?: FakeMedia[];
    createdAt?: string;
  }): { id: string; url: string; uri: string } {
    const st = this.insert(
      this.account(s.username),
      s.content,
      s.createdAt,
      s.inReplyToId ?? null,
      s.visibility ?? 'public',
    );
    const v = st.versions[0] as Version;
    if (s.spoilerText !== undefined) v.spoilerText = s.spoilerText;
    if (s.media?.length) v.media = s.media.map((m) => this.media(m));
    v.sensitive = s.sensitive ?? v.spoilerText !== '';
    if (s.language !== undefined) st.language = s.language;
    this.stream('update', st);
    return { id: st.id, url: this.statusUrl(st), uri: this.statusUri(st) };
  }

  /** Bulk insert for benchmarks: no media, no per-status serialisation (JSON is built lazily and cached). */
  addStatuses(n: number, username: string, make: (i: number) => string = (i) => `<p>Bericht ${i}</p>`): void {
    const acc = this.account(username);
    for (let i = 0; i < n; i++) this.stream('update', this.insert(acc, make(i), undefined, null, 'public'));
  }

  /** An edit appends a StatusEdit version and sets edited_at (§1.5), except on a server of silent edits. */
  editStatus(
    id: string,
    e: { content?: string; spoilerText?: string; sensitive?: boolean; media?: FakeMedia[] },
  ): void {
    const s = this.mustGet(id);
    const cur = s.versions[s.versions.length - 1] as Version;
    const at = iso(Math.max(Date.now(), Date.parse(cur.createdAt) + 1000));
    s.versions.push({
      content: e.content ?? cur.content,
      spoilerText: e.spoilerText ?? cur.spoilerText,
      sensitive: e.sensitive ?? cur.sensitive,
      createdAt: at,
      media: e.media ? e.media.map((m) => this.media(m)) : cur.media,
    });
    if (!this.traits.silentEdits) s.editedAt = at;
    s.json = undefined;
    this.stream('status.update', s);
  }

  setCounts(id: string, c: { favourites?: number; reblogs?: number; replies?: number }): void {
    const s = this.mustGet(id);
    Object.assign(s.counts, Object.fromEntries(Object.entries(c).filter(([, v]) => v !== undefined)));
    s.json = undefined;
  }

  deleteStatus(id: string): void {
    const s = this.mustGet(id);
    s.deleted = true;
    const list = s.account.listed;
    const i = bound(list, id, false);
    if (list[i] === s) list.splice(i, 1);
    s.account.count--;
    s.account.json = undefined;
    const parent = s.inReplyToId ? this.statuses.get(s.inReplyToId) : undefined;
    if (parent && s.visibility !== 'direct') {
      parent.counts.replies = Math.max(0, parent.counts.replies - 1);
      parent.json = undefined;
    }
    this.stream('delete', s);
  }

  suspendAccount(username: string): void {
    const a = this.account(username);
    a.suspended = true;
    a.json = undefined;
  }

  failNext(match: RegExp, answer: FailAnswer): void {
    this.failures.add(match, answer, answer.times ?? 1);
  }

  // ---- model helpers ----------------------------------------------------------------------------

  private account(username: string): Account {
    const a = this.byName.get(username.toLowerCase());
    if (!a) throw new Error(`unknown account ${username}`);
    return a;
  }
  private mustGet(id: string): Status {
    const s = this.statuses.get(id);
    if (!s || s.deleted) throw new Error(`unknown or deleted status ${id}`);
    return s;
  }

  /** Ids are snowflakes ((ms << 16) | seq) like Mastodon's, so id order == created_at order. */
  private insert(
    acc: Account,
    content: string,
    createdAt: string | undefined,
    inReplyToId: string | null,
    visibility: Visibility,
  ): Status {
    let ms = this.clock + 60_000;
    if (createdAt !== undefined) {
      ms = Date.parse(createdAt);
      if (Number.isNaN(ms)) throw new Error(`bad createdAt ${createdAt}`);
    }
    this.clock = Math.max(this.clock, ms);
    const parent = inReplyToId === null ? undefined : this.statuses.get(inReplyToId);
    if (inReplyToId !== null && !parent) throw new Error(`unknown parent status ${inReplyToId}`);
    const id = this.traits.id(ms, this.seq++);
    const at = iso(ms);
    const s: Status = {
      id,
      account: acc,
      inReplyToId,
      inReplyToAccountId: parent ? parent.account.id : null,
      visibility,
      language: 'nl',
      createdAt: at,
      editedAt: null,
      versions: [{ content, spoilerText: '', sensitive: false, createdAt: at, media: [] }],
      counts: { replies: 0, reblogs: 0, favourites: 0 },
      deleted: false,
    };
    this.statuses.set(id, s);
    if (visibility === 'public' || visibility === 'unlisted') insertSorted(acc.listed, s);
    acc.count++;
    acc.lastAt = Math.max(acc.lastAt, ms);
    acc.json = undefined;
    if (parent) {
      const kids = this.children.get(parent.id) ?? [];
      if (kids.length === 0) this.children.set(parent.id, kids);
      insertSorted(kids, s);
      if (visibility !== 'direct') {
        parent.counts.replies++;
        parent.json = undefined;
      }
    }
    return s;
  }

  /** MediaAttachment entity; the file itself is served by this fake under /system/media_attachments/…. */
  private media(m: FakeMedia): Record<string, unknown> {
    const id = String(110000000000000000n + BigInt(this.files.size + 1));
    const hash = createHash('sha256').update(m.bytes).digest('hex').slice(0, 16);
    const ext = EXT[m.contentType] ?? m.contentType.split('/')[1]?.replace(/[^a-z0-9]/g, '') ?? 'bin';
    const major = m.contentType.split('/')[0];
    const type = m.type ?? (major === 'image' || major === 'video' || major === 'audio' ? major : 'unknown');
    const path = `/system/media_attachments/files/${id}/original/${hash}.${ext}`;
    const small = `/system/media_attachments/files/${id}/small/${hash}.${ext}`;
    this.files.set(path, m);
    this.files.set(small, m);
    const dim = imageSize(m.bytes);
    const original = dim
      ? {
          width: dim.width,
          height: dim.height,
          size: `${dim.width}x${dim.height}`,
          aspect: dim.width / dim.height,
        }
      : undefined;
    return {
      id,
      type,
      url: this.base + path,
      preview_url: type === 'audio' ? null : this.base + small,
      remote_url: null,
      preview_remote_url: null,
      text_url: null,
      meta: original ? { original, small: original } : {},
      description: m.description ?? null,
      blurhash: type === 'audio' ? null : BLURHASH,
    };
  }

  private statusUrl(s: Status) {
    return this.traits.statusUrl(this.base, s.account.username, s.id);
  }
  private statusUri(s: Status) {
    return this.traits.statusUri(this.base, s.account.username, s.id);
  }
  /** StatusPolicy#show? for an anonymous / non-following caller: public+unlisted, author available (§1.6). */
  private visible(s: Status | undefined): s is Status {
    return (
      !!s && !s.deleted && !s.account.suspended && (s.visibility === 'public' || s.visibility === 'unlisted')
    );
  }

  /** Account entity; a suspended account is rendered blanked with `suspended: true` (§1.1, since 3.3). */
  private accountJson(a: Account): string {
    if (a.json !== undefined) return a.json;
    const gone = a.suspended;
    const avatar = `${this.base}/avatars/original/missing.png`;
    const header = `${this.base}/headers/original/missing.png`;
    a.json = JSON.stringify({
      id: a.id,
      username: a.username,
      acct: a.username,
      display_name: gone ? '' : a.displayName,
      locked: false,
      bot: false,
      discoverable: !gone,
      indexable: !gone,
      group: false,
      created_at: a.createdAt,
      note: gone ? '' : a.note,
      url: `${this.base}/@${a.username}`,
      uri: `${this.base}/users/${a.username}`,
      avatar,
      avatar_static: avatar,
      header,
      header_static: header,
      followers_count: 0,
      following_count: 0,
      statuses_count: gone ? 0 : a.count,
      last_status_at: a.lastAt && !gone ? iso(a.lastAt).slice(0, 10) : null,
      hide_collections: false,
      noindex: false,
      emojis: [],
      roles: [],
      fields: [],
      ...(gone ? { suspended: true } : {}),
    });
    return a.json;
  }

  /** Status entity (§1.4/§1.8). The status part is cached; the account is spliced in so its counters stay current. */
  private statusJson(s: Status): string {
    if (s.json === undefined) {
      const v = s.versions[s.versions.length - 1] as Version;
      s.json = JSON.stringify({
        id: s.id,
        created_at: s.createdAt,
        in_reply_to_id: s.inReplyToId,
        in_reply_to_account_id: s.inReplyToAccountId,
        sensitive: v.sensitive,
        spoiler_text: v.spoilerText,
        visibility: s.visibility,
        language: s.language,
        uri: this.statusUri(s),
        url: this.statusUrl(s),
        replies_count: s.counts.replies,
        reblogs_count: s.counts.reblogs,
        favourites_count: s.counts.favourites,
        quotes_count: 0,
        edited_at: s.editedAt,
        content: v.content,
        reblog: null,
        application: { name: 'Web', website: null },
        media_attachments: v.media,
        mentions: [],
        tags: [],
        emojis: [],
        card: null,
        poll: null,
        quote: null,
      }).slice(0, -1);
    }
    return `${s.json},"account":${this.accountJson(s.account)}}`;
  }
  private list(statuses: Status[]): string {
    return `[${statuses.map((s) => this.statusJson(s)).join(',')}]`;
  }

  // ---- streaming (§1.7) --------------------------------------------------------------------------

  /**
   * Pushes an event to every subscribed streaming socket. The token's account follows every account
   * here, so its `user` stream carries all statuses but direct ones; `public` and `public:local` carry
   * public ones. `delete` has the bare id as payload; `update`/`status.update` the Status as a JSON
   * string inside the JSON frame.
   */
  private stream(event: 'update' | 'status.update' | 'delete', s: Status): void {
    if (this.streams.size === 0 || s.visibility === 'direct') return;
    let payload: string | undefined;
    for (const c of this.streams) {
      if (c.ws.readyState !== WebSocket.OPEN) continue;
      for (const name of c.subs) {
        const wants =
          name === 'user' || ((name === 'public' || name === 'public:local') && s.visibility === 'public');
        if (!wants) continue;
        payload ??= event === 'delete' ? s.id : this.statusJson(s);
        c.ws.send(JSON.stringify({ stream: [name], event, payload }));
      }
    }
  }

  /** WebSocket handshake on /api/v1/streaming: a user token is required since 4.2 (§1.7). */
  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => {});
    const raw = req.url ?? '/';
    const u = new URL(raw, this.base);
    this.requests.push({ method: req.method ?? 'GET', path: raw, headers: { ...req.headers } });
    const refuse = (status: number, body: string, headers: Record<string, string> = {}) =>
      refuseUpgrade(socket, status, body, headers, STATUS_TEXT[status] ?? 'Error');
    if (u.pathname !== '/api/v1/streaming' && u.pathname !== '/api/v1/streaming/') {
      refuse(404, '{"error":"Not Found"}');
      return;
    }
    const fail = this.failures.take(u.pathname);
    if (fail) {
      const { status, body, headers } = fail;
      refuse(status, body ?? JSON.stringify({ error: STATUS_TEXT[status] ?? 'Error' }), headers);
      return;
    }
    const bearer = /^Bearer\s+(\S+)/i.exec(req.headers.authorization ?? '')?.[1];
    const protocol = req.headers['sec-websocket-protocol']?.split(',')[0]?.trim();
    const token = u.searchParams.get('access_token') || bearer || protocol || '';
    if (!token) {
      refuse(401, '{"error":"Missing access token"}');
      return;
    }
    if (this.opts.streamingTokens && !this.opts.streamingTokens.includes(token)) {
      refuse(401, '{"error":"Invalid access token"}');
      return;
    }
    const first = u.searchParams.get('stream');
    if (first !== null && !STREAMS.has(first)) {
      refuse(400, '{"error":"Unknown channel requested"}');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const c: StreamClient = { ws, token, subs: new Set(first ? [first] : []) };
      this.streams.add(c);
      ws.on('error', () => {});
      ws.on('close', () => this.streams.delete(c));
      ws.on('message', (data, isBinary) => {
        if (isBinary) return;
        let msg: { type?: unknown; stream?: unknown };
        try {
          msg = JSON.parse(String(data)) as typeof msg;
        } catch {
          ws.send(JSON.stringify({ error: 'Error parsing JSON payload', status: 400 }));
          return;
        }
        if (msg.type !== 'subscribe' && msg.type !== 'unsubscribe') return;
        if (typeof msg.stream !== 'string' || !STREAMS.has(msg.stream)) {
          ws.send(JSON.stringify({ error: 'Unknown stream type', status: 400 }));
          return;
        }
        if (msg.type === 'subscribe') c.subs.add(msg.stream);
        else c.subs.delete(msg.stream);
      });
    });
  }

  // ---- HTTP -------------------------------------------------------------------------------------

  private handle(req: IncomingMessage, extra: Record<string, string>): Reply {
    const raw = req.url ?? '/';
    const u = new URL(raw, this.base);
    const path = u.pathname;
    this.requests.push({ method: req.method ?? 'GET', path: raw, headers: { ...req.headers } });
    const api = path.startsWith('/api/');
    const over = api && this.rate(extra);
    const fail = this.failures.take(path);
    if (fail) {
      const { status, body, headers } = fail;
      if (body === undefined && status >= 500)
        return {
          ...html(status, `<h1>${status}</h1>`),
          headers: { 'content-type': 'text/html; charset=utf-8', ...headers },
        };
      const dflt =
        status === 429
          ? '{"error":"Too many requests"}'
          : status === 401
            ? '{"error":"This API requires an authenticated user"}'
            : NOT_FOUND;
      return jsonText(status, body ?? dflt, headers);
    }
    if (over) return jsonText(429, '{"error":"Too many requests"}'); // §1.3
    const token = /^Bearer\s+(\S+)/i.exec(req.headers.authorization ?? '')?.[1];
    const authed = token !== undefined && (!this.opts.apiTokens || this.opts.apiTokens.includes(token));
    const instance = path === '/api/v2/instance' || path === '/api/v1/instance';
    if (api && this.opts.requireAuth && !authed && !instance)
      return jsonText(401, '{"error":"This API requires an authenticated user"}');
    if (req.method !== 'GET' && req.method !== 'HEAD') return jsonText(404, '{"error":"Not Found"}');
    return this.route(path, u.searchParams, authed);
  }

  /** X-RateLimit-* headers on every API answer; fixed windows aligned like rack-attack's (§1.3). */
  private rate(extra: Record<string, string>): boolean {
    const { limit, windowMs } = this.opts.rateLimit ?? { limit: 1_000_000, windowMs: 300_000 };
    const now = Date.now();
    const start = now - (now % windowMs);
    if (start !== this.window.start) this.window = { start, count: 0 };
    this.window.count++;
    extra['X-RateLimit-Limit'] = String(limit);
    extra['X-RateLimit-Remaining'] = String(Math.max(0, limit - this.window.count));
    extra['X-RateLimit-Reset'] = iso(start + windowMs);
    return this.window.count > limit;
  }

  private route(path: string, q: URLSearchParams, authed: boolean): Reply {
    if (path === this.traits.instance.path) return json(200, this.traits.instance.body(this.base, this.host));
    if (path === '/api/v1/statuses' && this.traits.batch) {
      // Batch lookup (4.3+): missing/deleted/private ids silently omitted; more than 20 ids → 422.
      const ids = [...new Set([...q.getAll('id[]'), ...q.getAll('id')])];
      if (ids.length > 20) return jsonText(422, '{"error":"Mastodon::ValidationError"}');
      return jsonText(200, this.list(ids.map((id) => this.statuses.get(id)).filter((s) => this.visible(s))));
    }
    let m = /^\/api\/v1\/statuses\/([^/]+)(?:\/(context|history))?$/.exec(path);
    if (m) {
      const s = this.statuses.get(m[1] as string);
      if (!this.visible(s)) return jsonText(404, NOT_FOUND);
      if (m[2] === 'context') return this.context(s, authed);
      if (m[2] === 'history' && !this.traits.history) return jsonText(404, '{"error":"Not Found"}');
      if (m[2] === 'history') {
        const acc = this.accountJson(s.account);
        const items = s.versions.map((v) => {
          const e = {
            content: v.content,
            spoiler_text: v.spoilerText,
            sensitive: v.sensitive,
            created_at: v.createdAt,
            media_attachments: v.media,
            emojis: [],
          };
          return `${JSON.stringify(e).slice(0, -1)},"account":${acc}}`;
        });
        return jsonText(200, `[${items.join(',')}]`);
      }
      return jsonText(200, this.statusJson(s));
    }
    if (path === '/api/v1/accounts/lookup') {
      const acct = (q.get('acct') ?? '').replace(/^@/, '');
      const [user, domain] = acct.split('@');
      const a =
        domain === undefined || domain === this.host
          ? this.byName.get((user ?? '').toLowerCase())
          : undefined;
      return a ? jsonText(200, this.accountJson(a)) : jsonText(404, NOT_FOUND);
    }
    m = /^\/api\/v1\/accounts\/([^/]+)(\/statuses)?$/.exec(path);
    if (m) {
      const a = this.accounts.get(m[1] as string);
      if (!a) return jsonText(404, NOT_FOUND);
      if (m[2] && this.traits.tokenTimelines && !authed)
        return jsonText(401, '{"error":"The access token is invalid"}');
      return m[2] ? this.accountStatuses(a, q) : jsonText(200, this.accountJson(a));
    }
    const file = this.files.get(path);
    if (file)
      return {
        status: 200,
        body: file.bytes,
        headers: {
          'content-type': file.contentType,
          'cache-control': 'public, max-age=315576000, immutable',
        },
      };
    m = /^\/@([^/]+)(?:\/(?:statuses\/)?([0-9A-Za-z-]+))?$/.exec(path);
    if (m) {
      // Web pages (not used by the connector); suspended accounts are 410 Gone on web routes (§1.1).
      const a = this.byName.get(decodeURIComponent(m[1] as string).toLowerCase());
      if (!a) return html(404, '<h1>Not Found</h1>');
      if (a.suspended) return html(410, '<h1>Gone</h1>');
      if (!m[2])
        return html(200, `<h1>${esc(a.displayName)}</h1><p>@${esc(a.username)}@${esc(this.host)}</p>`);
      const s = this.statuses.get(m[2]);
      return this.visible(s) && s.account === a
        ? html(200, `<article>${this.versionOf(s).content}</article>`)
        : html(404, '<h1>Not Found</h1>');
    }
    return jsonText(404, '{"error":"Not Found"}');
  }
  private versionOf(s: Status): Version {
    return s.versions[s.versions.length - 1] as Version;
  }

  /** Thread context. Anonymous: nearest 40 ancestors, 60 descendants to depth 20 (§1.1); deleted ones break the chain. */
  private context(s: Status, authed: boolean): Reply {
    const [aMax, dMax, depthMax] = authed ? [4096, 4096, Number.POSITIVE_INFINITY] : [40, 60, 20];
    const anc: Status[] = [];
    for (
      let p = s.inReplyToId ? this.statuses.get(s.inReplyToId) : undefined;
      p && !p.deleted && anc.length < aMax;
      p = p.inReplyToId ? this.statuses.get(p.inReplyToId) : undefined
    )
      anc.push(p);
    const desc: Status[] = [];
    const walk = (id: string, depth: number): void => {
      for (const c of this.children.get(id) ?? []) {
        if (desc.length >= dMax) return;
        if (c.deleted) continue;
        desc.push(c);
        if (depth < depthMax) walk(c.id, depth + 1);
      }
    };
    walk(s.id, 1);
    const vis = (x: Status) => this.visible(x);
    return jsonText(
      200,
      `{"ancestors":${this.list(anc.filter(vis).reverse())},"descendants":${this.list(desc.filter(vis))}}`,
    );
  }

  /** Account timeline: newest first, max_id/since_id/min_id, limit ≤ 40, Link header like Mastodon (§1.2). */
  private accountStatuses(a: Account, q: URLSearchParams): Reply {
    if (a.suspended || q.get('pinned') === 'true') return jsonText(200, '[]'); // statuses_controller: unavailable account → []
    const limit = Math.min(Math.abs(Number.parseInt(q.get('limit') ?? '', 10)) || 20, 40);
    const maxId = q.get('max_id');
    const sinceId = q.get('since_id');
    const minId = q.get('min_id');
    const onlyMedia = q.get('only_media') === 'true';
    const noReplies = q.get('exclude_replies') === 'true';
    const ok = (s: Status) =>
      (!onlyMedia || this.versionOf(s).media.length > 0) &&
      (!noReplies || s.inReplyToId === null || s.inReplyToAccountId === a.id);
    const arr = a.listed;
    const hi = maxId ? bound(arr, maxId, false) : arr.length;
    const page: Status[] = [];
    if (minId) {
      // paginate_by_min_id: the statuses right after min_id, still rendered newest first
      for (let i = bound(arr, minId, true); i < hi && page.length < limit; i++)
        if (ok(arr[i] as Status)) page.push(arr[i] as Status);
      page.reverse();
    } else {
      const lo = sinceId ? bound(arr, sinceId, true) : 0;
      for (let i = hi - 1; i >= lo && page.length < limit; i--)
        if (ok(arr[i] as Status)) page.push(arr[i] as Status);
    }
    const keep = new URLSearchParams();
    for (const k of ['limit', 'only_media', 'exclude_replies', 'exclude_reblogs']) {
      const v = q.get(k);
      if (v !== null) keep.set(k, v);
    }
    const rest = keep.toString() ? `&${keep}` : '';
    const base = `${this.base}/api/v1/accounts/${a.id}/statuses`;
    const links: string[] = [];
    const first = page[0];
    const last = page[page.length - 1];
    if (last && page.length === limit) links.push(`<${base}?max_id=${last.id}${rest}>; rel="next"`); // records_continue?: page is full
    if (first) links.push(`<${base}?min_id=${first.id}${rest}>; rel="prev"`);
    return jsonText(200, this.list(page), links.length ? { link: links.join(', ') } : undefined);
  }
}
