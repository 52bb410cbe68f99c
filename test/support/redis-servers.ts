import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { vi } from 'vitest';
import { freePort } from './service-process.js';

// Throwaway redis-server processes on free loopback ports, each in a temporary directory: a plain
// server (with or without persistence), a three-master Cluster, a Sentinel group. For the topology
// tests in test/redis-ha/ (vitest.config.ts leaves them out, saying so, without a redis-server binary).

export interface RedisServer {
  readonly port: number;
  readonly url: string;
  /** Its last log lines (stdout): what to show when a wait fails. */
  readonly lines: string[];
  /** Kills the process (SIGKILL unless said otherwise) and resolves once it is gone. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again on the same port, directory and arguments (what it persisted, it loads). */
  restart(): Promise<void>;
}

const tempDirs: string[] = [];
const running = new Set<ChildProcess>();

/** A fresh temporary directory, removed by stopAllRedis(). */
export async function tempDir(name: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `dss-${name}-`));
  tempDirs.push(dir);
  return dir;
}

/**
 * Runs `redis-server` with `args` (a config file first, if any) and resolves once it logs that it
 * accepts connections: its own event, not a guess.
 */
async function launch(args: string[], lines: string[], readyLine: RegExp): Promise<ChildProcess> {
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let buffered = '';
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (chunk: string) => {
      buffered += chunk;
      const parts = buffered.split('\n');
      buffered = parts.pop() ?? '';
      lines.push(...parts);
      if (lines.length > 200) lines.splice(0, lines.length - 200);
      if (parts.some((line) => readyLine.test(line))) resolve();
    };
    child.stdout.setEncoding('utf8').on('data', onData);
    child.stderr.setEncoding('utf8').on('data', onData);
    child.once('exit', (code) =>
      reject(new Error(`redis-server ${args.join(' ')} exited (${code}):\n${lines.join('\n')}`)),
    );
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  try {
    await ready;
  } finally {
    clearTimeout(timer);
  }
  return child;
}

/** A redis-server on a free port in its own directory; `options` are extra command-line settings. */
export async function startRedisServer(
  options: { args?: string[]; name?: string } = {},
): Promise<RedisServer> {
  const port = await freePort();
  const dir = await tempDir(options.name ?? 'redis');
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--save',
    '',
    '--appendonly',
    'no',
    '--logfile',
    '',
    ...(options.args ?? []),
  ];
  const lines: string[] = [];
  let child = await launch(args, lines, /Ready to accept connections/);
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    lines,
    async kill(signal = 'SIGKILL') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill(signal);
      await exited;
    },
    async restart() {
      child = await launch(args, lines, /Ready to accept connections/);
    },
  };
}

/** Asks a server with a fresh short-lived client (never one the service under test uses). */
export async function ask<T>(
  port: number,
  command: (redis: Redis) => Promise<T>,
  password?: string,
): Promise<T> {
  const redis = new Redis({ host: '127.0.0.1', port, password, lazyConnect: true, maxRetriesPerRequest: 0 });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return await command(redis);
  } finally {
    redis.disconnect();
  }
}

/**
 * A Redis Cluster of three masters (no replicas), created with `redis-cli --cluster create`; resolves
 * once every node reports cluster_state:ok.
 */
export async function startRedisCluster(): Promise<{ nodes: RedisServer[]; seeds: string }> {
  const nodes: RedisServer[] = [];
  for (let i = 0; i < 3; i += 1) {
    nodes.push(
      await startRedisServer({
        name: `cluster-${i}`,
        args: [
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          'nodes.conf',
          '--cluster-node-timeout',
          '2000',
        ],
      }),
    );
  }
  const seeds = nodes.map((node) => `127.0.0.1:${node.port}`);
  await promisify(execFile)('redis-cli', ['--cluster', 'create', ...seeds, '--cluster-yes'], {
    timeout: 30_000,
  });
  // The nodes agree on the slots over the cluster bus a moment after redis-cli is done: no event a
  // client can await, so ask each until it says ok.
  await vi.waitFor(
    async () => {
      for (const node of nodes) {
        const info = await ask(node.port, (redis) => redis.cluster('INFO'));
        if (!/cluster_state:ok/.test(info)) throw new Error(`node ${node.port}: ${info.split('\n')[0]}`);
      }
    },
    { timeout: 20_000, interval: 100 },
  );
  return { nodes, seeds: seeds.join(',') };
}

export interface SentinelGroup {
  master: RedisServer;
  replica: RedisServer;
  sentinels: RedisServer[];
  /** host:port,… for REDIS_SENTINELS. */
  seeds: string;
  name: string;
  /** The port of the master the sentinels announce now. */
  masterPort(): Promise<number>;
}

/**
 * A master, one replica and three sentinels (quorum 2, a master is judged down after 1 s); resolves
 * once the replica is in sync and every sentinel knows the replica and the two other sentinels.
 * `password` protects the master and replica, `sentinelPassword` the sentinels.
 */
export async function startSentinelGroup(
  options: { password?: string; sentinelPassword?: string } = {},
): Promise<SentinelGroup> {
  const { password, sentinelPassword } = options;
  const name = 'dssmaster';
  const auth = password ? ['--requirepass', password, '--masterauth', password] : [];
  const master = await startRedisServer({ name: 'sentinel-master', args: auth });
  const replica = await startRedisServer({
    name: 'sentinel-replica',
    args: [...auth, '--replicaof', '127.0.0.1', String(master.port)],
  });
  const sentinels: RedisServer[] = [];
  for (let i = 0; i < 3; i += 1) {
    const port = await freePort();
    const dir = await tempDir(`sentinel-${i}`);
    const file = path.join(dir, 'sentinel.conf');
    await writeFile(
      file,
      [
        `port ${port}`,
        'bind 127.0.0.1',
        `dir ${dir}`,
        'logfile ""',
        `sentinel monitor ${name} 127.0.0.1 ${master.port} 2`,
        `sentinel down-after-milliseconds ${name} 1000`,
        `sentinel failover-timeout ${name} 5000`,
        `sentinel parallel-syncs ${name} 1`,
        ...(password ? [`sentinel auth-pass ${name} ${password}`] : []),
        ...(sentinelPassword
          ? [`requirepass ${sentinelPassword}`, `sentinel sentinel-pass ${sentinelPassword}`]
          : []),
        '',
      ].join('\n'),
    );
    const lines: string[] = [];
    const args = [file, '--sentinel'];
    let child = await launch(args, lines, /Sentinel ID is|\+monitor master/);
    sentinels.push({
      port,
      url: `redis://127.0.0.1:${port}`,
      lines,
      async kill(signal = 'SIGKILL') {
        const exited = once(child, 'exit');
        child.kill(signal);
        await exited;
      },
      async restart() {
        child = await launch(args, lines, /Sentinel ID is|\+monitor master/);
      },
    });
  }
  // Replication and sentinel discovery (hello messages every 2 s) have no event a client can await.
  await vi.waitFor(
    async () => {
      const info = await ask(replica.port, (redis) => redis.info('replication'), password);
      if (!/master_link_status:up/.test(info)) throw new Error('the replica is not in sync yet');
      for (const sentinel of sentinels) {
        const [replicas, peers] = await ask(
          sentinel.port,
          async (redis) => [
            (await redis.call('SENTINEL', 'REPLICAS', name)) as unknown[],
            (await redis.call('SENTINEL', 'SENTINELS', name)) as unknown[],
          ],
          sentinelPassword,
        );
        if (replicas?.length !== 1 || peers?.length !== 2)
          throw new Error(
            `sentinel ${sentinel.port} knows ${replicas?.length} replicas, ${peers?.length} peers`,
          );
      }
    },
    { timeout: 30_000, interval: 200 },
  );
  return {
    master,
    replica,
    sentinels,
    seeds: sentinels.map((sentinel) => `127.0.0.1:${sentinel.port}`).join(','),
    name,
    async masterPort() {
      const [, port] = (await ask(
        sentinels[0]!.port,
        (redis) => redis.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', name),
        sentinelPassword,
      )) as [string, string];
      return Number(port);
    },
  };
}

/** Kills every redis-server started here and removes their directories. */
export async function stopAllRedis(): Promise<void> {
  await Promise.all(
    [...running].map(async (child) => {
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    }),
  );
  for (const dir of tempDirs.splice(0)) await rm(dir, { recursive: true, force: true });
}
