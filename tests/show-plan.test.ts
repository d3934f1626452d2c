import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Db } from '../src/store/db.ts';
import { migrate } from '../src/store/migrations.ts';
import { REPLIES_SQL } from '../src/store/queries.ts';

describe('the query plan of a post page', () => {
  let db: Db;
  beforeAll(async () => {
    db = await Db.open(':memory:');
    await migrate(db);
    await db.exec('ANALYZE');
  });
  afterAll(() => db.close());

  it('finds a post’s replies by its parent, not by walking the platform’s posts', async () => {
    const plan = (await db.all<{ detail: string }>(`EXPLAIN QUERY PLAN ${REPLIES_SQL}`, ['x', 'y'])).map(
      (r) => r.detail,
    );
    expect(plan.join('\n')).toMatch(
      /SEARCH r USING INDEX post_parent \(platform=\? AND parent_platform_id=\?\)/,
    );
    expect(plan.join('\n')).not.toMatch(/post_platform_created|SCAN r/);
  });
});
