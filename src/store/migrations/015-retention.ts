/**
 * Migration 15: retention, holds and lawful destruction (issue 13, item 4).
 *
 * - `appraisal_override`: an archivist's appraisal of an account or a post (B/V, term, selectielijst
 *   category), which wins over the knowledge base's (`appraisal`): post over account over KB.
 * - `hold` (+ `hold_post`, the posts it named when made): a legal hold (Woo request, litigation,
 *   incident) on a selection; it covers what its selection names now and what it named then, until
 *   an admin releases it.
 * - `disposal_list`: a destruction list (vernietigingslijst) proposed by one admin, approved by
 *   another, then executed.
 * - `destruction` (+ `destroyed_row`, `destroyed_record`): what was destroyed, kept forever
 *   (append-only): the post, its category and term, who proposed and approved it, when, and the
 *   hashes of what was destroyed; every evidence row removed and every WARC record replaced by a
 *   tombstone, so `verify` can tell an accounted gap from tampering.
 * - `disposal_in_progress`: the posts a destruction is removing inside its transaction; only those
 *   may lose their versions (the `version_kept` trigger now allows exactly that, and never for a post
 *   under a hold). Deleting a version takes its words out of the search index.
 */
export const migration15 = {
  version: 15,
  name: 'retention, holds and lawful destruction (issue 13)',
  sql: `
CREATE TABLE appraisal_override (
  id INTEGER PRIMARY KEY,
  scope TEXT NOT NULL CHECK (scope IN ('account','post')),
  target_id INTEGER NOT NULL,
  valuation TEXT NOT NULL CHECK (valuation IN ('B','V')),
  term_years INTEGER CHECK (term_years IS NULL OR term_years > 0),
  category TEXT,
  reason TEXT,
  set_by TEXT NOT NULL,
  set_at TEXT NOT NULL,
  UNIQUE (scope, target_id)
);

CREATE TABLE hold (
  id INTEGER PRIMARY KEY,
  selection TEXT NOT NULL,
  describe TEXT NOT NULL,
  reason TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  released_by TEXT,
  released_at TEXT
);
CREATE TABLE hold_post (
  hold_id INTEGER NOT NULL REFERENCES hold(id),
  post_id INTEGER NOT NULL,
  PRIMARY KEY (hold_id, post_id)
);
CREATE INDEX hold_post_post ON hold_post(post_id);

CREATE TABLE disposal_list (
  id INTEGER PRIMARY KEY,
  status TEXT NOT NULL CHECK (status IN ('proposed','executed','withdrawn')),
  items TEXT NOT NULL,
  proposed_by TEXT NOT NULL,
  proposed_at TEXT NOT NULL,
  approved_by TEXT,
  approved_at TEXT
);

CREATE TABLE destruction (
  id INTEGER PRIMARY KEY,
  list_id INTEGER NOT NULL REFERENCES disposal_list(id),
  post_id INTEGER NOT NULL,
  platform TEXT NOT NULL,
  platform_id TEXT NOT NULL,
  url TEXT NOT NULL,
  account TEXT,
  category TEXT,
  valuation TEXT NOT NULL,
  term_years INTEGER NOT NULL,
  due TEXT NOT NULL,
  proposed_by TEXT NOT NULL,
  approved_by TEXT NOT NULL,
  destroyed_at TEXT NOT NULL,
  hashes TEXT NOT NULL
);
CREATE TABLE destroyed_row (
  destruction_id INTEGER NOT NULL REFERENCES destruction(id),
  tbl TEXT NOT NULL,
  row_key TEXT NOT NULL
);
CREATE INDEX destroyed_row_key ON destroyed_row(tbl, row_key);
CREATE TABLE destroyed_record (
  destruction_id INTEGER NOT NULL REFERENCES destruction(id),
  warc_file TEXT NOT NULL,
  warc_offset INTEGER NOT NULL,
  warc_length INTEGER NOT NULL,
  warc_record_id TEXT NOT NULL,
  warc_sha256 TEXT,
  tombstone_id TEXT NOT NULL
);
CREATE INDEX destroyed_record_id ON destroyed_record(warc_record_id);
CREATE TRIGGER destruction_no_update BEFORE UPDATE ON destruction BEGIN
  SELECT RAISE(ABORT, 'a destruction record is kept as it was made');
END;
CREATE TRIGGER destruction_no_delete BEFORE DELETE ON destruction BEGIN
  SELECT RAISE(ABORT, 'a destruction record is kept forever');
END;
CREATE TRIGGER destroyed_row_no_change BEFORE UPDATE ON destroyed_row BEGIN
  SELECT RAISE(ABORT, 'a destruction record is kept as it was made');
END;
CREATE TRIGGER destroyed_row_no_delete BEFORE DELETE ON destroyed_row BEGIN
  SELECT RAISE(ABORT, 'a destruction record is kept forever');
END;
CREATE TRIGGER destroyed_record_no_change BEFORE UPDATE ON destroyed_record BEGIN
  SELECT RAISE(ABORT, 'a destruction record is kept as it was made');
END;
CREATE TRIGGER destroyed_record_no_delete BEFORE DELETE ON destroyed_record BEGIN
  SELECT RAISE(ABORT, 'a destruction record is kept forever');
END;

CREATE TABLE disposal_in_progress (post_id INTEGER PRIMARY KEY);

DROP TRIGGER version_kept;
CREATE TRIGGER version_kept BEFORE DELETE ON version
WHEN old.post_id NOT IN (SELECT post_id FROM disposal_in_progress)
  OR old.post_id IN (SELECT hp.post_id FROM hold_post hp JOIN hold h ON h.id = hp.hold_id WHERE h.released_at IS NULL)
BEGIN
  SELECT RAISE(ABORT, 'versions are never deleted (disposition goes through the retention schedule, never under a hold)');
END;
CREATE TRIGGER version_fts_delete AFTER DELETE ON version BEGIN
  INSERT INTO version_fts(version_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
`,
};
