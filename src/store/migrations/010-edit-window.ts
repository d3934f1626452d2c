/**
 * Migration 10: edits the platform did not date (issue 17, item 4).
 *
 * - `version.valid_from_latest`: set when a capture found changed content that the platform gave no
 *   edit time for (no `edited_at`, no edit history): the change happened after `valid_from` (the last
 *   moment the archive saw the content before) and no later than `valid_from_latest` (the capture that
 *   found it). NULL: `valid_from` is the platform's own time. The column is sealed with the rest of
 *   the version row (src/store/ingest/evidence.ts lists it; the evidence_version trigger of
 *   migration 6 logs every new version), so `verify` covers it.
 * - `post.content_seen_at`: the last moment the archive saw the post's current content (a capture,
 *   or a re-check that found it unchanged): where the window of the next silent edit opens. Mutable
 *   state, like `last_checked_at`; NULL for posts archived before this migration (then `last_seen`).
 */
export const migration10 = {
  version: 10,
  name: 'edits without an edit time: the detection window of a version (issue 17)',
  sql: `
ALTER TABLE version ADD COLUMN valid_from_latest TEXT;
ALTER TABLE post ADD COLUMN content_seen_at TEXT;
`,
};
