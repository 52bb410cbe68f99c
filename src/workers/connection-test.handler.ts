import { DelayedError } from 'bullmq';
import type { TestRunner } from '../connection-tests/runner.js';
import type { JobHandler } from '../jobs/catalog.js';
import type { Logger } from '../lib/logger.js';

/**
 * How long a test whose target is at its concurrency limit waits before it is tried again. Jittered,
 * so that the tests waiting for one target do not all come back at the same moment.
 */
const deferFor = () => 250 + Math.floor(Math.random() * 500);

/** Job `connection-test`: run the test; when every attempt failed, end it as FAILED/INTERNAL. */
export function connectionTestHandler(runner: TestRunner, logger: Logger): JobHandler<'connection-test'> {
  return {
    async run({ testId }, job, token) {
      const outcome = await runner.run(testId);
      if (outcome === 'unknown') {
        // Its data source was deleted meanwhile, or the job is another deployment's: one sharing this
        // Redis and REDIS_PREFIX with another metadata store (start-up refuses that, see lib/deployment.ts).
        logger.warn(
          { jobId: job.id, testId },
          'connection-test job for a test this deployment does not know (deleted, or another deployment on the same Redis and REDIS_PREFIX): dropped',
        );
      }
      if (outcome === 'deferred') {
        // Back to the delayed set, so that waiting for a busy target holds no worker slot: BullMQ's
        // manual delay (moveToDelayed with the lock token, then DelayedError; no attempt is counted).
        await job.moveToDelayed(Date.now() + deferFor(), token);
        throw new DelayedError();
      }
    },
    exhausted: ({ testId }) => runner.fail(testId, 'the test could not be run after several attempts'),
  };
}
