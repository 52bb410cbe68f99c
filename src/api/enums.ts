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

/** Descriptions of an enum's values, one per value: a value added to the list must be described. */
type Described<T extends string> = { [K in T]: { description: string } };

registerEnumType(DataSourceTypeEnum, {
  name: 'DataSourceType',
  description: 'The kind of database a data source points at (seed: Data Source Type).',
  valuesConfig: {
    POSTGRESQL: { description: 'PostgreSQL 10 or later.' },
  } satisfies Described<keyof typeof DataSourceTypeEnum>,
});
registerEnumType(DatabaseAttributeEnum, {
  name: 'DatabaseAttribute',
  description: 'The role of the database this data source points at (seed: Database Attributes).',
  valuesConfig: {
    PRIMARY: { description: 'Primary Database: a read-write server (the default).' },
    PRIMARY_STANDBY: {
      description:
        'Primary Database + Standby Database: host and port are the primary, standby its standby; one set of credentials for both.',
    },
    STANDBY: { description: 'Standby Database: a read-only server in recovery; no heartbeat.' },
  } satisfies Described<keyof typeof DatabaseAttributeEnum>,
});
registerEnumType(SslModeEnum, {
  name: 'SslMode',
  description: 'libpq-compatible TLS modes.',
  valuesConfig: {
    DISABLE: { description: 'No TLS; the password then goes only by SCRAM or MD5, never in cleartext.' },
    PREFER: { description: 'TLS when the server offers it, else plain text with a warning (the default).' },
    REQUIRE: { description: "TLS, without checking the server's certificate." },
    VERIFY_CA: { description: 'TLS with a certificate signed by a trusted CA.' },
    VERIFY_FULL: { description: 'TLS with a certificate signed by a trusted CA and naming the host.' },
  } satisfies Described<keyof typeof SslModeEnum>,
});
registerEnumType(ConnectionStatusEnum, {
  name: 'ConnectionStatus',
  description: 'Result of the most recent connection test of a saved data source.',
  valuesConfig: {
    UNTESTED: { description: 'No connection test has finished yet.' },
    TESTING: { description: 'A connection test is queued or running.' },
    PASSED: { description: 'The latest connection test passed (warnings allowed).' },
    FAILED: { description: 'The latest connection test failed: lastTest says which check and why.' },
  } satisfies Described<keyof typeof ConnectionStatusEnum>,
});
registerEnumType(TestStatusEnum, {
  name: 'TestStatus',
  description: 'Where a connection test is: QUEUED, RUNNING, then PASSED or FAILED for good.',
  valuesConfig: {
    QUEUED: { description: 'Waiting for a worker.' },
    RUNNING: { description: 'A worker is running its checks.' },
    PASSED: { description: 'No check failed (warnings allowed).' },
    FAILED: { description: 'A check failed; errorCode is the first failure.' },
  } satisfies Described<keyof typeof TestStatusEnum>,
});
registerEnumType(CheckStatusEnum, {
  name: 'CheckStatus',
  description: 'Where one check is: PENDING, RUNNING, then one of the four outcomes.',
  valuesConfig: {
    PENDING: { description: 'Not started yet.' },
    RUNNING: { description: 'Running now.' },
    PASSED: { description: 'Passed.' },
    WARNING: { description: 'Passed with a reservation: see code, message and hint.' },
    FAILED: {
      description: "Failed: see code, message and hint; the endpoint's remaining checks are skipped.",
    },
    SKIPPED: {
      description:
        'Not run: an earlier check of the endpoint failed, or it does not apply (TLS with DISABLE, INCREMENTAL on a standby, HEARTBEAT when off).',
    },
  } satisfies Described<keyof typeof CheckStatusEnum>,
});
registerEnumType(EndpointRoleEnum, {
  name: 'EndpointRole',
  description: 'Which endpoint of the data source a check ran against.',
  valuesConfig: {
    PRIMARY: { description: "The data source's host and port (for STANDBY, the standby itself)." },
    STANDBY: { description: 'The standby endpoint of a PRIMARY_STANDBY data source.' },
  } satisfies Described<keyof typeof EndpointRoleEnum>,
});
registerEnumType(CheckNameEnum, {
  name: 'CheckName',
  description: 'The checks a connection test runs, in this order, for each endpoint.',
  valuesConfig: {
    RESOLVE: { description: 'Resolves the host once; every address must pass the egress policy.' },
    CONNECT: { description: 'Opens a TCP connection within the connect timeout.' },
    TLS: { description: 'Negotiates TLS as sslMode asks (SKIPPED for DISABLE).' },
    AUTHENTICATE: { description: 'Logs in to databaseName with the username and password.' },
    SERVER: {
      description: 'PostgreSQL 10 or later, in the role expected of the endpoint (primary, or in recovery).',
    },
    SCHEMA: {
      description: 'schemaName exists and the user has USAGE on it; without it, lists the readable schemas.',
    },
    READ_PRIVILEGES: { description: 'SELECT on the tables in scope.' },
    INCREMENTAL: {
      description:
        'Primary only: logical decoding, the REPLICATION privilege, a free replication slot and WAL sender (warnings).',
    },
    HEARTBEAT: {
      description: 'With the heartbeat on, primary only: the user can create or write drc.heartbeat.',
    },
  } satisfies Described<keyof typeof CheckNameEnum>,
});
registerEnumType(ConnectionErrorCodeEnum, {
  name: 'ConnectionErrorCode',
  description: 'Why a check failed or warned. Never a raw driver message: see PRODUCT.md.',
  valuesConfig: {
    TARGET_NOT_ALLOWED: { description: 'The address is one the egress policy refuses (RESOLVE).' },
    HOST_NOT_FOUND: { description: 'The host name does not resolve (RESOLVE).' },
    CONNECTION_REFUSED: { description: 'Nothing listens on that host and port (CONNECT).' },
    NETWORK_UNREACHABLE: { description: 'No route to the host (CONNECT).' },
    TIMEOUT: { description: 'No answer within the time limit (any check).' },
    NOT_POSTGRES: { description: 'The peer does not speak the PostgreSQL protocol.' },
    TLS_NOT_SUPPORTED: { description: 'The server does not offer TLS, which sslMode requires (TLS).' },
    TLS_REQUIRED_BY_SERVER: { description: 'The server accepts only TLS connections (AUTHENTICATE).' },
    TLS_HANDSHAKE_FAILED: { description: 'The TLS handshake failed (TLS).' },
    CERTIFICATE_INVALID: {
      description: "The server's certificate is not trusted or does not name the host (TLS).",
    },
    AUTH_FAILED: { description: 'Wrong username or password (AUTHENTICATE, SQLSTATE 28P01).' },
    AUTH_ATTEMPTS_EXCEEDED: {
      description: 'Too many failed logins of this account: its tests wait without contacting the server.',
    },
    INSECURE_AUTH_REFUSED: {
      description: 'The server asked for the password in cleartext without TLS; none was sent.',
    },
    MD5_AUTH_WITHOUT_TLS: { description: 'A warning: MD5 authentication over a connection without TLS.' },
    HBA_REJECTED: { description: "pg_hba.conf has no line for this service's address (SQLSTATE 28000)." },
    DATABASE_NOT_FOUND: { description: 'The database does not exist (SQLSTATE 3D000).' },
    TOO_MANY_CONNECTIONS: { description: 'The server or the role has no connection left (SQLSTATE 53300).' },
    SERVER_NOT_READY: { description: 'The server is starting up or shutting down (SQLSTATE 57P03).' },
    UNSUPPORTED_VERSION: { description: 'The server is older than PostgreSQL 10 (SERVER).' },
    ROLE_MISMATCH: {
      description: 'The server is a primary where a standby is expected, or the other way round (SERVER).',
    },
    SCHEMA_NOT_FOUND: { description: 'schemaName does not exist (SCHEMA).' },
    PERMISSION_DENIED: { description: 'A privilege is missing; the hint names the GRANT.' },
    LOGICAL_DECODING_DISABLED: { description: 'A warning: wal_level is not logical (INCREMENTAL).' },
    REPLICATION_NOT_PERMITTED: {
      description: 'A warning: the user has neither REPLICATION nor superuser (INCREMENTAL).',
    },
    REPLICATION_CAPACITY: {
      description: 'A warning: no free replication slot or WAL sender (INCREMENTAL).',
    },
    INTERNAL: { description: 'A problem of the service, not of the database: test again.' },
  } satisfies Described<keyof typeof ConnectionErrorCodeEnum>,
});
registerEnumType(HeartbeatStateEnum, {
  name: 'HeartbeatState',
  description: "Where a data source's heartbeat is (PRODUCT.md §3).",
  valuesConfig: {
    DISABLED: { description: 'The heartbeat is off.' },
    PENDING: { description: 'On, waiting for a passing connection test.' },
    INSTALLING: { description: 'Creating drc.heartbeat.' },
    ACTIVE: { description: 'Beating; lastBeatAt is the last beat.' },
    DEGRADED: {
      description: 'Beats fail (lastError says why); back to ACTIVE by itself when a beat succeeds.',
    },
    FAILED: { description: 'The user may not create or write the table; lastError names the GRANT.' },
  } satisfies Described<keyof typeof HeartbeatStateEnum>,
});
registerEnumType(DataSourceEventKindEnum, {
  name: 'DataSourceEventKind',
  description: 'What happened to a data source.',
  valuesConfig: {
    CREATED: { description: 'It was created.' },
    UPDATED: { description: 'Its parameters changed.' },
    DELETED: { description: 'It was deleted; the event carries its id only.' },
    TEST_STARTED: { description: 'A connection test of it started (connectionStatus TESTING).' },
    TEST_FINISHED: { description: 'Its connection test ended; connectionStatus says how.' },
    HEARTBEAT_CHANGED: { description: 'Its heartbeat state changed (not sent for every beat).' },
  } satisfies Described<keyof typeof DataSourceEventKindEnum>,
});
registerEnumType(AuditActionEnum, {
  name: 'AuditAction',
  description: 'What an audit event records.',
  valuesConfig: {
    CREATE_DATA_SOURCE: { description: 'createDataSource.' },
    UPDATE_DATA_SOURCE: { description: 'updateDataSource.' },
    DELETE_DATA_SOURCE: { description: 'deleteDataSource.' },
    TEST_CONNECTION: { description: 'testConnection, of a saved data source or of a draft.' },
    RETRY_FAILED_JOBS: { description: 'retryFailedJobs.' },
    PAUSE_QUEUE: { description: 'pauseQueue.' },
    RESUME_QUEUE: { description: 'resumeQueue.' },
  } satisfies Described<keyof typeof AuditActionEnum>,
});
