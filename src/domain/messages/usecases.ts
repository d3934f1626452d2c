import type { Message } from '../i18n.ts';

/** Messages of the use cases shared by the CLI and the chat (src/usecases). */
export const usecases = {
  'post.which': {
    nl: 'Welk bericht? Geef het nummer (#12) of de link.',
    en: 'Which post? Give its number (#12) or its link.',
  },
  'post.not-found': {
    nl: 'Geen gearchiveerd bericht {ref}. Archiveer het eerst: `archiveer <link>`.',
    en: 'No archived post {ref}. Capture it first: `capture <link>`.',
  },
  'date.invalid': {
    nl: '{name} moet een datum zijn zoals 2025-03-01 (of 2025-03-01T09:00:00Z), niet "{value}".',
    en: '{name} must be a date like 2025-03-01 (or 2025-03-01T09:00:00Z), not "{value}".',
  },
  'search.no-words': {
    nl: 'Waar zoek je naar? Geef minstens één woord, bijvoorbeeld: `zoek stikstof sinds:2025-01-01`',
    en: 'What are you looking for? Give at least one word, for example: `search nitrogen since:2025-01-01`',
  },
  'search.bad-cursor': {
    nl: '"{value}" is geen zoekcursor: gebruik de "next" van een eerder zoekantwoord (of de knop Meer).',
    en: '"{value}" is not a search cursor: use the "next" of an earlier search answer (or the More button).',
  },
  'alerts.unknown': { nl: 'Melding {id} bestaat niet.', en: 'There is no alert {id}.' },
} satisfies Record<string, Message>;
