import { sql } from 'drizzle-orm';
import { doublePrecision, index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { dataSources } from './data-sources.js';
import { testStatus } from './enums.js';

const at = (name: string) => timestamp(name, { withTimezone: true, precision: 3 });

/** The connection parameters of a draft test (ConnectionDraftInput without the password). */
export interface DraftParameters {
  type: string;
  databaseAttribute: string;
  host: string;
  port: number;
  standby: { host: string; port: number } | null;
  username: string;
  databaseName: string;
  schemaName: string | null;
  sslMode: string;
  heartbeatEnabled: boolean;
}

export interface CheckRecord {
  endpoint: 'PRIMARY' | 'STANDBY';
  name: string;
  status: string;
  code: string | null;
  message: string | null;
  hint: string | null;
  durationMs: number | null;
}

export interface ServerInfoRecord {
  version: string;
  versionNum: number;
  inRecovery: boolean;
  walLevel: string | null;
  readableSchemas: string[] | null;
}

export const connectionTests = pgTable(
  'connection_tests',
  {
    id: uuid('id').primaryKey(),
    /** Null for a draft; a saved data source's history goes with it (cascade). */
    dataSourceId: uuid('data_source_id').references(() => dataSources.id, { onDelete: 'cascade' }),
    status: testStatus('status').notNull(),
    /** Grows with every persisted change, so that subscribers can drop a message older than what they have. */
    revision: integer('revision').notNull().default(0),
    checks: jsonb('checks').$type<CheckRecord[]>().notNull(),
    errorCode: text('error_code'),
    message: text('message'),
    server: jsonb('server').$type<ServerInfoRecord>(),
    standbyServer: jsonb('standby_server').$type<ServerInfoRecord>(),
    /** A draft's parameters live here, never in Redis; the password is encrypted and bound to this row. */
    draft: jsonb('draft').$type<DraftParameters>(),
    draftPasswordCiphertext: text('draft_password_ciphertext'),
    draftPasswordKeyId: text('draft_password_key_id'),
    queuedAt: at('queued_at').notNull(),
    startedAt: at('started_at'),
    finishedAt: at('finished_at'),
    durationMs: doublePrecision('duration_ms'),
    /** How many times a worker started running this test (a crashed worker's test is run again). */
    attempts: integer('attempts').notNull().default(0),
  },
  (t) => [
    index('connection_tests_data_source_idx').on(t.dataSourceId, t.queuedAt.desc(), t.id.desc()),
    // The reconciler looks for tests that are still open.
    index('connection_tests_open_idx')
      .on(t.queuedAt)
      .where(sql`${t.status} IN ('QUEUED', 'RUNNING')`),
    // Retention: drafts whose sealed password awaits its purge, and old finished tests.
    index('connection_tests_draft_password_idx')
      .on(t.finishedAt)
      .where(sql`${t.draftPasswordCiphertext} IS NOT NULL`),
    index('connection_tests_finished_at_idx').on(t.finishedAt),
  ],
);

export type ConnectionTestRow = typeof connectionTests.$inferSelect;
