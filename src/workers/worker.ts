import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { RunnerDeps } from '../connection-tests/runner.js';
import { afterTest as heartbeatAfterTest, type HeartbeatDeps } from '../heartbeat/heartbeat.js';
import type { Logger } from '../lib/logger.js';
import type { Metrics } from '../lib/metrics.js';
import type { Queues } from '../lib/queues.js';
import { connectionTestHandler } from './connection-test.handler.js';
import { applyRetention, type RetentionPolicy } from '../connection-tests/retention.js';
import { jobs, QUEUE_NAMES, type Handlers, type JobHandler, type JobName, type Payload } from '../jobs/catalog.js';
import { SessionCache } from '../heartbeat/sessions.js';
import { heartbeatBeatHandler, heartbeatInstallHandler } from './heartbeat.handlers.js';
import { reconcileHeartbeats } from './heartbeat-reconciler.js';
import { reconcileTests } from './test-reconciler.js';

export interface WorkerDeps extends RunnerDeps, Omit<HeartbeatDeps, 'sessions'> {
  logger: Logger;
  queues: Queues;
  connection: Redis;
  prefix: string;
  concurrency: number;
  lockMs: number;
  /** Data sources whose heartbeat sessions one worker keeps open (least recently used closed first). */
  maxHeartbeatSessions: number;
  metrics: Metrics;
  /** How often open tests are checked for a lost job (test-reconciler.ts). */
  reconcileEveryMs?: number;
  retention: RetentionPolicy;
}

/** Draft passwords are purged within this long of their window's end; old tests go as often. */
const RETENTION_EVERY_MS = 60_000;

export interface Workers {
  /**
   * Stops taking jobs and lets running ones finish for up to `graceMs`; then stops without them.
   * Their locks lapse and BullMQ hands them to another worker (stalled-job check).
   */
  stop(graceMs: number): Promise<void>;
}

/** One BullMQ Worker per queue of the job catalog, each dispatching by job name to its handler. */
export async function startWorkers(deps: WorkerDeps): Promise<Workers> {
  const sessions = new SessionCache(deps.maxHeartbeatSessions);
  const heartbeat = { ...deps, sessions };
  const runner: RunnerDeps = {
    ...deps,
    async afterDataSourceTest(row, test) {
      if (!row.heartbeatEnabled) return;
      if (test.status === 'PASSED') {
        await deps.queues.add('heartbeat-install', { dataSourceId: row.id }, `install-${row.id}-${test.id}`);
      } else {
        await heartbeatAfterTest(
          heartbeat,
          row,
          test.checks.find((c) => c.name === 'HEARTBEAT' && c.endpoint === 'PRIMARY'),
        );
      }
    },
  };
  const handlers = {
    'connection-test': connectionTestHandler(runner),
    'heartbeat-install': heartbeatInstallHandler(heartbeat),
    'heartbeat-beat': heartbeatBeatHandler(heartbeat),
    retention: {
      async run() {
        const outcome = await applyRetention(deps.db, deps.retention);
        if (outcome.purgedDraftPasswords > 0 || outcome.deletedTests > 0) {
          deps.logger.info(outcome, 'retention applied');
        }
      },
    },
  } satisfies Handlers;

  /** The job's handler bound to its parsed payload; a job that does not parse is unrecoverable. */
  const bind = <K extends JobName>(job: Job, token?: string) => {
    const name = job.name as K;
    const definition = jobs[name] as (typeof jobs)[K] | undefined;
    if (!definition) throw new UnrecoverableError(`unknown job ${job.name}`);
    const parsed = definition.payload.safeParse(job.data as unknown);
    if (!parsed.success) throw new UnrecoverableError(`invalid payload for ${job.name}`);
    // TypeScript cannot correlate handlers[K] with Payload<K> through a union; the catalog guarantees it.
    const handler = handlers[name] as JobHandler<K>;
    const payload = parsed.data as Payload<K>;
    return { run: () => handler.run(payload, job, token), exhausted: () => handler.exhausted?.(payload) };
  };

  const queues = QUEUE_NAMES.filter((queue) => Object.values(jobs).some((job) => job.queue === queue));
  const workers = queues.map((queue) => {
    const worker = new Worker(
      queue,
      async (job, token) => {
        await bind(job, token).run();
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
      const final = error instanceof UnrecoverableError || job.attemptsMade >= (job.opts.attempts ?? 1);
      deps.logger.warn(
        { err: error, queue, job: job.name, jobId: job.id, attempt: job.attemptsMade, final },
        'job failed',
      );
      if (!final) return;
      try {
        bind(job)
          .exhausted()
          ?.catch((e: unknown) => deps.logger.error({ err: e, jobId: job.id }, 'could not end the job'));
      } catch {
        // An unparsable job has nothing to end.
      }
    });
    return worker;
  });

  const sweep = async () => {
    await reconcileTests(deps).catch((error: unknown) =>
      deps.logger.warn({ err: error }, 'test reconciliation failed'),
    );
    await reconcileHeartbeats(heartbeat).catch((error: unknown) =>
      deps.logger.warn({ err: error }, 'heartbeat reconciliation failed'),
    );
  };
  await sweep();
  // Upserted by every worker that starts: one scheduler, however many workers.
  await deps.queues.repeat('retention', {}, 'retention', RETENTION_EVERY_MS);
  const timer = setInterval(() => void sweep(), deps.reconcileEveryMs ?? 15_000);
  timer.unref();
  deps.logger.info({ queues, concurrency: deps.concurrency }, 'workers started');

  return {
    async stop(graceMs) {
      clearInterval(timer);
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
      await sessions.closeAll();
    },
  };
}
