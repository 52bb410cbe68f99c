import { startOpsServer } from './api/ops.js';
import { createRateLimits } from './api/rate-limits.js';
import { createApiServer, type ApiServer } from './api/server.js';
import { createAuditTrail } from './audit/trail.js';
import type { Config } from './config.js';
import { createTestRunner } from './connection-tests/runner.js';
import { createConnectionTestService } from './connection-tests/service.js';
import { createRedisTargetGuard } from './connection-tests/target-guard.js';
import { createDataSourceService } from './datasources/service.js';
import { stopBeats } from './heartbeat/scheduler.js';
import { createHeartbeatService } from './heartbeat/service.js';
import { initialState, stateAfterChange } from './heartbeat/state.js';
import { catalog } from './jobs/catalog.js';
import { ensureDatabase, migrateDatabase, openMetadataStore } from './lib/db.js';
import type { Logger } from './lib/logger.js';
import { createMetrics } from './lib/metrics.js';
import { createEventBus, type EventBus } from './lib/pubsub.js';
import { createQueues } from './lib/queues.js';
import { closeRedis, createRedis, waitUntilReady } from './lib/redis.js';
import { createOperationsService } from './operations/service.js';
import { createEgressPolicy, ownEndpointsOf } from './postgresql/egress.js';
import { loadSecretBox } from './secrets/secret-box.js';
import { startWorkers } from './workers/worker.js';

export type ProcessRole = 'api' | 'worker' | 'all';

export interface App {
  /** The GraphQL endpoint, when this process serves the API. */
  url?: string;
  wsUrl?: string;
  /** The ops endpoints' base URL, when they have a server of their own (role worker, or OPS_PORT). */
  opsUrl?: string;
  /** The event bus; tests wait on its subscriber count. */
  events: EventBus;
  stop(): Promise<void>;
}

export class StartupError extends Error {}

const where = (url: string) => {
  const { hostname, port } = new URL(url);
  return `${hostname}:${port || 'default port'}`;
};

/**
 * Starts the parts of the service that `role` asks for, in dependency order, and returns one `stop`
 * that closes them in reverse. Only main.ts owns the process (signals, exit codes).
 */
export async function startApp(config: Config, role: ProcessRole, logger: Logger): Promise<App> {
  try {
    await ensureDatabase(config.databaseUrl);
    await migrateDatabase(config.databaseUrl);
  } catch (error) {
    const code = (error as { code?: string }).code ?? (error as Error).message;
    throw new StartupError(
      `The metadata store (PostgreSQL at ${where(config.databaseUrl)}) is not usable (${code}). ` +
        'Start PostgreSQL or set DATABASE_URL.',
    );
  }
  // Everything started is registered here; stopping runs the list newest first.
  const stack: (() => Promise<unknown>)[] = [];
  const closeAll = async () => {
    for (const close of stack.splice(0).reverse()) {
      await close().catch((error: unknown) => logger.warn({ err: error }, 'error while closing'));
    }
  };
  const redis = (redisRole: Parameters<typeof createRedis>[1]) => {
    const client = createRedis(config.redisUrl, redisRole, logger);
    stack.push(() => closeRedis(client));
    return client;
  };

  try {
    const store = openMetadataStore(config.databaseUrl);
    stack.push(() => store.close());
    const producer = redis('producer');
    try {
      await waitUntilReady(producer, 5_000);
    } catch {
      throw new StartupError(
        `Redis at ${where(config.redisUrl)} is not reachable. Start Redis or set REDIS_URL.`,
      );
    }
    const [, policy] = ((await producer.config('GET', 'maxmemory-policy')) as string[] | undefined) ?? [];
    if (policy !== undefined && policy !== 'noeviction') {
      logger.warn(
        { policy },
        'Redis maxmemory-policy is not noeviction: Redis may evict queued jobs under memory pressure. Set maxmemory-policy noeviction.',
      );
    }
    if (config.apiTokens.size === 0) {
      logger.warn(
        'API_TOKENS is not set: the API is OPEN to anyone who can reach it. Set API_TOKENS outside development.',
      );
    }

    const secrets = await loadSecretBox(config, logger);
    const events = createEventBus({
      prefix: `${config.redisPrefix}:events`,
      publishClient: redis('publish'),
      subscribeClient: redis('subscribe'),
      logger,
    });
    stack.push(() => events.close());
    const queues = createQueues(catalog, producer, config.redisPrefix);
    stack.push(() => queues.close());
    await queues.ready();
    const db = store.db;
    const metrics = createMetrics({ queues, store, events });
    const ready = async () => {
      await Promise.all([store.pool.query('SELECT 1'), producer.ping()]);
      return true;
    };

    // The domain, each service built on the ones below it (README, Architecture).
    const audit = createAuditTrail({ db, logger });
    const connectionTests = createConnectionTestService({
      db,
      secrets,
      events,
      audit,
      enqueue: (testId) => queues.add('connection-test', { testId }, testId),
    });
    const dataSources = createDataSourceService({
      db,
      secrets,
      events,
      logger,
      audit,
      regions: config.regions,
      heartbeatIntervalSeconds: config.heartbeatIntervalSeconds,
      tests: connectionTests.forDataSources,
      heartbeat: { initialState, stateAfterChange, stop: (id) => stopBeats(queues, id) },
    });
    const operations = createOperationsService({ db, queues, audit });

    if (role === 'worker' || role === 'all') {
      const egress = await createEgressPolicy(
        {
          env: config.env,
          allowCidrs: config.targetAllowCidrs,
          denyCidrs: config.targetDenyCidrs,
          ownEndpoints: ownEndpointsOf(config),
        },
        logger,
      );
      const target = {
        egress,
        connectTimeoutMs: config.connectTimeoutMs,
        queryTimeoutMs: config.queryTimeoutMs,
        // Shown in the targets' pg_stat_activity, so that a DBA can tell this deployment's sessions.
        applicationName: `data-source-service ${config.redisPrefix}`.slice(0, 63),
      };
      const heartbeat = createHeartbeatService({
        db,
        secrets,
        events,
        logger,
        queues,
        intervalSeconds: config.heartbeatIntervalSeconds,
        maxSessions: config.heartbeatMaxSessions,
        ...target,
      });
      metrics.gauge({
        name: 'dss_heartbeat_age_seconds',
        help: 'Seconds since the last successful heartbeat, per data source with the heartbeat on.',
        // Labelled by id only: identifiers are user input, and can change.
        labelNames: ['data_source_id'],
        collect: async (set) => {
          for (const { dataSourceId, seconds } of await heartbeat.ages())
            set({ data_source_id: dataSourceId }, seconds);
        },
      });
      const runner = createTestRunner({
        db,
        secrets,
        events,
        logger,
        ...target,
        testTimeoutMs: config.testTimeoutMs,
        heartbeatIntervalSeconds: config.heartbeatIntervalSeconds,
        metrics,
        heartbeat,
        guard: createRedisTargetGuard({
          redis: redis('worker'),
          prefix: config.redisPrefix,
          maxConcurrentTests: config.targetMaxConcurrentTests,
          testTimeoutMs: config.testTimeoutMs,
          authFailureLimit: config.authFailureLimit,
          authFailureWindowSeconds: config.authFailureWindowSeconds,
        }),
      });
      const workers = await startWorkers({
        db,
        logger,
        queues,
        runner,
        heartbeat,
        retention: { days: config.testRetentionDays, perDataSource: config.testRetentionPerDataSource },
        connection: redis('worker'),
        prefix: config.redisPrefix,
        concurrency: config.workerConcurrency,
        lockMs: config.jobLockMs,
        metrics,
      });
      stack.push(() => workers.stop(config.shutdownTimeoutMs));
    }
    let opsUrl: string | undefined;
    // A worker serves no API, but operators still scrape and probe it; OPS_PORT moves these endpoints
    // off the API's port for every role.
    if (role === 'worker' || config.opsPort !== undefined) {
      const ops = await startOpsServer(
        { metrics, metricsToken: config.metricsToken, ready },
        config.host,
        config.opsPort ?? config.port,
      );
      stack.push(() => ops.stop());
      opsUrl = ops.url;
      logger.info({ url: `${ops.url}/metrics` }, 'metrics and health endpoints listening');
    }
    let api: ApiServer | undefined;
    if (role === 'api' || role === 'all') {
      const rateLimits = createRateLimits({
        redis: producer,
        prefix: config.redisPrefix,
        perMinute: {
          mutations: config.rateLimits.mutationsPerMinute,
          tests: config.rateLimits.testsPerMinute,
        },
      });
      api = await createApiServer(
        { config, logger, metrics, events, dataSources, connectionTests, operations, audit, rateLimits },
        { host: config.host, port: config.port, ready },
      );
      stack.push(() => api?.stop() ?? Promise.resolve());
      logger.info({ url: api.url }, 'GraphQL API listening');
    }

    return { url: api?.url, wsUrl: api?.wsUrl, opsUrl, events, stop: closeAll };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
