import pg from 'pg';
import type { ConnectionErrorCode } from './errors.js';

/** What a failure or warning message may mention. Never a password, never raw driver text. */
export interface CodeContext {
  host: string;
  port: number;
  username: string;
  databaseName: string;
  schemaName?: string | null;
  /** A fact the probe found, in the service's own words (e.g. "wal_level is replica"). */
  detail?: string;
}

interface CodeText {
  message(c: CodeContext): string;
  hint(c: CodeContext): string;
}

const at = (c: CodeContext) => `${c.host}:${c.port}`;

/** AUTH_ATTEMPTS_EXCEEDED's hint, with the seconds until tests of the account resume when known. */
export const resumeHint = (seconds?: number) =>
  `Check the password, then test again: tests of this account resume after ${seconds ?? 'AUTH_FAILURE_WINDOW_SECONDS'} seconds. The pause protects the account from lock-out by the server and from password guessing.`;

/**
 * Every ConnectionErrorCode with the service's own message and a hint saying what to do. The README's
 * table of codes is written from this one.
 */
export const CODE_TEXT: Record<ConnectionErrorCode, CodeText> = {
  TARGET_NOT_ALLOWED: {
    message: (c) =>
      `${c.host} resolves to ${c.detail ?? 'an address'}, which this service is not allowed to connect to.`,
    hint: () =>
      "This service does not connect to link-local or cloud metadata addresses, unspecified (0.0.0.0, ::), multicast or broadcast addresses (nor IPv6 forms that carry them), and in production not to loopback or its own metadata store and Redis. Use the database's own routable address, or ask the operator to add it to TARGET_ALLOW_CIDRS (TARGET_DENY_CIDRS always wins).",
  },
  HOST_NOT_FOUND: {
    message: (c) => `The host name ${c.host} could not be resolved.`,
    hint: () =>
      "Check the spelling of the host, or use its IP address; the name must resolve from the service's network.",
  },
  CONNECTION_REFUSED: {
    message: (c) => `${at(c)} refused the connection: nothing is listening on that port.`,
    hint: () =>
      'Check the port and that PostgreSQL is running and listens on this address (listen_addresses in postgresql.conf).',
  },
  NETWORK_UNREACHABLE: {
    message: (c) => `There is no network route from this service to ${at(c)}.`,
    hint: () =>
      'Check routing, VPN or VPC peering and security groups between this service and the database.',
  },
  TIMEOUT: {
    message: (c) => `${at(c)} did not answer in time${c.detail ? ` (${c.detail})` : ''}.`,
    hint: () =>
      "A firewall may be dropping the traffic, or the server is overloaded: allow this service's address through the firewall and security groups, and check the server's load.",
  },
  NOT_POSTGRES: {
    message: (c) => `The server at ${at(c)} does not speak the PostgreSQL protocol.`,
    hint: () => 'Check the port: it may belong to another service (HTTP, a load balancer, another database).',
  },
  TLS_NOT_SUPPORTED: {
    message: (c) => `The server at ${at(c)} does not offer TLS${c.detail ? `; ${c.detail}` : ''}.`,
    hint: () =>
      'Enable ssl = on on the server (with a certificate) to encrypt the connection; only sslMode PREFER or DISABLE accept an unencrypted one.',
  },
  TLS_REQUIRED_BY_SERVER: {
    message: (c) => `The server at ${at(c)} accepts only TLS connections, and sslMode is DISABLE.`,
    hint: () => 'Set sslMode to REQUIRE (or VERIFY_FULL with a trusted certificate).',
  },
  TLS_HANDSHAKE_FAILED: {
    message: (c) => `The TLS handshake with ${at(c)} failed.`,
    hint: () =>
      "Check the server's TLS configuration (ssl_min_protocol_version, certificate and key files); a proxy may be interfering.",
  },
  CERTIFICATE_INVALID: {
    message: (c) => `The server certificate of ${at(c)} was rejected${c.detail ? `: ${c.detail}` : ''}.`,
    hint: () =>
      'Use a certificate signed by a trusted CA whose name matches the host (VERIFY_FULL), give the operator the CA (NODE_EXTRA_CA_CERTS), or choose sslMode REQUIRE to encrypt without verifying.',
  },
  AUTH_FAILED: {
    message: (c) => `Password authentication failed for user ${c.username}.`,
    hint: () => 'Check the username and password; the user must exist and have LOGIN.',
  },
  AUTH_ATTEMPTS_EXCEEDED: {
    message: (c) =>
      `Logins of user ${c.username} to ${at(c)} failed too often in a row; this test did not try again, and the server was not contacted.`,
    // The runner passes resumeHint(seconds left); this one is for when the wait is unknown.
    hint: () => resumeHint(),
  },
  INSECURE_AUTH_REFUSED: {
    message: (c) =>
      `The server at ${at(c)} asked for the password in cleartext over an unencrypted connection; the service refused to send it.`,
    hint: () =>
      "Use scram-sha-256 on the server (password_encryption = 'scram-sha-256', set the password again, and the method scram-sha-256 in pg_hba.conf), or enable TLS (ssl = on) and choose sslMode REQUIRE or VERIFY_FULL.",
  },
  MD5_AUTH_WITHOUT_TLS: {
    message: (c) =>
      `Logged in as ${c.username} with MD5 password authentication over an unencrypted connection: anyone on the path can capture the exchange and crack the password offline.`,
    hint: (c) =>
      `Move the role to scram-sha-256: ALTER SYSTEM SET password_encryption = 'scram-sha-256'; SELECT pg_reload_conf(); set the password again (ALTER ROLE ${pg.escapeIdentifier(c.username)} PASSWORD '…'); and use the method scram-sha-256 in pg_hba.conf. Or enable TLS (ssl = on, sslMode REQUIRE or VERIFY_FULL).`,
  },
  HBA_REJECTED: {
    message: (c) =>
      `The server at ${at(c)} refused user ${c.username} on database ${c.databaseName} before checking the password.`,
    hint: (c) =>
      `Add a pg_hba.conf line for this service's address, user ${c.username} and database ${c.databaseName} (then SELECT pg_reload_conf()), and check that the role has LOGIN.`,
  },
  DATABASE_NOT_FOUND: {
    message: (c) => `The database ${c.databaseName} does not exist on ${at(c)}.`,
    hint: () => 'Check the database name (names are case-sensitive) or create the database.',
  },
  TOO_MANY_CONNECTIONS: {
    message: (c) => `The server at ${at(c)} has no connection left for user ${c.username}.`,
    hint: () => "Raise max_connections or the role's CONNECTION LIMIT, or close idle sessions.",
  },
  SERVER_NOT_READY: {
    message: (c) =>
      `The server at ${at(c)} is starting up, shutting down or recovering, and does not accept connections now.`,
    hint: () => 'Wait until the server is up, then test again.',
  },
  UNSUPPORTED_VERSION: {
    message: (c) =>
      `The server at ${at(c)} runs ${c.detail ?? 'a PostgreSQL version'} older than 10, which is not supported.`,
    hint: () => 'Upgrade the server to PostgreSQL 10 or later.',
  },
  ROLE_MISMATCH: {
    message: (c) => `The server at ${at(c)} ${c.detail ?? 'does not have the role this endpoint expects'}.`,
    hint: () =>
      'Check the Database Attributes: PRIMARY and the primary endpoint of PRIMARY_STANDBY must point at a primary, STANDBY and the standby endpoint at a server in recovery.',
  },
  SCHEMA_NOT_FOUND: {
    message: (c) => `The schema ${c.schemaName ?? ''} does not exist in database ${c.databaseName}.`,
    hint: () =>
      'Check the schema name (case-sensitive), or leave it empty to migrate every schema the user can read.',
  },
  PERMISSION_DENIED: {
    message: (c) => `User ${c.username} lacks a privilege${c.detail ? `: ${c.detail}` : ''}.`,
    hint: (c) =>
      `Grant it, e.g. GRANT USAGE ON SCHEMA ${pg.escapeIdentifier(c.schemaName ?? 'public')} TO ${pg.escapeIdentifier(c.username)}; see the message for which.`,
  },
  LOGICAL_DECODING_DISABLED: {
    message: (c) => `Incremental synchronization is not possible: ${c.detail ?? 'wal_level is not logical'}.`,
    hint: () =>
      'Set wal_level = logical in postgresql.conf and restart the server. Full migration works without it.',
  },
  REPLICATION_NOT_PERMITTED: {
    message: (c) => `User ${c.username} may not use replication, which incremental synchronization needs.`,
    hint: (c) =>
      `ALTER ROLE ${pg.escapeIdentifier(c.username)} REPLICATION; (or use a superuser). Full migration works without it.`,
  },
  REPLICATION_CAPACITY: {
    message: (c) => `The server at ${at(c)} has no free ${c.detail ?? 'replication slot or WAL sender'}.`,
    hint: () =>
      'Raise max_replication_slots and max_wal_senders (restart needed), or drop unused replication slots.',
  },
  INTERNAL: {
    message: (c) => `The service could not complete the test${c.detail ? `: ${c.detail}` : ''}.`,
    hint: () =>
      'This is a problem of the service, not of the database: run the test again; if it persists, tell the operator.',
  },
};
