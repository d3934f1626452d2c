// The second step of `npm run build` (after tsc): the CLI as a few bundled ES modules in dist/cli/ —
// src/cli.ts and our modules, with commander, zod, yaml and the WARC reader inlined — split per command
// (each `import()` of the command registry is its own chunk), so `archiefbot search …` reads a handful of
// files instead of resolving and linking about 170 modules (start-up time, issue 16; bench/startup).
// The configuration's defaults, validated once here, go into the bundle (src/cli/config-fast.ts).
// Every other package stays external: it is loaded from node_modules as before, at the same moment.
// esbuild comes with tsx (a dependency); without it this step says so and bin/archiefbot.js runs the
// tsc output in dist/src/ instead.
import { rmSync } from 'node:fs';

const root = new URL('..', import.meta.url).pathname;
const out = `${root}dist/cli`;
/** Pure-JavaScript packages of the start-up path, small enough to inline (none reads files beside itself). */
const INLINE = new Set([
  'commander',
  'zod',
  'yaml',
  'cli-progress',
  'warcio',
  'pako',
  'uuid-random',
  'hash-wasm',
]);

rmSync(out, { recursive: true, force: true });
let esbuild;
try {
  esbuild = await import('esbuild');
} catch {
  console.warn('bundle-cli: esbuild not installed; the CLI runs from dist/src (slower start-up)');
  process.exit(0);
}
const { configSnapshot } = await import(`${root}dist/src/cli/config-snapshot.js`);

const packageName = (spec) =>
  spec
    .split('/')
    .slice(0, spec.startsWith('@') ? 2 : 1)
    .join('/');
await esbuild.build({
  absWorkingDir: root,
  entryPoints: ['src/cli.ts'],
  outdir: out,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  // The ES module build of a package when it has one (hash-wasm: only the two hashes warcio uses).
  mainFields: ['module', 'main'],
  target: 'node20',
  logLevel: 'warning',
  // Inlined CommonJS packages (yaml, commander) call require() for Node's own modules.
  banner: {
    js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
  define: { ARCHIEFBOT_CONFIG_SNAPSHOT: JSON.stringify(configSnapshot()) },
  plugins: [
    {
      name: 'external-packages',
      setup(build) {
        build.onResolve({ filter: /^[^./]/ }, (args) =>
          args.path.startsWith('node:') || !INLINE.has(packageName(args.path))
            ? { external: true }
            : undefined,
        );
      },
    },
  ],
});
