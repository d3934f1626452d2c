/**
 * Migration 12: what the paid or rationed platform APIs have cost (issue 11).
 *
 * - `api_usage`: per platform and period (a `day` or a `month`, keyed as the platform counts it:
 *   YouTube's quota day runs from midnight Pacific time, X's budget month is the calendar month in
 *   UTC), the units spent (YouTube quota units, X resources read), the cost in USD where the platform
 *   charges and the number of calls. Written by the process that makes the calls (the CLI's capture,
 *   the worker), so `status` shows what is left and a connector refuses before it overspends.
 * - `api_read`: the resources read per platform and UTC day, for X's pay-per-use rule that a
 *   resource read twice within one UTC day is billed once. Rows of earlier days are pruned.
 */
export const migration12 = {
  version: 12,
  name: 'API usage per platform and period: quota units and cost (issue 11)',
  sql: `
CREATE TABLE api_usage (
  platform TEXT NOT NULL,
  period TEXT NOT NULL CHECK (period IN ('day','month')),
  period_key TEXT NOT NULL,
  units REAL NOT NULL DEFAULT 0,
  cost REAL NOT NULL DEFAULT 0,
  calls INTEGER NOT NULL DEFAULT 0,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (platform, period, period_key)
);
CREATE TABLE api_read (
  platform TEXT NOT NULL,
  day TEXT NOT NULL,
  resource TEXT NOT NULL,
  PRIMARY KEY (platform, day, resource)
) WITHOUT ROWID;
`,
};
