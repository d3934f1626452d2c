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
  /** A job's failure after it was retried: the reason (a sentence), then how often it was tried. */
  'queue.after-attempts': {
    nl: '{reason} Opgegeven na {attempts} {attempts|poging|pogingen}.',
    en: '{reason} Gave up after {attempts} {attempts|attempt|attempts}.',
  },
} satisfies Record<string, Message>;
