/**
 * Migration 14: accounts keep their identity across handle changes (issue 11, Bluesky).
 *
 * An account is one row per platform and platform id (a Bluesky DID never changes; the handle
 * does). When a capture sees a platform id the archive holds under another handle, the row takes
 * the new handle (src/store/ingest/write.ts) and the change is kept here and in the audit log, so a
 * link with the old handle still finds the account and its posts.
 *
 * - `account_handle_change`: one row per change seen: the handle before and after, and when the
 *   archive noticed (not when the platform made it: the platform does not say).
 * - `account_platform_id`: the look-up of an account by its platform id.
 */
export const migration14 = {
  version: 14,
  name: 'handle changes: accounts by platform id, former handles kept (issue 11)',
  sql: `
CREATE TABLE account_handle_change (
  id INTEGER PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES account(id),
  platform TEXT NOT NULL,
  old_handle TEXT NOT NULL,
  new_handle TEXT NOT NULL,
  detected_at TEXT NOT NULL
);
CREATE INDEX account_handle_change_old ON account_handle_change(platform, old_handle);
CREATE INDEX account_platform_id ON account(platform, platform_id);
`,
};
