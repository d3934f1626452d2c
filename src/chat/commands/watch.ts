import { UsageError } from '../../domain/errors.ts';
import { t } from '../../domain/i18n.ts';
import type { Command, CommandContext, CommandSpec } from '../command.ts';
import { type Reply, textReply } from '../reply.ts';
import type { MonitorService } from '../services.ts';

export const spec: CommandSpec = {
  name: 'watch',
  words: { en: ['watch'], nl: ['volg'] },
  usage: 'command.watch.usage',
  summary: 'command.watch.summary',
  role: 'archivist',
};

/** The monitor and the account named, or the answer why not (no monitor here, no account given). */
export function monitorFor(ctx: CommandContext): { monitor: MonitorService; input: string } | Reply {
  if (!ctx.deps.monitor) return textReply(t(ctx.lang, 'watch.needs-serve'));
  const input = ctx.args.trim();
  if (!input) throw new UsageError('which account?', 'watch.which', { usage: t(ctx.lang, ctx.spec.usage) });
  return { monitor: ctx.deps.monitor, input };
}

/** `watch <account>`: secure every post of an account once, then keep watching it. */
export const watch: Command = {
  spec,
  async run(ctx) {
    const m = monitorFor(ctx);
    if ('blocks' in m) return m;
    const { url } = await m.monitor.watch(m.input, { by: ctx.by, replyTo: ctx.cmd.replyTo, lang: ctx.lang });
    return textReply(t(ctx.lang, 'watch.queued', { url }), { kind: 'ack' });
  },
};
