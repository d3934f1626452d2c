import type { Logger } from 'pino';
import type { ChatPlatform } from '../domain/target.ts';
import type { Lang } from '../domain/types.ts';
import type { Archive } from '../store/archive.ts';
import { channelLanguage, subscriptions } from '../store/chat.ts';
import { type AlertRow, claimUndelivered } from '../store/monitor.ts';

/** A subscribed channel and the language it reads. */
export interface AlertChannel {
  platform: ChatPlatform;
  channel: string;
  lang: Lang;
}

/** Sends one alert to one channel (serve wires it to the outbox); it logs its own failures. */
export type DeliverAlert = (alert: AlertRow, to: AlertChannel) => Promise<void>;

function norm(account: string): string {
  return account.trim().replace(/^@/, '').toLowerCase();
}

/** Whether a channel's subscription (`*`, a handle, an @handle or the account URL) covers this alert. */
function covers(subscription: string, handle: string | null, url: string | null): boolean {
  if (subscription === '*') return true;
  const s = norm(subscription);
  return Boolean((handle && s === norm(handle)) || (url && s === url.toLowerCase()));
}

/**
 * Sends the alerts not delivered yet to every channel subscribed to them, on every platform, through
 * `deliver`. Each alert is claimed once (whatever the number of processes), so each event reaches
 * each channel once.
 */
export async function deliverAlerts(
  archive: Archive,
  deliver: DeliverAlert,
  log?: Logger,
): Promise<{ alerts: number; messages: number }> {
  const db = archive.db;
  const alerts = await claimUndelivered(db, new Date().toISOString());
  if (!alerts.length) return { alerts: 0, messages: 0 };
  const subs = await subscriptions(db);
  const accounts = new Map(
    (
      await db.all<{ id: number; handle: string; url: string | null }>(
        'SELECT id, handle, url FROM account WHERE id IN (SELECT value FROM json_each(?))',
        [JSON.stringify(alerts.map((a) => a.account_id).filter(Boolean))],
      )
    ).map((a) => [a.id, a]),
  );
  let messages = 0;
  for (const alert of alerts) {
    const account = alert.account_id ? accounts.get(alert.account_id) : undefined;
    const channels = new Map<string, { platform: string; channel: string }>();
    for (const s of subs) {
      if (covers(s.account, account?.handle ?? null, account?.url ?? null)) {
        channels.set(`${s.platform}\u0000${s.channel}`, s);
      }
    }
    for (const { platform, channel } of channels.values()) {
      const lang = (await channelLanguage(db, platform, channel)) ?? 'nl';
      try {
        await deliver(alert, { platform: platform as ChatPlatform, channel, lang });
        messages++;
      } catch (err) {
        log?.error({ err, alert: alert.id, platform, channel }, 'could not deliver an alert');
      }
    }
  }
  return { alerts: alerts.length, messages };
}
