/**
 * One page rendered the way a careful crawler does: load it through the recorder, wait for the
 * network to go idle (with a hard time limit), close a cookie banner it recognises, scroll to load
 * lazy content and open "load more" buttons up to a limit, then take what the public sees: a
 * full-page screenshot, the rendered DOM, the visible text, the title and the page's Open Graph and
 * oEmbed metadata. What it could not take is returned as misses.
 */
import { existsSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import type { Config } from '../../config.ts';
import { CaptureError } from '../../domain/errors.ts';
import type { HttpSession } from '../http.ts';
import { bannerScript } from './banners.ts';
import { dHash } from './phash.ts';
import { Recorder } from './recorder.ts';

export type BrowserConfig = Config['browser'];

export interface PageMeta {
  title: string;
  canonical: string | null;
  description: string | null;
  author: string | null;
  publishedAt: string | null;
  /** og:* and twitter:* properties, as the page states them. */
  openGraph: Record<string, string>;
  oembedUrl: string | null;
  images: { url: string; alt: string | null }[];
  videos: number;
}

export interface RenderedPage {
  requestedUrl: string;
  /** Where the page ended up (after redirects). */
  finalUrl: string;
  /** The main document's status (0: no answer). */
  status: number;
  title: string;
  text: string;
  dom: string;
  screenshot: Buffer;
  dhash: string;
  meta: PageMeta;
  oembed: Record<string, unknown> | null;
  /** The label of the cookie-banner button clicked, if any. */
  banner: string | null;
  misses: string[];
  requests: number;
}

/** Chromium's flags: no sandbox (containers), no background traffic, nothing outside the recorder. */
const ARGS = [
  '--no-sandbox',
  '--disable-dev-shm-usage',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-default-apps',
  '--disable-extensions',
  '--mute-audio',
  '--hide-scrollbars',
  // Every request is fulfilled by the recorder; one that escaped it would meet a proxy that is not there.
  '--proxy-server=http://127.0.0.1:9',
  '--proxy-bypass-list=<-loopback>',
];

/** Launches headless Chromium from the configured path; a clear error when it is not installed. */
export async function launchChromium(config: BrowserConfig): Promise<Browser> {
  if (!existsSync(config.chromium)) throw chromiumMissing(config.chromium);
  const { chromium } = await import('playwright-core');
  try {
    return await chromium.launch({ executablePath: config.chromium, headless: true, args: ARGS });
  } catch (err) {
    throw chromiumMissing(config.chromium, (err as Error).message.split('\n')[0]);
  }
}

export function chromiumMissing(path: string, detail?: string): CaptureError {
  return new CaptureError(
    'browser-missing',
    `the browser method needs Chromium at ${path}${detail ? ` (${detail})` : ''}: install it with apt-get install chromium or set ARCHIEFBOT_CHROMIUM`,
    false,
    { path, detail },
  );
}

/** The in-page script that reads the metadata and the images of the page. */
const META_SCRIPT = (maxImages: number) => `(() => {
  const meta = (sel) => { const el = document.querySelector(sel); const v = el && el.getAttribute('content'); return v ? v.trim() : null; };
  const openGraph = {};
  for (const el of document.querySelectorAll('meta[property^="og:"], meta[name^="og:"], meta[property^="twitter:"], meta[name^="twitter:"], meta[property^="article:"]')) {
    const key = el.getAttribute('property') || el.getAttribute('name');
    const value = el.getAttribute('content');
    if (key && value && !(key in openGraph)) openGraph[key] = value.trim();
  }
  const images = [];
  const seen = new Set();
  for (const img of document.images) {
    const src = img.currentSrc || img.src;
    if (!src || !/^https?:/.test(src) || seen.has(src) || !img.complete || img.naturalWidth < 2) continue;
    seen.add(src);
    images.push({ url: src, alt: (img.getAttribute('alt') || '').trim() || null });
    if (images.length >= ${maxImages}) break;
  }
  const link = (sel) => { const el = document.querySelector(sel); return el ? el.href : null; };
  return {
    title: document.title || '',
    canonical: link('link[rel="canonical"]'),
    description: meta('meta[name="description"]'),
    author: meta('meta[name="author"]') || meta('meta[property="article:author"]'),
    publishedAt: meta('meta[property="article:published_time"]') || meta('meta[name="date"]'),
    openGraph,
    oembedUrl: link('link[rel="alternate"][type="application/json+oembed"]'),
    images,
    videos: document.querySelectorAll('video').length,
  };
})()`;

/** Clicks visible "load more"/"show more replies" buttons (buttons only, never links); returns how many. */
const MORE_SCRIPT = `(() => {
  const words = /^(load|show|view|see) (more|all|\\d+ more)( (replies|comments|answers|reacties))?$|^(meer (laden|tonen|weergeven|reacties)|toon meer|laad meer|bekijk meer)( reacties)?$/i;
  let n = 0;
  for (const el of document.querySelectorAll('button, [role="button"]')) {
    const text = (el.innerText || el.getAttribute('aria-label') || '').replace(/\\s+/g, ' ').trim();
    const r = el.getBoundingClientRect();
    if (words.test(text) && r.width > 0 && r.height > 0 && !el.dataset.archiefbotClicked) {
      el.dataset.archiefbotClicked = '1';
      el.click();
      n++;
    }
  }
  return n;
})()`;

/** Two animation frames: the layout after a scroll has run, so lazy images have been asked for. */
const FRAMES = 'new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))';

/** Waits (at most `ms`) for the images the page is still loading, so the media list does not depend on timing. */
const IMAGES_SCRIPT = (ms: number) => `new Promise((resolve) => {
  const pending = [...document.images].filter((img) => !img.complete && (img.currentSrc || img.src));
  let left = pending.length;
  if (!left) return resolve(0);
  const one = () => { if (--left === 0) resolve(0); };
  for (const img of pending) { img.addEventListener('load', one, { once: true }); img.addEventListener('error', one, { once: true }); }
  setTimeout(() => resolve(left), ${ms});
})`;

const HEIGHT =
  'Math.max(document.body ? document.body.scrollHeight : 0, document.documentElement.scrollHeight)';

/** Renders one page into the session's exchanges; throws a CaptureError when it cannot be loaded at all. */
export async function renderPage(
  browser: Browser,
  url: string,
  http: HttpSession,
  config: BrowserConfig,
): Promise<RenderedPage> {
  const context = await browser.newContext({
    viewport: { width: config.width, height: config.height },
    serviceWorkers: 'block',
    acceptDownloads: false,
    javaScriptEnabled: true,
    locale: 'nl-NL',
  });
  try {
    const page = await context.newPage();
    const recorder = new Recorder(http, page, url);
    await recorder.attach(context);
    const misses: string[] = [];
    await open(page, recorder, url, config, misses);
    await settle(page, config, misses);
    const banner = await closeBanner(page, config);
    await scrollAll(page, config, misses);
    const rendered = await takePage(page, config, misses);
    const oembed = await fetchOembed(rendered.meta.oembedUrl, http);
    const notes = recorder.notes;
    const documents = notes.documents.filter((d) => d.status > 0);
    return {
      ...rendered,
      requestedUrl: url,
      finalUrl: page.url(),
      status: documents.at(-1)?.status ?? 0,
      oembed,
      banner,
      misses: [...misses, ...recorderMisses(notes)],
      requests: notes.requests,
    };
  } finally {
    await context.close().catch(() => {});
  }
}

/** Redirects of the requested page followed, at most (as `http.maxRedirects` allows by default). */
const MAX_REDIRECTS = 10;

/** Navigates to the page, following its HTTP redirects (the recorder ends each hop's navigation). */
async function open(page: Page, recorder: Recorder, url: string, config: BrowserConfig, misses: string[]) {
  let target = url;
  for (let hop = 0; ; hop++) {
    recorder.redirect = null;
    try {
      const going = page.goto(target, { waitUntil: 'load', timeout: config.pageTimeoutMs });
      going.catch(() => {}); // awaited below, unless the page tries to leave first
      // A script that sends the page elsewhere before its load event: the page stays as it is.
      await Promise.race([going, recorder.leftSite]);
      return;
    } catch (err) {
      if (recorder.redirect && hop < MAX_REDIRECTS) {
        target = recorder.redirect;
        continue;
      }
      const answered = recorder.notes.documents.some(
        (d) => d.status > 0 && (d.status < 300 || d.status >= 400),
      );
      if (!answered || recorder.redirect) throw loadFailure(target, recorder, err as Error);
      misses.push(`the page did not finish loading within ${config.pageTimeoutMs} ms`);
      return;
    }
  }
}

/** The page did not load: a blocked address, a host that does not answer, a time limit. */
function loadFailure(url: string, recorder: Recorder, err: Error): CaptureError {
  const host = new URL(url).host;
  if (recorder.notes.blocked.includes(url))
    return new CaptureError(
      'blocked-address',
      `refused ${host}: private, loopback and link-local addresses are blocked`,
      false,
      { url, host },
    );
  const failed = recorder.notes.failed.find((f) => f.startsWith(url));
  // The page's own request failed in the HTTP client: its verdict stands (a host that does not exist
  // or a 404 is not retried; a timeout or a 5xx is), with the browser named in the message.
  const own = recorder.notes.documentError;
  if (own && failed)
    return new CaptureError(own.code, `the browser could not load ${url} (${own.message})`, own.retryable, {
      ...own.vars,
      url,
      host,
    });
  return new CaptureError(
    'network-error',
    `the browser could not load ${url} (${failed ?? err.message.split('\n')[0]})`,
    true,
    { url, host, detail: failed ?? 'timeout' },
  );
}

/** Waits for the network to go idle, at most `idleTimeoutMs`; notes when it did not. */
async function settle(page: Page, config: BrowserConfig, misses: string[], note = true) {
  if (config.idleTimeoutMs <= 0) return;
  try {
    await page.waitForLoadState('networkidle', { timeout: config.idleTimeoutMs });
  } catch {
    if (note)
      misses.push(
        `the network did not go idle within ${config.idleTimeoutMs} ms (content may still have been loading)`,
      );
  }
}

async function closeBanner(page: Page, config: BrowserConfig): Promise<string | null> {
  const clicked = (await page.evaluate(bannerScript(config.acceptCookies)).catch(() => null)) as
    | string
    | null;
  if (clicked) await settle(page, config, [], false);
  return clicked;
}

/** Scrolls down (and opens "load more" buttons) until nothing new comes, at most `maxScrolls` times. */
async function scrollAll(page: Page, config: BrowserConfig, misses: string[]) {
  let height = (await page.evaluate(HEIGHT)) as number;
  let grew = false;
  let more = 0;
  for (let i = 0; i < config.maxScrolls; i++) {
    await page.evaluate(`window.scrollTo(0, ${HEIGHT})`);
    await page.evaluate(FRAMES).catch(() => {});
    more = (await page.evaluate(MORE_SCRIPT).catch(() => 0)) as number;
    await settle(page, { ...config, idleTimeoutMs: Math.min(config.idleTimeoutMs, 3000) }, [], false);
    const now = (await page.evaluate(HEIGHT)) as number;
    grew = now > height;
    height = now;
    if (!grew && more === 0) break;
  }
  if (config.maxScrolls > 0 && (grew || more > 0))
    misses.push(`content that loads further down or behind "load more" beyond ${config.maxScrolls} scrolls`);
  await page.evaluate('window.scrollTo(0, 0)');
}

async function takePage(page: Page, config: BrowserConfig, misses: string[]) {
  await page.evaluate(IMAGES_SCRIPT(Math.min(config.idleTimeoutMs, 3000))).catch(() => {});
  const meta = (await page.evaluate(META_SCRIPT(config.maxImages))) as PageMeta;
  const text = ((await page.evaluate('document.body ? document.body.innerText : ""')) as string) ?? '';
  const dom = await page.content();
  const height = (await page.evaluate(HEIGHT)) as number;
  const cut = height > config.maxPageHeight;
  if (cut) misses.push(`the screenshot stops at ${config.maxPageHeight} of ${height} pixels of the page`);
  if (meta.videos > 0)
    misses.push(`${meta.videos} video element(s): the video itself is not kept by this method`);
  const screenshot = await page.screenshot({
    type: 'png',
    fullPage: true,
    animations: 'disabled',
    ...(cut ? { clip: { x: 0, y: 0, width: config.width, height: config.maxPageHeight } } : {}),
  });
  return { title: meta.title, text: collapse(text), dom, screenshot, dhash: dHash(screenshot), meta };
}

/** The page's oEmbed document (recorded like every other request), when it names one. */
async function fetchOembed(url: string | null, http: HttpSession): Promise<Record<string, unknown> | null> {
  if (!url || !/^https?:/.test(url)) return null;
  try {
    const { res, data } = await http.json<Record<string, unknown>>(url, { purpose: 'api' });
    return res.status < 400 && data && typeof data === 'object' && !Array.isArray(data) ? data : null;
  } catch {
    return null;
  }
}

const MAX_LISTED = 10;

/** A list in one miss line, the first few named. */
function listed(what: string, items: string[]): string[] {
  if (!items.length) return [];
  const more = items.length > MAX_LISTED ? ` and ${items.length - MAX_LISTED} more` : '';
  return [`${what}: ${items.slice(0, MAX_LISTED).join(', ')}${more}`];
}

function recorderMisses(n: Recorder['notes']): string[] {
  return [
    // Each blocked request on its own line (the SSRF guard at work), the first few.
    ...n.blocked.slice(0, MAX_LISTED).map((u) => `blocked: ${u} (private, loopback or link-local address)`),
    ...(n.blocked.length > MAX_LISTED ? [`blocked: ${n.blocked.length - MAX_LISTED} more requests`] : []),
    ...listed('navigation to another site not followed', n.offSite),
    ...listed('sent by the page, not sent by the crawler', n.notSent),
    ...listed('audio or video stream not downloaded', n.streams),
    ...listed('WebSocket connections closed, not recorded', n.sockets),
    ...listed('not loaded', n.failed),
  ];
}

function collapse(text: string): string {
  return text
    .replace(/[ \t\f\v\u00a0]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
