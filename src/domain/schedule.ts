/** One step of the re-check schedule: posts younger than `maxAgeHours` (the last step: any age) every `everySeconds`. */
export type RecheckSchedule = { maxAgeHours?: number | undefined; everySeconds: number }[];

/**
 * The decaying re-check schedule: young posts are looked at often (a minute in their first hour by
 * default), old ones rarely (weekly after 90 days). Age counts from the platform's creation time.
 */
export function recheckInterval(schedule: RecheckSchedule, ageMs: number): number {
  const hours = Math.max(0, ageMs) / 3_600_000;
  const rule = schedule.find((r) => r.maxAgeHours === undefined || hours < r.maxAgeHours) ?? schedule.at(-1)!;
  return rule.everySeconds * 1000;
}

export function nextCheckAt(
  schedule: RecheckSchedule,
  createdAt: string | null,
  firstSeen: string,
  now: number,
): string {
  const born = Date.parse(createdAt ?? firstSeen);
  const age = Number.isNaN(born) ? 0 : now - born;
  return new Date(now + recheckInterval(schedule, age)).toISOString();
}
