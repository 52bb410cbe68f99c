import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  check,
  draftFor,
  followTest,
  freshDatabase,
  runDraft,
  sessionsOnTargets,
  targets,
  TEST_FIELDS,
  type TestData,
} from '../support/connection-tests.js';
import { all, count } from '../support/db.js';
import { CANARY_PASSWORD, pgPort, redisUrl, transport } from '../support/env.js';
import { CREATE_DATA_SOURCE, dataSourceInput } from '../support/factories.js';
import { startHarness, type Harness } from '../support/harness.js';
import { jobEvent } from '../support/jobs.js';
import { spawnService } from '../support/service-process.js';
import { startTcpProxy } from '../support/tcp-proxy.js';

// The life of a connection test through GraphQL, BullMQ and the workers. `api` queues tests without
// running them, so a test can subscribe before a worker (started when the test wants) picks them up.

let api: Harness;
beforeAll(async () => {
  api = await startHarness({ role: 'api', env: { JOB_LOCK_MS: '2000' } });
});
afterAll(async () => {
  await api.stop();
});

const startWorker = () => startHarness({ sharedWith: api, role: 'worker', env: { JOB_LOCK_MS: '2000' } });

async function createFor(target: { host: string; port: number }, overrides: Record<string, unknown> = {}) {
  const result = await api.gql<{ createDataSource: { dataSource: { id: string }; test: { id: string } } }>(
    CREATE_DATA_SOURCE,
    { input: dataSourceInput({ ...draftFor(target), ...overrides }) },
  );
  if (!result.data) throw new Error(JSON.stringify(result.errors));
  return { id: result.data.createDataSource.dataSource.id, testId: result.data.createDataSource.test.id };
}

/** The checks after AUTHENTICATE of a draft without the heartbeat, before they run. */
const PENDING_AFTER_LOGIN = ['SERVER', 'SCHEMA', 'READ_PRIVILEGES', 'INCREMENTAL', 'HEARTBEAT'].map(
  (name) => `${name}:PENDING`,
);

/** Each (check, status) a subscriber saw change, in the order it saw them. */
function transitions(messages: TestData[]): string[] {
  const seen: string[] = [];
  const last = new Map<string, string>();
  for (const message of messages) {
    for (const c of message.checks) {
      const key = `${c.endpoint}:${c.name}`;
      if (last.get(key) !== c.status) seen.push(`${c.name}:${c.status}`);
      last.set(key, c.status);
    }
  }
  return seen;
}

describe('a test followed live', () => {
  it('shows every check go RUNNING then done, in order, then completes; the data source follows', async () => {
    const { id, testId } = await createFor(targets().scram);
    const events = await api.subscribe<{
      dataSourceEvents: {
        kind: string;
        dataSource: { connectionStatus: string; lastTest: { id: string; status: string } };
      };
    }>(
      `subscription($id: ID) {
        dataSourceEvents(id: $id) { kind dataSource { connectionStatus lastTest { id status } } }
      }`,
      { id },
    );
    const following = followTest(api, testId);
    const worker = await startWorker();
    try {
      const { messages, final } = await following;
      expect(messages[0]).toMatchObject({ status: 'QUEUED' });
      expect(messages[0]?.checks.every((c) => c.status === 'PENDING')).toBe(true);
      expect(messages.map((m) => m.status).filter((s, i, all) => s !== all[i - 1])).toEqual([
        'QUEUED',
        'RUNNING',
        'PASSED',
      ]);
      expect(transitions(messages)).toEqual([
        'RESOLVE:PENDING',
        'CONNECT:PENDING',
        'TLS:PENDING',
        'AUTHENTICATE:PENDING',
        'SERVER:PENDING',
        'SCHEMA:PENDING',
        'READ_PRIVILEGES:PENDING',
        'INCREMENTAL:PENDING',
        'HEARTBEAT:PENDING',
        'RESOLVE:RUNNING',
        'RESOLVE:PASSED',
        'CONNECT:RUNNING',
        'CONNECT:PASSED',
        'TLS:RUNNING',
        'TLS:SKIPPED',
        'AUTHENTICATE:RUNNING',
        'AUTHENTICATE:PASSED',
        'SERVER:RUNNING',
        'SERVER:PASSED',
        'SCHEMA:RUNNING',
        'SCHEMA:PASSED',
        'READ_PRIVILEGES:RUNNING',
        'READ_PRIVILEGES:PASSED',
        'INCREMENTAL:RUNNING',
        'INCREMENTAL:PASSED',
        'HEARTBEAT:RUNNING',
        'HEARTBEAT:SKIPPED',
      ]);
      expect(final).toMatchObject({ status: 'PASSED', dataSourceId: id });

      const kinds: string[] = [];
      const lastTests: { id: string; status: string }[] = [];
      for await (const event of events) {
        const { kind, dataSource } = event.data!.dataSourceEvents;
        kinds.push(`${kind}:${dataSource.connectionStatus}`);
        lastTests.push(dataSource.lastTest);
        if (kinds.length === 2) break;
      }
      expect(kinds).toEqual(['TEST_STARTED:TESTING', 'TEST_FINISHED:PASSED']);
      // Each event reads the last test afresh (at TEST_STARTED it may still be QUEUED): a subscription
      // does not keep the test as its first event found it.
      expect(lastTests.map((t) => t.id)).toEqual([testId, testId]);
      expect(lastTests[1]?.status).toBe('PASSED');
      const now = await api.gql<{
        dataSource: { connectionStatus: string; lastTest: { id: string; status: string } };
      }>(`query($id: ID) { dataSource(id: $id) { connectionStatus lastTest { id status } } }`, { id });
      expect(now.data?.dataSource).toEqual({
        connectionStatus: 'PASSED',
        lastTest: { id: testId, status: 'PASSED' },
      });
    } finally {
      await worker.stop();
    }
  });

  it('stores every transition: while the target holds the login, the stored test already has RESOLVE and CONNECT passed', async () => {
    const held = await startTcpProxy(targets().scram.port);
    held.hold();
    const worker = await startWorker();
    try {
      const queued = await api.gql<{ testConnection: { id: string } }>(
        `mutation($draft: ConnectionDraftInput!) { testConnection(input: { draft: $draft }) { id } }`,
        { draft: draftFor({ host: '127.0.0.1', port: held.port }) },
      );
      const testId = queued.data!.testConnection.id;
      const stored = async () =>
        (
          await api.gql<{ connectionTest: TestData }>(
            `query($id: ID!) { connectionTest(id: $id) { ${TEST_FIELDS} } }`,
            { id: testId },
          )
        ).data!.connectionTest;
      // What a query (and a subscriber's first message) reads is the stored test, not the stream.
      await expect
        .poll(async () => transitions([await stored()]), { timeout: 10_000 })
        .toEqual([
          'RESOLVE:PASSED',
          'CONNECT:PASSED',
          'TLS:SKIPPED',
          'AUTHENTICATE:RUNNING',
          ...PENDING_AFTER_LOGIN,
        ]);
      expect((await stored()).status).toBe('RUNNING');
      held.release();
      expect((await followTest(api, testId)).final.status).toBe('PASSED');
    } finally {
      held.release();
      await worker.stop();
      await held.close();
    }
  });

  it('gives a subscriber who arrives after the end the final state at once, then completes', async () => {
    const worker = await startWorker();
    let final: TestData;
    try {
      final = await runDraft(api, draftFor(targets().closed));
    } finally {
      await worker.stop();
    }
    const late = await followTest(api, final.id);
    expect(late.messages).toHaveLength(1);
    expect(late.final).toEqual(final);
  });

  it('answers NOT_FOUND to a subscription of an unknown test', async () => {
    const iterator = api.wsClient().iterate({
      query: `subscription { connectionTestUpdated(testId: "0e9c7e55-0000-4000-8000-000000000000") { id } }`,
    });
    const first = await iterator.next();
    expect(first.value).toEqual({
      errors: [
        expect.objectContaining({ message: 'Connection test not found', extensions: { code: 'NOT_FOUND' } }),
      ],
    });
    expect((await iterator.next()).done).toBe(true);
  });
});

describe('one test at a time per data source', () => {
  it('gives twenty parallel testConnection calls one test and one job', async () => {
    const { id, testId } = await createFor(targets().scram);
    const worker = await startWorker();
    await followTest(api, testId);
    await worker.stop();

    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        api.gql<{ testConnection: { id: string; status: string } }>(
          `mutation($id: ID) { testConnection(input: { dataSourceId: $id }) { id status } }`,
          { id },
        ),
      ),
    );
    const ids = new Set(results.map((r) => r.data?.testConnection.id));
    expect(ids.size).toBe(1);
    const [newTestId] = [...ids];
    expect(newTestId).not.toBe(testId);
    expect(await count(api.pool, 'connection_tests WHERE data_source_id = $1', [id])).toBe(2);
    const waiting = await api
      .queue('connection-test')
      .getJobs(['waiting', 'prioritized', 'active', 'delayed']);
    expect(
      waiting.filter((job) => job.data && (job.data as { testId: string }).testId === newTestId),
    ).toHaveLength(1);
    expect(waiting.filter((job) => (job.data as { testId: string }).testId !== newTestId)).toHaveLength(0);

    const again = await startWorker();
    try {
      expect((await followTest(api, newTestId!)).final.status).toBe('PASSED');
    } finally {
      await again.stop();
    }
  });
});

describe('the seed flow: Test Connection, then OK', () => {
  it('saves a data source verified by a fresh PASSED draft test without testing again', async () => {
    const worker = await startWorker();
    try {
      const draft = draftFor(targets().scram);
      const tested = await runDraft(api, draft);
      expect(tested.status).toBe('PASSED');
      const jobs = async () =>
        Object.values(await api.queue('connection-test').getJobCounts()).reduce((a, b) => a + b, 0);
      const jobsBefore = await jobs();

      const created = await api.gql<{
        createDataSource: {
          dataSource: { id: string; connectionStatus: string; lastTest: { id: string } };
          test: TestData;
        };
      }>(
        `mutation($input: CreateDataSourceInput!) { createDataSource(input: $input) {
           dataSource { id connectionStatus lastTest { id } } test { ${TEST_FIELDS} } } }`,
        { input: { ...draft, identifier: 'verified-by-draft', verifiedByTestId: tested.id } },
      );
      const payload = created.data!.createDataSource;
      expect(payload.dataSource.connectionStatus).toBe('PASSED');
      expect(payload.test).toMatchObject({
        id: tested.id,
        status: 'PASSED',
        dataSourceId: payload.dataSource.id,
      });
      expect(payload.dataSource.lastTest.id).toBe(tested.id);
      expect(
        await count(api.pool, 'connection_tests WHERE data_source_id = $1', [payload.dataSource.id]),
      ).toBe(1);
      expect(await jobs()).toBe(jobsBefore);
    } finally {
      await worker.stop();
    }
  });

  it('does not let one draft test verify a second data source', async () => {
    const worker = await startWorker();
    try {
      const draft = draftFor(targets().scram);
      const tested = await runDraft(api, draft);
      const create = (identifier: string) =>
        api.gql<{ createDataSource: { dataSource: { connectionStatus: string }; test: { id: string } } }>(
          CREATE_DATA_SOURCE,
          { input: { ...draft, identifier, verifiedByTestId: tested.id } },
        );
      const first = await create('verified-once');
      expect(first.data?.createDataSource.test.id).toBe(tested.id);
      const reuse = await create('reused-draft');
      expect(reuse.data?.createDataSource.test.id).not.toBe(tested.id);
      expect(reuse.data?.createDataSource.dataSource.connectionStatus).toBe('TESTING');
    } finally {
      await worker.stop();
    }
  });

  it.each([
    ['the password', { password: `${CANARY_PASSWORD}-other` }],
    ['a parameter', { schemaName: 'sales' }],
  ])('tests again when %s differs from the draft test', async (_what, change) => {
    const worker = await startWorker();
    try {
      const draft = draftFor(targets().scram);
      const tested = await runDraft(api, draft);
      const created = await api.gql<{
        createDataSource: { dataSource: { connectionStatus: string }; test: { id: string } };
      }>(CREATE_DATA_SOURCE, {
        input: {
          ...draft,
          ...change,
          identifier: `changed-${Object.keys(change)[0]}`,
          verifiedByTestId: tested.id,
        },
      });
      expect(created.data?.createDataSource.test.id).not.toBe(tested.id);
      expect(created.data?.createDataSource.dataSource.connectionStatus).toBe('TESTING');
    } finally {
      await worker.stop();
    }
  });
});

describe('a worker killed during a test', () => {
  it('leaves the test to another worker, which completes it', async () => {
    const held = await startTcpProxy(targets().scram.port);
    held.hold();
    const { testId } = await createFor({ host: '127.0.0.1', port: held.port });
    // Subscribed before the worker starts, so that no change of the test can be published unseen.
    const live = await api.subscribe<{ connectionTestUpdated: TestData }>(
      `subscription($id: ID!) { connectionTestUpdated(testId: $id) { ${TEST_FIELDS} } }`,
      { id: testId },
    );
    const doomed = await spawnService(
      'worker',
      api.processEnv({ JOB_LOCK_MS: '2000', CONNECT_TIMEOUT_MS: '60000', TEST_TIMEOUT_MS: '60000' }),
    );
    try {
      // Wait until the first worker is stuck logging in to the held target.
      for await (const message of live) {
        const authenticate = message.data?.connectionTestUpdated.checks.find(
          (c) => c.name === 'AUTHENTICATE',
        );
        if (authenticate?.status === 'RUNNING') break;
      }
      doomed.child.kill('SIGKILL');
      await doomed.exited;
      held.release();

      const rescuer = await startWorker();
      try {
        const { final } = await followTest(api, testId);
        expect(final.status).toBe('PASSED');
        const attempts = await count(api.pool, 'connection_tests WHERE id = $1 AND attempts = 2', [testId]);
        expect(attempts).toBe(1);
      } finally {
        await rescuer.stop();
      }
    } finally {
      doomed.child.kill('SIGKILL');
      await held.close();
    }
  });
});

/** A draft test of `scram` with the canary as its password, queued and not run (no worker). */
async function queuedCanaryTest(): Promise<string> {
  const draft = draftFor(targets().scram, { password: CANARY_PASSWORD });
  const started = await api.gql<{ testConnection: { id: string } }>(
    `mutation($draft: ConnectionDraftInput!) { testConnection(input: { draft: $draft }) { id } }`,
    { draft },
  );
  const testId = started.data!.testConnection.id;
  const job = await api.queue('connection-test').getJob(testId);
  expect(job?.data).toEqual({ testId });
  return testId;
}

if (transport() === 'redis') {
  describe('secrets in Redis', () => {
    it('are never there: jobs carry the test id only', async () => {
      await queuedCanaryTest();
      const redis = new Redis(redisUrl());
      try {
        const keys = await redis.keys(`${api.config.redisPrefix}:*`);
        expect(keys.length).toBeGreaterThan(0);
        for (const key of keys) {
          expect(key).not.toContain(CANARY_PASSWORD);
          const type = await redis.type(key);
          const dump =
            type === 'hash'
              ? await redis.hgetall(key)
              : type === 'string'
                ? await redis.get(key)
                : type === 'list'
                  ? await redis.lrange(key, 0, -1)
                  : type === 'zset'
                    ? await redis.zrange(key, 0, -1)
                    : type === 'stream'
                      ? await redis.xrange(key, '-', '+')
                      : type === 'set'
                        ? await redis.smembers(key)
                        : null;
          expect(JSON.stringify(dump)).not.toContain(CANARY_PASSWORD);
        }
      } finally {
        redis.disconnect();
      }
    });
  });
} else {
  describe("secrets in BullMQ's schema", () => {
    it('are never there: jobs carry the test id only', async () => {
      const testId = await queuedCanaryTest();
      const tables = await all<{ name: string }>(
        api.pool,
        "SELECT quote_ident(table_name) AS name FROM information_schema.tables WHERE table_schema = 'bullmq'",
      );
      expect(tables.length).toBeGreaterThan(0);
      // Every row of every table, as text: the job is there (by id), the password nowhere.
      const rows: string[] = [];
      for (const { name } of tables) {
        const dump = await all<{ row: string }>(api.pool, `SELECT t::text AS row FROM bullmq.${name} t`);
        rows.push(...dump.map((r) => r.row));
      }
      expect(rows.some((row) => row.includes(testId))).toBe(true);
      expect(rows.filter((row) => row.includes(CANARY_PASSWORD))).toEqual([]);
    });
  });
}

describe('an event larger than NOTIFY carries (8,000 bytes)', () => {
  it('reaches a subscriber of the api process from a worker process; on postgres by way of event_payloads', async () => {
    // 150 schemas app_full may use, each with a table, of which it may read the first only: SCHEMA
    // lists every schema, and READ_PRIVILEGES warns with a GRANT naming every schema, on both endpoints.
    const schemas = Array.from(
      { length: 150 },
      (_, i) => `a_rather_long_schema_name_${String(i).padStart(3, '0')}`,
    );
    const database = await freshDatabase({
      setup: schemas
        .map(
          (schema) =>
            `CREATE SCHEMA ${schema}; CREATE TABLE ${schema}.t (id int); GRANT USAGE ON SCHEMA ${schema} TO app_full;`,
        )
        .concat(`GRANT SELECT ON ${schemas[0]}.t TO app_full;`)
        .join('\n'),
    });
    const { scram, standby } = targets();
    const started = await api.gql<{ testConnection: { id: string } }>(
      `mutation($draft: ConnectionDraftInput!) { testConnection(input: { draft: $draft }) { id } }`,
      { draft: draftFor(scram, { databaseAttribute: 'PRIMARY_STANDBY', standby, databaseName: database }) },
    );
    const testId = started.data!.testConnection.id;
    const following = followTest(api, testId);
    // The worker is a process of its own: its events reach this one over the transport only.
    const worker = await spawnService('worker', api.processEnv());
    try {
      const { messages, final } = await following;
      expect(final.status).toBe('PASSED');
      for (const endpoint of ['PRIMARY', 'STANDBY'] as const) {
        expect(check(final, 'SCHEMA', endpoint).message).toContain(schemas.at(-1));
        expect(check(final, 'READ_PRIVILEGES', endpoint)).toMatchObject({
          status: 'WARNING',
          hint: expect.stringContaining(schemas.at(-1)!) as unknown,
        });
      }
      expect(final.standbyServer?.readableSchemas).toEqual(expect.arrayContaining(schemas));
      // The events that carried it were larger than a notification may be.
      expect(Buffer.byteLength(JSON.stringify(final))).toBeGreaterThan(8_000);
      // Every message after the first (the stored state) was an event, and many were that large.
      const large = messages.slice(1).filter((m) => Buffer.byteLength(JSON.stringify(m)) > 8_000);
      expect(large.length).toBeGreaterThan(1);
      // Only the postgres transport stores payloads: Redis pub/sub carries them whole.
      const stored = await count(api.pool, 'event_payloads');
      if (transport() === 'postgres') expect(stored).toBeGreaterThan(0);
      else expect(stored).toBe(0);
    } finally {
      worker.child.kill('SIGTERM');
      await worker.exited;
    }
  });
});

/** Makes the store refuse data source `id`'s `status` (a trigger raises) until the returned function runs. */
async function refuseStatus(id: string, status: 'PASSED' | 'FAILED'): Promise<() => Promise<unknown>> {
  const name = `refuse_${status.toLowerCase()}`;
  await api.pool.query(`CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS
    $$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$`);
  await api.pool.query(`CREATE TRIGGER ${name} BEFORE UPDATE ON data_sources FOR EACH ROW
    WHEN (NEW.id = '${id}' AND NEW.connection_status = '${status}') EXECUTE FUNCTION ${name}()`);
  return () =>
    api.pool.query(`DROP TRIGGER IF EXISTS ${name} ON data_sources; DROP FUNCTION IF EXISTS ${name}()`);
}

describe('failures', () => {
  it("of the store at a test's end leave neither the test ended nor its data source's status: the retry records both", async () => {
    const { id, testId } = await createFor(targets().scram);
    // The store refuses this data source's PASSED: the statement that ends the test must fail whole.
    const allow = await refuseStatus(id, 'PASSED');
    const events = await api.queueEvents('connection-test');
    const retried = jobEvent(events, 'delayed', testId, 15_000);
    const worker = await startWorker();
    try {
      await retried;
      expect(await all(api.pool, 'SELECT status FROM connection_tests WHERE id = $1', [testId])).toEqual([
        { status: 'RUNNING' },
      ]);
      expect(await all(api.pool, 'SELECT connection_status FROM data_sources WHERE id = $1', [id])).toEqual([
        { connection_status: 'TESTING' },
      ]);
      await allow();
      const { final } = await followTest(api, testId);
      expect(final.status).toBe('PASSED');
      expect(await all(api.pool, 'SELECT connection_status FROM data_sources WHERE id = $1', [id])).toEqual([
        { connection_status: 'PASSED' },
      ]);
    } finally {
      await allow();
      await worker.stop();
    }
  });

  it("of a test's job leave the test to reconciliation, which ends it FAILED together with its data source's status", async () => {
    const { id, testId } = await createFor(targets().scram);
    // Its job lost (as a Redis without persistence loses it), long enough ago to be given up.
    await api.queue('connection-test').remove(testId);
    await api.pool.query(
      "UPDATE connection_tests SET queued_at = now() - interval '11 minutes' WHERE id = $1",
      [testId],
    );
    // The store refuses this data source's FAILED: ending the test must fail whole.
    const allow = await refuseStatus(id, 'FAILED');
    const events = await api.queueEvents('maintenance');
    const reconcile = async () => {
      const job = await api.queue('maintenance').add('reconcile', {});
      await job.waitUntilFinished(events, 10_000);
    };
    const worker = await startWorker();
    try {
      await expect(reconcile()).rejects.toThrow('update "data_sources"');
      expect(await all(api.pool, 'SELECT status FROM connection_tests WHERE id = $1', [testId])).toEqual([
        { status: 'QUEUED' },
      ]);
      await allow();
      await reconcile();
      expect(
        await all(api.pool, 'SELECT status, error_code FROM connection_tests WHERE id = $1', [testId]),
      ).toEqual([{ status: 'FAILED', error_code: 'INTERNAL' }]);
      expect(await all(api.pool, 'SELECT connection_status FROM data_sources WHERE id = $1', [id])).toEqual([
        { connection_status: 'FAILED' },
      ]);
    } finally {
      await allow();
      await worker.stop();
    }
  });

  it('of the target are final: the job completes once, with no retry', async () => {
    const worker = await startWorker();
    try {
      const test = await runDraft(api, draftFor(targets().closed));
      expect(test.errorCode).toBe('CONNECTION_REFUSED');
      // The last message goes out just before BullMQ records the job's end: wait for that event.
      const job = await api.queue('connection-test').getJob(test.id);
      await job?.waitUntilFinished(await api.queueEvents('connection-test'), 10_000);
      const finished = await api.queue('connection-test').getJob(test.id);
      expect(await finished?.getState()).toBe('completed');
      expect(finished?.attemptsMade).toBe(1); // this attempt and no other
    } finally {
      await worker.stop();
    }
  });

  // On Redis the queue outlives the metadata store: BullMQ records the failed attempt and retries it.
  if (transport() === 'redis') {
    it('of the service are retried with backoff: the metadata store lost mid-test', async () => {
      const store = await startTcpProxy(pgPort());
      const held = await startTcpProxy(targets().scram.port);
      held.hold();
      const { testId } = await createFor({ host: '127.0.0.1', port: held.port });
      // Subscribed before any worker exists, so that no change of the test can be published unseen.
      const live = await api.subscribe<{ connectionTestUpdated: TestData }>(
        `subscription($id: ID!) { connectionTestUpdated(testId: $id) { ${TEST_FIELDS} } }`,
        { id: testId },
      );
      const events = await api.queueEvents('connection-test');
      const worker = await startHarness({ sharedWith: api, role: 'worker', databasePort: store.port });
      try {
        for await (const message of live) {
          if (
            message.data?.connectionTestUpdated.checks.find((c) => c.name === 'AUTHENTICATE')?.status ===
            'RUNNING'
          )
            break;
        }
        // The attempt fails on the metadata store, and BullMQ holds the job back for its retry.
        const delayed = jobEvent(events, 'delayed', testId, 15_000);
        await store.cut(); // the worker can no longer record the test...
        held.release(); // ...which now runs to its end
        await delayed;
        await store.restore();
        const { final } = await followTest(api, testId);
        expect(final.status).toBe('PASSED');
        expect(await count(api.pool, 'connection_tests WHERE id = $1 AND attempts = 2', [testId])).toBe(1);
      } finally {
        await worker.stop();
        await store.close();
        await held.close();
      }
    });
  } else {
    // Without Redis the queue is in the metadata store too: a worker that lost it can record neither
    // the test nor the job's failure, and the job goes to another worker once its lock lapses.
    it('of the service leave the job to another worker: the metadata store, queue and all, lost mid-test', async () => {
      const store = await startTcpProxy(pgPort());
      const held = await startTcpProxy(targets().scram.port);
      held.hold();
      const { testId } = await createFor({ host: '127.0.0.1', port: held.port });
      const live = await api.subscribe<{ connectionTestUpdated: TestData }>(
        `subscription($id: ID!) { connectionTestUpdated(testId: $id) { ${TEST_FIELDS} } }`,
        { id: testId },
      );
      const cut = await startHarness({
        sharedWith: api,
        role: 'worker',
        databasePort: store.port,
        // BullMQ could not record the end of its attempt either, and still counts that job as running:
        // at shutdown the worker waits for it until its deadline.
        env: { JOB_LOCK_MS: '2000', SHUTDOWN_TIMEOUT_MS: '2000' },
      });
      let stopping: Promise<void> | undefined;
      const stopCut = () => (stopping ??= cut.stop());
      try {
        for await (const message of live) {
          if (check(message.data!.connectionTestUpdated, 'AUTHENTICATE').status === 'RUNNING') break;
        }
        await store.cut(); // from now on that worker can write nothing...
        held.release(); // ...while its attempt runs to its end
        const rescuer = await startWorker();
        try {
          const { final } = await followTest(api, testId);
          expect(final.status).toBe('PASSED');
          expect(await count(api.pool, 'connection_tests WHERE id = $1 AND attempts = 2', [testId])).toBe(1);
        } finally {
          await rescuer.stop();
        }
        // The first worker gets its store back and stops: nothing of its attempt overwrites the second's.
        await store.restore();
        await stopCut();
        expect(
          await count(api.pool, "connection_tests WHERE id = $1 AND attempts = 2 AND status = 'PASSED'", [
            testId,
          ]),
        ).toBe(1);
      } finally {
        await stopCut();
        await store.close();
        await held.close();
      }
    });
  }
});

it('leaves no connection open on the targets once its tests are over', async () => {
  // Sessions end a moment after the socket closes on our side: wait for the server to see them go.
  await expect.poll(() => sessionsOnTargets(api), { timeout: 5_000 }).toBe(0);
});
