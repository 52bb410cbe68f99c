import { expect } from 'vitest';
import { draftFor } from '../support/connection-tests.js';
import type { Harness } from '../support/harness.js';
import type { TcpProxy } from '../support/tcp-proxy.js';

// Connection tests under load while Redis goes away and comes back (a failover, a restart): every
// test the API accepted must reach a final status; every one it refused must have written nothing.

/** Jobs one worker runs at once here: the tests that are in flight when Redis goes. */
export const IN_FLIGHT = 8;

export const loadEnv = {
  WORKER_CONCURRENCY: String(IN_FLIGHT),
  // Tests held at their target must outlast the outage, not time out during it.
  CONNECT_TIMEOUT_MS: '60000',
  TEST_TIMEOUT_MS: '60000',
};

const TEST_CONNECTION = `mutation($draft: ConnectionDraftInput!) { testConnection(input: { draft: $draft }) { id } }`;

export interface Tally {
  /** Ids of the tests the API accepted. */
  created: string[];
  /** Requests refused with SERVICE_UNAVAILABLE while Redis was away. */
  refused: number;
}

/** One test of the target behind `held`: accepted (its id), or refused while Redis is away. */
async function requestTest(h: Harness, held: TcpProxy, tally: Tally): Promise<void> {
  const result = await h.gql<{ testConnection: { id: string } }>(TEST_CONNECTION, {
    draft: draftFor({ host: '127.0.0.1', port: held.port }),
  });
  if (result.data?.testConnection) {
    tally.created.push(result.data.testConnection.id);
    return;
  }
  const code = result.errors?.[0]?.extensions?.code;
  if (code !== 'SERVICE_UNAVAILABLE') throw new Error(`unexpected answer: ${JSON.stringify(result.errors)}`);
  tally.refused += 1;
}

export async function requestTests(h: Harness, held: TcpProxy, tally: Tally, count: number): Promise<void> {
  for (let i = 0; i < count; i += 1) await requestTest(h, held, tally);
}

/** Resolves once the api answers /readyz with 200 (its metadata store and Redis answer). */
export async function readyAgain(h: Harness, timeout = 30_000): Promise<void> {
  const readyz = new URL('/readyz', h.url);
  await expect
    .poll(
      async () =>
        await fetch(readyz).then(
          (response) => response.status,
          () => 0,
        ),
      {
        timeout,
        interval: 100,
      },
    )
    .toBe(200);
}

const countOf = async (h: Harness, where: string) =>
  (await h.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM connection_tests ${where}`)).rows[0]?.n;

/** Resolves once the workers have `IN_FLIGHT` tests running (held at their target). */
export async function inFlight(h: Harness): Promise<void> {
  await expect.poll(() => countOf(h, "WHERE status = 'RUNNING'"), { timeout: 20_000 }).toBe(IN_FLIGHT);
}

/**
 * Every accepted test reaches a final status (none lost, none left open), and nothing else was
 * written: the refused requests left no row. Returns the final statuses, counted.
 */
export async function everyTestFinished(h: Harness, tally: Tally): Promise<Record<string, number>> {
  await expect
    .poll(() => countOf(h, "WHERE status NOT IN ('PASSED', 'FAILED')"), { timeout: 90_000, interval: 250 })
    .toBe(0);
  const { rows } = await h.pool.query<{ id: string; status: string }>(
    'SELECT id, status FROM connection_tests ORDER BY id',
  );
  expect(rows.map((row) => row.id).sort()).toEqual([...tally.created].sort());
  const statuses: Record<string, number> = {};
  for (const row of rows) statuses[row.status] = (statuses[row.status] ?? 0) + 1;
  return statuses;
}
