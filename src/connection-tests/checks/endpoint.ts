import type net from 'node:net';
import type pg from 'pg';
import type { RoledEndpoint, SslMode } from '../../datasources/model.js';
import { drcRead } from '../../heartbeat/sql.js';
import type { LoginLimits } from '../../postgresql/login.js';
import { boundedQuery, type Query } from '../../postgresql/session.js';
import { within } from '../../lib/time.js';
import type { CheckName } from '../model.js';
import { checkAuthenticate } from './authenticate.js';
import { CheckFailed, type Step } from './check.js';
import { checkConnect } from './connect.js';
import { checkHeartbeat } from './heartbeat.js';
import { checkIncremental, incrementalRead } from './incremental.js';
import { checkReadPrivileges, readPrivilegesRead } from './read-privileges.js';
import { checkResolve } from './resolve.js';
import { checkSchema, schemaRead } from './schema.js';
import { checkServer, readServer, serverRead, type ServerFacts } from './server.js';
import { checkTls } from './tls.js';

export interface EndpointParams {
  endpoint: RoledEndpoint;
  username: string;
  password: string;
  databaseName: string;
  schemaName: string | null;
  sslMode: SslMode;
  heartbeatEnabled: boolean;
}

/** What the checks of one endpoint found out about its server, for the test's ServerInfo. */
export interface EndpointReport {
  server: ServerFacts | null;
  /** Filled when no schema was given: the schemas the user can read. */
  readableSchemas: string[] | null;
  /** The check that failed and ended the sequence, if one did. */
  failed: CheckName | null;
}

/**
 * `query`, with `reads` sent at once: a check that asks one of them (same text and values) gets the
 * answer already under way, once; anything else is sent as asked. An answer no check takes (an
 * earlier check failed) is dropped.
 */
function sentAhead(query: Query, reads: readonly { text: string; values?: unknown[] }[]): Query {
  const key = (text: string, values?: unknown[]) => JSON.stringify([text, values ?? []]);
  const ahead = new Map(
    reads.map((read) => {
      const answer = query(read.text, read.values);
      answer.catch(() => undefined); // awaited by its check, if one asks for it
      return [key(read.text, read.values), answer] as const;
    }),
  );
  return <R extends pg.QueryResultRow>(text: string, values?: unknown[]) => {
    const answer = ahead.get(key(text, values));
    if (!answer) return query<R>(text, values);
    ahead.delete(key(text, values));
    return answer as Promise<R[]>;
  };
}

/**
 * The checks of PRODUCT.md §2 for one PostgreSQL endpoint, in the order of CheckName, each in its own
 * module. `step` records each (the runner's); a failed check ends the sequence (CheckFailed).
 * Every socket opened is closed when the sequence ends, whatever happened, and at once when the test's
 * deadline aborts `limits.signal`.
 */
export async function probeEndpoint(
  params: EndpointParams,
  limits: LoginLimits,
  step: Step,
): Promise<EndpointReport> {
  const { endpoint } = params;
  const report: EndpointReport = { server: null, readableSchemas: null, failed: null };
  let client: pg.Client | undefined;
  const sockets: net.Socket[] = [];
  const closeAll = () => sockets.splice(0).forEach((socket) => socket.destroy());
  limits.signal.addEventListener('abort', closeAll);
  try {
    const address = await step('RESOLVE', () => checkResolve(endpoint.host, endpoint.port, limits));
    const socket = await step('CONNECT', async () => {
      const result = await checkConnect(address, endpoint.port, limits);
      sockets.push(result.value);
      return result;
    });
    const stream = await step('TLS', async () => {
      const result = await checkTls(socket, endpoint.host, params.sslMode, limits);
      if (result.value !== socket) sockets.push(result.value);
      return result;
    });
    client = await step('AUTHENTICATE', () =>
      checkAuthenticate(stream, { ...params, host: endpoint.host, port: endpoint.port, address }, limits),
    );
    // The catalogue reads of SERVER, SCHEMA, READ_PRIVILEGES, INCREMENTAL and HEARTBEAT go out together
    // (the client is in pg's pipeline mode): one round trip instead of five. Each check still takes its
    // own answer, in its turn, and is recorded with its own duration.
    const query = sentAhead(boundedQuery(client, limits.queryTimeoutMs), [
      serverRead,
      schemaRead(params.schemaName),
      readPrivilegesRead(params.schemaName),
      ...(endpoint.role === 'STANDBY' ? [] : [incrementalRead]),
      ...(endpoint.role === 'STANDBY' || !params.heartbeatEnabled ? [] : [drcRead]),
    ]);
    // The facts are reported even when the role or version then fails the check.
    await step('SERVER', async () => {
      report.server = await readServer(query);
      return checkServer(report.server, endpoint.role);
    });
    const schemas = await step('SCHEMA', () => checkSchema(query, params.schemaName, params.username));
    if (params.schemaName === null) report.readableSchemas = schemas;
    await step('READ_PRIVILEGES', () =>
      checkReadPrivileges(query, schemas, params.schemaName, params.username),
    );
    await step('INCREMENTAL', () => checkIncremental(query, endpoint.role));
    await step('HEARTBEAT', () =>
      checkHeartbeat(query, {
        enabled: params.heartbeatEnabled,
        role: endpoint.role,
        username: params.username,
        databaseName: params.databaseName,
      }),
    );
    return report;
  } catch (error) {
    if (!(error instanceof CheckFailed)) throw error;
    return { ...report, failed: error.check };
  } finally {
    limits.signal.removeEventListener('abort', closeAll);
    // A polite Terminate, so the server does not log an unexpected EOF; then every socket goes. The
    // result does not wait for the server to close its end (at most 1 s, then the sockets are destroyed).
    if (client && !limits.signal.aborted) {
      void within(client.end(), 1_000)
        .catch(() => undefined)
        .finally(closeAll);
    } else closeAll();
  }
}
