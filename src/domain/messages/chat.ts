import type { Message } from '../i18n.ts';

/**
 * Messages of the chat (src/chat): the bot, its commands and the presenters (see src/domain/i18n.ts
 * for the placeholder syntax). Command keywords are not here: each command's file has them.
 */
export const chat = {
  // The bot: unknown commands, refusals, its own failures.
  'chat.unknown-command': {
    nl: 'Die opdracht ken ik niet: "{text}".',
    en: 'I don\'t know that command: "{text}".',
  },
  'chat.did-you-mean': { nl: 'Bedoelde je `{word}`?', en: 'Did you mean `{word}`?' },
  'chat.refused': {
    nl: 'Dat mag je hier niet: `{word}` vraagt de rol {role} (jij hebt: {roles}). Vraag je informatiebeheerder om die rol.',
    en: 'You may not do that here: `{word}` needs the role {role} (you have: {roles}). Ask your records manager for it.',
  },
  'chat.no-roles': { nl: 'geen', en: 'none' },
  'chat.failed': {
    nl: 'Er ging iets mis aan mijn kant; het is gelogd. Probeer het later opnieuw.',
    en: 'Something went wrong on my side; it has been logged. Please try again later.',
  },

  // help
  'help.title': { nl: 'Archiefbot: wat je mij kunt vragen', en: 'Archiefbot: what you can ask me' },
  'help.footer': {
    nl: 'Ik antwoord in de taal van je opdracht (archiveer/capture). Een gewone vraag ("moet ik dit archiveren?") gaat naar de kennisbank.',
    en: 'I answer in the language of your command (capture/archiveer). A plain question ("must I archive this?") goes to the knowledge base.',
  },
  'help.line': {
    nl: 'Opdrachten: {commands}. Typ `hulp <opdracht>` voor meer.',
    en: 'Commands: {commands}. Type `help <command>` for more.',
  },
  'help.unknown-topic': { nl: 'Geen hulp over "{topic}". {line}', en: 'No help on "{topic}". {line}' },
  'help.also': { nl: 'Ook: {words} · rol: {role}', en: 'Also: {words} · role: {role}' },
  'help.sub-role': { nl: '{command}: rol {role}', en: '{command}: role {role}' },

  // The commands' usage and summary, as `help` shows them.
  'command.capture.usage': { nl: 'archiveer <url> [browser]', en: 'capture <url> [browser]' },
  'command.capture.summary': {
    nl: 'een bericht (met reacties, bewerkingen en media), een heel account of een webpagina veiligstellen',
    en: 'secure a post (with replies, edits and media), a whole account, or a web page',
  },
  'command.show.usage': { nl: 'toon <id|url>', en: 'show <id|url>' },
  'command.show.summary': {
    nl: 'een gearchiveerd bericht met versies, reacties, media en bewijs',
    en: 'an archived post with its versions, replies, media and evidence',
  },
  'command.history.usage': { nl: 'geschiedenis <id|url>', en: 'history <id|url>' },
  'command.history.summary': {
    nl: 'alle versies van een bericht met wat er veranderde',
    en: 'every version of a post with what changed',
  },
  'command.search.usage': {
    nl: 'zoek <woorden> [platform:…] [van:…] [sinds:2025-01-01] [tot:…] [sorteer:relevantie]',
    en: 'search <words> [platform:…] [author:…] [since:2025-01-01] [until:…] [sort:relevance]',
  },
  'command.search.summary': {
    nl: 'zoeken in de tekst van alle gearchiveerde versies',
    en: 'full-text search over every archived version',
  },
  'command.status.usage': { nl: 'status', en: 'status' },
  'command.status.summary': {
    nl: 'wachtrij, laatste archiveringen en mislukkingen',
    en: 'queue, last captures and failures',
  },
  'command.help.usage': { nl: 'hulp [opdracht]', en: 'help [command]' },
  'command.help.summary': { nl: 'wat je mij kunt vragen', en: 'what you can ask me' },
  'command.ask.usage': { nl: 'vraag <vraag>', en: 'ask <question>' },
  'command.ask.summary': {
    nl: '"moet ik dit archiveren?" beantwoord vanuit het wettelijk kader, met bronnen',
    en: '"must I archive this?" answered from the Dutch legal framework, with sources',
  },
  'command.watch.usage': {
    nl: 'volg <account-url | @gebruiker@server | bsky-handle>',
    en: 'watch <account url | @user@instance | bsky handle>',
  },
  'command.watch.summary': {
    nl: 'alle berichten van een account één keer veiligstellen, daarna blijven volgen en controleren',
    en: 'secure every post of an account once, then keep polling it and re-checking its posts',
  },
  'command.unwatch.usage': { nl: 'ontvolg <account>', en: 'unwatch <account>' },
  'command.unwatch.summary': {
    nl: 'een account niet meer volgen (het archief blijft)',
    en: 'stop watching an account (what was archived stays)',
  },
  'command.watching.usage': { nl: 'gevolgd', en: 'watching' },
  'command.watching.summary': { nl: 'de accounts die gevolgd worden', en: 'the accounts being watched' },
  'command.alerts.usage': {
    nl: 'meldingen [aan|uit [account…] | gezien <id>]',
    en: 'alerts [on|off [account…] | ack <id>]',
  },
  'command.alerts.summary': {
    nl: 'recente meldingen van bewerkingen en verwijderingen; aan/uit voor dit kanaal (alle accounts, of de genoemde); gezien bevestigt er één',
    en: 'recent edit and deletion alerts; on/off subscribes this channel (all accounts, or the ones named); ack marks one seen',
  },
  'command.language.usage': { nl: 'taal nl|en', en: 'language nl|en' },
  'command.language.summary': {
    nl: 'de taal waarin ik in dit kanaal antwoord',
    en: 'the language I answer in, in this channel',
  },
  'command.kb.usage': {
    nl: 'kb voorstel <vraag> | <antwoord> [| bron] · kb wachtend · kb goedkeuren <id> · kb afwijzen <id> <reden> · kb open [nummer] · kb antwoord <nummer> <antwoord> [| bron] · kb overslaan <nummer> · kb huisregels [zet <tekst>] · kb expert toevoegen <platform:gebruiker> <onderwerp> · kb intrekken <id> [reden] · kb overzicht [30d]',
    en: 'kb suggest <question> | <answer> [| source] · kb pending · kb approve <id> · kb reject <id> <reason> · kb open [number] · kb answer <number> <answer> [| source] · kb pass <number> · kb rules [set <text>] · kb expert add <platform:user> <topic> · kb retire <id> [reason] · kb digest [30d]',
  },
  'command.kb.summary': {
    nl: 'de klankbordgroep: vraag-en-antwoord voorstellen; experts keuren ze goed',
    en: 'the knowledge community: suggest Q&A entries; experts approve them',
  },

  // Field labels and buttons.
  'label.author': { nl: 'Auteur', en: 'Author' },
  'label.posted': { nl: 'Geplaatst', en: 'Posted' },
  'label.version': { nl: 'Versie', en: 'Version' },
  'label.versions': { nl: 'Versies', en: 'Versions' },
  'label.replies': { nl: 'Reacties', en: 'Replies' },
  'label.media': { nl: 'Media', en: 'Media' },
  'label.media-files': { nl: 'Mediabestanden', en: 'Media files' },
  'label.posts': { nl: 'Berichten', en: 'Posts' },
  'label.new-versions': { nl: 'Nieuwe versies', en: 'New versions' },
  'label.evidence': { nl: 'Bewijs', en: 'Evidence' },
  'label.captured': { nl: 'Vastgelegd', en: 'Captured' },
  'label.appraisal': { nl: 'Waardering', en: 'Appraisal' },
  'label.changed': { nl: 'Veranderd', en: 'Changed' },
  'label.queue': { nl: 'Wachtrij', en: 'Queue' },
  'label.failed-24h': { nl: 'Mislukt (24 uur)', en: 'Failed (24 h)' },
  'label.archive': { nl: 'Archief', en: 'Archive' },
  'label.account': { nl: 'Account', en: 'Account' },
  'label.detected': { nl: 'Gezien', en: 'Detected' },
  'label.live-for': { nl: 'Online geweest', en: 'Was live for' },
  'label.reason': { nl: 'Reden', en: 'Reason' },
  'label.was': { nl: 'Was', en: 'Was' },
  'label.rules': { nl: 'Regels', en: 'Rules' },
  'label.sources': { nl: 'Bronnen', en: 'Sources' },
  'label.source': { nl: 'Bron', en: 'Source' },
  'button.show': { nl: 'Toon', en: 'Show' },
  'button.history': { nl: 'Geschiedenis', en: 'History' },
  'button.more': { nl: 'Meer', en: 'More' },
  'button.ack': { nl: 'Gezien', en: 'Acknowledge' },

  // Words of the data: a post's status, the fields a version changed, why it was captured.
  'post-status.live': { nl: 'online', en: 'live' },
  'post-status.edited': { nl: 'bewerkt', en: 'edited' },
  'post-status.deleted': { nl: 'verwijderd', en: 'deleted' },
  'post-status.unavailable': { nl: 'onbeschikbaar', en: 'unavailable' },
  'post-kind.post': { nl: 'bericht', en: 'post' },
  'post-kind.reply': { nl: 'reactie', en: 'reply' },
  'post-kind.repost': { nl: 'doorgeplaatst bericht', en: 'repost' },
  'post-kind.comment': { nl: 'opmerking', en: 'comment' },
  'post-kind.story': { nl: 'verhaal', en: 'story' },
  'post-kind.page': { nl: 'webpagina', en: 'web page' },
  'field.first-version': { nl: 'eerste versie', en: 'first version' },
  'field.text': { nl: 'tekst', en: 'text' },
  'field.title': { nl: 'titel', en: 'title' },
  'field.spoilerText': { nl: 'inhoudswaarschuwing', en: 'content warning' },
  'field.sensitive': { nl: 'gevoelig', en: 'sensitive' },
  'field.visibility': { nl: 'zichtbaarheid', en: 'visibility' },
  'field.media': { nl: 'media', en: 'media' },
  'trigger.command': { nl: 'op verzoek', en: 'on request' },
  'trigger.watch': { nl: 'bij het volgen', en: 'while watching' },
  'trigger.recheck': { nl: 'bij een controle', en: 'on a re-check' },
  'trigger.stream': { nl: 'uit de live-stroom', en: 'from the live stream' },
  'trigger.import': { nl: 'bij een import', en: 'on import' },
  'trigger.backfill': { nl: 'bij het veiligstellen van het account', en: 'while securing the account' },

  // capture
  'capture.which': {
    nl: 'Welke link? Bijvoorbeeld: `archiveer https://social.overheid.nl/@minbzk/1234`',
    en: 'Which link? For example: `capture https://social.overheid.nl/@minbzk/1234`',
  },
  'capture.queued': {
    nl: 'Bezig met archiveren van {url} (taak {job}). Ik antwoord in deze draad als het klaar is.',
    en: "Archiving {url} (job {job}). I'll answer in this thread when it's done.",
  },
  'capture.duplicate': {
    nl: '{url} wordt al gearchiveerd (taak {job}); ik antwoord ook hier als het klaar is.',
    en: "{url} is already being archived (job {job}); I'll answer here too when it's done.",
  },
  'capture.account-secured': { nl: 'Account {handle} veiliggesteld', en: 'Account {handle} secured' },
  'capture.account-partly': {
    nl: 'Account {handle} gedeeltelijk veiliggesteld',
    en: 'Account {handle} partly secured',
  },
  'capture.archived': {
    nl: 'Gearchiveerd: bericht #{id}, versie {version}',
    en: 'Archived: post #{id}, version {version}',
  },
  'capture.version-new': { nl: '{version} (nieuw)', en: '{version} (new)' },
  'capture.version-unchanged': { nl: '{version} (ongewijzigd)', en: '{version} (unchanged)' },
  'capture.failed': {
    nl: 'Archiveren van {url} is mislukt. {reason} `status` toont mislukte archiveringen.',
    en: 'Archiving {url} failed. {reason} `status` lists failed captures.',
  },
  'capture.failed-retry': {
    nl: 'Archiveren van {url} lukt nu niet. {reason} Ik probeer het later opnieuw.',
    en: "Archiving {url} failed for now. {reason} I'll try again later.",
  },
  'capture.failed-detail': { nl: 'Wat er misging: {detail}.', en: 'What went wrong: {detail}.' },

  // show, history, search, status
  'show.title': {
    nl: 'Bericht #{id} ({platform}, {status})',
    en: 'Post #{id} ({platform}, {status})',
  },
  'show.captured': { nl: '{n}× · laatst {when}', en: '{n}× · last {when}' },
  'show.context': { nl: '{url} · methode {method}', en: '{url} · method {method}' },
  'show.not-appraised': { nl: 'niet gewaardeerd', en: 'not appraised' },
  'show.term': { nl: '{n} jaar', en: '{n} {n|year|years}' },
  'show.inferred': { nl: 'afgeleid', en: 'inferred' },
  'history.title': {
    nl: 'Bericht #{id}: {n} {n|versie|versies}',
    en: 'Post #{id}: {n} {n|version|versions}',
  },
  'history.from-platform': {
    nl: 'uit de bewerkgeschiedenis van het platform',
    en: "from the platform's edit history",
  },
  'history.captured': { nl: 'vastgelegd {trigger}', en: 'captured {trigger}' },
  'history.page': { nl: 'Versies {from}–{to} van {n}.', en: 'Versions {from}–{to} of {n}.' },
  // Edits the platform did not date, posts found gone on a capture (issue 17, items 4 and 5).
  'history.edited-between': {
    nl: 'tussen {from} en {to} bewerkt',
    en: 'edited between {from} and {to}',
  },
  'label.edited': { nl: 'Bewerkt', en: 'Edited' },
  'show.edited-between': { nl: 'tussen {from} en {to}', en: 'between {from} and {to}' },
  'error.not-found-archived': {
    nl: '{url} bestaat niet meer: het bericht is verwijderd. Het gearchiveerde bericht #{id} staat nu als verwijderd gemarkeerd.',
    en: '{url} no longer exists: the post was deleted. The archived post #{id} is now marked deleted.',
  },
  'search.nothing': { nl: 'Niets gevonden voor "{query}".', en: 'Nothing found for "{query}".' },
  'search.title': { nl: 'Zoekresultaten voor "{query}"', en: 'Search results for "{query}"' },
  'search.title-relevance': {
    nl: 'Zoekresultaten voor "{query}", beste eerst',
    en: 'Search results for "{query}", best first',
  },
  'search.total': { nl: '{n} {n|bericht|berichten} gevonden.', en: '{n} {n|post|posts} found.' },
  'search.total-more': {
    nl: 'Meer dan {n} {n|bericht|berichten} gevonden.',
    en: 'More than {n} {n|post|posts} found.',
  },
  'search.next': {
    nl: 'Volgende pagina: voeg --after {cursor} toe.',
    en: 'Next page: add --after {cursor}.',
  },
  'search.more': {
    nl: 'Pagina {page}; er zijn meer resultaten.',
    en: 'Page {page}; there are more results.',
  },
  'status.title': { nl: 'Status', en: 'Status' },
  'status.queue': {
    nl: '{waiting} wachtend, {active} bezig, {delayed} uitgesteld',
    en: '{waiting} waiting, {active} active, {delayed} delayed',
  },
  'status.archive': {
    nl: '{posts} {posts|bericht|berichten}, {versions} {versions|versie|versies}',
    en: '{posts} {posts|post|posts}, {versions} {versions|version|versions}',
  },
  'status.recent': { nl: 'Laatste archiveringen', en: 'Last captures' },

  // alerts
  'alerts.on': {
    nl: 'Meldingen aan in dit kanaal voor {what}: bewerkt, verwijderd, hersteld, onbeschikbaar, verstoord.',
    en: 'Alerts on in this channel for {what}: edited, deleted, restored, unavailable, degraded.',
  },
  'alerts.already-on': {
    nl: 'Meldingen stonden al aan voor {what}.',
    en: 'Alerts were already on for {what}.',
  },
  'alerts.all-watched': { nl: 'alle gevolgde accounts', en: 'all watched accounts' },
  'alerts.all-accounts': { nl: 'alle accounts', en: 'all accounts' },
  'alerts.off': { nl: 'Meldingen uit in dit kanaal.', en: 'Alerts off in this channel.' },
  'alerts.off-for': {
    nl: 'Meldingen uit in dit kanaal voor {accounts}.',
    en: 'Alerts off in this channel for {accounts}.',
  },
  'alerts.none-on': { nl: 'Er stonden hier geen meldingen aan.', en: 'No alerts were on here.' },
  'alerts.ack-usage': { nl: 'Gebruik: `meldingen gezien <nummer>`', en: 'Usage: `alerts ack <number>`' },
  'alerts.acked': { nl: 'Melding #{id} is als gezien gemarkeerd.', en: 'Alert #{id} is marked as seen.' },
  'alerts.already-acked': {
    nl: 'Melding #{id} was al gezien door {who}.',
    en: 'Alert #{id} was already seen by {who}.',
  },
  'alerts.usage': {
    nl: 'Gebruik: `meldingen [aan|uit [account…] | gezien <nummer>]`',
    en: 'Usage: `alerts [on|off [account…] | ack <number>]`',
  },
  'alerts.recent': {
    nl: 'Recente meldingen ({days} {days|dag|dagen})',
    en: 'Recent alerts ({days} {days|day|days})',
  },
  'alerts.none-recent': {
    nl: 'Geen meldingen in de afgelopen {days} {days|dag|dagen}.',
    en: 'No alerts in the last {days} {days|day|days}.',
  },
  'alerts.channel-for': {
    nl: 'Meldingen in dit kanaal voor: {accounts}.',
    en: 'Alerts in this channel for: {accounts}.',
  },
  'alerts.channel-none': {
    nl: 'Geen meldingen in dit kanaal. Zet ze aan met `meldingen aan`.',
    en: 'No alerts in this channel. Turn them on with `alerts on`.',
  },
  'alert-kind.edited': { nl: 'Bewerkt', en: 'Edited' },
  'alert-kind.deleted': { nl: 'Verwijderd', en: 'Deleted' },
  'alert-kind.restored': { nl: 'Teruggezet', en: 'Restored' },
  'alert-kind.unavailable': { nl: 'Onbeschikbaar', en: 'Unavailable' },
  'alert-kind.degraded': { nl: 'Archivering verstoord', en: 'Capture degraded' },
  'alert.post': { nl: 'bericht #{id}', en: 'post #{id}' },
  'alert.seen-by': { nl: 'gezien door {who}', en: 'seen by {who}' },
  'alert.media-added': {
    nl: '{n} {n|bestand|bestanden} toegevoegd',
    en: '{n} {n|file|files} added',
  },
  'alert.media-removed': {
    nl: '{n} {n|bestand|bestanden} weggehaald',
    en: '{n} {n|file|files} removed',
  },
  'alert.media-described': {
    nl: '{n}× andere beschrijving (alt-tekst)',
    en: '{n}× another description (alt text)',
  },
  'alert.last-version': { nl: 'Laatst bewaarde versie (v{n})', en: 'Last kept version (v{n})' },
  'alert.degraded': {
    nl: 'Controles van dit account mislukken al {n} keer achter elkaar (storing, time-outs of snelheidslimiet). Bewerkingen en verwijderingen kunnen later gezien worden; het archief is niet aangetast.',
    en: 'Checks of this account have failed {n} {n|time|times} in a row (outage, timeouts or rate limits). Edits and deletions may be seen late; the archive is unaffected.',
  },
  'duration.seconds': { nl: '{n} s', en: '{n} s' },
  'duration.minutes': { nl: '{n} min', en: '{n} min' },
  'duration.hours': { nl: '{n} uur', en: '{n} h' },
  'duration.days': { nl: '{n} {n|dag|dagen}', en: '{n} {n|day|days}' },

  // language, watch, unwatch, watching, ask
  'language.usage': { nl: 'Gebruik: `taal nl` of `taal en`', en: 'Usage: `language nl` or `language en`' },
  'language.set': {
    nl: 'Ik antwoord in dit kanaal voortaan in het Nederlands.',
    en: 'From now on I answer in English in this channel.',
  },
  'watch.needs-serve': {
    nl: 'Volgen kan alleen als de bot draait (`archiefbot serve`).',
    en: 'Watching needs the bot running (`archiefbot serve`).',
  },
  'watch.which': { nl: 'Welk account? `{usage}`', en: 'Which account? `{usage}`' },
  'watch.queued': {
    nl: 'Ik ga {url} volgen. Eerst stel ik alle berichten veilig; ik meld het hier als dat klaar is.',
    en: "I'll watch {url}. First I secure all its posts; I'll say so here when that is done.",
  },
  'unwatch.done': {
    nl: '{handle} wordt niet meer gevolgd; wat gearchiveerd is, blijft.',
    en: '{handle} is no longer watched; what was archived stays.',
  },
  'unwatch.not-watched': { nl: '{input} werd niet gevolgd.', en: '{input} was not being watched.' },
  'watching.none': {
    nl: 'Er worden geen accounts gevolgd. Begin met `volg <account>`.',
    en: 'No accounts are watched. Start with `watch <account>`.',
  },
  'watching.title': {
    nl: '{n} {n|gevolgd account|gevolgde accounts}',
    en: '{n} watched {n|account|accounts}',
  },
  'watching.every': { nl: 'elke {seconds} s', en: 'every {seconds} s' },
  'watching.last': { nl: 'laatst {when}', en: 'last {when}' },
  'watching.errors': { nl: '{n} {n|fout|fouten}', en: '{n} {n|error|errors}' },
  'ask.what': {
    nl: 'Wat wil je weten? Bijvoorbeeld: `vraag moet ik reacties op ons account archiveren?`',
    en: 'What would you like to know? For example: `ask must I archive replies to our account?`',
  },
  // Requests kept until answered (issue 10, item 5).
  'request.lost': {
    nl: 'De taak ging {n} keer verloren voordat hij klaar was; probeer het later opnieuw.',
    en: 'The job was lost {n} {n|time|times} before it finished; please try again later.',
  },
  'status.instances': { nl: 'Mastodon-API-servers', en: 'Mastodon-API servers' },
  'status.platforms': { nl: 'Platforms', en: 'Platforms' },
  'status.platform.ready': { nl: 'klaar', en: 'ready' },
  'status.platform.not-configured': {
    nl: 'niet ingesteld: zet {variable}',
    en: 'not configured: set {variable}',
  },
  'status.platform.quota-exceeded': { nl: 'quotum of budget op', en: 'quota or budget spent' },
  'status.platform.unsupported': { nl: 'nog niet ondersteund', en: 'not supported yet' },
  'status.platform.quota.day': {
    nl: '{used}/{limit} {unit} vandaag gebruikt, weer aangevuld {resets}',
    en: '{used}/{limit} {unit} used today, renewed {resets}',
  },
  'status.platform.quota.month': {
    nl: '{used}/{limit} {unit} deze maand gebruikt, weer aangevuld {resets}',
    en: '{used}/{limit} {unit} used this month, renewed {resets}',
  },
  'status.instance': {
    nl: '{host}: {software} {version}',
    en: '{host}: {software} {version}',
  },
  'status.instance.no-batch': { nl: 'zonder batch-opvraging', en: 'no batch look-up' },
  'status.instance.no-history': { nl: 'zonder bewerkingsgeschiedenis', en: 'no edit history' },
} satisfies Record<string, Message>;
