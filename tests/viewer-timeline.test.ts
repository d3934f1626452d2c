/** The timeline's pages: every post of an account once, the dated newest first, then the undated. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { timeline } from '../src/viewer/queries.ts';
import { withArchive } from './helpers/archive.ts';

const dataDir = mkdtempSync(path.join(tmpdir(), 'archiefbot-timeline-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('viewer timeline', () => {
  it('pages through dated posts and then the posts without a platform time (web pages)', async () => {
    await withArchive(dataDir, async (a) => {
      const now = '2026-11-01T00:00:00.000Z';
      await a.db.run(
        "INSERT INTO account (id, platform, handle, first_seen, last_seen) VALUES (1, 'web', 'site', ?, ?)",
        [now, now],
      );
      // Five dated posts (ids 1–5) and four without created_at (ids 6–9).
      for (let i = 1; i <= 9; i++)
        await a.db.run(
          `INSERT INTO post (id, platform, platform_id, url, account_id, kind, created_at, first_seen, last_seen)
           VALUES (?, 'web', ?, ?, 1, 'page', ?, ?, ?)`,
          [i, `p${i}`, `https://example.org/${i}`, i <= 5 ? `2026-10-0${i}T00:00:00.000Z` : null, now, now],
        );
      const seen: number[] = [];
      let before: string | undefined;
      for (let pages = 0; pages < 10; pages++) {
        const r = await timeline(a.db, 1, { limit: 2, before });
        seen.push(...r.rows.map((row) => row.id));
        if (!r.next) break;
        before = r.next;
      }
      expect(seen).toEqual([5, 4, 3, 2, 1, 9, 8, 7, 6]);
      // A date filter keeps to the dated posts.
      const since = await timeline(a.db, 1, { since: '2026-10-04', limit: 10 });
      expect(since.rows.map((row) => row.id)).toEqual([5, 4]);
    });
  });
});
