/** Migration 7: crash and disk recovery state (issue 10). */
export const migration7 = {
  version: 7,
  name: 'crash and disk recovery state (issue 10)',
  sql: `
SELECT 1; -- filled in by the work of issue 10
`,
};
