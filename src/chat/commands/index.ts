/**
 * The registry: every chat command, in the order `help` lists them. A new command is one file in
 * this folder (its spec, its role, `run`) and one line here.
 */
import type { Command } from '../command.ts';
import { alerts } from './alerts.ts';
import { ask } from './ask.ts';
import { capture } from './capture.ts';
import { exportCommand } from './export.ts';
import { help } from './help.ts';
import { history } from './history.ts';
import { hold } from './hold.ts';
import { importCommand } from './import.ts';
import { kb } from './kb.ts';
import { language } from './language.ts';
import { search } from './search.ts';
import { show } from './show.ts';
import { status } from './status.ts';
import { unwatch } from './unwatch.ts';
import { watch } from './watch.ts';
import { watching } from './watching.ts';

export const COMMANDS: readonly Command[] = [
  capture,
  show,
  history,
  search,
  status,
  help,
  ask,
  watch,
  unwatch,
  watching,
  alerts,
  language,
  kb,
  importCommand,
  exportCommand,
  hold,
];
