import type { Message } from '../i18n.ts';

/**
 * Messages of the command line (src/cli.ts, src/cli/): error lines and notices on stderr. The CLI speaks
 * English unless ARCHIEFBOT_LANGUAGE=nl (or LC_ALL/LANG starting with nl). See src/domain/i18n.ts for
 * the placeholder syntax.
 */
export const cli = {
  'redis.missing': {
    nl: 'De wachtrij heeft Redis nodig: installeer het (apt-get install redis-server) of zet REDIS_URL op een draaiende Redis.',
    en: 'The capture queue needs Redis: install it (apt-get install redis-server) or set REDIS_URL to a running one.',
  },
  'serve.port-taken': {
    nl: 'Poort {port} is al in gebruik door een ander programma. Kies een vrije poort met ARCHIEFBOT_HTTP_PORT (bijvoorbeeld ARCHIEFBOT_HTTP_PORT=3979) of stop dat programma.',
    en: 'Port {port} is already in use by another program. Choose a free port with ARCHIEFBOT_HTTP_PORT (for example ARCHIEFBOT_HTTP_PORT=3979) or stop that program.',
  },
  'serve.bad-host': {
    nl: 'Luisteren op adres {host} lukt niet: ARCHIEFBOT_HTTP_HOST moet een adres van deze machine zijn (127.0.0.1 of 0.0.0.0).',
    en: 'Cannot listen on address {host}: ARCHIEFBOT_HTTP_HOST must be an address of this machine (127.0.0.1 or 0.0.0.0).',
  },
  'cli.help-hint': {
    nl: '(gebruik --help voor de uitleg)',
    en: '(run with --help for usage)',
  },
  'cli.command-help-hint': {
    nl: '(gebruik "archiefbot {command} --help" voor de uitleg)',
    en: '(run "archiefbot {command} --help" for usage)',
  },
  'cli.capture-failed': { nl: 'archiveren mislukt: {reason}', en: 'capture failed: {reason}' },
  'cli.unexpected': {
    nl: 'archiefbot: onverwachte fout: {error}',
    en: 'archiefbot: unexpected error: {error}',
  },
  'cli.positive-int': {
    nl: 'moet een geheel getal van 1 of meer zijn',
    en: 'must be a whole number of 1 or more',
  },
  'cli.port': { nl: 'moet een poortnummer zijn (0 tot 65535)', en: 'must be a port number (0 to 65535)' },
  'cli.post-not-found': {
    nl: 'Er is geen gearchiveerd bericht {ref}. Archiveer het eerst: archiefbot capture <url>',
    en: 'No archived post matches {ref}. Capture it first: archiefbot capture <url>',
  },
  'cli.not-watched': {
    nl: '{account} wordt niet gevolgd (zie: archiefbot watching)',
    en: '{account} is not being watched (see: archiefbot watching)',
  },
  'cli.verify-problems': {
    nl: '{n} {n|probleem|problemen} gevonden',
    en: '{n} {n|problem|problems} found',
  },
  'cli.backfill-stopping': {
    nl: 'Ik stop zodra de pagina die nu binnenkomt is bewaard (nog een keer Ctrl-C om meteen te stoppen)…',
    en: 'Stopping after the page in hand is saved (Ctrl-C again to quit at once)…',
  },
  'cli.worker-needs-redis': {
    nl: 'Zet REDIS_URL (bijvoorbeeld redis://127.0.0.1:6379) om de worker te starten.',
    en: 'Set REDIS_URL (for example redis://127.0.0.1:6379) to run the worker.',
  },
  'cli.logs-to': { nl: '(het logboek staat in {file})', en: '(logs go to {file})' },
  'cli.serving': {
    nl: 'archiefbot draait op poort {port} ({adapters}); Ctrl-C om te stoppen',
    en: 'archiefbot serving on port {port} ({adapters}); Ctrl-C to stop',
  },
  'cli.no-adapters': { nl: 'geen chatkoppelingen', en: 'no chat adapters' },
  'cli.stopping': {
    nl: 'Bezig met stoppen: lopende archiveringen worden afgemaakt…',
    en: 'stopping: finishing running captures…',
  },
  'cli.ask-nothing': {
    nl: 'Geen vraag gekregen. Stel er één: archiefbot ask "moet ik reacties archiveren?" (of één vraag per regel op stdin).',
    en: 'No question given. Ask one: archiefbot ask "must I archive replies?" (or one question per line on stdin).',
  },
  'cli.ask-stdin': {
    nl: 'Eén vraag per regel; sluit af met Ctrl-D.',
    en: 'One question per line; end with Ctrl-D.',
  },
  'cli.kb-entry-id': {
    nl: '"{value}" is geen nummer van een inzending (zie: archiefbot kb pending)',
    en: '"{value}" is not an entry number (see: archiefbot kb pending)',
  },
} satisfies Record<string, Message>;
