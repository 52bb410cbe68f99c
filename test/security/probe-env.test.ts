import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EgressPolicy } from '../../src/postgresql/egress.js';
import type { CheckName } from '../../src/connection-tests/model.js';
import type { Step } from '../../src/connection-tests/checks/check.js';
import { probeEndpoint, type EndpointParams } from '../../src/connection-tests/checks/endpoint.js';
import { TargetError } from '../../src/postgresql/errors.js';
import type { LoginLimits } from '../../src/postgresql/login.js';
import { openSession } from '../../src/postgresql/session.js';
import { targets } from '../support/connection-tests.js';
import { startFakePostgres, type FakePostgres } from '../support/fake-postgres.js';
import { ROLES, type PgTarget } from '../support/pg-targets.js';

// Issue #9 §4: pg fills every option it is not given (and some it is given as '' or 0) from the
// process's PG* variables (node_modules/pg/lib/connection-parameters.js), and reads ~/.pgpass when
// there is no password. None of the service's own PG* environment may reach a target.
//
// The probe is called directly: through the service, the same variables would also reach the
// service's own metadata-store connections in this process, which is not what is tested here.

const APPLICATION_NAME = 'data-source-service probe-env';
const QUERY_TIMEOUT_MS = 4_000;

let scratch: string;
/** Every PG* variable libpq and pg know, set to values that would show if they leaked. */
let hostile: Record<string, string>;

beforeAll(() => {
  scratch = mkdtempSync(path.join(os.tmpdir(), 'probe-env-'));
  const passfile = path.join(scratch, 'pgpass');
  writeFileSync(passfile, '*:*:*:*:pgpassfile-secret-3c9d\n', { mode: 0o600 });
  hostile = {
    PGHOST: '192.0.2.1',
    PGHOSTADDR: '192.0.2.1',
    PGPORT: '1',
    PGUSER: 'pgenv_user',
    PGDATABASE: 'pgenv_db',
    PGPASSWORD: 'pgenv-secret-8a1b',
    PGPASSFILE: passfile,
    PGOPTIONS: '-c search_path=pgenv_marker',
    PGAPPNAME: 'pgenv-appname',
    PGSSLMODE: 'require',
    PGSSLNEGOTIATION: 'direct',
    PGREQUIRESSL: '1',
    PGSSLCERT: path.join(scratch, 'no-such.crt'),
    PGSSLKEY: path.join(scratch, 'no-such.key'),
    PGSSLROOTCERT: path.join(scratch, 'no-such-root.crt'),
    PGSSLCRL: path.join(scratch, 'no-such.crl'),
    PGCLIENTENCODING: 'LATIN1',
    PGCLIENT_ENCODING: 'LATIN1',
    PGREPLICATION: 'database',
    PGCONNECT_TIMEOUT: '1',
    PGBINARY: 'true',
    PGSERVICE: 'pgenv_service',
    PGSERVICEFILE: path.join(scratch, 'no-such-service-file'),
    PGTARGETSESSIONATTRS: 'read-only',
    PGGSSENCMODE: 'require',
    PGTZ: 'Pacific/Chatham',
    PGDATESTYLE: 'SQL, DMY',
  };
});
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

/** Runs `fn` with `vars` in process.env, and puts the environment back as it was, whatever happens. */
async function withEnv<T>(vars: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const saved = new Map(Object.keys(vars).map((name) => [name, process.env[name]]));
  Object.assign(process.env, vars);
  try {
    return await fn();
  } finally {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

// The targets are on loopback; the egress policy has tests of its own.
const anywhere: EgressPolicy = { allows: () => true };

const params = (target: PgTarget, username = 'app_full'): EndpointParams => ({
  endpoint: { role: 'PRIMARY', ...target },
  username,
  password: ROLES[username]?.password ?? 'no-such-password',
  databaseName: 'appdb',
  schemaName: null,
  sslMode: 'DISABLE',
  heartbeatEnabled: false,
});

/** The same parameters as the heartbeat opens its sessions with. */
const sessionOf = (p: EndpointParams) => ({ ...p, ...p.endpoint });

const limits = (): LoginLimits => ({
  connectTimeoutMs: 3_000,
  queryTimeoutMs: QUERY_TIMEOUT_MS,
  egress: anywhere,
  signal: new AbortController().signal,
  applicationName: APPLICATION_NAME,
});

/** The checks of one endpoint, as the runner would record them (name → status and code). */
async function probe(p: EndpointParams): Promise<Record<string, string>> {
  const seen: Record<string, string> = {};
  const step: Step = async <T>(name: CheckName, run: () => Promise<{ status: string; value: T }>) => {
    try {
      const result = await run();
      seen[name] = `${result.status}${'code' in result ? `:${String(result.code)}` : ''}`;
      return result.value;
    } catch (error) {
      seen[name] = `FAILED:${error instanceof TargetError ? error.code : String(error)}`;
      throw error;
    }
  };
  await probeEndpoint(p, limits(), step).catch(() => undefined);
  return seen;
}

describe('with every PG* variable set in the service’s environment', () => {
  let fake: FakePostgres;
  beforeAll(async () => {
    fake = await startFakePostgres({ auth: 'reject' });
  });
  afterAll(async () => {
    await fake.close();
  });

  /** The startup packet must carry our values and nothing else, and no secret of the environment. */
  function expectOnlyOurStartup(index: number) {
    expect(fake.connections[index]?.startup).toEqual({
      user: 'app_full',
      database: 'appdb',
      application_name: APPLICATION_NAME,
      // Ours, from QUERY_TIMEOUT_MS (README: "also as statement_timeout").
      statement_timeout: String(QUERY_TIMEOUT_MS),
      // pg's serializer always adds this one (pg-protocol serializer.js startup()).
      client_encoding: 'UTF8',
    });
    const seen = fake.everything();
    for (const value of ['pgenv', 'pgpassfile-secret', hostile.PGOPTIONS!, hostile.PGPASSWORD!]) {
      expect(seen.includes(Buffer.from(value))).toBe(false);
    }
  }

  it('a connection test sends the startup packet with only our parameters', async () => {
    const checks = await withEnv(hostile, () => probe(params(fake.target)));
    // The fake answers the startup with 28P01: the probe got as far as the login, and no further.
    expect(checks).toMatchObject({ CONNECT: 'PASSED', TLS: 'SKIPPED', AUTHENTICATE: 'FAILED:AUTH_FAILED' });
    expectOnlyOurStartup(0);
  });

  it('a heartbeat session too', async () => {
    const error = await withEnv(hostile, () => openSession(sessionOf(params(fake.target)), limits())).then(
      () => 'logged in',
      (e: unknown) => e,
    );
    expect((error as TargetError).code).toBe('AUTH_FAILED');
    expectOnlyOurStartup(1);
  });

  it('a real target passes every check, and its session has our settings, not the environment’s', async () => {
    const checks = await withEnv(hostile, () => probe(params(targets().scram)));
    expect(checks).toEqual({
      RESOLVE: 'PASSED',
      CONNECT: 'PASSED',
      TLS: 'SKIPPED',
      AUTHENTICATE: 'PASSED',
      SERVER: 'PASSED',
      SCHEMA: 'PASSED',
      READ_PRIVILEGES: 'PASSED',
      INCREMENTAL: 'PASSED',
      HEARTBEAT: 'SKIPPED',
    });

    const settings = await withEnv(hostile, async () => {
      const client = await openSession(sessionOf(params(targets().scram)), limits());
      try {
        const { rows } = await client.query<Record<string, string>>(
          `SELECT current_user AS user, current_database() AS database,
                  current_setting('application_name') AS application_name,
                  current_setting('search_path') AS search_path,
                  current_setting('client_encoding') AS client_encoding,
                  (SELECT backend_type FROM pg_stat_activity WHERE pid = pg_backend_pid()) AS backend_type,
                  (SELECT count(*)::text FROM pg_stat_replication WHERE pid = pg_backend_pid()) AS replication`,
        );
        return rows[0];
      } finally {
        await client.end();
      }
    });
    expect(settings).toMatchObject({
      user: 'app_full',
      database: 'appdb',
      application_name: APPLICATION_NAME,
      search_path: '"$user", public',
      client_encoding: 'UTF8',
      backend_type: 'client backend',
      replication: '0',
    });
  });
});
