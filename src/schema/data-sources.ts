import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  doublePrecision,
  index,
  integer,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { connectionStatus, dataSourceType, databaseAttribute, heartbeatState, sslMode } from './enums.js';

// Millisecond precision, so a timestamp survives a round trip through a JS Date (and a cursor) exactly.
const at = (name: string) => timestamp(name, { withTimezone: true, precision: 3 });

export const dataSources = pgTable(
  'data_sources',
  {
    id: uuid('id').primaryKey(),
    identifier: text('identifier').notNull(),
    type: dataSourceType('type').notNull(),
    region: text('region'),
    databaseAttribute: databaseAttribute('database_attribute').notNull(),
    host: text('host').notNull(),
    port: integer('port').notNull(),
    standbyHost: text('standby_host'),
    standbyPort: integer('standby_port'),
    username: text('username').notNull(),
    /** AES-256-GCM, bound to this row's id (src/secrets). Never leaves the service. */
    passwordCiphertext: text('password_ciphertext').notNull(),
    passwordKeyId: text('password_key_id').notNull(),
    databaseName: text('database_name').notNull(),
    schemaName: text('schema_name'),
    remarks: text('remarks'),
    sslMode: sslMode('ssl_mode').notNull(),
    heartbeatEnabled: boolean('heartbeat_enabled').notNull(),
    heartbeatState: heartbeatState('heartbeat_state').notNull(),
    heartbeatLastBeatAt: at('heartbeat_last_beat_at'),
    heartbeatLastError: text('heartbeat_last_error'),
    heartbeatReplicationLagSeconds: doublePrecision('heartbeat_replication_lag_seconds'),
    connectionStatus: connectionStatus('connection_status').notNull(),
    lastTestId: uuid('last_test_id'),
    version: integer('version').notNull(),
    createdAt: at('created_at').notNull(),
    updatedAt: at('updated_at').notNull(),
  },
  (t) => [
    // Identifiers are unique case-insensitively; the database decides races (PRODUCT.md §1).
    uniqueIndex('data_sources_identifier_key').on(sql`lower(${t.identifier})`),
    // The list is newest first and paginates on (created_at, id).
    index('data_sources_created_at_id_idx').on(t.createdAt.desc(), t.id.desc()),
    check(
      'data_sources_standby_check',
      sql`(${t.databaseAttribute} = 'PRIMARY_STANDBY') = (${t.standbyHost} IS NOT NULL AND ${t.standbyPort} IS NOT NULL)`,
    ),
  ],
);

export type DataSourceRow = typeof dataSources.$inferSelect;
