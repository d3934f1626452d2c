/**
 * The web viewer (issue 14): one express router, mounted by `serve` under /archive on its port, or run
 * alone by `archiefbot viewer`. Server-rendered pages over the same use cases as the CLI and the chat,
 * a session from a chat login link (or OpenID Connect), the replay of a post's evidence, and strict
 * headers: a Content-Security-Policy without inline script on every page, no framing by other sites,
 * no referrer to archived links.
 */
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { Logger } from 'pino';
import { verifyClaims, viewerSecret } from '../chat/present-viewer.ts';
import type { Roles } from '../chat/roles.ts';
import { UsageError } from '../domain/errors.ts';
import { describeError } from '../domain/i18n.ts';
import type { Archive } from '../store/archive.ts';
import { acknowledge } from '../usecases/alerts.ts';
import { holdAdd } from '../usecases/retention.ts';
import { CSS, JS, REPLAY_CSS } from './assets.ts';
import {
  type Auth,
  requireAction,
  requireSession,
  SESSION_COOKIE,
  startSession,
  unauthorised,
} from './auth.ts';
import { type Ctx, html, page } from './html.ts';
import { mediaRoutes } from './media.ts';
import { type OidcLogin, oidcFromEnv, oidcRoutes } from './oidc.ts';
import { accountsPage, alertsPage, overviewPage, searchPage, timelinePage } from './page-lists.ts';
import { postPage } from './page-post.ts';
import { replayOrigin, replayRoutes, replaySrc, WaczCache, waczDownload } from './replay.ts';

export interface ViewerDeps {
  archive: Archive;
  roles: Roles;
  env: NodeJS.ProcessEnv;
  log?: Logger;
  /** OpenID Connect; default: from the environment (oidc.ts `oidcFromEnv`), null = off. */
  oidc?: OidcLogin | null;
}

/** The viewer's own pages: scripts and styles from this origin only, nothing inline. */
export const PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "frame-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const headers =
  (env: NodeJS.ProcessEnv) =>
  (req: Request, res: Response, next: NextFunction): void => {
    const replay = replayOrigin(env);
    res.setHeader(
      'Content-Security-Policy',
      replay ? PAGE_CSP.replace("frame-src 'self'", `frame-src 'self' ${replay}`) : PAGE_CSP,
    );
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Cache-Control', 'no-store');
    // The language chosen with ?lang= is kept for the next pages.
    const lang = req.query.lang;
    if (lang === 'nl' || lang === 'en')
      res.cookie('archiefbot_lang', lang, {
        sameSite: 'lax',
        path: req.baseUrl || '/',
        maxAge: 365 * 86_400_000,
      });
    next();
  };

/** Wraps an async handler so a failure becomes the error page, not an unhandled rejection. */
const wrap =
  (fn: (req: Request, res: Response) => Promise<void>) => (req: Request, res: Response, next: NextFunction) =>
    fn(req, res).catch(next);

function staticAssets(router: Router): void {
  const file = (type: string, body: string) => (_req: Request, res: Response) => {
    res.setHeader('Cache-Control', 'public, max-age=3600');
    res.type(type).send(body);
  };
  router.get('/static/viewer.css', file('text/css', CSS));
  router.get('/static/viewer.js', file('application/javascript', JS));
  router.get('/static/replay.css', file('text/css', REPLAY_CSS));
}

/** GET /login?token=…: a chat link's token for a session cookie, then the post it names (or the overview). */
function loginRoutes(router: Router, auth: Auth): void {
  router.get(
    '/login',
    wrap(async (req, res) => {
      const claims = verifyClaims(auth.secret, String(req.query.token ?? ''), 'login');
      if (!claims) return unauthorised(auth, req, res, 'link');
      const session = await startSession(auth, req, res, {
        sub: claims.sub,
        channel: claims.ch,
        via: 'link',
      });
      if (!session) return unauthorised(auth, req, res, 'link');
      res.redirect(303, `${req.baseUrl}${claims.post !== undefined ? `/post/${claims.post}` : '/'}`);
    }),
  );
}

function actionRoutes(router: Router, deps: ViewerDeps, auth: Auth): void {
  const form = express.urlencoded({ extended: false, limit: '16kb' });
  router.post('/logout', form, requireAction(auth, 'viewer'), (req, res) => {
    res.clearCookie(SESSION_COOKIE, { path: req.baseUrl || '/' });
    res.redirect(303, `${req.baseUrl}/`);
  });
  router.post(
    '/alerts/:id/ack',
    form,
    requireAction(auth, 'archivist'),
    wrap(async (req, res) => {
      const ctx = res.locals.ctx as Ctx;
      const id = Number(req.params.id);
      await acknowledge(deps.archive, id, ctx.session!.sub);
      res.redirect(303, `${req.baseUrl}/alerts?acked=${id}`);
    }),
  );
  router.post(
    '/post/:id/hold',
    form,
    requireAction(auth, 'archivist'),
    wrap(async (req, res) => {
      const ctx = res.locals.ctx as Ctx;
      const id = Number(req.params.id);
      const reason = String((req.body as Record<string, unknown>).reason ?? '');
      await holdAdd(deps.archive, { ref: String(id) }, reason, ctx.session!.sub);
      res.redirect(303, `${req.baseUrl}/post/${id}#appraisal`);
    }),
  );
}

/** A user's error (unknown alert, no reason for a hold) as a page in their language; anything else as 500. */
function errors(deps: ViewerDeps) {
  return (err: Error, req: Request, res: Response, _next: NextFunction) => {
    const ctx = res.locals.ctx as Ctx | undefined;
    if (!ctx) return void res.status(500).end();
    const usage = err instanceof UsageError;
    if (!usage) deps.log?.error({ err, url: req.originalUrl }, 'viewer: a page failed');
    const text = usage ? describeError(err, ctx.lang) : ctx.t('viewer.error');
    res
      .status(usage ? 400 : 500)
      .type('html')
      .send(
        page(ctx, {
          title: ctx.t('viewer.error-title'),
          body: html`<p class="error" role="alert">${text}</p>`,
        }),
      );
  };
}

/** The viewer's router: mount it at /archive. */
export function viewerRouter(deps: ViewerDeps): Router {
  const { archive } = deps;
  const oidc = deps.oidc === undefined ? oidcFromEnv(deps.env) : deps.oidc;
  const auth: Auth = {
    secret: viewerSecret(archive.dataDir, deps.env),
    roles: deps.roles,
    db: archive.db,
    oidcStart: oidc ? '/oidc/start' : undefined,
  };
  const router = express.Router();
  router.use(headers(deps.env));
  staticAssets(router);
  loginRoutes(router, auth);
  if (oidc) oidcRoutes(router, auth, oidc);
  const cache = new WaczCache(archive);
  replayRoutes(router, deps.env, auth.secret, cache);
  router.use(requireSession(auth));
  router.use((req, res, next) => {
    const sub = (res.locals.ctx as Ctx).session!.sub;
    res.locals.replaySrc = (post: number) => replaySrc(auth.secret, deps.env, req.baseUrl, sub, post);
    next();
  });
  actionRoutes(router, deps, auth);
  waczDownload(router, archive, cache);
  mediaRoutes(router, archive);
  router.get(
    '/',
    wrap((req, res) => overviewPage(archive, req, res)),
  );
  router.get(
    '/accounts',
    wrap((req, res) => accountsPage(archive, req, res)),
  );
  router.get(
    '/accounts/:id',
    wrap((req, res) => timelinePage(archive, req, res)),
  );
  router.get(
    '/post/:id',
    wrap((req, res) => postPage(archive.db, req, res)),
  );
  router.get(
    '/search',
    wrap((req, res) => searchPage(archive, req, res)),
  );
  router.get(
    '/alerts',
    wrap((req, res) => alertsPage(archive, deps.roles, req, res)),
  );
  router.use(errors(deps));
  return router;
}
