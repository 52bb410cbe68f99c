import { randomUUID } from 'node:crypto';
import { and, desc, eq, getTableColumns, gte, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import { preparedOnce, type Database } from '../lib/db.js';
import type { Logger } from '../lib/logger.js';
import { checkPageSize, decodeCursor, isUuid, toPage, type Page } from '../lib/pagination.js';
import { auditEvents, type AuditEventRow } from '../schema/index.js';

export const AUDIT_ACTIONS = [
  'CREATE_DATA_SOURCE',
  'UPDATE_DATA_SOURCE',
  'DELETE_DATA_SOURCE',
  'TEST_CONNECTION',
  'RETRY_FAILED_JOBS',
  'PAUSE_QUEUE',
  'RESUME_QUEUE',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** Who asked for a change, as the API knows them: the audit trail's actor, request and address. */
export interface Actor {
  name: string;
  requestId: string;
  clientAddress: string;
}

export interface AuditEntry {
  action: AuditAction;
  dataSourceId?: string | null;
  testId?: string | null;
  /** Names only: a value (above all a password) never enters the trail. */
  changedFields?: readonly string[];
}

export interface AuditFilter {
  actor?: string | null;
  dataSourceId?: string | null;
  action?: AuditAction | null;
  from?: Date | null;
  to?: Date | null;
}

/** An audit row's values, bound as given (pg turns the dates and the array into their types). */
const auditRow = (actor: Actor, entry: AuditEntry) => ({
  id: randomUUID(),
  at: new Date(),
  actor: actor.name,
  action: entry.action,
  dataSourceId: entry.dataSourceId ?? null,
  testId: entry.testId ?? null,
  changedFields: [...(entry.changedFields ?? [])],
  requestId: actor.requestId,
  clientAddress: actor.clientAddress,
});

/** Every column a placeholder, bound as auditRow gives it. */
const insertStatement = preparedOnce((db) =>
  db
    .insert(auditEvents)
    .values(
      Object.fromEntries(
        Object.keys(getTableColumns(auditEvents)).map((column) => [column, sql`${sql.placeholder(column)}`]),
      ) as Record<keyof ReturnType<typeof auditRow>, SQL>,
    )
    .prepare('insert_audit_event'),
);

/**
 * The audit trail (PRODUCT.md §5). `record` runs inside the transaction of the change it records, so
 * that a change and its record commit or roll back together; `announce` writes the one log line per
 * change once it has committed.
 */
export function createAuditTrail(deps: { db: Database; logger: Logger }) {
  return {
    /**
     * `db` is the change's transaction. The statement is prepared on it: built once on a long-lived
     * handle (a connection of lib/db.ts's preparedTransaction, or the pool), once per drizzle transaction.
     */
    async record(db: Database, actor: Actor, entry: AuditEntry): Promise<void> {
      await insertStatement(db).execute(auditRow(actor, entry));
    },

    announce(actor: Actor, entry: AuditEntry): void {
      deps.logger.info(
        {
          actor: actor.name,
          action: entry.action,
          dataSourceId: entry.dataSourceId ?? undefined,
          testId: entry.testId ?? undefined,
          fields: entry.changedFields,
          requestId: actor.requestId,
          clientAddress: actor.clientAddress,
        },
        'audit',
      );
    },

    /** Newest first, filtered; a filter on an id that is not a UUID matches nothing. */
    async list(filter: AuditFilter, first: number, after?: string | null): Promise<Page<AuditEventRow>> {
      checkPageSize(first);
      const cursor = after ? decodeCursor(after) : null;
      if (filter.dataSourceId && !isUuid(filter.dataSourceId)) return toPage([], first, keyOf, 0);
      const conditions: (SQL | undefined)[] = [
        filter.actor ? eq(auditEvents.actor, filter.actor) : undefined,
        filter.dataSourceId ? eq(auditEvents.dataSourceId, filter.dataSourceId) : undefined,
        filter.action ? eq(auditEvents.action, filter.action) : undefined,
        filter.from ? gte(auditEvents.at, filter.from) : undefined,
        filter.to ? lte(auditEvents.at, filter.to) : undefined,
      ];
      const filtered = and(...conditions);
      const afterCursor = cursor
        ? or(lt(auditEvents.at, cursor.at), and(eq(auditEvents.at, cursor.at), lt(auditEvents.id, cursor.id)))
        : undefined;
      const [rows, [count]] = await Promise.all([
        deps.db
          .select()
          .from(auditEvents)
          .where(and(filtered, afterCursor))
          .orderBy(desc(auditEvents.at), desc(auditEvents.id))
          .limit(first + 1),
        deps.db
          .select({ n: sql<number>`count(*)::int` })
          .from(auditEvents)
          .where(filtered),
      ]);
      return toPage(rows, first, keyOf, count?.n ?? 0);
    },
  };
}

const keyOf = (row: AuditEventRow) => ({ at: row.at, id: row.id });

export type AuditTrail = ReturnType<typeof createAuditTrail>;
