import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  check,
  draftFor,
  onTarget,
  runDraft,
  sessionsOnTargets,
  targets,
  type TestData,
} from '../support/connection-tests.js';
import { CANARY_PASSWORD } from '../support/env.js';
import { startHarness, type Harness } from '../support/harness.js';
import { ROLES, startServerOf } from '../support/pg-targets.js';
import { embeddedBinaries } from '../../src/lib/embedded-postgres.js';
import pg from 'pg';

// Every ConnectionErrorCode a local server can produce, produced for real by the throwaway servers of
// test/support/pg-targets.ts, and asserted with its check and its hint.

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    role: 'all',
    env: { CONNECT_TIMEOUT_MS: '1500', QUERY_TIMEOUT_MS: '3000', TEST_TIMEOUT_MS: '10000' },
  });
});
afterAll(async () => {
  await h.stop();
});

/** The one FAILED check of a test, after which every check of the endpoint is SKIPPED. */
function failedAt(test: TestData, name: string, code: string) {
  expect(test.status).toBe('FAILED');
  expect(test.errorCode).toBe(code);
  const failed = check(test, name);
  expect(failed).toMatchObject({ status: 'FAILED', code });
  expect(failed.message).toBeTruthy();
  expect(failed.hint).toBeTruthy();
  const checks = test.checks.filter((c) => c.endpoint === 'PRIMARY');
  const index = checks.indexOf(failed);
  expect(checks.slice(0, index).every((c) => ['PASSED', 'WARNING', 'SKIPPED'].includes(c.status))).toBe(true);
  expect(checks.slice(index + 1).every((c) => c.status === 'SKIPPED')).toBe(true);
  expect(test.message).toContain(`${name} failed`);
  return failed;
}

describe('failures of the target, each at its check', () => {
  it('TARGET_NOT_ALLOWED: a cloud metadata address is refused before any packet is sent', async () => {
    const test = await runDraft(h, draftFor({ host: '169.254.169.254', port: 5432 }));
    const failed = failedAt(test, 'RESOLVE', 'TARGET_NOT_ALLOWED');
    expect(failed.message).toContain('169.254.169.254');
  });

  it('TARGET_NOT_ALLOWED: an IPv4-mapped IPv6 address is judged as IPv4', async () => {
    const test = await runDraft(h, draftFor({ host: '::ffff:169.254.169.254', port: 5432 }));
    failedAt(test, 'RESOLVE', 'TARGET_NOT_ALLOWED');
  });

  it('HOST_NOT_FOUND', async () => {
    const test = await runDraft(h, draftFor({ host: 'no-such-host.invalid', port: 5432 }));
    expect(failedAt(test, 'RESOLVE', 'HOST_NOT_FOUND').hint).toMatch(/host/i);
  });

  it('CONNECTION_REFUSED', async () => {
    const test = await runDraft(h, draftFor(targets().closed));
    expect(failedAt(test, 'CONNECT', 'CONNECTION_REFUSED').hint).toMatch(/listen/);
  });

  it('TIMEOUT: a server that never answers, within the connect timeout', async () => {
    const test = await runDraft(h, draftFor(targets().silent));
    failedAt(test, 'AUTHENTICATE', 'TIMEOUT');
    expect(test.durationMs).toBeLessThan(10_000);
  });

  it('TIMEOUT: at TLS when the server does not answer the TLS request', async () => {
    const test = await runDraft(h, draftFor(targets().silent, { sslMode: 'PREFER' }));
    failedAt(test, 'TLS', 'TIMEOUT');
  });

  it('NOT_POSTGRES', async () => {
    const test = await runDraft(h, draftFor(targets().notPostgres));
    expect(failedAt(test, 'AUTHENTICATE', 'NOT_POSTGRES').hint).toMatch(/port/);
  });

  it('TLS_NOT_SUPPORTED: sslMode REQUIRE against a server without TLS', async () => {
    const test = await runDraft(h, draftFor(targets().scram, { sslMode: 'REQUIRE' }));
    expect(failedAt(test, 'TLS', 'TLS_NOT_SUPPORTED').hint).toMatch(/ssl = on/);
  });

  it('TLS_NOT_SUPPORTED is a warning under sslMode PREFER, and the test passes unencrypted', async () => {
    const test = await runDraft(h, draftFor(targets().scram, { sslMode: 'PREFER' }));
    expect(test.status).toBe('PASSED');
    expect(check(test, 'TLS')).toMatchObject({ status: 'WARNING', code: 'TLS_NOT_SUPPORTED' });
  });

  it('TLS_REQUIRED_BY_SERVER: sslMode DISABLE against a hostssl-only server', async () => {
    const test = await runDraft(h, draftFor(targets().tls));
    expect(failedAt(test, 'AUTHENTICATE', 'TLS_REQUIRED_BY_SERVER').hint).toMatch(/REQUIRE/);
  });

  it('CERTIFICATE_INVALID: VERIFY_FULL against a self-signed certificate', async () => {
    const test = await runDraft(h, draftFor(targets().tls, { sslMode: 'VERIFY_FULL' }));
    const failed = failedAt(test, 'TLS', 'CERTIFICATE_INVALID');
    expect(failed.message).toContain('self-signed');
  });

  it('CERTIFICATE_INVALID: VERIFY_CA too', async () => {
    const test = await runDraft(h, draftFor(targets().tls, { sslMode: 'VERIFY_CA', host: 'localhost' }));
    failedAt(test, 'TLS', 'CERTIFICATE_INVALID');
  });

  it('TLS_HANDSHAKE_FAILED: a server that accepts TLS and then sends garbage', async () => {
    const test = await runDraft(h, draftFor(targets().badTls, { sslMode: 'REQUIRE' }));
    failedAt(test, 'TLS', 'TLS_HANDSHAKE_FAILED');
  });

  it('AUTH_FAILED: a wrong password', async () => {
    const test = await runDraft(h, draftFor(targets().scram, { password: CANARY_PASSWORD }));
    expect(failedAt(test, 'AUTHENTICATE', 'AUTH_FAILED').hint).toMatch(/password/);
  });

  it("SCRAM: a login derives its key again when the password or the role's salt changes", async () => {
    // src/postgresql/scram.ts keeps each salted password for ten minutes: a kept key must never let a
    // wrong password in, nor keep out the right one after the role's verifier changed.
    const role = `scram_kept_${process.pid}`;
    const login = async (password: string) =>
      check(await runDraft(h, draftFor(targets().scram, { username: role, password })), 'AUTHENTICATE');
    await onTarget('postgres', `CREATE ROLE ${role} LOGIN PASSWORD 'first-secret'`);
    try {
      await onTarget('postgres', `GRANT CONNECT ON DATABASE appdb TO ${role}`);
      expect((await login('first-secret')).status).toBe('PASSED');
      expect((await login('first-secret')).status).toBe('PASSED');
      expect(await login('first-secreT')).toMatchObject({ status: 'FAILED', code: 'AUTH_FAILED' });
      // The same password set again gets a new salt; a new password, a new salt too.
      await onTarget('postgres', `ALTER ROLE ${role} PASSWORD 'first-secret'`);
      expect((await login('first-secret')).status).toBe('PASSED');
      await onTarget('postgres', `ALTER ROLE ${role} PASSWORD 'second-secret'`);
      expect(await login('first-secret')).toMatchObject({ status: 'FAILED', code: 'AUTH_FAILED' });
      expect((await login('second-secret')).status).toBe('PASSED');
    } finally {
      await onTarget('postgres', `DROP OWNED BY ${role}; DROP ROLE ${role}`);
    }
  });

  it('HBA_REJECTED: a pg_hba.conf reject line', async () => {
    const test = await runDraft(h, draftFor(targets().scram, { username: 'hba_rejected' }));
    expect(failedAt(test, 'AUTHENTICATE', 'HBA_REJECTED').hint).toContain('pg_hba.conf');
  });

  it('DATABASE_NOT_FOUND', async () => {
    const test = await runDraft(h, draftFor(targets().scram, { databaseName: 'no_such_db' }));
    expect(failedAt(test, 'AUTHENTICATE', 'DATABASE_NOT_FOUND').message).toContain('no_such_db');
  });

  it('TOO_MANY_CONNECTIONS: a role at its connection limit', async () => {
    const test = await runDraft(h, draftFor(targets().scram, { username: 'app_limited' }));
    expect(failedAt(test, 'AUTHENTICATE', 'TOO_MANY_CONNECTIONS').hint).toMatch(
      /CONNECTION LIMIT|max_connections/,
    );
  });

  it('ROLE_MISMATCH: PRIMARY pointing at a standby', async () => {
    const test = await runDraft(h, draftFor(targets().standby));
    expect(failedAt(test, 'SERVER', 'ROLE_MISMATCH').message).toMatch(/is a standby/);
    expect(test.server?.inRecovery).toBe(true);
  });

  it('ROLE_MISMATCH: STANDBY pointing at a primary', async () => {
    const test = await runDraft(h, draftFor(targets().scram, { databaseAttribute: 'STANDBY' }));
    const failed = check(test, 'SERVER', 'STANDBY');
    expect(test).toMatchObject({ status: 'FAILED', errorCode: 'ROLE_MISMATCH' });
    expect(failed).toMatchObject({ status: 'FAILED', code: 'ROLE_MISMATCH' });
    expect(failed.message).toMatch(/is a primary/);
  });

  it('SCHEMA_NOT_FOUND', async () => {
    const test = await runDraft(h, draftFor(targets().scram, { schemaName: 'no_such_schema' }));
    failedAt(test, 'SCHEMA', 'SCHEMA_NOT_FOUND');
  });

  it('PERMISSION_DENIED at SCHEMA: no USAGE, with the GRANT to run', async () => {
    const test = await runDraft(
      h,
      draftFor(targets().scram, { username: 'app_noschema', schemaName: 'sales' }),
    );
    expect(failedAt(test, 'SCHEMA', 'PERMISSION_DENIED').hint).toBe(
      'GRANT USAGE ON SCHEMA "sales" TO "app_noschema";',
    );
  });

  it('PERMISSION_DENIED at READ_PRIVILEGES: no table readable', async () => {
    const test = await runDraft(
      h,
      draftFor(targets().scram, { username: 'app_noread', schemaName: 'sales' }),
    );
    const failed = failedAt(test, 'READ_PRIVILEGES', 'PERMISSION_DENIED');
    expect(failed.hint).toBe('GRANT SELECT ON ALL TABLES IN SCHEMA "sales" TO "app_noread";');
  });

  it('READ_PRIVILEGES warns naming the tables it cannot read', async () => {
    const test = await runDraft(
      h,
      draftFor(targets().scram, { username: 'app_partial', schemaName: 'sales' }),
    );
    expect(test.status).toBe('PASSED');
    const warned = check(test, 'READ_PRIVILEGES');
    expect(warned).toMatchObject({ status: 'WARNING', code: 'PERMISSION_DENIED' });
    expect(warned.message).toContain('sales.customers');
    expect(warned.message).not.toContain('sales.orders');
  });

  it('LOGICAL_DECODING_DISABLED is a warning on a wal_level = replica server', async () => {
    const test = await runDraft(h, draftFor(targets().replica));
    expect(test.status).toBe('PASSED');
    const warned = check(test, 'INCREMENTAL');
    expect(warned).toMatchObject({ status: 'WARNING', code: 'LOGICAL_DECODING_DISABLED' });
    expect(warned.hint).toContain('wal_level = logical');
  });

  it('REPLICATION_NOT_PERMITTED is a warning for a user without REPLICATION', async () => {
    const test = await runDraft(h, draftFor(targets().scram, { username: 'app_norepl' }));
    expect(test.status).toBe('PASSED');
    const warned = check(test, 'INCREMENTAL');
    expect(warned).toMatchObject({ status: 'WARNING', code: 'REPLICATION_NOT_PERMITTED' });
    expect(warned.hint).toBe(
      'ALTER ROLE "app_norepl" REPLICATION; (or use a superuser). Full migration works without it.',
    );
  });

  it('REPLICATION_CAPACITY is a warning when every WAL sender is taken', { timeout: 60_000 }, async () => {
    // A server of its own: the shared ones must keep their WAL senders for the standby and other tests.
    const { server, stop } = await startServerOf(await embeddedBinaries());
    const senders: pg.Client[] = [];
    try {
      const target = server.primary;
      const { max } = (
        await onTarget<{ max: number }>(
          'postgres',
          `SELECT current_setting('max_wal_senders')::int AS max`,
          [],
          target,
        )
      )[0]!;
      // Each replication connection is a WAL sender from its start, streaming or not.
      for (let i = 0; i < max; i += 1) {
        // pg sends `replication` in the startup packet; its types do not list it.
        const sender = new pg.Client({
          ...target,
          user: 'postgres',
          password: ROLES.postgres.password,
          database: 'appdb',
          replication: 'database',
        } as pg.ClientConfig);
        await sender.connect();
        senders.push(sender);
      }
      const test = await runDraft(h, draftFor(target));
      expect(test.status).toBe('PASSED');
      expect(check(test, 'INCREMENTAL')).toMatchObject({ status: 'WARNING', code: 'REPLICATION_CAPACITY' });
      expect(check(test, 'INCREMENTAL').message).toMatch(/WAL sender/);
      await senders.pop()!.end();
      expect(check(await runDraft(h, draftFor(target)), 'INCREMENTAL').status).toBe('PASSED');
    } finally {
      await Promise.all(senders.map((sender) => sender.end()));
      await stop();
    }
  });

  it('PERMISSION_DENIED at HEARTBEAT: the user cannot create drc, and the hint names the GRANT', async () => {
    const test = await runDraft(
      h,
      draftFor(targets().scram, { username: 'app_nocreate', heartbeatEnabled: true }),
    );
    const failed = failedAt(test, 'HEARTBEAT', 'PERMISSION_DENIED');
    expect(failed.hint).toBe('GRANT CREATE ON DATABASE "appdb" TO "app_nocreate";');
  });
});

describe('passing tests, one per database attribute', () => {
  it('PRIMARY: every check passes, with the server described', async () => {
    const test = await runDraft(h, draftFor(targets().scram, { heartbeatEnabled: true }));
    expect(test).toMatchObject({ status: 'PASSED', errorCode: null, message: 'All checks passed.' });
    expect(test.checks.map((c) => `${c.name}:${c.status}`)).toEqual([
      'RESOLVE:PASSED',
      'CONNECT:PASSED',
      'TLS:SKIPPED',
      'AUTHENTICATE:PASSED',
      'SERVER:PASSED',
      'SCHEMA:PASSED',
      'READ_PRIVILEGES:PASSED',
      'INCREMENTAL:PASSED',
      'HEARTBEAT:PASSED',
    ]);
    expect(test.checks.every((c) => typeof c.durationMs === 'number' && c.durationMs >= 0)).toBe(true);
    expect(test.server).toMatchObject({ inRecovery: false, walLevel: 'logical' });
    expect(test.server?.versionNum).toBeGreaterThanOrEqual(100_000);
    expect(test.server?.readableSchemas).toEqual(expect.arrayContaining(['empty_schema', 'sales']));
    expect(test.standbyServer).toBeNull();
  });

  it('PRIMARY over TLS (REQUIRE): the TLS check says what was negotiated', async () => {
    const test = await runDraft(h, draftFor(targets().tls, { sslMode: 'REQUIRE' }));
    expect(test.status).toBe('PASSED');
    expect(check(test, 'TLS')).toMatchObject({ status: 'PASSED' });
    expect(check(test, 'TLS').message).toMatch(
      /^TLSv1\.[23] with .*; certificate not verified \(sslMode REQUIRE\)\.$/,
    );
  });

  it('STANDBY: the server is in recovery; incremental and heartbeat checks do not apply', async () => {
    const test = await runDraft(h, draftFor(targets().standby, { databaseAttribute: 'STANDBY' }));
    expect(test.status).toBe('PASSED');
    expect(test.checks.every((c) => c.endpoint === 'STANDBY')).toBe(true);
    expect(check(test, 'SERVER', 'STANDBY')).toMatchObject({ status: 'PASSED' });
    expect(check(test, 'INCREMENTAL', 'STANDBY').status).toBe('SKIPPED');
    expect(test.server?.inRecovery).toBe(true);
  });

  it('PRIMARY_STANDBY: both endpoints are checked, each with its server', async () => {
    const { scram, standby } = targets();
    const test = await runDraft(
      h,
      draftFor(scram, { databaseAttribute: 'PRIMARY_STANDBY', standby, heartbeatEnabled: true }),
    );
    expect(test.status).toBe('PASSED');
    expect(test.checks).toHaveLength(18);
    expect(test.checks.filter((c) => c.endpoint === 'STANDBY').map((c) => c.status)).toEqual([
      'PASSED',
      'PASSED',
      'SKIPPED',
      'PASSED',
      'PASSED',
      'PASSED',
      'PASSED',
      'SKIPPED',
      'SKIPPED',
    ]);
    expect(test.server?.inRecovery).toBe(false);
    expect(test.standbyServer?.inRecovery).toBe(true);
  });

  it('PRIMARY_STANDBY with a broken standby fails at the standby, after the primary passed', async () => {
    const { scram, closed } = targets();
    const test = await runDraft(
      h,
      draftFor(scram, { databaseAttribute: 'PRIMARY_STANDBY', standby: closed }),
    );
    expect(test).toMatchObject({ status: 'FAILED', errorCode: 'CONNECTION_REFUSED' });
    expect(test.message).toMatch(/^Standby CONNECT failed/);
    expect(check(test, 'CONNECT', 'STANDBY').status).toBe('FAILED');
    expect(check(test, 'HEARTBEAT').status).not.toBe('FAILED');
  });
});

describe('limits and policy from configuration', () => {
  let strict: Harness;
  beforeAll(async () => {
    strict = await startHarness({
      role: 'all',
      env: { CONNECT_TIMEOUT_MS: '20000', TEST_TIMEOUT_MS: '1000', TARGET_DENY_CIDRS: '127.0.0.2/32' },
    });
  });
  afterAll(async () => {
    await strict.stop();
  });

  it('ends a test at TEST_TIMEOUT_MS even when the connect timeout is longer', async () => {
    const test = await runDraft(strict, draftFor(targets().silent));
    failedAt(test, 'AUTHENTICATE', 'TIMEOUT');
    expect(test.durationMs).toBeLessThan(5_000);
  });

  it('refuses an address in TARGET_DENY_CIDRS', async () => {
    const test = await runDraft(strict, draftFor({ host: '127.0.0.2', port: targets().scram.port }));
    failedAt(test, 'RESOLVE', 'TARGET_NOT_ALLOWED');
  });
});

it('leaves no connection open on the targets once its tests are over', async () => {
  // Sessions end a moment after the socket closes on our side: wait for the server to see them go.
  await expect.poll(() => sessionsOnTargets(h), { timeout: 5_000 }).toBe(0);
});
