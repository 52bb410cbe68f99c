import { Cluster, Redis, type RedisOptions } from 'ioredis';
import type { RedisConnection } from '../config.js';
import type { Logger } from './logger.js';

/** A connection to Redis as every user of it takes one: a single server (or Sentinel's master), or a Cluster. */
export type RedisClient = Redis | Cluster;

/**
 * Redis connections by role (BullMQ "going to production"):
 * - `producer`: API-side queue writes; no offline queue, so a Redis outage fails the request fast.
 * - `worker`: BullMQ workers; `maxRetriesPerRequest: null` as BullMQ requires, blocking commands wait.
 * - `publish` / `subscribe`: pub/sub, separate clients with a bounded reconnect backoff.
 * - `limits`: rate limits and the target guard; as `producer`, but without BullMQ's scripts, which
 *   ioredis copies into every MULTI and pipeline made on a connection (64 of them: 80 µs each time).
 */
export type RedisRole = 'producer' | 'worker' | 'publish' | 'subscribe' | 'limits';

const roleOptions: Record<
  RedisRole,
  { enableOfflineQueue?: boolean; maxRetriesPerRequest: number | null; enableAutoPipelining?: boolean }
> = {
  producer: { enableOfflineQueue: false, maxRetriesPerRequest: 1 },
  worker: { maxRetriesPerRequest: null },
  // Commands issued in one tick go out in one write (a test publishes several changes at once).
  publish: { enableOfflineQueue: false, maxRetriesPerRequest: 1, enableAutoPipelining: true },
  subscribe: { maxRetriesPerRequest: null },
  limits: { enableOfflineQueue: false, maxRetriesPerRequest: 1 },
};

const backoff = (attempt: number) => Math.min(attempt * 200, 2_000);

/**
 * The one place a Redis connection is made, whatever the topology: queues (BullMQ), workers, events
 * (pub/sub), rate limits and the target guard all take theirs from here.
 */
export function createRedis(connection: RedisConnection, role: RedisRole, logger: Logger): RedisClient {
  const { enableOfflineQueue, maxRetriesPerRequest, enableAutoPipelining } = roleOptions[role];
  const common: RedisOptions = {
    maxRetriesPerRequest,
    enableAutoPipelining,
    connectionName: `data-source-service:${role}`,
    connectTimeout: 2_000,
  };
  const client =
    connection.kind === 'cluster'
      ? new Cluster(
          connection.nodes.map(({ host, port }) => ({ host, port })),
          {
            enableOfflineQueue,
            enableAutoPipelining,
            clusterRetryStrategy: backoff,
            redisOptions: { ...common, password: connection.password },
          },
        )
      : connection.kind === 'sentinel'
        ? new Redis({
            ...common,
            enableOfflineQueue,
            sentinels: connection.sentinels.map(({ host, port }) => ({ host, port })),
            name: connection.name,
            password: connection.password,
            sentinelPassword: connection.sentinelPassword,
            // A master demoted by a failover (alive, now a replica) answers writes with READONLY: find
            // the new master through the sentinels. (ioredis' failoverDetector could leave a client
            // that was reconnecting at the switch closed for good: seen in test/redis-ha.)
            reconnectOnError: (error) => error.message.startsWith('READONLY'),
            retryStrategy: backoff,
            sentinelRetryStrategy: backoff,
          })
        : new Redis(connection.url, { ...common, enableOfflineQueue, retryStrategy: backoff });
  let reported = false;
  client.on('error', (error: Error & { code?: string }) => {
    // ioredis reports every failed reconnect; one line per outage is enough for operators.
    if (reported) return;
    reported = true;
    logger.warn({ role, code: error.code }, 'redis connection error');
  });
  client.on('ready', () => {
    if (reported) logger.info({ role }, 'redis connection restored');
    reported = false;
  });
  return client;
}

/** Where Redis is, for log lines and start-up messages: never a password. */
export function describeRedis(connection: RedisConnection): string {
  const list = (nodes: readonly { host: string; port: number }[]) =>
    nodes.map(({ host, port }) => (host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`)).join(',');
  if (connection.kind === 'cluster') return `cluster ${list(connection.nodes)}`;
  if (connection.kind === 'sentinel')
    return `master ${connection.name} via sentinels ${list(connection.sentinels)}`;
  const { hostname, port } = new URL(connection.url);
  return `${hostname}:${port || 'default port'}`;
}

/** The servers named by the configuration (seeds of a Cluster, the sentinels), for the egress policy. */
export function redisEndpointsOf(connection: RedisConnection): { host: string; port: number }[] {
  if (connection.kind === 'cluster') return [...connection.nodes];
  if (connection.kind === 'sentinel') return [...connection.sentinels];
  const { hostname, port } = new URL(connection.url);
  return [{ host: hostname.replace(/^\[(.*)\]$/, '$1'), port: port ? Number(port) : 6379 }];
}

/** Resolves once the client is connected; rejects at its first connection error or after `timeoutMs`. */
export async function waitUntilReady(client: RedisClient, timeoutMs: number): Promise<void> {
  if (client.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => settle(new Error('redis not ready')), timeoutMs);
    const onReady = () => settle();
    const onError = (error: Error) => settle(error);
    const settle = (error?: Error) => {
      clearTimeout(timer);
      client.off('ready', onReady);
      client.off('error', onError);
      if (error) reject(error);
      else resolve();
    };
    client.on('ready', onReady);
    client.on('error', onError);
  });
}

export async function closeRedis(client: RedisClient): Promise<void> {
  if (client.status === 'end') return;
  await client.quit().catch(() => client.disconnect());
}

/**
 * `maxmemory-policy` of every master (CONFIG GET); undefined when it cannot be read (managed Redis
 * often disables CONFIG).
 */
export async function evictionPolicies(client: RedisClient): Promise<string[] | undefined> {
  const servers = client instanceof Cluster ? client.nodes('master') : [client];
  try {
    return await Promise.all(
      servers.map(async (server) => {
        const [, policy] = ((await server.config('GET', 'maxmemory-policy')) as string[] | undefined) ?? [];
        if (policy === undefined) throw new Error('CONFIG GET returned nothing');
        return policy;
      }),
    );
  } catch {
    return undefined;
  }
}
