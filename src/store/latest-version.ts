import type { Db } from './db.ts';

/** The latest version of a post, by its identity: what a capture compares against. */
export interface LatestVersion {
  postId: number;
  number: number;
  /** The capture method that made it (`api`, `web`, `browser`, `import`). */
  method: string;
  /** The content JSON as archived. */
  content: string;
}

/** The latest version of the post `platform`/`platformId`, or undefined when the archive has none. */
export async function latestVersion(
  db: Db,
  platform: string,
  platformId: string,
): Promise<LatestVersion | undefined> {
  return db.get<LatestVersion>(
    `SELECT p.id AS postId, v.number, v.method, v.content FROM post p
     JOIN version v ON v.post_id = p.id AND v.number = (SELECT max(number) FROM version WHERE post_id = p.id)
     WHERE p.platform = ? AND p.platform_id = ?`,
    [platform, platformId],
  );
}
