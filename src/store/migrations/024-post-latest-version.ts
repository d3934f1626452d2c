/**
 * Migration 24: each post row holds its latest served version's number and hash (issue 16).
 *
 * A re-check compares what the platform serves with the hash of the post's latest served version
 * (the highest number not imported, else the highest). Migration 23 found it from the
 * `version_latest` index alone, but that is still a page of a 105 MB index per post, scattered as the
 * claimed posts are: for a Mastodon tick at a million posts, 480 random index pages beside the 480
 * post pages, about half of reading the claimed posts. Kept in the post row, it comes with the page
 * the claim reads anyway.
 *
 * - `latest_version`, `latest_hash`: the number and content hash of that version (NULL: the post has
 *   none). The evidence triggers do not cover them (they name their columns), nor does the audit's
 *   canonical row: they are derived from the sealed version rows and change with them.
 * - Two triggers keep them: every version added or deleted (retention) recomputes its post's (the
 *   same choice as `LATEST_SERVED` in latest-version.ts, on the post's few entries of `version_latest`). Versions
 *   are never updated (`version_immutable`).
 *
 * Filled once on an existing archive: 5.8 s at a million posts (load 2–3), one pass over the post table.
 */
const LATEST = (post: string) => `SELECT v.number, v.content_hash FROM version v INDEXED BY version_latest
  WHERE v.post_id = ${post} AND v.number = coalesce(
    (SELECT number FROM version INDEXED BY version_latest WHERE post_id = ${post} AND origin <> 'import' ORDER BY number DESC LIMIT 1),
    (SELECT max(number) FROM version INDEXED BY version_latest WHERE post_id = ${post}))`;

export const migration24 = {
  version: 24,
  name: "a post's latest served version (number, hash) in its row, for the re-checker (issue 16)",
  sql: `
ALTER TABLE post ADD COLUMN latest_version INTEGER;
ALTER TABLE post ADD COLUMN latest_hash TEXT;
UPDATE post SET (latest_version, latest_hash) = (${LATEST('post.id')});
CREATE TRIGGER post_latest_version AFTER INSERT ON version BEGIN
  UPDATE post SET (latest_version, latest_hash) = (${LATEST('new.post_id')}) WHERE id = new.post_id;
END;
CREATE TRIGGER post_latest_version_gone AFTER DELETE ON version BEGIN
  UPDATE post SET (latest_version, latest_hash) = (${LATEST('old.post_id')}) WHERE id = old.post_id;
END;
`,
};
