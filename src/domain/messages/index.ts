/** The whole catalogue: one file per area, merged here; a key must be unique across areas. */
import { bots } from './bots.ts';
import { capture } from './capture.ts';
import { chat } from './chat.ts';
import { cli } from './cli.ts';
import { community } from './community.ts';
import { errors } from './errors.ts';
import { exportMessages } from './export.ts';
import { importMessages } from './import.ts';
import { kb } from './kb.ts';
import { monitor } from './monitor.ts';
import { seal } from './seal.ts';
import { usecases } from './usecases.ts';
import { viewer } from './viewer.ts';

export const AREAS = {
  bots,
  capture,
  chat,
  cli,
  community,
  errors,
  export: exportMessages,
  import: importMessages,
  kb,
  monitor,
  seal,
  usecases,
  viewer,
};

export const MESSAGES = {
  ...bots,
  ...capture,
  ...chat,
  ...cli,
  ...community,
  ...errors,
  ...exportMessages,
  ...importMessages,
  ...kb,
  ...monitor,
  ...seal,
  ...usecases,
  ...viewer,
};
