/**
 * The layers import one way (README, "Architecture"): a module may import its own folder and the
 * folders of lower layers, never a higher layer or a sibling folder of the same layer. The bottom
 * (domain and the root modules config, version, log) and the top (the composition roots and the CLI)
 * may use each other within their layer.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/** Folder (or root module) → layer; lower numbers are lower layers. */
const LAYERS: Record<string, number> = {
  domain: 0,
  'config.ts': 0,
  'config-env.ts': 0,
  'version.ts': 0,
  'log.ts': 0,
  store: 1,
  kb: 2,
  capture: 3,
  export: 3,
  monitor: 4,
  queue: 4,
  usecases: 5,
  chat: 6,
  bots: 7,
  viewer: 7,
  demo: 8,
  cli: 9,
  'cli.ts': 9,
  'serve.ts': 9,
  'worker.ts': 9,
};

const SRC = path.resolve(import.meta.dirname, '../src');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : [],
  );
}

function unitOf(file: string): string {
  return path.relative(SRC, file).split(path.sep)[0]!;
}

function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) => m[1]!);
  return specs.map((s) => path.resolve(path.dirname(file), s));
}

describe('layers', () => {
  it('every folder of src/ has a layer', () => {
    const units = new Set(files(SRC).map(unitOf));
    expect([...units].filter((u) => !(u in LAYERS))).toEqual([]);
  });

  it('no module imports a higher layer or a sibling folder of its own layer', () => {
    const wrong: string[] = [];
    for (const file of files(SRC)) {
      const from = unitOf(file);
      for (const target of imports(file)) {
        const to = unitOf(target);
        if (to === from) continue;
        const [a, b] = [LAYERS[from]!, LAYERS[to]!];
        if (b > a || (b === a && a !== 0 && a !== 9))
          wrong.push(`${path.relative(SRC, file)} → ${path.relative(SRC, target)}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});
