/**
 * Why a connection to a PostgreSQL target failed or warned. Every code is chosen from socket error
 * codes, TLS error codes and SQLSTATEs, never from message text; postgresql/codes.ts says what each
 * means and what to do.
 */
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

/** A failure caused by the target (final: retrying will not help). */
export class TargetError extends Error {
  constructor(
    readonly code: ConnectionErrorCode,
    /** A fact found, in the service's own words (e.g. "wal_level is replica"). */
    readonly detail?: string,
    /** What to do, when more precise than the code's own hint (e.g. the exact GRANT). */
    readonly hint?: string,
  ) {
    super(code);
    this.name = 'TargetError';
  }
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

/** A failed TCP connect, by the socket error's code. */
export const socketErrorCode = (error: unknown): ConnectionErrorCode =>
  SOCKET_CODES[(error as { code?: string } | null)?.code ?? ''] ?? 'NETWORK_UNREACHABLE';

/** Why Node refused a server certificate, by its error code; undefined when not a certificate problem. */
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

export const certificateProblem = (error: unknown): string | undefined =>
  CERTIFICATE_ERRORS[(error as { code?: string } | null)?.code ?? ''];

const LOGIN_SQLSTATES: Record<string, ConnectionErrorCode> = {
  '28P01': 'AUTH_FAILED',
  '28000': 'HBA_REJECTED',
  '3D000': 'DATABASE_NOT_FOUND',
  '53300': 'TOO_MANY_CONNECTIONS',
  '57P03': 'SERVER_NOT_READY',
  '57P01': 'SERVER_NOT_READY',
};

/** A refused login, by its SQLSTATE (class 28 is an authentication failure); undefined for others. */
export const loginErrorCode = (error: unknown): ConnectionErrorCode | undefined => {
  const sqlstate = (error as { code?: string } | null)?.code ?? '';
  return LOGIN_SQLSTATES[sqlstate] ?? (sqlstate.startsWith('28') ? 'AUTH_FAILED' : undefined);
};
