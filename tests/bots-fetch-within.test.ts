import { createServer, type Server, type ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchWithin } from '../src/bots/kit.ts';

// A loopback server: /ok answers JSON with a header of its own, /stall sends its headers and then
// never finishes the body, /empty answers 204.
let server: Server;
let base = '';
const stalled: ServerResponse[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/ok') {
      res.writeHead(200, { 'content-type': 'application/json', 'x-oauth-scopes': 'chat:write' });
      res.end('{"ok":true}');
    } else if (req.url === '/stall') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"ok":');
      stalled.push(res);
    } else {
      res.writeHead(204).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});

afterAll(async () => {
  for (const res of stalled) res.destroy();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('fetchWithin: a time limit on the whole exchange, released when it ends', () => {
  it('hands back the status, headers, body and address of the answer', async () => {
    const res = await fetchWithin(5_000)(`${base}/ok`, { method: 'POST', body: 'x' });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-oauth-scopes')).toBe('chat:write');
    expect(res.url).toBe(`${base}/ok`);
    expect(await res.json()).toEqual({ ok: true });
    const empty = await fetchWithin(5_000)(`${base}/empty`);
    expect(empty.status).toBe(204);
    expect(await empty.text()).toBe('');
  });

  it('gives up on an answer whose body never ends (the limit covers the body, not only the headers)', async () => {
    const err = await fetchWithin(300)(`${base}/stall`).then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(err?.name).toBe('TimeoutError');
  });

  it("heeds the caller's own signal", async () => {
    const ac = new AbortController();
    const call = fetchWithin(5_000)(`${base}/stall`, { signal: ac.signal });
    ac.abort(new Error('stopping'));
    await expect(call).rejects.toThrow('stopping');
    const before = new AbortController();
    before.abort(new Error('already stopped'));
    await expect(fetchWithin(5_000)(`${base}/ok`, { signal: before.signal })).rejects.toThrow(
      'already stopped',
    );
  });
});
