import type { Db } from './db.ts';

/**
 * The id of post `p`'s latest version the platform served (an imported one only when there is no
 * other): the post's versions walked newest first on the (post_id, number) index, stopping at the
 * first one not imported (no sort; a post has few versions, imports usually none).
 */
export const LATEST_SERVED = `coalesce(
  (SELECT id FROM version WHERE post_id = p.id AND origin <> 'import' ORDER BY number DESC LIMIT 1),
  (SELECT id FROM version WHERE post_id = p.id ORDER BY number DESC LIMIT 1))`;

/**
 * The latest version of a post the platform served, by its identity: what a capture compares against.
 * An imported version (origin 'import') is history at its own time, so it is the latest only when the
 * archive holds nothing the platform served.
 */
export interface LatestVersion {
  postId: number;
  number: number;
  /** The capture method that made it (`api`, `web`, `browser`, `import`). */
  method: string;
  /** The content JSON as archived. */
  content: string;
}

/** The latest served version of the post `platform`/`platformId`, or undefined when the archive has none. */
export async function latestVersion(
  db: Db,
  platform: string,
  platformId: string,
): Promise<LatestVersion | undefined> {
  return db.get<LatestVersion>(
    `SELECT p.id AS postId, v.number, v.method, v.content FROM post p
     JOIN version v ON v.id = ${LATEST_SERVED}
     WHERE p.platform = ? AND p.platform_id = ?`,
    [platform, platformId],
  );
}

/** The latest served version of each of these posts of `platform` (as `latestVersion` picks it), by platform id. */
export async function latestVersions(
  db: Db,
  platform: string,
  platformIds: string[],
): Promise<Map<string, { number: number; hash: string; content: string }>> {
  if (!platformIds.length) return new Map();
  const rows = await db.all<{ platform_id: string; number: number; hash: string; content: string }>(
    `SELECT p.platform_id, v.number, v.content_hash AS hash, v.content FROM post p
     JOIN version v ON v.id = ${LATEST_SERVED}
     WHERE p.platform = ? AND p.platform_id IN (SELECT value FROM json_each(?))`,
    [platform, JSON.stringify(platformIds)],
  );
  return new Map(rows.map(({ platform_id, ...v }) => [platform_id, v]));
}
