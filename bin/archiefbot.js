#!/usr/bin/env node
// Runs the compiled JavaScript in dist/ (built by `npm ci` through the `prepare` script, or `npm run
// build`) when it is at least as new as every source file; otherwise the TypeScript sources directly
// through tsx, so an edited checkout never runs stale code. ARCHIEFBOT_FROM_SOURCE=1 forces the sources;
// ARCHIEFBOT_FROM_DIST=1 trusts dist/ without comparing (an installation that is built once and never
// edited, and bench/startup, which must time the compiled program only).
import { readdirSync, statSync } from 'node:fs';

const root = new URL('..', import.meta.url);
const built = new URL('dist/src/cli.js', root);

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

function fresh() {
  if (process.env.ARCHIEFBOT_FROM_SOURCE === '1') return false;
  if (process.env.ARCHIEFBOT_FROM_DIST === '1') return true;
  try {
    return statSync(built).mtimeMs >= newest(new URL('src', root).pathname);
  } catch {
    return false;
  }
}

let main;
if (fresh()) {
  ({ main } = await import(built.href));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/cli.ts'));
}
process.exitCode = await main(process.argv);
// The command is done (serve returns only when it stops): nothing may keep the process alive after it.
setTimeout(() => process.exit(), 3000).unref();
