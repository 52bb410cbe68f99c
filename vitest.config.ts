import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // graphql 16 ships CJS (main) and ESM (module) without an exports map: Node's loader picks the CJS
    // one for type-graphql and Apollo, so the tests must too, or there are two GraphQL realms.
    alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    // Real servers are slower than mocks; nothing here waits on a fixed sleep.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
