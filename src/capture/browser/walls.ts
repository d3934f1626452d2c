/**
 * What a rendered page says when it is not the content that was asked for: the platform's login wall
 * or its "this content isn't available" page (deleted, private, age- or region-restricted: platforms
 * do not tell these apart to visitors), or an HTTP 404/410 (gone). A capture refuses such a page
 * instead of archiving it as the post; a re-check reports it as `unavailable` or `deleted`, never as
 * an edit.
 */

export interface PageSeen {
  /** The URL the page ended up at (after redirects). */
  finalUrl: string;
  /** The main document's HTTP status (0 when none came back). */
  status: number;
  title: string;
  /** The visible text (document.body.innerText). */
  text: string;
}

export interface Wall {
  state: 'deleted' | 'unavailable';
  /** Why, in one English line (the logs, the alert's detail). */
  reason: string;
}

/** Paths platforms send a visitor to instead of the content: their login or consent walls. */
const WALL_PATHS: { host: RegExp; path: RegExp; name: string }[] = [
  { host: /(^|\.)(x|twitter)\.com$/, path: /^\/(i\/flow\/login|login|account\/access)/, name: 'X' },
  { host: /(^|\.)facebook\.com$/, path: /^\/(login|checkpoint|login\.php)/, name: 'Facebook' },
  { host: /(^|\.)instagram\.com$/, path: /^\/(accounts\/login|challenge)/, name: 'Instagram' },
  { host: /(^|\.)threads\.(net|com)$/, path: /^\/login/, name: 'Threads' },
  { host: /(^|\.)linkedin\.com$/, path: /^\/(authwall|login|uas\/login|checkpoint)/, name: 'LinkedIn' },
  { host: /(^|\.)tiktok\.com$/, path: /^\/login/, name: 'TikTok' },
  { host: /(^|\.)youtube\.com$/, path: /^\/(signin|verify_age)/, name: 'YouTube' },
  { host: /(^|\.)google\.com$/, path: /^\/(ServiceLogin|v3\/signin)/, name: 'YouTube' },
  { host: /(^|\.)consent\.(youtube|google)\.com$/, path: /^\//, name: 'YouTube' },
];

/**
 * The platforms' own sentences for content a visitor cannot see (English and Dutch, as they serve
 * them), matched on the start of the visible text or the title: a post that merely quotes one of
 * these sentences further down is not a wall.
 */
const UNAVAILABLE_TEXT: RegExp[] = [
  /this (post|tweet|page|video|content|account) is (currently )?unavailable/i,
  /this (post|tweet|page|video|content|account) (isn.t|is not) available/i,
  /hmm\.*\s*this page doesn.t exist/i,
  /this content isn.t available( right now| at the moment)?/i,
  /sorry, this page isn.t available/i,
  /this account doesn.t exist/i,
  /(this )?video (is )?(currently )?unavailable/i,
  /this video isn.t available any ?more/i,
  /couldn.t find this account/i,
  /deze (inhoud|pagina|post|content) is (momenteel )?niet beschikbaar/i,
  /deze pagina bestaat niet/i,
  /dit account bestaat niet/i,
  /sorry, deze pagina is niet beschikbaar/i,
];

/** A login page's title: it starts by asking to log in. */
const LOGIN_TITLE = /^(log ?in|sign ?in|inloggen|aanmelden)\b|\b(log in|sign in) (to|op)\b/i;

/**
 * Login walls: the whole page asks the visitor to log in or sign up (a short page that says little
 * else). A page whose menu merely starts with "Inloggen" is not one: the sentence must ask.
 */
const LOGIN_TEXT: RegExp[] = [
  /(you must|you need to|log in to|sign in to) (log in|sign in|continue|see|view)/i,
  /(join|sign in to) linkedin/i,
  /log in (to|op) (facebook|instagram|threads|x)\b/i,
  /je moet (je )?(aanmelden|inloggen)/i,
];

function head(text: string, n = 400): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, n);
}

/** The wall a rendered page is, or null when it shows content. */
export function recogniseWall(page: PageSeen): Wall | null {
  let url: URL | null = null;
  try {
    url = new URL(page.finalUrl);
  } catch {
    url = null;
  }
  if (page.status === 404 || page.status === 410)
    return { state: 'deleted', reason: `${page.finalUrl} is gone (HTTP ${page.status})` };
  if (page.status === 401 || page.status === 403)
    return { state: 'unavailable', reason: `${page.finalUrl} needs a login (HTTP ${page.status})` };
  const wallPath = url && WALL_PATHS.find((w) => w.host.test(url.hostname) && w.path.test(url.pathname));
  if (wallPath)
    return { state: 'unavailable', reason: `${wallPath.name} shows a login wall (${page.finalUrl})` };
  const start = `${page.title} ${head(page.text)}`;
  const said = UNAVAILABLE_TEXT.find((re) => re.test(start));
  if (said)
    return { state: 'unavailable', reason: `the page says "${start.match(said)![0]}" (${page.finalUrl})` };
  // A login wall says little else: a short page whose first words ask for a login.
  const short = page.text.trim().length < 1500;
  const login = LOGIN_TITLE.test(page.title.trim()) || LOGIN_TEXT.some((re) => re.test(head(page.text, 300)));
  if (short && login)
    return { state: 'unavailable', reason: `the page asks the visitor to log in (${page.finalUrl})` };
  return null;
}
