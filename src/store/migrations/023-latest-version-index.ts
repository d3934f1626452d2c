/**
 * Migration 23: the latest version of a post found from an index alone (issue 16).
 *
 * A re-check compares what the platform serves with the hash of the post's latest served version
 * (the highest number not imported, else the highest). The (post_id, number) index finds it, but
 * telling an import from a served version, and reading the hash, took the version row's page: for a
 * Mastodon tick at a million posts, 480 pages scattered over the largest table of the file, beside
 * the 480 post rows. `version_latest` holds what that look-up needs (the origin, the hash), so it
 * reads one index page per post and no version row; the text and content are read only when a
 * check finds a change.
 *
 * Built once on an existing archive: 2.5 s at a million posts (1,176,471 versions, 105 MB of index
 * in a 1.75 GB file), one sort of the version table.
 */
export const migration23 = {
  version: 23,
  name: "a post's latest version (origin, hash) from an index alone (issue 16)",
  sql: `
CREATE INDEX version_latest ON version(post_id, number, origin, content_hash);
`,
};
