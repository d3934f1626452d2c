/**
 * The klankbordgroep's entries as the knowledge base sees them: a suggestion gets its language from
 * the knowledge base's own language detection before the store keeps it. And the knowledge
 * community's reading of questions (issue 18): how sure an answer is, which open questions are the
 * same question (the knowledge base's own retrieval: its stems and the guidance's idf), which topic
 * routes a question to its experts, and the experts' approved answer to a question asked again.
 */
import { UsageError } from '../domain/errors.ts';
import { t } from '../domain/i18n.ts';
import type { ApprovedEntry, Lang } from '../domain/types.ts';
import type { Db } from '../store/db.ts';
import { suggestEntry as storeSuggestion } from '../store/knowledge.ts';
import { analyse, detectLanguage } from './analyse.ts';
import { type Answer, type AskOptions, ask } from './answer.ts';
import { index, queryTerms, rank, terms } from './retrieve.ts';
import { fold, words } from './text.ts';

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

// --- The knowledge community (issue 18): open questions, their grouping and their topic ---------

/** How sure an answer is: `none` (unknown), `low` (a guidance entry that covers the question poorly), `high`. */
export type Confidence = 'none' | 'low' | 'high';

/** Below this share of the question's terms in the best guidance entry, an info answer is a guess. */
const MIN_COVERAGE = 0.4;
/** From this share of words the knowledge base does not know, an info answer is a guess. */
const MAX_UNKNOWN_SHARE = 0.3;
/** Two questions are the same open question from this idf-weighted overlap of their terms on. */
const SAME_QUESTION = 0.6;

/** How sure the knowledge base is of its answer (decisions rest on rules; info answers on retrieval). */
export function confidence(question: string, a: Answer): Confidence {
  if (a.verdict === 'unknown') return 'none';
  if (a.verdict !== 'info' || a.entries.some((e) => e.startsWith('community:'))) return 'high';
  const an = analyse(question);
  const top = rank(index(), queryTerms(an))[0];
  const unknownShare = an.unknownWords.length / Math.max(1, an.contentWords);
  return !top || top.coverage < MIN_COVERAGE || unknownShare >= MAX_UNKNOWN_SHARE ? 'low' : 'high';
}

const stemCache = new Map<string, Set<string>>();

/** The stems a question is retrieved by (the knowledge base's own reading: corrections, compounds); the open questions' are kept. */
function questionStems(question: string): Set<string> {
  const known = stemCache.get(question);
  if (known) return known;
  const stems = new Set(queryTerms(analyse(question)).keys());
  if (stemCache.size >= 2000) stemCache.delete(stemCache.keys().next().value!);
  stemCache.set(question, stems);
  return stems;
}

/** Idf of a stem over the guidance (a stem the guidance never uses weighs most). */
function idf(stemmed: string): number {
  const idx = index();
  const n = idx.docs.length;
  const df = idx.df.get(stemmed) ?? 0;
  return Math.log(1 + (n - df + 0.5) / (df + 0.5));
}

/** How alike two questions are: the idf-weighted share of their terms they share, of the larger (0–1). */
export function similarity(a: string, b: string): number {
  const x = questionStems(a);
  const y = questionStems(b);
  const mass = (s: Set<string>) => [...s].reduce((m, t) => m + idf(t), 0);
  const shared = [...x].filter((t) => y.has(t)).reduce((m, t) => m + idf(t), 0);
  const larger = Math.max(mass(x), mass(y));
  return larger > 0 ? shared / larger : 0;
}

/** The topic a question is about: the first of `topics` whose words it uses, else null (every expert). */
export function topicOf(question: string, topics: readonly string[]): string | null {
  const stems = questionStems(question);
  const folded = fold(question);
  for (const topic of topics) {
    const ts = terms(topic);
    if ((ts.length && ts.every((t) => stems.has(t))) || words(folded).includes(fold(topic))) return topic;
  }
  return null;
}

/** The most similar of `candidates` (same topic), when it is the same question in other words. */
export function sameQuestion<T extends { question: string; topic: string | null }>(
  question: string,
  topic: string | null,
  candidates: readonly T[],
): T | undefined {
  let best: { c: T; s: number } | undefined;
  for (const c of candidates) {
    if (c.topic !== topic) continue;
    const s = similarity(question, c.question);
    if (s >= SAME_QUESTION && (!best || s > best.s)) best = { c, s };
  }
  return best?.c;
}

/**
 * ask(), and when the guidance has no good answer, the approved answer the experts gave to the same
 * question (an open question they answered), with who answered, who approved and when.
 */
export function askWithCommunity(
  question: string,
  /** `answered`: the community entries that are experts' answers to open questions (store/community.ts answeredEntryIds). */
  opts: AskOptions & { answered?: ReadonlySet<number>; nameOf?: (id: string) => string } = {},
): Answer {
  const a = ask(question, opts);
  if (!opts.community?.length) return a;
  const answered = opts.community.filter((e) => opts.answered?.has(e.id));
  // The experts' answer found by ask() itself: said as theirs (who answered, who approved, when).
  const only =
    a.verdict === 'info' && a.entries.length === 1 ? /^community:(\d+)$/.exec(a.entries[0]!) : null;
  const found = only ? answered.find((e) => e.id === Number(only[1])) : undefined;
  if (found) return expertAnswer(a, found, opts.nameOf);
  if (confidence(question, a) === 'high') return a;
  const hit = sameQuestion(
    question,
    null,
    answered.map((e) => ({ e, question: e.question, topic: null })),
  )?.e;
  return hit ? expertAnswer(a, hit, opts.nameOf) : a;
}

/** The answer as the experts' approved answer to the question, with who gave it, who approved it and when. */
function expertAnswer(a: Answer, hit: ApprovedEntry, nameOf?: (id: string) => string): Answer {
  const name = nameOf ?? ((id: string) => id);
  const line = t(a.language, 'community.expert-answer', {
    answer: hit.answer,
    expert: name(hit.author),
    approver: name(hit.reviewer),
    date: hit.reviewedAt.slice(0, 10),
  });
  const sources =
    hit.source && /^https?:\/\//.test(hit.source) ? [{ title: hit.question, url: hit.source }] : [];
  return {
    ...a,
    verdict: 'info',
    answer: line,
    rules: [],
    sources,
    inference: false,
    entries: [`community:${hit.id}`],
  };
}
