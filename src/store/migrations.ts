import type { Db } from './db.ts';
import { migration6 } from './migrations/006-evidence.ts';
import { migration7 } from './migrations/007-recovery.ts';
import { migration8 } from './migrations/008-requests.ts';
import { migration9 } from './migrations/009-instances.ts';
import { migration10 } from './migrations/010-edit-window.ts';
import { migration11 } from './migrations/011-import.ts';
import { migration12 } from './migrations/012-api-usage.ts';
import { migration13 } from './migrations/013-indexes.ts';
import { migration14 } from './migrations/014-handle-changes.ts';
import { migration15 } from './migrations/015-retention.ts';
import { migration16 } from './migrations/016-request-method.ts';
import { migration19 } from './migrations/019-community.ts';
import { migration21 } from './migrations/021-search-words.ts';
import { migration22 } from './migrations/022-leases.ts';
import { migration23 } from './migrations/023-latest-version-index.ts';
import { migration24 } from './migrations/024-post-latest-version.ts';
import { migration25 } from './migrations/025-search-narrow-rows.ts';

/** Versioned schema changes, applied in order, each once, each in its own transaction. Append only. */
export const MIGRATIONS: { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'archive core: accounts, posts, immutable versions, media, captures, audit, backfill, search',
    sql: `
CREATE TABLE account (
  id INTEGER PRIMARY KEY,
  platform TEXT NOT NULL,
  handle TEXT NOT NULL,
  platform_id TEXT,
  display_name TEXT,
  url TEXT,
  organisation TEXT,
  role TEXT NOT NULL DEFAULT 'other' CHECK (role IN ('corporate','bewindspersoon','official','other')),
  watch TEXT,
  first_seen TEXT NOT NULL,
  last_seen TEXT NOT NULL,
  UNIQUE (platform, handle)
);
CREATE TABLE post (
  id INTEGER PRIMARY KEY,
  platform TEXT NOT NULL,
  platform_id TEXT NOT NULL,
  url TEXT NOT NULL,
  api_ref TEXT,
  account_id INTEGER REFERENCES account(id),
  kind TEXT NOT NULL CHECK (kind IN ('post','reply','repost','comment','story','page')),
  parent_platform_id TEXT,
  status TEXT NOT NULL DEFAULT 'live' CHECK (status IN ('live','edited','deleted','unavailable')),
  created_at TEXT,
  first_seen TEXT NOT NULL,
  last_seen TEXT NOT NULL,
  UNIQUE (platform, platform_id)
);
CREATE INDEX post_url ON post(url);
CREATE INDEX post_parent ON post(platform, parent_platform_id);
CREATE INDEX post_account ON post(account_id, created_at);

CREATE TABLE capture (
  id INTEGER PRIMARY KEY,
  url TEXT NOT NULL,
  trigger TEXT NOT NULL,
  requested_by TEXT,
  channel TEXT,
  status TEXT NOT NULL CHECK (status IN ('queued','running','done','failed')),
  error TEXT,
  post_id INTEGER REFERENCES post(id),
  started_at TEXT NOT NULL,
  finished_at TEXT
);
CREATE INDEX capture_post_id ON capture(post_id);

CREATE TABLE version (
  id INTEGER PRIMARY KEY,
  post_id INTEGER NOT NULL REFERENCES post(id),
  number INTEGER NOT NULL,
  captured_at TEXT NOT NULL,
  valid_from TEXT,
  content_hash TEXT NOT NULL,
  content TEXT NOT NULL,
  text TEXT NOT NULL,
  origin TEXT NOT NULL CHECK (origin IN ('capture','platform-history')),
  trigger TEXT NOT NULL,
  actor TEXT,
  method TEXT NOT NULL,
  misses TEXT NOT NULL,
  capture_id INTEGER REFERENCES capture(id),
  warc_file TEXT NOT NULL,
  warc_offset INTEGER NOT NULL,
  warc_length INTEGER NOT NULL,
  warc_record_id TEXT NOT NULL,
  UNIQUE (post_id, number)
);

CREATE TABLE media (
  sha256 TEXT PRIMARY KEY,
  type TEXT NOT NULL,
  mime TEXT,
  size INTEGER NOT NULL,
  url TEXT NOT NULL,
  first_seen TEXT NOT NULL,
  warc_file TEXT NOT NULL,
  warc_offset INTEGER NOT NULL,
  warc_length INTEGER NOT NULL,
  warc_record_id TEXT NOT NULL
);
CREATE TABLE version_media (
  version_id INTEGER NOT NULL REFERENCES version(id),
  position INTEGER NOT NULL,
  media_key TEXT NOT NULL,
  url TEXT NOT NULL,
  type TEXT NOT NULL,
  sha256 TEXT REFERENCES media(sha256),
  description TEXT,
  PRIMARY KEY (version_id, position)
);

-- Every sighting of a post in a capture, with the metadata record that documents it.
CREATE TABLE capture_post (
  capture_id INTEGER NOT NULL REFERENCES capture(id),
  post_id INTEGER NOT NULL REFERENCES post(id),
  version_id INTEGER NOT NULL REFERENCES version(id),
  role TEXT NOT NULL,
  seen_at TEXT NOT NULL,
  warc_file TEXT NOT NULL,
  warc_offset INTEGER NOT NULL,
  warc_length INTEGER NOT NULL,
  warc_record_id TEXT NOT NULL,
  PRIMARY KEY (capture_id, post_id)
);
CREATE INDEX capture_post_post ON capture_post(post_id);

-- Every HTTP exchange written for a capture (request + response or revisit), for show and verify.
CREATE TABLE capture_record (
  capture_id INTEGER NOT NULL REFERENCES capture(id),
  uri TEXT NOT NULL,
  type TEXT NOT NULL,
  warc_file TEXT NOT NULL,
  warc_offset INTEGER NOT NULL,
  warc_length INTEGER NOT NULL,
  warc_record_id TEXT NOT NULL
);
CREATE INDEX capture_record_capture ON capture_record(capture_id);

CREATE TABLE audit (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  actor TEXT,
  action TEXT NOT NULL,
  subject TEXT,
  detail TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);

CREATE TABLE backfill (
  id INTEGER PRIMARY KEY,
  platform TEXT NOT NULL,
  account TEXT NOT NULL,
  url TEXT NOT NULL,
  cursor TEXT,
  pages INTEGER NOT NULL DEFAULT 0,
  posts INTEGER NOT NULL DEFAULT 0,
  total INTEGER,
  status TEXT NOT NULL CHECK (status IN ('running','done','failed')),
  error TEXT,
  started_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  finished_at TEXT
);
CREATE INDEX backfill_account ON backfill(platform, account, status);

CREATE VIRTUAL TABLE version_fts USING fts5(
  text, content='version', content_rowid='id', tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER version_fts_insert AFTER INSERT ON version BEGIN
  INSERT INTO version_fts(rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER version_immutable BEFORE UPDATE ON version BEGIN
  SELECT RAISE(ABORT, 'versions are immutable: record a new version instead');
END;
CREATE TRIGGER version_kept BEFORE DELETE ON version BEGIN
  SELECT RAISE(ABORT, 'versions are never deleted (disposition goes through the retention schedule)');
END;
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN
  SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN
  SELECT RAISE(ABORT, 'the audit log is append-only');
END;
`,
  },
  {
    version: 2,
    name: 'chat: channel settings, alert subscriptions, conversation references for proactive messages',
    sql: `
CREATE TABLE channel_setting (
  platform TEXT NOT NULL,
  channel TEXT NOT NULL,
  language TEXT CHECK (language IN ('nl','en')),
  updated_by TEXT,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (platform, channel)
);
-- account '*' = every watched account.
CREATE TABLE subscription (
  id INTEGER PRIMARY KEY,
  platform TEXT NOT NULL,
  channel TEXT NOT NULL,
  account TEXT NOT NULL,
  kinds TEXT NOT NULL,
  created_by TEXT,
  created_at TEXT NOT NULL,
  UNIQUE (platform, channel, account)
);
CREATE TABLE conversation_ref (
  platform TEXT NOT NULL,
  channel TEXT NOT NULL,
  reference TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (platform, channel)
);
`,
  },
  {
    version: 3,
    name: 'knowledge base: klankbordgroep entries (suggest, approve, reject) and the appraisal of each post',
    sql: `
CREATE TABLE kb_entry (
  id INTEGER PRIMARY KEY,
  question TEXT NOT NULL,
  answer TEXT NOT NULL,
  source TEXT,
  language TEXT NOT NULL CHECK (language IN ('nl','en')),
  author TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','approved','rejected')),
  reviewer TEXT,
  reason TEXT,
  created_at TEXT NOT NULL,
  reviewed_at TEXT
);
CREATE INDEX kb_entry_status ON kb_entry(status, id);

-- The current appraisal (waardering) of each post; valuation NULL = not appraised. basis: JSON [{title,url}].
CREATE TABLE appraisal (
  post_id INTEGER PRIMARY KEY REFERENCES post(id),
  valuation TEXT CHECK (valuation IN ('B','V')),
  rule TEXT,
  term_years INTEGER,
  inference INTEGER NOT NULL CHECK (inference IN (0,1)),
  reason TEXT NOT NULL,
  basis TEXT NOT NULL DEFAULT '[]',
  at TEXT NOT NULL
);
CREATE INDEX appraisal_valuation ON appraisal(valuation);
`,
  },
  {
    version: 4,
    name: 'monitoring: watched accounts, the re-check schedule of every post, alerts',
    sql: `
CREATE TABLE watch (
  id INTEGER PRIMARY KEY,
  account_id INTEGER NOT NULL UNIQUE REFERENCES account(id),
  url TEXT NOT NULL,
  interval_seconds INTEGER NOT NULL,
  active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0,1)),
  source TEXT NOT NULL CHECK (source IN ('command','config')),
  created_by TEXT,
  created_at TEXT NOT NULL,
  backfilled_at TEXT,
  last_polled_at TEXT,
  poll_errors INTEGER NOT NULL DEFAULT 0
);

-- The re-check state of a post (the post row is mutable state; versions stay immutable).
ALTER TABLE post ADD COLUMN next_check_at TEXT;
ALTER TABLE post ADD COLUMN last_checked_at TEXT;
ALTER TABLE post ADD COLUMN check_errors INTEGER NOT NULL DEFAULT 0;
ALTER TABLE post ADD COLUMN missing_since TEXT;
ALTER TABLE post ADD COLUMN reply_count INTEGER;
ALTER TABLE account ADD COLUMN check_errors INTEGER NOT NULL DEFAULT 0;
CREATE INDEX post_due ON post(next_check_at) WHERE next_check_at IS NOT NULL;
UPDATE post SET next_check_at = last_seen WHERE platform IN ('mastodon', 'bluesky');

-- One row per event: event_key makes a second worker's sighting of the same event a no-op.
CREATE TABLE alert (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('edited','deleted','restored','unavailable','degraded')),
  post_id INTEGER REFERENCES post(id),
  account_id INTEGER REFERENCES account(id),
  event_key TEXT NOT NULL UNIQUE,
  detected_at TEXT NOT NULL,
  detail TEXT NOT NULL,
  delivered_at TEXT,
  acknowledged_by TEXT,
  acknowledged_at TEXT
);
CREATE INDEX alert_detected ON alert(detected_at);
CREATE INDEX alert_undelivered ON alert(id) WHERE delivered_at IS NULL;
`,
  },
  {
    version: 5,
    name: 'knowledge base: follow-up questions kept across restarts and processes',
    sql: `
-- A follow-up question of the knowledge base, answered later by a button (\`vraag #v<id> <option>\`).
CREATE TABLE kb_followup (
  id TEXT PRIMARY KEY,
  question TEXT NOT NULL,
  facts TEXT NOT NULL,
  options TEXT NOT NULL,
  lang TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX kb_followup_created ON kb_followup(created_at);
`,
  },
  // From 6 on, one file each in src/store/migrations/.
  migration6,
  migration7,
  migration8,
  migration9,
  migration10,
  migration11,
  migration12,
  migration13,
  migration14,
  migration15,
  migration16,
  migration19,
  migration21,
  migration22,
  migration23,
  migration24,
  migration25,
];

export async function migrate(db: Db): Promise<number> {
  await db.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
  );
  const done = new Set(
    (await db.all<{ version: number }>('SELECT version FROM schema_migrations')).map((r) => r.version),
  );
  let applied = 0;
  for (const m of MIGRATIONS) {
    if (done.has(m.version)) continue;
    await db.transaction(async () => {
      // Another process may have applied it between our read and our lock.
      if (await db.get('SELECT 1 FROM schema_migrations WHERE version = ?', [m.version])) return;
      await db.exec(m.sql);
      await db.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [
        m.version,
        m.name,
        new Date().toISOString(),
      ]);
      applied++;
    });
  }
  return applied;
}
