import { and, eq, inArray } from 'drizzle-orm';
import type pg from 'pg';
import { CODE_TEXT } from '../connection-tests/codes.js';
import type { EgressPolicy } from '../postgresql/egress.js';
import { endpointsOf, type TestEndpoint } from '../connection-tests/model.js';
import { openSession, TargetError } from '../connection-tests/postgresql-probe.js';
import type { HeartbeatState } from '../datasources/model.js';
import { passwordBinding } from '../datasources/service.js';
import { specOf, toView } from '../datasources/view.js';
import { publishDataSourceEvent, type Events } from '../events.js';
import type { Database } from '../lib/db.js';
import type { Logger } from '../lib/logger.js';
import { dataSources, type DataSourceRow } from '../schema/index.js';
import type { SecretBox } from '../secrets/secret-box.js';
import {
  installHeartbeatTable,
  missingGrant,
  readReplicationLag,
  writeBeat,
} from './postgresql-heartbeat.js';
import type { SessionCache } from './sessions.js';

export interface HeartbeatDeps {
  db: Database;
  secrets: SecretBox;
  events: Events;
  logger: Logger;
  egress: EgressPolicy;
  sessions: SessionCache;
  connectTimeoutMs: number;
  queryTimeoutMs: number;
  heartbeatIntervalSeconds: number;
  applicationName: string;
}

/** A data source whose heartbeat may be written now: on, and its latest test passed. */
export const mayBeat = (row: DataSourceRow) =>
  row.heartbeatEnabled &&
  row.connectionStatus === 'PASSED' &&
  (row.heartbeatState === 'INSTALLING' ||
    row.heartbeatState === 'ACTIVE' ||
    row.heartbeatState === 'DEGRADED');

/** The SQL condition of the data sources that should have a beat scheduler (heartbeat-reconciler.ts). */
export const shouldBeatWhere = and(
  eq(dataSources.heartbeatEnabled, true),
  eq(dataSources.connectionStatus, 'PASSED'),
  inArray(dataSources.heartbeatState, ['ACTIVE', 'DEGRADED']),
);

type Executor = Pick<Database, 'update'>;
/** What recording a heartbeat state needs. */
type StateDeps = Pick<HeartbeatDeps, 'db' | 'events' | 'heartbeatIntervalSeconds'>;

/** Saves heartbeat fields; when the state changed, tells subscribers (HEARTBEAT_CHANGED). */
async function saveHeartbeat(
  deps: StateDeps,
  tx: Executor,
  before: DataSourceRow,
  changes: Partial<
    Pick<
      DataSourceRow,
      'heartbeatState' | 'heartbeatLastBeatAt' | 'heartbeatLastError' | 'heartbeatReplicationLagSeconds'
    >
  >,
): Promise<() => void> {
  const [row] = await tx.update(dataSources).set(changes).where(eq(dataSources.id, before.id)).returning();
  const changed = row !== undefined && row.heartbeatState !== before.heartbeatState;
  // Published by the caller after its transaction commits, so subscribers never see an undone state.
  return () => {
    if (changed)
      publishDataSourceEvent(
        deps.events,
        'HEARTBEAT_CHANGED',
        row.id,
        toView(row, deps.heartbeatIntervalSeconds),
      );
  };
}

function session(deps: HeartbeatDeps, row: DataSourceRow, endpoint: TestEndpoint): Promise<pg.Client> {
  const spec = specOf(row);
  return deps.sessions.get(row.id, row.version, endpoint.role, () =>
    openSession(
      {
        endpoint,
        username: spec.username,
        password: deps.secrets.open(
          { ciphertext: row.passwordCiphertext, keyId: row.passwordKeyId },
          passwordBinding(row.id),
        ),
        databaseName: spec.databaseName,
        schemaName: spec.schemaName,
        sslMode: spec.sslMode,
        heartbeatEnabled: true,
      },
      {
        connectTimeoutMs: deps.connectTimeoutMs,
        queryTimeoutMs: deps.queryTimeoutMs,
        egress: deps.egress,
        signal: new AbortController().signal,
        applicationName: deps.applicationName,
      },
    ),
  );
}

/** The service's own sentence for a failure: a target problem by its code, anything else generically. */
function describeFailure(row: DataSourceRow, endpoint: TestEndpoint, error: unknown): string {
  if (!(error instanceof TargetError))
    return 'The heartbeat could not be written (an unexpected error; see the service log).';
  const context = {
    host: endpoint.host,
    port: endpoint.port,
    username: row.username,
    databaseName: row.databaseName,
    detail: error.detail,
  };
  return `The heartbeat could not be written: ${CODE_TEXT[error.code].message(context)}`;
}

export type BeatOutcome = 'beat' | 'failed' | 'stopped';

/**
 * One beat (PRODUCT.md §3). The data source's row stays locked while the beat is written, so that a
 * mutation that turns the heartbeat off, changes the connection or deletes the data source waits
 * for a beat in flight, and no beat lands after such a mutation has returned. The same lock makes
 * beats of one data source run one at a time, whichever worker runs them.
 */
export async function beat(deps: HeartbeatDeps, dataSourceId: string): Promise<BeatOutcome> {
  let publish = () => {};
  const outcome = await deps.db.transaction(async (tx): Promise<BeatOutcome> => {
    const [row] = await tx
      .select()
      .from(dataSources)
      .where(eq(dataSources.id, dataSourceId))
      .for('no key update');
    if (!row || !mayBeat(row)) return 'stopped';
    const [primary, standby] = endpointsOf(specOf(row));
    if (!primary) return 'stopped';
    let endpoint = primary;
    try {
      const beatAt = await writeBeat(await session(deps, row, primary), deps.queryTimeoutMs);
      let lag: number | null = null;
      if (standby && row.databaseAttribute === 'PRIMARY_STANDBY') {
        endpoint = standby;
        lag = await readReplicationLag(await session(deps, row, standby), deps.queryTimeoutMs);
      }
      publish = await saveHeartbeat(deps, tx, row, {
        heartbeatState: 'ACTIVE',
        heartbeatLastBeatAt: beatAt,
        heartbeatLastError: null,
        heartbeatReplicationLagSeconds: lag,
      });
      return 'beat';
    } catch (error) {
      deps.sessions.drop(row.id);
      if (!(error instanceof TargetError))
        deps.logger.error({ err: error, dataSourceId }, 'heartbeat beat crashed');
      publish = await saveHeartbeat(deps, tx, row, {
        heartbeatState: 'DEGRADED',
        heartbeatLastError: describeFailure(row, endpoint, error),
      });
      return 'failed';
    }
  });
  publish();
  return outcome;
}

export type InstallOutcome = 'installed' | 'impossible' | 'stopped';

/**
 * Job `heartbeat-install`: the schema and table. A missing privilege is final
 * (FAILED, with the GRANT that would fix it); anything else is thrown, for the job to retry.
 */
export async function install(deps: HeartbeatDeps, dataSourceId: string): Promise<InstallOutcome> {
  const [row] = await deps.db.select().from(dataSources).where(eq(dataSources.id, dataSourceId));
  if (!row?.heartbeatEnabled || row.connectionStatus !== 'PASSED') return 'stopped';
  const endpoint = endpointsOf(specOf(row))[0];
  if (!endpoint) return 'stopped';
  (await saveHeartbeat(deps, deps.db, row, { heartbeatState: 'INSTALLING' }))();
  const installing = { ...row, heartbeatState: 'INSTALLING' as HeartbeatState };

  let client: pg.Client | undefined;
  try {
    client = await session(deps, row, endpoint);
    await installHeartbeatTable(client, deps.queryTimeoutMs);
  } catch (error) {
    deps.sessions.drop(row.id);
    if (error instanceof TargetError && error.code === 'PERMISSION_DENIED' && client) {
      const grant = await missingGrant(client, deps.queryTimeoutMs, row.username, row.databaseName).catch(
        () => null,
      );
      await failInstall(
        deps,
        installing,
        `User ${row.username} may not create drc.heartbeat.${grant ? ` Run: ${grant}` : ''}`,
      );
      return 'impossible';
    }
    throw error;
  }
  // The beat scheduler runs its first beat at once; that beat makes the heartbeat ACTIVE.
  return 'installed';
}

/** Ends an install as FAILED, with what to do in lastError. */
export async function failInstall(deps: StateDeps, row: DataSourceRow, lastError: string): Promise<void> {
  (await saveHeartbeat(deps, deps.db, row, { heartbeatState: 'FAILED', heartbeatLastError: lastError }))();
}

/** A data source's heartbeat state after its connection test ended (runner.ts). */
export async function afterTest(
  deps: StateDeps,
  row: DataSourceRow,
  heartbeatCheck: { status: string; message: string | null; hint: string | null } | undefined,
): Promise<void> {
  if (!row.heartbeatEnabled || heartbeatCheck?.status !== 'FAILED') return;
  // The test showed the heartbeat cannot be installed: say so, and which GRANT would fix it.
  await failInstall(deps, row, [heartbeatCheck.message, heartbeatCheck.hint].filter(Boolean).join(' '));
}
