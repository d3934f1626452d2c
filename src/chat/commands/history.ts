import { t } from '../../domain/i18n.ts';
import { postHistory } from '../../usecases/history.ts';
import { type Command, type CommandSpec, commandLine, PAGE, pageOf } from '../command.ts';
import { postLinkFor } from '../present-viewer.ts';
import { type Button, ReplyBuilder } from '../reply.ts';
import { editWindow, short, term, when } from '../text.ts';

export const spec: CommandSpec = {
  name: 'history',
  words: { en: ['history', 'versions'], nl: ['geschiedenis', 'versies'] },
  usage: 'command.history.usage',
  summary: 'command.history.summary',
  role: 'viewer',
};

/** `history <id|url> [page:n]`: every version of a post with a word diff and what changed. */
export const history: Command = {
  spec,
  async run({ args, lang, deps, pageSize, by, cmd }) {
    const [ref = '', ...rest] = args.trim().split(/\s+/);
    const page = pageOf(rest.join(' '));
    const h = await postHistory(deps.archive, ref, deps.lookupKeys);
    const total = h.versions.length;
    const b = new ReplyBuilder().header(t(lang, 'history.title', { id: h.post.id, n: total }));
    const start = (page - 1) * pageSize;
    const slice = h.versions.slice(start, start + pageSize);
    for (const v of slice) {
      const origin =
        v.origin === 'platform-history'
          ? t(lang, 'history.from-platform')
          : t(lang, 'history.captured', { trigger: term(lang, 'trigger', v.trigger) });
      const time = v.validFromLatest
        ? editWindow(lang, 'history.edited-between', v.validFrom, v.validFromLatest)
        : when(v.validFrom ?? v.capturedAt);
      b.section(`*v${v.number}* · ${time} · ${origin}\n${short(v.diff, 600)}`, [
        [t(lang, 'label.changed'), v.changed.map((f) => term(lang, 'field', f)).join(', ')],
        ['SHA-256', v.sha256],
      ]);
    }
    const more: Button[] = [];
    if (start + pageSize < total) {
      b.context(t(lang, 'history.page', { from: start + 1, to: start + slice.length, n: total }));
      more.push({
        label: t(lang, 'button.more'),
        command: commandLine(lang, spec, h.post.id, `${PAGE[lang]}:${page + 1}`),
      });
    }
    const link = postLinkFor(
      lang,
      deps.archive.dataDir,
      { by, channel: cmd.channel, private: cmd.private },
      h.post.id,
    );
    b.context(link.note);
    b.buttons(more, [link.button]);
    return b.build();
  },
};
