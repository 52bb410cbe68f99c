// The benchmark's reference servers, each in a process of its own, for bench/run.ts and
// bench/profile.ts: Apollo + Express alone (bench/bare-apollo.ts, the `{ __typename }` reference) and
// the floor of the design behind its API (bench/floor-service.ts).
import { spawn, type ChildProcess } from 'node:child_process';

/**
 * A reference server, once it prints `ready <url>`. It runs with BENCH_NODE_FLAGS, then `flags` (a
 * profiler's, say), as the service does.
 */
export async function startReference(
  script: 'bench/bare-apollo.ts' | 'bench/floor-service.ts',
  env: Record<string, string> = {},
  flags: readonly string[] = [],
): Promise<{ child: ChildProcess; url: string }> {
  const nodeFlags = [...(process.env.BENCH_NODE_FLAGS?.split(' ').filter(Boolean) ?? []), ...flags];
  const child = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', script], {
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const found = /ready (\S+)/.exec(out);
      if (found) resolve(found[1]!);
    });
    child.once('exit', (code) => reject(new Error(`${script} exited (${code})`)));
  });
  return { child, url };
}

/**
 * The floor of the design with its API on the benchmark's metadata database (which must hold the
 * service's data sources and a test of theirs that PASSED), its Redis and its scram target.
 */
export const startApiFloor = (
  stores: { database: string; redisUrl: string; target: { host: string; port: number } },
  flags: readonly string[] = [],
) =>
  startReference(
    'bench/floor-service.ts',
    {
      FLOOR_DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${stores.database}`,
      FLOOR_REDIS_URL: stores.redisUrl,
      FLOOR_TARGET: `${stores.target.host}:${stores.target.port}`,
    },
    flags,
  );
