import { index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

const at = (name: string) => timestamp(name, { withTimezone: true, precision: 3 });

/**
 * Who did what (PRODUCT.md §5): one row per mutation and test request, written in the transaction of
 * the change it records. Names of changed fields only, never their values. No foreign key: the record
 * of a deletion outlives the data source.
 */
export const auditEvents = pgTable(
  'audit_events',
  {
    id: uuid('id').primaryKey(),
    at: at('at').notNull(),
    /** The API token's name (`anonymous` when the API is open). */
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    dataSourceId: uuid('data_source_id'),
    testId: uuid('test_id'),
    changedFields: text('changed_fields').array().notNull(),
    requestId: text('request_id').notNull(),
    clientAddress: text('client_address').notNull(),
  },
  (t) => [
    index('audit_events_at_idx').on(t.at.desc(), t.id.desc()),
    index('audit_events_data_source_idx').on(t.dataSourceId, t.at.desc(), t.id.desc()),
    index('audit_events_actor_idx').on(t.actor, t.at.desc(), t.id.desc()),
  ],
);

export type AuditEventRow = typeof auditEvents.$inferSelect;
