import { t } from '../../domain/i18n.ts';
import { archiveStatus } from '../../usecases/status.ts';
import type { Command, CommandSpec } from '../command.ts';
import { ReplyBuilder } from '../reply.ts';
import { short, when } from '../text.ts';

export const spec: CommandSpec = {
  name: 'status',
  words: { en: ['status'], nl: ['status'] },
  usage: 'command.status.usage',
  summary: 'command.status.summary',
  role: 'viewer',
};

const MARK: Record<string, string> = { failed: '✗', done: '✓' };

/** `status`: the queue, failures of the last day, the archive's size and the latest captures. */
export const status: Command = {
  spec,
  async run({ lang, deps }) {
    const s = await archiveStatus(deps.archive, { queueCounts: () => deps.captures.counts() });
    const q = s.queue ?? {};
    const b = new ReplyBuilder().header(t(lang, 'status.title')).section('', [
      [
        t(lang, 'label.queue'),
        t(lang, 'status.queue', { waiting: q.waiting ?? 0, active: q.active ?? 0, delayed: q.delayed ?? 0 }),
      ],
      [t(lang, 'label.failed-24h'), String(s.failed24h)],
      [t(lang, 'label.archive'), t(lang, 'status.archive', { posts: s.posts, versions: s.versions })],
    ]);
    if (s.instances.length) {
      const lines = s.instances.map((i) => {
        const lacks = [
          i.batchLookup === false ? t(lang, 'status.instance.no-batch') : '',
          i.editHistory === false ? t(lang, 'status.instance.no-history') : '',
        ].filter(Boolean);
        const line = t(lang, 'status.instance', {
          host: i.host,
          software: i.software,
          version: i.version ?? '',
        });
        return `${line.trim()}${lacks.length ? ` (${lacks.join(', ')})` : ''}`;
      });
      b.section(`${t(lang, 'status.instances')}:\n${lines.join('\n')}`);
    }
    const platforms = deps.platforms ? await deps.platforms() : [];
    if (platforms.length) {
      const lines = platforms.map((p) => {
        const state = t(lang, `status.platform.${p.state}`, { variable: p.variable ?? '' });
        const q = p.quota;
        if (!q) return `${p.platform}: ${state}`;
        const amount = (n: number) => String(q.unit === 'USD' ? Math.round(n * 1000) / 1000 : n);
        const left = t(lang, `status.platform.quota.${q.period}`, {
          used: amount(q.used),
          limit: amount(q.limit),
          unit: q.unit,
          resets: when(q.resets),
        });
        return `${p.platform}: ${state} (${left})`;
      });
      b.section(`${t(lang, 'status.platforms')}:\n${lines.join('\n')}`);
    }
    if (s.recent.length) {
      const lines = s.recent.map(
        (c) =>
          `${MARK[c.status] ?? '…'} ${when(c.started_at)} ${c.url}${c.error ? ` — ${short(c.error, 120)}` : ''}`,
      );
      b.section(`${t(lang, 'status.recent')}:\n${lines.join('\n')}`);
    }
    return b.build();
  },
};
