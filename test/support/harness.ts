import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { createPostgresBackend, Queue, QueueEvents, withBackend } from 'bullmq';
import type { Client } from 'graphql-ws';
import { Redis } from 'ioredis';
import pg from 'pg';
import { inject } from 'vitest';
import { startApp, type App, type ProcessRole } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { createLogger } from '../../src/lib/logger.js';
import { QUEUE_SCHEMA } from '../../src/lib/queues.js';
import type { QueueName } from '../../src/jobs/catalog.js';
import { createGraphQLClient, type GraphQLResponse, type Subscription } from './client.js';
import { CANARY_PASSWORD, databaseUrl, databaseUrlVia, redisUrl, transport } from './env.js';

export { nextValue, type GraphQLResponse } from './client.js';

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
  /**
   * The environment of a service process (src/main.ts, a script) that joins this deployment: its
   * metadata store, its transport, its prefix and its key; `overrides` on top.
   */
  processEnv(overrides?: Record<string, string>): Record<string, string>;
  gql<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    options?: { token?: string | null },
  ): Promise<GraphQLResponse<T>>;
  wsClient(options?: { token?: string | null }): Client;
  /** A BullMQ queue of this deployment, on its transport, to look at its jobs. */
  queue(name: QueueName): Queue;
  /**
   * The events of a queue of this deployment (one listener for the harness's life). It reads the
   * queue's event stream from its start, so that no event is missed however late a test listens.
   */
  queueEvents(name: QueueName): Promise<QueueEvents>;
  /**
   * Subscribes over graphql-ws and resolves once this instance has the subscription in place, so that
   * nothing published afterwards (by any instance) can be missed.
   */
  subscribe<T>(
    query: string,
    variables?: Record<string, unknown>,
    options?: { token?: string | null },
  ): Promise<Subscription<T>>;
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
 * The environment that makes a service process part of a deployment: its metadata database, the
 * project's transport (Redis, or BullMQ's schema and LISTEN/NOTIFY in that database), its prefix (Redis
 * keys, and the name the service gives its sessions on targets) and its secret key.
 */
export function deploymentEnv(deployment: {
  databaseName: string;
  redisPrefix: string;
  secretKey: string;
}): Record<string, string> {
  return {
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl(deployment.databaseName),
    REDIS_PREFIX: deployment.redisPrefix,
    SECRET_KEY: deployment.secretKey,
    ...transportEnv(),
  };
}

/** QUEUE_TRANSPORT (and REDIS_URL) as the running project asks. */
const transportEnv = (): Record<string, string> =>
  transport() === 'redis'
    ? { QUEUE_TRANSPORT: 'redis', REDIS_URL: redisUrl() }
    : { QUEUE_TRANSPORT: 'postgres' };

/** BullMQ as a test sees a deployment's queues: the same classes and storage as its services. */
export interface DeploymentQueues {
  queue(name: QueueName): Queue;
  /** Events of a queue from the start of its stream. */
  events(name: QueueName): QueueEvents;
  close(): Promise<void>;
}

export function deploymentQueues(deployment: {
  databaseName: string;
  redisPrefix: string;
}): DeploymentQueues {
  if (transport() === 'redis') {
    const { hostname, port } = new URL(redisUrl());
    const connection = { host: hostname, port: Number(port || 6379) };
    const prefix = deployment.redisPrefix;
    return {
      queue: (name) => new Queue(name, { connection, prefix }),
      events: (name) => new QueueEvents(name, { connection, prefix, lastEventId: '0-0' }),
      close: () => Promise.resolve(),
    };
  }
  // BullMQ's PostgreSQL backend in the deployment's database, as src/lib/queues.ts builds it.
  const pool = new pg.Pool({
    connectionString: databaseUrl(deployment.databaseName),
    max: 10,
    options: `-c search_path=${QUEUE_SCHEMA}`,
  });
  // DROP DATABASE … FORCE at the end may terminate an idle connection (57P01): expected.
  pool.on('error', () => undefined);
  const classes = withBackend(createPostgresBackend);
  return {
    queue: (name) => new classes.Queue(name, { connection: pool }) as unknown as Queue,
    // Event ids are the event table's; '0' is before the first.
    events: (name) =>
      new classes.QueueEvents(name, { connection: pool, lastEventId: '0' }) as unknown as QueueEvents,
    close: () => pool.end(),
  };
}

/**
 * One service instance on a database cloned from the migrated template, on the project's transport,
 * with its own prefix. Pass `sharedWith` to start a second instance of the same deployment.
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
      ? databaseUrlVia(options.databasePort, databaseName)
      : databaseUrl(databaseName),
    ...transportEnv(),
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
  const bullmq = deploymentQueues({ databaseName, redisPrefix: config.redisPrefix });
  const queues = new Map<QueueName, Queue>();
  const queueEvents = new Map<QueueName, QueueEvents>();
  const client = createGraphQLClient(url, {
    token: options.token === undefined ? ADMIN_TOKEN : options.token,
    onText: (text) => void transcript.push(text),
  });
  let subscribed: Promise<unknown> = Promise.resolve();

  return {
    config,
    url,
    wsUrl,
    opsUrl: app.opsUrl,
    databaseName,
    pool,
    logs,
    processEnv: (overrides = {}) => ({
      ...deploymentEnv({
        databaseName,
        redisPrefix: config.redisPrefix,
        secretKey: config.secretKey ?? '',
      }),
      ...overrides,
    }),
    gql: (query, variables, requestOptions) => client.request(query, variables, requestOptions),
    wsClient: (clientOptions) => client.ws(clientOptions),
    queue(name) {
      let queue = queues.get(name);
      if (!queue) {
        queue = bullmq.queue(name);
        queues.set(name, queue);
      }
      return queue;
    },
    async queueEvents(name) {
      let events = queueEvents.get(name);
      if (!events) {
        events = bullmq.events(name);
        queueEvents.set(name, events);
      }
      await events.waitUntilReady();
      return events;
    },
    subscribe(query, variables, subscribeOptions) {
      // One at a time: the count of started subscriptions says which one is in effect only in turn.
      const subscribing = subscribed.then(async () => {
        const target = app.events.started + 1;
        const iterator = client.subscribe(query, variables, subscribeOptions);
        await app.events.waitForStarted(target);
        return iterator as never;
      });
      subscribed = subscribing.catch(() => undefined);
      return subscribing;
    },
    async stop() {
      await client.close();
      await app.stop();
      for (const events of queueEvents.values()) await events.close();
      for (const queue of queues.values()) await queue.close();
      await bullmq.close();
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

/**
 * Drops a test's database (on the postgres transport, its queues go with it) and, on the redis
 * transport, its Redis keys.
 */
export async function dropTestDatabase(name: string, redisPrefix: string): Promise<void> {
  await asAdmin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  if (transport() === 'redis') await deleteKeys(`${redisPrefix}:*`);
}

async function deleteKeys(pattern: string): Promise<void> {
  const redis = new Redis(redisUrl());
  try {
    const stream = redis.scanStream({ match: pattern, count: 500 });
    for await (const keys of stream as AsyncIterable<string[]>) {
      if (keys.length > 0) await redis.unlink(...keys);
    }
  } finally {
    redis.disconnect();
  }
}
