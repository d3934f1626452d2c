/**
 * Who is looking: a login link from chat (or `archiefbot login-link`) is exchanged for a session
 * cookie; OpenID Connect signs in through the organisation's identity provider (oidc.ts). The
 * session is a signed cookie (HttpOnly, SameSite=Lax, Secure when served over https, 8 hours) that
 * names the user and the roles roles.yaml gave them at login. Forms that change something carry a
 * CSRF token bound to the session.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { SESSION_SECONDS, type SessionClaims, signClaims, verifyClaims } from '../chat/present-viewer.ts';
import type { Role, Roles } from '../chat/roles.ts';
import { appendAudit } from '../store/audit.ts';
import type { Db } from '../store/db.ts';
import { type Ctx, html, makeCtx, page } from './html.ts';

export const SESSION_COOKIE = 'archiefbot_session';

export interface Auth {
  secret: Buffer;
  roles: Roles;
  db: Db;
  /** Set when OpenID Connect is configured: the path that starts a sign-in. */
  oidcStart?: string;
}

function cookie(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

/** The session of a request, or null (none, forged, expired). */
export function sessionOf(auth: Auth, req: Request): SessionClaims | null {
  return verifyClaims(auth.secret, cookie(req, SESSION_COOKIE), 'session');
}

/** The CSRF token of a session: an HMAC of its id, so it cannot be made without the secret. */
export function csrfToken(auth: Auth, session: SessionClaims | null): string {
  if (!session) return '';
  return createHmac('sha256', auth.secret).update(`csrf:${session.sid}`).digest('base64url');
}

/** Whether a posted form carries this session's CSRF token. */
export function csrfOk(auth: Auth, session: SessionClaims, given: unknown): boolean {
  const want = Buffer.from(csrfToken(auth, session));
  const got = Buffer.from(typeof given === 'string' ? given : '');
  return want.length === got.length && timingSafeEqual(want, got);
}

const secure = (req: Request) => req.secure || req.headers['x-forwarded-proto'] === 'https';

/** Starts a session for a user with the roles roles.yaml gives them (in the channel named, if any). */
export async function startSession(
  auth: Auth,
  req: Request,
  res: Response,
  who: { sub: string; channel?: string; via: 'link' | 'oidc'; roles?: Role[] },
): Promise<SessionClaims | null> {
  const [platform = '', ...rest] = who.sub.split(':');
  const roles = who.roles ?? auth.roles.rolesOf(platform, rest.join(':'), who.channel ?? '');
  if (!auth.roles.allows(roles, 'viewer')) return null;
  const session: SessionClaims = {
    kind: 'session',
    sub: who.sub,
    roles,
    via: who.via,
    sid: randomBytes(12).toString('base64url'),
    exp: Math.floor(Date.now() / 1000) + SESSION_SECONDS,
  };
  res.cookie(SESSION_COOKIE, signClaims(auth.secret, session), {
    httpOnly: true,
    sameSite: 'lax',
    secure: secure(req),
    maxAge: SESSION_SECONDS * 1000,
    path: req.baseUrl || '/',
    encode: String,
  });
  await auth.db.transaction(() =>
    appendAudit(auth.db, {
      actor: who.sub,
      action: 'viewer.login',
      detail: { via: who.via, roles },
    }),
  );
  return session;
}

/** The 401 page: why, and how to get a link. */
export function unauthorised(auth: Auth, req: Request, res: Response, reason: 'none' | 'link'): void {
  const ctx = makeCtx(req, null, '');
  const body = html`<p class="${reason === 'link' ? 'error' : 'notice'}">${ctx.t(
    reason === 'link' ? 'viewer.401.bad-link' : 'viewer.401.no-session',
  )}</p>
<h2>${ctx.t('viewer.401.how')}</h2>
<ul>
<li>${ctx.t('viewer.401.from-chat')}</li>
<li>${ctx.t('viewer.401.from-operator')} <code>archiefbot login-link --user slack:U012345</code></li>
${auth.oidcStart ? html`<li><a href="${ctx.base}${auth.oidcStart}">${ctx.t('viewer.401.oidc')}</a></li>` : ''}
</ul>`;
  res
    .status(401)
    .type('html')
    .send(page(ctx, { title: ctx.t('viewer.401.title'), body }));
}

/** The 403 page: signed in, but the action needs a role the user does not hold. */
export function forbidden(ctx: Ctx, res: Response, role: Role): void {
  const body = html`<p class="error">${ctx.t('viewer.403.text', { role })}</p>`;
  res
    .status(403)
    .type('html')
    .send(page(ctx, { title: ctx.t('viewer.403.title'), body }));
}

/** Pages past this need a session: without one, the 401 page. Puts the page context on res.locals. */
export function requireSession(auth: Auth) {
  return (req: Request, res: Response, next: NextFunction) => {
    const session = sessionOf(auth, req);
    if (!session) return unauthorised(auth, req, res, 'none');
    res.locals.ctx = makeCtx(req, session, csrfToken(auth, session));
    next();
  };
}

/** For form posts: the session must hold `role` and the form must carry the CSRF token. */
export function requireAction(auth: Auth, role: Role) {
  return (req: Request, res: Response, next: NextFunction) => {
    const ctx = res.locals.ctx as Ctx;
    const session = ctx.session!;
    if (!csrfOk(auth, session, (req.body as Record<string, unknown> | undefined)?.csrf)) {
      const body = html`<p class="error">${ctx.t('viewer.csrf')}</p>`;
      res
        .status(403)
        .type('html')
        .send(page(ctx, { title: ctx.t('viewer.403.title'), body }));
      return;
    }
    if (!auth.roles.allows(session.roles as Role[], role)) return forbidden(ctx, res, role);
    next();
  };
}
