/**
 * The knowledge community's tables (migration 19): questions asked, open questions grouped with a
 * count, experts' answers (pending klankbordgroep entries a second expert approves), the leader's
 * house rules, experts' topics, retired entries and the monthly digests. Every change is one write
 * transaction with its audit entry; `operator` names who typed it when acting for someone else
 * (`--as` on the command line).
 */
import type { ApprovedEntry, Lang } from '../domain/types.ts';
import { appendAudit } from './audit.ts';
import type { Db } from './db.ts';
import {
  approvedEntries,
  getEntry,
  type KbEntry,
  KnowledgeError,
  MAX_ANSWER,
  MAX_SOURCE,
} from './knowledge.ts';

export type AskOutcome = 'guidance' | 'community' | 'open';
export type OpenReason = 'unknown' | 'low-confidence' | 'unhelpful';
export type OpenStatus = 'open' | 'answered' | 'closed';

/** Who acts: the user the action is attributed to and, when someone typed it for them, that operator. */
export interface Actor {
  by: string;
  operator?: string;
}

/** The bot's attempt at a question, kept with the open question. */
export interface Attempt {
  verdict: string;
  answer: string;
  entries: string[];
}

export interface Ask {
  id: number;
  at: string;
  question: string;
  language: Lang;
  asker: string;
  /** Where to answer later (the chat's reply target), or null (the command line). */
  target: unknown;
  verdict: string;
  entries: string[];
  outcome: AskOutcome;
  openId: number | null;
  unhelpfulBy: string | null;
  notifiedAt: string | null;
}

export interface OpenQuestion {
  id: number;
  question: string;
  language: Lang;
  topic: string | null;
  reason: OpenReason;
  attempt: Attempt;
  status: OpenStatus;
  asked: number;
  firstAskedAt: string;
  lastAskedAt: string;
  entryId: number | null;
  answeredBy: string | null;
  answeredAt: string | null;
  closedAt: string | null;
}

interface OpenRow {
  id: number;
  question: string;
  language: Lang;
  topic: string | null;
  reason: OpenReason;
  attempt: string;
  status: OpenStatus;
  asked: number;
  first_asked_at: string;
  last_asked_at: string;
  entry_id: number | null;
  answered_by: string | null;
  answered_at: string | null;
  closed_at: string | null;
}

interface AskRow {
  id: number;
  at: string;
  question: string;
  language: Lang;
  asker: string;
  target: string | null;
  verdict: string;
  entries: string;
  outcome: AskOutcome;
  open_id: number | null;
  unhelpful_by: string | null;
  notified_at: string | null;
}

function openQuestion(r: OpenRow): OpenQuestion {
  return {
    id: r.id,
    question: r.question,
    language: r.language,
    topic: r.topic,
    reason: r.reason,
    attempt: JSON.parse(r.attempt) as Attempt,
    status: r.status,
    asked: r.asked,
    firstAskedAt: r.first_asked_at,
    lastAskedAt: r.last_asked_at,
    entryId: r.entry_id,
    answeredBy: r.answered_by,
    answeredAt: r.answered_at,
    closedAt: r.closed_at,
  };
}

function ask(r: AskRow): Ask {
  return {
    id: r.id,
    at: r.at,
    question: r.question,
    language: r.language,
    asker: r.asker,
    target: r.target ? JSON.parse(r.target) : null,
    verdict: r.verdict,
    entries: JSON.parse(r.entries) as string[],
    outcome: r.outcome,
    openId: r.open_id,
    unhelpfulBy: r.unhelpful_by,
    notifiedAt: r.notified_at,
  };
}

const audit = (
  db: Db,
  who: Actor,
  action: string,
  subject: string,
  detail: Record<string, unknown>,
  at: string,
) =>
  appendAudit(
    db,
    { actor: who.by, action, subject, detail: who.operator ? { ...detail, operator: who.operator } : detail },
    at,
  );

function clean(text: string | undefined | null, what: string, max: number): string | null {
  const t = (text ?? '').replace(/\s+/g, ' ').trim();
  if (!t) return null;
  if (t.length > max)
    throw new KnowledgeError('invalid', `The ${what} is too long (at most ${max} characters).`);
  return t;
}

export async function getOpen(db: Db, id: number): Promise<OpenQuestion | undefined> {
  const r = await db.get<OpenRow>('SELECT * FROM kb_open WHERE id = ?', [id]);
  return r ? openQuestion(r) : undefined;
}

export async function getAsk(db: Db, id: number): Promise<Ask | undefined> {
  const r = await db.get<AskRow>('SELECT * FROM kb_ask WHERE id = ?', [id]);
  return r ? ask(r) : undefined;
}

/** Open questions not yet closed (open, or answered and waiting for the second expert), most asked first. */
export async function unsettledQuestions(db: Db): Promise<OpenQuestion[]> {
  const rows = await db.all<OpenRow>(
    "SELECT * FROM kb_open WHERE status != 'closed' ORDER BY asked DESC, last_asked_at DESC, id",
  );
  return rows.map(openQuestion);
}

/** The open question an expert's answer (a klankbordgroep entry) belongs to, if any. */
export async function openOfEntry(db: Db, entryId: number): Promise<OpenQuestion | undefined> {
  const r = await db.get<OpenRow>('SELECT * FROM kb_open WHERE entry_id = ? ORDER BY id DESC LIMIT 1', [
    entryId,
  ]);
  return r ? openQuestion(r) : undefined;
}

export interface NewAsk {
  question: string;
  language: Lang;
  asker: string;
  target: unknown;
  verdict: string;
  entries: string[];
}

/** Records a question answered by the guidance or a community entry (no audit: the command is audited). */
export async function recordAnswered(
  db: Db,
  a: NewAsk & { outcome: 'guidance' | 'community' },
  at = new Date().toISOString(),
): Promise<Ask> {
  return db.transaction(async () => {
    const { lastID } = await db.run(
      'INSERT INTO kb_ask (at, question, language, asker, target, verdict, entries, outcome) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      [
        at,
        a.question,
        a.language,
        a.asker,
        a.target ? JSON.stringify(a.target) : null,
        a.verdict,
        JSON.stringify(a.entries),
        a.outcome,
      ],
    );
    return (await getAsk(db, lastID))!;
  });
}

/**
 * Records a question the bot could not answer well as an open question: joins `joinId` (a similar
 * open question, which counts one more asking) or opens a new one; audit `kb.open` / `kb.open-again`.
 */
export async function recordOpen(
  db: Db,
  a: NewAsk & { reason: OpenReason; topic: string | null; attempt: Attempt; joinId?: number },
  at = new Date().toISOString(),
): Promise<{ ask: Ask; open: OpenQuestion; isNew: boolean }> {
  return db.transaction(async () => {
    let openId = a.joinId;
    const joined = openId !== undefined && (await getOpen(db, openId))?.status !== 'closed';
    if (joined) {
      await db.run('UPDATE kb_open SET asked = asked + 1, last_asked_at = ? WHERE id = ?', [at, openId]);
    } else {
      const { lastID } = await db.run(
        `INSERT INTO kb_open (question, language, topic, reason, attempt, first_asked_at, last_asked_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
        [a.question, a.language, a.topic, a.reason, JSON.stringify(a.attempt), at, at],
      );
      openId = lastID;
    }
    const { lastID } = await db.run(
      `INSERT INTO kb_ask (at, question, language, asker, target, verdict, entries, outcome, open_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, 'open', ?)`,
      [
        at,
        a.question,
        a.language,
        a.asker,
        a.target ? JSON.stringify(a.target) : null,
        a.verdict,
        JSON.stringify(a.entries),
        openId,
      ],
    );
    const detail = {
      question: a.question,
      language: a.language,
      reason: a.reason,
      topic: a.topic,
      ask: lastID,
    };
    await audit(db, { by: a.asker }, joined ? 'kb.open-again' : 'kb.open', `kb-open:${openId}`, detail, at);
    return { ask: (await getAsk(db, lastID))!, open: (await getOpen(db, openId!))!, isNew: !joined };
  });
}

/**
 * "This answer did not help": marks the asking and, unless it already raised one, turns it into an
 * open question (`joinId`: a similar one to join); audit `kb.unhelpful`. Marked twice: the first counts.
 */
export async function markUnhelpful(
  db: Db,
  askId: number,
  who: Actor,
  route: { topic: string | null; joinId?: number },
  at = new Date().toISOString(),
): Promise<{ ask: Ask; open: OpenQuestion | null; isNew: boolean }> {
  return db.transaction(async () => {
    const current = await getAsk(db, askId);
    if (!current) throw new KnowledgeError('not-found', `There is no question #${askId}.`);
    if (current.unhelpfulBy || current.outcome === 'open') {
      const open = current.openId ? ((await getOpen(db, current.openId)) ?? null) : null;
      return { ask: current, open, isNew: false };
    }
    let openId = route.joinId;
    const joined = openId !== undefined && (await getOpen(db, openId))?.status !== 'closed';
    if (joined) {
      await db.run('UPDATE kb_open SET asked = asked + 1, last_asked_at = ? WHERE id = ?', [at, openId]);
    } else {
      const attempt: Attempt = { verdict: current.verdict, answer: '', entries: current.entries };
      const { lastID } = await db.run(
        `INSERT INTO kb_open (question, language, topic, reason, attempt, first_asked_at, last_asked_at)
         VALUES (?, ?, ?, 'unhelpful', ?, ?, ?)`,
        [current.question, current.language, route.topic, JSON.stringify(attempt), at, at],
      );
      openId = lastID;
    }
    await db.run(
      "UPDATE kb_ask SET unhelpful_by = ?, unhelpful_at = ?, outcome = 'open', open_id = ? WHERE id = ?",
      [who.by, at, openId, askId],
    );
    await audit(db, who, 'kb.unhelpful', `kb-ask:${askId}`, { open: openId, entries: current.entries }, at);
    return { ask: (await getAsk(db, askId))!, open: (await getOpen(db, openId!))!, isNew: !joined };
  });
}

/**
 * An expert's answer to an open question: stored as a pending klankbordgroep entry (the question's
 * words, the expert as author) that a second expert approves; audit `kb.answer`. An answer already
 * waiting, or a closed question, is refused.
 */
export async function answerOpen(
  db: Db,
  openId: number,
  s: { answer: string; source?: string | null },
  who: Actor,
  at = new Date().toISOString(),
): Promise<{ open: OpenQuestion; entry: KbEntry }> {
  const answer = clean(s.answer, 'answer', MAX_ANSWER);
  if (!answer) throw new KnowledgeError('invalid', 'The answer is empty.');
  const source = clean(s.source, 'source', MAX_SOURCE);
  return db.transaction(async () => {
    const q = await getOpen(db, openId);
    if (!q) throw new KnowledgeError('not-found', `There is no open question #${openId}.`);
    if (q.status !== 'open')
      throw new KnowledgeError(
        'already-reviewed',
        `Open question #${openId} was already answered by ${q.answeredBy}.`,
      );
    const { lastID } = await db.run(
      `INSERT INTO kb_entry (question, answer, source, language, author, status, created_at)
       VALUES (?, ?, ?, ?, ?, 'pending', ?)`,
      [q.question, answer, source, q.language, who.by, at],
    );
    await db.run(
      "UPDATE kb_open SET status = 'answered', entry_id = ?, answered_by = ?, answered_at = ? WHERE id = ?",
      [lastID, who.by, at, openId],
    );
    await audit(db, who, 'kb.answer', `kb-open:${openId}`, { entry: lastID, answer, source }, at);
    return { open: (await getOpen(db, openId))!, entry: (await getEntry(db, lastID))! };
  });
}

/** An expert's answer still awaiting review, with its open question (else not-found / already-reviewed). */
async function pendingAnswer(db: Db, entryId: number): Promise<{ entry: KbEntry; q: OpenQuestion }> {
  const entry = await getEntry(db, entryId);
  const q = await openOfEntry(db, entryId);
  if (!entry || !q) throw new KnowledgeError('not-found', `There is no knowledge-base entry #${entryId}.`);
  if (entry.status !== 'pending')
    throw new KnowledgeError(
      'already-reviewed',
      `Entry #${entryId} was already ${entry.status} by ${entry.reviewer}.`,
    );
  return { entry, q };
}

/**
 * The second expert's approval of an expert's answer (four eyes: not its author). The entry is
 * approved, the open question closed; the askings still to be told are returned. Audit `kb.approve`.
 */
export async function approveAnswer(
  db: Db,
  entryId: number,
  who: Actor,
  at = new Date().toISOString(),
): Promise<{ entry: KbEntry; open: OpenQuestion; askers: Ask[] }> {
  return db.transaction(async () => {
    const { entry, q } = await pendingAnswer(db, entryId);
    if (entry.author === who.by) throw new FourEyesError(entryId);
    await db.run("UPDATE kb_entry SET status = 'approved', reviewer = ?, reviewed_at = ? WHERE id = ?", [
      who.by,
      at,
      entryId,
    ]);
    await db.run("UPDATE kb_open SET status = 'closed', closed_at = ? WHERE id = ?", [at, q.id]);
    await audit(db, who, 'kb.approve', `kb:${entryId}`, { author: entry.author, open: q.id }, at);
    const askers = (
      await db.all<AskRow>('SELECT * FROM kb_ask WHERE open_id = ? AND notified_at IS NULL ORDER BY id', [
        q.id,
      ])
    ).map(ask);
    return { entry: (await getEntry(db, entryId))!, open: (await getOpen(db, q.id))!, askers };
  });
}

/** A rejected expert answer: the entry is rejected, the question open again; audit `kb.reject`. */
export async function rejectAnswer(
  db: Db,
  entryId: number,
  reason: string,
  who: Actor,
  at = new Date().toISOString(),
): Promise<{ entry: KbEntry; open: OpenQuestion }> {
  const why = clean(reason, 'reason', 1000);
  if (!why) throw new KnowledgeError('invalid', 'The reason is empty.');
  return db.transaction(async () => {
    const { entry, q } = await pendingAnswer(db, entryId);
    await db.run(
      "UPDATE kb_entry SET status = 'rejected', reviewer = ?, reason = ?, reviewed_at = ? WHERE id = ?",
      [who.by, why, at, entryId],
    );
    await db.run(
      "UPDATE kb_open SET status = 'open', entry_id = NULL, answered_by = NULL, answered_at = NULL WHERE id = ?",
      [q.id],
    );
    await audit(db, who, 'kb.reject', `kb:${entryId}`, { author: entry.author, reason: why, open: q.id }, at);
    return { entry: (await getEntry(db, entryId))!, open: (await getOpen(db, q.id))! };
  });
}

/** An expert approving their own answer: the four-eyes rule wants another expert (or the leader). */
export class FourEyesError extends Error {
  override name = 'FourEyesError';
  constructor(readonly entryId: number) {
    super(`Entry #${entryId} is your own answer: another expert (or the leader) approves it.`);
  }
}

/** Notes that the asker was told the approved answer (so a second delivery attempt skips them). */
export async function markNotified(db: Db, askIds: number[], at = new Date().toISOString()): Promise<void> {
  if (!askIds.length) return;
  await db.transaction(() =>
    db.run(`UPDATE kb_ask SET notified_at = ? WHERE id IN (${askIds.map(() => '?').join(',')})`, [
      at,
      ...askIds,
    ]),
  );
}

/** An expert passes on an open question (it stays open for the others); audit `kb.pass`. */
export async function passOpen(
  db: Db,
  openId: number,
  who: Actor,
  at = new Date().toISOString(),
): Promise<OpenQuestion> {
  return db.transaction(async () => {
    const q = await getOpen(db, openId);
    if (!q) throw new KnowledgeError('not-found', `There is no open question #${openId}.`);
    await db.run('INSERT OR IGNORE INTO kb_pass (open_id, expert, at) VALUES (?, ?, ?)', [
      openId,
      who.by,
      at,
    ]);
    await audit(db, who, 'kb.pass', `kb-open:${openId}`, {}, at);
    return q;
  });
}

/** Experts who passed on an open question. */
export async function passedBy(db: Db, openId: number): Promise<string[]> {
  return (
    await db.all<{ expert: string }>('SELECT expert FROM kb_pass WHERE open_id = ? ORDER BY at', [openId])
  ).map((r) => r.expert);
}

/** The leader assigns an expert to a topic (`kb expert add`); audit `kb.expert-add`. */
export async function addExpertTopic(
  db: Db,
  expert: string,
  topic: string,
  who: Actor,
  at = new Date().toISOString(),
): Promise<boolean> {
  return db.transaction(async () => {
    const { changes } = await db.run(
      'INSERT OR IGNORE INTO kb_expert_topic (expert, topic, by, at) VALUES (?, ?, ?, ?)',
      [expert, topic, who.by, at],
    );
    await audit(db, who, 'kb.expert-add', `kb-expert:${expert}`, { topic, added: changes > 0 }, at);
    return changes > 0;
  });
}

/** Topics assigned in the archive, per expert (`platform:user`). */
export async function expertTopics(db: Db): Promise<{ expert: string; topic: string }[]> {
  return db.all('SELECT expert, topic FROM kb_expert_topic ORDER BY expert, topic');
}

/** The leader's house rules (a new version; the old ones stay); audit `kb.rules`. */
export async function setHouseRules(
  db: Db,
  text: string,
  who: Actor,
  at = new Date().toISOString(),
): Promise<void> {
  const t = clean(text, 'house rules', MAX_ANSWER);
  if (!t) throw new KnowledgeError('invalid', 'The house rules are empty.');
  await db.transaction(async () => {
    await db.run('INSERT INTO kb_house_rules (text, by, at) VALUES (?, ?, ?)', [t, who.by, at]);
    await db.run('DELETE FROM kb_rules_seen');
    await audit(db, who, 'kb.rules', 'kb-rules', { text: t }, at);
  });
}

/** The house rules in force, or null when the leader set none (the catalogue's default holds). */
export async function houseRules(db: Db): Promise<{ text: string; by: string; at: string } | null> {
  return (await db.get('SELECT text, by, at FROM kb_house_rules ORDER BY id DESC LIMIT 1')) ?? null;
}

/** True the first time this user is seen (the house rules are shown to them once). */
export async function firstUse(db: Db, user: string, at = new Date().toISOString()): Promise<boolean> {
  return db.transaction(async () => {
    const { changes } = await db.run('INSERT OR IGNORE INTO kb_rules_seen (user, at) VALUES (?, ?)', [
      user,
      at,
    ]);
    return changes > 0;
  });
}

/** The leader retires an approved entry: kept with its history, left out of the answers; audit `kb.retire`. */
export async function retireEntry(
  db: Db,
  entryId: number,
  reason: string | null,
  who: Actor,
  at = new Date().toISOString(),
): Promise<KbEntry> {
  return db.transaction(async () => {
    const e = await getEntry(db, entryId);
    if (!e) throw new KnowledgeError('not-found', `There is no knowledge-base entry #${entryId}.`);
    if (e.status !== 'approved' || (await db.get('SELECT 1 FROM kb_retired WHERE entry_id = ?', [entryId])))
      throw new KnowledgeError('already-reviewed', `Entry #${entryId} is not an approved entry in use.`);
    const why = clean(reason, 'reason', 1000);
    await db.run('INSERT INTO kb_retired (entry_id, by, reason, at) VALUES (?, ?, ?, ?)', [
      entryId,
      who.by,
      why,
      at,
    ]);
    await audit(db, who, 'kb.retire', `kb:${entryId}`, { reason: why, question: e.question }, at);
    return e;
  });
}

/** Approved klankbordgroep entries still in use (retired ones left out), as ask() takes them. */
export async function activeEntries(db: Db): Promise<ApprovedEntry[]> {
  const retired = new Set(
    (await db.all<{ entry_id: number }>('SELECT entry_id FROM kb_retired')).map((r) => r.entry_id),
  );
  return (await approvedEntries(db)).filter((e) => !retired.has(e.id));
}

/** Entries that came from an expert's answer to an open question (their ids). */
export async function answeredEntryIds(db: Db): Promise<Set<number>> {
  const rows = await db.all<{ entry_id: number }>(
    "SELECT entry_id FROM kb_open WHERE status = 'closed' AND entry_id IS NOT NULL",
  );
  return new Set(rows.map((r) => r.entry_id));
}

/** The askings from `since` up to `until` (ISO times), for the digest. */
export async function asksSince(db: Db, since: string, until = '9999'): Promise<Ask[]> {
  return (
    await db.all<AskRow>('SELECT * FROM kb_ask WHERE at >= ? AND at < ? ORDER BY id', [since, until])
  ).map(ask);
}

/**
 * Askings whose open question the experts answered but whose asker was not told yet (a delivery that
 * failed, an approval on the command line), with the approved entry's id.
 */
export async function untold(db: Db): Promise<{ ask: Ask; entryId: number }[]> {
  const rows = await db.all<AskRow & { answer_entry: number }>(
    `SELECT a.*, o.entry_id AS answer_entry FROM kb_ask a JOIN kb_open o ON o.id = a.open_id
     WHERE o.status = 'closed' AND a.notified_at IS NULL AND a.target IS NOT NULL ORDER BY a.id LIMIT 100`,
  );
  return rows.map((r) => ({ ask: ask(r), entryId: r.answer_entry }));
}

/** Open questions that were asked, or answered, since `since`. */
export async function openSince(db: Db, since: string): Promise<OpenQuestion[]> {
  const rows = await db.all<OpenRow>(
    'SELECT * FROM kb_open WHERE last_asked_at >= ? OR answered_at >= ? OR status != ? ORDER BY id',
    [since, since, 'closed'],
  );
  return rows.map(openQuestion);
}

/** Keeps a posted digest under its period (`2026-11`); false when another process posted it already. */
export async function claimDigest(
  db: Db,
  period: string,
  report: unknown,
  at = new Date().toISOString(),
): Promise<boolean> {
  return db.transaction(async () => {
    const { changes } = await db.run(
      'INSERT OR IGNORE INTO kb_digest (period, at, report) VALUES (?, ?, ?)',
      [period, at, JSON.stringify(report)],
    );
    if (changes > 0) await audit(db, { by: 'archiefbot' }, 'kb.digest', `kb-digest:${period}`, {}, at);
    return changes > 0;
  });
}
