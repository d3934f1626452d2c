// A loopback web site whose pages render with JavaScript, as social platforms and modern government
// sites do: the HTML is an empty shell, a script fetches the post as JSON (XHR) after load and
// inserts it; an image further down loads lazily (loading="lazy"); a cookie banner offers "accept" and
// "reject"; one path redirects, one is gone (410), and the page can be switched to a login wall. The
// script also tries to fetch a private address (another loopback port), which the SSRF guard must block.
// Used by tests/capture-browser.test.ts and bench/browser.
import { createServer, type Server } from 'node:http';
import { PNG } from 'pngjs';
import { listenOnLoopback } from './listen.ts';

/** A real PNG of one colour (the lazily loaded map of the page). */
export function solidPng(width: number, height: number, rgb: [number, number, number]): Buffer {
  const png = new PNG({ width, height });
  for (let i = 0; i < width * height; i++) png.data.set([...rgb, 255], i * 4);
  return PNG.sync.write(png);
}

export const MAP_PNG = solidPng(40, 30, [30, 90, 160]);

export class JsSite {
  /** Request paths (with query) in the order they arrived. */
  readonly requests: string[] = [];
  /** The post's text, served as JSON to the page's script. */
  headline = 'Kabinet verlengt de subsidie voor zonnepanelen op scholen tot 2030';
  /** Serve the platform's login wall instead of the post. */
  wall = false;
  /** A large dark picture above the post: the page looks different, its text stays the same. */
  hero = false;
  /** The private address the page's script tries to reach (`http://127.0.0.1:<port>/…`). */
  privateUrl = 'http://127.0.0.1:9/geheim';
  private readonly server: Server;
  base = '';

  private constructor() {
    this.server = createServer((req, res) => {
      const path = req.url ?? '/';
      this.requests.push(path);
      const send = (
        status: number,
        type: string,
        body: string | Buffer,
        extra: Record<string, string> = {},
      ) => res.writeHead(status, { 'content-type': type, ...extra }).end(body);
      const page = /^\/(bericht|pagina\/\d+)$/.exec(path);
      if (page) {
        if (this.wall) return send(200, 'text/html; charset=utf-8', LOGIN_WALL);
        return send(200, 'text/html; charset=utf-8', this.shell(path));
      }
      if (path === '/app.js') return send(200, 'application/javascript', APP_JS(this.privateUrl));
      if (path.startsWith('/api/bericht.json')) {
        const n = new URL(path, 'http://x').searchParams.get('page') ?? '';
        return send(
          200,
          'application/json',
          JSON.stringify({ text: `${this.headline}${n ? ` (${n})` : ''}` }),
        );
      }
      if (path === '/img/kaart.png') return send(200, 'image/png', MAP_PNG);
      if (path.startsWith('/oembed'))
        return send(
          200,
          'application/json',
          JSON.stringify({
            type: 'rich',
            version: '1.0',
            author_name: 'Ministerie van OCW',
            title: 'Subsidie zonnepanelen',
          }),
        );
      if (path.startsWith('/consent')) return send(204, 'text/plain', '');
      if (path === '/oud') return send(301, 'text/html', 'moved', { location: '/bericht' });
      if (path === '/elders') {
        // A script that sends the visitor to another site before the page has loaded (here: the same
        // server under another host name).
        const away = `http://localhost:${new URL(this.base).port}/bericht`;
        return send(
          200,
          'text/html; charset=utf-8',
          `<html><head><title>Doorsturen</title></head><body><p>U wordt doorgestuurd.</p><script>location.href = ${JSON.stringify(away)};</script></body></html>`,
        );
      }
      if (path === '/weg')
        return send(
          410,
          'text/html; charset=utf-8',
          '<html><body><h1>Deze pagina is verwijderd</h1></body></html>',
        );
      return send(404, 'text/html; charset=utf-8', '<html><body><p>Niet gevonden</p></body></html>');
    });
  }

  static async start(): Promise<JsSite> {
    const s = new JsSite();
    s.base = await listenOnLoopback(s.server);
    return s;
  }

  get host(): string {
    return new URL(this.base).host;
  }

  /** Whether the page's script ever said "accept" to the cookie banner. */
  get accepted(): boolean {
    return this.requests.some((r) => r.startsWith('/consent?choice=accept'));
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections?.();
  }

  /** The HTML shell: no post text in it, only the script that fetches and inserts it. */
  private shell(path: string): string {
    const n = path.startsWith('/pagina/') ? path.split('/').pop() : '';
    return `<!doctype html>
<html lang="nl"><head><meta charset="utf-8"><title>Rijksoverheid — bericht${n ? ` ${n}` : ''}</title>
<meta property="og:title" content="Subsidie zonnepanelen verlengd">
<meta property="og:site_name" content="Rijksoverheid">
<meta property="article:published_time" content="2026-11-20T09:00:00Z">
<link rel="alternate" type="application/json+oembed" href="${this.base}/oembed?url=${encodeURIComponent(this.base + path)}">
<style>body{font-family:sans-serif;margin:0}#cookie-banner{position:fixed;bottom:0;left:0;right:0;background:#ffd;padding:20px}</style>
</head><body>
<div id="cookie-banner" class="cookie-consent"><p>Wij gebruiken cookies.</p>
  <button id="accept" onclick="fetch('/consent?choice=accept');this.parentNode.remove()">Alles accepteren</button>
  <button id="reject" onclick="fetch('/consent?choice=reject');this.parentNode.remove()">Weigeren</button></div>
${this.hero ? '<div style="height:600px;background:#123"></div>' : ''}<main><h1>Nieuws</h1><article id="post"><p>Laden…</p></article></main>
<div style="height:2500px"></div>
<img id="kaart" loading="lazy" src="/img/kaart.png" alt="Kaart van de scholen" width="40" height="30">
<script src="/app.js" data-page="${n}"></script>
</body></html>`;
  }
}

const APP_JS = (privateUrl: string) => `
const page = document.currentScript.dataset.page;
window.addEventListener('load', async () => {
  const res = await fetch('/api/bericht.json' + (page ? '?page=' + page : ''));
  const post = await res.json();
  document.getElementById('post').innerHTML = '<p></p>';
  document.querySelector('#post p').textContent = post.text;
  // A page that tries to reach an internal address: the crawler must never let this through.
  fetch(${JSON.stringify(privateUrl)}).catch(() => {});
});
`;

const LOGIN_WALL = `<!doctype html><html><head><title>Log in to X</title></head><body>
<h1>Log in to X</h1><p>Sign in to see this post.</p><button>Sign in</button></body></html>`;
