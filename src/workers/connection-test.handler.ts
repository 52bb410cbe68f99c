import { DelayedError } from 'bullmq';
import type { TestRunner } from '../connection-tests/runner.js';
import type { JobHandler } from '../jobs/catalog.js';

/**
 * How long a test whose target is at its concurrency limit waits before it is tried again. Jittered,
 * so that the tests waiting for one target do not all come back at the same moment.
 */
const deferFor = () => 250 + Math.floor(Math.random() * 500);

/** Job `connection-test`: run the test; when every attempt failed, end it as FAILED/INTERNAL. */
export function connectionTestHandler(runner: TestRunner): JobHandler<'connection-test'> {
  return {
    async run({ testId }, job, token) {
      if ((await runner.run(testId)) === 'deferred') {
        // Back to the delayed set, so that waiting for a busy target holds no worker slot: BullMQ's
        // manual delay (moveToDelayed with the lock token, then DelayedError; no attempt is counted).
        await job.moveToDelayed(Date.now() + deferFor(), token);
        throw new DelayedError();
      }
    },
    exhausted: ({ testId }) => runner.fail(testId, 'the test could not be run after several attempts'),
  };
}
