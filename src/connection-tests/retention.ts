import { sql } from 'drizzle-orm';
import type { Database } from '../lib/db.js';
import { VERIFIED_TEST_MAX_AGE_MS } from './model.js';

export interface RetentionPolicy {
  /** Finished tests older than this are deleted (a data source's latest test is always kept). */
  days: number;
  /** At most this many finished tests per data source (its latest always kept). */
  perDataSource: number;
}

export interface RetentionOutcome {
  purgedDraftPasswords: number;
  deletedTests: number;
}

// Deletes run in batches, so that a large backlog never holds one long transaction on the table.
const BATCH = 1_000;

/**
 * Secrets and history are kept only as long as they serve (issue #9): a draft test's sealed password
 * exists to let `createDataSource(verifiedByTestId)` prove the same password, so it is purged when
 * that can no longer happen (the test FAILED, or its 10-minute window ended); finished tests are
 * deleted after `days`, and beyond the newest `perDataSource` of each data source.
 */
export async function applyRetention(db: Database, policy: RetentionPolicy): Promise<RetentionOutcome> {
  const windowStart = new Date(Date.now() - VERIFIED_TEST_MAX_AGE_MS);
  const purged = await db.execute(sql`
    UPDATE connection_tests SET draft_password_ciphertext = NULL, draft_password_key_id = NULL
     WHERE draft_password_ciphertext IS NOT NULL
       AND (status = 'FAILED' OR (status = 'PASSED' AND finished_at < ${windowStart}))`);

  const cutoff = new Date(Date.now() - policy.days * 24 * 3600 * 1000);
  let deletedTests = 0;
  for (;;) {
    const deleted = await db.execute(sql`
      DELETE FROM connection_tests WHERE id IN (
        SELECT t.id FROM (
          SELECT id, finished_at, data_source_id,
                 row_number() OVER (PARTITION BY data_source_id ORDER BY queued_at DESC, id DESC) AS newest
            FROM connection_tests
           WHERE status IN ('PASSED', 'FAILED')
        ) t
         WHERE (t.finished_at < ${cutoff} OR (t.data_source_id IS NOT NULL AND t.newest > ${policy.perDataSource}))
           AND NOT EXISTS (SELECT 1 FROM data_sources d WHERE d.last_test_id = t.id)
         LIMIT ${BATCH})`);
    deletedTests += deleted.rowCount ?? 0;
    if ((deleted.rowCount ?? 0) < BATCH) break;
  }
  return { purgedDraftPasswords: purged.rowCount ?? 0, deletedTests };
}
