/**
 * Data, not synonyms (issue 15): the government organisations and their kinds, office-holder titles,
 * political parties and chat words the question reader recognises, each list with the source it was
 * taken from. The lists join the lexicon as concepts (who, which organisation, a chat message); the
 * organisation kind decides where permanent records are transferred to (R16). Add a name to the list it
 * belongs to; the lists are data, the rules (rules.ts) never test a single name.
 */
import type { Source } from './content.ts';
import type { Concept } from './lexicon.ts';

/**
 * The kind of government organisation. `rijk`: ministries, their agencies, courts, independent bodies of
 * the central government (records transferred to the Nationaal Archief); the others keep their own
 * archive repository (archiefbewaarplaats): municipalities, provinces, water boards, and joint
 * arrangements of municipalities (`regio`: GGD, veiligheidsregio, omgevingsdienst).
 */
export type OrgKind = 'rijk' | 'gemeente' | 'provincie' | 'waterschap' | 'regio';

export interface DataList {
  id: string;
  /** What the list holds and how the reader uses it. */
  about: string;
  concept: Concept;
  /** The organisation kind its terms imply, when one does. */
  kind?: OrgKind;
  sources: Source[];
  terms: string[];
}

const ORGANISATIES: Source = {
  title: 'Overheid.nl: Organisaties (Staatsalmanak, register van overheidsorganisaties)',
  url: 'https://organisaties.overheid.nl/',
};
const GEMEENTEWET: Source = {
  title: 'Gemeentewet (BWBR0005416), art. 6 (bestuur: raad, college, burgemeester)',
  url: 'https://wetten.overheid.nl/jci1.3:c:BWBR0005416&artikel=6',
};
const PROVINCIEWET: Source = {
  title:
    'Provinciewet (BWBR0005645), art. 6 (bestuur: Provinciale Staten, Gedeputeerde Staten, commissaris van de Koning)',
  url: 'https://wetten.overheid.nl/jci1.3:c:BWBR0005645&artikel=6',
};
const PARLEMENT: Source = { title: 'Parlement.com: politieke partijen', url: 'https://www.parlement.com/' };
const KIESRAAD: Source = { title: 'Kiesraad: registratie van partijnamen', url: 'https://www.kiesraad.nl/' };
const ACOI: Source = {
  title: 'ACOI: advies chatberichten (19 januari 2023)',
  url: 'https://www.acoi.nl/adviezen/chatberichten/',
};

export const DATA: DataList[] = [
  {
    id: 'bestuurders-gemeente',
    about:
      'municipal office-holders (bestuurders): like a minister, their posts in role are archived (R3, R6)',
    concept: 'bewinds',
    kind: 'gemeente',
    sources: [GEMEENTEWET],
    terms: [
      'burgemeester',
      'burgemeesters',
      'loco-burgemeester',
      'wethouder',
      'wethouders',
      'college van b en w',
      'college van burgemeester en wethouders',
      'college',
      'mayor',
      'mayors',
      'deputy mayor',
      'alderman',
      'aldermen',
      'alderwoman',
      'executive councillor',
    ],
  },
  {
    id: 'bestuurders-provincie',
    about: 'provincial office-holders (bestuurders)',
    concept: 'bewinds',
    kind: 'provincie',
    sources: [PROVINCIEWET],
    terms: [
      'gedeputeerde',
      'gedeputeerden',
      'gedeputeerde staten',
      'commissaris van de koning',
      'commissaris van de koningin',
      'cdk',
      "king's commissioner",
      'kings commissioner',
      'provincial executive',
      'provincial executive member',
      'provincial minister',
    ],
  },
  {
    id: 'bestuurders-waterschap',
    about: 'water-board office-holders (bestuurders)',
    concept: 'bewinds',
    kind: 'waterschap',
    sources: [ORGANISATIES],
    terms: [
      'dijkgraaf',
      'dijkgraven',
      'heemraad',
      'heemraden',
      'hoogheemraad',
      'dike-reeve',
      'dike reeve',
      'dykgraaf',
    ],
  },
  {
    id: 'volksvertegenwoordigers',
    about:
      'elected representatives of a municipality or province: members of a body, not bestuurders; only their work content counts (R5)',
    concept: 'staff',
    sources: [GEMEENTEWET, PROVINCIEWET],
    terms: [
      'raadslid',
      'raadsleden',
      'gemeenteraadslid',
      'gemeenteraadsleden',
      'statenlid',
      'statenleden',
      'council member',
      'council members',
      'councillor',
      'councillors',
      'councilor',
    ],
  },
  {
    id: 'rijk',
    about: 'the central government: ministries, agencies and services (records go to the Nationaal Archief)',
    concept: 'org',
    kind: 'rijk',
    sources: [ORGANISATIES],
    terms: [
      'ministerie',
      'ministeries',
      'ministry',
      'ministries',
      'departement',
      'rijksoverheid',
      'rijksorganisatie',
      'rijksdienst',
      'rivm',
      'rijkswaterstaat',
      'rws',
      'belastingdienst',
      'duo',
      'ind',
      'knmi',
      'nvwa',
      'cbs',
      'rvo',
      'kadaster',
      'uwv',
      'svb',
      'cbr',
      'rdw',
      'politie',
      'defensie',
      'nationaal archief',
      'autoriteit persoonsgegevens',
      'acm',
      'afm',
      'inspectie',
      'rijksvastgoedbedrijf',
      'logius',
      'dictu',
      'coa',
      'tax administration',
      'national police',
    ],
  },
  {
    id: 'rechtspraak',
    about: 'courts and the Council of State (central government for the Archiefwet)',
    concept: 'org',
    kind: 'rijk',
    sources: [ORGANISATIES],
    terms: [
      'rechtbank',
      'rechtbanken',
      'gerechtshof',
      'gerechtshoven',
      'hof',
      'hoge raad',
      'raad van state',
      'court',
      'courts',
      'court of appeal',
      'courts of appeal',
      'supreme court',
      'council of state',
    ],
  },
  {
    id: 'gemeenten',
    about: 'municipalities (records go to their own archive repository)',
    concept: 'org',
    kind: 'gemeente',
    sources: [ORGANISATIES, GEMEENTEWET],
    terms: [
      'gemeente',
      'gemeenten',
      'gemeentes',
      'gemeenteraad',
      'stadhuis',
      'raadhuis',
      'municipality',
      'municipalities',
      'city council',
      'town council',
      'city hall',
      'town hall',
      'city of',
      'town of',
      'council',
    ],
  },
  {
    id: 'provincies',
    about: 'provinces (own archive repository)',
    concept: 'org',
    kind: 'provincie',
    sources: [ORGANISATIES, PROVINCIEWET],
    terms: ['provincie', 'provincies', 'province', 'provinces', 'provinciale staten', 'provinciehuis'],
  },
  {
    id: 'waterschappen',
    about: 'water boards (own archive repository)',
    concept: 'org',
    kind: 'waterschap',
    sources: [ORGANISATIES],
    terms: [
      'waterschap',
      'waterschappen',
      'hoogheemraadschap',
      'hoogheemraadschappen',
      'wetterskip',
      'water board',
      'water boards',
      'waterboard',
      'water authority',
    ],
  },
  {
    id: 'regio',
    about:
      'joint arrangements of municipalities (gemeenschappelijke regelingen): GGD, safety regions, environment services',
    concept: 'org',
    kind: 'regio',
    sources: [ORGANISATIES],
    terms: [
      'ggd',
      'ggds',
      'veiligheidsregio',
      'veiligheidsregios',
      'omgevingsdienst',
      'gemeenschappelijke regeling',
      'safety region',
      'public health service',
      'municipal health service',
    ],
  },
  {
    id: 'partijen',
    about:
      'political parties and their local branches: not government; a party post is party-political content (R4), by a party it is not a record (R1)',
    concept: 'party',
    sources: [PARLEMENT, KIESRAAD],
    terms: [
      'partij',
      'partijen',
      'politieke partij',
      'political party',
      'political parties',
      'party',
      'partijafdeling',
      'lokale afdeling',
      'local branch',
      'party branch',
      'lokale partij',
      'local party',
      'fractie',
      'vvd',
      'pvv',
      'cda',
      'd66',
      'groenlinks',
      'pvda',
      'groenlinks-pvda',
      'sp',
      'christenunie',
      'sgp',
      'pvdd',
      'partij voor de dieren',
      'ja21',
      'fvd',
      'forum voor democratie',
      'bbb',
      'boerburgerbeweging',
      'nsc',
      'nieuw sociaal contract',
      'volt',
      '50plus',
      'bij1',
    ],
  },
  {
    id: 'chat',
    about: 'chat words: a chat or app message is handled as a direct message (R6, the chat regime)',
    concept: 'dm',
    sources: [ACOI],
    terms: [
      'appt',
      'appen',
      'appte',
      'geappt',
      'appje',
      'appjes',
      'whatsappje',
      'whatsappgroep',
      'whatsapp-groep',
      'appgroep',
      'groepsapp',
      'groepschat',
      'chat',
      'chats',
      'chatbericht',
      'chatberichten',
      'sms',
      'smsje',
      'smsjes',
      'signalbericht',
      'whatsapp message',
      'whatsapp messages',
      'whatsapp group',
      'group chat',
      'text message',
      'text messages',
      'texted',
      'privételefoon',
      'privetelefoon',
      'private phone',
      'werktelefoon',
      'work phone',
    ],
  },
];

/** The organisation kind a matched term implies ("wethouder" → gemeente), by folded term. */
export function kindOfTerm(): Map<string, OrgKind> {
  const m = new Map<string, OrgKind>();
  for (const l of DATA) if (l.kind) for (const t of l.terms) m.set(t, l.kind);
  for (const t of [
    'minister',
    'ministers',
    'staatssecretaris',
    'state secretary',
    'minister-president',
    'premier',
  ])
    m.set(t, 'rijk');
  return m;
}
