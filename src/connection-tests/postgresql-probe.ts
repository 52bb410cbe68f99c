import { lookup } from 'node:dns/promises';
import net from 'node:net';
import tls from 'node:tls';
import pg from 'pg';
import type { SslMode } from '../datasources/model.js';
import type { ServerInfoRecord } from '../schema/index.js';
import type { EgressPolicy } from '../postgresql/egress.js';
import type { CheckName, ConnectionErrorCode, TestEndpoint } from './model.js';

// The checks of PRODUCT.md §2 for one PostgreSQL endpoint, top to bottom (probeEndpoint), and the
// protocol-level helpers they use below it. Nothing here knows about queues, the metadata store or
// GraphQL: the runner hands in a `step` function that records each check.

export interface ProbeParams {
  endpoint: TestEndpoint;
  username: string;
  password: string;
  databaseName: string;
  schemaName: string | null;
  sslMode: SslMode;
  heartbeatEnabled: boolean;
}

export interface ProbeLimits {
  connectTimeoutMs: number;
  queryTimeoutMs: number;
  egress: EgressPolicy;
  /** Aborted when the whole test runs out of time: every socket is destroyed at once. */
  signal: AbortSignal;
  /** What the target's pg_stat_activity shows for our sessions. */
  applicationName: string;
}

/**
 * A check that did not fail. `value` is what the next checks build on. A WARNING carries a code (and
 * maybe more problems in `also`); its message and hint come from the code's text (codes.ts).
 */
export type CheckResult<T> =
  | { status: 'PASSED' | 'SKIPPED'; message: string; value: T }
  | {
      status: 'WARNING';
      code: ConnectionErrorCode;
      detail?: string;
      hint?: string;
      also?: Problem[];
      value: T;
    };

export interface Problem {
  code: ConnectionErrorCode;
  detail?: string;
}

/** A check failed because of the target (final: retrying will not help). */
export class TargetError extends Error {
  constructor(
    readonly code: ConnectionErrorCode,
    readonly detail?: string,
    readonly hint?: string,
  ) {
    super(code);
    this.name = 'TargetError';
  }
}

/** Runs one check and records it; throws (ending the endpoint's checks) when the check failed. */
export type Step = <T>(name: CheckName, run: () => Promise<CheckResult<T>>) => Promise<T>;

const ok = <T>(message: string, value: T): CheckResult<T> => ({ status: 'PASSED', message, value });
const skipped = (message: string): CheckResult<undefined> => ({
  status: 'SKIPPED',
  message,
  value: undefined,
});
const quote = (identifier: string) => `"${identifier.replace(/"/g, '""')}"`;

/**
 * The checks of one endpoint, in the order of CheckName. Returns what SERVER found (also when a later
 * check failed, through `found`).
 */
export async function probeEndpoint(
  params: ProbeParams,
  limits: ProbeLimits,
  step: Step,
  found: { server?: ServerInfoRecord },
): Promise<void> {
  const { endpoint } = params;
  let client: pg.Client | undefined;
  const closers: (() => void)[] = [];
  const closeAll = () =>
    closers
      .splice(0)
      .reverse()
      .forEach((close) => close());
  limits.signal.addEventListener('abort', closeAll);
  try {
    const address = await step('RESOLVE', () => resolveHost(endpoint.host, endpoint.port, limits));

    const socket = await step('CONNECT', async () => {
      const opened = await openTcp(address, endpoint.port, limits);
      closers.push(() => opened.destroy());
      return ok(`TCP connection to ${address}:${endpoint.port} established.`, opened);
    });

    const stream = await step('TLS', async () => {
      if (params.sslMode === 'DISABLE')
        return { ...skipped('sslMode is DISABLE: the connection is not encrypted.'), value: socket };
      const result = await negotiateTls(socket, endpoint.host, params.sslMode, limits);
      closers.push(() => result.value.destroy());
      return result;
    });

    client = await step('AUTHENTICATE', async () => {
      const login = await logIn(stream, address, params, limits).catch(async (error: unknown) => {
        // 28000 on a plain connection may mean "this server only takes TLS": ask it over TLS, since
        // the error's text is not something to parse.
        if (error instanceof TargetError && error.code === 'HBA_REJECTED' && params.sslMode === 'DISABLE') {
          if (await acceptsOnlyTls(address, params, limits)) throw new TargetError('TLS_REQUIRED_BY_SERVER');
        }
        throw error;
      });
      // Allowed (old servers and roles still use it), but whoever is on the path got a crackable hash.
      if (login.md5WithoutTls)
        return { status: 'WARNING', code: 'MD5_AUTH_WITHOUT_TLS', value: login.client };
      return ok(`Logged in to database ${params.databaseName} as ${params.username}.`, login.client);
    });
    const query = boundedQuery(client, limits.queryTimeoutMs);

    const server = await step('SERVER', async () => {
      const [row] = await query<{
        version: string;
        version_num: number;
        in_recovery: boolean;
        wal_level: string;
      }>(
        `SELECT current_setting('server_version') AS version, current_setting('server_version_num')::int AS version_num,
                pg_is_in_recovery() AS in_recovery, current_setting('wal_level') AS wal_level`,
      );
      if (!row) throw new TargetError('NOT_POSTGRES');
      const info: ServerInfoRecord = {
        version: row.version,
        versionNum: row.version_num,
        inRecovery: row.in_recovery,
        walLevel: row.wal_level,
        readableSchemas: null,
      };
      found.server = info;
      if (info.versionNum < 100_000)
        throw new TargetError('UNSUPPORTED_VERSION', `PostgreSQL ${info.version}`);
      if (endpoint.role === 'PRIMARY' && info.inRecovery) {
        throw new TargetError(
          'ROLE_MISMATCH',
          'is a standby (in recovery), but this endpoint must be the primary',
        );
      }
      if (endpoint.role === 'STANDBY' && !info.inRecovery) {
        throw new TargetError(
          'ROLE_MISMATCH',
          'is a primary (not in recovery), but this endpoint must be a standby',
        );
      }
      const role = info.inRecovery ? 'standby (in recovery)' : 'primary';
      return ok(`PostgreSQL ${info.version}, ${role}, wal_level ${info.walLevel ?? 'unknown'}.`, info);
    });

    const schemas = await step('SCHEMA', async () => {
      if (params.schemaName !== null) {
        const [row] = await query<{ usage: boolean }>(
          `SELECT has_schema_privilege(oid, 'USAGE') AS usage FROM pg_namespace WHERE nspname = $1`,
          [params.schemaName],
        );
        if (!row) throw new TargetError('SCHEMA_NOT_FOUND');
        if (!row.usage) {
          throw new TargetError(
            'PERMISSION_DENIED',
            `no USAGE on schema ${params.schemaName}`,
            `GRANT USAGE ON SCHEMA ${quote(params.schemaName)} TO ${quote(params.username)};`,
          );
        }
        return ok(`Schema ${params.schemaName} exists and ${params.username} may use it.`, [
          params.schemaName,
        ]);
      }
      const rows = await query<{ name: string }>(
        `SELECT nspname AS name FROM pg_namespace
          WHERE nspname NOT IN ('pg_catalog', 'information_schema') AND nspname NOT LIKE 'pg\\_%'
            AND has_schema_privilege(oid, 'USAGE')
          ORDER BY nspname`,
      );
      const readable = rows.map((row) => row.name);
      server.readableSchemas = readable;
      if (readable.length === 0) {
        return {
          status: 'WARNING',
          code: 'PERMISSION_DENIED',
          detail: 'no schema is readable, so there is nothing to migrate',
          hint: `GRANT USAGE ON SCHEMA <schema> TO ${quote(params.username)};`,
          value: readable,
        };
      }
      return ok(
        `${params.username} can read ${readable.length} schema(s): ${readable.join(', ')}.`,
        readable,
      );
    });

    await step('READ_PRIVILEGES', async () => {
      if (schemas.length === 0) return skipped('No schema in scope.');
      const [row] = await query<{ total: number; readable: number; unreadable: string[] | null }>(
        `SELECT count(*)::int AS total,
                count(*) FILTER (WHERE has_table_privilege(c.oid, 'SELECT'))::int AS readable,
                (array_agg(quote_ident(n.nspname) || '.' || quote_ident(c.relname) ORDER BY n.nspname, c.relname)
                   FILTER (WHERE NOT has_table_privilege(c.oid, 'SELECT')))[1:20] AS unreadable
           FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = ANY($1) AND c.relkind IN ('r', 'p', 'v', 'm', 'f')`,
        [schemas],
      );
      const total = row?.total ?? 0;
      const readable = row?.readable ?? 0;
      const grant = `GRANT SELECT ON ALL TABLES IN SCHEMA ${schemas.map(quote).join(', ')} TO ${quote(params.username)};`;
      if (total === 0) return ok(`No tables yet in ${schemas.join(', ')}.`, undefined);
      if (readable === total) return ok(`${params.username} can read all ${total} table(s).`, undefined);
      if (readable === 0)
        throw new TargetError('PERMISSION_DENIED', `no SELECT on any of the ${total} table(s)`, grant);
      const missing = row?.unreadable ?? [];
      const more = total - readable > missing.length ? `, and ${total - readable - missing.length} more` : '';
      return {
        status: 'WARNING',
        code: 'PERMISSION_DENIED',
        detail: `no SELECT on ${total - readable} of ${total} table(s): ${missing.join(', ')}${more}`,
        hint: grant,
        value: undefined,
      };
    });

    await step('INCREMENTAL', async () => {
      if (endpoint.role === 'STANDBY') return skipped('Incremental synchronization reads from the primary.');
      const [row] = await query<{
        wal_level: string;
        can_replicate: boolean;
        free_slots: number;
        free_senders: number;
      }>(
        `SELECT current_setting('wal_level') AS wal_level,
                (SELECT rolreplication OR rolsuper FROM pg_roles WHERE rolname = current_user) AS can_replicate,
                current_setting('max_replication_slots')::int - (SELECT count(*) FROM pg_replication_slots)::int AS free_slots,
                current_setting('max_wal_senders')::int - (SELECT count(*) FROM pg_stat_replication)::int AS free_senders`,
      );
      if (!row) throw new TargetError('NOT_POSTGRES');
      // Warnings, not failures: a full migration works without any of these.
      const problems: Problem[] = [];
      if (row.wal_level !== 'logical')
        problems.push({ code: 'LOGICAL_DECODING_DISABLED', detail: `wal_level is ${row.wal_level}` });
      if (!row.can_replicate) problems.push({ code: 'REPLICATION_NOT_PERMITTED' });
      if (row.free_slots <= 0) problems.push({ code: 'REPLICATION_CAPACITY', detail: 'replication slot' });
      if (row.free_senders <= 0) problems.push({ code: 'REPLICATION_CAPACITY', detail: 'WAL sender' });
      const [first, ...others] = problems;
      if (!first) {
        return ok(
          `Ready for incremental synchronization: wal_level logical, replication permitted, ${row.free_slots} free slot(s).`,
          undefined,
        );
      }
      return { status: 'WARNING', code: first.code, detail: first.detail, also: others, value: undefined };
    });

    await step('HEARTBEAT', async () => {
      if (!params.heartbeatEnabled) return skipped('The heartbeat is off for this data source.');
      if (endpoint.role === 'STANDBY') return skipped('The heartbeat is written on the primary only.');
      const [row] = await query<{
        create_schema: boolean;
        drc_exists: boolean;
        create_in_drc: boolean | null;
        usage_drc: boolean | null;
        table_exists: boolean;
        can_write: boolean | null;
      }>(
        // Catalog lookups by oid: to_regclass('drc.heartbeat') would raise without USAGE on drc.
        `WITH drc AS (SELECT oid FROM pg_namespace WHERE nspname = 'drc'),
              hb AS (SELECT c.oid FROM pg_class c JOIN drc ON c.relnamespace = drc.oid WHERE c.relname = 'heartbeat')
         SELECT has_database_privilege(current_database(), 'CREATE') AS create_schema,
                EXISTS (SELECT 1 FROM drc) AS drc_exists,
                (SELECT has_schema_privilege(oid, 'CREATE') FROM drc) AS create_in_drc,
                (SELECT has_schema_privilege(oid, 'USAGE') FROM drc) AS usage_drc,
                EXISTS (SELECT 1 FROM hb) AS table_exists,
                (SELECT has_table_privilege(oid, 'INSERT') AND has_table_privilege(oid, 'UPDATE') FROM hb) AS can_write`,
      );
      const user = quote(params.username);
      if (row?.table_exists) {
        if (row.usage_drc && row.can_write)
          return ok(`drc.heartbeat exists and ${params.username} can write it.`, undefined);
        throw new TargetError(
          'PERMISSION_DENIED',
          'cannot write drc.heartbeat',
          `GRANT USAGE ON SCHEMA drc TO ${user}; GRANT INSERT, UPDATE ON drc.heartbeat TO ${user};`,
        );
      }
      if (row?.drc_exists) {
        if (row.create_in_drc && row.usage_drc)
          return ok(`${params.username} can create drc.heartbeat.`, undefined);
        throw new TargetError(
          'PERMISSION_DENIED',
          'cannot create drc.heartbeat in schema drc',
          `GRANT USAGE, CREATE ON SCHEMA drc TO ${user};`,
        );
      }
      if (row?.create_schema)
        return ok(`${params.username} can create schema drc and table drc.heartbeat.`, undefined);
      throw new TargetError(
        'PERMISSION_DENIED',
        `cannot create schema drc in database ${params.databaseName}`,
        `GRANT CREATE ON DATABASE ${quote(params.databaseName)} TO ${user};`,
      );
    });
  } finally {
    limits.signal.removeEventListener('abort', closeAll);
    // A polite Terminate, so the server does not log an unexpected EOF; then every socket goes.
    if (client && !limits.signal.aborted) await within(client.end(), 1_000).catch(() => undefined);
    closeAll();
  }
}

// ---------------------------------------------------------------------------------------------
// Protocol helpers. Each throws TargetError with a code chosen from socket error codes, TLS error
// codes and SQLSTATEs: never from message text.

class Timeout extends Error {}

function within<T>(promise: Promise<T>, ms: number, onTimeout: () => void = () => undefined): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        onTimeout();
        reject(new Timeout());
      }, ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** RESOLVE: one lookup; every address must pass the egress policy; later steps use the first. */
async function resolveHost(host: string, port: number, limits: ProbeLimits): Promise<CheckResult<string>> {
  let addresses: string[];
  if (net.isIP(host) !== 0) {
    addresses = [host];
  } else {
    try {
      const found = await within(lookup(host, { all: true, verbatim: true }), limits.connectTimeoutMs);
      addresses = found.map((entry) => entry.address);
    } catch (error) {
      if (error instanceof Timeout || limits.signal.aborted)
        throw new TargetError('TIMEOUT', 'the name lookup did not finish');
      throw new TargetError('HOST_NOT_FOUND');
    }
  }
  const denied = addresses.find((address) => !limits.egress.allows(address, port));
  if (denied !== undefined) throw new TargetError('TARGET_NOT_ALLOWED', denied);
  const [first = host] = addresses;
  const message =
    net.isIP(host) !== 0
      ? `${host} is an IP address; no lookup needed.`
      : `${host} resolved to ${addresses.join(', ')}; using ${first}.`;
  return ok(message, first);
}

const SOCKET_CODES: Record<string, ConnectionErrorCode> = {
  ECONNREFUSED: 'CONNECTION_REFUSED',
  ECONNRESET: 'CONNECTION_REFUSED',
  ENETUNREACH: 'NETWORK_UNREACHABLE',
  EHOSTUNREACH: 'NETWORK_UNREACHABLE',
  EHOSTDOWN: 'NETWORK_UNREACHABLE',
  EADDRNOTAVAIL: 'NETWORK_UNREACHABLE',
  ETIMEDOUT: 'TIMEOUT',
};

/** CONNECT: a TCP connection to the checked address, bounded by the connect timeout. */
async function openTcp(address: string, port: number, limits: ProbeLimits): Promise<net.Socket> {
  const socket = net.connect({ host: address, port, noDelay: true });
  // Errors after this point surface through whoever reads the socket next.
  socket.on('error', () => undefined);
  try {
    await within(
      new Promise<void>((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('error', reject);
      }),
      limits.connectTimeoutMs,
      () => socket.destroy(),
    );
    return socket;
  } catch (error) {
    socket.destroy();
    if (error instanceof Timeout || limits.signal.aborted)
      throw new TargetError('TIMEOUT', 'no answer to the TCP connection request');
    throw new TargetError(SOCKET_CODES[(error as { code?: string }).code ?? ''] ?? 'NETWORK_UNREACHABLE');
  }
}

/** The first bytes the peer sends, or an empty buffer when it closes first. */
function firstReply(socket: net.Socket, ms: number): Promise<Buffer> {
  return within(
    new Promise<Buffer>((resolve) => {
      const onData = (chunk: Buffer) => {
        cleanup();
        resolve(chunk);
      };
      const onClose = () => {
        cleanup();
        resolve(Buffer.alloc(0));
      };
      const cleanup = () => {
        socket.off('data', onData);
        socket.off('close', onClose);
      };
      socket.on('data', onData);
      socket.once('close', onClose);
    }),
    ms,
    () => socket.destroy(),
  );
}

// Int32 length 8, Int32 80877103: the SSLRequest message of the PostgreSQL protocol.
const SSL_REQUEST = Buffer.from([0, 0, 0, 8, 4, 210, 22, 47]);

const CERTIFICATE_ERRORS: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'it is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'its chain ends in an untrusted self-signed CA',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'its issuer is not a trusted CA',
  UNABLE_TO_GET_ISSUER_CERT: 'its issuer is not a trusted CA',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its signature cannot be verified against a trusted CA',
  CERT_HAS_EXPIRED: 'it has expired',
  CERT_NOT_YET_VALID: 'it is not valid yet',
  CERT_REVOKED: 'it was revoked',
  CERT_SIGNATURE_FAILURE: 'its signature is invalid',
  ERR_TLS_CERT_ALTNAME_INVALID: 'it was not issued for this host name',
  HOSTNAME_MISMATCH: 'it was not issued for this host name',
};

/** TLS: SSLRequest, then a handshake that verifies as much as sslMode asks (libpq's meanings). */
async function negotiateTls(
  socket: net.Socket,
  host: string,
  sslMode: Exclude<SslMode, 'DISABLE'>,
  limits: ProbeLimits,
): Promise<CheckResult<net.Socket>> {
  socket.write(SSL_REQUEST);
  let reply: Buffer;
  try {
    reply = await firstReply(socket, limits.connectTimeoutMs);
  } catch {
    throw new TargetError('TIMEOUT', 'no answer to the TLS request');
  }
  if (reply[0] === 0x4e /* N */) {
    if (sslMode === 'PREFER') {
      return {
        status: 'WARNING',
        code: 'TLS_NOT_SUPPORTED',
        detail: 'the connection continues unencrypted, as sslMode PREFER allows',
        value: socket,
      };
    }
    throw new TargetError('TLS_NOT_SUPPORTED', `sslMode ${sslMode} requires it`);
  }
  if (reply[0] !== 0x53 /* S */) throw new TargetError('NOT_POSTGRES');
  // Bytes after 'S' would be read as if they came through TLS (CVE-2021-23214): refuse them.
  if (reply.length > 1)
    throw new TargetError('TLS_HANDSHAKE_FAILED', 'the server sent unencrypted data after accepting TLS');

  const verify = sslMode === 'VERIFY_CA' || sslMode === 'VERIFY_FULL';
  const secure = tls.connect({
    socket,
    host,
    servername: net.isIP(host) === 0 ? host : undefined,
    rejectUnauthorized: verify,
    // VERIFY_CA checks the chain only; VERIFY_FULL also the host name (Node's default check).
    checkServerIdentity: sslMode === 'VERIFY_FULL' ? tls.checkServerIdentity : () => undefined,
  });
  secure.on('error', () => undefined);
  try {
    await within(
      new Promise<void>((resolve, reject) => {
        secure.once('secureConnect', resolve);
        secure.once('error', reject);
        secure.once('close', () => reject(Object.assign(new Error('closed'), { code: 'ECONNRESET' })));
      }),
      limits.connectTimeoutMs,
      () => secure.destroy(),
    );
  } catch (error) {
    secure.destroy();
    if (error instanceof Timeout || limits.signal.aborted)
      throw new TargetError('TIMEOUT', 'the TLS handshake did not finish');
    const reason = CERTIFICATE_ERRORS[(error as { code?: string }).code ?? ''];
    if (reason) throw new TargetError('CERTIFICATE_INVALID', reason);
    throw new TargetError('TLS_HANDSHAKE_FAILED');
  }
  const cipher = secure.getCipher();
  const checked =
    sslMode === 'VERIFY_FULL'
      ? `verified for ${host}`
      : verify
        ? 'chain verified'
        : `not verified (sslMode ${sslMode})`;
  return ok(`${secure.getProtocol() ?? 'TLS'} with ${cipher.name}; certificate ${checked}.`, secure);
}

const SQLSTATE_CODES: Record<string, ConnectionErrorCode> = {
  '28P01': 'AUTH_FAILED',
  '28000': 'HBA_REJECTED',
  '3D000': 'DATABASE_NOT_FOUND',
  '53300': 'TOO_MANY_CONNECTIONS',
  '57P03': 'SERVER_NOT_READY',
  '57P01': 'SERVER_NOT_READY',
};

// Message types a PostgreSQL server may send first in answer to a startup message.
const STARTUP_REPLIES = new Set([0x52 /* R */, 0x45 /* E */, 0x76 /* v */, 0x4e /* N */]);

/**
 * pg takes every option it is not given (and some it is given as '' or 0) from the process's PG*
 * variables, and reads ~/.pgpass when there is no password (pg/lib/connection-parameters.js,
 * client.js). The environment is the service's, the target is a user's: the constructor gets an
 * explicit value for everything it would read, and the startup packet is built from our values only,
 * so that PGOPTIONS, PGREPLICATION or whatever a later pg reads never reach a target.
 */
class TargetClient extends pg.Client {
  private readonly startupParameters: Readonly<Record<string, string>>;

  constructor(config: pg.ClientConfig & Required<Pick<pg.ClientConfig, 'user' | 'database'>>) {
    // ssl: false because TLS, when wanted, is already negotiated on the stream pg is given.
    super({ ...config, ssl: false, sslnegotiation: 'postgres', client_encoding: 'utf8' });
    this.startupParameters = {
      user: config.user,
      database: config.database,
      ...(config.application_name ? { application_name: config.application_name } : {}),
      ...(config.statement_timeout ? { statement_timeout: String(config.statement_timeout) } : {}),
    };
  }

  /** Replaces pg's own (client.js), which adds `options` and `replication` from the environment. */
  getStartupConf(): Record<string, string> {
    return { ...this.startupParameters };
  }
}

/** The server asked for the password in cleartext, without TLS: it was not sent. */
class InsecureAuthRefused extends Error {}

interface Login {
  client: pg.Client;
  /** The server asked for an MD5 hash of the password, and got it, over an unencrypted connection. */
  md5WithoutTls: boolean;
}

/**
 * AUTHENTICATE: pg logs in over the socket this probe opened (and maybe wrapped in TLS), so the
 * address stays the checked one and TLS stays as negotiated. Without TLS, a request for the password
 * in cleartext may come from anyone on the path (answering 'N' to the SSLRequest is enough): it is
 * refused before a byte of the password is written.
 */
async function logIn(
  stream: net.Socket,
  address: string,
  params: ProbeParams,
  limits: ProbeLimits,
): Promise<Login> {
  let first: number | undefined;
  stream.once('data', (chunk: Buffer) => {
    first = chunk[0];
  });
  const encrypted = stream instanceof tls.TLSSocket;
  let asked: 'cleartext' | 'md5' | undefined;
  const client = new TargetClient({
    host: address,
    port: params.endpoint.port,
    user: params.username,
    // A function, so that pg asks for the password only once the server asked for it, after the
    // listeners below know how it will be sent; a string would also keep pg from ~/.pgpass.
    password: () => {
      if (asked === 'cleartext' && !encrypted) throw new InsecureAuthRefused();
      return params.password;
    },
    database: params.databaseName,
    stream: () => preconnected(stream),
    statement_timeout: limits.queryTimeoutMs,
    application_name: limits.applicationName,
  });
  client.on('error', () => undefined);
  // Registered before connect(), so they run before pg's own handlers (client.js _attachListeners),
  // which are the ones that call the password function.
  client.connection.on('authenticationCleartextPassword', () => {
    asked = 'cleartext';
    // Nothing more leaves on this socket, whatever pg would do next.
    if (!encrypted) stream.destroy();
  });
  client.connection.on('authenticationMD5Password', () => {
    asked = 'md5';
  });
  try {
    await within(client.connect(), limits.connectTimeoutMs, () => stream.destroy());
    return { client, md5WithoutTls: asked === 'md5' && !encrypted };
  } catch (error) {
    stream.destroy();
    if (asked === 'cleartext' && !encrypted) throw new TargetError('INSECURE_AUTH_REFUSED');
    if (error instanceof Timeout || limits.signal.aborted)
      throw new TargetError('TIMEOUT', 'no answer to the login');
    const sqlstate = (error as { code?: string }).code ?? '';
    const mapped = SQLSTATE_CODES[sqlstate] ?? (sqlstate.startsWith('28') ? 'AUTH_FAILED' : undefined);
    if (mapped) throw new TargetError(mapped);
    if (first === undefined || !STARTUP_REPLIES.has(first)) throw new TargetError('NOT_POSTGRES');
    throw new TargetError('AUTH_FAILED', 'the server ended the authentication exchange');
  }
}

/** pg connects the stream it is given; ours is connected (and maybe TLS-wrapped) already. */
function preconnected(stream: net.Socket): net.Socket {
  stream.connect = () => {
    process.nextTick(() => stream.emit('connect'));
    return stream;
  };
  return stream;
}

/** After 28000 over plain TCP: does the same login succeed (or fail differently) over TLS? */
async function acceptsOnlyTls(address: string, params: ProbeParams, limits: ProbeLimits): Promise<boolean> {
  let socket: net.Socket | undefined;
  try {
    socket = await openTcp(address, params.endpoint.port, limits);
    const secured = await negotiateTls(socket, params.endpoint.host, 'REQUIRE', limits);
    let login: Login;
    try {
      login = await logIn(secured.value, address, params, limits);
    } catch (error) {
      return !(error instanceof TargetError && error.code === 'HBA_REJECTED');
    }
    await login.client.end().catch(() => undefined);
    return true;
  } catch {
    return false;
  } finally {
    socket?.destroy();
  }
}

type Query = <R extends pg.QueryResultRow>(text: string, values?: unknown[]) => Promise<R[]>;

/** Queries bounded on our side too: statement_timeout cannot help when the network stalls. */
function boundedQuery(client: pg.Client, ms: number): Query {
  return async <R extends pg.QueryResultRow>(text: string, values?: unknown[]) => {
    try {
      return (await within(client.query<R>(text, values), ms)).rows;
    } catch (error) {
      const sqlstate = (error as { code?: string }).code;
      if (error instanceof Timeout || sqlstate === '57014')
        throw new TargetError('TIMEOUT', 'a query did not finish');
      if (sqlstate === '42501') throw new TargetError('PERMISSION_DENIED', 'a catalog query was refused');
      throw error;
    }
  };
}

/**
 * A session on a data source outside a test (the heartbeat): the same resolution, egress policy,
 * TLS and login as the checks, without recording them. Throws TargetError.
 */
export async function openSession(params: ProbeParams, limits: ProbeLimits): Promise<pg.Client> {
  const { value: address } = await resolveHost(params.endpoint.host, params.endpoint.port, limits);
  const socket = await openTcp(address, params.endpoint.port, limits);
  try {
    const stream =
      params.sslMode === 'DISABLE'
        ? socket
        : (await negotiateTls(socket, params.endpoint.host, params.sslMode, limits)).value;
    // MD5 without TLS is allowed here too; the connection test already warned about it.
    return (await logIn(stream, address, params, limits)).client;
  } catch (error) {
    socket.destroy();
    throw error;
  }
}

/** Runs a query with the probe's bounds (client-side timeout, SQLSTATE mapping). */
export function queryWithin(client: pg.Client, ms: number) {
  return boundedQuery(client, ms);
}
