import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { draftFor, followTest, freshDatabase, onTarget, targets } from '../support/connection-tests.js';
import { CREATE_DATA_SOURCE, dataSourceInput } from '../support/factories.js';
import { nextValue, startHarness, type Harness } from '../support/harness.js';
import { ask, startRedisCluster, stopAllRedis, type RedisServer } from '../support/redis-servers.js';

// The service on a three-master Redis Cluster (REDIS_CLUSTER_NODES): queues, workers, events, rate
// limits, the target guard and the heartbeat, with two processes (one `all`, one `api`) on it.

let nodes: RedisServer[];
let seeds: string;
let worker: Harness;
let api: Harness;

const clusterEnv = () => ({
  REDIS_URL: '',
  REDIS_CLUSTER_NODES: seeds,
  HEARTBEAT_INTERVAL_SECONDS: '1',
  // The limits run on the Cluster too, but must not get in the way of the flow.
  RATE_LIMIT_MUTATIONS_PER_MINUTE: '1000',
});

beforeAll(async () => {
  ({ nodes, seeds } = await startRedisCluster());
  worker = await startHarness({ role: 'all', env: clusterEnv() });
  api = await startHarness({ sharedWith: worker, role: 'api', env: clusterEnv() });
});
afterAll(async () => {
  await api?.stop();
  await worker?.stop();
  await stopAllRedis();
});

describe('a three-master Redis Cluster', () => {
  it('hash-tags the prefix, so that every key of a queue lands in one slot', () => {
    expect(worker.config.redis?.kind).toBe('cluster');
    expect(worker.config.redisPrefix).toMatch(/^\{test-[0-9a-f]+\}$/);
  });

  it('runs a connection test and the heartbeat, seen from the other process', async () => {
    // Subscribed on the api process; the test and the beats run on the other one.
    const events = await api.subscribe<{
      dataSourceEvents: { kind: string; dataSourceId: string; dataSource: { heartbeat: { state: string } } };
    }>('subscription { dataSourceEvents { kind dataSourceId dataSource { heartbeat { state } } } }');
    const database = await freshDatabase();
    const created = await api.gql<{ createDataSource: { dataSource: { id: string }; test: { id: string } } }>(
      CREATE_DATA_SOURCE,
      {
        input: dataSourceInput({
          ...draftFor(targets().scram),
          databaseName: database,
          heartbeatEnabled: true,
        }),
      },
    );
    expect(created.errors).toBeUndefined();
    const { id } = created.data!.createDataSource.dataSource;

    const { final } = await followTest(api, created.data!.createDataSource.test.id);
    expect(final.status).toBe('PASSED');

    // HEARTBEAT_CHANGED to ACTIVE comes after the first beat is written.
    for (;;) {
      const event = (await nextValue(events, `the heartbeat of ${id} becoming ACTIVE`, 20_000)).data
        ?.dataSourceEvents;
      if (event?.dataSourceId === id && event.dataSource.heartbeat.state === 'ACTIVE') break;
    }
    const beats = await onTarget<{ n: number }>(database, 'SELECT count(*)::int AS n FROM drc.heartbeat');
    expect(beats[0]?.n).toBe(1);

    // Every key of the deployment is on one node, in one slot.
    const keysByNode = await Promise.all(
      nodes.map((node) => ask(node.port, (redis) => redis.keys(`${worker.config.redisPrefix}:*`))),
    );
    const holding = keysByNode.filter((keys) => keys.length > 0);
    expect(holding).toHaveLength(1);
    expect(holding[0]).toEqual(
      expect.arrayContaining([
        `${worker.config.redisPrefix}:connection-test:meta`,
        `${worker.config.redisPrefix}:heartbeat:repeat`,
        `${worker.config.redisPrefix}:deployment`,
      ]),
    );
  });

  it('takes target slots on a primary and its standby in one script (two keys, one slot)', async () => {
    const { scram, standby } = targets();
    const database = await freshDatabase();
    const started = await api.gql<{ testConnection: { id: string } }>(
      `mutation($draft: ConnectionDraftInput!) { testConnection(input: { draft: $draft }) { id } }`,
      { draft: draftFor(scram, { databaseAttribute: 'PRIMARY_STANDBY', standby, databaseName: database }) },
    );
    expect(started.errors).toBeUndefined();
    const { final } = await followTest(api, started.data!.testConnection.id);
    expect(final.status).toBe('PASSED');
    expect(final.standbyServer?.inRecovery).toBe(true);
  });

  it('counts rate limits on the Cluster, shared by both processes', async () => {
    const limited = await startHarness({
      role: 'api',
      env: { ...clusterEnv(), RATE_LIMIT_MUTATIONS_PER_MINUTE: '2' },
    });
    const other = await startHarness({
      sharedWith: limited,
      role: 'api',
      env: { ...clusterEnv(), RATE_LIMIT_MUTATIONS_PER_MINUTE: '2' },
    });
    try {
      const create = (h: Harness) =>
        h.gql(CREATE_DATA_SOURCE, { input: dataSourceInput({ host: 'db.invalid' }) });
      expect((await create(limited)).errors).toBeUndefined();
      expect((await create(other)).errors).toBeUndefined();
      const third = await create(limited);
      expect(third.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    } finally {
      await other.stop();
      await limited.stop();
    }
  });

  it('carries pub/sub between nodes: a publish on one node reaches a subscriber on another', async () => {
    // What the event bus relies on: Cluster pub/sub is cluster-wide, whichever node a client uses.
    const channel = `${worker.config.redisPrefix}:events:probe`;
    const [subscriberNode, publisherNode] = nodes as [RedisServer, RedisServer];
    const received = await ask(subscriberNode.port, async (subscriber) => {
      await subscriber.subscribe(channel);
      const message = new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no message within 5 s')), 5_000);
        subscriber.once('message', (_c, m: string) => {
          clearTimeout(timer);
          resolve(m);
        });
      });
      // PUBLISH counts only the receiving node's own subscribers (none): the cluster bus carries it on.
      expect(await ask(publisherNode.port, (publisher) => publisher.publish(channel, 'across'))).toBe(0);
      return message;
    });
    expect(received).toBe('across');
  });
});
