// The pieces of the benchmark's reference measures that run in more than one process: the baseline's
// checks done directly with pg, and the floor of the design's queuing transaction and worker
// (PRODUCT.md §2 with the service's libraries and none of its code). bench/run.ts measures the floor
// in its own process; bench/floor-service.ts puts the same pieces behind GraphQL and graphql-ws.
import { randomUUID } from 'node:crypto';
import type { Queue } from 'bullmq';
import pg from 'pg';
import { ROLES, type PgTarget } from '../test/support/pg-targets.js';

/** The baseline: the checks a connection test makes, done directly with pg (connect, queries, end). */

export async function directChecks(
  target: PgTarget,
  options: {
    /** Called before connecting, once connected, and after each query. */
    step?: () => void;
    /** The four catalogue reads sent at once, as the service sends them (pg's pipeline mode). */
    pipelined?: boolean;
  } = {},
): Promise<void> {
  const step = options.step ?? (() => undefined);
  const client = new pg.Client({
    ...target,
    user: 'app_full',
    password: ROLES.app_full.password,
    database: 'appdb',
    pipeline: options.pipelined === true,
  });
  step();
  await client.connect();
  step();
  const inScope = `nspname NOT IN ('pg_catalog', 'information_schema') AND nspname NOT LIKE 'pg\\_%'
    AND has_schema_privilege(n.oid, 'USAGE')`;
  const server = `SELECT current_setting('server_version') AS version, current_setting('server_version_num')::int AS version_num,
    pg_is_in_recovery() AS in_recovery, current_setting('wal_level') AS wal_level`;
  const schemas = `SELECT nspname AS name FROM pg_namespace n WHERE ${inScope} ORDER BY nspname`;
  const readable = (schemasInScope: string) =>
    `SELECT count(*)::int AS total, count(*) FILTER (WHERE has_table_privilege(c.oid, 'SELECT'))::int AS readable
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE ${schemasInScope} AND c.relkind IN ('r','p','v','m','f')`;
  const incremental = `SELECT current_setting('wal_level') AS wal_level,
    (SELECT rolreplication OR rolsuper FROM pg_roles WHERE rolname = current_user) AS can_replicate,
    current_setting('max_replication_slots')::int - (SELECT count(*) FROM pg_replication_slots)::int AS free_slots,
    current_setting('max_wal_senders')::int - (SELECT count(*) FROM pg_stat_get_wal_senders())::int AS free_senders`;
  if (options.pipelined) {
    const answered = (query: Promise<unknown>) => query.then(step);
    await Promise.all(
      [server, schemas, readable(inScope), incremental].map((text) => answered(client.query(text))),
    );
  } else {
    await client.query(server);
    step();
    const found = await client.query<{ name: string }>(schemas);
    step();
    await client.query(readable('n.nspname = ANY($1)'), [found.rows.map((row) => row.name)]);
    step();
    await client.query(incremental);
    step();
  }
  await client.end();
}

/** What every floor test stores and publishes at its end: a real PASSED test's checks and server. */
export interface FloorFixture {
  checks: unknown;
  server: unknown;
  /** Data sources (copies of the service's) that floor tests are queued for. */
  sourceIds: string[];
}

/**
 * Copies of the service's tables (indexes included) for the floor's rows, in the service's metadata
 * database, and the fixture read from the service's own rows (it must have run a test that PASSED).
 */
export async function prepareFloorTables(db: pg.Pool): Promise<FloorFixture> {
  await db.query(`CREATE TABLE floor_tests (LIKE connection_tests INCLUDING ALL);
    CREATE TABLE floor_sources (LIKE data_sources INCLUDING ALL);
    INSERT INTO floor_sources SELECT * FROM data_sources;
    CREATE TABLE floor_audit (LIKE audit_events INCLUDING ALL)`);
  const { rows: passed } = await db.query<{ checks: unknown; server: unknown }>(
    `SELECT checks, server FROM connection_tests WHERE status = 'PASSED' LIMIT 1`,
  );
  const { rows: sources } = await db.query<{ id: string }>('SELECT id FROM floor_sources LIMIT 32');
  return { ...passed[0]!, sourceIds: sources.map((row) => row.id) };
}

export async function dropFloorTables(db: pg.Pool): Promise<void> {
  await db.query('DROP TABLE IF EXISTS floor_tests, floor_sources, floor_audit');
}

/**
 * The queuing transaction, sent as the service sends it (pg's pipeline mode): BEGIN, the data source's
 * row lock and the open-test read; the test row's INSERT, which takes the test's advisory lock and
 * marks the data source TESTING, with its audit row; the job's add to BullMQ; COMMIT.
 */
export async function queueFloorTest(
  db: pg.Pool,
  queue: Queue,
  fixture: FloorFixture,
  sourceId: string,
  id: string,
): Promise<void> {
  const tx = await db.connect();
  try {
    await Promise.all([
      tx.query('BEGIN'),
      tx.query('SELECT * FROM floor_sources WHERE id = $1 FOR UPDATE', [sourceId]),
      tx.query(`SELECT * FROM floor_tests WHERE data_source_id = $1 AND status IN ('QUEUED', 'RUNNING')`, [
        sourceId,
      ]),
    ]);
    await Promise.all([
      tx.query(
        `WITH test AS (INSERT INTO floor_tests (id, data_source_id, status, revision, checks, queued_at)
           VALUES ($1, $2, 'QUEUED', 0, $3, now())
           RETURNING id, pg_advisory_xact_lock(hashtextextended($4, 7302114))::text)
         UPDATE floor_sources SET connection_status = 'TESTING', last_test_id = (SELECT id FROM test) WHERE id = $2`,
        [id, sourceId, JSON.stringify(fixture.checks), id],
      ),
      tx.query(
        `INSERT INTO floor_audit (id, at, actor, action, data_source_id, test_id, changed_fields, request_id, client_address)
         VALUES ($1, now(), 'token:admin', 'TEST_CONNECTION', $2, $3, '{}', $4, '127.0.0.1')`,
        [randomUUID(), sourceId, id, randomUUID()],
      ),
    ]);
    await queue.add(
      'connection-test',
      { testId: id },
      { jobId: id, removeOnComplete: { age: 3600, count: 1000 } },
    );
    await tx.query('COMMIT');
  } finally {
    tx.release();
  }
}

/**
 * A floor test's job: the row read, waiting on the test's lock when the row is not committed yet;
 * the RUNNING write, not waited for; the baseline's checks with the four catalogue reads sent at once,
 * the start and the 18 check transitions published as they happen (three at each of the six steps);
 * the final write with the data source's status; its publication. `mark` sees each step's moment.
 */
export async function runFloorTest(
  db: pg.Pool,
  target: PgTarget,
  fixture: FloorFixture,
  id: string,
  publish: (status: 'RUNNING' | 'PASSED') => void,
  mark: (step: 'checking' | 'checked' | 'written') => void = () => undefined,
): Promise<void> {
  const read = () => db.query('SELECT * FROM floor_tests WHERE id = $1', [id]);
  if ((await read()).rows.length === 0) {
    await db.query('SELECT pg_advisory_xact_lock_shared(hashtextextended($1, 7302114))', [id]);
    await read();
  }
  const running = db.query(
    `UPDATE floor_tests SET status = 'RUNNING', revision = 1, started_at = now() WHERE id = $1`,
    [id],
  );
  publish('RUNNING');
  mark('checking');
  await directChecks(target, {
    pipelined: true,
    step: () => {
      for (let i = 0; i < 3; i += 1) publish('RUNNING');
    },
  });
  mark('checked');
  await running;
  await db.query(
    `WITH ended AS (UPDATE floor_tests SET status = 'PASSED', revision = 20, checks = $2, server = $3,
       finished_at = now() WHERE id = $1 RETURNING data_source_id)
     UPDATE floor_sources SET connection_status = 'PASSED'
      WHERE id = (SELECT data_source_id FROM ended) AND last_test_id = $1`,
    [id, JSON.stringify(fixture.checks), JSON.stringify(fixture.server)],
  );
  mark('written');
  publish('PASSED');
}
