import type { Db } from './db.ts';

/**
 * What rationed platform APIs have cost (migration 12): YouTube's daily quota units, X's pay-per-read
 * budget. The connectors count every call here before and after they make it; `status` reads it.
 */

/** A counting period as the platform counts it: a day (key `YYYY-MM-DD`) or a month (key `YYYY-MM`). */
export interface UsagePeriod {
  kind: 'day' | 'month';
  key: string;
}

export interface Usage {
  /** Quota units (YouTube) or resources read (X). */
  units: number;
  /** In USD, where the platform charges per read. */
  cost: number;
  calls: number;
}

const NONE: Usage = { units: 0, cost: 0, calls: 0 };

/** Adds one call's units and cost to the platform's running total for the period. */
export async function recordUsage(
  db: Db,
  u: { platform: string; period: UsagePeriod; units: number; cost?: number; calls?: number; at?: string },
): Promise<void> {
  await db.run(
    `INSERT INTO api_usage (platform, period, period_key, units, cost, calls, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (platform, period, period_key) DO UPDATE SET
       units = units + excluded.units, cost = cost + excluded.cost, calls = calls + excluded.calls,
       updated_at = excluded.updated_at`,
    [
      u.platform,
      u.period.kind,
      u.period.key,
      u.units,
      u.cost ?? 0,
      u.calls ?? 1,
      u.at ?? new Date().toISOString(),
    ],
  );
}

/** What the platform has used in the period (zero when nothing was counted). */
export async function usageFor(db: Db, platform: string, period: UsagePeriod): Promise<Usage> {
  const row = await db.get<Usage>(
    'SELECT units, cost, calls FROM api_usage WHERE platform = ? AND period = ? AND period_key = ?',
    [platform, period.kind, period.key],
  );
  return row ?? { ...NONE };
}

/**
 * Of the resources just read, those not read before on this (UTC) day, now remembered as read: X
 * bills a resource once per UTC day. Earlier days are forgotten.
 */
export async function firstReadsToday(
  db: Db,
  platform: string,
  day: string,
  resources: string[],
): Promise<string[]> {
  const unique = [...new Set(resources)];
  if (!unique.length) return [];
  return db.transaction(async () => {
    await db.run('DELETE FROM api_read WHERE platform = ? AND day < ?', [platform, day]);
    const fresh: string[] = [];
    for (const r of unique) {
      const done = await db.run('INSERT OR IGNORE INTO api_read (platform, day, resource) VALUES (?, ?, ?)', [
        platform,
        day,
        r,
      ]);
      if (done.changes > 0) fresh.push(r);
    }
    return fresh;
  });
}

/** Where a connector counts: the archive's database, or (no database, as in some tests) memory. */
export interface UsageLedger {
  record(u: { platform: string; period: UsagePeriod; units: number; cost?: number }): Promise<void>;
  usage(platform: string, period: UsagePeriod): Promise<Usage>;
  firstReadsToday(platform: string, day: string, resources: string[]): Promise<string[]>;
}

/** A ledger over the database when there is one, else one that counts in this process's memory. */
export function usageLedger(db?: Db): UsageLedger {
  if (db) {
    return {
      record: (u) => recordUsage(db, u),
      usage: (platform, period) => usageFor(db, platform, period),
      firstReadsToday: (platform, day, resources) => firstReadsToday(db, platform, day, resources),
    };
  }
  const totals = new Map<string, Usage>();
  const reads = new Map<string, Set<string>>();
  const keyOf = (platform: string, p: UsagePeriod) => `${platform}|${p.kind}|${p.key}`;
  return {
    async record(u) {
      const k = keyOf(u.platform, u.period);
      const t = totals.get(k) ?? { ...NONE };
      totals.set(k, { units: t.units + u.units, cost: t.cost + (u.cost ?? 0), calls: t.calls + 1 });
    },
    async usage(platform, period) {
      return { ...(totals.get(keyOf(platform, period)) ?? NONE) };
    },
    async firstReadsToday(platform, day, resources) {
      const k = `${platform}|${day}`;
      for (const key of reads.keys()) if (key.startsWith(`${platform}|`) && key !== k) reads.delete(key);
      const seen = reads.get(k) ?? new Set<string>();
      reads.set(k, seen);
      const fresh = [...new Set(resources)].filter((r) => !seen.has(r));
      for (const r of fresh) seen.add(r);
      return fresh;
    },
  };
}
