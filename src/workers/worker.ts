import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { RunnerDeps } from '../connection-tests/runner.js';
import type { Logger } from '../lib/logger.js';
import type { Queues } from '../lib/queues.js';
import { connectionTestHandler } from './connection-test.handler.js';
import { jobs, QUEUE_NAMES, type Handlers, type JobName } from './jobs.js';
import { reconcileTests } from './test-reconciler.js';

export interface WorkerDeps extends RunnerDeps {
  logger: Logger;
  queues: Queues;
  connection: Redis;
  prefix: string;
  concurrency: number;
  lockMs: number;
  /** How often open tests are checked for a lost job (test-reconciler.ts). */
  reconcileEveryMs?: number;
}

export interface Workers {
  stop(): Promise<void>;
}

/** One BullMQ Worker per queue of the job catalog, each dispatching by job name to its handler. */
export async function startWorkers(deps: WorkerDeps): Promise<Workers> {
  const handlers = {
    'connection-test': connectionTestHandler(deps),
  } satisfies Handlers;

  const parse = (job: Job) => {
    const name = job.name as JobName;
    const definition = jobs[name] as (typeof jobs)[JobName] | undefined;
    if (!definition) throw new UnrecoverableError(`unknown job ${job.name}`);
    const payload = definition.payload.safeParse(job.data as unknown);
    if (!payload.success) throw new UnrecoverableError(`invalid payload for ${job.name}`);
    return { name, payload: payload.data, handler: handlers[name] };
  };

  const queues = QUEUE_NAMES.filter((queue) => Object.values(jobs).some((job) => job.queue === queue));
  const workers = queues.map((queue) => {
    const worker = new Worker(
      queue,
      async (job) => {
        const { payload, handler } = parse(job);
        await handler.run(payload, job);
      },
      {
        connection: deps.connection,
        prefix: deps.prefix,
        concurrency: deps.concurrency,
        // A worker that dies holding a job loses the lock after lockDuration; the stalled-job check
        // (every stalledInterval) then hands the job to another worker.
        lockDuration: deps.lockMs,
        stalledInterval: deps.lockMs,
      },
    );
    worker.on('error', (error) => deps.logger.error({ err: error, queue }, 'worker error'));
    worker.on('failed', (job, error) => {
      if (!job) return;
      const final = error instanceof UnrecoverableError || job.attemptsMade >= (job.opts.attempts ?? 1);
      deps.logger.warn(
        { err: error, queue, job: job.name, jobId: job.id, attempt: job.attemptsMade, final },
        'job failed',
      );
      if (!final) return;
      try {
        const { payload, handler } = parse(job);
        handler
          .exhausted?.(payload)
          .catch((e: unknown) => deps.logger.error({ err: e, jobId: job.id }, 'could not end the job'));
      } catch {
        // An unparsable job has nothing to end.
      }
    });
    return worker;
  });

  const sweep = () =>
    reconcileTests(deps).catch((error: unknown) =>
      deps.logger.warn({ err: error }, 'test reconciliation failed'),
    );
  await sweep();
  const timer = setInterval(() => void sweep(), deps.reconcileEveryMs ?? 15_000);
  timer.unref();
  deps.logger.info({ queues, concurrency: deps.concurrency }, 'workers started');

  return {
    async stop() {
      clearInterval(timer);
      await Promise.all(workers.map((worker) => worker.close()));
    },
  };
}
