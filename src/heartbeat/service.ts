import { and, eq, isNotNull, sql } from 'drizzle-orm';
import type pg from 'pg';
import { publishDataSourceEvent } from '../datasources/events.js';
import {
  endpointsOf,
  HEARTBEAT_STATES,
  type HeartbeatState,
  type RoledEndpoint,
} from '../datasources/model.js';
import {
  findRow,
  passwordBinding,
  specOf,
  toView,
  updateHeartbeatColumns,
  type HeartbeatColumns,
} from '../datasources/store.js';
import type { ServiceQueues } from '../jobs/catalog.js';
import type { Database, Executor } from '../lib/db.js';
import type { Logger } from '../lib/logger.js';
import type { EventBus } from '../lib/pubsub.js';
import { CODE_TEXT } from '../postgresql/codes.js';
import type { EgressPolicy } from '../postgresql/egress.js';
import { TargetError } from '../postgresql/errors.js';
import { boundedQuery, openSession } from '../postgresql/session.js';
import { dataSources, type DataSourceRow } from '../schema/index.js';
import type { SecretBox } from '../secrets/secret-box.js';
import { reconcileBeats, queueInstall, startBeats, stopBeats } from './scheduler.js';
import { SessionCache } from './sessions.js';
import { heartbeatAccess, inspectDrc, installHeartbeatTable, readReplicationLag, writeBeat } from './sql.js';
import * as state from './state.js';

export interface HeartbeatDeps {
  db: Database;
  secrets: SecretBox;
  events: EventBus;
  logger: Logger;
  queues: ServiceQueues;
  intervalSeconds: number;
  egress: EgressPolicy;
  connectTimeoutMs: number;
  queryTimeoutMs: number;
  /** What the target's pg_stat_activity shows for our sessions. */
  applicationName: string;
  /** Data sources whose sessions one worker keeps open between beats (least recently used closed first). */
  maxSessions: number;
}

export type BeatOutcome = 'beat' | 'failed' | 'stopped';
export type InstallOutcome = 'installed' | 'impossible' | 'stopped';

/**
 * The heartbeat of PRODUCT.md §3: the install, the beats, their schedulers, and the state each step
 * leaves (heartbeat/state.ts decides it). Every state change is published as HEARTBEAT_CHANGED once
 * it is stored.
 */
export function createHeartbeatService(deps: HeartbeatDeps) {
  const { db } = deps;
  const sessions = new SessionCache(deps.maxSessions);

  /** Saves heartbeat columns; returns what tells subscribers, to run once the caller's transaction committed. */
  async function save(tx: Executor, before: DataSourceRow, changes: HeartbeatColumns): Promise<() => void> {
    const row = await updateHeartbeatColumns(tx, before.id, changes);
    return () => {
      if (row && row.heartbeatState !== before.heartbeatState) {
        publishDataSourceEvent(deps.events, 'HEARTBEAT_CHANGED', row.id, toView(row, deps.intervalSeconds));
      }
    };
  }

  function session(row: DataSourceRow, endpoint: RoledEndpoint): Promise<pg.Client> {
    const spec = specOf(row);
    return sessions.get(row.id, row.version, endpoint.role, () =>
      openSession(
        {
          host: endpoint.host,
          port: endpoint.port,
          sslMode: spec.sslMode,
          username: spec.username,
          databaseName: spec.databaseName,
          password: deps.secrets.open(
            { ciphertext: row.passwordCiphertext, keyId: row.passwordKeyId },
            passwordBinding(row.id),
          ),
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
  const queryOn = (client: pg.Client) => boundedQuery(client, deps.queryTimeoutMs);

  /** The service's own sentence for a failure: a target problem by its code, anything else generically. */
  function describeFailure(row: DataSourceRow, endpoint: RoledEndpoint, error: unknown): string {
    if (!(error instanceof TargetError))
      return 'The heartbeat could not be written (an unexpected error; see the service log).';
    const context = {
      ...endpoint,
      username: row.username,
      databaseName: row.databaseName,
      detail: error.detail,
    };
    return `The heartbeat could not be written: ${CODE_TEXT[error.code].message(context)}`;
  }

  /**
   * One beat, with the data source's row locked while it is written: a mutation that turns the
   * heartbeat off, changes the connection or deletes the data source waits for a beat in flight, so no
   * beat lands after such a mutation has returned. The same lock makes beats of one data source run
   * one at a time, whichever worker runs them.
   */
  async function beatLocked(
    dataSourceId: string,
    may: (row: DataSourceRow) => boolean,
  ): Promise<BeatOutcome> {
    let publish = () => {};
    const outcome = await db.transaction(async (tx): Promise<BeatOutcome> => {
      const row = await findRow(tx, dataSourceId, 'beat');
      if (!row || !may(row)) return 'stopped';
      const [primary, standby] = endpointsOf(specOf(row));
      if (!primary) return 'stopped';
      let endpoint = primary;
      try {
        const beatAt = await writeBeat(queryOn(await session(row, primary)));
        let lag: number | null = null;
        if (standby) {
          endpoint = standby;
          lag = await readReplicationLag(queryOn(await session(row, standby)));
        }
        publish = await save(tx, row, {
          heartbeatState: state.afterBeat(true),
          heartbeatLastBeatAt: beatAt,
          heartbeatLastError: null,
          heartbeatReplicationLagSeconds: lag,
        });
        return 'beat';
      } catch (error) {
        sessions.drop(row.id);
        if (!(error instanceof TargetError))
          deps.logger.error({ err: error, dataSourceId }, 'heartbeat beat crashed');
        publish = await save(tx, row, {
          heartbeatState: state.afterBeat(false),
          heartbeatLastError: describeFailure(row, endpoint, error),
        });
        return 'failed';
      }
    });
    publish();
    return outcome;
  }

  /** Ends an install as FAILED, with what to do in lastError. */
  async function fail(row: DataSourceRow, lastError: string): Promise<void> {
    (await save(db, row, { heartbeatState: 'FAILED', heartbeatLastError: lastError }))();
  }

  return {
    initialState: state.initialState,
    stateAfterChange: state.stateAfterChange,

    stop(dataSourceId: string): Promise<void> {
      return stopBeats(deps.queues, dataSourceId);
    },

    /** Job `heartbeat-beat`: one beat; a data source that should no longer beat loses its scheduler. */
    async beat(dataSourceId: string): Promise<BeatOutcome> {
      const outcome = await beatLocked(dataSourceId, state.mayBeat);
      if (outcome === 'stopped') await stopBeats(deps.queues, dataSourceId);
      return outcome;
    },

    /**
     * Job `heartbeat-install`: the schema and table, the first beat (ACTIVE), then a beat every interval.
     * A missing privilege is final (FAILED, with the GRANT that would fix it); anything else is thrown,
     * for the job to retry.
     */
    async install(dataSourceId: string): Promise<InstallOutcome> {
      const row = await findRow(db, dataSourceId);
      if (!row || !state.mayInstall(row)) return 'stopped';
      const endpoint = endpointsOf(specOf(row))[0];
      if (!endpoint) return 'stopped';
      (await save(db, row, { heartbeatState: 'INSTALLING' }))();
      const installing = { ...row, heartbeatState: 'INSTALLING' as const };
      let client: pg.Client | undefined;
      try {
        client = await session(row, endpoint);
        await installHeartbeatTable(queryOn(client));
      } catch (error) {
        sessions.drop(row.id);
        if (error instanceof TargetError && error.code === 'PERMISSION_DENIED' && client) {
          const access = await inspectDrc(queryOn(client))
            .then((found) => heartbeatAccess(found, row.username, row.databaseName))
            .catch(() => undefined);
          const grant = access && !access.allowed ? ` Run: ${access.grant}` : '';
          await fail(installing, `User ${row.username} may not create drc.heartbeat.${grant}`);
          return 'impossible';
        }
        throw error;
      }
      if ((await beatLocked(dataSourceId, state.mayBeatFirst)) === 'stopped') return 'stopped';
      await startBeats(deps.queues, dataSourceId, deps.intervalSeconds);
      return 'installed';
    },

    /** The install's last attempt failed: the data source was unreachable all along. */
    async installExhausted(dataSourceId: string): Promise<void> {
      const row = await findRow(db, dataSourceId);
      if (row?.heartbeatState === 'INSTALLING') {
        await fail(
          row,
          'drc.heartbeat could not be installed after several attempts: the data source was unreachable.',
        );
      }
    },

    /** What follows a finished connection test of a data source (connection-tests/runner.ts). */
    async afterTest(
      row: DataSourceRow,
      test: {
        id: string;
        status: string;
        checks: readonly {
          name: string;
          endpoint: string;
          status: string;
          message: string | null;
          hint: string | null;
        }[];
      },
    ): Promise<void> {
      const next = state.afterTest(row, {
        status: test.status,
        heartbeatCheck: test.checks.find(
          (check) => check.name === 'HEARTBEAT' && check.endpoint === 'PRIMARY',
        ),
      });
      if (next.action === 'install') await queueInstall(deps.queues, row.id, test.id);
      if (next.action === 'fail') await fail(row, next.lastError);
    },

    /** Beat schedulers and install jobs as the metadata store says they should be. */
    reconcile(): Promise<void> {
      return reconcileBeats(db, deps.queues, deps.intervalSeconds);
    },

    /**
     * Seconds since the last beat, and the standby's replication lag when one was read, per data source
     * with the heartbeat on (metrics).
     */
    async ages(): Promise<{ dataSourceId: string; seconds: number; replicationLagSeconds: number | null }[]> {
      return db
        .select({
          dataSourceId: dataSources.id,
          seconds: sql<number>`extract(epoch FROM now() - ${dataSources.heartbeatLastBeatAt})::float8`,
          replicationLagSeconds: dataSources.heartbeatReplicationLagSeconds,
        })
        .from(dataSources)
        .where(and(eq(dataSources.heartbeatEnabled, true), isNotNull(dataSources.heartbeatLastBeatAt)));
    },

    /** How many data sources are in each heartbeat state, every state included (a metric). */
    async states(): Promise<{ state: HeartbeatState; count: number }[]> {
      const rows = await db
        .select({ state: dataSources.heartbeatState, count: sql<number>`count(*)::int` })
        .from(dataSources)
        .groupBy(dataSources.heartbeatState);
      return HEARTBEAT_STATES.map((state) => ({
        state,
        count: rows.find((row) => row.state === state)?.count ?? 0,
      }));
    },

    closeSessions(): Promise<void> {
      return sessions.closeAll();
    },
  };
}

export type HeartbeatService = ReturnType<typeof createHeartbeatService>;
