import { sha256Hex } from '../../domain/content.ts';
import { accountKey, postKey } from '../../domain/post-key.ts';
import type { AccountInfo } from '../../domain/types.ts';
import type { Db } from '../db.ts';
import type { Existing, KnownVersion } from './plan.ts';
import type { IngestInput } from './types.ts';

/**
 * What the archive already holds for one ingest: the posts (with their versions), the media
 * payloads by digest, and the roles of the accounts. Run inside the ingest's write transaction.
 */
export async function readExisting(db: Db, input: IngestInput): Promise<Existing> {
  const posts = new Map(input.posts.map(({ post }) => [postKey(post), post]));
  const accounts = new Map(input.posts.map(({ post }) => [accountKey(post.account), post.account]));
  return {
    posts: await readPosts(db, [...posts.values()]),
    media: await readMedia(db, input),
    accountRoles: await readAccountRoles(db, [...accounts.values()]),
    ...(input.origin === 'import' ? { resources: await readResources(db, input) } : {}),
  };
}

/** The resource records of this input the archive already holds, by URI (an import's export members). */
async function readResources(db: Db, input: IngestInput): Promise<NonNullable<Existing['resources']>> {
  const uris = (input.resources ?? []).map((r) => r.uri);
  const rows = uris.length
    ? await db.all<{ uri: string; warc_record_id: string }>(
        `SELECT uri, warc_record_id FROM capture_record
         WHERE type = 'resource' AND uri IN (SELECT value FROM json_each(?))`,
        [JSON.stringify(uris)],
      )
    : [];
  return new Map(rows.map((r) => [r.uri, { recordId: r.warc_record_id }]));
}

async function readPosts(db: Db, keys: { platform: string; platformId: string }[]) {
  const posts: Existing['posts'] = new Map();
  if (!keys.length) return posts;
  for (const r of await db.all<{
    id: number;
    platform: string;
    platform_id: string;
    version_id: number | null;
    number: number | null;
    content_hash: string | null;
    valid_from: string | null;
    origin: string | null;
    text: string | null;
    rereading: number | null;
    seen_at: string;
  }>(
    `SELECT p.id, p.platform, p.platform_id, v.id AS version_id, v.number, v.content_hash, v.valid_from, v.origin,
            v.text, json_extract(v.content, '$.rereading') IS NOT NULL AS rereading,
            coalesce(p.content_seen_at, p.last_seen) AS seen_at
     FROM post p LEFT JOIN version v ON v.post_id = p.id
     WHERE (p.platform, p.platform_id) IN (SELECT value->>0, value->>1 FROM json_each(?))
     ORDER BY p.id, v.number`,
    [JSON.stringify(keys.map((k) => [k.platform, k.platformId]))],
  )) {
    const key = postKey({ platform: r.platform, platformId: r.platform_id });
    let held = posts.get(key);
    if (!held) {
      held = { id: r.id, versions: [] as KnownVersion[], seenAt: r.seen_at };
      posts.set(key, held);
    }
    if (r.number !== null)
      held.versions.push({
        id: r.version_id!,
        number: r.number,
        hash: r.content_hash!,
        validFrom: r.valid_from,
        origin: r.origin!,
        text: r.text!,
        ...(r.rereading ? { rereading: true } : {}),
      });
  }
  return posts;
}

/** Media payloads of this capture that the archive already holds, by SHA-256. */
async function readMedia(db: Db, input: IngestInput): Promise<Existing['media']> {
  const shas = [
    ...new Set(
      input.exchanges
        .filter((e) => e.purpose === 'media' && e.status < 300)
        .map((e) => sha256Hex(e.body))
        .concat((input.resources ?? []).filter((r) => r.media).map((r) => sha256Hex(r.body))),
    ),
  ];
  const media: Existing['media'] = new Map();
  if (!shas.length) return media;
  const rows = await db.all<{ sha256: string; warc_record_id: string; url: string; first_seen: string }>(
    'SELECT sha256, warc_record_id, url, first_seen FROM media WHERE sha256 IN (SELECT value FROM json_each(?))',
    [JSON.stringify(shas)],
  );
  for (const r of rows) media.set(r.sha256, { recordId: r.warc_record_id, url: r.url, date: r.first_seen });
  return media;
}

async function readAccountRoles(db: Db, keys: AccountInfo[]) {
  const roles: Existing['accountRoles'] = new Map();
  if (!keys.length) return roles;
  // By handle, or by platform id for an account whose handle changed (it keeps its role).
  const rows = await db.all<{ platform: string; handle: string; platform_id: string | null; role: string }>(
    `SELECT platform, handle, platform_id, role FROM account
     WHERE (platform, handle) IN (SELECT value->>0, value->>1 FROM json_each(?1))
        OR (platform, platform_id) IN (SELECT value->>0, value->>2 FROM json_each(?1))`,
    [JSON.stringify(keys.map((k) => [k.platform, k.handle, k.platformId]))],
  );
  for (const k of keys) {
    const row =
      rows.find((r) => r.platform === k.platform && k.platformId && r.platform_id === k.platformId) ??
      rows.find((r) => r.platform === k.platform && r.handle === k.handle);
    if (row) roles.set(accountKey(k), row.role);
  }
  return roles;
}

/** Which of these posts (by platform id) the archive already holds. */
export async function heldPosts(db: Db, platform: string, platformIds: string[]): Promise<Set<string>> {
  if (!platformIds.length) return new Set();
  const rows = await db.all<{ platform_id: string }>(
    'SELECT platform_id FROM post WHERE platform = ? AND platform_id IN (SELECT value FROM json_each(?))',
    [platform, JSON.stringify(platformIds)],
  );
  return new Set(rows.map((r) => r.platform_id));
}
