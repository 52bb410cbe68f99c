import { afterAll, beforeAll, expect, it } from 'vitest';
import { draftFor, runDraft, targets } from '../support/connection-tests.js';
import { startHarness, type Harness } from '../support/harness.js';
import { startSentinelGroup, stopAllRedis, type SentinelGroup } from '../support/redis-servers.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { everyTestFinished, inFlight, loadEnv, readyAgain, requestTests, type Tally } from './load.js';

// The service on a master found through Sentinel (REDIS_SENTINELS, REDIS_SENTINEL_NAME): the master
// is killed with SIGKILL while tests are in flight, a sentinel promotes the replica, and the service
// carries on there with no test lost or left open.

let group: SentinelGroup;
let h: Harness;
let held: TcpProxy;

beforeAll(async () => {
  group = await startSentinelGroup();
  held = await startTcpProxy(targets().scram.port);
  h = await startHarness({
    role: 'all',
    env: { ...loadEnv, REDIS_URL: '', REDIS_SENTINELS: group.seeds, REDIS_SENTINEL_NAME: group.name },
  });
});
afterAll(async () => {
  held?.release();
  await h?.stop();
  await held?.close();
  await stopAllRedis();
});

it(
  'loses no test when the master is killed mid-load and a replica takes over',
  { timeout: 180_000 },
  async () => {
    expect(h.config.redis?.kind).toBe('sentinel');
    expect(await group.masterPort()).toBe(group.master.port);
    const tally: Tally = { created: [], refused: 0 };

    // 24 tests: 8 running, held at their target, and 16 waiting in the queue.
    held.hold();
    await requestTests(h, held, tally, 24);
    expect(tally.created).toHaveLength(24);
    await inFlight(h);

    await group.master.kill('SIGKILL');
    // Requests during the failover are either refused (SERVICE_UNAVAILABLE, nothing written) or, once
    // the service is on the new master, accepted.
    await requestTests(h, held, tally, 10);
    await expect.poll(() => group.masterPort(), { timeout: 30_000, interval: 200 }).toBe(group.replica.port);
    await readyAgain(h);
    await requestTests(h, held, tally, 10);
    expect(tally.created.length).toBeGreaterThanOrEqual(34);
    held.release();

    const statuses = await everyTestFinished(h, tally);
    expect(statuses).toEqual({ PASSED: tally.created.length });
  },
);

it(
  'reaches a master and sentinels that require passwords, and logs neither',
  { timeout: 120_000 },
  async () => {
    const password = 'master-Pa55-4b1e9d';
    const sentinelPassword = 'sentinel-Pa55-7c2f0a';
    const guarded = await startSentinelGroup({ password, sentinelPassword });
    const service = await startHarness({
      role: 'all',
      env: {
        REDIS_URL: '',
        REDIS_SENTINELS: guarded.seeds,
        REDIS_SENTINEL_NAME: guarded.name,
        REDIS_PASSWORD: password,
        REDIS_SENTINEL_PASSWORD: sentinelPassword,
      },
    });
    try {
      expect((await runDraft(service, draftFor(targets().scram))).status).toBe('PASSED');
      expect(service.logs.join('\n')).not.toMatch(/master-Pa55|sentinel-Pa55/);
    } finally {
      await service.stop();
    }
  },
);
