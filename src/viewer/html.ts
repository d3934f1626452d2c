/**
 * The viewer's HTML: a tagged template that escapes every value (archived text is never markup
 * unless it went through sanitize-html first), the page layout (skip link, navigation, language
 * switch, the user and logout), and the request's language.
 *
 * No inline script or style anywhere: the viewer's own CSS and JS are files (assets.ts), so the
 * Content-Security-Policy can forbid inline code.
 */
import type { Request } from 'express';
import type { SessionClaims } from '../chat/present-viewer.ts';
import { type MessageKey, type MessageVars, t } from '../domain/i18n.ts';
import type { Lang } from '../domain/types.ts';

/** Markup that is already safe (made by `html` or sanitised). */
export class Raw {
  constructor(readonly html: string) {}
  toString(): string {
    return this.html;
  }
}

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

type Value = Raw | string | number | boolean | null | undefined | Value[];

function render(v: Value): string {
  if (v === null || v === undefined || v === false || v === true) return '';
  if (v instanceof Raw) return v.html;
  if (Array.isArray(v)) return v.map(render).join('');
  return escapeHtml(String(v));
}

/** `html\`<p>${text}</p>\``: every value escaped, Raw values and arrays of them as they are. */
export function html(strings: TemplateStringsArray, ...values: Value[]): Raw {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]!) + strings[i + 1]!;
  return new Raw(out);
}

/** Everything a page needs to know about the request it answers. */
export interface Ctx {
  lang: Lang;
  /** Where the viewer is mounted (`/archive`). */
  base: string;
  session: SessionClaims | null;
  /** The CSRF token for this session's forms. */
  csrf: string;
  /** The path and query of this page (for the language switch). */
  here: string;
  t: (key: MessageKey, vars?: MessageVars) => string;
}

/** The language of a request: ?lang=, else the `lang` cookie, else Accept-Language, else English. */
export function requestLang(req: Request): Lang {
  const asked = String(req.query.lang ?? '');
  if (asked === 'nl' || asked === 'en') return asked;
  const cookie = /(?:^|;\s*)archiefbot_lang=(nl|en)/.exec(req.headers.cookie ?? '')?.[1];
  if (cookie === 'nl' || cookie === 'en') return cookie;
  for (const part of (req.headers['accept-language'] ?? '').split(',')) {
    const tag = part.split(';')[0]!.trim().toLowerCase();
    if (tag.startsWith('nl')) return 'nl';
    if (tag.startsWith('en')) return 'en';
  }
  return 'en';
}

export function makeCtx(req: Request, session: SessionClaims | null, csrf: string): Ctx {
  const lang = requestLang(req);
  const url = new URL(req.originalUrl, 'http://x');
  url.searchParams.delete('lang');
  return {
    lang,
    base: req.baseUrl,
    session,
    csrf,
    here: `${url.pathname}${url.search}`,
    t: (key, vars) => t(lang, key, vars),
  };
}

/** A time as people read it: `2025-03-01 09:30 UTC`. */
export function when(iso: string | null | undefined): string {
  if (!iso) return '?';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** A link within the viewer. */
export function href(
  ctx: Ctx,
  path: string,
  query: Record<string, string | number | undefined> = {},
): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return `${ctx.base}${path}${s ? `?${s}` : ''}`;
}

/** The opening of a table's scroll box: focusable and named, so a keyboard user can scroll it too. */
export function scrollBox(ctx: Ctx): Raw {
  return html`<div class="scroll" tabindex="0" role="region" aria-label="${ctx.t('viewer.table-region')}">`;
}

/** The hidden field every form that changes something carries. */
export function csrfField(ctx: Ctx): Raw {
  return html`<input type="hidden" name="csrf" value="${ctx.csrf}">`;
}

function nav(ctx: Ctx, current: string): Raw {
  const items: [string, MessageKey][] = [
    ['/', 'viewer.nav.overview'],
    ['/accounts', 'viewer.nav.accounts'],
    ['/search', 'viewer.nav.search'],
    ['/alerts', 'viewer.nav.alerts'],
  ];
  return html`<nav aria-label="${ctx.t('viewer.nav.label')}"><ul>${items.map(
    ([path, key]) =>
      html`<li><a href="${ctx.base}${path}"${current === path ? new Raw(' aria-current="page"') : ''}>${ctx.t(key)}</a></li>`,
  )}</ul></nav>`;
}

function languageSwitch(ctx: Ctx): Raw {
  const other: Lang = ctx.lang === 'nl' ? 'en' : 'nl';
  const sep = ctx.here.includes('?') ? '&' : '?';
  return html`<a class="lang" href="${ctx.here}${sep}lang=${other}" hreflang="${other}" lang="${other}">${t(other, 'viewer.switch-language')}</a>`;
}

function userBox(ctx: Ctx): Raw {
  if (!ctx.session) return html``;
  return html`<form class="user" method="post" action="${ctx.base}/logout">${csrfField(ctx)}<span>${ctx.t('viewer.signed-in-as', { user: ctx.session.sub })}</span> <button type="submit">${ctx.t('viewer.logout')}</button></form>`;
}

/** A whole page: head, skip link, header with navigation, the main content. */
export function page(ctx: Ctx, opts: { title: string; current?: string; body: Raw }): string {
  return html`<!doctype html>
<html lang="${ctx.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${opts.title} · Archiefbot</title>
<link rel="stylesheet" href="${ctx.base}/static/viewer.css">
<script src="${ctx.base}/static/viewer.js" defer></script>
</head>
<body>
<a class="skip" href="#main">${ctx.t('viewer.skip')}</a>
<header class="top">
<p class="brand"><a href="${ctx.base}/">Archiefbot</a></p>
${ctx.session ? nav(ctx, opts.current ?? '') : ''}
<div class="tools">${languageSwitch(ctx)}${userBox(ctx)}</div>
</header>
<main id="main" tabindex="-1">
<h1>${opts.title}</h1>
${opts.body}
</main>
</body>
</html>`.html;
}
