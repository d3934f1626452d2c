/** Migration 9: what each Mastodon-API host runs and can do (issue 17). */
export const migration9 = {
  version: 9,
  name: 'Mastodon-API hosts: software, version and capabilities (issue 17)',
  sql: `
SELECT 1; -- filled in by the work of issue 17
`,
};
