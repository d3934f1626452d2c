import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

/** The tool version written into every WARC and provenance record. */
export const TOOL_NAME = 'archiefbot';
export const TOOL_VERSION = pkg.version;
