import type { CaptureMethod } from '../domain/types.ts';

/**
 * Capture methods and what each is known to keep and to miss, after the Nationaal Archief's
 * "Handreiking sociale media archivering" (January 2025), module "bewaren informatieobjecten"
 * (docs/reference/legal-framework.md §1.4). Where Archiefbot does better than the bare method
 * (it downloads the media an API lists), the list says so, and what remains missing stays named.
 */
export const METHODS = {
  api: {
    id: 'api',
    label: 'platform API (JSON), with the media files it lists downloaded separately',
    captures: [
      'text',
      'reactions (replies the API serves)',
      'counters (likes, reposts)',
      'images',
      'video files',
      'alt text',
    ],
    misses: [
      'the look of the platform (layout, form elements and behaviour are not kept; NA: API misses form)',
      'custom emoji images (kept as shortcodes only)',
      'likes and reposts as lists of accounts (only the counts)',
    ],
  },
  web: {
    id: 'web',
    label: 'web harvesting (the page HTML and its direct images)',
    captures: ['text', 'images', 'the page HTML (form elements)'],
    misses: [
      'content loaded by scripts after the page loads (most social platforms render posts this way)',
      'video and audio (not downloaded by this method)',
      'reactions behind "show more", login walls or cookie walls',
      'stylesheets and fonts (the page may replay unstyled)',
    ],
  },
  browser: {
    id: 'browser',
    label:
      'a headless browser (Chromium): every request the page makes as received, a full-page screenshot, the rendered DOM and the visible text',
    captures: [
      'text as rendered (also what scripts insert after the page loads)',
      'the look of the page (full-page screenshot, PNG)',
      'the rendered page (DOM snapshot) and every file it loaded (replayable)',
      'images',
      'Open Graph and oEmbed metadata',
    ],
    misses: [
      'what only logged-in visitors see (the crawler never logs in; a login wall is refused, not archived)',
      'video and audio streams (not downloaded)',
      'replies and comments behind "load more" or further down than the scroll limit',
      'what the page sends (only GET requests are made) and WebSocket traffic',
      'navigation to other sites (not followed)',
      'likes and reposts as lists of accounts; counters only as the page shows them, as text',
    ],
  },
} satisfies Record<string, CaptureMethod>;
