/**
 * A template grammar that writes questions the way people ask them (issue 15), for training the question
 * classifiers offline (src/kb/train.ts): roles × platforms × item kinds × work or private topics ×
 * question frames × context sentences × greetings × typos, in Dutch and English, each question with its
 * labels. Deterministic: the same seed gives the same questions. Never used at answer time.
 */
import { rng } from './classify.ts';
import { keyNeighbours } from './text.ts';

export type QuestionType = 'decision' | 'delete' | 'info' | 'out-of-scope';
export type WorkLabel = 'work' | 'private' | 'unsaid';

export interface Generated {
  q: string;
  lang: 'nl' | 'en';
  type: QuestionType;
  work: WorkLabel;
}

type L = { nl: string[]; en: string[] };

const ROLES: L = {
  nl: [
    'de minister',
    'de staatssecretaris',
    'de burgemeester',
    'een wethouder',
    'de gedeputeerde',
    'de dijkgraaf',
    'de commissaris van de Koning',
    'de secretaris-generaal',
    'een beleidsmedewerker',
    'onze woordvoerder',
    'een raadslid',
    'het ministerie',
    'de gemeente',
    'de provincie',
    'het waterschap',
    'de GGD',
    'het RIVM',
    'Rijkswaterstaat',
    'ons team',
  ],
  en: [
    'the minister',
    'the state secretary',
    'the mayor',
    'an alderman',
    'the provincial executive',
    'the dike-reeve',
    "the King's commissioner",
    'the secretary-general',
    'a policy officer',
    'our spokesperson',
    'a councillor',
    'the ministry',
    'the municipality',
    'the province',
    'the water board',
    'the GGD',
    'RIVM',
    'Rijkswaterstaat',
    'our team',
  ],
};
const PLATFORMS = [
  'X',
  'Facebook',
  'Instagram',
  'LinkedIn',
  'Mastodon',
  'Bluesky',
  'TikTok',
  'YouTube',
  'Threads',
  'WhatsApp',
];
const ITEMS: L = {
  nl: [
    'een bericht',
    'een tweet',
    'een video',
    'een foto',
    'een story',
    'een reactie',
    'een post',
    'een filmpje',
  ],
  en: ['a post', 'a tweet', 'a video', 'a photo', 'a story', 'a reply', 'an update', 'a clip'],
};
const WORK: L = {
  nl: [
    'over het nieuwe beleid',
    'over de begroting',
    'over de woningbouwplannen',
    'over een subsidieregeling',
    'over de wegwerkzaamheden',
    'over een vergunning',
    'over de vaccinatiecampagne',
    'over het werkbezoek',
    'namens het college',
    'over de dijkversterking',
  ],
  en: [
    'about the new policy',
    'about the budget',
    'about the housing plans',
    'about a subsidy scheme',
    'about the roadworks',
    'about a permit',
    'about the vaccination campaign',
    'about the working visit',
    'on behalf of the board',
    'about the dike reinforcement',
  ],
};
const PRIVATE: L = {
  nl: [
    'over haar vakantie',
    'over zijn voetbalclub',
    'over de verjaardag van haar dochter',
    'over zijn moestuin',
    'met een foto van de hond',
    'over het partijcongres',
    'over een concert',
    'zonder enig verband met het werk',
    'over het weekend met vrienden',
  ],
  en: [
    'about her holiday',
    'about his football club',
    "about her daughter's birthday",
    'about his garden',
    'with a photo of the dog',
    'about the party conference',
    'about a concert',
    'with no link to work at all',
    'about the weekend with friends',
  ],
};
const ACCOUNTS: L = {
  nl: [
    'op het account van de organisatie',
    'op haar privéaccount',
    'op zijn eigen account',
    'op ons corporate account',
    '',
  ],
  en: [
    "on the organisation's account",
    'on her private account',
    'on his own account',
    'on our corporate account',
    '',
  ],
};
const DECIDE: L = {
  nl: [
    'Moet dat gearchiveerd worden?',
    'Archiveren?',
    'Moeten we dat bewaren?',
    'Valt dat onder de archiefplicht?',
    'Is dat een archiefbescheid?',
    'Moet het vastgelegd worden?',
    'Hoort dat in het archief?',
    'Is dat archiefwaardig?',
    'Moeten we dat vastleggen?',
    'Hoort dat bij onze archiefstukken?',
    'Zijn we verplicht dat te bewaren?',
  ],
  en: [
    'Must that be archived?',
    'Archive it?',
    'Do we have to keep it?',
    'Is that subject to the duty to archive?',
    'Is that an archival record?',
    'Should it be captured?',
    'Does that belong in the archive?',
    'Is it worth archiving?',
    'Does it need to be kept?',
    'Are we required to archive it?',
    'Do we need to capture that?',
    'Should this go into our records?',
    'Is this a record under the Archives Act?',
  ],
};
const DELETE: L = {
  nl: [
    'Mogen we het weggooien?',
    'Mag het weg?',
    'Mogen we het verwijderen?',
    'Kunnen we het vernietigen?',
    'Mogen we het account opschonen?',
    'Mocht dat zomaar verwijderd worden?',
  ],
  en: [
    'May we throw it away?',
    'Can it go?',
    'May we delete it?',
    'Can we destroy it?',
    'May we clean up the account?',
    'Was deleting it allowed?',
  ],
};
const INFO: L = {
  nl: [
    'Wat is MDTO?',
    'Sinds wanneer geldt de Woo?',
    'Welk bestandsformaat vraagt het Nationaal Archief voor websites?',
    'Wanneer begon de Mastodon-pilot van de overheid?',
    'Wat staat er in de handreiking sociale media van het Nationaal Archief?',
    'Hoe lang is de bewaartermijn voor tweets?',
    'Wat zegt artikel 17 van de AVG over archivering?',
    'Welke metagegevens zijn verplicht bij overbrenging?',
    'Wat is een hotspot?',
    'Na hoeveel jaar worden archieven overgebracht?',
    'Wat is WARC?',
    'Welke uitspraak ging over WhatsApp-berichten op privételefoons?',
  ],
  en: [
    'What is MDTO?',
    'Since when does the Woo apply?',
    'Which file format does the Nationaal Archief require for websites?',
    "When did the government's Mastodon pilot start?",
    "What is in the Nationaal Archief's social media guidance?",
    'How long is the retention period for tweets?',
    'What does article 17 of the GDPR say about archiving?',
    'Which metadata are required for transfer?',
    'What is a hotspot?',
    'After how many years are archives transferred?',
    'What is WARC?',
    'Which ruling was about WhatsApp messages on private phones?',
  ],
};
const OUT: L = {
  nl: [
    'Hoe vraag ik een parkeervergunning aan?',
    'Hoe laat gaat de kantine dicht?',
    'Hoeveel vakantiedagen heb ik?',
    'Wat is het weer morgen in Den Haag?',
    'Hoe reset ik mijn wachtwoord?',
    'Wie wint de verkiezingen?',
    'Hoe declareer ik mijn reiskosten?',
    'Waar vind ik het rooster van volgende week?',
    'Wat eten we vandaag bij de lunch?',
    'Hoe boek ik een vergaderzaal?',
  ],
  en: [
    'How do I apply for a parking permit?',
    'When does the canteen close?',
    'How many days of leave do I have?',
    'What is the weather in The Hague tomorrow?',
    'How do I reset my password?',
    'Who will win the elections?',
    'How do I claim my travel expenses?',
    'Where is next week’s roster?',
    'What is for lunch today?',
    'How do I book a meeting room?',
  ],
};
/** Decision questions about an item that is in the context (a link, the chat thread), no statement. */
const SHORT: L = {
  nl: [
    'Archiveren?',
    'Moet ik dit archiveren?',
    'Moet dit bewaard worden?',
    'Is dit een archiefstuk?',
    'Bewaren of niet?',
    'Moeten we deze post bewaren?',
    'Hoort dit in het archief?',
    'Moet deze tweet gearchiveerd worden?',
  ],
  en: [
    'Archive?',
    'Must I archive this?',
    'Does this need to be kept?',
    'Is this a record?',
    'Keep it or not?',
    'Do we keep this post?',
    'Does this belong in the archive?',
    'Must this tweet be archived?',
  ],
};
const SHORT_DELETE: L = {
  nl: ['Mag dit weg?', 'Mag ik dit verwijderen?', 'Weggooien?', 'Kan deze post weg?'],
  en: ['Can this go?', 'May I delete this?', 'Throw it away?', 'Can this post be deleted?'],
};
/**
 * Out of scope although they keep, archive or delete something: the knowledge base is about the
 * government's social media, not e-mail, files, paper or one's own photos.
 */
const OUT_KEEP: L = {
  nl: [
    'Hoe archiveer ik mijn e-mails in Outlook?',
    'Mag ik oude bestanden van mijn laptop verwijderen?',
    'Kan ik de geprinte agenda’s weggooien?',
    'Waar bewaar ik mijn vakantiefoto’s?',
    'Moet ik de notulen van het teamoverleg bewaren?',
    'Hoe maak ik een back-up van mijn telefoon?',
    'Mag de oude koffieautomaat weg?',
    'Hoe lang bewaar ik mijn belastingaangifte?',
  ],
  en: [
    'How do I archive my e-mails in Outlook?',
    'Can I delete old files from my laptop?',
    'Can I throw away the printed agendas?',
    'Where do I keep my holiday photos?',
    'Should I keep the minutes of the team meeting?',
    'How do I back up my phone?',
    'Can the old coffee machine go?',
    'How long should I keep my tax return?',
  ],
};
const CONTEXT: L = {
  nl: [
    'Ik werk bij de gemeente Utrecht en we zitten met het volgende.',
    'Ik ben informatiebeheerder bij een ministerie.',
    'Vraagje van onze afdeling communicatie.',
    'We hadden er vanochtend discussie over in het team.',
    '',
    '',
    '',
  ],
  en: [
    'I work for the city of Utrecht and we have the following situation.',
    'I am a records manager at a ministry.',
    'Quick question from our communications team.',
    'We discussed this in the team this morning.',
    '',
    '',
    '',
  ],
};
const HELLO: L = {
  nl: ['Hoi!', 'Goedemorgen,', 'Hallo,', '', '', ''],
  en: ['Hi!', 'Good morning,', 'Hello,', '', '', ''],
};
const BYE: L = {
  nl: ['Alvast bedankt!', 'Groet, Sanne', '', '', ''],
  en: ['Thanks in advance!', 'Best, Sam', '', '', ''],
};
const VERBS: L = {
  nl: ['plaatst', 'deelt', 'zet', 'post', 'publiceert'],
  en: ['posts', 'shares', 'puts', 'publishes', 'uploads'],
};

function typo(q: string, r: () => number): string {
  return q.replace(/[A-Za-z]{6,}/g, (w) => {
    if (r() > 0.15) return w;
    const i = 1 + Math.floor(r() * (w.length - 3));
    return w.slice(0, i) + w[i + 1] + w[i] + w.slice(i + 2);
  });
}

/**
 * Which part of the grammar a question may use. The question frames (the decision, delete, info and
 * out-of-scope sentences) and the item nouns with an index of 3 mod 4 are held back for calibration:
 * `train` never uses them, `calibrate` always uses a held-back frame, so the calibration questions are
 * phrased in ways the classifiers never saw (as a real question is). `all` uses every entry.
 */
export type GrammarPart = 'all' | 'train' | 'calibrate';

const heldBack = (i: number): boolean => i % 4 === 3;

/** `n` questions per language, deterministic for a seed. */
export function generate(n: number, seed = 15, part: GrammarPart = 'all'): Generated[] {
  const r = rng(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)]!;
  const only = <T>(xs: T[], held: boolean | null): T[] =>
    held === null ? xs : xs.filter((_, i) => heldBack(i) === held);
  const frameHeld = part === 'all' ? null : part === 'calibrate';
  const itemHeld = part === 'train' ? false : null;
  const out: Generated[] = [];
  for (const lang of ['nl', 'en'] as const) {
    for (let i = 0; i < n; i++) {
      const roll = r();
      let type: QuestionType;
      let work: WorkLabel = 'unsaid';
      let body: string;
      if (roll < 0.12) {
        type = 'info';
        body = pick(only(INFO[lang], frameHeld));
      } else if (roll < 0.19) {
        type = 'out-of-scope';
        body = pick(only(OUT[lang], frameHeld));
      } else if (roll < 0.24) {
        type = 'out-of-scope';
        body = pick(only(OUT_KEEP[lang], frameHeld));
      } else if (roll < 0.3) {
        type = r() < 0.3 ? 'delete' : 'decision';
        body = pick(only(type === 'delete' ? SHORT_DELETE[lang] : SHORT[lang], frameHeld));
      } else {
        const w = r();
        work = w < 0.4 ? 'work' : w < 0.75 ? 'private' : 'unsaid';
        const topic = work === 'work' ? pick(WORK[lang]) : work === 'private' ? pick(PRIVATE[lang]) : '';
        const on = lang === 'nl' ? `op ${pick(PLATFORMS)}` : `on ${pick(PLATFORMS)}`;
        const where = pick([on, pick(ACCOUNTS[lang])]);
        const role = pick(ROLES[lang]);
        const subject = role.charAt(0).toUpperCase() + role.slice(1);
        const statement = [subject, pick(VERBS[lang]), where, pick(only(ITEMS[lang], itemHeld)), topic]
          .filter(Boolean)
          .join(' ');
        type = r() < 0.3 ? 'delete' : 'decision';
        body = `${statement}. ${pick(only(type === 'delete' ? DELETE[lang] : DECIDE[lang], frameHeld))}`;
      }
      let q = [pick(HELLO[lang]), pick(CONTEXT[lang]), body, pick(BYE[lang])].filter(Boolean).join(' ');
      if (r() < 0.3) q = typo(q, r);
      out.push({ q, lang, type, work });
    }
  }
  return out;
}

/** One generated question in both languages: the same picks from the parallel lists, the same labels. */
export interface GeneratedPair {
  nl: string;
  en: string;
  type: QuestionType;
  work: WorkLabel;
  /** Which sentence order or construction wrote it (PAIR_ORDERS). */
  order: string;
}

/** Past participles of VERBS, in the same order. */
const PARTICIPLES: L = {
  nl: ['geplaatst', 'gedeeld', 'gezet', 'gepost', 'gepubliceerd'],
  en: ['posted', 'shared', 'put', 'published', 'uploaded'],
};
/** The nouns of ITEMS without their article, as the head of a compound or noun adjunct, and their plurals. */
const NOUNS: L = {
  nl: ['bericht', 'tweet', 'video', 'foto', 'verhaal', 'reactie', 'post', 'filmpje'],
  en: ['post', 'tweet', 'video', 'photo', 'story', 'reply', 'update', 'clip'],
};
const PLURALS: L = {
  nl: ['berichten', 'tweets', "video's", "foto's", 'verhalen', 'reacties', 'posts', 'filmpjes'],
  en: ['posts', 'tweets', 'videos', 'photos', 'stories', 'replies', 'updates', 'clips'],
};
/** Dutch het-words among NOUNS and ITEMS (relative pronoun "dat", article "het"). */
const NEUTER = new Set(['bericht', 'filmpje', 'verhaal']);
/**
 * Organisations as a name (Dutch, English), as the first part of a Dutch compound ("gemeenteaccount",
 * "GGD-account") and as an English noun adjunct ("a municipal post", "police TikTok videos").
 */
const ORGS: { nl: string; comp: string; en: string; adj: string }[] = [
  { nl: 'de gemeente', comp: 'gemeente', en: 'the municipality', adj: 'municipal' },
  { nl: 'het ministerie', comp: 'ministerie', en: 'the ministry', adj: 'ministry' },
  { nl: 'de politie', comp: 'politie', en: 'the police', adj: 'police' },
  { nl: 'de provincie', comp: 'provincie', en: 'the province', adj: 'provincial' },
  { nl: 'het waterschap', comp: 'waterschaps', en: 'the water board', adj: 'water board' },
  { nl: 'de GGD', comp: 'GGD-', en: 'the GGD', adj: 'GGD' },
  { nl: 'de gemeente', comp: 'gemeente', en: 'the council', adj: 'council' },
];
/** Decision and delete questions asked indirectly, as a sentence of their own. */
const INDIRECT: L = {
  nl: [
    'Ik vraag me af of dat gearchiveerd moet worden.',
    'Weet iemand of we dat moeten bewaren?',
    'Ik wil graag weten of dat onder de archiefplicht valt.',
    'Ik twijfel of dat een archiefbescheid is.',
    'Graag hoor ik of we dat moeten vastleggen.',
  ],
  en: [
    'I wonder whether that must be archived.',
    'Does anyone know if we have to keep it?',
    'I would like to know whether that falls under the duty to archive.',
    'I am not sure whether that is an archival record.',
    'Please let me know whether we need to capture it.',
  ],
};
const INDIRECT_DELETE: L = {
  nl: [
    'Ik vraag me af of we het mogen verwijderen.',
    'Weet iemand of het weg mag?',
    'Ik wil graag weten of we het mogen vernietigen.',
  ],
  en: [
    'I wonder whether we may delete it.',
    'Does anyone know if it can go?',
    'I would like to know whether we may destroy it.',
  ],
};
/** The end of an indirect question with the item inside it: "Ik vraag me af of <item> … <tail>". */
const TAILS: L = {
  nl: [
    'gearchiveerd moet worden.',
    'bewaard moet worden.',
    'onder de archiefplicht valt.',
    'een archiefbescheid is.',
  ],
  en: ['must be archived.', 'has to be kept.', 'falls under the duty to archive.', 'is an archival record.'],
};
const TAILS_DELETE: L = {
  nl: ['verwijderd mag worden.', 'weg mag.', 'vernietigd mag worden.'],
  en: ['may be deleted.', 'can go.', 'may be destroyed.'],
};

/**
 * What else an asker says about the item, as a sentence between the statement and the question: a Woo
 * request or a dispute, an edit or deletion, "it is on the platform anyway", a time outside the office,
 * a hotspot, an erasure request, a copy already kept, a formal decision, others' comments.
 */
const SITUATIONS: L = {
  nl: [
    'Er loopt een Woo-verzoek over dit bericht.',
    'Er loopt nog een bezwaarprocedure over.',
    'Het is later aangepast.',
    'Het is inmiddels verwijderd.',
    'Het staat toch ook op het platform zelf.',
    'Dat was voordat ze minister werd.',
    'Dat was nadat hij was afgetreden.',
    'Het ging over de coronacrisis.',
    'Een inwoner vraagt op grond van de AVG om verwijdering.',
    'We hebben er al een kopie van in ons archief.',
    'Het bericht bevat een formeel besluit.',
    'Er staan veel reacties van inwoners onder.',
  ],
  en: [
    'There is a pending Woo request about this post.',
    'An objection procedure about it is still pending.',
    'It was edited later.',
    'It has since been deleted.',
    'It is on the platform itself anyway.',
    'That was before she became minister.',
    'That was after he had resigned.',
    'It was about the corona crisis.',
    'A resident asks for erasure under the GDPR.',
    'We already have a copy of it in our archive.',
    'The post contains a formal decision.',
    'Many residents have commented on it.',
  ],
};
/**
 * Other things that happen to an item, as one statement with its author ({role}) and platform: a like, a
 * repost, a direct message, a resident's comment, a webcare reply, a profile change, a decision, a chat
 * group, a story, a livestream, a deletion.
 */
const EVENTS: L = {
  nl: [
    '{Role} liket een tweet van een journalist.',
    '{Role} deelt een post van een andere gemeente door op {platform}.',
    '{Role} stuurt een inwoner een privébericht via {platform}.',
    'Een inwoner reageert kritisch op een post van {role}.',
    '{Role} beantwoordt een klacht van een burger op {platform}.',
    '{Role} past de profielfoto en de bio op {platform} aan.',
    '{Role} maakt via {platform} een besluit over de subsidie bekend.',
    '{Role} zit in een WhatsAppgroep met collega’s en bespreekt daar het beleid.',
    '{Role} plaatst een story die na 24 uur verdwijnt.',
    '{Role} retweet een bericht van de partij.',
    '{Role} zet een livestream van de raadsvergadering op {platform}.',
    '{Role} verwijdert een oude tweet.',
  ],
  en: [
    '{Role} likes a tweet by a journalist.',
    '{Role} reposts a post by another municipality on {platform}.',
    '{Role} sends a resident a direct message via {platform}.',
    'A resident posts a critical comment on a post by {role}.',
    '{Role} answers a complaint from a citizen on {platform}.',
    '{Role} updates the profile photo and bio on {platform}.',
    '{Role} announces a decision on the subsidy via {platform}.',
    '{Role} is in a WhatsApp group with colleagues and discusses the policy there.',
    '{Role} posts a story that disappears after 24 hours.',
    '{Role} retweets a message from the party.',
    '{Role} puts a livestream of the council meeting on {platform}.',
    '{Role} deletes an old tweet.',
  ],
};

/** Factual questions in both languages (the grammar's INFO and more from the legal framework's topics). */
const INFO_PAIRS: L = {
  nl: [
    ...INFO.nl,
    'Wat is het verschil tussen bewaren en vernietigen?',
    'Wie beslist over de selectielijst?',
    'Welke methoden zijn er om sociale media vast te leggen?',
    'Wat is Politwoops?',
    'Wat verandert er met de nieuwe Archiefwet?',
    'Wat is een archiefbewaarplaats?',
    'Moet een gemeente zelf een selectielijst maken?',
    'Wat zegt de AVG over reacties van burgers?',
    'Wat mist een schermafbeelding van een post?',
    'Hoe lang duurt een Woo-verzoek?',
  ],
  en: [
    ...INFO.en,
    'What is the difference between keeping and destroying?',
    'Who decides on the selection list?',
    'Which methods are there to capture social media?',
    'What is Politwoops?',
    'What changes with the new Archives Act?',
    'What is an archive repository?',
    'Does a municipality have to make its own selection list?',
    "What does the GDPR say about citizens' comments?",
    'What does a screenshot of a post miss?',
    'How long does a Woo request take?',
  ],
};

/** The picks of one pair: [Dutch, English] of every part. */
interface Picks {
  role: [string, string];
  verb: [string, string];
  part: [string, string];
  item: [string, string];
  noun: [string, string];
  plural: [string, string];
  topic: [string, string];
  where: [string, string];
  platform: string;
  org: (typeof ORGS)[number];
  frame: [string, string];
  tail: [string, string];
  event: [string, string];
}

const cap = (x: string): string => x.charAt(0).toUpperCase() + x.slice(1);
const low = (x: string): string => x.charAt(0).toLowerCase() + x.slice(1);
const join = (...parts: string[]): string => parts.filter(Boolean).join(' ');
/** A platform as the first part of a Dutch compound: "Instagramverhaal", "X-bericht". */
const compound = (platform: string, noun: string): string =>
  platform.length === 1 ? `${platform}-${noun}` : `${platform}${noun}`;
const possessive = (x: string): string => (x.endsWith('s') ? `${x}'` : `${x}'s`);
const neuter = (item: string): boolean => NEUTER.has(item.split(' ').pop() ?? '');

/**
 * The sentence orders and constructions of a pair, each writing the Dutch (k = 0) or English (k = 1)
 * question: what real askers write and a reader must read the same in both languages. The statement
 * comes with its question frame (direct or indirect) unless the construction holds the question itself.
 */
const PAIR_ORDERS: [string, (k: 0 | 1, p: Picks) => string][] = [
  [
    'active',
    (k, p) => `${join(cap(p.role[k]), p.verb[k], p.where[k], p.item[k], p.topic[k])}. ${p.frame[k]}`,
  ],
  [
    'passive',
    (k, p) =>
      k === 0
        ? `${join(cap(p.item[k]), p.topic[k], 'is door', p.role[k], p.where[k], 'geplaatst')}. ${p.frame[k]}`
        : `${join(cap(p.item[k]), p.topic[k], 'was posted by', p.role[k], p.where[k])}. ${p.frame[k]}`,
  ],
  [
    'item first',
    (k, p) =>
      k === 0
        ? `${join('Het gaat om', p.item[k], 'van', p.role[k], p.where[k], p.topic[k])}. ${p.frame[k]}`
        : `${join('It is about', p.item[k], 'by', p.role[k], p.where[k], p.topic[k])}. ${p.frame[k]}`,
  ],
  [
    'if first',
    (k, p) =>
      k === 0
        ? `${join('Als', p.role[k], p.where[k], p.item[k], p.topic[k], p.verb[k])}, ${low(p.frame[k])}`
        : `${join('If', p.role[k], p.verb[k], p.item[k], p.topic[k], p.where[k])}, ${low(p.frame[k])}`,
  ],
  [
    'condition first',
    (k, p) => {
      const lead = p.topic[k] || p.where[k];
      if (!lead) return `${join(cap(p.role[k]), p.verb[k], p.item[k])}. ${p.frame[k]}`;
      const rest = p.topic[k] ? p.where[k] : '';
      return k === 0
        ? `${join(cap(lead), p.verb[k], p.role[k], rest, p.item[k])}. ${p.frame[k]}`
        : `${cap(lead)}, ${join(p.role[k], p.verb[k], p.item[k], rest)}. ${p.frame[k]}`;
    },
  ],
  [
    'relative clause',
    (k, p) =>
      k === 0
        ? `${join('Het gaat om', p.item[k], neuter(p.item[k]) ? 'dat' : 'die', p.role[k], p.where[k], p.topic[k], 'heeft', p.part[k])}. ${p.frame[k]}`
        : `${join('It is about', p.item[k], 'that', p.role[k], p.part[k], p.where[k], p.topic[k])}. ${p.frame[k]}`,
  ],
  [
    'passive, no agent',
    (k, p) =>
      k === 0
        ? `${join(cap(p.item[k]), 'van', p.role[k], p.topic[k], 'is', p.where[k], p.part[k])}. ${p.frame[k]}`
        : `${join(cap(p.item[k]), 'from', p.role[k], p.topic[k], 'was', p.part[k], p.where[k])}. ${p.frame[k]}`,
  ],
  [
    "passive, on someone's account",
    (k, p) =>
      k === 0
        ? `${join('Op het account van', p.role[k], 'is', p.item[k], p.topic[k], p.part[k])}. ${p.frame[k]}`
        : `${join(cap(p.item[k]), p.topic[k], 'was', p.part[k], 'on', possessive(p.role[k]), 'account')}. ${p.frame[k]}`,
  ],
  [
    'two sentences, item first',
    (k, p) =>
      `${join(cap(p.item[k]), p.topic[k])}. ${join(cap(p.part[k]), k === 0 ? 'door' : 'by', p.role[k], p.where[k])}. ${p.frame[k]}`,
  ],
  [
    'two sentences, author first',
    (k, p) =>
      k === 0
        ? `${join(cap(p.role[k]), 'heeft', p.where[k], 'iets', p.part[k])}. ${join('Het is', p.item[k], p.topic[k])}. ${p.frame[k]}`
        : `${join(cap(p.role[k]), 'has', p.part[k], 'something', p.where[k])}. ${join('It is', p.item[k], p.topic[k])}. ${p.frame[k]}`,
  ],
  [
    'indirect, item inside',
    (k, p) =>
      k === 0
        ? join('Ik vraag me af of', p.item[k], 'van', p.role[k], p.where[k], p.topic[k], p.tail[k])
        : join('I wonder whether', p.item[k], 'by', p.role[k], p.where[k], p.topic[k], p.tail[k]),
  ],
  [
    'noun adjunct / compound item',
    (k, p) =>
      k === 0
        ? `${join('Het gaat om een', compound(p.platform, p.noun[k]), 'van', p.org.nl, p.topic[k])}. ${p.frame[k]}`
        : `${join('It is about a', p.org.adj, p.platform, p.noun[k], p.topic[k])}. ${p.frame[k]}`,
  ],
  [
    'noun adjunct / compound, plural',
    (k, p) =>
      k === 0
        ? `${join('We zien', compound(p.platform, p.plural[k]), 'van', p.org.nl, p.topic[k])}. ${p.frame[k]}`
        : `${join('We see', p.org.adj, p.platform, p.plural[k], p.topic[k])}. ${p.frame[k]}`,
  ],
  [
    'compound account',
    (k, p) =>
      k === 0
        ? `${join(cap(p.item[k]), p.topic[k], 'staat op het', `${p.org.comp}account`, 'op', p.platform)}. ${p.frame[k]}`
        : `${join(cap(p.item[k]), p.topic[k], 'is on the', p.org.adj, p.platform, 'account')}. ${p.frame[k]}`,
  ],
  [
    'event',
    (k, p) =>
      `${p.event[k].replace('{Role}', cap(p.role[k])).replace('{role}', p.role[k]).replace('{platform}', p.platform)} ${p.frame[k]}`,
  ],
  [
    "someone's platform item",
    (k, p) =>
      k === 0
        ? `${join('Het gaat om', NEUTER.has(p.noun[k]) ? 'het' : 'de', compound(p.platform, p.noun[k]), 'van', p.role[k], p.topic[k])}. ${p.frame[k]}`
        : `${join('It is about', possessive(p.role[k]), p.platform, p.noun[k], p.topic[k])}. ${p.frame[k]}`,
  ],
];

/** The names of the sentence orders and constructions generatePairs writes. */
export const PAIR_ORDER_NAMES: string[] = PAIR_ORDERS.map(([name]) => name);

/**
 * `n` question pairs, deterministic for a seed: every list is picked by index in both languages, so the
 * Dutch and the English question say the same, in one of the sentence orders and constructions of
 * PAIR_ORDERS (one in five an event: a like, a repost, a DM, a comment, a webcare reply …), with a direct
 * or (one in four) indirect question frame, and in three of ten a sentence on the item's situation before
 * it (a Woo request, an edit, a time before the office …); one in ten is a factual question. Used to
 * find where the reader
 * reads one language worse than the other (tests/kb/pairs.ts), never at answer time.
 */
export function generatePairs(n: number, seed = 77): GeneratedPair[] {
  const r = rng(seed);
  const idx = (a: L): number => Math.floor(r() * Math.min(a.nl.length, a.en.length));
  const both = (a: L, i = idx(a)): [string, string] => [a.nl[i]!, a.en[i]!];
  const out: GeneratedPair[] = [];
  for (let i = 0; i < n; i++) {
    if (r() < 0.1) {
      const [nl, en] = both(INFO_PAIRS);
      out.push({ nl, en, type: 'info', work: 'unsaid', order: 'factual question' });
      continue;
    }
    const w = r();
    const work: WorkLabel = w < 0.4 ? 'work' : w < 0.75 ? 'private' : 'unsaid';
    const topic = work === 'work' ? both(WORK) : work === 'private' ? both(PRIVATE) : ['', ''];
    const platform = PLATFORMS[Math.floor(r() * PLATFORMS.length)]!;
    const where: [string, string] = r() < 0.5 ? [`op ${platform}`, `on ${platform}`] : both(ACCOUNTS);
    const v = idx(VERBS);
    const it = idx(ITEMS);
    const type: QuestionType = r() < 0.3 ? 'delete' : 'decision';
    const indirect = r() < 0.25;
    const [name, make] =
      r() < 0.2
        ? PAIR_ORDERS.find(([o]) => o === 'event')!
        : PAIR_ORDERS[Math.floor(r() * PAIR_ORDERS.length)]!;
    const direct = name === 'if first';
    const situation = !direct && name !== 'indirect, item inside' && r() < 0.3 ? both(SITUATIONS) : null;
    const frames =
      type === 'delete'
        ? indirect && !direct
          ? INDIRECT_DELETE
          : DELETE
        : indirect && !direct
          ? INDIRECT
          : DECIDE;
    const p: Picks = {
      role: both(ROLES),
      verb: both(VERBS, v),
      part: both(PARTICIPLES, v),
      item: both(ITEMS, it),
      noun: both(NOUNS, it),
      plural: both(PLURALS, it),
      topic: topic as [string, string],
      where,
      platform,
      org: ORGS[Math.floor(r() * ORGS.length)]!,
      frame: both(frames),
      tail: both(type === 'delete' ? TAILS_DELETE : TAILS),
      event: both(EVENTS),
    };
    if (situation) p.frame = [`${situation[0]} ${p.frame[0]}`, `${situation[1]} ${p.frame[1]}`];
    out.push({ nl: make(0, p), en: make(1, p), type, work, order: name });
  }
  return out;
}

/** Kinds of typing error: two letters swapped (eval:kb's), one dropped, one doubled, a neighbouring key. */
export type TypoKind = 'swap' | 'drop' | 'double' | 'key';
export const TYPO_KINDS: TypoKind[] = ['swap', 'drop', 'double', 'key'];

/**
 * The question with one typing error of a kind in every third word of five letters or more, in the
 * middle of the word (for `swap` exactly eval:kb's typos variant). Deterministic.
 */
export function misspell(q: string, kind: TypoKind): string {
  let n = 0;
  return q.replace(/[A-Za-zÀ-ÿ]{5,}/g, (w) => {
    if (n++ % 3 !== 1) return w;
    const i = Math.floor(w.length / 2);
    if (kind === 'swap') return w.slice(0, i - 1) + w[i] + w[i - 1] + w.slice(i + 1);
    if (kind === 'drop') return w.slice(0, i) + w.slice(i + 1);
    if (kind === 'double') return w.slice(0, i + 1) + w[i] + w.slice(i + 1);
    const c = w[i]!;
    const near = keyNeighbours(c.toLowerCase())[0] ?? c;
    return w.slice(0, i) + (c === c.toUpperCase() ? near.toUpperCase() : near) + w.slice(i + 1);
  });
}

/**
 * The domain's words in both languages, pair by pair: tests/kb/pairs.ts `--words` compares the concepts
 * the reader finds in each ("amended" read nothing where "aangepast" is an edit). Never used at answer time.
 */
export const GLOSSARY: [string, string][] = [
  ['aangepast', 'amended'],
  ['gewijzigd', 'altered'],
  ['bewerkt', 'edited'],
  ['verwijderd', 'deleted'],
  ['vernietigd', 'destroyed'],
  ['weggegooid', 'disposed of'],
  ['offline gehaald', 'taken offline'],
  ['Wet open overheid', 'Open Government Act'],
  ['Woo-verzoek', 'Open Government Act request'],
  ['Archiefwet', 'Archives Act'],
  ['Archiefwet', 'Public Records Act'],
  ['AVG', 'GDPR'],
  ['AVG', 'General Data Protection Regulation'],
  ['ambtenaar', 'civil servant'],
  ['ambtenaar', 'public servant'],
  ['ambtenaar', 'government official'],
  ['medewerker', 'employee'],
  ['woordvoerder', 'spokesperson'],
  ['woordvoerder', 'press officer'],
  ['wethouder', 'alderman'],
  ['wethouder', 'executive councillor'],
  ['gedeputeerde', 'provincial executive'],
  ['dijkgraaf', 'dike-reeve'],
  ['dijkgraaf', 'chair of the water board'],
  ['burgemeester', 'mayor'],
  ['staatssecretaris', 'state secretary'],
  ['minister-president', 'prime minister'],
  ['raadslid', 'councillor'],
  ['raadslid', 'council member'],
  ['secretaris-generaal', 'secretary-general'],
  ['directeur-generaal', 'director-general'],
  ['topambtenaar', 'senior civil servant'],
  ['gemeente', 'municipality'],
  ['provincie', 'province'],
  ['waterschap', 'water board'],
  ['waterschap', 'water authority'],
  ['ministerie', 'ministry'],
  ['rijksoverheid', 'central government'],
  ['uitvoeringsorganisatie', 'executive agency'],
  ['zelfstandig bestuursorgaan', 'independent administrative body'],
  ['privéaccount', 'private account'],
  ['privéaccount', 'personal account'],
  ['eigen account', 'own account'],
  ['werkaccount', 'work account'],
  ['officieel account', 'official account'],
  ['organisatieaccount', 'organisational account'],
  ['reactie', 'comment'],
  ['reactie', 'reply'],
  ['reactie', 'response'],
  ['klantenservice', 'customer service'],
  ['klacht', 'complaint'],
  ['privébericht', 'private message'],
  ['direct bericht', 'direct message'],
  ['appje', 'WhatsApp message'],
  ['groepsapp', 'group chat'],
  ['sms', 'text message'],
  ['spraakbericht', 'voice message'],
  ['story', 'story'],
  ['verhaal', 'story'],
  ['like', 'like'],
  ['repost', 'repost'],
  ['retweet', 'retweet'],
  ['gedeeld', 'shared'],
  ['doorgestuurd', 'forwarded'],
  ['profiel', 'profile'],
  ['profielfoto', 'profile picture'],
  ['bio', 'bio'],
  ['vastgepinde post', 'pinned post'],
  ['livestream', 'livestream'],
  ['filmpje', 'clip'],
  ['partijcongres', 'party conference'],
  ['verkiezingscampagne', 'election campaign'],
  ['vakantie', 'holiday'],
  ['familie', 'family'],
  ['verjaardag', 'birthday'],
  ['werkbezoek', 'working visit'],
  ['beleid', 'policy'],
  ['Woo-verzoek', 'Woo request'],
  ['bezwaar', 'objection'],
  ['bezwaarprocedure', 'objection procedure'],
  ['beroepsprocedure', 'appeal procedure'],
  ['rechtszaak', 'lawsuit'],
  ['verwijderverzoek', 'removal request'],
  ['recht op vergetelheid', 'right to be forgotten'],
  ['bewaren', 'keep'],
  ['bewaren', 'retain'],
  ['archiveren', 'archive'],
  ['vastleggen', 'capture'],
  ['vernietigen', 'destroy'],
  ['weggooien', 'throw away'],
  ['opschonen', 'clean up'],
  ['verwijderen', 'remove'],
  ['crisis', 'crisis'],
  ['ramp', 'disaster'],
  ['formeel besluit', 'formal decision'],
  ['vergunning', 'permit'],
  ['selectielijst', 'selection list'],
  ['bewaartermijn', 'retention period'],
  ['overbrenging', 'transfer'],
  ['archiefbewaarplaats', 'archive repository'],
  ['Nationaal Archief', 'National Archives'],
  ['archiefbescheiden', 'records'],
  ['archiefstuk', 'archival record'],
  ['tweet', 'tweet'],
  ['bericht', 'message'],
  ['post', 'post'],
  ['foto', 'picture'],
  ['afbeelding', 'image'],
  ['kanaal', 'channel'],
  ['pagina', 'page'],
  ['persbericht', 'press release'],
  ['inwoner', 'resident'],
  ['burger', 'citizen'],
  ['journalist', 'journalist'],
  ['volger', 'follower'],
  ['bedrijf', 'company'],
  ['actiegroep', 'action group'],
  ['politieke partij', 'political party'],
  ['lokale afdeling', 'local branch'],
  ['Tweede Kamer', 'House of Representatives'],
  ['kabinet', 'cabinet'],
  ['college van B en W', 'municipal executive'],
  ['gemeenteraad', 'municipal council'],
  ['Provinciale Staten', 'provincial council'],
  ['politie', 'police'],
  ['Belastingdienst', 'Tax Administration'],
  ['rechtbank', 'court'],
  ['Raad van State', 'Council of State'],
  ['veiligheidsregio', 'safety region'],
  ['GGD', 'public health service'],
  ['gemeentesecretaris', 'municipal secretary'],
  ['commissaris van de Koning', "King's Commissioner"],
  ['bewindspersoon', 'cabinet member'],
  ['Kamerlid', 'member of parliament'],
  ['statenlid', 'member of the provincial council'],
  ['in functie', 'in office'],
  ['als privépersoon', 'as a private person'],
  ['partijpolitiek', 'party politics'],
  ['werktelefoon', 'work phone'],
  ['privételefoon', 'private phone'],
  ['afgetreden', 'resigned'],
  ['benoemd', 'appointed'],
  ['beëdigd', 'sworn in'],
  ['verkiezingen', 'elections'],
  ['coronacrisis', 'COVID crisis'],
  ['aardbeving', 'earthquake'],
  ['persoonsgegevens', 'personal data'],
  ['auteursrecht', 'copyright'],
  ['schermafbeelding', 'screenshot'],
  ['metagegevens', 'metadata'],
  ['geplaatst', 'posted'],
  ['gepubliceerd', 'published'],
  ['beantwoord', 'answered'],
  ['doorgestuurd', 'forwarded'],
  ['gestuurd', 'sent'],
  ['geappt', 'texted'],
  ['opgeslagen', 'saved'],
  ['overgebracht', 'transferred'],
  ['afgesloten', 'closed'],
  ['opgeheven', 'deactivated'],
  ['gestopt met', 'quit'],
  ['mag weg', 'may go'],
  ['mogen vernietigen', 'may destroy'],
  ['moeten bewaren', 'must keep'],
  ['archiefwaardig', 'worth archiving'],
  ['valt onder de Archiefwet', 'falls under the Archives Act'],
];
