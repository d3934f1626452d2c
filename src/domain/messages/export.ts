import type { Message } from '../i18n.ts';

/** Exports (src/export/, `archiefbot export`, chat `exporteer`), holds and lawful destruction. */
export const exportMessages = {
  'export.nothing-named': {
    nl: 'Het archief heeft geen bericht of account "{ref}". Noem een bericht (nummer of URL) of een account (@naam of profiel-URL).',
    en: 'The archive holds no post or account "{ref}". Name a post (number or URL) or an account (@handle or profile URL).',
  },
  'export.no-selection': {
    nl: 'Zeg wat er mee moet: een bericht, een account, of een zoekopdracht (--query, --account, --since, --until, --platform).',
    en: 'Say what to export: a post, an account, or a search (--query, --account, --since, --until, --platform).',
  },
  'export.nothing-matches': {
    nl: 'Niets in het archief past bij {describe}.',
    en: 'Nothing in the archive matches {describe}.',
  },
  'export.out-exists': {
    nl: '{file} bestaat al; kies met --out een naam die nog niet bestaat.',
    en: '{file} exists already; choose a name that does not exist yet with --out.',
  },
  'export.format-required': {
    nl: 'Kies het formaat met --format: wacz (afspelen in ReplayWeb.page), bagit (BagIt + MDTO voor een e-depot) of woo (PDF en inventaris, gelakt).',
    en: 'Choose the format with --format: wacz (replay in ReplayWeb.page), bagit (BagIt + MDTO for an e-depot) or woo (PDF and inventory, redacted).',
  },
  'export.no-redact-admin': {
    nl: 'Een Woo-export zonder lakken (--no-redact) is alleen voor beheerders, voor intern gebruik.',
    en: 'A Woo export without redaction (--no-redact) is for admins only, for internal use.',
  },
  'export.done': {
    nl: 'Export ({format}) klaar: {file}\n{size} · SHA-256 {sha256}\n{posts} {posts|bericht|berichten} · {versions} {versions|versie|versies} · {media} {media|mediabestand|mediabestanden} · {records} {records|WARC-record|WARC-records}',
    en: 'Export ({format}) done: {file}\n{size} · SHA-256 {sha256}\n{posts} {posts|post|posts} · {versions} {versions|version|versions} · {media} {media|media file|media files} · {records} {records|WARC record|WARC records}',
  },
  'export.queued': {
    nl: 'Export ({format}) van {selection} staat in de wachtrij; ik meld het hier als het bestand klaar is.',
    en: 'Export ({format}) of {selection} is queued; I will say here when the file is ready.',
  },
  'export.failed': {
    nl: 'De export ({format}) is mislukt: {reason}',
    en: 'The export ({format}) failed: {reason}',
  },
  'export.summary': {
    nl: 'exporteer berichten als pakket: WACZ (afspelen), BagIt + MDTO (e-depot) of Woo (PDF en inventaris, gelakt)',
    en: 'export posts as a package: WACZ (replay), BagIt + MDTO (e-depot) or Woo (PDF and inventory, redacted)',
  },
  'export.no-queue': {
    nl: 'Exports lopen via de wachtrij van archiefbot serve; die draait hier niet.',
    en: 'Exports run on the queue of archiefbot serve, which does not run here.',
  },
  'export.usage': {
    nl: 'Gebruik: exporteer <bericht-URL | nummer | @account | zoekwoorden> [wacz|bagit|woo] [sinds:2025-01-01] [tot:2025-12-31] [ongelakt]',
    en: 'Usage: export <post URL | number | @account | search words> [wacz|bagit|woo] [since:2025-01-01] [until:2025-12-31] [no-redact]',
  },
  'export.bag-ok': {
    nl: 'De bag {bag} is geldig (RFC 8493): {files} {files|bestand|bestanden}, {bytes} bytes, alle controlegetallen kloppen.',
    en: 'The bag {bag} is valid (RFC 8493): {files} {files|file|files}, {bytes} bytes, every checksum matches.',
  },
  'export.bag-problems': {
    nl: 'De bag {bag} is niet geldig: {n} {n|probleem|problemen}.',
    en: 'The bag {bag} is not valid: {n} {n|problem|problems}.',
  },
  'export.pdf.post-line': {
    nl: '{platform} · archiefnummer {id} · status {status} · geplaatst {time}',
    en: '{platform} · archive number {id} · status {status} · posted {time}',
  },
  'export.pdf.appraisal': {
    nl: 'Waardering: {valuation} · termijn (jaren): {term} · {reason}',
    en: 'Appraisal: {valuation} · term (years): {term} · {reason}',
  },
  'export.pdf.version': {
    nl: 'Versie {n} · geldig vanaf {time} · vastgelegd {captured}',
    en: 'Version {n} · valid from {time} · captured {captured}',
  },
  'export.pdf.diff': {
    nl: 'Wijziging ten opzichte van de vorige versie ([-weg-] {+nieuw+}): {diff}',
    en: 'Change from the version before ([-removed-] {+added+}): {diff}',
  },
  'export.pdf.method': {
    nl: 'Vastlegmethode: {method} · mist: {misses}',
    en: 'Capture method: {method} · misses: {misses}',
  },
  'export.pdf.evidence': {
    nl: 'Inhoudshash (SHA-256): {hash} · bewijs: {file}@{offset} · record-SHA-256: {record}',
    en: 'Content hash (SHA-256): {hash} · evidence: {file}@{offset} · record SHA-256: {record}',
  },
  'export.pdf.media': {
    nl: 'Media ({type}): {url} · SHA-256 {hash}',
    en: 'Media ({type}): {url} · SHA-256 {hash}',
  },
  'export.pdf.replies': {
    nl: '{n} {n|reactie|reacties}',
    en: '{n} {n|reply|replies}',
  },
  'export.woo.title': {
    nl: 'Woo-export: {selection} (persoonsgegevens van derden gelakt, art. 5.1 lid 2 sub e Woo)',
    en: 'Woo export: {selection} (third parties’ personal data redacted, art. 5.1(2)(e) Woo)',
  },
  'export.woo.title-unredacted': {
    nl: 'Woo-export: {selection} (NIET gelakt: alleen voor intern gebruik)',
    en: 'Woo export: {selection} (NOT redacted: for internal use only)',
  },
  'retention.term-required': {
    nl: 'Een V-waardering heeft een bewaartermijn in jaren nodig (--term).',
    en: 'A V appraisal needs its retention term in years (--term).',
  },
  'retention.reason-required': {
    nl: 'Zeg waarom de bewaarplicht (hold) geldt (--reason): bijvoorbeeld een Woo-verzoek, een rechtszaak of een incident.',
    en: 'Say why the hold is made (--reason): a Woo request, litigation or an incident, say.',
  },
  'retention.hold-usage': {
    nl: 'Gebruik: hold plaats <bericht-URL | @account | zoekwoorden> reden: <waarom> · hold lijst · hold opheffen <nummer> (beheerders)',
    en: 'Usage: hold add <post URL | @account | search words> reason: <why> · hold list · hold release <number> (admins)',
  },
  'retention.hold-summary': {
    nl: 'bewaarplicht (Woo-verzoek, rechtszaak, incident): wat eronder valt wordt nooit vernietigd',
    en: 'legal hold (Woo request, litigation, incident): what it covers is never destroyed',
  },
  'retention.hold-unknown': {
    nl: 'Er is geen actieve hold {id}.',
    en: 'There is no active hold {id}.',
  },
  'retention.list-unknown': {
    nl: 'Er is geen vernietigingslijst {id}.',
    en: 'There is no destruction list {id}.',
  },
  'retention.list-not-proposed': {
    nl: 'Vernietigingslijst {id} kan niet meer worden goedgekeurd (status: {status}).',
    en: 'Destruction list {id} can no longer be approved (status: {status}).',
  },
  'retention.same-admin': {
    nl: 'Vernietigingslijst {id} is voorgesteld door {user}: een andere beheerder moet hem goedkeuren.',
    en: 'Destruction list {id} was proposed by {user}: a different admin must approve it.',
  },
  'retention.list-stale': {
    nl: 'Vernietigingslijst {id} klopt niet meer (onder een hold of niet meer vervallen: berichten {posts}). De lijst is ingetrokken; stel een nieuwe op met dispose --due.',
    en: 'Destruction list {id} no longer holds (under a hold or no longer due: posts {posts}). It is withdrawn; propose a new one with dispose --due.',
  },
  'retention.appraised': {
    nl: 'Waardering {valuation} (termijn: {term}) vastgelegd voor {scope} {targets}.',
    en: 'Appraisal {valuation} (term: {term}) set for {scope} {targets}.',
  },
  'retention.hold-added': {
    nl: 'Hold {id} geldt nu voor {describe}: {n} {n|bericht|berichten}. Zolang de hold geldt, wordt niets daarvan vernietigd.',
    en: 'Hold {id} now covers {describe}: {n} {n|post|posts}. While it holds, none of them is destroyed.',
  },
  'retention.hold-line': {
    nl: '#{id} {describe} · {reason} · door {by} op {at} · {n} {n|bericht|berichten}{released}',
    en: '#{id} {describe} · {reason} · by {by} on {at} · {n} {n|post|posts}{released}',
  },
  'retention.no-holds': {
    nl: 'Er gelden geen holds.',
    en: 'No holds are in force.',
  },
  'retention.hold-released': {
    nl: 'Hold {id} is opgeheven.',
    en: 'Hold {id} is released.',
  },
  'retention.nothing-due': {
    nl: 'Niets is vervallen: geen V-bericht voorbij zijn termijn dat niet onder een hold valt.',
    en: 'Nothing is due: no V post past its term that no hold covers.',
  },
  'retention.list-proposed': {
    nl: 'Vernietigingslijst {id} ({n} {n|bericht|berichten}) is voorgesteld. Een andere beheerder keurt hem goed met: archiefbot dispose --approve {id}',
    en: 'Destruction list {id} ({n} {n|post|posts}) is proposed. A different admin approves it with: archiefbot dispose --approve {id}',
  },
  'retention.list-item': {
    nl: '  bericht {post} · {account} · {url} · categorie {category} · termijn {term} jaar · vervallen {due}',
    en: '  post {post} · {account} · {url} · category {category} · term {term} {term|year|years} · due {due}',
  },
  'retention.destroyed': {
    nl: 'Vernietigingslijst {id} is uitgevoerd: {n} {n|bericht|berichten} vernietigd (voorgesteld door {proposer}, goedgekeurd door {approver}). Verklaring van vernietiging:',
    en: 'Destruction list {id} is executed: {n} {n|post|posts} destroyed (proposed by {proposer}, approved by {approver}). Declaration of destruction:',
  },
  'retention.destruction-line': {
    nl: '  #{id} · bericht {post} · {url} · categorie {category} · termijn {term} jaar · vervallen {due} · vernietigd {at} · {n} {n|hash|hashes} bewaard',
    en: '  #{id} · post {post} · {url} · category {category} · term {term} {term|year|years} · due {due} · destroyed {at} · {n} {n|hash|hashes} kept',
  },
  'retention.no-destructions': {
    nl: 'Er is nog niets vernietigd.',
    en: 'Nothing has been destroyed.',
  },
} satisfies Record<string, Message>;
