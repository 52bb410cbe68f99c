import { publishDataSourceEvent } from '../datasources/events.js';
import { endpointsOf, type ConnectionSpec, type RoledEndpoint } from '../datasources/model.js';
import { passwordBinding, recordTestStatus, specOf, toView } from '../datasources/store.js';
import type { HeartbeatService } from '../heartbeat/service.js';
import type { Database } from '../lib/db.js';
import type { Logger } from '../lib/logger.js';
import type { Metrics } from '../lib/metrics.js';
import type { EventBus } from '../lib/pubsub.js';
import { CODE_TEXT, resumeHint, type CodeContext } from '../postgresql/codes.js';
import type { EgressPolicy } from '../postgresql/egress.js';
import { TargetError, type ConnectionErrorCode } from '../postgresql/errors.js';
import type { CheckRecord, ConnectionTestRow, DataSourceRow, ServerInfoRecord } from '../schema/index.js';
import type { SecretBox } from '../secrets/secret-box.js';
import { CheckFailed, type CheckResult, type Problem, type Step } from './checks/check.js';
import { probeEndpoint, type EndpointReport } from './checks/endpoint.js';
import { connectionTestChanges } from './events.js';
import {
  draftPasswordBinding,
  isFinished,
  pendingChecks,
  toTestView,
  type CheckName,
  type ConnectionTestView,
} from './model.js';
import { TestRecorder } from './recorder.js';
import { endSavedTest, failOpenTest, loadForRun, saveTest } from './store.js';
import { checkSpans, traceTestOutcome } from './tracing.js';
import type { TargetAccount, TargetGuard } from './target-guard.js';

export interface RunnerDeps {
  db: Database;
  secrets: SecretBox;
  events: EventBus;
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
  /** What follows a finished test of a saved data source. */
  heartbeat: Pick<HeartbeatService, 'afterTest'>;
}

interface Target {
  spec: ConnectionSpec;
  password: string;
}

/** The message and hint of a code (and of the further problems a warning carries). */
function describe(code: ConnectionErrorCode, context: CodeContext, hint?: string, also: Problem[] = []) {
  const texts = [{ code, detail: context.detail }, ...also].map((problem) => ({
    text: CODE_TEXT[problem.code],
    context: { ...context, detail: problem.detail },
  }));
  return {
    message: texts.map(({ text, context: c }) => text.message(c)).join(' '),
    hint: texts.map(({ text, context: c }, i) => (i === 0 && hint ? hint : text.hint(c))).join(' '),
  };
}

/**
 * How far apart the stored states of a running test are at least (recorder.ts): every change is
 * published at once, and a test that ends within this costs the metadata store two writes, its start
 * and its end, instead of one per moment the store was free.
 */
const STORE_SPACING_MS = 100;

const serverInfo = (report: EndpointReport): ServerInfoRecord | null =>
  report.server && { ...report.server, readableSchemas: report.readableSchemas };

/**
 * Runs connection tests: every check of every endpoint, each transition published at once and
 * stored (recorder.ts). Target problems end as a FAILED test (final); only failures of the service
 * itself throw, for the job to be retried.
 */
export function createTestRunner(deps: RunnerDeps) {
  const { db } = deps;
  const publish = (test: ConnectionTestView) => deps.events.publish(connectionTestChanges, test.id, test);

  /** The parameters and password a test runs with; undefined when its data source is gone. */
  function loadTarget(
    test: ConnectionTestRow,
    source: DataSourceRow | null,
  ): { spec: ConnectionSpec; password: string | undefined } | undefined {
    const open = (ciphertext: string | null, keyId: string | null, boundTo: string) => {
      try {
        return ciphertext && keyId ? deps.secrets.open({ ciphertext, keyId }, boundTo) : undefined;
      } catch {
        return undefined; // reported as a failed test, not retried: a wrong key stays wrong
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
    if (!source) return undefined;
    return {
      spec: specOf(source),
      password: open(source.passwordCiphertext, source.passwordKeyId, passwordBinding(source.id)),
    };
  }

  /**
   * Tells subscribers that the test started. The transaction that queued the test already set its
   * data source TESTING with this test as its latest (queueSavedTest), so the row read with the test says
   * so: nothing to write. When a newer test has been queued meanwhile, that one owns the status.
   */
  function reportStart(test: ConnectionTestView, source: DataSourceRow | null): void {
    if (!source || source.lastTestId !== test.id) return;
    publishDataSourceEvent(
      deps.events,
      'TEST_STARTED',
      source.id,
      toView({ ...source, connectionStatus: 'TESTING' }, deps.heartbeatIntervalSeconds),
    );
  }

  /**
   * Tells subscribers that the test's data source has its result: `row` is the data source as the
   * test's end set its status, or undefined when it did not (a draft, or a newer test owns the status).
   */
  async function report(test: ConnectionTestView, row: DataSourceRow | undefined): Promise<void> {
    traceTestOutcome(test);
    if (!row) return;
    publishDataSourceEvent(deps.events, 'TEST_FINISHED', row.id, toView(row, deps.heartbeatIntervalSeconds));
    await deps.heartbeat.afterTest(row, test);
  }

  /** Ends a test that could not be run (its final attempt failed, or it was lost) as FAILED/INTERNAL. */
  async function fail(testId: string, detail: string): Promise<void> {
    const context: CodeContext = { host: '', port: 0, username: '', databaseName: '', detail };
    // The test's end and its data source's status together, as a test that runs to its end stores them.
    const ended = await db.transaction(async (tx) => {
      const test = await failOpenTest(tx, testId, CODE_TEXT.INTERNAL.message(context));
      if (!test) return undefined;
      const row =
        test.dataSourceId === null
          ? undefined
          : await recordTestStatus(tx, test.dataSourceId, test.id, 'FAILED');
      return { test, row };
    });
    if (!ended) return;
    deps.metrics.testOutcomes.inc({ status: 'FAILED', error_code: 'INTERNAL' });
    publish(ended.test);
    await report(ended.test, ended.row);
  }

  /** The checks of one endpoint, each recorded through `record`; what it found. */
  async function probe(
    target: Target,
    endpoint: RoledEndpoint,
    signal: AbortSignal,
    record: (name: CheckName, changes: Partial<CheckRecord>) => void,
    testId: string,
    lockedForMs: number,
  ): Promise<EndpointReport> {
    const { spec } = target;
    const context: CodeContext = {
      ...endpoint,
      username: spec.username,
      databaseName: spec.databaseName,
      schemaName: spec.schemaName,
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
          deps.logger.error({ err: error, check: name, testId }, 'connection test check crashed');
          failure = new TargetError('INTERNAL', 'an unexpected error in the check');
        }
        const text = describe(failure.code, { ...context, detail: failure.detail }, failure.hint);
        record(name, { status: 'FAILED', code: failure.code, ...text, durationMs: durationMs() });
        throw new CheckFailed(name);
      }
    };

    const account: TargetAccount = { host: endpoint.host, port: endpoint.port, username: spec.username };
    const found =
      lockedForMs > 0
        ? await lockedOut(step, account, lockedForMs)
        : await probeEndpoint(
            { ...spec, endpoint, password: target.password },
            {
              connectTimeoutMs: deps.connectTimeoutMs,
              queryTimeoutMs: deps.queryTimeoutMs,
              egress: deps.egress,
              signal,
              applicationName: deps.applicationName,
            },
            step,
          );
    return found;
  }

  /** Every check of every endpoint, recorded; the test's end stored, published and reported. */
  async function runChecks(
    row: ConnectionTestRow,
    source: DataSourceRow | null,
    target: Target,
    endpoints: RoledEndpoint[],
    /** Per endpoint, as read when the test was taken (TargetGuard.authFailures). */
    authFailures: Promise<{ count: number; lockedForMs: number }[]>,
  ): Promise<void> {
    /** The data source as the test's end set its status (one statement with the end, endSavedTest). */
    let ended: DataSourceRow | undefined;
    const write = async (test: ConnectionTestView) => {
      const { dataSourceId } = test;
      if (isFinished(test) && dataSourceId !== null)
        ended = await endSavedTest(db, { ...test, dataSourceId });
      else await saveTest(db, test);
    };
    const recorder = new TestRecorder({ write, publish }, toTestView(row), STORE_SPACING_MS);
    const checks = pendingChecks(endpoints);
    const startedAt = new Date();
    recorder.save({
      status: 'RUNNING',
      startedAt,
      finishedAt: null,
      attempts: row.attempts + 1,
      checks,
      errorCode: null,
      message: null,
      server: null,
      standbyServer: null,
    });
    reportStart(recorder.state, source);

    const traceCheck = checkSpans(row);
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), deps.testTimeoutMs);
    try {
      for (const [e, endpoint] of endpoints.entries()) {
        const failures = (await authFailures)[e]!;
        const own = (check: CheckRecord) => check.endpoint === endpoint.role;
        const record = (name: CheckName, changes: Partial<CheckRecord>) => {
          const index = checks.findIndex((check) => own(check) && check.name === name);
          // A new record, never a change to the old one: the recorder keeps the records it was given.
          checks[index] = { ...checks[index]!, ...changes };
          recorder.save({ checks });
          traceCheck(endpoint.role, name, changes);
          if (changes.durationMs != null && changes.status) {
            deps.metrics.checkDuration.observe(
              { check: name, status: changes.status },
              changes.durationMs / 1000,
            );
          }
        };
        const found = await probe(target, endpoint, deadline.signal, record, row.id, failures.lockedForMs);
        if (found.failed) {
          for (const [index, check] of checks.entries()) {
            if (own(check) && check.status === 'PENDING')
              checks[index] = { ...check, status: 'SKIPPED', message: 'Not run: an earlier check failed.' };
          }
        }
        const standbyOfPair =
          endpoint.role === 'STANDBY' && target.spec.databaseAttribute === 'PRIMARY_STANDBY';
        recorder.save({
          checks,
          ...(standbyOfPair ? { standbyServer: serverInfo(found) } : { server: serverInfo(found) }),
        });

        const login = checks.find((check) => own(check) && check.name === 'AUTHENTICATE');
        const account = { host: endpoint.host, port: endpoint.port, username: target.spec.username };
        if (login?.status === 'FAILED' && login.code === 'AUTH_FAILED') await deps.guard.authFailed(account);
        // Nothing to forget when no failure counted as the test was taken (one command less per test).
        else if ((login?.status === 'PASSED' || login?.status === 'WARNING') && failures.count > 0)
          await deps.guard.authSucceeded(account);
      }
    } finally {
      clearTimeout(timer);
    }

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
    await recorder.flush();
    const final = recorder.state;
    deps.metrics.testOutcomes.inc({ status: final.status, error_code: final.errorCode ?? 'none' });
    await report(final, ended);
  }

  return {
    fail,

    /**
     * Runs one test. `deferred`: a target of the test already has TARGET_MAX_CONCURRENT_TESTS tests
     * running (on any worker), so nothing was done and the test is still QUEUED; run it a moment later.
     * `unknown`: no such test in this metadata store (deleted since, or another deployment's job).
     */
    async run(testId: string): Promise<'done' | 'deferred' | 'unknown'> {
      const loaded = await loadForRun(db, testId);
      if (!loaded) return 'unknown';
      const { test: row, dataSource: source } = loaded;
      if (row.status === 'PASSED' || row.status === 'FAILED') return 'done'; // done by another worker
      const target = loadTarget(row, source);
      if (!target) return 'done'; // the data source was deleted meanwhile (its tests went with it)
      if (target.password === undefined) {
        // Not retried: a key that cannot open the password now will not later.
        await fail(
          testId,
          'the stored password cannot be decrypted with the configured keys; enter it again',
        );
        return 'done';
      }
      const endpoints = endpointsOf(target.spec);
      // Read while the slot is taken, rather than after: one round trip to Redis less before the checks.
      const authFailures = Promise.all(
        endpoints.map((endpoint) =>
          deps.guard.authFailures({
            host: endpoint.host,
            port: endpoint.port,
            username: target.spec.username,
          }),
        ),
      );
      authFailures.catch(() => undefined); // awaited below; never an unhandled rejection meanwhile
      const lease = await deps.guard.acquire(testId, endpoints);
      if (!lease) return 'deferred';
      try {
        await runChecks(
          row,
          source,
          { spec: target.spec, password: target.password },
          endpoints,
          authFailures,
        );
      } finally {
        // A slot that cannot be given back lapses by itself (target-guard.ts); the test's outcome stands.
        await deps.guard
          .release(lease)
          .catch((error: unknown) =>
            deps.logger.warn({ err: error, testId }, 'could not release target slots'),
          );
      }
      return 'done';
    },
  };
}

export type TestRunner = ReturnType<typeof createTestRunner>;

/**
 * An account whose logins failed AUTH_FAILURE_LIMIT times: its checks end at AUTHENTICATE before
 * anything reaches the target (no lookup, no connection), saying why.
 */
async function lockedOut(step: Step, account: TargetAccount, lockedForMs: number): Promise<EndpointReport> {
  const message = `Not run: logins of ${account.username} to ${account.host}:${account.port} failed too often in a row, so the server was not contacted.`;
  try {
    for (const name of ['RESOLVE', 'CONNECT', 'TLS'] as const) {
      await step(name, () => Promise.resolve({ status: 'SKIPPED', message, value: undefined }));
    }
    const hint = resumeHint(Math.ceil(lockedForMs / 1000));
    await step('AUTHENTICATE', () =>
      Promise.reject(new TargetError('AUTH_ATTEMPTS_EXCEEDED', undefined, hint)),
    );
  } catch (error) {
    if (!(error instanceof CheckFailed)) throw error;
  }
  return { server: null, readableSchemas: null, failed: 'AUTHENTICATE' };
}
