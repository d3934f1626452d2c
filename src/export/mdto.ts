/**
 * MDTO 1.0.2 XML (Nationaal Archief; schema in docs/reference/mdto/MDTO-XML1.0.2.xsd): one
 * `informatieobject` per post and one `bestand` per file that represents it. The mapping is in
 * docs/export.md; elements are written in the schema's sequence order.
 */
import type { PostDetail } from '../store/queries.ts';
import type { Pronom } from './pronom.ts';

export const MDTO_NS = 'https://www.nationaalarchief.nl/mdto';

/** XML 1.0 allows no control characters but tab, newline and carriage return. */
function xmlChar(ch: string): boolean {
  const c = ch.codePointAt(0)!;
  return c === 9 || c === 10 || c === 13 || (c >= 0x20 && c !== 0xfffe && c !== 0xffff);
}

export function xmlEscape(s: string): string {
  return [...s]
    .filter(xmlChar)
    .join('')
    .replace(/[&<>"']/g, (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' }[c]};`);
}

const el = (name: string, value: string) => `<${name}>${xmlEscape(value)}</${name}>`;

function begrip(name: string, label: string, lijst: string, code?: string): string {
  return `<${name}>${el('begripLabel', label)}${code ? el('begripCode', code) : ''}<begripBegrippenlijst>${el('verwijzingNaam', lijst)}</begripBegrippenlijst></${name}>`;
}

function verwijzing(name: string, naam: string, id?: { kenmerk: string; bron: string }): string {
  const ident = id
    ? `<verwijzingIdentificatie>${el('identificatieKenmerk', id.kenmerk)}${el('identificatieBron', id.bron)}</verwijzingIdentificatie>`
    : '';
  return `<${name}>${el('verwijzingNaam', naam)}${ident}</${name}>`;
}

function wrap(body: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<MDTO xmlns="${MDTO_NS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="${MDTO_NS} https://www.nationaalarchief.nl/mdto/MDTO-XML1.0.2.xsd">\n${body}\n</MDTO>\n`;
}

/** The identification of a post in the archive (the bestand files refer to it). */
export function postKenmerk(detail: PostDetail): { kenmerk: string; bron: string } {
  return { kenmerk: `post-${detail.post.id}`, bron: 'Archiefbot' };
}

export interface InformatieobjectInput {
  detail: PostDetail;
  archiefvormer: string;
  /** The names (identification) of the bestand files that represent it. */
  representaties: { naam: string; kenmerk: string }[];
  /** The replies' archive ids and names, when they are in the package. */
  replies: { kenmerk: string; naam: string }[];
  /** A post by someone who is not the organisation (a citizen's reply): personal data (AVG). */
  personalData: boolean;
  /** The dossier (the export) the post is part of. */
  partOf?: { naam: string; kenmerk: string };
}

/** naam: platform, account, date and first words (at most 80 characters). */
export function postNaam(detail: PostDetail): string {
  const p = detail.post;
  const words = p.text.replace(/\s+/g, ' ').trim();
  const full = `${p.platform} ${p.author ?? '?'} ${(p.createdAt ?? p.firstSeen).slice(0, 10)} ${words}`;
  return full.length > 80 ? `${full.slice(0, 79)}…` : full;
}

function events(detail: PostDetail): string {
  const out: string[] = [];
  const ev = (type: string, time: string | null, result?: string) =>
    `<event>${begrip('eventType', type, 'Begrippenlijst EventType MDTO')}${time ? el('eventTijd', new Date(time).toISOString().replace(/\.\d{3}Z$/, 'Z')) : ''}${result ? el('eventResultaat', result) : ''}</event>`;
  if (detail.post.createdAt) out.push(ev('Publicatie', detail.post.createdAt));
  for (const v of detail.versions) {
    if (v.number > 1)
      out.push(ev('Wijziging', v.validFrom ?? v.capturedAt, `versie ${v.number}: ${v.changed.join(', ')}`));
    out.push(
      ev('Ontvangst', v.capturedAt, `versie ${v.number} vastgelegd (${v.method}), SHA-256 ${v.sha256}`),
    );
  }
  if (detail.post.status === 'deleted')
    out.push(ev('Verwijdering', detail.post.lastSeen, 'niet meer op het platform'));
  return out.join('');
}

function waardering(detail: PostDetail): string {
  const a = detail.appraisal;
  const lijst = 'Begrippenlijst Waarderingen MDTO';
  if (a?.valuation === 'B') return begrip('waardering', 'Blijvend te bewaren', lijst, 'B');
  if (a?.valuation === 'V') return begrip('waardering', 'Tijdelijk te bewaren', lijst, 'V');
  // No rule applied: said as it is, not guessed (the label is not from the MDTO list).
  return begrip('waardering', 'Nog niet gewaardeerd', lijst);
}

function bewaartermijn(detail: PostDetail): string {
  const a = detail.appraisal;
  if (a?.valuation !== 'V' || !a.termYears) return '';
  const start = (detail.post.createdAt ?? detail.post.firstSeen).slice(0, 10);
  const end = new Date(start);
  end.setUTCFullYear(end.getUTCFullYear() + a.termYears);
  return `<bewaartermijn>${begrip('termijnTriggerStartLooptijd', 'Publicatie', 'Archiefbot')}${el('termijnStartdatumLooptijd', start)}${el('termijnLooptijd', `P${a.termYears}Y`)}${el('termijnEinddatum', end.toISOString().slice(0, 10))}</bewaartermijn>`;
}

/** The MDTO `informatieobject` of one post. */
export function informatieobject(input: InformatieobjectInput): string {
  const { detail } = input;
  const p = detail.post;
  const own = postKenmerk(detail);
  const parts = [
    `<identificatie>${el('identificatieKenmerk', own.kenmerk)}${el('identificatieBron', own.bron)}</identificatie>`,
    `<identificatie>${el('identificatieKenmerk', p.url)}${el('identificatieBron', p.platform)}</identificatie>`,
    el('naam', postNaam(detail)),
    begrip('aggregatieniveau', 'Archiefstuk', 'Begrippenlijst Aggregatieniveau MDTO'),
    p.text.trim() ? el('omschrijving', p.text) : '',
    `<raadpleeglocatie>${el('raadpleeglocatieOnline', p.url)}</raadpleeglocatie>`,
    events(detail),
    waardering(detail),
    bewaartermijn(detail),
    input.partOf
      ? verwijzing('isOnderdeelVan', input.partOf.naam, { kenmerk: input.partOf.kenmerk, bron: 'Archiefbot' })
      : '',
    ...input.representaties.map((r) =>
      verwijzing('heeftRepresentatie', r.naam, { kenmerk: r.kenmerk, bron: 'Archiefbot' }),
    ),
    ...input.replies.map(
      (r) =>
        `<gerelateerdInformatieobject>${verwijzing('gerelateerdInformatieobjectVerwijzing', r.naam, { kenmerk: r.kenmerk, bron: 'Archiefbot' })}${begrip('gerelateerdInformatieobjectTypeRelatie', 'Reactie', 'Archiefbot')}</gerelateerdInformatieobject>`,
    ),
    p.parent
      ? `<gerelateerdInformatieobject>${verwijzing('gerelateerdInformatieobjectVerwijzing', p.parent.url ?? p.parent.platformId, p.parent.id ? { kenmerk: `post-${p.parent.id}`, bron: 'Archiefbot' } : undefined)}${begrip('gerelateerdInformatieobjectTypeRelatie', 'Reactie op', 'Archiefbot')}</gerelateerdInformatieobject>`
      : '',
    verwijzing('archiefvormer', input.archiefvormer),
    input.personalData
      ? `<beperkingGebruik>${begrip('beperkingGebruikType', 'Persoonsgegevens (AVG)', 'Archiefbot')}${el('beperkingGebruikNadereBeschrijving', 'Bericht van een derde (burger): bevat persoonsgegevens. Bij openbaarmaking (Woo) lakken op grond van art. 5.1 lid 2 sub e Woo (eerbiediging van de persoonlijke levenssfeer).')}</beperkingGebruik>`
      : `<beperkingGebruik>${begrip('beperkingGebruikType', 'Openbaar', 'Archiefbot')}${el('beperkingGebruikNadereBeschrijving', 'Openbaar gepubliceerd bericht van een overheidsaccount.')}</beperkingGebruik>`,
  ];
  return wrap(`<informatieobject>${parts.join('')}</informatieobject>`);
}

export interface BestandInput {
  kenmerk: string;
  naam: string;
  bytes: number;
  format: Pronom;
  sha256: string;
  at: Date;
  url?: string | null;
  of: { naam: string; kenmerk: string };
}

/** The MDTO `bestand` of one file. */
export function bestand(b: BestandInput): string {
  const parts = [
    `<identificatie>${el('identificatieKenmerk', b.kenmerk)}${el('identificatieBron', 'Archiefbot')}</identificatie>`,
    el('naam', b.naam),
    el('omvang', String(b.bytes)),
    begrip('bestandsformaat', b.format.label, 'PRONOM-register', b.format.puid),
    `<checksum>${begrip('checksumAlgoritme', 'SHA256', 'Begrippenlijst ChecksumAlgoritme MDTO')}${el('checksumWaarde', b.sha256)}${el('checksumDatum', b.at.toISOString().replace(/\.\d{3}Z$/, 'Z'))}</checksum>`,
    b.url && /^https?:\/\//.test(b.url) ? el('URLBestand', b.url) : '',
    verwijzing('isRepresentatieVan', b.of.naam, { kenmerk: b.of.kenmerk, bron: 'Archiefbot' }),
  ];
  return wrap(`<bestand>${parts.join('')}</bestand>`);
}

export interface DossierInput {
  kenmerk: string;
  naam: string;
  omschrijving: string;
  archiefvormer: string;
  /** The posts it holds. */
  onderdelen: { naam: string; kenmerk: string }[];
  /** The files that represent the dossier as a whole (the WARC of every record). */
  representaties: { naam: string; kenmerk: string }[];
  /** Some posts are citizens' (personal data). */
  personalData: boolean;
  period: { from: string; to: string } | null;
}

/** The MDTO `informatieobject` of the export as a whole (aggregatieniveau Dossier). */
export function dossier(d: DossierInput): string {
  const parts = [
    `<identificatie>${el('identificatieKenmerk', d.kenmerk)}${el('identificatieBron', 'Archiefbot')}</identificatie>`,
    el('naam', d.naam.length > 80 ? `${d.naam.slice(0, 79)}…` : d.naam),
    begrip('aggregatieniveau', 'Dossier', 'Begrippenlijst Aggregatieniveau MDTO'),
    el('omschrijving', d.omschrijving),
    d.period
      ? `<dekkingInTijd>${begrip('dekkingInTijdType', 'Publicatie', 'Archiefbot')}${el('dekkingInTijdBegindatum', d.period.from.slice(0, 10))}${el('dekkingInTijdEinddatum', d.period.to.slice(0, 10))}</dekkingInTijd>`
      : '',
    // The dossier mixes appraisals: each post carries its own.
    begrip('waardering', 'Per onderdeel gewaardeerd', 'Begrippenlijst Waarderingen MDTO'),
    ...d.onderdelen.map((o) =>
      verwijzing('bevatOnderdeel', o.naam, { kenmerk: o.kenmerk, bron: 'Archiefbot' }),
    ),
    ...d.representaties.map((r) =>
      verwijzing('heeftRepresentatie', r.naam, { kenmerk: r.kenmerk, bron: 'Archiefbot' }),
    ),
    verwijzing('archiefvormer', d.archiefvormer),
    d.personalData
      ? `<beperkingGebruik>${begrip('beperkingGebruikType', 'Persoonsgegevens (AVG)', 'Archiefbot')}${el('beperkingGebruikNadereBeschrijving', 'Bevat reacties van derden (burgers) met persoonsgegevens; zie de beperkingGebruik per bericht.')}</beperkingGebruik>`
      : `<beperkingGebruik>${begrip('beperkingGebruikType', 'Openbaar', 'Archiefbot')}</beperkingGebruik>`,
  ];
  return wrap(`<informatieobject>${parts.join('')}</informatieobject>`);
}
