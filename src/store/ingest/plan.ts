import { contentHash, searchText, sha256Hex } from '../../domain/content.ts';
import type { Exchange } from '../../domain/exchange.ts';
import { accountKey, postKey } from '../../domain/post-key.ts';
import { nextCheckAt, type RecheckSchedule } from '../../domain/schedule.ts';
import type {
  AccountInfo,
  Appraisal,
  CaptureMethod,
  MediaItem,
  NormalisedPost,
  PostContent,
} from '../../domain/types.ts';
import { PLATFORMS } from '../../domain/types.ts';
import { TOOL_NAME, TOOL_VERSION } from '../../version.ts';
import type { IngestInput, IngestResource, PostRole } from './types.ts';

/**
 * Ingest in two steps: this module decides, from the input and what the archive already holds, every
 * record and row a capture adds (pure: no database, no disk); ./write.ts writes that plan.
 */

export interface KnownVersion {
  id: number;
  number: number;
  hash: string;
  validFrom: string | null;
  /** 'capture', 'platform-history' or 'import' (absent: not an import). */
  origin?: string;
  /** The version's search text (an import also matches held content by it). */
  text?: string;
  /** A re-reading of the version before it (`PostContent.rereading`): not an edit. */
  rereading?: boolean;
}

/** A media payload already in the WARC: the target of a revisit record. */
export interface StoredMedia {
  recordId: string;
  url: string;
  date: string;
}

/** What the archive holds for the posts, media and accounts of one ingest (read by ./read.ts). */
export interface Existing {
  /**
   * By `postKey`; versions oldest first. `seenAt`: the last moment the archive saw the post's current
   * content (a capture, or a re-check that found it unchanged).
   */
  posts: Map<string, { id: number; versions: KnownVersion[]; seenAt: string | null }>;
  /** By SHA-256 of the payload. */
  media: Map<string, StoredMedia>;
  /** By `accountKey`; an account not held yet gets the schema's default role, `other`. */
  accountRoles: Map<string, string>;
  /** Resource records already held, by URI (read for imports: an export member stored earlier). */
  resources?: Map<string, { recordId: string }>;
}

export interface PlanContext {
  captureId: number;
  now: string;
  /** When a newly archived post is first re-checked (null: at once). */
  recheckSchedule: RecheckSchedule | null;
}

export interface VersionPlan {
  number: number;
  origin: 'capture' | 'platform-history' | 'import';
  validFrom: string | null;
  /**
   * Set for a change the platform did not date: it happened after `validFrom` (when the archive last
   * saw the content before) and no later than this (the capture that found it). Null: `validFrom` is exact.
   */
  validFromLatest: string | null;
  content: PostContent;
  hash: string;
}

/** Content as archived: each media item with the SHA-256 of the payload captured for its URL. */
export type ArchivedContent = Omit<PostContent, 'media'> & {
  media: (MediaItem & { sha256: string | null })[];
};

/** A response's original when it is a revisit: a record already held, or a response earlier in this batch. */
export type RevisitOf = { stored: StoredMedia } | { exchange: number };

/** One HTTP exchange: a request record and a response record (or a revisit for media already held). */
export interface PlannedExchange {
  exchange: Exchange;
  /** A media payload (2xx): its digest, and what it revisits (null: stored here for the first time). */
  media: { sha256: string; mime: string | null; type: string; revisitOf: RevisitOf | null } | null;
}

/** A resource record; a media one (a screenshot) also gets a media row unless its payload is held. */
export interface PlannedResource {
  resource: IngestResource;
  media: { sha256: string; type: string; held: boolean } | null;
}

/** A metadata record: a post's new version, or an observation of a post seen unchanged. */
export interface PlannedMetadata {
  uri: string;
  doc: Record<string, unknown>;
  /**
   * The record the post was read from (WARC-Refers-To): a response this capture recorded, a resource
   * it writes (index into the plan's resources), or a record the archive already holds.
   */
  source:
    | { exchange: number; url: string }
    | { resource: number; url: string }
    | { recordId: string; url: string }
    | null;
}

export interface PlannedVersion extends VersionPlan {
  archived: ArchivedContent;
  text: string;
  /** Index into the plan's metadata records. */
  metadata: number;
}

export interface PlannedPost {
  key: string;
  post: NormalisedPost;
  role: PostRole;
  status: 'live' | 'edited' | 'deleted';
  /** An import of a post already held: its row (status, URL, last seen, schedule) is left as it is. */
  keepState?: boolean;
  nextCheck: string | null;
  newVersions: PlannedVersion[];
  /** The version current after this capture. */
  current: { number: number; hash: string };
  /** The metadata record that documents this sighting (index into the plan's metadata records). */
  evidence: number;
  /** A post seen unchanged gets a sighting row on the version held; one with a new version needs none. */
  sighting: { versionId: number } | null;
  appraisal: Appraisal | null;
}

export interface IngestPlan {
  capture: {
    id: number;
    /** False when the ingest continues a capture opened earlier (a backfill page). */
    opened: boolean;
    url: string;
    trigger: IngestInput['trigger'];
    requestedBy: string | null;
    channel: string | null;
    now: string;
  };
  method: CaptureMethod;
  exchanges: PlannedExchange[];
  /** Written after the exchanges' records, before the metadata records. */
  resources: PlannedResource[];
  metadata: PlannedMetadata[];
  accounts: AccountInfo[];
  /** One per post identity, in input order (the first role wins: main before reply). */
  posts: PlannedPost[];
  media: { stored: number; revisits: number };
  backfill: IngestInput['backfill'] | null;
}

/** Platforms whose posts the monitor re-checks (their connectors can look posts up again): all but plain web pages. */
const CHECKABLE = new Set<string>(PLATFORMS.filter((p) => p !== 'web'));

export function planIngest(input: IngestInput, existing: Existing, ctx: PlanContext): IngestPlan {
  const posts = uniquePosts(input.posts);
  const { exchanges, mediaByUrl, sourceByUrl } = planExchanges(input.exchanges, existing.media);
  const resources = (input.resources ?? []).map((resource): PlannedResource => {
    if (!resource.media) return { resource, media: null };
    const sha256 = sha256Hex(resource.body);
    mediaByUrl.set(resource.uri, { sha256 });
    return { resource, media: { sha256, type: mediaType(resource.mime), held: existing.media.has(sha256) } };
  });
  const stored =
    exchanges.filter((e) => e.media && !e.media.revisitOf).length +
    resources.filter((r) => r.media && !r.media.held).length;
  const metadata: PlannedMetadata[] = [];
  const provenance = {
    capture: ctx.captureId,
    trigger: input.trigger,
    requestedBy: input.requestedBy,
    channel: input.channel,
    tool: TOOL_NAME,
    toolVersion: TOOL_VERSION,
    capturedAt: ctx.now,
    method: input.method.id,
    misses: input.method.misses,
  };
  const planned = posts.map(({ post, role }): PlannedPost => {
    const key = postKey(post);
    const held = existing.posts.get(key);
    const known = held?.versions ?? [];
    const versions = planVersions(post, known, { seenAt: held?.seenAt ?? null, now: ctx.now });
    const source = post.sourceUrl ? sourceByUrl.get(post.sourceUrl) : undefined;
    const record = (v: VersionPlan, archived: ArchivedContent, kind: 'version' | 'observation') =>
      metadata.push({
        uri: `urn:archiefbot:${post.platform}:${kind}:${encodeURIComponent(post.platformId)}:${v.number}`,
        doc: postDocument(post, v, archived, kind, provenance),
        source: source === undefined ? null : { exchange: source, url: post.sourceUrl! },
      }) - 1;
    const newVersions = versions.newVersions.map((v): PlannedVersion => {
      const archived = withSha(v.content, mediaByUrl);
      return { ...v, archived, text: searchText(v.content), metadata: record(v, archived, 'version') };
    });
    const { current } = versions;
    const evidence =
      newVersions.find((v) => v.number === current.number)?.metadata ??
      record(current, withSha(current.content, mediaByUrl), 'observation');
    const appraise = newVersions.length || role === 'main' ? input.appraise : undefined;
    return {
      key,
      post,
      role,
      status: postStatus([
        ...known,
        ...versions.newVersions.map((v) => ({ origin: v.origin, rereading: Boolean(v.content.rereading) })),
      ]),
      nextCheck: firstCheck(post, ctx, input.method),
      newVersions,
      current: { number: current.number, hash: current.hash },
      evidence,
      sighting: newVersions.length ? null : { versionId: known.find((k) => k.number === current.number)!.id },
      appraisal:
        appraise?.(post, role, existing.accountRoles.get(accountKey(post.account)) ?? 'other') ?? null,
    };
  });
  const accounts = new Map(posts.map(({ post }) => [accountKey(post.account), post.account]));
  return {
    capture: {
      id: ctx.captureId,
      opened: input.captureId === undefined,
      url: input.url,
      trigger: input.trigger,
      requestedBy: input.requestedBy,
      channel: input.channel,
      now: ctx.now,
    },
    method: input.method,
    exchanges,
    resources,
    metadata,
    accounts: [...accounts.values()],
    posts: planned,
    media: { stored, revisits: Math.max(0, mediaByUrl.size - stored) },
    backfill: input.backfill ?? null,
  };
}

/**
 * A post is `edited` when the platform served it in more than one state, or when an export's own
 * history holds more than one: an older state imported beside a captured one is history the archive
 * learned later, not an edit the archive saw, so it alone never marks the post edited; nor does a
 * re-reading (the same record read again by a newer parser).
 */
function postStatus(versions: { origin?: string; rereading?: boolean }[]): 'edited' | 'live' {
  const imported = versions.filter((v) => v.origin === 'import').length;
  const served = versions.filter((v) => v.origin !== 'import' && !v.rereading).length;
  return served > 1 || imported > 1 ? 'edited' : 'live';
}

/** One entry per post identity; the first role wins (main before reply). */
export function uniquePosts(posts: IngestInput['posts']): IngestInput['posts'] {
  const seen = new Map<string, IngestInput['posts'][number]>();
  for (const p of posts) {
    const key = postKey(p.post);
    if (!seen.has(key)) seen.set(key, p);
  }
  return [...seen.values()];
}

/**
 * The exchanges as records: a media payload the archive (or this batch) already holds becomes a
 * revisit. Also returns each media URL's payload digest and, by URL, the exchange whose response a
 * post's metadata record refers to.
 */
function planExchanges(input: Exchange[], held: Map<string, StoredMedia>) {
  const stored = new Map<string, StoredMedia | { exchange: number }>(held);
  const mediaByUrl = new Map<string, { sha256: string }>();
  const sourceByUrl = new Map<string, number>();
  const exchanges = input.map((exchange, i): PlannedExchange => {
    if (exchange.purpose === 'media' && exchange.status < 300) {
      const sha256 = sha256Hex(exchange.body);
      const mime = header(exchange, 'content-type');
      mediaByUrl.set(exchange.url, { sha256 });
      const prior = stored.get(sha256);
      if (!prior) stored.set(sha256, { exchange: i });
      const revisitOf = !prior ? null : 'exchange' in prior ? prior : { stored: prior };
      return { exchange, media: { sha256, mime, type: mediaType(mime), revisitOf } };
    }
    if (exchange.status < 400) sourceByUrl.set(exchange.url, i);
    return { exchange, media: null };
  });
  return { exchanges, mediaByUrl, sourceByUrl };
}

export function postDocument(
  post: NormalisedPost,
  v: VersionPlan,
  content: ArchivedContent,
  kind: 'version' | 'observation',
  provenance: Record<string, unknown>,
) {
  return {
    type: `archiefbot/post-${kind}`,
    post: {
      platform: post.platform,
      platformId: post.platformId,
      url: post.url,
      kind: post.kind,
      parent: post.parentPlatformId,
      createdAt: post.createdAt,
      editedAt: post.editedAt,
      account: post.account,
      counts: post.counts,
    },
    version: {
      number: v.number,
      origin: v.origin,
      validFrom: v.validFrom,
      ...(v.validFromLatest ? { validFromLatest: v.validFromLatest } : {}),
      contentHash: v.hash,
      content,
    },
    provenance: { ...provenance, sourceUrl: post.sourceUrl },
  };
}

/**
 * When the monitor first looks at the post again (kept as it is for a post already scheduled). A web
 * page is re-checked when the browser captured it (the browser re-renders and compares it).
 */
function firstCheck(post: NormalisedPost, ctx: PlanContext, method: CaptureMethod): string | null {
  if (!CHECKABLE.has(post.platform) && method.id !== 'browser') return null;
  if (!ctx.recheckSchedule) return ctx.now;
  return nextCheckAt(ctx.recheckSchedule, post.createdAt, ctx.now, Date.parse(ctx.now));
}

export function header(ex: Exchange, name: string): string | null {
  return ex.responseHeaders.find(([k]) => k.toLowerCase() === name)?.[1] ?? null;
}

export function mediaType(mime: string | null): string {
  const top = (mime ?? '').split('/')[0];
  return top === 'image' || top === 'video' || top === 'audio' ? top : 'unknown';
}

export function withSha(content: PostContent, media: Map<string, { sha256: string }>): ArchivedContent {
  return {
    ...content,
    media: content.media.map((m) => ({ ...m, sha256: media.get(m.url)?.sha256 ?? null })),
  };
}

/**
 * Which versions a capture adds. Entries of the platform's own edit history that the archive does not
 * hold yet become versions marked `platform-history`; the content as captured now becomes a new
 * version only when its hash differs from the latest version held. Its valid-from is the platform's
 * edit time; a change the platform did not date (no `edited_at`, or the same one the version held
 * already has) gets the window it was detected in: after `seen.seenAt` (the last sighting of the
 * content held), no later than `seen.now` (this capture).
 */
export function planVersions(
  post: NormalisedPost,
  known: { number: number; hash: string; validFrom: string | null; origin?: string }[],
  seen?: { seenAt: string | null; now: string },
): { newVersions: VersionPlan[]; current: VersionPlan; total: number } {
  const have = new Set(known.map((k) => `${k.validFrom}|${k.hash}`));
  let next = (known.at(-1)?.number ?? 0) + 1;
  // An imported version is history at its own time, not what the platform served last: a capture
  // compares with the latest version the platform served (an import's only when there is none).
  const served = known.filter((k) => k.origin !== 'import');
  const last = (served.length ? served : known).at(-1);
  let latest = last?.hash ?? null;
  let latestNumber = last?.number ?? 0;
  const out: VersionPlan[] = [];
  const history = post.history ?? [];
  for (const entry of history.slice(0, -1)) {
    const hash = contentHash(entry.content);
    if (have.has(`${entry.at}|${hash}`) || hash === latest) continue;
    out.push({
      number: next++,
      origin: 'platform-history',
      validFrom: entry.at,
      validFromLatest: null,
      content: entry.content,
      hash,
    });
    latest = hash;
    latestNumber = next - 1;
  }
  const hash = contentHash(post.content);
  let current: VersionPlan;
  if (hash !== latest) {
    const held = last;
    // A re-reading of the same record is valid from when the version it reads again was.
    const reread = held && post.content.rereading;
    const undated = !reread && held && seen?.seenAt && (!post.editedAt || post.editedAt === held.validFrom);
    current = {
      number: next++,
      origin: 'capture',
      validFrom: reread
        ? (held.validFrom ?? post.createdAt)
        : undated
          ? seen.seenAt
          : (post.editedAt ?? post.createdAt),
      validFromLatest: undated ? seen.now : null,
      content: post.content,
      hash,
    };
    out.push(current);
  } else {
    current = {
      number: latestNumber,
      origin: 'capture',
      validFrom: null,
      validFromLatest: null,
      content: post.content,
      hash,
    };
  }
  return { newVersions: out, current, total: next - 1 };
}
