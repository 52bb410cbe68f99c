import { randomUUID } from 'node:crypto';
import { deployment } from '../schema/index.js';
import type { Database } from './db.js';
import type { RedisClient } from './redis.js';

/** This deployment's id, created once by the first process that starts on this metadata store. */
export async function deploymentIdOf(db: Database): Promise<string> {
  await db.insert(deployment).values({ id: randomUUID() }).onConflictDoNothing();
  const [row] = await db.select({ id: deployment.id }).from(deployment);
  if (!row) throw new Error('the deployment row is missing');
  return row.id;
}

/**
 * Claims `prefix` on Redis for deployment `id` (SET NX, kept for good): resolves to undefined when it
 * is this deployment's, or to the id of the deployment that holds it. Two deployments with different
 * metadata stores on one Redis and prefix would take each other's jobs.
 */
export async function claimRedisPrefix(
  redis: RedisClient,
  prefix: string,
  id: string,
): Promise<string | undefined> {
  const key = `${prefix}:deployment`;
  await redis.set(key, id, 'NX');
  const holder = await redis.get(key);
  return holder === id ? undefined : (holder ?? undefined);
}
