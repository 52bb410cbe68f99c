// `npm run bench [-- --quick]`: the real service (role all, built) against a throwaway PostgreSQL with
// scram-sha-256 on loopback, measured beside direct `pg` in the same run. Prints a table and writes
// bench/results/latest.json. Every load is bounded in count and time and targets loopback only.
// BENCH_NODE_FLAGS: node flags for the service processes (e.g. `--cpu-prof`, or a V8 heap setting to
// compare against the service's own).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Client } from 'graphql-ws';
import { Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import { createGraphQLClient } from '../test/support/client.js';
import { ROLES, startTargets, type PgTarget } from '../test/support/pg-targets.js';
import { freePort } from '../test/support/service-process.js';
import { directChecks, dropFloorTables, prepareFloorTables, queueFloorTest, runFloorTest } from './floor.js';
import { startApiFloor, startReference } from './reference.js';

const QUICK = process.argv.includes('--quick');
const argOf = (name: string) => {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
};
const P = QUICK
  ? {
      latencyRuns: 30,
      throughputSeconds: 1.5,
      apiSeconds: 2,
      // The creates queue a test each, which the API phase waits for: fewer of them in a quick run.
      createSeconds: 1,
      fanoutClients: 200,
      fanoutChanges: 5,
      beatSources: 10,
      beatSeconds: 4,
      scaleSources: 0,
      scaleSeconds: 0,
    }
  : {
      latencyRuns: 200,
      throughputSeconds: 10,
      apiSeconds: 8,
      createSeconds: 8,
      fanoutClients: 1000,
      fanoutChanges: 20,
      beatSources: 50,
      beatSeconds: 30,
      // 1,000 data sources at the default 5 s interval on one service process (full run only).
      scaleSources: 1000,
      scaleSeconds: 30,
    };
// `--scale-sources N`: the heartbeat at scale with N data sources (0 leaves it out; --quick does).
if (argOf('scale-sources') !== undefined) {
  P.scaleSources = Number(argOf('scale-sources'));
  P.scaleSeconds = QUICK ? 15 : 30;
}
const TOKEN = 'bench-admin-token-0123456789';
/** The password of every role of the heartbeat at scale (one role per data source). */
const SCALE_PASSWORD = 'bench-beat-password';
const WORKER_CONCURRENCY = 32;

// ---------------------------------------------------------------------------------------------
// Small statistics and plumbing.

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
};
const summary = (values: number[]) => ({
  p50: percentile(values, 50),
  p95: percentile(values, 95),
  p99: percentile(values, 99),
  n: values.length,
});
const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

async function residentMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

/** The service's V8 heap, used and reserved, in MB, from its /metrics. */
async function heapMb(graphqlUrl: string): Promise<{ heapUsedMb: number; heapTotalMb: number }> {
  const metrics = await (await fetch(new URL('/metrics', graphqlUrl))).text();
  const mb = (name: string) =>
    round(Number(new RegExp(`^dss_nodejs_${name}\\s+(\\S+)`, 'm').exec(metrics)?.[1] ?? NaN) / 1e6, 1);
  return { heapUsedMb: mb('heap_size_used_bytes'), heapTotalMb: mb('heap_size_total_bytes') };
}

/** The numbers of /proc/<pid>/stat from its 4th field on (ppid is [0], utime [10], stime [11]). */
async function procStat(pid: number): Promise<number[]> {
  const text = await readFile(`/proc/${pid}/stat`, 'utf8');
  return (text.split(') ')[1]?.split(' ') ?? []).slice(1).map(Number);
}

/** CPU ms of a process (utime + stime, in clock ticks of 10 ms here). */
async function cpuMs(pid: number): Promise<number> {
  const [utime = 0, stime = 0] = (await procStat(pid)).slice(10, 12);
  return (utime + stime) * 10;
}

/**
 * CPU ms of a process and of its children that have ended (cutime and cstime too): for a PostgreSQL
 * server, every session that closed (a connection test's login, the direct baseline's), which its
 * postmaster has reaped.
 */
async function cpuWithChildrenMs(pid: number): Promise<number> {
  return (await procStat(pid)).slice(10, 14).reduce((sum, ticks) => sum + ticks, 0) * 10;
}

/** A superuser's client of a throwaway server's database. */
const adminOf = (server: PgTarget, database: string) =>
  new pg.Client({ ...server, user: 'postgres', password: ROLES.postgres.password, database });

/** A target server's postmaster: the parent of one of its backends. */
async function postmasterPid(target: PgTarget): Promise<number> {
  const client = adminOf(target, 'postgres');
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    return (await procStat(rows[0]!.pid))[0]!;
  } finally {
    await client.end();
  }
}

/** CPU that a phase costs the target server (its ended sessions) and this benchmark process. */
async function clientSideMeter(targetPid: number) {
  const before = { target: await cpuWithChildrenMs(targetPid), bench: process.cpuUsage() };
  return async () => {
    const bench = process.cpuUsage(before.bench);
    return {
      target: (await cpuWithChildrenMs(targetPid)) - before.target,
      benchClient: (bench.user + bench.system) / 1000,
    };
  };
}

/** CPU ms of every live backend of `database` on the metadata server (same machine), by pid. */
async function backendsCpu(database: string): Promise<Map<number, number>> {
  const root = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'postgres' });
  await root.connect();
  const { rows } = await root
    .query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1', [database])
    .finally(() => root.end());
  const entries = await Promise.all(
    rows.map(async ({ pid }) => [pid, await cpuMs(pid).catch(() => 0)] as const),
  );
  return new Map(entries);
}

/**
 * CPU that a phase costs the service, its Redis and its metadata store (the backends of its database;
 * a backend that ends during the phase is not counted, so that figure is a floor).
 */
async function cpuMeter(servicePid: number, redisPid: number | undefined, database: string) {
  const read = async () => ({
    service: await cpuMs(servicePid),
    redis: redisPid === undefined ? 0 : await cpuMs(redisPid),
    backends: await backendsCpu(database),
  });
  const before = await read();
  return async () => {
    const after = await read();
    let metadata = 0;
    for (const [pid, ms] of after.backends) metadata += ms - (before.backends.get(pid) ?? 0);
    return {
      service: after.service - before.service,
      redis: redisPid === undefined ? null : after.redis - before.redis,
      metadataStore: metadata,
    };
  };
}

/** A Redis server of the benchmark's own (no persistence, as the local one), so that its CPU is ours. */
async function startRedis(): Promise<{ url: string; pid: number; stop: () => Promise<void> }> {
  if (process.env.BENCH_REDIS_URL) {
    const url = process.env.BENCH_REDIS_URL;
    const redis = new Redis(url);
    const info = await redis.info('server').finally(() => redis.disconnect());
    return { url, pid: Number(/process_id:(\d+)/.exec(info)?.[1]), stop: () => Promise.resolve() };
  }
  const port = await freePort();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'dss-bench-redis-'));
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--save', '', '--appendonly', 'no', '--dir', dir],
    {
      stdio: 'ignore',
    },
  );
  const url = `redis://127.0.0.1:${port}`;
  // Asked until it answers (a child process tells no one when it listens).
  const redis = new Redis(url, { retryStrategy: (attempt) => (attempt > 50 ? null : 100) });
  redis.on('error', () => undefined);
  await redis.ping();
  redis.disconnect();
  return {
    url,
    pid: child.pid!,
    stop: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The built service on a free port, once its /readyz answers (it listens last). */
async function startService(
  env: Record<string, string>,
  role: 'all' | 'api' | 'worker' = 'all',
): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [...(process.env.BENCH_NODE_FLAGS?.split(' ').filter(Boolean) ?? []), 'dist/main.js', role],
    {
      env: { PATH: process.env.PATH ?? '', ...env, PORT: String(port) },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  let exited: number | null | undefined;
  child.once('exit', (code) => (exited = code));
  const base = `http://127.0.0.1:${port}`;
  for (const deadline = Date.now() + 60_000; Date.now() < deadline;) {
    if (exited !== undefined) throw new Error(`the service exited (${exited}) before it was ready`);
    const status = await fetch(`${base}/readyz`).then(
      (response) => response.status,
      () => 0,
    );
    if (status === 200) return { child, url: `${base}/graphql` };
    // No event says a child process is ready: its answer is asked for until it comes.
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  child.kill('SIGKILL');
  throw new Error('the service was not ready within 60 s');
}

/** Resolves when the subscription completes (the test is PASSED or FAILED). */
function untilFinished(client: Client, testId: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let status = '';
    client.subscribe<{ connectionTestUpdated: { status: string } }>(
      {
        query: 'subscription($id: ID!) { connectionTestUpdated(testId: $id) { status } }',
        variables: { id: testId },
      },
      {
        next: (message) => {
          status = message.data?.connectionTestUpdated.status ?? status;
        },
        error: reject,
        complete: () => resolve(status),
      },
    );
  });
}

/** Runs `task` from `concurrency` loops until `seconds` pass; returns every task's duration (ms). */
async function load(
  concurrency: number,
  seconds: number,
  task: (worker: number) => Promise<unknown>,
): Promise<number[]> {
  const until = performance.now() + seconds * 1000;
  const durations: number[] = [];
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      while (performance.now() < until) {
        const started = performance.now();
        await task(worker);
        durations.push(performance.now() - started);
      }
    }),
  );
  return durations;
}

/**
 * A reference's connection tests beside direct pg, measured as the service's are: five to warm up,
 * then `runs` sequential tests interleaved with direct pg's, then 32 clients for `seconds` (each
 * `test(client)` on its own data source), with the CPU that load cost counted per test: `pid` is the
 * process in the service's place. `onPhase` hears when the sequential runs and the load begin.
 */
async function measureBesideDirect(options: {
  test: (client: number) => Promise<unknown>;
  onPhase?: (phase: 'latency' | 'load') => void;
  pid: number;
  redisPid: number;
  database: string;
  target: PgTarget;
  runs: number;
  seconds: number;
  /** Direct pg's tests per second at 32 clients, as the service's own ratio is reckoned. */
  direct32: number;
}) {
  const { test, target } = options;
  for (let i = 0; i < 5; i += 1) await test(0);
  options.onPhase?.('latency');
  const referenceMs: number[] = [];
  const directMs: number[] = [];
  for (let i = 0; i < options.runs; i += 1) {
    let t = performance.now();
    await test(0);
    referenceMs.push(performance.now() - t);
    t = performance.now();
    await directChecks(target);
    directMs.push(performance.now() - t);
  }
  options.onPhase?.('load');
  const stopMeter = await cpuMeter(options.pid, options.redisPid, options.database);
  const stopClientSide = await clientSideMeter(await postmasterPid(target));
  const runs = (await load(32, options.seconds, test)).length;
  const cpu = { ...(await stopMeter()), ...(await stopClientSide()) };
  const [reference, direct] = [summary(referenceMs), summary(directMs)];
  return {
    latencyMs: {
      floor: round(reference.p50),
      direct: round(direct.p50),
      ratio: round(reference.p50 / direct.p50),
      p99: {
        floor: round(reference.p99),
        direct: round(direct.p99),
        ratio: round(reference.p99 / direct.p99),
      },
    },
    throughput32: {
      floor: round(runs / options.seconds, 1),
      direct: options.direct32,
      ratio: round(runs / options.seconds / options.direct32),
    },
    cpuMsPerTest: {
      process: round(cpu.service / runs),
      redis: round((cpu.redis ?? 0) / runs),
      metadataStore: round(cpu.metadataStore / runs),
      machine: machineMs({
        service: cpu.service / runs,
        redis: (cpu.redis ?? 0) / runs,
        metadataStore: cpu.metadataStore / runs,
        target: cpu.target / runs,
        benchClient: cpu.benchClient / runs,
      }),
    },
  };
}

/** What a floor of the design is measured with: the servers, and the run's own figures. */
interface FloorRun {
  redis: { url: string; pid: number };
  target: PgTarget;
  runs: number;
  seconds: number;
  /** Direct pg's tests per second at 32 clients, as the service's own ratio is reckoned. */
  direct32: number;
}

/**
 * The floor of this design: connection tests as PRODUCT.md §2 builds them, end to end, on the servers
 * the service uses, with the same libraries and none of the service's code. Each test:
 * - the client's request: `{ __typename }` through the service, the smallest request it answers;
 * - the queuing transaction, sent as the service sends it (pg's pipeline mode): BEGIN, the data
 *   source's row lock and the open-test read; the test row's INSERT, which takes the test's advisory
 *   lock and marks the data source TESTING, with its audit row; the job's add to a BullMQ queue; COMMIT;
 * - the client's first read of the test (snapshot, then stream), beside the worker;
 * - a BullMQ worker (the service's concurrency): the row read, waiting on the lock when the row is not
 *   committed yet; the RUNNING write, not waited for; the baseline's own checks (`directChecks`), with
 *   the start and the 18 check transitions published as they happen, the full test each time; the final
 *   write with the data source's status; its publication; the job's completion;
 * - the client is done when the final state reaches its Redis subscriber (which reads only its head).
 * Left out, so the floor is still a lower bound: GraphQL for the mutation and the subscription (the
 * request is the smallest one), the WebSocket hop of every event, the rate limits, the per-target slot.
 * The rows go to copies of the service's tables (indexes included). Latency is sequential and
 * interleaved with direct pg; throughput is 32 clients, each with its own data source, against the same
 * direct pg figure as the service's; the machine's CPU per test is counted as for the service.
 */
async function measureDesignFloor(
  options: FloorRun & { service: { url: string; pid: number; database: string } },
) {
  const { service, redis, target } = options;
  const client = createGraphQLClient(service.url, { token: TOKEN });
  const db = new pg.Pool({
    connectionString: `postgres://postgres@127.0.0.1:5432/${service.database}`,
    max: 10,
    pipeline: true,
  });
  const connection = { maxRetriesPerRequest: null } as const;
  const prefix = 'bench-floor';
  const [queueConnection, workerConnection] = [
    new Redis(redis.url, connection),
    new Redis(redis.url, connection),
  ];
  const queue = new Queue('floor', { connection: queueConnection, prefix });
  const publisher = new Redis(redis.url, { enableAutoPipelining: true });
  const subscriber = new Redis(redis.url);
  const done = new Map<string, () => void>();
  subscriber.on('message', (_channel: string, message: string) => {
    // `<test id, 36 characters> <status> <the test as JSON>`
    if (message.startsWith('PASSED', 37)) done.get(message.slice(0, 36))?.();
  });
  // When each test reached each step, in the sequential runs.
  const marks = new Map<string, Record<string, number>>();
  let marking = true;
  const mark = (id: string, step: string) => {
    if (marking) marks.set(id, { ...marks.get(id), [step]: performance.now() });
  };
  let worker: Worker | undefined;
  try {
    const fixture = await prepareFloorTables(db);
    const { checks, server, sourceIds: sources } = fixture;
    await subscriber.subscribe('floor');
    const publish = (id: string, status: string) =>
      void publisher.publish('floor', `${id} ${status} ${JSON.stringify({ id, status, checks, server })}`);

    worker = new Worker(
      'floor',
      (job: Job<{ testId: string }>) => {
        const id = job.data.testId;
        return runFloorTest(
          db,
          target,
          fixture,
          id,
          (status) => publish(id, status),
          (step) => mark(id, step),
        );
      },
      { connection: workerConnection, prefix, concurrency: WORKER_CONCURRENCY },
    );
    await worker.waitUntilReady();

    const floorTest = async (sourceId: string) => {
      const id = randomUUID();
      const finished = new Promise<void>((resolve) => done.set(id, resolve));
      mark(id, 'sent');
      await client.data('{ __typename }');
      mark(id, 'answered');
      await queueFloorTest(db, queue, fixture, sourceId, id);
      mark(id, 'committed');
      await db.query('SELECT * FROM floor_tests WHERE id = $1', [id]);
      await finished;
      mark(id, 'received');
      done.delete(id);
    };

    const measured = await measureBesideDirect({
      test: (i) => floorTest(sources[i % sources.length]!),
      // The stages are read from the sequential runs' marks alone.
      onPhase: (phase) => {
        if (phase === 'latency') marks.clear();
        else marking = false;
      },
      pid: service.pid,
      redisPid: redis.pid,
      database: service.database,
      target,
      runs: options.runs,
      seconds: options.seconds,
      direct32: options.direct32,
    });
    const stage = (from: string, to: string) =>
      round(
        percentile(
          [...marks.values()].map((at) => at[to]! - at[from]!),
          50,
        ),
      );
    return {
      latencyMs: {
        ...measured.latencyMs,
        stagesP50: {
          request: stage('sent', 'answered'),
          queueTx: stage('answered', 'committed'),
          toChecks: stage('committed', 'checking'),
          checks: stage('checking', 'checked'),
          finalWrite: stage('checked', 'written'),
          toClient: stage('written', 'received'),
        },
      },
      throughput32: measured.throughput32,
      /** The machine's CPU per floor test: the bench process is the client, the API and the worker. */
      cpuMsPerTest: measured.cpuMsPerTest.machine,
    };
  } finally {
    await worker?.close();
    await dropFloorTables(db).catch(() => undefined);
    await db.end();
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    for (const redisClient of [queueConnection, workerConnection, publisher, subscriber])
      redisClient.disconnect();
    await client.close();
  }
}

/**
 * The floor of the design with its contract's API (bench/floor-service.ts): the floor above behind
 * GraphQL over HTTP for the mutation and graphql-ws for the subscription, in one process that is the
 * API and the worker, driven by the service's own client (`benchClient`: `testConnection`, then
 * `connectionTestUpdated { status }` until it completes). Still left out: auth, rate limits, the
 * target slot, input rules, the recorder's bookkeeping, metrics and tracing. Latency is sequential and
 * interleaved with direct pg; throughput is 32 clients against the service's direct pg figure; CPU per
 * test is counted as for the service, with this process in the service's place.
 */
async function measureApiFloor(options: FloorRun & { database: string }) {
  const { database, redis, target } = options;
  const floor = await startApiFloor({ database, redisUrl: redis.url, target });
  const bench = benchClient(floor.url);
  try {
    const db = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:5432/${database}` });
    await db.connect();
    const sources = await db
      .query<{ id: string }>('SELECT id FROM floor_sources LIMIT 32')
      .then((result) => result.rows.map((row) => row.id))
      .finally(() => db.end());
    return await measureBesideDirect({
      test: (i) => bench.passingTest(sources[i % sources.length]!),
      pid: floor.child.pid!,
      redisPid: redis.pid,
      database,
      target,
      runs: options.runs,
      seconds: options.seconds,
      direct32: options.direct32,
    });
  } finally {
    await bench.client.close();
    await stopService(floor.child);
  }
}

// ---------------------------------------------------------------------------------------------

const CREATE = `mutation($input: CreateDataSourceInput!) { createDataSource(input: $input) { dataSource { id } test { id } } }`;
const TEST = `mutation($id: ID) { testConnection(input: { dataSourceId: $id }) { id } }`;

/**
 * The benchmark's client of one service process: HTTP, one WebSocket that follows tests, and what
 * every phase does with them.
 */
function benchClient(url: string) {
  const client = createGraphQLClient(url, { token: TOKEN });
  const ws = client.ws({ lazy: false });
  const gql = <T>(query: string, variables?: Record<string, unknown>) => client.data<T>(query, variables);
  return {
    client,
    gql,
    /** Creates a data source and waits for the test its creation queued; returns its id. */
    async createSource(input: Record<string, unknown>): Promise<string> {
      const created = await gql<{ createDataSource: { dataSource: { id: string }; test: { id: string } } }>(
        CREATE,
        { input },
      );
      await untilFinished(ws, created.createDataSource.test.id);
      return created.createDataSource.dataSource.id;
    },
    /** A test of data source `id`, which must pass, with the wall-clock times its stages are read from. */
    async passingTest(id: string) {
      const sentAt = Date.now();
      const { testConnection } = await gql<{ testConnection: { id: string } }>(TEST, { id });
      const answeredAt = Date.now();
      const status = await untilFinished(ws, testConnection.id);
      if (status !== 'PASSED') throw new Error(`a benchmark test ended ${status}`);
      return { testId: testConnection.id, sentAt, answeredAt, doneAt: Date.now() };
    },
  };
}

async function main() {
  const started = performance.now();
  console.log(`benchmark${QUICK ? ' (quick)' : ''}: starting a throwaway PostgreSQL and the service…`);
  // Bare Apollo, the API phase's reference, starts meanwhile and idles until then.
  const bareStarting = startReference('bench/bare-apollo.ts');
  const stopBare = () => bareStarting.then((bare) => stopService(bare.child)).catch(() => undefined);
  const targets = await startTargets({ maxConnections: 300 }).catch(async (error: unknown) => {
    await stopBare();
    throw error;
  });
  const redis = await startRedis().catch(async (error: unknown) => {
    await targets.stop();
    await stopBare();
    throw error;
  });
  const scram = targets.targets.scram;
  const suffix = randomBytes(4).toString('hex');
  const databases: string[] = [];
  // One key for every process of the run: a worker opens the passwords an api process sealed.
  const secretKey = randomBytes(32).toString('base64');
  /** The built service in production mode on a metadata database of its own, on `transport`. */
  const startBenchService = async (
    transport: 'redis' | 'postgres' | 'heartbeat' | 'scale',
    extra: Record<string, string> = {},
    role: 'all' | 'api' | 'worker' = 'all',
  ) => {
    const database = `dss_bench_${suffix}_${transport}`;
    databases.push(database);
    const started = await startService(
      {
        NODE_ENV: 'production',
        LOG_LEVEL: 'info',
        HOST: '127.0.0.1',
        DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${database}`,
        ...(transport !== 'postgres'
          ? { REDIS_URL: redis.url, REDIS_PREFIX: `bench-${suffix}-${transport}` }
          : { QUEUE_TRANSPORT: 'postgres' }),
        SECRET_KEY: secretKey,
        API_TOKENS: `admin:${TOKEN}`,
        HEARTBEAT_INTERVAL_SECONDS: '1',
        WORKER_CONCURRENCY: String(WORKER_CONCURRENCY),
        // The throwaway targets listen on loopback, which production denies by default.
        TARGET_ALLOW_CIDRS: '127.0.0.1/32',
        // One client drives the load from one token against one target: the protections against abuse
        // (rate limits, per-target slots, sockets per token) would otherwise be what is measured.
        RATE_LIMIT_MUTATIONS_PER_MINUTE: '1000000',
        RATE_LIMIT_TESTS_PER_MINUTE: '1000000',
        TARGET_MAX_CONCURRENT_TESTS: '1000',
        WS_MAX_SOCKETS_PER_TOKEN: '5000',
        WS_MAX_SOCKETS: '5000',
        ...extra,
      },
      role,
    );
    return { ...started, database, redisPid: transport === 'postgres' ? undefined : redis.pid };
  };
  const service = await startBenchService('redis').catch(async (error: unknown) => {
    await redis.stop();
    await targets.stop();
    await stopBare();
    throw error;
  });
  /** Connection tests through one service process: latency beside direct pg, then throughput. */
  const measureTests = async ({
    url,
    child,
    redisPid,
    database,
  }: Awaited<ReturnType<typeof startBenchService>>) => {
    const bench = benchClient(url);
    const { gql } = bench;
    const targetPid = await postmasterPid(scram);
    const createSource = (identifier: string) => bench.createSource(source(identifier));
    const serviceTest = (id: string) => bench.passingTest(id);
    /**
     * Where a sequential test's time goes, p50 and p99 of each stage (ms; the p99 says which stage the
     * slow tests are slow in), from the client's clock and the
     * test's own timestamps (one machine, one clock; read after the runs, so not timed): the mutation
     * until its answer; queued to started (the transaction's commit, the queue hop and the worker's
     * load); the run, and the checks' own durations within it; finished to the client's last message.
     */
    const stagesOf = async (runs: Awaited<ReturnType<typeof serviceTest>>[]) => {
      const stages = {
        mutation: [] as number[],
        queuedToStarted: [] as number[],
        run: [] as number[],
        checks: [] as number[],
        finishedToClient: [] as number[],
      };
      /** Each check's own duration, by name: where within the checks the time goes. */
      const byCheck = new Map<string, number[]>();
      for (const run of runs) {
        const { connectionTest: test } = await gql<{
          connectionTest: {
            queuedAt: string;
            startedAt: string;
            finishedAt: string;
            checks: { name: string; durationMs: number | null }[];
          };
        }>(
          'query($id: ID!) { connectionTest(id: $id) { queuedAt startedAt finishedAt checks { name durationMs } } }',
          {
            id: run.testId,
          },
        );
        const [queued, started, finished] = [test.queuedAt, test.startedAt, test.finishedAt].map(Date.parse);
        stages.mutation.push(run.answeredAt - run.sentAt);
        stages.queuedToStarted.push(started! - queued!);
        stages.run.push(finished! - started!);
        stages.checks.push(test.checks.reduce((sum, check) => sum + (check.durationMs ?? 0), 0));
        for (const check of test.checks) {
          if (check.durationMs === null) continue;
          const values = byCheck.get(check.name) ?? [];
          values.push(check.durationMs);
          byCheck.set(check.name, values);
        }
        stages.finishedToClient.push(run.doneAt - finished!);
      }
      const at = (p: number) =>
        Object.fromEntries(
          Object.entries(stages).map(([stage, values]) => [stage, round(percentile(values, p), 1)]),
        ) as Record<keyof typeof stages, number>;
      const checksP50 = Object.fromEntries(
        [...byCheck].map(([name, values]) => [name, round(percentile(values, 50), 2)]),
      );
      return { p50: at(50), p99: at(99), checksP50 };
    };
    try {
      // Latency, sequential, interleaved with the direct baseline so that drift hits both alike.
      const latencySource = await createSource('latency');
      for (let i = 0; i < 5; i += 1) {
        await serviceTest(latencySource);
        await directChecks(scram);
      }
      const serviceMs: number[] = [];
      const directMs: number[] = [];
      const runs: Awaited<ReturnType<typeof serviceTest>>[] = [];
      for (let i = 0; i < P.latencyRuns; i += 1) {
        let t = performance.now();
        runs.push(await serviceTest(latencySource));
        serviceMs.push(performance.now() - t);
        t = performance.now();
        await directChecks(scram);
        directMs.push(performance.now() - t);
      }
      const latency = {
        service: summary(serviceMs),
        direct: summary(directMs),
        stages: await stagesOf(runs),
      };

      // Throughput at 8 and 32 concurrent clients, each with its own data source.
      const throughput: Record<string, { service: number; direct: number; ratio: number }> = {};
      const pool = await Promise.all(Array.from({ length: 32 }, (_, i) => createSource(`load-${i}`)));
      // CPU per finished test: what the service runs cost the service, Redis and the metadata store,
      // and, beside the same for the direct runs, the target server and the benchmark's own process.
      const cpu = {
        service: 0,
        redis: redisPid === undefined ? null : 0,
        metadataStore: 0,
        target: 0,
        benchClient: 0,
        tests: 0,
      };
      const directCpu = { target: 0, benchClient: 0, tests: 0 };
      for (const concurrency of [8, 32]) {
        const stopMeter = await cpuMeter(child.pid!, redisPid, database);
        const stopClientSide = await clientSideMeter(targetPid);
        const serviceRuns = await load(concurrency, P.throughputSeconds, (worker) =>
          serviceTest(pool[worker]!),
        );
        const used = await stopMeter();
        const clientSide = await stopClientSide();
        cpu.service += used.service;
        if (cpu.redis !== null) cpu.redis += used.redis ?? 0;
        cpu.metadataStore += used.metadataStore;
        cpu.target += clientSide.target;
        cpu.benchClient += clientSide.benchClient;
        cpu.tests += serviceRuns.length;
        const stopDirect = await clientSideMeter(targetPid);
        const directRuns = await load(concurrency, P.throughputSeconds, () => directChecks(scram));
        const direct = await stopDirect();
        directCpu.target += direct.target;
        directCpu.benchClient += direct.benchClient;
        directCpu.tests += directRuns.length;
        const perSecond = serviceRuns.length / P.throughputSeconds;
        const directPerSecond = directRuns.length / P.throughputSeconds;
        throughput[concurrency] = {
          service: round(perSecond, 1),
          direct: round(directPerSecond, 1),
          ratio: round(perSecond / directPerSecond),
        };
      }
      return {
        latencyMs: {
          service: latency.service,
          direct: latency.direct,
          ratio: {
            p50: round(latency.service.p50 / latency.direct.p50),
            p99: round(latency.service.p99 / latency.direct.p99),
          },
          stagesP50: latency.stages.p50,
          stagesP99: latency.stages.p99,
          checksP50: latency.stages.checksP50,
        },
        throughputPerSecond: throughput,
        cpuMsPerTest: {
          service: round(cpu.service / cpu.tests),
          redis: cpu.redis === null ? null : round(cpu.redis / cpu.tests),
          metadataStore: round(cpu.metadataStore / cpu.tests),
          target: round(cpu.target / cpu.tests),
          benchClient: round(cpu.benchClient / cpu.tests),
          tests: cpu.tests,
        },
        directCpuMsPerTest: {
          target: round(directCpu.target / directCpu.tests),
          benchClient: round(directCpu.benchClient / directCpu.tests),
          tests: directCpu.tests,
        },
      };
    } finally {
      await bench.client.close();
    }
  };

  const serviceClient = benchClient(service.url);
  const { client, gql } = serviceClient;
  const source = (identifier: string, extra: Record<string, unknown> = {}) => ({
    identifier,
    host: scram.host,
    port: scram.port,
    username: 'app_full',
    password: ROLES.app_full.password,
    databaseName: 'appdb',
    sslMode: 'DISABLE',
    ...extra,
  });
  const createSource = (identifier: string, extra: Record<string, unknown> = {}) =>
    serviceClient.createSource(source(identifier, extra));

  /**
   * 1,000 data sources (P.scaleSources) at the default 5 s interval on one service process, spread
   * over four throwaway servers: one database per server, one role per data source, and a trigger that
   * files each beat under the role that wrote it (so a source's beats are told apart in one table).
   */
  const measureHeartbeatAtScale = async () => {
    console.log(`heartbeat of ${P.scaleSources} data sources at the 5 s interval…`);
    const more = await startTargets({ maxConnections: 300 });
    try {
      const servers = [
        targets.targets.scram,
        targets.targets.replica,
        more.targets.scram,
        more.targets.replica,
      ];
      const perServer = Math.ceil(P.scaleSources / servers.length);
      await Promise.all(
        servers.map(async (server) => {
          const root = adminOf(server, 'postgres');
          await root.connect();
          await root.query('CREATE DATABASE beats');
          await root.query(`CREATE ROLE beaters NOLOGIN; GRANT CONNECT, CREATE ON DATABASE beats TO beaters;
            CREATE ROLE beat_0 LOGIN IN ROLE beaters PASSWORD '${SCALE_PASSWORD}'`);
          // One SCRAM verifier for every role (it does not depend on the role's name): no hashing per role.
          const { rows } = await root.query<{ verifier: string }>(
            `SELECT rolpassword AS verifier FROM pg_authid WHERE rolname = 'beat_0'`,
          );
          const roles = Array.from(
            { length: perServer - 1 },
            (_, i) => `CREATE ROLE beat_${i + 1} LOGIN IN ROLE beaters PASSWORD '${rows[0]!.verifier}'`,
          );
          if (roles.length > 0) await root.query(roles.join(';'));
          await root.end();
          const db = adminOf(server, 'beats');
          await db.connect();
          await db.query(`CREATE SCHEMA drc;
            CREATE TABLE drc.heartbeat (id smallint PRIMARY KEY, ts timestamptz NOT NULL);
            CREATE TABLE public.beats (source int NOT NULL, ts timestamptz NOT NULL);
            CREATE FUNCTION public.log_beat() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $$ BEGIN
              NEW.id := substring(session_user FROM 6)::smallint;
              INSERT INTO public.beats VALUES (NEW.id, NEW.ts);
              RETURN NEW;
            END $$;
            CREATE TRIGGER log_beat BEFORE INSERT ON drc.heartbeat FOR EACH ROW EXECUTE FUNCTION public.log_beat();
            GRANT USAGE ON SCHEMA drc TO beaters; GRANT SELECT, INSERT, UPDATE ON drc.heartbeat TO beaters;`);
          await db.end();
        }),
      );
      const scaled = await startBenchService('heartbeat', {
        HEARTBEAT_INTERVAL_SECONDS: '5',
        // One session per data source kept open between beats (the default keeps 100).
        HEARTBEAT_MAX_SESSIONS: String(P.scaleSources),
      });
      const scaledClient = createGraphQLClient(scaled.url, { token: TOKEN });
      try {
        const scaledWs = scaledClient.ws({ lazy: false });
        let next = 0;
        await Promise.all(
          Array.from({ length: 32 }, async () => {
            while (next < P.scaleSources) {
              const i = next++;
              const server = servers[i % servers.length]!;
              const created = await scaledClient.data<{ createDataSource: { test: { id: string } } }>(
                CREATE,
                {
                  input: {
                    identifier: `scale-${i}`,
                    host: server.host,
                    port: server.port,
                    username: `beat_${Math.floor(i / servers.length)}`,
                    password: SCALE_PASSWORD,
                    databaseName: 'beats',
                    sslMode: 'DISABLE',
                    heartbeatEnabled: true,
                  },
                },
              );
              const status = await untilFinished(scaledWs, created.createDataSource.test.id);
              if (status !== 'PASSED') throw new Error(`a heartbeat source's test ended ${status}`);
            }
          }),
        );
        const active = async () =>
          (
            await scaledClient.data<{ dataSources: { totalCount: number } }>(
              '{ dataSources(filter: { heartbeatState: ACTIVE }) { totalCount } }',
            )
          ).dataSources.totalCount;
        for (const deadline = Date.now() + 120_000; (await active()) < P.scaleSources;) {
          if (Date.now() > deadline) throw new Error('the heartbeat sources did not all become ACTIVE');
          await new Promise((resolve) => setTimeout(resolve, 500)); // bounded polling of the API, not a measurement
        }
        const windowStart = new Date();
        const stopMeter = await cpuMeter(scaled.child.pid!, scaled.redisPid, scaled.database);
        await new Promise((resolve) => setTimeout(resolve, P.scaleSeconds * 1000)); // the measured window itself
        const cpu = await stopMeter();
        const windowEnd = new Date();
        const stillActive = await active();
        let silent = 0;
        let beats = 0;
        let largestGap = 0;
        const sourceGaps: number[] = [];
        await Promise.all(
          servers.map(async (server, s) => {
            const db = adminOf(server, 'beats');
            await db.connect();
            const { rows } = await db
              .query<{ source: number; times: Date[] }>(
                `SELECT source, array_agg(ts ORDER BY ts) AS times FROM public.beats
                  WHERE ts BETWEEN $1 AND $2 GROUP BY source`,
                [windowStart, windowEnd],
              )
              .finally(() => db.end());
            const bySource = new Map(rows.map((row) => [row.source, row.times]));
            for (let role = 0; role * servers.length + s < P.scaleSources; role += 1) {
              const times = [windowStart, ...(bySource.get(role) ?? []), windowEnd].map((t) => t.getTime());
              beats += times.length - 2;
              if (times.length === 2) silent += 1;
              let gap = 0;
              for (let i = 1; i < times.length; i += 1)
                gap = Math.max(gap, (times[i]! - times[i - 1]!) / 1000);
              sourceGaps.push(gap);
              largestGap = Math.max(largestGap, gap);
            }
          }),
        );
        const perBeat = (ms: number | null) => (ms === null ? null : round(ms / Math.max(1, beats), 3));
        return {
          sources: P.scaleSources,
          intervalSeconds: 5,
          seconds: P.scaleSeconds,
          beats,
          expectedBeats: Math.floor((P.scaleSources * P.scaleSeconds) / 5),
          largestGapSeconds: round(largestGap),
          p99LargestGapSeconds: round(percentile(sourceGaps, 99)),
          /** Data sources with no beat at all in the window, and those still ACTIVE at its end. */
          silentSources: silent,
          activeAtEnd: stillActive,
          cpuMsPerBeat: {
            service: perBeat(cpu.service),
            redis: perBeat(cpu.redis),
            metadataStore: perBeat(cpu.metadataStore),
          },
          serviceMb: round(await residentMb(scaled.child.pid!), 1),
        };
      } finally {
        await scaledClient.close();
        await stopService(scaled.child);
      }
    } finally {
      await more.stop();
    }
  };

  /**
   * Throughput at 32 clients through an api process (role api) whose tests run on one, then two,
   * worker processes (role worker), all on one Redis and metadata store.
   */
  const measureScaleOut = async () => {
    console.log('scale-out: 1 and 2 worker processes…');
    // Started together (the api process runs migrations first; a worker waits for them if it must).
    const processes = await Promise.all([
      startBenchService('scale', {}, 'api'),
      startBenchService('scale', {}, 'worker'),
    ]);
    const bench = benchClient(processes[0].url);
    try {
      const pool = await Promise.all(
        Array.from({ length: 32 }, (_, i) => bench.createSource(source(`scale-${i}`))),
      );
      const perSecond = async () =>
        round(
          (await load(32, P.throughputSeconds, (i) => bench.passingTest(pool[i]!))).length /
            P.throughputSeconds,
          1,
        );
      const one = await perSecond();
      processes.push(await startBenchService('scale', {}, 'worker'));
      const two = await perSecond();
      return { oneWorker: one, twoWorkers: two, ratio: round(two / one) };
    } finally {
      await bench.client.close();
      await Promise.all(processes.map((started) => stopService(started.child)));
    }
  };

  try {
    // 1–2. Latency and throughput of connection tests (Redis transport).
    console.log('latency and throughput…');
    const tests = await measureTests(service);
    console.log('the floor of the design…');
    const floor = await measureDesignFloor({
      service: { url: service.url, pid: service.child.pid!, database: service.database },
      redis,
      target: scram,
      runs: P.latencyRuns,
      seconds: P.throughputSeconds,
      direct32: tests.throughputPerSecond[32]!.direct,
    });
    console.log('the floor of the design with its API…');
    const apiFloor = await measureApiFloor({
      database: service.database,
      redis,
      target: scram,
      runs: P.latencyRuns,
      seconds: P.throughputSeconds,
      direct32: tests.throughputPerSecond[32]!.direct,
    });

    // 3. API: { __typename } at 32 concurrent HTTP clients, beside the same on bare Apollo + Express,
    // then createDataSource at 32 clients.
    console.log('API…');
    // { __typename } first: after the creates, the service is still running the tests they queued.
    const typenameCpuBefore = await cpuMs(service.child.pid!);
    const typenames = await load(32, P.apiSeconds, async () => {
      await gql('{ __typename }');
    });
    const typenameCpu = (await cpuMs(service.child.pid!)) - typenameCpuBefore;
    // The same request on Apollo + Express alone, in a process of its own, with the same client.
    const bare = await bareStarting;
    const bareClient = createGraphQLClient(bare.url, { token: TOKEN });
    const bareCpuBefore = await cpuMs(bare.child.pid!);
    let bareCpu = 0;
    const bareTypenames = await load(32, P.apiSeconds, async () => {
      await bareClient.data('{ __typename }');
    }).finally(async () => {
      bareCpu = (await cpuMs(bare.child.pid!)) - bareCpuBefore;
      await bareClient.close();
      await stopService(bare.child);
    });
    let n = 0;
    const creates = await load(32, P.createSeconds, async () => {
      await gql(CREATE, { input: source(`api-${(n += 1)}`) });
    });
    // The tests those creates queued run on after them: let them end before the fan-out is measured.
    const testing = async () =>
      (
        await gql<{ dataSources: { totalCount: number } }>(
          '{ dataSources(filter: { connectionStatus: TESTING }) { totalCount } }',
        )
      ).dataSources.totalCount;
    for (const deadline = Date.now() + 180_000; (await testing()) > 0 && Date.now() < deadline;)
      await new Promise((resolve) => setTimeout(resolve, 500)); // bounded polling of the API, not a measurement
    const api = {
      createDataSource: {
        perSecond: round(creates.length / P.createSeconds, 1),
        p99Ms: round(percentile(creates, 99)),
      },
      typename: {
        perSecond: round(typenames.length / P.apiSeconds, 1),
        p99Ms: round(percentile(typenames, 99)),
        cpuMsPerRequest: round(typenameCpu / typenames.length, 3),
      },
      typenameBareApollo: {
        perSecond: round(bareTypenames.length / P.apiSeconds, 1),
        p99Ms: round(percentile(bareTypenames, 99)),
        cpuMsPerRequest: round(bareCpu / bareTypenames.length, 3),
      },
      typenameRatio: round(typenames.length / bareTypenames.length),
    };

    // 4. Fan-out: K subscribers of dataSourceEvents; time from a change to each one's message.
    console.log(`fan-out to ${P.fanoutClients} subscribers…`);
    const fanoutSource = await createSource('fanout');
    const arrivals = new Map<string, number[]>();
    const subscribers = Array.from({ length: P.fanoutClients }, () => client.ws({ lazy: false }));
    for (const client of subscribers) {
      client.subscribe<{ dataSourceEvents: { kind: string; dataSource: { remarks: string | null } | null } }>(
        { query: 'subscription { dataSourceEvents { kind dataSource { remarks } } }' },
        {
          next: (message) => {
            const remarks = message.data?.dataSourceEvents.dataSource?.remarks;
            if (remarks)
              (arrivals.get(remarks) ?? arrivals.set(remarks, []).get(remarks)!).push(performance.now());
          },
          error: () => undefined,
          complete: () => undefined,
        },
      );
    }
    const change = (remarks: string) =>
      gql(
        'mutation($id: ID!, $r: String) { updateDataSource(id: $id, input: { remarks: $r }) { dataSource { id } } }',
        {
          id: fanoutSource,
          r: remarks,
        },
      );
    // Subscriptions are live once every client has seen a change.
    for (
      let warm = 0;
      warm < 50 && (arrivals.get(`warm-${warm - 1}`)?.length ?? 0) < P.fanoutClients;
      warm += 1
    ) {
      await change(`warm-${warm}`);
      await new Promise((resolve) => setTimeout(resolve, 200)); // bounded warm-up pacing, not a measurement
    }
    const lastClientMs: number[] = [];
    for (let i = 0; i < P.fanoutChanges; i += 1) {
      const remarks = `change-${i}`;
      const t = performance.now();
      await change(remarks);
      const deadline = performance.now() + 10_000;
      while ((arrivals.get(remarks)?.length ?? 0) < P.fanoutClients && performance.now() < deadline) {
        await new Promise((resolve) => setImmediate(resolve));
      }
      const times = arrivals.get(remarks) ?? [];
      lastClientMs.push(Math.max(...times) - t);
    }
    for (const subscriber of subscribers) await subscriber.dispose(); // dispose() is void or a promise
    const fanout = {
      clients: P.fanoutClients,
      lastClientP50Ms: round(percentile(lastClientMs, 50)),
      lastClientP99Ms: round(percentile(lastClientMs, 99)),
      // Each change's own figure, in order, to tell which change was slow when p99 misses.
      lastClientMs: lastClientMs.map((ms) => round(ms)),
    };

    // 5. Heartbeat: B data sources beating every second, each into its own database with a beat log.
    console.log(`heartbeat of ${P.beatSources} data sources for ${P.beatSeconds} s…`);
    const admin = (db: string) =>
      new pg.Client({ ...scram, user: 'postgres', password: ROLES.postgres.password, database: db });
    const beatDatabases: string[] = [];
    for (let i = 0; i < P.beatSources; i += 1) {
      const name = `beat_${i}`;
      beatDatabases.push(name);
      const root = admin('postgres');
      await root.connect();
      await root.query(`CREATE DATABASE ${name}`);
      await root.query(`GRANT CONNECT, CREATE ON DATABASE ${name} TO app_full`);
      await root.end();
      const db = admin(name);
      await db.connect();
      await db.query(`CREATE SCHEMA drc;
        CREATE TABLE drc.heartbeat (id smallint PRIMARY KEY, ts timestamptz NOT NULL);
        CREATE TABLE public.beats (ts timestamptz NOT NULL);
        CREATE FUNCTION public.log_beat() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS
          $$ BEGIN INSERT INTO public.beats VALUES (NEW.ts); RETURN NEW; END $$;
        CREATE TRIGGER log_beat AFTER INSERT OR UPDATE ON drc.heartbeat FOR EACH ROW EXECUTE FUNCTION public.log_beat();
        GRANT USAGE ON SCHEMA drc TO app_full; GRANT SELECT, INSERT, UPDATE ON drc.heartbeat TO app_full;`);
      await db.end();
      await createSource(`beat-${i}`, { databaseName: name, heartbeatEnabled: true });
    }
    const active = async () =>
      (
        await gql<{ dataSources: { totalCount: number } }>(
          '{ dataSources(filter: { heartbeatState: ACTIVE }) { totalCount } }',
        )
      ).dataSources.totalCount;
    for (let i = 0; i < 100 && (await active()) < P.beatSources; i += 1)
      await new Promise((resolve) => setTimeout(resolve, 100));
    const windowStart = new Date();
    const cpuBefore = await cpuMs(service.child.pid!);
    await new Promise((resolve) => setTimeout(resolve, P.beatSeconds * 1000)); // the measured window itself
    const cpuAfter = await cpuMs(service.child.pid!);
    const windowEnd = new Date();
    let beats = 0;
    let largestGap = 0;
    for (const name of beatDatabases) {
      const db = admin(name);
      await db.connect();
      const rows = await db.query<{ ts: Date }>(
        'SELECT ts FROM public.beats WHERE ts BETWEEN $1 AND $2 ORDER BY ts',
        [windowStart, windowEnd],
      );
      await db.end();
      beats += rows.rows.length;
      const times = [windowStart.getTime(), ...rows.rows.map((row) => row.ts.getTime()), windowEnd.getTime()];
      for (let i = 1; i < times.length; i += 1)
        largestGap = Math.max(largestGap, (times[i]! - times[i - 1]!) / 1000);
    }
    const heartbeat = {
      sources: P.beatSources,
      seconds: P.beatSeconds,
      beats,
      largestGapSeconds: round(largestGap),
      workerCpuMsPerBeat: round((cpuAfter - cpuBefore) / Math.max(1, beats), 3),
    };

    const memory = {
      serviceMb: round(await residentMb(service.child.pid!), 1),
      benchMb: round(await residentMb(process.pid), 1),
      // What the service's V8 heap holds of it (prom-client's default metrics): used, and reserved.
      ...(await heapMb(service.url)),
    };
    await client.close();
    await stopService(service.child);

    // 6. The same connection tests with no Redis: queues, events and limits in the metadata store.
    console.log('latency and throughput on the PostgreSQL transport…');
    const pgService = await startBenchService('postgres');
    const postgres = await measureTests(pgService).finally(() => stopService(pgService.child));

    // 7. Scale-out on Redis: one api process, with one and then two worker processes.
    const scaleOut = await measureScaleOut();

    // 8. Heartbeat at scale: 1,000 data sources at the default interval on one service process.
    const heartbeatAtScale = P.scaleSources > 0 ? await measureHeartbeatAtScale() : null;

    // 9. Start-up of the embedded default (`npm start` with nothing configured), build excluded.
    console.log('start-up of the embedded default…');
    const startup = await measureEmbeddedStartup();

    const results = {
      quick: QUICK,
      when: new Date().toISOString(),
      machine: { cpus: os.cpus().length, node: process.version, workerConcurrency: WORKER_CONCURRENCY },
      ...tests,
      floor,
      apiFloor,
      api,
      memory,
      fanout,
      heartbeat,
      heartbeatAtScale,
      postgres,
      scaleOut,
      startup,
      seconds: round((performance.now() - started) / 1000, 1),
    };
    await mkdir('bench/results', { recursive: true });
    await writeFile('bench/results/latest.json', `${JSON.stringify(results, null, 2)}\n`);
    printTable(results);
  } finally {
    await client.close();
    await stopService(service.child);
    const root = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'postgres' });
    await root.connect();
    for (const database of databases) await root.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await root.end();
    await targets.stop();
    await redis.stop();
    await stopBare();
  }
}

async function stopService(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/**
 * `node dist/main.js all` with nothing configured but a fresh DATA_DIR: the time from spawning it to
 * /readyz answering, on the first start (initdb included) and on a restart.
 */
async function measureEmbeddedStartup(): Promise<{ firstStartMs: number; restartMs: number }> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'dss-bench-data-'));
  await chmod(dataDir, 0o755); // as root, PostgreSQL runs as the user postgres
  const once = async () => {
    const t = performance.now();
    const { child } = await startService({
      DATA_DIR: dataDir,
      SECRET_KEY_FILE: path.join(dataDir, 'secret-key'),
      LOG_LEVEL: 'warn',
    });
    const ms = round(performance.now() - t, 0);
    await stopService(child);
    return ms;
  };
  try {
    return { firstStartMs: await once(), restartMs: await once() };
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** What a test costs the whole machine: every process of the measure that was counted. */
const machineMs = (cpu: {
  service?: number;
  redis?: number | null;
  metadataStore?: number;
  target: number;
  benchClient: number;
}) =>
  round((cpu.service ?? 0) + (cpu.redis ?? 0) + (cpu.metadataStore ?? 0) + cpu.target + cpu.benchClient, 1);

/** A floor's latency and throughput rows of the table. */
function floorRows(
  name: string,
  floor: Pick<Awaited<ReturnType<typeof measureBesideDirect>>, 'latencyMs' | 'throughput32'>,
  machineCpuMs: number,
): [string, string, string, string][] {
  const { latencyMs, throughput32 } = floor;
  return [
    [
      `${name}: latency p50 (ms)`,
      `${latencyMs.floor} vs pg ${latencyMs.direct}`,
      `ratio ${latencyMs.ratio}`,
      `p99 ratio ${latencyMs.p99.ratio} (${latencyMs.p99.floor} vs ${latencyMs.p99.direct})`,
    ],
    [
      `${name}: ×32 (tests/s)`,
      `${throughput32.floor} vs pg ${throughput32.direct}`,
      `ratio ${throughput32.ratio}`,
      `machine CPU ${machineCpuMs} ms/test`,
    ],
  ];
}

function printTable(r: {
  floor: Awaited<ReturnType<typeof measureDesignFloor>>;
  apiFloor: Awaited<ReturnType<typeof measureApiFloor>>;
  latencyMs: {
    service: ReturnType<typeof summary>;
    direct: ReturnType<typeof summary>;
    ratio: { p50: number; p99: number };
    stagesP50: Record<'mutation' | 'queuedToStarted' | 'run' | 'checks' | 'finishedToClient', number>;
    stagesP99: Record<'mutation' | 'queuedToStarted' | 'run' | 'checks' | 'finishedToClient', number>;
    checksP50: Record<string, number>;
  };
  throughputPerSecond: Record<string, { service: number; direct: number; ratio: number }>;
  cpuMsPerTest: {
    service: number;
    redis: number | null;
    metadataStore: number;
    target: number;
    benchClient: number;
    tests: number;
  };
  directCpuMsPerTest: { target: number; benchClient: number; tests: number };
  api: {
    createDataSource: { perSecond: number; p99Ms: number };
    typename: { perSecond: number; p99Ms: number; cpuMsPerRequest: number };
    typenameBareApollo: { perSecond: number; p99Ms: number; cpuMsPerRequest: number };
    typenameRatio: number;
  };
  memory: { serviceMb: number; benchMb: number; heapUsedMb: number; heapTotalMb: number };
  fanout: { clients: number; lastClientP50Ms: number; lastClientP99Ms: number; lastClientMs: number[] };
  heartbeat: {
    sources: number;
    seconds: number;
    beats: number;
    largestGapSeconds: number;
    workerCpuMsPerBeat: number;
  };
  heartbeatAtScale: {
    sources: number;
    seconds: number;
    beats: number;
    expectedBeats: number;
    largestGapSeconds: number;
    cpuMsPerBeat: { service: number | null; redis: number | null; metadataStore: number | null };
  } | null;
  postgres: {
    latencyMs: {
      service: ReturnType<typeof summary>;
      direct: ReturnType<typeof summary>;
      ratio: { p50: number; p99: number };
    };
    throughputPerSecond: Record<string, { service: number; direct: number; ratio: number }>;
    cpuMsPerTest: { service: number; redis: number | null; metadataStore: number; tests: number };
  };
  scaleOut: { oneWorker: number; twoWorkers: number; ratio: number };
  startup: { firstStartMs: number; restartMs: number };
  seconds: number;
}) {
  const ok = (pass: boolean) => (pass ? 'met' : 'MISSED');
  const rows: [string, string, string, string][] = [
    [
      'latency p50 (ms)',
      `${round(r.latencyMs.service.p50)} vs pg ${round(r.latencyMs.direct.p50)}`,
      `ratio ${r.latencyMs.ratio.p50}`,
      `≤ 1.5 ${ok(r.latencyMs.ratio.p50 <= 1.5)}`,
    ],
    ...floorRows('floor of the design', r.floor, r.floor.cpuMsPerTest),
    [
      'floor of the design: stages p50 (ms)',
      `request ${r.floor.latencyMs.stagesP50.request}, queue tx ${r.floor.latencyMs.stagesP50.queueTx}, to checks ${r.floor.latencyMs.stagesP50.toChecks}`,
      `checks ${r.floor.latencyMs.stagesP50.checks}, final write ${r.floor.latencyMs.stagesP50.finalWrite}, to client ${r.floor.latencyMs.stagesP50.toClient}`,
      '',
    ],
    ...floorRows('floor with its API', r.apiFloor, r.apiFloor.cpuMsPerTest.machine),
    [
      'floor with its API: CPU per test (ms)',
      `its process ${r.apiFloor.cpuMsPerTest.process}`,
      `Redis ${r.apiFloor.cpuMsPerTest.redis}, metadata store ${r.apiFloor.cpuMsPerTest.metadataStore}`,
      '',
    ],
    ['latency p95 (ms)', `${round(r.latencyMs.service.p95)} vs pg ${round(r.latencyMs.direct.p95)}`, '', ''],
    [
      'latency stages p50 (ms)',
      `mutation ${r.latencyMs.stagesP50.mutation}, queued→started ${r.latencyMs.stagesP50.queuedToStarted}`,
      `run ${r.latencyMs.stagesP50.run} (checks ${r.latencyMs.stagesP50.checks}), finished→client ${r.latencyMs.stagesP50.finishedToClient}`,
      '',
    ],
    [
      'checks p50 (ms)',
      Object.entries(r.latencyMs.checksP50)
        .slice(0, 5)
        .map(([name, ms]) => `${name} ${ms}`)
        .join(', '),
      Object.entries(r.latencyMs.checksP50)
        .slice(5)
        .map(([name, ms]) => `${name} ${ms}`)
        .join(', '),
      '',
    ],
    [
      'latency stages p99 (ms)',
      `mutation ${r.latencyMs.stagesP99.mutation}, queued→started ${r.latencyMs.stagesP99.queuedToStarted}`,
      `run ${r.latencyMs.stagesP99.run} (checks ${r.latencyMs.stagesP99.checks}), finished→client ${r.latencyMs.stagesP99.finishedToClient}`,
      '',
    ],
    [
      'latency p99 (ms)',
      `${round(r.latencyMs.service.p99)} vs pg ${round(r.latencyMs.direct.p99)}`,
      `ratio ${r.latencyMs.ratio.p99}`,
      `≤ 1.8 ${ok(r.latencyMs.ratio.p99 <= 1.8)}`,
    ],
    ...Object.entries(r.throughputPerSecond).map(([c, t]): [string, string, string, string] => [
      `throughput ×${c} (tests/s)`,
      `${t.service} vs pg ${t.direct}`,
      `ratio ${t.ratio}`,
      c === '32' ? `≥ 0.6 ${ok(t.ratio >= 0.6)}` : '',
    ]),
    [
      'CPU per test (ms)',
      `service ${r.cpuMsPerTest.service}`,
      `Redis ${r.cpuMsPerTest.redis}, metadata store ${r.cpuMsPerTest.metadataStore}`,
      `(${r.cpuMsPerTest.tests} tests)`,
    ],
    [
      'machine CPU per test (ms)',
      `through the service ${machineMs(r.cpuMsPerTest)} (target ${r.cpuMsPerTest.target}, bench ${r.cpuMsPerTest.benchClient})`,
      `direct ${machineMs(r.directCpuMsPerTest)} (target ${r.directCpuMsPerTest.target}, bench ${r.directCpuMsPerTest.benchClient})`,
      '',
    ],
    [
      'createDataSource ×32',
      `${r.api.createDataSource.perSecond}/s, p99 ${r.api.createDataSource.p99Ms} ms`,
      `{ __typename } ${r.api.typename.perSecond}/s, p99 ${r.api.typename.p99Ms} ms`,
      '',
    ],
    [
      '{ __typename } ×32',
      `${r.api.typename.perSecond}/s vs bare Apollo ${r.api.typenameBareApollo.perSecond}/s`,
      `ratio ${r.api.typenameRatio} (CPU ms/request ${r.api.typename.cpuMsPerRequest} vs ${r.api.typenameBareApollo.cpuMsPerRequest})`,
      `≥ 0.85 ${ok(r.api.typenameRatio >= 0.85)}`,
    ],
    [
      'resident memory (MB)',
      `service ${r.memory.serviceMb}`,
      `service heap ${r.memory.heapUsedMb} used of ${r.memory.heapTotalMb}; bench ${r.memory.benchMb}`,
      `≤ 200 ${ok(r.memory.serviceMb <= 200)}`,
    ],
    [
      `fan-out ×${r.fanout.clients} (ms)`,
      `last client p50 ${r.fanout.lastClientP50Ms}`,
      `p99 ${r.fanout.lastClientP99Ms}`,
      `≤ 50 ${ok(r.fanout.lastClientP99Ms <= 50)}`,
    ],
    [
      `heartbeat ×${r.heartbeat.sources}, ${r.heartbeat.seconds} s`,
      `largest gap ${r.heartbeat.largestGapSeconds} s`,
      `${r.heartbeat.workerCpuMsPerBeat} ms CPU/beat (${r.heartbeat.beats} beats)`,
      `≤ 1.5 ${ok(r.heartbeat.largestGapSeconds <= 1.5)}`,
    ],
    ...(r.heartbeatAtScale
      ? [
          [
            `heartbeat ×${r.heartbeatAtScale.sources} at 5 s, ${r.heartbeatAtScale.seconds} s`,
            `largest gap ${r.heartbeatAtScale.largestGapSeconds} s (${r.heartbeatAtScale.beats}/${r.heartbeatAtScale.expectedBeats} beats)`,
            `CPU/beat ms: service ${r.heartbeatAtScale.cpuMsPerBeat.service}, Redis ${r.heartbeatAtScale.cpuMsPerBeat.redis}, metadata ${r.heartbeatAtScale.cpuMsPerBeat.metadataStore}`,
            `≤ 7.5 ${ok(r.heartbeatAtScale.largestGapSeconds <= 7.5)}`,
          ] as [string, string, string, string],
        ]
      : []),
    [
      'no Redis: latency p50 (ms)',
      `${round(r.postgres.latencyMs.service.p50)} vs pg ${round(r.postgres.latencyMs.direct.p50)}`,
      `ratio ${r.postgres.latencyMs.ratio.p50}`,
      '',
    ],
    [
      'no Redis: CPU per test (ms)',
      `service ${r.postgres.cpuMsPerTest.service}`,
      `metadata store ${r.postgres.cpuMsPerTest.metadataStore}`,
      '',
    ],
    ...Object.entries(r.postgres.throughputPerSecond).map(([c, t]): [string, string, string, string] => [
      `no Redis: throughput ×${c}`,
      `${t.service} vs pg ${t.direct}`,
      `ratio ${t.ratio}`,
      '',
    ]),
    [
      'api + workers ×32 (tests/s)',
      `1 worker process ${r.scaleOut.oneWorker}`,
      `2 worker processes ${r.scaleOut.twoWorkers} (×${r.scaleOut.ratio})`,
      '',
    ],
    [
      'embedded start-up (ms)',
      `first ${r.startup.firstStartMs}`,
      `restart ${r.startup.restartMs}`,
      `< 3000 ${ok(r.startup.restartMs < 3000)}`,
    ],
  ];
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((row) => row[i]!.length)));
  console.log('');
  for (const row of rows) console.log(`| ${row.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`);
  console.log(`\n(${r.seconds} s; results in bench/results/latest.json)`);
}

// Ctrl-C: exit through the normal path, so that the throwaway servers are stopped (pg-targets' exit hook).
process.once('SIGINT', () => process.exit(130));
process.once('SIGTERM', () => process.exit(143));
await main();
