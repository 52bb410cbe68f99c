import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from './logger.js';

/**
 * Redis connections by role (BullMQ "going to production"):
 * - `producer`: API-side queue writes; no offline queue, so a Redis outage fails the request fast.
 * - `worker`: BullMQ workers; `maxRetriesPerRequest: null` as BullMQ requires, blocking commands wait.
 * - `publish` / `subscribe`: pub/sub, separate clients with a bounded reconnect backoff.
 */
export type RedisRole = 'producer' | 'worker' | 'publish' | 'subscribe';

const roleOptions: Record<RedisRole, RedisOptions> = {
  producer: { enableOfflineQueue: false, maxRetriesPerRequest: 1 },
  worker: { maxRetriesPerRequest: null },
  // Commands issued in one tick go out in one write (a test publishes several changes at once).
  publish: { enableOfflineQueue: false, maxRetriesPerRequest: 1, enableAutoPipelining: true },
  subscribe: { maxRetriesPerRequest: null },
};

export function createRedis(url: string, role: RedisRole, logger: Logger): Redis {
  const client = new Redis(url, {
    ...roleOptions[role],
    connectionName: `data-source-service:${role}`,
    connectTimeout: 2_000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    lazyConnect: false,
  });
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

/** Resolves once the client is connected; rejects at its first connection error or after `timeoutMs`. */
export async function waitUntilReady(client: Redis, timeoutMs: number): Promise<void> {
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

export async function closeRedis(client: Redis): Promise<void> {
  if (client.status === 'end') return;
  await client.quit().catch(() => client.disconnect());
}
