/**
 * Migration 13: indexes that keep search and the monitor's work proportional to what they return,
 * not to the archive (issue 16).
 *
 * - `post_created` and `post_platform_created`: a narrow search filter (a platform with few posts,
 *   a few days) is searched from the posts it leaves; `post_account (account_id, created_at)`
 *   already serves an author filter.
 * - `post_platform_due` and `post_platform_checked`: the re-checker claims, per platform, the posts
 *   due on the decaying schedule and then, with the rest of the platform's request budget, the ones
 *   checked longest ago: both are range scans that stop at the claim's size. The old `post_due`
 *   (next_check_at alone) is dropped: it made the planner scan every platform's due posts.
 * - `post_api_ref`: a stream event names a post by its API URL (Mastodon's status id on its own
 *   instance); the look-up is one index probe instead of a scan of every post.
 */
export const migration13 = {
  version: 13,
  name: 'indexes for search filters, the re-checker and stream look-ups (issue 16)',
  sql: `
CREATE INDEX post_created ON post(created_at);
CREATE INDEX post_platform_created ON post(platform, created_at);
CREATE INDEX post_platform_due ON post(platform, next_check_at) WHERE next_check_at IS NOT NULL;
CREATE INDEX post_platform_checked ON post(platform, last_checked_at) WHERE next_check_at IS NOT NULL;
CREATE INDEX post_api_ref ON post(api_ref) WHERE api_ref IS NOT NULL;
DROP INDEX IF EXISTS post_due;
`,
};
