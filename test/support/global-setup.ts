import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { migrateDatabase } from '../../src/lib/db.js';
import { databaseUrl } from './env.js';
import { ROLES, startTargets, type Targets } from './pg-targets.js';

/** What connection tests leave open on a target: nothing, once the suite is over. */
async function leftoverConnections(targets: Targets): Promise<string[]> {
  const leftovers: string[] = [];
  for (const name of ['scram', 'tls', 'replica', 'standby'] as const) {
    const client = new pg.Client({
      ...targets[name],
      user: 'postgres',
      password: ROLES.postgres.password,
      database: 'postgres',
      ssl: name === 'tls' ? { rejectUnauthorized: false } : false,
    });
    await client.connect();
    const { rows } = await client.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'data-source-service connection test'",
    );
    await client.end();
    if ((rows[0]?.n ?? 0) > 0) leftovers.push(`${name}: ${rows[0]?.n} connection(s)`);
  }
  return leftovers;
}

/**
 * Once per run: a migrated template database that each test file clones (CREATE DATABASE … TEMPLATE,
 * milliseconds, complete isolation), and the throwaway PostgreSQL servers connection tests probe.
 */
export default async function setup(project: TestProject) {
  const template = `dss_template_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: databaseUrl('postgres') });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${template}`);
  await migrateDatabase(databaseUrl(template));
  project.provide('templateDatabase', template);
  const targets = await startTargets();
  project.provide('targets', targets.targets);

  return async () => {
    try {
      const leftovers = await leftoverConnections(targets.targets);
      if (leftovers.length > 0)
        throw new Error(`connection tests left target connections open: ${leftovers.join('; ')}`);
    } finally {
      await targets.stop();
      await admin.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
      await admin.end();
    }
  };
}
