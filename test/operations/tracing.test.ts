import { randomUUID } from 'node:crypto';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { CHECK_NAMES } from '../../src/connection-tests/model.js';
import { startTracing, type Tracing } from '../../src/lib/tracing.js';
import { draftFor, followTest, freshDatabase, runDraft, targets } from '../support/connection-tests.js';
import { CANARY_PASSWORD } from '../support/env.js';
import { CREATE_DATA_SOURCE, dataSourceInput } from '../support/factories.js';
import { ADMIN_TOKEN, startHarness, type Harness } from '../support/harness.js';
import { ROLES } from '../support/pg-targets.js';

// Traces across the api and the worker roles: two service instances of one deployment in this process,
// whose only link is the job on the project's transport (Redis, or BullMQ's PostgreSQL backend), with
// the SDK as main.ts starts it, exporting into memory.

const exporter = new InMemorySpanExporter();
let tracing: Tracing;
let api: Harness;
let worker: Harness;

beforeAll(async () => {
  const config = loadConfig({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_SERVICE_NAME: 'dss-tracing-test' });
  tracing = (await startTracing(config.tracing, exporter))!;
  const env = { HEARTBEAT_INTERVAL_SECONDS: '1', JOB_LOCK_MS: '2000' };
  api = await startHarness({ role: 'api', env });
  worker = await startHarness({ sharedWith: api, role: 'worker', env });
});
afterAll(async () => {
  await worker?.stop();
  await api?.stop();
  await tracing?.stop();
});

/** Every span ended so far, exported. */
async function spans(): Promise<ReadableSpan[]> {
  await tracing.flush();
  return exporter.getFinishedSpans();
}

/** The first ended span that `match` accepts, waited for (the worker ends its job span after the test's last event). */
async function spanWhere(what: string, match: (span: ReadableSpan) => boolean): Promise<ReadableSpan> {
  let found: ReadableSpan | undefined;
  await expect
    .poll(async () => (found = (await spans()).find(match)), { timeout: 15_000, message: what })
    .toBeDefined();
  return found!;
}

const idOf = (span: ReadableSpan) => span.spanContext().spanId;
const traceOf = (span: ReadableSpan) => span.spanContext().traceId;
const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;

describe('one trace from the API to the worker', () => {
  it('runs from the GraphQL mutation through the job on the queue to each check and the heartbeat install', async () => {
    const database = await freshDatabase();
    const created = await api.gql<{ createDataSource: { dataSource: { id: string }; test: { id: string } } }>(
      CREATE_DATA_SOURCE,
      {
        input: dataSourceInput({
          ...draftFor(targets().scram),
          databaseName: database,
          heartbeatEnabled: true,
        }),
      },
    );
    if (!created.data) throw new Error(JSON.stringify(created.errors));
    const dataSourceId = created.data.createDataSource.dataSource.id;
    const testId = created.data.createDataSource.test.id;
    const { final } = await followTest(api, testId);
    expect(final.status).toBe('PASSED');

    const job = await spanWhere(
      'the worker span of the test',
      (s) => s.name === 'process connection-test' && s.attributes['dss.connection_test.id'] === testId,
    );
    const all = await spans();
    const byId = new Map(all.map((s) => [idOf(s), s]));

    // The worker's span continues the enqueue's, which the mutation's span started.
    const send = byId.get(parentOf(job) ?? '');
    expect(send).toMatchObject({ name: 'send connection-test', kind: SpanKind.PRODUCER });
    expect(send?.attributes).toMatchObject({
      'messaging.system': 'bullmq',
      'messaging.destination.name': 'connection-test',
      'messaging.message.id': testId,
    });
    const operation = byId.get(parentOf(send!) ?? '');
    expect(operation).toMatchObject({ name: 'mutation Create', kind: SpanKind.SERVER });
    expect(operation?.attributes).toMatchObject({
      'graphql.operation.type': 'mutation',
      'graphql.operation.name': 'Create',
      'http.route': '/graphql',
      'http.response.status_code': 200,
    });
    expect(operation?.parentSpanContext).toBeUndefined();
    const traceId = traceOf(operation!);
    expect([traceOf(send!), traceOf(job)]).toEqual([traceId, traceId]);
    expect(job.kind).toBe(SpanKind.CONSUMER);
    expect(job.attributes).toMatchObject({
      'dss.job.name': 'connection-test',
      'dss.data_source.id': dataSourceId,
      'dss.status': 'PASSED',
    });

    // The context travelled in the job's data, on the transport: nothing else links the two roles.
    const stored = await api.queue('connection-test').getJob(testId);
    expect(stored?.data).toEqual({ testId, trace: { traceparent: `00-${traceId}-${idOf(send!)}-01` } });

    // Each check: a child of the job's span, in order, with its result.
    const checks = all
      .filter((s) => s.attributes['dss.connection_test.id'] === testId && s.name.startsWith('check '))
      .sort((a, b) => a.startTime[0] - b.startTime[0] || a.startTime[1] - b.startTime[1]);
    expect(checks.map((s) => s.attributes['dss.check.name'])).toEqual([...CHECK_NAMES]);
    for (const check of checks) {
      expect(check.name).toBe(`check ${String(check.attributes['dss.check.name'])}`);
      expect(traceOf(check)).toBe(traceId);
      expect(parentOf(check)).toBe(idOf(job));
      expect(check.attributes).toMatchObject({
        'dss.data_source.id': dataSourceId,
        'dss.check.endpoint': 'PRIMARY',
      });
      // The status the test recorded for the check (TLS is SKIPPED without sslMode).
      const recorded = final.checks.find((c) => c.name === check.attributes['dss.check.name']);
      expect(check.attributes['dss.status']).toBe(recorded?.status);
      expect(check.attributes['dss.error_code']).toBe(recorded?.code ?? undefined);
    }

    // What the test queued (the heartbeat's install) is in the same trace; each beat starts its own.
    const install = await spanWhere(
      'the heartbeat install',
      (s) =>
        s.attributes['dss.job.name'] === 'heartbeat-install' &&
        s.attributes['dss.data_source.id'] === dataSourceId,
    );
    expect(traceOf(install)).toBe(traceId);
    expect(byId.get(parentOf(install) ?? '')).toMatchObject({ name: 'send heartbeat' });
    expect(parentOf(byId.get(parentOf(install) ?? '')!)).toBe(idOf(job));
    expect(install.attributes['dss.status']).toBe('installed');
    const beat = await spanWhere(
      'a heartbeat beat',
      (s) =>
        s.attributes['dss.job.name'] === 'heartbeat-beat' &&
        s.attributes['dss.data_source.id'] === dataSourceId,
    );
    expect(beat).toMatchObject({ name: 'process heartbeat', kind: SpanKind.CONSUMER });
    expect(beat.attributes['dss.status']).toBe('beat');
    expect(beat.parentSpanContext).toBeUndefined();
    expect(traceOf(beat)).not.toBe(traceId);

    // The subscription that followed the test has its span too (graphql-ws).
    expect(
      all.find(
        (s) => s.kind === SpanKind.SERVER && s.attributes['graphql.operation.type'] === 'subscription',
      ),
    ).toMatchObject({ name: 'subscription' });
  });

  it('records a failed check with its code, the checks after it not at all, and never a secret', async () => {
    const final = await runDraft(api, { ...draftFor(targets().scram), password: CANARY_PASSWORD });
    expect(final).toMatchObject({ status: 'FAILED', errorCode: 'AUTH_FAILED' });

    const job = await spanWhere(
      'the worker span of the failed test',
      (s) => s.name === 'process connection-test' && s.attributes['dss.connection_test.id'] === final.id,
    );
    expect(job.attributes).toMatchObject({ 'dss.status': 'FAILED', 'dss.error_code': 'AUTH_FAILED' });
    expect(job.attributes['dss.data_source.id']).toBeUndefined(); // a draft
    const checks = (await spans()).filter((s) => s.attributes['dss.connection_test.id'] === final.id);
    const authenticate = checks.find((s) => s.name === 'check AUTHENTICATE');
    expect(authenticate?.attributes).toMatchObject({
      'dss.status': 'FAILED',
      'dss.error_code': 'AUTH_FAILED',
    });
    expect(authenticate?.status.code).toBe(SpanStatusCode.ERROR);
    expect(checks.map((s) => s.name)).not.toContain('check SERVER');

    // Everything every span of this file carries, serialized: no password (the canary, the real one
    // that passed above), no token, none of what the user typed to reach the database.
    const serialized = JSON.stringify(
      (await spans()).map((s) => ({
        name: s.name,
        attributes: s.attributes,
        events: s.events,
        links: s.links,
        status: s.status,
        resource: s.resource.attributes,
      })),
    );
    expect(serialized).toContain('dss-tracing-test');
    for (const secret of [CANARY_PASSWORD, ROLES.app_full.password, ADMIN_TOKEN, 'app_full', 'appdb']) {
      expect(serialized).not.toContain(secret);
    }
    for (const span of await spans()) {
      expect(
        Object.keys(span.attributes).filter((key) => /password|user|host|port|database/i.test(key)),
      ).toEqual([]);
    }
  });
});

describe('log lines', () => {
  it('name the trace and span of the operation they were written in, and only then', async () => {
    // A job for a test this deployment does not know: the worker drops it with a warning, in its span.
    const testId = randomUUID();
    await api.queue('connection-test').add('connection-test', { testId });
    const span = await spanWhere(
      'the job span',
      (s) => s.name === 'process connection-test' && s.attributes['dss.connection_test.id'] === testId,
    );
    const lines = worker.logs.map((line) => JSON.parse(line) as Record<string, unknown>);
    const dropped = lines.find((line) => line.testId === testId);
    expect(dropped).toMatchObject({ level: 40, trace_id: traceOf(span), span_id: idOf(span) });
    // Outside any operation (start-up), a line has no trace to name.
    const started = lines.find((line) => line.msg === 'workers started');
    expect(started).toBeDefined();
    expect(started).not.toHaveProperty('trace_id');
  });
});
