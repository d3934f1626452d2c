// Loopback fakes of an ordinary web site: fixed routes (status, headers, body) and a log of what was
// asked; WireWeb answers with exact bytes and keeps the bytes of each request.
import { createServer, type Server } from 'node:http';
import {
  type AddressInfo,
  createServer as createNetServer,
  type Server as NetServer,
  type Socket,
} from 'node:net';
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

/**
 * A loopback server that answers each path with fixed bytes, exactly as given (status line, header
 * lines, body: nothing added by Node's HTTP layer), and keeps the bytes of every request it received,
 * so a test can compare the WARC with what was on the wire in both directions.
 */
export class WireWeb {
  /** Every request as received: its path and its head, byte for byte. */
  readonly received: { path: string; head: Buffer }[] = [];
  private readonly answers = new Map<string, Buffer>();
  private readonly sockets = new Set<Socket>();
  private readonly server: NetServer;
  private base = '';

  private constructor() {
    this.server = createNetServer((socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      let pending = Buffer.alloc(0);
      socket.on('data', (data) => {
        pending = Buffer.concat([pending, data]);
        // Requests without a body (GET): each ends at its blank line; keep-alive serves several.
        for (let end = pending.indexOf('\r\n\r\n'); end >= 0; end = pending.indexOf('\r\n\r\n')) {
          const head = pending.subarray(0, end + 4);
          pending = pending.subarray(end + 4);
          const path = head.toString('latin1').split(' ')[1] ?? '/';
          this.received.push({ path, head });
          socket.write(this.answers.get(path) ?? WireWeb.notFound);
        }
      });
    });
  }

  private static readonly notFound = Buffer.from(
    'HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: 9\r\n\r\nnot found',
    'latin1',
  );

  static async start(): Promise<WireWeb> {
    const f = new WireWeb();
    await new Promise<void>((resolve, reject) => {
      f.server.once('error', reject);
      f.server.listen(0, '127.0.0.1', resolve);
    });
    f.base = `http://127.0.0.1:${(f.server.address() as AddressInfo).port}`;
    return f;
  }

  /** http://127.0.0.1:<port>, without a trailing slash. */
  get url(): string {
    return this.base;
  }

  /** Answers `path` with these bytes: a whole HTTP response, head and body. */
  answer(path: string, bytes: Buffer): void {
    this.answers.set(path, bytes);
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
