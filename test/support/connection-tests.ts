import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject, vi } from 'vitest';
import type { CheckRecord, ServerInfoRecord } from '../../src/schema/index.js';
import type { Harness } from './harness.js';
import { ROLES, type PgTarget } from './pg-targets.js';

/** A check and a server as the API shows them: the stored records' shapes. */
export type CheckData = CheckRecord;
type ServerData = ServerInfoRecord;

export interface TestData {
  id: string;
  dataSourceId: string | null;
  status: string;
  errorCode: string | null;
  message: string | null;
  durationMs: number | null;
  checks: CheckData[];
  server: ServerData | null;
  standbyServer: ServerData | null;
}

const SERVER = 'version versionNum inRecovery walLevel readableSchemas';
export const TEST_FIELDS = /* GraphQL */ `
  id dataSourceId status errorCode message durationMs queuedAt startedAt finishedAt
  checks { endpoint name status code message hint durationMs }
  server { ${SERVER} } standbyServer { ${SERVER} }
`;

export const targets = () => inject('targets');

/** A draft for a target: app_full on appdb, plain TCP unless sslMode says otherwise. */
export function draftFor(target: PgTarget, overrides: Record<string, unknown> = {}) {
  const username = (overrides.username as string | undefined) ?? 'app_full';
  return {
    host: target.host,
    port: target.port,
    username,
    password: ROLES[username]?.password ?? 'no-such-password',
    databaseName: 'appdb',
    sslMode: 'DISABLE',
    ...overrides,
  };
}

/**
 * Follows a test through `connectionTestUpdated` until the server completes the subscription, and
 * returns every message and the final state.
 */
export async function followTest(
  h: Harness,
  testId: string,
  ms = 30_000,
): Promise<{ messages: TestData[]; final: TestData }> {
  const iterator = await h.subscribe<{ connectionTestUpdated: TestData }>(
    `subscription($id: ID!) { connectionTestUpdated(testId: $id) { ${TEST_FIELDS} } }`,
    { id: testId },
  );
  const messages: TestData[] = [];
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`test ${testId} did not finish within ${ms} ms`)), ms);
  });
  try {
    for (;;) {
      const next = await Promise.race([iterator.next(), timeout]);
      if (next.done) break;
      if (next.value.errors) throw new Error(JSON.stringify(next.value.errors));
      if (next.value.data) messages.push(next.value.data.connectionTestUpdated);
    }
  } finally {
    clearTimeout(timer);
  }
  const final = messages.at(-1);
  if (!final) throw new Error('no message');
  return { messages, final };
}

/** `testConnection` of a draft, followed to its end. */
export async function runDraft(h: Harness, draft: Record<string, unknown>): Promise<TestData> {
  const started = await h.gql<{ testConnection: { id: string } }>(
    `mutation($draft: ConnectionDraftInput!) { testConnection(input: { draft: $draft }) { id } }`,
    { draft },
  );
  if (!started.data) throw new Error(JSON.stringify(started.errors));
  return (await followTest(h, started.data.testConnection.id)).final;
}

export const check = (test: TestData, name: string, endpoint: 'PRIMARY' | 'STANDBY' = 'PRIMARY') => {
  const found = test.checks.find((c) => c.name === name && c.endpoint === endpoint);
  if (!found) throw new Error(`no ${endpoint} ${name} check`);
  return found;
};

/** Sessions the service (by its application_name, which names its prefix) holds on the real targets. */
export async function sessionsOnTargets(h: Harness): Promise<number> {
  let total = 0;
  const all = targets();
  for (const target of [all.scram, all.tls, all.replica, all.standby]) {
    const client = new pg.Client({
      ...target,
      user: 'postgres',
      password: ROLES.postgres.password,
      database: 'postgres',
      ssl: target === all.tls ? { rejectUnauthorized: false } : false,
    });
    await client.connect();
    const { rows } = await client.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1',
      [`data-source-service ${h.config.redisPrefix}`],
    );
    await client.end();
    total += rows[0]?.n ?? 0;
  }
  return total;
}

export function superuser(target: PgTarget, database = 'postgres'): pg.Client {
  return new pg.Client({ ...target, user: 'postgres', password: ROLES.postgres.password, database });
}

export async function onTarget<T extends pg.QueryResultRow>(
  database: string,
  sql: string,
  params: unknown[] = [],
  target = targets().scram,
) {
  const client = superuser(target, database);
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/**
 * A fresh database on `scram` that app_full may use, on the standby too; with `logBeats`, a trigger
 * logs every beat; `setup` is SQL to run in it first (as the superuser).
 */
export async function freshDatabase(options: { logBeats?: boolean; setup?: string } = {}): Promise<string> {
  const name = `hb_${randomBytes(4).toString('hex')}`;
  await onTarget('postgres', `CREATE DATABASE ${name}`);
  await onTarget('postgres', `GRANT CONNECT, CREATE ON DATABASE ${name} TO app_full`);
  if (options.logBeats) {
    await onTarget(
      name,
      `CREATE SCHEMA drc;
       CREATE TABLE drc.heartbeat (id smallint PRIMARY KEY, ts timestamptz NOT NULL);
       CREATE TABLE public.beats (ts timestamptz NOT NULL, pid int NOT NULL DEFAULT pg_backend_pid());
       CREATE FUNCTION public.log_beat() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS
         $$ BEGIN INSERT INTO public.beats (ts) VALUES (NEW.ts); RETURN NEW; END $$;
       CREATE TRIGGER log_beat AFTER INSERT OR UPDATE ON drc.heartbeat FOR EACH ROW EXECUTE FUNCTION public.log_beat();
       GRANT USAGE ON SCHEMA drc TO app_full;
       GRANT SELECT, INSERT, UPDATE ON drc.heartbeat TO app_full;`,
    );
  }
  if (options.setup) await onTarget(name, options.setup);
  // Tests of PRIMARY_STANDBY need it on the standby too.
  await replicated();
  return name;
}

/**
 * Resolves once the standby has replayed everything written on `scram` so far. A standby's replay has
 * no event a client can await: ask until it is there (vi.waitFor, which unlike expect.poll also works
 * in hooks).
 */
export async function replicated(): Promise<void> {
  const [written] = await onTarget<{ lsn: string }>('postgres', 'SELECT pg_current_wal_lsn()::text AS lsn');
  await vi.waitFor(
    async () => {
      const [standby] = await onTarget<{ replayed: boolean }>(
        'postgres',
        'SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS replayed',
        [written?.lsn],
        targets().standby,
      );
      if (!standby?.replayed) throw new Error(`the standby has not replayed ${written?.lsn} yet`);
    },
    { timeout: 10_000, interval: 50 },
  );
}
