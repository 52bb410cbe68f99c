import { SpanKind } from '@opentelemetry/api';
import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import type { RetentionPolicy } from '../connection-tests/retention.js';
import type { TestRunner } from '../connection-tests/runner.js';
import type { HeartbeatService } from '../heartbeat/service.js';
import {
  catalog,
  type Handlers,
  type JobHandler,
  type JobName,
  type Payload,
  type ServiceQueues,
} from '../jobs/catalog.js';
import type { Database } from '../lib/db.js';
import type { Logger } from '../lib/logger.js';
import type { Metrics } from '../lib/metrics.js';
import { ATTR, extractTrace, inSpan, traceCarrier } from '../lib/tracing.js';
import { connectionTestHandler } from './connection-test.handler.js';
import { heartbeatBeatHandler, heartbeatInstallHandler } from './heartbeat.handlers.js';
import { reconcileAll, reconcileHandler, retentionHandler } from './maintenance.handlers.js';

export interface WorkerDeps {
  db: Database;
  logger: Logger;
  queues: ServiceQueues;
  runner: TestRunner;
  heartbeat: HeartbeatService;
  retention: RetentionPolicy;
  concurrency: number;
  lockMs: number;
  metrics: Metrics;
}

export interface Workers {
  /**
   * Stops taking jobs and lets running ones finish for up to `graceMs`; then stops without them.
   * Their locks lapse and BullMQ hands them to another worker (stalled-job check).
   */
  stop(graceMs: number): Promise<void>;
  /**
   * Puts back what a Redis that lost its keys (a restart without persistence, a failover that lost
   * the last writes) no longer has: the scheduled jobs, and a job for every open test (reconcile).
   */
  repair(): Promise<void>;
}

/** One BullMQ Worker per queue of the job catalog, each dispatching by job name to its handler. */
export async function startWorkers(deps: WorkerDeps): Promise<Workers> {
  const handlers = {
    'connection-test': connectionTestHandler(deps.runner, deps.logger),
    'heartbeat-install': heartbeatInstallHandler(deps.heartbeat),
    'heartbeat-beat': heartbeatBeatHandler(deps.heartbeat),
    reconcile: reconcileHandler(deps),
    retention: retentionHandler({ db: deps.db, policy: deps.retention, logger: deps.logger }),
  } satisfies Handlers;

  /** The job's handler bound to its parsed payload; a job that does not parse is unrecoverable. */
  const bind = <K extends JobName>(job: Job, token: string | undefined) => {
    const name = job.name as K;
    const definition = catalog[name] as (typeof catalog)[K] | undefined;
    if (!definition) throw new UnrecoverableError(`unknown job ${job.name}`);
    const parsed = definition.payload.safeParse(job.data as unknown);
    if (!parsed.success) throw new UnrecoverableError(`invalid payload for ${job.name}`);
    // TypeScript cannot correlate handlers[K] with Payload<K> through a union; the catalog guarantees it.
    const handler = handlers[name] as JobHandler<K>;
    const payload = parsed.data as Payload<K>;
    return { run: () => handler.run(payload, job, token), exhausted: () => handler.exhausted?.(payload) };
  };

  /**
   * Runs a job; when this was its last attempt, its handler ends what waits on it (`exhausted`)
   * before BullMQ records the failure, so that nothing is left open by a job that gives up.
   */
  const run = async (job: Job, token: string | undefined) => {
    const bound = bind(job, token);
    try {
      await bound.run();
    } catch (error) {
      if (error instanceof DelayedError) throw error;
      const final = error instanceof UnrecoverableError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      if (final) {
        await Promise.resolve(bound.exhausted()).catch((failure: unknown) =>
          deps.logger.error({ err: failure, jobId: job.id }, 'could not end the job'),
        );
      }
      throw error;
    }
  };
  /** Each job in a consumer span, continuing the trace its payload carries (lib/tracing.ts). */
  const process = (job: Job, token: string | undefined) => {
    const data = (job.data ?? {}) as { trace?: unknown; testId?: unknown; dataSourceId?: unknown };
    const ids = {
      ...(typeof data.testId === 'string' ? { [ATTR.testId]: data.testId } : {}),
      ...(typeof data.dataSourceId === 'string' ? { [ATTR.dataSourceId]: data.dataSourceId } : {}),
    };
    return inSpan(
      `process ${job.queueName}`,
      {
        kind: SpanKind.CONSUMER,
        parent: extractTrace(traceCarrier.parse(data.trace)),
        attributes: {
          'messaging.system': 'bullmq',
          'messaging.operation.type': 'process',
          'messaging.destination.name': job.queueName,
          ...(job.id ? { 'messaging.message.id': job.id } : {}),
          [ATTR.jobName]: job.name,
          [ATTR.jobAttempt]: job.attemptsMade + 1,
          ...ids,
        },
        // Waiting for a busy target is part of the flow, not a failure.
        expected: (error) => error instanceof DelayedError,
      },
      () => run(job, token),
    );
  };

  const workers = deps.queues.names.map((queue) => {
    const worker = deps.queues.worker(queue, process, {
      concurrency: deps.concurrency,
      // A worker that dies holding a job loses the lock after lockDuration; the stalled-job check
      // (every stalledInterval) then hands the job to another worker.
      lockDuration: deps.lockMs,
      stalledInterval: deps.lockMs,
    });
    worker.on('error', (error) => deps.logger.error({ err: error, queue }, 'worker error'));
    const observe = (job: Job, outcome: 'completed' | 'failed') => {
      if (job.processedOn && job.finishedOn) {
        deps.metrics.jobDuration.observe(
          { queue, job: job.name, outcome },
          (job.finishedOn - job.processedOn) / 1000,
        );
      }
    };
    worker.on('completed', (job) => observe(job, 'completed'));
    worker.on('failed', (job, error) => {
      if (!job) return;
      observe(job, 'failed');
      deps.logger.warn(
        { err: error, queue, job: job.name, jobId: job.id, attempt: job.attemptsMade },
        'job failed',
      );
    });
    return worker;
  });

  // Scheduled jobs (the catalog's `everyMs`): one scheduler each, upserted by every worker that starts,
  // and one reconciliation now: a restart, or a Redis that lost its keys, is repaired at once.
  const schedule = async () => {
    for (const [name, job] of Object.entries(catalog) as [JobName, { everyMs?: number }][]) {
      if (job.everyMs) await deps.queues.repeat(name, {}, name, job.everyMs);
    }
  };
  const reconcile = () =>
    reconcileAll(deps).catch((error: unknown) => deps.logger.warn({ err: error }, 'reconciliation failed'));
  await schedule();
  await reconcile();
  deps.logger.info({ queues: deps.queues.names, concurrency: deps.concurrency }, 'workers started');

  return {
    async repair() {
      // Redis may be gone again already: the next reconnection repairs.
      await schedule().catch((error: unknown) =>
        deps.logger.warn({ err: error }, 'could not put back the scheduled jobs'),
      );
      await reconcile();
    },
    async stop(graceMs) {
      // pause() takes no new job and resolves when the running ones are done; close(true) then does
      // not wait. (close() itself cannot be cut short: a forced close after it returns the same wait.)
      let timeout: NodeJS.Timeout | undefined;
      const finished = await Promise.race([
        Promise.all(workers.map((worker) => worker.pause())).then(() => true),
        new Promise<false>((resolve) => (timeout = setTimeout(() => resolve(false), graceMs))),
      ]);
      clearTimeout(timeout);
      if (!finished) {
        deps.logger.warn(
          { graceMs },
          'jobs still running at the shutdown deadline: handed back to other workers',
        );
      }
      await Promise.all(workers.map((worker) => worker.close(true)));
      await deps.heartbeat.closeSessions();
    },
  };
}
