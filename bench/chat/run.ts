/**
 * bench/chat: acknowledgement latency of chat commands through `serve` — 50 concurrent Slack slash
 * commands and 50 concurrent Teams activities per round — against a baseline measured in the same
 * run on the same server: 50 concurrent GET /healthz. Run: npm run bench:chat
 */
import { cpus } from 'node:os';
import { teamsActivity } from '../../tests/drivers/teams.ts';
import { FakeSlack } from '../../tests/fakes/slack.ts';
import { FakeTeamsConnector } from '../../tests/fakes/teams.ts';
import { startHarness } from '../../tests/helpers/harness.ts';
import { pct } from '../stats.ts';

const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 50);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 10);

async function timed(fn: () => Promise<{ status: number }>, expect: number): Promise<number> {
  const t0 = performance.now();
  const { status } = await fn();
  const ms = performance.now() - t0;
  if (status !== expect) throw new Error(`answered ${status}, expected ${expect}`);
  return ms;
}

const slack = await FakeSlack.start();
const teams = await FakeTeamsConnector.start();
const h = await startHarness({ ...slack.env(), TEAMS_ENABLED: 'true', NODE_ENV: 'test' });
const base = `http://127.0.0.1:${h.running.port}`;
const samples = { healthz: [] as number[], slack: [] as number[], teams: [] as number[] };
let n = 0;

// Commands that do real work after the ack: the archive's status and a search (a capture would be
// deduplicated after the first): the ack must not wait for them.
const commands = ['status', 'search Woo-jaarrapportage', 'help', 'show 1'];
await (async () => {
  // Warm up once (JIT, connection pools), not measured.
  await fetch(`${base}/healthz`);
})();
for (let round = 0; round < ROUNDS; round++) {
  samples.healthz.push(
    ...(await Promise.all(
      Array.from({ length: CONCURRENCY }, () =>
        timed(async () => {
          const r = await fetch(`${base}/healthz`);
          await r.text();
          return r;
        }, 200),
      ),
    )),
  );
  samples.slack.push(
    ...(await Promise.all(
      Array.from({ length: CONCURRENCY }, (_, i) =>
        timed(
          () =>
            slack.slashCommand(`${base}/slack/events`, {
              user: 'U_VIEWER',
              channel: 'C_BENCH',
              text: commands[i % commands.length]!,
            }),
          200,
        ),
      ),
    )),
  );
  samples.teams.push(
    ...(await Promise.all(
      Array.from({ length: CONCURRENCY }, (_, i) =>
        timed(async () => {
          const res = await fetch(`${base}/api/messages`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(
              teamsActivity({
                id: `bench-${++n}`,
                text: commands[i % commands.length]!,
                from: { id: '29:viewer-user' },
                serviceUrl: teams.serviceUrl,
              }),
            ),
          });
          await res.text();
          return res;
        }, 200),
      ),
    )),
  );
}
await new Promise((r) => setTimeout(r, 1000)); // let the answers go out before stopping
await h.close();
await slack.close();
await teams.close();

const row = (name: string, xs: number[]) => ({
  name,
  samples: xs.length,
  p50: Number(pct(xs, 50).toFixed(1)),
  p99: Number(pct(xs, 99).toFixed(1)),
  max: Number(Math.max(...xs).toFixed(1)),
});
const rows = [
  row('healthz (baseline)', samples.healthz),
  row('slack slash command', samples.slack),
  row('teams activity', samples.teams),
];
for (const r of rows)
  console.log(`${r.name.padEnd(22)} n=${r.samples} p50 ${r.p50} ms  p99 ${r.p99} ms  max ${r.max} ms`);
const summary = {
  concurrency: CONCURRENCY,
  rounds: ROUNDS,
  rows,
  ratioP99: {
    slack: Number((rows[1]!.p99 / rows[0]!.p99).toFixed(2)),
    teams: Number((rows[2]!.p99 / rows[0]!.p99).toFixed(2)),
  },
  machine: `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`,
  date: new Date().toISOString(),
};
console.log(JSON.stringify(summary));
