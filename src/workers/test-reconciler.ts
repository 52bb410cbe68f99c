import { and, inArray, lt } from 'drizzle-orm';
import { failTest, type RunnerDeps } from '../connection-tests/runner.js';
import type { Logger } from '../lib/logger.js';
import type { Queues } from '../lib/queues.js';
import { connectionTests } from '../schema/index.js';

/** Past this age an open test whose job is gone is failed rather than enqueued again. */
const GIVE_UP_AFTER_MS = 10 * 60 * 1000;

/**
 * The guarantee that a test never stays QUEUED or RUNNING forever. BullMQ already re-runs the job of a
 * crashed worker (stalled-job detection) and retries failures of the service; this sweep covers what
 * falls outside: a job that is gone (Redis lost it) or ended while its test stayed open.
 */
export async function reconcileTests(deps: RunnerDeps & { queues: Queues; logger: Logger }): Promise<void> {
  const open = await deps.db
    .select({ id: connectionTests.id, queuedAt: connectionTests.queuedAt })
    .from(connectionTests)
    .where(
      and(
        inArray(connectionTests.status, ['QUEUED', 'RUNNING']),
        lt(connectionTests.queuedAt, new Date(Date.now() - 10_000)),
      ),
    )
    .limit(500);
  const queue = deps.queues.get('connection-test');
  for (const test of open) {
    const state = await queue.getJobState(test.id);
    if (state === 'waiting' || state === 'active' || state === 'delayed' || state === 'prioritized') continue;
    if (state === 'unknown' && Date.now() - test.queuedAt.getTime() < GIVE_UP_AFTER_MS) {
      deps.logger.warn({ testId: test.id }, 'connection test had no job: enqueued again');
      await deps.queues.add('connection-test', { testId: test.id }, test.id);
    } else {
      deps.logger.warn({ testId: test.id, state }, 'connection test left open by its job: failed');
      await failTest(deps, test.id, 'the test was interrupted');
    }
  }
}
