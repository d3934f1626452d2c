/**
 * Replay: a post's evidence replays in ReplayWeb.page's embeddable viewer, served from the app itself
 * (node_modules/replaywebpage: ui.js and its service worker sw.js, never a CDN), fed with the post's
 * WACZ made on the fly by the WACZ export (src/export/wacz.ts) and kept in a cache under the data
 * directory until the post gets a new version or capture.
 *
 * The replay runs on its own path (/archive/replay/) inside a sandboxed iframe, with a
 * Content-Security-Policy of its own: scripts only from this origin, no plugins, no form posts, no
 * framing by other sites. Archived pages replay inside ReplayWeb.page's own frames under that path.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Request, Response, Router } from 'express';
import yauzl from 'yauzl';
import { signClaims, verifyClaims } from '../chat/present-viewer.ts';
import { sha256Hex } from '../domain/content.ts';
import { resolveSelection } from '../export/selection.ts';
import { cdxTimestamp, exportWacz } from '../export/wacz.ts';
import type { Archive } from '../store/archive.ts';
import { appendAudit } from '../store/audit.ts';
import { PACKAGE_ROOT, TOOL_NAME, TOOL_VERSION } from '../version.ts';
import { type Ctx, escapeHtml, makeCtx } from './html.ts';

/** The replay path's policy: ReplayWeb.page needs its own scripts, workers, inline styles and blob frames. */
export const REPLAY_CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self'",
  "frame-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'none'",
  "frame-ancestors 'self'",
].join('; ');

const RWP = path.join(PACKAGE_ROOT, 'node_modules', 'replaywebpage');

/** How long a post's package is kept in the cache at most. */
const CACHE_SECONDS = 3600;

/** Makes (or finds) the WACZ of a post and its replies; the file's path. One build per post at a time. */
export class WaczCache {
  private readonly building = new Map<string, Promise<string>>();
  constructor(
    private readonly archive: Archive,
    private readonly dir = path.join(archive.dataDir, 'viewer-cache'),
  ) {
    // A copy of evidence must not outlive a lawful destruction: the cache starts empty, and packages
    // older than CACHE_SECONDS go whenever another is made (a destroyed post's package is never served:
    // its selection no longer resolves).
    rmSync(dir, { recursive: true, force: true });
  }

  private sweep(): void {
    const before = Date.now() - CACHE_SECONDS * 1000;
    for (const name of readdirSync(this.dir)) {
      const file = path.join(this.dir, name);
      try {
        if (statSync(file).mtimeMs < before) rmSync(file, { force: true });
      } catch {
        // Gone already (another request swept it).
      }
    }
  }

  /** What the WACZ of a post depends on: its and its replies' versions and sightings. */
  private async stamp(ids: number[]): Promise<string> {
    const row = await this.archive.db.get<{ v: number; mv: number | null; c: number }>(
      `SELECT (SELECT count(*) FROM version WHERE post_id IN (SELECT value FROM json_each(?1))) AS v,
              (SELECT max(id) FROM version WHERE post_id IN (SELECT value FROM json_each(?1))) AS mv,
              (SELECT count(*) FROM capture_post WHERE post_id IN (SELECT value FROM json_each(?1))) AS c`,
      [JSON.stringify(ids)],
    );
    return sha256Hex(JSON.stringify([ids, row])).slice(0, 16);
  }

  async file(postId: number): Promise<string> {
    const selection = await resolveSelection(this.archive.db, { ref: String(postId) });
    const file = path.join(this.dir, `post-${postId}-${await this.stamp(selection.all)}.wacz`);
    if (existsSync(file) && statSync(file).mtimeMs >= Date.now() - CACHE_SECONDS * 1000) return file;
    const running = this.building.get(file);
    if (running) return running;
    const work = (async () => {
      mkdirSync(this.dir, { recursive: true });
      const tmp = `${file}.${process.pid}.tmp`;
      await exportWacz(selection, {
        db: this.archive.db,
        warcDir: this.archive.warcDir,
        out: tmp,
        organisation: '',
        lang: 'en',
        software: `${TOOL_NAME} ${TOOL_VERSION}`,
        signer: null,
      });
      // Older packages of this post go; the new one appears whole.
      for (const old of readdirSync(this.dir))
        if (old.startsWith(`post-${postId}-`) && old.endsWith('.wacz'))
          rmSync(path.join(this.dir, old), { force: true });
      renameSync(tmp, file);
      this.sweep();
      return file;
    })().finally(() => this.building.delete(file));
    this.building.set(file, work);
    return work;
  }
}

/** The first page a WACZ lists (pages/pages.jsonl): what the replay opens. */
export function firstPage(file: string): Promise<{ url: string; ts: string } | null> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err);
      let found = false;
      zip.on('entry', (entry: yauzl.Entry) => {
        if (entry.fileName !== 'pages/pages.jsonl') return zip.readEntry();
        found = true;
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(e);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            zip.close();
            const line = Buffer.concat(chunks).toString('utf8').split('\n')[1];
            resolve(line ? (JSON.parse(line) as { url: string; ts: string }) : null);
          });
        });
      });
      zip.on('end', () => {
        if (!found) resolve(null);
      });
      zip.readEntry();
    });
  });
}

function replayPage(ctx: Ctx, title: string, inner: string): string {
  return `<!doctype html><html lang="${ctx.lang}"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<script src="${ctx.base}/replay/ui.js"></script>
<link rel="stylesheet" href="${ctx.base}/static/replay.css"></head><body>${inner}</body></html>`;
}

/** How long a replay frame's pass holds (the page can be left open; its session lasts longer). */
const REPLAY_PASS_SECONDS = 3600;

/**
 * Where the replay frame runs: ARCHIEFBOT_VIEWER_REPLAY_ORIGIN (another host name for the same server,
 * e.g. https://replay.archief.example.nl, so that archived pages' scripts run on an origin where the
 * viewer's session cookie is never sent), else the viewer's own origin (''), on its own path.
 */
export function replayOrigin(env: NodeJS.ProcessEnv): string {
  const o = env.ARCHIEFBOT_VIEWER_REPLAY_ORIGIN?.trim();
  if (!o) return '';
  try {
    return new URL(o).origin;
  } catch {
    return '';
  }
}

/** The replay path's policy; on its own origin it may be framed by the viewer's origin only. */
function replayCsp(env: NodeJS.ProcessEnv): string {
  if (!replayOrigin(env)) return REPLAY_CSP;
  let viewer = '';
  try {
    viewer = env.ARCHIEFBOT_VIEWER_URL ? new URL(env.ARCHIEFBOT_VIEWER_URL).origin : '';
  } catch {}
  return REPLAY_CSP.replace("frame-ancestors 'self'", `frame-ancestors 'self' ${viewer}`.trim());
}

/** The address of a post's replay frame for this session's user, with its pass. */
export function replaySrc(
  secret: Buffer,
  env: NodeJS.ProcessEnv,
  base: string,
  sub: string,
  post: number,
): string {
  const exp = Math.floor(Date.now() / 1000) + REPLAY_PASS_SECONDS;
  const cap = signClaims(secret, { kind: 'replay', sub, post, exp });
  return `${replayOrigin(env)}${base}/replay/post/${post}?cap=${encodeURIComponent(cap)}`;
}

/**
 * The replay routes, mounted before the session check: ReplayWeb.page's files and shell are public
 * (they hold no archive data); a post's replay page and its WACZ need the post's pass (`cap`), not the
 * session cookie, so they work on another origin too.
 */
export function replayRoutes(router: Router, env: NodeJS.ProcessEnv, secret: Buffer, cache: WaczCache): void {
  const ctxOf = (req: Request) => makeCtx(req, null, '');
  const pass = (req: Request, id: number) => {
    const claims = verifyClaims(secret, String(req.query.cap ?? ''), 'replay');
    return claims && claims.post === id ? claims : null;
  };
  router.use('/replay', (_req: Request, res: Response, next: () => void) => {
    res.setHeader('Content-Security-Policy', replayCsp(env));
    next();
  });
  router.get('/replay/ui.js', (_req, res) =>
    res.type('application/javascript').sendFile(path.join(RWP, 'ui.js')),
  );
  router.get('/replay/sw.js', (req, res) => {
    res.setHeader('Service-Worker-Allowed', `${req.baseUrl}/replay/`);
    res.type('application/javascript').sendFile(path.join(RWP, 'sw.js'));
  });
  // The replay frame's own page (the service worker serves it once it controls the path).
  router.get(['/replay/', '/replay/index.html'], (req, res) => {
    res.type('html').send(replayPage(ctxOf(req), 'Replay', '<replay-app-main></replay-app-main>'));
  });
  router.get('/replay/post/:id', async (req, res) => {
    const ctx = ctxOf(req);
    const id = Number(req.params.id);
    if (!pass(req, id)) return void res.status(401).type('text').send(ctx.t('viewer.401.no-session'));
    const file = Number.isSafeInteger(id) ? await cache.file(id).catch(() => null) : null;
    const first = file ? await firstPage(file) : null;
    if (!first)
      return void res
        .status(404)
        .type('html')
        .send(replayPage(ctx, 'Replay', `<p>${escapeHtml(ctx.t('viewer.replay-none'))}</p>`));
    // The second the WACZ's index files this page's capture under (captures of one URL within one
    // second are indexed in capture order, so the newest replays).
    const ts = cdxTimestamp(first.ts);
    const source = `${ctx.base}/replay/wacz/${id}.wacz?cap=${encodeURIComponent(String(req.query.cap))}`;
    const el = `<replay-web-page source="${escapeHtml(source)}" url="${escapeHtml(first.url)}" ts="${ts}" embed="replayonly" replayBase="${ctx.base}/replay/"></replay-web-page>`;
    res.type('html').send(replayPage(ctx, ctx.t('viewer.replay-title', { id }), el));
  });
  router.get('/replay/wacz/:file', async (req, res) => {
    const m = /^(\d+)\.wacz$/.exec(String(req.params.file));
    if (!m || !pass(req, Number(m[1]))) return void res.status(401).end();
    const file = await cache.file(Number(m[1])).catch(() => null);
    if (!file) return void res.status(404).end();
    res.type('application/wacz').sendFile(file, { acceptRanges: true, cacheControl: false });
  });
}

/** GET /post/:id/wacz: the post's WACZ to keep (behind the session; audited as `viewer.wacz`). */
export function waczDownload(router: Router, archive: Archive, cache: WaczCache): void {
  router.get('/post/:id/wacz', async (req, res) => {
    const ctx = res.locals.ctx as Ctx;
    const id = Number(req.params.id);
    const file = Number.isSafeInteger(id) ? await cache.file(id).catch(() => null) : null;
    if (!file)
      return void res
        .status(404)
        .type('text')
        .send(ctx.t('viewer.404.post', { id: String(req.params.id) }));
    await archive.db.transaction(() =>
      appendAudit(archive.db, { actor: ctx.session!.sub, action: 'viewer.wacz', subject: `post ${id}` }),
    );
    res.download(file, `archiefbot-post-${id}.wacz`);
  });
}
