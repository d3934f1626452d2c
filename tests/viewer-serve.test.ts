/**
 * The viewer inside `archiefbot serve`: mounted under /archive on serve's one port, next to /healthz and
 * the webhooks. A post captured from the terminal chat is shown with `toon`; its answer carries the
 * "open in browser" link, which serve's viewer exchanges for a session and opens the post.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startShellDriver } from './drivers/shell.ts';
import { type Harness, startHarness } from './helpers/harness.ts';

let h: Harness;
let before: string | undefined;

beforeAll(async () => {
  h = await startHarness({});
  // The chat makes its links from the process's environment (serve's), here pointing at the test's port.
  before = process.env.ARCHIEFBOT_VIEWER_URL;
  process.env.ARCHIEFBOT_VIEWER_URL = `http://127.0.0.1:${h.running.port}/archive`;
}, 60_000);

afterAll(async () => {
  if (before === undefined) delete process.env.ARCHIEFBOT_VIEWER_URL;
  else process.env.ARCHIEFBOT_VIEWER_URL = before;
  await h?.close();
});

describe('the viewer in serve', () => {
  it('answers /archive/ with the 401 page without a session', async () => {
    const r = await fetch(`http://127.0.0.1:${h.running.port}/archive/`, {
      headers: { 'accept-language': 'nl' },
    });
    expect(r.status).toBe(401);
    expect(r.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await r.text()).toContain('Inloggen nodig');
  });

  it('opens a post from the link under a chat answer', async () => {
    const shell = await startShellDriver(h);
    try {
      await shell.say(`archiveer ${h.post.url}`, { until: /SHA-256/ });
      const [shown] = await shell.say(`toon ${h.post.url}`);
      const url = /Openen in de browser: (\S+)/.exec(shown ?? '')?.[1];
      expect(url, shown).toMatch(/\/archive\/login\?token=/);
      const login = await fetch(url!, { redirect: 'manual' });
      expect(login.status).toBe(303);
      const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
      const page = await fetch(`http://127.0.0.1:${h.running.port}${login.headers.get('location')}`, {
        headers: { cookie, 'accept-language': 'nl' },
      });
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain('Het kabinet publiceert de Woo-jaarrapportage.');
      expect(html).toMatch(/<h1>Bericht #\d+ van minbzk/);
    } finally {
      await shell.close();
    }
  }, 60_000);
});
