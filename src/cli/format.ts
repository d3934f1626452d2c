import type { BackfillOutcome, PostCaptureOutcome } from '../capture/pipeline.ts';
import { editWindow, short, when as timeText } from '../chat/text.ts';
import type { VerifyReport } from '../export/verify.ts';
import type { PassResult } from '../monitor/recheck.ts';
import type { AlertItem } from '../usecases/alerts.ts';
import type { PostHistory } from '../usecases/history.ts';
import type { PostDetail } from '../usecases/post.ts';
import type { SearchHit } from '../usecases/search.ts';
import type { ArchiveStatus } from '../usecases/status.ts';
import type { WatchedAccount } from '../usecases/watching.ts';

/** Human-readable renderings for the terminal. The --json forms are the same objects, unformatted. */

function when(iso: string | null | undefined): string {
  return timeText(iso, 'unknown time');
}

/** When a version became valid: the platform's time, or the window a change it did not date was found in. */
function versionTime(v: {
  capturedAt: string;
  validFrom: string | null;
  validFromLatest: string | null;
}): string {
  if (!v.validFromLatest) return when(v.validFrom ?? v.capturedAt);
  return editWindow('en', 'history.edited-between', v.validFrom, v.validFromLatest);
}

/** Where a version came from, in a `show` or `history` line. */
function versionSource(v: PostDetail['versions'][number]): string {
  if (v.origin === 'platform-history') return 'from the platform’s edit history';
  if (v.origin === 'import') return 'imported from the platform’s own export';
  if (v.rereading)
    return `re-read (${v.trigger}): v${v.rereading.of}'s record with newer parsing, not an edit`;
  return `captured (${v.trigger})`;
}

export function formatCapture(o: PostCaptureOutcome): string {
  return [
    `Captured ${o.post.platform} post #${o.post.id} by ${o.post.author} (${when(o.post.createdAt)})`,
    `  ${o.post.url}`,
    `  "${short(o.post.text, 200)}"`,
    `  version ${o.version}${o.newVersion ? ' (new)' : ' (unchanged since the last capture)'} · sha256 ${o.sha256}`,
    `  ${o.replies} replies · ${o.media} media · method ${o.method}`,
    `  evidence: ${o.warc.file} @ ${o.warc.offset}`,
  ].join('\n');
}

export function formatBackfill(o: BackfillOutcome): string {
  const head = o.complete
    ? `Backfilled ${o.account.platform} account ${o.account.handle}: ${o.posts} posts`
    : `Stopped the backfill of ${o.account.handle} after ${o.posts} posts; run the same command again to resume`;
  return [
    head + (o.resumed ? ' (resumed)' : ''),
    `  ${o.newVersions} new versions · ${o.media} media files · ${o.pages} pages · capture #${o.captureId}`,
  ].join('\n');
}

function appraisalText(a: NonNullable<PostDetail['appraisal']>): string {
  const what =
    a.valuation === 'B'
      ? 'B (bewaren: keep permanently)'
      : a.valuation === 'V'
        ? `V (vernietigen${a.termYears ? ` after ${a.termYears} years` : '; term per selectielijst'})`
        : 'not appraised';
  return `${what}${a.rule ? ` · ${a.rule}` : ''}${a.inference ? ' · rests on an inference' : ''} — ${a.reason}`;
}

export function formatShow(d: PostDetail): string {
  const p = d.post;
  const lines = [
    `#${p.id} ${p.platform} ${p.kind} by ${p.author ?? 'unknown'}${p.authorName ? ` (${p.authorName})` : ''} · ${p.status}`,
    `  ${p.url}`,
    `  posted ${when(p.createdAt)} · first seen ${when(p.firstSeen)} · last seen ${when(p.lastSeen)}`,
  ];
  if (p.parent) lines.push(`  in reply to ${p.parent.id ? `#${p.parent.id}` : p.parent.platformId}`);
  if (d.appraisal) lines.push(`  appraisal: ${appraisalText(d.appraisal)}`);
  lines.push('', `Versions (${d.versions.length}):`);
  for (const v of d.versions) {
    lines.push(
      `  v${v.number} ${versionTime(v)} · ${versionSource(v)} · changed: ${v.changed.join(', ') || 'nothing'}`,
      `     sha256 ${v.sha256} · ${v.evidence.file} @ ${v.evidence.offset}`,
      `     "${short([v.title, v.spoilerText && `CW: ${v.spoilerText}`, v.text].filter(Boolean).join(' — '), 240)}"`,
    );
  }
  const last = d.versions.at(-1);
  if (last) lines.push(`  method ${last.method}; misses: ${last.misses.join('; ')}`);
  if (d.media.length) {
    lines.push('', `Media (${d.media.length}):`);
    for (const m of d.media) {
      lines.push(
        `  v${m.version} ${m.type} ${m.sha256 ? `sha256 ${m.sha256}` : 'NOT CAPTURED'} ${m.size ?? ''}${m.size ? ' bytes' : ''}${m.description ? ` — "${short(m.description, 80)}"` : ''}`,
      );
    }
  }
  if (d.replies.length) {
    lines.push('', `Replies (${d.replies.length}):`);
    for (const r of d.replies)
      lines.push(`  #${r.id} ${r.author ?? ''} ${when(r.createdAt)}: ${short(r.text, 120)}`);
  }
  lines.push('', `Captures (${d.captures.length}):`);
  for (const c of d.captures) {
    lines.push(
      `  capture #${c.capture} ${when(c.seenAt)} ${c.trigger}${c.requestedBy ? ` by ${c.requestedBy}` : ''} → v${c.version} · ${c.evidence.file} @ ${c.evidence.offset}`,
    );
  }
  return lines.join('\n');
}

export function formatSearch(query: string, hits: SearchHit[]): string {
  if (!hits.length) return `No posts match "${query}".`;
  // A page of hits: how many match in all is said after it (exact, or "more than N").
  const lines = [`Posts matching "${query}":`];
  for (const h of hits) {
    lines.push(
      `  #${h.id} ${h.platform} ${h.author ?? ''} ${when(h.time)}${h.status !== 'live' ? ` [${h.status}]` : ''}`,
    );
    lines.push(`     ${h.snippet}`, `     ${h.url}`);
  }
  return lines.join('\n');
}

export function formatVerify(r: VerifyReport): string {
  const summary = `${r.records} WARC records in ${r.files} files, ${r.versions} versions, ${r.media} media files, ${r.auditEntries} audit entries`;
  if (r.ok) return `All evidence holds: ${summary}.`;
  return [
    `${r.problems.length} problem${r.problems.length === 1 ? '' : 's'} found (${summary}):`,
    ...r.problems.map((p) => `  ✗ ${p}`),
  ].join('\n');
}

export function formatHistory(h: PostHistory): string {
  const p = h.post;
  const lines = [
    `#${p.id} ${p.platform} ${p.kind} by ${p.author ?? 'unknown'} · ${p.status} · ${h.versions.length} version${h.versions.length === 1 ? '' : 's'}`,
    `  ${p.url}`,
  ];
  for (const v of h.versions) {
    lines.push(
      '',
      `v${v.number} ${versionTime(v)} · ${versionSource(v)} · changed: ${v.changed.join(', ') || 'nothing'}`,
      `  sha256 ${v.sha256} · ${v.evidence.file} @ ${v.evidence.offset}`,
      `  ${v.number === 1 ? '' : 'diff: '}${v.diff.replace(/\n/g, '\n  ') || '(no text)'}`,
    );
  }
  return lines.join('\n');
}

export function formatStatus(s: ArchiveStatus, queueNote: string): string {
  const q = s.queue;
  const lines = [
    `Archive: ${s.posts} post${s.posts === 1 ? '' : 's'}, ${s.versions} version${s.versions === 1 ? '' : 's'}`,
    `Failed (24 h): ${s.failed24h} capture${s.failed24h === 1 ? '' : 's'}`,
    q
      ? `Queue: ${q.waiting ?? 0} waiting, ${q.active ?? 0} active, ${q.delayed ?? 0} delayed, ${q.failed ?? 0} failed`
      : `Queue: ${queueNote}`,
  ];
  if (s.platforms?.length) {
    lines.push('', 'Platforms:');
    for (const p of s.platforms) lines.push(`  ${p.platform}: ${platformText(p)}`);
  }
  if (s.instances.length) {
    lines.push('', 'Mastodon-API servers:');
    for (const i of s.instances) lines.push(`  ${i.host}: ${instanceText(i)}`);
  }
  if (s.recent.length) {
    lines.push('', 'Last captures:');
    for (const c of s.recent)
      lines.push(
        `  ${c.status === 'failed' ? '✗' : c.status === 'done' ? '✓' : '…'} #${c.id} ${when(c.started_at)} ${c.url}${c.post_id ? ` → post #${c.post_id}` : ''}${c.attempts > 1 ? ` (${c.attempts} attempts)` : ''}${c.error ? ` — ${short(c.error, 120)}` : ''}`,
      );
  }
  return lines.join('\n');
}

/** A platform in one line: ready, what to set, or what is left of its quota or budget. */
function platformText(p: NonNullable<ArchiveStatus['platforms']>[number]): string {
  const state = {
    ready: 'ready',
    'not-configured': `not configured: set ${p.variable ?? 'its credentials'}`,
    'quota-exceeded': 'quota spent',
    unsupported: 'not supported yet',
  }[p.state];
  if (!p.quota) return state;
  const q = p.quota;
  const amount = (n: number) => (q.unit === 'USD' ? `$${Math.round(n * 1000) / 1000}` : String(n));
  const per = q.period === 'day' ? 'today' : 'this month';
  return `${state} — ${amount(q.used)}/${amount(q.limit)}${q.unit === 'USD' ? '' : ` ${q.unit}`} used ${per}, renewed ${when(q.resets)}`;
}

/** A Mastodon-API server in one line: its software and version, and what it lacks. */
function instanceText(i: ArchiveStatus['instances'][number]): string {
  const lacks = [
    i.batchLookup === false ? 'no batch look-up (re-checked post by post)' : '',
    i.editHistory === false ? 'no edit history' : '',
  ].filter(Boolean);
  return `${i.software}${i.version ? ` ${i.version}` : ''}${lacks.length ? ` — ${lacks.join(', ')}` : ''}`;
}

export function formatWatching(list: WatchedAccount[]): string {
  if (!list.length) return 'No accounts are watched. Start with: archiefbot watch <account>';
  return list
    .map(
      (w) =>
        `${w.platform} ${w.handle}${w.organisation ? ` — ${w.organisation}` : ''} (${w.role}) every ${w.everySeconds} s, last polled ${w.lastPolledAt ?? 'not yet'}`,
    )
    .join('\n');
}

export function formatAlerts(alerts: Omit<AlertItem, 'row'>[], since: string): string {
  if (!alerts.length) return `No alerts since ${since}.`;
  return alerts
    .map(
      (a) =>
        `#${a.id} ${a.kind} ${a.account ?? ''} post #${a.post ?? '-'} ${a.detectedAt}${a.acknowledgedBy ? ` (seen by ${a.acknowledgedBy})` : ''}`,
    )
    .join('\n');
}

export function formatRecheck(pass: PassResult): string {
  const counts = new Map<string, number>();
  for (const o of pass.outcomes) counts.set(o.outcome, (counts.get(o.outcome) ?? 0) + 1);
  const lines = [
    `Checked ${pass.checked} posts: ${[...counts].map(([k, n]) => `${n} ${k}`).join(', ') || 'none were due'}.`,
  ];
  for (const o of pass.outcomes.filter((x) => x.outcome !== 'unchanged'))
    lines.push(`  #${o.id} ${o.outcome}: ${o.detail} — ${o.url}`);
  if (pass.alerts.length) lines.push(`${pass.alerts.length} new alerts (see: archiefbot alerts)`);
  return lines.join('\n');
}
