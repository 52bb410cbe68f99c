import type pg from 'pg';
import { Timeout, within } from '../lib/time.js';
import { openTcp, resolveTarget } from './connect.js';
import { TargetError } from './errors.js';
import { logIn, type Credentials, type LoginLimits } from './login.js';
import { negotiateTls, type TlsMode } from './tls.js';

/** Where to connect, and how. */
export interface SessionTarget extends Credentials {
  host: string;
  port: number;
  sslMode: TlsMode | 'DISABLE';
}

/**
 * A session on a target outside a test (the heartbeat): the same resolution, egress policy, TLS and
 * login as the checks, without recording them. Throws TargetError.
 */
export async function openSession(target: SessionTarget, limits: LoginLimits): Promise<pg.Client> {
  const { address } = await resolveTarget(target.host, target.port, limits);
  const socket = await openTcp(address, target.port, limits);
  try {
    const stream =
      target.sslMode === 'DISABLE'
        ? socket
        : (await negotiateTls(socket, target.host, target.sslMode, limits)).stream;
    // MD5 without TLS is allowed here too; the connection test already warned about it.
    return (await logIn(stream, address, target.port, target, limits)).client;
  } catch (error) {
    socket.destroy();
    throw error;
  }
}

export type Query = <R extends pg.QueryResultRow>(text: string, values?: unknown[]) => Promise<R[]>;

/**
 * Queries bounded on our side too (statement_timeout cannot help when the network stalls), with the
 * SQLSTATEs a target's answer can mean mapped to codes.
 */
export function boundedQuery(client: pg.Client, ms: number): Query {
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
