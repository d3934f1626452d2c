import { UsageError } from '../domain/errors.ts';
import type { Archive } from '../store/archive.ts';
import { type AlertKind, type AlertRow, acknowledgeAlert, listAlerts } from '../store/monitor.ts';

export interface AlertItem {
  id: number;
  kind: AlertKind;
  post: number | null;
  account: string | null;
  detectedAt: string;
  acknowledgedBy: string | null;
  detail: Record<string, unknown>;
  /** The stored row, for presenters that render the whole alert. */
  row: AlertRow;
}

/** A date the user typed (`2025-03-01` or an ISO time) as an ISO time; a UsageError (`date.invalid`) otherwise. */
export function parseDate(value: string, name: string): string {
  const ms = Date.parse(value);
  if (Number.isNaN(ms))
    throw new UsageError(`${name} must be a date like 2025-03-01, not "${value}"`, 'date.invalid', {
      name,
      value,
    });
  return new Date(ms).toISOString();
}

/** How many days back `alerts` looks when no time is given. */
export const RECENT_ALERT_DAYS = 7;

/** The start of the default `alerts` window: RECENT_ALERT_DAYS before `now`. */
export function recentAlertsSince(now = Date.now()): string {
  return new Date(now - RECENT_ALERT_DAYS * 86_400_000).toISOString();
}

/** `alerts`: the alerts since a time (default: the last RECENT_ALERT_DAYS days), newest first. */
export async function recentAlerts(
  archive: Archive,
  opts: { since?: string; limit?: number; now?: number } = {},
): Promise<AlertItem[]> {
  const since = opts.since ?? recentAlertsSince(opts.now);
  const rows = await listAlerts(archive.db, { since, limit: opts.limit ?? 100 });
  return rows.map((a) => {
    const detail = JSON.parse(a.detail) as Record<string, unknown>;
    return {
      id: a.id,
      kind: a.kind,
      post: a.post_id,
      account: typeof detail.account === 'string' ? detail.account : null,
      detectedAt: a.detected_at,
      acknowledgedBy: a.acknowledged_by,
      detail,
      row: a,
    };
  });
}

/**
 * `alerts ack`: marks an alert seen by `by`. `already` names who saw it first when someone did.
 * Throws a UsageError (`alerts.unknown`) for an id that does not exist.
 */
export async function acknowledge(
  archive: Archive,
  id: number,
  by: string,
): Promise<{ id: number; already: string | null }> {
  const alert = await acknowledgeAlert(archive.db, id, by);
  if (!alert) throw new UsageError(`there is no alert ${id}`, 'alerts.unknown', { id });
  return { id, already: alert.acknowledged_by === by ? null : alert.acknowledged_by };
}
