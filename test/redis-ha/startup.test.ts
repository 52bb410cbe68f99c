import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deploymentEnv, dropTestDatabase, startHarness, type Harness } from '../support/harness.js';
import { startRedisServer, stopAllRedis } from '../support/redis-servers.js';
import { spawnService, type ServiceProcess } from '../support/service-process.js';

// What start-up checks on Redis: its eviction policy (refused in production), and that its prefix is
// this deployment's and not another's (two metadata stores on one Redis and prefix).

const TOKEN = 'startup-admin-token-0123456789';
const databases: string[] = [];
const services: ServiceProcess[] = [];

/** A service process of a new deployment (its own metadata database) on `redisUrl`. */
function deployment(overrides: Record<string, string>) {
  const databaseName = `dss_startup_${randomBytes(4).toString('hex')}`;
  databases.push(databaseName);
  return {
    ...deploymentEnv({
      databaseName,
      redisPrefix: `test-${databaseName}`,
      secretKey: randomBytes(32).toString('base64'),
    }),
    NODE_ENV: 'development',
    API_TOKENS: `admin:${TOKEN}`,
    ...overrides,
  };
}

async function spawn(env: Record<string, string>) {
  const service = await spawnService('api', env);
  services.push(service);
  return service;
}

/** Log lines that mention `text`. */
const mentioning = (lines: string[], text: string) => lines.filter((line) => line.includes(text));

afterAll(async () => {
  for (const service of services) service.child.kill('SIGKILL');
  await Promise.all(services.map((service) => service.exited));
  for (const name of databases) await dropTestDatabase(name, `test-${name}`);
  await stopAllRedis();
});

describe('maxmemory-policy', () => {
  let evicting: string;
  let noConfig: string;
  beforeAll(async () => {
    evicting = (await startRedisServer({ name: 'lru', args: ['--maxmemory-policy', 'allkeys-lru'] })).url;
    // As on managed Redis, where CONFIG is disabled.
    noConfig = (await startRedisServer({ name: 'no-config', args: ['--rename-command', 'CONFIG', ''] })).url;
  });

  it('refuses to start in production when it is not noeviction, in one line', async () => {
    const service = await spawn(deployment({ NODE_ENV: 'production', REDIS_URL: evicting }));
    expect((await service.exited).code).toBe(1);
    const lines = mentioning(service.lines, 'maxmemory-policy');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      level: 60,
      msg: 'Redis maxmemory-policy is allkeys-lru, not noeviction: Redis may evict queued jobs under memory pressure. Set maxmemory-policy noeviction.',
    });
  });

  it('warns outside production, and starts', async () => {
    const service = await spawn(deployment({ REDIS_URL: evicting }));
    await service.ready();
    const [line] = mentioning(service.lines, 'maxmemory-policy');
    expect(JSON.parse(line!)).toMatchObject({ level: 40, policy: 'allkeys-lru' });
  });

  it('says it could not check when CONFIG is disabled, and starts even in production', async () => {
    const service = await spawn(deployment({ NODE_ENV: 'production', REDIS_URL: noConfig }));
    await service.ready();
    const [line] = mentioning(service.lines, 'maxmemory-policy');
    expect(JSON.parse(line!)).toMatchObject({
      level: 40,
      msg: expect.stringContaining('Could not read Redis maxmemory-policy') as unknown,
    });
  });
});

describe('the deployment id under the Redis prefix', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ role: 'all' });
  });
  afterAll(async () => {
    await h.stop();
  });

  it('refuses a second deployment (another metadata store) on the same Redis and prefix', async () => {
    const prefix = h.config.redisPrefix;
    const intruder = await spawn(deployment({ REDIS_PREFIX: prefix }));
    expect((await intruder.exited).code).toBe(1);
    const lines = mentioning(intruder.lines, 'belongs to another deployment');
    expect(lines).toHaveLength(1);
    const { msg } = JSON.parse(lines[0]!) as { msg: string };
    expect(msg).toContain(`REDIS_PREFIX=${prefix}`);
    expect(msg).toContain('REDIS_URL');

    // Another process of the same deployment (same metadata store) is welcome.
    const sibling = await spawn({ ...h.processEnv(), API_TOKENS: `admin:${TOKEN}` });
    await sibling.ready();
  });

  it("logs a job for a test it does not know, with the job's and the test's ids", async () => {
    const testId = randomUUID();
    const queue = h.queue('connection-test');
    const job = await queue.add('connection-test', { testId }, { jobId: `foreign-${testId}` });
    await job.waitUntilFinished(await h.queueEvents('connection-test'), 10_000);
    const lines = mentioning(h.logs, testId).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 40,
        jobId: `foreign-${testId}`,
        testId,
        msg: expect.stringContaining('a test this deployment does not know') as unknown,
      }),
    );
  });
});
