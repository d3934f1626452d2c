import type { Message } from '../i18n.ts';

/** `import` of a platform's own export (CLI and chat), and the one line a refused export gets. */
export const importMessages = {
  'error.import-not-zip': {
    nl: '{file} is geen zip-bestand: geef de export zoals het platform hem liet downloaden (een .zip).',
    en: '{file} is not a zip file: give the export as the platform let you download it (a .zip).',
  },
  'error.import-damaged': {
    nl: '{file} is beschadigd of onvolledig ({detail}): download de export opnieuw. Er is niets geïmporteerd.',
    en: '{file} is damaged or incomplete ({detail}): download the export again. Nothing was imported.',
  },
  'error.import-unknown': {
    nl: '{file} bevat geen export die ik ken: een X-archief, "Download je gegevens" van Facebook of Instagram (JSON), een LinkedIn-gegevensexport of een Mastodon-accountexport.',
    en: '{file} holds no export I know: an X archive, Facebook or Instagram "Download your information" (JSON), a LinkedIn data export or a Mastodon account export.',
  },
  'error.import-bad-data': {
    nl: '{file}: {member} is geen geldige {format} ({detail}). Er is niets geïmporteerd.',
    en: '{file}: {member} is not valid {format} data ({detail}). Nothing was imported.',
  },
  'import.no-file': {
    nl: 'Het bestand {file} bestaat niet (of is geen bestand).',
    en: 'There is no file {file}.',
  },
  'import.failed': {
    nl: 'importeren mislukt: {reason}',
    en: 'import failed: {reason}',
  },
  'import.summary': {
    nl: '{file} ({format}, account {account}, SHA-256 {sha256}): {total} {total|bericht|berichten} in de export.',
    en: '{file} ({format}, account {account}, SHA-256 {sha256}): {total} {total|post|posts} in the export.',
  },
  'import.added': {
    nl: 'Toegevoegd: {posts} {posts|nieuw bericht|nieuwe berichten}, {versions} {versions|versie|versies} (herkomst import), {media} {media|mediabestand|mediabestanden}; {present} al in het archief.',
    en: 'Added: {posts} new {posts|post|posts}, {versions} {versions|version|versions} (origin import), {media} media {media|file|files}; {present} already in the archive.',
  },
  'import.would-add': {
    nl: 'Proefdraai, er is niets geschreven. Zou toevoegen: {posts} {posts|nieuw bericht|nieuwe berichten}, {versions} {versions|versie|versies}, {media} {media|mediabestand|mediabestanden}; {present} al in het archief.',
    en: 'Dry run, nothing was written. Would add: {posts} new {posts|post|posts}, {versions} {versions|version|versions}, {media} media {media|file|files}; {present} already in the archive.',
  },
  'import.nothing': {
    nl: 'Niets nieuws: alles uit deze export staat al in het archief.',
    en: 'Nothing new: everything in this export is already in the archive.',
  },
  'import.resumed': {
    nl: 'Een eerdere, onderbroken import van dit bestand is afgemaakt.',
    en: 'An earlier, interrupted import of this file was completed.',
  },
  'import.missing-media': {
    nl: '{n} {n|mediabestand|mediabestanden} noemt de export wel maar bevat hij niet (vastgelegd als gemist).',
    en: '{n} media {n|file|files} the export names but does not contain (recorded as missed).',
  },
  'import.capture': {
    nl: 'Vastgelegd als capture {capture}; `archiefbot verify` controleert het bewijs.',
    en: 'Recorded as capture {capture}; `archiefbot verify` checks the evidence.',
  },
  'command.import.summary': {
    nl: 'Importeer de export van een platform (een bestand op de server)',
    en: "Import a platform's export (a file on the server)",
  },
  'command.import.usage': {
    nl: '`importeer <naam van de zip in de importmap op de server> [account:<naam>] [proef]`: een X-archief, Facebook- of Instagram-export (JSON), LinkedIn- of Mastodon-export. `proef` zegt alleen wat er bij zou komen.',
    en: '`import <name of the zip in the import folder on the server> [account:<name>] [dry-run]`: an X archive, Facebook or Instagram export (JSON), LinkedIn or Mastodon export. `dry-run` only says what would be added.',
  },
  'import.which': {
    nl: 'Welk bestand? Zet de export in de importmap van het archief op de server ({dir}) en geef zijn naam: `importeer export.zip`.',
    en: "Which file? Put the export in the archive's import folder on the server ({dir}) and give its name: `import export.zip`.",
  },
  'import.outside': {
    nl: 'Vanuit de chat importeer ik alleen bestanden uit de importmap van het archief op de server ({dir}). Zet de zip daar neer en geef zijn naam.',
    en: "From chat I only import files from the archive's import folder on the server ({dir}). Put the zip there and give its name.",
  },
} satisfies Record<string, Message>;
