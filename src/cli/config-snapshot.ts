/**
 * Build time only (scripts/bundle-cli.js): config/default.yaml validated with the configuration's
 * schema, for the bundled CLI to start without zod and YAML (src/cli/config-fast.ts).
 */
import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { CONFIG_SCHEMA, readYamlFile } from '../config.ts';
import { ENV_KEYS } from '../config-env.ts';
import { type ConfigSnapshot, DEFAULTS_FILE } from './config-fast.ts';

/** The snapshot of `file` (default.yaml); null when it is not valid (loadConfig will say why). */
export function configSnapshot(file = DEFAULTS_FILE): ConfigSnapshot | null {
  try {
    const source = readFileSync(file, 'utf8');
    const parsed = CONFIG_SCHEMA.safeParse(readYamlFile(file).data);
    if (!parsed.success) return null;
    const env: ConfigSnapshot['env'] = {};
    for (const [name, key] of Object.entries(ENV_KEYS))
      env[name] = { key, verbatim: takesTextAsIs(schemaAt(CONFIG_SCHEMA, key)) };
    return { source, defaults: parsed.data, env };
  } catch {
    return null;
  }
}

interface Def {
  type: string;
  format?: string;
  checks?: Array<{ _zod: { def: { check: string; minimum?: number } } }>;
  innerType?: z.ZodType;
  shape?: Record<string, z.ZodType>;
}

const defOf = (s: z.ZodType) => (s as unknown as { _zod: { def: Def } })._zod.def;

function schemaAt(schema: z.ZodType, dotted: string): z.ZodType | undefined {
  let s: z.ZodType | undefined = schema;
  for (const k of dotted.split('.')) s = s && defOf(s).shape?.[k];
  return s;
}

/** Whether the schema accepts every non-empty string and returns it unchanged (z.string(), .min(1), .default). */
function takesTextAsIs(s: z.ZodType | undefined): boolean {
  if (!s) return false;
  const def = defOf(s);
  const checks = def.checks ?? [];
  if (def.type === 'default' || def.type === 'optional')
    return checks.length === 0 && takesTextAsIs(def.innerType);
  return (
    def.type === 'string' &&
    def.format === undefined &&
    checks.every((c) => c._zod.def.check === 'min_length' && (c._zod.def.minimum ?? 0) <= 1)
  );
}
