import type { Command } from 'commander';
import { type CliContext, positiveInt, withArchive } from '../context.ts';
import { formatAlerts } from '../format.ts';

/** `archiefbot alerts [--since]`: the recent alerts (edited, deleted, restored, unavailable, degraded). */
export function register(program: Command, ctx: CliContext): void {
  program
    .command('alerts')
    .description('recent alerts: edited, deleted, restored, unavailable, degraded')
    .option('--since <date>', 'from this date or time (default: the last 7 days)')
    .option('--limit <n>', 'at most this many', positiveInt(ctx.lang), 100)
    .option('--json', 'print one JSON document instead of text')
    .action(async (opts: { since?: string; limit: number; json?: boolean }) => {
      const { parseDate, recentAlerts, recentAlertsSince } = await import('../../usecases/alerts.ts');
      const since = opts.since ? parseDate(opts.since, '--since') : recentAlertsSince();
      const items = await withArchive(ctx.config(), (archive) =>
        recentAlerts(archive, { since, limit: opts.limit }),
      );
      const alerts = items.map(({ row: _row, ...alert }) => alert);
      ctx.print(opts.json, { alerts }, () => formatAlerts(alerts, since));
    });
}
