import type { Message } from '../i18n.ts';

/** Messages of the monitor area and of the queue's jobs (see src/domain/i18n.ts for the placeholder syntax). */
export const monitor = {
  'monitor.not-an-account': {
    nl: '{url} is een bericht, geen account.',
    en: '{url} is a post, not an account.',
  },
  'monitor.watched': {
    nl: '{handle} wordt gevolgd: {posts} {posts|bericht|berichten} veiliggesteld ({newVersions} {newVersions|nieuwe versie|nieuwe versies}); ik kijk elke {seconds} s naar nieuwe berichten en controleer ze op bewerkingen en verwijderingen.',
    en: 'Watching {handle}: {posts} {posts|post|posts} secured ({newVersions} new {newVersions|version|versions}); I look for new posts every {seconds} s and re-check them for edits and deletions.',
  },
  'monitor.watch-failed': {
    nl: 'Volgen van {input} is mislukt: {reason}',
    en: 'Watching {input} failed: {reason}',
  },
  /** A "capture degraded" alert: Meta refused a page's token (Graph error 190), so nothing of it is read until it is renewed. */
  'alert.meta-token-refused': {
    nl: '{platform} weigert het token van {account} ({variable}): het is verlopen of ingetrokken. Tot het vernieuwd is, archiveer en controleer ik niets van dit account; niets wordt als verwijderd gemeld. Maak een nieuw langlevend paginatoken en zet het in {variable}.',
    en: '{platform} refuses the token of {account} ({variable}): it expired or was revoked. Until it is renewed I capture and re-check nothing of this account; nothing is reported as deleted. Make a new long-lived page token and put it in {variable}.',
  },
  /** A job's failure after it was retried: the reason (a sentence), then how often it was tried. */
  'queue.after-attempts': {
    nl: '{reason} Opgegeven na {attempts} {attempts|poging|pogingen}.',
    en: '{reason} Gave up after {attempts} {attempts|attempt|attempts}.',
  },
} satisfies Record<string, Message>;
