import { randomBytes } from 'node:crypto';
import { createClient, type Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { draftFor, targets, TEST_FIELDS, type TestData } from '../support/connection-tests.js';
import { CANARY_PASSWORD, PG_URL, REDIS_URL } from '../support/env.js';
import { CREATE_DATA_SOURCE, dataSourceInput } from '../support/factories.js';
import { cloneTemplate, dropTestDatabase, nextValue } from '../support/harness.js';
import { assertNoCanaryIn, spawnService, type ServiceProcess } from '../support/service-process.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';

// Scale-out as operators run it: two api and two worker processes, real child processes, one
// metadata store and one Redis.

const TOKEN = 'multiprocess-admin-token';
const database = `dss_multi_${randomBytes(4).toString('hex')}`;
const env = {
  NODE_ENV: 'development',
  HOST: '127.0.0.1',
  PORT: '0',
  DATABASE_URL: `${PG_URL}/${database}`,
  REDIS_URL,
  REDIS_PREFIX: `test-${database}`,
  SECRET_KEY: randomBytes(32).toString('base64'),
  API_TOKENS: `admin:${TOKEN}`,
  JOB_LOCK_MS: '2000',
  SHUTDOWN_TIMEOUT_MS: '2000',
  CONNECT_TIMEOUT_MS: '60000',
  TEST_TIMEOUT_MS: '60000',
};

const processes: ServiceProcess[] = [];
const clients: Client[] = [];
let held: TcpProxy;

function start(role: 'api' | 'worker'): ServiceProcess {
  const service = spawnService(role, env);
  processes.push(service);
  return service;
}

async function startApi(): Promise<string> {
  const service = start('api');
  return (JSON.parse(await service.waitForLine(/GraphQL API listening/)) as { url: string }).url;
}

async function startWorker(): Promise<ServiceProcess> {
  const service = start('worker');
  await service.waitForLine(/workers started/);
  return service;
}

async function call<T>(url: string, query: string, variables?: Record<string, unknown>): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: unknown };
  if (!body.data) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

function subscribe<T>(url: string, query: string, variables?: Record<string, unknown>) {
  const client = createClient({
    url: url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${TOKEN}` },
    retryAttempts: 0,
  });
  clients.push(client);
  return client.iterate<T>({ query, variables });
}

/** Follows a test on one api process until it reaches `until` (or its end). */
async function follow(url: string, testId: string, until: (test: TestData) => boolean): Promise<TestData> {
  const updates = subscribe<{ connectionTestUpdated: TestData }>(
    url,
    `subscription($id: ID!) { connectionTestUpdated(testId: $id) { ${TEST_FIELDS} } }`,
    { id: testId },
  );
  let last: TestData | undefined;
  for (;;) {
    const next = await nextValue(updates, `test ${testId}`, 30_000).catch((error: unknown) => {
      if (last && (last.status === 'PASSED' || last.status === 'FAILED')) return undefined;
      throw error;
    });
    if (!next?.data) break;
    last = next.data.connectionTestUpdated;
    if (until(last)) break;
  }
  await updates.return?.();
  if (!last) throw new Error('no state');
  return last;
}

const authenticating = (test: TestData) =>
  test.checks.some((c) => c.name === 'AUTHENTICATE' && c.status === 'RUNNING');
const finished = (test: TestData) => test.status === 'PASSED' || test.status === 'FAILED';

beforeAll(async () => {
  await cloneTemplate(database);
  held = await startTcpProxy(targets().scram.port);
});
afterAll(async () => {
  for (const client of clients) await client.dispose(); // dispose() is void or a promise
  for (const service of processes) service.child.kill('SIGKILL');
  await Promise.all(processes.map((service) => service.exited));
  await held.close();
  await dropTestDatabase(database, env.REDIS_PREFIX);
  assertNoCanaryIn(processes.flatMap((service) => service.lines));
});

describe('two api and two worker processes', () => {
  it('show a test created through api B to a subscriber of api A, and lose nothing when a worker is killed', async () => {
    const [apiA, apiB] = await Promise.all([startApi(), startApi()]);
    const doomed = await startWorker();

    // The subscription on A is live once A relays an event of B's: until then, poke with throwaway creates.
    const events = subscribe<{
      dataSourceEvents: { kind: string; dataSource: { identifier: string } | null };
    }>(apiA, 'subscription { dataSourceEvents { kind dataSource { identifier } } }');
    let live = false;
    for (let attempt = 0; attempt < 20 && !live; attempt += 1) {
      await call(apiB, CREATE_DATA_SOURCE, {
        input: dataSourceInput({ identifier: `ping-${attempt}`, host: 'ping.invalid' }),
      });
      const event = await nextValue(events, 'a ping', 1_000).catch(() => undefined);
      live = event?.data?.dataSourceEvents.kind === 'CREATED';
    }
    expect(live).toBe(true);

    held.hold();
    const created = await call<{ createDataSource: { dataSource: { id: string }; test: { id: string } } }>(
      apiB,
      CREATE_DATA_SOURCE,
      {
        input: dataSourceInput({
          ...draftFor({ host: '127.0.0.1', port: held.port }),
          identifier: 'across-processes',
          password: 'app_full-pw',
        }),
      },
    );
    const seen: string[] = [];
    for (;;) {
      const event = await nextValue(events, 'the CREATED event of across-processes', 10_000);
      const identifier = event.data?.dataSourceEvents.dataSource?.identifier;
      seen.push(`${event.data?.dataSourceEvents.kind}:${identifier}`);
      if (identifier === 'across-processes') break;
    }
    expect(seen.at(-1)).toBe('CREATED:across-processes');

    // The only worker takes the test and is killed while the target holds it.
    const testId = created.createDataSource.test.id;
    await follow(apiA, testId, authenticating);
    doomed.child.kill('SIGKILL');
    await doomed.exited;
    await startWorker();
    await startWorker();
    held.release();
    const final = await follow(apiA, testId, finished);
    expect(final.status).toBe('PASSED');
    expect(final.checks.filter((c) => c.status === 'PASSED').map((c) => c.name)).toContain('AUTHENTICATE');
  });

  it('lets a worker stopped by SIGTERM mid-test exit 0 by its deadline; another finishes the test', async () => {
    const [api] = await Promise.all([startApi()]);
    const stopping = await startWorker();
    // Every other worker of this suite stops, so that the test goes to `stopping`.
    const others = processes.filter(
      (service) => service !== stopping && service.lines.some((l) => l.includes('workers started')),
    );
    for (const other of others) other.child.kill('SIGTERM');
    await Promise.all(others.map((other) => other.exited));

    held.hold();
    const started = await call<{ testConnection: { id: string } }>(
      api,
      `mutation($draft: ConnectionDraftInput!) { testConnection(input: { draft: $draft }) { id } }`,
      { draft: { ...draftFor({ host: '127.0.0.1', port: held.port }), password: 'app_full-pw' } },
    );
    const testId = started.testConnection.id;
    await follow(api, testId, authenticating);

    const signalled = Date.now();
    stopping.child.kill('SIGTERM');
    const exit = await stopping.exited;
    expect(exit).toEqual({ code: 0, signal: null });
    // SHUTDOWN_TIMEOUT_MS is 2 s: the process waited for the job that long, then handed it back.
    expect(Date.now() - signalled).toBeLessThan(8_000);
    expect(stopping.lines.some((line) => line.includes('handed back to other workers'))).toBe(true);

    const rescuer = await startWorker();
    held.release();
    expect((await follow(api, testId, finished)).status).toBe('PASSED');

    // A worker process serves /metrics too, and its counters saw the test.
    const metricsUrl = (
      JSON.parse(await rescuer.waitForLine(/metrics and health endpoints listening/)) as { url: string }
    ).url;
    const metrics = await (await fetch(metricsUrl)).text();
    expect(metrics).toMatch(/^dss_connection_tests_total\{status="PASSED",error_code="none"\} [1-9]/m);
    expect(metrics).not.toContain(CANARY_PASSWORD);
  });
});
