import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { migrateDatabase } from '../../src/lib/db.js';
import { databaseUrl } from './env.js';
import { startTargets } from './pg-targets.js';

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
    await targets.stop();
    await admin.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
    await admin.end();
  };
}
