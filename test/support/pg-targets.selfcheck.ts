/**
 * Smoke test for pg-targets: `npx tsx test/support/pg-targets.selfcheck.ts`.
 * Starts the targets, checks each one behaves as advertised, stops them and prints OK.
 */
import pg from 'pg';
import { ROLES, startTargets, type PgTarget } from './pg-targets.js';

interface Login {
  user: string;
  password?: string;
  database?: string;
  ssl?: pg.ClientConfig['ssl'];
}

function config(target: PgTarget, login: Login): pg.ClientConfig {
  return {
    host: target.host,
    port: target.port,
    user: login.user,
    password: login.password ?? ROLES[login.user]?.password,
    database: login.database ?? 'appdb',
    ssl: login.ssl ?? false,
    connectionTimeoutMillis: 5_000,
  };
}

async function query<T extends Record<string, unknown>>(
  target: PgTarget,
  login: Login,
  sql: string,
): Promise<T> {
  const client = new pg.Client(config(target, login));
  client.on('error', () => undefined);
  await client.connect();
  try {
    const row = (await client.query<T>(sql)).rows[0];
    if (!row) throw new Error(`no row for ${sql}`);
    return row;
  } finally {
    await client.end();
  }
}

/** The SQLSTATE a login fails with (throws if it succeeds). */
async function loginError(target: PgTarget, login: Login): Promise<string | undefined> {
  const client = new pg.Client(config(target, login));
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  await client.end();
  throw new Error(`login as ${login.user} to ${target.port} unexpectedly succeeded`);
}

function expectEqual(label: string, actual: unknown, expected: unknown): void {
  if (actual !== expected) throw new Error(`${label}: expected ${String(expected)}, got ${String(actual)}`);
  console.log(`ok   ${label} = ${String(actual)}`);
}

const begin = Date.now();
const { targets, stop } = await startTargets();
console.log(`started in ${Date.now() - begin} ms`);
console.log(targets);

try {
  const appFull = { user: 'app_full' };

  const me = await query<{ who: string }>(targets.scram, appFull, 'SELECT current_user AS who');
  expectEqual('scram: app_full logs in to appdb', me.who, 'app_full');

  const standby = await query<{ recovery: boolean }>(
    targets.standby,
    appFull,
    'SELECT pg_is_in_recovery() AS recovery',
  );
  expectEqual('standby: app_full logs in, pg_is_in_recovery()', standby.recovery, true);

  const scramWal = await query<{ wal_level: string }>(targets.scram, appFull, 'SHOW wal_level');
  expectEqual('scram: wal_level', scramWal.wal_level, 'logical');
  const replicaWal = await query<{ wal_level: string }>(targets.replica, appFull, 'SHOW wal_level');
  expectEqual('replica: wal_level', replicaWal.wal_level, 'replica');

  expectEqual('tls: plain login fails', await loginError(targets.tls, { ...appFull, ssl: false }), '28000');
  const tlsRow = await query<{ ssl: boolean }>(
    targets.tls,
    { ...appFull, ssl: { rejectUnauthorized: false } },
    'SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()',
  );
  expectEqual('tls: ssl login succeeds, pg_stat_ssl.ssl', tlsRow.ssl, true);

  expectEqual(
    'scram: app_limited login fails',
    await loginError(targets.scram, { user: 'app_limited' }),
    '53300',
  );
  expectEqual(
    'scram: hba_rejected login fails',
    await loginError(targets.scram, { user: 'hba_rejected' }),
    '28000',
  );
  expectEqual(
    'scram: wrong password fails',
    await loginError(targets.scram, { user: 'app_full', password: 'wrong' }),
    '28P01',
  );
} catch (error) {
  await stop();
  throw error;
}

const stopBegin = Date.now();
await stop();
console.log(`stopped in ${Date.now() - stopBegin} ms`);
console.log('OK');
