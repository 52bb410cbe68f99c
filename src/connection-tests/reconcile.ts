import type { ServiceQueues } from '../jobs/catalog.js';
import type { Database } from '../lib/db.js';
import type { Logger } from '../lib/logger.js';
import type { TestRunner } from './runner.js';
import { openTestsQueuedBefore } from './store.js';

/** Past this age an open test whose job is gone is failed rather than enqueued again. */
const GIVE_UP_AFTER_MS = 10 * 60 * 1000;
/** Younger open tests are left alone: their job may still be on its way. */
const SETTLE_MS = 10_000;

/**
 * The guarantee that a test never stays QUEUED or RUNNING forever. BullMQ already re-runs the job of a
 * crashed worker (stalled-job detection) and retries failures of the service; this covers what falls
 * outside: a job that is gone (Redis lost it) or ended while its test stayed open. Idempotent.
 */
export async function reconcileTests(deps: {
  db: Database;
  queues: ServiceQueues;
  runner: Pick<TestRunner, 'fail'>;
  logger: Logger;
}): Promise<void> {
  const open = await openTestsQueuedBefore(deps.db, new Date(Date.now() - SETTLE_MS), 500);
  const queue = deps.queues.get('connection-test');
  for (const test of open) {
    const state = await queue.getJobState(test.id);
    if (state === 'waiting' || state === 'active' || state === 'delayed' || state === 'prioritized') continue;
    if (state === 'unknown' && Date.now() - test.queuedAt.getTime() < GIVE_UP_AFTER_MS) {
      deps.logger.warn({ testId: test.id }, 'connection test had no job: enqueued again');
      await deps.queues.add('connection-test', { testId: test.id }, test.id);
    } else {
      deps.logger.warn({ testId: test.id, state }, 'connection test left open by its job: failed');
      await deps.runner.fail(test.id, 'the test was interrupted');
    }
  }
}
