import { afterAll, beforeAll, expect, it } from 'vitest';
import { targets } from '../support/connection-tests.js';
import { startHarness, type Harness } from '../support/harness.js';
import { ask, startRedisServer, stopAllRedis, type RedisServer } from '../support/redis-servers.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { everyTestFinished, inFlight, loadEnv, readyAgain, requestTests, type Tally } from './load.js';

// A plain Redis killed with SIGKILL under load and started again on the same port. Its queued jobs
// survive only because it persists them (appendonly yes, as docker-compose.yml runs it): a Redis
// without persistence comes back empty, and this guarantee with it (README, Redis topologies).

let redis: RedisServer;
let h: Harness;
let held: TcpProxy;

beforeAll(async () => {
  redis = await startRedisServer({ name: 'restart', args: ['--appendonly', 'yes'] });
  held = await startTcpProxy(targets().scram.port);
  h = await startHarness({ role: 'all', env: { ...loadEnv, REDIS_URL: redis.url } });
});
afterAll(async () => {
  held?.release();
  await h?.stop();
  await held?.close();
  await stopAllRedis();
});

it('loses no test when Redis is killed mid-load and started again', { timeout: 180_000 }, async () => {
  const tally: Tally = { created: [], refused: 0 };
  // 24 tests: 8 running, held at their target, and 16 waiting in the queue.
  held.hold();
  await requestTests(h, held, tally, 24);
  await inFlight(h);

  await redis.kill('SIGKILL');
  // While Redis is down every request that would enqueue a test is refused and writes nothing.
  await requestTests(h, held, tally, 10);
  expect(tally).toMatchObject({ refused: 10 });
  expect(tally.created).toHaveLength(24);

  await redis.restart();
  await readyAgain(h);
  await requestTests(h, held, tally, 10);
  expect(tally.created).toHaveLength(34);
  held.release();

  expect(await everyTestFinished(h, tally)).toEqual({ PASSED: 34 });
});

it(
  'without persistence, puts back the jobs and schedulers an empty Redis lost',
  { timeout: 180_000 },
  async () => {
    // The same outage on a Redis that keeps nothing: it comes back empty. The workers put back their
    // schedulers and reconcile: every open test whose job is gone is enqueued again.
    const bare = await startRedisServer({ name: 'restart-bare' });
    const other = await startHarness({ role: 'all', env: { ...loadEnv, REDIS_URL: bare.url } });
    try {
      const tally: Tally = { created: [], refused: 0 };
      held.hold();
      await requestTests(other, held, tally, 24);
      await inFlight(other);
      await bare.kill('SIGKILL');
      await bare.restart();
      expect(await ask(bare.port, (client) => client.dbsize())).toBe(0);
      await readyAgain(other);
      held.release();
      expect(await everyTestFinished(other, tally)).toEqual({ PASSED: 24 });
      expect(other.logs.some((line) => line.includes('connection test had no job: enqueued again'))).toBe(
        true,
      );
      // And the deployment's claim on its prefix is back.
      expect(await ask(bare.port, (client) => client.exists(`${other.config.redisPrefix}:deployment`))).toBe(
        1,
      );
    } finally {
      held.release();
      await other.stop();
    }
  },
);
