/**
 * Migration 11: imports of the platforms' own exports (issue 12).
 *
 * - `version.origin` may be 'import': a version read from an export the organisation downloaded (an X
 *   archive, Meta's "Download your information", a LinkedIn or Mastodon export). SQLite cannot alter
 *   a CHECK constraint, and rebuilding `version` would mean dropping the table its triggers, search
 *   index and foreign keys hang on. Widening a CHECK leaves every stored row valid, which is the case
 *   SQLite's documentation allows editing the schema text for ("Making Other Kinds Of Table Schema
 *   Changes", sqlite.org/lang_altertable.html): the CHECK is rewritten in `sqlite_schema`, and
 *   `writable_schema = RESET` reloads the schema of this connection; the CREATE TABLE that follows
 *   changes the schema cookie, so every other connection reloads it too. The statement after it
 *   fails the migration (and rolls it back) if the rewrite did not take.
 * - `import_run`: one row per import of one export file (by its SHA-256): the capture its versions are
 *   written under, how far it got and whether it finished, so a second run resumes it.
 * - An index on the resource records by URI: each export member is stored once, and later chunks of
 *   the same import (or a resumed run) refer to the record already held.
 */
export const migration11 = {
  version: 11,
  name: "imports of the platforms' own exports: origin 'import', the import ledger (issue 12)",
  sql: `
PRAGMA writable_schema = ON;
UPDATE sqlite_schema
   SET sql = replace(sql, 'CHECK (origin IN (''capture'',''platform-history''))',
                          'CHECK (origin IN (''capture'',''platform-history'',''import''))')
 WHERE type = 'table' AND name = 'version';
PRAGMA writable_schema = RESET;
CREATE TABLE import_run (
  id INTEGER PRIMARY KEY,
  file_name TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  size INTEGER NOT NULL,
  format TEXT NOT NULL,
  platform TEXT NOT NULL,
  account TEXT NOT NULL,
  capture_id INTEGER NOT NULL REFERENCES capture(id),
  requested_by TEXT,
  status TEXT NOT NULL CHECK (status IN ('running','done','failed')),
  total INTEGER NOT NULL,
  done INTEGER NOT NULL DEFAULT 0,
  posts INTEGER NOT NULL DEFAULT 0,
  versions INTEGER NOT NULL DEFAULT 0,
  media INTEGER NOT NULL DEFAULT 0,
  error TEXT,
  started_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  finished_at TEXT
);
CREATE INDEX import_run_file ON import_run(sha256, status);
CREATE INDEX capture_record_resource ON capture_record(uri) WHERE type = 'resource';
CREATE TEMP TABLE migration11_check (ok INTEGER NOT NULL CHECK (ok = 1));
INSERT INTO migration11_check
  SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'version' AND sql LIKE '%''platform-history'',''import''%';
DROP TABLE migration11_check;
`,
};
