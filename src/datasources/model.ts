import {
  CONNECTION_STATUSES,
  DATA_SOURCE_TYPES,
  DATABASE_ATTRIBUTES,
  HEARTBEAT_STATES,
  SSL_MODES,
} from '../schema/enums.js';

// The value lists are the metadata store's enums; GraphQL's are built from the same lists (api/enums.ts).
export { CONNECTION_STATUSES, DATA_SOURCE_TYPES, DATABASE_ATTRIBUTES, HEARTBEAT_STATES, SSL_MODES };

export type DataSourceType = (typeof DATA_SOURCE_TYPES)[number];
export type DatabaseAttribute = (typeof DATABASE_ATTRIBUTES)[number];
export type SslMode = (typeof SSL_MODES)[number];
export type ConnectionStatus = (typeof CONNECTION_STATUSES)[number];
export type HeartbeatState = (typeof HEARTBEAT_STATES)[number];

export interface Endpoint {
  host: string;
  port: number;
}

/** What a connection test needs to know, besides the password. Drafts are exactly this. */
export interface ConnectionSpec {
  type: DataSourceType;
  databaseAttribute: DatabaseAttribute;
  host: string;
  port: number;
  standby: Endpoint | null;
  username: string;
  databaseName: string;
  schemaName: string | null;
  sslMode: SslMode;
  heartbeatEnabled: boolean;
}

/** A saved data source's parameters (no password). */
export interface DataSourceSpec extends ConnectionSpec {
  identifier: string;
  region: string | null;
  remarks: string | null;
}

/** A data source as the API and events show it: every public field, never the password. */
export interface DataSourceView extends DataSourceSpec {
  id: string;
  hasPassword: boolean;
  heartbeat: {
    enabled: boolean;
    state: HeartbeatState;
    table: string;
    intervalSeconds: number;
    lastBeatAt: Date | null;
    lastError: string | null;
    replicationLagSeconds: number | null;
  };
  connectionStatus: ConnectionStatus;
  lastTestId: string | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

/** Changing any of these can send the stored password elsewhere, so they need it again (PRODUCT.md §1). */
export const RETARGETING_FIELDS = ['host', 'port', 'standby', 'username', 'databaseName'] as const;

/**
 * Weakening TLS retargets too: the stored password would then go to whoever answers on the path
 * (VERIFY_FULL → … → DISABLE), so it needs the password again, like a host change. SSL_MODES is
 * ordered from the weakest to the strongest.
 */
export const weakensTls = (from: SslMode, to: SslMode) => SSL_MODES.indexOf(to) < SSL_MODES.indexOf(from);

/** Changing any of these changes what a connection test would find. */
export const CONNECTION_FIELDS = [
  ...RETARGETING_FIELDS,
  'databaseAttribute',
  'schemaName',
  'sslMode',
  'heartbeatEnabled',
] as const;

export const HEARTBEAT_TABLE = 'drc.heartbeat';

export type EndpointRole = 'PRIMARY' | 'STANDBY';

/** One endpoint of a data source, and the role the server there must have. */
export interface RoledEndpoint extends Endpoint {
  role: EndpointRole;
}

/**
 * The endpoints of a data source in test order: the primary (or, for STANDBY, the standby itself),
 * then for PRIMARY_STANDBY the standby.
 */
export function endpointsOf(spec: ConnectionSpec): RoledEndpoint[] {
  const main: RoledEndpoint = {
    role: spec.databaseAttribute === 'STANDBY' ? 'STANDBY' : 'PRIMARY',
    host: spec.host,
    port: spec.port,
  };
  return spec.databaseAttribute === 'PRIMARY_STANDBY' && spec.standby
    ? [main, { role: 'STANDBY', ...spec.standby }]
    : [main];
}

/** Connection parameters as a client may give them: what is optional has a default (below). */
export type ConnectionInput = Partial<ConnectionSpec> &
  Pick<ConnectionSpec, 'host' | 'username' | 'databaseName'>;

/** The defaults of PRODUCT.md §1, for a draft and a new data source alike. */
export function withConnectionDefaults(input: ConnectionInput): ConnectionSpec {
  return {
    type: input.type ?? 'POSTGRESQL',
    databaseAttribute: input.databaseAttribute ?? 'PRIMARY',
    host: input.host,
    port: input.port ?? DEFAULT_PORT,
    standby: input.standby ?? null,
    username: input.username,
    databaseName: input.databaseName,
    schemaName: input.schemaName ?? null,
    sslMode: input.sslMode ?? 'PREFER',
    heartbeatEnabled: input.heartbeatEnabled ?? false,
  };
}

/** PostgreSQL's port: the default of the only type today. */
export const DEFAULT_PORT = 5432;
