/**
 * The facts the decision rules work on, and how they are read from a question's analysis. Each fact is
 * null when the question does not say; the rules then ask for the one that decides.
 */
import type { Analysis, Match, Token } from './analyse.ts';
import { DATA, kindOfTerm, type OrgKind } from './data.ts';
import { type Concept, STOPWORDS } from './lexicon.ts';
import { fold, stem, words } from './text.ts';

export type { OrgKind };

/** Who posted (or, for a DM, the highest-ranking sender or receiver). */
export type Author = 'bewindspersoon' | 'top-official' | 'civil-servant' | 'organisation' | 'third-party';
/** The kind of account it is on: the organisation's, a minister's in role, private, hybrid, a civil servant's. */
export type AccountType = 'corporate' | 'bewindspersoon' | 'private' | 'hybrid' | 'civil-servant';
/** What the item is. A `webcare` item is a reply by the organisation; a `comment` is by someone else. */
export type ContentType =
  | 'post'
  | 'webcare'
  | 'comment'
  | 'dm'
  | 'story'
  | 'like'
  | 'repost'
  | 'profile'
  | 'webpage';

export interface Facts {
  author: Author | null;
  account: AccountType | null;
  content: ContentType | null;
  /** An edited post, or one already deleted from the platform. */
  change: 'edited' | 'deleted' | null;
  /** Whether it relates to the public task (work), or is private / party-political (false). */
  publicTask: boolean | null;
  /** A pending Woo request, objection, appeal or other dispute covers it. */
  hold: boolean | null;
  platform: string | null;
  /** The asker wants to delete, destroy, clear or rename. */
  intent: 'delete' | null;
  /** The asker relies on it being kept elsewhere (on the platform, in another system). */
  elsewhere: boolean | null;
  /** A formal decision or notification is communicated through it. */
  formal: boolean | null;
  /** It concerns a hotspot (crisis, major event). */
  hotspot: boolean | null;
  /** Someone invokes the right to erasure (AVG art. 17). */
  erasure: boolean | null;
  /** The kind of government organisation (decides where permanent records are transferred to, R16). */
  orgKind: OrgKind | null;
  /** False when the item was made before (or after) its author held the office ("voordat ze minister werd"). */
  inOffice: boolean | null;
  /**
   * A chat message holds information needed for the record — an agreement, a promise, a decision (R6: for
   * ordinary staff only then is it kept); false when the asker says it holds none.
   */
  needed: boolean | null;
  /**
   * Made only days ago ("gisteravond", "last night", "this morning"): no selectielijst term can have passed,
   * so a wish to delete it cannot be a lawful destruction.
   */
  recent: boolean | null;
  /**
   * The item is a copy (a screenshot, an export, a print) of something the organisation already captures
   * or archives itself: the original is the record.
   */
  copy: boolean | null;
  /**
   * The question is about the original of what the organisation reposted or liked ("their original post",
   * "het originele KNMI-bericht", "the KNMI video itself"): that is its maker's record (R17).
   */
  original: boolean | null;
  /**
   * What the asker wants gone is said not to be archived, or goes for good with the asking: "ze zijn nooit
   * gearchiveerd", a post taken down to correct a mistake, a whole account closed. Archive first (R7).
   */
  unkept: boolean | null;
  /**
   * A civil servant's item on an own account made in the role, for the organisation ("answers residents'
   * questions from her own X", "namens de gemeente"); false: as a person, in a personal capacity.
   */
  onBehalf: boolean | null;
  /**
   * Comments asked about together with the post they are under ("the comments too, or just the video?",
   * "comments included"), or under a post about a hotspot or a consultation: needed as its context (R9).
   */
  asContext: boolean | null;
  /**
   * An account several bodies run together ("één gezamenlijk Instagram-account met twee buurgemeenten en de
   * GGD", "run by a cooperative of the province, two municipalities and the water board"): who archives it
   * is for the one holding it, by agreement (R2). 'unclear' raises the question; 'ours' or 'partner' answers it.
   */
  joint: 'unclear' | 'ours' | 'partner' | null;
  /**
   * The asker's own organisation is of a kind that may or may not be a public body ("wij zijn een stichting",
   * "our primary school"): true raises the question; false once it is answered.
   */
  semiPublic: boolean | null;
}

export const NO_FACTS: Facts = {
  author: null,
  account: null,
  content: null,
  change: null,
  publicTask: null,
  hold: null,
  platform: null,
  intent: null,
  elsewhere: null,
  formal: null,
  hotspot: null,
  erasure: null,
  orgKind: null,
  inOffice: null,
  needed: null,
  recent: null,
  copy: null,
  original: null,
  unkept: null,
  onBehalf: null,
  asContext: null,
  joint: null,
  semiPublic: null,
};

/** The facts a question states explicitly, merged with facts given from elsewhere (those win). */
export function mergeFacts(base: Facts, given?: Partial<Facts>): Facts {
  const out: Facts = { ...base };
  if (!given) return out;
  for (const [k, v] of Object.entries(given) as [keyof Facts, Facts[keyof Facts]][]) {
    if (v !== undefined && v !== null) (out as unknown as Record<string, unknown>)[k] = v;
  }
  return out;
}

/** True when at least one fact is known. */
export function hasFacts(f: Partial<Facts> | undefined): boolean {
  return !!f && Object.values(f).some((v) => v !== null && v !== undefined);
}

const RANK: Partial<Record<Concept, number>> = {
  bewinds: 5,
  top: 4,
  staff: 3,
  org: 2,
  possOrg: 2,
  third: 1,
  party: 1,
};
const AUTHOR_OF: Partial<Record<Concept, Author>> = {
  bewinds: 'bewindspersoon',
  top: 'top-official',
  staff: 'civil-servant',
  org: 'organisation',
  possOrg: 'organisation',
  third: 'third-party',
  party: 'third-party',
};
/**
 * Words before a person that make it the topic of the item, not its author ("kritisch over de wethouder"),
 * or the one on whose behalf someone else posts ("namens het college", "on behalf of the board").
 */
const TOPIC = new Set([
  'namens',
  'behalf',
  'over',
  'about',
  'regarding',
  'concerning',
  'tegen',
  'against',
  'kritiek',
  'bekritiseert',
  'bekritiseerde',
  'bekritiseren',
  'criticising',
  'criticizing',
  'criticises',
  'criticizes',
  'criticised',
  'criticized',
  'criticise',
  'criticize',
  'attacks',
  'attacked',
]);
/** Subjects of a sentence that frames the question: "it is about", "this is about", "het gaat over". */
const FRAME_SUBJECTS = new Set(['it', 'this', 'that', 'question', 'het', 'dit', 'dat', 'vraag']);
const THIRD_POSSESSIVES = new Set(['his', 'her', 'their', 'zijn', 'haar', 'hun']);
/** Words that point back to something a sentence before: "Moeten wij die post archiveren?" */
const DEMONSTRATIVES = new Set([
  'die',
  'deze',
  'dat',
  'dit',
  'those',
  'these',
  'that',
  'this',
  'such',
  'zulke',
]);
/**
 * Nouns after which "official" is an adjective, not a person: "an official decision", "the official
 * account". (Nouns the lexicon knows as items, accounts, decisions or work count too.)
 */
const OFFICIAL_NOUNS = new Set(
  'decision decisions statement statements announcement announcements notice notices channel channels position policy letter letters response responses communication communications publication publications document documents record records language capacity role function business duties duty source sources name title visit visits trip event events photo photos picture pictures video videos information news reply replies answer answers'.split(
    ' ',
  ),
);
const ADJECTIVE_BEFORE: Concept[] = [
  'formal',
  'accountNoun',
  'corporate',
  'profile',
  'webpage',
  'ptYes',
  'recordNoun',
  'platform',
  'dm',
  'story',
];
/** What a negation turns around: the first of these after it. */
const NEGATABLE: Concept[] = ['ptYes', 'ptNo', 'privMod', 'formal', 'hotspot'];
const COORDINATORS = new Set(['of', 'or', 'en', 'and', 'noch', 'nor']);
/** Words that turn the next few words around: "zonder verband met het werk", "no mention of work". */
const NEGATORS = new Set([
  'geen',
  'niet',
  'niets',
  'niks',
  'zonder',
  'nooit',
  'no',
  'not',
  'nothing',
  'without',
  'never',
  'none',
  'nor',
  // "didn't", "haven't": split at the apostrophe
  'didn',
  'doesn',
  'don',
  'isn',
  'wasn',
  'aren',
  'weren',
  'haven',
  'hasn',
  'hadn',
  'cannot',
]);
/** Words between a negation and the account it rules out: "niet op het", "not on the", "not via our". */
const PLACE_WORDS = new Set(
  'op via vanaf van on via from in onze ons our their zijn haar his her'.split(' '),
);

/** Negators that are prepositions: they reach only the noun phrase after them. */
const PREPOSITIONAL = new Set(['zonder', 'without']);
/** Words that carry a noun phrase on: "zonder verband met het werk", "without any link to work". */
const LINKS = new Set(
  'met van voor tot aan op over with of to for on about de het een the a an any enig enige enkel enkele zijn haar hun zijn mijn onze ons je jouw his her their my our your its'.split(
    ' ',
  ),
);

/**
 * The last token a prepositional negator reaches: its noun phrase ends at the first word not followed by a
 * linking word ("without a management role | promised …" — compounds written apart end at their last word
 * before a verb; "zonder verband met het werk" reaches "werk").
 */
function phraseEnd(tokens: Token[], negator: number): number {
  let j = negator + 1;
  while (j < tokens.length && tokens[j]!.sentence === tokens[negator]!.sentence) {
    const next = tokens[j + 1];
    if (!LINKS.has(tokens[j]!.raw) && (!next || !LINKS.has(next.raw)) && j > negator + 1) {
      // "management role": a noun after a noun still belongs to the phrase, a verb form does not
      if (next && next.sentence === tokens[j]!.sentence && !VERB_FORM.test(next.raw) && j < negator + 3) {
        j++;
        continue;
      }
      return j;
    }
    j++;
  }
  return j;
}
/** Verb forms that end a noun phrase: past tenses and participles ("promised", "beloofde", "gestuurd"). */
const VERB_FORM =
  /^(\w+(ed|de|te|den|ten)|ge\w+[dt]|is|was|were|are|has|had|have|heeft|had|hebben|zijn|wordt|werd)$/;

/** Modal verbs after which a trailing "weg" is a wish to delete: "Mogen de tweets weg?" */
const MODALS = new Set([
  'mag',
  'mogen',
  'mocht',
  'kan',
  'kunnen',
  'moet',
  'moeten',
  'hoeft',
  'hoeven',
  'can',
  'may',
  'could',
]);
const PRIVACY_LAW = new Set([
  'avg',
  'gdpr',
  'privacywet',
  'general data protection regulation',
  // the grounds named without the law: "verwijderen ivm privacy", "removed for privacy reasons"
  'privacy',
  'privacyredenen',
  'privacy reasons',
]);
/** Used for private things too: "waar hij ook privédingen op zet", "which she also uses for personal stuff". */
const ALSO_PRIVATE =
  /\b(also|ook|too)\b[^.?!;]{0,25}?\b(personal|private|prive|privedingen|privezaken|priveberichten|privespul|priveleven|private life|own stuff)\b/;
/** Used for work now and then: the account serves both. */
const MIXED =
  /\b(soms|af en toe|weleens|wel eens|regelmatig|ook voor|sometimes|occasionally|now and then|from time to time|also for|(?:also|ook)(?:\s+\w+){1,2}\s+(?:for|voor))\b[^.?!;]{0,60}\b(werk|werkzaamheden|work|zakelijk|business|project|projecten|projects)\b/;
const stems = (t: string) => words(fold(t)).map(stem).join(' ');
const PRIVATE_LIFE = new Set((DATA.find((l) => l.id === 'prive-leven')?.terms ?? []).map(stems));
const OFFICE_WORDS = new Set(['in functie', 'functie', 'ambt', 'in office']);
/** Before or after holding office: the person named was not in role when the item was made. */
const OUTSIDE_OFFICE = [
  /\b(voordat|voor|before|prior to|toen)\b[^.?!;]{0,50}?\b(werd|became|aantrad|aantreden|took office|taking office|took up office|entering office|joined the cabinet|joined the government|ministerschap|wethouderschap|burgemeesterschap|ambtsperiode|in functie|in office|benoemd|benoeming|appointed|appointment|installatie|installation|beediging|inauguration|ambtsaanvaarding|sworn in|kamerlid was|nog (?!minister|staatssecretaris|wethouder|burgemeester|gedeputeerde|dijkgraaf|premier)\w+ was|still (?!minister|state secretary|mayor|alderman|prime minister)\w+ was)\b/,
  /\b(nadat|na|after|since|once)\b[^.?!;]{0,40}?\b(aftreden|aftrad|afgetreden|vertrek|vertrok|vertrokken|left office|stepped down|resigned|leaving office|left the cabinet|left the government)\b/,
  /\b(no longer in office|niet meer in functie|geen \w+ meer was|was no longer \w+)\b/,
  // "Onze oud-wethouder post nu …", "our former alderman is now posting": what a former office-holder posts now
  /\b(oud|ex|former|voormalig|voormalige|gewezen|previous)\s+(minister|staatssecretaris|wethouder|burgemeester|gedeputeerde|dijkgraaf|alderman|mayor|state secretary|commissaris)\b[^?!;]{0,120}?\b(nu|now|tegenwoordig|these days|currently|inmiddels)\b/,
  // "Our former minister left office in February. Since then she's been posting …": what follows the
  // leaving, also in the next sentence.
  /\b(left office|stepped down|resigned|left the cabinet|vertrokken|afgetreden|vertrok|aftrad|opgestapt)\b[^?!;]{0,80}?\b(since then|ever since|sindsdien|sinds (?:haar|zijn) vertrek)\b/,
  /\b(als privepersoon|as a private (person|individual|citizen))\b/,
];
/**
 * A time qualifier said of the account, not of the item: "(dat account had ze al voordat ze minister werd)",
 * "she had that account before she took office", "an account he has had since before he became mayor".
 */
const ACCOUNT_FROM_BEFORE = new RegExp(
  [
    /\b(?:account|profiel|accounts)\s+(?:dat\s+|die\s+)?(?:had|heeft|hadden|hebben|had ze|had hij)?\s*(?:ze|hij|zij|die)?\s*(?:al\s+)?(?:had|heeft|aanmaakte|begon|startte)?\s*(?:al\s+)?(?:voordat|voor|sinds)\b[^.?!;)]*/
      .source,
    /\b(?:had|has had|have had|opened|created|started|set up)\s+(?:that|this|the|her|his|its|their)?\s*(?:account|profile)\s+(?:already\s+)?(?:since\s+)?(?:before|prior to|long before)\b[^.?!;)]*/
      .source,
    /\b(?:account|profile)\s+(?:that\s+|which\s+)?(?:she|he|they)\s+(?:already\s+)?(?:had|has had|opened|created|started)\s+(?:already\s+)?(?:since\s+)?(?:before|prior to|long before)\b[^.?!;)]*/
      .source,
    // "her own X account, the one she had before she took office"
    /\b(?:account|profile)\s+(?:the one|one)\s+(?:that\s+|which\s+)?(?:she|he|they)\s+(?:already\s+)?(?:had|has had|opened|created|started|used)\s+(?:already\s+)?(?:before|prior to|long before)\b[^.?!;)]*/
      .source,
  ].join('|'),
  'g',
);
const PLATFORM_NAMES: Record<string, string> = {
  twitter: 'x',
  'facebook messenger': 'facebook',
  fb: 'facebook',
  insta: 'instagram',
  ig: 'instagram',
  li: 'linkedin',
  yt: 'youtube',
  'whatsapp channel': 'whatsapp',
  'whatsapp channels': 'whatsapp',
  'whatsapp kanaal': 'whatsapp',
  whatsappkanaal: 'whatsapp',
  'social overheid nl': 'mastodon',
};
const PASSIVE = new Set([
  'worden',
  'wordt',
  'be',
  'being',
  'mag',
  'mogen',
  'kan',
  'kunnen',
  'moet',
  'moeten',
]);
const FROM = new Set(['van', 'from', 'by', 'of', 'door']);
const UNDER = new Set(['onder', 'under', 'below', 'beneath', 'underneath']);
const ITEMS: Concept[] = ['post', 'reaction', 'story', 'like', 'repost', 'profile', 'accountNoun'];
const DEPICTIONS = new Set([
  'foto',
  'fotos',
  'photo',
  'photos',
  'picture',
  'pictures',
  'video',
  'videos',
  'filmpje',
  'afbeelding',
  'reel',
]);

/** Reads the facts a question states. */
export function extractFacts(a: Analysis): Facts {
  const r = reading(a);
  const f: Facts = { ...NO_FACTS };
  f.content = contentType(r);
  f.author = author(r, f.content);
  ownReply(r, f);
  readAccount(r, f);
  // "de antwoorden van onze webcaremedewerkers": webcare is the organisation's service, whoever types it
  if (
    f.content === 'webcare' &&
    f.author === 'civil-servant' &&
    (f.account === null || f.account === 'civil-servant')
  ) {
    f.author = 'organisation';
    f.account = 'corporate';
  }
  // "Iemand heeft de rechtbank getagd in een boze post", "their account posted fake stuff about us":
  // someone else's post
  if (TAGGED_BY_OTHER.test(r.text) || THEIR_ACCOUNT.test(r.text) || SOMEONE_OWN.test(r.text)) {
    f.author = 'third-party';
    f.account = null;
  }
  // "Wij als veiligheidsregio volgen het KNMI. Moeten we die KNMI-berichten archiveren?": another body's
  // items — its own record; after a repost, the original (R17)
  if (othersItemAsked(r)) {
    if (f.content === 'repost' || f.content === 'like') f.original = true;
    else {
      f.author = 'third-party';
      f.account = null;
    }
  }
  // "Ik doe de socials voor een supermarktketen", "we are a company": "our" posts are not government's
  // (its account left open: a context sentence may name a government body, "Ik werk bij de gemeente")
  if (!r.has('org') && companyAsker(r)) {
    f.author = 'third-party';
    f.account = null;
  }
  const whenNot = r.text.replace(ACCOUNT_FROM_BEFORE, ' ');
  f.inOffice = OUTSIDE_OFFICE.some((re) => re.test(whenNot)) ? false : null;
  f.publicTask = publicTask(
    r,
    f.inOffice === false,
    f.author === 'organisation' || f.account === 'corporate',
  );
  // "gebruikt haar privéaccount soms voor het werk": an account used for both is hybrid, and which post is
  // which is still open.
  // "gebruikt één account voor zowel zijn werk als zijn privéleven": work and private life both said of
  // an account make it hybrid too.
  const both = f.publicTask === null && taskSignals(r, f.inOffice === false, false).every((x) => x);
  // "zijn eigen X-account, waar hij ook privédingen op zet", "which he also uses for personal stuff": an
  // account used for private things too is hybrid; what this item is about still decides.
  if (
    (f.account === 'private' || f.account === null) &&
    (r.has('accountNoun') || r.has('platform')) &&
    ALSO_PRIVATE.test(r.text)
  )
    f.account = 'hybrid';
  if (
    (f.account === 'private' || f.account === null) &&
    both &&
    (r.has('accountNoun') || r.has('privAccount'))
  ) {
    f.account = 'hybrid';
    f.publicTask = null;
  }
  // … and "gebruikt zijn eigen X-account ook voor zijn werk": said of the account (its work words are no
  // reading of this item, alsoForWork), so what this item is about still decides.
  if ((f.account === 'private' || f.account === null) && MIXED.test(r.text)) f.account = 'hybrid';
  // An office-holder's or official's item described by its topic ("een post over de nieuwe rondweg", "a
  // post about the flood barrier") with nothing of private life or party politics said: the topics of work
  // are an open class, those of private life a closed one (family, hobbies, holidays, parties), so a topic
  // that is none of those is read as work.
  // "waar ik alleen over mijn modelspoorbaan post", "only about my model railway": the poster's own life
  if (f.publicTask === null && onlyAboutOwn(r)) f.publicTask = false;
  if (f.publicTask === null && f.content !== 'dm' && namedTopic(r, f)) f.publicTask = true;
  // Sharing the organisation's own post is work: "de wethouder deelt een bericht van de gemeente".
  const from = f.content === 'repost' ? sharedFrom(r) : undefined;
  if (f.publicTask === null && from && ['org', 'possOrg'].includes(from.concept)) f.publicTask = true;
  readStateAndIntent(r, f);
  // "nooit gearchiveerd", "verkeerde datum … mag ik hem verwijderen?", "we sluiten het account": archive first
  if (
    f.intent === 'delete' &&
    (NEVER_ARCHIVED.test(r.text) ||
      MISTAKE.test(r.text) ||
      ((closesAccount(r) || deletesWholeAccount(r.text) || clearsOldPosts(r.text)) &&
        (!personsAccount(r) || f.onBehalf === true)) ||
      // "bij de kabinetswissel de X-accounts van de vertrekkende bewindspersonen leegmaken": the role's
      // accounts, handed to the successor, lose what they hold
      ((CABINET_CHANGE.test(r.text) || (MINISTER.test(r.text) && SUCCESSOR.test(r.text))) &&
        EMPTIED.test(r.text)))
  )
    f.unkept = true;
  f.orgKind = orgKindOf(r);
  return f;
}

/** The organisation kind the question's people and organisations imply (the author's first). */
function orgKindOf(r: Reading): Facts['orgKind'] {
  const kinds = kindOfTerm();
  const ms = [...r.persons.filter((m) => !r.topics.has(m)), ...r.a.matches];
  for (const m of ms) {
    const k = kinds.get(m.text);
    if (k) return k;
  }
  return null;
}

/**
 * What the sentences set aside as context lend the question's facts (they change nothing else, so a
 * greeting or a sentence about the asker cannot turn a verdict): the organisation kind ("Ik werk bij de
 * gemeente Utrecht"), the asker's own organisation when its government status is unclear ("Wij zijn een
 * stichting die het museum beheert"), the asker's role when the asker acts in the question ("I'm project
 * lead at the water board. … the contractor and I agreed …"), and a copy said to be of what is captured
 * already ("… screenshots of our posts. The account itself is harvested daily."). Each sentence read once.
 */
export function lendContext(f: Facts, question: Analysis, context: readonly Analysis[]): void {
  if (!context.length) return;
  const readings = context.map(reading);
  f.orgKind ??= readings.map(orgKindOf).find((k) => k) ?? null;
  if (f.semiPublic === null && readings.some(ownSemiPublic)) f.semiPublic = true;
  if (f.author === null && question.tokens.some((t) => ASKER.has(t.raw)))
    f.author = readings.map(askerRole).find((k) => k) ?? null;
  if (f.copy === null) {
    const text = [question, ...context].map((x) => words(fold(x.text)).join(' ')).join(' . ');
    if (COPY.test(text) && CAPTURED_ALREADY.test(text)) f.copy = true;
  }
}

/** The asker's role in a sentence about the asker ("Ik ben wethouder", "I'm project lead at …"). */
function askerRole(r: Reading): Author | null {
  if (!r.a.tokens.some((t) => t.raw === 'i' || t.raw === 'ik')) return null;
  const role = highest(r.persons.filter((m) => ['bewinds', 'top', 'staff'].includes(m.concept)));
  return role ? AUTHOR_OF[role.concept]! : null;
}
/** The asker as subject or as owner: "the contractor and I", "mijn privételefoon", "stuurde me". */
const MINE = new Set(['my', 'mijn', 'me', 'mij']);
const ASKER = new Set(['i', 'ik', ...MINE]);

/** A question's analysis with the look-ups the fact readers share. */
interface Reading {
  a: Analysis;
  all: (c: Concept) => Match[];
  has: (c: Concept) => boolean;
  /** Another match of these concepts starts within `after` tokens after m. */
  near: (m: Match, concepts: Concept[], after: number) => boolean;
  tokenAt: (i: number) => string | undefined;
  /** Persons (and the organisation, third parties), each with a rank. */
  persons: Match[];
  /** The persons who are government: a minister, the top, staff. */
  govPersons: Match[];
  /** "privé", "personal", except right after "ons"/"our" ("ons eigen account" is the organisation's). */
  privateMods: Match[];
  /** Persons named as the topic of the item ("over de minister"), not as its author. */
  topics: Set<Match>;
  /** The question's words, folded, with sentence ends. */
  text: string;
  /** The match is turned around by a negation shortly before it in the same sentence. */
  negated: (m: Match) => boolean;
}

/** "an official decision": an adjective before a noun, not a person. */
function adjectiveUse(a: Analysis, m: Match): boolean {
  if (m.text !== 'official') return false;
  const next = a.tokens[m.end];
  if (!next || next.sentence !== a.tokens[m.start]!.sentence) return false;
  return (
    OFFICIAL_NOUNS.has(next.raw) ||
    a.matches.some((o) => o.start === m.end && ADJECTIVE_BEFORE.includes(o.concept))
  );
}

/** Words around "like" that make it a verb of wishing or a preposition: "I would like to know", "posts like this". */
const LIKE_BEFORE = new Set([
  'would',
  'd',
  'should',
  'could',
  'might',
  'feel',
  'feels',
  'look',
  'looks',
  'seems',
  'just',
]);
const LIKE_AFTER = new Set(['to', 'this', 'that', 'these', 'those', 'a', 'an', 'the', 'it']);

/** "like" as a wish or a comparison, not the button: "I would like to know whether …". */
function notALike(a: Analysis, m: Match): boolean {
  if (m.text !== 'like') return false;
  const same = (i: number) => a.tokens[i]?.sentence === a.tokens[m.start]!.sentence;
  const prev = same(m.start - 1) ? a.tokens[m.start - 1]!.raw : '';
  const next = same(m.end) ? (a.tokens[m.end]?.raw ?? '') : '';
  return LIKE_BEFORE.has(prev) || LIKE_AFTER.has(next);
}

/** Work words that stay work after a private-looking word: "sports policy", "het sportbeleid". */
const STRONG_WORK =
  /^(policy|policies|beleid|regeling|scheme|subsidy|subsidie|subsidieregeling|budget|begroting|besluit|decision|maatregel|maatregelen|measures|wet|law|vergunning|permit)$/;

/** "a boosted Facebook post", "een geboost bericht": paid reach for one's own post, not a repost (a boost). */
function paidBoost(a: Analysis, m: Match): boolean {
  if (m.concept !== 'repost' || !/^(boosted|geboost|gesponsord|sponsored|promoted)$/.test(m.text))
    return false;
  const next = a.matches.find((o) => o.start === m.end);
  if (!next) return false;
  if (next.concept === 'post') return true;
  return next.concept === 'platform' && a.matches.some((o) => o.start === next.end && o.concept === 'post');
}

/** Words that make "party" a celebration, not a political party: "birthday party", "tuinfeest". */
const CELEBRATION = new Set(
  'birthday dinner garden tea surprise christmas kerst leaving farewell pool house'.split(' '),
);

/**
 * A party or a work word said of private life ("birthday party plans", "holiday plans"): the private word
 * before it decides what it is, so neither a political party nor work.
 */
function privatelyQualified(a: Analysis, m: Match): boolean {
  if (m.concept !== 'party' && m.concept !== 'ptYes') return false;
  const sentence = a.tokens[m.start]!.sentence;
  const prev = a.tokens[m.start - 1];
  if (!prev || prev.sentence !== sentence) return false;
  if (m.concept === 'party' && CELEBRATION.has(prev.raw)) return true;
  // "to plan canvassing", "om het flyeren te plannen": the verb, not a plan of the organisation
  if (m.concept === 'ptYes' && (prev.raw === 'te' || prev.raw === 'to') && /^plan(nen)?$/.test(m.text))
    return true;
  const privateAt = (end: number) => a.matches.some((o) => o.concept === 'ptNo' && o.end === end);
  if (privateAt(m.start)) return !STRONG_WORK.test(m.text);
  // "de plannen voor haar verjaardagsfeest", "plans for his daughter's wedding"
  if (m.concept === 'ptYes' && ['voor', 'for', 'van', 'of'].includes(a.tokens[m.end]?.raw ?? '')) {
    let j = m.end + 1;
    while (j < m.end + 3 && POSSESSIVES.has(a.tokens[j]?.raw ?? '')) j++;
    const of = ['van', 'of'].includes(a.tokens[m.end]!.raw);
    // … and a party's: "de plannen van haar partij", "the plans of his party" are party politics
    const by = a.matches.find(
      (o) => o.start === j && (o.concept === 'ptNo' || (of && o.concept === 'party')),
    );
    if (a.tokens[j]?.sentence === sentence && by) return true;
  }
  // "birthday party plans": one word between, itself a celebration ("party") or private
  const gap = a.matches.find((o) => o.end === m.start && (o.concept === 'party' || o.concept === 'ptNo'));
  return (
    m.concept === 'ptYes' &&
    gap !== undefined &&
    (privateAt(gap.start) || CELEBRATION.has(a.tokens[gap.start - 1]?.raw ?? ''))
  );
}

function reading(full: Analysis): Reading {
  const a = {
    ...full,
    matches: full.matches.filter(
      (m) =>
        !(m.concept === 'like' && notALike(full, m)) && !privatelyQualified(full, m) && !paidBoost(full, m),
    ),
  };
  const all = (c: Concept) => a.matches.filter((m) => m.concept === c);
  const persons = a.matches.filter((m) => RANK[m.concept] !== undefined && !adjectiveUse(a, m));
  const sentenceOf = (i: number) => a.tokens[i]?.sentence;
  const before = (m: Match, n: number) =>
    a.tokens.slice(Math.max(0, m.start - n), m.start).filter((t) => t.sentence === sentenceOf(m.start));
  // "It is about the mayor's clip", "Het gaat over": the question's subject, not the item's topic.
  const framing = (ts: Token[], i: number) =>
    (ts[i]!.raw === 'about' || ts[i]!.raw === 'over') &&
    ((['is', 's', 'was'].includes(ts[i - 1]?.raw ?? '') && FRAME_SUBJECTS.has(ts[i - 2]?.raw ?? '')) ||
      (ts[i - 1]?.raw === 'gaat' && FRAME_SUBJECTS.has(ts[i - 2]?.raw ?? '')));
  const topics = new Set(
    persons.filter((m) => {
      const ts = before(m, 3);
      const offset = m.start - ts.length;
      return ts.some((t, k) => TOPIC.has(t.raw) && !framing(a.tokens, offset + k));
    }),
  );
  // "kritiek op ons college", "criticises our mayor": the possessive belongs to the person criticised.
  for (const p of persons)
    if (p.concept === 'possOrg' && [...topics].some((t) => t.start === p.end)) topics.add(p);
  return {
    topics,
    text: a.read,
    // A negation turns around the first thing it meets, not what follows that ("not about work, about a
    // concert": the concert is not negated).
    negated: (m) => {
      const from = Math.max(0, m.start - 5);
      for (let i = m.start - 1; i >= from; i--) {
        if (a.tokens[i]!.sentence !== a.tokens[m.start]!.sentence) return false;
        if (NEGATORS.has(a.tokens[i]!.raw)) {
          // "(dus niet het gemeenteaccount) aangekondigd", "not on the council account": the negation is
          // of the account or organisation named right after it, not of what follows that
          const place = a.matches.find(
            (x) => x.start > i && x.end <= m.start && ['accountNoun', 'org', 'platform'].includes(x.concept),
          );
          if (
            place &&
            a.tokens.slice(i + 1, place.start).every((t) => ARTICLES.has(t.raw) || PLACE_WORDS.has(t.raw))
          )
            return false;
          return !PREPOSITIONAL.has(a.tokens[i]!.raw) || m.start <= phraseEnd(a.tokens, i);
        }
        const o = a.matches.find((x) => x.end === i + 1 && x !== m && NEGATABLE.includes(x.concept));
        if (!o) continue;
        // "niks over beleid of werk", "nothing about policy or work": the negation reaches both
        if (i + 1 < m.start && COORDINATORS.has(a.tokens[i + 1]!.raw)) i = o.start;
        else return false;
      }
      return false;
    },
    a,
    all,
    has: (c) => a.matches.some((m) => m.concept === c),
    near: (m, concepts, after) =>
      a.matches.some(
        (o) => o !== m && concepts.includes(o.concept) && o.start >= m.end && o.start - m.end < after,
      ),
    tokenAt: (i) => a.tokens[i]?.raw,
    persons,
    govPersons: persons.filter((m) => ['bewinds', 'top', 'staff'].includes(m.concept) && !topics.has(m)),
    privateMods: all('privMod').filter((m) => {
      const prev = a.matches.find((o) => o.end === m.start);
      if (prev && prev.concept === 'possOrg') return false;
      // "it's private between him and us", "privé tussen hem en ons": confidential, not private life
      if (['between', 'tussen'].includes(a.tokens[m.end]?.raw ?? '')) return false;
      // "our region runs its own X account", "we hebben als regio een eigen X-account": the nearest one
      // before "own" is the organisation, so the account is its own
      if (m.text !== 'own' && m.text !== 'eigen') return true;
      // "I'm a press officer at a court and on my own X account …": a person's possessive decides
      if (PERSONAL_POSSESSIVES.has(a.tokens[m.start - 1]?.raw ?? '')) return true;
      const s = a.tokens[m.start]!.sentence;
      const owner = persons.filter((p) => p.end <= m.start && a.tokens[p.start]!.sentence === s).at(-1);
      return !(owner && (owner.concept === 'org' || owner.concept === 'possOrg'));
    }),
  };
}

/**
 * A person's possessive before "own"/"eigen": the account is that person's, whoever was named before. Not
 * Dutch "zijn"/"haar", which also stand for an organisation ("de rechtbank en haar eigen account").
 */
const PERSONAL_POSSESSIVES = new Set(['my', 'mijn', 'mn', 'his', 'her']);

/** The person among these with the highest rank (the first of equals). */
function highest(ms: Match[]): Match | undefined {
  return ms.reduce<Match | undefined>(
    (best, m) => (!best || RANK[m.concept]! > RANK[best.concept]! ? m : best),
    undefined,
  );
}

/** Every chat word follows a published item and a word of warning or topic in its sentence. */
function dmAsTopic(r: Reading): boolean {
  const { a } = r;
  const dms = r.all('dm');
  return (
    dms.length > 0 &&
    dms.every((d) => {
      const s = a.tokens[d.start]!.sentence;
      const item = a.matches.some(
        (m) => m.concept === 'post' && m.end <= d.start && a.tokens[m.start]!.sentence === s,
      );
      const about = a.tokens.some(
        (t, i) => i < d.start && i >= d.start - 4 && t.sentence === s && TOPIC_WORDS.has(t.raw),
      );
      return item && about;
    })
  );
}
const TOPIC_WORDS = new Set(
  'over about voor tegen for against waarschuwing waarschuwt warning warns warned on'.split(' '),
);

/** The first kind of item the question names, most specific first. */
function contentType(r: Reading): ContentType | null {
  const order: [Concept, () => ContentType][] = [
    ['dm', () => 'dm'],
    ['webcare', () => 'webcare'],
    ['reaction', () => reactionType(r, r.all('reaction').find((m) => !r.negated(m))!)],
    ['story', () => 'story'],
    ['profile', () => 'profile'],
    ['like', () => 'like'],
    ['repost', () => 'repost'],
    ['webpage', () => 'webpage'],
    ['post', () => 'post'],
  ];
  for (const [c, type] of order) {
    if (!r.has(c)) continue;
    // "wij hebben er niet op gereageerd", "we never replied": no reply to speak of
    if (c === 'reaction' && r.all(c).every((m) => r.negated(m))) continue;
    // "een artikel op haar persoonlijke profiel": the profile is where the item is
    if (c === 'profile' && r.has('post') && r.all(c).every((m) => onProfile(r, m))) continue;
    const t = type();
    if (t === 'post' && sentMessage(r)) return 'dm';
    // "een filmpje met een waarschuwing voor nep-sms'jes": the messages are the video's topic
    if (t === 'dm' && dmAsTopic(r)) return 'post';
    return t === 'post' && sharedFrom(r) ? 'repost' : t;
  }
  return null;
}

/** "op haar profiel", "on his personal profile": a place, not the item. */
function onProfile(r: Reading, m: Match): boolean {
  let i = m.start - 1;
  while (
    i >= 0 &&
    (POSSESSIVES.has(r.tokenAt(i) ?? '') || r.a.matches.some((o) => o.concept === 'privMod' && o.start === i))
  )
    i--;
  return ['op', 'on', 'in'].includes(r.tokenAt(i) ?? '');
}

/** Verbs of sharing: sharing someone else's post ("deelt een bericht van de gemeente") reposts it. */
const SHARE = new Set('deel deelt deelde deelden gedeeld delen share shares shared sharing'.split(' '));

/**
 * Whose post is shared, when someone shares another's post: "De wethouder deelt een bericht van de
 * gemeente", "she shared a post from her party", "heeft een bericht van de gemeente gedeeld".
 */
function sharedFrom(r: Reading): Match | undefined {
  const { a } = r;
  for (const m of a.matches) {
    if (m.concept !== 'post') continue;
    // "een video van de burgemeester" shows the mayor; "een video van de NOS" is the broadcaster's
    const maker = r.persons.find((p) => p.start > m.end && p.start - m.end <= 3);
    if (DEPICTIONS.has(a.tokens[m.start]!.raw) && !(maker && ['org', 'third'].includes(maker.concept)))
      continue;
    const sentence = a.tokens[m.start]!.sentence;
    const shared = a.tokens.some((t) => t.sentence === sentence && SHARE.has(t.raw));
    if (!shared) continue;
    // "a colleague shared the council's job ad post", "an employee shared a GGD post": someone else's post,
    // named by its possessor or its maker in front of it
    // ("an NOS YouTube video": the platform's name between them)
    const front = (p: Match) =>
      p.end === m.start ||
      a.matches.some((q) => q.concept === 'platform' && q.start === p.end && q.end === m.start);
    const owner = r.persons.find(
      (p) =>
        (p.concept === 'org' && p.end < m.start && m.start - p.end <= 4 && r.tokenAt(p.end) === 's') ||
        (['org', 'third'].includes(p.concept) && front(p)),
    );
    if (owner && r.persons.some((p) => p.end <= owner.start && a.tokens[p.start]!.sentence === sentence))
      return owner;
    const next = r.tokenAt(m.end) ?? '';
    if (!FROM.has(next) || next === 'door' || next === 'by') continue;
    const of = r.persons.find((p) => p.start > m.end && p.start - m.end <= 3);
    // someone shares it: a sharer named before the item ("is op TikTok gedeeld" is simply posted)
    const sharer = r.persons.some((p) => p.end <= m.start && a.tokens[p.start]!.sentence === sentence);
    if (of && sharer) return of;
  }
  return undefined;
}

/** Verbs of sending: a message sent to someone is a direct message, one published is a post. */
const SEND = new Set(
  'stuur stuurt stuurde stuurden gestuurd sturen verstuurd verstuurde doorgestuurd doorsturen send sends sent sending messaged forward forwards forwarded'.split(
    ' ',
  ),
);
/** Verbs of receiving: a message someone gets is addressed to them, a direct message too. */
const RECEIVE = new Set(
  'krijgt kreeg kregen gekregen krijgen ontvangt ontving ontvingen ontvangen receive receives received receiving gets got'.split(
    ' ',
  ),
);
const MESSAGE_WORDS = new Set([
  'bericht',
  'berichten',
  'berichtje',
  'berichtjes',
  'message',
  'messages',
  'messaging',
  'messaged',
]);
/** Platforms that are messaging channels: a message on them is a direct message. */
const CHAT_PLATFORMS = new Set(['facebook messenger', 'messenger', 'whatsapp', 'signal', 'telegram']);

/**
 * "De wethouder stuurde een ontwikkelaar een bericht", "the minister sent her sister a message", "a
 * municipal employee receives a message from a resident", "een bericht via Facebook Messenger".
 */
function sentMessage(r: Reading): boolean {
  const { a } = r;
  const chat = a.matches.some((m) => m.concept === 'platform' && CHAT_PLATFORMS.has(m.text));
  return a.matches.some(
    (m) =>
      m.concept === 'post' &&
      MESSAGE_WORDS.has(r.tokenAt(m.start) ?? '') &&
      (chat ||
        // "has been messaging a supplier": a verb with the one written to as its object
        (['messaging', 'messaged'].includes(r.tokenAt(m.start) ?? '') &&
          r.persons.some((p) => p.start > m.end - 1 && p.start <= m.end + 1)) ||
        // addressed to someone: "via een LinkedIn-berichtje aan een ondernemer", "a message to a supplier"
        ['aan', 'to'].includes(r.tokenAt(m.end) ?? '') ||
        a.tokens.some(
          (t, i) =>
            i < m.start &&
            (SEND.has(t.raw) || RECEIVE.has(t.raw)) &&
            t.sentence === a.tokens[m.start]!.sentence,
        )),
  );
}

/** Verb forms of replying (not the nouns "reactie", "reply"): their subject is the one who replies. */
const REPLY_VERBS = new Set(
  'reageert reageerde reageerden gereageerd reageren beantwoordt beantwoordde beantwoordden beantwoord geantwoord antwoordde antwoordden replied responded responds answered'.split(
    ' ',
  ),
);

const AUXILIARIES = new Set('heb hebben heeft had hadden hebt is zijn was waren'.split(' '));

/** Whether a reaction is the organisation's (webcare) or someone else's (a comment). */
function reactionType(r: Reading, m: Match): ContentType {
  const { a, persons } = r;
  // "een reactie van de gemeente" (by government: webcare), "reacties van burgers" (by others)
  const next = r.tokenAt(m.end);
  if (next && FROM.has(next)) {
    const by = persons.find((p) => p.start > m.end && p.start - m.end <= 3);
    if (by) return by.concept === 'third' ? 'comment' : 'webcare';
  }
  // passive: "een reactie is door de wethouder geplaatst", "a reply was posted by the mayor"
  const sentence = a.tokens[m.start]!.sentence;
  const agent = a.tokens.findIndex(
    (t, i) => i >= m.end && t.sentence === sentence && (t.raw === 'door' || t.raw === 'by'),
  );
  // … but "a comment on a post by the province": a "by" right after another item (a noun after its
  // article, not "posted") names that item's author
  const ofItem = a.matches.some(
    (o) =>
      o.end === agent &&
      o.start > m.start &&
      ITEMS.includes(o.concept) &&
      ARTICLES.has(a.tokens[o.start - 1]?.raw ?? ''),
  );
  if (agent >= 0 && !ofItem) {
    const by = persons.find((p) => p.start > agent && p.start - agent <= 3);
    if (by) return by.concept === 'third' ? 'comment' : 'webcare';
  }
  // "de gedeputeerde reageerde onder een post van een boer": who reacts, as the verb's subject, decides
  if (REPLY_VERBS.has(a.tokens[m.start]!.raw)) {
    // the nearest before the verb: "Onder een post van ons ministerie heeft een burger gereageerd"
    // … but in a Dutch clause with the verb last, the subject follows the auxiliary: "Daarop hebben we een
    // klagende burger geantwoord" (we answered the citizen)
    const afterAux = persons.find(
      (p) =>
        p.end <= m.start &&
        a.tokens[p.start]!.sentence === sentence &&
        AUXILIARIES.has(a.tokens[p.start - 1]?.raw ?? '') &&
        FIRST_PERSON.has(a.tokens[p.start]!.raw),
    );
    const subject =
      afterAux ?? persons.filter((p) => p.end <= m.start && a.tokens[p.start]!.sentence === sentence).at(-1);
    if (subject) return subject.concept === 'third' || subject.concept === 'party' ? 'comment' : 'webcare';
  }
  // "replies under our posts", "reacties onder onze berichten": others' comments on the organisation's posts
  if (a.tokens.slice(m.end, m.end + 2).some((t) => UNDER.has(t.raw))) return 'comment';
  // "Onder ons Facebookbericht staan 800 reacties", "Under our post there are 800 comments"
  const under = a.tokens.findIndex((t, i) => i < m.start && t.sentence === sentence && UNDER.has(t.raw));
  if (
    under >= 0 &&
    a.matches.some((o) => ITEMS.includes(o.concept) && o.start > under && o.end <= m.start) &&
    !REPLY_VERBS.has(a.tokens[m.start]!.raw)
  )
    return 'comment';
  // The nearest actor before it in the same sentence decides: "we reply", "onze woordvoerder reageert";
  // for "die reacties", "those replies", the actor of the sentence they point back to.
  const before =
    persons
      .filter((p) => p.end <= m.start && a.tokens[p.start]!.sentence === a.tokens[m.start]!.sentence)
      .sort((x, y) => y.end - x.end)[0] ?? antecedentActor(r, m, persons);
  if (before && before.concept !== 'third') return 'webcare';
  // "A reply was posted on the mayor's account": what is posted on someone's account is theirs.
  const owner = sentence === undefined ? undefined : accountOwner(r, sentence);
  if (owner && owner.concept !== 'third' && owner.concept !== 'party' && POSTED.test(r.text))
    return 'webcare';
  return 'comment';
}

/** A passive of posting: "was posted", "is geplaatst". */
const POSTED =
  /\b(is|was|were|zijn|werd|has been|have been)\s+(posted|published|uploaded|shared|placed|geplaatst|gepost|gepubliceerd|gedeeld)\b/;

/** Whose account a sentence names: "the mayor's account", "het account van de burgemeester". */
function accountOwner(r: Reading, sentence: number): Match | undefined {
  const { a, persons } = r;
  for (const acc of a.matches) {
    if (acc.concept !== 'accountNoun' || a.tokens[acc.start]!.sentence !== sentence) continue;
    const before = persons.find(
      (p) => p.end === acc.start || (p.end + 1 === acc.start && r.tokenAt(p.end) === 's'),
    );
    if (before) return before;
    let i = acc.end;
    if (!OF.has(r.tokenAt(i) ?? '')) continue;
    i++;
    while (ARTICLES.has(r.tokenAt(i) ?? '')) i++;
    const after = persons.find((p) => p.start === i);
    if (after) return after;
  }
  return undefined;
}

/**
 * An item named with a demonstrative in a later sentence ("Moeten wij die post archiveren?", "Do those
 * replies have to be kept?") points back: the first person named in the nearest earlier sentence that
 * names one is the item's actor.
 */
function antecedentActor(r: Reading, item: Match, persons: Match[]): Match | undefined {
  const { a } = r;
  const sentence = a.tokens[item.start]!.sentence;
  const prev = a.tokens[item.start - 1];
  if (sentence === 0 || !prev || prev.sentence !== sentence) return undefined;
  // "do we need to archive his post?": the person "his" points to, not "we"
  const his = THIRD_POSSESSIVES.has(prev.raw);
  if (!his && !DEMONSTRATIVES.has(prev.raw)) return undefined;
  for (let s = sentence - 1; s >= 0; s--) {
    const first = persons.find((p) => a.tokens[p.start]!.sentence === s && !(his && p.concept === 'possOrg'));
    if (first) return first;
  }
  return undefined;
}

/** Who posted, given what the item is. */
function author(r: Reading, content: ContentType | null): Author | null {
  const { a, govPersons } = r;
  // The person an item is about is not its author (except in a DM, where sender and receiver both count).
  // "Ik werk bij RVO en op mijn privé-Instagram…", "my sister sent me … (I'm at UWV)": the asker's employer
  // says where the asker works, not who made the asker's own item.
  const employer = ownItem(r) ? employerOrgs(r) : new Set<Match>();
  const persons = (content === 'dm' ? r.persons : r.persons.filter((m) => !r.topics.has(m))).filter(
    (m) => !employer.has(m),
  );
  // The person after an item is its author: "de tweets van de minister", "comments from the public",
  // "een reactie van de gemeente". (Not for pictures: "een foto van de minister" shows the minister.)
  // For a like, repost or reply, "een tweet van een inwoner" names whose post was liked or replied to, not
  // who liked or replied.
  const shared = content === 'like' || content === 'repost' || content === 'webcare' || content === 'comment';
  const explicit = a.matches
    .filter(
      (m) =>
        ITEMS.includes(m.concept) &&
        !DEPICTIONS.has(a.tokens[m.start]!.raw) &&
        !(shared && (m.concept === 'post' || m.concept === 'reaction' || m.concept === 'story')),
    )
    .map((m) =>
      FROM.has(r.tokenAt(m.end) ?? '')
        ? persons.find((p) => p.start > m.end && p.start - m.end <= 3)
        : undefined,
    )
    .find((p) => p !== undefined);

  // "A colleague reposted the minister's post": who reposted or liked is the author of the repost or like,
  // not whose post it was.
  if (content === 'like' || content === 'repost') {
    const act = a.matches.find((m) => m.concept === content);
    const sentence = act ? a.tokens[act.start]!.sentence : -1;
    const by =
      act &&
      persons.find(
        (p) =>
          p.end <= act.start &&
          a.tokens[p.start]!.sentence === sentence &&
          ['staff', 'top', 'bewinds'].includes(p.concept),
      );
    if (by) return AUTHOR_OF[by.concept]!;
  }
  // Otherwise: for a DM the highest-ranking person on either side; else the government person named,
  // else the organisation ("we", "our ministry"), else a third party.
  if (explicit && content !== 'dm') return AUTHOR_OF[explicit.concept]!;
  if (content === 'dm') {
    // "the minister's political assistant", "de assistent van de minister": the minister is neither side
    const h = highest(persons.filter((p) => !possessorOf(r, p)));
    return h ? AUTHOR_OF[h.concept]! : null;
  }
  // Someone other than government as the subject of the item's sentence posts it: "Een bedrijf tagt onze
  // gemeente in een post", "An NGO posts a video criticising the minister".
  const subject = subjectOf(r, persons);
  const h = subject && RANK[subject.concept]! <= 1 ? subject : (highest(govPersons) ?? highest(persons));
  let by = h ? AUTHOR_OF[h.concept]! : null;
  if (content === 'comment') by = 'third-party';
  if (content === 'webcare' && by === 'third-party') by = 'organisation';
  return by;
}

const FIRST_PERSON = new Set(['i', 'ik', 'we', 'wij']);
/** "her bio says she works at DUO": where someone works, said of them. */
const THIRD_PERSON = new Set(['she', 'he', 'zij', 'ze', 'hij']);

/** A person named as another person's: "the minister's assistant", "de assistent van de minister". */
function possessorOf(r: Reading, p: Match): boolean {
  const { a, tokenAt } = r;
  if (tokenAt(p.end) === 's' && r.persons.some((o) => o.start === p.end + 1)) return true;
  let i = p.start - 1;
  while (ARTICLES.has(tokenAt(i) ?? '')) i--;
  return (
    (tokenAt(i) === 'van' || tokenAt(i) === 'of') &&
    r.persons.some((o) => o.end === i && ['staff', 'top'].includes(o.concept)) &&
    a.tokens[i]!.sentence === a.tokens[p.start]!.sentence
  );
}
const WORK_AT = new Set('werk werken zit zitten ben am m work works working are re'.split(' '));
const AT = new Set(['bij', 'at', 'for', 'with', 'voor', 'op']);

const MIXED_CUES = new Set(
  'soms weleens regelmatig ook sometimes occasionally also toe then time'.split(' '),
);

/** "gebruikt haar account soms voor het werk": the work word says what the account is used for. */
function alsoForWork(r: Reading, m: Match): boolean {
  return /^(werk|werkzaamheden|work|zakelijk|business)$/.test(m.text) && saidOfAccount(r, m, MIXED_CUES, 6);
}

/**
 * A word said of an account mentioned earlier in its sentence, after one of `cues` at most `reach` words
 * before it: "gebruikt haar account soms voor het werk", "which he also uses for personal stuff".
 */
function saidOfAccount(r: Reading, m: Match, cues: Set<string>, reach: number): boolean {
  const { a } = r;
  const s = a.tokens[m.start]!.sentence;
  const cue = a.tokens.some(
    (t, i) => i < m.start && i >= m.start - reach && t.sentence === s && cues.has(t.raw),
  );
  return (
    cue &&
    a.matches.some(
      (o) =>
        ['accountNoun', 'platform', 'privAccount'].includes(o.concept) &&
        o.end <= m.start &&
        a.tokens[o.start]!.sentence === s,
    )
  );
}

/** "een zakelijk en een privé account": an adjective of an account (its noun left out), not the content. */
function ofAccount(r: Reading, m: Match): boolean {
  if (!COORDINATORS.has(r.tokenAt(m.end) ?? '')) return false;
  let i = m.end + 1;
  while (ARTICLES.has(r.tokenAt(i) ?? '')) i++;
  return r.a.matches.some(
    (o) => (o.concept === 'privAccount' || o.concept === 'accountNoun') && o.start >= i && o.start <= i + 1,
  );
}

/** "ik werk bij", "I work at/for": the verb says where the asker works, not what the item is about. */
function workAt(r: Reading, m: Match): boolean {
  // "(just started) working at a ministry", "werkzaam bij de provincie": where someone works
  if (['working', 'werkzaam'].includes(m.text) && AT.has(r.tokenAt(m.end) ?? '')) return true;
  if (!['werk', 'work', 'works', 'werkt'].includes(m.text)) return false;
  // "omdat ik bij de overheid werk": the verb last, where it says after the organisation
  const { a } = r;
  const last = a.tokens[m.end]?.sentence !== a.tokens[m.start]!.sentence;
  if (last && [2, 3, 4].some((d) => AT.has(r.tokenAt(m.start - d) ?? ''))) return true;
  // "Werk bij de Belastingdienst en …": the subject left out at the sentence's start
  const opens = m.start === 0 || a.tokens[m.start - 1]!.sentence !== a.tokens[m.start]!.sentence;
  return (
    (opens ||
      FIRST_PERSON.has(r.tokenAt(m.start - 1) ?? '') ||
      THIRD_PERSON.has(r.tokenAt(m.start - 1) ?? '')) &&
    // "ik werk bij", "I work as", "I work in comms"
    (AT.has(r.tokenAt(m.end) ?? '') || ['als', 'as', 'in'].includes(r.tokenAt(m.end) ?? ''))
  );
}

/** Organisations named as where the asker works: "ik werk bij RVO", "I'm at UWV", "I'm with a police team". */
function employerOrgs(r: Reading): Set<Match> {
  const { a } = r;
  const out = new Set<Match>();
  for (const m of r.persons) {
    if (m.concept !== 'org' && m.concept !== 'possOrg') continue;
    const s = a.tokens[m.start]!.sentence;
    const at = (i: number) => (a.tokens[i]?.sentence === s ? a.tokens[i]!.raw : '');
    let i = m.start - 1;
    for (let k = 0; k < 3 && (ARTICLES.has(at(i)) || (k > 0 && at(i) !== '' && !AT.has(at(i)))); k++) i--;
    // "ik ben woordvoerder", "I'm a press officer": the asker's role, said of the asker
    const k = ARTICLES.has(at(m.start - 1)) ? m.start - 1 : m.start;
    // "ik krijg als communicatieadviseur …", "As a comms adviser at the province I …"
    const asRole =
      (at(k - 1) === 'als' || at(k - 1) === 'as') &&
      (at(k - 2) === '' || [2, 3, 4].some((d) => FIRST_PERSON.has(at(k - d))));
    if (asRole || roleOfAsker(at(k - 2), at(k - 1))) {
      out.add(m);
      continue;
    }
    // "… bij de gemeente", "… at a district court" after the asker's role just named
    let j = m.start - 1;
    for (let k = 0; k < 3 && at(j) !== '' && !AT.has(at(j)); k++) j--;
    const role = [...out].find((o) => o.end === j && a.tokens[o.start]!.sentence === s);
    if (AT.has(at(j)) && role) {
      out.add(m);
      continue;
    }
    if (!AT.has(at(i)) || !WORK_AT.has(at(i - 1))) continue;
    if (FIRST_PERSON.has(at(i - 2)) || FIRST_PERSON.has(at(i - 3))) out.add(m);
  }
  // "… op mijn eigen Threads … Moet de rechtbank dat bewaren?", "Does the court need to keep any of that?":
  // the organisation asked to keep the asker's item is its keeper, not its maker
  for (const m of r.persons) {
    if (m.concept !== 'org' && m.concept !== 'possOrg') continue;
    let i = m.start - 1;
    while (ARTICLES.has(a.tokens[i]?.raw ?? '')) i--;
    const s = a.tokens[m.start]!.sentence;
    if (!KEEPER_AUX.has(a.tokens[i]?.raw ?? '') || a.tokens[i]!.sentence !== s) continue;
    if (
      a.matches.some(
        (k) => k.concept === 'archiveCue' && k.start > m.end && a.tokens[k.start]!.sentence === s,
      )
    )
      out.add(m);
  }
  return out;
}

/** "ik ben", "I'm", "I am", "ik werk als": the asker says what they are. */
function roleOfAsker(w1: string, w2: string): boolean {
  return (
    (w1 === 'ik' && (w2 === 'ben' || w2 === 'als')) ||
    (w1 === 'i' && (w2 === 'm' || w2 === 'am')) ||
    (w1 === 'werk' && w2 === 'als') ||
    (w1 === 'work' && w2 === 'as')
  );
}

/** The verb that opens a question about keeping before its subject: "Moet de rechtbank …", "Does the court …". */
const KEEPER_AUX = new Set('moet moeten hoeft hoeven does do should must needs need'.split(' '));

/** The item is the asker's own: "mijn privé-Instagram", "my work phone", "my sister sent me". */
function ownItem(r: Reading): boolean {
  // "mijn privé-Instagram", or what the asker receives: "ik krijg DM's van recruiters", "I keep getting DMs"
  return r.a.tokens.some(
    (t, i) =>
      MINE.has(t.raw) ||
      (RECEIVES.has(t.raw) && [1, 2].some((d) => ['ik', 'i'].includes(r.a.tokens[i - d]?.raw ?? ''))),
  );
}
const RECEIVES = new Set('krijg kreeg ontvang ontving get got getting receive received'.split(' '));
const DETERMINERS = new Set(
  'de het een die deze dat dit the a an that this those these our ons onze my mijn'.split(' '),
);

/**
 * "I've been replying publicly with the press office's line", "reageer ik namens de persvoorlichting": a
 * reply the asker writes, who works for government, is government's own post, not someone else's comment.
 */
function ownReply(r: Reading, f: Facts): void {
  if (f.content !== 'comment') return;
  const { a } = r;
  // a verb with the asker as its subject ("I've been replying", "reageer ik"), not a noun ("die reactie")
  const mine = r.all('reaction').some((m) => {
    const s = a.tokens[m.start]!.sentence;
    const at = (i: number) => (a.tokens[i]?.sentence === s ? a.tokens[i]!.raw : '');
    if (FIRST_PERSON.has(at(m.end))) return true;
    if (DETERMINERS.has(at(m.start - 1))) return false;
    for (let i = Math.max(0, m.start - 3); i < m.start; i++) if (FIRST_PERSON.has(at(i))) return true;
    return false;
  });
  const gov = highest(r.govPersons);
  // the asker works for government: a government person or organisation named, or "our" organisation's
  if (!mine || !(gov || r.has('org') || r.has('possOrg'))) return;
  f.content = 'post';
  f.author = gov ? AUTHOR_OF[gov.concept]! : 'organisation';
}

/** The first person named in the sentence of the first item, before that item: the one who posts it. */
function subjectOf(r: Reading, persons: Match[]): Match | undefined {
  const { a } = r;
  // (not a negated one: "we didn't reply")
  const item = a.matches.find(
    (m) => [...ITEMS, 'webpage'].includes(m.concept) && m.concept !== 'accountNoun' && !r.negated(m),
  );
  if (!item) return undefined;
  const back = antecedentActor(r, item, persons);
  if (back) return back;
  const sentence = a.tokens[item.start]!.sentence;
  return persons.find((p) => p.start < item.start && a.tokens[p.start]!.sentence === sentence);
}

const OF = new Set(['van', 'of']);
const ARTICLES = new Set(['de', 'het', 'the', 'ons', 'onze', 'our', 'een', 'a', 'an']);
/** Articles and possessive pronouns: what may stand between a preposition and its noun. */
const POSSESSIVES = new Set([...ARTICLES, ...'haar zijn hun mijn je jouw her his their my your'.split(' ')]);

/**
 * An account owned by an organisation, in either language's construction: "the ministry's account",
 * "the organisation's page" (English possessive) and "het account van de gemeente", "the account of the
 * water board" (a preposition of ownership).
 */
function orgOwnsAccount(r: Reading): boolean {
  return r.a.matches.some((acc) => orgOwns(r, acc));
}

/** "the ombudsman's own X account": the platform is followed by an account the organisation owns. */
function orgOwnsNext(r: Reading, platform: Match): boolean {
  const next = r.a.matches.find((o) => o.start === platform.end && o.concept === 'accountNoun');
  return next !== undefined && orgOwns(r, next);
}

/** This account or platform match is named as an organisation's ("the ministry's account", "het gemeenteaccount"). */
function orgOwns(r: Reading, acc: Match): boolean {
  const { a, tokenAt } = r;
  const orgs = a.matches.filter((m) => m.concept === 'org');
  {
    if (acc.concept !== 'accountNoun' && acc.concept !== 'platform') return false;
    // "the ministry's account", "the ombudsman's own page", "the embassy's X" (an English possessive)
    const possessive = orgs.some((o) => {
      let j = o.end;
      // "the police Instagram account": the organisation's name as a modifier
      if (
        acc.concept === 'accountNoun' &&
        a.matches.some((p) => p.concept === 'platform' && p.start === j && p.end === acc.start)
      )
        return true;
      if (tokenAt(j) === 's') j++;
      else if (acc.concept === 'platform') return false;
      if (tokenAt(j) === 'own' || tokenAt(j) === 'eigen') j++;
      return j === acc.start;
    });
    if (acc.concept === 'platform') return possessive;
    let i = acc.end;
    if (!OF.has(tokenAt(i) ?? '')) return possessive;
    i++;
    while (ARTICLES.has(tokenAt(i) ?? '')) i++;
    return possessive || orgs.some((o) => o.start === i);
  }
}

/** "Wij zijn een stichting …", "I run the Instagram for our primary school": the asker's own organisation. */
function ownSemiPublic(r: Reading): boolean {
  const { a } = r;
  // (a foundation or association is also a third party when someone else's: "een stichting plaatste …")
  const own = [...r.all('semiPublic'), ...r.all('third').filter((m) => SEMI_THIRD.has(m.text))];
  return own.some((m) => {
    const s = a.tokens[m.start]!.sentence;
    return a.tokens
      .slice(Math.max(0, m.start - 4), m.start)
      .some((t) => t.sentence === s && OWN_FIRST.has(t.raw));
  });
}
const OWN_FIRST = new Set(['wij', 'we', 'our', 'ons', 'onze', 'ik', 'i', 'mijn', 'my']);
const SEMI_THIRD = new Set(['stichting', 'foundation', 'vereniging', 'association']);

/** The asker works for, or is, a company or other non-government body named in the question. */
function companyAsker(r: Reading): boolean {
  const { a } = r;
  return r.persons.some((p) => {
    if (p.concept !== 'third') return false;
    const s = a.tokens[p.start]!.sentence;
    const before = a.tokens.slice(Math.max(0, p.start - 8), p.start).filter((t) => t.sentence === s);
    const asker = before.some((t) => FIRST_PERSON.has(t.raw));
    let i = p.start - 1;
    while (
      i > 0 &&
      (ARTICLES.has(a.tokens[i]!.raw) ||
        ['chain', 'keten'].includes(a.tokens[i]!.raw) ||
        a.tokens[i]!.raw === 'of')
    )
      i--;
    return (
      asker && ['voor', 'for', 'bij', 'at', 'zijn', 'are', 're', 'with'].includes(a.tokens[i]?.raw ?? '')
    );
  });
}

/** "Moet ik mijn LinkedIn-account archiveren?", "Do I have to archive my own X?": the asker's own account. */
function mineAsked(r: Reading): boolean {
  const { a } = r;
  const last = a.tokens.at(-1)?.sentence;
  return a.matches.some((m) => {
    if (!['accountNoun', 'platform'].includes(m.concept) || a.tokens[m.start]!.sentence !== last)
      return false;
    let i = m.start - 1;
    if (
      ['own', 'eigen'].includes(a.tokens[i]?.raw ?? '') ||
      a.matches.some((o) => o.concept === 'platform' && o.end === m.start)
    )
      i--;
    return a.tokens[i]?.raw === 'my' || a.tokens[i]?.raw === 'mijn';
  });
}

/** "Wij beheren het account voor de minister", "the account we run for the minister": the minister's. */
function runFor(r: Reading): boolean {
  const { a, tokenAt } = r;
  return a.matches.some((acc) => {
    if (acc.concept !== 'accountNoun') return false;
    // "het account voor de minister" or "the account we run for the minister"
    for (let i = acc.end; i < acc.end + 4 && a.tokens[i]?.sentence === a.tokens[acc.start]!.sentence; i++) {
      if (tokenAt(i) !== 'voor' && tokenAt(i) !== 'for') continue;
      let j = i + 1;
      while (ARTICLES.has(tokenAt(j) ?? '')) j++;
      return r.persons.some((p) => p.start === j && p.concept === 'bewinds');
    }
    return false;
  });
}

/**
 * An organisation is named other than as the asker's role or employer for the asker's own item ("Ik krijg als
 * communicatieadviseur bij de provincie DM's van recruiters": the DMs are not the province's account's).
 */
function ownersOtherThanAsker(r: Reading): boolean {
  const employer = ownItem(r) ? employerOrgs(r) : new Set<Match>();
  return r.a.matches.some((m) => (m.concept === 'org' || m.concept === 'possOrg') && !employer.has(m));
}

/** The kind of account; an item on the organisation's account without a named author is the organisation's. */
function readAccount(r: Reading, f: Facts): void {
  const { a, all, has, govPersons } = r;
  // "niet op een persoonlijk account", "not on a personal account": said to rule it out.
  // "the ombudsman's own page", "de eigen pagina van de ombudsman": an organisation's own account
  // "een eigen X account naast het gemeenteaccount": the private word's own account, not the other one
  const privAccountByMod = r.privateMods.some((m) => {
    if (r.negated(m)) return false;
    const acc = a.matches.find(
      (o) =>
        ['accountNoun', 'platform', 'profile'].includes(o.concept) && o.start >= m.end && o.start - m.end < 3,
    );
    return acc !== undefined && !orgOwns(r, acc) && !(acc.concept === 'platform' && orgOwnsNext(r, acc));
  });
  // "ons eigen account" is the organisation's own account, not a private one.
  const privAccount = all('privAccount').some(
    (m) => !a.matches.some((o) => o.concept === 'possOrg' && o.end === m.start) && !r.negated(m),
  );
  if (has('hybrid')) f.account = 'hybrid';
  else if (runFor(r)) f.account = 'bewindspersoon';
  else if (mineAsked(r)) f.account = 'private';
  else if (privAccount || privAccountByMod) f.account = 'private';
  else if (has('corporate') || orgOwnsAccount(r)) f.account = 'corporate';
  else if (
    govPersons.length === 0 &&
    ownersOtherThanAsker(r) &&
    f.content !== 'comment' &&
    f.author !== 'third-party'
  ) {
    if (has('accountNoun') || has('privAccount') || has('platform') || f.content !== null)
      f.account = 'corporate';
  } else if (f.author === 'civil-servant' && (has('accountNoun') || has('platform')))
    f.account = 'civil-servant';
  if (f.account === 'corporate' && f.author === null) f.author = 'organisation';
}

/**
 * Relation to the public task. A private modifier that is not about an account is about the content
 * ("personal tweets", "tweet privé over zijn hobby"). Both said at once: unknown.
 */
function publicTask(r: Reading, outsideOffice: boolean, byOrganisation: boolean): boolean | null {
  const [yes, no] = taskSignals(r, outsideOffice, byOrganisation);
  if (yes && no) {
    // Both said, and the question points back to one item ("… maar plaatste ook een filmpje over de
    // dijkversterking. Moeten we dat filmpje archiveren?"): what is said next to that item decides.
    const near = antecedentWindow(r);
    if (!near) return null;
    const [y, n] = taskSignals(r, outsideOffice, byOrganisation, near);
    return y && !n ? true : n && !y ? false : null;
  }
  return yes ? true : no ? false : null;
}

/** Words that open a contrasting clause: what follows is said of something else. */
const CONTRAST = new Set([
  'maar',
  'but',
  'terwijl',
  'while',
  'whereas',
  'echter',
  'however',
  'behalve',
  'except',
]);

/**
 * The clause of the item a demonstrative in the last sentence points back to ("dat filmpje", "those
 * replies"): its last earlier mention (the same word, else any item), within its sentence, between the
 * contrasting words around it ("…zijn moestuin, maar … ook een filmpje over de dijkversterking").
 */
function antecedentWindow(r: Reading): ((m: Match) => boolean) | undefined {
  const { a } = r;
  const last = a.tokens.at(-1)?.sentence ?? 0;
  const items = a.matches.filter((m) => ITEMS.includes(m.concept));
  const pointer = items.find(
    (m) =>
      a.tokens[m.start]!.sentence === last &&
      last > 0 &&
      DEMONSTRATIVES.has(a.tokens[m.start - 1]?.raw ?? '') &&
      a.tokens[m.start - 1]!.sentence === last,
  );
  if (!pointer) return undefined;
  const earlier = items.filter((m) => a.tokens[m.start]!.sentence < last);
  const same = earlier.filter((m) => a.tokens[m.start]!.stem === a.tokens[pointer.start]!.stem);
  // No earlier mention of the same word ("dat bericht" after "soms foto's van haar hond, maar vanochtend
  // kondigde ze daar de regeling aan"): the clause just before the question.
  if (!same.length) {
    const prev = last - 1;
    let from = a.tokens.findIndex((t) => t.sentence === prev);
    let end = from;
    while (end < a.tokens.length && a.tokens[end]!.sentence === prev) end++;
    for (let i = from; i < end; i++) if (CONTRAST.has(a.tokens[i]!.raw)) from = i + 1;
    if (from >= 0 && from < end && a.tokens.slice(0, from).some((t) => t.sentence === prev))
      return (m) => m.start >= from && m.end <= end;
  }
  const ante = (same.length ? same : earlier).at(-1);
  if (!ante) return undefined;
  const sentence = a.tokens[ante.start]!.sentence;
  let from = ante.start;
  while (from > 0 && a.tokens[from - 1]!.sentence === sentence && !CONTRAST.has(a.tokens[from - 1]!.raw))
    from--;
  let to = ante.end;
  while (to < a.tokens.length && a.tokens[to]!.sentence === sentence && !CONTRAST.has(a.tokens[to]!.raw))
    to++;
  return (m) => m.start >= from && m.end <= to;
}

const WEEKEND = new Set(['weekend', 'weekends', 'weekeinde']);
const WHEN_WEEKEND = new Set(
  'last afgelopen vorig vorige this dit next volgend volgende komend komende during tijdens that dat'.split(
    ' ',
  ),
);
/** "afgelopen weekend", "in het weekend", "at the weekend" are times; "over het weekend met vrienden" a topic. */
function weekendAsTime(r: Reading, m: Match): boolean {
  const prev = r.tokenAt(m.start - 1) ?? '';
  if (WHEN_WEEKEND.has(prev)) return true;
  return (
    (prev === 'het' || prev === 'the') &&
    ['in', 'at', 'during', 'tijdens'].includes(r.tokenAt(m.start - 2) ?? '')
  );
}
const CAMPAIGN = new Set(['campagne', 'campagnes', 'campaign', 'campaigns', 'campaigning']);
const POSSESSIVE_BEFORE_BUSINESS = new Set(['our', 'my', 'your', 'their', 'his', 'her']);

/**
 * Whether the question says the item is about the work, and whether it says it is private or party
 * politics (only what `within` accepts, when given).
 */
function taskSignals(
  r: Reading,
  outsideOffice: boolean,
  byOrganisation: boolean,
  within: (m: Match) => boolean = () => true,
): [boolean, boolean] {
  // "voordat ze in functie was": the office named in a time qualifier says nothing about the content.
  // A formal decision or permit is public-task content ("een vraag over de bouwvergunning").
  const yesM = [...r.all('ptYes'), ...r.all('formal')].filter(
    (m) =>
      within(m) &&
      !offeredAlternative(r, m) &&
      !(outsideOffice && OFFICE_WORDS.has(m.text)) &&
      !workAt(r, m) &&
      !ofAccount(r, m) &&
      !alsoForWork(r, m) &&
      // "beleidsadviseur", "policy officer": part of a role's title, not the item's topic
      !r.persons.some((p) => p.start === m.end && (p.concept === 'staff' || p.concept === 'org')) &&
      // "de app-groep van mijn partij over de campagne": with a party named, the campaign is the party's
      !(CAMPAIGN.has(m.text) && r.has('party')) &&
      // "it's none of our business", "not my business": an idiom, not work
      !(m.text === 'business' && POSSESSIVE_BEFORE_BUSINESS.has(r.tokenAt(m.start - 1) ?? '')),
  );
  // "zijn eigen beleidsterrein", "his own policy area": own work is no private content.
  const ownWork = (m: Match) => yesM.some((y) => y.start === m.end);
  const clause = orgWorkClause(r, within);
  const inClause = (m: Match) => clause !== null && m.start >= clause[0] && m.start < clause[1];
  // Private life (family, hobbies) makes a person's post private, not the organisation's: "a reply from
  // our GGD account to a parent", "a story about a cycling route".
  const noM = [
    ...r.all('ptNo').filter(
      (m) =>
        !(byOrganisation && PRIVATE_LIFE.has(stems(m.text))) &&
        !usualContent(r, m) &&
        // "afgelopen weekend", "during the fire last weekend": a time, not leisure
        !(WEEKEND.has(m.text) && weekendAsTime(r, m)) &&
        // "sports policy": the policy's field, not a hobby
        !yesM.some((y) => y.start === m.end && STRONG_WORK.test(y.text)) &&
        // "wethouder sport", "the alderman for sport": an office-holder's portfolio
        !portfolio(r, m) &&
        // "vragen van ouders", "questions from parents": the public asking, not the poster's family
        !askedBy(r, m) &&
        !inClause(m),
    ),
    ...r.privateMods.filter(
      (m) =>
        !r.near(m, ['accountNoun', 'platform', 'privAccount', 'profile'], 3) &&
        !ownWork(m) &&
        !ofDevice(r, m) &&
        // "op eigen naam", "under her own name": the account's name, not what is posted
        !NAMES.has(r.tokenAt(m.end) ?? '') &&
        !alsoPrivate(r, m),
    ),
  ]
    .filter(within)
    .filter((m) => !offeredAlternative(r, m));
  // A party's content shared by someone in office is party-political ("campagnebericht van zijn partij").
  const party = r.govPersons.length > 0 && r.has('party');
  // "from her personal phone, not the work one": the device, not the content.
  const no = noM.some((m) => !r.negated(m)) || yesM.some((m) => r.negated(m) && !ofDevice(r, m)) || party;
  const yes =
    yesM.some((m) => !r.negated(m)) ||
    noM.some((m) => r.negated(m) && m.concept === 'ptNo') ||
    governmentDecides(r, within) ||
    aboutOwnOrganisation(r, within) ||
    clause !== null ||
    // a minister or state secretary on a crisis ("haar bezoek aan de agenten na de schietpartij"): in office
    (r.govPersons.some((p) => p.concept === 'bewinds') &&
      r.all('hotspot').some((m) => within(m) && !r.negated(m)));
  return [yes, no];
}

const NAMES = new Set(['naam', 'name', 'titel', 'title']);

/**
 * "… or is a private account simply private?", "… of is dat gewoon zijn eigen zaak?": the other answer the
 * asker offers in the asking sentence is no fact about the item.
 */
function offeredAlternative(r: Reading, m: Match): boolean {
  const { a } = r;
  const last = a.tokens.at(-1)!.sentence;
  if (a.tokens[m.start]!.sentence !== last) return false;
  return a.tokens.some(
    (t, i) =>
      i < m.start &&
      t.sentence === last &&
      (t.raw === 'or' || t.raw === 'of') &&
      ALTERNATIVE_VERBS.has(a.tokens[i + 1]?.raw ?? '') &&
      i > 0 &&
      a.tokens[i - 1]!.sentence === last,
  );
}
const ALTERNATIVE_VERBS = new Set('is was are does do valt hoort gaat blijft'.split(' '));

const USUALLY = new Set(
  'mostly mainly usually normally generally vooral meestal voornamelijk doorgaans gewoonlijk normaal meestentijds'.split(
    ' ',
  ),
);

/**
 * "a personal Instagram that's mostly her kids and her dog": what an account usually holds, said of the
 * account, when another sentence says what this item is ("Last week she announced the housing plan there").
 */
function usualContent(r: Reading, m: Match): boolean {
  const { a } = r;
  const s = a.tokens[m.start]!.sentence;
  const inSentence = (o: Match) => a.tokens[o.start]!.sentence === s;
  return (
    a.tokens.some((t, i) => i < m.start && t.sentence === s && USUALLY.has(t.raw)) &&
    a.matches.some((o) => ['accountNoun', 'platform', 'privAccount'].includes(o.concept) && inSentence(o)) &&
    a.matches.some((o) => o.concept === 'ptYes' && a.tokens[o.start]!.sentence !== s)
  );
}

/** "which he also uses for personal stuff": said of the account (hybrid), not of this item. */
function alsoPrivate(r: Reading, m: Match): boolean {
  return saidOfAccount(r, m, ALSO, 4);
}
const ALSO = new Set(['also', 'ook']);

/**
 * An office-holder's or official's item about the organisation itself ("een bericht over de heropening van
 * het gemeentehuis", "a post about the ministry's new building"): about their work.
 */
function aboutOwnOrganisation(r: Reading, within: (m: Match) => boolean): boolean {
  const { a } = r;
  if (r.govPersons.length === 0) return false;
  return a.matches.some((m) => {
    if (m.concept !== 'org' || !within(m)) return false;
    const s = a.tokens[m.start]!.sentence;
    const item = a.matches.some(
      (o) => ITEMS.includes(o.concept) && o.end <= m.start && a.tokens[o.start]!.sentence === s,
    );
    return (
      item &&
      a.tokens.slice(Math.max(0, m.start - 7), m.start).some((t) => t.sentence === s && TOPIC_OF.has(t.raw))
    );
  });
}
// (not "on": "on the town hall steps", "on the ministry's page" say where, not what about)
const TOPIC_OF = new Set(['over', 'about', 'regarding', 'concerning']);

/** The item's topic is named ("over de nieuwe rondweg") and nothing private or party-political is said. */
function namedTopic(r: Reading, f: Facts): boolean {
  const { a } = r;
  if (!['bewindspersoon', 'top-official', 'civil-servant'].includes(f.author ?? '')) return false;
  if (r.has('ptNo') || r.has('party')) return false;
  return a.matches.some((item) => {
    if (!ITEMS.includes(item.concept) || item.concept === 'accountNoun') return false;
    const s = a.tokens[item.start]!.sentence;
    const at = a.tokens.findIndex(
      (t, i) => i >= item.end && i <= item.end + 6 && t.sentence === s && TOPIC_OF.has(t.raw),
    );
    if (at < 0) return false;
    // a content word within the next four, not a private modifier or a platform's name
    for (let i = at + 1; i < at + 5 && a.tokens[i]?.sentence === s; i++) {
      const t = a.tokens[i]!;
      const named = a.matches.some(
        (m) => m.start <= i && i < m.end && (m.concept === 'privMod' || m.concept === 'platform'),
      );
      if (!STOPWORDS.has(t.raw) && t.raw.length > 3 && !named) return true;
    }
    return false;
  });
}

/** Verbs that report what an item says: "aangekondigd dat", "explained why", "legde uit hoe". */
const REPORTS = new Set(
  'aangekondigd kondigde kondigt announced announces announcing uitgelegd legde legt explained explains explaining toegelicht lichtte clarified gemeld meldde meldt verteld vertelde vertelt told'.split(
    ' ',
  ),
);
const CLAUSE_OPENERS = new Set('dat that waarom why hoe how'.split(' '));

/**
 * "announced on her own Threads account that the municipality is raising the grant", "legde uit waarom de
 * provincie het windpark goedkeurt": an office-holder's or official's item that says what the organisation
 * does or decides is about its work. The reported clause (from its opening word to the sentence's end), or
 * null; what it names ("de subsidie voor sportverenigingen") is the organisation's work, not private life.
 */
function orgWorkClause(r: Reading, within: (m: Match) => boolean): [number, number] | null {
  const { a } = r;
  if (r.govPersons.length === 0) return null;
  for (const [i, t] of a.tokens.entries()) {
    if (!REPORTS.has(t.raw)) continue;
    const s = t.sentence;
    const open = a.tokens.findIndex(
      (u, j) => j > i && j <= i + 8 && u.sentence === s && CLAUSE_OPENERS.has(u.raw),
    );
    if (open < 0) continue;
    const org = a.matches.some(
      (m) =>
        ['org', 'possOrg'].includes(m.concept) &&
        within(m) &&
        m.start > open &&
        m.start <= open + 3 &&
        a.tokens[m.start]!.sentence === s,
    );
    let end = open;
    while (a.tokens[end + 1]?.sentence === s) end++;
    if (org) return [open, end + 1];
  }
  return null;
}

/** Those who ask the questions: "vragen van ouders", "questions from parents". */
function askedBy(r: Reading, m: Match): boolean {
  return FROM.has(r.tokenAt(m.start - 1) ?? '') && QUESTIONS.test(r.tokenAt(m.start - 2) ?? '');
}

/**
 * An account or item said to be only about the poster's own things: "alleen over mijn modelspoorbaan", "only
 * about my model railway", "alleen foto's van mijn tuin" — not when what follows is work ("only about my
 * policy area").
 */
function onlyAboutOwn(r: Reading): boolean {
  const { a } = r;
  return a.tokens.some((t, i) => {
    if (!ONLY.has(t.raw)) return false;
    const about = a.tokens.findIndex(
      (u, j) =>
        j > i &&
        j <= i + 5 &&
        u.sentence === t.sentence &&
        (TOPIC_OF.has(u.raw) || u.raw === 'van' || u.raw === 'of'),
    );
    if (about < 0 || !PERSON_POSSESSIVES.has(a.tokens[about + 1]?.raw ?? '')) return false;
    const at = about + 2;
    return !a.matches.some(
      (m) =>
        m.start <= at + 1 &&
        m.end > at &&
        ['ptYes', 'formal', 'org', 'possOrg', 'hotspot'].includes(m.concept),
    );
  });
}
const ONLY = new Set(['alleen', 'only', 'just', 'uitsluitend', 'enkel', 'puur']);

/** A word right after an office-holder's title ("wethouder sport", "minister for culture"): the portfolio. */
function portfolio(r: Reading, m: Match): boolean {
  const before = r.tokenAt(m.start - 1) ?? '';
  const at = PORTFOLIO_LINK.has(before) ? m.start - 1 : m.start;
  return r.govPersons.some((p) => p.end === at && p.concept !== 'staff');
}
const PORTFOLIO_LINK = new Set(['for', 'of', 'van', 'voor']);

/** Decisions the organisation or an office-holder takes: what they "agreed", "besloten", "approved". */
const DECIDE = new Set(
  'agreed agrees decided decides approved approves adopted adopts chose ingestemd instemt instemde stemde besloten besluit besloot goedgekeurd keurde vastgesteld stelde aangenomen gekozen koos'.split(
    ' ',
  ),
);

/** "why the province agreed to the new wind zones", "waarom de provincie heeft ingestemd met": work. */
function governmentDecides(r: Reading, within: (m: Match) => boolean): boolean {
  const { a } = r;
  return r.persons.some((p) => {
    // also as the topic: "a post about why the municipality decided …" is about its work
    if (!['org', 'possOrg', 'bewinds', 'top'].includes(p.concept) || !within(p)) return false;
    const s = a.tokens[p.start]!.sentence;
    return a.tokens.slice(p.end, p.end + 3).some((t) => t.sentence === s && DECIDE.has(t.raw));
  });
}

/** Devices: "her personal phone", "zijn privételefoon", "the work one" (after a device). */
const CHAT_APPS = new Set('whatsapp signal telegram messenger sms imessage teams'.split(' '));
const DEVICES = new Set(
  'phone phones telefoon telefoons mobiel mobieltje mobile laptop device devices toestel gsm smartphone tablet map mapje folder schijf drive'.split(
    ' ',
  ),
);

/** The word describes a device or chat app, not the content: "personal phone", "privé WhatsApp", "the work one" after "phone". */
function ofDevice(r: Reading, m: Match): boolean {
  const next = r.tokenAt(m.end) ?? '';
  // "via mijn privé WhatsApp", "on my personal Signal": the channel is private, not what went through it
  if (DEVICES.has(next) || CHAT_APPS.has(next)) return true;
  const sentence = r.a.tokens[m.start]?.sentence;
  return (
    next === 'one' && r.a.tokens.some((t, i) => i < m.start && t.sentence === sentence && DEVICES.has(t.raw))
  );
}

/** "staan toch al in het archief van X", "zit al in ons systeem": it is kept somewhere already. */
const STORED_ALREADY =
  /\b(staat|staan|stond|stonden|zit|zitten|zat|zaten)\b[^.?!;]{0,25}?\b(al|toch al|ook al|toch ook|toch)(?:\s+(?:nog|gewoon|wel|allemaal|ook|online)){0,3}\s+(in|op|bij)\b/;

/**
 * "Volgens onze selectielijst mogen ze na vijf jaar vernietigd worden. Moeten ze langer bewaard blijven?":
 * a destruction the selectielijst or a retention period allows, said before the question, is the rule
 * the asker reports, not what the asker wants.
 */
function termsRule(r: Reading, m: Match): boolean {
  const sentence = r.a.tokens[m.start]?.sentence;
  // "Normaal vernietigen we publieksvoorlichting na een paar jaar, geldt dat hier ook?": the usual practice
  if (
    r.a.tokens.some(
      (t, i) => i < m.start && i >= m.start - 6 && t.sentence === sentence && USUAL_PRACTICE.has(t.raw),
    )
  )
    return true;
  if (sentence === r.a.tokens.at(-1)?.sentence) return false;
  return r.a.tokens.some(
    (t) => t.sentence === sentence && /^(selectielijst|selectielijsten|bewaartermijn|retention)$/.test(t.raw),
  );
}

/**
 * Verbs of throwing away that are nouns too: "ditch mowing", "scrap metal", "the trash" are no wish to delete;
 * "ditch it", "scrap those posts" are (an object follows).
 */
function deleteWordAsNoun(r: Reading, m: Match): boolean {
  return NOUN_TOO.has(m.text) && !DELETE_OBJECTS.has(r.tokenAt(m.end) ?? '');
}
const NOUN_TOO = new Set(['ditch', 'scrap', 'trash', 'bin']);
const DELETE_OBJECTS = new Set('it them the those these this that our all his her their'.split(' '));

/** Words that report a usual practice: what follows is the rule of thumb, not what the asker wants. */
const USUAL_PRACTICE = new Set([
  'normaal',
  'normaliter',
  'normally',
  'usually',
  'gewoonlijk',
  'meestal',
  'doorgaans',
]);

/**
 * "Moet het bewaard of vernietigd worden?", "keep or delete?", "B of V?": destruction offered as the
 * other answer to keeping asks for the appraisal, not for deletion.
 */
function keepOrDestroy(r: Reading, m: Match): boolean {
  const { a } = r;
  const or = (i: number) => ['of', 'or'].includes(a.tokens[i]?.raw ?? '');
  return a.matches.some(
    (k) =>
      k.concept === 'archiveCue' &&
      ((k.end === m.start - 1 && or(k.end)) || (m.end === k.start - 1 && or(m.end))),
  );
}

/** A participle with "worden"/"be" after it, or "be" before it, is what the asker wants, not a state. */
function wished(r: Reading, m: Match): boolean {
  const same = (i: number) => r.a.tokens[i]?.sentence === r.a.tokens[m.start]?.sentence;
  const after = same(m.end) ? r.tokenAt(m.end) : undefined;
  const prev = same(m.start - 1) ? r.tokenAt(m.start - 1) : undefined;
  return (after !== undefined && PASSIVE.has(after)) || prev === 'be' || prev === 'being';
}

const CLOSE = new Set([
  'close',
  'closing',
  'closed',
  'sluiten',
  'afsluiten',
  'sluit',
  'gesloten',
  'opheffen',
  'opgeheven',
  'stoppen',
  'stopt',
  'stop',
  'quit',
  'quits',
  'quitting',
  'verlaat',
  'verlaten',
]);

/**
 * "We want to close our Twitter account", "het account wordt opgeheven": closing an account clears it.
 * Leaving a platform does not by itself (the state secretary who left X in 2024 kept her account online).
 */
function closesAccount(r: Reading): boolean {
  const { a } = r;
  if (LIFT_ACCOUNT_RE.test(r.text)) return true;
  return a.tokens.some(
    (t, i) =>
      CLOSE.has(t.raw) &&
      a.matches.some(
        (m) =>
          (m.concept === 'accountNoun' || m.concept === 'corporate') &&
          Math.abs(m.start - i) <= 4 &&
          a.tokens[m.start]!.sentence === t.sentence,
      ),
  );
}

/**
 * Separable verbs of removal, their parts apart: "de foto's van zijn privé-Facebook halen", "van de pagina
 * af te halen", "take the video down", "take it off the account", "clean it up". Present forms only: "took
 * it down" is what happened, not what the asker wants.
 */
const PLACE =
  '(?:account|accounts|pagina|paginas|tijdlijn|profiel|kanaal|site|website|internet|facebook|instagram|x|twitter|linkedin|tiktok|youtube|insta|fb|li|mastodon|bluesky|threads)';
const LIFT_ACCOUNT = `\\b${PLACE}\\b[^.?!;]{0,60}?\\bop te heffen\\b|\\bheffen (?:\\w+ ){0,4}?${PLACE}(?: \\w+){0,4}? op\\b`;
const LIFT_ACCOUNT_RE = new RegExp(LIFT_ACCOUNT);
const SEPARABLE_DELETE = [
  new RegExp(`\\bvan (?:\\w+ ){0,3}?${PLACE} (?:af )?(?:te )?halen\\b`),
  // "de accounts van onze oude gemeente op te heffen", "heffen we het account op"
  LIFT_ACCOUNT_RE,
  /\b(?:take|takes|taking) (?:\w+ ){1,3}?(?:down|offline|off (?:the|our|his|her|their|its|my|your)\b)/,
  /\b(?:clean|cleans|cleaning) (?:\w+ ){1,2}?up\b/,
  /\bbin (?:the|our|those|these|all|that|this|his|her|their)\b/,
];

/** Asking for something under the Woo is a Woo request: "vraagt via de Woo om alle tweets", "asked under the Woo for". */
const WOO_REQUEST =
  /\b(?:vraagt|vragen|vroeg|vroegen|verzoekt|verzocht|opgevraagd|opvragen|wil|willen|asks?|asked|requests?|requested|wants?|wanted)\b[^.?!;]{0,60}?\b(?:via|onder|op grond van|under|through|using)\s+(?:de\s+|the\s+)?(?:woo|wob|open government act)\b/;

/** State of the post, what the asker wants, and the circumstances and platform named. */
function readStateAndIntent(r: Reading, f: Facts): void {
  const { all, has } = r;
  // "verwijderd" after "worden"/"mag" or "be deleted" is what the asker wants; otherwise it is the post's state.
  for (const m of all('deleted')) {
    // only within the sentence: "… is verwijderd. Moeten we …" is a state, not a wish
    if (termsRule(r, m) || keepOrDestroy(r, m)) continue;
    if (wished(r, m)) f.intent = 'delete';
    else f.change ??= 'deleted';
  }
  if (has('edited')) f.change = 'edited';
  if (
    all('deleteIntent').some((m) => !keepOrDestroy(r, m) && !termsRule(r, m) && !deleteWordAsNoun(r, m)) ||
    closesAccount(r) ||
    SEPARABLE_DELETE.some((re) => re.test(r.text))
  )
    f.intent = 'delete';
  // "there's no Woo request or anything like that", "er loopt geen Woo-verzoek": no hold.
  if (all('hold').some((m) => !r.negated(m)) || WOO_REQUEST.test(r.text)) f.hold = true;
  else if (all('hold').some((m) => r.negated(m))) f.hold = false; // said, so not asked again
  // a bare "anyway" relies on the platform only when one is named or said: "they are on Facebook anyway",
  // "it is on the platform itself anyway"; a participle that is what the asker wants ("moet de oude tekst
  // ook bewaard worden?") is no reliance. Said in the same sentence: in "can we throw away the old FB posts?
  // they are not current anymore anyway" the platform is where the posts are, not what is relied on.
  const sentenceOf = (i: number) => r.a.tokens[i]?.sentence;
  const platformSaid = (m: Match) =>
    r.a.matches.some((p) => p.concept === 'platform' && sentenceOf(p.start) === sentenceOf(m.start)) ||
    r.a.tokens.some((t) => SITES.has(t.raw) && t.sentence === sentenceOf(m.start)) ||
    r.a.matches.some((p) => p.concept === 'webpage' && sentenceOf(p.start) === sentenceOf(m.start));
  if (r.all('elsewhere').some((m) => (m.text !== 'anyway' || platformSaid(m)) && !wished(r, m)))
    f.elsewhere = true;
  if (GOV_SERVER.test(r.text)) f.elsewhere = true;
  // "staan toch al bij X" relies on elsewhere; "staan al in ons archief(systeem)" is captured, not elsewhere
  if (STORED_ALREADY.test(r.text) && !IN_OUR_ARCHIVE.test(r.text)) f.elsewhere = true;
  if (has('formal')) f.formal = true;
  if (RECENT.test(r.text)) f.recent = true;
  if (COPY.test(r.text) && CAPTURED_ALREADY.test(r.text)) f.copy = true;
  if (ownSemiPublic(r)) f.semiPublic = true;
  // "ging alleen over dat ik later was", "it was just me saying I'd be late": nothing needed for the record
  // "ICT wil de telefoon resetten", "can I have my old phone wiped": the chats on it go
  if (f.content === 'dm' && PHONE_WIPE.test(r.text)) f.intent = 'delete';
  if (f.needed === null && TRIVIAL.test(r.text)) f.needed = false;
  // "we krijgen elke dag spam-DM's", "spam DMs (buy followers, crypto)": nothing of the task in them
  if (f.needed === null && f.content === 'dm' && SPAM.test(r.text)) f.needed = false;
  // "Moeten we het originele KNMI-bericht ook archiveren?" after a repost: the original, not the repost
  if (
    (f.content === 'repost' || f.content === 'like') &&
    (ORIGINAL.test(lastSentence(r)) || makerNamedAsked(r))
  )
    f.original = true;
  readRoleAndContext(r, f);
  // a chat about lunch, cake or Friday drinks: small talk, nothing needed for the record (R6)
  if (f.needed === null && SMALL_TALK.test(r.text) && !NEEDED.test(r.text)) f.needed = false;
  // An answer to a citizen's question in a DM is the service process, as webcare is (R10): needed.
  if (NEEDED.test(r.text) || (f.content === 'dm' && CITIZENS.test(r.text) && ANSWERS.test(r.text)))
    f.needed = true;
  if (has('hotspot')) f.hotspot = true;
  if (has('erasure')) f.erasure = true;
  // "Mogen de tweets weg?": a modal verb and a closing "weg" in one sentence.
  const toks = r.a.tokens;
  // Also at the end of an indirect question: "Weet iemand of het weg mag?", "ik vraag me af of het weg kan".
  // "Mogen ze nu offline?", "can the ads go offline now?", "mogen ze weg, of moeten we ze bewaren?": the
  // particle ends its clause (adverbs of time may follow, or a coordinated alternative).
  toks.forEach((t, i) => {
    if (!AWAY.has(t.raw) || (t.raw === 'go' && toks[i + 1]?.raw === 'offline')) return;
    let j = i + 1;
    while (toks[j]?.sentence === t.sentence && (MODALS.has(toks[j]!.raw) || CLAUSE_TAIL.has(toks[j]!.raw)))
      j++;
    // a time phrase: "go after one year, or …", "weg na vijf jaar?"
    if (TIME_PREPOSITIONS.has(toks[j]?.raw ?? '') && toks[j]!.sentence === t.sentence) {
      let k = j + 1;
      while (k < j + 4 && toks[k]?.sentence === t.sentence && !['of', 'or'].includes(toks[k]!.raw)) k++;
      if (toks[k]?.sentence !== t.sentence || ['of', 'or'].includes(toks[k]!.raw)) j = k;
    }
    if (toks[j]?.sentence === t.sentence && !['of', 'or'].includes(toks[j]!.raw)) return;
    if (toks.some((o) => o.sentence === t.sentence && MODALS.has(o.raw))) f.intent = 'delete';
  });
  // Removal asked on the grounds of the AVG is an erasure request: "op grond van de AVG verwijderen",
  // "vraagt op grond van de AVG om verwijdering".
  const privacy: { start: number }[] = all('lawOther').filter((m) => PRIVACY_LAW.has(m.text));
  // "we'd like to delete the post since his licence plate is visible": personal data as the ground
  // (or in the sentence right after the removal: "Can we delete it? The licence plate is visible.")
  for (const m of all('personalData'))
    privacy.push(m, ...(m.start > 0 ? [{ start: sentenceStart(toks, m.start) - 1 }] : []));
  const removal = [
    ...[...all('deleteIntent'), ...all('deleted')].map((d) => toks[d.start]?.sentence),
    ...toks.filter((t) => REMOVAL_NOUNS.has(t.raw)).map((t) => t.sentence),
  ];
  // Someone else asking to have it taken out of the archive asks for erasure too, whatever law is named:
  // "Someone asked us … to remove it from the archive", "een inwoner wil dat we het uit het archief wissen".
  const outOfArchive = OUT_OF_ARCHIVE.test(r.text) && (r.govPersons.length === 0 || has('third'));
  if (privacy.some((p) => removal.includes(toks[p.start]?.sentence)) || outOfArchive) {
    f.erasure = true;
    f.intent = null;
  }
  const platform = all('platform')[0];
  if (platform) f.platform = PLATFORM_NAMES[platform.text] ?? platform.text;
}

/**
 * Whether the item was made in the role (answering the public, posting in the organisation's place, said to
 * be on its behalf, or on a personal title), whether comments are asked as the post's context, and whether
 * one account of several bodies is asked about.
 */
function readRoleAndContext(r: Reading, f: Facts): void {
  // answering citizens' questions, or said to be on behalf of the organisation: in the role
  // (and answering questions about the work: "beantwoord vragen over de stikstofregels")
  const answering =
    ANSWERS.test(r.text) && (CITIZENS.test(r.text) || (QUESTIONS.test(r.text) && f.publicTask === true));
  // "omdat ze niet bij ons corporate account kon": posted in the organisation's place
  // "updates voor inwoners" during a crisis or about the work: informing the public is the role
  const forPublic = FOR_PUBLIC.test(r.text) && (r.has('hotspot') || f.publicTask === true);
  if (answering || forPublic || INSTEAD_OF_OURS.test(r.text) || onBehalfSaid(r.text)) f.onBehalf = true;
  else if (PERSONAL_CAPACITY.test(r.text)) f.onBehalf = false;
  // answering residents for the organisation is its work, whatever else the account holds
  if (f.onBehalf === true && f.publicTask === null) f.publicTask = true;
  // "de reacties ook, of alleen de video?", "comments included", comments under crisis or consultation posts
  // … and comments whose keeping the privacy law is said to stand in the way of ("of mag dat niet ivm de
  // AVG?"): the law does not forbid keeping them with the post
  const privacyDoubt = f.erasure !== true && r.all('lawOther').some((m) => PRIVACY_LAW.has(m.text));
  if (
    f.content === 'comment' &&
    (WITH_POST.test(r.text) ||
      askedWithPost(r) ||
      r.has('hotspot') ||
      CONSULTATION.test(r.text) ||
      privacyDoubt)
  )
    f.asContext = true;
  // one account of several bodies together: whose it is decides who archives it
  // several bodies: two named, or one named in the plural ("vijf gemeenten", "three water boards")
  const several =
    new Set(r.all('org').map((m) => m.text)).size >= 2 ||
    r.all('org').some((m) => PLURAL_BODIES.test(m.text));
  if (f.content !== 'dm' && JOINT.test(r.text) && several) f.joint = 'unclear';
}

/** Particles of going away that close a question of removal: "mogen ze weg?", "can it go offline?" */
const AWAY = new Set(['weg', 'go', 'offline']);
/** Words that may follow such a particle in its clause: "nu", "now", "already", "toch". */
const TIME_PREPOSITIONS = new Set(['after', 'na', 'within', 'binnen', 'in']);
const CLAUSE_TAIL = new Set([
  'nu',
  'now',
  'al',
  'already',
  'toch',
  'gewoon',
  'eigenlijk',
  'then',
  'dan',
  'yet',
]);

/** What makes a chat message needed for the record (R6, ACOI): an agreement, a promise, a decision. */
const NEEDED =
  /\b(afspraak|afspraken|afgesproken|toezegging|toezeggingen|toegezegd|beloofd|beloofde|belooft|belofte|besluit|besluiten|besloten|beslissing|beslissingen|beslist|agreement|agreements|agreed|promise|promised|commitment|committed|decision|decisions|decided|instructie|instructies|instruction|instructions|opdracht gegeven|akkoord)\b/;

/** Those a public service answers (not the press or a company asking for background). */
const CITIZENS =
  /\b(burger|burgers|inwoner|inwoners|bewoner|bewoners|citizen|citizens|resident|residents|klant|klanten|customer|customers|aanvrager|aanvragers|applicant|applicants|mensen|people|people s|ondernemers|entrepreneurs|studenten|students|boer|boeren|farmer|farmers|ouders|parents|patienten|patients|reizigers|travellers|travelers|passengers|weggebruikers|motorists|road users|huurders|tenants|bedrijven|businesses|werkgevers|employers|belastingbetalers|taxpayers|leerlingen|pupils|jongeren|young people|vissers|fishermen|telers|growers)\b/;
/** A change of cabinet: "kabinetswissel", "the new cabinet coming in", "de vertrekkende bewindspersonen". */
const CABINET_CHANGE =
  /\b(kabinetswissel|kabinetswisseling|nieuw kabinet|nieuwe kabinet|cabinet change|change of cabinet|new cabinet|cabinet changes|cabinet is changing|vertrekkende bewindspersonen|vertrekkende ministers|outgoing ministers)\b/;
/**
 * All the old posts taken off the account ("alle oude LinkedIn-posts weghalen", "wipe all the old posts from
 * our page"): the account's history goes for good — unless the question is one of destroying records under a
 * term ("vernietigen", "destroy"), which the selectielijst decides.
 */
function clearsOldPosts(text: string): boolean {
  return ALL_POSTS.test(text) && OLD.test(text) && !DESTROY.test(text);
}
const ALL_POSTS =
  /\b(alle|all|every|each of)\s+(?:\w+\s+){0,3}?(posts|berichten|tweets|toots|videos|video s|filmpjes|updates)\b/;
const OLD = /\b(oud|oude|old|older|ouder|van voor|before|from before)\b/;
const DESTROY = /\b(vernietig\w*|destroy\w*|bewaartermijn|retention)\b/;

/** A minister or state secretary, and the one who takes over: "de staatssecretaris … voor de opvolger". */
const MINISTER =
  /\b(minister|ministers|staatssecretaris|staatssecretarissen|state secretary|bewindspersoon|bewindspersonen)\b/;
const SUCCESSOR = /\b(opvolger|opvolgers|successor|successors)\b/;
/** An account emptied: "leegmaken", "leeghalen", "alle posts wissen", "wipe", "clear". */
const EMPTIED =
  /\b(leegmaken|leeghalen|leeggemaakt|leeggehaald|leeg te maken|leeg te halen|wissen|gewist|wipe|wiped|wiping|clear|clearing|cleared|empty|emptying|delete all|delete every|verwijder alle|alle posts verwijderen|alles verwijderen)\b/;
/** Information for the public: "updates voor inwoners", "posted updates for residents". */
const FOR_PUBLIC =
  /\b(?:updates?|informatie|information|info|berichten|messages|waarschuwingen|warnings|tips|advies|advice)\s+(?:\w+\s+){0,2}?(?:voor|for|aan|to)\s+(?:de\s+|the\s+|onze\s+|our\s+)?(?:inwoners|residents|bewoners|burgers|citizens|het publiek|the public|omwonenden|locals)\b/;
/** Posted in the organisation's place: "omdat ze niet bij ons corporate account kon", "couldn't get into the corporate account". */
const INSTEAD_OF_OURS =
  /\b(?:omdat|because|since|want|as)\b[^.?!;]{0,40}?\b(?:niet|not|couldn t|could t|could not|can t|ca t|cannot|geen|unable)\b[^.?!;]{0,30}?\b(?:corporate account|organisatieaccount|gemeenteaccount|ons account|our account|het account van de (?:gemeente|provincie|organisatie|veiligheidsregio|dienst)|the (?:organisation s|municipality s|council s) account|het officiele account|the official account)\b/;
/** Questions put to the organisation or its staff. */
const QUESTIONS = /\b(vraag|vragen|vraagjes|question|questions|queries)\b/;
const ANSWERS =
  /\b(antwoord|antwoorden|antwoordde|antwoordden|geantwoord|beantwoordt|beantwoord|beantwoordde|beantwoorden|answer|answers|answering|answered|reply|replies|replying|replied)\b/;

/** Asked to be removed from the archive (within one sentence). */
const OUT_OF_ARCHIVE =
  /\b(?:asks?|asked|requests?|requested|wants?|wanted|demands?|demanded|vraagt|vroeg|verzoekt|eist|eiste|wil|wilde)\b[^.?!;]{0,80}?\b(?:remove|delete|erase|wipe|verwijderen|wissen|halen|taken out|take out|get out|removed|deleted|erased)\b[^.?!;]{0,30}?\b(?:from|uit|of)\s+(?:the|our|het|ons|t)\s+(?:archive|archief)\b|\b(?:asks?|asked|requests?|requested|wants?|wanted|demands?|demanded|vraagt|vroeg|verzoekt|eist|eiste|wil|wilde)\b[^.?!;]{0,140}?\b(?:uit|from)\s+(?:het|ons|t|the|our)\s+(?:archief|archive)(?:\s+\w+){0,2}?\s+(?:verwijderen|wissen|halen|gehaald|verwijderd)\b/;

/** Copies of an item: "screenshots van onze posts", "a copy of the post", "een printje". */
const COPY =
  /\b(screenshot|screenshots|schermafdruk|schermafdrukken|kopie|kopieen|kopietje|copy|copies|printje|printjes|prints|printouts|afdruk|afdrukken|duplicate|duplicates|duplicaat|export|exports|zip|zips|zipbestand|zipje)\b/;
/** The original is captured or archived by the organisation itself already. */
const CAPTURED_ALREADY =
  /\b(already|toch al|reeds|al(?! (?:onze|ons|de|het|die|deze|mijn|zijn|haar|hun|jullie)\b))\b[^.?!;]{0,50}?\b(harvested|captured|archived|gearchiveerd|vastgelegd|opgehaald|gecaptured|geharvest|bewaard|stored|archiveren|archiveert|archive|archives|capture|captures|harvest|harvests|harvesten|vastleggen)\b|\b(harvested|captured|archived|gearchiveerd|vastgelegd|opgehaald|archiveren|archiveert|archive|capture|harvest|harvesten)\b[^.?!;]{0,30}?\b(already|al|reeds)\b(?! (?:onze|ons|de|het|die|deze)\b)|\b(door|by)\s+(ons|onze|our)\s+(archiverings\w*|archief\w*|archiving|archive|harvest\w*)|\b(is|zijn|worden|wordt|are|has been|have been)\s+(?:\w+\s+){0,8}?(gearchiveerd|vastgelegd|geharvest|captured|archived|harvested)\b|\b(automatisch|automatically)\s+(?:\w+\s+){0,3}?(vastgelegd|gearchiveerd|opgeslagen|captured|archived|saved)\b|\b(vastgelegd|gearchiveerd|captured|archived)\s+(?:\w+\s+){0,3}?(automatisch|automatically)\b|\b(staan|staat|zitten|zit|are|is)\s+(?:al|already)\s+(?:volledig\s+|fully\s+)?(?:in|into)\s+(?:ons|onze|het|our|the)\s+(?:archief|archiefsysteem|dms|e-depot|archive|archive system|records system)\b|\b(dagelijks|wekelijks|daily|weekly|nightly)\b[^.?!;]{0,30}?\b(geharvest|gearchiveerd|vastgelegd|geexporteerd|harvested|archived|captured|exported)\b|\b(geharvest|gearchiveerd|vastgelegd|harvested|archived|captured|exported)\s+(dagelijks|wekelijks|daily|weekly|nightly)\b|\b(exporteert|exporteren|exports|export|archiveert|archiveren|archives|harvests|harvest|captures|capture|legt|leggen)\b[^.?!;]{0,90}?\b(elke|iedere|every|each)\s+(dag|week|maand|nacht|day|week|month|night)\b|\b(elke|iedere|every|each)\s+(dag|week|maand|nacht|day|week|month|night)\b[^.?!;]{0,40}?\b(exporteert|exporteren|exported|exports|export|archiveert|archiveren|archived|archives|harvests|harvested|captured|captures|vastgelegd|gearchiveerd|geexporteerd)\b/;

/** A chat said to hold only small talk or logistics. */
const TRIVIAL =
  /\b(ging alleen over|gaat alleen over|ging gewoon over|alleen maar over|was only about|was just about|it was just me|was just me|just to say|alleen om te zeggen|only to say)\b/;

/** Unsolicited bulk messages: spam. */
const SPAM = /\b(spam|spams|spammy|spamberichten|spambericht|spammers?|junk)\b/;

/** Said not to be archived: "ze zijn nooit gearchiveerd", "they were never archived", "not yet captured". */
const NEVER_ARCHIVED =
  /\b(nooit|never)\s+(?:\w+\s+)?(gearchiveerd|vastgelegd|archived|captured|bewaard|saved)\b|\b(zijn|is|waren|was|were|have|has|had)\s+(?:nog\s+)?(niet|not yet|not)\s+(?:been\s+)?(gearchiveerd|vastgelegd|archived|captured)\b/;
/** The whole account or channel deleted: "het YouTube-kanaal verwijderen", "delete its YouTube channel", "delete the whole account". */
const WHOLE_ACCOUNT =
  /\b(?:wipe|delete|clear)\s+everything\b[^.?!;]{0,30}?\b(?:start (?:fresh|over|again))\b|\balles\s+(?:wissen|verwijderen|weghalen)\b[^.?!;]{0,30}?\bopnieuw beginnen\b|\b(?:delete|deleting|remove|removing|deactivate|deactivating|wipe)\s+(?:the|its|our|his|her|their|that|this)?\s*(?:whole\s+|entire\s+)?(?:\w+\s+){0,2}?(?:account|accounts|channel|channels|page)\b|\b(?:het|de|ons|onze|dat|dit|zijn|haar|hele)\s+(?:hele\s+)?(?:[\w-]+\s+)?(?:account|accounts|kanaal|kanalen|pagina)\s+(?:(?!berichten|posts|tweets)\w+\s+){0,5}?(?:verwijderen|opheffen|deleten|wissen|weghalen)\b/;

/** A person's own account is named: "her LinkedIn account", "haar Threads-account", "my X". */
function personsAccount(r: Reading): boolean {
  const { a } = r;
  return a.matches.some(
    (m) =>
      (m.concept === 'accountNoun' || m.concept === 'platform' || m.concept === 'privAccount') &&
      [1, 2].some((d) => PERSON_POSSESSIVES.has(a.tokens[m.start - d]?.raw ?? '')),
  );
}
/** … and, for an account closed or deleted, Dutch "zijn"/"haar" too (said of a person there). */
const PERSON_POSSESSIVES = new Set([...PERSONAL_POSSESSIVES, 'haar', 'zijn', 'zn']);

/** WHOLE_ACCOUNT, not the posts on it: "alle berichten op de X-accounts … wissen" deletes posts. */
function deletesWholeAccount(text: string): boolean {
  const m = WHOLE_ACCOUNT.exec(text);
  if (!m) return false;
  const before =
    text
      .slice(Math.max(0, m.index - 50), m.index)
      .split(/[.?!;]/)
      .at(-1) ?? '';
  return !/\b(berichten|posts|tweets|videos|filmpjes|updates|post|bericht)\b/.test(before + m[0]);
}

/** A post taken down to correct it: "er stond een fout in", "the wrong date", "a typo". */
const MISTAKE =
  /\b(fout|foutje|fouten|foute|mistake|mistakes|typo|typfout|tikfout|verkeerd|verkeerde|wrong|incorrect|onjuist|onjuiste|rectificatie|correction|corrected|gecorrigeerd|gecorrigeerde)\b/;

/** The original of a shared item, asked about: "het originele bericht", "their original video", "the video itself". */
const ORIGINAL =
  /\b(origineel|originele|oorspronkelijke|oorspronkelijk bericht|original|originals|itself|(?:their|hun) (?:own )?(?:post|video|message|tweet|bericht|filmpje))\b/;

/**
 * The last sentence asks about another body's items: "die KNMI-berichten", "KNMI's posts", "de posts van het
 * KNMI", "that RWS post" — an organisation named at the item that is not the asker's own, which the question
 * names apart ("wij als veiligheidsregio", "our water board").
 */
function othersItemAsked(r: Reading): boolean {
  const { a } = r;
  const last = a.tokens.at(-1)?.sentence;
  const orgs = a.matches.filter((m) => m.concept === 'org');
  // "we", "our", "ons" (the lexicon's possOrg) at a token
  const ourWord = (i: number) => a.matches.some((m) => m.concept === 'possOrg' && m.start === i);
  // ours: an organisation right after "we/our/ons/als" ("wij als veiligheidsregio", "our water board")
  const ours = orgs.filter((o) => {
    const prev = a.tokens[o.start - 1]?.raw ?? '';
    const prev2 = a.tokens[o.start - 2]?.raw ?? '';
    return (
      ourWord(o.start - 1) ||
      ((prev === 'als' || prev === 'as') && ourWord(o.start - 2)) ||
      (ARTICLES.has(prev) && (prev2 === 'als' || prev2 === 'as') && ourWord(o.start - 3))
    );
  });
  // "Wij volgen de veiligheidsregio en het waterschap op X. Moeten wij hun berichten ook archiveren?": the
  // bodies followed are others, and "their" items are theirs
  const followed = orgs.filter((o) =>
    a.tokens
      .slice(Math.max(0, o.start - 4), o.start)
      .some((t) => FOLLOW.has(t.raw) && t.sentence === a.tokens[o.start]!.sentence),
  );
  const theirItem = a.matches.some(
    (m) =>
      ITEMS.includes(m.concept) &&
      a.tokens[m.start]!.sentence === last &&
      THEIR.has(r.tokenAt(m.start - 1) ?? ''),
  );
  // … whoever they are: "we volgen een hoop ketenpartners en aannemers"
  const follows = a.tokens.some(
    (t, i) =>
      FOLLOW.has(t.raw) && !(t.raw === 'following' && ['the', 'de'].includes(a.tokens[i - 1]?.raw ?? '')),
  );
  if ((followed.length > 0 || follows) && theirItem) return true;
  if (ours.length === 0) return false;
  const ourNames = new Set(ours.map((o) => o.text));
  // "Het ministerie van BZK heeft op Threads een bericht geplaatst waarin onze gemeente genoemd wordt":
  // another body opens the sentence that posts the item
  const opener = orgs.find((o) => {
    const start = a.tokens.findIndex((t) => t.sentence === a.tokens[o.start]!.sentence);
    return (
      o.start - start <= 3 &&
      !ourNames.has(o.text) &&
      !ourWord(o.start - 1) &&
      !ROLE_WORDS.test(o.text) &&
      a.matches.some(
        (p) =>
          p.concept === 'post' &&
          p.start >= o.end &&
          a.tokens[p.start]!.sentence === a.tokens[o.start]!.sentence,
      )
    );
  });
  if (opener) return true;
  return a.matches.some((item) => {
    if (item.concept !== 'post' || a.tokens[item.start]!.sentence !== last) return false;
    const before = orgs.find(
      (o) => o.end === item.start || (o.end === item.start - 1 && a.tokens[o.end]!.raw === 's'),
    );
    const after =
      FROM.has(r.tokenAt(item.end) ?? '') &&
      orgs.find((o) => o.start > item.end && o.start - item.end <= 3 && a.tokens[o.start]!.sentence === last);
    const owner = before ?? (after || undefined);
    return owner !== undefined && !ourNames.has(owner.text) && !ourWord(owner.start - 1);
  });
}
/** Organisation words that name a role or team speaking for the organisation, not another body. */
const ROLE_WORDS =
  /\b(officer|officers|team|teams|agency|comms|communicatie\w*|woordvoer\w*|spokesperson|judge|rechter|persrechter|adviseur|medewerker\w*|afdeling|department|directie|bureau)\b/;

/** The text of the question's last sentence (where what is asked about is named). */
function lastSentence(r: Reading): string {
  const last = r.a.tokens.at(-1)?.sentence;
  return r.a.tokens
    .filter((t) => t.sentence === last)
    .map((t) => t.raw)
    .join(' ');
}

const FOLLOW = new Set('volgen volgt volgde follow follows followed following'.split(' '));
const THEIR = new Set(['hun', 'their']);

/** Made for the organisation: "namens de gemeente", "on behalf of the ministry", "in haar functie", "officially". */
const ON_BEHALF =
  /\b((?:leidinggevende|teamleider|manager|baas|boss|directeur|afdelingshoofd)\s+(?:\w+\s+){0,4}?(?:vroeg|vraagt|wil|wilde|wants|wanted|asked|asks)|namens|on behalf of|in (?:haar|zijn|hun|her|his|their) (?:functie|rol|role|capacity as)|in functie|officieel|officially|as (?:our|the) (?:spokesperson|contact point)|als (?:woordvoerder|aanspreekpunt))\b/g;
/** "namens de gemeente" said, not denied ("ik denk niet dat ze het namens de organisatie doet"). */
function onBehalfSaid(text: string): boolean {
  return [...text.matchAll(ON_BEHALF)].some((m) => {
    const before =
      text
        .slice(Math.max(0, m.index - 40), m.index)
        .split(/[.,;:?!]/)
        .at(-1) ?? '';
    return !/\b(niet|not|geen|never|nooit|don t|doesn t|isn t)\b/.test(before);
  });
}

/** Made as a person: "op persoonlijke titel", "in a personal capacity", "her own opinion". */
const PERSONAL_CAPACITY =
  /\b(op persoonlijke titel|op eigen titel|in a personal capacity|in (?:his|her|their) personal capacity|eigen mening|own opinion|own views?|personal views?|persoonlijke mening)\b/;

/** Comments asked about along with the post: "too", "as well", "included", "or just the video/our own posts". */
const WITH_POST =
  /\b(included|including|inbegrepen|incluis|mee gearchiveerd|mee bewaard|meenemen|mee in het archief|as well or leave|(?:or|of) (?:just|only|alleen) (?:the|our|de|het|onze|ons)\b)/;
/**
 * The last sentence asks about the posts and then the comments under them: "Moeten we de toots bewaren, en
 * ook de reacties eronder?", "keep our posts and the replies underneath them".
 */
function askedWithPost(r: Reading): boolean {
  const { a } = r;
  const last = a.tokens.at(-1)?.sentence;
  const inLast = (m: Match) => a.tokens[m.start]!.sentence === last;
  const posts = a.matches.filter((m) => m.concept === 'post' && inLast(m));
  return a.matches.some(
    (c) =>
      c.concept === 'reaction' &&
      inLast(c) &&
      posts.some((p) => p.end <= c.start && a.tokens.slice(p.end, c.start).some((t) => AND.has(t.raw))),
  );
}
const AND = new Set(['en', 'and', 'plus', 'alsook']);

/**
 * After a repost, the last sentence asks about the item by its maker's name: "Moeten wij die RIVM-post ook
 * bewaren?", "the KNMI post itself" — another body's original, not our repost.
 */
function makerNamedAsked(r: Reading): boolean {
  const { a } = r;
  const last = a.tokens.at(-1)?.sentence;
  return a.matches.some(
    (m) =>
      m.concept === 'post' &&
      a.tokens[m.start]!.sentence === last &&
      a.matches.some(
        (o) =>
          (o.concept === 'org' || o.concept === 'third') &&
          o.end === m.start &&
          !a.matches.some((p) => p.concept === 'possOrg' && p.end === o.start),
      ),
  );
}

/** A consultation or participation process: "online consultation", "inspraak", "participatie". */
const CONSULTATION =
  /\b(consultation|consultatie|internetconsultatie|inspraak|inspraakreacties|participatie|participation|zienswijze|zienswijzen)\b/;

/** Run together: "gezamenlijk account", "samen met twee buurgemeenten", "a cooperative made up of". */
const JOINT =
  /\b(gezamenlijk|gezamenlijke|samen met|samenwerkingsverband|cooperatie|gebiedscooperatie|cooperative|joint(?! arrangement| regulation| scheme)|jointly|together with|shared (?:instagram |facebook |x |linkedin |youtube )?account|made up of|bestaande uit|waar (?:\w+ ){1,8}in zitten|samen (?:een|één|een gezamenlijk) (?:\w+ )?account|share (?:a single|one|an|a) (?:\w+ )?account|run (?:a single|one) (?:\w+ )?account together)\b/;

/** Bodies in the plural. */
const PLURAL_BODIES =
  /^(gemeenten|gemeentes|municipalities|councils|ministeries|ministries|provincies|provinces|waterschappen|water boards|veiligheidsregios|safety regions|organisaties|organisations|organizations|overheden)$/;

/** Small talk among colleagues: lunch, cake, birthdays, drinks, a team outing. */
const SMALL_TALK =
  /\b(lunch|lunchen|lunchafspraken|lunch plans|taart|cake|borrel|borrelen|borrelt|borrelden|vrijdagmiddagborrel|afscheidsborrel|friday drinks|farewell drinks|drinks|personeelsuitje|staff outing|bedrijfsuitje|verjaardag|verjaardagen|birthday|birthdays|jarig|koffie|coffee|pizza|uitje|teamuitje|team outing|etentje|secret santa|kerstpakket|kerstborrel|christmas drinks)\b/;

/** Made days ago: "gisteravond gestreamd", "posted it this morning", "vorige week geplaatst". */
const RECENT =
  /\b(gisteren|gisteravond|gistermiddag|gisterochtend|eergisteren|vanochtend|vanmorgen|vanmiddag|vannacht|vandaag|zojuist|net geplaatst|net gepost|vorige week|afgelopen week|deze week|yesterday|last night|this morning|this afternoon|earlier today|today|just posted|last week|this week|a few days ago|paar dag\w* (?:geleden|terug))\b/;

/** Someone else tagged the organisation: "iemand heeft ons getagd", "someone tagged our court in a post". */
const SOMEONE =
  'iemand|someone|somebody|een inwoner|a resident|een burger|a citizen|een journalist|a journalist';
const TAGGED_BY_OTHER = new RegExp(
  `\\b(${SOMEONE})\\b[^.?!;]{0,40}?\\b(getagd|tagde|tagged|tags|tagt|noemde ons|mentioned us)\\b`,
);
/** Someone outside posted it on their own account: "iemand op zijn eigen Facebook-pagina", "someone ranting on her own page". */
const SOMEONE_OWN = new RegExp(
  `\\b(${SOMEONE})\\b[^.?!;]{0,30}?\\b(op|on)\\s+(zijn|haar|hun|his|her|their)\\s+(eigen|own)\\b`,
);
/** Another body's own account posted it: "hun account heeft … gepost", "their account posted". */
const THEIR_ACCOUNT =
  /\b(hun|their)\s+(?:\w+\s+)?(account|accounts|pagina|page)\b[^.?!;]{0,30}?\b(gepost|geplaatst|posted|plaatste|postte)\b/;

/** A phone reset or wiped, or handed in: "de telefoon resetten", "have my old one wiped", "handing in his phone". */
const PHONE_WIPE =
  /\b(?:telefoon|telefoons|phone|phones|toestel|iphone|werktelefoon|work phone|old one|oude)\b[^.?!;]{0,40}?\b(?:resetten|reset|wipe|wiped|wissen|gewist|leeg\s+(?:laten\s+)?maken|leegmaken|inleveren|handing in|hand in|handed in)\b|\b(?:resetten|reset|wipe|wiped|wissen|leeg\s+(?:laten\s+)?maken|inleveren|handing in|hand in)\b[^.?!;]{0,30}?\b(?:telefoon|phone|toestel|iphone)\b/;

/** Already in the organisation's own archive: "staan al in ons archief", "are already in our records system". */
const IN_OUR_ARCHIVE =
  /\b(?:in|into)\s+(?:ons|onze|our)\s+(?:eigen\s+|own\s+)?(?:archief|archiefsysteem|dms|e-depot|edepot|archive|archives|archive system|records system|archiving system)\b|\b(?:in|into)\s+(?:het|the)\s+(?:archiefsysteem|dms|e-depot|edepot|records system|archiving system)\b/;
/** A government server named as where it is kept: "een server van de overheid", "a government server". */
const GOV_SERVER =
  /\b(overheidsserver|server van de overheid|servers van de overheid|government server|government servers|government's own server)\b/;

/** Where else a thing can be: "it's on the platform anyway", "it's all on rijksoverheid.nl anyway". */
const SITES = new Set([
  'platform',
  'nl',
  'com',
  'org',
  'eu',
  'website',
  'site',
  'intranet',
  'webpagina',
  // "Meta's ad library has a copy anyway"
  'copy',
  'copies',
  'kopie',
  'kopieen',
  'library',
  'bibliotheek',
]);

/** The index of the first token of the sentence token i is in. */
function sentenceStart(toks: Token[], i: number): number {
  let j = i;
  while (j > 0 && toks[j - 1]!.sentence === toks[i]!.sentence) j--;
  return j;
}

/** Nouns of removal: with a privacy law in the sentence, a request for erasure. */
const REMOVAL_NOUNS = new Set(['verwijdering', 'removal', 'deletion', 'wissing']);

/**
 * Words a typo is corrected towards without being parts of compounds (analyse.ts): small talk ("lucnhen" is
 * lunchen), whose short words would otherwise split ordinary compounds into wrong parts.
 */
export function targetWords(): string[] {
  return [...new Set(SMALL_TALK.source.match(/[a-z]{4,}/g) ?? [])];
}

/**
 * The words the reading rules test outside the lexicon (time qualifiers, negations, verbs of sending
 * and closing, prepositions): known words, so a typo in one of them is corrected like any lexicon word.
 */
export function readerWords(): string[] {
  const sets = [
    TOPIC,
    NEGATORS,
    MODALS,
    PASSIVE,
    FROM,
    UNDER,
    SEND,
    RECEIVE,
    SHARE,
    REPLY_VERBS,
    CLOSE,
    REMOVAL_NOUNS,
    DECIDE,
    WORK_AT,
    CELEBRATION,
    NAMES,
    USUALLY,
    MIXED_CUES,
    SITES,
    TOPIC_OF,
    new Set(STRONG_WORK.source.match(/[a-z]{4,}/g) ?? []),
  ];
  const fromPatterns = [
    ...OUTSIDE_OFFICE,
    MIXED,
    ALSO_PRIVATE,
    RECENT,
    TRIVIAL,
    ON_BEHALF,
    PERSONAL_CAPACITY,
    CONSULTATION,
    JOINT,
    NEVER_ARCHIVED,
    MISTAKE,
    ORIGINAL,
    WITH_POST,
    TAGGED_BY_OTHER,
    THEIR_ACCOUNT,
    PHONE_WIPE,
    IN_OUR_ARCHIVE,
    GOV_SERVER,
    WHOLE_ACCOUNT,
    COPY,
    CAPTURED_ALREADY,
    NEEDED,
    CITIZENS,
    ANSWERS,
  ].flatMap((re) => re.source.match(/[a-z]{4,}/g) ?? []);
  return [...new Set([...sets.flatMap((x) => [...x]), ...fromPatterns])].filter((w) => /^[a-z]+$/.test(w));
}
