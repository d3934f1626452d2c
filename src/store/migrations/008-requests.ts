/** Migration 8: chat capture requests kept in SQLite until answered (issue 10). */
export const migration8 = {
  version: 8,
  name: 'chat capture requests kept in SQLite until answered (issue 10)',
  sql: `
-- Every request acknowledged in chat, recorded before the acknowledgement: who asked, what, where the
-- answer goes (reply_to: the ReplyTarget as JSON, with its language), the BullMQ job that runs it and
-- whether it has been answered. Redis is only the work queue: a request whose job Redis no longer
-- knows is queued again from here.
CREATE TABLE chat_request (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('capture','watch')),
  url TEXT NOT NULL,
  requested_by TEXT NOT NULL,
  channel TEXT NOT NULL,
  reply_to TEXT NOT NULL,
  lang TEXT NOT NULL CHECK (lang IN ('nl','en')),
  job_id TEXT,
  state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued','answering','answered','undeliverable')),
  requeues INTEGER NOT NULL DEFAULT 0,
  send_errors INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  answered_at TEXT
);
CREATE INDEX chat_request_open ON chat_request(state, updated_at) WHERE state IN ('queued','answering');
CREATE INDEX chat_request_job ON chat_request(job_id);
`,
};
