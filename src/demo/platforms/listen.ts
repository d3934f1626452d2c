import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Starts a fake on a random loopback port; returns its base URL (no trailing slash). */
export async function listenOnLoopback(server: Server): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Refuses a WebSocket upgrade with an HTTP answer, as a server does before the handshake. */
export function refuseUpgrade(
  socket: import('node:stream').Duplex,
  status: number,
  body: string,
  headers: Record<string, string> = {},
  statusText = 'Error',
): void {
  const h = {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(body)),
    ...headers,
  };
  const lines = Object.entries(h).map(([k, v]) => `${k}: ${v}\r\n`);
  socket.end(`HTTP/1.1 ${status} ${statusText}\r\nConnection: close\r\n${lines.join('')}\r\n${body}`);
}

/** Answers injected with a fake's `failNext`: each is given to the next `times` requests whose path matches. */
export class InjectedFailures<A> {
  private readonly items: { match: RegExp; answer: A; left: number }[] = [];

  add(match: RegExp, answer: A, times = 1): void {
    this.items.push({ match, answer, left: times });
  }

  /** The injected answer for a request to `path`, if one is waiting (and counts it used). */
  take(path: string): A | undefined {
    const item = this.items.find((f) => {
      f.match.lastIndex = 0;
      return f.left > 0 && f.match.test(path);
    });
    if (!item) return undefined;
    item.left--;
    return item.answer;
  }
}

/** A fake's answer: its status, headers and body. */
export interface FakeReply {
  status: number;
  body: string | Buffer;
  headers?: Record<string, string>;
}

/**
 * Answers one request with what `handle` returns (headers it adds on the side, such as rate-limit
 * headers, go in `extra`); a handler that throws becomes the platform's own 500.
 */
export function answer(
  res: import('node:http').ServerResponse,
  handle: (extra: Record<string, string>) => FakeReply,
  onError: (e: unknown) => FakeReply,
): void {
  const extra: Record<string, string> = {};
  let reply: FakeReply;
  try {
    reply = handle(extra);
  } catch (e) {
    reply = onError(e);
  }
  const h: Record<string, string> = {};
  for (const src of [extra, reply.headers ?? {}])
    for (const [k, v] of Object.entries(src)) h[k.toLowerCase()] = v;
  res.writeHead(reply.status, h).end(reply.body);
}
