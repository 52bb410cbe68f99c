import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { CANARY_PASSWORD } from './env.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface ServiceProcess {
  child: ChildProcess;
  /** stdout and stderr, line by line: for assertions about what the process logs, never to wait on. */
  lines: string[];
  /** Where its HTTP server listens: the API (roles api, all) or the ops endpoints (role worker). */
  baseUrl: string;
  /** The GraphQL endpoint (roles api and all). */
  url: string;
  /**
   * Resolves once /readyz answers 200: the process has started everything its role asks for (the
   * server listens last) and its metadata store and Redis answer. Rejects when it exits first.
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
  for (const stream of [child.stdout, child.stderr]) {
    let buffered = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      buffered += chunk;
      const parts = buffered.split('\n');
      buffered = parts.pop() ?? '';
      lines.push(...parts.filter((line) => line.length > 0));
    });
  }
  let running = true;
  const exited = once(child, 'exit').then(([code, signal]) => {
    running = false;
    return { code: code as number | null, signal: signal as NodeJS.Signals | null };
  });
  const baseUrl = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;

  return {
    child,
    lines,
    baseUrl,
    url: `${baseUrl}/graphql`,
    exited,
    async ready(ms = 30_000) {
      const deadline = Date.now() + ms;
      // A child process has no event to await: its readiness is an HTTP answer, asked for until it
      // comes (every 50 ms, bounded by `ms` and by the process's exit).
      for (;;) {
        if (!running) throw new Error(`the ${role} process exited before it was ready:\n${lines.join('\n')}`);
        const status = await fetch(`${baseUrl}/readyz`).then(
          async (response) => {
            await response.arrayBuffer();
            return response.status;
          },
          () => 0, // not listening yet
        );
        if (status === 200) return;
        if (Date.now() > deadline) {
          throw new Error(`the ${role} process was not ready within ${ms} ms:\n${lines.join('\n')}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
  };
}

export function assertNoCanaryIn(lines: string[]): void {
  const leaked = lines.find((line) => line.includes(CANARY_PASSWORD));
  if (leaked) throw new Error(`the canary password leaked into a log line: ${leaked.slice(0, 200)}`);
}
