/**
 * ask(): one question in, one answer out. Reads the question (facts, shape, language), applies the
 * decision rules or retrieves the guidance entry that answers it, and says where the answer comes from.
 * Pure: no I/O once the content is loaded.
 */
import { type Analysis, analyse, detectLanguage } from './analyse.ts';
import { classify, type Prediction } from './classify.ts';
import { content, type Entry, type Lang, type Localised, type Source } from './content.ts';
import { extractFacts, type Facts, hasFacts, lendContext, mergeFacts } from './facts.ts';
import { type Concept, LEXICON } from './lexicon.ts';
import {
  APP_FEATURE,
  APP_SENSE,
  GROWTH,
  METHOD_WORDS,
  MISSING_Q,
  OUT_OF_SIGHT,
  USUAL_TERM,
} from './patterns.ts';
import {
  type ApprovedEntry,
  asksForThing,
  definitionSubject,
  type Hit,
  type Index,
  index,
  keywordMatches,
  namedKeywords,
  type Query,
  queryTerms,
  rank,
  rankInfo,
} from './retrieve.ts';
import { type Decision, decide, RULES, transferText } from './rules.ts';
import { focus, sentences } from './scope.ts';
import { fold, stem, words } from './text.ts';
import { firstSentence, limitSources, pickSources } from './verdict.ts';

export type Verdict = 'archive' | 'do-not-archive' | 'depends' | 'info' | 'unknown';

export interface Answer {
  verdict: Verdict;
  /** The explanation, in the answer's language. */
  answer: string;
  language: Lang;
  /** The decision rules the answer rests on (R1–R18). */
  rules: string[];
  /** The rule that decided the verdict (the most specific one applied); absent for info and unknown. */
  rule?: string;
  sources: Source[];
  /** The question to ask when a deciding fact is missing. */
  followUp?: string;
  /** Its answer options (chat buttons), in the answer's language … */
  followUpOptions?: string[];
  /** … and, for each option, the facts to pass back to ask() with the same question. */
  followUpFacts?: Partial<Facts>[];
  /** The answer rests (partly) on an inference from the sources, not on a source saying it. */
  inference: boolean;
  /** The guidance entries (ids) and community entries (`community:<id>`) it drew on. */
  entries: string[];
  /** The facts it worked with (read from the question, plus those given). */
  facts: Facts;
  /**
   * How sure the reader is of what kind of question this is, and who decided it: the rules alone, the
   * rules and the calibrated question-type classifier agreeing, or the classifier (when the rules found
   * no guidance entry but the classifier is sure it is a decision about an item). Absent when the
   * classifiers are off or not shipped.
   */
  confidence?: Confidence;
}

export interface Confidence {
  /** The question type the classifier reads: decision, delete, info or out-of-scope. */
  type: string;
  /** Its calibrated probability. */
  p: number;
  /** Who decided the answer's kind. */
  by: 'rules' | 'rules+classifier' | 'classifier';
}

export interface AskOptions {
  /** Answer in this language; by default the language of the question. */
  language?: Lang;
  /** Facts known from elsewhere (the archived post, a follow-up button); they override the question's. */
  facts?: Partial<Facts>;
  /** Approved klankbordgroep entries (src/store/knowledge.ts approvedEntries) that join retrieval. */
  community?: readonly ApprovedEntry[];
  /** Let the calibrated classifiers take part (default true); false: the rules alone (for comparison). */
  classifiers?: boolean;
}

type Shape = 'decision' | 'info';

/** Verbs of decision that open a yes/no question about what to do with an item. */
const DECIDE = new Set(
  'moet moeten moest mag mogen mocht hoeft hoeven kan kunnen must may should shall need do does is are was can could'.split(
    ' ',
  ),
);
const WHAT_CLAUSE =
  /^(?:wat|what|wie|who|whatever)\b[^?]*,\s*(?:moet|moeten|mag|mogen|hoort|horen|must|should|do|does|is|are|belongs?)\b/i;
/** Checking a claim: "Klopt het dat …", "Is het waar dat …", "Is it true that …", "… Is that correct?" */
const CHECKS_CLAIM =
  /(^|[.?!]\s*)(klopt het dat|is het waar dat|is het zo dat|klopt het nou dat|is it true that|is it correct that|is it right that|am i right that|am i right in thinking|is it the case that)\b|\b(klopt dat|klopt dit|klopt het|is dat zo|is dat waar|is that correct|is that right|is that true|is this correct|is this true)\s*\?\s*$/i;
/** Words before an item that point at one item: "deze tweet", "onze post", "this reply". */
// (not "dat", "that": in "klopt het dat …" they open the claim)
const POINTERS = new Set('deze die dit onze ons mijn this these those our my'.split(' '));

/** Words of keeping, records or the law: a question with one is not only about using an app. */
const KEEPING_WORDS: Concept[] = [
  'archiveCue',
  'recordNoun',
  'coverage',
  'archiveLaw',
  'deleteIntent',
  'hold',
];

/** Office tools, not social media: "how do I archive a channel in Teams?" */
const OFFICE_TOOL = /\b(in|op|from|uit)\s+(ms\s+)?(teams|outlook|sharepoint|onedrive|slack|yammer)\b/i;

const HOW_MUCH = new Set('vaak lang veel laat often long much many late soon snel'.split(' '));

/** A how-to question about using an app: nothing of keeping, records or law, and read as outside. */
function appHowTo(a: Analysis, f: Facts, type: Prediction | null): boolean {
  const i = a.tokens.findIndex((t, k) => k < 3 && (t.raw === 'hoe' || t.raw === 'how'));
  // "how do I …", "hoe plan ik …" (not "how often", "hoe vaak", "how long")
  const how = i >= 0 && !HOW_MUCH.has(a.tokens[i + 1]?.raw ?? '');
  return (
    how &&
    ((!aboutKeeping(a, f) && (type?.probs['out-of-scope'] ?? 0) >= 0.5) ||
      (OFFICE_TOOL.test(a.text) && !f.platform))
  );
}

/**
 * A question word first or second ("Welke wet …", "At what time should …"); "sinds kort", "since last
 * week" are a time, not "sinds wanneer".
 */
function opensWithQuestionWord(a: Analysis): boolean {
  const first = a.tokens.slice(0, 2).map((t) => t.raw);
  return first.some(
    (w, i) =>
      WH.has(w) && !((w === 'sinds' || w === 'since') && !['wanneer', 'when'].includes(first[i + 1] ?? '')),
  );
}

/** A claim to check, not one item's fate. */
function checksClaim(a: Analysis, f: Facts): boolean {
  // "De griffie zegt dat de livestream niet bewaard hoeft te worden. Klopt dat?": the claim is about
  // keeping one item (named with an article), so it asks for the decision.
  // So is a claim about keeping items at all ("Klopt het dat we tweets niet hoeven te bewaren?"): the claim
  // is a verdict; only claims about the law, dates and facts are factual questions.
  const keepsItem =
    a.matches.some((m) => m.concept === 'archiveCue') && a.matches.some((m) => OBJECTS.includes(m.concept));
  return CHECKS_CLAIM.test(a.text) && !pointsAtItem(a) && !keepsItem && f.intent !== 'delete';
}

/** The question names one item with a demonstrative or possessive ("deze tweet", "our post"). */
function pointsAtItem(a: Analysis): boolean {
  return a.matches.some((m) => OBJECTS.includes(m.concept) && POINTERS.has(a.tokens[m.start - 1]?.raw ?? ''));
}

const WH = new Set(
  'wat welk welke wie wanneer waarom hoe hoeveel waar waarmee waardoor sinds what which who whom whose when why how where'.split(
    ' ',
  ),
);
/** Concepts that put a question about an item to archive ("must I archive X?"). */
const OBJECTS: Concept[] = [
  'post',
  'webcare',
  'reaction',
  'dm',
  'story',
  'like',
  'repost',
  'profile',
  'webpage',
  'corporate',
  'privAccount',
  'hybrid',
  'accountNoun',
  'platform',
  'edited',
  'deleted',
];
/** Concepts that put a question in this knowledge base's field by themselves. */
const TOPICAL: Concept[] = [
  'recordNoun',
  'webcare',
  'dm',
  'story',
  'like',
  'repost',
  'profile',
  // a platform says the question is about social media; the entry must still meet it on a word that is
  // not generic, and a platform's name is generic (GENERIC_CONCEPTS)
  'platform',
  'hold',
  'erasure',
  'lawOther',
  'hotspot',
  'corporate',
  'privAccount',
  'hybrid',
  'archiveCue',
  'reaction',
  'post',
];
/** Concepts whose words are too general to put a question in scope through an entry's keywords. */
const GENERIC_CONCEPTS: Concept[] = [
  'archiveCue',
  'bewinds',
  'top',
  'staff',
  'org',
  'third',
  'ptYes',
  'ptNo',
  'privMod',
  'possOrg',
  'termQuestion',
  'accountNoun',
  'post',
  // a platform's name says where, not what about: "Which hashtags work on TikTok?" is no archiving question
  'platform',
];
const GENERIC_WORDS =
  'nieuw nieuwe new oud old vraag vragen question questions gebruik use used werk work jaar year years dag dagen day days ' +
  'status advies advice project rol role inhoud content tekst text beeld image images video type soort kind ' +
  'ministerie ministry organisatie organisation overheid government rijk mist misses leave left ' +
  'best beste goed goede good better beter tijd time tijdstip moment ' +
  // the Nationaal Archief is named in most entries, as a source: its name says who, not what about
  'nationaal national';
/**
 * Question words kept for retrieval: a topic when the question opens with one ("Waarom moeten …", "Whose
 * accounts …", entries are about why and whose), how it asks otherwise ("Bij wie moeten we zijn?").
 */
const QUESTION_WORDS = 'wie who whose wanneer when waarom why sinds since'.split(' ');

let generic: Set<string> | undefined;
export function genericStems(): Set<string> {
  if (generic) return generic;
  generic = new Set(GENERIC_WORDS.split(' ').map(stem));
  for (const g of LEXICON) {
    if (!GENERIC_CONCEPTS.includes(g.concept)) continue;
    // every word of a generic term ("civil servant", "state secretary"), not only one-word terms
    for (const t of g.terms) for (const w of words(fold(t))) generic.add(stem(w));
  }
  return generic;
}

/**
 * The generic stems for one question: a platform's name is generic ("Which hashtags work on TikTok?" meets
 * no entry), except when it is what the question defines ("Wat is social.overheid.nl?"); so is a question
 * word, except the one the question opens with.
 */
function genericFor(a: Analysis): Set<string> {
  const i = definitionSubject(a);
  const defined = a.matches.some((m) => m.concept === 'platform' && m.start <= i && i < m.end);
  const g = new Set(genericStems());
  if (defined) g.delete(a.tokens[i]!.stem);
  // a platform named by its full address ("social.overheid.nl") is a topic of its own, not a generic word
  for (const m of a.matches)
    if (m.concept === 'platform' && m.end - m.start > 2)
      for (let k = m.start; k < m.end; k++) g.delete(a.tokens[k]!.stem);
  // "Sinds wanneer …", "Since when …": one question word, both generic
  const sinceWhen = ['wanneer', 'when'].includes(a.tokens[1]?.raw ?? '');
  const opening = sinceWhen ? undefined : a.tokens[0]?.raw;
  for (const w of QUESTION_WORDS) if (w !== opening) g.add(stem(w));
  return g;
}

/** Minimum BM25 score of the best entry for an info answer (in-scope questions score ≥ 6 on the tuning set). */
const MIN_SCORE = 6;

function shape(a: Analysis, f: Facts, givenFacts: boolean, type: Prediction | null): Shape | null {
  const has = (c: Concept) => a.matches.some((m) => m.concept === c);
  const wh = opensWithQuestionWord(a);
  const object = OBJECTS.some(has);
  // "Valt een DM onder de handreiking?": a separable verb, so the words need not be adjacent.
  const fallsUnder =
    ['valt', 'vallen', 'hoort', 'horen'].includes(a.tokens[0]?.raw ?? '') &&
    a.tokens.some((t) => ['onder', 'bij'].includes(t.raw));
  const cue =
    has('archiveCue') ||
    has('recordNoun') ||
    has('coverage') ||
    fallsUnder ||
    (has('archiveLaw') && has('applyVerb')) ||
    f.intent === 'delete' ||
    f.elsewhere === true;
  if (a.tokens.length === 0) return givenFacts ? 'decision' : null;
  if (has('doWith') && (object || givenFacts)) return 'decision';
  // "Wat de minister tweette voordat ze in functie was, moet het ministerie dat archiveren?": a clause
  // opening with "wat"/"what", then the decision question.
  if (wh && !(object && cue && WHAT_CLAUSE.test(a.text))) return 'info';
  // "Op grond van welke wet zijn onze berichten archiefbescheiden?", "… In welk bestandsformaat moet dat?"
  if (asksForThing(a)) return 'info';
  // "Als we de exportfunctie gebruiken, missen we dan iets?", "is the API enough or are we missing stuff?"
  if (MISSING_Q.test(a.read) && METHOD_WORDS.test(a.read)) return 'info';
  // "Klopt het dat WhatsApp-berichten nooit onder de Wob vielen?", "Is it true that …?": a claim to check
  // is a factual question — unless it is about one item ("Klopt het dat we deze tweet moeten bewaren?").
  if (checksClaim(a, f)) return 'info';
  if ((has('lawOther') || has('erasure')) && has('applyVerb') && f.intent !== 'delete') return 'info';
  // "Normaal hebben onze posts een korte bewaartermijn, geldt dat hier ook?" about crisis posts: the hotspot
  // rule decides the term of these items (R12), a decision rather than the general term
  const term = asksTerm(a, cue && object);
  // … or the usual term asked of them ("Normaal vernietigen we die na een paar jaar, geldt dat hier ook?")
  if ((term || USUAL_TERM.test(a.read)) && f.hotspot && object) return 'decision';
  if (term && f.intent !== 'delete' && !f.hold) return 'info';
  if (cue && (object || givenFacts)) return 'decision';
  // "Mocht dat?", "Mogen de tweets weg?", "Must it be kept?": a verb of decision opening a sentence —
  // about keeping, deleting or changing the item ("Mag ik op mijn werk TikTok gebruiken?" is not).
  const keeping = cue || aboutKeeping(a, f);
  if (
    object &&
    keeping &&
    a.tokens.some((t, i) => DECIDE.has(t.raw) && (i === 0 || a.tokens[i - 1]!.sentence !== t.sentence))
  )
    return 'decision';
  // "Een journalist wil de DM's via de Woo. Wat moeten we doen?": what to do with an item in a deciding
  // circumstance (a hold, an erasure request, a wish to delete, an edit) is a decision.
  // … and about an item whose author is named ("De wethouder appte een aannemer over de begroting. Wat
  // doen we daarmee?").
  if (object && (keeping || f.author !== null) && WHAT_TO_DO.test(a.text)) return 'decision';
  // "Must I archive this?", "Archiveren?": the item is in the context (a URL, the chat thread) — when
  // the classifier reads a decision rather than a factual or outside question; without it, when every
  // word is known.
  if (cue && a.contentWords <= 3 && (type ? readsDecision(type) : a.unknownWords.length === 0))
    return 'decision';
  // Nothing read as a factual question (no question word, law or term), an item named, and the calibrated
  // classifier sure it asks what to do with it ("Do we need to hold onto it, or is it fine to leave it on
  // X?"): a decision, not a search of the guidance.
  // Not when it names no content item, says nothing of keeping and meets no guidance entry ("Can a civil
  // servant be disciplined for criticising the minister on their own Bluesky account?").
  if (type && decisionP(type) >= SURE && object && !wh && (keeping || f.content !== null || meetsGuidance(a)))
    return 'decision';
  return 'info';
}

/**
 * The question asks how long, or where and when permanent records go: a term or transfer word in the
 * sentence that asks (the last one), not in the story before it ("Over half-term the minister posted …").
 * A yes/no question opening with a verb of decision about an item asks that first, the term after it
 * ("Does that conversation need to be kept, and if so, for how long?"): a decision.
 */
function asksTerm(a: Analysis, itemCue: boolean): boolean {
  const last = a.tokens.at(-1)?.sentence ?? 0;
  // "…and where to? The Nationaal Archief?": a fragment after the question belongs to it
  const fragment = a.tokens.filter((t) => t.sentence === last).length <= 4;
  // "… after how many years? And does the new Archiefwet change that?": a question joined on asks along
  const joined = ['and', 'en', 'ook', 'also', 'plus'].includes(
    a.tokens.find((t) => t.sentence === last)?.raw ?? '',
  );
  const asking = (s: number | undefined) => s === last || ((fragment || joined) && s === last - 1);
  const inLast = a.matches.filter(
    (m) =>
      (m.concept === 'termQuestion' || m.concept === 'transferQuestion') &&
      asking(a.tokens[m.start]?.sentence),
  );
  if (inLast.length === 0) return false;
  // where permanent records go is asked as a yes/no question too ("Are a water board's posts … transferred
  // to the Nationaal Archief?"): only a term ("how long") follows a decision
  if (inLast.some((m) => m.concept === 'transferQuestion')) return true;
  const opening = a.tokens.find((t) => t.sentence === last)?.raw ?? '';
  return !(itemCue && DECIDE.has(opening));
}

/** "Wat moeten we doen?", "What should we do now?", "Wat nu?" */
const WHAT_TO_DO =
  /\b(?:wat\s+(?:moet|moeten|kan|kunnen|zal|zullen)\s+(?:ik|we|wij|je)\s+(?:nu\s+|daarmee\s+|hiermee\s+)?doen|wat\s+doen\s+(?:we|wij|ik)\s+(?:daar|daarmee|hiermee|ermee)|what\s+(?:should|must|can|do)\s+(?:i|we)\s+(?:now\s+)?do|wat\s+nu|what\s+now|(?:moet|moeten|kan|kunnen)\s+(?:ik|we|wij)\s+iets\s+(?:met|mee)\b[^.?!]{0,30}\bdoen|(?:do|should|must)\s+(?:i|we)\s+(?:need\s+to\s+|have\s+to\s+)?do\s+anything\s+with)\b/i;

/** The question says something of keeping, deleting or changing the item, or of a deciding circumstance. */
function aboutKeeping(a: Analysis, f: Facts): boolean {
  const has = (c: Concept) => a.matches.some((m) => m.concept === c);
  return (
    has('archiveCue') ||
    has('recordNoun') ||
    has('coverage') ||
    has('archiveLaw') ||
    f.intent === 'delete' ||
    f.elsewhere === true ||
    f.change !== null ||
    f.hold === true ||
    f.erasure === true ||
    f.formal === true
  );
}

/** The classifier's probability that the question asks what to do with an item (keep or delete). */
function decisionP(p: Prediction): number {
  return (p.probs['decision'] ?? 0) + (p.probs['delete'] ?? 0);
}

/** The classifier's most likely reading is a decision (keep or delete) rather than info or out of scope. */
function readsDecision(p: Prediction): boolean {
  return decisionP(p) >= Math.max(p.probs['info'] ?? 0, p.probs['out-of-scope'] ?? 0);
}

/** Calibrated probability from which the classifier's reading counts as sure (train:kb measures it). */
const SURE = 0.9;

const INFERENCE_NOTE: Localised = {
  nl: 'Let op: dit antwoord berust (deels) op een afleiding uit de bronnen, niet op een bron die het letterlijk zo zegt.',
  en: 'Note: this answer rests (partly) on an inference from the sources, not on a source that says so in as many words.',
};
const ASK_NOTE: Localised = { nl: 'Wat beslist:', en: 'What decides it:' };
const SEE_ALSO: Localised = { nl: 'Meer hierover:', en: 'More on this:' };
const WHICH_ITEM: Localised = {
  nl: 'Over welk bericht, welke reactie of welk account gaat het, en wie plaatste het?',
  en: 'Which post, reply or account is it about, and who posted it?',
};
const UNSURE: Localised = {
  nl: 'Ik weet niet zeker wat je vraagt. Gaat het om een bericht, reactie of account: moet het bewaard worden of mag het weg? Zeg dan wie het plaatste, waar, en waarover; dan beslis ik het met de regels.',
  en: 'I am not sure what you are asking. If it is about a post, reply or account — must it be kept or may it go? — tell me who posted it, where and what about, and I will decide it with the rules.',
};
const UNKNOWN: Localised = {
  nl: 'Dat weet ik niet: deze vraag valt buiten de kennisbank, die gaat over het archiveren van sociale media van de overheid. Vraag het je records manager (DIV / informatiebeheer).',
  en: 'I don’t know: this question is outside the knowledge base, which covers archiving government social media. Please ask your records manager (DIV / information management).',
};

function communityLine(e: ApprovedEntry, lang: Lang): string {
  const date = e.reviewedAt.slice(0, 10);
  return lang === 'nl'
    ? `Uit de klankbordgroep: “${e.answer}” (voorgesteld door ${e.author}, goedgekeurd door ${e.reviewer} op ${date}).`
    : `From the klankbordgroep: “${e.answer}” (suggested by ${e.author}, approved by ${e.reviewer} on ${date}).`;
}

function communitySource(e: ApprovedEntry): Source | null {
  if (!e.source || !/^https?:\/\//.test(e.source)) return null;
  return { title: `Klankbordgroep #${e.id}: ${e.question}`, url: e.source };
}

function unknown(lang: Lang, facts: Facts): Answer {
  return {
    verdict: 'unknown',
    answer: UNKNOWN[lang],
    language: lang,
    rules: [],
    sources: [],
    inference: false,
    entries: [],
    facts,
  };
}

function decisionAnswer(
  a: Analysis,
  d: Decision,
  lang: Lang,
  facts: Facts,
  community?: readonly ApprovedEntry[],
): Answer {
  const ruleIds = d.hits.map((h) => h.id);
  const q = queryTerms(a);
  // The supporting entry: the deciding rule's own guidance entry, unless another entry on that rule
  // clearly matches the question better (BM25).
  const primary: string = d.primary;
  const scores = new Map(
    rank(index(), q).map((h) => [h.doc.kind === 'entry' ? h.doc.entry.id : '', h.score]),
  );
  const home = content().entries.find((e) => e.id === RULES[primary]?.home);
  const better = content()
    .entries.filter((e) => e.rules.includes(primary) && e !== home)
    .map((e) => ({ e, s: scores.get(e.id) ?? 0 }))
    .sort((x, y) => y.s - x.s)[0];
  const supportEntry = better && better.s > (scores.get(home?.id ?? '') ?? 0) + 5 ? better.e : home;
  const parts = [
    firstSentence(a, d, facts, lang),
    ...d.hits.map((h) => `(${h.id}) ${h.text[lang]}`),
    ...d.notes.map((n) => n[lang]),
  ];
  if (d.followUp) parts.push(`${ASK_NOTE[lang]} ${d.followUp.question[lang]}`);
  const entries = supportEntry ? [supportEntry.id] : [];
  const extraSources: Source[] = [];
  const c = community?.length ? bestCommunity(a, community) : undefined;
  if (c) {
    parts.push(communityLine(c, lang));
    entries.push(`community:${c.id}`);
    const s = communitySource(c);
    if (s) extraSources.push(s);
  }
  if (supportEntry) parts.push(`${SEE_ALSO[lang]} ${supportEntry.title[lang]}`);
  const inference = d.hits.some((h) => h.inference);
  if (inference) parts.push(INFERENCE_NOTE[lang]);
  const official = pickSources(d, supportEntry?.sources ?? [], 3);
  const sources = [...official, ...extraSources.filter((s) => !official.some((o) => o.url === s.url))];
  return {
    verdict: d.verdict,
    answer: parts.join(' '),
    language: lang,
    rules: ruleIds,
    rule: d.primary,
    sources,
    ...(d.followUp
      ? {
          followUp: d.followUp.question[lang],
          followUpOptions: d.followUp.options.map((o) => o.label[lang]),
          followUpFacts: d.followUp.options.map((o) => o.facts),
        }
      : {}),
    inference,
    entries,
    facts,
  };
}

/** The approved community entry that answers this question well enough to show, if any. */
function bestCommunity(a: Analysis, community: readonly ApprovedEntry[]): ApprovedEntry | undefined {
  const hits = rank(index(community), queryTerms(a), (d) => d.kind === 'community');
  const top = hits[0];
  return top && top.coverage >= 0.5 && top.score >= MIN_SCORE && top.doc.kind === 'community'
    ? top.doc.entry
    : undefined;
}

/**
 * The question names a declared topic (a keyword phrase) of a guidance entry with a word that is not generic
 * (platform names, accounts, posts, organisations and people are): without that, its topic — a platform's features, reach, ads, HR — lies
 * outside the knowledge base, however sure the classifier is that it asks what to do with an item.
 */
function meetsGuidance(a: Analysis): boolean {
  return keywordMatches(index(), queryTerms(a), genericFor(a)) > 0;
}

/** Minimum BM25 score of the best entry when the calibrated classifier is sure the question is factual. */
const MIN_SCORE_SURE = 4;
/** The weight of a context sentence's words when the question sentence alone meets no entry. */
const CONTEXT_WEIGHT = 0.5;

/**
 * The entry (or community entry) that answers a factual question, if one does well enough: a confident
 * score — lower when the calibrated classifier is sure the question is factual ("Wat is het verschil tussen
 * B en V?") — on a word that is not generic, and a topical concept or a keyword of an entry in the question.
 */
function answering(
  idx: Index,
  q: Query,
  generic: Set<string>,
  concepts: Concept[],
  sure: boolean,
): [Hit, Hit | undefined] | undefined {
  const hits = rankInfo(idx, q, generic);
  const top: Hit | undefined = hits[0];
  const topical = concepts.some((c) => TOPICAL.includes(c) && c !== 'archiveCue' && c !== 'post');
  const keyword = keywordMatches(idx, q, generic) > 0;
  const communityHit = top?.doc.kind === 'community' && top.coverage >= 0.6;
  // The entry must meet the question on a word that is not generic: "the best time to post on LinkedIn"
  // shares only "best" and "post" with the entry on Belgian best practices.
  const meets = top?.doc.kind === 'community' || top?.matched.some((t) => !generic.has(t));
  // A short question that names two of the entry's declared topics ("het verschil tussen B en V") is as
  // clear as a sure reading of a factual question: both lower the bar.
  const named = top ? namedKeywords(idx, top.doc, q) : [];
  const clear = sure || (named.length >= 2 && named.some((p) => p.some((t) => !generic.has(t))));
  // Unknown everyday words never decide "out of scope": only whether the question meets the content.
  if (
    !top ||
    top.score < (clear ? MIN_SCORE_SURE : MIN_SCORE) ||
    !meets ||
    !(topical || keyword || communityHit)
  )
    return undefined;
  return [top, hits[1]];
}

function infoAnswer(
  a: Analysis,
  lang: Lang,
  facts: Facts,
  community?: readonly ApprovedEntry[],
  type?: Prediction | null,
  context: readonly Analysis[] = [],
): Answer {
  const idx = index(community);
  const q = queryTerms(a);
  const generic = genericFor(a);
  const sure = (type?.probs['info'] ?? 0) >= SURE;
  const concepts = a.matches.map((m) => m.concept);
  let found = answering(idx, q, generic, concepts, sure);
  // "Welk artikel is het nou echt?" after "Een collega zegt dat de zorgplicht in art 2.5 Woo staat.": a
  // question sentence that meets no entry by itself takes its topic from the sentences set aside before it.
  if (!found && context.length) {
    const withContext: Query = new Map(q);
    for (const c of context)
      for (const [t, w] of queryTerms(c)) if (!withContext.has(t)) withContext.set(t, w * CONTEXT_WEIGHT);
    const around = context.flatMap((c) => c.matches.map((m) => m.concept));
    found = answering(idx, withContext, generic, [...concepts, ...around], sure);
  }
  if (!found) return unknown(lang, facts);
  const [top, next] = found;
  if (top.doc.kind === 'community') {
    const e = top.doc.entry;
    const s = communitySource(e);
    return {
      verdict: 'info',
      answer: communityLine(e, lang),
      language: lang,
      rules: [],
      sources: s ? [s] : [],
      inference: false,
      entries: [`community:${e.id}`],
      facts,
    };
  }
  const e: Entry = top.doc.entry;
  // Where permanent records go depends on the organisation: say it first for the one the question names
  // ("Gaan de posts van een waterschap naar het Nationaal Archief?": to its own archive repository).
  const parts =
    e.rules.includes('R16') && facts.orgKind !== null
      ? [transferText(facts)[lang], e.answer[lang]]
      : [e.answer[lang]];
  // "Which law makes a tweet a record? And which article holds the duty of care?": two questions, two
  // entries — the second answered too, not only named.
  const also = secondQuestion([...context.map((c) => c.text), a.text], e, idx, generic, sure);
  if (also) parts.push(also.answer[lang]);
  else if (next && next.doc.kind === 'entry' && next.score >= top.score * 0.8)
    parts.push(`${SEE_ALSO[lang]} ${next.doc.entry.title[lang]}`);
  if (e.inference || also?.inference) parts.push(INFERENCE_NOTE[lang]);
  return {
    verdict: 'info',
    answer: parts.join(' '),
    language: lang,
    rules: also ? [...new Set([...e.rules, ...also.rules])] : e.rules,
    sources: mergeSources(e.sources, also?.sources ?? []),
    inference: e.inference || (also?.inference ?? false),
    entries: also ? [e.id, also.id] : [e.id],
    facts,
  };
}

/**
 * A message that asks twice ("…? And …?"): the entry another of its questions meets on its own, when that
 * is a different guidance entry than the one answering the message as a whole.
 */
function secondQuestion(
  texts: string[],
  e: Entry,
  idx: Index,
  generic: Set<string>,
  sure: boolean,
): Entry | undefined {
  // "Welk bestandsformaat en welke metadatastandaard gebruiken we?": two questions joined in one sentence
  const asks = texts
    .flatMap((t) => sentences(t))
    .filter((s) => s.endsWith('?'))
    .flatMap((s) => s.split(JOINED_QUESTION));
  if (asks.length < 2) return undefined;
  for (const ask of asks) {
    // "And what is a selectielijst?": the question without the conjunction that joins it to the first
    const one = analyse(ask.replace(/^(?:and|en|also|ook|plus|or|of|but|maar)\s+/i, ''));
    const hit = answering(
      idx,
      queryTerms(one),
      generic,
      one.matches.map((m) => m.concept),
      sure,
    )?.[0];
    if (hit?.doc.kind === 'entry' && hit.doc.entry.id !== e.id) return hit.doc.entry;
  }
  return undefined;
}

/** "… en welke …", "… and which …": a second question word joined on within a sentence. */
const JOINED_QUESTION =
  /\s(?:en|and)\s+(?:(?:met|in|op|van|naar|with|in|on|of|to)\s+)?(?=(?:welk|welke|which|what|wat|hoe|how|waar|where|wanneer|when)\b)/i;

/** The sources of two entries, primary law first, at most three (each entry keeps its first). */
function mergeSources(first: Source[], second: Source[]): Source[] {
  const picked = limitSources([...first, ...second], 3);
  // the second entry's own first source, when none of its sources made it
  const own = second.find((s) => picked.some((p) => p.url === s.url));
  if (!own && second[0] && picked.length === 3 && !picked.includes(second[0])) picked[2] = second[0];
  return picked;
}

/** Answers one question about archiving government social media. */
export function ask(question: string, opts: AskOptions = {}): Answer {
  // Greetings and context sentences do not change the facts; context lends only what lendContext() lists.
  // Each sentence is read once: focus() reads them, lendContext() reuses those readings.
  const readings = new Map<string, Analysis>();
  const read1 = (s: string): Analysis => {
    const r = readings.get(s) ?? analyse(s);
    readings.set(s, r);
    return r;
  };
  const part = focus(question, read1);
  const a = read1(part.question);
  // a short question sentence ("Was it 2.5?") that hardly tells the language: the whole message decides
  const lang =
    opts.language ??
    (Math.abs(a.langLead) < 1 && part.context.length ? detectLanguage(fold(question)) : a.lang);
  const read = extractFacts(a);
  lendContext(read, a, part.context.map(read1));
  const facts = mergeFacts(read, opts.facts);
  const type = opts.classifiers === false ? null : classify('type', part.question);
  const s = shape(a, facts, hasFacts(opts.facts), type);
  const conf = (by: Confidence['by']): { confidence?: Confidence } =>
    type ? { confidence: { type: type.label, p: Number(type.p.toFixed(3)), by } } : {};
  const agree = (kind: 'decision' | 'info' | 'out-of-scope') =>
    type && (kind === 'decision' ? decisionP(type) : (type.probs[kind] ?? 0)) >= 0.5
      ? 'rules+classifier'
      : 'rules';
  // A decision question by the rules' reading that the calibrated classifier is sure lies outside the
  // knowledge base ("Should I keep the minutes of the team meeting?", "Mag de oude printer weg?").
  // Not when the rules read a social-media item or chat message in it ("stuurde zijn partner via WhatsApp
  // een foto van de lunch. Bewaren?"): then it is in the knowledge base's field, whatever the topic.
  const item = facts.content !== null || facts.platform !== null;
  // "tips for more reach with Reels on our Instagram?", "hoe doe je dat in WhatsApp zodat ze niet meer bovenaan
  // staan?": using or growing an account, or archiving in an app's sense — nothing of keeping records
  if (
    !hasFacts(opts.facts) &&
    ((GROWTH.test(a.read) && !aboutKeeping(a, facts)) ||
      (APP_FEATURE.test(a.read) && !a.matches.some((m) => KEEPING_WORDS.includes(m.concept))) ||
      OUT_OF_SIGHT.test(a.read)) &&
    // an approved community entry that answers it still does
    !(opts.community?.length && bestCommunity(a, opts.community))
  )
    return { ...unknown(lang, facts), ...conf(agree('out-of-scope')) };
  if (s === 'decision' && type && (type.probs['out-of-scope'] ?? 0) >= SURE && !hasFacts(opts.facts) && !item)
    return { ...unknown(lang, facts), ...conf('classifier') };
  if (s === 'decision')
    return { ...decisionAnswer(a, decide(facts), lang, facts, opts.community), ...conf(agree('decision')) };
  if (s !== 'info') return { ...unknown(lang, facts), ...conf(agree('out-of-scope')) };
  // "How do I create a poll in our WhatsApp channel?", "Hoe plan ik een post in?": how to use an app, with
  // nothing of keeping, records or law, which the classifier reads as outside too; "How do I archive a chat
  // so it stops showing up at the top of my list?": archiving in the app's sense (tidying a list).
  const info = infoAnswer(a, lang, facts, opts.community, type, part.context.map(read1));
  const fromCommunity = info.entries.some((e) => e.startsWith('community:'));
  if (!hasFacts(opts.facts) && !fromCommunity && (appHowTo(a, facts, type) || APP_SENSE.test(a.text)))
    return { ...unknown(lang, facts), ...conf('rules+classifier') };
  // "How do I archive old e-mails in Outlook?": a guidance entry shares words with it, but the calibrated
  // classifier is sure it lies outside the knowledge base and the rules read no social-media item in it.
  if (
    info.verdict === 'info' &&
    type &&
    (type.probs['out-of-scope'] ?? 0) >= SURE &&
    !item &&
    !hasFacts(opts.facts)
  )
    return { ...unknown(lang, facts), ...conf('classifier') };
  if (info.verdict === 'info' || !type) return { ...info, ...conf(agree('info')) };
  // No guidance entry answers it. When the calibrated classifier is sure it asks what to do with an item,
  // the rules decide it if the question names the item or a deciding fact, and otherwise it asks; when it is
  // not sure, "unknown" (on held-back questions an unsure classifier is wrong too often to ask).
  if (decisionP(type) < SURE || checksClaim(a, facts)) return { ...info, ...conf(agree('out-of-scope')) };
  // "How do we get more followers on our LinkedIn account?": a question opening with a question word that
  // says nothing of keeping, deleting, archiving or a deciding circumstance is no decision, however sure.
  if (opensWithQuestionWord(a) && !aboutKeeping(a, facts)) return { ...info, ...conf(agree('out-of-scope')) };
  // "Can a civil servant be disciplined for criticising the minister on Bluesky?": no content item, nothing of
  // keeping and no guidance entry met on a declared topic — outside the knowledge base, whatever platform it names.
  if (!aboutKeeping(a, facts) && facts.content === null && !meetsGuidance(a))
    return { ...info, ...conf(agree('out-of-scope')) };
  const object = OBJECTS.some((c) => a.matches.some((m) => m.concept === c));
  const deciding = [facts.author, facts.publicTask, facts.hold, facts.intent, facts.erasure].some(
    (x) => x !== null,
  );
  if (object || deciding)
    return { ...decisionAnswer(a, decide(facts), lang, facts, opts.community), ...conf('classifier') };
  return { ...info, answer: UNSURE[lang], followUp: WHICH_ITEM[lang], ...conf('classifier') };
}

/** Loads and indexes the content now (otherwise the first question does it). */
export function warmUp(): void {
  content();
  index();
  analyse('warm');
}
