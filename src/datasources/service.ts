import { randomUUID } from 'node:crypto';
import { and, desc, eq, ilike, lt, or, sql, type SQL } from 'drizzle-orm';
import {
  adoptTest,
  findVerifyingTest,
  queueTestOfDataSource,
  toTestView,
  type ConnectionTestView,
  type EnqueueTest,
} from '../connection-tests/service.js';
import type { Actor, AuditTrail } from '../audit/trail.js';
import { AppError, type FieldError } from '../errors.js';
import { publishDataSourceEvent, type Events } from '../events.js';
import { pgErrorOf, type Database } from '../lib/db.js';
import type { Logger } from '../lib/logger.js';
import { checkPageSize, decodeCursor, isUuid, toPage, type Page } from '../lib/pagination.js';
import { dataSources, type DataSourceRow } from '../schema/index.js';
import type { SecretBox } from '../secrets/secret-box.js';
import {
  CONNECTION_FIELDS,
  RETARGETING_FIELDS,
  type ConnectionStatus,
  type DataSourceSpec,
  type DataSourceView,
  type DatabaseAttribute,
  type Endpoint,
  type HeartbeatState,
  weakensTls,
} from './model.js';
import { postgresql } from './postgresql.js';
import { defaultRegion, validateDataSource, validatePassword } from './rules.js';
import { toView } from './view.js';

export interface CreateDataSourceCommand {
  identifier: string;
  type?: DataSourceSpec['type'];
  region?: string | null;
  databaseAttribute?: DatabaseAttribute;
  host: string;
  port?: number;
  standby?: Endpoint | null;
  username: string;
  password: string;
  databaseName: string;
  schemaName?: string | null;
  remarks?: string | null;
  sslMode?: DataSourceSpec['sslMode'];
  heartbeatEnabled?: boolean;
  verifiedByTestId?: string | null;
}

/** Omitted (undefined) means unchanged; null clears a nullable field and is an error elsewhere. */
export type UpdateDataSourceCommand = { [K in keyof DataSourceSpec]?: DataSourceSpec[K] | null } & {
  password?: string | null;
};

export interface DataSourceFilter {
  search?: string | null;
  region?: string | null;
  databaseAttribute?: DatabaseAttribute | null;
  connectionStatus?: ConnectionStatus | null;
  heartbeatState?: HeartbeatState | null;
}

export interface DataSourceServiceDeps {
  db: Database;
  secrets: SecretBox;
  events: Events;
  logger: Logger;
  audit: AuditTrail;
  regions: readonly string[];
  heartbeatIntervalSeconds: number;
  enqueueTest: EnqueueTest;
  /** Removes a data source's beat scheduler (its beats also stop by themselves: heartbeat.ts). */
  stopHeartbeat: (dataSourceId: string) => Promise<void>;
}

const NULLABLE_FIELDS = new Set<keyof DataSourceSpec>(['region', 'standby', 'schemaName', 'remarks']);

/** A spec as the columns of data_sources (the inverse of view.ts's specOf). */
function columnsOf(spec: DataSourceSpec) {
  return {
    identifier: spec.identifier,
    type: spec.type,
    region: spec.region,
    databaseAttribute: spec.databaseAttribute,
    host: spec.host,
    port: spec.port,
    standbyHost: spec.standby?.host ?? null,
    standbyPort: spec.standby?.port ?? null,
    username: spec.username,
    databaseName: spec.databaseName,
    schemaName: spec.schemaName,
    remarks: spec.remarks,
    sslMode: spec.sslMode,
    heartbeatEnabled: spec.heartbeatEnabled,
  };
}

/** The associated data that binds a data source's password to its row (src/secrets). */
export const passwordBinding = (id: string) => `data_sources:${id}:password`;

export function createDataSourceService(deps: DataSourceServiceDeps) {
  const { db, secrets, events, regions } = deps;
  /** Best effort: the metadata store already says the beats stop, and the beat job obeys it. */
  const stopHeartbeat = (dataSourceId: string) =>
    deps.stopHeartbeat(dataSourceId).catch((error: unknown) => {
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

  async function findRow(id: string): Promise<DataSourceRow | undefined> {
    if (!isUuid(id)) return undefined;
    const [row] = await db.select().from(dataSources).where(eq(dataSources.id, id));
    return row;
  }

  return {
    async create(
      input: CreateDataSourceCommand,
      actor: Actor,
    ): Promise<{ dataSource: DataSourceView; test: ConnectionTestView }> {
      const spec: DataSourceSpec = {
        identifier: input.identifier,
        type: input.type ?? 'POSTGRESQL',
        region: input.region ?? defaultRegion(regions),
        databaseAttribute: input.databaseAttribute ?? 'PRIMARY',
        host: input.host,
        port: input.port ?? postgresql.defaultPort,
        standby: input.standby ?? null,
        username: input.username,
        databaseName: input.databaseName,
        schemaName: input.schemaName ?? null,
        remarks: input.remarks || null,
        sslMode: input.sslMode ?? 'PREFER',
        heartbeatEnabled: input.heartbeatEnabled ?? false,
      };
      rejectIfInvalid([...validateDataSource(spec, regions), ...validatePassword(input.password)]);

      const id = randomUUID();
      const sealed = secrets.seal(input.password, passwordBinding(id));
      const audited = {
        action: 'CREATE_DATA_SOURCE',
        dataSourceId: id,
        changedFields: Object.keys(input).filter(
          (field) => input[field as keyof CreateDataSourceCommand] != null && field !== 'verifiedByTestId',
        ),
      } as const;
      const now = new Date();
      const { row, test } = await db
        .transaction(async (tx) => {
          const verifiedBy = input.verifiedByTestId
            ? await findVerifyingTest(tx, secrets, input.verifiedByTestId, spec, input.password)
            : undefined;
          await tx.insert(dataSources).values({
            id,
            ...columnsOf(spec),
            passwordCiphertext: sealed.ciphertext,
            passwordKeyId: sealed.keyId,
            heartbeatState: spec.heartbeatEnabled ? 'PENDING' : 'DISABLED',
            connectionStatus: verifiedBy ? 'PASSED' : 'UNTESTED',
            lastTestId: verifiedBy?.id ?? null,
            version: 1,
            createdAt: now,
            updatedAt: now,
          });
          const first = verifiedBy
            ? await adoptTest(tx, verifiedBy.id, id)
            : await queueTestOfDataSource(tx, { ...spec, id }, deps.enqueueTest);
          const [saved] = await tx.select().from(dataSources).where(eq(dataSources.id, id));
          if (!saved) throw new Error('insert returned no row');
          await deps.audit.record(tx, actor, { ...audited, testId: first.id });
          return { row: saved, test: first };
        })
        .catch((error: unknown) => mapWriteError(error, spec.identifier));

      deps.audit.announce(actor, { ...audited, testId: test.id });
      const dataSource = view(row);
      publishDataSourceEvent(events, 'CREATED', id, dataSource);
      return { dataSource, test: toTestView(test) };
    },

    async update(
      id: string,
      patch: UpdateDataSourceCommand,
      expectedVersion: number | null | undefined,
      actor: Actor,
    ): Promise<{ dataSource: DataSourceView; test: ConnectionTestView | null }> {
      if (!isUuid(id)) throw AppError.notFound('Data source');
      const result = await db
        .transaction(async (tx) => {
          const [current] = await tx.select().from(dataSources).where(eq(dataSources.id, id)).for('update');
          if (!current) throw AppError.notFound('Data source');
          if (expectedVersion != null && expectedVersion !== current.version) {
            throw new AppError(
              'VERSION_CONFLICT',
              `The data source is at version ${current.version}, not ${expectedVersion}: reload it and apply the change again`,
            );
          }

          const before = view(current);
          const errors: FieldError[] = [];
          const next: DataSourceSpec = { ...before };
          for (const [key, value] of Object.entries(patch) as [keyof UpdateDataSourceCommand, unknown][]) {
            if (value === undefined || key === 'password') continue;
            if (value === null && !NULLABLE_FIELDS.has(key)) {
              errors.push({ field: key, message: 'must not be null (omit it to keep the current value)' });
              continue;
            }
            Object.assign(next, { [key]: value });
          }
          if (patch.remarks === '') next.remarks = null;
          // A data source whose only configured region is dropped keeps working: null means "the default".
          if (patch.region === null) next.region = defaultRegion(regions);

          const changed = (field: keyof DataSourceSpec) =>
            JSON.stringify(next[field] ?? null) !== JSON.stringify(before[field] ?? null);
          const changedFields = (Object.keys(patch) as (keyof UpdateDataSourceCommand)[]).filter(
            (field): field is keyof DataSourceSpec => field !== 'password' && changed(field),
          );
          const password = patch.password;
          if (password === null)
            errors.push({ field: 'password', message: 'must not be null (omit it to keep it)' });
          if (typeof password === 'string') errors.push(...validatePassword(password));
          errors.push(...validateDataSource(next, regions));
          rejectIfInvalid(errors);

          const retargeted: string[] = RETARGETING_FIELDS.filter((field) => changedFields.includes(field));
          if (weakensTls(before.sslMode, next.sslMode)) retargeted.push('sslMode (to a weaker mode)');
          if (retargeted.length > 0 && typeof password !== 'string') {
            throw new AppError(
              'PASSWORD_REQUIRED',
              `Changing ${retargeted.join(', ')} requires the password again, so that the stored one is never sent to a target its owner did not choose`,
              [{ field: 'password', message: `is required when ${retargeted.join(', ')} change` }],
            );
          }
          if (changedFields.length === 0 && typeof password !== 'string') {
            return {
              audited: undefined,
              row: current,
              test: null,
              changed: false,
              heartbeatChanged: false,
              stopBeats: false,
            };
          }

          const connectionChanged =
            typeof password === 'string' || CONNECTION_FIELDS.some((field) => changedFields.includes(field));
          const sealed =
            typeof password === 'string' ? secrets.seal(password, passwordBinding(id)) : undefined;
          // Off: DISABLED. On, with anything that needs a new test: PENDING until that test passes
          // and the install runs again. Otherwise the heartbeat goes on as it was.
          const heartbeatState: HeartbeatState = !next.heartbeatEnabled
            ? 'DISABLED'
            : connectionChanged
              ? 'PENDING'
              : current.heartbeatState;
          const test = connectionChanged
            ? await queueTestOfDataSource(tx, { ...next, id }, deps.enqueueTest)
            : null;
          const [updated] = await tx
            .update(dataSources)
            .set({
              ...columnsOf(next),
              ...(heartbeatState !== current.heartbeatState
                ? { heartbeatState, heartbeatLastError: null, heartbeatReplicationLagSeconds: null }
                : {}),
              ...(sealed ? { passwordCiphertext: sealed.ciphertext, passwordKeyId: sealed.keyId } : {}),
              version: sql`${dataSources.version} + 1`,
              updatedAt: new Date(),
            })
            .where(eq(dataSources.id, id))
            .returning();
          if (!updated) throw AppError.notFound('Data source');
          const audited = {
            action: 'UPDATE_DATA_SOURCE',
            dataSourceId: id,
            testId: test?.id ?? null,
            changedFields: typeof password === 'string' ? [...changedFields, 'password'] : changedFields,
          } as const;
          await deps.audit.record(tx, actor, audited);
          return {
            audited,
            row: updated,
            test,
            changed: true,
            heartbeatChanged: heartbeatState !== current.heartbeatState,
            stopBeats: heartbeatState !== current.heartbeatState || connectionChanged,
          };
        })
        .catch((error: unknown) => mapWriteError(error, patch.identifier ?? ''));

      if (result.audited) deps.audit.announce(actor, result.audited);
      const dataSource = view(result.row);
      if (result.stopBeats) await stopHeartbeat(id);
      if (result.changed) publishDataSourceEvent(events, 'UPDATED', id, dataSource);
      if (result.heartbeatChanged) publishDataSourceEvent(events, 'HEARTBEAT_CHANGED', id, dataSource);
      return { dataSource, test: result.test ? toTestView(result.test) : null };
    },

    async delete(id: string, actor: Actor): Promise<{ id: string }> {
      if (!isUuid(id)) throw AppError.notFound('Data source');
      const audited = { action: 'DELETE_DATA_SOURCE', dataSourceId: id } as const;
      const deleted = await db.transaction(async (tx) => {
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
      if (by.id != null) {
        const row = await findRow(by.id);
        return row ? view(row) : null;
      }
      const [row] = await db
        .select()
        .from(dataSources)
        .where(sql`lower(${dataSources.identifier}) = lower(${by.identifier})`);
      return row ? view(row) : null;
    },

    async list(
      filter: DataSourceFilter,
      first: number,
      after?: string | null,
    ): Promise<Page<DataSourceView>> {
      checkPageSize(first);
      const cursor = after ? decodeCursor(after) : null;
      const conditions: (SQL | undefined)[] = [];
      if (filter.search) {
        // The user's text is a literal substring, not a LIKE pattern.
        const pattern = `%${filter.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
        conditions.push(
          or(
            ilike(dataSources.identifier, pattern),
            ilike(dataSources.host, pattern),
            ilike(dataSources.databaseName, pattern),
            ilike(dataSources.remarks, pattern),
          ),
        );
      }
      if (filter.region) conditions.push(eq(dataSources.region, filter.region));
      if (filter.databaseAttribute)
        conditions.push(eq(dataSources.databaseAttribute, filter.databaseAttribute));
      if (filter.connectionStatus) conditions.push(eq(dataSources.connectionStatus, filter.connectionStatus));
      if (filter.heartbeatState) conditions.push(eq(dataSources.heartbeatState, filter.heartbeatState));
      const filtered = and(...conditions);

      const afterCursor = cursor
        ? or(
            lt(dataSources.createdAt, cursor.at),
            and(eq(dataSources.createdAt, cursor.at), lt(dataSources.id, cursor.id)),
          )
        : undefined;
      const [rows, [count]] = await Promise.all([
        db
          .select()
          .from(dataSources)
          .where(and(filtered, afterCursor))
          .orderBy(desc(dataSources.createdAt), desc(dataSources.id))
          .limit(first + 1),
        db
          .select({ n: sql<number>`count(*)::int` })
          .from(dataSources)
          .where(filtered),
      ]);
      return toPage(rows.map(view), first, (row) => ({ at: row.createdAt, id: row.id }), count?.n ?? 0);
    },
  };
}

export type DataSourceService = ReturnType<typeof createDataSourceService>;
