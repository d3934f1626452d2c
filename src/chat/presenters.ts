/**
 * Presenters: plain functions that turn what the core produced (a capture outcome, an alert) into a
 * neutral Reply in the asker's language. The bot, the capture notifier and the alert delivery share them.
 */
import type { BackfillOutcome, PostCaptureOutcome } from '../capture/pipeline.ts';
import type { AlertRow } from '../store/monitor.ts';
import { type Button, type Lang, type Reply, ReplyBuilder, textReply } from './reply.ts';

const say = (lang: Lang, nl: string, en: string) => (lang === 'nl' ? nl : en);

export function when(iso: string | null | undefined): string {
  return iso ? iso.replace('T', ' ').replace(/:\d\d(\.\d+)?Z$/, ' UTC') : '?';
}

export function short(text: string, max: number): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

/** The answer to a finished capture, in the language it was asked in. */
export function captureResult(outcome: PostCaptureOutcome | BackfillOutcome, lang: Lang): Reply {
  if (outcome.kind === 'account') {
    return new ReplyBuilder()
      .header(
        outcome.complete
          ? say(
              lang,
              `Account ${outcome.account.handle} veiliggesteld`,
              `Account ${outcome.account.handle} secured`,
            )
          : say(
              lang,
              `Account ${outcome.account.handle} gedeeltelijk veiliggesteld`,
              `Account ${outcome.account.handle} partly secured`,
            ),
      )
      .section('', [
        [say(lang, 'Berichten', 'Posts'), String(outcome.posts)],
        [say(lang, 'Nieuwe versies', 'New versions'), String(outcome.newVersions)],
        [say(lang, 'Mediabestanden', 'Media files'), String(outcome.media)],
      ])
      .build();
  }
  const o = outcome;
  return new ReplyBuilder()
    .header(
      say(
        lang,
        `Gearchiveerd: bericht #${o.post.id}, versie ${o.version}`,
        `Archived: post #${o.post.id}, version ${o.version}`,
      ),
    )
    .section(`> ${short(o.post.text, 300)}`, [
      [say(lang, 'Auteur', 'Author'), o.post.author],
      [say(lang, 'Geplaatst', 'Posted'), when(o.post.createdAt)],
      [
        say(lang, 'Versie', 'Version'),
        `${o.version}${o.newVersion ? say(lang, ' (nieuw)', ' (new)') : say(lang, ' (ongewijzigd)', ' (unchanged)')}`,
      ],
      [say(lang, 'Reacties', 'Replies'), String(o.replies)],
      ['Media', String(o.media)],
      ['SHA-256', o.sha256],
      [say(lang, 'Bewijs', 'Evidence'), `${o.warc.file} @ ${o.warc.offset}`],
    ])
    .context(o.post.url)
    .buttons([
      {
        label: say(lang, 'Toon', 'Show'),
        command: `${say(lang, 'toon', 'show')} ${o.post.id}`,
        style: 'primary',
      },
      {
        label: say(lang, 'Geschiedenis', 'History'),
        command: `${say(lang, 'geschiedenis', 'history')} ${o.post.id}`,
      },
    ])
    .build();
}

export function captureFailure(url: string, reason: string, lang: Lang, willRetry: boolean): Reply {
  return textReply(
    willRetry
      ? say(
          lang,
          `Archiveren van ${url} lukt nu niet (${reason}); ik probeer het later opnieuw.`,
          `Archiving ${url} failed for now (${reason}); I'll try again later.`,
        )
      : say(
          lang,
          `Archiveren van ${url} is mislukt: ${reason}. Controleer de link; \`status\` toont mislukte archiveringen.`,
          `Archiving ${url} failed: ${reason}. Check the link; \`status\` lists failed captures.`,
        ),
    { kind: 'error' },
  );
}

export function alertLine(a: AlertRow, lang: Lang): string {
  const d = JSON.parse(a.detail) as { account?: string };
  const seen = a.acknowledged_by
    ? say(lang, ` · gezien door ${a.acknowledged_by}`, ` · seen by ${a.acknowledged_by}`)
    : '';
  const post = a.post_id ? ` · ${say(lang, 'bericht', 'post')} #${a.post_id}` : '';
  return `#${a.id} ${KIND[a.kind][lang]} · ${d.account ?? ''} · ${when(a.detected_at)}${post}${seen}`;
}

/** An alert as it goes to the subscribed channels: what happened, to which post, when, and the evidence. */
export function alertReply(a: AlertRow, lang: Lang): Reply {
  const d = JSON.parse(a.detail) as {
    account?: string;
    url?: string;
    postedAt?: string | null;
    liveForSeconds?: number | null;
    diff?: string;
    sha256?: string;
    version?: number;
    lastVersion?: { number: number; sha256: string; text: string };
    reason?: string;
    was?: string;
    consecutiveErrors?: number;
  };
  const subject = a.post_id ? `${say(lang, 'bericht', 'post')} #${a.post_id}` : '';
  const b = new ReplyBuilder().header(
    `${KIND[a.kind][lang]}: ${subject} ${d.account ? `(${d.account})` : ''}`.replace(/\s+/g, ' ').trim(),
  );
  const fields: [string, string][] = [];
  if (d.account) fields.push(['Account', d.account]);
  if (d.postedAt) fields.push([say(lang, 'Geplaatst', 'Posted'), when(d.postedAt)]);
  fields.push([say(lang, 'Gezien', 'Detected'), when(a.detected_at)]);
  if (d.liveForSeconds != null)
    fields.push([say(lang, 'Online geweest', 'Was live for'), duration(d.liveForSeconds, lang)]);
  if (a.kind === 'edited' && d.diff) b.section(short(d.diff, 1500));
  if ((a.kind === 'deleted' || a.kind === 'unavailable') && d.lastVersion) {
    b.section(
      `${say(lang, 'Laatst bewaarde versie', 'Last kept version')} (v${d.lastVersion.number}):\n> ${short(d.lastVersion.text, 800)}`,
    );
    fields.push(['SHA-256', d.lastVersion.sha256]);
  }
  if (a.kind === 'edited' && d.sha256) fields.push([`SHA-256 v${d.version}`, d.sha256]);
  if (d.reason) fields.push([say(lang, 'Reden', 'Reason'), d.reason]);
  if (d.was) fields.push([say(lang, 'Was', 'Was'), d.was]);
  if (d.consecutiveErrors) {
    b.section(
      say(
        lang,
        `Controles van dit account mislukken al ${d.consecutiveErrors} keer achter elkaar (storing, time-outs of snelheidslimiet). Bewerkingen en verwijderingen kunnen later gezien worden; het archief is niet aangetast.`,
        `Checks of this account have failed ${d.consecutiveErrors} times in a row (outage, timeouts or rate limits). Edits and deletions may be seen late; the archive is unaffected.`,
      ),
    );
  }
  b.section('', fields);
  if (d.url) b.context(d.url);
  const buttons: Button[] = [];
  if (a.post_id) {
    buttons.push({
      label: say(lang, 'Toon', 'Show'),
      command: `${say(lang, 'toon', 'show')} ${a.post_id}`,
    });
    buttons.push({
      label: say(lang, 'Geschiedenis', 'History'),
      command: `${say(lang, 'geschiedenis', 'history')} ${a.post_id}`,
    });
  }
  buttons.push({
    label: say(lang, 'Gezien', 'Acknowledge'),
    command: `${say(lang, 'meldingen gezien', 'alerts ack')} ${a.id}`,
    style: 'primary',
  });
  return b.buttons(buttons).build({ kind: 'ok' });
}

export const KIND: Record<AlertRow['kind'], Record<Lang, string>> = {
  edited: { nl: 'Bewerkt', en: 'Edited' },
  deleted: { nl: 'Verwijderd', en: 'Deleted' },
  restored: { nl: 'Teruggezet', en: 'Restored' },
  unavailable: { nl: 'Onbeschikbaar', en: 'Unavailable' },
  degraded: { nl: 'Archivering verstoord', en: 'Capture degraded' },
};

function duration(seconds: number, lang: Lang): string {
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172_800) return `${Math.round(seconds / 3600)} ${say(lang, 'uur', 'h')}`;
  return `${Math.round(seconds / 86_400)} ${say(lang, 'dagen', 'days')}`;
}
