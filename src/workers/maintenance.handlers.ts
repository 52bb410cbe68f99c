import { reconcileTests } from '../connection-tests/reconcile.js';
import { applyRetention, type RetentionPolicy } from '../connection-tests/retention.js';
import type { TestRunner } from '../connection-tests/runner.js';
import type { HeartbeatService } from '../heartbeat/service.js';
import type { JobHandler, ServiceQueues } from '../jobs/catalog.js';
import type { Database } from '../lib/db.js';
import type { Logger } from '../lib/logger.js';
import { purgeEventPayloads } from '../lib/pg-event-target.js';

interface ReconcileDeps {
  db: Database;
  queues: ServiceQueues;
  runner: TestRunner;
  heartbeat: HeartbeatService;
  logger: Logger;
}

/** No test open without a job, beat schedulers as the metadata store says. */
export async function reconcileAll(deps: ReconcileDeps): Promise<void> {
  await reconcileTests(deps);
  await deps.heartbeat.reconcile();
}

/** Job `reconcile`: the sweep, on its schedule. */
export const reconcileHandler = (deps: ReconcileDeps): JobHandler<'reconcile'> => ({
  run: () => reconcileAll(deps),
});

/** Job `retention`: draft passwords past their window, and old tests, go. */
export function retentionHandler(deps: {
  db: Database;
  policy: RetentionPolicy;
  logger: Logger;
}): JobHandler<'retention'> {
  return {
    async run() {
      const outcome = await applyRetention(deps.db, deps.policy);
      await purgeEventPayloads(deps.db);
      if (outcome.purgedDraftPasswords > 0 || outcome.deletedTests > 0)
        deps.logger.info(outcome, 'retention applied');
    },
  };
}
