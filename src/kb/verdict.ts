/**
 * How a decision answer opens (issue 15): the first sentence is the verdict in the question's own terms
 * — "Nee, niet vernietigen: …" to "mogen we het weggooien?", "Ja, bewaren: …" to "moet het bewaard
 * worden?" — with the deciding rule's reason in one clause; and which sources it cites: at most three,
 * primary law first (wetten.overheid.nl with the article, EUR-Lex, rechtspraak.nl by ECLI), then guidance.
 */
import type { Analysis } from './analyse.ts';
import type { Lang, Localised, Source } from './content.ts';
import type { Facts } from './facts.ts';
import type { Decision } from './rules.ts';

type Asked = 'destroy' | 'erase' | 'record' | 'keep' | 'capture' | 'elsewhere' | 'archive';

/** The same answer to "may we destroy it?" and "may we erase it?"; to "elsewhere?" and "archive it?". */
const NEED_NOT_KEEP: Localised = {
  nl: 'Ja, dit hoeft niet bewaard te worden',
  en: 'Yes, this need not be kept',
};
const DO_NOT_ARCHIVE: Localised = { nl: 'Nee, niet archiveren', en: 'No, do not archive it' };

const HEAD: Record<Asked, Record<'archive' | 'do-not-archive', Localised>> = {
  destroy: {
    archive: { nl: 'Nee, niet vernietigen', en: 'No, do not destroy it' },
    'do-not-archive': NEED_NOT_KEEP,
  },
  erase: {
    archive: { nl: 'Nee, niet uit het archief wissen', en: 'No, do not erase it from the archive' },
    'do-not-archive': NEED_NOT_KEEP,
  },
  record: {
    archive: { nl: 'Ja, dit is een archiefbescheid', en: 'Yes, this is an archival record' },
    'do-not-archive': {
      nl: 'Nee, dit is geen archiefbescheid van de organisatie',
      en: 'No, this is not a record of the organisation',
    },
  },
  keep: {
    archive: { nl: 'Ja, bewaren', en: 'Yes, keep it' },
    'do-not-archive': { nl: 'Nee, niet bewaren', en: 'No, do not keep it' },
  },
  capture: {
    archive: { nl: 'Ja, vastleggen', en: 'Yes, capture it' },
    'do-not-archive': { nl: 'Nee, niet vastleggen', en: 'No, do not capture it' },
  },
  elsewhere: {
    archive: { nl: 'Ja, toch zelf archiveren', en: 'Yes, archive it yourself anyway' },
    'do-not-archive': DO_NOT_ARCHIVE,
  },
  archive: {
    archive: { nl: 'Ja, archiveren', en: 'Yes, archive it' },
    'do-not-archive': DO_NOT_ARCHIVE,
  },
};
const DEPENDS: Localised = { nl: 'Dat hangt ervan af.', en: 'It depends.' };
const NOT_JUST_LIKE_THAT: Localised = { nl: 'Niet zomaar.', en: 'Not just like that.' };

/** The deciding rule's reason in one clause, by rule and verdict (or by rule alone). */
const REASON: Record<string, Localised> = {
  'R1:archive': {
    nl: 'het is in functie gemaakt of ontvangen en hoort bij de publieke taak (R1)',
    en: 'it was made or received in a public function and relates to the public task (R1)',
  },
  'R1:do-not-archive': {
    nl: 'alleen wat een overheidsorgaan in functie maakt of ontvangt, is een archiefbescheid, en dit is dat niet (R1)',
    en: 'only what a public body makes or receives in its function is a record, and this is not (R1)',
  },
  R2: {
    nl: 'wat op een account van de organisatie staat, is een archiefbescheid (R2)',
    en: 'what is on the organisation’s own account is an archival record (R2)',
  },
  'R2:depends': { nl: 'wiens account het is, beslist (R2).', en: 'whose account it is decides (R2).' },
  R3: {
    nl: 'wat een bewindspersoon of bestuurder in functie plaatst, wordt gearchiveerd, op welk account ook (R3)',
    en: 'what a minister or bestuurder posts in that role is archived, on whatever account (R3)',
  },
  R4: {
    nl: 'puur privé- of partijpolitieke inhoud is geen archiefbescheid (R4)',
    en: 'purely private or party-political content is not an archival record (R4)',
  },
  R5: {
    nl: 'werkinhoud op een privé- of hybride account is toch een document (R5)',
    en: 'work content on a private or hybrid account is still a document (R5)',
  },
  'R5:depends:onBehalf': {
    nl: 'wat een medewerker in functie op een eigen account zet, is een document; een eigen kijk op het vak niet (R5).',
    en: 'what a colleague posts in the role on an own account is a document; a personal view of the field is not (R5).',
  },
  'R5:depends': {
    nl: 'op een privé- of hybride account telt alleen wat over het werk gaat (R5).',
    en: 'on a private or hybrid account only what is about the work counts (R5).',
  },
  R6: {
    nl: 'voor privéberichten en chats beslist de rol van verzender of ontvanger (R6)',
    en: 'for direct messages and chats the role of the sender or receiver decides (R6)',
  },
  'R6:do-not-archive': {
    nl: 'het bericht bevat geen informatie die nodig is voor het werk (R6)',
    en: 'the message holds no information needed for the work (R6)',
  },
  R7: {
    nl: 'verwijderen op het platform, of het feit dat het elders staat, beëindigt de archiefplicht niet (R7)',
    en: 'deleting it on the platform, or its being kept elsewhere, does not end the duty to archive (R7)',
  },
  'R7:depends': {
    nl: 'pas nadat het is gearchiveerd, en het archiefexemplaar alleen volgens de selectielijst met een verklaring van vernietiging (R7).',
    en: 'only once it has been archived, and the archived copy only under the selectielijst with a destruction record (R7).',
  },
  R8: {
    nl: 'zolang een Woo-verzoek, bezwaar of beroep loopt, mag er niets van worden vernietigd (R8)',
    en: 'while a Woo request, objection or appeal is pending, none of it may be destroyed (R8)',
  },
  'R9:archive': {
    nl: 'het recht op vergetelheid geldt niet voor wat op grond van de Archiefwet wordt bewaard (AVG art. 17 lid 3, R9)',
    en: 'the right to erasure does not reach what the Archiefwet requires to be kept (GDPR art. 17(3), R9)',
  },
  'R9:archive:context': {
    nl: 'reacties van anderen horen als context bij het bericht en worden ermee vastgelegd, met zo min mogelijk persoonsgegevens (R9)',
    en: 'other people’s comments belong to the post as its context and are captured with it, keeping personal data to what is needed (R9)',
  },
  'R9:depends': {
    nl: 'reacties van anderen worden vastgelegd als context van het bericht, en gewaardeerd volgens de selectielijst (R9).',
    en: 'other people’s comments are captured as context of the post and appraised under the selectielijst (R9).',
  },
  R10: {
    nl: 'webcare-antwoorden van de organisatie zijn archiefbescheiden (R10)',
    en: 'the organisation’s webcare replies are archival records (R10)',
  },
  R11: {
    nl: 'een besluit dat via sociale media is bekendgemaakt, wordt gearchiveerd en hoort ook in het formele dossier (R11)',
    en: 'a decision announced through social media is archived and belongs in the formal file too (R11)',
  },
  R12: {
    nl: 'het gaat over een hotspot: overweeg permanent bewaren (R12)',
    en: 'it concerns a hotspot: consider keeping it permanently (R12)',
  },
  R13: {
    nl: 'dezelfde regels gelden op elk platform (R13)',
    en: 'the same rules apply on every platform (R13)',
  },
  'R17:do-not-archive': {
    nl: 'het origineel is een archiefbescheid van wie het maakte; een repost of like is hooguit context van het eigen account van de organisatie (R17)',
    en: 'the original is a record of whoever made it; a repost or like is at most context of the organisation’s own account (R17)',
  },
  R17: {
    nl: 'likes en reposts van het account horen als context bij het account (R17)',
    en: 'the account’s likes and reposts belong to the account as context (R17)',
  },
  R18: {
    nl: 'bij een bewerkt bericht worden alle vastgelegde versies bewaard (R18)',
    en: 'for an edited post every captured version is kept (R18)',
  },
};

const KEEP = new Set([
  'bewaren',
  'bewaard',
  'bewaar',
  'bewaart',
  'keep',
  'kept',
  'keeps',
  'retain',
  'retained',
  'preserve',
  'preserved',
  'blijven',
]);
const CAPTURE = new Set(['vastleggen', 'vastgelegd', 'veiligstellen', 'capture', 'captured', 'capturing']);
const DESTROY = new Set([
  'weg',
  'weggooien',
  'vernietigen',
  'verwijderen',
  'wissen',
  'destroy',
  'delete',
  'discard',
  'remove',
  'erase',
  'mocht',
]);

/** The number of the question's last sentence (0 for an empty question). */
function lastSentence(a: Analysis): number {
  return a.tokens.length ? a.tokens[a.tokens.length - 1]!.sentence : 0;
}

/** What the question asks to do, in its own terms (the words of its last sentence count most). */
function asked(a: Analysis, f: Facts): Asked {
  const last = lastSentence(a);
  const words = new Set(a.tokens.filter((t) => t.sentence === last).map((t) => t.raw));
  const any = (set: Set<string>) => [...words].some((w) => set.has(w));
  if (f.erasure) return 'erase';
  if (f.hold || f.intent === 'delete' || any(DESTROY)) return 'destroy';
  if (f.elsewhere) return 'elsewhere';
  if (a.matches.some((m) => m.concept === 'recordNoun' && a.tokens[m.start]!.sentence === last))
    return 'record';
  if (any(KEEP)) return 'keep';
  if (any(CAPTURE)) return 'capture';
  return 'archive';
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** The answer's first sentence: the verdict in the question's own terms, and why in one clause. */
export function firstSentence(a: Analysis, d: Decision, f: Facts, lang: Lang): string {
  // comments kept as the post's context, not because the right to erasure does not reach the archive
  const context =
    d.primary === 'R9' && f.asContext === true && f.erasure !== true
      ? REASON['R9:archive:context']
      : undefined;
  const reason =
    context ??
    REASON[`${d.primary}:${d.verdict}:${d.followUp?.fact}`] ??
    REASON[`${d.primary}:${d.verdict}`] ??
    REASON[d.primary];
  if (d.verdict === 'depends') {
    const head = d.primary === 'R7' ? NOT_JUST_LIKE_THAT : DEPENDS;
    return reason
      ? `${head[lang]} ${capitalise(reason[lang].replace(/\)$/, ').').replace(/\.\.$/, '.'))}`
      : head[lang];
  }
  let head = HEAD[asked(a, f)][d.verdict][lang];
  // "Hoeven we het niet te bewaren?": a Dutch "ja" to a negative question reads as agreeing; "jawel" contradicts.
  if (lang === 'nl' && d.verdict === 'archive' && negativeQuestion(a)) head = head.replace(/^Ja,/, 'Jawel,');
  return reason ? `${head}: ${reason[lang]}.` : `${head}.`;
}

/** The question (its last sentence) is put in the negative: "Hoeven we het niet te bewaren?" */
function negativeQuestion(a: Analysis): boolean {
  const last = lastSentence(a);
  return a.tokens.some((t) => t.sentence === last && (t.raw === 'niet' || t.raw === 'geen'));
}

const LAW_HOSTS = [
  'wetten.overheid.nl',
  'eur-lex.europa.eu',
  'deeplink.rechtspraak.nl',
  'uitspraken.rechtspraak.nl',
];

/** True for primary law: an official text of a statute, the AVG, or a ruling by its ECLI. */
export function isPrimaryLaw(s: Source): boolean {
  try {
    return LAW_HOSTS.includes(new URL(s.url).hostname);
  } catch {
    return false;
  }
}

/**
 * At most `max` sources: the deciding rule's primary law, then that of the other rules applied, at most
 * two laws; then guidance, the deciding rule's first. Primary law is listed first.
 */
export function pickSources(d: Decision, entrySources: Source[], max: number): Source[] {
  const primary = d.hits.find((h) => h.id === d.primary);
  const others = d.hits.filter((h) => h !== primary);
  return limitSources(
    [...(primary?.sources ?? []), ...others.flatMap((h) => h.sources), ...entrySources],
    max,
  );
}

/** Sources without repeats, primary law first (leaving room for guidance when there is some), at most `max`. */
export function limitSources(ordered: readonly Source[], max: number): Source[] {
  const seen = new Set<string>();
  const unique = ordered.filter((s) => !seen.has(s.url) && seen.add(s.url));
  const law = unique.filter(isPrimaryLaw);
  const guidance = unique.filter((s) => !isPrimaryLaw(s));
  const lawPart = law.slice(0, guidance.length ? Math.min(2, max - 1) : max);
  return [...lawPart, ...guidance].slice(0, max);
}
