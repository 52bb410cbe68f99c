import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { check, draftFor, runDraft, targets, type TestData } from '../support/connection-tests.js';
import { pgPort } from '../support/env.js';
import { startHarness, type Harness } from '../support/harness.js';

// The egress policy through the real service in production mode: a draft test to this host (the
// machine the service runs on, with its metadata store and Redis) is refused at RESOLVE, before any
// packet is sent; TARGET_ALLOW_CIDRS lets an operator open it again.

const PRODUCTION = { NODE_ENV: 'production', CONNECT_TIMEOUT_MS: '1500', TEST_TIMEOUT_MS: '10000' };

function refusedAtResolve(test: TestData, address: string) {
  expect(test.status).toBe('FAILED');
  expect(test.errorCode).toBe('TARGET_NOT_ALLOWED');
  const resolve = check(test, 'RESOLVE');
  expect(resolve).toMatchObject({ status: 'FAILED', code: 'TARGET_NOT_ALLOWED' });
  expect(resolve.message).toContain(address);
  expect(check(test, 'CONNECT').status).toBe('SKIPPED');
}

describe('in production', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ role: 'all', env: PRODUCTION });
  });
  afterAll(async () => {
    await h.stop();
  });

  it('refuses a loopback target (127.0.0.1), and says nothing about loopback at start-up', async () => {
    const test = await runDraft(h, draftFor(targets().scram, { host: '127.0.0.1' }));
    refusedAtResolve(test, '127.0.0.1');
    expect(h.logs.join('')).not.toMatch(/may reach loopback/);
  });

  it('refuses :: (Linux connects it to ::1)', async () => {
    const test = await runDraft(h, draftFor(targets().scram, { host: '::' }));
    refusedAtResolve(test, '::');
  });

  it('refuses loopback written as IPv4-mapped IPv6', async () => {
    const test = await runDraft(h, draftFor(targets().scram, { host: '::ffff:127.0.0.1' }));
    refusedAtResolve(test, '::ffff:127.0.0.1');
  });

  it('refuses a name that resolves to loopback (here: the metadata store itself)', async () => {
    const test = await runDraft(h, draftFor({ host: 'localhost', port: pgPort() }));
    expect(test.errorCode).toBe('TARGET_NOT_ALLOWED');
    expect(check(test, 'RESOLVE').status).toBe('FAILED');
  });
});

describe('in production with TARGET_ALLOW_CIDRS=127.0.0.1/32,0.0.0.0/32', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      role: 'all',
      env: { ...PRODUCTION, TARGET_ALLOW_CIDRS: '127.0.0.1/32,0.0.0.0/32' },
    });
  });
  afterAll(async () => {
    await h.stop();
  });

  it('lets through exactly what it names, even an always-denied address, and nothing else', async () => {
    // 127.0.0.1: loopback, denied in production unless named. 0.0.0.0: always denied unless named
    // (Linux connects it to this host, where the target listens).
    for (const host of ['127.0.0.1', '::ffff:7f00:1', '0.0.0.0']) {
      const test = await runDraft(h, draftFor(targets().scram, { host }));
      expect(check(test, 'RESOLVE').status, host).toBe('PASSED');
      expect(test.status, host).toBe('PASSED');
    }
    refusedAtResolve(await runDraft(h, draftFor(targets().scram, { host: '::' })), '::');
    refusedAtResolve(await runDraft(h, draftFor(targets().scram, { host: '127.0.0.2' })), '127.0.0.2');
  });
});

describe('outside production', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ role: 'all', env: { CONNECT_TIMEOUT_MS: '1500', TEST_TIMEOUT_MS: '10000' } });
  });
  afterAll(async () => {
    await h.stop();
  });

  it('allows loopback and says so in one start-up warning', async () => {
    const warnings = h.logs.filter((line) => /may reach loopback/.test(line));
    expect(warnings).toHaveLength(1);
    expect(JSON.parse(warnings[0] ?? '{}')).toMatchObject({ level: 40 });
    const test = await runDraft(h, draftFor(targets().scram, { host: '127.0.0.1' }));
    expect(test.status).toBe('PASSED');
  });

  it('still refuses ::', async () => {
    const test = await runDraft(h, draftFor(targets().scram, { host: '::' }));
    refusedAtResolve(test, '::');
  });
});
