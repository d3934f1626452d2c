/**
 * The web viewer (issue 14) in headless Chromium: a login link from the CLI (the same one chat gives)
 * opens the post page; versions 1 and 2 side by side with the word diff; the replay shows the archived
 * response; search highlights and opens a post; an archivist acknowledges an alert (CSRF-protected);
 * the overview's charts render; axe-core finds no WCAG 2.1 AA violation on any page; a forged or
 * expired link gets 401; archived HTML with <script> and onerror= shows as text and runs nothing;
 * every post view is in the audit log; Dutch and English.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { Bot } from '../src/chat/bot.ts';
import { LOGIN_TOKEN_SECONDS, signClaims, viewerSecret } from '../src/chat/present-viewer.ts';
import { alertReply } from '../src/chat/presenters.ts';
import { Roles } from '../src/chat/roles.ts';
import { loadConfig } from '../src/config.ts';
import { type AlertRow, insertAlert } from '../src/store/monitor.ts';
import { type RunningViewer, startViewer } from '../src/viewer/standalone.ts';
import { cli } from './helpers/cli.ts';
import { type Captured, capturedAccount } from './helpers/export.ts';
import { replayedFrame } from './helpers/replay.ts';

const AXE = readFileSync(path.resolve('node_modules/axe-core/axe.min.js'), 'utf8');
const SHOTS = process.env.ARCHIEFBOT_SCREENSHOTS; // a folder: the docs' screenshots are taken here

let c: Captured;
let viewer: RunningViewer;
let browser: Browser;
let rolesDir: string;
let edited: number;
let evil: number;
let alertId: number;

async function link(user: string, post?: number): Promise<string> {
  const args = ['login-link', '--user', user, '--json', ...(post ? ['--post', String(post)] : [])];
  const r = await cli(c.env.env, ...args);
  expect(r.stderr).toBe('');
  return (r.json as { url: string }).url;
}

async function signedIn(
  user: string,
  post?: number,
  lang = 'en-GB',
): Promise<{ context: BrowserContext; tab: Page }> {
  const context = await browser.newContext({ locale: lang, extraHTTPHeaders: { 'Accept-Language': lang } });
  const tab = await context.newPage();
  await tab.goto(await link(user, post));
  return { context, tab };
}

/** axe-core in the page, WCAG 2.1 A and AA rules: the violations, by rule id and target. */
async function axe(tab: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol: the page's CSP (no inline script) stays in force.
  await tab.evaluate(AXE);
  const result = await tab.evaluate(async () => {
    // biome-ignore lint/suspicious/noExplicitAny: axe is injected
    const r = await (window as any).axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    // biome-ignore lint/suspicious/noExplicitAny: axe's result
    return r.violations.map((v: any) => `${v.id}: ${v.nodes.map((n: any) => n.target.join(' ')).join(', ')}`);
  });
  return result as string[];
}

async function shot(tab: Page, name: string): Promise<void> {
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  await tab.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

beforeAll(async () => {
  rolesDir = mkdtempSync(path.join(tmpdir(), 'viewer-roles-'));
  const rolesFile = path.join(rolesDir, 'roles.yaml');
  writeFileSync(
    rolesFile,
    `defaultRole: none
users:
  - { platform: slack, user: UARCHIVIST, roles: [archivist], name: Anna Archief }
  - { platform: slack, user: UVIEWER, roles: [viewer] }
`,
  );
  c = await capturedAccount({ ARCHIEFBOT_ROLES: rolesFile });
  // A post whose archived HTML tries to run script.
  const bad = c.m.addStatus({
    username: 'rvo',
    content: '<p>Kijk <script>window.__pwned = 1</script><img src="x" onerror="window.__pwned = 2"> hier</p>',
  });
  expect((await cli(c.env.env, 'capture', bad.url, '--json')).code).toBe(0);
  const config = loadConfig(c.env.env);
  viewer = await startViewer(config, { env: c.env.env, port: 0, oidc: null });
  c.env.env.ARCHIEFBOT_VIEWER_URL = viewer.url;
  const db = viewer.archive.db;
  edited = (await db.get<{ post_id: number }>('SELECT post_id FROM version WHERE number = 2'))!.post_id;
  evil = (await db.get<{ id: number }>(`SELECT post_id AS id FROM version WHERE text LIKE '%Kijk%'`))!.id;
  alertId = (await insertAlert(db, {
    kind: 'edited',
    postId: edited,
    accountId: null,
    eventKey: 'test-edit-1',
    detectedAt: new Date().toISOString(),
    detail: { account: 'rvo', diff: 'Subsidieregeling energiebesparing [-geopend-]{+gesloten+}' },
  }))!;
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox'],
    headless: true,
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await viewer?.stop();
  await c?.close();
  rmSync(rolesDir, { recursive: true, force: true });
});

describe('signing in', () => {
  it('refuses a forged, an expired and a missing link with the 401 page that says how to get one', async () => {
    const good = new URL(await link('slack:UVIEWER'));
    const token = good.searchParams.get('token')!;
    const forged = `${token.split('.')[0]}.${'A'.repeat(43)}`;
    const secret = viewerSecret(c.env.dataDir, c.env.env);
    const expired = signClaims(secret, {
      kind: 'login',
      sub: 'slack:UVIEWER',
      exp: Math.floor(Date.now() / 1000) - 1,
      n: 'x',
    });
    const otherSecret = signClaims(Buffer.from('x'.repeat(32)), {
      kind: 'login',
      sub: 'slack:UVIEWER',
      exp: Math.floor(Date.now() / 1000) + 60,
      n: 'y',
    });
    for (const t of [forged, expired, otherSecret, '']) {
      const r = await fetch(`${viewer.url}/login?token=${encodeURIComponent(t)}`, { redirect: 'manual' });
      expect(r.status).toBe(401);
      expect(r.headers.get('set-cookie')).toBeNull();
      expect(await r.text()).toContain('archiefbot login-link');
    }
    const none = await fetch(`${viewer.url}/post/${edited}`, { redirect: 'manual' });
    expect(none.status).toBe(401);
    // Where the chat's post page link leads without a session: it says a link comes in a direct message.
    expect(await none.text()).toMatch(/(in a direct message|in een privébericht)/);
  });

  it('refuses a link for a user roles.yaml gives no role', async () => {
    const r = await cli(c.env.env, 'login-link', '--user', 'slack:USTRANGER', '--json');
    expect(r.code).not.toBe(0);
    const secret = viewerSecret(c.env.dataDir, c.env.env);
    const t = signClaims(secret, {
      kind: 'login',
      sub: 'slack:USTRANGER',
      exp: Math.floor(Date.now() / 1000) + 60,
      n: 'z',
    });
    expect((await fetch(`${viewer.url}/login?token=${t}`, { redirect: 'manual' })).status).toBe(401);
  });

  it('exchanges a link for an 8-hour HttpOnly, SameSite=Lax session cookie and opens the post', async () => {
    const r = await fetch(await link('slack:UVIEWER', edited), { redirect: 'manual' });
    expect(r.status).toBe(303);
    expect(r.headers.get('location')).toBe(`/archive/post/${edited}`);
    const cookie = r.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^archiefbot_session=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/Max-Age=28800/);
    expect(cookie).not.toMatch(/Secure/); // plain http on loopback; Secure over https
    expect(LOGIN_TOKEN_SECONDS).toBe(900);
    // Behind a proxy that serves https, the cookie is Secure.
    const proxied = await fetch(await link('slack:UVIEWER'), {
      redirect: 'manual',
      headers: { 'x-forwarded-proto': 'https' },
    });
    expect(proxied.headers.get('set-cookie')).toMatch(/; Secure/i);
  });
});

describe('open in browser from chat', () => {
  it('puts a sign-in link for the asker under show and history answers; it opens the post', async () => {
    const bot = new Bot({
      archive: viewer.archive,
      roles: Roles.load(c.env.env),
      captures: { enqueue: async () => ({ jobId: '1', duplicate: false }), counts: async () => ({}) },
      checkUrl: () => {},
      lookupKeys: () => [],
    });
    // The chat reads the viewer's address from the process environment (serve's).
    const before = process.env.ARCHIEFBOT_VIEWER_URL;
    process.env.ARCHIEFBOT_VIEWER_URL = viewer.url;
    onTestFinished(() => {
      if (before === undefined) delete process.env.ARCHIEFBOT_VIEWER_URL;
      else process.env.ARCHIEFBOT_VIEWER_URL = before;
    });
    for (const text of [`show ${edited}`, `geschiedenis ${edited}`]) {
      // Asked in a channel: the post's page, no token (the channel could use it), and where to get one.
      const inChannel = await bot.handle({
        platform: 'slack',
        user: 'UVIEWER',
        channel: 'C1',
        text,
        replyTo: { platform: 'slack', channel: 'C1' },
      });
      expect(JSON.stringify(inChannel)).not.toContain('token=');
      expect(inChannel.text).toContain(`${viewer.url}/post/${edited}`);
      expect(inChannel.text).toMatch(/(ask me in a direct message|vraag het me in een privébericht)/);
      // Asked in a direct message: the asker's sign-in link.
      const reply = await bot.handle({
        platform: 'slack',
        user: 'UVIEWER',
        channel: 'D1',
        text,
        replyTo: { platform: 'slack', channel: 'D1' },
        private: true,
      });
      const url = /(https?:\/\/\S+\/login\?token=\S+)/.exec(reply.text)?.[1];
      expect(url, reply.text).toBeDefined();
      const r = await fetch(url!, { redirect: 'manual' });
      expect(r.status).toBe(303);
      expect(r.headers.get('location')).toBe(`/archive/post/${edited}`);
    }
    // An alert goes to a channel, not to one asker: it links the post's page without a token.
    const row = (await viewer.archive.db.get<AlertRow>('SELECT * FROM alert WHERE id = ?', [alertId]))!;
    expect(alertReply(row, 'en').text).toContain(`Open in browser: ${viewer.url}/post/${edited}`);
    expect(alertReply(row, 'en').blocks.at(-1)).toMatchObject({
      type: 'actions',
      links: [{ label: 'Open in browser', url: `${viewer.url}/post/${edited}` }],
    });
    expect(alertReply(row, 'en').text).not.toContain('token=');
    const audit = await viewer.archive.db.all<{ actor: string }>(
      `SELECT actor FROM audit WHERE action = 'viewer.login'`,
    );
    expect(audit.map((a) => a.actor)).toContain('slack:UVIEWER');
  });
});

describe('the post page', () => {
  it('shows versions 1 and 2 side by side with the word diff, passes axe, and is audited', async () => {
    const { context, tab } = await signedIn('slack:UVIEWER', edited);
    try {
      expect(new URL(tab.url()).pathname).toBe(`/archive/post/${edited}`);
      const side = tab.locator('.side > section');
      await expect(side.count()).resolves.toBe(2);
      expect(await side.nth(0).innerText()).toContain('Subsidieregeling energiebesparing geopend');
      expect(await side.nth(1).innerText()).toContain('Subsidieregeling energiebesparing gesloten');
      expect(await tab.locator('[data-diff="1-2"] del').innerText()).toBe('geopend');
      expect(await tab.locator('[data-diff="1-2"] ins').innerText()).toBe('gesloten');
      const evidence = await tab.locator('section[aria-labelledby="captures"]').innerText();
      expect(evidence).toMatch(/\.warc\.gz, offset \d+/);
      expect(evidence).toMatch(/SHA-256 [0-9a-f]{64}/);
      expect(await axe(tab)).toEqual([]);
      const audit = await viewer.archive.db.all<{ actor: string; subject: string }>(
        `SELECT actor, subject FROM audit WHERE action = 'viewer.post'`,
      );
      expect(audit).toContainEqual({ actor: 'slack:UVIEWER', subject: `post ${edited}` });
    } finally {
      await context.close();
    }
  }, 60_000);

  it('compares any two versions chosen with the form', async () => {
    const { context, tab } = await signedIn('slack:UVIEWER', edited);
    try {
      await tab.selectOption('select[name="a"]', '2');
      await tab.selectOption('select[name="b"]', '1');
      await tab.getByRole('button', { name: 'Compare' }).click();
      await tab.waitForURL(/a=2&b=1/);
      expect(await tab.locator('[data-diff="2-1"] del').innerText()).toBe('gesloten');
    } finally {
      await context.close();
    }
  });

  it('replays the archived response in the sandboxed frame', async () => {
    const { context, tab } = await signedIn('slack:UVIEWER', edited);
    try {
      await tab.locator('iframe.replay').scrollIntoViewIfNeeded();
      const found = (await replayedFrame(tab, 'Subsidieregeling energiebesparing')) !== undefined;
      expect(found).toBe(true);
      expect(await tab.locator('iframe.replay').getAttribute('sandbox')).toContain('allow-scripts');
      await shot(tab, 'post'); // the whole post page, its replay loaded
    } finally {
      await context.close();
    }
  }, 90_000);

  it('replays on a separate origin where the session cookie never goes; the frame needs its pass', async () => {
    // Two host names of the same site for this server (Chromium sends *.localhost to loopback): the
    // viewer on one, the replay on the other, as an organisation would with archief.… and replay.….
    const port = new URL(viewer.url).port;
    const viewerUrl = `http://viewer.archief.localhost:${port}/archive`;
    const replayOrigin = `http://replay.archief.localhost:${port}`;
    const saved = { url: c.env.env.ARCHIEFBOT_VIEWER_URL };
    c.env.env.ARCHIEFBOT_VIEWER_URL = viewerUrl;
    c.env.env.ARCHIEFBOT_VIEWER_REPLAY_ORIGIN = replayOrigin;
    onTestFinished(() => {
      c.env.env.ARCHIEFBOT_VIEWER_URL = saved.url;
      delete c.env.env.ARCHIEFBOT_VIEWER_REPLAY_ORIGIN;
    });
    const context = await browser.newContext({ locale: 'en-GB' });
    const tab = await context.newPage();
    try {
      await tab.goto(await link('slack:UVIEWER', edited));
      expect(tab.url()).toBe(`${viewerUrl}/post/${edited}`);
      const src = (await tab.locator('iframe.replay').getAttribute('src'))!;
      expect(src.startsWith(`${replayOrigin}/archive/replay/post/${edited}?cap=`)).toBe(true);
      await tab.locator('iframe.replay').scrollIntoViewIfNeeded();
      const frame = await replayedFrame(tab, 'Subsidieregeling energiebesparing');
      expect(frame, 'the replay did not show the post').toBeDefined();
      expect(new URL(frame!.url()).origin).toBe(replayOrigin);
      // Whatever runs on the replay origin reaches the viewer's pages without the session: 401. (Inside
      // the replayed page itself ReplayWeb.page also rewrites fetch() into the archive.)
      const shell = tab.frames().find((f) => f.url().startsWith(`${replayOrigin}/archive/replay/post/`))!;
      const status = await shell.evaluate(async () => (await fetch('/archive/alerts')).status);
      expect(status).toBe(401);
      // Without its pass, or with another post's, the replay answers nothing.
      const local = (u: string) => u.replace(replayOrigin, new URL(viewer.url).origin);
      expect((await fetch(local(`${replayOrigin}/archive/replay/post/${edited}`))).status).toBe(401);
      expect((await fetch(local(src.replace(`/post/${edited}?`, `/post/${evil}?`)))).status).toBe(401);
      expect((await fetch(local(`${replayOrigin}/archive/replay/wacz/${edited}.wacz`))).status).toBe(401);
    } finally {
      await context.close();
    }
  }, 90_000);

  it('downloads the post as a WACZ', async () => {
    const { context, tab } = await signedIn('slack:UVIEWER', edited);
    try {
      const [download] = await Promise.all([
        tab.waitForEvent('download'),
        tab.locator('a[download]').click(),
      ]);
      expect(download.suggestedFilename()).toBe(`archiefbot-post-${edited}.wacz`);
      const file = await download.path();
      expect(readFileSync(file!).subarray(0, 2).toString()).toBe('PK');
    } finally {
      await context.close();
    }
  });

  it('lets an archivist place a hold from the post page; a viewer gets no form', async () => {
    const viewerTab = await signedIn('slack:UVIEWER', edited);
    try {
      expect(await viewerTab.tab.locator('input[name="reason"]').count()).toBe(0);
    } finally {
      await viewerTab.context.close();
    }
    const { context, tab } = await signedIn('slack:UARCHIVIST', edited);
    try {
      await tab.getByLabel('Reason for a hold').fill('Woo-verzoek 2026-17');
      await tab.getByRole('button', { name: 'Place a hold on this post' }).click();
      await tab.waitForURL(/#appraisal$/);
      expect(await tab.locator('section[aria-labelledby="appraisal"]').innerText()).toMatch(
        /Hold \d+: Woo-verzoek 2026-17 \(slack:UARCHIVIST/,
      );
      const held = await viewer.archive.db.all<{ post_id: number }>('SELECT post_id FROM hold_post');
      expect(held.map((h) => h.post_id)).toContain(edited);
    } finally {
      await context.close();
    }
  }, 60_000);

  it("shows a post's image from the archive's own evidence, with its description as alt text", async () => {
    const withImage = (await viewer.archive.db.get<{ id: number }>(
      `SELECT post_id AS id FROM version WHERE text LIKE '%exportkredieten%'`,
    ))!.id;
    const { context, tab } = await signedIn('slack:UVIEWER', withImage);
    try {
      const img = tab.getByAltText('voorkant folder');
      await expect(img.count()).resolves.toBe(1);
      await img.scrollIntoViewIfNeeded();
      await tab.waitForFunction(() => {
        const el = document.querySelector('ul.gallery img') as HTMLImageElement | null;
        return Boolean(el?.complete && el.naturalWidth > 0);
      });
      const src = (await img.getAttribute('src'))!;
      const r = await context.request.get(new URL(src, viewer.url).href);
      expect(r.status()).toBe(200);
      expect(r.headers()['content-type']).toBe('image/png');
      expect(r.headers()['content-security-policy']).toContain('sandbox');
      expect((await context.request.get(`${viewer.url}/media/${'0'.repeat(64)}`)).status()).toBe(404);
      expect(await axe(tab)).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('shows archived HTML with <script> and onerror= as text and runs none of it', async () => {
    const { context, tab } = await signedIn('slack:UVIEWER', evil);
    try {
      const dialogs: string[] = [];
      tab.on('dialog', (d) => void dialogs.push(d.message()));
      await tab.locator('details summary').first().click();
      await tab.waitForTimeout(300);
      expect(await tab.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
      expect(await tab.locator('main script, main [onerror]').count()).toBe(0);
      expect(await tab.locator('main .sanitised').first().innerHTML()).not.toMatch(/script|onerror/i);
      expect(await tab.locator('section[aria-labelledby="now"]').innerText()).toContain('Kijk');
      expect(dialogs).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

describe('search, alerts, overview, accounts', () => {
  it('searches with highlighted snippets and opens a hit', async () => {
    const { context, tab } = await signedIn('slack:UVIEWER');
    try {
      await tab.goto(`${viewer.url}/search`);
      await tab.getByLabel('Words').fill('exportkredieten');
      await tab.getByRole('button', { name: 'Search', exact: true }).click();
      await tab.waitForURL(/q=exportkredieten/);
      expect(await tab.locator('ol.hits mark').first().innerText()).toMatch(/exportkredieten/i);
      expect(await axe(tab)).toEqual([]);
      await shot(tab, 'search');
      await tab.locator('ol.hits a').first().click();
      await tab.waitForURL(/\/post\/\d+$/);
      expect(await tab.locator('h1').innerText()).toMatch(/^Post #\d+/);
    } finally {
      await context.close();
    }
  }, 60_000);

  it('lets an archivist acknowledge an alert; a viewer sees no button; a post without the CSRF token is refused', async () => {
    const viewerTab = await signedIn('slack:UVIEWER');
    try {
      await viewerTab.tab.goto(`${viewer.url}/alerts`);
      expect(await viewerTab.tab.locator(`form[action$="/alerts/${alertId}/ack"]`).count()).toBe(0);
    } finally {
      await viewerTab.context.close();
    }
    const { context, tab } = await signedIn('slack:UARCHIVIST');
    try {
      await tab.goto(`${viewer.url}/alerts`);
      expect(await axe(tab)).toEqual([]);
      await shot(tab, 'alerts');
      // Without the form's token (a forged cross-site post): refused, nothing acknowledged.
      const forged = await tab.evaluate(
        async (url) =>
          (await fetch(url, { method: 'POST', body: new URLSearchParams({ csrf: 'x' }) })).status,
        `${viewer.url}/alerts/${alertId}/ack`,
      );
      expect(forged).toBe(403);
      await tab.getByRole('button', { name: `Acknowledge alert ${alertId}` }).click();
      await tab.waitForURL(/acked=/);
      expect(await tab.locator('[role="status"]').innerText()).toContain(`Alert ${alertId}`);
      const row = await viewer.archive.db.get<{ acknowledged_by: string }>(
        'SELECT acknowledged_by FROM alert WHERE id = ?',
        [alertId],
      );
      expect(row?.acknowledged_by).toBe('slack:UARCHIVIST');
      expect(await tab.locator('main').innerText()).toContain('seen by slack:UARCHIVIST');
    } finally {
      await context.close();
    }
  }, 60_000);

  it('draws the overview charts server-side, and the accounts and timeline pages pass axe', async () => {
    const { context, tab } = await signedIn('slack:UVIEWER');
    try {
      await tab.goto(`${viewer.url}/`);
      expect(await tab.locator('svg[data-chart]').count()).toBe(3);
      expect(await tab.locator('svg[data-chart="changes"] rect').count()).toBeGreaterThan(0);
      expect(await tab.locator('svg[data-chart="captures"] rect').count()).toBeGreaterThan(0);
      // The fake's posts are from January 2025: the posts chart over that month.
      await tab.goto(`${viewer.url}/?days=30&end=2025-01-20`);
      expect(await tab.locator('svg[data-chart="posts"] rect').count()).toBeGreaterThan(0);
      expect(await axe(tab)).toEqual([]);
      await shot(tab, 'overview');
      await tab.goto(`${viewer.url}/accounts`);
      expect(await axe(tab)).toEqual([]);
      await tab.getByRole('link', { name: /^rvo(@|$)/ }).click();
      await tab.waitForURL(/\/accounts\/\d+$/);
      expect(await tab.locator('tbody tr').count()).toBe(4);
      expect(await axe(tab)).toEqual([]);
      await shot(tab, 'timeline');
      await tab.selectOption('select[name="status"]', 'edited');
      await tab.getByRole('button', { name: 'Filter' }).click();
      await tab.waitForURL(/status=edited/);
      expect(await tab.locator('tbody tr').count()).toBe(1);
    } finally {
      await context.close();
    }
  }, 60_000);

  it('speaks Dutch to a Dutch browser and switches language; the 401 page passes axe', async () => {
    const { context, tab } = await signedIn('slack:UVIEWER', undefined, 'nl-NL');
    try {
      expect(await tab.locator('h1').innerText()).toBe('Overzicht');
      await tab.getByRole('link', { name: 'English' }).click();
      expect(await tab.locator('h1').innerText()).toBe('Overview');
      await tab.goto(`${viewer.url}/accounts`);
      expect(await tab.locator('h1').innerText()).toBe('Accounts');
      await tab.setViewportSize({ width: 375, height: 740 });
      await tab.goto(`${viewer.url}/post/${edited}`);
      const overflow = await tab.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      await shot(tab, 'phone');
      expect(await axe(tab)).toEqual([]); // tables scroll sideways in labelled, focusable regions
      await context.clearCookies();
      await tab.goto(`${viewer.url}/`);
      expect(await tab.locator('h1').innerText()).toBe('Inloggen nodig'); // the browser's language again
      expect(await axe(tab)).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);
});
