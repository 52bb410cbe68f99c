import { accessSync, constants } from 'node:fs';
import net from 'node:net';
import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';

// Four projects. `unit`: pure modules, no PostgreSQL, Redis or network (`npm run test:unit`, seconds).
// `integration-redis` and `integration-postgres`: every integration test, once with queues, events,
// rate limits and the target guard on Redis, once on the metadata store (no Redis), as the service
// runs with and without REDIS_URL. `integration-browser`: the console in headless Chromium against a
// service started as `npm start` starts it. `npm test` runs them all; without a Redis or a Chromium to
// test with, that project is left out and the run says so (under CI, it fails instead); so are the
// Redis topology tests (test/redis-ha) without the redis-server and redis-cli binaries.

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Whether something accepts a TCP connection at the URL's host and port within `ms`. */
function listening(url: string, ms = 1_000): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname.replace(/^\[|\]$/g, ''), port: Number(port || 6379) });
    const done = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(ms, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

const GRAPHQL_REALM = {
  // graphql 16 ships CJS (main) and ESM (module) without an exports map: Node's loader picks the CJS
  // one for type-graphql and Apollo, so the tests must too, or there are two GraphQL realms.
  alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }],
};

/** Whether `name` is an executable on PATH. */
const onPath = (name: string) =>
  (process.env.PATH ?? '').split(':').some((dir) => dir !== '' && executable(`${dir}/${name}`));

function integration(transport: 'redis' | 'postgres', redisBinaries = false): TestProjectInlineConfiguration {
  return {
    resolve: GRAPHQL_REALM,
    test: {
      name: `integration-${transport}`,
      include: ['test/**/*.test.ts'],
      // The embedded default, and the checks' and heartbeat's SQL on each PostgreSQL major, are the same
      // whatever the transport: they run once, with the PostgreSQL one.
      exclude: [
        'test/unit/**',
        'test/browser/**',
        ...(transport === 'redis' ? ['test/embedded.test.ts', 'test/connection-tests/versions.test.ts'] : []),
        // Sentinel, Cluster and restarts: their own redis-server processes, on the Redis project only.
        ...(transport === 'postgres' || !redisBinaries ? ['test/redis-ha/**'] : []),
      ],
      // The harness (test/support/harness.ts) starts every service on this transport.
      provide: transport === 'redis' ? { transport, redisUrl: REDIS_URL } : { transport },
      // Real servers are slower than mocks; nothing here waits on a fixed sleep.
      testTimeout: 30_000,
      hookTimeout: 60_000,
      pool: 'forks',
    },
  };
}

const browser: TestProjectInlineConfiguration = {
  resolve: GRAPHQL_REALM,
  test: {
    name: 'integration-browser',
    include: ['test/browser/**/*.test.ts'],
    // Builds the console into dist/web, which the service under test serves.
    globalSetup: ['test/browser/support/global-setup.ts'],
    // The transport `npm start` uses without REDIS_URL: queues and events in the metadata store.
    provide: { transport: 'postgres' },
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
};

/** A project that cannot run here: say so, or under CI (where .ci/run provides everything) fail. */
function leftOut(project: string, why: string) {
  const message = `${project} not run: ${why}.`;
  if (process.env.CI) throw new Error(`${message} CI must run every project.`);
  console.log(message);
}

export default defineConfig(async () => {
  const redis = await listening(REDIS_URL);
  if (!redis) {
    const { host } = new URL(REDIS_URL);
    leftOut('integration-redis', `no Redis at ${host} (set TEST_REDIS_URL, or start Redis)`);
  }
  const redisBinaries = onPath('redis-server') && onPath('redis-cli');
  if (redis && !redisBinaries)
    leftOut('test/redis-ha (Sentinel, Cluster, restarts)', 'no redis-server and redis-cli on PATH');
  const chromium = executable(CHROMIUM);
  if (!chromium)
    leftOut(
      'integration-browser',
      `no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`,
    );
  return {
    test: {
      // Once per run for both integration projects: the metadata databases' server and template, and
      // the PostgreSQL servers connection tests probe.
      globalSetup: ['test/support/global-setup.ts'],
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
        ...(redis ? [integration('redis', redisBinaries)] : []),
        integration('postgres'),
        ...(chromium ? [browser] : []),
      ],
    },
  };
});
