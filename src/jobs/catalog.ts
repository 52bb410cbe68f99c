import type { Job, JobsOptions } from 'bullmq';
import { z } from 'zod';
import {
  queueNamesOf,
  type Catalog,
  type JobNameOf,
  type PayloadOf,
  type QueueNameOf,
  type Queues,
} from '../lib/queues.js';
import { traceCarrier } from '../lib/tracing.js';

/**
 * The job catalog: every job of the service, its queue, its payload schema and its options, and for
 * the scheduled ones how often they run. Payloads are ids only (no secrets, no dates), and the W3C trace
 * context of the span that added the job (`trace`, when tracing is on); workers parse them as unknown. The handler map in workers/worker.ts must satisfy `Handlers`, so a job without a
 * handler does not compile.
 */
/** A payload: its ids, and the trace it continues (lib/queues.ts adds it, workers/worker.ts reads it). */
const payload = <T extends z.ZodRawShape>(ids: T) => z.object({ ...ids, trace: traceCarrier });

const defaults = {
  removeOnComplete: { age: 3600, count: 1000 },
  removeOnFail: { age: 7 * 24 * 3600 },
} satisfies JobsOptions;

/** A job that repeats: a failed run is the next run's work, not a job to retry. */
const repeated = { removeOnComplete: true, removeOnFail: { count: 100 }, attempts: 1 } satisfies JobsOptions;

export const catalog = {
  'connection-test': {
    queue: 'connection-test',
    payload: payload({ testId: z.uuid() }),
    // Target problems are results, not failures: only failures of the service (metadata store down,
    // worker crash) reach BullMQ, which retries them with backoff.
    options: { ...defaults, attempts: 4, backoff: { type: 'exponential', delay: 1_000 } },
  },
  'heartbeat-install': {
    queue: 'heartbeat',
    payload: payload({ dataSourceId: z.uuid() }),
    // Unreachable targets are retried; a missing privilege is final (the handler says FAILED).
    options: { ...defaults, attempts: 5, backoff: { type: 'exponential', delay: 2_000 } },
  },
  'heartbeat-beat': {
    queue: 'heartbeat',
    payload: payload({ dataSourceId: z.uuid() }),
    // One scheduler per data source (heartbeat/scheduler.ts); a failed beat is a DEGRADED state.
    options: repeated,
  },
  reconcile: {
    queue: 'maintenance',
    payload: payload({}),
    // No test stays open without a job, and the beat schedulers match the metadata store.
    options: repeated,
    everyMs: 15_000,
  },
  retention: {
    queue: 'maintenance',
    payload: payload({}),
    // Draft passwords are purged within this long of their window's end; old tests go as often.
    options: repeated,
    everyMs: 60_000,
  },
} as const satisfies Catalog;

export type JobCatalog = typeof catalog;
export type JobName = JobNameOf<JobCatalog>;
export type QueueName = QueueNameOf<JobCatalog>;
export type Payload<K extends JobName> = PayloadOf<JobCatalog, K>;
export type ServiceQueues = Queues<JobCatalog>;
export const QUEUE_NAMES = queueNamesOf(catalog);

export interface JobHandler<K extends JobName> {
  /** `token`: the worker's lock on the job, which moving it (e.g. back to delayed) needs. */
  run(payload: Payload<K>, job: Job, token: string | undefined): Promise<void>;
  /** Called once when the last attempt failed, so that nothing waits on the job forever. */
  exhausted?(payload: Payload<K>): Promise<void>;
}
export type Handlers = { [K in JobName]: JobHandler<K> };
