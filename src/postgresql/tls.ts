import net from 'node:net';
import tls from 'node:tls';
import { Timeout, within } from '../lib/time.js';
import type { ConnectLimits } from './connect.js';
import { certificateProblem, TargetError } from './errors.js';

/** libpq's sslmode values that ask for TLS; DISABLE never reaches this module. */
export type TlsMode = 'PREFER' | 'REQUIRE' | 'VERIFY_CA' | 'VERIFY_FULL';

export interface Negotiated {
  /** The stream the login goes over: the TLS socket, or the plain one when PREFER fell back. */
  stream: net.Socket;
  encrypted: boolean;
  /** For an encrypted stream: protocol, cipher, and what was verified. */
  description?: string;
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

/**
 * The SSLRequest, then a handshake that verifies as much as sslMode asks (libpq's meanings): PREFER
 * continues unencrypted when the server declines, the other modes fail.
 */
export async function negotiateTls(
  socket: net.Socket,
  host: string,
  sslMode: TlsMode,
  limits: ConnectLimits,
): Promise<Negotiated> {
  socket.write(SSL_REQUEST);
  let reply: Buffer;
  try {
    reply = await firstReply(socket, limits.connectTimeoutMs);
  } catch {
    throw new TargetError('TIMEOUT', 'no answer to the TLS request');
  }
  if (reply[0] === 0x4e /* N */) {
    if (sslMode === 'PREFER') return { stream: socket, encrypted: false };
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
    const reason = certificateProblem(error);
    if (reason) throw new TargetError('CERTIFICATE_INVALID', reason);
    throw new TargetError('TLS_HANDSHAKE_FAILED');
  }
  const checked =
    sslMode === 'VERIFY_FULL'
      ? `verified for ${host}`
      : verify
        ? 'chain verified'
        : `not verified (sslMode ${sslMode})`;
  return {
    stream: secure,
    encrypted: true,
    description: `${secure.getProtocol() ?? 'TLS'} with ${secure.getCipher().name}; certificate ${checked}`,
  };
}
