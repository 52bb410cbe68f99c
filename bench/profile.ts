// `npm run bench:profile [-- --transport postgres] [-- --tests N | --typename N] [-- --selection console]
// [-- --floor]`: where the service's CPU goes during connection tests. Starts a throwaway PostgreSQL
// and the built service under `node --cpu-prof`, runs N connection tests (half one at a time, half
// from 32 clients), stops the service so that it writes its profile, and prints the self time by package
// and by function: the "flame summary" of README's Performance section. It also counts what a test
// costs the stores: the statements the metadata store ran for it (log_statement=all on the
// profile's own database, read back from PG_LOG) and the commands of a Redis server of its own,
// with that Redis's CPU. `--floor` then runs the same tests, the same way, against the floor of the
// design with its API (bench/floor-service.ts) under `--cpu-prof`, and prints the same for its
// process: what the service's own code costs, package by package. KEEP_PROFILE=1 leaves the profiles
// (and the run's temp directory) in place.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { createGraphQLClient } from '../test/support/client.js';
import { ROLES, startTargets } from '../test/support/pg-targets.js';
import { freePort } from '../test/support/service-process.js';
import { startApiFloor } from './reference.js';

const arg = (name: string) => {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
};
const TRANSPORT = arg('transport') === 'postgres' ? 'postgres' : 'redis';
const UNITS_ARG = Number(arg('tests') ?? 400);
/** `--typename N`: N `{ __typename }` requests from 32 clients instead of tests (the API's own cost). */
const TYPENAMES = Number(arg('typename') ?? 0);
/** What the figures are per: a test, or a `{ __typename }` request. */
const UNITS = TYPENAMES > 0 ? TYPENAMES : UNITS_ARG;
const UNIT = TYPENAMES > 0 ? 'request' : 'test';
/**
 * `--selection console`: each test followed with the console's selection (web/src/api/documents.ts,
 * TestFields), rather than `{ status }`, to see what the subscription's execution of each event costs.
 */
const SELECTION =
  arg('selection') === 'console'
    ? `id dataSourceId status errorCode message queuedAt startedAt finishedAt durationMs
       checks { endpoint name status code message hint durationMs }
       server { version inRecovery walLevel readableSchemas } standbyServer { version inRecovery }`
    : 'status';
/** `--floor`: the same load against the floor of the design with its API, profiled the same way. */
const FLOOR = process.argv.includes('--floor');
/**
 * `--perf`: Linux `perf record` (cpu-clock, 1 kHz, every thread) instead of V8's profiler, whose
 * samples land mostly as a thread returns from the kernel and so charge socket writes with time that
 * perf finds in JavaScript, the collector and the compiler. Needs `perf` on the PATH.
 */
const PERF = process.argv.includes('--perf');
/** `--warm N`: the load run N times before the measured one, so that V8 has compiled what it runs. */
const WARM = Number(arg('warm') ?? 0);
/** How each process is profiled: V8's `--cpu-prof` into `dir`, or symbols for perf (/tmp/perf-<pid>.map). */
const profiling = (dir: string) =>
  PERF
    ? // With it, V8 also writes a log of its own: kept with the profiles, out of the working directory.
      ['--perf-basic-prof', '--no-logfile-per-isolate', `--logfile=${path.join(dir, 'v8.log')}`]
    : ['--cpu-prof', `--cpu-prof-dir=${dir}`];
if (FLOOR && (TRANSPORT === 'postgres' || TYPENAMES > 0)) {
  console.error(
    '--floor runs connection tests on Redis: it takes neither --transport postgres nor --typename',
  );
  process.exit(2);
}
const TOKEN = 'profile-admin-token-0123456789';
/** The metadata server's log (stderr of the Debian cluster), where log_statement=all writes. */
const PG_LOG = process.env.PG_LOG ?? '/var/log/postgresql/postgresql-15-main.log';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  /** Microseconds on the monotonic clock (process.hrtime's). */
  startTime: number;
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Where a frame's code lives: our module, a package, or Node itself. */
function groupOf(url: string): string {
  if (url === '') return '(native / idle / gc)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  const own = /\/dist\/(.+)$/.exec(url) ?? /\/src\/(.+)$/.exec(url);
  if (own) return `src/${own[1]!.replace(/\/[^/]+$/, '/')}`;
  if (url.startsWith('node:')) return 'node:internal';
  return url;
}

async function main() {
  const targets = await startTargets({ maxConnections: 300 });
  const scram = targets.targets.scram;
  const suffix = randomBytes(4).toString('hex');
  const database = `dss_profile_${suffix}`;
  const profileDir = await mkdtemp(path.join(os.tmpdir(), 'dss-profile-'));
  const root = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'postgres' });
  await root.connect();
  // Created here (the service finds it and migrates it) so that every session of it logs its statements.
  await root.query(`CREATE DATABASE ${database}`);
  await root.query(`ALTER DATABASE ${database} SET log_statement = 'all'`);
  const redisPort = await freePort();
  const redis = spawn('redis-server', ['--port', String(redisPort), '--save', '', '--dir', profileDir], {
    stdio: 'ignore',
  });
  const redisCli = async (...args: string[]) => {
    const socket = net.connect(redisPort, '127.0.0.1');
    await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    const closed = new Promise((resolve) => socket.once('close', resolve));
    socket.end(`${args.join(' ')}\r\nQUIT\r\n`);
    await closed;
    return Buffer.concat(chunks).toString();
  };
  // No event says a child process is listening: it is asked until it answers.
  for (let i = 0; i < 100 && !(await redisCli('PING').catch(() => '')).includes('PONG'); i += 1)
    await new Promise((resolve) => setTimeout(resolve, 50));
  const redisCommands = async () =>
    new Map(
      [...(await redisCli('INFO', 'commandstats')).matchAll(/cmdstat_([^:]+):calls=(\d+)/g)].map(
        (m) => [m[1]!, Number(m[2])] as const,
      ),
    );
  const statementsLogged = async (from: number) => {
    const size = (await stat(PG_LOG)).size;
    const counts = new Map<string, number>();
    if (size <= from) return counts; // nothing logged since (`--typename` runs no statement)
    let rest = '';
    for await (const chunk of createReadStream(PG_LOG, { start: from, end: size - 1, encoding: 'utf8' })) {
      const lines = (rest + String(chunk)).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) {
        const found = new RegExp(`@${database} LOG:  (?:statement|execute [^:]*): (.*)`).exec(line);
        if (found) counts.set(found[1]!.slice(0, 70), (counts.get(found[1]!.slice(0, 70)) ?? 0) + 1);
      }
    }
    return counts;
  };
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [
      ...(process.env.BENCH_NODE_FLAGS?.split(' ').filter(Boolean) ?? []),
      ...profiling(profileDir),
      'dist/main.js',
      'all',
    ],
    {
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'production',
        LOG_LEVEL: 'warn',
        HOST: '127.0.0.1',
        PORT: String(port),
        DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${database}`,
        ...(TRANSPORT === 'redis'
          ? { REDIS_URL: `redis://127.0.0.1:${redisPort}`, REDIS_PREFIX: `profile-${suffix}` }
          : { QUEUE_TRANSPORT: 'postgres' }),
        SECRET_KEY: randomBytes(32).toString('base64'),
        API_TOKENS: `admin:${TOKEN}`,
        WORKER_CONCURRENCY: '32',
        TARGET_ALLOW_CIDRS: '127.0.0.1/32',
        RATE_LIMIT_MUTATIONS_PER_MINUTE: '1000000',
        RATE_LIMIT_TESTS_PER_MINUTE: '1000000',
        TARGET_MAX_CONCURRENT_TESTS: '1000',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const base = `http://127.0.0.1:${port}`;
  // No event says a child process is ready: its answer is asked for until it comes.
  while (
    (await fetch(`${base}/readyz`).then(
      (r) => r.status,
      () => 0,
    )) !== 200
  ) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const service = follower(`${base}/graphql`);
  const sources = await Promise.all(
    Array.from({ length: 32 }, async (_, i) => {
      const { createDataSource } = await service.client.data<{
        createDataSource: { dataSource: { id: string }; test: { id: string } };
      }>(
        'mutation($input: CreateDataSourceInput!) { createDataSource(input: $input) { dataSource { id } test { id } } }',
        {
          input: {
            identifier: `profile-${i}`,
            ...scram,
            username: 'app_full',
            password: ROLES.app_full.password,
            databaseName: 'appdb',
            sslMode: 'DISABLE',
          },
        },
      );
      await service.finished(createDataSource.test.id);
      return createDataSource.dataSource.id;
    }),
  );

  /** The load, with what it cost the process `pid`, its Redis and the metadata store. */
  const measure = async (pid: number, load: () => Promise<void>): Promise<Measured> => {
    for (let i = 0; i < WARM; i += 1) await load();
    const perf = PERF ? await perfRecord(pid, profileDir) : undefined;
    const windowStart = Number(process.hrtime.bigint() / 1000n);
    const cpuBefore = await cpuMs(pid);
    const redisCpuBefore = await cpuMs(redis.pid!);
    const commandsBefore = await redisCommands();
    const logFrom = await stat(PG_LOG).then(
      (s) => s.size,
      () => undefined,
    );
    await load();
    await perf?.stop();
    const cpu = (await cpuMs(pid)) - cpuBefore;
    const windowEnd = Number(process.hrtime.bigint() / 1000n);
    const redisCpu = (await cpuMs(redis.pid!)) - redisCpuBefore;
    const commandsAfter = await redisCommands();
    const commandCounts = new Map(
      [...commandsAfter]
        .map(([name, n]) => [name, n - (commandsBefore.get(name) ?? 0)] as const)
        .filter(([name]) => name !== 'info'),
    );
    const statementCounts =
      logFrom === undefined ? new Map<string, number>() : await statementsLogged(logFrom);
    return {
      windowStart,
      windowEnd,
      cpu,
      redisCpu,
      commandCounts,
      statementCounts,
      perf: perf && { file: perf.file, pid },
    };
  };
  /** Half the tests one at a time, half from 32 clients (one per data source). */
  const tests = (test: (id: string) => Promise<void>, ids: string[]) => async () => {
    let next = 0;
    for (let i = 0; i < UNITS_ARG / 2; i += 1) await test(ids[0]!);
    await Promise.all(
      ids.map(async (id) => {
        while (next < UNITS_ARG / 2) {
          next += 1;
          await test(id);
        }
      }),
    );
  };
  const typenames = async () => {
    let next = 0;
    await Promise.all(
      sources.map(async () => {
        while (next < TYPENAMES) {
          next += 1;
          await service.client.data('{ __typename }');
        }
      }),
    );
  };

  const measured = await measure(child.pid!, TYPENAMES > 0 ? typenames : tests(service.test, sources));
  await service.client.close();
  child.kill('SIGTERM');
  await exited;
  await report('service', profileDir, measured);

  if (FLOOR) {
    // The service's rows stay: the floor copies its data sources and reads a test of theirs that PASSED.
    const floorDir = path.join(profileDir, 'floor');
    await mkdir(floorDir);
    const started = await startApiFloor(
      { database, redisUrl: `redis://127.0.0.1:${redisPort}`, target: scram },
      profiling(floorDir),
    );
    const floorExited = new Promise((resolve) => started.child.once('exit', resolve));
    const floor = follower(started.url);
    const db = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database });
    await db.connect();
    const ids = await db
      .query<{ id: string }>('SELECT id FROM floor_sources LIMIT 32')
      .then((result) => result.rows.map((row) => row.id))
      .finally(() => db.end());
    const floorMeasured = await measure(started.child.pid!, tests(floor.test, ids));
    await floor.client.close();
    started.child.kill('SIGTERM');
    await floorExited;
    await report('floor of the design with its API (bench/floor-service.ts)', floorDir, floorMeasured);
  }

  redis.kill('SIGTERM');
  if (process.env.KEEP_PROFILE) console.log(`\nprofiles kept in ${profileDir}`);
  else await rm(profileDir, { recursive: true, force: true });
  await root.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await root.end();
  await targets.stop();
}

/** What a load cost: its window (the profile's clock), CPU ms of the process and of Redis, and counts. */
interface Measured {
  windowStart: number;
  windowEnd: number;
  cpu: number;
  redisCpu: number;
  commandCounts: Map<string, number>;
  statementCounts: Map<string, number>;
  /** With `--perf`: the recording of the load, and the process it recorded. */
  perf?: { file: string; pid: number };
}

/** A client of a GraphQL server that follows each test it asks for until the test ends. */
function follower(url: string) {
  const client = createGraphQLClient(url, { token: TOKEN });
  const ws = client.ws({ lazy: false });
  const finished = (id: string) =>
    new Promise<string>((resolve, reject) => {
      let status = '';
      ws.subscribe<{ connectionTestUpdated: { status: string } }>(
        {
          query: `subscription($id: ID!) { connectionTestUpdated(testId: $id) { ${SELECTION} } }`,
          variables: { id },
        },
        {
          next: (message) => (status = message.data?.connectionTestUpdated.status ?? status),
          error: reject,
          complete: () => resolve(status),
        },
      );
    });
  const test = async (id: string) => {
    const { testConnection } = await client.data<{ testConnection: { id: string } }>(
      'mutation($id: ID) { testConnection(input: { dataSourceId: $id }) { id } }',
      { id },
    );
    if ((await finished(testConnection.id)) !== 'PASSED') throw new Error('a profiled test did not pass');
  };
  return { client, finished, test };
}

/** Prints what the load cost, then where the process's CPU went (its V8 profile, or perf's). */
async function report(label: string, dir: string, measured: Measured) {
  const { cpu, redisCpu, commandCounts, statementCounts } = measured;
  const commands = [...commandCounts.values()].reduce((a, b) => a + b, 0);
  const statements = [...statementCounts.values()].reduce((a, b) => a + b, 0);
  console.log(
    `\n== ${label}\ntransport ${TRANSPORT}: ${UNITS} ${UNIT}s, process CPU ${(cpu / UNITS).toFixed(2)} ms per ${UNIT}`,
  );
  console.log(
    `per ${UNIT}: ${(statements / UNITS).toFixed(1)} metadata statements` +
      (TRANSPORT === 'redis'
        ? `, ${(commands / UNITS).toFixed(1)} Redis commands, Redis CPU ${(redisCpu / UNITS).toFixed(2)} ms`
        : ''),
  );
  const perTest = (map: Map<string, number>, n: number) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, count]) => `${(count / UNITS).toFixed(2).padStart(6)}  ${name}`)
      .join('\n');
  console.log(`\nmetadata statements per ${UNIT}:\n${perTest(statementCounts, 25)}`);
  if (TRANSPORT === 'redis') console.log(`\nRedis commands per ${UNIT}:\n${perTest(commandCounts, 15)}`);
  if (measured.perf) {
    await perfSummary(measured.perf.file, cpu);
    // The symbols node wrote for perf (--perf-basic-prof), read now.
    await rm(`/tmp/perf-${measured.perf.pid}.map`, { force: true });
  } else await cpuProfileSummary(dir, measured);
}

/** Self time by package and by function within the load, from the V8 profile that `dir` holds. */
async function cpuProfileSummary(dir: string, { windowStart, windowEnd }: Measured) {
  const [file] = (await readdir(dir)).filter((name) => name.endsWith('.cpuprofile'));
  const profile = JSON.parse(await readFile(path.join(dir, file!), 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfByGroup = new Map<string, number>();
  const selfByFunction = new Map<string, number>();
  /** Node's own time (syscalls, GC, internals) charged to the nearest package or module up the stack. */
  const byCaller = new Map<string, number>();
  const parentOf = new Map<number, ProfileNode>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node);
  const callerGroup = (node: ProfileNode): string => {
    for (let at: ProfileNode | undefined = node; at; at = parentOf.get(at.id)) {
      const group = groupOf(at.callFrame.url);
      if (group !== '(native / idle / gc)' && group !== 'node:internal') return group;
    }
    return groupOf(node.callFrame.url);
  };
  let total = 0;
  // Only the samples of the tests themselves: not the start-up, nor the shutdown.
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    at += profile.timeDeltas[i] ?? 0;
    if (at < windowStart || at > windowEnd) return;
    if (!node || node.callFrame.functionName === '(idle)') return;
    total += ms;
    const group = groupOf(node.callFrame.url);
    selfByGroup.set(group, (selfByGroup.get(group) ?? 0) + ms);
    const name = `${node.callFrame.functionName || '(anonymous)'} ${group}:${node.callFrame.lineNumber + 1}`;
    selfByFunction.set(name, (selfByFunction.get(name) ?? 0) + ms);
    const caller = callerGroup(node);
    byCaller.set(caller, (byCaller.get(caller) ?? 0) + ms);
  });
  const top = (map: Map<string, number>, n: number) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(
        ([name, ms]) =>
          `${((100 * ms) / total).toFixed(1).padStart(5)}%  ${(ms / UNITS).toFixed(2).padStart(5)} ms/${UNIT}  ${name}`,
      );
  console.log(
    `\nself time during the load (${(total / UNITS).toFixed(2)} ms per ${UNIT} sampled), by package / module:`,
  );
  console.log(top(selfByGroup, 25).join('\n'));
  console.log("\nthe same, with Node's own time charged to the package or module that called it:");
  console.log(top(byCaller, 15).join('\n'));
  console.log('\nself time by function:');
  console.log(top(selfByFunction, 30).join('\n'));
}

/** `perf record` of process `pid` until stop(). */
async function perfRecord(pid: number, dir: string) {
  const file = path.join(dir, `perf-${pid}.data`);
  const perf = spawn(
    'perf',
    ['record', '-q', '-e', 'cpu-clock', '-F', '1000', '-g', '-p', String(pid), '-o', file],
    {
      stdio: 'ignore',
    },
  );
  const exited = new Promise((resolve, reject) => perf.once('exit', resolve).once('error', reject));
  // perf says nothing once it is attached: it is given a moment, which only shortens its window.
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 500))]);
  if (perf.exitCode !== null) throw new Error(`perf record exited (${perf.exitCode}): is perf installed?`);
  return {
    file,
    stop: async () => {
      perf.kill('SIGINT');
      await exited;
    },
  };
}

/** The package or module of a JavaScript frame as `--perf-basic-prof` names it. */
function jsGroup(symbol: string): string {
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(symbol);
  if (pkg) return pkg[1]!;
  const own = /\/dist\/(.+?\/)?[^/]+:\d/.exec(symbol);
  if (own) return `src/${own[1] ?? ''}`;
  const bench = /\/(bench\/[^:]+):\d/.exec(symbol);
  if (bench) return bench[1]!;
  return symbol.includes('node:') ? 'node:internal' : 'other';
}

/** Where each perf sample was: the kernel, V8's collector or compiler, its builtins, JS by package, … */
function perfCategory(dso: string, symbol: string): string {
  if (dso.includes('kernel')) return 'kernel (sockets, scheduling)';
  if (symbol.startsWith('JS:')) return `JS: ${jsGroup(symbol)}`;
  // JSON first: its parser is not the compiler's.
  if (/Json/.test(symbol)) return 'JSON';
  if (/Scaveng|Mark|Sweep|Heap::|Evacuat|Compactor|Worklist|RememberedSet|SlotSet|GC/.test(symbol))
    return 'V8 garbage collector';
  if (/compiler::|Compile|Baseline|Maglev|maglev|(?<!Date)Parser|Scanner|Bytecode|Zone/.test(symbol))
    return 'V8 compiler (JIT)';
  if (symbol.startsWith('Builtins_')) return 'V8 builtins (property access, calls, promises)';
  if (dso.startsWith('libc')) return 'libc (malloc, memcpy)';
  if (dso === 'node') return /uv_|node::/.test(symbol) ? 'Node and libuv' : 'V8 runtime';
  return dso;
}

/** The process's CPU per unit split by perfCategory, from perf's own report of the recording. */
async function perfSummary(file: string, cpu: number) {
  const perf = spawn(
    'perf',
    ['report', '-i', file, '--no-children', '--sort', 'dso,sym', '-g', 'none', '--percent-limit', '0'],
    {
      stdio: ['ignore', 'pipe', 'ignore'],
    },
  );
  let out = '';
  perf.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  await new Promise((resolve) => perf.once('exit', resolve));
  const byCategory = new Map<string, number>();
  for (const line of out.split('\n')) {
    const found = /^\s*([\d.]+)%\s+(\S+)(?: tid \d+)?\s+\[.\] (.*)$/.exec(line);
    if (!found) continue;
    const category = perfCategory(found[2]!, found[3]!.trim());
    byCategory.set(category, (byCategory.get(category) ?? 0) + Number(found[1]));
  }
  console.log(`\nthe process's CPU by where perf found it (ms per ${UNIT}, of ${(cpu / UNITS).toFixed(2)}):`);
  for (const [category, percent] of [...byCategory].sort((a, b) => b[1] - a[1]).slice(0, 25))
    console.log(`${((percent / 100) * (cpu / UNITS)).toFixed(3).padStart(7)}  ${category}`);

  // Each sample charged to the package of the nearest JavaScript frame on its stack (builtins, V8's
  // runtime, allocation's collections and syscalls included); samples with none stay where they were.
  const script = spawn('perf', ['script', '-i', file], { stdio: ['ignore', 'pipe', 'ignore'] });
  const byCaller = new Map<string, number>();
  let samples = 0;
  let charged: string | undefined;
  let leaf: string | undefined;
  const endSample = () => {
    if (leaf === undefined) return;
    samples += 1;
    const group = charged ?? leaf;
    byCaller.set(group, (byCaller.get(group) ?? 0) + 1);
    charged = leaf = undefined;
  };
  for await (const line of createInterface({ input: script.stdout })) {
    const frame = /^\s+[0-9a-f]+ (.*?)(?:\+0x[0-9a-f]+)? \((.*)\)$/.exec(line);
    if (!frame) {
      endSample();
      continue;
    }
    const [, symbol = '', dso = ''] = frame;
    leaf ??= perfCategory(dso.includes('kernel') ? 'kernel' : path.basename(dso), symbol);
    if (charged === undefined && symbol.startsWith('JS:')) charged = jsGroup(symbol);
  }
  endSample();
  console.log(`\nthe same, charged to the package of the nearest JavaScript frame (ms per ${UNIT}):`);
  for (const [group, count] of [...byCaller].sort((a, b) => b[1] - a[1]).slice(0, 25))
    console.log(`${((count / samples) * (cpu / UNITS)).toFixed(3).padStart(7)}  ${group}`);
}

async function cpuMs(pid: number): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]?.split(' ') ?? [];
  // utime and stime are fields 14 and 15 of /proc/pid/stat, in clock ticks (100 per second here).
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

await main();
