/**
 * Optional sign-in through the organisation's own identity provider (OpenID Connect, authorization
 * code flow with PKCE, openid-client as the relying party). Set ARCHIEFBOT_OIDC_ISSUER,
 * ARCHIEFBOT_OIDC_CLIENT_ID and ARCHIEFBOT_OIDC_CLIENT_SECRET; the user's roles come from a claim of
 * the ID token (ARCHIEFBOT_OIDC_ROLES_CLAIM, default `roles`), its values either role names
 * (viewer, archivist, admin, expert) or mapped to them (ARCHIEFBOT_OIDC_ROLE_MAP="groupA=archivist,
 * groupB=viewer"). The redirect URL is ARCHIEFBOT_OIDC_REDIRECT_URL, else the viewer's address +
 * /oidc/callback (register that one at the provider).
 */
import { randomBytes } from 'node:crypto';
import type { Request, Response, Router } from 'express';
import * as client from 'openid-client';
import { signClaims, verifyClaims, viewerBase } from '../chat/present-viewer.ts';
import type { Role } from '../chat/roles.ts';
import { type Auth, startSession, unauthorised } from './auth.ts';

const ROLE_NAMES: readonly Role[] = ['viewer', 'archivist', 'admin', 'expert'];
const FLOW_COOKIE = 'archiefbot_oidc';

export interface OidcLogin {
  issuer: string;
  clientId: string;
  clientSecret: string;
  redirectUrl: string;
  rolesClaim: string;
  roleMap: Map<string, Role>;
  /** Plain-http issuers (a provider on loopback in tests and on a laptop); never in production. */
  allowHttp: boolean;
}

/** The OpenID Connect settings from the environment, or null when no issuer is set. */
export function oidcFromEnv(env: NodeJS.ProcessEnv): OidcLogin | null {
  const issuer = env.ARCHIEFBOT_OIDC_ISSUER?.trim();
  if (!issuer) return null;
  const roleMap = new Map<string, Role>();
  for (const pair of (env.ARCHIEFBOT_OIDC_ROLE_MAP ?? '').split(',')) {
    const [from, to] = pair.split('=').map((s) => s.trim());
    if (from && to && (ROLE_NAMES as string[]).includes(to)) roleMap.set(from, to as Role);
  }
  return {
    issuer,
    clientId: env.ARCHIEFBOT_OIDC_CLIENT_ID?.trim() ?? '',
    clientSecret: env.ARCHIEFBOT_OIDC_CLIENT_SECRET?.trim() ?? '',
    redirectUrl: env.ARCHIEFBOT_OIDC_REDIRECT_URL?.trim() || `${viewerBase(env)}/oidc/callback`,
    rolesClaim: env.ARCHIEFBOT_OIDC_ROLES_CLAIM?.trim() || 'roles',
    roleMap,
    allowHttp: new URL(issuer).protocol === 'http:',
  };
}

/** The roles a claim's values grant: role names as they are, other values through the map. */
export function rolesFromClaim(value: unknown, map: Map<string, Role>): Role[] {
  const values = Array.isArray(value) ? value : typeof value === 'string' ? value.split(/[\s,]+/) : [];
  const out = new Set<Role>();
  for (const v of values.map(String)) {
    if ((ROLE_NAMES as string[]).includes(v)) out.add(v as Role);
    const mapped = map.get(v);
    if (mapped) out.add(mapped);
  }
  return [...out];
}

export function oidcRoutes(router: Router, auth: Auth, login: OidcLogin): void {
  let config: Promise<client.Configuration> | null = null;
  const discover = () => {
    config ??= client
      .discovery(new URL(login.issuer), login.clientId, login.clientSecret, undefined, {
        execute: login.allowHttp ? [client.allowInsecureRequests] : [],
      })
      .catch((err) => {
        config = null;
        throw err;
      });
    return config;
  };
  router.get('/oidc/start', async (req: Request, res: Response, next) => {
    try {
      const cfg = await discover();
      const verifier = client.randomPKCECodeVerifier();
      const state = client.randomState();
      // The flow's secrets ride in a signed, short-lived cookie (no server-side store).
      const flow = signClaims(auth.secret, {
        kind: 'login',
        sub: JSON.stringify({ verifier, state }),
        exp: Math.floor(Date.now() / 1000) + 600,
        n: randomBytes(6).toString('base64url'),
      });
      res.cookie(FLOW_COOKIE, flow, {
        httpOnly: true,
        sameSite: 'lax',
        path: req.baseUrl || '/',
        maxAge: 600_000,
        encode: String,
      });
      const url = client.buildAuthorizationUrl(cfg, {
        redirect_uri: login.redirectUrl,
        scope: 'openid profile email',
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
      });
      res.redirect(303, url.href);
    } catch (err) {
      next(err);
    }
  });
  router.get('/oidc/callback', async (req: Request, res: Response) => {
    const raw = /(?:^|;\s*)archiefbot_oidc=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
    const flow = verifyClaims(auth.secret, raw ? decodeURIComponent(raw) : undefined, 'login');
    res.clearCookie(FLOW_COOKIE, { path: req.baseUrl || '/' });
    if (!flow) return unauthorised(auth, req, res, 'link');
    try {
      const { verifier, state } = JSON.parse(flow.sub) as { verifier: string; state: string };
      const cfg = await discover();
      const current = new URL(login.redirectUrl);
      current.search = new URL(req.originalUrl, 'http://x').search;
      const tokens = await client.authorizationCodeGrant(cfg, current, {
        pkceCodeVerifier: verifier,
        expectedState: state,
      });
      const claims = tokens.claims();
      if (!claims) return unauthorised(auth, req, res, 'link');
      const roles = rolesFromClaim(claims[login.rolesClaim], login.roleMap);
      const who = String(claims.email ?? claims.preferred_username ?? claims.sub);
      const session = await startSession(auth, req, res, { sub: `oidc:${who}`, via: 'oidc', roles });
      if (!session) return unauthorised(auth, req, res, 'link');
      res.redirect(303, `${req.baseUrl}/`);
    } catch {
      unauthorised(auth, req, res, 'link');
    }
  });
}
