import { startOpsServer } from './api/ops.js';
import { createRateLimits } from './api/rate-limits.js';
import { createApiServer, type ApiServer } from './api/server.js';
import { createAuditTrail } from './audit/trail.js';
import { redisVariableOf, type Config } from './config.js';
import { createTestRunner } from './connection-tests/runner.js';
import { createConnectionTestService } from './connection-tests/service.js';
import { createTargetGuard, type GuardStore } from './connection-tests/target-guard.js';
import { createDataSourceService } from './datasources/service.js';
import { stopBeats } from './heartbeat/scheduler.js';
import { createHeartbeatService } from './heartbeat/service.js';
import { initialState, stateAfterChange } from './heartbeat/state.js';
import { catalog } from './jobs/catalog.js';
import { ensureDatabase, migrateDatabase, openMetadataStore, type MetadataStore } from './lib/db.js';
import type { Logger } from './lib/logger.js';
import { createMetrics } from './lib/metrics.js';
import {
  EmbeddedPostgresError,
  startEmbeddedPostgres,
  type EmbeddedPostgres,
} from './lib/embedded-postgres.js';
import { createPostgresEventTarget, type BusTarget } from './lib/pg-event-target.js';
import { createEventBus, redisBusTarget, type EventBus } from './lib/pubsub.js';
import { createQueues, migrateQueueSchema, type QueueTransport } from './lib/queues.js';
import { claimRedisPrefix, deploymentIdOf } from './lib/deployment.js';
import {
  closeRedis,
  createRedis,
  describeRedis,
  evictionPolicies,
  redisEndpointsOf,
  waitUntilReady,
  type RedisClient,
  type RedisRole,
} from './lib/redis.js';
import { createOperationsService } from './operations/service.js';
import { createSessionRevocations } from './operations/session-revocations.js';
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
  /** At process exit without a stop (a crash): what must not outlive the process, stopped at once. */
  stopNow(): void;
}

export class StartupError extends Error {}

/** Queues, events, rate limits and the target guard: on Redis, or on the metadata store. */
interface Transport {
  queues: QueueTransport;
  events: BusTarget;
  store: GuardStore;
  /** Whether the transport answers (/readyz). */
  ping(): Promise<unknown>;
  /** Calls `listener` each time the transport is back after an outage (Redis may have lost keys). */
  onRestored(listener: () => void): void;
}

async function startTransport(
  config: Config,
  databaseUrl: string,
  store: MetadataStore,
  logger: Logger,
  onClose: (close: () => Promise<unknown>) => void,
): Promise<Transport> {
  const { pool } = store;
  if (config.queueTransport === 'postgres' || !config.redis) {
    const events = createPostgresEventTarget({ databaseUrl, pool, logger });
    return {
      queues: { kind: 'postgres', databaseUrl },
      events,
      store: { kind: 'postgres', pool },
      // The queues live in the metadata store, which /readyz asks anyway; events need the LISTEN session.
      ping: () =>
        events.listening()
          ? Promise.resolve()
          : Promise.reject(new Error('the event listener is reconnecting to the metadata store')),
      // The queues are in the metadata store: what it committed, it keeps.
      onRestored: () => undefined,
    };
  }
  const connection = config.redis;
  const variable = redisVariableOf(connection);
  const redis = (redisRole: RedisRole) => {
    const client = createRedis(connection, redisRole, logger);
    onClose(() => closeRedis(client));
    return client;
  };
  const producer = redis('producer');
  const limits = redis('limits');
  try {
    await Promise.all([waitUntilReady(producer, 5_000), waitUntilReady(limits, 5_000)]);
  } catch (error) {
    // ioredis' reasons name hosts and ports (or WRONGPASS), never a password.
    const reason = (error as Error).message.split('\n')[0]?.slice(0, 200);
    throw new StartupError(
      `Redis at ${describeRedis(connection)} is not reachable (${reason}). Start Redis or set ${variable}.`,
    );
  }
  await checkEvictionPolicy(producer, config, logger);
  const prefix = config.redisPrefix;
  const deploymentId = await deploymentIdOf(store.db);
  const holder = await claimRedisPrefix(producer, prefix, deploymentId);
  if (holder) {
    throw new StartupError(
      `Redis at ${describeRedis(connection)} with REDIS_PREFIX=${prefix} belongs to another deployment ` +
        `(another metadata store, deployment ${holder}), whose jobs this one would take. ` +
        `Give this deployment its own REDIS_PREFIX, or another Redis (${variable}).`,
    );
  }
  // A Redis that came back empty has lost the claim too: made again at each reconnection.
  producer.on('ready', () => {
    claimRedisPrefix(producer, prefix, deploymentId).then(
      (other) => {
        if (other) logger.error({ prefix, other }, 'another deployment now holds this Redis prefix');
      },
      () => undefined,
    );
  });
  const workerConnection = redis('worker');
  return {
    queues: { kind: 'redis', connection: producer, workerConnection, prefix },
    events: redisBusTarget({ publishClient: redis('publish'), subscribeClient: redis('subscribe'), logger }),
    store: { kind: 'redis', redis: limits, prefix },
    ping: () => producer.ping(),
    // Every reconnection after start-up: a restarted Redis without persistence, or a promoted replica
    // that missed the last writes, may have lost jobs and schedulers. The producer is the connection
    // that puts them back.
    onRestored: (listener) => producer.on('ready', listener),
  };
}

/**
 * BullMQ must never lose keys, so Redis must not evict them: a policy other than noeviction is refused
 * in production and warned about elsewhere. Managed Redis often disables CONFIG: then it is only said.
 */
async function checkEvictionPolicy(redis: RedisClient, config: Config, logger: Logger): Promise<void> {
  const policies = await evictionPolicies(redis);
  if (!policies) {
    logger.warn(
      'Could not read Redis maxmemory-policy (CONFIG GET is disabled?): make sure it is noeviction, or Redis may evict queued jobs.',
    );
    return;
  }
  const policy = policies.find((found) => found !== 'noeviction');
  if (policy === undefined) return;
  if (config.env === 'production') {
    throw new StartupError(
      `Redis maxmemory-policy is ${policy}, not noeviction: Redis may evict queued jobs under memory pressure. Set maxmemory-policy noeviction.`,
    );
  }
  logger.warn(
    { policy },
    'Redis maxmemory-policy is not noeviction: Redis may evict queued jobs under memory pressure. Set maxmemory-policy noeviction.',
  );
}

const where = (url: string) => {
  const { hostname, port } = new URL(url);
  return `${hostname}:${port || 'default port'}`;
};

/**
 * Starts the parts of the service that `role` asks for, in dependency order, and returns one `stop`
 * that closes them in reverse. Only main.ts owns the process (signals, exit codes).
 */
export async function startApp(config: Config, role: ProcessRole, logger: Logger): Promise<App> {
  // Everything started is registered here; stopping runs the list newest first.
  const stack: (() => Promise<unknown>)[] = [];
  const closeAll = async () => {
    for (const close of stack.splice(0).reverse()) {
      await close().catch((error: unknown) => logger.warn({ err: error }, 'error while closing'));
    }
  };
  let embedded: EmbeddedPostgres | undefined;

  try {
    // The metadata store: DATABASE_URL's, or an embedded PostgreSQL under DATA_DIR.
    if (!config.databaseUrl) {
      embedded = await startEmbeddedPostgres(config.dataDir, (notice) => logger.warn(notice)).catch(
        (error: unknown) => {
          throw error instanceof EmbeddedPostgresError ? new StartupError(error.message) : error;
        },
      );
      const started = embedded;
      stack.push(() => started.stop());
    }
    const databaseUrl = config.databaseUrl ?? embedded?.url ?? '';
    try {
      await ensureDatabase(databaseUrl);
      await migrateDatabase(databaseUrl);
      if (config.queueTransport === 'postgres') await migrateQueueSchema(databaseUrl);
    } catch (error) {
      const code = (error as { code?: string }).code ?? (error as Error).message;
      throw new StartupError(
        `The metadata store (PostgreSQL at ${where(databaseUrl)}) is not usable (${code}). ` +
          'Start PostgreSQL or set DATABASE_URL.',
      );
    }
    const store = openMetadataStore(databaseUrl);
    stack.push(() => store.close());
    const transport = await startTransport(config, databaseUrl, store, logger, (close) => stack.push(close));
    if (config.apiTokens.size === 0) {
      logger.warn(
        'API_TOKENS is not set: the API is OPEN to anyone who can reach it. Set API_TOKENS outside development.',
      );
    }
    logger.info(
      {
        metadataStore: embedded
          ? `embedded PostgreSQL ${embedded.version} (port ${embedded.port})`
          : where(databaseUrl),
        dataDir: embedded?.dataDir,
        transport: config.redis ? `redis (${describeRedis(config.redis)})` : 'postgres',
      },
      embedded || config.queueTransport === 'postgres'
        ? 'metadata store and transport chosen; set DATABASE_URL for an external PostgreSQL and REDIS_URL for Redis (scale-out)'
        : 'metadata store and transport chosen',
    );

    const secrets = await loadSecretBox(config, logger);
    const events = createEventBus({ prefix: `${config.redisPrefix}:events`, target: transport.events });
    stack.push(() => events.close());
    await events.subscribed();
    const queues = createQueues(catalog, transport.queues);
    stack.push(() => queues.close());
    await queues.ready();
    const db = store.db;
    const metrics = createMetrics({ queues, store, events });
    const ready = async () => {
      await Promise.all([store.pool.query('SELECT 1'), transport.ping()]);
      return true;
    };

    // The domain, each service built on the ones below it (README, Architecture).
    const audit = createAuditTrail({ db, logger });
    const connectionTests = createConnectionTestService({
      db,
      preparedTransaction: (fn) => store.preparedTransaction(fn),
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
          ownEndpoints: ownEndpointsOf(databaseUrl, config.redis ? redisEndpointsOf(config.redis) : []),
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
      // One read of the ages per scrape for both gauges (prom-client collects them at once).
      let reading: ReturnType<typeof heartbeat.ages> | undefined;
      const ages = () => (reading ??= heartbeat.ages().finally(() => (reading = undefined)));
      // Labelled by id only: identifiers are user input, and can change.
      metrics.gauge({
        name: 'dss_heartbeat_age_seconds',
        help: 'Seconds since the last successful heartbeat, per data source with the heartbeat on.',
        labelNames: ['data_source_id'],
        collect: async (set) => {
          for (const { dataSourceId, seconds } of await ages())
            set({ data_source_id: dataSourceId }, seconds);
        },
      });
      metrics.gauge({
        name: 'dss_heartbeat_replication_lag_seconds',
        help: "The standby's replication lag read after the last beat, per PRIMARY_STANDBY data source.",
        labelNames: ['data_source_id'],
        collect: async (set) => {
          for (const { dataSourceId, replicationLagSeconds } of await ages())
            if (replicationLagSeconds !== null) set({ data_source_id: dataSourceId }, replicationLagSeconds);
        },
      });
      metrics.gauge({
        name: 'dss_heartbeat_data_sources',
        help: 'Data sources per heartbeat state (DISABLED, PENDING, INSTALLING, ACTIVE, DEGRADED, FAILED).',
        labelNames: ['state'],
        collect: async (set) => {
          for (const { state, count } of await heartbeat.states()) set({ state }, count);
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
        guard: createTargetGuard({
          store: transport.store,
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
        concurrency: config.workerConcurrency,
        lockMs: config.jobLockMs,
        metrics,
      });
      stack.push(() => workers.stop(config.shutdownTimeoutMs));
      transport.onRestored(() => {
        logger.info('transport back: scheduled jobs and open tests reconciled');
        void workers.repair();
      });
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
        store: transport.store,
        perMinute: {
          mutations: config.rateLimits.mutationsPerMinute,
          tests: config.rateLimits.testsPerMinute,
        },
      });
      api = await createApiServer(
        {
          config,
          logger,
          metrics,
          events,
          dataSources,
          connectionTests,
          operations,
          audit,
          rateLimits,
          sessionRevocations: createSessionRevocations(db),
        },
        { host: config.host, port: config.port, ready },
      );
      stack.push(() => api?.stop() ?? Promise.resolve());
      logger.info({ url: api.url }, 'GraphQL API listening');
    }

    return {
      url: api?.url,
      wsUrl: api?.wsUrl,
      opsUrl,
      events,
      stop: closeAll,
      stopNow: () => embedded?.stopSync(),
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
