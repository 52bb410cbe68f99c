import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import type { Actor, AuditTrail } from '../audit/trail.js';
import { AppError, type FieldError } from '../errors.js';
import type { Database, Executor } from '../lib/db.js';
import { pgErrorOf } from '../lib/failures.js';
import type { Logger } from '../lib/logger.js';
import { isUuid, type Page } from '../lib/pagination.js';
import type { EventBus } from '../lib/pubsub.js';
import { dataSources, type DataSourceRow } from '../schema/index.js';
import type { SecretBox } from '../secrets/secret-box.js';
import { publishDataSourceEvent } from './events.js';
import {
  withConnectionDefaults,
  type ConnectionInput,
  type ConnectionSpec,
  type DataSourceSpec,
  type DataSourceView,
  type HeartbeatState,
} from './model.js';
import { applyPatch, type UpdateDataSourceCommand } from './patch.js';
import { defaultRegion, validateDataSource, validatePassword } from './rules.js';
import {
  columnsOf,
  findRow,
  findRowByIdentifier,
  listRows,
  passwordBinding,
  toView,
  type DataSourceFilter,
} from './store.js';

export type { UpdateDataSourceCommand } from './patch.js';

export interface CreateDataSourceCommand extends ConnectionInput {
  identifier: string;
  region?: string | null;
  remarks?: string | null;
  password: string;
  verifiedByTestId?: string | null;
}

/**
 * What a data source needs from connection tests (implemented in connection-tests/, which builds on
 * this folder): `TTest` is the test as the caller shows it.
 */
export interface DataSourceTests<TTest extends { id: string }> {
  /** Records a test of the data source and enqueues it, inside `tx`. */
  queue(tx: Database, dataSource: { id: string } & ConnectionSpec): Promise<TTest>;
  /**
   * The seed's "Test Connection, then OK": the draft test `testId` when it verifies exactly these
   * parameters and this password now, locked in `tx`; undefined otherwise.
   */
  findVerifying(
    tx: Executor,
    testId: string,
    spec: ConnectionSpec,
    password: string,
  ): Promise<TTest | undefined>;
  /** Makes a verifying draft test the first test of the data source created from it. */
  adopt(tx: Executor, testId: string, dataSourceId: string): Promise<TTest>;
}

/** What a data source needs from its heartbeat (implemented in heartbeat/). */
export interface DataSourceHeartbeat {
  /** The heartbeat state of a new data source, and after a change of one (heartbeat/state.ts). */
  initialState(enabled: boolean): HeartbeatState;
  stateAfterChange(
    current: HeartbeatState,
    change: { enabled: boolean; connectionChanged: boolean },
  ): HeartbeatState;
  /** Stops the beats (their scheduler); the beat job also stops by itself when it reads the row. */
  stop(dataSourceId: string): Promise<void>;
}

export interface DataSourceServiceDeps<TTest extends { id: string }> {
  db: Database;
  secrets: SecretBox;
  events: EventBus;
  logger: Logger;
  audit: AuditTrail;
  regions: readonly string[];
  heartbeatIntervalSeconds: number;
  tests: DataSourceTests<TTest>;
  heartbeat: DataSourceHeartbeat;
}

export function createDataSourceService<TTest extends { id: string }>(deps: DataSourceServiceDeps<TTest>) {
  const { db, secrets, events, regions } = deps;
  /** Best effort: the metadata store already says the beats stop, and the beat job obeys it. */
  const stopHeartbeat = (dataSourceId: string) =>
    deps.heartbeat.stop(dataSourceId).catch((error: unknown) => {
      deps.logger.warn({ err: error, dataSourceId }, 'beat scheduler not removed; the next beat removes it');
    });
  const view = (row: DataSourceRow) => toView(row, deps.heartbeatIntervalSeconds);

  function rejectIfInvalid(errors: FieldError[]) {
    if (errors.length > 0) throw AppError.badInput(errors);
  }

  /** Maps the case-insensitive unique index to the error users understand; rethrows anything else. */
  function mapWriteError(error: unknown, identifier: string): never {
    const pgError = pgErrorOf(error);
    if (pgError?.code === '23505' && pgError.constraint === 'data_sources_identifier_key') {
      throw new AppError(
        'IDENTIFIER_TAKEN',
        `A data source with the identifier "${identifier}" already exists`,
        [{ field: 'identifier', message: 'is already taken (identifiers are compared case-insensitively)' }],
      );
    }
    throw error;
  }

  return {
    async create(
      input: CreateDataSourceCommand,
      actor: Actor,
    ): Promise<{ dataSource: DataSourceView; test: TTest }> {
      const spec: DataSourceSpec = {
        ...withConnectionDefaults(input),
        identifier: input.identifier,
        region: input.region ?? defaultRegion(regions),
        remarks: input.remarks || null,
      };
      rejectIfInvalid([...validateDataSource(spec, regions), ...validatePassword(input.password)]);

      const id = randomUUID();
      const sealed = secrets.seal(input.password, passwordBinding(id));
      const now = new Date();
      const audited = {
        action: 'CREATE_DATA_SOURCE',
        dataSourceId: id,
        changedFields: Object.keys(input).filter(
          (field) => input[field as keyof CreateDataSourceCommand] != null && field !== 'verifiedByTestId',
        ),
      } as const;
      const { row, test } = await db
        .transaction(async (tx) => {
          const verifiedBy = input.verifiedByTestId
            ? await deps.tests.findVerifying(tx, input.verifiedByTestId, spec, input.password)
            : undefined;
          await tx.insert(dataSources).values({
            id,
            ...columnsOf(spec),
            passwordCiphertext: sealed.ciphertext,
            passwordKeyId: sealed.keyId,
            heartbeatState: deps.heartbeat.initialState(spec.heartbeatEnabled),
            connectionStatus: verifiedBy ? 'PASSED' : 'UNTESTED',
            lastTestId: verifiedBy?.id ?? null,
            version: 1,
            createdAt: now,
            updatedAt: now,
          });
          const first = verifiedBy
            ? await deps.tests.adopt(tx, verifiedBy.id, id)
            : await deps.tests.queue(tx, { ...spec, id });
          await deps.audit.record(tx, actor, { ...audited, testId: first.id });
          const saved = await findRow(tx, id);
          if (!saved) throw new Error('insert returned no row');
          return { row: saved, test: first };
        })
        .catch((error: unknown) => mapWriteError(error, spec.identifier));

      deps.audit.announce(actor, { ...audited, testId: test.id });
      const dataSource = view(row);
      publishDataSourceEvent(events, 'CREATED', id, dataSource);
      await events.published();
      return { dataSource, test };
    },

    async update(
      id: string,
      patch: UpdateDataSourceCommand,
      expectedVersion: number | null | undefined,
      actor: Actor,
    ): Promise<{ dataSource: DataSourceView; test: TTest | null }> {
      const result = await db
        .transaction(async (tx) => {
          const current = await findRow(tx, id, 'update');
          if (!current) throw AppError.notFound('Data source');
          if (expectedVersion != null && expectedVersion !== current.version) {
            throw new AppError(
              'VERSION_CONFLICT',
              `The data source is at version ${current.version}, not ${expectedVersion}: reload it and apply the change again`,
            );
          }
          const patched = applyPatch(view(current), patch, regions);
          rejectIfInvalid(patched.errors);
          const { next, changed, password, retargeted, connectionChanged } = patched;
          if (retargeted.length > 0 && password === undefined) {
            throw new AppError(
              'PASSWORD_REQUIRED',
              `Changing ${retargeted.join(', ')} requires the password again, so that the stored one is never sent to a target its owner did not choose`,
              [{ field: 'password', message: `is required when ${retargeted.join(', ')} change` }],
            );
          }
          if (changed.length === 0 && password === undefined)
            return { row: current, unchanged: true as const };

          const heartbeatState = deps.heartbeat.stateAfterChange(current.heartbeatState, {
            enabled: next.heartbeatEnabled,
            connectionChanged,
          });
          const heartbeatChanged = heartbeatState !== current.heartbeatState;
          const sealed = password === undefined ? undefined : secrets.seal(password, passwordBinding(id));
          const [updated] = await tx
            .update(dataSources)
            .set({
              ...columnsOf(next),
              ...(heartbeatChanged
                ? { heartbeatState, heartbeatLastError: null, heartbeatReplicationLagSeconds: null }
                : {}),
              ...(sealed ? { passwordCiphertext: sealed.ciphertext, passwordKeyId: sealed.keyId } : {}),
              version: sql`${dataSources.version} + 1`,
              updatedAt: new Date(),
            })
            .where(eq(dataSources.id, id))
            .returning();
          if (!updated) throw AppError.notFound('Data source');
          const test = connectionChanged ? await deps.tests.queue(tx, { ...next, id }) : null;
          const audited = {
            action: 'UPDATE_DATA_SOURCE',
            dataSourceId: id,
            testId: test?.id ?? null,
            changedFields: password === undefined ? changed : [...changed, 'password'],
          } as const;
          await deps.audit.record(tx, actor, audited);
          const row = test ? await findRow(tx, id) : updated;
          if (!row) throw AppError.notFound('Data source');
          return { row, unchanged: false as const, test, audited, heartbeatChanged, connectionChanged };
        })
        .catch((error: unknown) => mapWriteError(error, patch.identifier ?? ''));

      const dataSource = view(result.row);
      if (result.unchanged) return { dataSource, test: null };
      deps.audit.announce(actor, result.audited);
      if (result.heartbeatChanged || result.connectionChanged) await stopHeartbeat(id);
      publishDataSourceEvent(events, 'UPDATED', id, dataSource);
      if (result.heartbeatChanged) publishDataSourceEvent(events, 'HEARTBEAT_CHANGED', id, dataSource);
      await events.published();
      return { dataSource, test: result.test };
    },

    async delete(id: string, actor: Actor): Promise<{ id: string }> {
      const audited = { action: 'DELETE_DATA_SOURCE', dataSourceId: id } as const;
      const deleted = await db.transaction(async (tx) => {
        if (!isUuid(id)) return undefined;
        const [row] = await tx
          .delete(dataSources)
          .where(eq(dataSources.id, id))
          .returning({ id: dataSources.id });
        if (row) await deps.audit.record(tx, actor, audited);
        return row;
      });
      if (!deleted) throw AppError.notFound('Data source');
      deps.audit.announce(actor, audited);
      await stopHeartbeat(id);
      publishDataSourceEvent(events, 'DELETED', id, null);
      await events.published();
      return deleted;
    },

    async get(by: { id?: string | null; identifier?: string | null }): Promise<DataSourceView | null> {
      const given = [by.id, by.identifier].filter((value) => value != null).length;
      if (given !== 1) {
        const message = 'give exactly one of id and identifier';
        throw AppError.badInput([
          { field: 'id', message },
          { field: 'identifier', message },
        ]);
      }
      const row =
        by.id != null ? await findRow(db, by.id) : await findRowByIdentifier(db, by.identifier ?? '');
      return row ? view(row) : null;
    },

    async list(
      filter: DataSourceFilter,
      first: number,
      after?: string | null,
    ): Promise<Page<DataSourceView>> {
      const page = await listRows(db, filter, first, after);
      return { ...page, nodes: page.nodes.map(view) };
    },
  };
}

export type DataSourceService<TTest extends { id: string } = { id: string }> = ReturnType<
  typeof createDataSourceService<TTest>
>;
