/**
 * Presenters: plain functions that turn what the core produced (a capture outcome, a failure, an
 * alert) into a neutral Reply in the asker's language. The commands, the capture notifier and the
 * alert delivery share them; every sentence comes from the catalogue.
 */
import type { BackfillOutcome, PostCaptureOutcome } from '../capture/pipeline.ts';
import type { ErrorVars } from '../domain/errors.ts';
import { describeError, hasMessage, t } from '../domain/i18n.ts';
import type { AlertRow } from '../store/monitor.ts';
import { commandLine } from './command.ts';
import { ackCommand } from './commands/alerts.ts';
import { history } from './commands/history.ts';
import { show } from './commands/show.ts';
import { postPageButton } from './present-viewer.ts';
import { type Button, type Lang, type Reply, ReplyBuilder, textReply } from './reply.ts';
import { editWindow, hostOf, short, term, when } from './text.ts';

/** An error as data: its plain English message and, when known, its catalogue key and vars. */
export interface ErrorData {
  message: string;
  key?: string;
  vars?: ErrorVars;
}

/**
 * What the user reads for an error: the catalogue's sentence in their language, its `url` and `host`
 * filled from the URL the user gave when the error does not carry them.
 */
export function errorText(err: ErrorData, lang: Lang, url?: string): string {
  const u = typeof err.vars?.url === 'string' ? err.vars.url : url;
  const vars: ErrorVars = { ...(u !== undefined ? { url: u, host: hostOf(u) } : {}), ...err.vars };
  return describeError({ name: 'Error', message: err.message, key: err.key, vars }, lang);
}

/** A capture job's failure as the queue reports it (`code: message`, or the message alone) as data. */
export function failureOf(reason: string | ErrorData): ErrorData {
  if (typeof reason !== 'string') return reason;
  const m = /^([a-z-]+): ([\s\S]*)$/.exec(reason);
  if (m && hasMessage(`error.${m[1]}`)) return { message: m[2]!, key: `error.${m[1]}` };
  return { message: reason };
}

/** The answer to a finished capture, in the language it was asked in. */
export function captureResult(outcome: PostCaptureOutcome | BackfillOutcome, lang: Lang): Reply {
  if (outcome.kind === 'account') {
    const handle = outcome.account.handle;
    return new ReplyBuilder()
      .header(t(lang, outcome.complete ? 'capture.account-secured' : 'capture.account-partly', { handle }))
      .section('', [
        [t(lang, 'label.posts'), String(outcome.posts)],
        [t(lang, 'label.new-versions'), String(outcome.newVersions)],
        [t(lang, 'label.media-files'), String(outcome.media)],
      ])
      .build();
  }
  const o = outcome;
  return new ReplyBuilder()
    .header(t(lang, 'capture.archived', { id: o.post.id, version: o.version }))
    .section(`> ${short(o.post.text, 300)}`, [
      [t(lang, 'label.author'), o.post.author],
      [t(lang, 'label.posted'), when(o.post.createdAt)],
      [
        t(lang, 'label.version'),
        t(lang, o.newVersion ? 'capture.version-new' : 'capture.version-unchanged', { version: o.version }),
      ],
      [t(lang, 'label.replies'), String(o.replies)],
      [t(lang, 'label.media'), String(o.media)],
      ['SHA-256', o.sha256],
      [t(lang, 'label.evidence'), `${o.warc.file} @ ${o.warc.offset}`],
    ])
    .context(o.post.url)
    .buttons(
      [
        { label: t(lang, 'button.show'), command: commandLine(lang, show.spec, o.post.id), style: 'primary' },
        { label: t(lang, 'button.history'), command: commandLine(lang, history.spec, o.post.id) },
      ],
      [postPageButton(lang, o.post.id)],
    )
    .build();
}

/**
 * The answer to a failed capture: why, in the asker's language (from the error's catalogue key), and
 * whether it will be tried again. A reason without a key is shown as it came.
 */
export function captureFailure(
  url: string,
  reason: string | ErrorData,
  lang: Lang,
  willRetry: boolean,
): Reply {
  const failure = failureOf(reason);
  const why = failure.key
    ? errorText(failure, lang, url)
    : t(lang, 'capture.failed-detail', { detail: failure.message || '?' });
  return textReply(t(lang, willRetry ? 'capture.failed-retry' : 'capture.failed', { url, reason: why }), {
    kind: 'error',
  });
}

type AlertDetail = {
  account?: string;
  url?: string;
  postedAt?: string | null;
  liveForSeconds?: number | null;
  diff?: string;
  media?: { added: number; removed: number; described: number };
  sha256?: string;
  version?: number;
  /** An edit's time as the platform gave it, or the window a change it did not date was found in. */
  editedAt?: string | null;
  editedBetween?: { from: string | null; to: string };
  lastVersion?: { number: number; sha256: string; text: string };
  reason?: string;
  was?: string;
  consecutiveErrors?: number;
  /** A sentence of the catalogue that says what happened (e.g. a page token that Meta refused). */
  notice?: { key: string; vars?: ErrorVars };
};

/** An alert as it goes to the subscribed channels: what happened, to which post, when, and the evidence. */
export function alertReply(a: AlertRow, lang: Lang): Reply {
  const d = JSON.parse(a.detail) as AlertDetail;
  const subject = a.post_id ? t(lang, 'alert.post', { id: a.post_id }) : '';
  const b = new ReplyBuilder().header(
    `${term(lang, 'alert-kind', a.kind)}: ${subject} ${d.account ? `(${d.account})` : ''}`
      .replace(/\s+/g, ' ')
      .trim(),
  );
  const fields: [string, string][] = [];
  if (d.account) fields.push([t(lang, 'label.account'), d.account]);
  if (d.postedAt) fields.push([t(lang, 'label.posted'), when(d.postedAt)]);
  fields.push([t(lang, 'label.detected'), when(a.detected_at)]);
  if (d.liveForSeconds != null) fields.push([t(lang, 'label.live-for'), duration(d.liveForSeconds, lang)]);
  if (a.kind === 'edited' && d.diff) b.section(short(d.diff, 1500));
  const media = d.media && mediaLine(d.media, lang);
  if (a.kind === 'edited' && media) fields.push([t(lang, 'label.media'), media]);
  if (a.kind === 'edited' && d.editedBetween) {
    const { from, to } = d.editedBetween;
    fields.push([t(lang, 'label.edited'), editWindow(lang, 'show.edited-between', from, to)]);
  } else if (a.kind === 'edited' && d.editedAt) fields.push([t(lang, 'label.edited'), when(d.editedAt)]);
  if ((a.kind === 'deleted' || a.kind === 'unavailable') && d.lastVersion) {
    b.section(
      `${t(lang, 'alert.last-version', { n: d.lastVersion.number })}:\n> ${short(d.lastVersion.text, 800)}`,
    );
    fields.push(['SHA-256', d.lastVersion.sha256]);
  }
  if (a.kind === 'edited' && d.sha256) fields.push([`SHA-256 v${d.version}`, d.sha256]);
  if (d.reason) fields.push([t(lang, 'label.reason'), d.reason]);
  if (d.was) fields.push([t(lang, 'label.was'), term(lang, 'post-status', d.was)]);
  if (d.consecutiveErrors) b.section(t(lang, 'alert.degraded', { n: d.consecutiveErrors }));
  if (d.notice && hasMessage(d.notice.key)) b.section(t(lang, d.notice.key, d.notice.vars ?? {}));
  b.section('', fields);
  if (d.url) b.context(d.url);
  const buttons: Button[] = [];
  if (a.post_id) {
    buttons.push({ label: t(lang, 'button.show'), command: commandLine(lang, show.spec, a.post_id) });
    buttons.push({ label: t(lang, 'button.history'), command: commandLine(lang, history.spec, a.post_id) });
  }
  buttons.push({ label: t(lang, 'button.ack'), command: ackCommand(a.id, lang), style: 'primary' });
  return b.buttons(buttons, a.post_id ? [postPageButton(lang, a.post_id)] : []).build({ kind: 'ok' });
}

/** "1 added, 2 removed" for the media of an edit; null when the media did not change. */
function mediaLine(m: { added: number; removed: number; described: number }, lang: Lang): string | null {
  const parts = [
    m.added ? t(lang, 'alert.media-added', { n: m.added }) : '',
    m.removed ? t(lang, 'alert.media-removed', { n: m.removed }) : '',
    m.described ? t(lang, 'alert.media-described', { n: m.described }) : '',
  ].filter(Boolean);
  return parts.length ? parts.join(', ') : null;
}

/** How long something was online: seconds, minutes, hours or days. */
export function duration(seconds: number, lang: Lang): string {
  if (seconds < 120) return t(lang, 'duration.seconds', { n: seconds });
  if (seconds < 7200) return t(lang, 'duration.minutes', { n: Math.round(seconds / 60) });
  if (seconds < 172_800) return t(lang, 'duration.hours', { n: Math.round(seconds / 3600) });
  return t(lang, 'duration.days', { n: Math.round(seconds / 86_400) });
}
