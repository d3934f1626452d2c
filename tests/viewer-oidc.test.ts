/**
 * Signing in to the viewer through OpenID Connect, against a real OpenID provider on loopback (the
 * oidc-provider package, with its development login and consent pages): the authorization code flow
 * with PKCE, the roles from the ID token's `roles` claim (mapped through ARCHIEFBOT_OIDC_ROLE_MAP), and
 * a user whose claim grants no role refused with the 401 page.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
// @ts-expect-error oidc-provider ships no type declarations (and @types/oidc-provider is not installed)
import Provider from 'oidc-provider';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { type OidcLogin, oidcFromEnv, rolesFromClaim } from '../src/viewer/oidc.ts';
import { type RunningViewer, startViewer } from '../src/viewer/standalone.ts';
import { testEnv } from './helpers/cli.ts';

let t: ReturnType<typeof testEnv>;
let server: Server;
let viewer: RunningViewer;
let browser: Browser;
let login: OidcLogin;

/** Who the provider says each login name is: the `roles` claim is the organisation's groups. */
const PEOPLE: Record<string, { email: string; roles: string[] }> = {
  anna: { email: 'anna@gemeente.example', roles: ['team-archief'] },
  piet: { email: 'piet@gemeente.example', roles: ['kantine'] },
};

beforeAll(async () => {
  let handler: (req: IncomingMessage, res: ServerResponse) => void = (_q, s) => s.end();
  server = createServer((req, res) => handler(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  t = testEnv({
    ARCHIEFBOT_OIDC_ISSUER: issuer,
    ARCHIEFBOT_OIDC_CLIENT_ID: 'archiefbot',
    ARCHIEFBOT_OIDC_CLIENT_SECRET: 'a-client-secret-of-some-length',
    ARCHIEFBOT_OIDC_ROLE_MAP: 'team-archief=archivist',
  });
  login = oidcFromEnv(t.env)!;
  viewer = await startViewer(loadConfig(t.env), { env: t.env, port: 0, oidc: login });
  login.redirectUrl = `${viewer.url}/oidc/callback`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: 'archiefbot',
        client_secret: 'a-client-secret-of-some-length',
        redirect_uris: [login.redirectUrl],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    claims: { openid: ['sub'], email: ['email'], profile: ['roles'] },
    conformIdTokenClaims: false,
    cookies: { keys: ['test-cookie-key-0123456789'] },
    findAccount: async (_ctx: unknown, id: string) => ({
      accountId: id,
      claims: async () => ({ sub: id, ...(PEOPLE[id] ?? { email: `${id}@x`, roles: [] }) }),
    }),
  });
  handler = provider.callback();
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox'],
    headless: true,
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await viewer?.stop();
  await new Promise((r) => server?.close(r));
  t?.cleanup();
});

async function signIn(name: string): Promise<{ status: number; h1: string; user: string }> {
  const context = await browser.newContext({ locale: 'en-GB' });
  const tab = await context.newPage();
  try {
    await tab.goto(`${viewer.url}/`);
    await tab.getByRole('link', { name: "Sign in with your organisation's account" }).click();
    // oidc-provider's development login page, then its consent page.
    await tab.locator('input[name="login"]').fill(name);
    await tab.locator('input[name="password"]').fill('anything');
    const callback = tab.waitForResponse((r) => r.url().includes('/oidc/callback'));
    await tab.locator('button[type="submit"]').click();
    await tab.waitForLoadState();
    if (!tab.url().startsWith(viewer.url)) await tab.locator('button[type="submit"]').click();
    const response = await callback;
    await tab.waitForLoadState();
    return {
      status: response.status(),
      h1: await tab.locator('h1').innerText(),
      user: (await tab.locator('form.user span').count())
        ? await tab.locator('form.user span').innerText()
        : '',
    };
  } finally {
    await context.close();
  }
}

describe('OpenID Connect', () => {
  it('signs in through the provider, with roles from the roles claim', async () => {
    const r = await signIn('anna');
    expect(r.status).toBe(303);
    expect(r.h1).toBe('Overview');
    expect(r.user).toBe('Signed in as oidc:anna@gemeente.example');
    const audit = await viewer.archive.db.all<{ actor: string; detail: string }>(
      `SELECT actor, detail FROM audit WHERE action = 'viewer.login'`,
    );
    expect(audit.map((a) => [a.actor, JSON.parse(a.detail)])).toContainEqual([
      'oidc:anna@gemeente.example',
      { roles: ['archivist'], via: 'oidc' },
    ]);
  }, 60_000);

  it('refuses someone whose claim grants no role', async () => {
    const r = await signIn('piet');
    expect(r.status).toBe(401);
    expect(r.h1).toBe('Sign-in needed');
  }, 60_000);

  it('maps claim values to roles', () => {
    const map = new Map([['g1', 'viewer' as const]]);
    expect(rolesFromClaim(['g1', 'admin', 'nonsense'], map).sort()).toEqual(['admin', 'viewer']);
    expect(rolesFromClaim('g1 archivist', map).sort()).toEqual(['archivist', 'viewer']);
    expect(rolesFromClaim(undefined, map)).toEqual([]);
  });
});
