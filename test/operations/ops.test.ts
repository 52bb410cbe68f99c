import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { draftFor, freshDatabase, runDraft, targets } from '../support/connection-tests.js';
import { count } from '../support/db.js';
import { CREATE_DATA_SOURCE, dataSourceInput } from '../support/factories.js';
import { ADMIN_TOKEN, nextValue, startHarness, VIEWER_TOKEN, type Harness } from '../support/harness.js';
import { startTcpProxy } from '../support/tcp-proxy.js';

// What operators use: metrics, Bull Board, the queue controls, and the behaviour while Redis is down.

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ role: 'all', env: { HEARTBEAT_INTERVAL_SECONDS: '1' } });
});
afterAll(async () => {
  await h.stop();
});

const base = () => h.url.replace(/\/graphql$/, '');

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

describe('Redis down', () => {
  it('fails createDataSource fast with SERVICE_UNAVAILABLE and leaves no row without a job', async () => {
    const redis = await startTcpProxy(6379);
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
      await expect
        .poll(async () => (await fetch(cut.url.replace('/graphql', '/readyz'))).status, { timeout: 10_000 })
        .toBe(200);
      const after = await cut.gql<{ createDataSource: { test: { id: string } } }>(CREATE_DATA_SOURCE, {
        input: dataSourceInput({ identifier: 'after-redis-is-back' }),
      });
      expect(after.errors).toBeUndefined();
      const open = await cut.pool.query<{ id: string }>(
        "SELECT id FROM connection_tests WHERE status IN ('QUEUED', 'RUNNING')",
      );
      for (const test of open.rows)
        expect(await cut.queue('connection-test').getJobState(test.id)).not.toBe('unknown');
    } finally {
      await cut.stop();
      await redis.close();
    }
  });
});
