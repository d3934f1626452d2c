/**
 * The klankbordgroep's entries as the knowledge base sees them: a suggestion gets its language from
 * the knowledge base's own language detection before the store keeps it.
 */
import { UsageError } from '../domain/errors.ts';
import type { Lang } from '../domain/types.ts';
import type { Db } from '../store/db.ts';
import { suggestEntry as storeSuggestion } from '../store/knowledge.ts';
import { detectLanguage } from './analyse.ts';
import { fold } from './text.ts';

/** Stores a suggested entry as pending; its language is the one given, else the one detected. */
export function suggestEntry(
  db: Db,
  s: { question: string; answer: string; source?: string | null; author: string; language?: Lang },
  at?: string,
) {
  const language = s.language ?? detectLanguage(fold(`${s.question} ${s.answer}`));
  return storeSuggestion(db, { ...s, language }, at);
}

/** `question | answer [| source]` as typed in chat or on the command line. */
export function parseSuggestion(text: string): { question: string; answer: string; source?: string } {
  const parts = text.split('|').map((p) => p.trim());
  const [question, answer, ...rest] = parts;
  if (!question || !answer || rest.length > 1)
    throw new UsageError('Write it as: kb suggest <question> | <answer> [| source]');
  return { question, answer, ...(rest[0] ? { source: rest[0] } : {}) };
}
