import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import type { Config } from '../../config.ts';
import { CaptureError } from '../../domain/errors.ts';
import type { MediaItem, NormalisedPost, PostContent } from '../../domain/types.ts';
import type { Db } from '../../store/db.ts';
import type { IngestResource } from '../../store/ingest/types.ts';
import { type LatestVersion, latestVersion } from '../../store/latest-version.ts';
import { launchChromium, type RenderedPage, renderPage } from '../browser/crawl.ts';
import { hammingDistance } from '../browser/phash.ts';
import { recogniseWall } from '../browser/walls.ts';
import type {
  BatchChecker,
  CheckRef,
  CheckResult,
  Connector,
  PostSource,
  PostTarget,
  Target,
  Thread,
} from '../connector.ts';
import type { HttpSession } from '../http.ts';
import { METHODS } from '../methods.ts';
import { WebConnector } from './web.ts';

/** Chromium is closed after this long without a page to render (a worker keeps no idle browser). */
const IDLE_CLOSE_MS = 60_000;

/** The MediaItem key prefix of a version's screenshot: `screenshot:<dHash>`. */
const SCREENSHOT = 'screenshot:';

/**
 * The browser method: a page as the public sees it, rendered by headless Chromium. It matches no
 * URL by itself: the pipeline chooses it (`--method browser`, `archiveer <url> browser`, a platform
 * with no configured connector, a post captured this way before). A capture is a page: platform
 * `web`, the page URL (without its fragment) as identity, the host as account, as the `web` method
 * has it, so both methods' captures of one URL are versions of one post, each naming its method.
 *
 * The version's screenshot is a media item keyed by its perceptual hash (128-bit dHash). A capture
 * whose screenshot is within `browser.changeThreshold` bits of the previous version's keeps that
 * version's key, so a re-render that looks the same (a few pixels of anti-aliasing) makes no new
 * version, while a changed look does, also when the text stayed the same.
 */
export class BrowserConnector implements Connector, PostSource, BatchChecker {
  readonly platform = 'web' as const;
  readonly method = METHODS.browser;
  private browser: Promise<Browser> | null = null;
  /** Renders running now; when the last ends, an idle timer closes Chromium. */
  private rendering = 0;
  private idle: NodeJS.Timeout | null = null;

  constructor(
    private readonly config: Config,
    private readonly db?: Db,
  ) {}

  /** Chosen by method, never by URL. */
  match(): Target | null {
    return null;
  }

  /** Whether Chromium is installed where the configuration says. */
  available(): boolean {
    return existsSync(this.config.browser.chromium);
  }

  lookupKeys(url: URL): string[] {
    return [pageUrl(url.href)];
  }

  private async launched(): Promise<Browser> {
    const current = this.browser ? await this.browser.catch(() => null) : null;
    if (current?.isConnected()) return current;
    this.browser = launchChromium(this.config.browser);
    this.browser.catch(() => {
      this.browser = null;
    });
    return this.browser;
  }

  async close(): Promise<void> {
    if (this.idle) clearTimeout(this.idle);
    this.idle = null;
    const b = this.browser;
    this.browser = null;
    if (b) await (await b.catch(() => null))?.close().catch(() => {});
  }

  private async render(url: string, http: HttpSession): Promise<RenderedPage> {
    this.rendering++;
    if (this.idle) clearTimeout(this.idle);
    this.idle = null;
    try {
      return await renderPage(await this.launched(), url, http, this.config.browser);
    } finally {
      if (--this.rendering === 0) {
        this.idle = setTimeout(() => void this.close(), IDLE_CLOSE_MS);
        this.idle.unref();
      }
    }
  }

  async fetchThread(target: PostTarget, http: HttpSession): Promise<Thread> {
    const page = await this.render(target.url, http);
    const wall = recogniseWall(page);
    if (wall) {
      const host = new URL(page.finalUrl).host;
      const vars = { url: target.url, host, status: page.status };
      if (wall.state === 'deleted') throw new CaptureError('not-found', wall.reason, false, vars);
      throw new CaptureError('unavailable', `${wall.reason}; nothing archived`, false, vars);
    }
    const id = pageUrl(target.url);
    const previous = this.db ? await latestVersion(this.db, 'web', id) : undefined;
    const post = this.post(id, page, previous);
    return { post, ancestors: [], replies: [], resources: resources(id, page), misses: page.misses };
  }

  /** The page as a post; the screenshot keeps the previous version's key when it looks the same. */
  private post(id: string, page: RenderedPage, previous: LatestVersion | undefined): NormalisedPost {
    const url = new URL(id);
    const og = page.meta.openGraph;
    const author = str(page.oembed?.author_name) ?? page.meta.author ?? og['og:site_name'] ?? null;
    const published = page.meta.publishedAt ?? og['article:published_time'] ?? null;
    const screenshot: MediaItem = {
      key: screenshotKey(page.dhash, previous, this.config.browser.changeThreshold),
      url: `urn:view:${id}`,
      type: 'image',
      description: null,
    };
    const content: PostContent = {
      text: page.text,
      html: null,
      title: page.title.trim() || og['og:title'] || str(page.oembed?.title) || null,
      spoilerText: '',
      sensitive: false,
      visibility: null,
      language: null,
      media: [
        ...page.meta.images.map((img) => ({
          key: img.url,
          url: img.url,
          type: 'image' as const,
          description: img.alt,
        })),
        screenshot,
      ],
    };
    return {
      platform: 'web',
      platformId: id,
      url: id,
      apiRef: page.finalUrl,
      account: {
        platform: 'web',
        handle: url.host,
        platformId: null,
        displayName: author,
        url: `${url.protocol}//${url.host}/`,
      },
      kind: 'page',
      parentPlatformId: null,
      createdAt: published && !Number.isNaN(Date.parse(published)) ? new Date(published).toISOString() : null,
      editedAt: null,
      content,
      counts: {},
      history: null,
      sourceUrl: page.finalUrl,
    };
  }

  /**
   * Re-renders each page and compares: a login wall or a "not available" page is `unavailable`, an
   * HTTP 404/410 (seen twice) `deleted`, never an edit; otherwise the page as it is now, whose content
   * hash differs from the archived one when the text or the look (screenshot dHash beyond the
   * threshold) changed. A page whose latest version the `web` method made (the re-checker hands the
   * browser every `web` post, `recheck --all`) is fetched again with the `web` method, so methods are
   * never compared with each other.
   */
  async checkPosts(refs: CheckRef[], http: HttpSession): Promise<Map<string, CheckResult>> {
    const out = new Map<string, CheckResult>();
    for (const ref of refs) out.set(ref.platformId, await this.checkOne(ref, http));
    return out;
  }

  private async checkOne(ref: CheckRef, http: HttpSession): Promise<CheckResult> {
    const previous = this.db ? await latestVersion(this.db, 'web', ref.platformId) : undefined;
    if (previous?.method === 'web') return checkAsWebPage(ref, http);
    if (previous && previous.method !== 'browser')
      return { state: 'error', reason: `captured with method ${previous.method}: not re-checked as a page` };
    try {
      let page = await this.render(ref.url, http);
      let wall = recogniseWall(page);
      if (wall?.state === 'deleted') {
        // Asked once more before it counts as deleted (a passing 404 of a CDN or a deploy).
        page = await this.render(ref.url, http);
        wall = recogniseWall(page);
      }
      if (wall) return { state: wall.state, reason: wall.reason };
      return { state: 'live', post: this.post(pageUrl(ref.url), page, previous) };
    } catch (err) {
      return { state: 'error', reason: (err as Error).message };
    }
  }
}

/** A page captured with the `web` method, fetched again with it: 404/410 twice is deleted, 401/403 unavailable. */
async function checkAsWebPage(ref: CheckRef, http: HttpSession): Promise<CheckResult> {
  const web = new WebConnector();
  const fetch = async () => (await web.fetchThread({ kind: 'post', url: ref.url }, http)).post;
  for (let attempt = 0; ; attempt++) {
    try {
      return { state: 'live', post: await fetch() };
    } catch (err) {
      const code = err instanceof CaptureError ? err.code : null;
      if (code === 'not-found' && attempt === 0) continue;
      if (code === 'not-found') return { state: 'deleted', reason: (err as Error).message };
      if (code === 'unavailable') return { state: 'unavailable', reason: (err as Error).message };
      return { state: 'error', reason: (err as Error).message };
    }
  }
}

/** A page's identity: its URL without the fragment. */
function pageUrl(href: string): string {
  const u = new URL(href);
  u.hash = '';
  return u.href;
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v.trim() ? v.trim() : null;
}

/** The screenshot's key: the previous version's when within `threshold` bits of it, else this dHash. */
export function screenshotKey(dhash: string, previous: LatestVersion | undefined, threshold: number): string {
  let before: string | undefined;
  try {
    const content = previous ? (JSON.parse(previous.content) as PostContent) : null;
    before = content?.media.find((m) => m.key.startsWith(SCREENSHOT))?.key;
  } catch {
    before = undefined;
  }
  const old = before?.slice(SCREENSHOT.length);
  if (before && old && /^[0-9a-f]{32}$/.test(old) && hammingDistance(old, dhash) <= threshold) return before;
  return `${SCREENSHOT}${dhash}`;
}

/** The screenshot (also a media item), the rendered DOM and the page-info document, as resource records. */
function resources(id: string, page: RenderedPage): IngestResource[] {
  const date = new Date().toISOString();
  const info = {
    type: 'archiefbot/page-info',
    url: id,
    requestedUrl: page.requestedUrl,
    finalUrl: page.finalUrl,
    status: page.status,
    title: page.title,
    canonical: page.meta.canonical,
    description: page.meta.description,
    openGraph: page.meta.openGraph,
    oembed: page.oembed,
    screenshot: { uri: `urn:view:${id}`, dhash: page.dhash },
    cookieBanner: page.banner,
    requests: page.requests,
    misses: page.misses,
  };
  return [
    { uri: `urn:view:${id}`, mime: 'image/png', body: page.screenshot, date, media: true },
    { uri: `urn:dom:${id}`, mime: 'text/html; charset=utf-8', body: Buffer.from(page.dom, 'utf8'), date },
    {
      uri: `urn:pageinfo:${id}`,
      mime: 'application/json',
      body: Buffer.from(JSON.stringify(info), 'utf8'),
      date,
    },
  ];
}
