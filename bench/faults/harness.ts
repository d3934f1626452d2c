/**
 * What bench/faults needs around the archive: child CLI processes it can kill, a scratch area that is
 * cleaned up even on failure (temporary directories, tmpfs mounts, children, servers), a small tmpfs
 * to fill up, and the injected short write + ENOSPC used where mounting is refused.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readdirSync, rmSync, statSync, writeSync } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

const BIN = path.resolve('bin/archiefbot.js');

/** Everything the bench made, undone in reverse order by `clean()` (also on SIGINT/SIGTERM). */
export class Scratch {
  private undo: (() => unknown)[] = [];
  readonly children = new Set<ChildProcess>();

  dir(prefix: string): string {
    const dir = mkdtempSync(path.join(tmpdir(), prefix));
    this.undo.push(() => rmSync(dir, { recursive: true, force: true }));
    return dir;
  }

  later(fn: () => unknown): void {
    this.undo.push(fn);
  }

  /** The binary as a child process (stdout and stderr collected by `run`). */
  start(env: NodeJS.ProcessEnv, ...args: string[]): ChildProcess {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.children.add(child);
    child.on('exit', () => this.children.delete(child));
    return child;
  }

  /** Runs the binary to its end (killed after `ms`): exit code, output and the --json document. */
  async run(env: NodeJS.ProcessEnv, ms: number, ...args: string[]): Promise<BinResult> {
    const child = this.start(env, ...args);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? -1)));
    clearTimeout(timer);
    let json: BinResult['json'];
    try {
      json = JSON.parse(stdout);
    } catch {}
    return { code, stdout, stderr, json };
  }

  async clean(): Promise<void> {
    for (const child of this.children) child.kill('SIGKILL');
    for (const fn of this.undo.reverse()) {
      try {
        await fn();
      } catch (err) {
        console.error(`cleanup: ${(err as Error).message}`);
      }
    }
    this.undo = [];
  }
}

export interface BinResult {
  code: number;
  stdout: string;
  stderr: string;
  json?: { error?: { code: string; message?: string }; problems?: unknown[]; ok?: boolean };
}

/** The environment the CLI gets: its data directory, loopback platforms allowed, quiet. */
export function benchEnv(dataDir: string): NodeJS.ProcessEnv {
  return {
    ARCHIEFBOT_DATA_DIR: dataDir,
    ARCHIEFBOT_ALLOW_PRIVATE_NETWORKS: 'true',
    ARCHIEFBOT_HTTP_BACKOFF_MS: '20',
    ARCHIEFBOT_HTTP_TIMEOUT_MS: '5000',
    ARCHIEFBOT_LOG_LEVEL: 'silent',
  };
}

export function warcBytes(dataDir: string): number {
  const dir = path.join(dataDir, 'warc');
  try {
    return readdirSync(dir).reduce((n, f) => n + statSync(path.join(dir, f)).size, 0);
  } catch {
    return 0;
  }
}

/** Mounts a tmpfs of `size` at a new directory; null when this machine refuses (not root, no CAP_SYS_ADMIN). */
export function mountTmpfs(scratch: Scratch, size: string): string | null {
  const dir = scratch.dir('archiefbot-bench-full-');
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'ignore' });
  } catch {
    return null;
  }
  scratch.later(() => execFileSync('umount', ['-l', dir], { stdio: 'ignore' }));
  return dir;
}

/** Fills the file system of `dir` with one file, then frees `room` bytes of it again. */
export function fill(dir: string, room: number): string {
  const file = path.join(dir, 'filler');
  const fd = openSync(file, 'w');
  const chunk = Buffer.alloc(64 * 1024, 1);
  try {
    for (let i = 0; i < 1_000_000; i++) writeSync(fd, chunk); // a full disk ends it long before
  } catch {}
  closeSync(fd);
  const size = statSync(file).size;
  execFileSync('truncate', ['-s', String(Math.max(0, size - room)), file]);
  return file;
}

/**
 * A write failure injected in this process (when mounting a tmpfs is refused): the next large write of
 * a FileHandle is short (half of it), and with `then: 'ENOSPC'` every write after it fails as a full
 * disk does. Returns the undo. Shared with tests/faults.test.ts.
 */
export async function injectWrites(then: 'ENOSPC' | 'continue'): Promise<() => void> {
  const probe: FileHandle = await open(path.join(tmpdir(), `archiefbot-bench-probe-${process.pid}`), 'w');
  const proto = Object.getPrototypeOf(probe) as { write: (...a: unknown[]) => Promise<unknown> };
  await probe.close();
  rmSync(path.join(tmpdir(), `archiefbot-bench-probe-${process.pid}`), { force: true });
  const original = proto.write;
  let short = false;
  proto.write = async function (this: FileHandle, ...args: unknown[]) {
    const [buf, offset, length, position] = args as [Buffer, number, number, number];
    if (Buffer.isBuffer(buf) && length > 16_384 && !short) {
      short = true;
      return original.call(this, buf, offset, Math.floor(length / 2), position);
    }
    if (Buffer.isBuffer(buf) && short && then === 'ENOSPC')
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    return original.apply(this, args);
  };
  return () => {
    proto.write = original;
  };
}

/** A full disk injected in this process: see injectWrites. */
export function injectEnospc(): Promise<() => void> {
  return injectWrites('ENOSPC');
}
