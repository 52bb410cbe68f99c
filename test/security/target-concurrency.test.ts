import { afterAll, beforeAll, expect, it } from 'vitest';
import { draftFor, followTest, targets } from '../support/connection-tests.js';
import { startHarness, type Harness } from '../support/harness.js';

// Issue #9 §4 (PRODUCT.md §5: "tests of one target share a small concurrency limit so that an
// unreachable host cannot starve the queue"). 50 tests of a black-holed target are queued before
// one test of a healthy server; with 4 worker slots and one slot per target, the healthy test must
// not wait for the black hole.

const SILENT_TESTS = 50;

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    role: 'all',
    env: {
      WORKER_CONCURRENCY: '4',
      TARGET_MAX_CONCURRENT_TESTS: '1',
      CONNECT_TIMEOUT_MS: '2000',
      TEST_TIMEOUT_MS: '2000',
    },
  });
});
afterAll(async () => {
  await h.stop();
});

async function startDraft(draft: Record<string, unknown>): Promise<string> {
  const started = await h.gql<{ testConnection: { id: string } }>(
    `mutation($draft: ConnectionDraftInput!) { testConnection(input: { draft: $draft }) { id } }`,
    { draft },
  );
  if (!started.data) throw new Error(JSON.stringify(started.errors));
  return started.data.testConnection.id;
}

it('a black-holed target gets one test at a time, and the tests waiting for it do not hold up a healthy target', async () => {
  const silent: string[] = [];
  for (let i = 0; i < SILENT_TESTS; i += 1) silent.push(await startDraft(draftFor(targets().silent)));
  const healthy = await startDraft(draftFor(targets().scram));

  // Without the limit, the healthy test waits for 50 × 2 s / 4 slots = 25 s of timeouts.
  const { final } = await followTest(h, healthy, 15_000);
  expect(final.status).toBe('PASSED');

  const { rows } = await h.pool.query<{
    status: string;
    started_at: Date | null;
    finished_at: Date | null;
  }>(`SELECT status, started_at, finished_at FROM connection_tests WHERE id = ANY($1) ORDER BY started_at`, [
    silent,
  ]);
  const unfinished = rows.filter((row) => row.status === 'QUEUED' || row.status === 'RUNNING');
  expect(unfinished.length).toBeGreaterThanOrEqual(SILENT_TESTS - 10);
  expect(rows.filter((row) => row.status === 'RUNNING').length).toBeLessThanOrEqual(1);
  // A deferred test stays QUEUED, never started: it holds no worker slot while it waits.
  expect(rows.filter((row) => row.status === 'QUEUED').every((row) => row.started_at === null)).toBe(true);

  // One at a time, over the whole run: each started test began after the previous one had ended.
  const started = rows.filter((row) => row.started_at !== null);
  expect(started.length).toBeGreaterThanOrEqual(1);
  for (let i = 1; i < started.length; i += 1) {
    const previous = started[i - 1]!;
    expect(previous.finished_at).not.toBeNull();
    expect(started[i]!.started_at!.getTime()).toBeGreaterThanOrEqual(previous.finished_at!.getTime());
  }
});
