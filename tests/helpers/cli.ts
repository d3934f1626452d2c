import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { main } from '../../src/cli.ts';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON the CLI printed
  json: any;
}

/** A fresh data directory and the environment the CLI sees in tests (loopback fakes allowed). */
export function testEnv(extra: Record<string, string> = {}) {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'archiefbot-test-'));
  const env: NodeJS.ProcessEnv = {
    ARCHIEFBOT_DATA_DIR: dataDir,
    ARCHIEFBOT_ALLOW_PRIVATE_NETWORKS: 'true',
    ARCHIEFBOT_HTTP_BACKOFF_MS: '20',
    ARCHIEFBOT_HTTP_TIMEOUT_MS: '5000',
    ARCHIEFBOT_LOG_LEVEL: 'silent',
    // A seal key of its own, outside the data directory, never the operator's ~/.config.
    XDG_CONFIG_HOME: `${dataDir}-config`,
    ...extra,
  };
  return {
    dataDir,
    env,
    cleanup: () => {
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(`${dataDir}-config`, { recursive: true, force: true });
    },
  };
}

/** Runs the CLI in-process, as `archiefbot <args>`, and captures what it prints. */
export async function cli(env: NodeJS.ProcessEnv, ...args: string[]): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  const code = await main(
    ['node', 'archiefbot', ...args],
    { out: (t) => (stdout += `${t}\n`), err: (t) => (stderr += `${t}\n`) },
    env,
  );
  let json: RunResult['json'];
  if (args.includes('--json')) {
    try {
      json = JSON.parse(stdout);
    } catch {
      json = undefined;
    }
  }
  return { code, stdout, stderr, json };
}
