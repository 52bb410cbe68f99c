import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { Queue } from 'bullmq';
import { createClient, type Client } from 'graphql-ws';
import { Redis } from 'ioredis';
import pg from 'pg';
import { inject } from 'vitest';
import WebSocket from 'ws';
import { startApp, type App, type ProcessRole } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { createLogger } from '../../src/lib/logger.js';
import type { QueueName } from '../../src/jobs/catalog.js';
import { CANARY_PASSWORD, databaseUrl, REDIS_URL } from './env.js';

export interface GraphQLResponse<T = Record<string, unknown>> {
  data?: T | null;
  errors?: {
    message: string;
    path?: string[];
    extensions?: { code?: string; fields?: { field: string; message: string }[]; requestId?: string };
  }[];
}

export interface Harness {
  config: Config;
  url: string;
  wsUrl: string;
  /** Set when the ops endpoints have a server of their own (OPS_PORT). */
  opsUrl: string | undefined;
  databaseName: string;
  /** The test's own connection to the service's metadata store. */
  pool: pg.Pool;
  /** Every log line the service wrote. */
  logs: string[];
  gql<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    options?: { token?: string | null },
  ): Promise<GraphQLResponse<T>>;
  wsClient(options?: { token?: string | null }): Client;
  /** A BullMQ queue under this instance's prefix, to look at its jobs. */
  queue(name: QueueName): Queue;
  /**
   * Subscribes over graphql-ws and resolves once this instance has the subscription in place, so that
   * nothing published afterwards (by any instance) can be missed.
   */
  subscribe<T>(
    query: string,
    variables?: Record<string, unknown>,
    options?: { token?: string | null },
  ): Promise<AsyncIterableIterator<{ data?: T | null; errors?: unknown }>>;
  stop(): Promise<void>;
}

/** Everything the service sent or logged, across the suite: checked for the canary password. */
const transcript: string[] = [];

export function assertNoCanary(texts: string[] = transcript): void {
  const leaked = texts.find((text) => text.includes(CANARY_PASSWORD));
  if (leaked) throw new Error(`the canary password leaked: ${leaked.slice(0, 300)}`);
}

export const ADMIN_TOKEN = 'admin-token-0123456789abcdef';
export const VIEWER_TOKEN = 'viewer-token-0123456789abcdef';

/**
 * One service instance on a database cloned from the migrated template, with its own
 * Redis prefix. Pass `sharedWith` to start a second instance on the same database and Redis prefix.
 */
export async function startHarness(
  options: {
    env?: Record<string, string>;
    sharedWith?: Harness;
    token?: string | null;
    /** Reach the metadata store through this local port (a TcpProxy) instead of directly. */
    databasePort?: number;
    /**
     * `api` (the default) queues connection tests without running them, so API tests see exactly
     * what the mutations did; `all` also runs the workers.
     */
    role?: ProcessRole;
  } = {},
): Promise<Harness> {
  const suffix = randomBytes(5).toString('hex');
  const databaseName = options.sharedWith?.databaseName ?? `dss_test_${suffix}`;
  const ownsDatabase = !options.sharedWith;
  if (ownsDatabase) await cloneTemplate(databaseName);
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'debug',
    HOST: '127.0.0.1',
    PORT: '0',
    DATABASE_URL: options.databasePort
      ? `postgres://postgres@127.0.0.1:${options.databasePort}/${databaseName}`
      : databaseUrl(databaseName),
    REDIS_URL,
    REDIS_PREFIX: options.sharedWith?.config.redisPrefix ?? `test-${suffix}`,
    SECRET_KEY: options.sharedWith?.config.secretKey ?? randomBytes(32).toString('base64'),
    API_TOKENS: `admin:${ADMIN_TOKEN},viewer:${VIEWER_TOKEN}`,
    // The limits have tests of their own (test/security); elsewhere they would only slow the suite.
    RATE_LIMIT_MUTATIONS_PER_MINUTE: '100000',
    RATE_LIMIT_TESTS_PER_MINUTE: '100000',
    AUTH_FAILURE_LIMIT: '1000',
    TARGET_MAX_CONCURRENT_TESTS: '100',
    ...options.env,
  });

  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      const text = chunk.toString('utf8');
      logs.push(text);
      transcript.push(text);
      done();
    },
  });
  const app: App = await startApp(config, options.role ?? 'api', createLogger(config.logLevel, sink));
  const url = app.url ?? '';
  const wsUrl = app.wsUrl ?? '';
  const pool = new pg.Pool({ connectionString: databaseUrl(databaseName), max: 4 });
  // pool.end() does not wait for the server to see the connections go; DROP DATABASE … FORCE may
  // then terminate one (57P01), which is expected here.
  pool.on('error', () => undefined);
  const clients: Client[] = [];
  const queues = new Map<QueueName, Queue>();
  const defaultToken = options.token === undefined ? ADMIN_TOKEN : options.token;
  const wsClient = (clientOptions?: { token?: string | null }) => {
    const token = clientOptions?.token === undefined ? defaultToken : clientOptions.token;
    const client = createClient({
      url: wsUrl,
      webSocketImpl: WebSocket,
      connectionParams: token ? { authorization: `Bearer ${token}` } : {},
      retryAttempts: 0,
      on: { message: (message) => void transcript.push(JSON.stringify(message)) },
    });
    clients.push(client);
    return client;
  };

  return {
    config,
    url,
    wsUrl,
    opsUrl: app.opsUrl,
    databaseName,
    pool,
    logs,
    async gql(query, variables, requestOptions) {
      const token = requestOptions?.token === undefined ? defaultToken : requestOptions.token;
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify({ query, variables }),
      });
      const text = await response.text();
      transcript.push(text);
      return JSON.parse(text) as never;
    },
    wsClient,
    queue(name) {
      let queue = queues.get(name);
      if (!queue) {
        const { hostname, port } = new URL(REDIS_URL);
        queue = new Queue(name, {
          connection: { host: hostname, port: Number(port) },
          prefix: config.redisPrefix,
        });
        queues.set(name, queue);
      }
      return queue;
    },
    async subscribe(query, variables, subscribeOptions) {
      const target = app.events.started + 1;
      const iterator = wsClient(subscribeOptions).iterate({ query, variables });
      await app.events.waitForStarted(target);
      return iterator as never;
    },
    async stop() {
      for (const client of clients) await client.dispose(); // dispose() is void or a promise
      await app.stop();
      for (const queue of queues.values()) await queue.close();
      await pool.end();
      if (ownsDatabase) await dropTestDatabase(databaseName, config.redisPrefix);
      assertNoCanary();
    },
  };
}

async function asAdmin(sql: string): Promise<void> {
  const admin = new pg.Client({ connectionString: databaseUrl('postgres') });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}

/** A metadata store for one test file: a clone of the migrated template. */
export function cloneTemplate(name: string): Promise<void> {
  return asAdmin(`CREATE DATABASE ${name} TEMPLATE ${inject('templateDatabase')}`);
}

/** Drops a test's database and its Redis keys. */
export async function dropTestDatabase(name: string, redisPrefix: string): Promise<void> {
  await asAdmin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await deleteKeys(`${redisPrefix}:*`);
}

async function deleteKeys(pattern: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  try {
    const stream = redis.scanStream({ match: pattern, count: 500 });
    for await (const keys of stream as AsyncIterable<string[]>) {
      if (keys.length > 0) await redis.unlink(...keys);
    }
  } finally {
    redis.disconnect();
  }
}

/** The next value of a subscription, or a failure naming what was awaited after `ms`. */
export async function nextValue<T>(iterator: AsyncIterator<T>, label: string, ms = 10_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${label}`)), ms);
  });
  try {
    const result = await Promise.race([iterator.next(), timeout]);
    if (result.done) throw new Error(`subscription ended while waiting for ${label}`);
    return result.value;
  } finally {
    clearTimeout(timer);
  }
}
