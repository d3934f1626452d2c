/**
 * Retention, holds and lawful destruction (issue 13, item 4): a post under a hold is never on a
 * destruction list and never destroyed; a list approved by the admin who proposed it is refused; a
 * list that no longer holds is withdrawn; B posts and unappraised posts are never due; after an
 * approved destruction `verify` passes and the destruction record lists the destroyed hashes, and
 * the removed records are tombstones of the same length in the WARC files.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  appraise,
  approveList,
  heldPosts,
  holdAdd,
  holdList,
  holdRelease,
  proposeDue,
} from '../src/usecases/retention.ts';
import { query, sha256, withArchive } from './helpers/archive.ts';
import { cli } from './helpers/cli.ts';
import { type Captured, capturedAccount } from './helpers/export.ts';

let c: Captured;
let ids: number[];
const NOW = new Date('2026-11-26T12:00:00Z');

async function verify() {
  const r = await cli(c.env.env, 'verify', '--json');
  return { code: r.code, problems: (r.json?.problems ?? []) as string[], json: r.json };
}

beforeAll(async () => {
  c = await capturedAccount();
  ids = [];
  for (const p of c.posts)
    ids.push(
      (await query<{ id: number }>(c.env.dataDir, 'SELECT id FROM post WHERE url = ?', [p.url]))[0]!.id,
    );
  // The account's posts: destroy one year after posting (they were posted on 2025-01-01).
  await withArchive(c.env.dataDir, (a) =>
    appraise(a, {
      ref: 'rvo',
      account: true,
      valuation: 'V',
      termYears: 1,
      category: '1.1 webcare',
      actor: 'cli:archivaris',
    }),
  );
}, 60_000);
afterAll(async () => {
  await c?.close();
});

describe('holds and destruction lists', () => {
  let list: number;

  it('leaves a held post off the destruction list', async () => {
    await withArchive(c.env.dataDir, async (a) => {
      const hold = await holdAdd(a, { ref: c.posts[2]!.url }, 'Woo-verzoek 2026-17', 'cli:jurist');
      expect(hold.posts).toBe(2); // the post and the citizen's reply under it
      expect((await holdList(a)).map((h) => h.reason)).toEqual(['Woo-verzoek 2026-17']);
      const due = await proposeDue(a, 'cli:alice', NOW);
      expect(due.items.map((i) => i.post).sort()).toEqual([ids[0], ids[1]].sort());
      expect(due.items[0]).toMatchObject({ termYears: 1, category: '1.1 webcare' });
      list = due.list!;
    });
  });

  it('refuses the list when the admin who proposed it approves it', async () => {
    await withArchive(c.env.dataDir, async (a) => {
      await expect(approveList(a, list, 'cli:alice', NOW)).rejects.toMatchObject({
        key: 'retention.same-admin',
      });
    });
    expect(
      await query(c.env.dataDir, 'SELECT id FROM post WHERE id IN (?, ?)', [ids[0], ids[1]]),
    ).toHaveLength(2);
  });

  it('withdraws a list that no longer holds (a hold came after it) and destroys nothing', async () => {
    await withArchive(c.env.dataDir, async (a) => {
      const hold = await holdAdd(a, { ref: c.posts[1]!.url }, 'incident', 'cli:jurist');
      await expect(approveList(a, list, 'cli:bob', NOW)).rejects.toMatchObject({
        key: 'retention.list-stale',
      });
      await holdRelease(a, hold.id, 'cli:admin');
      await expect(approveList(a, list, 'cli:bob', NOW)).rejects.toMatchObject({
        key: 'retention.list-not-proposed',
      });
    });
    expect(
      await query(c.env.dataDir, 'SELECT id FROM post WHERE id IN (?, ?)', [ids[0], ids[1]]),
    ).toHaveLength(2);
  });

  it('never lists a B post or one the archive has not appraised', async () => {
    await withArchive(c.env.dataDir, async (a) => {
      await appraise(a, { ref: c.posts[1]!.url, valuation: 'B', actor: 'cli:archivaris' });
      const due = await proposeDue(a, 'cli:alice', new Date('2100-01-01'));
      // p2 is B now, p3 is held, the citizen's reply is not appraised: only p1.
      expect(due.items.map((i) => i.post)).toEqual([ids[0]]);
      list = due.list!;
    });
  });

  it('never deletes a held post’s versions, whatever the statement', async () => {
    await withArchive(c.env.dataDir, async (a) => {
      expect((await heldPosts(a)).has(ids[2]!)).toBe(true);
      await a.db.run('INSERT INTO disposal_in_progress (post_id) VALUES (?)', [ids[2]]);
      await expect(a.db.run('DELETE FROM version WHERE post_id = ?', [ids[2]])).rejects.toThrow(
        /never deleted/,
      );
      await a.db.run('DELETE FROM disposal_in_progress');
    });
  });
});

describe('an approved destruction', () => {
  let before: {
    id: number;
    content_hash: string;
    warc_sha256: string;
    warc_file: string;
    warc_offset: number;
    warc_length: number;
  }[];
  // biome-ignore lint/suspicious/noExplicitAny: the use case's answer
  let done: any;

  beforeAll(async () => {
    before = await query(c.env.dataDir, 'SELECT * FROM version WHERE post_id = ?', [ids[0]]);
    const sizes = new Map(
      (await query<{ name: string }>(c.env.dataDir, 'SELECT DISTINCT warc_file AS name FROM version')).map(
        (f) => [f.name, readFileSync(path.join(c.env.dataDir, 'warc', f.name)).length],
      ),
    );
    expect((await verify()).problems).toEqual([]);
    const list = (
      await query<{ id: number }>(c.env.dataDir, "SELECT id FROM disposal_list WHERE status = 'proposed'")
    )[0]!.id;
    done = await withArchive(c.env.dataDir, (a) => approveList(a, list, 'cli:bob', new Date('2100-01-01')));
    for (const [name, size] of sizes)
      expect(readFileSync(path.join(c.env.dataDir, 'warc', name)).length).toBe(size);
  });

  it('removes the post, its versions and the records only it stood on', async () => {
    expect(done.list).toMatchObject({ status: 'executed', proposedBy: 'cli:alice', approvedBy: 'cli:bob' });
    expect(await query(c.env.dataDir, 'SELECT id FROM post WHERE id = ?', [ids[0]])).toEqual([]);
    expect(await query(c.env.dataDir, 'SELECT id FROM version WHERE post_id = ?', [ids[0]])).toEqual([]);
    const search = await cli(c.env.env, 'search', 'energiebesparing', '--json');
    expect(search.json.hits).toEqual([]);
    // The other posts are untouched.
    expect(
      await query(c.env.dataDir, 'SELECT id FROM post WHERE id IN (?, ?)', [ids[1], ids[2]]),
    ).toHaveLength(2);
  });

  it('keeps a destruction record with what, category, term, who, when and the destroyed hashes', () => {
    expect(done.records).toHaveLength(1);
    const r = done.records[0];
    expect(r).toMatchObject({
      postId: ids[0],
      url: c.posts[0]!.url,
      category: '1.1 webcare',
      valuation: 'V',
      termYears: 1,
      proposedBy: 'cli:alice',
      approvedBy: 'cli:bob',
    });
    expect(r.hashes.versions.map((v: { contentHash: string }) => v.contentHash).sort()).toEqual(
      before.map((v) => v.content_hash).sort(),
    );
    for (const v of before) expect(r.hashes.records).toContain(v.warc_sha256);
  });

  it('replaces each destroyed record by a tombstone of the same length at the same offset', async () => {
    for (const v of before) {
      const bytes = readFileSync(path.join(c.env.dataDir, 'warc', v.warc_file)).subarray(
        v.warc_offset,
        v.warc_offset + v.warc_length,
      );
      expect(sha256(bytes)).not.toBe(v.warc_sha256);
      const text = gunzipSync(bytes).toString();
      expect(text).toContain('WARC-Type: metadata');
      expect(text).toContain('urn:archiefbot:destroyed:');
      expect(text).not.toContain('energiebesparing');
    }
  });

  it('verify passes and accounts for the destroyed records; the audit chain holds the destruction', async () => {
    const v = await verify();
    expect(v.problems).toEqual([]);
    expect(v.code).toBe(0);
    expect(v.json.destroyed).toBeGreaterThanOrEqual(before.length);
    const audit = await query<{ action: string; actor: string }>(
      c.env.dataDir,
      "SELECT action, actor FROM audit WHERE action LIKE 'retention.%' ORDER BY id",
    );
    expect(audit.map((x) => x.action)).toEqual(
      expect.arrayContaining([
        'retention.appraise',
        'retention.hold',
        'retention.propose',
        'retention.withdraw',
        'retention.destroy',
      ]),
    );
    expect(audit.at(-1)).toEqual({ action: 'retention.destroy', actor: 'cli:bob' });
  });

  it('destroys a post whose citizen reply survives: its own API answers go, the thread the reply stands on stays', async () => {
    const api = (
      await query<{ api_ref: string }>(c.env.dataDir, 'SELECT api_ref FROM post WHERE id = ?', [ids[2]])
    )[0]!.api_ref;
    await withArchive(c.env.dataDir, async (a) => {
      for (const h of await holdList(a)) await holdRelease(a, h.id, 'cli:admin');
      const due = await proposeDue(a, 'cli:alice', new Date('2100-01-01'));
      expect(due.items.map((i) => i.post)).toEqual([ids[2]]);
      await approveList(a, due.list!, 'cli:bob', new Date('2100-01-01'));
    });
    const uris = (
      await query<{ uri: string }>(c.env.dataDir, "SELECT uri FROM capture_record WHERE type = 'response'")
    ).map((r) => r.uri);
    expect(uris).not.toContain(api);
    expect(uris).toContain(`${api}/context`);
    const reply = await query(c.env.dataDir, "SELECT id FROM post WHERE kind = 'reply'");
    expect(reply).toHaveLength(1);
    const v = await verify();
    expect(v.problems).toEqual([]);
  });

  it('verify still catches a removal no destruction record lists', async () => {
    await withArchive(c.env.dataDir, async (a) => {
      await a.db.exec('DROP TRIGGER version_kept');
      const v = (await a.db.get<{ id: number }>('SELECT id FROM version WHERE post_id = ?', [ids[1]]))!;
      await a.db.run('DELETE FROM version_media WHERE version_id = ?', [v.id]);
      await a.db.run('DELETE FROM version WHERE id = ?', [v.id]);
    });
    const r = await verify();
    expect(r.code).toBe(1);
    expect(r.problems.join('\n')).toMatch(/version \d+ was deleted/);
  });
});

describe('the CLI: appraise, hold, dispose', () => {
  let d: Captured;
  beforeAll(async () => {
    d = await capturedAccount();
  }, 60_000);
  afterAll(async () => {
    await d?.close();
  });

  it('runs the whole flow and refuses the proposer’s own approval', async () => {
    const run = (...args: string[]) => cli(d.env.env, ...args);
    const noTerm = await run('appraise', 'rvo', '--account', '--valuation', 'V');
    expect(noTerm.code).toBe(2);
    expect(noTerm.stderr).toContain('needs its retention term');
    const ap = await run(
      'appraise',
      'rvo',
      '--account',
      '--valuation',
      'V',
      '--term',
      '1',
      '--category',
      '1.1',
      '--json',
    );
    expect(ap.code).toBe(0);
    expect(ap.json).toMatchObject({ scope: 'account' });
    const hold = await run('hold', 'add', d.posts[0]!.url, '--reason', 'rechtszaak', '--json');
    expect(hold.json).toMatchObject({ posts: 1 });
    const list = await run('hold', 'list', '--json');
    expect(list.json.holds).toHaveLength(1);
    const due = await run('dispose', '--due', '--json');
    expect(due.code).toBe(0);
    expect(due.json.items.map((i: { url: string }) => i.url).sort()).toEqual(
      [d.posts[1]!.url, d.posts[2]!.url].sort(),
    );
    const own = await run('dispose', '--approve', String(due.json.list));
    expect(own.code).toBe(2);
    expect(own.stderr).toContain('a different admin must approve it');
    expect((await run('hold', 'release', String(hold.json.id))).stdout).toContain(
      `Hold ${hold.json.id} is released`,
    );
    expect((await run('hold', 'release', String(hold.json.id))).code).toBe(2);
    expect((await run('dispose', '--record')).stdout).toContain('Nothing has been destroyed');
    expect((await run('dispose', '--due')).stdout).toMatch(/Destruction list \d+ \(3 posts\) is proposed/);
  });
});
