/**
 * The decision rules R1–R18 (legal-framework.md §7) as code over facts. `decide` returns the verdict,
 * the rules it rests on (each with its explanation and sources), and, when a deciding fact is missing,
 * the follow-up question with options that each supply that fact.
 */
import { type Localised, type Source, source } from './content.ts';
import type { Facts } from './facts.ts';

export type RuleId = `R${number}`;

interface RuleDef {
  title: Localised;
  /** The guidance entry that explains the rule (it supports answers the rule decides). */
  home: string;
  sources: string[];
  /** The rule itself rests on an inference (an analogy), not on a source that says it. */
  inference: boolean;
}

/** Each rule's title, its sources (ids in content/sources.yaml) and whether it is an inference. */
export const RULES: Record<string, RuleDef> = {
  R1: {
    title: {
      nl: 'Reikwijdte: archiefbescheid en Woo-document',
      en: 'Scope: archival record and Woo document',
    },
    home: 'archiefbescheid',
    sources: [
      'archiefwet-art1',
      'woo-art-2-1-wet',
      'woo-art-2-1',
      'woo-zorgplichten',
      'inspectie-archiefbescheiden',
    ],
    inference: false,
  },
  R2: {
    title: { nl: 'Corporate account', en: 'Corporate account' },
    home: 'corporate-accounts',
    sources: ['archiefwet-art3', 'vac-van-wie', 'archiefwet', 'richtlijn-websites'],
    inference: false,
  },
  R3: {
    title: { nl: 'Bewindspersoon in functie', en: 'Minister or state secretary in role' },
    home: 'bewindspersonen',
    sources: ['grondwet-art68', 'vac-van-wie', 'vac-bewindspersonen', 'acoi-chat'],
    inference: false,
  },
  R4: {
    title: { nl: 'Privé- of partijpolitieke inhoud', en: 'Private or party-political content' },
    home: 'hybrid-accounts',
    sources: ['avg', 'open-overheid-archiveren', 'avg-archivering', 'na-juridisch-kader'],
    inference: false,
  },
  R5: {
    title: { nl: 'Privé- of hybride account voor het werk', en: 'Private or hybrid account used for work' },
    home: 'private-accounts',
    sources: ['ecli-rvs-2019-899', 'abrvs-2019', 'beleidsadvies-2024', 'it-academie'],
    inference: true,
  },
  R6: {
    title: {
      nl: "Privéberichten (DM's): regime voor chatberichten",
      en: 'Direct messages: the chat-message regime',
    },
    home: 'direct-messages',
    sources: ['na-overheidsinformatie', 'acoi-chat', 'kabinetsreactie-chat'],
    inference: false,
  },
  R7: {
    title: { nl: 'Verwijderen en vernietigen', en: 'Deletion and destruction' },
    home: 'deletion',
    sources: ['archiefwet-art3', 'archiefwet-art5', 'archiefwet', 'inspectie-az-2022'],
    inference: false,
  },
  R8: {
    title: { nl: 'Lopend Woo-verzoek of geschil', en: 'Pending Woo request or dispute' },
    home: 'woo-requests-holds',
    sources: ['ecli-rbmne-2020-5875', 'archiefwet-art3', 'rbmne-2020', 'archiefwet'],
    inference: false,
  },
  R9: {
    title: { nl: 'Reacties van derden en persoonsgegevens', en: 'Third-party comments and personal data' },
    home: 'third-party-comments',
    sources: ['avg', 'tien-vragen', 'na-bewaren', 'avg-archivering', 'avg-vergetelheid'],
    inference: false,
  },
  R10: {
    title: { nl: 'Webcare-antwoorden', en: 'Webcare replies' },
    home: 'webcare',
    sources: ['archiefwet-art1', 'tien-vragen', 'inspectie-2016-rapport'],
    inference: false,
  },
  R11: {
    title: { nl: 'Formele besluiten via sociale media', en: 'Formal decisions through social media' },
    home: 'formal-decisions',
    sources: ['awb', 'na-juridisch-kader'],
    inference: false,
  },
  R12: {
    title: { nl: 'Hotspots', en: 'Hotspots' },
    home: 'hotspots',
    sources: ['hotspot-belangen', 'nde-corona'],
    inference: false,
  },
  R13: {
    title: { nl: 'Platform maakt niet uit', en: 'The platform does not matter' },
    home: 'platforms',
    sources: ['archiefwet-art1', 'na-overheidsinformatie', 'archiefwet'],
    inference: false,
  },
  R14: {
    title: { nl: 'Vastlegmethode', en: 'Capture method' },
    home: 'capture-methods',
    sources: ['na-bewaren'],
    inference: false,
  },
  R15: {
    title: { nl: 'Formaat en metagegevens bij overbrenging', en: 'Format and metadata for transfer' },
    home: 'warc',
    sources: ['richtlijn-websites', 'mdto', 'edepot-metadata'],
    inference: false,
  },
  R16: {
    title: { nl: 'Moment van overbrenging', en: 'When to transfer' },
    home: 'transfer',
    sources: ['archiefwet-art12', 'transfer-10y', 'archiefwet-ek-nota'],
    inference: false,
  },
  R17: {
    title: { nl: 'Likes en reposts', en: 'Likes and reposts' },
    home: 'likes-reposts',
    sources: ['na-bewaren'],
    inference: true,
  },
  R18: {
    title: { nl: 'Bewerkte berichten', en: 'Edited posts' },
    home: 'edited-posts',
    sources: ['richtlijn-websites'],
    inference: true,
  },
};

export interface RuleHit {
  id: RuleId;
  text: Localised;
  sources: Source[];
  inference: boolean;
}

export interface FollowUpOption {
  label: Localised;
  /** Pass these as `facts` with the same question to get the answer for this option. */
  facts: Partial<Facts>;
}

export interface FollowUp {
  /** Which fact it asks for. */
  fact: keyof Facts;
  question: Localised;
  options: FollowUpOption[];
}

export interface Decision {
  verdict: 'archive' | 'do-not-archive' | 'depends';
  hits: RuleHit[];
  /** The rule that decided (the most specific one applied); its guidance entry supports the answer. */
  primary: RuleId;
  followUp?: FollowUp;
  /** Assumptions the decision made, said in the answer. */
  notes: Localised[];
}

const T = {
  R1: {
    nl: 'Wat een overheidsorgaan (of een ambtenaar of bewindspersoon in functie) maakt of ontvangt en wat met de publieke taak te maken heeft, is een archiefbescheid (Archiefwet 1995 art. 1c) en een Woo-document (Woo art. 2.1), ongeacht de vorm of het platform. Het moet in goede, geordende en toegankelijke staat worden bewaard (Archiefwet art. 3, Woo art. 2.4).',
    en: 'What a public body (or an official or minister acting in their function) makes or receives and what relates to the public task is an archival record (Archiefwet 1995 art. 1(c)) and a Woo document (Woo art. 2.1), whatever its form or platform. It must be kept in good, orderly and accessible condition (Archiefwet art. 3, Woo art. 2.4).',
  },
  R1notGov: {
    nl: 'Alleen wat een overheidsorgaan (of iemand in functie) maakt of ontvangt en wat met de publieke taak te maken heeft, is een archiefbescheid (Archiefwet art. 1c). Berichten van anderen op hun eigen accounts zijn dat niet; reacties onder uw eigen berichten vallen onder R9.',
    en: 'Only what a public body (or someone acting in their function) makes or receives and what relates to the public task is an archival record (Archiefwet art. 1(c)). Other people’s posts on their own accounts are not; comments under your own posts fall under R9.',
  },
  R2: {
    nl: 'Berichten, antwoorden, reposts, stories en profielinformatie op een corporate account van de organisatie worden vastgelegd in het informatiesysteem van de organisatie. De bewaartermijn volgt de selectielijst; tot er gewaardeerd is, is permanent bewaren het uitgangspunt (naar analogie van de Richtlijn archiveren overheidswebsites).',
    en: 'Posts, replies, reposts, stories and profile information on the organisation’s corporate account are captured into the organisation’s records system. The retention period follows the selectielijst; until it is appraised, keeping it permanently is the default (by analogy with the guideline for archiving government websites).',
  },
  R3: {
    nl: 'Berichten die een minister of staatssecretaris in die rol plaatst, worden gearchiveerd, op welk account ook (VAC "van wie"; art. 68 Grondwet); voor een bestuurder (burgemeester, wethouder, gedeputeerde, commissaris van de Koning, dijkgraaf) geldt hetzelfde naar analogie. Aanbevolen waardering: bewaren (permanent); dat is een afleiding uit het ACOI-advies voor de chatberichten van bewindspersonen en bestuurders.',
    en: 'Posts a minister or state secretary publishes in that role are archived, on whatever account (VAC "van wie"; art. 68 of the Constitution); the same applies by analogy to a bestuurder (mayor, alderman, provincial executive, King’s commissioner, dike-reeve). Recommended appraisal: keep permanently (bewaren); that is an inference from the ACOI advice on the chat messages of ministers and bestuurders.',
  },
  R4: {
    nl: 'Puur privé- of partijpolitieke inhoud zonder verband met de publieke taak is geen archiefbescheid van de organisatie. De AVG (art. 5, dataminimalisatie) verzet zich ertegen om het te bewaren, behalve voor zover nodig om werkberichten ervan te scheiden.',
    en: 'Purely private or party-political content with no link to the public task is not a record of the organisation. The AVG/GDPR (art. 5, data minimisation) argues against keeping it, beyond what is needed to separate work posts from it.',
  },
  R5: {
    nl: 'Werkinhoud op een privé- of hybride account is toch een document en moet worden vastgelegd (naar analogie van ABRvS 2019:899 over werkberichten op privételefoons). Dit is geen goede praktijk: het beleidsadvies van 2024 zegt "gebruik geen privé-accounts"; stap over op een corporate account.',
    en: 'Work content on a private or hybrid account is still a document and must be captured (by analogy with ABRvS 2019:899 on work messages on private phones). It is not good practice: the 2024 policy advice says "do not use private accounts"; move to a corporate account.',
  },
  R2joint: {
    nl: 'Een account dat meerdere organisaties samen voeren, is een archiefbescheid van de organisatie die het houdt (de penvoerder): die legt het vast als eigen account, en de partners spreken dat af (bijvoorbeeld in de samenwerkingsovereenkomst). Wat een partner op eigen naam plaatst, is ook van die partner. Dit is een afleiding uit R1 en R2; een bron die het zo zegt is er niet.',
    en: 'An account several organisations run together is a record of the organisation that holds it (the lead partner): it captures it as its own account, and the partners agree on that (for example in their cooperation agreement). What a partner posts in its own name is that partner’s too. This is an inference from R1 and R2; no source says it in so many words.',
  },
  R17person: {
    nl: 'Een like of gedeeld bericht van een medewerker op een eigen account is geen handeling van de organisatie: er hoeft niets te worden vastgelegd. Het origineel is een archiefbescheid van wie het maakte; likes en reposts van het account van de organisatie zelf horen als context bij dat account.',
    en: 'A like or share by a colleague on an own account is no act of the organisation: nothing needs to be captured. The original is a record of whoever made it; the likes and reposts of the organisation’s own account belong to that account as context.',
  },
  R5role: {
    nl: 'Een ambtenaar die op een eigen account over het werk schrijft, doet dat niet vanzelf in functie. Wat in functie wordt gemaakt — voor de organisatie, als aanspreekpunt, vragen van burgers beantwoorden — is een document dat moet worden vastgelegd (naar analogie van ABRvS 2019:899; beter via een account van de organisatie). Een eigen kijk op het vak, op persoonlijke titel, is geen archiefbescheid van de organisatie (R1).',
    en: 'A civil servant writing about the work on an own account is not by that alone acting in the function. What is made in the function — for the organisation, as its contact point, answering citizens’ questions — is a document that must be captured (by analogy with ABRvS 2019:899; better through an account of the organisation). A view of the field in a personal capacity is no record of the organisation (R1).',
  },
  R1personal: {
    nl: 'Op persoonlijke titel, als persoon en niet in functie geschreven: geen archiefbescheid van de organisatie, ook al gaat het over het vak (Archiefwet art. 1c: alleen wat in functie wordt gemaakt of ontvangen).',
    en: 'Written in a personal capacity, as a person and not in the function: no record of the organisation, even though it is about the field (Archiefwet art. 1(c): only what is made or received in the function).',
  },
  R5open: {
    nl: 'Op een privé-, persoonlijk of hybride account is alleen werkinhoud een document dat moet worden vastgelegd (naar analogie van ABRvS 2019:899); puur privé- of partijpolitieke berichten niet (R4). Per bericht moet dus worden bepaald of het over het werk gaat.',
    en: 'On a private, personal or hybrid account only work content is a document that must be captured (by analogy with ABRvS 2019:899); purely private or party-political posts are not (R4). So each post must be judged on whether it is about the work.',
  },
  R6base: {
    nl: "Privéberichten (DM's) en chat vallen buiten de handreiking sociale media van het Nationaal Archief; daarvoor geldt het regime voor chatberichten (ACOI 2023, kabinetsreactie 6 april 2023), waarin de rol van verzender of ontvanger beslist.",
    en: 'Direct messages and chat fall outside the Nationaal Archief’s social media handreiking; the chat-message regime applies (ACOI 2023, cabinet response of 6 April 2023), in which the role of the sender or receiver decides.',
  },
  R6bewinds: {
    nl: 'Is een bewindspersoon of bestuurder verzender of ontvanger, dan wordt het bericht permanent bewaard.',
    en: 'When a minister or bestuurder sends or receives it, the message is kept permanently.',
  },
  R6top: {
    nl: 'Is iemand uit de ambtelijke top verzender of ontvanger, dan wordt het bericht tijdelijk bewaard (ongeveer 5 tot 10 jaar).',
    en: 'When a top civil servant sends or receives it, the message is kept temporarily (about 5 to 10 years).',
  },
  R6staff: {
    nl: 'Bij andere medewerkers (ook een webcareteam of algemene inbox) alleen als het bericht informatie bevat die nodig is voor het werk, zoals een afspraak, toezegging of besluit; anders zijn geen maatregelen nodig.',
    en: 'For other staff (including a webcare team or a general inbox) only when the message holds information needed for the work, such as an agreement, a promise or a decision; otherwise no measures are needed.',
  },
  R7delete: {
    nl: 'Van het platform halen mag pas nadat het bericht is gearchiveerd. Het archiefexemplaar zelf mag alleen worden vernietigd volgens de selectielijst, met een verklaring van vernietiging (Archiefwet art. 3 en 5). Dat geldt ook voor het leegmaken of hernoemen van een account, bijvoorbeeld bij een kabinetswissel.',
    en: 'Taking it off the platform is only allowed once it has been archived. The archived copy itself may only be destroyed under the selectielijst, with a destruction record (verklaring van vernietiging; Archiefwet art. 3 and 5). The same goes for clearing or renaming an account, for example at a change of cabinet.',
  },
  R1copy: {
    nl: 'Een kopie (een screenshot, een export, een afdruk) van wat de organisatie zelf al vastlegt, is geen apart archiefbescheid: het origineel is dat, en dat wordt bewaard. Zorg wel dat het origineel echt is vastgelegd; bevat de kopie iets wat het origineel mist (een reactie, een context), dan telt dat wel.',
    en: 'A copy (a screenshot, an export, a print) of what the organisation already captures is no record of its own: the original is, and it is kept. Do make sure the original really is captured; if the copy holds something the original lacks (a comment, a context), that does count.',
  },
  R1semiPublic: {
    nl: 'Of de Archiefwet voor deze organisatie geldt, hangt ervan af of zij een overheidsorgaan is (of een instelling die bij wet met openbaar gezag is bekleed): een openbare school van de gemeente of een bij wet ingestelde instelling wel, een particuliere stichting of vereniging in de regel niet, ook niet met overheidsgeld. Vraag het uw DIV of informatiebeheerder. Dit is een afleiding uit de begripsbepaling van de Archiefwet.',
    en: 'Whether the Archiefwet applies to this organisation depends on whether it is a public body (or an institution given public authority by law): a municipality’s own public school or a body set up by law is, a private foundation or association usually is not, even with public funding. Ask your records manager (DIV). This is an inference from the Archiefwet’s definitions.',
  },
  R7recent: {
    nl: 'Iets van een paar dagen oud kan geen bewaartermijn van de selectielijst hebben uitgediend: archiveer het dus eerst; daarna mag het van het platform.',
    en: 'Something a few days old cannot have reached the end of any retention period in the selectielijst: so archive it first; after that it may come off the platform.',
  },
  R7unkept: {
    nl: 'Wat nog niet is gearchiveerd, verdwijnt met het verwijderen (een gecorrigeerd bericht, een opgeheven account) voorgoed: archiveer het dus eerst, met de versie die wordt vervangen; daarna mag het van het platform.',
    en: 'What has not been archived is gone for good once deleted (a corrected post, a closed account): so archive it first, including the version being replaced; after that it may come off the platform.',
  },
  R7elsewhere: {
    nl: '"Het staat nog op het platform" of "het is elders vastgelegd" is geen grond om niet te archiveren: de Archiefwet kent die grond niet, stelde de Inspectie in oktober 2022 vast. Het platform kan het bericht elk moment wijzigen of verwijderen.',
    en: '"It is still on the platform" or "it is recorded elsewhere" is no ground for not archiving: the Archiefwet has no such ground, the Inspectie found in October 2022. The platform can change or remove the post at any time.',
  },
  R7deleted: {
    nl: 'Dat het bericht op het platform is verwijderd, beëindigt de archiefplicht niet: bewaar wat is vastgelegd volgens de selectielijst, en leg vast dat en wanneer het is verwijderd.',
    en: 'The post being deleted on the platform does not end the duty to archive it: keep what was captured under the selectielijst, and record that, and when, it was deleted.',
  },
  R8: {
    nl: 'Zolang een Woo-verzoek, bezwaar, beroep of ander geschil over deze inhoud loopt, mag er niets van worden vernietigd, ook niet als de bewaartermijn voorbij is (Rb. Midden-Nederland, ECLI:NL:RBMNE:2020:5875). Leg er een hold op.',
    en: 'While a Woo request, objection, appeal or other dispute about this content is pending, none of it may be destroyed, even if its retention period has expired (Midden-Nederland court, ECLI:NL:RBMNE:2020:5875). Put a hold on it.',
  },
  R9: {
    nl: 'Reacties van anderen horen bij de inhoud en de context van het bericht van de organisatie. Leg ze vast waar ze nodig zijn om het bericht te begrijpen en waardeer ze volgens de selectielijst. Ze bevatten vaak persoonsgegevens: bewaren voor archivering in het algemeen belang mag (AVG art. 5 lid 1 b en 89), maar beperk de gegevens tot wat nodig is en leg openbaarheidsbeperkingen vast (beperkingGebruik).',
    en: 'Other people’s comments are part of the content and context of the organisation’s post. Capture them where they are needed to understand the post and appraise them under the selectielijst. They often hold personal data: keeping them for archiving in the public interest is allowed (GDPR art. 5(1)(b) and 89), but keep only what is needed and record access restrictions (beperkingGebruik).',
  },
  R9erasure: {
    nl: 'Het recht op vergetelheid (AVG art. 17) geldt niet voor zover bewaren nodig is voor een wettelijke plicht zoals de Archiefwet of voor archivering in het algemeen belang (art. 17 lid 3 b en d). Bewaar het archiefexemplaar dus, maar beperk de persoonsgegevens en de openbaarheid (beperkingGebruik).',
    en: 'The right to erasure (GDPR art. 17) does not apply where keeping is needed for a legal obligation such as the Archiefwet or for archiving in the public interest (art. 17(3)(b) and (d)). So keep the archived copy, but limit the personal data and access (beperkingGebruik).',
  },
  R10: {
    nl: 'Webcare-antwoorden van de organisatie zijn archiefbescheiden (gemaakt bij de uitvoering van een taak): archiveer ze samen met de vraag of het bericht waarop ze antwoorden. De termijn volgt de selectielijst; een concrete termijn is niet gevonden (waarschijnlijk een korte vernietigingstermijn, niet geverifieerd).',
    en: 'The organisation’s webcare replies are archival records (made while carrying out a task): archive them together with the question or post they answer. The term follows the selectielijst; no concrete term was found (probably a short destruction term, unverified).',
  },
  R11: {
    nl: 'Formele besluiten en bekendmakingen horen niet via sociale media te gaan (Awb art. 2:9 en 2:13, Wmebv): archiveer het bericht en zorg dat het besluit zelf in het formele dossier staat.',
    en: 'Formal decisions and notifications should not go through social media (Awb art. 2:9 and 2:13, Wmebv): archive the post and make sure the decision itself is in the formal file.',
  },
  R12: {
    nl: 'Het gaat over een hotspot (crisis of grote gebeurtenis): overweeg permanent bewaren (B), ook als de selectielijst anders vernietiging zou toestaan (hotspot-monitor, "Belangen in balans").',
    en: 'It concerns a hotspot (a crisis or major event): consider keeping it permanently (B), even where the selectielijst would otherwise allow destruction (hotspot monitor, "Belangen in balans").',
  },
  R13: {
    nl: 'Het platform ({platform}) verandert niets aan de status: dezelfde regels gelden op X, Mastodon, Bluesky, TikTok en elk ander platform.',
    en: 'The platform ({platform}) does not change the status: the same rules apply on X, Mastodon, Bluesky, TikTok and any other platform.',
  },
  R16rijk: {
    nl: 'Wat permanent bewaard wordt, brengt de rijksoverheid over naar het Nationaal Archief: na 20 jaar onder de Archiefwet 1995 (art. 12); onder de nieuwe Archiefwet wordt dat 10 jaar, zodra die in werking is (het wetsvoorstel lag in oktober 2025 nog bij de Eerste Kamer).',
    en: 'What is kept permanently the central government transfers to the Nationaal Archief: after 20 years under the Archiefwet 1995 (art. 12); under the new Archiefwet this becomes 10 years once it is in force (the bill was still before the Eerste Kamer in October 2025).',
  },
  R16local: {
    nl: 'Wat permanent bewaard wordt, brengt {org} over naar de eigen archiefbewaarplaats (vaak een regionaal historisch centrum), niet naar het Nationaal Archief: na 20 jaar onder de Archiefwet 1995 (art. 12); onder de nieuwe Archiefwet wordt dat 10 jaar, zodra die in werking is.',
    en: 'What is kept permanently {org} transfers to its own archive repository (archiefbewaarplaats, often a regional historical centre), not to the Nationaal Archief: after 20 years under the Archiefwet 1995 (art. 12); under the new Archiefwet this becomes 10 years once it is in force.',
  },
  R16any: {
    nl: 'Wat permanent bewaard wordt, gaat na 20 jaar (Archiefwet 1995, art. 12; onder de nieuwe Archiefwet 10 jaar, zodra die in werking is) naar een archiefbewaarplaats: voor de rijksoverheid het Nationaal Archief, voor een gemeente, provincie of waterschap de eigen archiefbewaarplaats.',
    en: 'What is kept permanently goes to an archive repository after 20 years (Archiefwet 1995, art. 12; 10 years under the new Archiefwet once it is in force): the Nationaal Archief for the central government, its own archiefbewaarplaats for a municipality, province or water board.',
  },
  R1outside: {
    nl: 'Wat iemand plaatste voordat (of nadat) hij of zij het ambt bekleedde, is niet in functie gemaakt: het is geen archiefbescheid van het overheidsorgaan (Archiefwet art. 1c, Woo art. 2.1), tenzij het toen al over het werk van dat orgaan ging.',
    en: 'What someone posted before (or after) holding the office was not made in that function: it is not a record of the public body (Archiefwet art. 1(c), Woo art. 2.1), unless it already concerned that body’s work.',
  },
  R17: {
    nl: 'Likes en reposts van het account horen bij het informatieobject van het account (actieknoppen zijn wezenlijke kenmerken): leg ze vast als context. De gedeelde inhoud zelf is een archiefbescheid van wie het maakte. Een aparte bewaarregel bestaat niet; dit is een afleiding.',
    en: 'The account’s likes and reposts belong to the account’s information object (action buttons are significant properties): capture them as context. The shared content itself is a record of whoever made it. No separate retention rule exists; this is an inference.',
  },
  R18: {
    nl: 'Bij een bewerkt bericht worden alle vastgelegde versies bewaard, niet alleen de laatste, zoals websites met "alle geharveste versies" worden bewaard; dat naar sociale media doortrekken is een afleiding.',
    en: 'For an edited post every captured version is kept, not only the latest, just as websites are kept with "all harvested versions"; extending that to social media is an inference.',
  },
} satisfies Record<string, Localised>;

const FOLLOW_UPS = {
  account: {
    fact: 'account',
    question: {
      nl: 'Is dit een account van het ministerie of een privé-account?',
      en: 'Is this an account of the ministry or a private account?',
    },
    options: [
      {
        label: { nl: 'Account van het ministerie (corporate)', en: 'The ministry’s (corporate) account' },
        facts: { account: 'corporate' },
      },
      {
        label: { nl: 'Account van een bewindspersoon', en: 'A minister’s account' },
        facts: { account: 'bewindspersoon' },
      },
      { label: { nl: 'Privé-account', en: 'Private account' }, facts: { account: 'private' } },
      { label: { nl: 'Hybride account', en: 'Hybrid account' }, facts: { account: 'hybrid' } },
    ],
  },
  holderAccount: {
    fact: 'account',
    question: {
      nl: 'Staat het op een account van de organisatie of het ambtsaccount van de bestuurder, of op een eigen (privé-)account?',
      en: 'Is it on an account of the organisation or the office-holder’s official account, or on their own (private) account?',
    },
    options: [
      {
        label: { nl: 'Account van de organisatie', en: 'The organisation’s account' },
        facts: { account: 'corporate' },
      },
      {
        label: { nl: 'Ambtsaccount van de bestuurder', en: 'The office-holder’s official account' },
        facts: { account: 'bewindspersoon' },
      },
      {
        label: { nl: 'Eigen (privé-)account', en: 'Their own (private) account' },
        facts: { account: 'private' },
      },
    ],
  },
  publicTask: {
    fact: 'publicTask',
    question: {
      nl: 'Gaat het bericht over het werk (de publieke taak), of is het privé of partijpolitiek?',
      en: 'Is the post about the work (the public task), or is it private or party-political?',
    },
    options: [
      { label: { nl: 'Over het werk', en: 'About the work' }, facts: { publicTask: true } },
      {
        label: { nl: 'Privé of partijpolitiek', en: 'Private or party-political' },
        facts: { publicTask: false },
      },
    ],
  },
  joint: {
    fact: 'joint',
    question: {
      nl: 'Houdt uw organisatie het gezamenlijke account (als penvoerder), of een van de partners?',
      en: 'Does your organisation hold the shared account (as lead partner), or one of the partners?',
    },
    options: [
      {
        label: { nl: 'Wij houden het account', en: 'We hold the account' },
        facts: { joint: 'ours', account: 'corporate', author: 'organisation' },
      },
      {
        label: { nl: 'Een partner houdt het', en: 'A partner holds it' },
        facts: { joint: 'partner' },
      },
    ],
  },
  onBehalf: {
    fact: 'onBehalf',
    question: {
      nl: 'Schrijft de medewerker dit in functie, voor de organisatie (als aanspreekpunt, om vragen te beantwoorden), of als persoon, op eigen titel?',
      en: 'Does the colleague write this in the role, for the organisation (as its contact point, answering questions), or as a person, in a personal capacity?',
    },
    options: [
      {
        label: { nl: 'In functie, voor de organisatie', en: 'In the role, for the organisation' },
        facts: { onBehalf: true },
      },
      {
        label: { nl: 'Als persoon, op eigen titel', en: 'As a person, in a personal capacity' },
        facts: { onBehalf: false },
      },
    ],
  },
  dmRole: {
    fact: 'author',
    question: {
      nl: 'Wie heeft het bericht verstuurd of ontvangen?',
      en: 'Who sent or received the message?',
    },
    options: [
      {
        label: { nl: 'Een bewindspersoon of bestuurder', en: 'A minister or bestuurder' },
        facts: { author: 'bewindspersoon' },
      },
      {
        label: { nl: 'Iemand uit de ambtelijke top', en: 'A top civil servant' },
        facts: { author: 'top-official' },
      },
      {
        label: { nl: 'Een andere medewerker of de organisatie', en: 'Other staff or the organisation' },
        facts: { author: 'civil-servant' },
      },
    ],
  },
  publicBody: {
    fact: 'semiPublic',
    question: {
      nl: 'Is de organisatie een overheidsorgaan (of bij wet met openbaar gezag bekleed)?',
      en: 'Is the organisation a public body (or given public authority by law)?',
    },
    options: [
      { label: { nl: 'Ja', en: 'Yes' }, facts: { semiPublic: false, author: 'organisation' } },
      {
        label: { nl: 'Nee', en: 'No' },
        facts: { semiPublic: false, author: 'third-party', account: 'corporate' },
      },
    ],
  },
  dmContent: {
    fact: 'publicTask',
    question: {
      nl: 'Bevat het bericht informatie die nodig is voor het werk, zoals een afspraak, toezegging of besluit?',
      en: 'Does the message hold information needed for the work, such as an agreement, a promise or a decision?',
    },
    options: [
      { label: { nl: 'Ja', en: 'Yes' }, facts: { publicTask: true, needed: true } },
      { label: { nl: 'Nee', en: 'No' }, facts: { needed: false } },
    ],
  },
  hold: {
    fact: 'hold',
    question: {
      nl: 'Loopt er een Woo-verzoek, bezwaar of rechtszaak over deze berichten?',
      en: 'Is a Woo request, objection or lawsuit about these posts pending?',
    },
    options: [
      { label: { nl: 'Ja', en: 'Yes' }, facts: { hold: true } },
      { label: { nl: 'Nee', en: 'No' }, facts: { hold: false } },
    ],
  },
} satisfies Record<string, FollowUp>;

const ASSUME_ORGANISATION: Localised = {
  nl: 'Ik ga ervan uit dat het om een account van de organisatie gaat; op een privé-account geldt dit alleen voor werkinhoud.',
  en: 'I assume this is about the organisation’s own account; on a private account this applies only to work content.',
};

const PLATFORM_DISPLAY: Record<string, string> = {
  x: 'X',
  facebook: 'Facebook',
  instagram: 'Instagram',
  linkedin: 'LinkedIn',
  mastodon: 'Mastodon',
  'social.overheid.nl': 'social.overheid.nl',
  bluesky: 'Bluesky',
  threads: 'Threads',
  tiktok: 'TikTok',
  youtube: 'YouTube',
  snapchat: 'Snapchat',
  telegram: 'Telegram',
  whatsapp: 'WhatsApp',
  web: 'web',
};

function hit(id: RuleId, text: Localised, facts: Facts): RuleHit {
  const def = RULES[id]!;
  const platform = facts.platform ? (PLATFORM_DISPLAY[facts.platform] ?? facts.platform) : '';
  return {
    id,
    text: {
      nl: text.nl.replace('{platform}', platform || 'het platform').replace(' (het platform)', ''),
      en: text.en.replace('{platform}', platform || 'the platform').replace(' (the platform)', ''),
    },
    sources: def.sources.map(source),
    inference: def.inference,
  };
}

/** Applies R1–R18 to the facts. */
export function decide(f: Facts): Decision {
  const c = deciding(f);
  const early = overridingRules(c) ?? directMessage(c) ?? notGovernmentContent(c);
  if (early) return early;
  const { account, platformOnly } = whoseAccount(c);
  return byAccount(c, account, platformOnly);
}

/** A decision under way: the facts, the rules applied so far and the assumptions made. */
interface Deciding {
  f: Facts;
  /** Assumptions made, said in the answer. */
  notes: Localised[];
  /** Applies a rule (once; a rule applied again keeps its first text). */
  add: (id: RuleId, text: Localised) => void;
  /** The decision with the rules applied so far; R13 (platform) whenever the item may have to be kept. */
  done: (verdict: Decision['verdict'], primary: RuleId, followUp?: FollowUp) => Decision;
}

function deciding(f: Facts): Deciding {
  const hits: RuleHit[] = [];
  const notes: Localised[] = [];
  const add = (id: RuleId, text: Localised) => {
    if (!hits.some((h) => h.id === id)) hits.push(hit(id, text, f));
  };
  const done = (verdict: Decision['verdict'], primary: RuleId, followUp?: FollowUp): Decision => {
    if (verdict !== 'do-not-archive' && f.platform && f.platform !== 'web') add('R13', T.R13);
    return { verdict, hits, primary, notes, ...(followUp ? { followUp } : {}) };
  };
  return { f, notes, add, done };
}

/** Rules that decide whatever the item is: a hold, "kept elsewhere", erasure, the wish to delete. */
function overridingRules({ f, add, done }: Deciding): Decision | undefined {
  // R8: a pending Woo request or dispute: nothing may be destroyed.
  if (f.hold) {
    add('R8', T.R8);
    if (f.intent === 'delete') add('R7', T.R7delete);
    add('R1', T.R1);
    return done('archive', 'R8');
  }
  // R1: a copy of what the organisation already captures is no record of its own; the original is. (The
  // organisation's own capture is no "kept elsewhere" either.)
  if (f.copy) {
    add('R1', T.R1copy);
    return done('do-not-archive', 'R1');
  }
  // R7: "it is still on the platform / kept elsewhere" is no ground.
  if (f.elsewhere) {
    add('R7', T.R7elsewhere);
    add('R1', T.R1);
    return done('archive', 'R7');
  }
  // R9: the right to erasure does not reach the archived copy.
  if (f.erasure) {
    add('R9', T.R9erasure);
    return done('archive', 'R9');
  }
  // R7: deleting, clearing or renaming: only after archiving, destruction only under the selectielijst.
  // Not for content that is no record at all: purely private posts on a person's own account may go (R4).
  const privateOnly =
    f.publicTask === false && ['private', 'hybrid', 'civil-servant'].includes(f.account ?? '');
  // … nor a staff chat said to hold nothing needed ("ging alleen over wie de zaal boekt"): the chat regime
  // decides it (R6), whether or not it is to be wiped
  const nothingNeeded =
    f.content === 'dm' && f.needed === false && f.author !== 'bewindspersoon' && f.author !== 'top-official';
  if (f.intent === 'delete' && !privateOnly && !nothingNeeded) {
    // Made days ago: no term of the selectielijst has passed, so it must be kept (archived first).
    if (f.recent) {
      add('R7', join(T.R7delete, T.R7recent));
      add('R1', T.R1);
      return done('archive', 'R7');
    }
    // Crisis posts (a hotspot) are kept permanently whatever the selectielijst's usual term allows, so
    // they are archived before they go ("kunnen de brandupdates na een jaar weg?").
    if (f.hotspot && f.publicTask !== false && f.content !== 'dm') {
      add('R12', T.R12);
      add('R7', T.R7delete);
      return done('archive', 'R12');
    }
    // Chats that are records under the chat regime (an office-holder's, a top official's, or holding an
    // agreement or decision): archived before the phone or account is wiped.
    if (
      f.content === 'dm' &&
      (f.needed === true || f.author === 'bewindspersoon' || f.author === 'top-official')
    ) {
      add('R7', T.R7delete);
      add('R6', T.R6base);
      return done('archive', 'R7');
    }
    // Said not to be archived, taken down to correct it, or a whole account closed: it goes for good.
    // (on a person's own account only when it holds work: "used it for years on the ministry's behalf")
    const personal = f.account === 'private' || f.account === 'hybrid';
    if (f.unkept && (!personal || f.onBehalf === true || f.publicTask === true)) {
      add('R7', join(T.R7delete, T.R7unkept));
      add('R1', T.R1);
      return done('archive', 'R7');
    }
    add('R7', T.R7delete);
    add('R8', T.R8);
    return done('depends', 'R7', f.hold === false ? undefined : FOLLOW_UPS.hold);
  }
  return undefined;
}

/** R6: direct messages follow the chat-message regime; who sent or received them decides. */
function directMessage({ f, add, done }: Deciding): Decision | undefined {
  if (f.content !== 'dm') return undefined;
  // Private content is not a record whoever sends it: R4 before the chat regime (a minister's message to family).
  if (f.publicTask === false) {
    add('R4', T.R4);
    add('R6', T.R6base);
    return done('do-not-archive', 'R4');
  }
  if (f.author === 'bewindspersoon') {
    add('R6', join(T.R6base, T.R6bewinds));
    return done('archive', 'R6');
  }
  if (f.author === 'top-official') {
    add('R6', join(T.R6base, T.R6top));
    return done('archive', 'R6');
  }
  if (f.author === null) {
    add('R6', join(T.R6base, T.R6bewinds, T.R6top, T.R6staff));
    return done('depends', 'R6', FOLLOW_UPS.dmRole);
  }
  add('R6', join(T.R6base, T.R6staff));
  // Other staff: kept only when it holds information needed for the record (an agreement, a promise, a
  // decision); about the work alone is not enough ("a colleague DMs about the campaign planning").
  // (private content was decided above, under R4)
  if (f.needed === false) return done('do-not-archive', 'R6');
  if (f.needed === true || f.formal === true) return done('archive', 'R6');
  return done('depends', 'R6', FOLLOW_UPS.dmContent);
}

/** Content that is not the government's own work: private or party-political, or by others. */
function notGovernmentContent({ f, add, done }: Deciding): Decision | undefined {
  // A foundation, a school, a hospital: whether the Archiefwet reaches it depends on whether it is a public body.
  if (f.semiPublic === true && f.author !== 'bewindspersoon') {
    add('R1', T.R1semiPublic);
    return done('depends', 'R1', FOLLOW_UPS.publicBody);
  }
  // The organisation's own account of a body that is not government (a company): not a record.
  if (
    f.author === 'third-party' &&
    f.account === 'corporate' &&
    (f.orgKind === null || f.semiPublic === false) &&
    f.content !== 'comment'
  ) {
    add('R1', T.R1notGov);
    return done('do-not-archive', 'R1');
  }
  // Made before or after the author held the office: not made acting in a function (R1), whatever it is
  // about — a former minister's threads on policy are her own.
  if (f.inOffice === false) {
    add('R1', T.R1outside);
    return done('do-not-archive', 'R1');
  }
  // R4: purely private or party-political content is not a record.
  if (f.publicTask === false) {
    add('R4', T.R4);
    return done('do-not-archive', 'R4');
  }
  // R17: the original of what the organisation reposted or liked is its maker's record, not the organisation's
  // (the repost or like itself is context of the organisation's account).
  if (f.original && (f.content === 'repost' || f.content === 'like')) {
    add('R17', T.R17);
    return done('do-not-archive', 'R17');
  }
  // R9: comments by others: context of the organisation's post, appraised under the selectielijst; captured
  // with the post where they are needed to understand it (asked along with it, a hotspot, a consultation).
  if (f.content === 'comment') {
    add('R9', T.R9);
    if (f.asContext && f.erasure !== true) {
      if (f.hotspot) add('R12', T.R12);
      return done('archive', 'R9');
    }
    return done('depends', 'R9');
  }
  if (f.author === 'third-party' && f.account === null && (f.content === 'like' || f.content === 'repost')) {
    // A citizen's like or share of the organisation's post: a counter or context of that post.
    add('R9', T.R9);
    return done('depends', 'R9');
  }
  // Someone else's post, on their own account or none named: not a record of the organisation.
  if (f.author === 'third-party' && (f.account === null || f.account === 'private')) {
    add('R1', T.R1notGov);
    return done('do-not-archive', 'R1');
  }
  return undefined;
}

/**
 * The account the item is on: as stated, or implied by the author, or (noted in the answer) assumed to be
 * the organisation's own. `platformOnly`: the question names a platform and nothing else.
 */
function whoseAccount({ f, notes }: Deciding): { account: Facts['account']; platformOnly: boolean } {
  let account = f.account;
  const platformOnly = f.content === null && f.platform !== null && f.account === null && f.author === null;
  // A mayor's, alderman's or provincial executive's item with neither its account nor its subject said
  // ("Onze gedeputeerde heeft een reel op Instagram gezet"): whose account it is decides — an office-holder
  // of a municipality, province or water board often posts on an own account. A minister's is taken to be
  // in the role (R3).
  // (Not when something else decides: a deletion, an edit, a hold, a crisis, a formal decision.)
  const localHolder =
    ['gemeente', 'provincie', 'waterschap'].includes(f.orgKind ?? '') &&
    f.publicTask === null &&
    f.content !== 'dm' &&
    f.change === null &&
    f.intent === null &&
    !f.hold &&
    !f.hotspot &&
    !f.formal &&
    !f.erasure;
  if (account === null && f.author === 'bewindspersoon' && !localHolder) account = 'bewindspersoon';
  if (account === null && f.author === 'organisation') account = 'corporate';
  if (
    account === null &&
    f.author === null &&
    (['like', 'repost', 'profile', 'story', 'webcare'].includes(f.content ?? '') ||
      f.change !== null ||
      f.formal ||
      f.hotspot ||
      // "Geldt dit ook voor Bluesky?": a question about the platform, not about one account.
      platformOnly)
  ) {
    // Things an account does or has (likes, a profile, edits): asked about the organisation's own.
    account = 'corporate';
    notes.push(ASSUME_ORGANISATION);
  }
  return { account, platformOnly };
}

/** R2, R3, R5: the account decides; on a private, hybrid or staff account only work content counts. */
function byAccount({ f, add, done }: Deciding, account: Facts['account'], platformOnly: boolean): Decision {
  // One account of several bodies: the one that holds it archives it, by agreement (R2).
  if (f.joint === 'unclear' && account !== 'private' && account !== 'hybrid') {
    add('R2', T.R2joint);
    return done('depends', 'R2', FOLLOW_UPS.joint);
  }
  if (f.joint === 'partner') {
    add('R1', T.R2joint);
    return done('do-not-archive', 'R1');
  }
  if (account === 'private' || account === 'hybrid' || account === 'civil-servant') {
    // A civil servant's like or share on an own account is no act of the organisation; the original is its
    // maker's record (R17 reaches the organisation's own account).
    // (whoever it is, short of a minister: "I liked and reposted it from my personal account")
    if ((f.content === 'like' || f.content === 'repost') && f.author !== 'bewindspersoon') {
      add('R17', T.R17person);
      return done('do-not-archive', 'R17');
    }
    // A civil servant writing about the work on an own account does so in the role (for the organisation,
    // answering questions) or as a person with a view of the field: which one decides (R5, R1).
    if (
      f.publicTask === true &&
      f.author === 'civil-servant' &&
      f.content !== 'webcare' &&
      f.onBehalf !== true
    ) {
      if (f.onBehalf === false) {
        add('R1', T.R1personal);
        return done('do-not-archive', 'R1');
      }
      add('R5', T.R5role);
      return done('depends', 'R5', FOLLOW_UPS.onBehalf);
    }
    if (f.publicTask === true) {
      add('R1', T.R1);
      if (f.author === 'bewindspersoon') add('R3', T.R3);
      add('R5', T.R5);
      return extras(f, add, done('archive', 'R5'));
    }
    add('R5', T.R5open);
    add('R4', T.R4);
    if (f.author === 'bewindspersoon') add('R3', T.R3);
    return done('depends', 'R5', FOLLOW_UPS.publicTask);
  }
  if (account === 'corporate') {
    add('R1', T.R1);
    add('R2', T.R2);
    if (f.author === 'bewindspersoon') add('R3', T.R3);
    return extras(
      f,
      add,
      done('archive', platformOnly ? 'R13' : f.author === 'bewindspersoon' ? 'R3' : 'R2'),
    );
  }
  if (account === 'bewindspersoon') {
    add('R1', T.R1);
    add('R3', T.R3);
    return extras(f, add, done('archive', 'R3'));
  }
  // Whose account is it? That decides.
  add('R2', T.R2);
  add('R5', T.R5open);
  if (f.author === 'bewindspersoon') return done('depends', 'R5', FOLLOW_UPS.holderAccount);
  return done('depends', 'R2', FOLLOW_UPS.account);
}

/** Rules that add to an archive verdict: the kind of item, its state, formal decisions, hotspots. */
function extras(f: Facts, add: (id: RuleId, text: Localised) => void, d: Decision): Decision {
  // Webcare by the organisation; on a private account the account rule (R5) stays the deciding one.
  if (f.content === 'webcare' && f.author !== 'bewindspersoon' && d.primary !== 'R5') add('R10', T.R10);
  if (f.content === 'like' || f.content === 'repost') add('R17', T.R17);
  if (f.change === 'edited') add('R18', T.R18);
  if (f.change === 'deleted') add('R7', T.R7deleted);
  if (f.formal) add('R11', T.R11);
  if (f.hotspot) add('R12', T.R12);
  if (d.hits.some((h) => h.id === 'R3' || h.id === 'R12')) add('R16', transferText(f));
  const specific = (['R10', 'R17', 'R18', 'R7', 'R11', 'R12'] as RuleId[]).find((id) =>
    d.hits.some((h) => h.id === id),
  );
  if (specific) d.primary = specific;
  // R13 goes last (done() added it before the extras): move it to the end.
  const i = d.hits.findIndex((h) => h.id === 'R13');
  if (i >= 0) d.hits.push(...d.hits.splice(i, 1));
  return d;
}

const ORG_NAME: Record<string, Localised> = {
  gemeente: { nl: 'een gemeente', en: 'a municipality' },
  provincie: { nl: 'een provincie', en: 'a province' },
  waterschap: { nl: 'een waterschap', en: 'a water board' },
  regio: {
    nl: 'een gemeenschappelijke regeling (zoals een GGD of veiligheidsregio)',
    en: 'a joint arrangement of municipalities (such as a GGD or safety region)',
  },
};

/** R16 for the organisation the question is about: the Rijk to the Nationaal Archief, others to their own. */
export function transferText(f: Facts): Localised {
  if (f.orgKind === 'rijk') return T.R16rijk;
  const org = f.orgKind ? ORG_NAME[f.orgKind] : undefined;
  if (!org) return T.R16any;
  return { nl: T.R16local.nl.replace('{org}', org.nl), en: T.R16local.en.replace('{org}', org.en) };
}

function join(...parts: Localised[]): Localised {
  return { nl: parts.map((p) => p.nl).join(' '), en: parts.map((p) => p.en).join(' ') };
}

/** The rule texts, for the README and tests. */
