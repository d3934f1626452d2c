/**
 * The knowledge base's tables (migration 3): klankbordgroep entries, which a member suggests and an
 * expert approves or rejects (every change in one write transaction with its audit entry), and the
 * appraisal (waardering) of each archived post.
 */
import type { Appraisal, ApprovedEntry, Lang, Source } from '../domain/types.ts';
import { appendAudit } from './audit.ts';
import type { Db } from './db.ts';

export type KbEntryStatus = 'pending' | 'approved' | 'rejected';

export interface KbEntry {
  id: number;
  question: string;
  answer: string;
  source: string | null;
  language: Lang;
  author: string;
  status: KbEntryStatus;
  reviewer: string | null;
  reason: string | null;
  createdAt: string;
  reviewedAt: string | null;
}

/** A request about entries that cannot be done: unknown id, already reviewed, empty text. */
export class KnowledgeError extends Error {
  override name = 'KnowledgeError';
  constructor(
    readonly code: 'not-found' | 'already-reviewed' | 'invalid',
    message: string,
  ) {
    super(message);
  }
}

interface Row {
  id: number;
  question: string;
  answer: string;
  source: string | null;
  language: Lang;
  author: string;
  status: KbEntryStatus;
  reviewer: string | null;
  reason: string | null;
  created_at: string;
  reviewed_at: string | null;
}

function entry(r: Row): KbEntry {
  return {
    id: r.id,
    question: r.question,
    answer: r.answer,
    source: r.source,
    language: r.language,
    author: r.author,
    status: r.status,
    reviewer: r.reviewer,
    reason: r.reason,
    createdAt: r.created_at,
    reviewedAt: r.reviewed_at,
  };
}

export const MAX_QUESTION = 500;
export const MAX_ANSWER = 4000;
export const MAX_SOURCE = 1000;

function clean(text: string | undefined | null, what: string, max: number, required: boolean): string | null {
  const t = (text ?? '').replace(/\s+/g, ' ').trim();
  if (!t) {
    if (required) throw new KnowledgeError('invalid', `The ${what} is empty.`);
    return null;
  }
  if (t.length > max)
    throw new KnowledgeError('invalid', `The ${what} is too long (at most ${max} characters).`);
  return t;
}

export async function getEntry(db: Db, id: number): Promise<KbEntry | undefined> {
  const r = await db.get<Row>('SELECT * FROM kb_entry WHERE id = ?', [id]);
  return r ? entry(r) : undefined;
}

/** Stores a suggested entry as pending (its language decided by the caller: kb/community.ts), with its author; audit `kb.suggest`. */
export async function suggestEntry(
  db: Db,
  s: { question: string; answer: string; source?: string | null; author: string; language: Lang },
  at = new Date().toISOString(),
): Promise<KbEntry> {
  const question = clean(s.question, 'question', MAX_QUESTION, true)!;
  const answer = clean(s.answer, 'answer', MAX_ANSWER, true)!;
  const source = clean(s.source, 'source', MAX_SOURCE, false);
  const author = clean(s.author, 'author', 200, true)!;
  const language = s.language;
  return db.transaction(async () => {
    const { lastID } = await db.run(
      `INSERT INTO kb_entry (question, answer, source, language, author, status, created_at)
       VALUES (?, ?, ?, ?, ?, 'pending', ?)`,
      [question, answer, source, language, author, at],
    );
    await appendAudit(
      db,
      {
        actor: author,
        action: 'kb.suggest',
        subject: `kb:${lastID}`,
        detail: { question, answer, source, language },
      },
      at,
    );
    return (await getEntry(db, lastID))!;
  });
}

async function review(
  db: Db,
  id: number,
  reviewer: string,
  to: 'approved' | 'rejected',
  reason: string | null,
  at: string,
): Promise<KbEntry> {
  const who = clean(reviewer, 'reviewer', 200, true)!;
  return db.transaction(async () => {
    const current = await getEntry(db, id);
    if (!current) throw new KnowledgeError('not-found', `There is no knowledge-base entry #${id}.`);
    if (current.status !== 'pending') {
      throw new KnowledgeError(
        'already-reviewed',
        `Entry #${id} was already ${current.status} by ${current.reviewer} on ${current.reviewedAt?.slice(0, 10)}.`,
      );
    }
    await db.run(
      "UPDATE kb_entry SET status = ?, reviewer = ?, reason = ?, reviewed_at = ? WHERE id = ? AND status = 'pending'",
      [to, who, reason, at, id],
    );
    await appendAudit(
      db,
      {
        actor: who,
        action: to === 'approved' ? 'kb.approve' : 'kb.reject',
        subject: `kb:${id}`,
        detail: to === 'approved' ? { author: current.author } : { author: current.author, reason },
      },
      at,
    );
    return (await getEntry(db, id))!;
  });
}

/** Approves a pending entry: it joins retrieval; audit `kb.approve`. Unknown or reviewed ids throw. */
export async function approveEntry(
  db: Db,
  id: number,
  reviewer: string,
  at = new Date().toISOString(),
): Promise<KbEntry> {
  return review(db, id, reviewer, 'approved', null, at);
}

/** Rejects a pending entry with a reason; audit `kb.reject`. Unknown or reviewed ids throw. */
export async function rejectEntry(
  db: Db,
  id: number,
  reviewer: string,
  reason: string,
  at = new Date().toISOString(),
): Promise<KbEntry> {
  const why = clean(reason, 'reason', 1000, true)!;
  return review(db, id, reviewer, 'rejected', why, at);
}

/** Entries waiting for an expert, oldest first. */
export async function pendingEntries(db: Db): Promise<KbEntry[]> {
  return (await db.all<Row>("SELECT * FROM kb_entry WHERE status = 'pending' ORDER BY id")).map(entry);
}

/** Approved entries, in the shape ask() takes as `community`. */
export async function approvedEntries(db: Db): Promise<ApprovedEntry[]> {
  const rows = await db.all<Row>("SELECT * FROM kb_entry WHERE status = 'approved' ORDER BY id");
  return rows.map((r) => ({
    id: r.id,
    question: r.question,
    answer: r.answer,
    source: r.source,
    language: r.language,
    author: r.author,
    reviewer: r.reviewer ?? '',
    reviewedAt: r.reviewed_at ?? r.created_at,
  }));
}

export interface StoredAppraisal extends Appraisal {
  postId: number;
  /** When it was appraised. */
  at: string;
}

/**
 * Stores (or replaces) the appraisal of a post. It writes one row and no audit entry, so it can run
 * inside the capture's own write transaction.
 */
export async function saveAppraisal(
  db: Db,
  postId: number,
  a: Appraisal,
  at = new Date().toISOString(),
): Promise<void> {
  await db.run(
    `INSERT INTO appraisal (post_id, valuation, rule, term_years, inference, reason, basis, at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT(post_id) DO UPDATE SET valuation = excluded.valuation, rule = excluded.rule,
       term_years = excluded.term_years, inference = excluded.inference, reason = excluded.reason,
       basis = excluded.basis, at = excluded.at`,
    [
      postId,
      a.valuation,
      a.rule,
      a.termYears,
      a.inference ? 1 : 0,
      a.reason,
      JSON.stringify(a.basis ?? []),
      at,
    ],
  );
}

/** Stores the appraisals of many posts in one statement (a backfill page appraises 40 at once). */
export async function saveAppraisals(
  db: Db,
  rows: { postId: number; appraisal: Appraisal }[],
  at = new Date().toISOString(),
) {
  if (!rows.length) return;
  await db.run(
    `INSERT INTO appraisal (post_id, valuation, rule, term_years, inference, reason, basis, at)
     SELECT value->>'postId', value->>'valuation', value->>'rule', value->>'termYears', value->>'inference', value->>'reason',
            value->>'basis', ?1
     FROM json_each(?2) WHERE true
     ON CONFLICT(post_id) DO UPDATE SET valuation = excluded.valuation, rule = excluded.rule,
       term_years = excluded.term_years, inference = excluded.inference, reason = excluded.reason,
       basis = excluded.basis, at = excluded.at`,
    [
      at,
      JSON.stringify(
        rows.map(({ postId, appraisal: a }) => ({
          postId,
          valuation: a.valuation,
          rule: a.rule,
          termYears: a.termYears,
          inference: a.inference ? 1 : 0,
          reason: a.reason,
          basis: JSON.stringify(a.basis ?? []),
        })),
      ),
    ],
  );
}

/** The stored appraisal of a post, if it has one. */
export async function getAppraisal(db: Db, postId: number): Promise<StoredAppraisal | undefined> {
  const r = await db.get<{
    post_id: number;
    valuation: 'B' | 'V' | null;
    rule: string | null;
    term_years: number | null;
    inference: number;
    reason: string;
    basis: string;
    at: string;
  }>('SELECT * FROM appraisal WHERE post_id = ?', [postId]);
  if (!r) return undefined;
  return {
    postId: r.post_id,
    valuation: r.valuation,
    rule: r.rule,
    termYears: r.term_years,
    inference: r.inference === 1,
    reason: r.reason,
    basis: JSON.parse(r.basis) as Source[],
    at: r.at,
  };
}
