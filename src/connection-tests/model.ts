import type { ConnectionSpec, Endpoint } from '../datasources/model.js';
import type { CheckRecord } from '../schema/index.js';

export const CHECK_NAMES = [
  'RESOLVE',
  'CONNECT',
  'TLS',
  'AUTHENTICATE',
  'SERVER',
  'SCHEMA',
  'READ_PRIVILEGES',
  'INCREMENTAL',
  'HEARTBEAT',
] as const;
export type CheckName = (typeof CHECK_NAMES)[number];

export const CHECK_STATUSES = ['PENDING', 'RUNNING', 'PASSED', 'WARNING', 'FAILED', 'SKIPPED'] as const;
export type CheckStatus = (typeof CHECK_STATUSES)[number];

export type EndpointRole = 'PRIMARY' | 'STANDBY';

export const CONNECTION_ERROR_CODES = [
  'TARGET_NOT_ALLOWED',
  'HOST_NOT_FOUND',
  'CONNECTION_REFUSED',
  'NETWORK_UNREACHABLE',
  'TIMEOUT',
  'NOT_POSTGRES',
  'TLS_NOT_SUPPORTED',
  'TLS_REQUIRED_BY_SERVER',
  'TLS_HANDSHAKE_FAILED',
  'CERTIFICATE_INVALID',
  'AUTH_FAILED',
  'AUTH_ATTEMPTS_EXCEEDED',
  'INSECURE_AUTH_REFUSED',
  'MD5_AUTH_WITHOUT_TLS',
  'HBA_REJECTED',
  'DATABASE_NOT_FOUND',
  'TOO_MANY_CONNECTIONS',
  'SERVER_NOT_READY',
  'UNSUPPORTED_VERSION',
  'ROLE_MISMATCH',
  'SCHEMA_NOT_FOUND',
  'PERMISSION_DENIED',
  'LOGICAL_DECODING_DISABLED',
  'REPLICATION_NOT_PERMITTED',
  'REPLICATION_CAPACITY',
  'INTERNAL',
] as const;
export type ConnectionErrorCode = (typeof CONNECTION_ERROR_CODES)[number];

/** One endpoint a test probes, and the role the server there must have. */
export interface TestEndpoint extends Endpoint {
  role: EndpointRole;
}

/**
 * The endpoints of a data source in test order: the primary (or, for STANDBY, the standby itself),
 * then for PRIMARY_STANDBY the standby.
 */
export function endpointsOf(spec: ConnectionSpec): TestEndpoint[] {
  const main: TestEndpoint = {
    role: spec.databaseAttribute === 'STANDBY' ? 'STANDBY' : 'PRIMARY',
    host: spec.host,
    port: spec.port,
  };
  return spec.databaseAttribute === 'PRIMARY_STANDBY' && spec.standby
    ? [main, { role: 'STANDBY', ...spec.standby }]
    : [main];
}

export function pendingChecks(endpoints: TestEndpoint[]): CheckRecord[] {
  return endpoints.flatMap((endpoint) =>
    CHECK_NAMES.map((name) => ({
      endpoint: endpoint.role,
      name,
      status: 'PENDING',
      code: null,
      message: null,
      hint: null,
      durationMs: null,
    })),
  );
}
