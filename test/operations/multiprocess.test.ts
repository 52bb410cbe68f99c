import { randomBytes } from 'node:crypto';
import type { Queue } from 'bullmq';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createGraphQLClient, nextValue, type GraphQLClient, type Subscription } from '../support/client.js';
import { draftFor, targets, TEST_FIELDS, type TestData } from '../support/connection-tests.js';
import { CANARY_PASSWORD } from '../support/env.js';
import { CREATE_DATA_SOURCE, dataSourceInput } from '../support/factories.js';
import {
  cloneTemplate,
  deploymentEnv,
  deploymentQueues,
  dropTestDatabase,
  type DeploymentQueues,
} from '../support/harness.js';
import { assertNoCanaryIn, spawnService, type ServiceProcess } from '../support/service-process.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';

// Scale-out as operators run it: two api processes and worker processes, real child processes, one
// metadata store and one transport (Redis, or the metadata store itself without Redis).

const TOKEN = 'multiprocess-admin-token';
const database = `dss_multi_${randomBytes(4).toString('hex')}`;
const redisPrefix = `test-${database}`;
const env = {
  ...deploymentEnv({ databaseName: database, redisPrefix, secretKey: randomBytes(32).toString('base64') }),
  NODE_ENV: 'development',
  API_TOKENS: `admin:${TOKEN}`,
  JOB_LOCK_MS: '2000',
  SHUTDOWN_TIMEOUT_MS: '2000',
  CONNECT_TIMEOUT_MS: '60000',
  TEST_TIMEOUT_MS: '60000',
};

const processes: ServiceProcess[] = [];
/** The worker processes of the running test; every test starts its own and stops them after. */
let workers: ServiceProcess[] = [];
let apiA: GraphQLClient;
let apiB: GraphQLClient;
let held: TcpProxy;
let bullmq: DeploymentQueues;
let queue: Queue;

async function start(role: 'api' | 'worker'): Promise<ServiceProcess> {
  const service = await spawnService(role, env);
  processes.push(service);
  await service.ready();
  return service;
}

/** A worker process, once its BullMQ workers are registered (state, not its log). */
async function startWorker(): Promise<ServiceProcess> {
  const worker = await start('worker');
  workers.push(worker);
  const expected = workers.filter((w) => w.child.exitCode === null && w.child.signalCode === null).length;
  // No event tells another process's worker connected: BullMQ's own count of named clients does.
  await expect.poll(() => queue.getWorkersCount(), { timeout: 10_000 }).toBe(expected);
  return worker;
}

/**
 * Follows a test on one api process. Resolves once that process has the subscription in place, so
 * that no change of the test (by any worker started afterwards) can be missed: the first message, the
 * test as it stands, is read only once the subscription is in effect on the transport.
 */
async function follow(api: GraphQLClient, testId: string) {
  const updates: Subscription<{ connectionTestUpdated: TestData }> = api.subscribe(
    `subscription($id: ID!) { connectionTestUpdated(testId: $id) { ${TEST_FIELDS} } }`,
    { id: testId },
  );
  let last = (await nextValue(updates, `the first state of test ${testId}`, 10_000)).data
    ?.connectionTestUpdated;
  /** The next state matching `until`, or the last one when the test ends first. */
  const reaches = async (until: (test: TestData) => boolean): Promise<TestData> => {
    while (!last || !until(last)) {
      if (last && finished(last)) return last;
      const next = await nextValue(updates, `test ${testId}`, 30_000);
      if (next.errors) throw new Error(JSON.stringify(next.errors));
      last = next.data?.connectionTestUpdated;
    }
    return last;
  };
  return { reaches };
}

const authenticating = (test: TestData) =>
  test.checks.some((c) => c.name === 'AUTHENTICATE' && c.status === 'RUNNING');
const finished = (test: TestData) => test.status === 'PASSED' || test.status === 'FAILED';

/** Kills a worker process at once (as a crash would) and waits for it to be gone. */
async function crash(worker: ServiceProcess) {
  worker.child.kill('SIGKILL');
  await worker.exited;
}

beforeAll(async () => {
  await cloneTemplate(database);
  held = await startTcpProxy(targets().scram.port);
  bullmq = deploymentQueues({ databaseName: database, redisPrefix });
  queue = bullmq.queue('connection-test');
  const [a, b] = await Promise.all([start('api'), start('api')]);
  apiA = createGraphQLClient(a.url, { token: TOKEN });
  apiB = createGraphQLClient(b.url, { token: TOKEN });
});
afterEach(async () => {
  await Promise.all(workers.map(crash));
  workers = [];
  held.release();
});
afterAll(async () => {
  await Promise.all([apiA.close(), apiB.close()]);
  for (const service of processes) service.child.kill('SIGKILL');
  await Promise.all(processes.map((service) => service.exited));
  await queue.close();
  await bullmq.close();
  await held.close();
  await dropTestDatabase(database, redisPrefix);
  assertNoCanaryIn(processes.flatMap((service) => service.lines));
});

describe('two api processes', () => {
  it('show a data source created through api B to a subscriber of api A', async () => {
    const events = apiA.subscribe<{
      dataSourceEvents: { kind: string; dataSource: { identifier: string } | null };
    }>('subscription { dataSourceEvents { kind dataSource { identifier } } }');
    // The subscription on A is live once A relays an event of B's: until then, poke with throwaway
    // creates, each awaited as an event (a relayed one ends the loop).
    let live = false;
    for (let attempt = 0; attempt < 20 && !live; attempt += 1) {
      await apiB.data(CREATE_DATA_SOURCE, {
        input: dataSourceInput({ identifier: `ping-${attempt}`, host: 'ping.invalid' }),
      });
      const event = await nextValue(events, 'a ping', 1_000).catch(() => undefined);
      live = event?.data?.dataSourceEvents.kind === 'CREATED';
    }
    expect(live).toBe(true);

    await apiB.data(CREATE_DATA_SOURCE, {
      input: dataSourceInput({ identifier: 'across-processes', host: 'db.invalid' }),
    });
    const seen: string[] = [];
    for (;;) {
      const event = await nextValue(events, 'the CREATED event of across-processes', 10_000);
      const identifier = event.data?.dataSourceEvents.dataSource?.identifier;
      seen.push(`${event.data?.dataSourceEvents.kind}:${identifier}`);
      if (identifier === 'across-processes') break;
    }
    expect(seen.at(-1)).toBe('CREATED:across-processes');
  });
});

describe('worker processes', () => {
  it('lose no test when the one running it is killed: another finishes it, seen through the other api', async () => {
    held.hold();
    const created = await apiB.data<{ createDataSource: { test: { id: string } } }>(CREATE_DATA_SOURCE, {
      input: dataSourceInput({
        ...draftFor({ host: '127.0.0.1', port: held.port }),
        identifier: 'worker-killed',
        password: 'app_full-pw',
      }),
    });
    const test = await follow(apiA, created.createDataSource.test.id);

    // The only worker takes the test and is killed while the target holds it.
    const doomed = await startWorker();
    await test.reaches(authenticating);
    await crash(doomed);
    await startWorker();
    await startWorker();
    held.release();
    const final = await test.reaches(finished);
    expect(final.status).toBe('PASSED');
    expect(final.checks.filter((c) => c.status === 'PASSED').map((c) => c.name)).toContain('AUTHENTICATE');
  });

  it('let one stopped by SIGTERM mid-test exit 0 by its deadline; another finishes the test and counts it', async () => {
    held.hold();
    const started = await apiA.data<{ testConnection: { id: string } }>(
      `mutation($draft: ConnectionDraftInput!) { testConnection(input: { draft: $draft }) { id } }`,
      { draft: { ...draftFor({ host: '127.0.0.1', port: held.port }), password: 'app_full-pw' } },
    );
    const test = await follow(apiA, started.testConnection.id);
    const stopping = await startWorker();
    await test.reaches(authenticating);

    const signalled = Date.now();
    stopping.child.kill('SIGTERM');
    const exit = await stopping.exited;
    expect(exit).toEqual({ code: 0, signal: null });
    // SHUTDOWN_TIMEOUT_MS is 2 s: the process waited for the job that long, then handed it back.
    expect(Date.now() - signalled).toBeLessThan(8_000);
    expect(stopping.lines.some((line) => line.includes('handed back to other workers'))).toBe(true);

    const rescuer = await startWorker();
    held.release();
    expect((await test.reaches(finished)).status).toBe('PASSED');

    // A worker process serves /metrics too, and its counters saw the test.
    const metrics = await (await fetch(`${rescuer.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/^dss_connection_tests_total\{status="PASSED",error_code="none"\} [1-9]/m);
    expect(metrics).not.toContain(CANARY_PASSWORD);
  });
});
