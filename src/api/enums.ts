import { registerEnumType } from 'type-graphql';
import { AUDIT_ACTIONS } from '../audit/trail.js';
import { CHECK_NAMES, CHECK_STATUSES, TEST_STATUSES } from '../connection-tests/model.js';
import { DATA_SOURCE_EVENT_KINDS } from '../datasources/events.js';
import {
  CONNECTION_STATUSES,
  DATA_SOURCE_TYPES,
  DATABASE_ATTRIBUTES,
  HEARTBEAT_STATES,
  SSL_MODES,
} from '../datasources/model.js';
import { CONNECTION_ERROR_CODES } from '../postgresql/errors.js';

// GraphQL enums built from the same value lists as the database enums, so the two cannot drift.
const enumOf = <T extends string>(values: readonly T[]) =>
  Object.fromEntries(values.map((value) => [value, value])) as { [K in T]: K };

export const DataSourceTypeEnum = enumOf(DATA_SOURCE_TYPES);
export const DatabaseAttributeEnum = enumOf(DATABASE_ATTRIBUTES);
export const SslModeEnum = enumOf(SSL_MODES);
export const ConnectionStatusEnum = enumOf(CONNECTION_STATUSES);
export const TestStatusEnum = enumOf(TEST_STATUSES);
export const HeartbeatStateEnum = enumOf(HEARTBEAT_STATES);
export const CheckStatusEnum = enumOf(CHECK_STATUSES);
export const EndpointRoleEnum = enumOf(['PRIMARY', 'STANDBY'] as const);
export const CheckNameEnum = enumOf(CHECK_NAMES);
export const ConnectionErrorCodeEnum = enumOf(CONNECTION_ERROR_CODES);
export const AuditActionEnum = enumOf(AUDIT_ACTIONS);
export const DataSourceEventKindEnum = enumOf(DATA_SOURCE_EVENT_KINDS);

registerEnumType(DataSourceTypeEnum, { name: 'DataSourceType' });
registerEnumType(DatabaseAttributeEnum, {
  name: 'DatabaseAttribute',
  description: 'The role of the database this data source points at (seed: Database Attributes).',
});
registerEnumType(SslModeEnum, { name: 'SslMode', description: 'libpq-compatible TLS modes.' });
registerEnumType(ConnectionStatusEnum, {
  name: 'ConnectionStatus',
  description: 'Result of the most recent connection test of a saved data source.',
});
registerEnumType(TestStatusEnum, { name: 'TestStatus' });
registerEnumType(CheckStatusEnum, { name: 'CheckStatus' });
registerEnumType(EndpointRoleEnum, {
  name: 'EndpointRole',
  description: 'Which endpoint of the data source a check ran against.',
});
registerEnumType(CheckNameEnum, {
  name: 'CheckName',
  description: 'The checks a connection test runs, in this order, for each endpoint.',
});
registerEnumType(ConnectionErrorCodeEnum, {
  name: 'ConnectionErrorCode',
  description: 'Why a check failed or warned. Never a raw driver message: see PRODUCT.md.',
});
registerEnumType(HeartbeatStateEnum, { name: 'HeartbeatState' });
registerEnumType(DataSourceEventKindEnum, { name: 'DataSourceEventKind' });
registerEnumType(AuditActionEnum, { name: 'AuditAction', description: 'What an audit event records.' });
