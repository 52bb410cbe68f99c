import type { DataSourceSpec } from '../../src/datasources/model.js';

/** A valid saved data source; each test says only what differs. */
export const spec = (overrides: Partial<DataSourceSpec> = {}): DataSourceSpec => ({
  identifier: 'orders',
  region: null,
  remarks: null,
  type: 'POSTGRESQL',
  databaseAttribute: 'PRIMARY',
  host: 'db.example',
  port: 5432,
  standby: null,
  username: 'migrator',
  databaseName: 'orders',
  schemaName: null,
  sslMode: 'PREFER',
  heartbeatEnabled: false,
  ...overrides,
});

/** `n` times the character `c` (default `a`). */
export const repeat = (n: number, c = 'a') => c.repeat(n);

export const fieldsOf = (errors: readonly { field: string }[]) => errors.map((error) => error.field);

/** A promise with its resolve and reject in hand, to decide when a fake I/O call completes. */
export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets every callback already queued (promise reactions, `finally`) run. */
export const settle = () => new Promise<void>((resolve) => setImmediate(resolve));
