import type { Job, JobsOptions } from 'bullmq';
import { z } from 'zod';

/**
 * The job catalog: every job of the service, its queue, its payload schema and its options. Payloads
 * are ids only (no secrets, no dates); workers parse them as unknown. The handler map in worker.ts
 * must satisfy `Handlers`, so a job without a handler does not compile.
 */
export const QUEUE_NAMES = ['connection-test', 'heartbeat', 'maintenance'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

const defaults = {
  removeOnComplete: { age: 3600, count: 1000 },
  removeOnFail: { age: 7 * 24 * 3600 },
} satisfies JobsOptions;

export const jobs = {
  'connection-test': {
    queue: 'connection-test',
    payload: z.object({ testId: z.uuid() }),
    // Target problems are results, not failures: only failures of the service (metadata store down,
    // worker crash) reach BullMQ, which retries them with backoff.
    options: { ...defaults, attempts: 4, backoff: { type: 'exponential', delay: 1_000 } },
  },
  'heartbeat-install': {
    queue: 'heartbeat',
    payload: z.object({ dataSourceId: z.uuid() }),
    // Unreachable targets are retried; a missing privilege is final (the handler says FAILED).
    options: { ...defaults, attempts: 5, backoff: { type: 'exponential', delay: 2_000 } },
  },
  'heartbeat-beat': {
    queue: 'heartbeat',
    payload: z.object({ dataSourceId: z.uuid() }),
    // Repeated by a job scheduler; a failed beat is a DEGRADED state, not a job to retry.
    options: { removeOnComplete: true, removeOnFail: { count: 100 }, attempts: 1 },
  },
  retention: {
    queue: 'maintenance',
    payload: z.object({}),
    // Repeated every minute by one job scheduler; a failed run is simply the next run's work.
    options: { removeOnComplete: true, removeOnFail: { count: 100 }, attempts: 1 },
  },
} as const satisfies Record<string, { queue: QueueName; payload: z.ZodType; options: JobsOptions }>;

export type JobName = keyof typeof jobs;
export type Payload<K extends JobName> = z.infer<(typeof jobs)[K]['payload']>;
export interface JobHandler<K extends JobName> {
  /** `token`: the worker's lock on the job, which moving it (e.g. back to delayed) needs. */
  run(payload: Payload<K>, job: Job, token: string | undefined): Promise<void>;
  /** Called once when the last attempt failed, so that nothing waits on the job forever. */
  exhausted?(payload: Payload<K>): Promise<void>;
}
export type Handlers = { [K in JobName]: JobHandler<K> };
