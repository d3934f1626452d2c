import type { Message } from '../i18n.ts';

/** Messages of the bots area (see src/domain/i18n.ts for the placeholder syntax). */
export const bots = {
  'bots.welcome.title': {
    nl: 'Hallo, ik ben Archiefbot',
    en: 'Hello, I am Archiefbot',
  },
  'bots.welcome.intro': {
    nl: 'Ik bewaar berichten van sociale media als archiefstuk, met bewijs (WARC en SHA-256) en alle versies. Om te beginnen:',
    en: 'I keep social media posts as records, with evidence (WARC and SHA-256) and every version. To start:',
  },
  'bots.welcome.commands': {
    nl: '`archiveer <url>`: een bericht, account of webpagina veiligstellen\n`zoek <woorden>`: zoeken in het archief\n`hulp`: alles wat je mij kunt vragen',
    en: '`capture <url>`: keep a post, an account or a web page\n`search <words>`: search the archive\n`help`: everything you can ask me',
  },
  'bots.shell.leave': {
    nl: 'Ctrl-D of `exit` om te stoppen.',
    en: 'Ctrl-D or `exit` to leave.',
  },
  'bots.restarting': {
    nl: 'Archiefbot start opnieuw op; probeer het zo nog eens.',
    en: 'Archiefbot is restarting; try again shortly.',
  },
  'bots.failed': {
    nl: 'Er ging aan mijn kant iets mis; dat is vastgelegd in het logboek.',
    en: 'Something went wrong on my side; it has been logged.',
  },
  'bots.slack.shortened': {
    nl: 'Dit antwoord is ingekort: {parts}. Vraag minder tegelijk, bijvoorbeeld met `pagina:2`.',
    en: 'This answer was shortened: {parts}. Ask for less at once, for example with `page:2`.',
  },
  'bots.slack.shortened.blocks': {
    nl: '{n} {n|onderdeel|onderdelen} niet getoond (Slack toont er hoogstens {max})',
    en: '{n} {n|part|parts} not shown (Slack shows at most {max})',
  },
  'bots.slack.shortened.buttons': {
    nl: '{n} {n|knop|knoppen} weggelaten (opdracht te lang)',
    en: '{n} {n|button|buttons} left out (command too long)',
  },
  'bots.slack.shortened.text': {
    nl: 'de tekst is afgekapt',
    en: 'the text was cut',
  },
} satisfies Record<string, Message>;
