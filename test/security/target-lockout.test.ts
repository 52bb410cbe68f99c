import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { check, draftFor, runDraft, targets, type TestData } from '../support/connection-tests.js';
import { all } from '../support/db.js';
import { CANARY_PASSWORD, redisUrl, transport } from '../support/env.js';
import { startHarness, type Harness } from '../support/harness.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';

// Issue #9 §4 (PRODUCT.md §5: "repeated authentication failures against one account stop reaching
// the target"). The real scram server sits behind a TCP proxy that counts connections, so "not
// contacted" is a count that did not move, not a duration.

const LIMIT = 3;

let h: Harness;
let proxy: TcpProxy;
beforeAll(async () => {
  proxy = await startTcpProxy(targets().scram.port);
  h = await startHarness({
    role: 'all',
    env: { AUTH_FAILURE_LIMIT: String(LIMIT), AUTH_FAILURE_WINDOW_SECONDS: '900' },
  });
});
afterAll(async () => {
  await h.stop();
  await proxy.close();
});

const target = () => ({ host: '127.0.0.1', port: proxy.port });
const wrongPassword = (username: string) =>
  runDraft(h, draftFor(target(), { username, password: CANARY_PASSWORD }));

function expectLockedOut(test: TestData) {
  expect(test).toMatchObject({ status: 'FAILED', errorCode: 'AUTH_ATTEMPTS_EXCEEDED' });
  for (const name of ['RESOLVE', 'CONNECT', 'TLS']) {
    const skipped = check(test, name);
    expect(skipped.status).toBe('SKIPPED');
    expect(skipped.message).toMatch(/not contacted/);
  }
  const auth = check(test, 'AUTHENTICATE');
  expect(auth).toMatchObject({ status: 'FAILED', code: 'AUTH_ATTEMPTS_EXCEEDED' });
  expect(auth.hint).toMatch(/password/);
  expect(auth.hint).toMatch(/resume after \d+ seconds/);
  expect(auth.hint).toMatch(/lock/);
  const after = test.checks.slice(test.checks.indexOf(auth) + 1);
  expect(after.every((c) => c.status === 'SKIPPED')).toBe(true);
}

it('after AUTH_FAILURE_LIMIT failed logins, tests of that account fail fast without contacting the target; another user is unaffected', async () => {
  for (let attempt = 1; attempt <= LIMIT; attempt += 1) {
    const failed = await wrongPassword('app_full');
    expect(failed.errorCode).toBe('AUTH_FAILED');
  }
  const contacted = proxy.connections;

  // Even the right password: the point is to stop reaching the target, whoever is right.
  const locked = await runDraft(h, draftFor(target()));
  expectLockedOut(locked);
  expect(proxy.connections).toBe(contacted);

  const other = await runDraft(h, draftFor(target(), { username: 'app_norepl' }));
  expect(check(other, 'AUTHENTICATE').status).toBe('PASSED');
  expect(other.status).toBe('PASSED');
  expect(proxy.connections).toBeGreaterThan(contacted);
});

// The counter is keyed by a hash: no user or host in clear where it is kept.
if (transport() === 'redis') {
  it("keeps the failures in Redis under the service's prefix, with no user or host in the key", async () => {
    const redis = new Redis(redisUrl());
    try {
      const keys = await redis.keys(`${h.config.redisPrefix}:*`);
      expect(keys.some((key) => /auth/.test(key))).toBe(true);
      expect(keys.filter((key) => key.includes('app_full') || key.includes('127.0.0.1'))).toEqual([]);
    } finally {
      redis.disconnect();
    }
  });
} else {
  it('keeps the failures in the metadata store (rate_limits), with no user or host in the key', async () => {
    const keys = (await all<{ key: string }>(h.pool, 'SELECT key FROM rate_limits')).map((row) => row.key);
    expect(keys.some((key) => /auth/.test(key))).toBe(true);
    expect(keys.filter((key) => key.includes('app_full') || key.includes('127.0.0.1'))).toEqual([]);
  });
}

it('a successful login starts the count again', async () => {
  // Without the reset, the fifth test below would already be locked out (four failures > LIMIT).
  expect((await wrongPassword('app_partial')).errorCode).toBe('AUTH_FAILED');
  expect((await wrongPassword('app_partial')).errorCode).toBe('AUTH_FAILED');
  const passed = await runDraft(h, draftFor(target(), { username: 'app_partial' }));
  expect(check(passed, 'AUTHENTICATE').status).toBe('PASSED');
  for (let attempt = 1; attempt <= LIMIT; attempt += 1) {
    expect((await wrongPassword('app_partial')).errorCode).toBe('AUTH_FAILED');
  }
  const contacted = proxy.connections;
  expectLockedOut(await wrongPassword('app_partial'));
  expect(proxy.connections).toBe(contacted);
});
