/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> =
  T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
/** The checks a connection test runs, in this order, for each endpoint. */
export type CheckName =
  /** Logs in to databaseName with the username and password. */
  | 'AUTHENTICATE'
  /** Opens a TCP connection within the connect timeout. */
  | 'CONNECT'
  /** With the heartbeat on, primary only: the user can create or write drc.heartbeat. */
  | 'HEARTBEAT'
  /** Primary only: logical decoding, the REPLICATION privilege, a free replication slot and WAL sender (warnings). */
  | 'INCREMENTAL'
  /** SELECT on the tables in scope. */
  | 'READ_PRIVILEGES'
  /** Resolves the host once; every address must pass the egress policy. */
  | 'RESOLVE'
  /** schemaName exists and the user has USAGE on it; without it, lists the readable schemas. */
  | 'SCHEMA'
  /** PostgreSQL 10 or later, in the role expected of the endpoint (primary, or in recovery). */
  | 'SERVER'
  /** Negotiates TLS as sslMode asks (SKIPPED for DISABLE). */
  | 'TLS';

/** Where one check is: PENDING, RUNNING, then one of the four outcomes. */
export type CheckStatus =
  /** Failed: see code, message and hint; the endpoint's remaining checks are skipped. */
  | 'FAILED'
  /** Passed. */
  | 'PASSED'
  /** Not started yet. */
  | 'PENDING'
  /** Running now. */
  | 'RUNNING'
  /** Not run: an earlier check of the endpoint failed, or it does not apply (TLS with DISABLE, INCREMENTAL on a standby, HEARTBEAT when off). */
  | 'SKIPPED'
  /** Passed with a reservation: see code, message and hint. */
  | 'WARNING';

/** Connection parameters to test without saving anything. */
export type ConnectionDraftInput = {
  /** Database Attributes. */
  databaseAttribute?: DatabaseAttribute;
  /** DB Name: 1–63 bytes. */
  databaseName: string;
  /** Let the service write heartbeat data into drc.heartbeat (PRIMARY and PRIMARY_STANDBY only). */
  heartbeatEnabled?: boolean;
  /** Host IP Address: a DNS name or an IP address (no URL, port or list); the primary for PRIMARY and PRIMARY_STANDBY, the standby for STANDBY. */
  host: string;
  /** Password: 1–1024 characters; write-only (stored encrypted, never returned). */
  password: string;
  /** Port, 1–65535. */
  port?: number;
  /** Schema Name (optional): without it, every schema the user can read is migratable. */
  schemaName?: string | null | undefined;
  /** How the connection uses TLS. */
  sslMode?: SslMode;
  /** The standby's host and port: required for PRIMARY_STANDBY, refused otherwise; same credentials as the primary. */
  standby?: EndpointInput | null | undefined;
  /** Data Source Type. */
  type?: DataSourceType;
  /** Username: 1–63 bytes. */
  username: string;
};

/** Why a check failed or warned. Never a raw driver message: see PRODUCT.md. */
export type ConnectionErrorCode =
  /** Too many failed logins of this account: its tests wait without contacting the server. */
  | 'AUTH_ATTEMPTS_EXCEEDED'
  /** Wrong username or password (AUTHENTICATE, SQLSTATE 28P01). */
  | 'AUTH_FAILED'
  /** The server's certificate is not trusted or does not name the host (TLS). */
  | 'CERTIFICATE_INVALID'
  /** Nothing listens on that host and port (CONNECT). */
  | 'CONNECTION_REFUSED'
  /** The database does not exist (SQLSTATE 3D000). */
  | 'DATABASE_NOT_FOUND'
  /** pg_hba.conf has no line for this service's address (SQLSTATE 28000). */
  | 'HBA_REJECTED'
  /** The host name does not resolve (RESOLVE). */
  | 'HOST_NOT_FOUND'
  /** The server asked for the password in cleartext without TLS; none was sent. */
  | 'INSECURE_AUTH_REFUSED'
  /** A problem of the service, not of the database: test again. */
  | 'INTERNAL'
  /** A warning: wal_level is not logical (INCREMENTAL). */
  | 'LOGICAL_DECODING_DISABLED'
  /** A warning: MD5 authentication over a connection without TLS. */
  | 'MD5_AUTH_WITHOUT_TLS'
  /** No route to the host (CONNECT). */
  | 'NETWORK_UNREACHABLE'
  /** The peer does not speak the PostgreSQL protocol. */
  | 'NOT_POSTGRES'
  /** A privilege is missing; the hint names the GRANT. */
  | 'PERMISSION_DENIED'
  /** A warning: no free replication slot or WAL sender (INCREMENTAL). */
  | 'REPLICATION_CAPACITY'
  /** A warning: the user has neither REPLICATION nor superuser (INCREMENTAL). */
  | 'REPLICATION_NOT_PERMITTED'
  /** The server is a primary where a standby is expected, or the other way round (SERVER). */
  | 'ROLE_MISMATCH'
  /** schemaName does not exist (SCHEMA). */
  | 'SCHEMA_NOT_FOUND'
  /** The server is starting up or shutting down (SQLSTATE 57P03). */
  | 'SERVER_NOT_READY'
  /** The address is one the egress policy refuses (RESOLVE). */
  | 'TARGET_NOT_ALLOWED'
  /** No answer within the time limit (any check). */
  | 'TIMEOUT'
  /** The TLS handshake failed (TLS). */
  | 'TLS_HANDSHAKE_FAILED'
  /** The server does not offer TLS, which sslMode requires (TLS). */
  | 'TLS_NOT_SUPPORTED'
  /** The server accepts only TLS connections (AUTHENTICATE). */
  | 'TLS_REQUIRED_BY_SERVER'
  /** The server or the role has no connection left (SQLSTATE 53300). */
  | 'TOO_MANY_CONNECTIONS'
  /** The server is older than PostgreSQL 10 (SERVER). */
  | 'UNSUPPORTED_VERSION';

/** Result of the most recent connection test of a saved data source. */
export type ConnectionStatus =
  /** The latest connection test failed: lastTest says which check and why. */
  | 'FAILED'
  /** The latest connection test passed (warnings allowed). */
  | 'PASSED'
  /** A connection test is queued or running. */
  | 'TESTING'
  /** No connection test has finished yet. */
  | 'UNTESTED';

/** What the Create Data Source dialog holds. */
export type CreateDataSourceInput = {
  /** Database Attributes. */
  databaseAttribute?: DatabaseAttribute;
  /** DB Name: 1–63 bytes. */
  databaseName: string;
  /** Let the service write heartbeat data into drc.heartbeat (PRIMARY and PRIMARY_STANDBY only). */
  heartbeatEnabled?: boolean;
  /** Host IP Address: a DNS name or an IP address (no URL, port or list); the primary for PRIMARY and PRIMARY_STANDBY, the standby for STANDBY. */
  host: string;
  /** Data Source Identifier: 1–32 letters, digits, _, - or ., starting with a letter or digit; unique case-insensitively. */
  identifier: string;
  /** Password: 1–1024 characters; write-only (stored encrypted, never returned). */
  password: string;
  /** Port, 1–65535. */
  port?: number;
  /** Region: required (one of `regions`) when two or more are configured, defaulted when one is, absent when none. */
  region?: string | null | undefined;
  /** Remarks (optional): at most 256 characters. */
  remarks?: string | null | undefined;
  /** Schema Name (optional): without it, every schema the user can read is migratable. */
  schemaName?: string | null | undefined;
  /** How the connection uses TLS. */
  sslMode?: SslMode;
  /** The standby's host and port: required for PRIMARY_STANDBY, refused otherwise; same credentials as the primary. */
  standby?: EndpointInput | null | undefined;
  /** Data Source Type. */
  type?: DataSourceType;
  /** Username: 1–63 bytes. */
  username: string;
  /** A PASSED draft test of exactly these connection parameters (the seed's Test Connection, then OK). */
  verifiedByTestId?: string | number | null | undefined;
};

/** What happened to a data source. */
export type DataSourceEventKind =
  /** It was created. */
  | 'CREATED'
  /** It was deleted; the event carries its id only. */
  | 'DELETED'
  /** Its heartbeat state changed (not sent for every beat). */
  | 'HEARTBEAT_CHANGED'
  /** Its connection test ended; connectionStatus says how. */
  | 'TEST_FINISHED'
  /** A connection test of it started (connectionStatus TESTING). */
  | 'TEST_STARTED'
  /** Its parameters changed. */
  | 'UPDATED';

/** Which data sources to list: every given field must match. */
export type DataSourceFilter = {
  /** Only data sources whose latest test ended so (or is running). */
  connectionStatus?: ConnectionStatus | null | undefined;
  /** Only data sources with these Database Attributes. */
  databaseAttribute?: DatabaseAttribute | null | undefined;
  /** Only data sources whose heartbeat is in this state. */
  heartbeatState?: HeartbeatState | null | undefined;
  /** Only data sources of this region. */
  region?: string | null | undefined;
  /** Case-insensitive substring of identifier, host, databaseName or remarks. */
  search?: string | null | undefined;
};

/** The kind of database a data source points at (seed: Data Source Type). */
export type DataSourceType =
  /** PostgreSQL 10 or later. */
  'POSTGRESQL';

/** The role of the database this data source points at (seed: Database Attributes). */
export type DatabaseAttribute =
  /** Primary Database: a read-write server (the default). */
  | 'PRIMARY'
  /** Primary Database + Standby Database: host and port are the primary, standby its standby; one set of credentials for both. */
  | 'PRIMARY_STANDBY'
  /** Standby Database: a read-only server in recovery; no heartbeat. */
  | 'STANDBY';

/** A host and port: the standby endpoint of PRIMARY_STANDBY. */
export type EndpointInput = {
  /** A DNS name or an IP address (no URL, port or list). */
  host: string;
  /** Port, 1–65535. */
  port?: number;
};

/** Which endpoint of the data source a check ran against. */
export type EndpointRole =
  /** The data source's host and port (for STANDBY, the standby itself). */
  | 'PRIMARY'
  /** The standby endpoint of a PRIMARY_STANDBY data source. */
  | 'STANDBY';

/** Where a data source's heartbeat is (PRODUCT.md §3). */
export type HeartbeatState =
  /** Beating; lastBeatAt is the last beat. */
  | 'ACTIVE'
  /** Beats fail (lastError says why); back to ACTIVE by itself when a beat succeeds. */
  | 'DEGRADED'
  /** The heartbeat is off. */
  | 'DISABLED'
  /** The user may not create or write the table; lastError names the GRANT. */
  | 'FAILED'
  /** Creating drc.heartbeat. */
  | 'INSTALLING'
  /** On, waiting for a passing connection test. */
  | 'PENDING';

/** libpq-compatible TLS modes. */
export type SslMode =
  /** No TLS; the password then goes only by SCRAM or MD5, never in cleartext. */
  | 'DISABLE'
  /** TLS when the server offers it, else plain text with a warning (the default). */
  | 'PREFER'
  /** TLS, without checking the server's certificate. */
  | 'REQUIRE'
  /** TLS with a certificate signed by a trusted CA. */
  | 'VERIFY_CA'
  /** TLS with a certificate signed by a trusted CA and naming the host. */
  | 'VERIFY_FULL';

/** Exactly one of the two. */
export type TestConnectionInput = {
  /** Test this saved data source (with its stored password). */
  dataSourceId?: string | number | null | undefined;
  /** Test these parameters without saving anything. */
  draft?: ConnectionDraftInput | null | undefined;
};

/** Where a connection test is: QUEUED, RUNNING, then PASSED or FAILED for good. */
export type TestStatus =
  /** A check failed; errorCode is the first failure. */
  | 'FAILED'
  /** No check failed (warnings allowed). */
  | 'PASSED'
  /** Waiting for a worker. */
  | 'QUEUED'
  /** A worker is running its checks. */
  | 'RUNNING';

/** Every field optional; omitted means unchanged. See PRODUCT.md for the password rule. */
export type UpdateDataSourceInput = {
  /** New Database Attributes; standby must then fit (given for PRIMARY_STANDBY, absent otherwise). */
  databaseAttribute?: DatabaseAttribute | null | undefined;
  /** A new DB Name: the password must be given again. */
  databaseName?: string | null | undefined;
  /** Turn the heartbeat on or off. */
  heartbeatEnabled?: boolean | null | undefined;
  /** A new host: the password must be given again. */
  host?: string | null | undefined;
  /** A new Data Source Identifier (same rules as on create). */
  identifier?: string | null | undefined;
  /** A new password; omitted keeps the stored one (there is no mask value). */
  password?: string | null | undefined;
  /** A new port: the password must be given again. */
  port?: number | null | undefined;
  /** A new region (one of `regions`). */
  region?: string | null | undefined;
  /** New remarks. */
  remarks?: string | null | undefined;
  /** A new Schema Name. */
  schemaName?: string | null | undefined;
  /** A new TLS mode; a weaker one needs the password again. */
  sslMode?: SslMode | null | undefined;
  /** A new standby endpoint: the password must be given again. */
  standby?: EndpointInput | null | undefined;
  /** A new username: the password must be given again. */
  username?: string | null | undefined;
};

export type DataSourceRowFragment = {
  id: string;
  identifier: string;
  type: DataSourceType;
  region: string | null;
  databaseAttribute: DatabaseAttribute;
  host: string;
  port: number;
  connectionStatus: ConnectionStatus;
  remarks: string | null;
  version: number;
  standby: { host: string; port: number } | null;
  lastTest: { id: string; status: TestStatus; errorCode: ConnectionErrorCode | null } | null;
  heartbeat: {
    enabled: boolean;
    state: HeartbeatState;
    lastBeatAt: string | null;
    replicationLagSeconds: number | null;
  };
};

export type TestFieldsFragment = {
  id: string;
  dataSourceId: string | null;
  status: TestStatus;
  errorCode: ConnectionErrorCode | null;
  message: string | null;
  queuedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  checks: Array<{
    endpoint: EndpointRole;
    name: CheckName;
    status: CheckStatus;
    code: ConnectionErrorCode | null;
    message: string | null;
    hint: string | null;
    durationMs: number | null;
  }>;
  server: {
    version: string;
    inRecovery: boolean;
    walLevel: string | null;
    readableSchemas: Array<string> | null;
  } | null;
  standbyServer: { version: string; inRecovery: boolean } | null;
};

export type RegionsQueryVariables = Exact<{ [key: string]: never }>;

export type RegionsQuery = { regions: Array<string> };

export type DataSourcesQueryVariables = Exact<{
  first?: number | null | undefined;
  after?: string | null | undefined;
  filter?: DataSourceFilter | null | undefined;
}>;

export type DataSourcesQuery = {
  dataSources: {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    edges: Array<{
      cursor: string;
      node: {
        id: string;
        identifier: string;
        type: DataSourceType;
        region: string | null;
        databaseAttribute: DatabaseAttribute;
        host: string;
        port: number;
        connectionStatus: ConnectionStatus;
        remarks: string | null;
        version: number;
        standby: { host: string; port: number } | null;
        lastTest: { id: string; status: TestStatus; errorCode: ConnectionErrorCode | null } | null;
        heartbeat: {
          enabled: boolean;
          state: HeartbeatState;
          lastBeatAt: string | null;
          replicationLagSeconds: number | null;
        };
      };
    }>;
  };
};

export type DataSourceQueryVariables = Exact<{
  id: string | number;
}>;

export type DataSourceQuery = {
  dataSource: {
    username: string;
    hasPassword: boolean;
    databaseName: string;
    schemaName: string | null;
    sslMode: SslMode;
    createdAt: string;
    updatedAt: string;
    id: string;
    identifier: string;
    type: DataSourceType;
    region: string | null;
    databaseAttribute: DatabaseAttribute;
    host: string;
    port: number;
    connectionStatus: ConnectionStatus;
    remarks: string | null;
    version: number;
    heartbeat: {
      intervalSeconds: number;
      lastError: string | null;
      table: string;
      enabled: boolean;
      state: HeartbeatState;
      lastBeatAt: string | null;
      replicationLagSeconds: number | null;
    };
    lastTest: {
      id: string;
      status: TestStatus;
      errorCode: ConnectionErrorCode | null;
      dataSourceId: string | null;
      message: string | null;
      queuedAt: string;
      startedAt: string | null;
      finishedAt: string | null;
      durationMs: number | null;
      checks: Array<{
        endpoint: EndpointRole;
        name: CheckName;
        status: CheckStatus;
        code: ConnectionErrorCode | null;
        message: string | null;
        hint: string | null;
        durationMs: number | null;
      }>;
      server: {
        version: string;
        inRecovery: boolean;
        walLevel: string | null;
        readableSchemas: Array<string> | null;
      } | null;
      standbyServer: { version: string; inRecovery: boolean } | null;
    } | null;
    tests: {
      totalCount: number;
      edges: Array<{
        node: {
          id: string;
          dataSourceId: string | null;
          status: TestStatus;
          errorCode: ConnectionErrorCode | null;
          message: string | null;
          queuedAt: string;
          startedAt: string | null;
          finishedAt: string | null;
          durationMs: number | null;
          checks: Array<{
            endpoint: EndpointRole;
            name: CheckName;
            status: CheckStatus;
            code: ConnectionErrorCode | null;
            message: string | null;
            hint: string | null;
            durationMs: number | null;
          }>;
          server: {
            version: string;
            inRecovery: boolean;
            walLevel: string | null;
            readableSchemas: Array<string> | null;
          } | null;
          standbyServer: { version: string; inRecovery: boolean } | null;
        };
      }>;
    };
    standby: { host: string; port: number } | null;
  } | null;
};

export type DataSourceEventsSubscriptionVariables = Exact<{
  id?: string | number | null | undefined;
}>;

export type DataSourceEventsSubscription = {
  dataSourceEvents: {
    kind: DataSourceEventKind;
    dataSourceId: string;
    at: string;
    dataSource: {
      id: string;
      identifier: string;
      type: DataSourceType;
      region: string | null;
      databaseAttribute: DatabaseAttribute;
      host: string;
      port: number;
      connectionStatus: ConnectionStatus;
      remarks: string | null;
      version: number;
      standby: { host: string; port: number } | null;
      lastTest: { id: string; status: TestStatus; errorCode: ConnectionErrorCode | null } | null;
      heartbeat: {
        enabled: boolean;
        state: HeartbeatState;
        lastBeatAt: string | null;
        replicationLagSeconds: number | null;
      };
    } | null;
  };
};

export type TestConnectionMutationVariables = Exact<{
  input: TestConnectionInput;
}>;

export type TestConnectionMutation = {
  testConnection: {
    id: string;
    dataSourceId: string | null;
    status: TestStatus;
    errorCode: ConnectionErrorCode | null;
    message: string | null;
    queuedAt: string;
    startedAt: string | null;
    finishedAt: string | null;
    durationMs: number | null;
    checks: Array<{
      endpoint: EndpointRole;
      name: CheckName;
      status: CheckStatus;
      code: ConnectionErrorCode | null;
      message: string | null;
      hint: string | null;
      durationMs: number | null;
    }>;
    server: {
      version: string;
      inRecovery: boolean;
      walLevel: string | null;
      readableSchemas: Array<string> | null;
    } | null;
    standbyServer: { version: string; inRecovery: boolean } | null;
  };
};

export type ConnectionTestUpdatedSubscriptionVariables = Exact<{
  testId: string | number;
}>;

export type ConnectionTestUpdatedSubscription = {
  connectionTestUpdated: {
    id: string;
    dataSourceId: string | null;
    status: TestStatus;
    errorCode: ConnectionErrorCode | null;
    message: string | null;
    queuedAt: string;
    startedAt: string | null;
    finishedAt: string | null;
    durationMs: number | null;
    checks: Array<{
      endpoint: EndpointRole;
      name: CheckName;
      status: CheckStatus;
      code: ConnectionErrorCode | null;
      message: string | null;
      hint: string | null;
      durationMs: number | null;
    }>;
    server: {
      version: string;
      inRecovery: boolean;
      walLevel: string | null;
      readableSchemas: Array<string> | null;
    } | null;
    standbyServer: { version: string; inRecovery: boolean } | null;
  };
};

export type CreateDataSourceMutationVariables = Exact<{
  input: CreateDataSourceInput;
}>;

export type CreateDataSourceMutation = {
  createDataSource: {
    dataSource: {
      id: string;
      identifier: string;
      type: DataSourceType;
      region: string | null;
      databaseAttribute: DatabaseAttribute;
      host: string;
      port: number;
      connectionStatus: ConnectionStatus;
      remarks: string | null;
      version: number;
      standby: { host: string; port: number } | null;
      lastTest: { id: string; status: TestStatus; errorCode: ConnectionErrorCode | null } | null;
      heartbeat: {
        enabled: boolean;
        state: HeartbeatState;
        lastBeatAt: string | null;
        replicationLagSeconds: number | null;
      };
    };
    test: { id: string; status: TestStatus };
  };
};

export type UpdateDataSourceMutationVariables = Exact<{
  id: string | number;
  expectedVersion?: number | null | undefined;
  input: UpdateDataSourceInput;
}>;

export type UpdateDataSourceMutation = {
  updateDataSource: {
    dataSource: {
      id: string;
      identifier: string;
      type: DataSourceType;
      region: string | null;
      databaseAttribute: DatabaseAttribute;
      host: string;
      port: number;
      connectionStatus: ConnectionStatus;
      remarks: string | null;
      version: number;
      standby: { host: string; port: number } | null;
      lastTest: { id: string; status: TestStatus; errorCode: ConnectionErrorCode | null } | null;
      heartbeat: {
        enabled: boolean;
        state: HeartbeatState;
        lastBeatAt: string | null;
        replicationLagSeconds: number | null;
      };
    };
    test: { id: string } | null;
  };
};

export type DeleteDataSourceMutationVariables = Exact<{
  id: string | number;
}>;

export type DeleteDataSourceMutation = { deleteDataSource: { id: string } };

export type QueuesQueryVariables = Exact<{ [key: string]: never }>;

export type QueuesQuery = {
  queues: Array<{
    name: string;
    waiting: number;
    active: number;
    delayed: number;
    completed: number;
    failed: number;
    paused: boolean;
    workers: number;
  }>;
};

export type FailedJobsQueryVariables = Exact<{
  queue: string;
}>;

export type FailedJobsQuery = {
  failedJobs: Array<{
    id: string;
    name: string;
    reason: string;
    attemptsMade: number;
    failedAt: string | null;
  }>;
};

export type RetryFailedJobsMutationVariables = Exact<{
  queue: string;
}>;

export type RetryFailedJobsMutation = { retryFailedJobs: number };

export type PauseQueueMutationVariables = Exact<{
  queue: string;
}>;

export type PauseQueueMutation = { pauseQueue: { name: string; paused: boolean } };

export type ResumeQueueMutationVariables = Exact<{
  queue: string;
}>;

export type ResumeQueueMutation = { resumeQueue: { name: string; paused: boolean } };

export const DataSourceRowFragmentDoc = {
  kind: 'Document',
  definitions: [
    {
      kind: 'FragmentDefinition',
      name: { kind: 'Name', value: 'DataSourceRow' },
      typeCondition: { kind: 'NamedType', name: { kind: 'Name', value: 'DataSource' } },
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          { kind: 'Field', name: { kind: 'Name', value: 'id' } },
          { kind: 'Field', name: { kind: 'Name', value: 'identifier' } },
          { kind: 'Field', name: { kind: 'Name', value: 'type' } },
          { kind: 'Field', name: { kind: 'Name', value: 'region' } },
          { kind: 'Field', name: { kind: 'Name', value: 'databaseAttribute' } },
          { kind: 'Field', name: { kind: 'Name', value: 'host' } },
          { kind: 'Field', name: { kind: 'Name', value: 'port' } },
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'standby' },
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'host' } },
                { kind: 'Field', name: { kind: 'Name', value: 'port' } },
              ],
            },
          },
          { kind: 'Field', name: { kind: 'Name', value: 'connectionStatus' } },
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'lastTest' },
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'id' } },
                { kind: 'Field', name: { kind: 'Name', value: 'status' } },
                { kind: 'Field', name: { kind: 'Name', value: 'errorCode' } },
              ],
            },
          },
          { kind: 'Field', name: { kind: 'Name', value: 'remarks' } },
          { kind: 'Field', name: { kind: 'Name', value: 'version' } },
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'heartbeat' },
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'enabled' } },
                { kind: 'Field', name: { kind: 'Name', value: 'state' } },
                { kind: 'Field', name: { kind: 'Name', value: 'lastBeatAt' } },
                { kind: 'Field', name: { kind: 'Name', value: 'replicationLagSeconds' } },
              ],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<DataSourceRowFragment, unknown>;
export const TestFieldsFragmentDoc = {
  kind: 'Document',
  definitions: [
    {
      kind: 'FragmentDefinition',
      name: { kind: 'Name', value: 'TestFields' },
      typeCondition: { kind: 'NamedType', name: { kind: 'Name', value: 'ConnectionTest' } },
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          { kind: 'Field', name: { kind: 'Name', value: 'id' } },
          { kind: 'Field', name: { kind: 'Name', value: 'dataSourceId' } },
          { kind: 'Field', name: { kind: 'Name', value: 'status' } },
          { kind: 'Field', name: { kind: 'Name', value: 'errorCode' } },
          { kind: 'Field', name: { kind: 'Name', value: 'message' } },
          { kind: 'Field', name: { kind: 'Name', value: 'queuedAt' } },
          { kind: 'Field', name: { kind: 'Name', value: 'startedAt' } },
          { kind: 'Field', name: { kind: 'Name', value: 'finishedAt' } },
          { kind: 'Field', name: { kind: 'Name', value: 'durationMs' } },
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'checks' },
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'endpoint' } },
                { kind: 'Field', name: { kind: 'Name', value: 'name' } },
                { kind: 'Field', name: { kind: 'Name', value: 'status' } },
                { kind: 'Field', name: { kind: 'Name', value: 'code' } },
                { kind: 'Field', name: { kind: 'Name', value: 'message' } },
                { kind: 'Field', name: { kind: 'Name', value: 'hint' } },
                { kind: 'Field', name: { kind: 'Name', value: 'durationMs' } },
              ],
            },
          },
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'server' },
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'version' } },
                { kind: 'Field', name: { kind: 'Name', value: 'inRecovery' } },
                { kind: 'Field', name: { kind: 'Name', value: 'walLevel' } },
                { kind: 'Field', name: { kind: 'Name', value: 'readableSchemas' } },
              ],
            },
          },
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'standbyServer' },
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'version' } },
                { kind: 'Field', name: { kind: 'Name', value: 'inRecovery' } },
              ],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<TestFieldsFragment, unknown>;
export const RegionsDocument = {
  kind: 'Document',
  definitions: [
    {
      kind: 'OperationDefinition',
      operation: 'query',
      name: { kind: 'Name', value: 'Regions' },
      selectionSet: {
        kind: 'SelectionSet',
        selections: [{ kind: 'Field', name: { kind: 'Name', value: 'regions' } }],
      },
    },
  ],
} as unknown as DocumentNode<RegionsQuery, RegionsQueryVariables>;
export const DataSourcesDocument = {
  kind: 'Document',
  definitions: [
    {
      kind: 'OperationDefinition',
      operation: 'query',
      name: { kind: 'Name', value: 'DataSources' },
      variableDefinitions: [
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'first' } },
          type: { kind: 'NamedType', name: { kind: 'Name', value: 'Int' } },
        },
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'after' } },
          type: { kind: 'NamedType', name: { kind: 'Name', value: 'String' } },
        },
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'filter' } },
          type: { kind: 'NamedType', name: { kind: 'Name', value: 'DataSourceFilter' } },
        },
      ],
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'dataSources' },
            arguments: [
              {
                kind: 'Argument',
                name: { kind: 'Name', value: 'first' },
                value: { kind: 'Variable', name: { kind: 'Name', value: 'first' } },
              },
              {
                kind: 'Argument',
                name: { kind: 'Name', value: 'after' },
                value: { kind: 'Variable', name: { kind: 'Name', value: 'after' } },
              },
              {
                kind: 'Argument',
                name: { kind: 'Name', value: 'filter' },
                value: { kind: 'Variable', name: { kind: 'Name', value: 'filter' } },
              },
            ],
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'totalCount' } },
                {
                  kind: 'Field',
                  name: { kind: 'Name', value: 'pageInfo' },
                  selectionSet: {
                    kind: 'SelectionSet',
                    selections: [
                      { kind: 'Field', name: { kind: 'Name', value: 'hasNextPage' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'endCursor' } },
                    ],
                  },
                },
                {
                  kind: 'Field',
                  name: { kind: 'Name', value: 'edges' },
                  selectionSet: {
                    kind: 'SelectionSet',
                    selections: [
                      { kind: 'Field', name: { kind: 'Name', value: 'cursor' } },
                      {
                        kind: 'Field',
                        name: { kind: 'Name', value: 'node' },
                        selectionSet: {
                          kind: 'SelectionSet',
                          selections: [
                            { kind: 'FragmentSpread', name: { kind: 'Name', value: 'DataSourceRow' } },
                          ],
                        },
                      },
                    ],
                  },
                },
              ],
            },
          },
        ],
      },
    },
    {
      kind: 'FragmentDefinition',
      name: { kind: 'Name', value: 'DataSourceRow' },
      typeCondition: { kind: 'NamedType', name: { kind: 'Name', value: 'DataSource' } },
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          { kind: 'Field', name: { kind: 'Name', value: 'id' } },
          { kind: 'Field', name: { kind: 'Name', value: 'identifier' } },
          { kind: 'Field', name: { kind: 'Name', value: 'type' } },
          { kind: 'Field', name: { kind: 'Name', value: 'region' } },
          { kind: 'Field', name: { kind: 'Name', value: 'databaseAttribute' } },
          { kind: 'Field', name: { kind: 'Name', value: 'host' } },
          { kind: 'Field', name: { kind: 'Name', value: 'port' } },
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'standby' },
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'host' } },
                { kind: 'Field', name: { kind: 'Name', value: 'port' } },
              ],
            },
          },
          { kind: 'Field', name: { kind: 'Name', value: 'connectionStatus' } },
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'lastTest' },
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'id' } },
                { kind: 'Field', name: { kind: 'Name', value: 'status' } },
                { kind: 'Field', name: { kind: 'Name', value: 'errorCode' } },
              ],
            },
          },
          { kind: 'Field', name: { kind: 'Name', value: 'remarks' } },
          { kind: 'Field', name: { kind: 'Name', value: 'version' } },
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'heartbeat' },
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'enabled' } },
                { kind: 'Field', name: { kind: 'Name', value: 'state' } },
                { kind: 'Field', name: { kind: 'Name', value: 'lastBeatAt' } },
                { kind: 'Field', name: { kind: 'Name', value: 'replicationLagSeconds' } },
              ],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<DataSourcesQuery, DataSourcesQueryVariables>;
export const DataSourceDocument = {
  kind: 'Document',
  definitions: [
    {
      kind: 'OperationDefinition',
      operation: 'query',
      name: { kind: 'Name', value: 'DataSource' },
      variableDefinitions: [
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'id' } },
          type: { kind: 'NonNullType', type: { kind: 'NamedType', name: { kind: 'Name', value: 'ID' } } },
        },
      ],
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'dataSource' },
            arguments: [
              {
                kind: 'Argument',
                name: { kind: 'Name', value: 'id' },
                value: { kind: 'Variable', name: { kind: 'Name', value: 'id' } },
              },
            ],
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'FragmentSpread', name: { kind: 'Name', value: 'DataSourceRow' } },
                { kind: 'Field', name: { kind: 'Name', value: 'username' } },
                { kind: 'Field', name: { kind: 'Name', value: 'hasPassword' } },
                { kind: 'Field', name: { kind: 'Name', value: 'databaseName' } },
                { kind: 'Field', name: { kind: 'Name', value: 'schemaName' } },
                { kind: 'Field', name: { kind: 'Name', value: 'sslMode' } },
                { kind: 'Field', name: { kind: 'Name', value: 'createdAt' } },
                { kind: 'Field', name: { kind: 'Name', value: 'updatedAt' } },
                {
                  kind: 'Field',
                  name: { kind: 'Name', value: 'heartbeat' },
                  selectionSet: {
                    kind: 'SelectionSet',
                    selections: [
                      { kind: 'Field', name: { kind: 'Name', value: 'intervalSeconds' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'lastError' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'table' } },
                    ],
                  },
                },
                {
                  kind: 'Field',
                  name: { kind: 'Name', value: 'lastTest' },
                  selectionSet: {
                    kind: 'SelectionSet',
                    selections: [{ kind: 'FragmentSpread', name: { kind: 'Name', value: 'TestFields' } }],
                  },
                },
                {
                  kind: 'Field',
                  name: { kind: 'Name', value: 'tests' },
                  arguments: [
                    {
                      kind: 'Argument',
                      name: { kind: 'Name', value: 'first' },
                      value: { kind: 'IntValue', value: '10' },
                    },
                  ],
                  selectionSet: {
                    kind: 'SelectionSet',
                    selections: [
                      { kind: 'Field', name: { kind: 'Name', value: 'totalCount' } },
                      {
                        kind: 'Field',
                        name: { kind: 'Name', value: 'edges' },
                        selectionSet: {
                          kind: 'SelectionSet',
                          selections: [
                            {
                              kind: 'Field',
                              name: { kind: 'Name', value: 'node' },
                              selectionSet: {
                                kind: 'SelectionSet',
                                selections: [
                                  { kind: 'FragmentSpread', name: { kind: 'Name', value: 'TestFields' } },
                                ],
                              },
                            },
                          ],
                        },
                      },
                    ],
                  },
                },
              ],
            },
          },
        ],
      },
    },
    {
      kind: 'FragmentDefinition',
      name: { kind: 'Name', value: 'DataSourceRow' },
      typeCondition: { kind: 'NamedType', name: { kind: 'Name', value: 'DataSource' } },
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          { kind: 'Field', name: { kind: 'Name', value: 'id' } },
          { kind: 'Field', name: { kind: 'Name', value: 'identifier' } },
          { kind: 'Field', name: { kind: 'Name', value: 'type' } },
          { kind: 'Field', name: { kind: 'Name', value: 'region' } },
          { kind: 'Field', name: { kind: 'Name', value: 'databaseAttribute' } },
          { kind: 'Field', name: { kind: 'Name', value: 'host' } },
          { kind: 'Field', name: { kind: 'Name', value: 'port' } },
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'standby' },
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'host' } },
                { kind: 'Field', name: { kind: 'Name', value: 'port' } },
              ],
            },
          },
          { kind: 'Field', name: { kind: 'Name', value: 'connectionStatus' } },
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'lastTest' },
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'id' } },
                { kind: 'Field', name: { kind: 'Name', value: 'status' } },
                { kind: 'Field', name: { kind: 'Name', value: 'errorCode' } },
              ],
            },
          },
          { kind: 'Field', name: { kind: 'Name', value: 'remarks' } },
          { kind: 'Field', name: { kind: 'Name', value: 'version' } },
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'heartbeat' },
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'enabled' } },
                { kind: 'Field', name: { kind: 'Name', value: 'state' } },
                { kind: 'Field', name: { kind: 'Name', value: 'lastBeatAt' } },
                { kind: 'Field', name: { kind: 'Name', value: 'replicationLagSeconds' } },
              ],
            },
          },
        ],
      },
    },
    {
      kind: 'FragmentDefinition',
      name: { kind: 'Name', value: 'TestFields' },
      typeCondition: { kind: 'NamedType', name: { kind: 'Name', value: 'ConnectionTest' } },
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          { kind: 'Field', name: { kind: 'Name', value: 'id' } },
          { kind: 'Field', name: { kind: 'Name', value: 'dataSourceId' } },
          { kind: 'Field', name: { kind: 'Name', value: 'status' } },
          { kind: 'Field', name: { kind: 'Name', value: 'errorCode' } },
          { kind: 'Field', name: { kind: 'Name', value: 'message' } },
          { kind: 'Field', name: { kind: 'Name', value: 'queuedAt' } },
          { kind: 'Field', name: { kind: 'Name', value: 'startedAt' } },
          { kind: 'Field', name: { kind: 'Name', value: 'finishedAt' } },
          { kind: 'Field', name: { kind: 'Name', value: 'durationMs' } },
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'checks' },
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'endpoint' } },
                { kind: 'Field', name: { kind: 'Name', value: 'name' } },
                { kind: 'Field', name: { kind: 'Name', value: 'status' } },
                { kind: 'Field', name: { kind: 'Name', value: 'code' } },
                { kind: 'Field', name: { kind: 'Name', value: 'message' } },
                { kind: 'Field', name: { kind: 'Name', value: 'hint' } },
                { kind: 'Field', name: { kind: 'Name', value: 'durationMs' } },
              ],
            },
          },
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'server' },
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'version' } },
                { kind: 'Field', name: { kind: 'Name', value: 'inRecovery' } },
                { kind: 'Field', name: { kind: 'Name', value: 'walLevel' } },
                { kind: 'Field', name: { kind: 'Name', value: 'readableSchemas' } },
              ],
            },
          },
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'standbyServer' },
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'version' } },
                { kind: 'Field', name: { kind: 'Name', value: 'inRecovery' } },
              ],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<DataSourceQuery, DataSourceQueryVariables>;
export const DataSourceEventsDocument = {
  kind: 'Document',
  definitions: [
    {
      kind: 'OperationDefinition',
      operation: 'subscription',
      name: { kind: 'Name', value: 'DataSourceEvents' },
      variableDefinitions: [
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'id' } },
          type: { kind: 'NamedType', name: { kind: 'Name', value: 'ID' } },
        },
      ],
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'dataSourceEvents' },
            arguments: [
              {
                kind: 'Argument',
                name: { kind: 'Name', value: 'id' },
                value: { kind: 'Variable', name: { kind: 'Name', value: 'id' } },
              },
            ],
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'kind' } },
                { kind: 'Field', name: { kind: 'Name', value: 'dataSourceId' } },
                { kind: 'Field', name: { kind: 'Name', value: 'at' } },
                {
                  kind: 'Field',
                  name: { kind: 'Name', value: 'dataSource' },
                  selectionSet: {
                    kind: 'SelectionSet',
                    selections: [{ kind: 'FragmentSpread', name: { kind: 'Name', value: 'DataSourceRow' } }],
                  },
                },
              ],
            },
          },
        ],
      },
    },
    {
      kind: 'FragmentDefinition',
      name: { kind: 'Name', value: 'DataSourceRow' },
      typeCondition: { kind: 'NamedType', name: { kind: 'Name', value: 'DataSource' } },
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          { kind: 'Field', name: { kind: 'Name', value: 'id' } },
          { kind: 'Field', name: { kind: 'Name', value: 'identifier' } },
          { kind: 'Field', name: { kind: 'Name', value: 'type' } },
          { kind: 'Field', name: { kind: 'Name', value: 'region' } },
          { kind: 'Field', name: { kind: 'Name', value: 'databaseAttribute' } },
          { kind: 'Field', name: { kind: 'Name', value: 'host' } },
          { kind: 'Field', name: { kind: 'Name', value: 'port' } },
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'standby' },
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'host' } },
                { kind: 'Field', name: { kind: 'Name', value: 'port' } },
              ],
            },
          },
          { kind: 'Field', name: { kind: 'Name', value: 'connectionStatus' } },
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'lastTest' },
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'id' } },
                { kind: 'Field', name: { kind: 'Name', value: 'status' } },
                { kind: 'Field', name: { kind: 'Name', value: 'errorCode' } },
              ],
            },
          },
          { kind: 'Field', name: { kind: 'Name', value: 'remarks' } },
          { kind: 'Field', name: { kind: 'Name', value: 'version' } },
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'heartbeat' },
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'enabled' } },
                { kind: 'Field', name: { kind: 'Name', value: 'state' } },
                { kind: 'Field', name: { kind: 'Name', value: 'lastBeatAt' } },
                { kind: 'Field', name: { kind: 'Name', value: 'replicationLagSeconds' } },
              ],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<DataSourceEventsSubscription, DataSourceEventsSubscriptionVariables>;
export const TestConnectionDocument = {
  kind: 'Document',
  definitions: [
    {
      kind: 'OperationDefinition',
      operation: 'mutation',
      name: { kind: 'Name', value: 'TestConnection' },
      variableDefinitions: [
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'input' } },
          type: {
            kind: 'NonNullType',
            type: { kind: 'NamedType', name: { kind: 'Name', value: 'TestConnectionInput' } },
          },
        },
      ],
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'testConnection' },
            arguments: [
              {
                kind: 'Argument',
                name: { kind: 'Name', value: 'input' },
                value: { kind: 'Variable', name: { kind: 'Name', value: 'input' } },
              },
            ],
            selectionSet: {
              kind: 'SelectionSet',
              selections: [{ kind: 'FragmentSpread', name: { kind: 'Name', value: 'TestFields' } }],
            },
          },
        ],
      },
    },
    {
      kind: 'FragmentDefinition',
      name: { kind: 'Name', value: 'TestFields' },
      typeCondition: { kind: 'NamedType', name: { kind: 'Name', value: 'ConnectionTest' } },
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          { kind: 'Field', name: { kind: 'Name', value: 'id' } },
          { kind: 'Field', name: { kind: 'Name', value: 'dataSourceId' } },
          { kind: 'Field', name: { kind: 'Name', value: 'status' } },
          { kind: 'Field', name: { kind: 'Name', value: 'errorCode' } },
          { kind: 'Field', name: { kind: 'Name', value: 'message' } },
          { kind: 'Field', name: { kind: 'Name', value: 'queuedAt' } },
          { kind: 'Field', name: { kind: 'Name', value: 'startedAt' } },
          { kind: 'Field', name: { kind: 'Name', value: 'finishedAt' } },
          { kind: 'Field', name: { kind: 'Name', value: 'durationMs' } },
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'checks' },
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'endpoint' } },
                { kind: 'Field', name: { kind: 'Name', value: 'name' } },
                { kind: 'Field', name: { kind: 'Name', value: 'status' } },
                { kind: 'Field', name: { kind: 'Name', value: 'code' } },
                { kind: 'Field', name: { kind: 'Name', value: 'message' } },
                { kind: 'Field', name: { kind: 'Name', value: 'hint' } },
                { kind: 'Field', name: { kind: 'Name', value: 'durationMs' } },
              ],
            },
          },
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'server' },
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'version' } },
                { kind: 'Field', name: { kind: 'Name', value: 'inRecovery' } },
                { kind: 'Field', name: { kind: 'Name', value: 'walLevel' } },
                { kind: 'Field', name: { kind: 'Name', value: 'readableSchemas' } },
              ],
            },
          },
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'standbyServer' },
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'version' } },
                { kind: 'Field', name: { kind: 'Name', value: 'inRecovery' } },
              ],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<TestConnectionMutation, TestConnectionMutationVariables>;
export const ConnectionTestUpdatedDocument = {
  kind: 'Document',
  definitions: [
    {
      kind: 'OperationDefinition',
      operation: 'subscription',
      name: { kind: 'Name', value: 'ConnectionTestUpdated' },
      variableDefinitions: [
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'testId' } },
          type: { kind: 'NonNullType', type: { kind: 'NamedType', name: { kind: 'Name', value: 'ID' } } },
        },
      ],
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'connectionTestUpdated' },
            arguments: [
              {
                kind: 'Argument',
                name: { kind: 'Name', value: 'testId' },
                value: { kind: 'Variable', name: { kind: 'Name', value: 'testId' } },
              },
            ],
            selectionSet: {
              kind: 'SelectionSet',
              selections: [{ kind: 'FragmentSpread', name: { kind: 'Name', value: 'TestFields' } }],
            },
          },
        ],
      },
    },
    {
      kind: 'FragmentDefinition',
      name: { kind: 'Name', value: 'TestFields' },
      typeCondition: { kind: 'NamedType', name: { kind: 'Name', value: 'ConnectionTest' } },
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          { kind: 'Field', name: { kind: 'Name', value: 'id' } },
          { kind: 'Field', name: { kind: 'Name', value: 'dataSourceId' } },
          { kind: 'Field', name: { kind: 'Name', value: 'status' } },
          { kind: 'Field', name: { kind: 'Name', value: 'errorCode' } },
          { kind: 'Field', name: { kind: 'Name', value: 'message' } },
          { kind: 'Field', name: { kind: 'Name', value: 'queuedAt' } },
          { kind: 'Field', name: { kind: 'Name', value: 'startedAt' } },
          { kind: 'Field', name: { kind: 'Name', value: 'finishedAt' } },
          { kind: 'Field', name: { kind: 'Name', value: 'durationMs' } },
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'checks' },
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'endpoint' } },
                { kind: 'Field', name: { kind: 'Name', value: 'name' } },
                { kind: 'Field', name: { kind: 'Name', value: 'status' } },
                { kind: 'Field', name: { kind: 'Name', value: 'code' } },
                { kind: 'Field', name: { kind: 'Name', value: 'message' } },
                { kind: 'Field', name: { kind: 'Name', value: 'hint' } },
                { kind: 'Field', name: { kind: 'Name', value: 'durationMs' } },
              ],
            },
          },
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'server' },
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'version' } },
                { kind: 'Field', name: { kind: 'Name', value: 'inRecovery' } },
                { kind: 'Field', name: { kind: 'Name', value: 'walLevel' } },
                { kind: 'Field', name: { kind: 'Name', value: 'readableSchemas' } },
              ],
            },
          },
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'standbyServer' },
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'version' } },
                { kind: 'Field', name: { kind: 'Name', value: 'inRecovery' } },
              ],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<ConnectionTestUpdatedSubscription, ConnectionTestUpdatedSubscriptionVariables>;
export const CreateDataSourceDocument = {
  kind: 'Document',
  definitions: [
    {
      kind: 'OperationDefinition',
      operation: 'mutation',
      name: { kind: 'Name', value: 'CreateDataSource' },
      variableDefinitions: [
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'input' } },
          type: {
            kind: 'NonNullType',
            type: { kind: 'NamedType', name: { kind: 'Name', value: 'CreateDataSourceInput' } },
          },
        },
      ],
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'createDataSource' },
            arguments: [
              {
                kind: 'Argument',
                name: { kind: 'Name', value: 'input' },
                value: { kind: 'Variable', name: { kind: 'Name', value: 'input' } },
              },
            ],
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                {
                  kind: 'Field',
                  name: { kind: 'Name', value: 'dataSource' },
                  selectionSet: {
                    kind: 'SelectionSet',
                    selections: [{ kind: 'FragmentSpread', name: { kind: 'Name', value: 'DataSourceRow' } }],
                  },
                },
                {
                  kind: 'Field',
                  name: { kind: 'Name', value: 'test' },
                  selectionSet: {
                    kind: 'SelectionSet',
                    selections: [
                      { kind: 'Field', name: { kind: 'Name', value: 'id' } },
                      { kind: 'Field', name: { kind: 'Name', value: 'status' } },
                    ],
                  },
                },
              ],
            },
          },
        ],
      },
    },
    {
      kind: 'FragmentDefinition',
      name: { kind: 'Name', value: 'DataSourceRow' },
      typeCondition: { kind: 'NamedType', name: { kind: 'Name', value: 'DataSource' } },
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          { kind: 'Field', name: { kind: 'Name', value: 'id' } },
          { kind: 'Field', name: { kind: 'Name', value: 'identifier' } },
          { kind: 'Field', name: { kind: 'Name', value: 'type' } },
          { kind: 'Field', name: { kind: 'Name', value: 'region' } },
          { kind: 'Field', name: { kind: 'Name', value: 'databaseAttribute' } },
          { kind: 'Field', name: { kind: 'Name', value: 'host' } },
          { kind: 'Field', name: { kind: 'Name', value: 'port' } },
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'standby' },
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'host' } },
                { kind: 'Field', name: { kind: 'Name', value: 'port' } },
              ],
            },
          },
          { kind: 'Field', name: { kind: 'Name', value: 'connectionStatus' } },
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'lastTest' },
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'id' } },
                { kind: 'Field', name: { kind: 'Name', value: 'status' } },
                { kind: 'Field', name: { kind: 'Name', value: 'errorCode' } },
              ],
            },
          },
          { kind: 'Field', name: { kind: 'Name', value: 'remarks' } },
          { kind: 'Field', name: { kind: 'Name', value: 'version' } },
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'heartbeat' },
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'enabled' } },
                { kind: 'Field', name: { kind: 'Name', value: 'state' } },
                { kind: 'Field', name: { kind: 'Name', value: 'lastBeatAt' } },
                { kind: 'Field', name: { kind: 'Name', value: 'replicationLagSeconds' } },
              ],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<CreateDataSourceMutation, CreateDataSourceMutationVariables>;
export const UpdateDataSourceDocument = {
  kind: 'Document',
  definitions: [
    {
      kind: 'OperationDefinition',
      operation: 'mutation',
      name: { kind: 'Name', value: 'UpdateDataSource' },
      variableDefinitions: [
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'id' } },
          type: { kind: 'NonNullType', type: { kind: 'NamedType', name: { kind: 'Name', value: 'ID' } } },
        },
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'expectedVersion' } },
          type: { kind: 'NamedType', name: { kind: 'Name', value: 'Int' } },
        },
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'input' } },
          type: {
            kind: 'NonNullType',
            type: { kind: 'NamedType', name: { kind: 'Name', value: 'UpdateDataSourceInput' } },
          },
        },
      ],
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'updateDataSource' },
            arguments: [
              {
                kind: 'Argument',
                name: { kind: 'Name', value: 'id' },
                value: { kind: 'Variable', name: { kind: 'Name', value: 'id' } },
              },
              {
                kind: 'Argument',
                name: { kind: 'Name', value: 'expectedVersion' },
                value: { kind: 'Variable', name: { kind: 'Name', value: 'expectedVersion' } },
              },
              {
                kind: 'Argument',
                name: { kind: 'Name', value: 'input' },
                value: { kind: 'Variable', name: { kind: 'Name', value: 'input' } },
              },
            ],
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                {
                  kind: 'Field',
                  name: { kind: 'Name', value: 'dataSource' },
                  selectionSet: {
                    kind: 'SelectionSet',
                    selections: [{ kind: 'FragmentSpread', name: { kind: 'Name', value: 'DataSourceRow' } }],
                  },
                },
                {
                  kind: 'Field',
                  name: { kind: 'Name', value: 'test' },
                  selectionSet: {
                    kind: 'SelectionSet',
                    selections: [{ kind: 'Field', name: { kind: 'Name', value: 'id' } }],
                  },
                },
              ],
            },
          },
        ],
      },
    },
    {
      kind: 'FragmentDefinition',
      name: { kind: 'Name', value: 'DataSourceRow' },
      typeCondition: { kind: 'NamedType', name: { kind: 'Name', value: 'DataSource' } },
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          { kind: 'Field', name: { kind: 'Name', value: 'id' } },
          { kind: 'Field', name: { kind: 'Name', value: 'identifier' } },
          { kind: 'Field', name: { kind: 'Name', value: 'type' } },
          { kind: 'Field', name: { kind: 'Name', value: 'region' } },
          { kind: 'Field', name: { kind: 'Name', value: 'databaseAttribute' } },
          { kind: 'Field', name: { kind: 'Name', value: 'host' } },
          { kind: 'Field', name: { kind: 'Name', value: 'port' } },
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'standby' },
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'host' } },
                { kind: 'Field', name: { kind: 'Name', value: 'port' } },
              ],
            },
          },
          { kind: 'Field', name: { kind: 'Name', value: 'connectionStatus' } },
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'lastTest' },
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'id' } },
                { kind: 'Field', name: { kind: 'Name', value: 'status' } },
                { kind: 'Field', name: { kind: 'Name', value: 'errorCode' } },
              ],
            },
          },
          { kind: 'Field', name: { kind: 'Name', value: 'remarks' } },
          { kind: 'Field', name: { kind: 'Name', value: 'version' } },
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'heartbeat' },
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'enabled' } },
                { kind: 'Field', name: { kind: 'Name', value: 'state' } },
                { kind: 'Field', name: { kind: 'Name', value: 'lastBeatAt' } },
                { kind: 'Field', name: { kind: 'Name', value: 'replicationLagSeconds' } },
              ],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<UpdateDataSourceMutation, UpdateDataSourceMutationVariables>;
export const DeleteDataSourceDocument = {
  kind: 'Document',
  definitions: [
    {
      kind: 'OperationDefinition',
      operation: 'mutation',
      name: { kind: 'Name', value: 'DeleteDataSource' },
      variableDefinitions: [
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'id' } },
          type: { kind: 'NonNullType', type: { kind: 'NamedType', name: { kind: 'Name', value: 'ID' } } },
        },
      ],
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'deleteDataSource' },
            arguments: [
              {
                kind: 'Argument',
                name: { kind: 'Name', value: 'id' },
                value: { kind: 'Variable', name: { kind: 'Name', value: 'id' } },
              },
            ],
            selectionSet: {
              kind: 'SelectionSet',
              selections: [{ kind: 'Field', name: { kind: 'Name', value: 'id' } }],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<DeleteDataSourceMutation, DeleteDataSourceMutationVariables>;
export const QueuesDocument = {
  kind: 'Document',
  definitions: [
    {
      kind: 'OperationDefinition',
      operation: 'query',
      name: { kind: 'Name', value: 'Queues' },
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'queues' },
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'name' } },
                { kind: 'Field', name: { kind: 'Name', value: 'waiting' } },
                { kind: 'Field', name: { kind: 'Name', value: 'active' } },
                { kind: 'Field', name: { kind: 'Name', value: 'delayed' } },
                { kind: 'Field', name: { kind: 'Name', value: 'completed' } },
                { kind: 'Field', name: { kind: 'Name', value: 'failed' } },
                { kind: 'Field', name: { kind: 'Name', value: 'paused' } },
                { kind: 'Field', name: { kind: 'Name', value: 'workers' } },
              ],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<QueuesQuery, QueuesQueryVariables>;
export const FailedJobsDocument = {
  kind: 'Document',
  definitions: [
    {
      kind: 'OperationDefinition',
      operation: 'query',
      name: { kind: 'Name', value: 'FailedJobs' },
      variableDefinitions: [
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'queue' } },
          type: { kind: 'NonNullType', type: { kind: 'NamedType', name: { kind: 'Name', value: 'String' } } },
        },
      ],
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'failedJobs' },
            arguments: [
              {
                kind: 'Argument',
                name: { kind: 'Name', value: 'queue' },
                value: { kind: 'Variable', name: { kind: 'Name', value: 'queue' } },
              },
              {
                kind: 'Argument',
                name: { kind: 'Name', value: 'first' },
                value: { kind: 'IntValue', value: '20' },
              },
            ],
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'id' } },
                { kind: 'Field', name: { kind: 'Name', value: 'name' } },
                { kind: 'Field', name: { kind: 'Name', value: 'reason' } },
                { kind: 'Field', name: { kind: 'Name', value: 'attemptsMade' } },
                { kind: 'Field', name: { kind: 'Name', value: 'failedAt' } },
              ],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<FailedJobsQuery, FailedJobsQueryVariables>;
export const RetryFailedJobsDocument = {
  kind: 'Document',
  definitions: [
    {
      kind: 'OperationDefinition',
      operation: 'mutation',
      name: { kind: 'Name', value: 'RetryFailedJobs' },
      variableDefinitions: [
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'queue' } },
          type: { kind: 'NonNullType', type: { kind: 'NamedType', name: { kind: 'Name', value: 'String' } } },
        },
      ],
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'retryFailedJobs' },
            arguments: [
              {
                kind: 'Argument',
                name: { kind: 'Name', value: 'queue' },
                value: { kind: 'Variable', name: { kind: 'Name', value: 'queue' } },
              },
            ],
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<RetryFailedJobsMutation, RetryFailedJobsMutationVariables>;
export const PauseQueueDocument = {
  kind: 'Document',
  definitions: [
    {
      kind: 'OperationDefinition',
      operation: 'mutation',
      name: { kind: 'Name', value: 'PauseQueue' },
      variableDefinitions: [
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'queue' } },
          type: { kind: 'NonNullType', type: { kind: 'NamedType', name: { kind: 'Name', value: 'String' } } },
        },
      ],
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'pauseQueue' },
            arguments: [
              {
                kind: 'Argument',
                name: { kind: 'Name', value: 'queue' },
                value: { kind: 'Variable', name: { kind: 'Name', value: 'queue' } },
              },
            ],
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'name' } },
                { kind: 'Field', name: { kind: 'Name', value: 'paused' } },
              ],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<PauseQueueMutation, PauseQueueMutationVariables>;
export const ResumeQueueDocument = {
  kind: 'Document',
  definitions: [
    {
      kind: 'OperationDefinition',
      operation: 'mutation',
      name: { kind: 'Name', value: 'ResumeQueue' },
      variableDefinitions: [
        {
          kind: 'VariableDefinition',
          variable: { kind: 'Variable', name: { kind: 'Name', value: 'queue' } },
          type: { kind: 'NonNullType', type: { kind: 'NamedType', name: { kind: 'Name', value: 'String' } } },
        },
      ],
      selectionSet: {
        kind: 'SelectionSet',
        selections: [
          {
            kind: 'Field',
            name: { kind: 'Name', value: 'resumeQueue' },
            arguments: [
              {
                kind: 'Argument',
                name: { kind: 'Name', value: 'queue' },
                value: { kind: 'Variable', name: { kind: 'Name', value: 'queue' } },
              },
            ],
            selectionSet: {
              kind: 'SelectionSet',
              selections: [
                { kind: 'Field', name: { kind: 'Name', value: 'name' } },
                { kind: 'Field', name: { kind: 'Name', value: 'paused' } },
              ],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<ResumeQueueMutation, ResumeQueueMutationVariables>;
