import snowball from 'snowball-stemmers';

/**
 * Text handling for the knowledge base: folding, tokens, stemming (a light Dutch + English stemmer for
 * participles, plurals and English endings, then the Snowball Dutch stemmer), compound splitting and
 * bounded edit distance for misspellings.
 */

/** Lower case, diacritics removed, typographic quotes made plain: 'Privé-Account’s' → "prive-account's". */
export function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[’‘`´]/g, "'");
}

/**
 * Words of a folded text. Hyphens and apostrophes split words ("x-account" → x, account; "foto's" →
 * foto, s); decimals and thousands stay one token ("22.000", "2.4").
 */
export function words(folded: string): string[] {
  return folded.match(/[a-z0-9]+(?:[.,][0-9]+)*/g) ?? [];
}

const VOWELS = new Set(['a', 'e', 'i', 'o', 'u', 'y']);

/**
 * A light stemmer for Dutch and English together (questions mix them: "onze corporate posts"). It only
 * has to map a word and its usual inflections to the same key, consistently for questions and content;
 * it does not have to produce linguistic stems. archiveren/archiveer/gearchiveerd → archiver;
 * posts/post → post; berichten/bericht → bericht; replies/reply → reply; archived/archiving → archiv.
 */
export function stem(word: string): string {
  const cached = stems.get(word);
  if (cached !== undefined) return cached;
  const light = lightStem(word);
  // The Snowball Dutch stemmer over the light one: Dutch derivations (-heid, -lijk, -baar, -ing …) too.
  const s = light.length <= 3 || /^[0-9]/.test(light) ? light : dutch.stem(light);
  if (stems.size < 50_000) stems.set(word, s);
  return s;
}

const dutch = (snowball as { newStemmer: (lang: string) => { stem: (w: string) => string } }).newStemmer(
  'dutch',
);
const stems = new Map<string, string>();

/** The light Dutch + English stemmer: participles, plurals, English -ies/-ed/-ing. */
function lightStem(word: string): string {
  let w = word;
  if (w.length <= 3 || /^[0-9]/.test(w)) return w;
  // Dutch past participles: gearchiveerd → archiveerd
  if (w.startsWith('ge') && w.length > 7 && (w.endsWith('d') || w.endsWith('t'))) w = w.slice(2);
  for (const [suffix, repl, min] of SUFFIXES) {
    if (w.length >= min && w.endsWith(suffix)) return undouble(w.slice(0, -suffix.length) + repl);
  }
  if (w.length >= 6 && w.endsWith('en')) w = w.slice(0, -2);
  else if (w.length >= 5 && w.endsWith('ed')) w = w.slice(0, -2);
  else if (w.length >= 5 && /(s|x|z|ch|sh)es$/.test(w)) w = w.slice(0, -2);
  else if (w.length >= 4 && w.endsWith('s') && !/(ss|us|is)$/.test(w)) w = w.slice(0, -1);
  else if (w.length >= 6 && /(aa|ee|oo|uu)[^aeiou][dt]$/.test(w)) w = w.slice(0, -1); // bewaard, bewaart → bewaar
  if (w.length >= 5 && w.endsWith('e')) w = w.slice(0, -1);
  return undouble(w);
}

/** Suffix, replacement, minimum word length: tried in order, the first that fits wins. */
const SUFFIXES: [string, string, number][] = [
  ['heden', 'heid', 6],
  ['ties', 'ti', 6],
  ['ies', 'y', 5],
  ['ied', 'y', 5],
  ['eren', 'er', 6],
  ['eerd', 'er', 6],
  ['eert', 'er', 6],
  ['eer', 'er', 5],
  ['ingen', '', 8],
  ['ing', '', 6],
];

/** bericht, posts → post; "bewaar" keeps its long vowel so it meets "bewaren" → bewar. */
function undouble(w: string): string {
  const n = w.length;
  if (n >= 4 && w[n - 1] === w[n - 2] && !VOWELS.has(w[n - 1]!)) return w.slice(0, -1);
  // long vowel before a final consonant (bewaar → bewar, archiveer → archiver)
  if (n >= 5 && !VOWELS.has(w[n - 1]!) && w[n - 2] === w[n - 3] && VOWELS.has(w[n - 2]!) && w[n - 2] !== 'i')
    return w.slice(0, n - 2) + w[n - 1];
  return w;
}

/** Damerau-Levenshtein distance (adjacent transpositions count 1), or max+1 as soon as it exceeds max. */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  if (a === b) return 0;
  const n = a.length;
  const m = b.length;
  let prev2 = new Array<number>(m + 1).fill(0);
  let prev = Array.from({ length: m + 1 }, (_, j) => j);
  let cur = new Array<number>(m + 1).fill(0);
  for (let i = 1; i <= n; i++) {
    cur[0] = i;
    let rowMin = cur[0];
    for (let j = 1; j <= m; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, prev2[j - 2]! + 1);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[m]!;
}

/** How many typing errors a word of this length may carry and still be recognised. */
export function allowedErrors(length: number): number {
  if (length <= 4) return 0;
  if (length <= 7) return 1;
  return 2;
}

/**
 * Splits an unknown compound into known parts: "facebookpagina" → facebook + pagina,
 * "vakantiefoto" → vakantie + foto, "kabinetswissel" → kabinet(s) + wissel. Both parts must be known
 * words of at least three letters; the Dutch linking s/e/en may sit between them. At most three parts.
 */
export function splitCompound(word: string, known: (w: string) => boolean, depth = 0): string[] | null {
  if (word.length < 7 || depth > 1) return null;
  for (let i = word.length - 3; i >= 3; i--) {
    const left = word.slice(0, i);
    const right = word.slice(i);
    const lefts = [left];
    if (left.endsWith('s') && left.length > 3) lefts.push(left.slice(0, -1));
    if (left.endsWith('en') && left.length > 4) lefts.push(left.slice(0, -2));
    if (left.endsWith('e') && left.length > 3) lefts.push(left.slice(0, -1));
    const l = lefts.find(known);
    if (!l) continue;
    if (known(right)) return [l, right];
    const rest = splitCompound(right, known, depth + 1);
    if (rest) return [l, ...rest];
  }
  return null;
}

/** The keys around each letter on a QWERTY keyboard (the layout used in the Netherlands too). */
const KEYBOARD = ['qwertyuiop', 'asdfghjkl', 'zxcvbnm'];

/** The letters on the keys next to a letter (left, right, and the rows above and below). */
export function keyNeighbours(c: string): string {
  const row = KEYBOARD.findIndex((r) => r.includes(c));
  if (row < 0) return '';
  const col = KEYBOARD[row]!.indexOf(c);
  let out = (KEYBOARD[row]![col - 1] ?? '') + (KEYBOARD[row]![col + 1] ?? '');
  for (const r of [row - 1, row + 1]) {
    const keys = KEYBOARD[r];
    // rows are staggered: the row above reaches col and col + 1, the row below col - 1 and col
    if (keys) out += (keys[r < row ? col : col - 1] ?? '') + (keys[r < row ? col + 1 : col] ?? '');
  }
  return out;
}

/**
 * How likely a single typing error turns `word` into `typed`, as a cost below one edit: two neighbouring
 * letters swapped, a letter dropped or doubled 0.5; a neighbouring key instead of the right one 0.6; a
 * neighbouring key struck as well 0.7; null for any other edit (any letter for any other: one whole edit).
 */
export function slipCost(typed: string, word: string): number | null {
  let i = 0;
  while (i < typed.length && i < word.length && typed[i] === word[i]) i++;
  if (typed.length === word.length) {
    if (i >= typed.length) return null;
    if (typed[i] === word[i + 1] && typed[i + 1] === word[i] && typed.slice(i + 2) === word.slice(i + 2))
      return 0.5;
    return typed.slice(i + 1) === word.slice(i + 1) && keyNeighbours(word[i]!).includes(typed[i]!)
      ? 0.6
      : null;
  }
  if (typed.length === word.length - 1) return typed.slice(i) === word.slice(i + 1) ? 0.5 : null;
  if (typed.length !== word.length + 1 || typed.slice(i + 1) !== word.slice(i)) return null;
  const extra = typed[i]!;
  const around = (word[i - 1] ?? '') + (word[i] ?? '');
  if (around.includes(extra)) return 0.5;
  return [...around].some((c) => keyNeighbours(c).includes(extra)) ? 0.7 : null;
}
