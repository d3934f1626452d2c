/**
 * The command language: a keyword (Dutch or English) and its arguments; a plain question goes to
 * `ask`; a typo gets "did you mean". The keywords come from the commands' specs in the registry.
 */
import type { Command, CommandSpec } from './command.ts';
import { COMMANDS } from './commands/index.ts';
import type { Lang } from './reply.ts';

export interface ParsedCommand {
  command: Command | null;
  name: string | null;
  spec: CommandSpec | null;
  /** The language the keyword belongs to, when it says (a word of both languages, like status, does not). */
  lang: Lang | null;
  args: string;
  /** The first word as typed, for "did you mean". */
  word: string;
}

const BY_WORD = new Map<string, { command: Command; langs: Lang[] }>();
for (const command of COMMANDS) {
  for (const lang of ['en', 'nl'] as const) {
    for (const w of command.spec.words[lang]) {
      const hit = BY_WORD.get(w) ?? { command, langs: [] };
      hit.langs.push(lang);
      BY_WORD.set(w, hit);
    }
  }
}

const QUESTION_START =
  /^(moet|moeten|mag|mogen|is|zijn|wat|wie|wanneer|hoe|waarom|welke|kan|kunnen|geldt|valt|vallen|hoort|horen|must|should|do|does|is|are|what|who|when|how|why|which|can|may|shall)\b/i;

function parsed(command: Command | null, lang: Lang | null, args: string, word: string): ParsedCommand {
  return { command, name: command?.spec.name ?? null, spec: command?.spec ?? null, lang, args, word };
}

/** Splits "keyword args"; a plain question becomes `ask`. */
export function parseCommand(text: string): ParsedCommand {
  const trimmed = text.trim();
  const [first = '', ...rest] = trimmed.split(/\s+/);
  const word = first.toLowerCase();
  const hit = BY_WORD.get(word);
  if (hit) return parsed(hit.command, hit.langs.length === 1 ? hit.langs[0]! : null, rest.join(' '), word);
  if (trimmed && (trimmed.endsWith('?') || QUESTION_START.test(trimmed) || /\?\s+\S+$/.test(trimmed))) {
    return parsed(BY_WORD.get('ask')!.command, null, trimmed, word);
  }
  return parsed(null, null, rest.join(' '), word);
}

function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

/** The closest keyword to a mistyped one (at most two edits away), in the language it belongs to. */
export function didYouMean(word: string): { word: string; lang: Lang } | null {
  let best: { word: string; lang: Lang; d: number } | null = null;
  for (const [w, { langs }] of BY_WORD) {
    const d = distance(word, w);
    if (d <= Math.min(2, Math.floor(w.length / 2)) && (!best || d < best.d))
      best = { word: w, lang: langs[0]!, d };
  }
  return best && { word: best.word, lang: best.lang };
}

const DUTCH = new Set(
  'de het een ik moet mijn wij we van dit dat niet wat hoe en op bij wel zijn worden archiveren bericht berichten mag'.split(
    ' ',
  ),
);
const ENGLISH = new Set(
  'the a an i must my we of this that not what how and on at is are be archive post posts should do our'.split(
    ' ',
  ),
);

/** A crude language guess for free text: Dutch function words against English ones. */
export function guessLanguage(text: string): Lang | null {
  let score = 0;
  for (const w of text.toLowerCase().match(/[a-zà-ÿ]+/g) ?? []) {
    if (DUTCH.has(w)) score++;
    if (ENGLISH.has(w)) score--;
  }
  return score > 0 ? 'nl' : score < 0 ? 'en' : null;
}
