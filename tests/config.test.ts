import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, loadConfig, parseYamlFile } from '../src/config.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'archiefbot-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const f = path.join(dir, name);
  writeFileSync(f, text);
  return f;
}

function problem(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('no ConfigError');
}

describe('configuration errors name file, line and key', () => {
  it('a wrong type in the override file', () => {
    const f = file('type.yaml', '# mine\nhttp:\n  timeoutMs: fast\n');
    expect(problem(() => loadConfig({ ARCHIEFBOT_CONFIG: f }))).toBe(
      `${f}:3: http.timeoutMs: Invalid input: expected number, received NaN`,
    );
  });

  it('an unknown key', () => {
    const f = file('unknown.yaml', 'http:\n  timeoutMs: 100\n  tiemout: 5\n');
    expect(problem(() => loadConfig({ ARCHIEFBOT_CONFIG: f }))).toBe(
      `${f}:3: http.tiemout: unknown key (tiemout)`,
    );
  });

  it('malformed YAML', () => {
    const f = file('bad.yaml', 'http:\n  timeoutMs: [1\nwarc: {}\n');
    expect(problem(() => loadConfig({ ARCHIEFBOT_CONFIG: f }))).toMatch(
      new RegExp(`^${f}:\\d+: not valid YAML: `),
    );
  });

  it('a bad environment variable names the variable and the key', () => {
    expect(problem(() => loadConfig({ ARCHIEFBOT_HTTP_TIMEOUT_MS: 'x' }))).toMatch(
      /^ARCHIEFBOT_HTTP_TIMEOUT_MS \(http\.timeoutMs\): /,
    );
  });

  it('items of a list are found by their line', () => {
    const schema = z.strictObject({
      accounts: z.array(z.strictObject({ account: z.string(), role: z.enum(['a', 'b']) })),
    });
    const f = file('list.yaml', 'accounts:\n  - account: one\n    role: a\n  - account: two\n    role: c\n');
    expect(problem(() => parseYamlFile(f, schema))).toMatch(new RegExp(`^${f}:5: accounts\\.1\\.role: `));
  });
});
