/**
 * bench/chat memory: does `archiefbot serve` give back what chat commands take? It runs serve as its
 * own process (the bin file, as an operator runs it) on a private redis-server with the Slack fake,
 * sends BENCH_COMMANDS signed slash commands (status, search, help, show — real work after each
 * ack) 25 at a time, and reads serve's resident memory (/proc/<pid>/status VmRSS) idle, after 1,000
 * commands and at every further 1,000. Goal (issue 16): RSS after 10,000 within 20% of RSS after
 * 1,000. Run: npm run bench:chat-memory
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { FakeSlack } from '../../tests/fakes/slack.ts';
import { testEnv } from '../../tests/helpers/cli.ts';
import { TEST_ROLES } from '../../tests/helpers/harness.ts';
import { startRedis } from '../../tests/helpers/redis.ts';

const TOTAL = Number(process.env.BENCH_COMMANDS ?? 10_000);
const BATCH = 25;
const commands = ['status', 'search Woo-jaarrapportage', 'help', 'show 1'];

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** serve's own account of its memory (GET /healthz `memory`): RSS, V8 heap used and reserved, external. */
async function inside(base: string): Promise<Record<string, number>> {
  return ((await (await fetch(`${base}/healthz`)).json()) as { memory: Record<string, number> }).memory;
}

function rssMb(child: ChildProcess): number {
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

const redis = await startRedis();
const slack = await FakeSlack.start();
const t = testEnv();
const roles = path.join(t.dataDir, 'roles.yaml');
writeFileSync(roles, TEST_ROLES);
const port = await freePort();
const bin = new URL('../../bin/archiefbot.js', import.meta.url).pathname;
// BENCH_SNAPSHOTS=1: serve writes a heap snapshot (after a full GC) at 1,000 commands and at the end, into
// its working directory (the data dir), for a diff of what stays (Chrome DevTools, Memory tab, Comparison).
const snapshots = process.env.BENCH_SNAPSHOTS === '1';
const flags = snapshots ? ['--heapsnapshot-signal=SIGUSR2'] : [];
const child = spawn(process.execPath, [...flags, bin, 'serve', '--shell', 'off'], {
  cwd: t.dataDir,
  env: {
    ...process.env,
    ...t.env,
    ...slack.env(),
    REDIS_URL: redis.url,
    ARCHIEFBOT_ROLES: roles,
    ARCHIEFBOT_HTTP_PORT: String(port),
  },
  stdio: ['ignore', 'ignore', 'inherit'],
});
const base = `http://127.0.0.1:${port}`;
try {
  for (let i = 0; ; i++) {
    if (i > 300) throw new Error('serve did not answer /healthz within 30 s');
    const ok = await fetch(`${base}/healthz`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) break;
    await settle(100);
  }
  await settle(2000);
  const points: { commands: number; rssMb: number; [k: string]: number }[] = [
    { commands: 0, rssMb: rssMb(child) },
  ];
  console.log(`idle: ${points[0]!.rssMb} MB`);
  let sent = 0;
  while (sent < TOTAL) {
    await Promise.all(
      Array.from({ length: BATCH }, (_, i) =>
        slack
          .slashCommand(`${base}/slack/events`, {
            user: 'U_VIEWER',
            channel: 'C_BENCH',
            text: commands[(sent + i) % commands.length]!,
          })
          .then((r) => {
            if (r.status !== 200) throw new Error(`serve answered ${r.status}`);
          }),
      ),
    );
    sent += BATCH;
    if (sent % 1000 === 0) {
      await settle(1500); // the answers of the last batch go out
      points.push({ commands: sent, rssMb: rssMb(child), ...(await inside(base)) });
      if (snapshots && (sent === 1000 || sent >= TOTAL)) {
        child.kill('SIGUSR2');
        await settle(8000);
        console.log(`heap snapshot written in ${t.dataDir}`);
      }
      console.log(`${sent} commands: ${JSON.stringify(points.at(-1))}`);
    }
  }
  const at1k = points.find((p) => p.commands === 1000)?.rssMb ?? Number.NaN;
  const last = points.at(-1)!;
  console.log(
    JSON.stringify({
      commands: TOTAL,
      points,
      ratioLastTo1000: Number((last.rssMb / at1k).toFixed(2)),
      machine: `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`,
      load: loadavg().map((l) => l.toFixed(2)),
      date: new Date().toISOString(),
    }),
  );
} finally {
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  await slack.close();
  await redis.stop();
  if (!snapshots) t.cleanup();
}
