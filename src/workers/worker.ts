import type { Redis } from 'ioredis';
import type { Config } from '../config.js';
import type { Logger } from '../lib/logger.js';

export interface Workers {
  stop(): Promise<void>;
}

/**
 * Starts one BullMQ Worker per queue of the job catalog (jobs.ts) with WORKER_CONCURRENCY.
 * The catalog has no jobs yet: the connection-test and heartbeat handlers arrive with their issues,
 * and each registers here through the catalog's handler map.
 */
export function startWorkers(deps: { config: Config; logger: Logger; connection: Redis }): Promise<Workers> {
  deps.logger.info({ concurrency: deps.config.workerConcurrency }, 'worker role started');
  return Promise.resolve({ stop: () => Promise.resolve() });
}
