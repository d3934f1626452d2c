import { contentHash, searchText, sha256Hex } from '../../domain/content.ts';
import { accountKey, postKey } from '../../domain/post-key.ts';
import type { HistoryEntry, NormalisedPost } from '../../domain/types.ts';
import { TOOL_NAME, TOOL_VERSION } from '../../version.ts';
import {
  type ArchivedContent,
  type Existing,
  type IngestPlan,
  type KnownVersion,
  mediaType,
  type PlanContext,
  type PlannedMetadata,
  type PlannedPost,
  type PlannedResource,
  type PlannedVersion,
  postDocument,
  uniquePosts,
  type VersionPlan,
  withSha,
} from './plan.ts';
import type { IngestInput, IngestResource } from './types.ts';

/**
 * The plan of one chunk of an import (`IngestInput.origin = 'import'`): the posts of a platform's own
 * export against what the archive holds. Pure, like `planIngest`, and written by the same
 * `writeIngest`. What differs from a capture:
 *
 * - A version is added only for content the archive holds in no version of the post (by content
 *   hash, or by the same search text: an export normalises differently from the API, so an equal
 *   text is the same content). It is `origin: 'import'`, valid from its own time (the export's
 *   creation or edit time): an imported version older than the captured ones is history at its own
 *   time. Its number is the next one (numbers are the order the archive learned of versions and are
 *   never changed); captures keep comparing with the latest version the platform served.
 * - A post with nothing new is left out entirely (no sighting, no metadata record): importing the same
 *   export again writes nothing. A post already held keeps its row (status, last seen, schedule).
 * - Resources (the export's members) are written only when the chunk writes something and the archive
 *   does not hold them yet: the source documents by their URI (a metadata record of a later chunk or
 *   run refers to the record held), a media file only when a new version lists it and no record holds
 *   its payload yet (by digest).
 */
export function planImport(input: IngestInput, existing: Existing, ctx: PlanContext): IngestPlan {
  const resources = resourcePlanner(input.resources ?? [], existing);
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
    ...input.provenance,
  };
  const planned: PlannedPost[] = [];
  for (const { post, role, status } of uniquePosts(input.posts)) {
    const key = postKey(post);
    const held = existing.posts.get(key);
    const versions = importVersions(post, held?.versions ?? []);
    if (!versions.length) continue;
    const source = post.sourceUrl ? resources.source(post.sourceUrl) : null;
    const newVersions = versions.map((v): PlannedVersion => {
      const archived = resources.media(withSha(v.content, resources.digests));
      const index =
        metadata.push({
          uri: `urn:archiefbot:${post.platform}:version:${encodeURIComponent(post.platformId)}:${v.number}`,
          doc: postDocument(post, v, archived, 'version', provenance),
          source,
        }) - 1;
      return { ...v, archived, text: searchText(v.content), metadata: index };
    });
    const current = newVersions.at(-1)!;
    const total = (held?.versions.length ?? 0) + newVersions.length;
    planned.push({
      key,
      post,
      role,
      status: status ?? (total > 1 ? 'edited' : 'live'),
      keepState: held !== undefined,
      nextCheck: null,
      newVersions,
      current: { number: current.number, hash: current.hash },
      evidence: current.metadata,
      sighting: null,
      appraisal:
        input.appraise?.(post, role, existing.accountRoles.get(accountKey(post.account)) ?? 'other') ?? null,
    });
  }
  const accounts = new Map(planned.map(({ post }) => [accountKey(post.account), post.account]));
  // The export's other documents (its account file) go with the first chunk that writes anything.
  if (planned.length) resources.allSources();
  const written = resources.written();
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
    exchanges: [],
    resources: written,
    metadata,
    accounts: [...accounts.values()],
    posts: planned,
    media: { stored: written.filter((r) => r.media && !r.media.held).length, revisits: 0 },
    backfill: null,
  };
}

/** A normalised text: an export and the API may differ in white space only. */
function sameText(a: string, b: string): boolean {
  return a.replace(/\s+/g, ' ').trim() === b.replace(/\s+/g, ' ').trim();
}

/**
 * The versions an export adds to a post: each state it knows (its edit history, oldest first, or its
 * one content) that no held version has, numbered after the held ones.
 */
export function importVersions(post: NormalisedPost, known: KnownVersion[]): VersionPlan[] {
  const states: HistoryEntry[] = post.history?.length
    ? post.history
    : [{ at: post.editedAt ?? post.createdAt ?? '', content: post.content }];
  const hashes = new Set(known.map((k) => k.hash));
  const texts = known.flatMap((k) => (k.text === undefined ? [] : [k.text]));
  let next = (known.at(-1)?.number ?? 0) + 1;
  const out: VersionPlan[] = [];
  for (const state of states) {
    const hash = contentHash(state.content);
    const text = searchText(state.content);
    if (hashes.has(hash) || texts.some((t) => sameText(t, text))) continue;
    hashes.add(hash);
    texts.push(text);
    out.push({
      number: next++,
      origin: 'import',
      validFrom: state.at || null,
      validFromLatest: null,
      content: state.content,
      hash,
    });
  }
  return out;
}

/** Which resources a plan writes, and what its metadata records and media items refer to. */
function resourcePlanner(all: IngestResource[], existing: Existing) {
  const byUri = new Map(all.map((r) => [r.uri, r]));
  const digests = new Map<string, { sha256: string }>();
  for (const r of all) if (r.media) digests.set(r.uri, { sha256: sha256Hex(r.body) });
  const out: PlannedResource[] = [];
  const index = new Map<string, number>();
  const stored = new Set(existing.media.keys());
  const write = (r: IngestResource, media: PlannedResource['media']) => {
    const at = index.get(r.uri) ?? out.push({ resource: r, media }) - 1;
    index.set(r.uri, at);
    return at;
  };
  return {
    digests,
    /** The record a post's metadata refers to: held, written by this plan, or none. */
    source(uri: string): PlannedMetadata['source'] {
      const held = existing.resources?.get(uri);
      if (held) return { recordId: held.recordId, url: uri };
      const r = byUri.get(uri);
      return r ? { resource: write(r, null), url: uri } : null;
    },
    /** Media of a new version: each payload the archive lacks is written once. */
    media(content: ArchivedContent): ArchivedContent {
      for (const m of content.media) {
        const r = byUri.get(m.url);
        if (!r?.media || !m.sha256 || stored.has(m.sha256)) continue;
        stored.add(m.sha256);
        write(r, { sha256: m.sha256, type: mediaType(r.mime), held: false });
      }
      return content;
    },
    /** Every source document not held yet. */
    allSources(): void {
      for (const r of all) if (!r.media && !existing.resources?.has(r.uri)) write(r, null);
    },
    written: () => out,
  };
}
