import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EgressPolicy } from '../../src/postgresql/egress.js';
import { TargetError } from '../../src/postgresql/errors.js';
import { openSession } from '../../src/postgresql/session.js';
import type { SslMode } from '../../src/datasources/model.js';
import { check, draftFor, runDraft } from '../support/connection-tests.js';
import { CANARY_PASSWORD } from '../support/env.js';
import {
  md5Response,
  md5Stored,
  selfSignedCertificate,
  startFakePostgres,
  type FakePostgres,
} from '../support/fake-postgres.js';
import { startHarness, type Harness } from '../support/harness.js';

// Issue #9 §1: a server (or anyone in the path, answering 'N' to the SSLRequest) that asks for the
// password in cleartext must never get it without TLS; one that asks for MD5 gets a hash it could
// crack offline, so the test warns. Over TLS both are allowed.

const USER = 'app_full';

let h: Harness;
let certificate: { key: Buffer; cert: Buffer };
const fakes: FakePostgres[] = [];
const fake = async (options: Parameters<typeof startFakePostgres>[0]) => {
  const started = await startFakePostgres(options);
  fakes.push(started);
  return started;
};

beforeAll(async () => {
  certificate = await selfSignedCertificate();
  // A login to a fake server is followed by a query it never answers: keep that wait short.
  h = await startHarness({
    role: 'all',
    env: { CONNECT_TIMEOUT_MS: '3000', QUERY_TIMEOUT_MS: '1000', TEST_TIMEOUT_MS: '10000' },
  });
});
afterAll(async () => {
  await h.stop();
  await Promise.all(fakes.map((server) => server.close()));
});

/** Neither the password nor anything derived from it reached the fake server. */
function expectNothingOfThePassword(server: FakePostgres) {
  const seen = server.everything();
  expect(seen.includes(Buffer.from(CANARY_PASSWORD))).toBe(false);
  expect(seen.includes(Buffer.from(md5Stored(CANARY_PASSWORD, USER)))).toBe(false);
  for (const connection of server.connections) {
    expect(connection.messages.filter((m) => m.type === 'p')).toEqual([]);
  }
}

describe('a server that asks for the password in cleartext', () => {
  it.each(['DISABLE', 'PREFER'] as const)(
    'without TLS (sslMode %s): AUTHENTICATE fails with INSECURE_AUTH_REFUSED and no byte of the password is sent',
    async (sslMode) => {
      const server = await fake({ auth: 'cleartext' });
      const test = await runDraft(h, draftFor(server.target, { sslMode, password: CANARY_PASSWORD }));

      expect(test).toMatchObject({ status: 'FAILED', errorCode: 'INSECURE_AUTH_REFUSED' });
      const auth = check(test, 'AUTHENTICATE');
      expect(auth).toMatchObject({ status: 'FAILED', code: 'INSECURE_AUTH_REFUSED' });
      expect(auth.message).toMatch(/cleartext/);
      expect(auth.hint).toMatch(/scram-sha-256/);
      expect(auth.hint).toMatch(/password_encryption/);
      expect(auth.hint).toMatch(/pg_hba/);
      expect(auth.hint).toMatch(/TLS/);
      // The exchange got as far as the server's request, and the socket was closed right there.
      const [connection] = server.connections;
      expect(connection?.startup?.user).toBe(USER);
      await connection?.closed;
      expectNothingOfThePassword(server);
    },
  );

  it('gets it only over TLS: sslMode REQUIRE logs in, DISABLE against the same server is refused', async () => {
    const server = await fake({ auth: 'cleartext', tls: certificate });

    const overTls = await runDraft(
      h,
      draftFor(server.target, { sslMode: 'REQUIRE', password: CANARY_PASSWORD }),
    );
    expect(check(overTls, 'TLS').status).toBe('PASSED');
    expect(check(overTls, 'AUTHENTICATE')).toMatchObject({ status: 'PASSED', code: null });
    const [encrypted] = server.connections;
    expect(encrypted?.tls).toBe(true);
    expect(encrypted?.messages.find((m) => m.type === 'p')?.body.toString()).toBe(`${CANARY_PASSWORD}\0`);

    const plain = await runDraft(
      h,
      draftFor(server.target, { sslMode: 'DISABLE', password: CANARY_PASSWORD }),
    );
    expect(check(plain, 'AUTHENTICATE')).toMatchObject({ status: 'FAILED', code: 'INSECURE_AUTH_REFUSED' });
    const unencrypted = server.connections[1];
    expect(unencrypted?.tls).toBe(false);
    expect(unencrypted?.messages.filter((m) => m.type === 'p')).toEqual([]);
  });
});

describe('a server that asks for an MD5 password', () => {
  it('without TLS: the login is allowed, and AUTHENTICATE warns MD5_AUTH_WITHOUT_TLS with the way to scram-sha-256', async () => {
    const server = await fake({ auth: 'md5' });
    const test = await runDraft(h, draftFor(server.target, { sslMode: 'PREFER', password: CANARY_PASSWORD }));

    const auth = check(test, 'AUTHENTICATE');
    expect(auth).toMatchObject({ status: 'WARNING', code: 'MD5_AUTH_WITHOUT_TLS' });
    expect(auth.message).toMatch(/MD5/);
    expect(auth.hint).toContain("ALTER SYSTEM SET password_encryption = 'scram-sha-256'");
    expect(auth.hint).toMatch(/pg_hba/);
    // The fake answers no query: the test goes on after the warning and stops at SERVER.
    expect(check(test, 'SERVER')).toMatchObject({ status: 'FAILED', code: 'TIMEOUT' });
    // What was sent is the salted hash (the thing the warning is about), never the password itself.
    const [connection] = server.connections;
    const sent = connection?.messages.find((m) => m.type === 'p')?.body.toString();
    expect(sent).toBe(`${md5Response(CANARY_PASSWORD, USER, connection!.salt!)}\0`);
    expect(server.everything().includes(Buffer.from(CANARY_PASSWORD))).toBe(false);
  });

  it('warns only without TLS: over TLS (REQUIRE) the same server gets no warning', async () => {
    const server = await fake({ auth: 'md5', tls: certificate });
    const overTls = await runDraft(h, draftFor(server.target, { sslMode: 'REQUIRE' }));
    expect(check(overTls, 'AUTHENTICATE')).toMatchObject({ status: 'PASSED', code: null });
    const plain = await runDraft(h, draftFor(server.target, { sslMode: 'DISABLE' }));
    expect(check(plain, 'AUTHENTICATE')).toMatchObject({ status: 'WARNING', code: 'MD5_AUTH_WITHOUT_TLS' });
  });
});

describe('the heartbeat session (openSession)', () => {
  // The fake servers are on loopback; the egress policy has tests of its own.
  const anywhere: EgressPolicy = { allows: () => true };
  const open = (server: FakePostgres, sslMode: SslMode) =>
    openSession(
      { ...server.target, username: USER, password: CANARY_PASSWORD, databaseName: 'appdb', sslMode },
      {
        connectTimeoutMs: 3_000,
        queryTimeoutMs: 1_000,
        egress: anywhere,
        signal: new AbortController().signal,
        applicationName: 'data-source-service probe-auth',
      },
    );

  it.each(['DISABLE', 'PREFER'] as const)(
    'refuses a cleartext request without TLS (sslMode %s), sends nothing of the password and closes the socket',
    async (sslMode) => {
      const server = await fake({ auth: 'cleartext' });
      const error = await open(server, sslMode).then(
        (client) => client.end().then(() => 'logged in'),
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(TargetError);
      expect((error as TargetError).code).toBe('INSECURE_AUTH_REFUSED');
      await server.connections[0]?.closed;
      expectNothingOfThePassword(server);
    },
  );
});
