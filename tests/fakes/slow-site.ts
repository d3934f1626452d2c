import { createServer } from 'node:http';
import { listenOnLoopback } from './listen.ts';

/** A web site whose pages are held until `open()`: captures asked for before then stay in the queue. */
export async function slowSite() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  const held: string[] = [];
  const server = createServer((req, res) => {
    const m = /^\/p\/(\d+)$/.exec(req.url ?? '');
    if (!m) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('niet gevonden');
    held.push(req.url!);
    void opened.then(() =>
      res
        .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
        .end(
          `<html><head><title>Pagina ${m[1]}</title></head><body><p>Besluit nummer ${m[1]}.</p></body></html>`,
        ),
    );
  });
  const url = await listenOnLoopback(server);
  return {
    url,
    held,
    open,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export type SlowSite = Awaited<ReturnType<typeof slowSite>>;
