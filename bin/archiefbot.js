#!/usr/bin/env node
// Runs the compiled JavaScript (built by `npm ci` through the `prepare` script, or `npm run build`) when
// it is at least as new as every source file: the bundled CLI in dist/cli/ (a few files per command,
// the fastest start), else tsc's output in dist/src/ (when esbuild was not there to bundle); otherwise
// the TypeScript sources directly through tsx, so an edited checkout never runs stale code.
// ARCHIEFBOT_FROM_SOURCE=1 forces the sources; ARCHIEFBOT_FROM_DIST=1 trusts dist/ without comparing
// (an installation that is built once and never edited, and bench/startup, which must time the
// compiled program only).
import { readdirSync, statSync } from 'node:fs';

const root = new URL('..', import.meta.url);

/** The newest modification time (ms) of the .ts files under a folder. */
function newest(dir) {
  let max = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = `${dir}/${e.name}`;
    if (e.isDirectory()) max = Math.max(max, newest(p));
    else if (e.name.endsWith('.ts')) max = Math.max(max, statSync(p).mtimeMs);
  }
  return max;
}

/** The first build that exists and (unless trusted) is not older than the sources. */
function build() {
  if (process.env.ARCHIEFBOT_FROM_SOURCE === '1') return undefined;
  const trusted = process.env.ARCHIEFBOT_FROM_DIST === '1';
  let sources;
  for (const file of ['dist/cli/cli.js', 'dist/src/cli.js']) {
    const url = new URL(file, root);
    try {
      const built = statSync(url).mtimeMs;
      if (trusted) return url;
      sources ??= newest(new URL('src', root).pathname);
      if (built >= sources) return url;
    } catch {}
  }
  return undefined;
}

const built = build();
let main;
if (built) {
  ({ main } = await import(built.href));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/cli.ts'));
}
process.exitCode = await main(process.argv);
// The command is done (serve returns only when it stops): nothing may keep the process alive after it.
setTimeout(() => process.exit(), 3000).unref();
// When nothing is left to do, end at once: without freeing the heap and the module graph first, which
// takes longer than the command itself on a quick one (the 'exit' listeners still run, stdout is written).
process.once('beforeExit', () => process.exit());
