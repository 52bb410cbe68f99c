import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { CANARY_PASSWORD } from './env.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The line src/main.ts logs once its role has started (at the default level, info, or lower). */
const STARTED = '"msg":"data source service started"';

export interface ServiceProcess {
  child: ChildProcess;
  /** stdout and stderr, line by line: for assertions about what the process logs, never to wait on. */
  lines: string[];
  /** Where its HTTP server listens: the API (roles api, all) or the ops endpoints (role worker). */
  baseUrl: string;
  /** The GraphQL endpoint (roles api and all). */
  url: string;
  /**
   * Resolves once the process has logged that it started (src/main.ts, after everything its role
   * asks for, the server last) and /readyz then answers 200: its metadata store and Redis answer.
   * Rejects when it exits first, or does not start within `ms`.
   */
  ready(ms?: number): Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** A port nothing listens on now, for a child process to listen on (it cannot tell us its port 0). */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Runs `src/main.ts <role>` as a real child process, as `npm start` would (through tsx, not a build),
 * on 127.0.0.1 and a free port of its own unless `env` says otherwise.
 */
export async function spawnService(role: string, env: Record<string, string>): Promise<ServiceProcess> {
  const port = env.PORT ?? String(await freePort());
  const host = env.HOST ?? '127.0.0.1';
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', role], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', HOST: host, PORT: port, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let markStarted = () => undefined as void;
  const started = new Promise<void>((resolve) => (markStarted = resolve));
  for (const stream of [child.stdout, child.stderr]) {
    let buffered = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      buffered += chunk;
      const parts = buffered.split('\n');
      buffered = parts.pop() ?? '';
      lines.push(...parts.filter((line) => line.length > 0));
      if (parts.some((line) => line.includes(STARTED))) markStarted();
    });
  }
  const exited = once(child, 'exit').then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
  }));
  const baseUrl = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;

  return {
    child,
    lines,
    baseUrl,
    url: `${baseUrl}/graphql`,
    exited,
    async ready(ms = 30_000) {
      let timer: NodeJS.Timeout | undefined;
      const outcome = await Promise.race([
        started.then(() => 'started' as const),
        exited.then(() => 'exited' as const),
        new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), ms))),
      ]).finally(() => clearTimeout(timer));
      if (outcome === 'exited') {
        throw new Error(`the ${role} process exited before it was ready:\n${lines.join('\n')}`);
      }
      if (outcome === 'late') {
        throw new Error(`the ${role} process did not start within ${ms} ms:\n${lines.join('\n')}`);
      }
      const response = await fetch(`${baseUrl}/readyz`);
      await response.arrayBuffer();
      if (response.status !== 200) {
        throw new Error(
          `the ${role} process started, but /readyz answered ${response.status}:\n${lines.join('\n')}`,
        );
      }
    },
  };
}

export function assertNoCanaryIn(lines: string[]): void {
  const leaked = lines.find((line) => line.includes(CANARY_PASSWORD));
  if (leaked) throw new Error(`the canary password leaked into a log line: ${leaked.slice(0, 200)}`);
}
