/**
 * The configuration without zod and YAML at start-up (issue 16): `npm run build` validates
 * config/default.yaml once (src/cli/config-snapshot.ts) and puts the result into the bundled CLI
 * (scripts/bundle-cli.js). At run time that result answers as long as config/default.yaml is still
 * the text it was made from, no ARCHIEFBOT_CONFIG file is named, and every configuration variable that
 * is set goes to a key that takes any non-empty text as it is (ARCHIEFBOT_DATA_DIR, the tokens, …):
 * then it is exactly what loadConfig (src/config.ts) returns. Anything else — a number, a URL, a file
 * of overrides, an edited default.yaml, the sources run through tsx — goes through loadConfig, which
 * also reports every mistake.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config.ts';
import { finishConfig, setPath } from '../config-env.ts';
import { PACKAGE_ROOT } from '../version.ts';

export interface ConfigSnapshot {
  /** The text of config/default.yaml the snapshot was made from. */
  source: string;
  /** That file validated (loadConfig's result before the environment and the final touches). */
  defaults: unknown;
  /** Per configuration variable: the key it sets, and whether any non-empty text is taken as it is. */
  env: Record<string, { key: string; verbatim: boolean }>;
}

/** Replaced by the bundler with the snapshot made at build time; not defined in the sources. */
declare const ARCHIEFBOT_CONFIG_SNAPSHOT: ConfigSnapshot | null | undefined;

/** The snapshot built into this program: undefined when running the sources (tsx, dist/src, the tests). */
export const BUILT_SNAPSHOT: ConfigSnapshot | null | undefined =
  typeof ARCHIEFBOT_CONFIG_SNAPSHOT === 'undefined' ? undefined : ARCHIEFBOT_CONFIG_SNAPSHOT;

export const DEFAULTS_FILE = path.join(PACKAGE_ROOT, 'config', 'default.yaml');

/** loadConfig(env)'s result from the snapshot, or undefined when only loadConfig can tell. */
export function configFromSnapshot(
  snapshot: ConfigSnapshot | null | undefined,
  env: NodeJS.ProcessEnv,
): Config | undefined {
  if (!snapshot || env.ARCHIEFBOT_CONFIG) return undefined;
  const set: [string, string][] = [];
  for (const [name, { key, verbatim }] of Object.entries(snapshot.env)) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    if (!verbatim) return undefined;
    set.push([key, value]);
  }
  if (defaultsText() !== snapshot.source) return undefined;
  const config = structuredClone(snapshot.defaults) as Config;
  for (const [key, value] of set) setPath(config as unknown as Record<string, unknown>, key, value);
  return finishConfig(config); // as loadConfig finishes; tests/cli-config.test.ts compares the two
}

/**
 * config/default.yaml as this process first read it (null: unreadable): start-up asks twice (prepareConfig,
 * then the command's ctx.config()), and a running process keeps its configuration anyway.
 */
let defaults: string | null | undefined;

function defaultsText(): string | null {
  if (defaults === undefined) {
    try {
      defaults = readFileSync(DEFAULTS_FILE, 'utf8');
    } catch {
      defaults = null;
    }
  }
  return defaults;
}
