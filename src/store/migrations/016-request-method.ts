/**
 * Migration 16: a chat capture request names its capture method (issue 12, the browser method).
 *
 * - `chat_request.method`: `browser` when the asker chose it (`archiveer <url> browser`); NULL when
 *   the pipeline chooses (the platform's connector, else the browser). Kept with the request so a
 *   request queued again after Redis lost its data is captured the way it was asked for.
 */
export const migration16 = {
  version: 16,
  name: 'the capture method a chat request asked for (issue 12)',
  sql: `
ALTER TABLE chat_request ADD COLUMN method TEXT CHECK (method IS NULL OR method IN ('browser'));
`,
};
