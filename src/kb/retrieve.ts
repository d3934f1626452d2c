/**
 * BM25 retrieval over the guidance entries and the approved community entries, on stems of both
 * languages (an entry's Dutch and English text are one document, so either language finds it).
 */

import type { ApprovedEntry } from '../domain/types.ts';
import type { Analysis } from './analyse.ts';
import { content, type Entry } from './content.ts';
import { type Concept, STOPWORDS } from './lexicon.ts';
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

export interface Index {
  docs: Indexed[];
  df: Map<string, number>;
  avgLength: number;
}

const K1 = 1.2;
const B = 0.75;

/** Stems of the content words of a text. */
export function terms(text: string): string[] {
  return words(fold(singularAbbreviations(text)))
    .filter(isTerm)
    .map(stem);
}

/** "APIs", "DMs", "URLs": the plural of an abbreviation is the abbreviation (the stemmer leaves it alone). */
const ABBREVIATION_PLURAL = /\b([A-Z]{2,})s\b/g;
function singularAbbreviations(text: string): string {
  return text.replace(ABBREVIATION_PLURAL, '$1');
}

/** The heads of Dutch law names (Archiefwet, Provinciewet), as stems: a compound law name is also a "wet". */
const LAW_HEADS = ['wet'];

function indexDoc(doc: Doc): Indexed {
  const tf = new Map<string, number>();
  const addText = (text: string, weight: number) => {
    for (const t of terms(text)) {
      tf.set(t, (tf.get(t) ?? 0) + weight);
      // "Archiefwet", "Gemeentewet" are laws: "op grond van welke wet" finds them
      const head = LAW_HEADS.find((h) => t.length > h.length + 2 && t.endsWith(h));
      if (head) tf.set(head, (tf.get(head) ?? 0) + weight / 2);
    }
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
  /** What it was ranked by, when not the score (rankInfo). */
  rankScore?: number;
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

/**
 * Topic concepts of the lexicon and the vocabulary the guidance entries on that topic are written in. A
 * question that names the topic in any of the concept's words ("naar het NA", "handed over to the Nationaal
 * Archief", "after how many years") is expanded with it, so the entry on the topic is found whatever words the
 * question uses for it.
 */
const TOPIC_EXPANSION: Partial<Record<Concept, string>> = {
  // how long to keep something is about retention, whatever else it names
  termQuestion: 'bewaartermijn retention period selectielijst',
  // when and where permanent records go (R16)
  transferQuestion:
    'overbrenging overbrengen overgebracht transfer transferred overbrengingstermijn archiefbewaarplaats repository',
};

/** The weight of a topic expansion as a whole: as much as a name or the noun a question asks for. */
const EXPANSION_WEIGHT = 2;

/** Determiners that ask for a thing: "welke wet", "which format", "what metadata". */
const WHICH = new Set(['welk', 'welke', 'which', 'what', 'wat']);
/** Verbs that embed a question: "wants to know which …", "vraagt zich af welke …". */
const EMBEDDING = new Set([
  // a second question joined on: "… and which article defines it?"
  'and',
  'en',
  'know',
  'weten',
  'wonder',
  'wondering',
  'af',
  'uitzoeken',
  'out',
  'asks',
  'asked',
  'vraagt',
  'vroeg',
]);
const EMBEDDED_PREPOSITIONS = new Set([
  'op',
  'aan',
  'in',
  'van',
  'naar',
  'onder',
  'on',
  'to',
  'under',
  'in',
  'of',
]);
/** Up to this many words (a preposition phrase: "op grond van", "in", "bij", "according to") before it. */
const WHICH_REACH = 4;

/**
 * The position of the noun a question asks for: the first content word after "welk(e)", "which" or "what"
 * near the start of a sentence ("In welk bestandsformaat …", "Op grond van welke wet …", "What metadata …").
 * -1 when there is none; "what is/are …" is a definition, handled apart.
 */
export function askedNoun(a: Analysis): number {
  for (let i = 0; i < a.tokens.length; i++) {
    const t = a.tokens[i]!;
    if (!WHICH.has(t.raw)) continue;
    const start = a.tokens.findIndex((x) => x.sentence === t.sentence);
    // "… wants to know which GDPR article …", "… wil weten welk artikel …": an embedded question
    const before = (k: number) => (a.tokens[i - k]?.sentence === t.sentence ? a.tokens[i - k]!.raw : '');
    // … or after a clause: "If our page has to be kept permanently, what file format …"
    const embedded =
      EMBEDDING.has(before(1)) ||
      (EMBEDDED_PREPOSITIONS.has(before(1)) && EMBEDDING.has(before(2))) ||
      afterClause(a, t.raw);
    if (i - start > WHICH_REACH && !embedded) continue;
    const next = a.tokens[i + 1];
    if (next && next.sentence === t.sentence && isTerm(next.raw) && !STOPWORDS.has(next.raw)) return i + 1;
  }
  return -1;
}

/** The question word opens a clause after a comma: "…, what file format …", "…, welke standaard …". */
function afterClause(a: Analysis, word: string): boolean {
  return AFTER_CLAUSE.get(word)?.test(a.text) ?? false;
}
const AFTER_CLAUSE = new Map([...WHICH].map((w) => [w, new RegExp(`[,;:]\\s*${w}\\b`, 'i')]));

/** The asked noun and, in a two-word noun ("file format", "metadata standard"), the word after it. */
export function askedNouns(a: Analysis): number[] {
  const i = askedNoun(a);
  if (i < 0) return [];
  const next = a.tokens[i + 1];
  const two = next && next.sentence === a.tokens[i]!.sentence && isTerm(next.raw) && !STOPWORDS.has(next.raw);
  return two ? [i, i + 1] : [i];
}

/** "Wat is een hotspot …", "What are the …": the first content word after it is the subject (-1: none). */
export function definitionSubject(a: Analysis): number {
  const t0 = a.tokens[0]?.raw;
  const t1 = a.tokens[1]?.raw;
  if ((t0 === 'wat' || t0 === 'what') && DEFINING.has(t1 ?? ''))
    return a.tokens.findIndex((t, i) => i > 1 && isTerm(t.raw) && !STOPWORDS.has(t.raw));
  // embedded: "Kun je uitleggen wat een selectielijst is?", "Could you explain what MDTO means?"
  for (let i = 0; i + 2 < a.tokens.length; i++) {
    const t = a.tokens[i]!;
    if (t.raw !== 'wat' && t.raw !== 'what') continue;
    const rest = a.tokens.slice(i + 1, i + 5).filter((x) => x.sentence === t.sentence);
    const noun = rest.findIndex((x) => isTerm(x.raw) && !STOPWORDS.has(x.raw));
    if (noun >= 0 && noun < 2 && DEFINING.has(rest[noun + 1]?.raw ?? '')) return i + 1 + noun;
  }
  return -1;
}
const DEFINING = new Set(['is', 'zijn', 'are', 'was', 'betekent', 'betekenen', 'means', 'mean', 'inhoudt']);

/**
 * Nouns of what a reference answers — a law, an article, an institution, a format, a standard, a ruling, a
 * date — not of what to do with an item ("welke gevolgen", "which rule applies" about a deleted post are
 * decisions).
 */
const REFERENCE_NOUNS =
  'wet wetten law laws act acts artikel artikelen article articles art wetsartikel bepaling bepalingen provision ' +
  'instelling instellingen institution institutions instantie instanties archiefinstelling ' +
  'formaat formaten bestandsformaat bestandsformaten format formats standaard standaarden standard standards norm ' +
  'normen metadata metagegevens element elementen veld velden field fields uitspraak uitspraken vonnis judgment richtlijn guideline ' +
  'handreiking jaar jaartal year datum date versie version bron source';
let referenceNouns: Set<string> | undefined;

/**
 * The question asks for a reference fact, not what to do with an item: a sentence of it opens with
 * "welk(e)", "which" or "what" and a reference noun — "Op grond van welke wet …", "In welk bestandsformaat …",
 * "Which institution …" — also after a sentence that describes the item.
 */
export function asksForThing(a: Analysis): boolean {
  referenceNouns ??= new Set(REFERENCE_NOUNS.split(' ').map(stem));
  const nouns = referenceNouns;
  // "welke metadatastandaard", "welk wetsartikel": a compound whose head is a reference noun
  // "What's the ECLI?", "Wat is het wetsartikel?": a reference asked for by name
  const named = IDENTIFIED.exec(a.read)?.[1];
  return (
    (named !== undefined && (nouns.has(stem(named)) || IDENTIFIERS.has(named))) ||
    askedNouns(a).some(
      (i) => nouns.has(a.tokens[i]!.stem) || REFERENCE_HEADS.some((h) => a.tokens[i]!.raw.endsWith(h)),
    )
  );
}
const IDENTIFIED = /\b(?:what|wat)\s+(?:is|s|was|are|zijn|waren)\s+(?:the|de|het|dat|that)\s+(\w+)\s*$/;
const IDENTIFIERS = new Set(['ecli', 'eclinummer', 'nummer', 'number', 'naam', 'name', 'link', 'url']);
const REFERENCE_HEADS = ['standaard', 'standaarden', 'formaat', 'formaten', 'artikel', 'richtlijn'];

let oneWord: Set<string> | undefined;
/** The entries' one-word keywords (stems): the topics an entry is about. */
function oneWordKeywords(): Set<string> {
  oneWord ??= new Set(
    index()
      .docs.flatMap((d) => d.keyPhrases)
      .filter((p) => p.length === 1)
      .map((p) => p[0]!),
  );
  return oneWord;
}

/** Query terms of an analysed question: the stems of its content words (corrected, compounds split). */
export function queryTerms(a: Analysis): Query {
  const q: Query = new Map();
  const t0 = a.tokens[0]?.raw;
  const t1 = a.tokens[1]?.raw;
  const subject = definitionSubject(a);
  // "Welke wet …", "In welk bestandsformaat …", "What metadata …": the noun asked for counts double.
  // Only a noun an entry is about (one of its one-word keywords): "welke wet" asks for a law's name, which
  // any entry naming a law has, and says nothing about which.
  const topicNouns = askedNouns(a).filter((i) => oneWordKeywords().has(a.tokens[i]!.stem));
  const plurals = new Set([...a.text.matchAll(ABBREVIATION_PLURAL)].map((m) => fold(`${m[1]}s`)));
  a.tokens.forEach((t, i) => {
    if (!isTerm(t.raw)) return;
    const term = plurals.has(t.raw) ? stem(t.raw.slice(0, -1)) : t.stem;
    const w = t.emphasis || topicNouns.includes(i) || i === subject ? 2 : 1;
    q.set(term, Math.max(q.get(term) ?? 0, w));
  });
  // An expansion is one topic, not many words: together its terms weigh as one named topic (each 2/n),
  // so it finds the topic's entry without outweighing the words the question itself uses.
  const expand = (text: string) => {
    const ts = [...new Set(terms(text))].filter((t) => !q.has(t));
    for (const t of ts) q.set(t, EXPANSION_WEIGHT / ts.length);
  };
  const has = (c: Concept) => a.matches.some((m) => m.concept === c);
  for (const [concept, text] of Object.entries(TOPIC_EXPANSION)) if (has(concept as Concept)) expand(text);
  // "how do I archive …" is about capture methods (not when it asks how long).
  if (!has('termQuestion') && (t0 === 'hoe' || t0 === 'how') && HOW_TO.has(t1 ?? '') && has('archiveCue'))
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

/** What a keyword phrase of an entry that occurs whole in a factual question adds to its ranking score. */
const KEYWORD_BONUS = 2;
/** The weight of a generic word in ranking for a factual question, relative to a word that names a topic. */
const GENERIC_WEIGHT = 0.5;

/**
 * BM25 ranking for a factual question, which picks the entry that is about what the question asks rather
 * than one that mentions its words in passing: generic words (archive, keep, post, account, ministry) count
 * half, and every keyword phrase of an entry (its declared topics) that occurs whole in the question, with a
 * word of the question's own that is not generic, adds to the entry's rank — more when the question asks
 * for that word ("welk bestandsformaat", "what metadata"). Each hit's `score` stays the plain BM25 score
 * (what MIN_SCORE is calibrated on: whether to answer at all); `rankScore` is what it was ranked by.
 */
export function rankInfo(idx: Index, query: Query, generic: Set<string>): Hit[] {
  const keyPhrases = new Map(idx.docs.map((d) => [d.doc, d.keyPhrases]));
  const plain = new Map(rank(idx, query).map((h) => [h.doc, h]));
  const weighted: Query = new Map([...query].map(([t, w]) => [t, generic.has(t) ? w * GENERIC_WEIGHT : w]));
  const hits = rank(idx, weighted).map((h) => {
    let bonus = 0;
    for (const phrase of keyPhrases.get(h.doc) ?? []) {
      if (!phrase.every((t) => query.has(t))) continue;
      // the question's own words: an expansion (weight below 1) finds the entry but adds no bonus
      const weights = phrase.filter((t) => !generic.has(t) && query.get(t)! >= 1).map((t) => query.get(t)!);
      if (weights.length) bonus += KEYWORD_BONUS * Math.max(...weights);
    }
    return { ...(plain.get(h.doc) ?? h), rankScore: h.score + bonus };
  });
  return hits.sort((a, b) => b.rankScore - a.rankScore);
}

/** The keyword phrases of one document that occur whole in the query, in the question's own words. */
export function namedKeywords(idx: Index, doc: Doc, q: Query): string[][] {
  const d = idx.docs.find((x) => x.doc === doc);
  const named = (d?.keyPhrases ?? []).filter((p) => p.every((t) => (q.get(t) ?? 0) >= 1));
  // "like" and "likes", "harvesten" and "harvesting" are one topic: distinct stems only
  return [...new Map(named.map((p) => [p.join(' '), p])).values()];
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
