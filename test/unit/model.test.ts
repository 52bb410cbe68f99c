import { describe, expect, it } from 'vitest';
import {
  CONNECTION_FIELDS,
  DEFAULT_PORT,
  endpointsOf,
  RETARGETING_FIELDS,
  weakensTls,
  withConnectionDefaults,
  type SslMode,
} from '../../src/datasources/model.js';
import { spec } from '../support/unit.js';

describe('weakensTls', () => {
  // Every ordered pair that weakens, written out from libpq's meanings rather than derived from the
  // order of SSL_MODES, which is what is under test.
  const WEAKER: [SslMode, SslMode][] = [
    ['PREFER', 'DISABLE'],
    ['REQUIRE', 'DISABLE'],
    ['REQUIRE', 'PREFER'],
    ['VERIFY_CA', 'DISABLE'],
    ['VERIFY_CA', 'PREFER'],
    ['VERIFY_CA', 'REQUIRE'],
    ['VERIFY_FULL', 'DISABLE'],
    ['VERIFY_FULL', 'PREFER'],
    ['VERIFY_FULL', 'REQUIRE'],
    ['VERIFY_FULL', 'VERIFY_CA'],
  ];
  const MODES: SslMode[] = ['DISABLE', 'PREFER', 'REQUIRE', 'VERIFY_CA', 'VERIFY_FULL'];

  it.each(MODES.flatMap((from) => MODES.map((to) => [from, to] as const)))('%s to %s', (from, to) => {
    const expected = WEAKER.some(([a, b]) => a === from && b === to);
    expect(weakensTls(from, to)).toBe(expected);
  });
});

describe('endpointsOf', () => {
  const standby = { host: 'replica.example', port: 5433 };

  it('PRIMARY: the primary only', () => {
    expect(endpointsOf(spec())).toEqual([{ role: 'PRIMARY', host: 'db.example', port: 5432 }]);
  });

  it('STANDBY: the standby itself, as the only endpoint', () => {
    expect(endpointsOf(spec({ databaseAttribute: 'STANDBY' }))).toEqual([
      { role: 'STANDBY', host: 'db.example', port: 5432 },
    ]);
  });

  it('PRIMARY_STANDBY: the primary, then the standby', () => {
    expect(endpointsOf(spec({ databaseAttribute: 'PRIMARY_STANDBY', standby }))).toEqual([
      { role: 'PRIMARY', host: 'db.example', port: 5432 },
      { role: 'STANDBY', host: 'replica.example', port: 5433 },
    ]);
  });

  it('PRIMARY_STANDBY without a standby: the primary only', () => {
    expect(endpointsOf(spec({ databaseAttribute: 'PRIMARY_STANDBY', standby: null }))).toEqual([
      { role: 'PRIMARY', host: 'db.example', port: 5432 },
    ]);
  });

  it('ignores a standby on a PRIMARY data source', () => {
    expect(endpointsOf(spec({ standby }))).toHaveLength(1);
  });
});

describe('withConnectionDefaults', () => {
  const required = { host: 'db.example', username: 'migrator', databaseName: 'orders' };

  it('fills in the defaults of PRODUCT.md §1', () => {
    expect(withConnectionDefaults(required)).toEqual({
      type: 'POSTGRESQL',
      databaseAttribute: 'PRIMARY',
      host: 'db.example',
      port: 5432,
      standby: null,
      username: 'migrator',
      databaseName: 'orders',
      schemaName: null,
      sslMode: 'PREFER',
      heartbeatEnabled: false,
    });
    expect(DEFAULT_PORT).toBe(5432);
  });

  it('keeps every value given', () => {
    const given = {
      ...required,
      type: 'POSTGRESQL' as const,
      databaseAttribute: 'PRIMARY_STANDBY' as const,
      port: 6432,
      standby: { host: 'replica.example', port: 6433 },
      schemaName: 'sales',
      sslMode: 'VERIFY_FULL' as const,
      heartbeatEnabled: true,
    };
    expect(withConnectionDefaults(given)).toEqual(given);
  });

  it('defaults only what is absent: a given false and an empty schema name stay', () => {
    const result = withConnectionDefaults({ ...required, heartbeatEnabled: false, schemaName: '' });
    expect(result.heartbeatEnabled).toBe(false);
    expect(result.schemaName).toBe('');
  });

  it('copies nothing but the connection parameters', () => {
    const input = { ...required, identifier: 'orders', password: 'secret' } as Parameters<
      typeof withConnectionDefaults
    >[0];
    expect(Object.keys(withConnectionDefaults(input)).sort()).toEqual([...CONNECTION_FIELDS, 'type'].sort());
  });
});

describe('the field lists', () => {
  it('retargeting fields are those of the password rule of PRODUCT.md §1', () => {
    expect([...RETARGETING_FIELDS].sort()).toEqual(['databaseName', 'host', 'port', 'standby', 'username']);
  });

  it('connection fields add what changes a test result without sending the password elsewhere', () => {
    expect([...CONNECTION_FIELDS].sort()).toEqual(
      [...RETARGETING_FIELDS, 'databaseAttribute', 'schemaName', 'sslMode', 'heartbeatEnabled'].sort(),
    );
  });
});
