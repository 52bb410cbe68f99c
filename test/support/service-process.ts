import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { CANARY_PASSWORD } from './env.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface ServiceProcess {
  child: ChildProcess;
  /** stdout and stderr, line by line. */
  lines: string[];
  /** Resolves with the first line matching `pattern` (already seen or still to come). */
  waitForLine(pattern: RegExp, ms?: number): Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Runs `src/main.ts <role>` as a real child process, as `npm start` would (through tsx, not a build). */
export function spawnService(role: string, env: Record<string, string>): ServiceProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', role], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const waiters = new Set<() => void>();
  for (const stream of [child.stdout, child.stderr]) {
    let buffered = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      buffered += chunk;
      const parts = buffered.split('\n');
      buffered = parts.pop() ?? '';
      lines.push(...parts.filter((line) => line.length > 0));
      for (const wake of waiters) wake();
    });
  }
  const exited = once(child, 'exit').then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
  }));
  return {
    child,
    lines,
    exited,
    waitForLine(pattern, ms = 20_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const line = lines.find((candidate) => pattern.test(candidate));
          if (!line) return false;
          finish();
          resolve(line);
          return true;
        };
        const timer = setTimeout(() => {
          finish();
          reject(new Error(`no line matching ${pattern} within ${ms} ms; output:\n${lines.join('\n')}`));
        }, ms);
        const onExit = () => {
          if (!check()) {
            finish();
            reject(new Error(`the process exited before printing ${pattern}; output:\n${lines.join('\n')}`));
          }
        };
        const finish = () => {
          clearTimeout(timer);
          waiters.delete(wake);
          child.off('exit', onExit);
        };
        const wake = () => void check();
        if (check()) return;
        waiters.add(wake);
        child.once('exit', onExit);
      });
    },
  };
}

export function assertNoCanaryIn(lines: string[]): void {
  const leaked = lines.find((line) => line.includes(CANARY_PASSWORD));
  if (leaked) throw new Error(`the canary password leaked into a log line: ${leaked.slice(0, 200)}`);
}
