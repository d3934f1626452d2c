/**
 * Migration 25: what a search tests per match, in two narrow indexes by id (issue 16).
 *
 * Search reads the FTS5 index newest first and, for each match, needs the version's post (and its
 * number, for a hit) and, under a filter, the post's platform, account and creation date. Read from
 * the tables, that is a version row (text and content: a page holds few) and a post row per match:
 * `minister` in March 2025 scans about 1,800 matches to fill a page, 10 ms of a 12 ms search at a
 * million versions, and a relevance window reads its 1,000 matches' rows the same way. These two
 * indexes hold only those columns, ordered by id like the tables, so the same matches read a few
 * dozen index pages instead of hundreds of table pages (4.1 against 10.1 ms for that scan).
 *
 * - `version_id_post`: version(id, post_id, number);
 * - `post_id_filters`: post(id, platform, account_id, created_at).
 *
 * Both grow at their end as rows are added (ids increase). Built once on an existing archive: 1.9 s
 * and 0.9 s at a million versions (load 2.3).
 */
export const migration25 = {
  version: 25,
  name: 'search: the columns a match is tested on, in narrow indexes by id (issue 16)',
  sql: `
CREATE INDEX version_id_post ON version(id, post_id, number);
CREATE INDEX post_id_filters ON post(id, platform, account_id, created_at);
`,
};
