import type net from 'node:net';
import type { ConnectLimits } from '../../postgresql/connect.js';
import { negotiateTls, type TlsMode } from '../../postgresql/tls.js';
import { passed, skipped, type CheckResult } from './check.js';

/** TLS: negotiated as sslMode asks; the value is the stream the login goes over. */
export async function checkTls(
  socket: net.Socket,
  host: string,
  sslMode: TlsMode | 'DISABLE',
  limits: ConnectLimits,
): Promise<CheckResult<net.Socket>> {
  if (sslMode === 'DISABLE') return skipped('sslMode is DISABLE: the connection is not encrypted.', socket);
  const negotiated = await negotiateTls(socket, host, sslMode, limits);
  if (!negotiated.encrypted) {
    return {
      status: 'WARNING',
      code: 'TLS_NOT_SUPPORTED',
      detail: 'the connection continues unencrypted, as sslMode PREFER allows',
      value: negotiated.stream,
    };
  }
  return passed(`${negotiated.description ?? 'TLS'}.`, negotiated.stream);
}
