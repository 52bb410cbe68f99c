import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { installHeartbeatTable } from '../../src/heartbeat/sql.js';
import { boundedQuery } from '../../src/postgresql/session.js';
import {
  draftFor,
  freshDatabase,
  onTarget,
  sessionsOnTargets,
  targets,
} from '../support/connection-tests.js';
import { CREATE_DATA_SOURCE, dataSourceInput, UPDATE_DATA_SOURCE } from '../support/factories.js';
import { nextValue, startHarness, type Harness } from '../support/harness.js';
import { ROLES } from '../support/pg-targets.js';
import { spawnService, type ServiceProcess } from '../support/service-process.js';
import { startTcpProxy } from '../support/tcp-proxy.js';

// The heartbeat of PRODUCT.md §3 against the throwaway servers, at a 1 s interval. Each test writes
// into a database of its own on the `scram` server (replicated to `standby`).

const INTERVAL = { HEARTBEAT_INTERVAL_SECONDS: '1', JOB_LOCK_MS: '2000' };

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ role: 'all', env: INTERVAL });
});
let stopped = false;
afterAll(async () => {
  if (!stopped) await h.stop();
});

interface HeartbeatData {
  enabled: boolean;
  state: string;
  table: string;
  intervalSeconds: number;
  lastBeatAt: string | null;
  lastError: string | null;
  replicationLagSeconds: number | null;
}

const HEARTBEAT =
  'heartbeat { enabled state table intervalSeconds lastBeatAt lastError replicationLagSeconds }';

async function heartbeatOf(harness: Harness, id: string): Promise<HeartbeatData> {
  const result = await harness.gql<{ dataSource: { heartbeat: HeartbeatData } }>(
    `query($id: ID) { dataSource(id: $id) { ${HEARTBEAT} } }`,
    { id },
  );
  return result.data!.dataSource.heartbeat;
}

/** Creates a data source with the heartbeat on and follows its HEARTBEAT_CHANGED events. */
async function createBeating(harness: Harness, input: Record<string, unknown>) {
  const events = await harness.subscribe<{
    dataSourceEvents: { kind: string; dataSourceId: string; dataSource: { heartbeat: HeartbeatData } };
  }>(`subscription { dataSourceEvents { kind dataSourceId dataSource { ${HEARTBEAT} } } }`);
  const created = await harness.gql<{ createDataSource: { dataSource: { id: string } } }>(
    CREATE_DATA_SOURCE,
    {
      input: dataSourceInput({ ...input, heartbeatEnabled: true }),
    },
  );
  if (!created.data) throw new Error(JSON.stringify(created.errors));
  const id = created.data.createDataSource.dataSource.id;
  /** The next heartbeat state this data source reaches that matches `state`. */
  const reaches = async (state: string): Promise<HeartbeatData> => {
    for (;;) {
      const next = await nextValue(events, `heartbeat ${state} of ${id}`, 20_000);
      const event = next.data?.dataSourceEvents;
      if (
        event?.dataSourceId === id &&
        event.kind === 'HEARTBEAT_CHANGED' &&
        event.dataSource.heartbeat.state === state
      ) {
        return event.dataSource.heartbeat;
      }
    }
  };
  return { id, reaches, stop: () => events.return?.() };
}

describe('install and beats', () => {
  it('creates drc.heartbeat with the documented columns, then keeps ts advancing', async () => {
    const database = await freshDatabase();
    const source = await createBeating(h, { ...draftFor(targets().scram), databaseName: database });
    const active = await source.reaches('ACTIVE');
    expect(active).toMatchObject({
      enabled: true,
      table: 'drc.heartbeat',
      intervalSeconds: 1,
      lastError: null,
    });
    expect(active.lastBeatAt).not.toBeNull();
    await source.stop();

    const columns = await onTarget<{ column_name: string; data_type: string; is_nullable: string }>(
      database,
      `SELECT column_name, data_type, is_nullable FROM information_schema.columns
        WHERE table_schema = 'drc' AND table_name = 'heartbeat' ORDER BY ordinal_position`,
    );
    expect(columns).toEqual([
      { column_name: 'id', data_type: 'smallint', is_nullable: 'NO' },
      { column_name: 'ts', data_type: 'timestamp with time zone', is_nullable: 'NO' },
    ]);
    const [first] = await onTarget<{ ts: Date }>(database, 'SELECT ts FROM drc.heartbeat WHERE id = 1');
    // A beat is a row another process writes, and publishes no event (only state changes do).
    await expect
      .poll(
        async () =>
          (
            await onTarget<{ ts: Date }>(database, 'SELECT ts FROM drc.heartbeat WHERE id = 1')
          )[0]?.ts.getTime(),
        {
          timeout: 5_000,
        },
      )
      .toBeGreaterThan(first!.ts.getTime());
  });

  it('installs safely twice at once', async () => {
    const database = await freshDatabase();
    const clients = [0, 1].map(
      () =>
        new pg.Client({ ...targets().scram, user: 'app_full', password: ROLES.app_full.password, database }),
    );
    await Promise.all(clients.map((client) => client.connect()));
    try {
      await Promise.all(clients.map((client) => installHeartbeatTable(boundedQuery(client, 5_000))));
      await Promise.all(clients.map((client) => installHeartbeatTable(boundedQuery(client, 5_000))));
    } finally {
      await Promise.all(clients.map((client) => client.end()));
    }
    expect(
      await onTarget(
        database,
        "SELECT 1 FROM pg_tables WHERE schemaname = 'drc' AND tablename = 'heartbeat'",
      ),
    ).toHaveLength(1);
  });

  it('ends FAILED, naming the GRANT, when the user may not create the table', async () => {
    const source = await createBeating(h, draftFor(targets().scram, { username: 'app_nocreate' }));
    const failed = await source.reaches('FAILED');
    await source.stop();
    expect(failed.lastError).toContain('GRANT CREATE ON DATABASE "appdb" TO "app_nocreate";');
  });

  it('is DEGRADED while the target is down, and ACTIVE again by itself when it is back', async () => {
    const database = await freshDatabase();
    const proxy = await startTcpProxy(targets().scram.port);
    try {
      const source = await createBeating(h, {
        ...draftFor({ host: '127.0.0.1', port: proxy.port }),
        databaseName: database,
      });
      await source.reaches('ACTIVE');
      await proxy.cut();
      const degraded = await source.reaches('DEGRADED');
      expect(degraded.lastError).toMatch(/^The heartbeat could not be written: /);
      await proxy.restore();
      const active = await source.reaches('ACTIVE');
      expect(active.lastError).toBeNull();
      await source.stop();
    } finally {
      await proxy.close();
    }
  });

  it('reports the replication lag read on the standby of a PRIMARY_STANDBY source', async () => {
    const database = await freshDatabase();
    const { scram, standby } = targets();
    const source = await createBeating(h, {
      ...draftFor(scram),
      databaseName: database,
      databaseAttribute: 'PRIMARY_STANDBY',
      standby,
    });
    await source.reaches('ACTIVE');
    await source.stop();
    // The lag is a column the beats update without an event (the state stays ACTIVE): read it again.
    await expect
      .poll(async () => (await heartbeatOf(h, source.id)).replicationLagSeconds, { timeout: 5_000 })
      .not.toBeNull();
    const lag = (await heartbeatOf(h, source.id)).replicationLagSeconds!;
    expect(lag).toBeGreaterThanOrEqual(0);
    expect(lag).toBeLessThan(60);
  });
});

describe('stopping', () => {
  /** Beats logged so far in `database`. */
  const beats = async (database: string) =>
    (await onTarget<{ n: number }>(database, 'SELECT count(*)::int AS n FROM public.beats'))[0]?.n ?? 0;

  // A control data source keeps beating: its beats are the clock that shows the others stopped.
  let control: string;
  beforeAll(async () => {
    control = await freshDatabase({ logBeats: true });
    const source = await createBeating(h, { ...draftFor(targets().scram), databaseName: control });
    await source.reaches('ACTIVE');
    await source.stop();
  });

  it.each<[string, (id: string) => Promise<unknown>]>([
    [
      'the heartbeat is turned off',
      (id) => h.gql(UPDATE_DATA_SOURCE, { id, input: { heartbeatEnabled: false } }),
    ],
    // A change that needs a new test (one that will fail here, so the beats cannot resume after it).
    ['a re-test is needed', (id) => h.gql(UPDATE_DATA_SOURCE, { id, input: { sslMode: 'REQUIRE' } })],
    [
      'the data source is deleted',
      (id) => h.gql(`mutation($id: ID!) { deleteDataSource(id: $id) { id } }`, { id }),
    ],
  ])('stops at once when %s; the table stays', async (_what, mutate) => {
    const database = await freshDatabase({ logBeats: true });
    const source = await createBeating(h, { ...draftFor(targets().scram), databaseName: database });
    await source.reaches('ACTIVE');
    await source.stop();
    await mutate(source.id);
    const after = await beats(database);
    const clock = await beats(control);
    // Beats are rows another process writes, and publish no event: wait until the control has beaten
    // three more times, then nothing may have been added here.
    await expect.poll(() => beats(control), { timeout: 10_000 }).toBeGreaterThanOrEqual(clock + 3);
    expect(await beats(database)).toBe(after);
    expect(await onTarget(database, "SELECT 1 FROM pg_tables WHERE schemaname = 'drc'")).toHaveLength(1);
  });
});

describe('many processes', () => {
  let api: Harness;
  let env: Record<string, string>;
  const workers: ServiceProcess[] = [];
  beforeAll(async () => {
    api = await startHarness({ role: 'api', env: INTERVAL });
    env = api.processEnv(INTERVAL);
  });
  afterEach(async () => {
    await stopWorkers();
  });
  afterAll(async () => {
    await api.stop();
  });

  /** Two worker processes, each with its own ops port, both ready (/readyz answers 200). */
  async function startWorkers() {
    const started = await Promise.all([spawnService('worker', env), spawnService('worker', env)]);
    workers.push(...started);
    await Promise.all(started.map((worker) => worker.ready()));
  }
  async function stopWorkers() {
    const stopping = workers.splice(0);
    for (const worker of stopping) worker.child.kill('SIGTERM');
    await Promise.all(stopping.map((worker) => worker.exited));
  }
  /** Beats logged in `database`: rows another process writes, with no event to await. */
  const beats = async (database: string) =>
    (await onTarget<{ n: number }>(database, 'SELECT count(*)::int AS n FROM public.beats'))[0]?.n ?? 0;

  async function beatingSource() {
    const database = await freshDatabase({ logBeats: true });
    const source = await createBeating(api, { ...draftFor(targets().scram), databaseName: database });
    await source.reaches('ACTIVE');
    await source.stop();
    return { id: source.id, database };
  }

  it('gives each data source exactly one beat per interval with two worker processes', async () => {
    await startWorkers();
    // Both take heartbeat jobs: BullMQ's count of their registered clients (state; no event tells it).
    await expect.poll(() => api.queue('heartbeat').getWorkersCount(), { timeout: 10_000 }).toBe(2);
    const { database } = await beatingSource();
    await expect.poll(() => beats(database), { timeout: 15_000 }).toBeGreaterThanOrEqual(8);
    const rows = await onTarget<{ gap: number | null }>(
      database,
      'SELECT extract(epoch FROM ts - lag(ts) OVER (ORDER BY ts))::float8 AS gap FROM public.beats ORDER BY ts',
    );
    const gaps = rows.map((row) => row.gap).filter((gap): gap is number => gap !== null);
    // Two writers would show as beats a fraction of an interval apart.
    expect(Math.min(...gaps)).toBeGreaterThan(0.5);
  });

  it('repairs the beat schedulers when the workers restart after the queue lost them', async () => {
    await startWorkers();
    const { id, database } = await beatingSource();

    // Every process stops; the queue loses the data source's beat scheduler and has one of no data source.
    await stopWorkers();
    await api.queue('heartbeat').removeJobScheduler(`beat-${id}`);
    await api.queue('heartbeat').upsertJobScheduler(
      'beat-0e9c7e55-0000-4000-8000-000000000000',
      { every: 1000 },
      {
        name: 'heartbeat-beat',
        data: { dataSourceId: '0e9c7e55-0000-4000-8000-000000000000' },
      },
    );
    const before = await beats(database);
    await startWorkers();
    await expect.poll(() => beats(database), { timeout: 10_000 }).toBeGreaterThan(before + 1);
    const schedulers = (await api.queue('heartbeat').getJobSchedulers(0, -1)).map((s) => s.key);
    // One scheduler per beating data source (the earlier test's included), none for the unknown one.
    const beating = await api.pool.query<{ id: string }>(
      "SELECT id FROM data_sources WHERE heartbeat_state IN ('ACTIVE', 'DEGRADED')",
    );
    expect(schedulers.sort()).toEqual(beating.rows.map((row) => `beat-${row.id}`).sort());
    expect(schedulers).toContain(`beat-${id}`);
  });
});

it('closes its sessions to the targets when the workers stop', async () => {
  // Heartbeat sessions are kept between beats (and reused), and closed when the workers stop.
  expect(await sessionsOnTargets(h)).toBeGreaterThan(0); // the control data source above still beats
  stopped = true;
  await h.stop();
  // The server sees a session end a moment after our socket closes, and tells nobody: ask it.
  await expect.poll(() => sessionsOnTargets(h), { timeout: 5_000 }).toBe(0);
});
