/**
 * Reads a question: words, misspellings corrected towards known words, Dutch compounds split, lexicon
 * concepts matched (longest phrase first), and the question's language. Pure; the vocabulary is built
 * once from the lexicon and the guidance content.
 */
import { content, type Lang } from './content.ts';
import { readerWords } from './facts.ts';
import { type Concept, LEXICON, STOPWORDS } from './lexicon.ts';
import { isDictionaryWord } from './spelling.ts';
import { allowedErrors, editDistance, fold, splitCompound, stem, words } from './text.ts';

export interface Token {
  /** The written form (folded), after spelling correction. */
  raw: string;
  stem: string;
  /** What was typed, when it was corrected or split. */
  typed?: string;
  sentence: number;
  /** Written with a capital inside a sentence, or in capitals (MDTO, Politwoops): a name, a strong topic. */
  emphasis: boolean;
}

export interface Match {
  concept: Concept;
  start: number;
  /** Exclusive. */
  end: number;
  text: string;
}

export interface Analysis {
  tokens: Token[];
  matches: Match[];
  /** Content words (not function words) that no lexicon concept and no guidance text knows. */
  unknownWords: string[];
  /** Content words, for coverage ratios. */
  contentWords: number;
  lang: Lang;
  /** The text analysed, as written. */
  text: string;
}

interface Phrase {
  concept: Concept;
  keys: string[];
  /** The term's words as written (folded). */
  words: string[];
  exact: boolean;
}

interface Vocabulary {
  phrases: Map<string, Phrase[]>;
  lexRaw: Set<string>;
  lexStem: Set<string>;
  corpusRaw: Set<string>;
  corpusStem: Set<string>;
  /** Candidate words for spelling correction by length: lexicon words first, then guidance words. */
  lexByLength: Candidates;
  corpusByLength: Candidates;
}

let vocab: Vocabulary | undefined;

function byLength(ws: Iterable<string>): Map<number, string[]> {
  const m = new Map<number, string[]>();
  for (const w of ws) {
    if (w.length < 3 || /^[0-9]/.test(w)) continue;
    const list = m.get(w.length) ?? [];
    list.push(w);
    m.set(w.length, list);
  }
  return m;
}

function vocabulary(): Vocabulary {
  if (vocab) return vocab;
  const phrases = new Map<string, Phrase[]>();
  const lexRaw = new Set<string>();
  const lexStem = new Set<string>();
  for (const group of LEXICON) {
    for (const term of group.terms) {
      const ws = words(fold(term));
      if (!ws.length) continue;
      const exact = group.exact ?? false;
      const keys = exact ? ws : ws.map(stem);
      const list = phrases.get(keys[0]!) ?? [];
      list.push({ concept: group.concept, keys, words: ws, exact });
      phrases.set(keys[0]!, list);
      for (const w of ws) {
        lexRaw.add(w);
        lexStem.add(stem(w));
      }
    }
  }
  for (const w of readerWords()) {
    lexRaw.add(w);
    lexStem.add(stem(w));
  }
  for (const list of phrases.values()) list.sort((a, b) => b.keys.length - a.keys.length);
  const corpusRaw = new Set<string>(STOPWORDS);
  for (const e of content().entries) {
    const text = [e.title.nl, e.title.en, e.answer.nl, e.answer.en, e.basis, ...e.keywords].join(' ');
    for (const w of words(fold(text))) corpusRaw.add(w);
  }
  const corpusStem = new Set([...corpusRaw].map(stem));
  vocab = {
    phrases,
    lexRaw,
    lexStem,
    corpusRaw,
    corpusStem,
    lexByLength: candidateIndex(byLength(lexRaw)),
    corpusByLength: candidateIndex(byLength([...corpusRaw].filter((w) => !lexRaw.has(w)))),
  };
  return vocab;
}

/** Every word the knowledge base knows (lexicon and guidance): what correction may rewrite towards. */
export function knownWords(): string[] {
  const v = vocabulary();
  return [...new Set([...v.lexRaw, ...v.corpusRaw])];
}

function isKnown(v: Vocabulary, w: string): boolean {
  const s = stem(w);
  return v.lexRaw.has(w) || v.lexStem.has(s) || v.corpusRaw.has(w) || v.corpusStem.has(s);
}

/**
 * Candidate words for correction, found through a deletion index (every word with up to two letters
 * deleted points back at it): a typed word reaches, through its own deletions, every known word within
 * two edits, without comparing it with all words of similar length.
 */
interface Candidates {
  /** The words by length, then in their original order: the order the corrector tries them in. */
  words: string[];
  deletions: Map<string, number[]>;
}

function deletions(w: string, depth: number, out: Set<string>): Set<string> {
  out.add(w);
  if (depth > 0 && w.length > 2)
    for (let i = 0; i < w.length; i++) deletions(w.slice(0, i) + w.slice(i + 1), depth - 1, out);
  return out;
}

function candidateIndex(byLen: Map<number, string[]>): Candidates {
  const words = [...byLen.keys()].sort((a, b) => a - b).flatMap((len) => byLen.get(len)!);
  const index = new Map<string, number[]>();
  words.forEach((w, i) => {
    for (const d of deletions(w, 2, new Set())) {
      const list = index.get(d);
      if (list) list.push(i);
      else index.set(d, [i]);
    }
  });
  return { words, deletions: index };
}

function closest(candidates: Candidates, w: string, max: number): { word: string; d: number } | null {
  const ids = new Set<number>();
  for (const d of deletions(w, max, new Set())) for (const i of candidates.deletions.get(d) ?? []) ids.add(i);
  let best: { word: string; d: number } | null = null;
  for (const c of [...ids].sort((a, b) => a - b).map((i) => candidates.words[i]!)) {
    const limit = best ? best.d - 1 : max;
    if (limit < 0) return best;
    const d = editDistance(w, c, limit);
    // the first letter is rarely mistyped: prefer candidates that keep it
    if (d <= limit && (!best || d < best.d || (d === best.d && c[0] === w[0] && best.word[0] !== w[0])))
      best = { word: c, d };
  }
  return best;
}

/** Typed words → tokens: known words kept, compounds split, misspellings corrected where one is close. */
function correct(v: Vocabulary, typed: string, sentence: number, emphasis: boolean): Token[] {
  const tok = (raw: string, t?: string): Token => ({
    raw,
    stem: stem(raw),
    sentence,
    emphasis,
    ...(t ? { typed: t } : {}),
  });
  if (STOPWORDS.has(typed) || /^[0-9]/.test(typed) || typed.length < 3) return [tok(typed)];
  if (v.lexRaw.has(typed) || v.corpusRaw.has(typed)) return [tok(typed)];
  if (isKnown(v, typed)) {
    // Known only through its stem and no dictionary word: a typo that happens to stem like a known word
    // ("deelte" for "delete") is corrected when a lexicon word is that close; otherwise an inflection.
    const near = isDictionaryWord(typed) ? null : closest(v.lexByLength, typed, allowedErrors(typed.length));
    return [near && stem(near.word) !== stem(typed) ? tok(near.word, typed) : tok(typed)];
  }
  const knownPart = (w: string) => isKnown(v, w) && !STOPWORDS.has(w);
  const parts = splitCompound(typed, knownPart);
  // A split into long parts is a Dutch compound ("facebookpagina"); a split that needs a three-letter
  // part ("catpure" → cat + pure) loses to a correction of the whole word ("capture").
  if (parts?.every((p) => p.length >= 4)) return parts.map((p) => tok(p, typed));
  // A word of the Dutch or English dictionary is never rewritten: only non-words are corrected.
  if (isDictionaryWord(typed)) return [tok(typed)];
  const best = closestKnown(v, typed) ?? closestByStem(v, typed);
  if (best) return [tok(best, typed)];
  if (parts) return parts.map((p) => tok(p, typed));
  // A compound with a typo in one part ("woningbuowplannen"): one part known, the other corrected.
  // Only long words, long parts: an English word outside the dictionary list ("concerned") is no compound.
  const fixed =
    typed.length >= 10
      ? splitCompound(typed, (w) => knownPart(w) || (w.length >= 6 && closestKnown(v, w) !== null))
      : null;
  if (fixed?.every((p) => p.length >= 4))
    return fixed.map((p) => tok(knownPart(p) ? p : closestKnown(v, p)!, typed));
  // Two letters swapped across the join of a compound ("archiesftukken"): swap them back.
  for (let i = 1; typed.length >= 10 && i < typed.length - 1; i++) {
    const swapped = typed.slice(0, i) + typed[i + 1] + typed[i] + typed.slice(i + 2);
    const back = splitCompound(swapped, knownPart);
    if (back?.every((p) => p.length >= 4)) return back.map((p) => tok(p, typed));
  }
  return [tok(typed)];
}

/** Endings taken off a mistyped inflected form (train:kb keeps the dictionary words they could reach). */
export const SUFFIXES = ['den', 'ten', 'de', 'te', 'en', 'ed', 'ing', 'e', 's', 'd', 't'];

/**
 * An inflected form with a typo ("retewette", "beantowordde"): the ending taken off, the rest corrected
 * towards a lexicon word with the same first letter. Only for non-words of seven letters or more.
 */
function closestByStem(v: Vocabulary, typed: string): string | null {
  if (typed.length < 7 || isDictionaryWord(typed)) return null;
  for (const suffix of SUFFIXES) {
    if (!typed.endsWith(suffix)) continue;
    const rest = typed.slice(0, -suffix.length);
    if (rest.length < 5) continue;
    const near = closest(v.lexByLength, rest, allowedErrors(rest.length));
    if (near && near.word[0] === typed[0]) return near.word;
  }
  return null;
}

/** The known word closest to a non-word within the allowed errors (lexicon words first), or null. */
function closestKnown(v: Vocabulary, typed: string): string | null {
  if (isDictionaryWord(typed)) return null;
  const max = allowedErrors(typed.length);
  if (max === 0) return null;
  const lex = closest(v.lexByLength, typed, max);
  const corpus = closest(v.corpusByLength, typed, lex ? lex.d - 1 : max);
  const best = corpus && (!lex || corpus.d < lex.d) ? corpus : lex;
  return best?.word ?? null;
}

/** Which language a question is in: Dutch and English function words counted, Dutch on a tie. */
export function detectLanguage(folded: string): Lang {
  let nl = 0;
  let en = 0;
  for (const w of words(folded)) {
    if (NL_MARKERS.has(w)) nl++;
    else if (EN_MARKERS.has(w)) en++;
    else if (/(ij|oe|ui|aa|uu)/.test(w) && w.length > 3) nl += 0.25;
    else if (/(th|wh|ght|tion|ing)$/.test(w) || /^(th|wh)/.test(w)) en += 0.25;
  }
  return en > nl ? 'en' : 'nl';
}

const NL_MARKERS = new Set(
  (
    'de het een en van op aan te met voor door bij naar om uit als dat dit die deze er zijn was wordt worden ' +
    'moet moeten mag mogen hoeft hoeven kan kunnen ik je jij u wij hij zij ze mijn ons onze hun wat welk ' +
    'welke wie waar wanneer waarom hoe hoeveel sinds ook nog al niet geen wel maar toch dus nu zo iets ' +
    'alle heeft hebben hoort vallen valt gelden geldt tijdens onder zijn haar staat'
  ).split(' '),
);
const EN_MARKERS = new Set(
  (
    'the a an and of on to with for by from about as that this these those there is are was were be been ' +
    'must should do does did need needs can could may i you he she it they my our their your his her what ' +
    'which who whose when why how since also still not no but so now anything any under during its them ' +
    'have has had will would get'
  ).split(' '),
);

/** Analyses one question. */
export function analyse(question: string): Analysis {
  const v = vocabulary();
  const folded = fold(question);
  const lang = detectLanguage(folded);
  const tokens: Token[] = [];
  // The same text with its capitals, to see names; diacritics removed so it splits like the folded text.
  const cased = question
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[’‘`´]/g, "'");
  cased.split(/[.?!;:]+(?:\s|$)|\n/).forEach((sentence, i) => {
    (sentence.match(/[A-Za-z0-9]+(?:[.,][0-9]+)*/g) ?? []).forEach((w, j) => {
      const emphasis = /^[A-Z]{2,}[a-z]*$/.test(w) || (j > 0 && /^[A-Z][a-z]/.test(w));
      tokens.push(...correct(v, w.toLowerCase(), i, emphasis));
    });
  });
  const matches: Match[] = [];
  const used = new Array<boolean>(tokens.length).fill(false);
  for (let i = 0; i < tokens.length; i++) {
    if (used[i]) continue;
    const t = tokens[i]!;
    const candidates = [...(v.phrases.get(t.raw) ?? []), ...(v.phrases.get(t.stem) ?? [])].sort(
      (a, b) => b.keys.length - a.keys.length,
    );
    for (const p of candidates) {
      if (i + p.keys.length > tokens.length) continue;
      let ok = true;
      for (let k = 0; k < p.keys.length && ok; k++) {
        const tk = tokens[i + k]!;
        // A function word matches a term only as written: "over" is not "overheid" though both stem to "over".
        ok =
          !used[i + k] &&
          (p.exact || STOPWORDS.has(tk.raw) ? tk.raw === p.words[k] : tk.stem === p.keys[k]);
      }
      if (!ok) continue;
      matches.push({
        concept: p.concept,
        start: i,
        end: i + p.keys.length,
        text: tokens
          .slice(i, i + p.keys.length)
          .map((x) => x.raw)
          .join(' '),
      });
      for (let k = 0; k < p.keys.length; k++) used[i + k] = true;
      break;
    }
  }
  // A capital marks a name only where the word is not a known term ("YouTube" is a platform, not a topic).
  tokens.forEach((t, i) => {
    if (used[i]) t.emphasis = false;
  });
  let contentWords = 0;
  const unknownWords: string[] = [];
  tokens.forEach((t, i) => {
    if (STOPWORDS.has(t.raw) || t.raw.length < 2) return;
    contentWords++;
    if (!used[i] && !v.corpusRaw.has(t.raw) && !v.corpusStem.has(t.stem)) unknownWords.push(t.typed ?? t.raw);
  });
  return { tokens, matches, unknownWords, contentWords, lang, text: question };
}
