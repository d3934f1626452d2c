/**
 * Migration 6: fixity of every WARC record and file, sealed by the audit chain (issue 10).
 *
 * - Every row that points at a WARC record keeps the SHA-256 of that whole record (its gzip member).
 *   `capture_record` now lists every record a capture wrote (metadata records too), so each record
 *   in a WARC file is known to the database.
 * - `warc_file`: the SHA-256 of a WARC file's first `size` bytes, taken when the writer has moved on
 *   to a newer file (a fixity checkpoint of the closed file).
 * - `evidence_log`: triggers note every row added to (or, for capture and post identity, changed in)
 *   the tables that hold evidence; the next audit entry seals the pending notes (their canonical row,
 *   see src/store/ingest/evidence.ts) with one hash, kept in `audit.evidence` and chained.
 */
export const migration6 = {
  version: 6,
  name: 'fixity of every WARC record and file, sealed by the audit chain (issue 10)',
  sql: `
ALTER TABLE version ADD COLUMN warc_sha256 TEXT;
ALTER TABLE media ADD COLUMN warc_sha256 TEXT;
ALTER TABLE capture_post ADD COLUMN warc_sha256 TEXT;
ALTER TABLE capture_record ADD COLUMN warc_sha256 TEXT;
CREATE INDEX capture_record_location ON capture_record(warc_file, warc_offset);

CREATE TABLE warc_file (
  name TEXT PRIMARY KEY,
  size INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  recorded_at TEXT NOT NULL
);

ALTER TABLE audit ADD COLUMN evidence TEXT;

CREATE TABLE evidence_log (
  id INTEGER PRIMARY KEY,
  tbl TEXT NOT NULL,
  row_key TEXT NOT NULL,
  -- The canonical row as sealed (NULL until an audit entry seals it).
  row TEXT
);
CREATE INDEX evidence_log_pending ON evidence_log(id) WHERE row IS NULL;
CREATE INDEX evidence_log_key ON evidence_log(tbl, row_key);

CREATE TRIGGER evidence_version AFTER INSERT ON version BEGIN
  INSERT INTO evidence_log (tbl, row_key) VALUES ('version', new.id);
END;
CREATE TRIGGER evidence_media AFTER INSERT ON media BEGIN
  INSERT INTO evidence_log (tbl, row_key) VALUES ('media', new.sha256);
END;
CREATE TRIGGER evidence_capture_record AFTER INSERT ON capture_record BEGIN
  INSERT INTO evidence_log (tbl, row_key) VALUES ('capture_record', new.warc_file || '@' || new.warc_offset);
END;
CREATE TRIGGER evidence_capture_post AFTER INSERT ON capture_post BEGIN
  INSERT INTO evidence_log (tbl, row_key) VALUES ('capture_post', new.capture_id || ':' || new.post_id);
END;
CREATE TRIGGER evidence_warc_file AFTER INSERT ON warc_file BEGIN
  INSERT INTO evidence_log (tbl, row_key) VALUES ('warc_file', new.name);
END;
CREATE TRIGGER evidence_capture AFTER INSERT ON capture BEGIN
  INSERT INTO evidence_log (tbl, row_key) VALUES ('capture', new.id);
END;
CREATE TRIGGER evidence_capture_change AFTER UPDATE ON capture
WHEN old.url IS NOT new.url OR old.trigger IS NOT new.trigger OR old.requested_by IS NOT new.requested_by
  OR old.channel IS NOT new.channel OR old.status IS NOT new.status OR old.error IS NOT new.error
  OR old.post_id IS NOT new.post_id OR old.started_at IS NOT new.started_at OR old.finished_at IS NOT new.finished_at
BEGIN
  INSERT INTO evidence_log (tbl, row_key) VALUES ('capture', new.id);
END;
CREATE TRIGGER evidence_post AFTER INSERT ON post BEGIN
  INSERT INTO evidence_log (tbl, row_key) VALUES ('post', new.id);
END;
CREATE TRIGGER evidence_post_change AFTER UPDATE OF platform, platform_id, url, status ON post
WHEN old.platform IS NOT new.platform OR old.platform_id IS NOT new.platform_id OR old.url IS NOT new.url
  OR old.status IS NOT new.status
BEGIN
  INSERT INTO evidence_log (tbl, row_key) VALUES ('post', new.id);
END;

-- Rows that existed before this migration are noted too: the next audit entry seals them.
INSERT INTO evidence_log (tbl, row_key) SELECT 'post', id FROM post;
INSERT INTO evidence_log (tbl, row_key) SELECT 'capture', id FROM capture;
INSERT INTO evidence_log (tbl, row_key) SELECT 'version', id FROM version;
INSERT INTO evidence_log (tbl, row_key) SELECT 'media', sha256 FROM media;
INSERT INTO evidence_log (tbl, row_key) SELECT 'capture_record', warc_file || '@' || warc_offset FROM capture_record;
INSERT INTO evidence_log (tbl, row_key) SELECT 'capture_post', capture_id || ':' || post_id FROM capture_post;
`,
};
