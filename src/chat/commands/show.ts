import { t } from '../../domain/i18n.ts';
import { type PostDetail, showArchivedPost } from '../../usecases/post.ts';
import { type Command, type CommandSpec, commandLine } from '../command.ts';
import { postLinkFor } from '../present-viewer.ts';
import { type Lang, ReplyBuilder } from '../reply.ts';
import { editWindow, short, term, when } from '../text.ts';
import { history } from './history.ts';

export const spec: CommandSpec = {
  name: 'show',
  words: { en: ['show', 'view'], nl: ['toon', 'bekijk'] },
  usage: 'command.show.usage',
  summary: 'command.show.summary',
  role: 'viewer',
};

/** `show <id|url>`: an archived post with its versions, replies, media, appraisal and evidence. */
export const show: Command = {
  spec,
  async run({ args, lang, deps, by, cmd }) {
    const d = await showArchivedPost(deps.archive, args, deps.lookupKeys);
    const p = d.post;
    const last = d.versions.at(-1);
    const fields: [string, string][] = [
      [t(lang, 'label.author'), `${p.author ?? '?'}${p.authorName ? ` (${p.authorName})` : ''}`],
      [t(lang, 'label.posted'), when(p.createdAt)],
      [t(lang, 'label.versions'), String(d.versions.length)],
      [t(lang, 'label.replies'), String(d.replies.length)],
      [t(lang, 'label.media'), String(d.media.filter((m) => m.version === last?.number).length)],
      ['SHA-256', p.sha256 ?? '?'],
      [t(lang, 'label.evidence'), last ? `${last.evidence.file} @ ${last.evidence.offset}` : '?'],
      [t(lang, 'label.captured'), t(lang, 'show.captured', { n: d.captures.length, when: when(p.lastSeen) })],
    ];
    if (last && last.number > 1)
      fields.push([
        t(lang, 'label.edited'),
        last.validFromLatest
          ? editWindow(lang, 'show.edited-between', last.validFrom, last.validFromLatest)
          : when(last.validFrom ?? last.capturedAt),
      ]);
    if (d.appraisal) fields.push([t(lang, 'label.appraisal'), appraisalLine(d.appraisal, lang)]);
    const link = postLinkFor(
      lang,
      deps.archive.dataDir,
      { by, channel: cmd.channel, private: cmd.private },
      p.id,
    );
    return new ReplyBuilder()
      .header(
        t(lang, 'show.title', {
          id: p.id,
          platform: p.platform,
          status: term(lang, 'post-status', p.status),
        }),
      )
      .section(`> ${short(p.text, 500)}`, fields)
      .context(t(lang, 'show.context', { url: p.url, method: last?.method ?? '?' }))
      .context(link.note)
      .buttons(
        [{ label: t(lang, 'button.history'), command: commandLine(lang, history.spec, p.id) }],
        [link.button],
      )
      .build();
  },
};

function appraisalLine(a: NonNullable<PostDetail['appraisal']>, lang: Lang): string {
  const valuation = a.valuation ?? t(lang, 'show.not-appraised');
  const parts = [a.termYears ? `${valuation} (${t(lang, 'show.term', { n: a.termYears })})` : valuation];
  if (a.rule) parts.push(a.rule);
  if (a.inference) parts.push(t(lang, 'show.inferred'));
  return parts.join(' · ');
}
