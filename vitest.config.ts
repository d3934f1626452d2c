import { tmpdir } from 'node:os';
import path from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // No test reads the operator's config/roles.yaml or config/accounts.yaml: this folder is empty.
    // and a seal key made by a test never lands in the operator's ~/.config.
    env: {
      ARCHIEFBOT_CONFIG_DIR: path.resolve(import.meta.dirname, 'tests/fixtures/config'),
      XDG_CONFIG_HOME: path.join(tmpdir(), 'archiefbot-test-xdg-config'),
    },
  },
});
