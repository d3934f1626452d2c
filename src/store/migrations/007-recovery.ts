/**
 * Migration 7: crash and disk recovery state (issue 10).
 *
 * - `capture.pid`, `capture.host`: the process that runs a capture (written while it is `running`),
 *   so a later start can tell a capture of a live process from one left behind by a dead one.
 * - `capture.interrupted_at`: set when recovery found its process gone (the capture is then
 *   `failed` with an `interrupted: …` error); whoever answers or re-queues captures queries it.
 * - Indexes on each record pointer's (warc_file, warc_offset): the committed length of a WARC file
 *   (the end of its last known record) is looked up before every append and on every start.
 */
export const migration7 = {
  version: 7,
  name: 'crash and disk recovery state (issue 10)',
  sql: `
ALTER TABLE capture ADD COLUMN pid INTEGER;
ALTER TABLE capture ADD COLUMN host TEXT;
ALTER TABLE capture ADD COLUMN interrupted_at TEXT;
CREATE INDEX capture_running ON capture(id) WHERE status = 'running';
CREATE INDEX capture_interrupted ON capture(interrupted_at) WHERE interrupted_at IS NOT NULL;
CREATE INDEX version_location ON version(warc_file, warc_offset);
CREATE INDEX media_location ON media(warc_file, warc_offset);
CREATE INDEX capture_post_location ON capture_post(warc_file, warc_offset);
CREATE INDEX IF NOT EXISTS capture_record_location ON capture_record(warc_file, warc_offset);
`,
};
