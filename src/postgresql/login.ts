import type net from 'node:net';
import tls from 'node:tls';
import pg from 'pg';
import { Timeout, within } from '../lib/time.js';
import type { ConnectLimits } from './connect.js';
import { loginErrorCode, TargetError } from './errors.js';
import { cacheScramKeys } from './scram.js';
import { negotiateTls } from './tls.js';

// Every SCRAM login of this process (a target's or the metadata store's) through scram.ts's primitives.
cacheScramKeys();

export interface Credentials {
  username: string;
  password: string;
  databaseName: string;
}

export interface LoginLimits extends ConnectLimits {
  queryTimeoutMs: number;
  /** What the target's pg_stat_activity shows for our sessions. */
  applicationName: string;
}

export interface Login {
  client: pg.Client;
  /** The server asked for an MD5 hash of the password, and got it, over an unencrypted connection. */
  md5WithoutTls: boolean;
}

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

// Message types a PostgreSQL server may send first in answer to a startup message.
const STARTUP_REPLIES = new Set([0x52 /* R */, 0x45 /* E */, 0x76 /* v */, 0x4e /* N */]);

/** pg connects the stream it is given; ours is connected (and maybe TLS-wrapped) already. */
function preconnected(stream: net.Socket): net.Socket {
  stream.connect = () => {
    process.nextTick(() => stream.emit('connect'));
    return stream;
  };
  return stream;
}

/**
 * pg logs in over the socket opened here (and maybe wrapped in TLS), so the address stays the checked
 * one and TLS stays as negotiated. Without TLS, a request for the password in cleartext may come from
 * anyone on the path (answering 'N' to the SSLRequest is enough): it is refused before a byte of the
 * password is written.
 */
export async function logIn(
  stream: net.Socket,
  address: string,
  port: number,
  credentials: Credentials,
  limits: LoginLimits,
): Promise<Login> {
  let first: number | undefined;
  stream.once('data', (chunk: Buffer) => {
    first = chunk[0];
  });
  const encrypted = stream instanceof tls.TLSSocket;
  let asked: 'cleartext' | 'md5' | undefined;
  const client = new TargetClient({
    host: address,
    port,
    user: credentials.username,
    // A function, so that pg asks for the password only once the server asked for it, after the
    // listeners below know how it will be sent; a string would also keep pg from ~/.pgpass.
    password: () => {
      if (asked === 'cleartext' && !encrypted) throw new InsecureAuthRefused();
      return credentials.password;
    },
    database: credentials.databaseName,
    stream: () => preconnected(stream),
    statement_timeout: limits.queryTimeoutMs,
    application_name: limits.applicationName,
    // Queries sent together go out together, each with its own Sync (a failed one does not fail the
    // next): the checks send their catalogue reads at once (connection-tests/checks/endpoint.ts).
    pipeline: true,
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
    const mapped = loginErrorCode(error);
    if (mapped) throw new TargetError(mapped);
    if (first === undefined || !STARTUP_REPLIES.has(first)) throw new TargetError('NOT_POSTGRES');
    throw new TargetError('AUTH_FAILED', 'the server ended the authentication exchange');
  }
}

/**
 * After 28000 over plain TCP: does the same login succeed (or fail differently) over TLS? The
 * error's text ("…no encryption") is not something to parse, so the server is asked.
 */
export async function acceptsOnlyTls(
  address: string,
  port: number,
  host: string,
  credentials: Credentials,
  limits: LoginLimits,
  open: () => Promise<net.Socket>,
): Promise<boolean> {
  let socket: net.Socket | undefined;
  try {
    socket = await open();
    const secured = await negotiateTls(socket, host, 'REQUIRE', limits);
    let login: Login;
    try {
      login = await logIn(secured.stream, address, port, credentials, limits);
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
