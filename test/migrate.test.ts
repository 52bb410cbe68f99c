import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, expect, it } from 'vitest';
import { ensureDatabase, migrateDatabase } from '../src/lib/db.js';
import { all, count } from './support/db.js';
import { databaseUrl } from './support/env.js';

const name = `dss_migrate_${randomBytes(4).toString('hex')}`;
afterAll(async () => {
  const admin = new pg.Client({ connectionString: databaseUrl('postgres') });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
});

it('creates the database once and migrates it safely from several processes at once', async () => {
  const url = databaseUrl(name);
  await Promise.all([ensureDatabase(url), ensureDatabase(url)]);
  await Promise.all([migrateDatabase(url), migrateDatabase(url), migrateDatabase(url)]);

  const pool = new pg.Pool({ connectionString: url, max: 1 });
  try {
    const tables = await all<{ table_name: string }>(
      pool,
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
    );
    expect(tables.map((row) => row.table_name)).toEqual([
      'audit_events',
      'connection_tests',
      'data_sources',
      'event_payloads',
      'rate_limits',
      'target_slots',
    ]);
    const journal = (await import('../drizzle/meta/_journal.json', { with: { type: 'json' } })).default;
    expect(await count(pool, 'drizzle.__drizzle_migrations')).toBe(journal.entries.length);
  } finally {
    await pool.end();
  }
});
