/** Migration 9: what each Mastodon-API host runs and can do (issue 17). */
export const migration9 = {
  version: 9,
  name: 'Mastodon-API hosts: software, version and capabilities (issue 17)',
  sql: `
-- One row per host (with its port, as in URLs) that answered GET /api/v2/instance (or v1) as a
-- Mastodon-API server: the software and version it names, when it was confirmed, and what it was
-- found to support. A capability is 1 (works), 0 (answered 404/400/422: not there) or NULL (not
-- tried yet); caps_checked_at dates them, so they are tried again after a day.
CREATE TABLE instance (
  host TEXT PRIMARY KEY,
  software TEXT NOT NULL,
  version TEXT,
  raw_version TEXT,
  confirmed_at TEXT NOT NULL,
  batch_lookup INTEGER CHECK (batch_lookup IN (0,1)),
  edit_history INTEGER CHECK (edit_history IN (0,1)),
  streaming INTEGER CHECK (streaming IN (0,1)),
  caps_checked_at TEXT
);
`,
};
