import { failTest, runConnectionTest, type RunnerDeps } from '../connection-tests/runner.js';
import type { JobHandler } from './jobs.js';

/** Job `connection-test`: run the test; when every attempt failed, end it as FAILED/INTERNAL. */
export function connectionTestHandler(deps: RunnerDeps): JobHandler<'connection-test'> {
  return {
    run: ({ testId }) => runConnectionTest(deps, testId),
    exhausted: ({ testId }) => failTest(deps, testId, 'the test could not be run after several attempts'),
  };
}
