import { UsageError } from '../../domain/errors.ts';
import { t } from '../../domain/i18n.ts';
import { type AlertItem, acknowledge, RECENT_ALERT_DAYS, recentAlerts } from '../../usecases/alerts.ts';
import {
  ALL_ACCOUNTS,
  alertSubscriptions,
  subscribeAlerts,
  unsubscribeAlerts,
} from '../../usecases/channel.ts';
import { type Command, type CommandContext, type CommandSpec, commandLine, subCommand } from '../command.ts';
import { type Lang, type Reply, ReplyBuilder, textReply } from '../reply.ts';
import { term, when } from '../text.ts';

export const spec: CommandSpec = {
  name: 'alerts',
  words: { en: ['alerts'], nl: ['meldingen'] },
  usage: 'command.alerts.usage',
  summary: 'command.alerts.summary',
  // Listing a channel's alerts is for everyone; changing them is for archivists.
  role: 'viewer',
};

const SUBS = [
  { name: 'on', words: { en: ['on'], nl: ['aan'] }, role: 'archivist' },
  { name: 'off', words: { en: ['off'], nl: ['uit'] }, role: 'archivist' },
  { name: 'ack', words: { en: ['ack'], nl: ['gezien'] }, role: 'archivist' },
] as const;

/** The command that marks an alert seen, in `lang` (`meldingen gezien 12`), for the alert's button. */
export function ackCommand(id: number, lang: Lang): string {
  return commandLine(lang, spec, SUBS[2], id);
}

/** `alerts [on|off [account…] | ack <id>]`: recent alerts, this channel's subscriptions, acknowledging. */
export const alerts: Command = {
  spec,
  subs: SUBS,
  async run(ctx) {
    const { sub, word, rest } = subCommand(SUBS, ctx.args);
    const accounts = rest.split(/\s+/).filter(Boolean);
    if (sub?.name === 'on') return on(ctx, accounts);
    if (sub?.name === 'off') return off(ctx, accounts);
    if (sub?.name === 'ack') return ack(ctx, accounts[0] ?? '');
    if (word) throw new UsageError('usage: alerts [on|off [account…] | ack <number>]', 'alerts.usage');
    return list(ctx);
  },
};

const channelOf = ({ cmd }: CommandContext) => ({ platform: cmd.platform, channel: cmd.channel });

async function on(ctx: CommandContext, accounts: string[]): Promise<Reply> {
  const { lang } = ctx;
  const added = await subscribeAlerts(ctx.deps.archive, channelOf(ctx), accounts, ctx.by);
  const what = accounts.length ? accounts.join(', ') : t(lang, 'alerts.all-watched');
  return textReply(t(lang, added.length ? 'alerts.on' : 'alerts.already-on', { what }));
}

async function off(ctx: CommandContext, accounts: string[]): Promise<Reply> {
  const { lang } = ctx;
  const removed = await unsubscribeAlerts(ctx.deps.archive, channelOf(ctx), accounts);
  if (!removed) return textReply(t(lang, 'alerts.none-on'));
  return textReply(
    accounts.length ? t(lang, 'alerts.off-for', { accounts: accounts.join(', ') }) : t(lang, 'alerts.off'),
  );
}

async function ack(ctx: CommandContext, ref: string): Promise<Reply> {
  const id = Number(ref.replace(/^#/, ''));
  if (!Number.isInteger(id) || id < 1) throw new UsageError('usage: alerts ack <number>', 'alerts.ack-usage');
  const { already } = await acknowledge(ctx.deps.archive, id, ctx.by);
  return textReply(
    already ? t(ctx.lang, 'alerts.already-acked', { id, who: already }) : t(ctx.lang, 'alerts.acked', { id }),
  );
}

async function list(ctx: CommandContext): Promise<Reply> {
  const { lang } = ctx;
  const subs = await alertSubscriptions(ctx.deps.archive, channelOf(ctx));
  const recent = await recentAlerts(ctx.deps.archive, { limit: ctx.pageSize * 2 });
  const b = new ReplyBuilder();
  if (recent.length) {
    b.header(t(lang, 'alerts.recent', { days: RECENT_ALERT_DAYS }));
    b.section(recent.map((a) => alertLine(a, lang)).join('\n'));
  } else {
    b.section(t(lang, 'alerts.none-recent', { days: RECENT_ALERT_DAYS }));
  }
  const names = subs.map((a) => (a === ALL_ACCOUNTS ? t(lang, 'alerts.all-accounts') : a));
  b.context(
    names.length
      ? t(lang, 'alerts.channel-for', { accounts: names.join(', ') })
      : t(lang, 'alerts.channel-none'),
  );
  return b.build();
}

/** One alert on one line: `#3 Bewerkt · @x@y · 2025-03-01 09:00 UTC · bericht #12 · gezien door …`. */
function alertLine(a: AlertItem, lang: Lang): string {
  const post = a.post ? ` · ${t(lang, 'alert.post', { id: a.post })}` : '';
  const seen = a.acknowledgedBy ? ` · ${t(lang, 'alert.seen-by', { who: a.acknowledgedBy })}` : '';
  return `#${a.id} ${term(lang, 'alert-kind', a.kind)} · ${a.account ?? ''} · ${when(a.detectedAt)}${post}${seen}`;
}
