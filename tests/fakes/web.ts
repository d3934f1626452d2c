// Loopback fake of an ordinary web site: fixed routes (status, headers, body) and a log of what was asked.
import { createServer, type Server } from 'node:http';
import { listenOnLoopback } from './listen.ts';

export interface WebRoute {
  status?: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export class FakeWeb {
  /** Request paths (with query) in the order they arrived. */
  readonly requests: string[] = [];
  private readonly routes = new Map<string, WebRoute>();
  private readonly server: Server;
  private base = '';

  private constructor() {
    this.server = createServer((req, res) => {
      const path = req.url ?? '/';
      this.requests.push(path);
      const route = this.routes.get(path) ?? {
        status: 404,
        headers: { 'content-type': 'text/html; charset=utf-8' },
        body: '<html><head><title>Niet gevonden</title></head><body><p>Deze pagina bestaat niet.</p></body></html>',
      };
      res.writeHead(route.status ?? 200, route.headers ?? {}).end(route.body ?? '');
    });
  }

  static async start(): Promise<FakeWeb> {
    const f = new FakeWeb();
    f.base = await listenOnLoopback(f.server);
    return f;
  }

  /** http://127.0.0.1:<port>, without a trailing slash. */
  get url(): string {
    return this.base;
  }

  get port(): number {
    return Number(new URL(this.base).port);
  }

  route(path: string, route: WebRoute): void {
    this.routes.set(path, route);
  }

  html(path: string, html: string, status = 200): void {
    this.route(path, { status, headers: { 'content-type': 'text/html; charset=utf-8' }, body: html });
  }

  file(path: string, bytes: Buffer, contentType: string): void {
    this.route(path, { headers: { 'content-type': contentType }, body: bytes });
  }

  redirect(path: string, location: string, status = 302): void {
    this.route(path, {
      status,
      headers: { location, 'content-type': 'text/plain' },
      body: `see ${location}`,
    });
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}
