import { randomUUID } from 'node:crypto';
import { and, desc, eq, inArray, lt, or, sql } from 'drizzle-orm';
import type { ConnectionSpec } from '../datasources/model.js';
import { postgresql } from '../datasources/postgresql.js';
import { validateConnection, validatePassword } from '../datasources/rules.js';
import { AppError } from '../errors.js';
import type { Database } from '../lib/db.js';
import { checkPageSize, decodeCursor, isUuid, toPage, type Page } from '../lib/pagination.js';
import { connectionTests, dataSources, type ConnectionTestRow } from '../schema/index.js';
import type { SecretBox } from '../secrets/secret-box.js';

/** Either the service's pool or an open transaction. */
type Executor = Pick<Database, 'insert' | 'select' | 'update'>;

export type ConnectionTestView = Omit<
  ConnectionTestRow,
  'draft' | 'draftPasswordCiphertext' | 'draftPasswordKeyId'
>;

export function toTestView(row: ConnectionTestRow): ConnectionTestView {
  const { draft: _draft, draftPasswordCiphertext: _ciphertext, draftPasswordKeyId: _keyId, ...view } = row;
  return view;
}

/**
 * Records a test of a saved data source, inside the caller's transaction so that a data source and
 * its test are written together or not at all.
 * The worker that runs it arrives with the connection-test issue; enqueueing the job is the one call
 * to add here, after the row exists.
 */
export async function queueTestOfDataSource(tx: Executor, dataSourceId: string): Promise<ConnectionTestRow> {
  const [row] = await tx
    .insert(connectionTests)
    .values({ id: randomUUID(), dataSourceId, status: 'QUEUED', checks: [], queuedAt: new Date() })
    .returning();
  if (!row) throw new Error('insert returned no row');
  await tx.update(dataSources).set({ lastTestId: row.id }).where(eq(dataSources.id, dataSourceId));
  return row;
}

/** The test still QUEUED or RUNNING for a data source, if any. */
export async function findOpenTest(
  db: Executor,
  dataSourceId: string,
): Promise<ConnectionTestRow | undefined> {
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

/** A data source's tests, newest first. */
export async function listTests(
  db: Executor,
  dataSourceId: string,
  first: number,
  after: string | null | undefined,
): Promise<Page<ConnectionTestView>> {
  checkPageSize(first);
  const cursor = after ? decodeCursor(after) : null;
  const ofSource = eq(connectionTests.dataSourceId, dataSourceId);
  const rows = await db
    .select()
    .from(connectionTests)
    .where(
      cursor
        ? and(
            ofSource,
            or(
              lt(connectionTests.queuedAt, cursor.at),
              and(eq(connectionTests.queuedAt, cursor.at), lt(connectionTests.id, cursor.id)),
            ),
          )
        : ofSource,
    )
    .orderBy(desc(connectionTests.queuedAt), desc(connectionTests.id))
    .limit(first + 1);
  const [count] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(connectionTests)
    .where(ofSource);
  return toPage(rows.map(toTestView), first, (row) => ({ at: row.queuedAt, id: row.id }), count?.n ?? 0);
}

/** The associated data that binds a draft test's password to its row (src/secrets). */
export const draftPasswordBinding = (id: string) => `connection_tests:${id}:password`;

export interface TestRequestDeps {
  db: Database;
  secrets: SecretBox;
}

/**
 * `testConnection`: a saved data source (returning the test already QUEUED or RUNNING, if any) or a
 * draft, whose parameters are stored in the test row with the password sealed to that row.
 */
export async function requestTest(
  deps: TestRequestDeps,
  input: { dataSourceId?: string | null; draft?: (Partial<ConnectionSpec> & { password: string }) | null },
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
    const { password, ...given } = input.draft;
    const spec: ConnectionSpec = {
      type: given.type ?? 'POSTGRESQL',
      databaseAttribute: given.databaseAttribute ?? 'PRIMARY',
      host: given.host ?? '',
      port: given.port ?? postgresql.defaultPort,
      standby: given.standby ?? null,
      username: given.username ?? '',
      databaseName: given.databaseName ?? '',
      schemaName: given.schemaName ?? null,
      sslMode: given.sslMode ?? 'PREFER',
      heartbeatEnabled: given.heartbeatEnabled ?? false,
    };
    const errors = [...validateConnection(spec), ...validatePassword(password)];
    if (errors.length > 0) throw AppError.badInput(errors.map((e) => ({ ...e, field: `draft.${e.field}` })));
    const id = randomUUID();
    const sealed = deps.secrets.seal(password, draftPasswordBinding(id));
    const [row] = await deps.db
      .insert(connectionTests)
      .values({
        id,
        dataSourceId: null,
        status: 'QUEUED',
        checks: [],
        draft: spec,
        draftPasswordCiphertext: sealed.ciphertext,
        draftPasswordKeyId: sealed.keyId,
        queuedAt: new Date(),
      })
      .returning();
    if (!row) throw new Error('insert returned no row');
    return toTestView(row);
  }

  const dataSourceId = input.dataSourceId ?? '';
  if (!isUuid(dataSourceId)) throw AppError.notFound('Data source');
  return deps.db.transaction(async (tx) => {
    // The row lock serializes concurrent requests for one data source: the first queues a test,
    // the others find it open and return it.
    const [source] = await tx
      .select({ id: dataSources.id })
      .from(dataSources)
      .where(eq(dataSources.id, dataSourceId))
      .for('update');
    if (!source) throw AppError.notFound('Data source');
    const open = await findOpenTest(tx, dataSourceId);
    if (open) return toTestView(open);
    return toTestView(await queueTestOfDataSource(tx, dataSourceId));
  });
}
