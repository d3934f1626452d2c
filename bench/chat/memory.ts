/**
 * bench/chat memory: does `archiefbot serve` give back what chat commands take? It runs serve as its
 * own process (the bin file, as an operator runs it) on a private redis-server with the Slack fake,
 * sends BENCH_COMMANDS signed slash commands (status, search, help, show — real work after each
 * ack) 25 at a time, and reads serve's resident memory (/proc/<pid>/status VmRSS) idle, after 1,000
 * commands and at every further 1,000 — each reading once every command so far is answered — with
 * the highest RSS in between (sampled every 100 ms), serve's CPU time and its own heap figures.
 * Goal (issue 16): RSS after 10,000 within 20% of RSS after 1,000. Run: npm run bench:chat-memory
 * (BENCH_COMMANDS, BENCH_IDLE_MS, BENCH_SNAPSHOTS=1, BENCH_NODE_FLAGS="--trace-gc …").
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { freePort } from '../../src/queue/redis-server.ts';
import { FakeSlack } from '../../tests/fakes/slack.ts';
import { testEnv } from '../../tests/helpers/cli.ts';
import { TEST_ROLES } from '../../tests/helpers/harness.ts';
import { startRedis } from '../../tests/helpers/redis.ts';

const TOTAL = Number(process.env.BENCH_COMMANDS ?? 10_000);
const BATCH = 25;
const IDLE_MS = Number(process.env.BENCH_IDLE_MS ?? 15_000);
const commands = ['status', 'search Woo-jaarrapportage', 'help', 'show 1'];

/** serve's own account of its memory (GET /healthz `memory`): RSS, V8 heap used and reserved, external. */
async function inside(base: string): Promise<Record<string, number>> {
  return ((await (await fetch(`${base}/healthz`)).json()) as { memory: Record<string, number> }).memory;
}

function rssMb(child: ChildProcess): number {
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

/** serve's CPU time so far (user + system, seconds): what collecting more often costs. */
function cpuS(child: ChildProcess): number {
  const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return Math.round((Number(fields[11]) + Number(fields[12])) / 10) / 10; // utime, stime in 1/100 s
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
// BENCH_NODE_FLAGS: more flags for serve's node (--cpu-prof, --heap-prof, --trace-gc, V8 options), space-separated.
const extra = (process.env.BENCH_NODE_FLAGS ?? '').split(/\s+/).filter(Boolean);
const flags = [...(snapshots ? ['--heapsnapshot-signal=SIGUSR2'] : []), ...extra];
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
  stdio: ['ignore', extra.length ? 'inherit' : 'ignore', 'inherit'], // --trace-gc writes to stdout
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
  // The RSS between two readings is a saw (V8 lets garbage gather in its old space, then collects it):
  // its highest point per 1,000 commands, sampled every 100 ms, is reported beside each reading.
  let peak = 0;
  const sampler = setInterval(() => {
    peak = Math.max(peak, rssMb(child));
  }, 100);
  let sent = 0;
  const backlog: { commands: number; behind: number; catchUpMs: number }[] = [];
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
      // Measured once every command so far is answered: serve acknowledges at once and works through
      // one channel's commands in order, so under this flood it can be thousands behind (their work
      // still in memory) when the last acknowledgement arrives.
      const behind = sent - slack.posts.length;
      const waited = Date.now();
      await slack.waitFor(() => slack.posts.length >= sent, 300_000, `the answers to ${sent} commands`);
      await settle(1500);
      backlog.push({ commands: sent, behind, catchUpMs: Date.now() - waited });
      points.push({
        commands: sent,
        rssMb: rssMb(child),
        peakMb: Math.max(peak, rssMb(child)),
        cpuS: cpuS(child),
        ...(await inside(base)),
      });
      peak = 0;
      if (snapshots && (sent === 1000 || sent >= TOTAL)) {
        await settle(11_000); // what lives only as long as a request's timers (10 s) is gone
        child.kill('SIGUSR2');
        await settle(8000);
        console.log(`heap snapshot written in ${t.dataDir}`);
      }
      console.log(`${sent} commands: ${JSON.stringify(points.at(-1))}`);
    }
  }
  clearInterval(sampler);
  const at1k = points.find((p) => p.commands === 1000)!;
  const last = points.at(-1)!;
  // And once serve has been idle for a while (V8's memory reducer starts 8 s after allocation stops).
  await settle(IDLE_MS);
  const idleAfter = rssMb(child);
  console.log(
    JSON.stringify({
      commands: TOTAL,
      points,
      ratioLastTo1000: Number((last.rssMb / at1k.rssMb).toFixed(2)),
      // The highest RSS of the last 1,000 commands against that of the first 1,000 (start-up included).
      peakRatio: Number((last.peakMb! / at1k.peakMb!).toFixed(2)),
      idleAfterMs: IDLE_MS,
      idleAfterMb: idleAfter,
      backlog,
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
