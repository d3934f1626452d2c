/**
 * Migration 22: re-check leases in their own table (issue 16).
 *
 * A claim used to write its lease into the post row (`next_check_at` moved past the lease): every
 * claimed post's page, and its entries in `post_platform_due` and `post_platform_checked`, rewritten,
 * scattered over the whole file — about 930 pages (3.8 MB of WAL, a checkpoint) for one Mastodon tick
 * of 480 posts at a million posts, before the check had even started. A lease is a row here instead:
 * a claim appends a few pages, and a leased post keeps its schedule.
 *
 * - `post_lease`: the post a worker claimed and until when. A claim skips leased posts (the due and
 *   the spare selection alike, so a post is never claimed twice), drops leases whose time has passed
 *   (the worker stopped or crashed: the post is claimable again), and saving a check's outcome ends
 *   its lease. No foreign key: checking one would read every claimed post's page again (1.5 ms of a
 *   Mastodon tick at a million posts); a destroyed post's lease names no content and goes when it
 *   expires.
 * - `post_lease_until`: the expired leases, found without a scan.
 */
export const migration22 = {
  version: 22,
  name: 're-check leases in their own table, not in the post row (issue 16)',
  sql: `
CREATE TABLE post_lease (
  post_id INTEGER PRIMARY KEY,
  until TEXT NOT NULL
);
CREATE INDEX post_lease_until ON post_lease(until);
`,
};
