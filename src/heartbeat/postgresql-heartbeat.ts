import type pg from 'pg';
import { queryWithin } from '../connection-tests/postgresql-probe.js';

// The heartbeat's SQL in the data source's own database (PRODUCT.md §3).

/** Serializes installs on one database, from any number of workers. */
const INSTALL_LOCK = 7_302_114_003;

/** CREATE SCHEMA / TABLE IF NOT EXISTS, under an advisory lock: concurrent installs would otherwise race in the catalog. */
export async function installHeartbeatTable(client: pg.Client, queryTimeoutMs: number): Promise<void> {
  const query = queryWithin(client, queryTimeoutMs);
  await query('BEGIN');
  try {
    await query('SELECT pg_advisory_xact_lock($1)', [INSTALL_LOCK]);
    // Only what is missing: IF NOT EXISTS still needs CREATE privileges, which a DBA who created
    // drc.heartbeat and granted INSERT, UPDATE on it need not have given.
    const [found] = await query<{ drc: boolean; table: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'drc') AS drc,
              EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                       WHERE n.nspname = 'drc' AND c.relname = 'heartbeat') AS table`,
    );
    if (!found?.drc) await query('CREATE SCHEMA IF NOT EXISTS drc');
    if (!found?.table) {
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
export async function writeBeat(client: pg.Client, queryTimeoutMs: number): Promise<Date> {
  const [row] = await queryWithin(
    client,
    queryTimeoutMs,
  )<{ ts: Date }>(
    'INSERT INTO drc.heartbeat (id, ts) VALUES (1, now()) ON CONFLICT (id) DO UPDATE SET ts = EXCLUDED.ts RETURNING ts',
  );
  return row?.ts ?? new Date();
}

/** On the standby: how far the replicated heartbeat is behind the standby's clock. */
export async function readReplicationLag(client: pg.Client, queryTimeoutMs: number): Promise<number | null> {
  const [row] = await queryWithin(
    client,
    queryTimeoutMs,
  )<{ lag: number | null }>(
    'SELECT greatest(extract(epoch FROM now() - ts), 0)::float8 AS lag FROM drc.heartbeat WHERE id = 1',
  );
  return row?.lag ?? null;
}

/** The GRANT that would let `username` install the heartbeat, given what exists now. */
export async function missingGrant(
  client: pg.Client,
  queryTimeoutMs: number,
  username: string,
  databaseName: string,
) {
  const quote = (identifier: string) => `"${identifier.replace(/"/g, '""')}"`;
  const [row] = await queryWithin(
    client,
    queryTimeoutMs,
  )<{ drc: boolean; table: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'drc') AS drc,
            EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                     WHERE n.nspname = 'drc' AND c.relname = 'heartbeat') AS table`,
  );
  const user = quote(username);
  if (row?.table)
    return `GRANT USAGE ON SCHEMA drc TO ${user}; GRANT INSERT, UPDATE ON drc.heartbeat TO ${user};`;
  if (row?.drc) return `GRANT USAGE, CREATE ON SCHEMA drc TO ${user};`;
  return `GRANT CREATE ON DATABASE ${quote(databaseName)} TO ${user};`;
}
