import { and, desc, eq, ilike, lt, or, sql, type Placeholder, type SQL } from 'drizzle-orm';
import { preparedOnce, type Database, type Executor } from '../lib/db.js';
import { checkPageSize, decodeCursor, isUuid, toPage, type Page } from '../lib/pagination.js';
import { dataSources, type DataSourceRow } from '../schema/index.js';
import {
  HEARTBEAT_TABLE,
  type ConnectionStatus,
  type DatabaseAttribute,
  type DataSourceSpec,
  type DataSourceView,
  type HeartbeatState,
} from './model.js';

// The data_sources table: rows to specs and views and back, and the queries on it.

/** The associated data that binds a data source's password to its row (src/secrets). */
export const passwordBinding = (id: string) => `data_sources:${id}:password`;

/** A row's parameters, as validated and as tested. */
export function specOf(row: DataSourceRow): DataSourceSpec {
  return {
    identifier: row.identifier,
    type: row.type,
    region: row.region,
    databaseAttribute: row.databaseAttribute,
    host: row.host,
    port: row.port,
    standby:
      row.standbyHost !== null && row.standbyPort !== null
        ? { host: row.standbyHost, port: row.standbyPort }
        : null,
    username: row.username,
    databaseName: row.databaseName,
    schemaName: row.schemaName,
    remarks: row.remarks,
    sslMode: row.sslMode,
    heartbeatEnabled: row.heartbeatEnabled,
  };
}

/** A spec as the columns of data_sources (the inverse of specOf). */
export function columnsOf(spec: DataSourceSpec) {
  return {
    identifier: spec.identifier,
    type: spec.type,
    region: spec.region,
    databaseAttribute: spec.databaseAttribute,
    host: spec.host,
    port: spec.port,
    standbyHost: spec.standby?.host ?? null,
    standbyPort: spec.standby?.port ?? null,
    username: spec.username,
    databaseName: spec.databaseName,
    schemaName: spec.schemaName,
    remarks: spec.remarks,
    sslMode: spec.sslMode,
    heartbeatEnabled: spec.heartbeatEnabled,
  };
}

/** The public face of a row: everything but the password's ciphertext. */
export function toView(row: DataSourceRow, heartbeatIntervalSeconds: number): DataSourceView {
  return {
    ...specOf(row),
    id: row.id,
    hasPassword: row.passwordCiphertext.length > 0,
    heartbeat: {
      enabled: row.heartbeatEnabled,
      state: row.heartbeatState,
      table: HEARTBEAT_TABLE,
      intervalSeconds: heartbeatIntervalSeconds,
      lastBeatAt: row.heartbeatLastBeatAt,
      lastError: row.heartbeatLastError,
      replicationLagSeconds: row.heartbeatReplicationLagSeconds,
    },
    connectionStatus: row.connectionStatus,
    lastTestId: row.lastTestId,
    version: row.version,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export interface DataSourceFilter {
  search?: string | null;
  region?: string | null;
  databaseAttribute?: DatabaseAttribute | null;
  connectionStatus?: ConnectionStatus | null;
  heartbeatState?: HeartbeatState | null;
}

/** The heartbeat's own columns, which the heartbeat writes without a new version. */
export type HeartbeatColumns = Partial<
  Pick<
    DataSourceRow,
    'heartbeatState' | 'heartbeatLastBeatAt' | 'heartbeatLastError' | 'heartbeatReplicationLagSeconds'
  >
>;

/** Row locks: `update` for a change of the data source, `beat` for a heartbeat's write (no key change). */
export type RowLock = 'update' | 'beat';

const rowQuery = (db: Executor, id: string | Placeholder) =>
  db.select().from(dataSources).where(eq(dataSources.id, id));

export async function findRow(db: Executor, id: string, lock?: RowLock): Promise<DataSourceRow | undefined> {
  if (!isUuid(id)) return undefined;
  const query = rowQuery(db, id);
  const [row] = await (lock === 'update'
    ? query.for('update')
    : lock === 'beat'
      ? query.for('no key update')
      : query);
  return row;
}

const lockedRowStatement = preparedOnce((db) =>
  rowQuery(db, sql.placeholder('id')).for('update').prepare('lock_data_source'),
);

/**
 * findRow(…, 'update') as a statement prepared on `connection`, the connection of the transaction it
 * runs in (lib/db.ts, preparedTransaction): the row lock of a connection test's queuing transaction.
 */
export async function lockRow(connection: Database, id: string): Promise<DataSourceRow | undefined> {
  if (!isUuid(id)) return undefined;
  const [row] = await lockedRowStatement(connection).execute({ id });
  return row;
}

export async function findRowByIdentifier(
  db: Executor,
  identifier: string,
): Promise<DataSourceRow | undefined> {
  const [row] = await db
    .select()
    .from(dataSources)
    .where(sql`lower(${dataSources.identifier}) = lower(${identifier})`);
  return row;
}

/** Newest first; `after` is a cursor this list issued. */
export async function listRows(
  db: Database,
  filter: DataSourceFilter,
  first: number,
  after?: string | null,
): Promise<Page<DataSourceRow>> {
  checkPageSize(first);
  const cursor = after ? decodeCursor(after) : null;
  const conditions: (SQL | undefined)[] = [];
  if (filter.search) {
    // The user's text is a literal substring, not a LIKE pattern.
    const pattern = `%${filter.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    conditions.push(
      or(
        ilike(dataSources.identifier, pattern),
        ilike(dataSources.host, pattern),
        ilike(dataSources.databaseName, pattern),
        ilike(dataSources.remarks, pattern),
      ),
    );
  }
  if (filter.region) conditions.push(eq(dataSources.region, filter.region));
  if (filter.databaseAttribute) conditions.push(eq(dataSources.databaseAttribute, filter.databaseAttribute));
  if (filter.connectionStatus) conditions.push(eq(dataSources.connectionStatus, filter.connectionStatus));
  if (filter.heartbeatState) conditions.push(eq(dataSources.heartbeatState, filter.heartbeatState));
  const filtered = and(...conditions);
  const afterCursor = cursor
    ? or(
        lt(dataSources.createdAt, cursor.at),
        and(eq(dataSources.createdAt, cursor.at), lt(dataSources.id, cursor.id)),
      )
    : undefined;
  const [rows, [count]] = await Promise.all([
    db
      .select()
      .from(dataSources)
      .where(and(filtered, afterCursor))
      .orderBy(desc(dataSources.createdAt), desc(dataSources.id))
      .limit(first + 1),
    db
      .select({ n: sql<number>`count(*)::int` })
      .from(dataSources)
      .where(filtered),
  ]);
  return toPage(rows, first, (row) => ({ at: row.createdAt, id: row.id }), count?.n ?? 0);
}

/**
 * The status a test of the data source reached, recorded only while that test is still its latest
 * (a newer test owns the status then). The updated row, or undefined when it was not. (A test that
 * runs to its end records it in its final write instead: connection-tests/store.ts, endSavedTest.)
 */
export async function recordTestStatus(
  db: Executor,
  id: string,
  testId: string,
  status: ConnectionStatus,
): Promise<DataSourceRow | undefined> {
  const [row] = await db
    .update(dataSources)
    .set({ connectionStatus: status })
    .where(and(eq(dataSources.id, id), eq(dataSources.lastTestId, testId)))
    .returning();
  return row;
}

export async function updateHeartbeatColumns(
  db: Executor,
  id: string,
  changes: HeartbeatColumns,
): Promise<DataSourceRow | undefined> {
  const [row] = await db.update(dataSources).set(changes).where(eq(dataSources.id, id)).returning();
  return row;
}
