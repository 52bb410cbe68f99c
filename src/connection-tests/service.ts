import { randomUUID, timingSafeEqual } from 'node:crypto';
import { and, desc, eq, gt, inArray, isNull, lt, lte, or, sql } from 'drizzle-orm';
import type { ConnectionSpec } from '../datasources/model.js';
import { postgresql } from '../datasources/postgresql.js';
import { specOf } from '../datasources/view.js';
import { validateConnection, validatePassword } from '../datasources/rules.js';
import type { Actor, AuditTrail } from '../audit/trail.js';
import { AppError } from '../errors.js';
import type { Database } from '../lib/db.js';
import { checkPageSize, decodeCursor, isUuid, toPage, type Page } from '../lib/pagination.js';
import { connectionTests, dataSources, type ConnectionTestRow } from '../schema/index.js';
import type { SecretBox } from '../secrets/secret-box.js';
import { endpointsOf, pendingChecks } from './model.js';

/** Either the service's pool or an open transaction. */
type Executor = Pick<Database, 'insert' | 'select' | 'update' | 'execute'>;

/** Puts a test's job on the queue (BullMQ job id = test id, so adding twice is harmless). */
export type EnqueueTest = (testId: string) => Promise<void>;

export type ConnectionTestView = Omit<
  ConnectionTestRow,
  'draft' | 'draftPasswordCiphertext' | 'draftPasswordKeyId'
>;

export function toTestView(row: ConnectionTestRow): ConnectionTestView {
  const { draft: _draft, draftPasswordCiphertext: _ciphertext, draftPasswordKeyId: _keyId, ...view } = row;
  return view;
}

/** The associated data that binds a draft test's password to its row (src/secrets). */
export const draftPasswordBinding = (id: string) => `connection_tests:${id}:password`;

/** The advisory lock that the queuing transaction holds and the worker waits on (runner.ts). */
export const testLockKey = (testId: string) => sql`hashtextextended(${testId}, 7302114)`;

/** A PASSED draft test can stand in for a new test of the same parameters this long (PRODUCT.md §2). */
export const VERIFIED_TEST_MAX_AGE_MS = 10 * 60 * 1000;

/**
 * Enqueues a test inside the transaction that recorded it. The transaction holds the test's advisory
 * lock until it commits, and the worker takes the same lock before reading the test, so a worker
 * never finds the job before its row. If Redis refuses the job, the transaction rolls back: nothing
 * is half-written (SERVICE_UNAVAILABLE). If the commit fails after the job was added, the worker
 * finds no test and drops the job.
 */
async function schedule(tx: Executor, testId: string, enqueue: EnqueueTest): Promise<void> {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(${testLockKey(testId)})`);
  await enqueue(testId);
}

function newTest(spec: ConnectionSpec) {
  return {
    id: randomUUID(),
    status: 'QUEUED' as const,
    checks: pendingChecks(endpointsOf(spec)),
    queuedAt: new Date(),
  };
}

/** Records and enqueues a test of a saved data source, inside the caller's transaction. */
export async function queueTestOfDataSource(
  tx: Executor,
  dataSource: { id: string } & ConnectionSpec,
  enqueue: EnqueueTest,
): Promise<ConnectionTestRow> {
  const [row] = await tx
    .insert(connectionTests)
    .values({ ...newTest(dataSource), dataSourceId: dataSource.id })
    .returning();
  if (!row) throw new Error('insert returned no row');
  await tx
    .update(dataSources)
    .set({ lastTestId: row.id, connectionStatus: 'TESTING' })
    .where(eq(dataSources.id, dataSource.id));
  await schedule(tx, row.id, enqueue);
  return row;
}

const sameSpec = (a: ConnectionSpec, b: ConnectionSpec) =>
  a.type === b.type &&
  a.databaseAttribute === b.databaseAttribute &&
  a.host === b.host &&
  a.port === b.port &&
  (a.standby?.host ?? null) === (b.standby?.host ?? null) &&
  (a.standby?.port ?? null) === (b.standby?.port ?? null) &&
  a.username === b.username &&
  a.databaseName === b.databaseName &&
  a.schemaName === b.schemaName &&
  a.sslMode === b.sslMode &&
  a.heartbeatEnabled === b.heartbeatEnabled;

/**
 * The seed's "Test Connection, then OK": a draft test that PASSED less than 10 minutes ago with
 * exactly these parameters and this password, not yet used by another data source. Locked, so two
 * creates cannot both use it.
 */
export async function findVerifyingTest(
  tx: Executor,
  secrets: SecretBox,
  testId: string,
  spec: ConnectionSpec,
  password: string,
): Promise<ConnectionTestRow | undefined> {
  if (!isUuid(testId)) return undefined;
  const [row] = await tx
    .select()
    .from(connectionTests)
    .where(
      and(
        eq(connectionTests.id, testId),
        isNull(connectionTests.dataSourceId),
        eq(connectionTests.status, 'PASSED'),
        gt(connectionTests.finishedAt, new Date(Date.now() - VERIFIED_TEST_MAX_AGE_MS)),
      ),
    )
    .for('update');
  if (!row?.draft || !row.draftPasswordCiphertext || !row.draftPasswordKeyId) return undefined;
  if (!sameSpec(row.draft as ConnectionSpec, spec)) return undefined;
  let tested: string;
  try {
    tested = secrets.open(
      { ciphertext: row.draftPasswordCiphertext, keyId: row.draftPasswordKeyId },
      draftPasswordBinding(row.id),
    );
  } catch {
    return undefined;
  }
  const a = Buffer.from(tested);
  const b = Buffer.from(password);
  return a.length === b.length && timingSafeEqual(a, b) ? row : undefined;
}

/** Makes a verifying draft test the first test of the data source created from it. */
export async function adoptTest(
  tx: Executor,
  testId: string,
  dataSourceId: string,
): Promise<ConnectionTestRow> {
  const [row] = await tx
    .update(connectionTests)
    // The data source now holds the password; the draft's copy has no further use.
    .set({ dataSourceId, draftPasswordCiphertext: null, draftPasswordKeyId: null })
    .where(eq(connectionTests.id, testId))
    .returning();
  if (!row) throw new Error('the verifying test disappeared');
  return row;
}

/** The test still QUEUED or RUNNING for a data source, if any. */
async function findOpenTest(db: Executor, dataSourceId: string): Promise<ConnectionTestRow | undefined> {
  const [row] = await db
    .select()
    .from(connectionTests)
    .where(
      and(
        eq(connectionTests.dataSourceId, dataSourceId),
        inArray(connectionTests.status, ['QUEUED', 'RUNNING']),
      ),
    )
    .orderBy(desc(connectionTests.queuedAt))
    .limit(1);
  return row;
}

export async function getTest(db: Executor, id: string): Promise<ConnectionTestView | null> {
  if (!isUuid(id)) return null;
  const [row] = await db.select().from(connectionTests).where(eq(connectionTests.id, id));
  return row ? toTestView(row) : null;
}

/** Several tests by id, in one query (the list's `lastTest` fields). */
export async function getTests(
  db: Executor,
  ids: readonly string[],
): Promise<Map<string, ConnectionTestView>> {
  const valid = ids.filter(isUuid);
  if (valid.length === 0) return new Map();
  const rows = await db.select().from(connectionTests).where(inArray(connectionTests.id, valid));
  return new Map(rows.map((row) => [row.id, toTestView(row)]));
}

/**
 * The tests of several data sources, newest first, a page of each: one query for the pages (ranked
 * per data source) and one for the counts, whatever the number of data sources.
 */
export async function listTests(
  db: Executor,
  dataSourceIds: readonly string[],
  first: number,
  after: string | null | undefined,
): Promise<Map<string, Page<ConnectionTestView>>> {
  checkPageSize(first);
  const cursor = after ? decodeCursor(after) : null;
  const ofSources = inArray(connectionTests.dataSourceId, [...dataSourceIds]);
  const ranked = db
    .select({
      id: connectionTests.id,
      rank: sql<number>`row_number() OVER (PARTITION BY ${connectionTests.dataSourceId}
        ORDER BY ${connectionTests.queuedAt} DESC, ${connectionTests.id} DESC)`.as('rank'),
    })
    .from(connectionTests)
    .where(
      cursor
        ? and(
            ofSources,
            or(
              lt(connectionTests.queuedAt, cursor.at),
              and(eq(connectionTests.queuedAt, cursor.at), lt(connectionTests.id, cursor.id)),
            ),
          )
        : ofSources,
    )
    .as('ranked');
  const [rows, counts] = await Promise.all([
    db
      .select({ test: connectionTests })
      .from(connectionTests)
      .innerJoin(ranked, eq(ranked.id, connectionTests.id))
      .where(lte(ranked.rank, first + 1))
      .orderBy(desc(connectionTests.queuedAt), desc(connectionTests.id)),
    db
      .select({ dataSourceId: connectionTests.dataSourceId, n: sql<number>`count(*)::int` })
      .from(connectionTests)
      .where(ofSources)
      .groupBy(connectionTests.dataSourceId),
  ]);
  const totals = new Map(counts.map((row) => [row.dataSourceId, row.n]));
  const bySource = new Map<string, ConnectionTestView[]>(dataSourceIds.map((id) => [id, []]));
  for (const { test } of rows) bySource.get(test.dataSourceId ?? '')?.push(toTestView(test));
  return new Map(
    [...bySource].map(([id, tests]) => [
      id,
      toPage(tests, first, (test) => ({ at: test.queuedAt, id: test.id }), totals.get(id) ?? 0),
    ]),
  );
}

export interface TestRequestDeps {
  db: Database;
  secrets: SecretBox;
  enqueueTest: EnqueueTest;
  audit: AuditTrail;
}

/**
 * `testConnection`: a saved data source (returning the test already QUEUED or RUNNING, if any) or a
 * draft, whose parameters are stored in the test row with the password sealed to that row.
 */
export async function requestTest(
  deps: TestRequestDeps,
  input: { dataSourceId?: string | null; draft?: (Partial<ConnectionSpec> & { password: string }) | null },
  actor: Actor,
): Promise<ConnectionTestView> {
  const given = [input.dataSourceId, input.draft].filter((value) => value != null).length;
  if (given !== 1) {
    const message = 'give exactly one of dataSourceId and draft';
    throw AppError.badInput([
      { field: 'dataSourceId', message },
      { field: 'draft', message },
    ]);
  }

  if (input.draft) {
    const { password, ...fields } = input.draft;
    const spec: ConnectionSpec = {
      type: fields.type ?? 'POSTGRESQL',
      databaseAttribute: fields.databaseAttribute ?? 'PRIMARY',
      host: fields.host ?? '',
      port: fields.port ?? postgresql.defaultPort,
      standby: fields.standby ?? null,
      username: fields.username ?? '',
      databaseName: fields.databaseName ?? '',
      schemaName: fields.schemaName ?? null,
      sslMode: fields.sslMode ?? 'PREFER',
      heartbeatEnabled: fields.heartbeatEnabled ?? false,
    };
    const errors = [...validateConnection(spec), ...validatePassword(password)];
    if (errors.length > 0) throw AppError.badInput(errors.map((e) => ({ ...e, field: `draft.${e.field}` })));
    const test = newTest(spec);
    const sealed = deps.secrets.seal(password, draftPasswordBinding(test.id));
    const audited = { action: 'TEST_CONNECTION', testId: test.id } as const;
    const queued = await deps.db.transaction(async (tx) => {
      const [row] = await tx
        .insert(connectionTests)
        .values({
          ...test,
          dataSourceId: null,
          draft: spec,
          draftPasswordCiphertext: sealed.ciphertext,
          draftPasswordKeyId: sealed.keyId,
        })
        .returning();
      if (!row) throw new Error('insert returned no row');
      await deps.audit.record(tx, actor, audited);
      await schedule(tx, row.id, deps.enqueueTest);
      return toTestView(row);
    });
    deps.audit.announce(actor, audited);
    return queued;
  }

  const dataSourceId = input.dataSourceId ?? '';
  if (!isUuid(dataSourceId)) throw AppError.notFound('Data source');
  const test = await deps.db.transaction(async (tx) => {
    // The row lock serializes concurrent requests for one data source: the first queues a test,
    // the others find it open and return it.
    const [source] = await tx
      .select()
      .from(dataSources)
      .where(eq(dataSources.id, dataSourceId))
      .for('update');
    if (!source) throw AppError.notFound('Data source');
    const open = await findOpenTest(tx, dataSourceId);
    const queued =
      open ?? (await queueTestOfDataSource(tx, { ...specOf(source), id: source.id }, deps.enqueueTest));
    // A request answered with the test already running is recorded too: it is still a request.
    await deps.audit.record(tx, actor, { action: 'TEST_CONNECTION', dataSourceId, testId: queued.id });
    return toTestView(queued);
  });
  deps.audit.announce(actor, { action: 'TEST_CONNECTION', dataSourceId, testId: test.id });
  return test;
}
