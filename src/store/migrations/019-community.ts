/**
 * Migration 19: the knowledge community (issue 18).
 *
 * - `kb_ask`: every question asked in chat (and on the command line when an archive exists): who
 *   asked, where to answer later (the chat's reply target as JSON), the bot's verdict and how the
 *   question was answered (`guidance`, `community`, or `open`: it raised an open question). Marked
 *   unhelpful by the "this answer did not help" button (or `ask … --feedback no`).
 * - `kb_open`: open questions, similar askings grouped in one (`asked` counts them), with the topic
 *   that routes them to experts, the bot's first attempt, and the expert's answer as a pending
 *   `kb_entry` (`entry_id`) that a second expert approves. `status`: open → answered (waiting for
 *   the second expert) → closed (approved; the entry answers from then on). A rejected answer sends
 *   the question back to open.
 * - `kb_pass`: experts who passed on an open question (it stays open for the others).
 * - `kb_expert_topic`: topics the leader assigned to an expert (`kb expert add`), beside roles.yaml.
 * - `kb_house_rules`: the leader's house rules, every version kept (the newest counts).
 * - `kb_rules_seen`: who has seen the house rules (shown once, on first use).
 * - `kb_retired`: retired entries: kept with their history, left out of the answers.
 * - `kb_digest`: the monthly digests posted (one per month: the key keeps two processes from both
 *   posting it).
 */
export const migration19 = {
  version: 19,
  name: 'the knowledge community: open questions, experts, house rules, digests (issue 18)',
  sql: `
CREATE TABLE kb_open (
  id INTEGER PRIMARY KEY,
  question TEXT NOT NULL,
  language TEXT NOT NULL,
  topic TEXT,
  reason TEXT NOT NULL CHECK (reason IN ('unknown', 'low-confidence', 'unhelpful')),
  attempt TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'answered', 'closed')),
  asked INTEGER NOT NULL DEFAULT 1,
  first_asked_at TEXT NOT NULL,
  last_asked_at TEXT NOT NULL,
  entry_id INTEGER REFERENCES kb_entry(id),
  answered_by TEXT,
  answered_at TEXT,
  closed_at TEXT
);
CREATE INDEX kb_open_status ON kb_open(status, asked DESC);
CREATE TABLE kb_ask (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  question TEXT NOT NULL,
  language TEXT NOT NULL,
  asker TEXT NOT NULL,
  target TEXT,
  verdict TEXT NOT NULL,
  entries TEXT NOT NULL DEFAULT '[]',
  outcome TEXT NOT NULL CHECK (outcome IN ('guidance', 'community', 'open')),
  open_id INTEGER REFERENCES kb_open(id),
  unhelpful_by TEXT,
  unhelpful_at TEXT,
  notified_at TEXT
);
CREATE INDEX kb_ask_at ON kb_ask(at);
CREATE INDEX kb_ask_open ON kb_ask(open_id);
CREATE TABLE kb_pass (
  open_id INTEGER NOT NULL REFERENCES kb_open(id),
  expert TEXT NOT NULL,
  at TEXT NOT NULL,
  PRIMARY KEY (open_id, expert)
);
CREATE TABLE kb_expert_topic (
  expert TEXT NOT NULL,
  topic TEXT NOT NULL,
  by TEXT NOT NULL,
  at TEXT NOT NULL,
  PRIMARY KEY (expert, topic)
);
CREATE TABLE kb_house_rules (
  id INTEGER PRIMARY KEY,
  text TEXT NOT NULL,
  by TEXT NOT NULL,
  at TEXT NOT NULL
);
CREATE TABLE kb_rules_seen (
  user TEXT PRIMARY KEY,
  at TEXT NOT NULL
);
CREATE TABLE kb_retired (
  entry_id INTEGER PRIMARY KEY REFERENCES kb_entry(id),
  by TEXT NOT NULL,
  reason TEXT,
  at TEXT NOT NULL
);
CREATE TABLE kb_digest (
  period TEXT PRIMARY KEY,
  at TEXT NOT NULL,
  report TEXT NOT NULL
);
`,
};
