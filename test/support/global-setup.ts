import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { migrateDatabase } from '../../src/lib/db.js';
import { startEmbeddedPostgres } from '../../src/lib/embedded-postgres.js';
import { migrateQueueSchema } from '../../src/lib/queues.js';
import { startTargets } from './pg-targets.js';

/**
 * Once per run, for every integration project: the PostgreSQL server of the metadata databases (the
 * machine's, or an embedded one when none answers), a migrated template database that each test file
 * clones (CREATE DATABASE … TEMPLATE, milliseconds, complete isolation), and the throwaway PostgreSQL
 * servers connection tests probe. It is the root config's global setup, so both transports share it.
 */
export default async function setup(project: TestProject) {
  // `npm run test:unit` needs none of this.
  if (!project.vitest.projects.some((p) => p.name.startsWith('integration-'))) return;

  const teardown: (() => Promise<unknown>)[] = [];
  const tearDown = async () => {
    for (const step of teardown.splice(0).reverse()) await step();
  };
  try {
    const server = await metadataServer();
    teardown.push(server.stop);
    project.provide('pgUrl', server.url);

    const template = `dss_template_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: `${server.url}/postgres` });
    await admin.connect();
    teardown.push(() => admin.end());
    await admin.query(`CREATE DATABASE ${template}`);
    teardown.push(() => admin.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`));
    // The service's tables, and BullMQ's schema, so that a clone is ready for either transport.
    await migrateDatabase(`${server.url}/${template}`);
    await migrateQueueSchema(`${server.url}/${template}`);
    project.provide('templateDatabase', template);

    const targets = await startTargets();
    teardown.push(targets.stop);
    project.provide('targets', targets.targets);
  } catch (error) {
    await tearDown().catch(() => undefined);
    throw error;
  }
  return tearDown;
}

const DEFAULT_PG_URL = 'postgres://postgres@127.0.0.1:5432';

/**
 * TEST_PG_URL, else the machine's PostgreSQL (trust auth on loopback), else an embedded PostgreSQL
 * in a fresh temporary directory, stopped at teardown. TEST_PG_URL=embedded asks for the latter.
 */
async function metadataServer(): Promise<{ url: string; stop: () => Promise<void> }> {
  const configured = process.env.TEST_PG_URL;
  if (configured !== 'embedded') {
    const url = (configured ?? DEFAULT_PG_URL).replace(/\/+$/, '');
    if (await answers(url)) return { url, stop: () => Promise.resolve() };
    if (configured) throw new Error(`TEST_PG_URL=${configured}: no PostgreSQL answers there`);
    console.log(
      `No PostgreSQL at ${new URL(url).host}: the tests' metadata databases go to an embedded one.`,
    );
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), 'dss-test-pg-'));
  // As root the server runs as the user postgres, who must reach its data directory.
  await chmod(dir, 0o755);
  const embedded = await startEmbeddedPostgres(path.join(dir, 'data'), (notice) => console.log(notice));
  // Should the run die without its teardown, no postmaster is left behind.
  const onExit = () => embedded.stopSync();
  process.once('exit', onExit);
  const url = embedded.url.replace(/\/data_sources$/, '');
  // A throwaway cluster: durability is worth nothing here, and every CREATE DATABASE would wait on it.
  const admin = new pg.Client({ connectionString: `${url}/postgres` });
  await admin.connect();
  try {
    await admin.query(`ALTER SYSTEM SET fsync = off`);
    await admin.query(`ALTER SYSTEM SET synchronous_commit = off`);
    await admin.query(`ALTER SYSTEM SET full_page_writes = off`);
    await admin.query('SELECT pg_reload_conf()');
  } finally {
    await admin.end();
  }
  return {
    url,
    stop: async () => {
      await embedded.stop();
      process.off('exit', onExit);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Whether a PostgreSQL server answers at `url`; false when nothing listens (or nothing routes) there. */
async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: `${url}/postgres`, connectionTimeoutMillis: 3_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.end();
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const unreachable = ['ECONNREFUSED', 'ENOENT', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL'];
    if ((code && unreachable.includes(code)) || /timeout/i.test((error as Error).message)) return false;
    throw new Error(`PostgreSQL at ${new URL(url).host} refused the tests: ${(error as Error).message}`, {
      cause: error,
    });
  }
}
