/**
 * Search snippets made from a version's text and the search's FTS5 query, without FTS5: the same text
 * as FTS5's `snippet(version_fts, 0, '«', '»', '…', 16)`, so a hit can be read by primary key instead
 * of through a second FTS5 look-up (at a million versions, FTS5's snippet() for a page of 20 hits cost
 * about as much as the ranked query itself).
 *
 * Three parts, each a port of SQLite's own code (3.52, `ext/fts5`), checked against snippet() in
 * tests/snippet.test.ts:
 *
 * - the `unicode61 remove_diacritics 2` tokenizer of version_fts (migrations.ts): a token is a run of
 *   letters, digits and private-use (and, as SQLite's Unicode tables have them, unassigned) code points,
 *   with combining accents inside a word kept in it; folded to lower case and without diacritics by
 *   SQLite's own tables (`ministérie` and `MINISTERIE` are `ministerie`, `İ` is `i`; `ø`, `ł` and `ß` stay);
 * - the query's phrases as FTS5 parses them: "quoted" words and phrases (a phrase is its tokens, so
 *   `"don't"` is `don t`), barewords, `"prefix"*` (the phrase's last token a prefix), OR/AND/NOT and
 *   brackets (which do not change which words are marked); `col:` and `{…}:` column filters are skipped,
 *   `a + b` joins two phrases, `^` only marks a phrase at the start. Not ported: NEAR's distance (its
 *   phrases are marked wherever they occur) — the store builds none of these;
 * - snippet() itself (fts5_aux.c): every instance of every phrase, a window of `tokens` tokens scored by
 *   how many phrases it holds (1000 for each phrase, 1 for each repeat), a window at the start of the
 *   sentence holding the instance preferred (+120 at the text's start, +100 after `.` or `:`), the best
 *   window centred on its instances; overlapping instances marked as one; `…` where the text is cut.
 */

// --- The unicode61 tokenizer --------------------------------------------------------------------

/**
 * Which code points from 128 up are token characters (SQLite's categories L*, N*, Co and unassigned,
 * from its `aFts5UnicodeData` tables): where each run of the same answer starts, as base-36 steps from
 * the run before, the first run (from 128) of separators. Generated from sqlite3.c 3.52.
 */
const TOKEN_RUNS =
  '3k,16,1,7,2,1,1,3,2,1,3,1,n,1,v,1,cq,4,c,e,5,7,1,1,1,3l,5,1,8,1,5,2,1,1,32,1,3v,8,5s,6,15,2,4,1,1,1j' +
  ',17,2,b,5,1,m,2,2,17,l,a,4,2,1,2r,1,1,f,2,7,f,2,1,e,1,1,1,1,u,r,2j,b,1m,9,2,4,s,4,1,9,1,3,1,5,2,f,q,' +
  '3,2,1,3p,r,1,4,1i,3,1,i,1,7,a,4,a,1,g,3,1k,1,1,7,2,2,2,3,9,1,a,2,e,2,6,2,5,3,1k,1,1,5,4,2,2,3,3,1,u,' +
  '2,3,1,b,3,1k,1,1,8,1,3,1,3,k,2,c,2,f,3,1k,1,1,7,2,2,2,3,8,2,a,2,c,1,h,1,1n,5,3,3,1,4,9,1,r,8,6,3,1m,' +
  '7,1,3,1,4,7,2,b,2,r,1,2,2,1k,1,1,7,1,3,1,4,7,2,b,2,u,2,1m,7,1,3,1,4,9,1,a,2,l,1,8,2,1y,1,4,6,1,1,1,8' +
  ',i,3,1o,1,2,7,4,1,7,9,a,2,2d,1,2,6,1,2,b,6,1f,v,k,c,1d,n,5,b,1,10,1,f,1,d,28,k,b,6,6,4,4,3,1,3,2,7,3' +
  ',4,d,c,1,1,a,6,2j,1,gx,c,13,a,2u,1,h8,2,h,1,q,2,26,3,10,3,t,5,r,2,u,2,1s,z,1,4,1,1,y,f,4a,1,3a,c,4,c' +
  ',4,1,3,2,2y,h,7,2,k,y,n,5,2,2,1h,a,1,t,2,1,w,7,1,6,2a,5,1b,h,l,z,3,3,u,d,1k,e,8,4,10,k,3,5,1q,2,1s,8' +
  ',8,p,4,1,4,3,5n,13,l,4,cd,1,1,3,b,3,d,3,d,3,d,2,1,2t,5,6,a,5,b,5,h,q,m,x,f,2,1,4,1,2,a,1,1,3,5,6,1,1' +
  ',1,1,1,1,4,1,b,2,4,5,5,4,1,1,1s,h0,c,13,p,b,29,26,m,e8,1,39,u,qh,3,a,az,6,4,3,7,4,1,2,34,1,e,1,2o,27' +
  ',1,c,1w,q,1,2h,c,5y,q,c,4,5,3,p,9,7,5,2,5,3,2h,4,3,1,2i,1,44,2,4,a,w,10,s,v,b,u,8,1,f,w,a,13,f,1r,1,' +
  '74,534,1s,h3k,1j,1j,2,7h,3,2n,g,w,1,28,8,8,n,9,2,2v,2,3b,1,3,1,4,1,n,9,a,4,1m,4,8,2,1e,h,9,2,g,i,6,3' +
  ',17,a,n,d,b,1,w,4,1b,r,g,2,21,e,c,1,8,2,e,4,n,3,1,1,1g,1,1,3,2,2,5,2,1,1,s,2,b,7,3,2,6k,b,8pe,1,ou,2' +
  ',3i,2,se,1,5cu,1,a,1,3s,g,ak,2,58,2,2,q,6,7,9,z,1,j,1,4,43,1,1,f,a,7,q,6,q,b,3e,7,1,7,a,5,76,3,1g,9,' +
  '1l,h,6,c,1g,1a,bl,1,1c,1,w6,1,5j,1,v,1,5d,3,1,2,5,4,14,3,4,1,g,9,12,1,55,7,xs,3,1h,m,1e,3,19,i,1q,3,' +
  '10,e,b,4,1o,3,1c,e,4,4,yq,d,2pk,4,esd,1a,g,4,j1p,6u,a,13,2,51,y,1y,56,2f,oa,1,p,1,v,1,p,1,v,1,p,1,v,' +
  '1,p,1,v,1,p,1,4ks,2,7i,18,4,2s,c,f,2,e,2,f,1,f,1c,v,1,1o,4,17,23,t,d,17,5,9,7,2,4u,x,f,6,1,1y,3,k,c,' +
  '11,1,5,l,h,f,1r,1,1,1,52,1,4,3,1q,2,4,c,o,43,1y,4,b,1c,1y,1m,38,gwi5,1,u,2o,3k,6o';

let runStarts: Uint32Array | undefined;

function tokenRuns(): Uint32Array {
  if (runStarts) return runStarts;
  const steps = TOKEN_RUNS.split(',');
  const out = new Uint32Array(steps.length);
  let at = 0;
  for (const [i, s] of steps.entries()) {
    at += Number.parseInt(s, 36);
    out[i] = at;
  }
  runStarts = out;
  return out;
}

/** Whether a code point is part of a token (fts5UnicodeIsAlnum with the default categories). */
function isTokenChar(c: number): boolean {
  if (c < 128) return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
  if (c >= 0x100000) return true; // past SQLite's tables: category 0, a token character
  const runs = tokenRuns();
  let lo = 0;
  let hi = runs.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (runs[mid]! <= c) lo = mid;
    else hi = mid - 1;
  }
  return lo % 2 === 1;
}

/** A combining accent that continues a token (sqlite3Fts5UnicodeIsdiacritic). */
function isDiacritic(c: number): boolean {
  if (c < 768 || c > 817) return false;
  return c < 800 ? ((0x08029fdf >>> (c - 768)) & 1) === 1 : ((0x000361f8 >>> (c - 800)) & 1) === 1;
}

/**
 * sqlite3Fts5UnicodeFold's case rules: per rule its first code point, flags (bit 0: every second code
 * point only; the rest: an index into FOLD_OFFSETS) and how many code points it covers.
 */
const FOLD_RULES = [
  65, 14, 26, 181, 64, 1, 192, 14, 23, 216, 14, 7, 256, 1, 48, 306, 1, 6, 313, 1, 16, 330, 1, 46, 376, 116, 1,
  377, 1, 6, 383, 104, 1, 385, 50, 1, 386, 1, 4, 390, 44, 1, 391, 0, 1, 393, 42, 2, 395, 0, 1, 398, 32, 1,
  399, 38, 1, 400, 40, 1, 401, 0, 1, 403, 42, 1, 404, 46, 1, 406, 52, 1, 407, 48, 1, 408, 0, 1, 412, 52, 1,
  413, 54, 1, 415, 56, 1, 416, 1, 6, 422, 60, 1, 423, 0, 1, 425, 60, 1, 428, 0, 1, 430, 60, 1, 431, 0, 1, 433,
  58, 2, 435, 1, 4, 439, 62, 1, 440, 0, 1, 444, 0, 1, 452, 2, 1, 453, 0, 1, 455, 2, 1, 456, 0, 1, 458, 2, 1,
  459, 1, 18, 478, 1, 18, 497, 2, 1, 498, 1, 4, 502, 122, 1, 503, 134, 1, 504, 1, 40, 544, 110, 1, 546, 1, 18,
  570, 70, 1, 571, 0, 1, 573, 108, 1, 574, 68, 1, 577, 0, 1, 579, 106, 1, 580, 28, 1, 581, 30, 1, 582, 1, 10,
  837, 36, 1, 880, 1, 4, 886, 0, 1, 902, 18, 1, 904, 16, 3, 908, 26, 1, 910, 24, 2, 913, 14, 17, 931, 14, 9,
  962, 0, 1, 975, 4, 1, 976, 140, 1, 977, 142, 1, 981, 146, 1, 982, 144, 1, 984, 1, 24, 1008, 136, 1, 1009,
  138, 1, 1012, 130, 1, 1013, 128, 1, 1015, 0, 1, 1017, 152, 1, 1018, 0, 1, 1021, 110, 3, 1024, 34, 16, 1040,
  14, 32, 1120, 1, 34, 1162, 1, 54, 1216, 6, 1, 1217, 1, 14, 1232, 1, 88, 1329, 22, 38, 4256, 66, 38, 4295,
  66, 1, 4301, 66, 1, 7680, 1, 150, 7835, 132, 1, 7838, 96, 1, 7840, 1, 96, 7944, 150, 8, 7960, 150, 6, 7976,
  150, 8, 7992, 150, 8, 8008, 150, 6, 8025, 151, 8, 8040, 150, 8, 8072, 150, 8, 8088, 150, 8, 8104, 150, 8,
  8120, 150, 2, 8122, 126, 2, 8124, 148, 1, 8126, 100, 1, 8136, 124, 4, 8140, 148, 1, 8152, 150, 2, 8154, 120,
  2, 8168, 150, 2, 8170, 118, 2, 8172, 152, 1, 8184, 112, 2, 8186, 114, 2, 8188, 148, 1, 8486, 98, 1, 8490,
  92, 1, 8491, 94, 1, 8498, 12, 1, 8544, 8, 16, 8579, 0, 1, 9398, 10, 26, 11264, 22, 47, 11360, 0, 1, 11362,
  88, 1, 11363, 102, 1, 11364, 90, 1, 11367, 1, 6, 11373, 84, 1, 11374, 86, 1, 11375, 80, 1, 11376, 82, 1,
  11378, 0, 1, 11381, 0, 1, 11390, 78, 2, 11392, 1, 100, 11499, 1, 4, 11506, 0, 1, 42560, 1, 46, 42624, 1, 24,
  42786, 1, 14, 42802, 1, 62, 42873, 1, 4, 42877, 76, 1, 42878, 1, 10, 42891, 0, 1, 42893, 74, 1, 42896, 1, 4,
  42912, 1, 10, 42922, 72, 1, 65313, 14, 26,
];

const FOLD_OFFSETS = [
  1, 2, 8, 15, 16, 26, 28, 32, 37, 38, 40, 48, 63, 64, 69, 71, 79, 80, 116, 202, 203, 205, 206, 207, 209, 210,
  211, 213, 214, 217, 218, 219, 775, 7264, 10792, 10795, 23228, 23256, 30204, 54721, 54753, 54754, 54756,
  54787, 54793, 54809, 57153, 57274, 57921, 58019, 58363, 61722, 65268, 65341, 65373, 65406, 65408, 65410,
  65415, 65424, 65436, 65439, 65450, 65462, 65472, 65476, 65478, 65480, 65482, 65488, 65506, 65511, 65514,
  65521, 65527, 65528, 65529,
];

/** fts5_remove_diacritic's table: (code point << 3) | how many follow it, and each range's letter. */
const DIACRITIC_KEYS = [
  0, 1797, 1848, 1859, 1891, 1928, 1940, 1995, 2024, 2040, 2060, 2110, 2168, 2206, 2264, 2286, 2344, 2383,
  2472, 2488, 2516, 2596, 2668, 2732, 2782, 2842, 2894, 2954, 2984, 3000, 3028, 3336, 3456, 3696, 3712, 3728,
  3744, 3766, 3832, 3896, 3912, 3928, 3944, 3968, 4008, 4040, 4056, 4106, 4138, 4170, 4202, 4234, 4266, 4296,
  4312, 4344, 4408, 4424, 4442, 4472, 4488, 4504, 6148, 6198, 6264, 6280, 6360, 6429, 6505, 6529, 61448,
  61468, 61512, 61534, 61592, 61610, 61642, 61672, 61688, 61704, 61726, 61784, 61800, 61816, 61836, 61880,
  61896, 61914, 61948, 61998, 62062, 62122, 62154, 62184, 62200, 62218, 62252, 62302, 62364, 62410, 62442,
  62478, 62536, 62554, 62584, 62604, 62640, 62648, 62656, 62664, 62730, 62766, 62830, 62890, 62924, 62974,
  63032, 63050, 63082, 63118, 63182, 63242, 63274, 63310, 63368, 63390,
];
/** The letter for each DIACRITIC_KEYS range ('0': none; upper case: only when removing "complex" ones). */
const DIACRITIC_BASES =
  '0aceinouyyacdeeghijklnorstuuwyzouaiouUAgkoOjgnAaeiorusthaeOoOy00000000abCddEeEfghhiIklLlmnOprRrsStuUvwwxyzhtwyaAAAeEEioOOOuUUy';

/** The last index of a sorted table whose value is at most `key` (-1: none). */
function floorIndex(n: number, at: (i: number) => number, key: number): number {
  let lo = 0;
  let hi = n - 1;
  let found = -1;
  while (hi >= lo) {
    const mid = (lo + hi) >> 1;
    if (key >= at(mid)) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** fts5_remove_diacritic with remove_diacritics 2 (complex ones too): 0 drops a combining accent. */
function removeDiacritic(c: number): number {
  const i = floorIndex(DIACRITIC_KEYS.length, (k) => DIACRITIC_KEYS[k]!, (c << 3) | 7);
  const key = DIACRITIC_KEYS[i]!;
  if (c > (key >> 3) + (key & 7)) return c;
  const base = DIACRITIC_BASES[i]!;
  return base === '0' ? 0 : base.toLowerCase().charCodeAt(0);
}

/** sqlite3Fts5UnicodeFold(c, 2): lower case, then without its diacritic. */
function fold(c: number): number {
  if (c < 128) return c >= 65 && c <= 90 ? c + 32 : c;
  if (c < 65536) {
    const i = floorIndex(FOLD_RULES.length / 3, (k) => FOLD_RULES[k * 3]!, c);
    const first = FOLD_RULES[i * 3]!;
    const flags = FOLD_RULES[i * 3 + 1]!;
    let out = c;
    if (c < first + FOLD_RULES[i * 3 + 2]! && (flags & 1 & (first ^ c)) === 0)
      out = (c + FOLD_OFFSETS[flags >> 1]!) & 0xffff;
    return removeDiacritic(out);
  }
  return c >= 66560 && c < 66600 ? c + 40 : c;
}

/** A text's tokens: where each starts and ends (string indices) and its folded form. */
export interface Tokens {
  start: number[];
  end: number[];
  term: string[];
}

/** The code point at `i` as SQLite reads the text's UTF-8 (a lone surrogate, U+FFFE/F: U+FFFD). */
function codePointAt(text: string, i: number): number {
  const c = text.codePointAt(i)!;
  if ((c >= 0xd800 && c <= 0xdfff) || c === 0xfffe || c === 0xffff) return 0xfffd;
  return c;
}

/** ASCII letters and digits: the token characters below 128 (0 is never one). */
const ASCII_TOKEN = new Uint8Array(128).map((_, c) => Number(/[0-9A-Za-z]/.test(String.fromCharCode(c))));

/** Splits a text as version_fts's tokenizer does (fts5UnicodeTokenize). */
export function tokenize(text: string): Tokens {
  const out: Tokens = { start: [], end: [], term: [] };
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    const cp = c < 128 ? c : codePointAt(text, i);
    if (c < 128 ? !ASCII_TOKEN[c] : !isTokenChar(cp)) {
      i += cp > 0xffff ? 2 : 1;
      continue;
    }
    const start = i;
    let ascii = true;
    while (i < text.length) {
      const d = text.charCodeAt(i);
      if (d < 128) {
        if (!ASCII_TOKEN[d]) break;
        i++;
        continue;
      }
      const cp = codePointAt(text, i);
      if (!(isTokenChar(cp) || isDiacritic(cp))) break;
      ascii = false;
      i += cp > 0xffff ? 2 : 1;
    }
    out.start.push(start);
    out.end.push(i);
    out.term.push(ascii ? text.slice(start, i).toLowerCase() : folded(text, start, i));
  }
  return out;
}

/** A token's folded form, code point by code point (a combining accent folds to nothing). */
function folded(text: string, from: number, to: number): string {
  let term = '';
  for (let i = from; i < to; ) {
    const cp = codePointAt(text, i);
    const f = fold(cp);
    if (f) term += String.fromCodePoint(f);
    i += cp > 0xffff ? 2 : 1;
  }
  return term;
}

// --- The query's phrases ------------------------------------------------------------------------

/** A phrase of the query: its tokens (folded), whether the last is a prefix, and `^` (first token only). */
export interface Phrase {
  terms: string[];
  prefix: boolean;
  initial: boolean;
}

/** FTS5's query tokens: a "string" ("" inside for a quote), a bareword, or one other character. */
const QUERY_TOKEN = /\s*(?:"((?:[^"]|"")*)"?|([\w\u0080-\u{10ffff}]+)|(\S))/uy;

/**
 * The phrases of an FTS5 query in FTS5's order (the store's `ftsQuery` or `spelledOut`): phrases with no
 * token at all (`"!!"`) left out, as they never occur.
 */
export function queryPhrases(match: string): Phrase[] {
  const phrases: Phrase[] = [];
  let prev = '';
  QUERY_TOKEN.lastIndex = 0;
  for (let m = QUERY_TOKEN.exec(match); m?.[0].trim(); m = QUERY_TOKEN.exec(match)) {
    const other = m[3];
    if (other === '*' && prev === 'phrase') phrases.at(-1)!.prefix = true;
    if (other === '{') QUERY_TOKEN.lastIndex = match.indexOf('}', QUERY_TOKEN.lastIndex) + 1 || match.length;
    if (other) {
      prev = other;
      continue;
    }
    const word = m[2];
    const next = match.slice(QUERY_TOKEN.lastIndex).trimStart();
    const keyword = word === 'OR' || word === 'AND' || word === 'NOT' || (word === 'NEAR' && next[0] === '(');
    // A column filter (`text:`) and NEAR's distance (`, 10`) are not phrases.
    if (keyword || next[0] === ':' || prev === ',') {
      prev = 'keyword';
      continue;
    }
    const terms = tokenize(word ?? m[1]!.replace(/""/g, '"')).term;
    if (prev === '+' && phrases.length) phrases.at(-1)!.terms.push(...terms);
    else if (terms.length) phrases.push({ terms, prefix: false, initial: prev === '^' });
    prev = terms.length ? 'phrase' : 'empty';
  }
  return phrases;
}

// --- snippet() ----------------------------------------------------------------------------------

/** What surrounds a match, what marks a cut, and how many tokens a snippet has: snippet()'s arguments. */
export interface SnippetOptions {
  open: string;
  close: string;
  ellipsis: string;
  tokens: number;
}

/** The store's snippet: `snippet(version_fts, 0, '«', '»', '…', 16)`. */
export const SNIPPET: SnippetOptions = { open: '«', close: '»', ellipsis: '…', tokens: 16 };
/** The same snippet made by FTS5 itself (newest-first pages take it with their matches). */
export const SNIPPET_SQL = `snippet(version_fts, 0, '${SNIPPET.open}', '${SNIPPET.close}', '${SNIPPET.ellipsis}', ${SNIPPET.tokens})`;

/** One occurrence of a phrase (xInst): which phrase, at which token. */
interface Instance {
  phrase: number;
  pos: number;
}

function occursAt(t: Tokens, p: Phrase, pos: number): boolean {
  if (pos + p.terms.length > t.term.length || (p.initial && pos > 0)) return false;
  return p.terms.every((q, k) => {
    const term = t.term[pos + k]!;
    return p.prefix && k === p.terms.length - 1 ? term.startsWith(q) : term === q;
  });
}

/** Every phrase's occurrences, by position and then phrase (fts5CacheInstArray's order). */
function instancesOf(t: Tokens, phrases: Phrase[]): Instance[] {
  const out: Instance[] = [];
  for (let pos = 0; pos < t.term.length; pos++)
    for (const [phrase, p] of phrases.entries()) if (occursAt(t, p, pos)) out.push({ phrase, pos });
  return out;
}

/** The tokens that start a sentence: the first, and each after `.` or `:` and white space (fts5SentenceFinderCb). */
function sentenceStarts(text: string, t: Tokens): number[] {
  const out = [0];
  for (let k = 1; k < t.start.length; k++) {
    let i = t.start[k]! - 1;
    while (i >= 0 && ' \t\n\r'.includes(text[i]!)) i--;
    if (i !== t.start[k]! - 1 && (text[i] === '.' || text[i] === ':')) out.push(k);
  }
  return out;
}

/** fts5SnippetScore: a window's score, and where a window centred on its instances would start. */
function windowScore(
  inst: Instance[],
  phrases: Phrase[],
  from: number,
  o: SnippetOptions,
  size: number,
): { score: number; start: number } {
  const seen = new Uint8Array(phrases.length);
  let score = 0;
  let first = -1;
  let last = 0;
  for (const { phrase, pos } of inst) {
    if (pos < from || pos >= from + o.tokens) continue;
    score += seen[phrase] ? 1 : 1000;
    seen[phrase] = 1;
    if (first < 0) first = pos;
    last = pos + phrases[phrase]!.terms.length;
  }
  let start = first - Math.trunc((o.tokens - (last - first)) / 2);
  if (start + o.tokens > size) start = size - o.tokens;
  return { score, start: Math.max(0, start) };
}

/** The first token of the best window (fts5SnippetFunction's choice, for one column). */
function bestStart(text: string, t: Tokens, inst: Instance[], phrases: Phrase[], o: SnippetOptions): number {
  const size = t.term.length;
  const firsts = sentenceStarts(text, t);
  let best = 0;
  let bestScore = 0;
  for (const { pos } of inst) {
    const here = windowScore(inst, phrases, pos, o, size);
    if (here.score > bestScore) {
      bestScore = here.score;
      best = here.start;
    }
    if (size <= o.tokens) continue;
    let j = 0;
    while (j < firsts.length - 1 && firsts[j + 1]! <= pos) j++;
    const sentence = firsts[j]!;
    if (sentence >= pos) continue;
    const score = windowScore(inst, phrases, sentence, o, size).score + (sentence === 0 ? 120 : 100);
    if (score > bestScore) {
      bestScore = score;
      best = sentence;
    }
  }
  return best;
}

/** Overlapping instances as one marked stretch (fts5CInstIterNext): its first and last token, -1 at the end. */
function coalesced(inst: Instance[], phrases: Phrase[]) {
  let i = 0;
  const it = {
    start: -1,
    end: -1,
    next() {
      it.start = -1;
      it.end = -1;
      for (; i < inst.length; i++) {
        const { phrase, pos } = inst[i]!;
        const end = pos - 1 + phrases[phrase]!.terms.length;
        if (it.start < 0) {
          it.start = pos;
          it.end = end;
        } else if (pos <= it.end) it.end = Math.max(it.end, end);
        else break;
      }
    },
  };
  it.next();
  return it;
}

/**
 * The snippet of `text` for a query's phrases ({@link queryPhrases}): what FTS5's snippet() gives for a
 * row whose text this is, with the same arguments ({@link SNIPPET} by default).
 */
export function snippet(text: string, phrases: Phrase[], o: SnippetOptions = SNIPPET): string {
  const t = tokenize(text);
  const inst = instancesOf(t, phrases);
  const start = bestStart(text, t, inst, phrases, o);
  const end = start + o.tokens - 1;
  const it = coalesced(inst, phrases);
  while (it.start >= 0 && it.start < start) it.next();
  let out = start > 0 ? o.ellipsis : '';
  let off = 0;
  let open = false;
  // fts5HighlightCb for each token of the window.
  for (let pos = start; pos <= end && pos < t.term.length; pos++) {
    const s = t.start[pos]!;
    const e = t.end[pos]!;
    if (start && pos === start) off = s;
    if (open && (pos <= it.start || it.start < 0) && s > off) {
      out += o.close;
      open = false;
    }
    if (pos === it.start && !open) {
      out += text.slice(off, s) + o.open;
      off = s;
      open = true;
    }
    if (pos === it.end) {
      if (!open) out += o.open;
      out += text.slice(off, e);
      off = e;
      open = true;
      it.next();
    }
    if (pos === end) {
      if (open) {
        if (it.start >= 0 && pos >= it.start) {
          out += text.slice(off, e);
          off = e;
        }
        out += o.close;
        open = false;
      }
      out += text.slice(off, e);
      off = e;
    }
  }
  if (open) out += o.close;
  return out + (end >= t.term.length - 1 ? text.slice(off) : o.ellipsis);
}
