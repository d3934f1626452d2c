/**
 * bench/meta-webhook: how fast a Meta webhook turns into an alert. `serve` (its own redis-server, the
 * worker in process) watches a Facebook page on the loopback Graph fake; each round changes one post on
 * the fake (an edit or a removal, alternately), delivers the signed `feed` change to /webhooks/meta and
 * times it until the alert is stored. The baseline, in the same run and on the same archive, is the same
 * kind of change found by a direct re-check of that post (`Rechecker.pass({ postIds })`): the ratio is
 * what the webhook route adds (signature, queue, worker) to the check itself. Then a burst: every
 * remaining change delivered at once, timed until the last alert. Run: npm run bench:meta-webhook
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { Archive } from '../../src/store/archive.ts';
import { FakeMeta } from '../../tests/fakes/meta.ts';
import { startHarness } from '../../tests/helpers/harness.ts';
import { pct } from '../stats.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 30); // timed one at a time, per route
const BURST = Number(process.env.BENCH_BURST ?? 40); // delivered at once
const POSTS = ROUNDS * 4 + BURST + 10;

const ms = (x: number) => `${x.toFixed(0)} ms`;

async function main() {
  const fake = await FakeMeta.start();
  const page = fake.addPage({ username: 'rijksoverheid', name: 'Rijksoverheid' });
  const posts = Array.from({ length: POSTS }, (_, i) =>
    fake.addPost({ page, message: `Bericht ${i} van de rijksoverheid` }),
  );
  const dir = mkdtempSync(path.join(tmpdir(), 'archiefbot-bench-meta-'));
  const yaml =
    'accounts:\n  - account: https://www.facebook.com/rijksoverheid\n    tokenEnv: FB_TOKEN_BENCH\n';
  writeFileSync(path.join(dir, 'accounts.yaml'), yaml);
  process.env.ARCHIEFBOT_ACCOUNTS = path.join(dir, 'accounts.yaml');
  process.env.FB_TOKEN_BENCH = page.token;
  const h = await startHarness(
    {
      ARCHIEFBOT_GRAPH_API_URL: fake.graphUrl,
      META_APP_SECRET: fake.appSecret,
      META_VERIFY_TOKEN: 'bench',
      FB_TOKEN_BENCH: page.token,
    },
    { accountsYaml: () => yaml },
  );
  const archive = await Archive.open(h.dataDir, { rotateBytes: 1e9, operator: '' });
  const alertOf = async (postId: string, kind: string) =>
    archive.db.get<{ id: number }>(
      'SELECT a.id FROM alert a JOIN post p ON p.id = a.post_id WHERE p.platform_id = ? AND a.kind = ?',
      [postId, kind],
    );
  const until = async (what: string, fn: () => Promise<unknown>, limitMs = 30_000) => {
    const end = Date.now() + limitMs;
    while (!(await fn())) {
      if (Date.now() > end) throw new Error(`${what}: not within ${limitMs} ms`);
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  try {
    await until(
      'the backfill',
      async () => {
        // The watch row is written once the backfill is done; only then is the page a watched one.
        const row = await archive.db.get<{ n: number }>(
          'SELECT count(*) AS n FROM watch WHERE backfilled_at IS NOT NULL',
        );
        return row!.n === 1;
      },
      120_000,
    );
    const hook = `http://127.0.0.1:${h.running.port}/webhooks/meta`;
    let next = 0;
    const change = (i: number) => {
      const p = posts[next++]!;
      const kind = i % 2 ? 'deleted' : 'edited';
      if (kind === 'edited') fake.editPost(p.id, `Bericht aangepast (${i})`);
      else fake.deleteObject(p.id);
      return { p, kind, verb: kind === 'edited' ? 'edited' : 'remove' };
    };
    const deliver = async (postId: string, verb: string) => {
      const { body, signature } = fake.webhook('page', [
        { id: page.id, changes: [{ field: 'feed', value: { item: 'status', verb, post_id: postId } }] },
      ]);
      const res = await fetch(hook, {
        method: 'POST',
        body,
        headers: { 'x-hub-signature-256': signature, 'content-type': 'application/json' },
      });
      if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
    };

    const webhook: number[] = [];
    const direct: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const a = change(i);
      const t0 = performance.now();
      await deliver(a.p.id, a.verb);
      await until(`the ${a.kind} alert`, () => alertOf(a.p.id, a.kind));
      webhook.push(performance.now() - t0);

      const b = change(i);
      const id = (await archive.db.get<{ id: number }>('SELECT id FROM post WHERE platform_id = ?', [
        b.p.id,
      ]))!.id;
      const t1 = performance.now();
      await h.running.monitor.rechecker.pass({ postIds: [id] });
      await until(`the ${b.kind} alert (direct)`, () => alertOf(b.p.id, b.kind));
      direct.push(performance.now() - t1);
    }

    const burst = Array.from({ length: BURST }, (_, i) => change(i));
    const t2 = performance.now();
    await Promise.all(burst.map((c) => deliver(c.p.id, c.verb)));
    for (const c of burst) await until(`the burst's ${c.kind} alert`, () => alertOf(c.p.id, c.kind), 60_000);
    const burstMs = performance.now() - t2;

    const row = (name: string, xs: number[]) =>
      `| ${name} | ${xs.length} | ${ms(pct(xs, 50))} | ${ms(pct(xs, 95))} | ${ms(Math.max(...xs))} |`;
    console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, Node ${process.version}`);
    console.log('| route | changes | p50 | p95 | max |\n| --- | --- | --- | --- | --- |');
    console.log(row('webhook → alert', webhook));
    console.log(row('direct re-check → alert (baseline)', direct));
    console.log(`ratio (p50): ${(pct(webhook, 50) / pct(direct, 50)).toFixed(2)}`);
    console.log(`burst: ${BURST} changes delivered at once, all ${BURST} alerts in ${ms(burstMs)}`);
  } finally {
    await archive.close();
    await h.close();
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
