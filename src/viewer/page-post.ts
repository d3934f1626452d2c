/**
 * The post page: what the post says now, any two versions side by side with a word diff between them,
 * every version, the replay of its evidence, the replies as a tree, the media, the appraisal and the
 * holds, every capture with its method, what that method misses, and the evidence (WARC file, offset,
 * SHA-256), and the post's WACZ to download. Every view is written to the audit log.
 */
import { diffWords } from 'diff';
import type { Request, Response } from 'express';
import sanitizeHtml from 'sanitize-html';
import { appendAudit } from '../store/audit.ts';
import type { Db } from '../store/db.ts';
import { type PostDetail, showPost } from '../store/queries.ts';
import { effectiveAppraisal } from '../store/retention.ts';
import { type Ctx, csrfField, href, html, page, Raw, scrollBox, when } from './html.ts';
import { INLINE_IMAGES } from './media.ts';
import { type PostHold, postHolds, type ReplyNode, replyTree, versionHtml } from './queries.ts';

type Detail = PostDetail;
type Version = Detail['versions'][number];

/** Archived HTML made safe to show: text, paragraphs and plain links only; no script, style or handlers. */
export function sanitise(markup: string): string {
  return sanitizeHtml(markup, {
    allowedTags: [
      'p',
      'br',
      'a',
      'span',
      'strong',
      'em',
      'b',
      'i',
      'ul',
      'ol',
      'li',
      'blockquote',
      'code',
      'pre',
    ],
    allowedAttributes: { a: ['href'] },
    allowedSchemes: ['http', 'https'],
    transformTags: {
      a: sanitizeHtml.simpleTransform('a', { rel: 'nofollow noopener noreferrer', target: '_blank' }),
    },
  });
}

/** A word diff of two texts as markup: removed words in <del>, added in <ins>. */
export function diffHtml(before: string, after: string): Raw {
  return html`${diffWords(before, after).map((part) =>
    part.added ? html`<ins>${part.value}</ins>` : part.removed ? html`<del>${part.value}</del>` : part.value,
  )}`;
}

export function statusBadge(ctx: Ctx, status: string): Raw {
  return html`<span class="status status-${status}">${ctx.t(`viewer.status.${status}` as 'viewer.status.live')}</span>`;
}

function facts(ctx: Ctx, d: Detail, accountId: number | null): Raw {
  const p = d.post;
  const author = `${p.author ?? '?'}${p.authorName ? ` (${p.authorName})` : ''}`;
  return html`<dl class="facts">
<dt>${ctx.t('viewer.platform')}</dt><dd>${p.platform} · ${p.kind}</dd>
<dt>${ctx.t('viewer.author')}</dt><dd>${accountId ? html`<a href="${href(ctx, `/accounts/${accountId}`)}">${author}</a>` : author}</dd>
<dt>${ctx.t('viewer.status')}</dt><dd>${statusBadge(ctx, p.status)}</dd>
<dt>${ctx.t('viewer.posted')}</dt><dd>${when(p.createdAt)}</dd>
<dt>${ctx.t('viewer.seen')}</dt><dd>${when(p.firstSeen)} – ${when(p.lastSeen)}</dd>
<dt>${ctx.t('viewer.original')}</dt><dd><a href="${p.url}" rel="nofollow noopener noreferrer">${p.url}</a></dd>
${p.parent ? html`<dt>${ctx.t('viewer.in-reply-to')}</dt><dd>${p.parent.id ? html`<a href="${href(ctx, `/post/${p.parent.id}`)}">#${p.parent.id}</a>` : (p.parent.url ?? p.parent.platformId)}</dd>` : ''}
</dl>`;
}

function versionBox(
  ctx: Ctx,
  v: Version,
  markup: string | null | undefined,
  sha: Map<string, string | null>,
): Raw {
  return html`<section aria-labelledby="v${v.number}-h">
<h3 id="v${v.number}-h">${ctx.t('viewer.version', { n: v.number })}</h3>
<dl class="facts">
<dt>${ctx.t('viewer.captured')}</dt><dd>${when(v.capturedAt)}</dd>
<dt>${ctx.t('viewer.valid-from')}</dt><dd>${v.validFromLatest ? ctx.t('viewer.between', { from: when(v.validFrom), to: when(v.validFromLatest) }) : when(v.validFrom ?? v.capturedAt)}</dd>
<dt>${ctx.t('viewer.method')}</dt><dd>${v.method}</dd>
<dt>SHA-256</dt><dd class="hash">${v.sha256}</dd>
<dt>${ctx.t('viewer.evidence')}</dt><dd class="hash">${v.evidence.file} @ ${v.evidence.offset}${sha.get(v.evidence.recordId) ? ` · sha256:${sha.get(v.evidence.recordId)}` : ''}</dd>
</dl>
${v.title ? html`<p><strong>${v.title}</strong></p>` : ''}
${v.spoilerText ? html`<p class="muted">${v.spoilerText}</p>` : ''}
<p class="text">${v.text}</p>
${markup ? html`<details><summary>${ctx.t('viewer.as-published')}</summary><div class="sanitised">${new Raw(sanitise(markup))}</div></details>` : ''}
</section>`;
}

function compare(
  ctx: Ctx,
  d: Detail,
  a: number,
  b: number,
  markup: Map<number, string | null>,
  sha: Map<string, string | null>,
): Raw {
  const va = d.versions.find((v) => v.number === a);
  const vb = d.versions.find((v) => v.number === b);
  const options = (selected: number) =>
    d.versions.map(
      (v) =>
        html`<option value="${v.number}"${v.number === selected ? html` selected` : ''}>${ctx.t('viewer.version', { n: v.number })} · ${when(v.capturedAt)}</option>`,
    );
  const form = html`<form class="filters" method="get" action="${href(ctx, `/post/${d.post.id}`)}#compare">
<label>${ctx.t('viewer.compare-from')} <select name="a">${options(a)}</select></label>
<label>${ctx.t('viewer.compare-to')} <select name="b">${options(b)}</select></label>
<button type="submit">${ctx.t('viewer.compare')}</button></form>`;
  if (!va || !vb) return form;
  return html`${form}
<div class="side">${versionBox(ctx, va, markup.get(a), sha)}${versionBox(ctx, vb, markup.get(b), sha)}</div>
<h3>${ctx.t('viewer.diff', { a, b })}</h3>
<p class="text diff" data-diff="${a}-${b}">${diffHtml(va.text, vb.text)}</p>`;
}

function versionsTable(ctx: Ctx, d: Detail): Raw {
  return html`${scrollBox(ctx)}<table><caption class="muted">${ctx.t('viewer.versions-caption', { n: d.versions.length })}</caption>
<thead><tr><th scope="col">#</th><th scope="col">${ctx.t('viewer.captured')}</th><th scope="col">${ctx.t('viewer.trigger')}</th><th scope="col">${ctx.t('viewer.changed')}</th><th scope="col">SHA-256</th></tr></thead>
<tbody>${d.versions.map(
    (v) =>
      html`<tr><td>${v.number}</td><td>${when(v.capturedAt)}</td><td>${v.trigger}${v.actor ? ` (${v.actor})` : ''}</td><td>${v.changed.join(', ')}</td><td class="hash">${v.sha256}</td></tr>`,
  )}</tbody></table></div>`;
}

function tree(ctx: Ctx, nodes: ReplyNode[]): Raw {
  return html`<ul class="tree">${nodes.map(
    (r) =>
      html`<li><a href="${href(ctx, `/post/${r.id}`)}">#${r.id}</a> · ${r.author ?? '?'} · ${when(r.createdAt)} ${statusBadge(ctx, r.status)}<p class="text">${r.text}</p>${r.replies.length ? tree(ctx, r.replies) : ''}</li>`,
  )}</ul>`;
}

/** The images of the post, once each, from the archive's evidence (media.ts), with their descriptions as alt text. */
function gallery(ctx: Ctx, d: Detail): Raw {
  const seen = new Set<string>();
  const shown = d.media.filter((m) => {
    const ok =
      m.sha256 &&
      m.evidence &&
      m.mime &&
      INLINE_IMAGES.has(m.mime.split(';')[0]!.trim()) &&
      !seen.has(m.sha256);
    if (ok) seen.add(m.sha256!);
    return ok;
  });
  if (!shown.length) return html``;
  return html`<ul class="gallery">${shown.map(
    (m) =>
      html`<li><figure><img src="${href(ctx, `/media/${m.sha256}`)}" alt="${m.description ?? ctx.t('viewer.no-alt')}" loading="lazy"><figcaption>${ctx.t('viewer.version', { n: m.version })}${m.description ? ` · ${m.description}` : ''}</figcaption></figure></li>`,
  )}</ul>`;
}

function mediaTable(ctx: Ctx, d: Detail): Raw {
  if (!d.media.length) return html`<p class="muted">${ctx.t('viewer.none')}</p>`;
  return html`${gallery(ctx, d)}${scrollBox(ctx)}<table><thead><tr><th scope="col">${ctx.t('viewer.version-short')}</th><th scope="col">${ctx.t('viewer.type')}</th><th scope="col">${ctx.t('viewer.description')}</th><th scope="col">${ctx.t('viewer.size')}</th><th scope="col">SHA-256</th><th scope="col">${ctx.t('viewer.evidence')}</th></tr></thead>
<tbody>${d.media.map(
    (m) =>
      html`<tr><td>${m.version}</td><td>${m.type}${m.mime ? ` (${m.mime})` : ''}</td><td>${m.description ?? ''}</td><td>${m.size ?? '?'}</td><td class="hash">${m.sha256 ?? ''}</td><td class="hash">${m.evidence ? `${m.evidence.file} @ ${m.evidence.offset}` : ctx.t('viewer.not-fetched')}</td></tr>`,
  )}</tbody></table></div>`;
}

function appraisalBlock(ctx: Ctx, d: Detail, holds: PostHold[]): Raw {
  const a = d.appraisal;
  const valuation = a?.valuation
    ? `${a.valuation === 'B' ? ctx.t('viewer.keep') : ctx.t('viewer.destroy-after', { n: a.termYears ?? '?' })}`
    : ctx.t('viewer.not-appraised');
  const holdForm = ctx.session?.roles.some((r) => r === 'archivist' || r === 'admin')
    ? html`<form method="post" action="${href(ctx, `/post/${d.post.id}/hold`)}" class="filters">${csrfField(ctx)}
<label>${ctx.t('viewer.hold-reason')} <input name="reason" required maxlength="500"></label>
<button type="submit">${ctx.t('viewer.hold')}</button></form>`
    : '';
  return html`<dl class="facts"><dt>${ctx.t('viewer.appraisal')}</dt><dd>${valuation}${a?.rule ? ` · ${a.rule}` : ''}${a?.inference ? ` · ${ctx.t('viewer.inferred')}` : ''}</dd>
${a?.reason ? html`<dt>${ctx.t('viewer.reason')}</dt><dd>${a.reason.startsWith('archivist:') ? ctx.t(a.reason === 'archivist:post' ? 'viewer.appraised-post' : 'viewer.appraised-account') : a.reason}</dd>` : ''}
<dt>${ctx.t('viewer.holds')}</dt><dd>${holds.length ? holds.map((h) => html`<div>${ctx.t('viewer.hold-line', { id: h.id, reason: h.reason, by: h.createdBy, at: when(h.createdAt) })}</div>`) : ctx.t('viewer.no-holds')}</dd></dl>
${holdForm}`;
}

function capturesTable(ctx: Ctx, d: Detail, sha: Map<string, string | null>): Raw {
  const byVersion = new Map(d.versions.map((v) => [v.number, v]));
  return html`${scrollBox(ctx)}<table><thead><tr><th scope="col">${ctx.t('viewer.capture')}</th><th scope="col">${ctx.t('viewer.seen-at')}</th><th scope="col">${ctx.t('viewer.trigger')}</th><th scope="col">${ctx.t('viewer.method')}</th><th scope="col">${ctx.t('viewer.misses')}</th><th scope="col">${ctx.t('viewer.evidence')}</th></tr></thead>
<tbody>${d.captures.map((c) => {
    const v = byVersion.get(c.version);
    return html`<tr><td>#${c.capture} · v${c.version} · ${c.role}</td><td>${when(c.seenAt)}</td><td>${c.trigger}${c.requestedBy ? ` (${c.requestedBy})` : ''}</td><td>${v?.method ?? '?'}</td><td>${v?.misses.length ? html`<ul>${v.misses.map((m) => html`<li>${m}</li>`)}</ul>` : ''}</td><td class="hash">${ctx.t('viewer.evidence-line', { file: c.evidence.file, offset: c.evidence.offset, length: c.evidence.length })}${sha.get(c.evidence.recordId) ? html`<br>SHA-256 ${sha.get(c.evidence.recordId)}` : ''}</td></tr>`;
  })}</tbody></table></div>`;
}

/** Which two versions to compare: ?a=&b= when valid, else the one before the newest and the newest. */
function pair(req: Request, d: Detail): [number, number] {
  const n = d.versions.length;
  const pick = (v: unknown, dflt: number) => {
    const x = Number(v);
    return Number.isInteger(x) && x >= 1 && x <= n ? x : dflt;
  };
  return [pick(req.query.a, Math.max(1, n - 1)), pick(req.query.b, n)];
}

function body(ctx: Ctx, req: Request, parts: PostParts): Raw {
  const { detail: d, sha, accountId, markup, holds, replies } = parts;
  const [a, b] = pair(req, d);
  const latest = d.versions.at(-1);
  const s = (id: string, title: string, content: Raw | string) =>
    html`<section aria-labelledby="${id}"><h2 id="${id}">${title}</h2>${content}</section>`;
  return html`${facts(ctx, d, accountId)}
${s('now', ctx.t('viewer.text-now'), html`<p class="text">${latest?.text ?? ''}</p>`)}
<p><a href="${href(ctx, `/post/${d.post.id}/wacz`)}" download>${ctx.t('viewer.download-wacz')}</a></p>
${s('compare', ctx.t('viewer.versions-side'), compare(ctx, d, a, b, markup, sha))}
${s('versions', ctx.t('viewer.versions'), versionsTable(ctx, d))}
${s('replay', ctx.t('viewer.replay'), html`<p class="muted">${ctx.t('viewer.replay-note')}</p><iframe class="replay" title="${ctx.t('viewer.replay-title', { id: d.post.id })}" src="${parts.replaySrc(d.post.id)}" sandbox="allow-scripts allow-same-origin allow-forms" loading="lazy"></iframe>`)}
${s('replies', ctx.t('viewer.replies', { n: countTree(replies) }), replies.length ? tree(ctx, replies) : html`<p class="muted">${ctx.t('viewer.none')}</p>`)}
${s('media', ctx.t('viewer.media'), mediaTable(ctx, d))}
${s('appraisal', ctx.t('viewer.appraisal-holds'), appraisalBlock(ctx, d, holds))}
${s('captures', ctx.t('viewer.captures'), capturesTable(ctx, d, sha))}`;
}

const countTree = (nodes: ReplyNode[]): number => nodes.reduce((n, r) => n + 1 + countTree(r.replies), 0);

interface PostParts {
  /** The replay frame's address for this user (replay.ts replaySrc). */
  replaySrc: (post: number) => string;
  detail: Detail;
  /** The SHA-256 of each evidence record (by WARC-Record-ID) as the archive keeps it. */
  sha: Map<string, string | null>;
  accountId: number | null;
  markup: Map<number, string | null>;
  holds: PostHold[];
  replies: ReplyNode[];
}

/** Everything the post page shows, or null when the archive has no such post. */
export async function postParts(
  db: Db,
  id: number,
  replaySrc: (post: number) => string,
): Promise<PostParts | null> {
  const detail = await showPost(db, id);
  if (!detail) return null;
  // An archivist's appraisal (of the post or its account) wins over the knowledge base's.
  const effective = await effectiveAppraisal(db, id);
  if (effective && effective.source !== 'kb')
    detail.appraisal = {
      valuation: effective.valuation,
      rule: effective.category,
      termYears: effective.termYears,
      inference: false,
      reason: `archivist:${effective.source}`,
      at: detail.appraisal?.at ?? '',
    };
  const row = await db.get<{ account_id: number | null }>('SELECT account_id FROM post WHERE id = ?', [id]);
  const records = await db.all<{ id: string; sha: string | null }>(
    `SELECT warc_record_id AS id, warc_sha256 AS sha FROM version WHERE post_id = ?1
     UNION ALL SELECT warc_record_id, warc_sha256 FROM capture_post WHERE post_id = ?1`,
    [id],
  );
  return {
    replaySrc,
    detail,
    sha: new Map(records.map((r) => [r.id, r.sha])),
    accountId: row?.account_id ?? null,
    markup: await versionHtml(db, id),
    holds: await postHolds(db, id),
    replies: await replyTree(db, id),
  };
}

/** GET /post/:id — audited as `viewer.post` with the viewer's user. */
export async function postPage(db: Db, req: Request, res: Response): Promise<void> {
  const ctx = res.locals.ctx as Ctx;
  const id = Number(req.params.id);
  const parts = Number.isSafeInteger(id) ? await postParts(db, id, res.locals.replaySrc) : null;
  if (!parts) {
    res
      .status(404)
      .type('html')
      .send(
        page(ctx, {
          title: ctx.t('viewer.404.title'),
          body: html`<p>${ctx.t('viewer.404.post', { id: String(req.params.id) })}</p>`,
        }),
      );
    return;
  }
  await db.transaction(() =>
    appendAudit(db, { actor: ctx.session!.sub, action: 'viewer.post', subject: `post ${id}` }),
  );
  const p = parts.detail.post;
  res.type('html').send(
    page(ctx, {
      title: ctx.t('viewer.post-title', { id: p.id, author: p.author ?? p.platform }),
      body: body(ctx, req, parts),
    }),
  );
}
