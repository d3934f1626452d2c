/** Migration 6: fixity of every WARC record and file, sealed by the audit chain (issue 10). */
export const migration6 = {
  version: 6,
  name: 'fixity of every WARC record and file, sealed by the audit chain (issue 10)',
  sql: `
SELECT 1; -- filled in by the work of issue 10
`,
};
