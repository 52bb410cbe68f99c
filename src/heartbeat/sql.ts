import pg from 'pg';
import type { Query } from '../postgresql/session.js';

// Every statement the heartbeat runs in a data source's own database (PRODUCT.md §3), and the one
// reading of what drc and drc.heartbeat allow that the HEARTBEAT check and the install share.

/** Serializes installs on one database, from any number of workers. */
const INSTALL_LOCK = 7_302_114_003;

/** What exists of drc.heartbeat, and what the session's user may do with it. */
export interface DrcAccess {
  canCreateSchema: boolean;
  schemaExists: boolean;
  canCreateInSchema: boolean;
  canUseSchema: boolean;
  tableExists: boolean;
  canWriteTable: boolean;
}

/**
 * The one catalog query of inspectDrc, which the HEARTBEAT check sends ahead with the other checks'
 * reads (connection-tests/checks/endpoint.ts). Lookups by oid, since to_regclass('drc.heartbeat')
 * raises without USAGE on drc.
 */
export const drcRead = {
  text: `WITH drc AS (SELECT oid FROM pg_namespace WHERE nspname = 'drc'),
          hb AS (SELECT c.oid FROM pg_class c JOIN drc ON c.relnamespace = drc.oid WHERE c.relname = 'heartbeat')
     SELECT has_database_privilege(current_database(), 'CREATE') AS create_schema,
            EXISTS (SELECT 1 FROM drc) AS drc_exists,
            (SELECT has_schema_privilege(oid, 'CREATE') FROM drc) AS create_in_drc,
            (SELECT has_schema_privilege(oid, 'USAGE') FROM drc) AS usage_drc,
            EXISTS (SELECT 1 FROM hb) AS table_exists,
            (SELECT has_table_privilege(oid, 'INSERT') AND has_table_privilege(oid, 'UPDATE') FROM hb) AS can_write`,
};

export async function inspectDrc(query: Query): Promise<DrcAccess> {
  const [row] = await query<{
    create_schema: boolean;
    drc_exists: boolean;
    create_in_drc: boolean | null;
    usage_drc: boolean | null;
    table_exists: boolean;
    can_write: boolean | null;
  }>(drcRead.text);
  return {
    canCreateSchema: row?.create_schema ?? false,
    schemaExists: row?.drc_exists ?? false,
    canCreateInSchema: row?.create_in_drc ?? false,
    canUseSchema: row?.usage_drc ?? false,
    tableExists: row?.table_exists ?? false,
    canWriteTable: row?.can_write ?? false,
  };
}

export type HeartbeatAccess =
  { allowed: true; message: string } | { allowed: false; detail: string; grant: string };

/** Whether `username` can keep drc.heartbeat, and otherwise the GRANT that would let it. */
export function heartbeatAccess(access: DrcAccess, username: string, databaseName: string): HeartbeatAccess {
  const user = pg.escapeIdentifier(username);
  if (access.tableExists) {
    if (access.canUseSchema && access.canWriteTable)
      return { allowed: true, message: `drc.heartbeat exists and ${username} can write it.` };
    return {
      allowed: false,
      detail: 'cannot write drc.heartbeat',
      grant: `GRANT USAGE ON SCHEMA drc TO ${user}; GRANT INSERT, UPDATE ON drc.heartbeat TO ${user};`,
    };
  }
  if (access.schemaExists) {
    if (access.canCreateInSchema && access.canUseSchema)
      return { allowed: true, message: `${username} can create drc.heartbeat.` };
    return {
      allowed: false,
      detail: 'cannot create drc.heartbeat in schema drc',
      grant: `GRANT USAGE, CREATE ON SCHEMA drc TO ${user};`,
    };
  }
  if (access.canCreateSchema)
    return { allowed: true, message: `${username} can create schema drc and table drc.heartbeat.` };
  return {
    allowed: false,
    detail: `cannot create schema drc in database ${databaseName}`,
    grant: `GRANT CREATE ON DATABASE ${pg.escapeIdentifier(databaseName)} TO ${user};`,
  };
}

/**
 * Creates what is missing of schema drc and table drc.heartbeat, under an advisory lock (concurrent
 * installs would race in the catalog). Only what is missing: IF NOT EXISTS still needs CREATE
 * privileges, which a DBA who created drc.heartbeat and granted INSERT, UPDATE on it need not give.
 */
export async function installHeartbeatTable(query: Query): Promise<void> {
  await query('BEGIN');
  try {
    await query('SELECT pg_advisory_xact_lock($1)', [INSTALL_LOCK]);
    const access = await inspectDrc(query);
    if (!access.schemaExists) await query('CREATE SCHEMA IF NOT EXISTS drc');
    if (!access.tableExists) {
      await query(
        'CREATE TABLE IF NOT EXISTS drc.heartbeat (id smallint PRIMARY KEY, ts timestamptz NOT NULL)',
      );
    }
    await query('COMMIT');
  } catch (error) {
    await query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/** One beat: the row's timestamp, as the source's own clock has it. */
export async function writeBeat(query: Query): Promise<Date> {
  const [row] = await query<{ ts: Date }>(
    'INSERT INTO drc.heartbeat (id, ts) VALUES (1, now()) ON CONFLICT (id) DO UPDATE SET ts = EXCLUDED.ts RETURNING ts',
  );
  return row?.ts ?? new Date();
}

/** On the standby: how far the replicated heartbeat is behind the standby's clock. */
export async function readReplicationLag(query: Query): Promise<number | null> {
  const [row] = await query<{ lag: number | null }>(
    'SELECT greatest(extract(epoch FROM now() - ts), 0)::float8 AS lag FROM drc.heartbeat WHERE id = 1',
  );
  return row?.lag ?? null;
}
