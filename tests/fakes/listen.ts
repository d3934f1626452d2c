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
