import { pgEnum } from 'drizzle-orm/pg-core';

// The enums mirror ../shared/spec/api.graphql; GraphQL and the database share these value lists.
export const DATA_SOURCE_TYPES = ['POSTGRESQL'] as const;
export const DATABASE_ATTRIBUTES = ['PRIMARY', 'PRIMARY_STANDBY', 'STANDBY'] as const;
export const SSL_MODES = ['DISABLE', 'PREFER', 'REQUIRE', 'VERIFY_CA', 'VERIFY_FULL'] as const;
export const CONNECTION_STATUSES = ['UNTESTED', 'TESTING', 'PASSED', 'FAILED'] as const;
export const HEARTBEAT_STATES = [
  'DISABLED',
  'PENDING',
  'INSTALLING',
  'ACTIVE',
  'DEGRADED',
  'FAILED',
] as const;
export const TEST_STATUSES = ['QUEUED', 'RUNNING', 'PASSED', 'FAILED'] as const;

export const dataSourceType = pgEnum('data_source_type', DATA_SOURCE_TYPES);
export const databaseAttribute = pgEnum('database_attribute', DATABASE_ATTRIBUTES);
export const sslMode = pgEnum('ssl_mode', SSL_MODES);
export const connectionStatus = pgEnum('connection_status', CONNECTION_STATUSES);
export const heartbeatState = pgEnum('heartbeat_state', HEARTBEAT_STATES);
export const testStatus = pgEnum('test_status', TEST_STATUSES);
