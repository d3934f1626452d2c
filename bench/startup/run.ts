/**
 * bench/startup: wall time of CLI commands, run as an operator runs them (the package's bin file with
 * node, and through npx), against `node -e 0` in the same run. Goal (issue 16): `archiefbot search x
 * --json` within 3× `node -e 0`, on an empty archive and on a large one (BENCH_ARCHIVE=<data dir>,
 * e.g. the 1,000,000-version archive bench/search builds). Builds dist/ first (`npm run build`: tsc, then
 * the bundled CLI in dist/cli/ that the bin file prefers) and times it with ARCHIEFBOT_FROM_DIST=1; one
 * row also times the bin file as it runs in a checkout, comparing dist/ with every source file first.
 * Run: npm run bench:startup   (BENCH_RUNS=15)
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
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

function time(cmd: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const r = spawnSync(cmd, args, { env, cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    const ms = performance.now() - t0;
    // `show 1` on an empty archive ends with exit 1 (not found): that is the command's answer, timed too.
    if (r.status !== 0 && !(args.includes('show') && r.status === 1))
      throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
    out.push(ms);
  }
  return out;
}

const empty = mkdtempSync(path.join(tmpdir(), 'archiefbot-startup-'));
const archives: [string, string][] = [['empty', empty]];
if (process.env.BENCH_ARCHIVE) archives.push(['large', process.env.BENCH_ARCHIVE]);
const rows: { command: string; archive: string; p50: number; p95: number; ratioP50: number }[] = [];
try {
  const env = {
    ...process.env,
    ARCHIEFBOT_LOG_LEVEL: 'silent',
    ARCHIEFBOT_FROM_SOURCE: '',
    ARCHIEFBOT_FROM_DIST: '1',
  };
  const base = time(process.execPath, ['-e', '0'], env, empty);
  const baseP50 = median(base);
  rows.push({ command: 'node -e 0 (baseline)', archive: '-', p50: baseP50, p95: p95(base), ratioP50: 1 });
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
      const xs = time(process.execPath, [bin, ...args], { ...env, ARCHIEFBOT_DATA_DIR: dir }, empty);
      rows.push({
        command: `bin ${args.join(' ')}`,
        archive: name,
        p50: median(xs),
        p95: p95(xs),
        ratioP50: median(xs) / baseP50,
      });
    }
  }
  const npx = time(
    'npx',
    ['--no-install', 'archiefbot', 'search', 'x', '--json'],
    { ...env, ARCHIEFBOT_DATA_DIR: empty },
    root,
  );
  rows.push({
    command: 'npx archiefbot search x --json',
    archive: 'empty',
    p50: median(npx),
    p95: p95(npx),
    ratioP50: median(npx) / baseP50,
  });
  const checked = time(
    process.execPath,
    [bin, 'search', 'x', '--json'],
    { ...env, ARCHIEFBOT_FROM_DIST: '', ARCHIEFBOT_DATA_DIR: empty },
    empty,
  );
  rows.push({
    command: 'bin search x --json, dist checked against src/',
    archive: 'empty',
    p50: median(checked),
    p95: p95(checked),
    ratioP50: median(checked) / baseP50,
  });
  const src = time(
    process.execPath,
    [bin, 'search', 'x', '--json'],
    { ...env, ARCHIEFBOT_FROM_SOURCE: '1', ARCHIEFBOT_FROM_DIST: '', ARCHIEFBOT_DATA_DIR: empty },
    empty,
  );
  rows.push({
    command: 'bin search x --json, from the sources (tsx)',
    archive: 'empty',
    p50: median(src),
    p95: p95(src),
    ratioP50: median(src) / baseP50,
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
      load: loadavg().map((l) => l.toFixed(2)),
      date: new Date().toISOString(),
    }),
  );
} finally {
  rmSync(empty, { recursive: true, force: true });
}
