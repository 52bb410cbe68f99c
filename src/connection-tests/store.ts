import { randomUUID, timingSafeEqual } from 'node:crypto';
import {
  and,
  desc,
  eq,
  getTableColumns,
  gt,
  inArray,
  isNull,
  lt,
  lte,
  or,
  sql,
  type Placeholder,
} from 'drizzle-orm';
import type { PgUpdateSetSource } from 'drizzle-orm/pg-core';
import type { ConnectionSpec } from '../datasources/model.js';
import { endpointsOf } from '../datasources/model.js';
import { preparedOnce, type Database, type Executor } from '../lib/db.js';
import { checkPageSize, decodeCursor, isUuid, toPage, type Page } from '../lib/pagination.js';
import { connectionTests, dataSources, type ConnectionTestRow, type DataSourceRow } from '../schema/index.js';
import type { Sealed, SecretBox } from '../secrets/secret-box.js';
import {
  draftPasswordBinding,
  pendingChecks,
  toTestView,
  VERIFIED_TEST_MAX_AGE_MS,
  type ConnectionTestView,
} from './model.js';

// The connection_tests table: tests queued, read, paged and ended.

/** The advisory lock that the queuing transaction holds and the worker waits on (loadForRun). */
const testLockKey = (testId: string | Placeholder) => sql`hashtextextended(${testId}, 7302114)`;

/** Puts a test's job on the queue (BullMQ job id = test id, so adding twice is harmless). */
export type EnqueueTest = (testId: string) => Promise<void>;

/**
 * What the queuing transaction writes about the new test besides its row (an audit event), before the
 * job goes out: a worker that takes the job at once then seldom finds the row not yet committed.
 */
export type WithTest = (test: { id: string }) => Promise<void>;

/**
 * Records a test and enqueues it, inside the caller's transaction. The INSERT also takes the test's
 * advisory lock (in its RETURNING, so that it costs no round trip of its own), which the transaction
 * holds until it commits, and the worker waits on the same lock when the row is not visible yet, so a
 * worker never finds the job before its row. If Redis refuses the job, the transaction rolls back:
 * nothing is half-written (SERVICE_UNAVAILABLE). If the commit fails after the job was added, the
 * worker finds no test and drops the job.
 */
async function insertAndSchedule(
  insert: PromiseLike<(ConnectionTestRow & { locked: string })[]>,
  id: string,
  enqueue: EnqueueTest,
  withTest?: WithTest,
): Promise<ConnectionTestRow> {
  // The other writes go out with the INSERT (the pool's pipeline mode), after it.
  const [[inserted]] = await Promise.all([insert, withTest?.({ id })]);
  if (!inserted) throw new Error('insert returned no row');
  const { locked: _locked, ...row } = inserted;
  await enqueue(row.id);
  return row;
}

/** The columns an INSERT returns: the row, and the test's lock taken (see insertAndSchedule). */
const insertedWithLock = (id: string | Placeholder) => ({
  ...getTableColumns(connectionTests),
  locked: sql<string>`pg_advisory_xact_lock(${testLockKey(id)})::text`,
});

const newTest = (spec: ConnectionSpec) => ({
  id: randomUUID(),
  status: 'QUEUED' as const,
  checks: pendingChecks(endpointsOf(spec)),
  queuedAt: new Date(),
});

/** A placeholder bound as given: no column encoder (`checks` comes as JSON, `queuedAt` as a Date). */
const given = (name: string) => sql`${sql.placeholder(name)}`;

/**
 * A saved data source's test row, QUEUED; the same statement makes it the data source's latest test
 * and sets the data source TESTING.
 */
const queueSavedStatement = preparedOnce((db) => {
  const marked = db.$with('marked').as(
    db
      .update(dataSources)
      .set({ lastTestId: given('id'), connectionStatus: 'TESTING' })
      .where(eq(dataSources.id, given('dataSourceId')))
      .returning({ id: dataSources.id }),
  );
  return db
    .with(marked)
    .insert(connectionTests)
    .values({
      id: given('id'),
      dataSourceId: given('dataSourceId'),
      status: 'QUEUED',
      checks: given('checks'),
      queuedAt: given('queuedAt'),
    })
    .returning(insertedWithLock(sql.placeholder('id')))
    .prepare('queue_saved_test');
});

/**
 * Records and enqueues a test of a saved data source, inside the caller's transaction `db`, on which
 * the statement is prepared (once on a connection of lib/db.ts's preparedTransaction, as
 * `testConnection` runs it; once per transaction on a drizzle transaction).
 */
export async function queueSavedTest(
  db: Database,
  dataSource: { id: string } & ConnectionSpec,
  enqueue: EnqueueTest,
  withTest?: WithTest,
): Promise<ConnectionTestRow> {
  const test = newTest(dataSource);
  const values = { ...test, dataSourceId: dataSource.id, checks: JSON.stringify(test.checks) };
  return insertAndSchedule(queueSavedStatement(db).execute(values), test.id, enqueue, withTest);
}

/**
 * Records and enqueues a test of a draft: its parameters live in the row, the password sealed to the
 * row by `seal` (never in Redis).
 */
export async function queueDraftTest(
  tx: Executor,
  spec: ConnectionSpec,
  seal: (testId: string) => Sealed,
  enqueue: EnqueueTest,
  withTest?: WithTest,
): Promise<ConnectionTestRow> {
  const test = newTest(spec);
  const sealed = seal(test.id);
  const insert = tx
    .insert(connectionTests)
    .values({
      ...test,
      dataSourceId: null,
      draft: spec,
      draftPasswordCiphertext: sealed.ciphertext,
      draftPasswordKeyId: sealed.keyId,
    })
    .returning(insertedWithLock(test.id));
  return insertAndSchedule(insert, test.id, enqueue, withTest);
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

/**
 * The test still QUEUED or RUNNING for a data source, if any. Read in a statement of its own after
 * the one that locks the data source's row: a statement that waited for the lock still sees the rows
 * as they were when it began, not the test that the transaction holding the lock committed.
 */
const openTestStatement = preparedOnce((db) =>
  db
    .select()
    .from(connectionTests)
    .where(
      and(
        eq(connectionTests.dataSourceId, sql.placeholder('dataSourceId')),
        inArray(connectionTests.status, ['QUEUED', 'RUNNING']),
      ),
    )
    .orderBy(desc(connectionTests.queuedAt))
    .limit(1)
    .prepare('find_open_test'),
);

/**
 * The data source's test still QUEUED or RUNNING, if any (one at a time, PRODUCT.md §2), as a statement
 * prepared on `connection`, the connection of the transaction it runs in (lib/db.ts).
 */
export async function findOpenTest(
  connection: Database,
  dataSourceId: string,
): Promise<ConnectionTestRow | undefined> {
  if (!isUuid(dataSourceId)) return undefined;
  const [row] = await openTestStatement(connection).execute({ dataSourceId });
  return row;
}

const findStatement = preparedOnce((db) =>
  db
    .select()
    .from(connectionTests)
    .where(sql`${connectionTests.id} = ANY(${sql.placeholder('ids')}::uuid[])`)
    .prepare('find_tests'),
);

/** Several tests by id, in one query (each subscriber's first read of its test). */
export async function findTests(
  db: Database,
  ids: readonly string[],
): Promise<Map<string, ConnectionTestView>> {
  const valid = ids.filter(isUuid);
  if (valid.length === 0) return new Map();
  const rows = await findStatement(db).execute({ ids: valid });
  return new Map(rows.map((row) => [row.id, toTestView(row)]));
}

/**
 * The tests of several data sources, newest first, a page of each: one query for the pages (ranked
 * per data source) and one for the counts, whatever the number of data sources.
 */
export async function listTestPages(
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

const loadStatement = preparedOnce((db) =>
  db
    .select({ test: connectionTests, dataSource: dataSources })
    .from(connectionTests)
    .leftJoin(dataSources, eq(dataSources.id, connectionTests.dataSourceId))
    .where(eq(connectionTests.id, sql.placeholder('id')))
    .prepare('load_test_for_run'),
);

/**
 * Reads a test, and its data source if it has one, once the transaction that queued it has committed.
 * A row that is visible was committed; when it is not yet, the test's lock (held by the queuing
 * transaction until it ends) is waited for, and the row read again: one round trip when the commit
 * came first, three otherwise.
 */
export async function loadForRun(
  db: Database,
  testId: string,
): Promise<{ test: ConnectionTestRow; dataSource: DataSourceRow | null } | undefined> {
  if (!isUuid(testId)) return undefined;
  const read = async () => {
    const [row] = await loadStatement(db).execute({ id: testId });
    return row;
  };
  const found = await read();
  if (found) return found;
  // Granted once the queuing transaction has ended (and released at once: only that moment matters).
  await db.execute(sql`SELECT pg_advisory_xact_lock_shared(${testLockKey(testId)})`);
  return read();
}

/**
 * A failed draft can never verify a create: its sealed password goes in the write that ends the test,
 * so that no reader who has seen FAILED still finds it stored. (Only drafts have one.)
 */
const PURGE_DRAFT_PASSWORD = { draftPasswordCiphertext: null, draftPasswordKeyId: null };

/** What a run changes (the recorder's writes); the other columns are set when the test is queued. */
const RUN_COLUMNS = [
  'status',
  'revision',
  'checks',
  'errorCode',
  'message',
  'server',
  'standbyServer',
  'startedAt',
  'finishedAt',
  'durationMs',
  'attempts',
] as const;

/** The run columns as placeholders. Values are bound as runParams gives them: a column's own encoder would choke on null. */
const runValues = () =>
  Object.fromEntries(RUN_COLUMNS.map((column) => [column, sql`${sql.placeholder(column)}`]));

const saveStatements = preparedOnce((db) => {
  const values = runValues();
  const save = (set: PgUpdateSetSource<typeof connectionTests>, name: string) =>
    db
      .update(connectionTests)
      .set(set)
      .where(eq(connectionTests.id, sql.placeholder('id')))
      .prepare(name);
  return {
    running: save(values, 'save_test'),
    failed: save({ ...values, ...PURGE_DRAFT_PASSWORD }, 'save_failed_test'),
  };
});

const endSavedStatement = preparedOnce((db) => {
  const saved = db.$with('saved').as(
    db
      .update(connectionTests)
      .set(runValues())
      .where(eq(connectionTests.id, sql.placeholder('id')))
      .returning({ id: connectionTests.id }),
  );
  // The WITH's UPDATE runs whether or not the data source's does (PostgreSQL runs it to completion).
  return db
    .with(saved)
    .update(dataSources)
    .set({ connectionStatus: sql`${sql.placeholder('connectionStatus')}` })
    .where(
      and(
        eq(dataSources.id, sql.placeholder('dataSourceId')),
        eq(dataSources.lastTestId, sql.placeholder('id')),
      ),
    )
    .returning()
    .prepare('end_saved_test');
});

const json = (value: unknown) => (value === null ? null : JSON.stringify(value));

/** The values of a test's run columns as the statements above bind them. */
const runParams = (test: ConnectionTestView) => ({
  ...Object.fromEntries(RUN_COLUMNS.map((column) => [column, test[column]])),
  checks: json(test.checks),
  server: json(test.server),
  standbyServer: json(test.standbyServer),
  id: test.id,
});

/** Stores a test as it now stands (the recorder's writes). */
export async function saveTest(db: Database, test: ConnectionTestView): Promise<void> {
  const statements = saveStatements(db);
  await (test.status === 'FAILED' ? statements.failed : statements.running).execute(runParams(test));
}

/**
 * Stores the end of a test of a saved data source and, in the same statement, the data source's status
 * while this test is still its latest (a newer test owns the status then). The data source as updated,
 * or undefined when it was not.
 */
export async function endSavedTest(
  db: Database,
  test: ConnectionTestView & { dataSourceId: string },
): Promise<DataSourceRow | undefined> {
  const [row] = await endSavedStatement(db).execute({
    ...runParams(test),
    dataSourceId: test.dataSourceId,
    connectionStatus: test.status === 'PASSED' ? 'PASSED' : 'FAILED',
  });
  return row;
}

/** Ends a test still QUEUED or RUNNING as FAILED/INTERNAL; undefined when it had already ended. */
export async function failOpenTest(
  db: Executor,
  testId: string,
  message: string,
): Promise<ConnectionTestView | undefined> {
  if (!isUuid(testId)) return undefined;
  const [row] = await db
    .update(connectionTests)
    .set({
      status: 'FAILED',
      errorCode: 'INTERNAL',
      message,
      finishedAt: new Date(),
      revision: sql`${connectionTests.revision} + 1`,
      ...PURGE_DRAFT_PASSWORD,
    })
    .where(and(eq(connectionTests.id, testId), inArray(connectionTests.status, ['QUEUED', 'RUNNING'])))
    .returning();
  return row && toTestView(row);
}

/** Tests QUEUED or RUNNING since before `olderThan` (the reconciler's candidates). */
export async function openTestsQueuedBefore(
  db: Executor,
  olderThan: Date,
  limit: number,
): Promise<{ id: string; queuedAt: Date }[]> {
  return db
    .select({ id: connectionTests.id, queuedAt: connectionTests.queuedAt })
    .from(connectionTests)
    .where(
      and(inArray(connectionTests.status, ['QUEUED', 'RUNNING']), lt(connectionTests.queuedAt, olderThan)),
    )
    .limit(limit);
}
