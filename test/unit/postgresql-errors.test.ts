import { describe, expect, it } from 'vitest';
import {
  certificateProblem,
  CONNECTION_ERROR_CODES,
  loginErrorCode,
  socketErrorCode,
  TargetError,
} from '../../src/postgresql/errors.js';

// Codes come from socket error codes, TLS error codes and SQLSTATEs, never from message text
// (README, Connection tests). Each case gives an error whose message says something else.

/** An error as Node and pg build them: a code, and a message the mapping must not read. */
const failure = (code: string | undefined, message = 'misleading text: ECONNREFUSED 28P01 self-signed') =>
  Object.assign(new Error(message), code === undefined ? {} : { code });

describe('socketErrorCode', () => {
  it.each([
    ['ECONNREFUSED', 'CONNECTION_REFUSED'],
    ['ECONNRESET', 'CONNECTION_REFUSED'],
    ['ENETUNREACH', 'NETWORK_UNREACHABLE'],
    ['EHOSTUNREACH', 'NETWORK_UNREACHABLE'],
    ['EHOSTDOWN', 'NETWORK_UNREACHABLE'],
    ['EADDRNOTAVAIL', 'NETWORK_UNREACHABLE'],
    ['ETIMEDOUT', 'TIMEOUT'],
  ])('%s is %s', (code, expected) => {
    expect(socketErrorCode(failure(code))).toBe(expected);
  });

  it.each([
    ['an unknown code', failure('EPROTO')],
    ['no code', failure(undefined, 'connect ECONNREFUSED 127.0.0.1:5432')],
    ['a string thrown', 'ECONNREFUSED'],
  ])('%s is NETWORK_UNREACHABLE, whatever the message says', (_case, error) => {
    expect(socketErrorCode(error)).toBe('NETWORK_UNREACHABLE');
  });

  it('reads the code, not the message', () => {
    expect(socketErrorCode(failure('ETIMEDOUT', 'connect ECONNREFUSED'))).toBe('TIMEOUT');
  });
});

describe('certificateProblem', () => {
  it.each([
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'it is self-signed'],
    ['SELF_SIGNED_CERT_IN_CHAIN', 'its chain ends in an untrusted self-signed CA'],
    ['UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'its issuer is not a trusted CA'],
    ['UNABLE_TO_GET_ISSUER_CERT', 'its issuer is not a trusted CA'],
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'its signature cannot be verified against a trusted CA'],
    ['CERT_HAS_EXPIRED', 'it has expired'],
    ['CERT_NOT_YET_VALID', 'it is not valid yet'],
    ['CERT_REVOKED', 'it was revoked'],
    ['CERT_SIGNATURE_FAILURE', 'its signature is invalid'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'it was not issued for this host name'],
    ['HOSTNAME_MISMATCH', 'it was not issued for this host name'],
  ])('%s: %s', (code, problem) => {
    expect(certificateProblem(failure(code))).toBe(problem);
  });

  it.each([
    ['a TLS error that is not about the certificate', failure('ERR_SSL_WRONG_VERSION_NUMBER')],
    ['a socket error', failure('ECONNRESET')],
    ['no code, a message about a certificate', failure(undefined, 'self signed certificate')],
  ])('is undefined for %s', (_case, error) => {
    expect(certificateProblem(error)).toBeUndefined();
  });
});

describe('loginErrorCode', () => {
  it.each([
    ['28P01', 'AUTH_FAILED'],
    ['28000', 'HBA_REJECTED'],
    ['3D000', 'DATABASE_NOT_FOUND'],
    ['53300', 'TOO_MANY_CONNECTIONS'],
    ['57P03', 'SERVER_NOT_READY'],
    ['57P01', 'SERVER_NOT_READY'],
  ])('SQLSTATE %s is %s', (sqlstate, expected) => {
    expect(loginErrorCode(failure(sqlstate))).toBe(expected);
  });

  it('any other SQLSTATE of class 28 (invalid authorization) is AUTH_FAILED', () => {
    expect(loginErrorCode(failure('28P02'))).toBe('AUTH_FAILED');
  });

  it.each([
    ['another class', failure('42501')],
    ['a socket error', failure('ECONNRESET')],
    ['no code, the server’s words for a bad password', failure(undefined, 'password authentication failed')],
  ])('is undefined for %s', (_case, error) => {
    expect(loginErrorCode(error)).toBeUndefined();
  });
});

describe('TargetError', () => {
  it('carries its code, detail and hint; its message is the code alone (no driver text)', () => {
    const error = new TargetError(
      'PERMISSION_DENIED',
      'no USAGE on schema sales',
      'GRANT USAGE ON SCHEMA sales TO app;',
    );
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({
      name: 'TargetError',
      code: 'PERMISSION_DENIED',
      message: 'PERMISSION_DENIED',
      detail: 'no USAGE on schema sales',
      hint: 'GRANT USAGE ON SCHEMA sales TO app;',
    });
  });

  it('every code a mapping returns is a known connection error code', () => {
    const mapped = [
      ...['ECONNREFUSED', 'ENETUNREACH', 'ETIMEDOUT', 'EPROTO'].map((code) => socketErrorCode(failure(code))),
      ...['28P01', '28000', '3D000', '53300', '57P03', '28P02'].map((code) => loginErrorCode(failure(code))),
    ];
    for (const code of mapped) expect(CONNECTION_ERROR_CODES).toContain(code);
  });
});
