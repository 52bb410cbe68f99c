import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { migrateDatabase } from '../../src/lib/db.js';
import { databaseUrl } from './env.js';

/**
 * Migrates one template database per run; each test file clones it (CREATE DATABASE … TEMPLATE),
 * which takes milliseconds and isolates files from each other completely.
 */
export default async function setup(project: TestProject) {
  const template = `dss_template_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: databaseUrl('postgres') });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${template}`);
  await migrateDatabase(databaseUrl(template));
  project.provide('templateDatabase', template);

  return async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
    await admin.end();
  };
}
