// `npm run bench:profile [-- --transport postgres] [-- --tests N]`: where the service's CPU goes during
// connection tests. Starts a throwaway PostgreSQL and the built service under `node --cpu-prof`, runs N
// connection tests (half one at a time, half from 32 clients), stops the service so that it writes its
// profile, and prints the self time by package and by function: the "flame summary" of README's
// Performance section.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createGraphQLClient } from '../test/support/client.js';
import { ROLES, startTargets } from '../test/support/pg-targets.js';
import { freePort } from '../test/support/service-process.js';

const arg = (name: string) => {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
};
const TRANSPORT = arg('transport') === 'postgres' ? 'postgres' : 'redis';
const TESTS = Number(arg('tests') ?? 400);
const TOKEN = 'profile-admin-token-0123456789';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Where a frame's code lives: our module, a package, or Node itself. */
function groupOf(url: string): string {
  if (url === '') return '(native / idle / gc)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  const own = /\/dist\/(src\/.+)$/.exec(url) ?? /\/(src\/.+)$/.exec(url);
  if (own) return own[1]!.replace(/\/[^/]+$/, '/');
  if (url.startsWith('node:')) return 'node:internal';
  return url;
}

async function main() {
  const targets = await startTargets({ maxConnections: 300 });
  const scram = targets.targets.scram;
  const suffix = randomBytes(4).toString('hex');
  const database = `dss_profile_${suffix}`;
  const profileDir = await mkdtemp(path.join(os.tmpdir(), 'dss-profile-'));
  const port = await freePort();
  const child = spawn(
    process.execPath,
    ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, 'dist/main.js', 'all'],
    {
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'production',
        LOG_LEVEL: 'warn',
        HOST: '127.0.0.1',
        PORT: String(port),
        DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${database}`,
        ...(TRANSPORT === 'redis'
          ? { REDIS_URL: 'redis://127.0.0.1:6379', REDIS_PREFIX: `profile-${suffix}` }
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
  const client = createGraphQLClient(`${base}/graphql`, { token: TOKEN });
  const ws = client.ws({ lazy: false });
  const finished = (id: string) =>
    new Promise<string>((resolve, reject) => {
      let status = '';
      ws.subscribe<{ connectionTestUpdated: { status: string } }>(
        {
          query: 'subscription($id: ID!) { connectionTestUpdated(testId: $id) { status } }',
          variables: { id },
        },
        {
          next: (message) => (status = message.data?.connectionTestUpdated.status ?? status),
          error: reject,
          complete: () => resolve(status),
        },
      );
    });
  const sources = await Promise.all(
    Array.from({ length: 32 }, async (_, i) => {
      const { createDataSource } = await client.data<{
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
      await finished(createDataSource.test.id);
      return createDataSource.dataSource.id;
    }),
  );
  const test = async (id: string) => {
    const { testConnection } = await client.data<{ testConnection: { id: string } }>(
      'mutation($id: ID) { testConnection(input: { dataSourceId: $id }) { id } }',
      { id },
    );
    if ((await finished(testConnection.id)) !== 'PASSED') throw new Error('a profiled test did not pass');
  };
  const cpuBefore = await cpuMs(child.pid!);
  for (let i = 0; i < TESTS / 2; i += 1) await test(sources[0]!);
  let next = 0;
  await Promise.all(
    sources.map(async (id) => {
      while (next < TESTS / 2) {
        next += 1;
        await test(id);
      }
    }),
  );
  const cpu = (await cpuMs(child.pid!)) - cpuBefore;
  await client.close();
  child.kill('SIGTERM');
  await exited;

  const [file] = (await readdir(profileDir)).filter((name) => name.endsWith('.cpuprofile'));
  const profile = JSON.parse(await readFile(path.join(profileDir, file!), 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfByGroup = new Map<string, number>();
  const selfByFunction = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    if (!node || node.callFrame.functionName === '(idle)') return;
    total += ms;
    const group = groupOf(node.callFrame.url);
    selfByGroup.set(group, (selfByGroup.get(group) ?? 0) + ms);
    const name = `${node.callFrame.functionName || '(anonymous)'} ${group}:${node.callFrame.lineNumber + 1}`;
    selfByFunction.set(name, (selfByFunction.get(name) ?? 0) + ms);
  });
  const top = (map: Map<string, number>, n: number) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, ms]) => `${((100 * ms) / total).toFixed(1).padStart(5)}%  ${name}`);
  console.log(`transport ${TRANSPORT}: ${TESTS} tests, service CPU ${(cpu / TESTS).toFixed(2)} ms per test`);
  console.log('\nself time by package / module:');
  console.log(top(selfByGroup, 25).join('\n'));
  console.log('\nself time by function:');
  console.log(top(selfByFunction, 30).join('\n'));

  await rm(profileDir, { recursive: true, force: true });
  const root = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'postgres' });
  await root.connect();
  await root.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await root.end();
  await targets.stop();
}

async function cpuMs(pid: number): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]?.split(' ') ?? [];
  // utime and stime are fields 14 and 15 of /proc/pid/stat, in clock ticks (100 per second here).
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

await main();
