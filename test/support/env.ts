import { inject } from 'vitest';
import type { Targets } from './pg-targets.js';

/** Where a project's queues, events, rate limits and target guard live (QUEUE_TRANSPORT). */
export type Transport = 'redis' | 'postgres';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The PostgreSQL server of the metadata databases, without a database (global-setup.ts). */
    pgUrl: string;
    templateDatabase: string;
    targets: Targets;
    /** The project's transport (vitest.config.ts). */
    transport: Transport;
    /** The Redis of the `integration-redis` project; absent in the others. */
    redisUrl?: string;
  }
}

/**
 * The PostgreSQL server that holds the metadata databases: the machine's (TEST_PG_URL, by default
 * postgres://postgres@127.0.0.1:5432), or an embedded one the global setup started when there is none.
 */
export const pgUrl = () => inject('pgUrl');

export const databaseUrl = (name: string) => `${pgUrl()}/${name}`;

/** The metadata server's TCP port: what a TcpProxy forwards to, to take it "down" for one service. */
export const pgPort = () => Number(new URL(pgUrl()).port || 5432);

/** `databaseUrl(name)` reached through another local port (a TcpProxy in front of the server). */
export function databaseUrlVia(port: number, name: string): string {
  const url = new URL(databaseUrl(name));
  url.port = String(port);
  return url.toString();
}

/** The transport of the running project: `integration-redis` or `integration-postgres`. */
export const transport = (): Transport => inject('transport');

/** The Redis of the `integration-redis` project (only there: the postgres project needs none). */
export function redisUrl(): string {
  const url = inject('redisUrl');
  if (!url)
    throw new Error(`the ${transport()} project has no Redis: only integration-redis tests may use it`);
  return url;
}

/** A password that must never come back out of the service: every harness checks for it. */
export const CANARY_PASSWORD = 'canary-Pa55w0rd-7f3a9c1e';
