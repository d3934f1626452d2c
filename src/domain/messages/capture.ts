import type { Message } from '../i18n.ts';

/** Messages of the capture area (see src/domain/i18n.ts for the placeholder syntax). */
export const capture = {
  // vars: platform (its display name: X, Facebook, …), url, supported (English, for logs and --json).
  'error.unsupported-platform': {
    nl: "{platform} heeft nog geen koppeling in Archiefbot, en zonder Chromium op de server kan ik zo'n pagina niet zoals het publiek haar ziet archiveren (apt-get install chromium). Wat via de API kan: Mastodon, Bluesky, YouTube, X, Facebook, Instagram, Threads en LinkedIn, en webpagina's.",
    en: '{platform} has no connector in Archiefbot yet, and without Chromium on the server I cannot capture such a page as the public sees it (apt-get install chromium). What works through an API: Mastodon, Bluesky, YouTube, X, Facebook, Instagram, Threads and LinkedIn, and web pages.',
  },
  'capture.method': {
    nl: 'Onbekende archiveermethode "{method}": alleen `browser` kan gekozen worden (zonder methode kiest Archiefbot zelf).',
    en: 'Unknown capture method "{method}": only `browser` can be chosen (without one, Archiefbot chooses).',
  },
} satisfies Record<string, Message>;
