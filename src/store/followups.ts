import { randomBytes } from 'node:crypto';
import type { Lang } from '../domain/types.ts';
import type { Db } from './db.ts';

/**
 * The knowledge base's follow-up questions, kept so that a button (`vraag #v<id> 2`) answers the
 * question it was asked for, also after a restart or in another serve process. Ids are random (eight
 * base32 characters), so two processes never hand out the same one.
 */
export interface FollowUp {
  id: string;
  question: string;
  /** The facts known when the follow-up was asked. */
  facts: Record<string, unknown>;
  /** The facts each option adds, in the order of the buttons. */
  options: Record<string, unknown>[];
  lang: Lang;
  createdAt: string;
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';
/** Follow-ups older than this are forgotten when a new one is stored. */
const KEEP_DAYS = 90;

/** Eight base32 characters from 40 random bits. */
export function followUpId(): string {
  let bits = randomBytes(5).readUIntBE(0, 5);
  let id = '';
  for (let i = 0; i < 8; i++) {
    id = ALPHABET[bits % 32] + id;
    bits = Math.floor(bits / 32);
  }
  return id;
}

/** Stores a follow-up question and returns its id. */
export async function saveFollowUp(
  db: Db,
  f: Omit<FollowUp, 'id' | 'createdAt'>,
  at = new Date().toISOString(),
): Promise<string> {
  const id = followUpId();
  const forget = new Date(Date.parse(at) - KEEP_DAYS * 86_400_000).toISOString();
  await db.transaction(async () => {
    await db.run('DELETE FROM kb_followup WHERE created_at < ?', [forget]);
    await db.run(
      'INSERT INTO kb_followup (id, question, facts, options, lang, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      [id, f.question, JSON.stringify(f.facts), JSON.stringify(f.options), f.lang, at],
    );
  });
  return id;
}

/** The follow-up with this id, or undefined when it is unknown (or forgotten). */
export async function getFollowUp(db: Db, id: string): Promise<FollowUp | undefined> {
  const r = await db.get<{
    id: string;
    question: string;
    facts: string;
    options: string;
    lang: Lang;
    created_at: string;
  }>('SELECT * FROM kb_followup WHERE id = ?', [id.toLowerCase()]);
  if (!r) return undefined;
  return {
    id: r.id,
    question: r.question,
    facts: JSON.parse(r.facts) as Record<string, unknown>,
    options: JSON.parse(r.options) as Record<string, unknown>[],
    lang: r.lang,
    createdAt: r.created_at,
  };
}
