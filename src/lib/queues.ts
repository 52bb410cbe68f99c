import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { jobs, QUEUE_NAMES, type JobName, type Payload, type QueueName } from '../jobs/catalog.js';

/**
 * Every BullMQ queue is constructed here and nowhere else, so that the transport (Redis today,
 * BullMQ's PostgreSQL backend later, PRODUCT.md §4) is one module's decision.
 */
export interface Queues {
  /**
   * Completes each queue's connection set-up now. BullMQ does it on first use and keeps a failed
   * set-up for good, so a first use during a Redis outage would break the queue after Redis is back.
   */
  ready(): Promise<void>;
  get(name: QueueName): Queue;
  /** Adds a job of the catalog; `jobId` makes adding the same job twice a no-op. */
  add<K extends JobName>(name: K, payload: Payload<K>, jobId: string): Promise<void>;
  /**
   * Repeats a job every `everyMs` through a BullMQ job scheduler: one job per interval, whatever the
   * number of workers. Upserting an existing scheduler replaces it.
   */
  repeat<K extends JobName>(
    name: K,
    payload: Payload<K>,
    schedulerId: string,
    everyMs: number,
  ): Promise<void>;
  stopRepeating(name: JobName, schedulerId: string): Promise<void>;
  /** The ids of a job's schedulers. */
  repeating(name: JobName): Promise<string[]>;
  stats(): Promise<QueueStats[]>;
  /** Failed jobs, newest first: what operators look at first. */
  failed(name: QueueName, first: number): Promise<FailedJob[]>;
  /** Retries every failed job of a queue; returns how many. */
  retryFailed(name: QueueName): Promise<number>;
  pause(name: QueueName): Promise<void>;
  resume(name: QueueName): Promise<void>;
  close(): Promise<void>;
}

export interface QueueStats {
  name: QueueName;
  waiting: number;
  active: number;
  delayed: number;
  completed: number;
  failed: number;
  paused: boolean;
  workers: number;
}

export interface FailedJob {
  id: string;
  name: string;
  /** The error's first line, as BullMQ recorded it; payloads hold ids only, so no secret is in it. */
  reason: string;
  attemptsMade: number;
  failedAt: Date | null;
  data: string;
}

export function createQueues(connection: Redis, prefix: string): Queues {
  const queues = new Map(QUEUE_NAMES.map((name) => [name, new Queue(name, { connection, prefix })]));
  const get = (name: QueueName) => {
    const queue = queues.get(name);
    if (!queue) throw new Error(`unknown queue ${name}`);
    return queue;
  };
  for (const queue of queues.values()) {
    // Connection errors are the redis client's to report (lib/redis.ts); BullMQ would print them again.
    queue.on('error', () => undefined);
  }
  return {
    async ready() {
      await Promise.all([...queues.values()].map((queue) => queue.waitUntilReady()));
    },
    get,
    async add(name, payload, jobId) {
      const job = jobs[name];
      await get(job.queue).add(name, job.payload.parse(payload), { ...job.options, jobId });
    },
    async repeat(name, payload, schedulerId, everyMs) {
      const job = jobs[name];
      await get(job.queue).upsertJobScheduler(
        schedulerId,
        { every: everyMs },
        { name, data: job.payload.parse(payload), opts: job.options },
      );
    },
    async stopRepeating(name, schedulerId) {
      await get(jobs[name].queue).removeJobScheduler(schedulerId);
    },
    async repeating(name) {
      const schedulers = await get(jobs[name].queue).getJobSchedulers(0, -1);
      return schedulers.filter((scheduler) => scheduler.name === name).map((scheduler) => scheduler.key);
    },
    async failed(name, first) {
      const jobs = await get(name).getFailed(0, first - 1);
      return jobs.map((job) => ({
        id: job.id ?? '',
        name: job.name,
        reason: (job.failedReason || 'unknown').split('\n')[0]!.slice(0, 500),
        attemptsMade: job.attemptsMade,
        failedAt: job.finishedOn ? new Date(job.finishedOn) : null,
        data: JSON.stringify(job.data),
      }));
    },
    async retryFailed(name) {
      const count = await get(name).getFailedCount();
      await get(name).retryJobs({ state: 'failed' });
      return count;
    },
    async pause(name) {
      await get(name).pause();
    },
    async resume(name) {
      await get(name).resume();
    },
    async stats() {
      return Promise.all(
        QUEUE_NAMES.map(async (name) => {
          const queue = get(name);
          const [counts, paused, workers] = await Promise.all([
            queue.getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'completed', 'failed'),
            queue.isPaused(),
            queue.getWorkersCount(),
          ]);
          const count = (state: string) => counts[state] ?? 0;
          return {
            name,
            waiting: count('waiting') + count('prioritized'),
            active: count('active'),
            delayed: count('delayed'),
            completed: count('completed'),
            failed: count('failed'),
            paused,
            workers,
          };
        }),
      );
    },
    async close() {
      await Promise.all([...queues.values()].map((queue) => queue.close()));
    },
  };
}
