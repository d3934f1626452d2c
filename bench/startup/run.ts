/**
 * bench/startup: wall time of CLI commands, run as an operator runs them (the package's bin file with
 * node, and through npx), against `node -e 0`. Goal (issue 16): `archiefbot search x --json` within 3×
 * `node -e 0`, on an empty archive and on a large one (BENCH_ARCHIVE=<data dir>, e.g. the
 * 1,000,000-version archive bench/search builds). Builds dist/ first (`npm run build`: tsc, then the
 * bundled CLI in dist/cli/ that the bin file prefers) and times it with ARCHIEFBOT_FROM_DIST=1; one row
 * also times the bin file as it runs in a checkout, comparing dist/ with every source file first.
 * Each run of a command follows a run of `node -e 0`, and a row's ratio is against those baseline runs,
 * so a machine that other work slows down slows both sides of the ratio alike.
 * Run: npm run bench:startup   (BENCH_RUNS=15)
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { median, pct } from '../stats.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const root = new URL('../..', import.meta.url).pathname;
const bin = path.join(root, 'bin/archiefbot.js');

if (process.env.BENCH_NO_BUILD !== '1') {
  const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('npm run build failed');
}

const p95 = (xs: number[]) => pct(xs, 95);

function once(cmd: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): number {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { env, cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = performance.now() - t0;
  // `show 1` on an empty archive ends with exit 1 (not found): that is the command's answer, timed too.
  if (r.status !== 0 && !(args.includes('show') && r.status === 1))
    throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

interface Row {
  command: string;
  archive: string;
  p50: number;
  p95: number;
  /** p50 over the p50 of the `node -e 0` runs interleaved with this row's. */
  ratioP50: number;
}

const baseline: number[] = [];

/** RUNS runs of the command (after one untimed), each right after a timed `node -e 0`. */
function row(
  command: string,
  archive: string,
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  cwd: string,
): Row {
  once(cmd, args, env, cwd);
  const xs: number[] = [];
  const base: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    base.push(once(process.execPath, ['-e', '0'], env, cwd));
    xs.push(once(cmd, args, env, cwd));
  }
  baseline.push(...base);
  return { command, archive, p50: median(xs), p95: p95(xs), ratioP50: median(xs) / median(base) };
}

/** The newest modification time of the .ts files under a folder (as the bin file compares). */
function newest(dir: string): number {
  let max = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) max = Math.max(max, newest(p));
    else if (e.name.endsWith('.ts')) max = Math.max(max, statSync(p).mtimeMs);
  }
  return max;
}

const empty = mkdtempSync(path.join(tmpdir(), 'archiefbot-startup-'));
const archives: [string, string][] = [['empty', empty]];
if (process.env.BENCH_ARCHIVE) archives.push(['large', process.env.BENCH_ARCHIVE]);
const rows: Row[] = [];
const load0 = loadavg().map((l) => l.toFixed(2));
try {
  const env = {
    ...process.env,
    ARCHIEFBOT_LOG_LEVEL: 'silent',
    ARCHIEFBOT_FROM_SOURCE: '',
    ARCHIEFBOT_FROM_DIST: '1',
  };
  const commands: string[][] = [
    ['--help'],
    ['--version'],
    ['search', 'x', '--json'],
    ['status', '--json'],
    ['show', '1', '--json'],
    ['alerts', '--json'],
    ['capture', '--help'],
  ];
  for (const [name, dir] of archives) {
    for (const args of commands) {
      if (name === 'large' && args[0]?.startsWith('--')) continue;
      const cmdEnv = { ...env, ARCHIEFBOT_DATA_DIR: dir };
      rows.push(row(`bin ${args.join(' ')}`, name, process.execPath, [bin, ...args], cmdEnv, empty));
    }
  }
  const search = ['search', 'x', '--json'];
  // npx runs in the package's folder, where it finds the package's own bin.
  const npxArgs = ['--no-install', 'archiefbot', ...search];
  const npxEnv = { ...env, ARCHIEFBOT_DATA_DIR: empty };
  rows.push(row('npx archiefbot search x --json', 'empty', 'npx', npxArgs, npxEnv, root));
  const checkedEnv = { ...env, ARCHIEFBOT_FROM_DIST: '', ARCHIEFBOT_DATA_DIR: empty };
  const checked = row(
    'bin search x --json, dist checked against src/',
    'empty',
    process.execPath,
    [bin, ...search],
    checkedEnv,
    empty,
  );
  // Someone editing a source file meanwhile sends the bin file to tsx: say so rather than time it as dist.
  if (newest(path.join(root, 'src')) > statSync(path.join(root, 'dist/cli/cli.js')).mtimeMs)
    checked.command = 'bin search x --json, src/ newer: ran tsx';
  rows.push(checked);
  const srcEnv = {
    ...env,
    ARCHIEFBOT_FROM_SOURCE: '1',
    ARCHIEFBOT_FROM_DIST: '',
    ARCHIEFBOT_DATA_DIR: empty,
  };
  rows.push(
    row(
      'bin search x --json, from the sources (tsx)',
      'empty',
      process.execPath,
      [bin, ...search],
      srcEnv,
      empty,
    ),
  );
  rows.unshift({
    command: 'node -e 0 (baseline)',
    archive: '-',
    p50: median(baseline),
    p95: p95(baseline),
    ratioP50: 1,
  });
  for (const r of rows)
    console.log(
      `${r.command.padEnd(48)} ${r.archive.padEnd(6)} p50 ${r.p50.toFixed(0).padStart(5)} ms  p95 ${r.p95.toFixed(0).padStart(5)} ms  ×${r.ratioP50.toFixed(2)}`,
    );
  console.log(
    JSON.stringify({
      runs: RUNS,
      rows: rows.map((r) => ({
        ...r,
        p50: Math.round(r.p50),
        p95: Math.round(r.p95),
        ratioP50: Number(r.ratioP50.toFixed(2)),
      })),
      machine: `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`,
      load: { start: load0, end: loadavg().map((l) => l.toFixed(2)) },
      date: new Date().toISOString(),
    }),
  );
} finally {
  rmSync(empty, { recursive: true, force: true });
}
