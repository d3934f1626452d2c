/**
 * "Open in browser": the link every chat answer about a post carries to the web viewer (issue 14).
 *
 * The link holds a short-lived login token for the chat user who asked (`platform:user`, the channel
 * it was asked in, the post), signed with the viewer's secret (HMAC-SHA256). The viewer exchanges it
 * for a session cookie and reads the user's roles from roles.yaml at that moment, so a token carries
 * no roles of its own and cannot grant more than roles.yaml does. The same signing makes the session
 * cookie and the CSRF tokens of the viewer's forms.
 *
 * The secret: ARCHIEFBOT_VIEWER_SECRET (at least 32 characters), else a random one kept in
 * `<data dir>/viewer.secret` (made on first use, readable by its owner only), shared by every process
 * that uses the same data directory (serve, the CLI's login-link, the viewer alone).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { t } from '../domain/i18n.ts';
import type { Lang, LinkButton } from './reply.ts';

/** How long a login link from chat may be used. */
export const LOGIN_TOKEN_SECONDS = 15 * 60;
/** How long a viewer session lasts. */
export const SESSION_SECONDS = 8 * 3600;

export interface LoginClaims {
  kind: 'login';
  /** `platform:user`, as roles.yaml and the audit log name the user. */
  sub: string;
  /** The chat channel it was asked in (roles limited to channels apply there). */
  ch?: string;
  /** The post the link opens. */
  post?: number;
  /** Expiry, seconds since the epoch. */
  exp: number;
  /** A random value, so two links are never the same. */
  n: string;
}

export interface SessionClaims {
  kind: 'session';
  sub: string;
  roles: string[];
  /** How the user logged in: a chat link or OpenID Connect. */
  via: 'link' | 'oidc';
  /** The session's id (the CSRF tokens are bound to it). */
  sid: string;
  exp: number;
}

/** The replay frame's pass for one post (it may run on another origin, where no session cookie goes). */
export interface ReplayClaims {
  kind: 'replay';
  sub: string;
  post: number;
  exp: number;
}

export type Claims = LoginClaims | SessionClaims | ReplayClaims;

const secrets = new Map<string, Buffer>();

/** The viewer's signing secret (see the module comment). */
export function viewerSecret(dataDir: string, env: NodeJS.ProcessEnv = process.env): Buffer {
  const fromEnv = env.ARCHIEFBOT_VIEWER_SECRET?.trim();
  if (fromEnv && fromEnv.length >= 32) return Buffer.from(fromEnv, 'utf8');
  const file = path.join(dataDir, 'viewer.secret');
  const known = secrets.get(file);
  if (known) return known;
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    try {
      writeFileSync(file, randomBytes(32).toString('base64url'), { mode: 0o600, flag: 'wx' });
    } catch (err) {
      // Another process made it first: use theirs.
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  const secret = Buffer.from(readFileSync(file, 'utf8').trim(), 'utf8');
  secrets.set(file, secret);
  return secret;
}

const mac = (secret: Buffer, text: string) => createHmac('sha256', secret).update(text).digest('base64url');

/** `<payload>.<signature>`, both base64url. */
export function signClaims(secret: Buffer, claims: Claims): string {
  const body = Buffer.from(JSON.stringify(claims), 'utf8').toString('base64url');
  return `${body}.${mac(secret, body)}`;
}

/** The claims of a token signed with this secret, of this kind, not expired; null otherwise. */
export function verifyClaims<K extends Claims['kind']>(
  secret: Buffer,
  token: string | undefined,
  kind: K,
  now = Date.now(),
): Extract<Claims, { kind: K }> | null {
  if (!token || token.length > 4096) return null;
  const [body, sig, extra] = token.split('.');
  if (!body || !sig || extra !== undefined) return null;
  const want = Buffer.from(mac(secret, body));
  const got = Buffer.from(sig);
  if (want.length !== got.length || !timingSafeEqual(want, got)) return null;
  try {
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Claims;
    if (claims.kind !== kind || typeof claims.exp !== 'number' || claims.exp * 1000 <= now) return null;
    return claims as Extract<Claims, { kind: K }>;
  } catch {
    return null;
  }
}

/** The viewer's public address: ARCHIEFBOT_VIEWER_URL, else this machine's serve port under /archive. */
export function viewerBase(env: NodeJS.ProcessEnv = process.env): string {
  const chosen = env.ARCHIEFBOT_VIEWER_URL?.trim();
  if (chosen) return chosen.replace(/\/+$/, '');
  return `http://127.0.0.1:${env.ARCHIEFBOT_HTTP_PORT ?? 3978}/archive`;
}

/** A login link for a chat user (`platform:user`), opening a post when one is named. */
export function loginLink(
  dataDir: string,
  who: { sub: string; channel?: string; post?: number },
  env: NodeJS.ProcessEnv = process.env,
  now = Date.now(),
): { url: string; expires: string } {
  const exp = Math.floor(now / 1000) + LOGIN_TOKEN_SECONDS;
  const claims: LoginClaims = { kind: 'login', sub: who.sub, exp, n: randomBytes(6).toString('base64url') };
  if (who.channel) claims.ch = who.channel;
  if (who.post !== undefined) claims.post = who.post;
  const token = signClaims(viewerSecret(dataDir, env), claims);
  return {
    url: `${viewerBase(env)}/login?token=${encodeURIComponent(token)}`,
    expires: new Date(exp * 1000).toISOString(),
  };
}

/**
 * The "open in browser" button of a chat answer about a post: a login link for the asker, valid 15
 * minutes (say so with `openInBrowserNote` beside it).
 */
function openInBrowser(
  lang: Lang,
  dataDir: string,
  by: string,
  channel: string | undefined,
  post: number,
): LinkButton {
  const { url } = loginLink(dataDir, { sub: by, channel, post });
  return { label: t(lang, 'viewer.open-in-browser'), url };
}

/**
 * The "open in browser" button and its note under an answer about a post (show, history). Only in a
 * conversation that is the asker's alone (`private`) does it carry their sign-in link: anyone who
 * reads a channel could click it and be signed in as the asker, with the asker's roles. Elsewhere it
 * is the post page without a token, and the note says where to get a personal link.
 */
export function postLinkFor(
  lang: Lang,
  dataDir: string,
  asker: { by: string; channel: string; private?: boolean },
  post: number,
): { button: LinkButton; note: string } {
  if (asker.private)
    return {
      button: openInBrowser(lang, dataDir, asker.by, asker.channel, post),
      note: openInBrowserNote(lang),
    };
  return { button: postPageButton(lang, post), note: t(lang, 'viewer.link-in-dm') };
}

/** What the asker should know about their link: it expires, and it logs in as them. */
function openInBrowserNote(lang: Lang): string {
  return t(lang, 'viewer.link-note', { minutes: LOGIN_TOKEN_SECONDS / 60 });
}

/**
 * The button under a capture result or an alert (which go to a thread or a channel, not to one
 * asker): the post's page in the viewer, without a token. Whoever has a session opens it; anyone else
 * meets the 401 page, which says how to get a link.
 */
export function postPageButton(lang: Lang, post: number, env: NodeJS.ProcessEnv = process.env): LinkButton {
  return { label: t(lang, 'viewer.open-in-browser'), url: `${viewerBase(env)}/post/${post}` };
}
