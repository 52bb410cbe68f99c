import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import * as schema from '../schema/index.js';

export type Database = NodePgDatabase<typeof schema>;
/** The pool or an open transaction: what a query needs. */
export type Executor = Pick<
  Database,
  'select' | 'insert' | 'update' | 'delete' | 'execute' | '$with' | 'with'
>;

/**
 * A statement built once per database handle and sent as a named prepared statement, which each
 * connection parses once: for the statements every connection test runs several times.
 */
export function preparedOnce<T>(build: (db: Database) => T): (db: Database) => T {
  const built = new WeakMap<Database, T>();
  return (db) => {
    let statement = built.get(db);
    if (statement === undefined) {
      statement = build(db);
      built.set(db, statement);
    }
    return statement;
  };
}

export interface MetadataStore {
  db: Database;
  pool: pg.Pool;
  /**
   * Runs `fn` in a transaction on one pooled connection, with a drizzle handle bound to that
   * connection: what `fn` runs on it is in the transaction, and statements `preparedOnce` on it are
   * built once per connection rather than at every use. For the transaction that every connection
   * test runs (issue 12: drizzle built its four statements anew each time).
   */
  preparedTransaction<T>(fn: (connection: Database) => Promise<T>): Promise<T>;
  /** Queries sent through `db` since the store opened (a metric: what a request costs the store). */
  readonly queries: number;
  close(): Promise<void>;
}

const MIGRATIONS_FOLDER = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../drizzle');
// Any constant works; it only has to be the same in every process of this service.
const MIGRATION_LOCK_KEY = 7_302_114_001;

export function openMetadataStore(databaseUrl: string, options: { max?: number } = {}): MetadataStore {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: options.max ?? 10,
    // A request must fail fast when the metadata store is down (SERVICE_UNAVAILABLE), not hang.
    connectionTimeoutMillis: 3_000,
    application_name: 'data-source-service',
    // Statements a transaction sends together go out at once (the server still runs them in order):
    // one round trip where a test's queuing needs no answer in between.
    pipeline: true,
  });
  pool.on('error', () => {
    // An idle client lost its connection; the pool replaces it on next use. Nothing to do here.
  });
  let queries = 0;
  const logger = { logQuery: () => void (queries += 1) };
  const db = drizzle(pool, { schema, logger });
  const bound = new WeakMap<pg.PoolClient, Database>();
  return {
    db,
    pool,
    async preparedTransaction(fn) {
      const client = await pool.connect();
      try {
        const connection = bound.get(client) ?? drizzle(client, { schema, logger });
        bound.set(client, connection);
        return await connection.transaction(() => fn(connection));
      } finally {
        client.release();
      }
    },
    get queries() {
      return queries;
    },
    close: () => pool.end(),
  };
}

/** Creates the metadata database when it is missing (PRODUCT.md §4). */
export async function ensureDatabase(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  if (!name) throw new Error('DATABASE_URL names no database');
  url.pathname = '/postgres';
  const client = new pg.Client({ connectionString: url.toString(), connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) {
      await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`).catch((error: unknown) => {
        // Another process created it between our check and our CREATE: 42P04 when it had finished,
        // 23505 (on pg_database's unique index) when both CREATEs ran at the same moment.
        const code = (error as { code?: string }).code;
        if (code !== '42P04' && code !== '23505') throw error;
      });
    }
  } finally {
    await client.end();
  }
}

/**
 * Applies pending migrations from drizzle/. Start-up and the tests both call this. The advisory lock
 * serializes processes that start together; the loser waits, then finds nothing left to apply.
 */
export async function migrateDatabase(databaseUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    // drizzle's migrator logs notices such as "schema already exists"; they are not problems.
    client.on('notice', () => {});
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    await migrate(drizzle(client), { migrationsFolder: MIGRATIONS_FOLDER });
  } finally {
    await client.end(); // ending the session releases the lock
  }
}
