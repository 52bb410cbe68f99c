import {
  createPostgresBackend,
  Queue,
  QueueEvents,
  runMigrations,
  Worker,
  withBackend,
  type JobsOptions,
  type Processor,
  type WorkerOptions,
} from 'bullmq';
import { SpanKind } from '@opentelemetry/api';
import type { RedisClient } from './redis.js';
import pg from 'pg';
import type { z } from 'zod';
import { ATTR, injectTrace, inSpan } from './tracing.js';

/** One job of a catalog: its queue, its payload schema and its options; `everyMs` when scheduled. */
export interface JobDefinition {
  queue: string;
  payload: z.ZodType;
  options: JobsOptions;
  /** Run every this many milliseconds by one BullMQ job scheduler, whatever the number of workers. */
  everyMs?: number;
}
export type Catalog = Record<string, JobDefinition>;
export type JobNameOf<C extends Catalog> = keyof C & string;
export type QueueNameOf<C extends Catalog> = C[JobNameOf<C>]['queue'];
export type PayloadOf<C extends Catalog, K extends JobNameOf<C>> = z.infer<C[K]['payload']>;

/** The queues of a catalog, in the order their jobs first name them. */
export const queueNamesOf = <C extends Catalog>(catalog: C): QueueNameOf<C>[] => [
  ...new Set(Object.values(catalog).map((job) => job.queue as QueueNameOf<C>)),
];

/**
 * Where the queues live: Redis (scale-out), or BullMQ's own PostgreSQL backend in the metadata store's
 * schema `bullmq`, when there is no Redis (PRODUCT.md §4).
 */
export type QueueTransport =
  /** `connection` for producing (fails fast), `workerConnection` for workers (BullMQ's blocking reads). */
  | { kind: 'redis'; connection: RedisClient; workerConnection: RedisClient; prefix: string }
  | { kind: 'postgres'; databaseUrl: string };

/** BullMQ's schema in the metadata store, for the PostgreSQL transport. */
export const QUEUE_SCHEMA = 'bullmq';

/**
 * Creates or upgrades BullMQ's schema in the metadata store (its own migrations, under its own lock),
 * so that queues and workers can then assume it. PostgreSQL 13 or later.
 */
export async function migrateQueueSchema(databaseUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5_000 });
  client.on('notice', () => undefined);
  await client.connect();
  try {
    await runMigrations(client, QUEUE_SCHEMA);
  } finally {
    await client.end();
  }
}

/** BullMQ's classes for a transport, and the connection options they take. */
export function queueClasses(transport: QueueTransport) {
  if (transport.kind === 'redis') {
    const options = { connection: transport.connection, prefix: transport.prefix };
    return {
      queue: (name: string) => new Queue(name, options),
      worker: (name: string, processor: Processor, extra: Omit<WorkerOptions, 'connection'>) =>
        new Worker(name, processor, {
          ...extra,
          connection: transport.workerConnection,
          prefix: transport.prefix,
        }),
      events: (name: string) => new QueueEvents(name, options),
      // The wait list's tail, read oldest first: one job, however long the queue.
      oldestWaitingSince: async (queue: Queue) => {
        const [job] = await queue.getWaiting(0, 0);
        return job ? job.timestamp + (job.opts.delay ?? 0) : null;
      },
      close: () => Promise.resolve(),
    };
  }
  const classes = withBackend(createPostgresBackend);
  // One pool for every queue, worker and event stream of the process, pinned to BullMQ's schema.
  const pool = new pg.Pool({
    connectionString: transport.databaseUrl,
    max: 10,
    options: `-c search_path=${QUEUE_SCHEMA}`,
    application_name: 'data-source-service queues',
  });
  pool.on('error', () => undefined);
  return {
    queue: (name: string) => new classes.Queue(name, { connection: pool }) as unknown as Queue,
    worker: (name: string, processor: Processor, extra: Omit<WorkerOptions, 'connection'>) =>
      new classes.Worker(name, processor, { ...extra, connection: pool }) as unknown as Worker,
    events: (name: string) => new classes.QueueEvents(name, { connection: pool }) as unknown as QueueEvents,
    // This backend slices a wait list newest first even when asked oldest first (getWaiting(0, 0) is
    // the newest job), so the head of its FIFO order is read from its table, on its ready-jobs index.
    oldestWaitingSince: async (queue: Queue) => {
      const { rows } = await pool.query<{ since: string }>(
        `SELECT added_at_ms + COALESCE((opts->>'delay')::bigint, 0) AS since FROM job
          WHERE queue = $1 AND state = 'waiting' AND priority = 0 ORDER BY seq LIMIT 1`,
        [queue.name],
      );
      return rows[0] ? Number(rows[0].since) : null;
    },
    close: () => pool.end(),
  };
}

/**
 * Every BullMQ queue and worker is constructed here and nowhere else, so that the transport is one
 * module's decision. It knows nothing of the service's jobs: the catalog it is given names them.
 */
export interface Queues<C extends Catalog> {
  readonly names: readonly QueueNameOf<C>[];
  /**
   * Completes each queue's connection set-up now. BullMQ does it on first use and keeps a failed
   * set-up for good, so a first use during a Redis outage would break the queue after Redis is back.
   */
  ready(): Promise<void>;
  get(name: QueueNameOf<C>): Queue;
  /** Adds a job of the catalog; `jobId` makes adding the same job twice a no-op. */
  add<K extends JobNameOf<C>>(name: K, payload: PayloadOf<C, K>, jobId?: string): Promise<void>;
  /**
   * Repeats a job every `everyMs` through a BullMQ job scheduler: one job per interval, whatever the
   * number of workers; the first at once, or at `firstAt`. Upserting an existing scheduler replaces it.
   */
  repeat<K extends JobNameOf<C>>(
    name: K,
    payload: PayloadOf<C, K>,
    schedulerId: string,
    everyMs: number,
    firstAt?: Date,
  ): Promise<void>;
  stopRepeating(name: JobNameOf<C>, schedulerId: string): Promise<void>;
  /** The ids of a job's schedulers. */
  repeating(name: JobNameOf<C>): Promise<string[]>;
  stats(): Promise<QueueStats[]>;
  /** Failed jobs, newest first: what operators look at first. */
  failed(name: QueueNameOf<C>, first: number): Promise<FailedJob[]>;
  /** Retries every failed job of a queue; returns how many. */
  retryFailed(name: QueueNameOf<C>): Promise<number>;
  pause(name: QueueNameOf<C>): Promise<void>;
  resume(name: QueueNameOf<C>): Promise<void>;
  /** A worker of queue `name` on this transport (workers/worker.ts dispatches its jobs). */
  worker(name: QueueNameOf<C>, processor: Processor, options: Omit<WorkerOptions, 'connection'>): Worker;
  readonly transport: QueueTransport['kind'];
  close(): Promise<void>;
}

export interface QueueStats {
  name: string;
  waiting: number;
  active: number;
  delayed: number;
  completed: number;
  failed: number;
  paused: boolean;
  workers: number;
  /**
   * When the oldest waiting job became ready to run (ms since the epoch: added, plus the delay it was
   * added with), or null when none waits.
   */
  oldestWaitingSince: number | null;
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

export function createQueues<C extends Catalog>(catalog: C, transport: QueueTransport): Queues<C> {
  const names = queueNamesOf(catalog);
  const classes = queueClasses(transport);
  const queues = new Map(names.map((name) => [name, classes.queue(name)]));
  const get = (name: QueueNameOf<C>) => {
    const queue = queues.get(name);
    if (!queue) throw new Error(`unknown queue ${name}`);
    return queue;
  };
  const definition = (name: JobNameOf<C>) => catalog[name] as JobDefinition;
  for (const queue of queues.values()) {
    // Connection errors are the clients' to report (lib/redis.ts, lib/db.ts); BullMQ would print them again.
    queue.on('error', () => undefined);
  }
  return {
    names,
    transport: transport.kind,
    worker: (name, processor, options) => classes.worker(name, processor, options),
    async ready() {
      await Promise.all([...queues.values()].map((queue) => queue.waitUntilReady()));
    },
    get,
    add(name, payload, jobId) {
      const job = definition(name);
      // A producer span; its context rides in the payload, so that the job's span continues the trace.
      return inSpan(
        `send ${job.queue}`,
        {
          kind: SpanKind.PRODUCER,
          attributes: {
            'messaging.system': 'bullmq',
            'messaging.operation.type': 'send',
            'messaging.destination.name': job.queue,
            ...(jobId ? { 'messaging.message.id': jobId } : {}),
            [ATTR.jobName]: name,
          },
        },
        async () => {
          const data = job.payload.parse({ ...(payload as object), trace: injectTrace() });
          await get(job.queue).add(name, data, { ...job.options, jobId });
        },
      );
    },
    async repeat(name, payload, schedulerId, everyMs, firstAt) {
      const job = definition(name);
      await get(job.queue).upsertJobScheduler(
        schedulerId,
        { every: everyMs, ...(firstAt ? { startDate: firstAt } : {}) },
        { name, data: job.payload.parse(payload), opts: job.options },
      );
    },
    async stopRepeating(name, schedulerId) {
      await get(definition(name).queue).removeJobScheduler(schedulerId);
    },
    async repeating(name) {
      const schedulers = await get(definition(name).queue).getJobSchedulers(0, -1);
      return schedulers.filter((scheduler) => scheduler.name === name).map((scheduler) => scheduler.key);
    },
    async failed(name, first) {
      const failed = await get(name).getFailed(0, first - 1);
      return failed.map((job) => ({
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
        names.map(async (name) => {
          const queue = get(name);
          const [counts, paused, workers, oldestWaitingSince] = await Promise.all([
            queue.getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'completed', 'failed'),
            queue.isPaused(),
            queue.getWorkersCount(),
            classes.oldestWaitingSince(queue),
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
            oldestWaitingSince,
          };
        }),
      );
    },
    async close() {
      await Promise.all([...queues.values()].map((queue) => queue.close()));
      await classes.close();
    },
  };
}
