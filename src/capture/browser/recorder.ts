/**
 * The browser's network goes through the project's recorder: every request the page makes is
 * intercepted (Playwright's context.route) and performed by the capture's HttpSession, which applies
 * the SSRF guard (also after DNS resolution), the size limits and the retries, and records the
 * exchange with its bytes as received, so the WARC holds what the page loaded exactly as the API
 * capture holds an API answer. The browser is handed the answer (route.fulfill). Chromium does not
 * hand a redirect it was given back to the interception, so redirects are followed here: a page's
 * redirect ends its navigation (`redirect` names where to, the crawler navigates there: the page then
 * has its real URL), a subresource's is followed by the HttpSession; each hop is its own exchange.
 *
 * What the page may reach (decided here, documented in the README, "The browser method"):
 * - Subresources (scripts, styles, images, fonts, XHR/fetch, frames) from any public host: CDNs and
 *   embeds are part of how the page looks. Private, loopback and link-local addresses are blocked
 *   (unless `http.allowPrivateNetworks`/`http.allowHosts` permit them) and noted as a miss.
 * - The top-level page: the requested URL and the HTTP redirects it answers with. After that, a
 *   navigation of the main frame to another host (a script's `location = …`, a click) is aborted
 *   and noted; one on the same host is followed.
 * - Only GET: anything the page sends (POST beacons, analytics, form posts) is not sent and noted.
 * - Audio and video streams are not downloaded (noted); WebSockets are closed (noted).
 * Chromium is started with a proxy that leads nowhere, so a request that escaped interception could
 * not reach the network either.
 */
import type { BrowserContext, Page, Route } from 'playwright-core';
import { CaptureError } from '../../domain/errors.ts';
import type { HttpSession, Purpose } from '../http.ts';

/** What the recorder noticed and did not fetch, in the order it happened. */
export interface RecorderNotes {
  blocked: string[];
  notSent: string[];
  streams: string[];
  offSite: string[];
  failed: string[];
  sockets: string[];
  /** The main frame's document responses, in order (the last is the page shown). */
  documents: { url: string; status: number }[];
  /** Requests performed (recorded exchanges may be more: retries). */
  requests: number;
  /** Why the main frame's document could not be fetched, as the HTTP client said it (code, retryable). */
  documentError?: CaptureError;
}

/** Response headers the browser must not see again: the body it gets is already decoded and whole. */
const DROPPED = new Set([
  'content-encoding',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
]);

/** Request headers of the page passed on (the recorder sets its own user agent and encodings). */
const PASSED = ['accept', 'accept-language', 'referer', 'cookie', 'origin', 'range'];

function purposeOf(resourceType: string): Purpose {
  return resourceType === 'image' ? 'media' : 'page';
}

export class Recorder {
  readonly notes: RecorderNotes = {
    blocked: [],
    notSent: [],
    streams: [],
    offSite: [],
    failed: [],
    sockets: [],
    documents: [],
    requests: 0,
  };
  /** The host the page lives on: the requested URL's, then each redirect's of the first navigation. */
  private site: string;
  private navigations = 0;
  /** Where the main frame's last navigation was redirected to (the crawler goes there next). */
  redirect: string | null = null;
  /** The last redirect target: its navigation belongs to the requested page's chain. */
  private chain: string | null = null;
  private left: () => void = () => {};
  /** Settles when the page first tries to go to another site (its `load` may then never come). */
  readonly leftSite = new Promise<void>((resolve) => {
    this.left = resolve;
  });

  constructor(
    private readonly http: HttpSession,
    private readonly page: Page,
    start: string,
  ) {
    this.site = new URL(start).host;
  }

  async attach(context: BrowserContext): Promise<void> {
    await context.route('**/*', (route) => this.handle(route));
    await context.routeWebSocket(/.*/, (ws) => {
      this.notes.sockets.push(ws.url());
      return ws.close({ code: 1008, reason: 'not archived' });
    });
  }

  private async handle(route: Route): Promise<void> {
    const req = route.request();
    const url = req.url();
    if (!/^https?:/i.test(url)) return route.abort('blockedbyclient');
    const mainFrame = req.isNavigationRequest() && req.frame() === this.page.mainFrame();
    if (mainFrame) {
      const host = new URL(url).host;
      // The first navigation and its redirects make the site; later ones stay on it.
      if (this.navigations === 0 || url === this.chain) this.site = host;
      else if (host !== this.site) {
        this.notes.offSite.push(url);
        this.left();
        // Aborted (not blocked): Chromium then keeps the page it shows instead of an error page.
        return route.abort('aborted');
      }
      this.navigations++;
    }
    if (req.method() !== 'GET') {
      this.notes.notSent.push(`${req.method()} ${url}`);
      return route.abort('blockedbyclient');
    }
    if (req.resourceType() === 'media') {
      this.notes.streams.push(url);
      return route.abort('blockedbyclient');
    }
    const asked = await req.allHeaders();
    const headers: Record<string, string> = {};
    for (const name of PASSED) if (asked[name]) headers[name] = asked[name];
    this.notes.requests++;
    let res: Awaited<ReturnType<HttpSession['get']>>;
    try {
      res = await this.http.get(url, {
        purpose: purposeOf(req.resourceType()),
        followRedirects: !mainFrame,
        headers,
      });
    } catch (err) {
      const blocked = err instanceof CaptureError && err.code === 'blocked-address';
      if (blocked) this.notes.blocked.push(url);
      else this.notes.failed.push(`${url} (${(err as Error).message})`);
      if (mainFrame) {
        this.notes.documents.push({ url, status: 0 });
        if (err instanceof CaptureError) this.notes.documentError = err;
      }
      return route.abort(blocked ? 'blockedbyclient' : 'failed').catch(() => {});
    }
    if (mainFrame) this.notes.documents.push({ url, status: res.status });
    const location = res.headers.get('location');
    if (mainFrame && res.status >= 300 && res.status < 400 && location) {
      this.redirect = this.chain = new URL(location, url).href;
      return route.abort('aborted').catch(() => {});
    }
    const out: Record<string, string> = {};
    for (const [name, value] of res.exchange.responseHeaders) {
      const key = name.toLowerCase();
      if (DROPPED.has(key)) continue;
      const sep = key === 'set-cookie' ? '\n' : ', ';
      out[key] = out[key] === undefined ? value : `${out[key]}${sep}${value}`;
    }
    // The page may be closed meanwhile (a hard time limit): its answer is recorded all the same.
    await route.fulfill({ status: res.status, headers: out, body: res.body }).catch(() => {});
  }
}
