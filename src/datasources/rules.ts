import { isIP } from 'node:net';
import type { FieldError } from '../errors.js';
import type { ConnectionSpec, DataSourceSpec } from './model.js';
import { postgresql } from './postgresql.js';
import { controlCharacterProblem, firstControlCharacter } from './text.js';

// The field rules of PRODUCT.md §1. Each function returns every violation it finds, so that one
// response tells the user everything to fix.

const IDENTIFIER = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const DNS_LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

const characters = (value: string) => [...value].length;

/** A DNS name (RFC 1123) or an IPv4/IPv6 literal; never a URL, a connection string or a list. */
export function hostProblem(host: string): string | null {
  if (host.length === 0) return 'is required';
  const control = controlCharacterProblem(host);
  if (control !== null) return control;
  // Node accepts IPv6 zone ids (fe80::1%eth0); a zone names an interface of this machine, not a target.
  if (/[\s/,=?%@:]/.test(host) && isIP(host) !== 6)
    return 'must be a DNS name or an IP address, not a URL or list';
  if (host.includes('%')) return 'must not carry an IPv6 zone id (%)';
  if (isIP(host) !== 0) return null;
  if (host.length > 253) return 'must be at most 253 characters';
  const labels = host.split('.');
  if (!labels.every((label) => DNS_LABEL.test(label))) {
    return 'must be a DNS name (letters, digits and hyphens in dot-separated labels) or an IP address';
  }
  // 300.1.1.1 is neither a valid address nor a name anyone means.
  if (labels.every((label) => /^\d+$/.test(label))) return 'is not a valid IPv4 address';
  return null;
}

function portProblem(port: number): string | null {
  return Number.isInteger(port) && port >= 1 && port <= 65535 ? null : 'must be between 1 and 65535';
}

export function validateConnection(spec: ConnectionSpec): FieldError[] {
  const errors: FieldError[] = [];
  const add = (field: string, message: string | null) => {
    if (message !== null) errors.push({ field, message });
  };

  if (spec.type !== postgresql.type) add('type', 'must be POSTGRESQL');
  add('host', hostProblem(spec.host));
  add('port', portProblem(spec.port));

  if (spec.databaseAttribute === 'PRIMARY_STANDBY') {
    if (spec.standby === null) {
      add('standby', 'is required when databaseAttribute is PRIMARY_STANDBY');
    } else {
      add('standby.host', hostProblem(spec.standby.host));
      add('standby.port', portProblem(spec.standby.port));
      if (spec.standby.host.toLowerCase() === spec.host.toLowerCase() && spec.standby.port === spec.port) {
        add('standby', 'must differ from the primary endpoint (host and port)');
      }
    }
  } else if (spec.standby !== null) {
    add('standby', 'is allowed only when databaseAttribute is PRIMARY_STANDBY');
  }

  if (spec.heartbeatEnabled && spec.databaseAttribute === 'STANDBY') {
    add('heartbeatEnabled', 'is allowed only for PRIMARY and PRIMARY_STANDBY (a standby is read-only)');
  }

  errors.push(...postgresql.validate(spec));
  return errors;
}

export function validateDataSource(spec: DataSourceSpec, regions: readonly string[]): FieldError[] {
  const errors: FieldError[] = [];
  const add = (field: string, message: string) => errors.push({ field, message });

  const length = characters(spec.identifier);
  const identifierControl = controlCharacterProblem(spec.identifier);
  if (length < 1 || length > 32) add('identifier', `must be 1 to 32 characters long (got ${length})`);
  else if (identifierControl !== null) add('identifier', identifierControl);
  else if (/\s/u.test(spec.identifier)) add('identifier', 'must not contain whitespace');
  else if (!IDENTIFIER.test(spec.identifier)) {
    add('identifier', 'may contain only letters, digits, _, - and ., and must start with a letter or digit');
  }

  if (regions.length === 0) {
    if (spec.region !== null) add('region', 'must be absent: this deployment has no regions configured');
  } else if (spec.region === null) {
    if (regions.length > 1) add('region', `is required: one of ${regions.join(', ')}`);
  } else if (!regions.includes(spec.region)) {
    add('region', `must be one of ${regions.join(', ')}`);
  }

  if (spec.remarks !== null) {
    // Remarks are free text over several lines: line feeds and tabs, but no CR (a forged log line).
    const control = firstControlCharacter(spec.remarks, ['\n', '\t']);
    if (characters(spec.remarks) > 256) add('remarks', 'must be at most 256 characters');
    else if (control !== undefined) {
      add('remarks', `may contain line feeds and tabs, but no other control characters (found ${control})`);
    }
  }

  return [...errors, ...validateConnection(spec)];
}

export function validatePassword(password: string): FieldError[] {
  const length = characters(password);
  if (length < 1 || length > 1024)
    return [{ field: 'password', message: 'must be 1 to 1024 characters long' }];
  if (password.includes('\0')) return [{ field: 'password', message: 'must not contain a NUL character' }];
  return [];
}

/** The region a data source gets when none is given: the only one, when exactly one is configured. */
export function defaultRegion(regions: readonly string[]): string | null {
  return regions.length === 1 ? (regions[0] ?? null) : null;
}
