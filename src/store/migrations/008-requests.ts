/** Migration 8: chat capture requests kept in SQLite until answered (issue 10). */
export const migration8 = {
  version: 8,
  name: 'chat capture requests kept in SQLite until answered (issue 10)',
  sql: `
SELECT 1; -- filled in by the work of issue 10
`,
};
