import type { Command } from 'commander';
import type { Config } from '../config.ts';

export interface KbCliDeps {
  io: { out: (text: string) => void; err: (text: string) => void };
  config: () => Config;
}

/** Registers the knowledge-base commands (`ask`, `kb …`) on the CLI. Filled in by the knowledge-base work. */
export function registerKbCommands(_program: Command, _deps: KbCliDeps): void {}
