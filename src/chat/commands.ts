import type { Lang } from './reply.ts';

/** The command language (nl + en), one table for every platform. */
export type CommandName =
  | 'capture'
  | 'show'
  | 'history'
  | 'search'
  | 'status'
  | 'help'
  | 'ask'
  | 'alerts'
  | 'language'
  | 'kb'
  | 'watch'
  | 'unwatch'
  | 'watching';

export type Role = 'viewer' | 'archivist' | 'admin' | 'expert';

export interface CommandSpec {
  name: CommandName;
  /** Keywords per language; the first is the one shown in help. */
  words: Record<Lang, string[]>;
  usage: Record<Lang, string>;
  summary: Record<Lang, string>;
  role: Role;
}

export const COMMANDS: CommandSpec[] = [
  {
    name: 'capture',
    words: { en: ['capture', 'archive'], nl: ['archiveer', 'archiveren', 'bewaar'] },
    usage: { en: 'capture <url>', nl: 'archiveer <url>' },
    summary: {
      en: 'secure a post (with replies, edits and media), a whole account, or a web page',
      nl: 'een bericht (met reacties, bewerkingen en media), een heel account of een webpagina veiligstellen',
    },
    role: 'archivist',
  },
  {
    name: 'show',
    words: { en: ['show', 'view'], nl: ['toon', 'bekijk'] },
    usage: { en: 'show <id|url>', nl: 'toon <id|url>' },
    summary: {
      en: 'an archived post with its versions, replies, media and evidence',
      nl: 'een gearchiveerd bericht met versies, reacties, media en bewijs',
    },
    role: 'viewer',
  },
  {
    name: 'history',
    words: { en: ['history', 'versions'], nl: ['geschiedenis', 'versies'] },
    usage: { en: 'history <id|url>', nl: 'geschiedenis <id|url>' },
    summary: {
      en: 'every version of a post with what changed',
      nl: 'alle versies van een bericht met wat er veranderde',
    },
    role: 'viewer',
  },
  {
    name: 'search',
    words: { en: ['search', 'find'], nl: ['zoek', 'zoeken'] },
    usage: {
      en: 'search <words> [platform:…] [author:…] [since:2025-01-01] [until:…]',
      nl: 'zoek <woorden> [platform:…] [van:…] [sinds:2025-01-01] [tot:…]',
    },
    summary: {
      en: 'full-text search over every archived version',
      nl: 'zoeken in de tekst van alle gearchiveerde versies',
    },
    role: 'viewer',
  },
  {
    name: 'status',
    words: { en: ['status'], nl: ['status'] },
    usage: { en: 'status', nl: 'status' },
    summary: {
      en: 'queue, last captures and failures',
      nl: 'wachtrij, laatste archiveringen en mislukkingen',
    },
    role: 'viewer',
  },
  {
    name: 'help',
    words: { en: ['help'], nl: ['hulp'] },
    usage: { en: 'help [command]', nl: 'hulp [opdracht]' },
    summary: { en: 'what you can ask me', nl: 'wat je mij kunt vragen' },
    role: 'viewer',
  },
  {
    name: 'ask',
    words: { en: ['ask'], nl: ['vraag'] },
    usage: { en: 'ask <question>', nl: 'vraag <vraag>' },
    summary: {
      en: '"must I archive this?" answered from the Dutch legal framework, with sources',
      nl: '"moet ik dit archiveren?" beantwoord vanuit het wettelijk kader, met bronnen',
    },
    role: 'viewer',
  },
  {
    name: 'watch',
    words: { en: ['watch'], nl: ['volg'] },
    usage: {
      en: 'watch <account url | @user@instance | bsky handle>',
      nl: 'volg <account-url | @gebruiker@server | bsky-handle>',
    },
    summary: {
      en: 'secure every post of an account once, then keep polling it and re-checking its posts',
      nl: 'alle berichten van een account één keer veiligstellen, daarna blijven volgen en controleren',
    },
    role: 'archivist',
  },
  {
    name: 'unwatch',
    words: { en: ['unwatch'], nl: ['ontvolg'] },
    usage: { en: 'unwatch <account>', nl: 'ontvolg <account>' },
    summary: {
      en: 'stop watching an account (what was archived stays)',
      nl: 'een account niet meer volgen (het archief blijft)',
    },
    role: 'archivist',
  },
  {
    name: 'watching',
    words: { en: ['watching'], nl: ['gevolgd'] },
    usage: { en: 'watching', nl: 'gevolgd' },
    summary: { en: 'the accounts being watched', nl: 'de accounts die gevolgd worden' },
    role: 'viewer',
  },
  {
    name: 'alerts',
    words: { en: ['alerts'], nl: ['meldingen'] },
    usage: {
      en: 'alerts [on|off [account…] | ack <id>]',
      nl: 'meldingen [aan|uit [account…] | gezien <id>]',
    },
    summary: {
      en: 'recent edit and deletion alerts; on/off subscribes this channel (all accounts, or the ones named); ack marks one seen',
      nl: 'recente meldingen van bewerkingen en verwijderingen; aan/uit voor dit kanaal (alle accounts, of de genoemde); gezien bevestigt er één',
    },
    role: 'archivist',
  },
  {
    name: 'language',
    words: { en: ['language'], nl: ['taal'] },
    usage: { en: 'language nl|en', nl: 'taal nl|en' },
    summary: {
      en: 'the language I answer in, in this channel',
      nl: 'de taal waarin ik in dit kanaal antwoord',
    },
    role: 'archivist',
  },
  {
    name: 'kb',
    words: { en: ['kb'], nl: ['kb', 'kennisbank'] },
    usage: {
      en: 'kb suggest <question> | <answer> [| source] · kb pending · kb approve <id> · kb reject <id> <reason>',
      nl: 'kb voorstel <vraag> | <antwoord> [| bron] · kb wachtend · kb goedkeuren <id> · kb afwijzen <id> <reden>',
    },
    summary: {
      en: 'the knowledge community: suggest Q&A entries; experts approve them',
      nl: 'de klankbordgroep: vraag-en-antwoord voorstellen; experts keuren ze goed',
    },
    role: 'viewer',
  },
];

export const ROLE_RANK: Record<Exclude<Role, 'expert'>, number> = { viewer: 1, archivist: 2, admin: 3 };

export interface ParsedCommand {
  name: CommandName | null;
  spec: CommandSpec | null;
  /** The language the keyword belongs to, when it says (status and kb do not). */
  lang: Lang | null;
  args: string;
  /** The first word as typed, for "did you mean". */
  word: string;
}

const BY_WORD = new Map<string, { spec: CommandSpec; lang: Lang }>();
for (const spec of COMMANDS) {
  for (const lang of ['en', 'nl'] as const) for (const w of spec.words[lang]) BY_WORD.set(w, { spec, lang });
}
const NEUTRAL = new Set(['status', 'kb', 'help']);

const QUESTION_START =
  /^(moet|moeten|mag|mogen|is|zijn|wat|wie|wanneer|hoe|waarom|welke|kan|kunnen|geldt|valt|vallen|hoort|horen|must|should|do|does|is|are|what|who|when|how|why|which|can|may|shall)\b/i;

/** Splits "keyword args"; a plain question becomes `ask`. */
export function parseCommand(text: string): ParsedCommand {
  const trimmed = text.trim();
  const [first = '', ...rest] = trimmed.split(/\s+/);
  const word = first.toLowerCase();
  const hit = BY_WORD.get(word);
  if (hit) {
    return {
      name: hit.spec.name,
      spec: hit.spec,
      lang: NEUTRAL.has(word) ? null : hit.lang,
      args: rest.join(' '),
      word,
    };
  }
  if (trimmed && (trimmed.endsWith('?') || QUESTION_START.test(trimmed) || /\?\s+\S+$/.test(trimmed))) {
    const ask = BY_WORD.get('ask')!;
    return { name: 'ask', spec: ask.spec, lang: null, args: trimmed, word };
  }
  return { name: null, spec: null, lang: null, args: rest.join(' '), word };
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
  for (const [w, { lang }] of BY_WORD) {
    const d = distance(word, w);
    if (d <= Math.min(2, Math.floor(w.length / 2)) && (!best || d < best.d)) best = { word: w, lang, d };
  }
  return best && { word: best.word, lang: best.lang };
}

/** A crude language guess for free text: Dutch function words against English ones. */
export function guessLanguage(text: string): Lang | null {
  const words = text.toLowerCase().match(/[a-zà-ÿ]+/g) ?? [];
  const nl = new Set([
    'de',
    'het',
    'een',
    'ik',
    'moet',
    'mijn',
    'wij',
    'we',
    'van',
    'dit',
    'dat',
    'niet',
    'wat',
    'hoe',
    'en',
    'op',
    'bij',
    'wel',
    'zijn',
    'worden',
    'archiveren',
    'bericht',
    'berichten',
    'mag',
  ]);
  const en = new Set([
    'the',
    'a',
    'an',
    'i',
    'must',
    'my',
    'we',
    'of',
    'this',
    'that',
    'not',
    'what',
    'how',
    'and',
    'on',
    'at',
    'is',
    'are',
    'be',
    'archive',
    'post',
    'posts',
    'should',
    'do',
    'our',
  ]);
  let score = 0;
  for (const w of words) {
    if (nl.has(w)) score++;
    if (en.has(w)) score--;
  }
  return score > 0 ? 'nl' : score < 0 ? 'en' : null;
}
