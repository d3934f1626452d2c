/**
 * Reads a question: words, misspellings corrected towards known words, Dutch compounds split, lexicon
 * concepts matched (longest phrase first), and the question's language. Pure; the vocabulary is built
 * once from the lexicon and the guidance content.
 */
import { content, type Lang } from './content.ts';
import { CAPITALS } from './data.ts';
import { readerWords, targetWords } from './facts.ts';
import { type Concept, LEXICON, STOPWORDS } from './lexicon.ts';
import { patternWords } from './patterns.ts';
import { candidateIndex, correctWord, isDictionaryWord, type KnownWords } from './spelling.ts';
import { fold, stem, words } from './text.ts';

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
  /** How far English leads Dutch in its function words (languageLead): how sure `lang` is. */
  langLead: number;
  /** The text analysed, as written. */
  text: string;
  /** The text as read: its words after spelling correction, folded, sentences marked by ". ". */
  read: string;
}

interface Phrase {
  concept: Concept;
  keys: string[];
  /** The term's words as written (folded). */
  words: string[];
  exact: boolean;
}

interface Vocabulary extends KnownWords {
  phrases: Map<string, Phrase[]>;
}

let vocab: Vocabulary | undefined;

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
  const targets = new Set(
    [...targetWords(), ...patternWords()].filter((w) => !lexRaw.has(w) && !corpusRaw.has(w)),
  );
  vocab = {
    phrases,
    lexRaw,
    lexStem,
    corpusRaw,
    corpusStem,
    lexByLength: candidateIndex(lexRaw),
    corpusByLength: candidateIndex([...corpusRaw].filter((w) => !lexRaw.has(w))),
    targets,
    targetByLength: candidateIndex(targets),
  };
  return vocab;
}

/** Every word the knowledge base knows (lexicon and guidance): what correction may rewrite towards. */
export function knownWords(): string[] {
  const v = vocabulary();
  return [...new Set([...v.lexRaw, ...v.corpusRaw, ...v.targets])];
}

/**
 * Typed words → tokens: spelling.ts corrects non-words and splits compounds; the words around and the
 * question's language are the context that decides a correction an ordinary word competes with.
 */
function correct(
  v: Vocabulary,
  ws: string[],
  j: number,
  sentence: number,
  emphasis: boolean,
  lang: Lang,
): Token[] {
  const context = { before: ws[j - 1]?.toLowerCase(), after: ws[j + 1]?.toLowerCase(), lang };
  return correctWord(v, ws[j]!.toLowerCase(), context).map((c) => ({
    ...c,
    stem: stem(c.raw),
    sentence,
    emphasis,
  }));
}

/** Which language a question is in: Dutch and English function words counted, Dutch on a tie. */
export function detectLanguage(folded: string): Lang {
  return languageLead(folded) > 0 ? 'en' : 'nl';
}

/** How far English leads Dutch in a text's function words (negative: Dutch leads). */
export function languageLead(folded: string): number {
  let nl = 0;
  let en = 0;
  for (const w of words(folded)) {
    if (NL_MARKERS.has(w)) nl++;
    else if (EN_MARKERS.has(w)) en++;
    else if (/(ij|oe|ui|aa|uu)/.test(w) && w.length > 3) nl += 0.25;
    else if (/(th|wh|ght|tion|ing)$/.test(w) || /^(th|wh)/.test(w)) en += 0.25;
  }
  return en - nl;
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

/** The phrase p matches the tokens from i (none of them taken by an earlier match). */
function fits(p: Phrase, tokens: Token[], used: boolean[], i: number): boolean {
  if (i + p.keys.length > tokens.length) return false;
  for (let k = 0; k < p.keys.length; k++) {
    const tk = tokens[i + k]!;
    // A function word matches a term only as written: "over" is not "overheid" though both stem to "over".
    const ok =
      !used[i + k] && (p.exact || STOPWORDS.has(tk.raw) ? tk.raw === p.words[k] : tk.stem === p.keys[k]);
    if (!ok) return false;
    // A stem of three letters or fewer says little ("zones" and "zoon" both stem to "zon", "weet" and "wet"
    // to "wet"): the word must also start like the term ("sons", "wetten") or the term like the word.
    const w = p.words[k]!;
    if (p.keys[k]!.length <= 3 && tk.raw !== w && !tk.raw.startsWith(w) && !w.startsWith(tk.raw))
      return false;
  }
  return true;
}

/** The length of the longest phrase that matches from token i (0 when none). */
function longestAt(v: Vocabulary, tokens: Token[], used: boolean[], i: number): number {
  const t = tokens[i];
  if (!t || STOPWORDS.has(t.raw)) return 0;
  const candidates = [...(v.phrases.get(t.raw) ?? []), ...(v.phrases.get(t.stem) ?? [])];
  return Math.max(0, ...candidates.filter((p) => fits(p, tokens, used, i)).map((p) => p.keys.length));
}

/** Words before "like" that make it a preposition or a wish: "anything like that", "looks like", "would like to". */
const BEFORE_PREPOSITION_LIKE = new Set(
  'anything something nothing everything things stuff or just looks look looked seems seem seemed would feel felt much more exactly'.split(
    ' ',
  ),
);

/** "or anything like that" is no like (the button): the bare word after such a word is not the concept. */
function dropLikeAsPreposition(tokens: Token[], used: boolean[], matches: Match[]): void {
  for (let k = matches.length - 1; k >= 0; k--) {
    const m = matches[k]!;
    const prev = tokens[m.start - 1];
    if (m.concept !== 'like' || m.text !== 'like' || !prev || prev.sentence !== tokens[m.start]!.sentence)
      continue;
    if (!BEFORE_PREPOSITION_LIKE.has(prev.raw)) continue;
    matches.splice(k, 1);
    used[m.start] = false;
  }
}

const ACCOUNT_WORDS = new Set(['account', 'accounts', 'profiel', 'profile', 'pagina', 'page', 'app']);
const PLACE_PREPOSITIONS = new Set(['op', 'on', 'via', 'naar', 'to', 'from', 'van']);

/**
 * "Threads" is the platform, not posts' threads, when written with a capital inside a sentence, before
 * "account" ("my own Threads account", "haar Threads-account") or after a preposition of place ("ik post op
 * threads", "on Threads"); "een draadje op X en threads op Bluesky" keeps its threads.
 */
function threadsThePlatform(tokens: Token[], matches: Match[]): void {
  for (const m of matches) {
    if (m.text !== 'threads' || m.concept === 'platform') continue;
    const t = tokens[m.start]!;
    const next = tokens[m.end];
    const prev = tokens[m.start - 1];
    const same = (x: Token | undefined) => x !== undefined && x.sentence === t.sentence;
    if (
      t.emphasis ||
      (same(next) && ACCOUNT_WORDS.has(next!.raw)) ||
      (same(prev) && PLACE_PREPOSITIONS.has(prev!.raw))
    )
      m.concept = 'platform';
  }
}

/** Word classes a Dutch compound takes from its head: a "zeilvakantie" is a holiday, a "kerstconcert" a concert. */
const HEAD_CONCEPTS: Concept[] = ['ptNo', 'ptYes'];

/**
 * A Dutch compound no term matched takes the class of its head when the head is a one-word term of six
 * letters or more after a word of three or more ("zeilvakantie" → vakantie; not "transport" → sport, not
 * "aandeelhouders" → ouders).
 */
function compoundHeads(v: Vocabulary, tokens: Token[], used: boolean[], matches: Match[]): void {
  tokens.forEach((t, i) => {
    if (used[i] || t.raw.length < 9) return;
    for (let k = 3; k <= t.raw.length - 6; k++) {
      const head = t.raw.slice(k);
      const key = stem(head);
      const p = (v.phrases.get(key) ?? []).find(
        (x) => x.keys.length === 1 && HEAD_CONCEPTS.includes(x.concept) && x.words[0] === head,
      );
      // the first part must be a word (with or without a linking s): "aandeelh|ouders" is no compound of ouders
      const first = t.raw.slice(0, k);
      if (!p || !(isDictionaryWord(first) || (first.endsWith('s') && isDictionaryWord(first.slice(0, -1)))))
        continue;
      matches.push({ concept: p.concept, start: i, end: i + 1, text: t.raw });
      used[i] = true;
      return;
    }
  });
  matches.sort((a, b) => a.start - b.start);
}

/** Analyses one question. */
export function analyse(question: string): Analysis {
  const v = vocabulary();
  const folded = fold(question);
  const langLead = languageLead(folded);
  const lang: Lang = langLead > 0 ? 'en' : 'nl';
  const tokens: Token[] = [];
  // The same text with its capitals, to see names; diacritics removed so it splits like the folded text.
  const cased = question
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[’‘`´]/g, "'");
  cased.split(/[.?!;:]+(?:\s|$)|\n/).forEach((sentence, i) => {
    const ws = sentence.match(/[A-Za-z0-9]+(?:[.,][0-9]+)*/g) ?? [];
    ws.forEach((w, j) => {
      const spelled = CAPITALS[w];
      if (spelled) {
        for (const raw of words(fold(spelled)))
          tokens.push({ raw, stem: stem(raw), typed: w.toLowerCase(), sentence: i, emphasis: false });
        return;
      }
      const emphasis = /^[A-Z]{2,}[a-z]*$/.test(w) || (j > 0 && /^[A-Z][a-z]/.test(w));
      tokens.push(...correct(v, ws, j, i, emphasis, lang));
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
      if (!fits(p, tokens, used, i)) continue;
      // A term opening with a function word yields to one that starts on its next word and reaches
      // further: "the press office's line" is the press office, not the press.
      if (STOPWORDS.has(t.raw) && p.keys.length > 1 && longestAt(v, tokens, used, i + 1) > p.keys.length - 1)
        continue;
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
  dropLikeAsPreposition(tokens, used, matches);
  threadsThePlatform(tokens, matches);
  // "a high-profile case": an adjective, not a profile
  for (let k = matches.length - 1; k >= 0; k--) {
    const m = matches[k]!;
    if (
      m.concept === 'profile' &&
      m.text === 'profile' &&
      ['high', 'low'].includes(tokens[m.start - 1]?.raw ?? '')
    )
      matches.splice(k, 1);
  }
  if (lang === 'nl') compoundHeads(v, tokens, used, matches);
  // A capital marks a name only where the word is not a known term ("YouTube" is a platform, not a topic).
  tokens.forEach((t, i) => {
    if (used[i]) t.emphasis = false;
  });
  let contentWords = 0;
  const unknownWords: string[] = [];
  tokens.forEach((t, i) => {
    if (STOPWORDS.has(t.raw) || t.raw.length < 2) return;
    contentWords++;
    if (!used[i] && !v.corpusRaw.has(t.raw) && !v.corpusStem.has(t.stem) && !v.targets.has(t.raw))
      unknownWords.push(t.typed ?? t.raw);
  });
  const read = tokens
    .map((t, i) => (i > 0 && tokens[i - 1]!.sentence !== t.sentence ? `. ${t.raw}` : t.raw))
    .join(' ');
  return { tokens, matches, unknownWords, contentWords, lang, langLead, text: question, read };
}
