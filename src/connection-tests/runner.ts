import { and, eq, inArray, sql } from 'drizzle-orm';
import type { ConnectionSpec } from '../datasources/model.js';
import { passwordBinding } from '../datasources/service.js';
import { specOf, toView } from '../datasources/view.js';
import { publishDataSourceEvent, type Events } from '../events.js';
import type { Database } from '../lib/db.js';
import type { Logger } from '../lib/logger.js';
import type { Metrics } from '../lib/metrics.js';
import type { TargetAccount, TargetGuard } from './target-guard.js';
import {
  connectionTests,
  dataSources,
  type CheckRecord,
  type ConnectionTestRow,
  type DataSourceRow,
  type ServerInfoRecord,
} from '../schema/index.js';
import type { SecretBox } from '../secrets/secret-box.js';
import { CODE_TEXT, resumeHint, type CodeContext } from './codes.js';
import type { EgressPolicy } from '../postgresql/egress.js';
import {
  endpointsOf,
  pendingChecks,
  type CheckName,
  type ConnectionErrorCode,
  type TestEndpoint,
} from './model.js';
import { probeEndpoint, TargetError, type CheckResult, type Problem, type Step } from './postgresql-probe.js';
import { draftPasswordBinding, testLockKey, toTestView } from './service.js';

export interface RunnerDeps {
  db: Database;
  secrets: SecretBox;
  events: Events;
  logger: Logger;
  egress: EgressPolicy;
  connectTimeoutMs: number;
  queryTimeoutMs: number;
  testTimeoutMs: number;
  heartbeatIntervalSeconds: number;
  /** Shown in the target's pg_stat_activity, so that a DBA can tell our sessions. */
  applicationName: string;
  metrics: Pick<Metrics, 'testOutcomes' | 'checkDuration'>;
  /** Per-target concurrency and per-account login lockout, across every worker. */
  guard: TargetGuard;
  /** What follows a finished test of a saved data source (the heartbeat's install). */
  afterDataSourceTest?: (dataSource: DataSourceRow, test: TestState) => Promise<void>;
}

export type TestState = Omit<ConnectionTestRow, 'draft' | 'draftPasswordCiphertext' | 'draftPasswordKeyId'>;

/** Ends the checks of one endpoint after a FAILED check. */
class EndpointStopped extends Error {}

/**
 * Publishes every change of a test at once, in order, and keeps the stored test at most one write
 * behind, without making the checks wait for the metadata store: while a write is in flight, later
 * changes collapse into the newest state, which is written next. The final state is published only
 * once it is stored, so that a subscriber who reads the stored test never waits for an end that was
 * already announced. A failed write (the store is down) is a failure of the service, thrown by
 * `flush` so that the job is retried.
 */
class TestRecorder {
  private pending: TestState | undefined;
  private writing: Promise<void> | undefined;
  private failure: Error | undefined;

  constructor(
    private readonly deps: RunnerDeps,
    readonly state: TestState,
  ) {}

  save(changes: Partial<TestState> = {}): void {
    Object.assign(this.state, changes, { revision: this.state.revision + 1 });
    const snapshot = structuredClone(this.state);
    if (!isFinished(snapshot)) this.deps.events.publish('connectionTests', snapshot.id, snapshot);
    this.pending = snapshot;
    // `finally` clears it in a later tick, also when drain() finished without awaiting anything.
    this.writing ??= this.drain().finally(() => {
      this.writing = undefined;
    });
  }

  private async drain(): Promise<void> {
    for (let snapshot = this.pending; snapshot; snapshot = this.pending) {
      this.pending = undefined;
      if (this.failure) continue;
      try {
        const { id, ...values } = snapshot;
        await this.deps.db.update(connectionTests).set(values).where(eq(connectionTests.id, id));
        if (isFinished(snapshot)) this.deps.events.publish('connectionTests', id, snapshot);
      } catch (error) {
        this.failure = error instanceof Error ? error : new Error(String(error));
      }
    }
  }

  async flush(): Promise<void> {
    while (this.writing) await this.writing;
    if (this.failure) throw this.failure;
  }
}

const isFinished = (test: { status: string }) => test.status === 'PASSED' || test.status === 'FAILED';

/** Reads the test once the transaction that queued it has committed (it holds the test's lock). */
async function loadTest(db: Database, testId: string): Promise<ConnectionTestRow | undefined> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock_shared(${testLockKey(testId)})`);
    const [row] = await tx.select().from(connectionTests).where(eq(connectionTests.id, testId));
    return row;
  });
}

interface Target {
  spec: ConnectionSpec;
  password: string;
}

async function loadTarget(
  deps: RunnerDeps,
  test: ConnectionTestRow,
): Promise<{ spec: ConnectionSpec; password: string | undefined } | undefined> {
  const open = (ciphertext: string | null, keyId: string | null, boundTo: string) => {
    try {
      return ciphertext && keyId ? deps.secrets.open({ ciphertext, keyId }, boundTo) : undefined;
    } catch {
      return undefined; // reported as a failed test below, not retried: a wrong key stays wrong
    }
  };
  if (test.dataSourceId === null) {
    if (!test.draft) return undefined;
    const password = open(
      test.draftPasswordCiphertext,
      test.draftPasswordKeyId,
      draftPasswordBinding(test.id),
    );
    return { spec: test.draft as ConnectionSpec, password };
  }
  const [row] = await deps.db.select().from(dataSources).where(eq(dataSources.id, test.dataSourceId));
  if (!row) return undefined;
  const spec = specOf(row);
  return { spec, password: open(row.passwordCiphertext, row.passwordKeyId, passwordBinding(row.id)) };
}

/** Sets the data source's status if this test is still its latest, and tells subscribers. */
async function reportToDataSource(deps: RunnerDeps, test: TestState, kind: 'TEST_STARTED' | 'TEST_FINISHED') {
  if (test.dataSourceId === null) return;
  const status = kind === 'TEST_STARTED' ? 'TESTING' : test.status === 'PASSED' ? 'PASSED' : 'FAILED';
  const [row] = await deps.db
    .update(dataSources)
    .set({ connectionStatus: status })
    .where(and(eq(dataSources.id, test.dataSourceId), eq(dataSources.lastTestId, test.id)))
    .returning();
  if (!row) return;
  publishDataSourceEvent(deps.events, kind, row.id, toView(row, deps.heartbeatIntervalSeconds));
  if (kind === 'TEST_FINISHED') await deps.afterDataSourceTest?.(row, test);
}

function describe(code: ConnectionErrorCode, context: CodeContext, hint?: string, also: Problem[] = []) {
  const text = CODE_TEXT[code];
  const others = also.map((problem) => CODE_TEXT[problem.code]);
  const alsoContext = (problem: Problem) => ({ ...context, detail: problem.detail });
  return {
    message: [text.message(context), ...others.map((t, i) => t.message(alsoContext(also[i]!)))].join(' '),
    hint: [hint ?? text.hint(context), ...others.map((t, i) => t.hint(alsoContext(also[i]!)))].join(' '),
  };
}

/** Ends a test that could not be run (its final attempt failed, or it was lost) as FAILED/INTERNAL. */
export async function failTest(deps: RunnerDeps, testId: string, detail: string): Promise<void> {
  const context: CodeContext = { host: '', port: 0, username: '', databaseName: '', detail };
  const [row] = await deps.db
    .update(connectionTests)
    .set({
      status: 'FAILED',
      errorCode: 'INTERNAL',
      message: CODE_TEXT.INTERNAL.message(context),
      finishedAt: new Date(),
      revision: sql`${connectionTests.revision} + 1`,
    })
    .where(and(eq(connectionTests.id, testId), inArray(connectionTests.status, ['QUEUED', 'RUNNING'])))
    .returning();
  if (!row) return;
  deps.metrics.testOutcomes.inc({ status: 'FAILED', error_code: 'INTERNAL' });
  const view = toTestView(row);
  deps.events.publish('connectionTests', row.id, view);
  await reportToDataSource(deps, view, 'TEST_FINISHED');
}

/**
 * Runs one connection test: every check of every endpoint, each transition persisted and published.
 * Target problems end as a FAILED test (final); only failures of the service itself throw.
 *
 * `deferred`: a target of the test already has TARGET_MAX_CONCURRENT_TESTS tests running (on any
 * worker), so nothing was done and the test is still QUEUED; run it again a moment later.
 */
export async function runConnectionTest(deps: RunnerDeps, testId: string): Promise<'done' | 'deferred'> {
  const row = await loadTest(deps.db, testId);
  if (!row || row.status === 'PASSED' || row.status === 'FAILED') return 'done'; // deleted, or done by another worker
  const target = await loadTarget(deps, row);
  if (!target) return 'done'; // the data source was deleted meanwhile (its tests went with it)
  if (target.password === undefined) {
    // Not retried: a key that cannot open the password now will not later.
    await failTest(
      deps,
      testId,
      'the stored password cannot be decrypted with the configured keys; enter it again',
    );
    return 'done';
  }
  const endpoints = endpointsOf(target.spec);
  const lease = await deps.guard.acquire(testId, endpoints);
  if (!lease) return 'deferred';
  try {
    await runChecks(deps, row, { spec: target.spec, password: target.password }, endpoints);
  } finally {
    // A slot that cannot be given back lapses by itself (target-guard.ts); the test's outcome stands.
    await deps.guard
      .release(lease)
      .catch((error: unknown) => deps.logger.warn({ err: error, testId }, 'could not release target slots'));
  }
  return 'done';
}

async function runChecks(
  deps: RunnerDeps,
  row: ConnectionTestRow,
  target: Target,
  endpoints: TestEndpoint[],
): Promise<void> {
  const { draft: _draft, draftPasswordCiphertext: _ciphertext, draftPasswordKeyId: _keyId, ...initial } = row;
  const recorder = new TestRecorder(deps, initial);
  const startedAt = new Date();
  recorder.save({
    status: 'RUNNING',
    startedAt,
    finishedAt: null,
    attempts: row.attempts + 1,
    checks: pendingChecks(endpoints),
    errorCode: null,
    message: null,
    server: null,
    standbyServer: null,
  });
  // Told while the checks run; awaited before the end, so TEST_STARTED always precedes TEST_FINISHED.
  const reportedStart = reportToDataSource(deps, recorder.state, 'TEST_STARTED').then(
    () => undefined,
    // Held until awaited below, so that it is never an unhandled rejection.
    (error: unknown) => (error instanceof Error ? error : new Error('the test start could not be recorded')),
  );

  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), deps.testTimeoutMs);
  try {
    for (const endpoint of endpoints) {
      await probeOne(deps, recorder, target, endpoint, deadline.signal);
    }
  } finally {
    clearTimeout(timer);
  }

  const checks = recorder.state.checks;
  const failed = checks.find((check) => check.status === 'FAILED');
  const warnings = checks.filter((check) => check.status === 'WARNING').length;
  const finishedAt = new Date();
  recorder.save({
    status: failed ? 'FAILED' : 'PASSED',
    errorCode: failed?.code ?? null,
    message: failed
      ? `${failed.endpoint === 'STANDBY' && endpoints.length > 1 ? 'Standby ' : ''}${failed.name} failed: ${failed.message ?? ''}`
      : warnings > 0
        ? `Passed with ${warnings} warning(s).`
        : 'All checks passed.',
    finishedAt,
    durationMs: finishedAt.getTime() - startedAt.getTime(),
  });
  const startFailure = await reportedStart;
  if (startFailure) throw startFailure;
  await recorder.flush();
  if (row.dataSourceId === null && recorder.state.status === 'FAILED') {
    // A failed draft can never verify a create: its sealed password has no further use.
    await deps.db
      .update(connectionTests)
      .set({ draftPasswordCiphertext: null, draftPasswordKeyId: null })
      .where(eq(connectionTests.id, row.id));
  }
  deps.metrics.testOutcomes.inc({
    status: recorder.state.status,
    error_code: recorder.state.errorCode ?? 'none',
  });
  await reportToDataSource(deps, recorder.state, 'TEST_FINISHED');
}

async function probeOne(
  deps: RunnerDeps,
  recorder: TestRecorder,
  target: Target,
  endpoint: TestEndpoint,
  signal: AbortSignal,
): Promise<void> {
  const { spec } = target;
  const context: CodeContext = {
    host: endpoint.host,
    port: endpoint.port,
    username: spec.username,
    databaseName: spec.databaseName,
    schemaName: spec.schemaName,
  };
  const checks = recorder.state.checks;
  const indexOf = (name: CheckName) =>
    checks.findIndex((c) => c.endpoint === endpoint.role && c.name === name);
  const record = (name: CheckName, changes: Partial<CheckRecord>) => {
    const index = indexOf(name);
    checks[index] = { ...checks[index]!, ...changes };
    recorder.save({ checks });
    if (changes.durationMs != null && changes.status) {
      deps.metrics.checkDuration.observe({ check: name, status: changes.status }, changes.durationMs / 1000);
    }
  };

  const step: Step = async <T>(name: CheckName, run: () => Promise<CheckResult<T>>): Promise<T> => {
    record(name, { status: 'RUNNING' });
    const started = performance.now();
    const durationMs = () => Math.round((performance.now() - started) * 100) / 100;
    try {
      if (signal.aborted) throw new TargetError('TIMEOUT', 'the whole test ran out of time');
      const result = await run();
      if (result.status === 'WARNING') {
        const text = describe(result.code, { ...context, detail: result.detail }, result.hint, result.also);
        record(name, { status: 'WARNING', code: result.code, ...text, durationMs: durationMs() });
      } else {
        record(name, { status: result.status, message: result.message, durationMs: durationMs() });
      }
      return result.value;
    } catch (error) {
      let failure: TargetError;
      if (error instanceof TargetError) failure = error;
      else if (signal.aborted) failure = new TargetError('TIMEOUT', 'the whole test ran out of time');
      else {
        deps.logger.error(
          { err: error, check: name, testId: recorder.state.id },
          'connection test check crashed',
        );
        failure = new TargetError('INTERNAL', 'an unexpected error in the check');
      }
      const text = describe(failure.code, { ...context, detail: failure.detail }, failure.hint);
      record(name, { status: 'FAILED', code: failure.code, ...text, durationMs: durationMs() });
      throw new EndpointStopped();
    }
  };

  const account = { host: endpoint.host, port: endpoint.port, username: spec.username };
  const found: { server?: ServerInfoRecord } = {};
  try {
    const lockedForMs = await deps.guard.authLocked(account);
    if (lockedForMs > 0) await lockedOut(step, account, lockedForMs);
    else
      await probeEndpoint(
        {
          endpoint,
          username: spec.username,
          password: target.password,
          databaseName: spec.databaseName,
          schemaName: spec.schemaName,
          sslMode: spec.sslMode,
          heartbeatEnabled: spec.heartbeatEnabled,
        },
        {
          connectTimeoutMs: deps.connectTimeoutMs,
          queryTimeoutMs: deps.queryTimeoutMs,
          egress: deps.egress,
          signal,
          applicationName: deps.applicationName,
        },
        step,
        found,
      );
  } catch (error) {
    if (!(error instanceof EndpointStopped)) throw error;
    for (const check of checks) {
      if (check.endpoint === endpoint.role && check.status === 'PENDING') {
        Object.assign(check, { status: 'SKIPPED', message: 'Not run: an earlier check failed.' });
      }
    }
    recorder.save({ checks });
  } finally {
    const server = found.server ?? null;
    if (endpoint.role === 'STANDBY' && spec.databaseAttribute === 'PRIMARY_STANDBY')
      recorder.save({ standbyServer: server });
    else recorder.save({ server });
  }
  const login = checks[indexOf('AUTHENTICATE')];
  if (login?.status === 'FAILED' && login.code === 'AUTH_FAILED') await deps.guard.authFailed(account);
  else if (login?.status === 'PASSED' || login?.status === 'WARNING') await deps.guard.authSucceeded(account);
}

/**
 * An account whose logins failed AUTH_FAILURE_LIMIT times: its checks end at AUTHENTICATE before
 * anything reaches the target (no lookup, no connection), saying why. Throws EndpointStopped.
 */
async function lockedOut(step: Step, account: TargetAccount, lockedForMs: number): Promise<never> {
  const message = `Not run: logins of ${account.username} to ${account.host}:${account.port} failed too often in a row, so the server was not contacted.`;
  for (const name of ['RESOLVE', 'CONNECT', 'TLS'] as const) {
    await step(name, () => Promise.resolve({ status: 'SKIPPED', message, value: undefined }));
  }
  const hint = resumeHint(Math.ceil(lockedForMs / 1000));
  await step('AUTHENTICATE', () =>
    Promise.reject(new TargetError('AUTH_ATTEMPTS_EXCEEDED', undefined, hint)),
  );
  // step() throws EndpointStopped after a failed check; this is never reached.
  throw new EndpointStopped();
}
