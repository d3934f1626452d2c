/**
 * The list pages: the accounts, an account's timeline with its filters, search (the CLI's syntax and
 * filters, highlighted snippets, keyset paging), the alerts feed with acknowledge, and the overview
 * with its charts.
 */
import type { Request, Response } from 'express';
import type { Roles } from '../chat/roles.ts';
import { UsageError } from '../domain/errors.ts';
import { describeError } from '../domain/i18n.ts';
import { PLATFORMS } from '../domain/types.ts';
import type { Archive } from '../store/archive.ts';
import { recentAlerts } from '../usecases/alerts.ts';
import { searchArchive } from '../usecases/search.ts';
import { archiveStatus } from '../usecases/status.ts';
import { barChart, daysBetween } from './charts.ts';
import { type Ctx, csrfField, escapeHtml, href, html, page, Raw, scrollBox, when } from './html.ts';
import { statusBadge } from './page-post.ts';
import { account, accounts, KINDS, OTHER_ACCOUNTS, overviewSeries, STATUSES, timeline } from './queries.ts';

const q = (req: Request, name: string) => {
  const v = req.query[name];
  return typeof v === 'string' ? v.trim() : '';
};

const send = (res: Response, status: number, text: string) => res.status(status).type('html').send(text);

function short(text: string, n = 200): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > n ? `${flat.slice(0, n - 1)}…` : flat;
}

/** A date field's value as an ISO bound; a date alone in `until` includes the whole day. */
function dateBound(value: string, endOfDay: boolean): string | undefined {
  if (!value) return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new UsageError(`not a date: ${value}`, 'date.invalid', { name: '', value });
  return new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) && endOfDay ? ms + 86_399_999 : ms).toISOString();
}

export async function accountsPage(archive: Archive, _req: Request, res: Response): Promise<void> {
  const ctx = res.locals.ctx as Ctx;
  const rows = await accounts(archive.db);
  const body = html`${scrollBox(ctx)}<table>
<thead><tr><th scope="col">${ctx.t('viewer.account')}</th><th scope="col">${ctx.t('viewer.organisation')}</th><th scope="col">${ctx.t('viewer.role')}</th><th scope="col">${ctx.t('viewer.watched')}</th><th scope="col">${ctx.t('viewer.posts')}</th><th scope="col">${ctx.t('viewer.last-change')}</th></tr></thead>
<tbody>${rows.map(
    (a) =>
      html`<tr><td><a href="${href(ctx, `/accounts/${a.id}`)}">${a.handle}</a> <span class="muted">${a.platform}${a.displayName ? ` · ${a.displayName}` : ''}</span></td><td>${a.organisation ?? ''}</td><td>${a.role}</td><td>${a.watched ? ctx.t('viewer.yes') : ctx.t('viewer.no')}</td><td>${a.posts}</td><td>${a.lastChange ? when(a.lastChange) : ''}</td></tr>`,
  )}</tbody></table></div>${rows.length ? '' : html`<p>${ctx.t('viewer.no-accounts')}</p>`}`;
  send(res, 200, page(ctx, { title: ctx.t('viewer.nav.accounts'), current: '/accounts', body }));
}

function select(
  ctx: Ctx,
  name: string,
  label: string,
  values: readonly string[],
  chosen: string,
  term: (v: string) => string,
): Raw {
  return html`<label>${label} <select name="${name}"><option value="">${ctx.t('viewer.any')}</option>${values.map(
    (v) => html`<option value="${v}"${v === chosen ? html` selected` : ''}>${term(v)}</option>`,
  )}</select></label>`;
}

export async function timelinePage(archive: Archive, req: Request, res: Response): Promise<void> {
  const ctx = res.locals.ctx as Ctx;
  const a = await account(archive.db, Number(req.params.id));
  if (!a)
    return void send(
      res,
      404,
      page(ctx, { title: ctx.t('viewer.404.title'), body: html`<p>${ctx.t('viewer.404.account')}</p>` }),
    );
  const f = {
    since: q(req, 'since'),
    until: q(req, 'until'),
    status: q(req, 'status'),
    kind: q(req, 'kind'),
    before: q(req, 'before'),
  };
  let error: string | null = null;
  let result: Awaited<ReturnType<typeof timeline>> = { rows: [], next: null };
  try {
    result = await timeline(archive.db, a.id, {
      since: dateBound(f.since, false),
      until: dateBound(f.until, true),
      status: (STATUSES as readonly string[]).includes(f.status) ? f.status : undefined,
      kind: (KINDS as readonly string[]).includes(f.kind) ? f.kind : undefined,
      before: f.before || undefined,
    });
  } catch (err) {
    error = describeError(err as Error, ctx.lang);
  }
  const filters = html`<form class="filters" method="get" action="${href(ctx, `/accounts/${a.id}`)}">
<label>${ctx.t('viewer.since')} <input type="date" name="since" value="${f.since}"></label>
<label>${ctx.t('viewer.until')} <input type="date" name="until" value="${f.until}"></label>
${select(ctx, 'status', ctx.t('viewer.status'), STATUSES, f.status, (s) => ctx.t(`viewer.status.${s}` as 'viewer.status.live'))}
${select(ctx, 'kind', ctx.t('viewer.kind'), KINDS, f.kind, (k) => k)}
<button type="submit">${ctx.t('viewer.filter')}</button></form>`;
  const { before: _b, ...keep } = f;
  const rows = result.rows.map(
    (r) =>
      html`<tr><td><a href="${href(ctx, `/post/${r.id}`)}">#${r.id}</a></td><td>${when(r.createdAt)}</td><td>${statusBadge(ctx, r.status)} <span class="muted">${r.kind}</span></td><td>${r.versions}</td><td>${short(r.text ?? '')}</td></tr>`,
  );
  const body = html`<p>${a.platform} · ${a.organisation ?? ''} · ${a.role} · ${a.url ? html`<a href="${a.url}" rel="nofollow noopener noreferrer">${a.url}</a>` : ''}</p>
${filters}${error ? html`<p class="error" role="alert">${error}</p>` : ''}
${scrollBox(ctx)}<table><thead><tr><th scope="col">#</th><th scope="col">${ctx.t('viewer.posted')}</th><th scope="col">${ctx.t('viewer.status')}</th><th scope="col">${ctx.t('viewer.versions')}</th><th scope="col">${ctx.t('viewer.text')}</th></tr></thead><tbody>${rows}</tbody></table></div>
${result.rows.length ? '' : html`<p>${ctx.t('viewer.nothing-found')}</p>`}
<nav class="pager" aria-label="${ctx.t('viewer.paging')}">${f.before ? html`<a href="${href(ctx, `/accounts/${a.id}`, keep)}">${ctx.t('viewer.first-page')}</a>` : ''}${result.next ? html`<a href="${href(ctx, `/accounts/${a.id}`, { ...keep, before: result.next })}">${ctx.t('viewer.next-page')}</a>` : ''}</nav>`;
  send(
    res,
    200,
    page(ctx, { title: ctx.t('viewer.timeline-title', { handle: a.handle }), current: '/accounts', body }),
  );
}

/** A search snippet: the archive marks hits with « »; shown as <mark>, everything else escaped. */
export function snippetHtml(snippet: string): Raw {
  return new Raw(escapeHtml(snippet).replace(/«/g, '<mark>').replace(/»/g, '</mark>'));
}

export async function searchPage(archive: Archive, req: Request, res: Response): Promise<void> {
  const ctx = res.locals.ctx as Ctx;
  const f = {
    q: q(req, 'q'),
    platform: q(req, 'platform'),
    author: q(req, 'author'),
    since: q(req, 'since'),
    until: q(req, 'until'),
    sort: q(req, 'sort') === 'relevance' ? 'relevance' : 'newest',
    after: q(req, 'after'),
  };
  let result: Awaited<ReturnType<typeof searchArchive>> | null = null;
  let error: string | null = null;
  if (f.q) {
    try {
      result = await searchArchive(archive, {
        query: f.q,
        platform: (PLATFORMS as readonly string[]).includes(f.platform) ? f.platform : undefined,
        author: f.author || undefined,
        since: f.since || undefined,
        until: f.until || undefined,
        sort: f.sort as 'newest' | 'relevance',
        after: f.after || undefined,
        limit: 20,
      });
    } catch (err) {
      error = describeError(err as Error, ctx.lang);
    }
  }
  const form = html`<form class="filters" method="get" action="${href(ctx, '/search')}" role="search">
<label>${ctx.t('viewer.search-words')} <input type="search" name="q" value="${f.q}" aria-describedby="search-help"></label>
${select(ctx, 'platform', ctx.t('viewer.platform'), PLATFORMS, f.platform, (p) => p)}
<label>${ctx.t('viewer.author')} <input name="author" value="${f.author}"></label>
<label>${ctx.t('viewer.since')} <input type="date" name="since" value="${f.since}"></label>
<label>${ctx.t('viewer.until')} <input type="date" name="until" value="${f.until}"></label>
<label>${ctx.t('viewer.sort')} <select name="sort"><option value="newest">${ctx.t('viewer.sort-newest')}</option><option value="relevance"${f.sort === 'relevance' ? html` selected` : ''}>${ctx.t('viewer.sort-relevance')}</option></select></label>
<button type="submit">${ctx.t('viewer.search')}</button></form>
<p id="search-help" class="muted">${ctx.t('viewer.search-help')}</p>`;
  const { after: _a, ...keep } = f;
  const hits = result
    ? html`${result.total && result.hits.length ? html`<p>${ctx.t(result.total.exact ? 'viewer.total' : 'viewer.total-more', { n: result.total.count })}</p>` : ''}
<ol class="hits">${result.hits.map(
        (h) =>
          html`<li><a href="${href(ctx, `/post/${h.id}`)}">#${h.id}</a> · ${h.author ?? '?'} · ${h.platform} · ${when(h.time)} ${statusBadge(ctx, h.status)} · v${h.version}<p class="text">${snippetHtml(h.snippet)}</p></li>`,
      )}</ol>${result.hits.length ? '' : html`<p>${ctx.t('viewer.nothing-found')}</p>`}
<nav class="pager" aria-label="${ctx.t('viewer.paging')}">${f.after ? html`<a href="${href(ctx, '/search', keep)}">${ctx.t('viewer.first-page')}</a>` : ''}${result.next ? html`<a href="${href(ctx, '/search', { ...keep, after: result.next })}" rel="next">${ctx.t('viewer.next-page')}</a>` : ''}</nav>`
    : '';
  const body = html`${form}${error ? html`<p class="error" role="alert">${error}</p>` : ''}${hits}`;
  send(res, error ? 400 : 200, page(ctx, { title: ctx.t('viewer.nav.search'), current: '/search', body }));
}

export async function alertsPage(archive: Archive, roles: Roles, req: Request, res: Response): Promise<void> {
  const ctx = res.locals.ctx as Ctx;
  const days = Math.min(366, Math.max(1, Number(q(req, 'days')) || 7));
  const items = await recentAlerts(archive, {
    since: new Date(Date.now() - days * 86_400_000).toISOString(),
    limit: 200,
  });
  const canAck = roles.allows(ctx.session!.roles as never, 'archivist');
  const done = q(req, 'acked');
  const rows = items.map((a) => {
    const d = a.detail as { diff?: string; url?: string };
    const ack = a.acknowledgedBy
      ? ctx.t('viewer.acked-by', { by: a.acknowledgedBy })
      : canAck
        ? html`<form method="post" action="${href(ctx, `/alerts/${a.id}/ack`)}">${csrfField(ctx)}<button type="submit" aria-label="${ctx.t('viewer.ack-label', { id: a.id })}">${ctx.t('viewer.ack')}</button></form>`
        : ctx.t('viewer.not-acked');
    return html`<tr><td>${a.id}</td><td>${ctx.t(`viewer.alert.${a.kind}` as 'viewer.alert.edited')}</td><td>${a.post ? html`<a href="${href(ctx, `/post/${a.post}`)}">#${a.post}</a>` : ''}</td><td>${a.account ?? ''}</td><td>${when(a.detectedAt)}</td><td>${d.diff ? html`<span class="text">${short(d.diff, 300)}</span>` : ''}</td><td>${ack}</td></tr>`;
  });
  const body = html`${done ? html`<p class="notice" role="status">${ctx.t('viewer.acked', { id: done })}</p>` : ''}
<form class="filters" method="get" action="${href(ctx, '/alerts')}"><label>${ctx.t('viewer.days')} <input type="number" name="days" min="1" max="366" value="${days}"></label><button type="submit">${ctx.t('viewer.filter')}</button></form>
${scrollBox(ctx)}<table><thead><tr><th scope="col">#</th><th scope="col">${ctx.t('viewer.kind')}</th><th scope="col">${ctx.t('viewer.post')}</th><th scope="col">${ctx.t('viewer.account')}</th><th scope="col">${ctx.t('viewer.detected')}</th><th scope="col">${ctx.t('viewer.change')}</th><th scope="col">${ctx.t('viewer.acknowledged')}</th></tr></thead><tbody>${rows}</tbody></table></div>
${items.length ? '' : html`<p>${ctx.t('viewer.no-alerts', { n: days })}</p>`}`;
  send(res, 200, page(ctx, { title: ctx.t('viewer.nav.alerts'), current: '/alerts', body }));
}

export async function overviewPage(archive: Archive, req: Request, res: Response): Promise<void> {
  const ctx = res.locals.ctx as Ctx;
  const days = Math.min(366, Math.max(1, Number(q(req, 'days')) || 30));
  const endMs = Date.parse(q(req, 'end'));
  const end = Number.isNaN(endMs) ? Date.now() : endMs + 86_399_999;
  const status = await archiveStatus(archive, { recent: 5 });
  const series = await overviewSeries(archive.db, days, end);
  const range = daysBetween(
    new Date(end - (days - 1) * 86_400_000).toISOString().slice(0, 10),
    new Date(end).toISOString().slice(0, 10),
  );
  const common = {
    day: ctx.t('viewer.day'),
    total: ctx.t('viewer.total-col'),
    empty: ctx.t('viewer.chart-empty'),
  };
  const alertLabel = (s: string) => ctx.t(`viewer.alert.${s}` as 'viewer.alert.edited');
  const captureLabel = (s: string) =>
    ctx.t(s === 'failed' ? 'viewer.series.failed' : 'viewer.series.captures');
  const body = html`<dl class="facts"><dt>${ctx.t('viewer.posts')}</dt><dd>${status.posts}</dd><dt>${ctx.t('viewer.versions')}</dt><dd>${status.versions}</dd><dt>${ctx.t('viewer.failed-24h')}</dt><dd>${status.failed24h}</dd></dl>
<form class="filters" method="get" action="${href(ctx, '/')}">
<label>${ctx.t('viewer.days')} <input type="number" name="days" min="1" max="366" value="${days}"></label>
<label>${ctx.t('viewer.until')} <input type="date" name="end" value="${q(req, 'end')}"></label>
<button type="submit">${ctx.t('viewer.filter')}</button></form>
${barChart(series.posts, range, { ...common, id: 'posts', title: ctx.t('viewer.chart.posts', { n: days }), label: (s) => (s === OTHER_ACCOUNTS ? ctx.t('viewer.series.other') : s) })}
${barChart(series.changes, range, { ...common, id: 'changes', title: ctx.t('viewer.chart.changes', { n: days }), label: alertLabel })}
${barChart(series.captures, range, { ...common, id: 'captures', title: ctx.t('viewer.chart.captures', { n: days }), label: captureLabel })}`;
  send(res, 200, page(ctx, { title: ctx.t('viewer.nav.overview'), current: '/', body }));
}
