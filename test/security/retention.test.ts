import type { QueueEvents } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { draftFor, followTest, runDraft, targets } from '../support/connection-tests.js';
import { count, one } from '../support/db.js';
import { CREATE_DATA_SOURCE, dataSourceInput, UPDATE_DATA_SOURCE } from '../support/factories.js';
import { startHarness, type Harness } from '../support/harness.js';

// Draft passwords live only as long as they can verify a create; finished tests follow a retention
// policy, applied by a scheduled job.

let h: Harness;
let events: QueueEvents;
beforeAll(async () => {
  h = await startHarness({
    role: 'all',
    env: { TEST_RETENTION_DAYS: '30', TEST_RETENTION_PER_DATA_SOURCE: '2' },
  });
  events = await h.queueEvents('maintenance');
});
afterAll(async () => {
  await h.stop();
});

/** Runs the retention job now, as its scheduler would, and waits for it to finish. */
async function runRetention(): Promise<void> {
  const job = await h.queue('maintenance').add('retention', {});
  await job.waitUntilFinished(events, 10_000);
}

const sealedPassword = async (id: string) =>
  (
    await one<{ sealed: boolean }>(
      h.pool,
      'SELECT draft_password_ciphertext IS NOT NULL AS sealed FROM connection_tests WHERE id = $1',
      [id],
    )
  ).sealed;

describe('retention', () => {
  it('is a job scheduled in the maintenance queue, beside reconciliation', async () => {
    const schedulers = await h.queue('maintenance').getJobSchedulers();
    expect(schedulers.map((s) => [s.key, s.name, s.every]).sort()).toEqual([
      ['reconcile', 'reconcile', 15_000],
      ['retention', 'retention', 60_000],
    ]);
  });

  it('purges a failed draft password at once, and a passed one when its verification window ends', async () => {
    const failed = await runDraft(h, draftFor(targets().closed));
    expect(failed.status).toBe('FAILED');
    // Gone in the very write that ended the test: whoever has seen FAILED finds no password stored.
    expect(await sealedPassword(failed.id)).toBe(false);

    const passed = await runDraft(h, draftFor(targets().scram));
    expect(passed.status).toBe('PASSED');
    expect(await sealedPassword(passed.id)).toBe(true);
    await runRetention();
    expect(await sealedPassword(passed.id)).toBe(true); // still inside its 10 minutes

    await h.pool.query(
      "UPDATE connection_tests SET finished_at = now() - interval '11 minutes' WHERE id = $1",
      [passed.id],
    );
    await runRetention();
    expect(await sealedPassword(passed.id)).toBe(false);
    // Without its password the draft verifies nothing: the create runs a test of its own.
    const created = await h.gql<{ createDataSource: { test: { id: string } } }>(CREATE_DATA_SOURCE, {
      input: dataSourceInput({ ...draftFor(targets().scram), verifiedByTestId: passed.id }),
    });
    expect(created.data?.createDataSource.test.id).not.toBe(passed.id);
  });

  it('deletes finished tests beyond the cap per data source and past TEST_RETENTION_DAYS, never a latest test', async () => {
    const created = await h.gql<{ createDataSource: { dataSource: { id: string }; test: { id: string } } }>(
      CREATE_DATA_SOURCE,
      { input: dataSourceInput({ ...draftFor(targets().closed) }) },
    );
    const id = created.data!.createDataSource.dataSource.id;
    let last = created.data!.createDataSource.test.id;
    await followTest(h, last);
    for (const sslMode of ['PREFER', 'REQUIRE', 'VERIFY_CA', 'VERIFY_FULL']) {
      const updated = await h.gql<{ updateDataSource: { test: { id: string } } }>(UPDATE_DATA_SOURCE, {
        id,
        input: { sslMode },
      });
      last = updated.data!.updateDataSource.test.id;
      await followTest(h, last);
    }
    expect(await count(h.pool, 'connection_tests WHERE data_source_id = $1', [id])).toBe(5);
    await runRetention();
    const kept = await h.pool.query<{ id: string }>(
      'SELECT id FROM connection_tests WHERE data_source_id = $1 ORDER BY queued_at DESC',
      [id],
    );
    expect(kept.rows).toHaveLength(2);
    expect(kept.rows[0]!.id).toBe(last);

    // Past the retention period every finished test goes, except the data source's latest.
    await h.pool.query(
      "UPDATE connection_tests SET finished_at = now() - interval '31 days' WHERE data_source_id = $1",
      [id],
    );
    const draft = await runDraft(h, draftFor(targets().closed));
    await h.pool.query("UPDATE connection_tests SET finished_at = now() - interval '31 days' WHERE id = $1", [
      draft.id,
    ]);
    await runRetention();
    expect(
      (await h.pool.query('SELECT id FROM connection_tests WHERE data_source_id = $1', [id])).rows,
    ).toEqual([{ id: last }]);
    expect(await count(h.pool, 'connection_tests WHERE id = $1', [draft.id])).toBe(0);
  });
});
