/**
 * BM25 retrieval over the guidance entries and the approved community entries, on stems of both
 * languages (an entry's Dutch and English text are one document, so either language finds it).
 */

import type { ApprovedEntry } from '../domain/types.ts';
import type { Analysis } from './analyse.ts';
import { content, type Entry } from './content.ts';
import { STOPWORDS } from './lexicon.ts';
import { fold, stem, words } from './text.ts';

export type { ApprovedEntry };

export type Doc = { kind: 'entry'; entry: Entry } | { kind: 'community'; entry: ApprovedEntry };

interface Indexed {
  doc: Doc;
  tf: Map<string, number>;
  length: number;
  /** Stems of the keyword phrases (entries) or of the question (community), for the domain test. */
  keyPhrases: string[][];
}

interface Index {
  docs: Indexed[];
  df: Map<string, number>;
  avgLength: number;
}

const K1 = 1.2;
const B = 0.75;

/** Stems of the content words of a text. */
export function terms(text: string): string[] {
  return words(fold(text)).filter(isTerm).map(stem);
}

function indexDoc(doc: Doc): Indexed {
  const tf = new Map<string, number>();
  const addText = (text: string, weight: number) => {
    for (const t of terms(text)) tf.set(t, (tf.get(t) ?? 0) + weight);
  };
  let keyPhrases: string[][];
  if (doc.kind === 'entry') {
    const e = doc.entry;
    addText(`${e.title.nl} ${e.title.en}`, 3);
    addText(e.keywords.join(' '), 2);
    addText(`${e.answer.nl} ${e.answer.en} ${e.basis}`, 1);
    keyPhrases = e.keywords.map(terms).filter((p) => p.length > 0);
  } else {
    addText(doc.entry.question, 2);
    addText(doc.entry.answer, 1);
    keyPhrases = [];
  }
  let length = 0;
  for (const v of tf.values()) length += v;
  return { doc, tf, length, keyPhrases };
}

function build(indexed: Indexed[]): Index {
  const df = new Map<string, number>();
  for (const d of indexed) for (const t of d.tf.keys()) df.set(t, (df.get(t) ?? 0) + 1);
  const avgLength = indexed.reduce((s, d) => s + d.length, 0) / Math.max(1, indexed.length);
  return { docs: indexed, df, avgLength };
}

let baseIndex: Index | undefined;
/** The last index with community entries, by a key of their ids and approval times (callers re-read them). */
let communityIndex: { key: string; idx: Index } | undefined;

/** The index of the built-in entries, plus the approved community entries when given. */
export function index(community?: readonly ApprovedEntry[]): Index {
  baseIndex ??= build(content().entries.map((entry) => indexDoc({ kind: 'entry', entry })));
  if (!community || community.length === 0) return baseIndex;
  const key = community
    .map((e) => `${e.id}@${e.reviewedAt}#${e.question.length}:${e.answer.length}`)
    .join(',');
  if (communityIndex?.key !== key) {
    communityIndex = {
      key,
      // the built-in entries as already indexed: only the community entries are read anew
      idx: build([...baseIndex.docs, ...community.map((entry) => indexDoc({ kind: 'community', entry }))]),
    };
  }
  return communityIndex.idx;
}

export interface Hit {
  doc: Doc;
  score: number;
  /** Share of the query's distinct terms that occur in the document. */
  coverage: number;
  /** The query terms the document contains. */
  matched: string[];
}

/** Question words kept for retrieval although they are function words: they match question-like titles. */
const KEEP = new Set(['whose', 'wie', 'waarom', 'why', 'wanneer', 'when', 'sinds', 'since']);
const isTerm = (w: string) => (!STOPWORDS.has(w) || KEEP.has(w)) && (w.length > 1 || /[0-9]/.test(w));

/** "Hoe archiveer ik", "how do I archive", "how can we capture": the second word of a how-to question. */
const HOW_TO = new Set(
  'archiveer archiveren leg leggen kan kun kunnen moet moeten maak bewaar sla do does can could should to archive capture save store keep'.split(
    ' ',
  ),
);

/** Query terms and their weights: a name (MDTO, Politwoops) or the subject of "what is …" counts double. */
export type Query = Map<string, number>;

/** Query terms of an analysed question: the stems of its content words (corrected, compounds split). */
export function queryTerms(a: Analysis): Query {
  const q: Query = new Map();
  const t0 = a.tokens[0]?.raw;
  const t1 = a.tokens[1]?.raw;
  // "Wat is een hotspot …", "What are the …": the first content word after it is the subject.
  const definition =
    (t0 === 'wat' || t0 === 'what') && ['is', 'zijn', 'are', 'was', 'betekent', 'means'].includes(t1 ?? '');
  let subjectSeen = false;
  a.tokens.forEach((t, i) => {
    if (!isTerm(t.raw)) return;
    let w = t.emphasis ? 2 : 1;
    if (definition && i > 1 && !subjectSeen && !STOPWORDS.has(t.raw)) {
      subjectSeen = true;
      w = 2;
    }
    q.set(t.stem, Math.max(q.get(t.stem) ?? 0, w));
  });
  const expand = (text: string) => {
    for (const t of terms(text)) q.set(t, Math.max(q.get(t) ?? 0, 1));
  };
  // A question about how long to keep something is about retention, whatever else it names;
  // "how do I archive …" is about capture methods.
  if (a.matches.some((m) => m.concept === 'termQuestion'))
    expand('bewaartermijn retention period selectielijst');
  else if (
    (t0 === 'hoe' || t0 === 'how') &&
    HOW_TO.has(t1 ?? '') &&
    a.matches.some((m) => m.concept === 'archiveCue')
  )
    expand('vastleggen methode techniek capture method technique');
  return q;
}

/** BM25 ranking of all documents for the query terms, best first (documents that match nothing left out). */
export function rank(idx: Index, query: Query, filter?: (d: Doc) => boolean): Hit[] {
  const n = idx.docs.length;
  const hits: Hit[] = [];
  for (const d of idx.docs) {
    if (filter && !filter(d.doc)) continue;
    let score = 0;
    const matched: string[] = [];
    for (const [q, weight] of query) {
      const tf = d.tf.get(q);
      if (!tf) continue;
      matched.push(q);
      const df = idx.df.get(q) ?? 0;
      const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
      score += (weight * idf * tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * d.length) / idx.avgLength));
    }
    if (score > 0)
      hits.push({ doc: d.doc, score, coverage: query.size ? matched.length / query.size : 0, matched });
  }
  return hits.sort((a, b) => b.score - a.score);
}

/**
 * How many keyword phrases of the entries occur in the query: every stem of the phrase present, and at
 * least one of them not generic (so "bewaren" alone, or "nieuwe", does not make a question in scope).
 */
export function keywordMatches(idx: Index, q: Query, generic: Set<string>): number {
  let n = 0;
  for (const d of idx.docs) {
    for (const phrase of d.keyPhrases) {
      if (phrase.every((t) => q.has(t)) && phrase.some((t) => !generic.has(t))) n++;
    }
  }
  return n;
}
