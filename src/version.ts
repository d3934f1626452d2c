import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The folder that holds package.json, config/ and src/: the same whether this module runs from
 * src/ (tsx, the tests) or from the compiled dist/src/ (the bin file when a build is present).
 */
function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'config'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error('archiefbot: cannot find the package folder (package.json and config/)');
    dir = up;
  }
}

export const PACKAGE_ROOT = packageRoot();

const pkg = JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as {
  version: string;
};

/** The tool version written into every WARC and provenance record. */
export const TOOL_NAME = 'archiefbot';
export const TOOL_VERSION = pkg.version;
