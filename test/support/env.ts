import type { Targets } from './pg-targets.js';

// Where the tests find the machine's PostgreSQL and Redis (trust auth on loopback, DEVELOPERS.md).
export const PG_URL = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432';
export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export const databaseUrl = (name: string) => `${PG_URL}/${name}`;

/** A password that must never come back out of the service: every harness checks for it. */
export const CANARY_PASSWORD = 'canary-Pa55w0rd-7f3a9c1e';

declare module 'vitest' {
  export interface ProvidedContext {
    templateDatabase: string;
    targets: Targets;
  }
}
