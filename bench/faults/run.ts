/**
 * bench/faults: does the archive survive the faults of issue 10? N captures and backfills of the
 * loopback Mastodon fake, each child CLI killed with SIGKILL at a random moment after its WARC bytes
 * begin to grow; one capture on a full disk (a small tmpfs, or an injected ENOSPC where mounting is
 * refused); serve's private Redis killed and wiped with 24 queued chat captures. Prints survived/total
 * for each and a JSON line. Run: npm run bench:faults (BENCH_KILLS, BENCH_POSTS, BENCH_MINUTES; BENCH_TMPFS=0 injects the ENOSPC
 * instead of mounting)
 */
import { randomBytes } from 'node:crypto';
import { cpus, loadavg, totalmem } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { Archive } from '../../src/store/archive.ts';
import { FakeMastodon } from '../../tests/fakes/mastodon.ts';
import { cli } from '../../tests/helpers/cli.ts';
import { benchEnv, fill, injectEnospc, mountTmpfs, Scratch, warcBytes } from './harness.ts';
import { warcCensus } from './records.ts';
import { redisWipe } from './redis.ts';

const KILLS = Number(process.env.BENCH_KILLS ?? 100);
/** Posts of each account backfilled under kills; a new account when one completes. */
const POSTS = Number(process.env.BENCH_POSTS ?? 2000);
/** The time limit of the whole bench; each part stops when it is reached. */
const DEADLINE = Date.now() + Number(process.env.BENCH_MINUTES ?? 30) * 60_000;
const WARC = { rotateBytes: 1e9, operator: '' };

// Random bytes: gzip (per WARC record) cannot shrink them, so the photo really takes 600 kB.
const image = () => ({ bytes: randomBytes(600_000), contentType: 'image/png' });

type Outcome = { killed: true } | { killed: false; code: number; stderr: string };

/** Starts a capture and kills it (SIGKILL) a random moment (up to `ms`) after its WARC bytes grow. */
async function killMidWrite(s: Scratch, env: NodeJS.ProcessEnv, dataDir: string, url: string, ms: number) {
  const before = warcBytes(dataDir);
  const child = s.start(env, 'capture', url, '--json');
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  child.stdout!.resume();
  let exit: number | null = null;
  const exited = new Promise<void>((resolve) =>
    child.on('exit', (code) => {
      exit = code ?? -1;
      resolve();
    }),
  );
  const deadline = Date.now() + 30_000;
  while (exit === null && warcBytes(dataDir) <= before && Date.now() < deadline) await sleep(5);
  await sleep(Math.random() * ms);
  const killed = exit === null && child.kill('SIGKILL');
  await exited; // reaped: the process is gone, not a zombie
  return (killed ? { killed: true } : { killed: false, code: exit!, stderr }) as Outcome;
}

/** After a kill: the next open recovers; then no orphan, no tail, nothing running, and verify passes. */
async function afterKill(env: NodeJS.ProcessEnv, dataDir: string) {
  const archive = await Archive.open(dataDir, WARC);
  const problems: string[] = [];
  let cut = 0;
  let interrupted = 0;
  try {
    cut = archive.recovery.cut.length + archive.recovery.removed.length;
    interrupted = archive.recovery.interrupted.length;
    const census = await warcCensus(archive);
    problems.push(...census.orphans.map((o) => `orphan ${o}`), ...census.tails.map((t) => `tail ${t}`));
    const running = await archive.db.get<{ n: number }>(
      `SELECT count(*) AS n FROM capture WHERE status = 'running'`,
    );
    if (running!.n) problems.push(`${running!.n} captures running`);
  } finally {
    await archive.close();
  }
  const verify = await cli(env, 'verify', '--json');
  if (verify.code !== 0)
    problems.push(
      `verify exit ${verify.code}: ${JSON.stringify(verify.json?.problems ?? verify.stderr).slice(0, 300)}`,
    );
  return { problems, cut, interrupted };
}

async function kills(s: Scratch, m: FakeMastodon) {
  const dataDir = s.dir('archiefbot-bench-kills-');
  const env = benchEnv(dataDir);
  const accounts: string[] = [];
  const account = () => {
    const name = `kill${accounts.length + 1}`;
    m.addAccount({ username: name });
    m.addStatuses(POSTS, name, (i) => `<p>Bericht ${i} van ${name} over de begroting en het woo-verzoek</p>`);
    accounts.push(name);
    return name;
  };
  m.addAccount({ username: 'foto' });
  let current = account();
  const r = { total: 0, survived: 0, finished: 0, cut: 0, interrupted: 0, failures: [] as string[] };
  const t0 = performance.now();
  for (let attempt = 0; r.total < KILLS && attempt < KILLS * 3 && Date.now() < DEADLINE; attempt++) {
    // Backfill pages and single posts with a 600 kB photo, in turn.
    const backfill = attempt % 2 === 0;
    const url = backfill
      ? `${m.url}/@${current}`
      : m.addStatus({ username: 'foto', content: `<p>Foto ${attempt}</p>`, media: [image()] }).url;
    const outcome = await killMidWrite(s, env, dataDir, url, backfill ? 300 : 60);
    if (!outcome.killed) {
      // Done before the kill came: not a kill. A backfill that completed makes way for a new account.
      r.finished++;
      if (outcome.code !== 0)
        r.failures.push(`capture ${url} exit ${outcome.code}: ${outcome.stderr.slice(0, 200)}`);
      else if (backfill) current = account();
      continue;
    }
    r.total++;
    const after = await afterKill(env, dataDir);
    r.cut += after.cut;
    r.interrupted += after.interrupted;
    if (after.problems.length === 0) r.survived++;
    else
      r.failures.push(
        `kill ${r.total} (${backfill ? 'backfill' : 'post'}): ${after.problems.slice(0, 3).join('; ')}`,
      );
    if (r.total % 10 === 0) console.log(`  ${r.total} kills, ${r.survived} survived`);
  }
  const seconds = (performance.now() - t0) / 1000;
  // The end: the last backfill runs to its end; every account's posts are there, each once.
  const done = await s.run(env, 300_000, 'capture', `${m.url}/@${current}`, '--json');
  const end = await endState(env, dataDir, accounts);
  if (done.code !== 0) end.problems.unshift(`final backfill exit ${done.code}: ${done.stderr.slice(0, 300)}`);
  return { ...r, seconds, accounts: accounts.length, end };
}

async function endState(env: NodeJS.ProcessEnv, dataDir: string, accounts: string[]) {
  const problems: string[] = [];
  const archive = await Archive.open(dataDir, WARC);
  try {
    const census = await warcCensus(archive);
    if (census.orphans.length + census.tails.length)
      problems.push(`${census.orphans.length} orphans, ${census.tails.length} tails after recovery`);
    const running = await archive.db.get<{ n: number }>(
      `SELECT count(*) AS n FROM capture WHERE status = 'running'`,
    );
    if (running!.n) problems.push(`${running!.n} captures running`);
    for (const name of accounts) {
      const row = await archive.db.get<{ posts: number; stored: number; status: string | null }>(
        `SELECT (SELECT count(*) FROM post WHERE url LIKE ?) AS stored,
                (SELECT max(posts) FROM backfill WHERE url LIKE ? AND status = 'done') AS posts,
                (SELECT group_concat(status) FROM backfill WHERE url LIKE ?) AS status`,
        [`%/@${name}/%`, `%/@${name}`, `%/@${name}`],
      );
      if (row!.stored !== POSTS || row!.posts !== POSTS)
        problems.push(
          `@${name}: ${row!.stored} posts stored, backfill counted ${row!.posts} (${row!.status}), expected ${POSTS}`,
        );
    }
    return { problems, records: census.records, files: census.files, verify: await verifies(env) };
  } finally {
    await archive.close();
  }
}

async function verifies(env: NodeJS.ProcessEnv): Promise<boolean> {
  return (await cli(env, 'verify', '--json')).code === 0;
}

/** One capture on a full disk: disk-full, verify passes; space freed: the next capture and verify pass. */
async function fullDisk(s: Scratch, m: FakeMastodon) {
  const tmpfs = process.env.BENCH_TMPFS === '0' ? null : mountTmpfs(s, '4m');
  const dataDir = tmpfs ? `${tmpfs}/data` : s.dir('archiefbot-bench-disk-');
  const env = benchEnv(dataDir);
  const run = async (...args: string[]) =>
    tmpfs ? s.run(env, 120_000, ...args) : { ...(await cli(env, ...args)) };
  const steps: string[] = [];
  const check = (ok: boolean, what: string) => {
    steps.push(`${ok ? 'ok' : 'FAILED'}: ${what}`);
    return ok;
  };
  m.addAccount({ username: 'vol' });
  const first = m.addStatus({ username: 'vol', content: '<p>Voor de schijf vol was</p>' });
  const big = m.addStatus({ username: 'vol', content: '<p>Met een grote foto</p>', media: [image()] });
  let ok = check((await run('capture', first.url, '--json')).code === 0, 'a capture before the disk is full');
  let filler: string | null = null;
  let restore = () => {};
  if (tmpfs) filler = fill(tmpfs, 200_000);
  else restore = await injectEnospc();
  const failed = await run('capture', big.url, '--json').finally(restore);
  ok &&= check(
    failed.code === 1 && failed.json?.error?.code === 'disk-full' && !/\n\s+at /.test(failed.stderr),
    `the capture on a full disk says disk-full (exit ${failed.code}, ${failed.json?.error?.code ?? failed.stderr.slice(0, 200)})`,
  );
  const verifyFull = await run('verify', '--json');
  ok &&= check(
    verifyFull.code === 0,
    `verify on the full disk (${JSON.stringify(verifyFull.json?.problems ?? verifyFull.stderr).slice(0, 200)})`,
  );
  if (filler) (await import('node:fs')).rmSync(filler);
  const again = await run('capture', big.url, '--json');
  ok &&= check(again.code === 0, `the capture once space is freed (exit ${again.code})`);
  ok &&= check((await run('verify', '--json')).code === 0, 'verify after it');
  const archive = await Archive.open(dataDir, WARC);
  const census = await warcCensus(archive).finally(() => archive.close());
  ok &&= check(
    census.orphans.length + census.tails.length === 0,
    `no orphans or tails (${census.orphans.length}, ${census.tails.length})`,
  );
  return {
    survived: ok ? 1 : 0,
    total: 1,
    mode: tmpfs ? 'tmpfs 4 MB, 200 kB left' : 'injected short write + ENOSPC',
    steps,
  };
}

const scratch = new Scratch();
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => void scratch.clean().finally(() => process.exit(130)));
const load = loadavg()[0]!.toFixed(1);
const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
console.log(`machine: ${machine}; load ${load} at start`);
let exitCode = 0;
try {
  const m = await FakeMastodon.start();
  scratch.later(() => m.close());
  const t0 = performance.now();
  console.log(`kill -9: ${KILLS} captures and backfills (accounts of ${POSTS} posts), each killed mid-write`);
  const k = await kills(scratch, m);
  const killsOk = k.survived === k.total && k.end.problems.length === 0 && k.end.verify;
  console.log(
    `kill -9: survived ${k.survived}/${k.total} (${k.finished} finished before the kill; recovery cut ${k.cut} files, interrupted ${k.interrupted} captures) in ${k.seconds.toFixed(1)} s, ${(k.total / k.seconds).toFixed(2)} kills/s`,
  );
  console.log(
    `  end: ${k.accounts} accounts backfilled, ${k.end.records} records in ${k.end.files} files, verify ${k.end.verify ? 'ok' : 'FAILED'}${k.end.problems.length ? `; ${k.end.problems.join('; ')}` : ''}`,
  );
  for (const f of k.failures.slice(0, 10)) console.log(`  ${f}`);
  const d = await fullDisk(scratch, m);
  console.log(`full disk (${d.mode}): survived ${d.survived}/${d.total}`);
  for (const step of d.steps) console.log(`  ${step}`);
  const r = await redisWipe(scratch, DEADLINE);
  console.log(
    `Redis wipe: answered ${r.answered}/${r.total} (${r.seconds.toFixed(1)} s from the wipe)${r.error ? `; ${r.error}` : ''}`,
  );
  if (!killsOk || d.survived !== d.total || r.answered !== r.total) exitCode = 1;
  console.log(
    JSON.stringify({
      kills: {
        total: k.total,
        survived: k.survived,
        finishedBeforeKill: k.finished,
        seconds: Number(k.seconds.toFixed(1)),
        killsPerSecond: Number((k.total / k.seconds).toFixed(2)),
        endOk: k.end.problems.length === 0 && k.end.verify,
        records: k.end.records,
      },
      fullDisk: { survived: d.survived, total: d.total, mode: d.mode },
      redisWipe: { answered: r.answered, total: r.total },
      seconds: Number(((performance.now() - t0) / 1000).toFixed(1)),
      machine,
      load: Number(load),
      date: new Date().toISOString(),
    }),
  );
} catch (err) {
  console.error(err);
  exitCode = 2;
} finally {
  await scratch.clean();
}
process.exit(exitCode);
