import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { draftFor, freshDatabase, runDraft, targets } from '../support/connection-tests.js';
import { all, count } from '../support/db.js';
import { databaseUrl, pgPort, redisUrl, transport } from '../support/env.js';
import { CREATE_DATA_SOURCE, dataSourceInput } from '../support/factories.js';
import { ADMIN_TOKEN, nextValue, startHarness, VIEWER_TOKEN, type Harness } from '../support/harness.js';
import { startTcpProxy } from '../support/tcp-proxy.js';

// What operators use: metrics, Bull Board, the queue controls, and the behaviour while the transport
// (Redis, or the metadata store that holds the queues and carries the events) is down.

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ role: 'all', env: { HEARTBEAT_INTERVAL_SECONDS: '1' } });
});
afterAll(async () => {
  await h.stop();
});

const base = () => h.url.replace(/\/graphql$/, '');
const TEST_SAVED = 'mutation($id: ID) { testConnection(input: { dataSourceId: $id }) { id status } }';

/**
 * Prometheus text: every sample line `name{labels} value`, every family with HELP and TYPE. Values
 * are floats as Go parses them (NaN and Inf in any case; prom-client writes `Nan`).
 */
function parsePrometheus(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  const typed = new Set<string>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const meta = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.+)$/.exec(line);
    if (meta) {
      if (meta[1] === 'TYPE') typed.add(meta[2]!);
      continue;
    }
    const sample =
      /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*",?)*\})? (-?[0-9.e+-]+|[Nn]a[Nn]|[+-]?[Ii]nf)$/.exec(
        line,
      );
    if (!sample) throw new Error(`not Prometheus text: ${line}`);
    const family = sample[1]!.replace(/_(bucket|sum|count)$/, '');
    if (!typed.has(sample[1]!) && !typed.has(family)) throw new Error(`sample without TYPE: ${line}`);
    samples.set(`${sample[1]}${sample[2] ?? ''}`, Number(sample[3]));
  }
  return samples;
}

async function scrape(): Promise<Map<string, number>> {
  const response = await fetch(`${base()}/metrics`);
  expect(response.headers.get('content-type')).toContain('text/plain');
  return parsePrometheus(await response.text());
}

describe('/metrics', () => {
  it('parses as Prometheus text, and its counters move as tests run', async () => {
    const refused = 'dss_connection_tests_total{status="FAILED",error_code="CONNECTION_REFUSED"}';
    const connectChecks = 'dss_connection_test_check_duration_seconds_count{check="CONNECT",status="FAILED"}';
    const before = await scrape();
    await runDraft(h, draftFor(targets().closed));
    await runDraft(h, draftFor(targets().closed));
    // The job's end is recorded a moment after the test's last message, by the worker's own
    // 'completed' handler, which nothing outside the process can await: read the counter until it moves.
    const jobsDone =
      'dss_job_duration_seconds_count{queue="connection-test",job="connection-test",outcome="completed"}';
    await expect
      .poll(async () => ((await scrape()).get(jobsDone) ?? 0) - (before.get(jobsDone) ?? 0))
      .toBe(2);
    const after = await scrape();
    expect((after.get(refused) ?? 0) - (before.get(refused) ?? 0)).toBe(2);
    expect((after.get(connectChecks) ?? 0) - (before.get(connectChecks) ?? 0)).toBe(2);
    expect(
      after.get(
        'dss_job_duration_seconds_count{queue="connection-test",job="connection-test",outcome="completed"}',
      ),
    ).toBeGreaterThanOrEqual(2);
    expect(after.has('dss_queue_jobs{queue="connection-test",state="waiting"}')).toBe(true);
    expect(
      after.get('dss_http_request_duration_seconds_count{method="POST",route="/graphql",status="200"}'),
    ).toBeGreaterThan(0);
    expect(after.get('dss_process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(after.has('dss_graphql_subscriptions')).toBe(true);
  });

  it('reports the heartbeat age of each beating data source, labelled by id only', async () => {
    const database = await freshDatabase();
    const events = await h.subscribe<{
      dataSourceEvents: { kind: string; dataSourceId: string; dataSource: { heartbeat: { state: string } } };
    }>('subscription { dataSourceEvents { kind dataSourceId dataSource { heartbeat { state } } } }');
    const created = await h.gql<{ createDataSource: { dataSource: { id: string } } }>(CREATE_DATA_SOURCE, {
      input: dataSourceInput({
        ...draftFor(targets().scram),
        databaseName: database,
        heartbeatEnabled: true,
      }),
    });
    const id = created.data!.createDataSource.dataSource.id;
    // ACTIVE is published once the first beat is stored, which is what the gauge reads.
    for (;;) {
      const event = (await nextValue(events, `the heartbeat of ${id} ACTIVE`, 15_000)).data?.dataSourceEvents;
      if (event?.dataSourceId === id && event.dataSource.heartbeat.state === 'ACTIVE') break;
    }
    await events.return?.();
    const labels = [...(await scrape()).keys()].filter((key) => key.startsWith('dss_heartbeat_age_seconds'));
    // The whole label set: identifiers are user input and never become labels.
    expect(labels).toContain(`dss_heartbeat_age_seconds{data_source_id="${id}"}`);
    await h.gql(`mutation($id: ID!) { deleteDataSource(id: $id) { id } }`, { id });
  });
});

describe('Bull Board', () => {
  const get = (token?: string) =>
    fetch(`${base()}/admin/queues`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  it.each([
    ['no token', undefined],
    ['an unknown token', 'not-a-token-at-all-000000'],
  ])('answers 401 to %s', async (_case, token) => {
    expect((await get(token)).status).toBe(401);
  });

  it('answers 403 to a viewer', async () => {
    expect((await get(VIEWER_TOKEN)).status).toBe(403);
  });

  it('shows an admin every queue', async () => {
    const admin = await get(ADMIN_TOKEN);
    expect(admin.status).toBe(200);
    expect(await admin.text()).toContain('<html');
    const api = await fetch(`${base()}/admin/queues/api/queues`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(((await api.json()) as { queues: { name: string }[] }).queues.map((q) => q.name).sort()).toEqual([
      'connection-test',
      'heartbeat',
      'maintenance',
    ]);
  });
});

describe('queue controls (admin only)', () => {
  it('pauses and resumes a queue: a test waits while it is paused', async () => {
    const paused = await h.gql<{ pauseQueue: { name: string; paused: boolean } }>(
      `mutation { pauseQueue(queue: "connection-test") { name paused } }`,
    );
    expect(paused.data?.pauseQueue).toEqual({ name: 'connection-test', paused: true });
    const started = await h.gql<{ testConnection: { id: string } }>(
      `mutation($draft: ConnectionDraftInput!) { testConnection(input: { draft: $draft }) { id } }`,
      { draft: draftFor(targets().closed) },
    );
    const id = started.data!.testConnection.id;
    const queues = await h.gql<{ queues: { name: string; waiting: number; paused: boolean }[] }>(
      '{ queues { name waiting paused } }',
    );
    expect(queues.data?.queues.find((q) => q.name === 'connection-test')).toMatchObject({ paused: true });
    expect(await h.queue('connection-test').getJobState(id)).toBe('waiting');

    const resumed = await h.gql<{ resumeQueue: { paused: boolean } }>(
      `mutation { resumeQueue(queue: "connection-test") { paused } }`,
    );
    expect(resumed.data?.resumeQueue.paused).toBe(false);
    const job = await h.queue('connection-test').getJob(id);
    await job?.waitUntilFinished(await h.queueEvents('connection-test'), 10_000);
    expect(await h.queue('connection-test').getJobState(id)).toBe('completed');
  });

  it('lists failed jobs with their reasons and retries them', async () => {
    // A job the catalog refuses: it fails at once, unrecoverably.
    const job = await h
      .queue('connection-test')
      .add('connection-test', { testId: 'not-a-test-id' }, { jobId: 'broken-job' });
    await expect(job.waitUntilFinished(await h.queueEvents('connection-test'), 10_000)).rejects.toThrow(
      'invalid payload for connection-test',
    );
    const failed = await h.gql<{ failedJobs: { id: string; name: string; reason: string; data: string }[] }>(
      `{ failedJobs(queue: "connection-test") { id name reason attemptsMade failedAt data } }`,
    );
    expect(failed.data?.failedJobs).toContainEqual(
      expect.objectContaining({
        id: 'broken-job',
        reason: 'invalid payload for connection-test',
        data: '{"testId":"not-a-test-id"}',
      }),
    );
    const retried = await h.gql<{ retryFailedJobs: number }>(
      `mutation { retryFailedJobs(queue: "connection-test") }`,
    );
    expect(retried.data?.retryFailedJobs).toBeGreaterThanOrEqual(1);
  });

  it('refuses the queue controls to a viewer', async () => {
    const viewer = await h.gql(
      `{ failedJobs(queue: "connection-test") { id } }`,
      {},
      { token: VIEWER_TOKEN },
    );
    expect(viewer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('names an unknown queue as a bad input', async () => {
    const unknown = await h.gql(`mutation { pauseQueue(queue: "nope") { name } }`);
    expect(unknown.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: [{ field: 'queue' }],
    });
  });
});

/** Every open test has its job: nothing was half-written (a test row without a job). */
async function expectEveryOpenTestQueued(cut: Harness) {
  const open = await all<{ id: string }>(
    cut.pool,
    "SELECT id FROM connection_tests WHERE status IN ('QUEUED', 'RUNNING')",
  );
  expect(open.length).toBeGreaterThan(0);
  for (const test of open)
    expect(await cut.queue('connection-test').getJobState(test.id)).not.toBe('unknown');
}

const readyz = async (cut: Harness) => (await fetch(cut.url.replace('/graphql', '/readyz'))).status;

if (transport() === 'redis') {
  describe('Redis down', () => {
    it('fails createDataSource fast with SERVICE_UNAVAILABLE and leaves no row without a job', async () => {
      const { hostname, port } = new URL(redisUrl());
      const redis = await startTcpProxy(Number(port || 6379), hostname);
      const cut = await startHarness({ role: 'api', env: { REDIS_URL: `redis://127.0.0.1:${redis.port}` } });
      try {
        await redis.cut();
        const started = Date.now();
        const result = await cut.gql(CREATE_DATA_SOURCE, {
          input: dataSourceInput({ identifier: 'while-redis-is-down' }),
        });
        expect(Date.now() - started).toBeLessThan(2_000);
        expect(result.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
        expect(await count(cut.pool, 'data_sources')).toBe(0);
        expect(await count(cut.pool, 'connection_tests')).toBe(0);

        await redis.restore();
        // The service reconnects by itself; from outside, its readiness answer is the only sign.
        await expect.poll(() => readyz(cut), { timeout: 10_000 }).toBe(200);
        const after = await cut.gql(CREATE_DATA_SOURCE, {
          input: dataSourceInput({ identifier: 'after-redis-is-back' }),
        });
        expect(after.errors).toBeUndefined();
        await expectEveryOpenTestQueued(cut);
      } finally {
        await cut.stop();
        await redis.close();
      }
    });

    it('fails testConnection of a saved data source with SERVICE_UNAVAILABLE and writes nothing of it', async () => {
      const { hostname, port } = new URL(redisUrl());
      const redis = await startTcpProxy(Number(port || 6379), hostname);
      const cut = await startHarness({ role: 'api', env: { REDIS_URL: `redis://127.0.0.1:${redis.port}` } });
      try {
        const created = await cut.gql<{ createDataSource: { dataSource: { id: string } } }>(
          CREATE_DATA_SOURCE,
          {
            input: dataSourceInput({ identifier: 'tested-while-redis-is-down' }),
          },
        );
        const id = created.data!.createDataSource.dataSource.id;
        // No worker runs here: the create's test is ended by hand, so that the next request queues one.
        await cut.pool.query(`UPDATE connection_tests SET status = 'PASSED' WHERE data_source_id = $1`, [id]);
        await cut.pool.query(`UPDATE data_sources SET connection_status = 'PASSED' WHERE id = $1`, [id]);
        const before = await all(
          cut.pool,
          'SELECT connection_status, last_test_id FROM data_sources WHERE id = $1',
          [id],
        );
        await redis.cut();
        const result = await cut.gql(TEST_SAVED, { id });
        expect(result.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
        // The test's row, the data source's TESTING and the request's audit row went with the job.
        expect(await count(cut.pool, 'connection_tests')).toBe(1);
        expect(
          await all(cut.pool, 'SELECT connection_status, last_test_id FROM data_sources WHERE id = $1', [id]),
        ).toEqual(before);
        expect(
          await all(
            cut.pool,
            `SELECT id FROM audit_events WHERE action = 'TEST_CONNECTION' AND data_source_id = $1`,
            [id],
          ),
        ).toEqual([]);

        await redis.restore();
        await expect.poll(() => readyz(cut), { timeout: 10_000 }).toBe(200);
        const after = await cut.gql<{ testConnection: { status: string } }>(TEST_SAVED, { id });
        expect(after.data?.testConnection.status).toBe('QUEUED');
        await expectEveryOpenTestQueued(cut);
      } finally {
        await cut.stop();
        await redis.close();
      }
    });
  });
} else {
  /** The pid of a harness's LISTEN session on the metadata store, once it listens. */
  const listener = async (cut: Harness) =>
    (
      await all<{ pid: number }>(
        cut.pool,
        `SELECT pid FROM pg_stat_activity
          WHERE datname = $1 AND application_name = 'data-source-service events'
            AND state = 'idle' AND query LIKE 'LISTEN%'`,
        [cut.databaseName],
      )
    ).map((row) => row.pid);

  type CreatedEvent = { dataSourceEvents: { kind: string; dataSource: { identifier: string } | null } };

  /** Creates a data source and awaits its CREATED event on a subscription made before. */
  async function createdAndSeen(cut: Harness, identifier: string) {
    const events = await cut.subscribe<CreatedEvent>(
      'subscription { dataSourceEvents { kind dataSource { identifier } } }',
    );
    const created = await cut.gql(CREATE_DATA_SOURCE, { input: dataSourceInput({ identifier }) });
    expect(created.errors).toBeUndefined();
    const event = await nextValue(events, `the CREATED event of ${identifier}`);
    await events.return?.();
    return event.data?.dataSourceEvents;
  }

  describe('the metadata store down (and with it the queues and the events)', () => {
    it('fails createDataSource fast with SERVICE_UNAVAILABLE, writes nothing, and queues and events work once it is back', async () => {
      const store = await startTcpProxy(pgPort());
      const cut = await startHarness({ role: 'api', databasePort: store.port });
      try {
        const [before] = await listener(cut);
        expect(before).toBeDefined();
        await store.cut();
        const started = Date.now();
        const result = await cut.gql(CREATE_DATA_SOURCE, {
          input: dataSourceInput({ identifier: 'while-the-store-is-down' }),
        });
        expect(Date.now() - started).toBeLessThan(2_000);
        expect(result.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');

        await store.restore();
        // The service reconnects by itself; from outside, its readiness answer and its new LISTEN
        // session (the old one went with the connection) are the signs.
        await expect.poll(() => readyz(cut), { timeout: 10_000 }).toBe(200);
        await expect
          .poll(async () => (await listener(cut)).filter((pid) => pid !== before), { timeout: 10_000 })
          .toHaveLength(1);
        expect(await count(cut.pool, 'data_sources')).toBe(0);
        expect(await count(cut.pool, 'connection_tests')).toBe(0);

        expect(await createdAndSeen(cut, 'after-the-store-is-back')).toEqual({
          kind: 'CREATED',
          dataSource: { identifier: 'after-the-store-is-back' },
        });
        await expectEveryOpenTestQueued(cut);
      } finally {
        await cut.stop();
        await store.close();
      }
    });

    it("rolls the create back when BullMQ's schema refuses the job: no row without a job", async () => {
      const cut = await startHarness({ role: 'api' });
      try {
        await cut.pool.query('ALTER SCHEMA bullmq RENAME TO bullmq_away');
        try {
          const refused = await cut.gql(CREATE_DATA_SOURCE, {
            input: dataSourceInput({ identifier: 'job-refused' }),
          });
          expect(refused.errors).toHaveLength(1);
          expect(refused.data).toBeNull();
        } finally {
          await cut.pool.query('ALTER SCHEMA bullmq_away RENAME TO bullmq');
        }
        expect(await count(cut.pool, 'data_sources')).toBe(0);
        expect(await count(cut.pool, 'connection_tests')).toBe(0);
        const after = await cut.gql(CREATE_DATA_SOURCE, {
          input: dataSourceInput({ identifier: 'job-taken' }),
        });
        expect(after.errors).toBeUndefined();
        await expectEveryOpenTestQueued(cut);
      } finally {
        await cut.stop();
      }
    });
  });

  describe('the LISTEN session lost', () => {
    it('is opened again by itself, and events reach subscribers again', async () => {
      const [before] = await listener(h);
      expect(before).toBeDefined();
      await h.pool.query('SELECT pg_terminate_backend($1)', [before]);
      await expect
        .poll(async () => (await listener(h)).filter((pid) => pid !== before), { timeout: 10_000 })
        .toHaveLength(1);
      expect(await createdAndSeen(h, 'after-listen-is-back')).toEqual({
        kind: 'CREATED',
        dataSource: { identifier: 'after-listen-is-back' },
      });
    });

    it('makes /readyz answer 503 while it is away, though the store answers queries', async () => {
      expect(await readyz(h)).toBe(200);
      const [before] = await listener(h);
      expect(before).toBeDefined();
      // The service's pool keeps its open connections (SELECT 1 still answers); only a new session is refused.
      const admin = new pg.Client({ connectionString: databaseUrl('postgres') });
      await admin.connect();
      try {
        await admin.query(`ALTER DATABASE "${h.databaseName}" ALLOW_CONNECTIONS false`);
        await admin.query('SELECT pg_terminate_backend($1)', [before]);
        await expect.poll(() => readyz(h), { timeout: 10_000 }).toBe(503);
      } finally {
        await admin.query(`ALTER DATABASE "${h.databaseName}" ALLOW_CONNECTIONS true`);
        await admin.end();
      }
      await expect.poll(() => readyz(h), { timeout: 10_000 }).toBe(200);
      expect((await listener(h)).filter((pid) => pid !== before)).toHaveLength(1);
    });
  });
}
