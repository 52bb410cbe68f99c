import { randomBytes } from 'node:crypto';
import { LATEST_SCHEMA_VERSION } from 'bullmq';
import pg from 'pg';
import { afterAll, expect, it } from 'vitest';
import { ensureDatabase, migrateDatabase } from '../src/lib/db.js';
import { migrateQueueSchema } from '../src/lib/queues.js';
import { all, count } from './support/db.js';
import { databaseUrl } from './support/env.js';

const name = `dss_migrate_${randomBytes(4).toString('hex')}`;
afterAll(async () => {
  const admin = new pg.Client({ connectionString: databaseUrl('postgres') });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
});

/**
 * A pool of one session. pool.end() returns before the server has seen the session end, so the DROP
 * … WITH (FORCE) of afterAll can still terminate it (57P01): that error goes to the session's own
 * listener instead of nowhere, where it failed the run.
 */
function poolOf(url: string): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}

it('creates the database once and migrates it safely from several processes at once', async () => {
  const url = databaseUrl(name);
  await Promise.all([ensureDatabase(url), ensureDatabase(url)]);
  await Promise.all([migrateDatabase(url), migrateDatabase(url), migrateDatabase(url)]);

  const pool = poolOf(url);
  try {
    const tables = await all<{ table_name: string }>(
      pool,
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
    );
    expect(tables.map((row) => row.table_name)).toEqual([
      'audit_events',
      'connection_tests',
      'data_sources',
      'deployment',
      'event_payloads',
      'rate_limits',
      'session_revocations',
      'target_slots',
    ]);
    const journal = (await import('../drizzle/meta/_journal.json', { with: { type: 'json' } })).default;
    expect(await count(pool, 'drizzle.__drizzle_migrations')).toBe(journal.entries.length);
  } finally {
    await pool.end();
  }
});

it("creates BullMQ's schema (the queues without Redis) once, safely from several processes at once", async () => {
  const url = databaseUrl(name);
  await ensureDatabase(url);
  await Promise.all([migrateQueueSchema(url), migrateQueueSchema(url), migrateQueueSchema(url)]);

  const pool = poolOf(url);
  try {
    const tables = await all<{ table_name: string }>(
      pool,
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'bullmq' ORDER BY table_name",
    );
    expect(tables.map((row) => row.table_name)).toEqual(
      expect.arrayContaining(['event', 'job', 'scheduler']),
    );
    // Every migration BullMQ ships, each applied once.
    const applied = await all<{ version: number }>(
      pool,
      'SELECT version FROM bullmq.migration ORDER BY version',
    );
    expect(applied.map((row) => row.version)).toEqual(
      Array.from({ length: LATEST_SCHEMA_VERSION }, (_, i) => i + 1),
    );
  } finally {
    await pool.end();
  }
});
