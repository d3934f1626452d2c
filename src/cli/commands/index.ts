/**
 * The CLI's commands, one module each: `register(program, ctx)` adds the command (its arguments, options,
 * help and action) to the program. Adding a command is adding a file here and one line to this list;
 * the order is the order of `archiefbot --help`.
 */
import type { Command } from 'commander';
import type { CliContext } from '../context.ts';
import * as alerts from './alerts.ts';
import * as ask from './ask.ts';
import * as capture from './capture.ts';
import * as demo from './demo.ts';
import * as history from './history.ts';
import * as kb from './kb.ts';
import * as recheck from './recheck.ts';
import * as seal from './seal.ts';
import * as search from './search.ts';
import * as serve from './serve.ts';
import * as show from './show.ts';
import * as status from './status.ts';
import * as unwatch from './unwatch.ts';
import * as verify from './verify.ts';
import * as watch from './watch.ts';
import * as watching from './watching.ts';
import * as worker from './worker.ts';

export interface CliCommand {
  register(program: Command, ctx: CliContext): void;
}

export const COMMANDS: readonly CliCommand[] = [
  capture,
  show,
  history,
  search,
  status,
  verify,
  seal,
  watch,
  unwatch,
  watching,
  recheck,
  alerts,
  serve,
  worker,
  ask,
  kb,
  demo,
];
