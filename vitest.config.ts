import { defineConfig } from 'vitest/config';

// Two projects: `unit` (pure modules, no PostgreSQL, Redis or network: `npm run test:unit`, seconds)
// and `integration` (the service against real PostgreSQL and Redis). `npm test` runs both.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          setupFiles: ['test/support/no-network.ts'],
          // Pure functions and classes: nothing to isolate, and one worker per file would cost more
          // than the tests themselves.
          pool: 'threads',
          isolate: false,
          testTimeout: 5_000,
        },
      },
      {
        resolve: {
          // graphql 16 ships CJS (main) and ESM (module) without an exports map: Node's loader picks the CJS
          // one for type-graphql and Apollo, so the tests must too, or there are two GraphQL realms.
          alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }],
        },
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          exclude: ['test/unit/**'],
          globalSetup: ['test/support/global-setup.ts'],
          // Real servers are slower than mocks; nothing here waits on a fixed sleep.
          testTimeout: 30_000,
          hookTimeout: 60_000,
          pool: 'forks',
        },
      },
    ],
  },
});
