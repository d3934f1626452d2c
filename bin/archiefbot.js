#!/usr/bin/env node
// Runs the TypeScript sources directly (tsx), so `npx archiefbot` works straight after `npm ci`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli.ts');
process.exitCode = await main(process.argv);
// The command is done (serve returns only when it stops): nothing may keep the process alive after it.
setTimeout(() => process.exit(), 3000).unref();
