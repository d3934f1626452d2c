import type { Message } from '../i18n.ts';

/** Messages of the capture area (see src/domain/i18n.ts for the placeholder syntax). */
export const capture = {
  // vars: platform (its display name: X, Facebook, …), url, supported (English, for logs and --json).
  'error.unsupported-platform': {
    nl: "{platform} kan ik nog niet archiveren; dat komt eraan. Wat nu kan: berichten en accounts op Mastodon en Bluesky, en webpagina's.",
    en: 'I cannot archive {platform} yet; support for it is coming. What works now: posts and accounts on Mastodon and Bluesky, and web pages.',
  },
  'capture.method': {
    nl: 'Onbekende archiveermethode "{method}": alleen `browser` kan gekozen worden (zonder methode kiest Archiefbot zelf).',
    en: 'Unknown capture method "{method}": only `browser` can be chosen (without one, Archiefbot chooses).',
  },
} satisfies Record<string, Message>;
