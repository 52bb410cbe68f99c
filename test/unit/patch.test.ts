import { describe, expect, it } from 'vitest';
import type { DataSourceSpec } from '../../src/datasources/model.js';
import { applyPatch, type UpdateDataSourceCommand } from '../../src/datasources/patch.js';
import { fieldsOf, spec } from '../support/unit.js';

// What an update makes of a data source (PRODUCT.md §1): the merge, nulls, what changed, whether the
// stored password may be kept, and whether a new connection test is due.

const before = spec({ schemaName: 'sales', remarks: 'EU orders', sslMode: 'VERIFY_FULL' });
const patched = (patch: UpdateDataSourceCommand, regions: readonly string[] = [], from = before) =>
  applyPatch(from, patch, regions);

describe('merge', () => {
  it('changes nothing for an empty patch', () => {
    expect(patched({})).toEqual({
      next: before,
      changed: [],
      password: undefined,
      errors: [],
      retargeted: [],
      connectionChanged: false,
    });
  });

  it('takes the given fields and keeps the others', () => {
    const { next, changed } = patched({ remarks: 'EU orders, Frankfurt', port: 5433 });
    expect(next).toEqual({ ...before, remarks: 'EU orders, Frankfurt', port: 5433 });
    expect(changed).toEqual(['remarks', 'port']);
  });

  it('keeps a field whose value is undefined (omitted)', () => {
    const { next, changed } = patched({ host: undefined, remarks: undefined });
    expect(next).toEqual(before);
    expect(changed).toEqual([]);
  });

  it('does not count a field given its current value as changed', () => {
    const same = patched({ host: before.host, port: before.port, standby: null, sslMode: before.sslMode });
    expect(same.changed).toEqual([]);
    expect(same.connectionChanged).toBe(false);
  });

  it('compares a standby by value', () => {
    const pair = spec({
      databaseAttribute: 'PRIMARY_STANDBY',
      standby: { host: 'replica.example', port: 5432 },
    });
    const result = patched({ standby: { host: 'replica.example', port: 5432 } }, [], pair);
    expect(result.changed).toEqual([]);
    expect(result.retargeted).toEqual([]);
  });

  it('does not modify the data source it starts from', () => {
    const original = structuredClone(before);
    patched({ host: 'other.example', remarks: null, password: 'new-password' });
    expect(before).toEqual(original);
  });
});

describe('null', () => {
  it.each(['standby', 'schemaName', 'remarks'] as const)('clears %s', (field) => {
    const from: DataSourceSpec = {
      ...before,
      ...(field === 'standby'
        ? { databaseAttribute: 'PRIMARY', standby: { host: 'replica.example', port: 5432 } }
        : {}),
    };
    const { next, changed } = patched({ [field]: null }, [], from);
    expect(next[field]).toBeNull();
    expect(changed).toEqual([field]);
  });

  it.each([
    'identifier',
    'type',
    'databaseAttribute',
    'host',
    'port',
    'username',
    'databaseName',
    'sslMode',
    'heartbeatEnabled',
  ] as const)('is an error for %s, which keeps its value', (field) => {
    const { next, changed, errors } = patched({ [field]: null });
    expect(errors).toEqual([{ field, message: 'must not be null (omit it to keep the current value)' }]);
    expect(next[field]).toEqual(before[field]);
    expect(changed).toEqual([]);
  });

  it('reports every null at once', () => {
    expect(fieldsOf(patched({ host: null, port: null, username: null }).errors)).toEqual([
      'host',
      'port',
      'username',
    ]);
  });

  it('is an error for the password (omit it to keep it)', () => {
    const { errors, password, connectionChanged } = patched({ password: null });
    expect(errors).toEqual([{ field: 'password', message: 'must not be null (omit it to keep it)' }]);
    expect(password).toBeUndefined();
    expect(connectionChanged).toBe(false);
  });
});

describe('remarks', () => {
  it('empty clears them', () => {
    const { next, changed } = patched({ remarks: '' });
    expect(next.remarks).toBeNull();
    expect(changed).toEqual(['remarks']);
  });

  it('empty on a data source without remarks changes nothing', () => {
    expect(patched({ remarks: '' }, [], spec({ remarks: null })).changed).toEqual([]);
  });
});

describe('region', () => {
  it('null falls back to the only configured region', () => {
    const from = spec({ region: 'cn-hangzhou' });
    const { next, changed, errors } = patched({ region: null }, ['cn-hangzhou'], from);
    expect(next.region).toBe('cn-hangzhou');
    expect(changed).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('null with several regions configured is the missing-region error', () => {
    const regions = ['cn-hangzhou', 'eu-west-1'];
    const { next, errors } = patched({ region: null }, regions, spec({ region: 'eu-west-1' }));
    expect(next.region).toBeNull();
    expect(errors).toEqual([{ field: 'region', message: 'is required: one of cn-hangzhou, eu-west-1' }]);
  });

  it('a change is validated against the configured regions', () => {
    const regions = ['cn-hangzhou', 'eu-west-1'];
    const from = spec({ region: 'eu-west-1' });
    expect(patched({ region: 'cn-hangzhou' }, regions, from)).toMatchObject({
      changed: ['region'],
      errors: [],
      connectionChanged: false,
    });
    expect(fieldsOf(patched({ region: 'us-east-1' }, regions, from).errors)).toEqual(['region']);
  });
});

describe('password', () => {
  it('is returned when given, never counted as a changed field, and makes a new test due', () => {
    const result = patched({ password: 'new-password' });
    expect(result.password).toBe('new-password');
    expect(result.changed).toEqual([]);
    expect(result.connectionChanged).toBe(true);
    expect(result.errors).toEqual([]);
  });

  it('is validated', () => {
    expect(patched({ password: '' }).errors).toEqual([
      { field: 'password', message: 'must be 1 to 1024 characters long' },
    ]);
  });
});

describe('validation of the result', () => {
  it('applies the field rules to the merged data source', () => {
    expect(patched({ databaseAttribute: 'PRIMARY_STANDBY' }).errors).toEqual([
      { field: 'standby', message: 'is required when databaseAttribute is PRIMARY_STANDBY' },
    ]);
    expect(patched({ databaseAttribute: 'STANDBY' }, [], spec({ heartbeatEnabled: true })).errors).toEqual([
      {
        field: 'heartbeatEnabled',
        message: 'is allowed only for PRIMARY and PRIMARY_STANDBY (a standby is read-only)',
      },
    ]);
  });

  it('reports patch errors and rule violations together', () => {
    expect(fieldsOf(patched({ host: null, port: 0, password: null }).errors).sort()).toEqual(
      ['host', 'password', 'port'].sort(),
    );
  });
});

describe('retargeting: what needs the password again', () => {
  it.each([
    ['host', { host: 'other.example' }],
    ['port', { port: 5433 }],
    ['username', { username: 'someone-else' }],
    ['databaseName', { databaseName: 'billing' }],
  ] as const)('a new %s', (field, patch) => {
    expect(patched(patch)).toMatchObject({ retargeted: [field], connectionChanged: true });
  });

  it('a new standby, and its removal', () => {
    const pair = spec({
      databaseAttribute: 'PRIMARY_STANDBY',
      standby: { host: 'replica.example', port: 5432 },
    });
    expect(patched({ standby: { host: 'replica-2.example', port: 5432 } }, [], pair).retargeted).toEqual([
      'standby',
    ]);
    expect(patched({ standby: { host: 'replica.example', port: 5433 } }, [], pair).retargeted).toEqual([
      'standby',
    ]);
    const removed = patched({ databaseAttribute: 'PRIMARY', standby: null }, [], pair);
    expect(removed.errors).toEqual([]);
    expect(removed.retargeted).toEqual(['standby']);
  });

  it.each([
    ['VERIFY_FULL', 'VERIFY_CA'],
    ['VERIFY_FULL', 'DISABLE'],
    ['VERIFY_CA', 'REQUIRE'],
    ['REQUIRE', 'PREFER'],
    ['PREFER', 'DISABLE'],
  ] as const)('a weaker sslMode: %s to %s', (from, to) => {
    expect(patched({ sslMode: to }, [], spec({ sslMode: from }))).toMatchObject({
      changed: ['sslMode'],
      retargeted: ['sslMode (to a weaker mode)'],
      connectionChanged: true,
    });
  });

  it.each([
    ['DISABLE', 'PREFER'],
    ['PREFER', 'REQUIRE'],
    ['REQUIRE', 'VERIFY_FULL'],
  ] as const)('not a stronger sslMode: %s to %s (a new test all the same)', (from, to) => {
    expect(patched({ sslMode: to }, [], spec({ sslMode: from }))).toMatchObject({
      changed: ['sslMode'],
      retargeted: [],
      connectionChanged: true,
    });
  });

  it('names every retargeting change, in a stable order', () => {
    const result = patched({
      sslMode: 'DISABLE',
      databaseName: 'billing',
      host: 'other.example',
      port: 6432,
    });
    expect(result.retargeted).toEqual(['host', 'port', 'databaseName', 'sslMode (to a weaker mode)']);
  });

  it('is still reported when the new password comes along (the caller decides)', () => {
    const result = patched({ host: 'other.example', password: 'new-password' });
    expect(result.retargeted).toEqual(['host']);
    expect(result.password).toBe('new-password');
  });
});

describe('connectionChanged: whether a new test is due', () => {
  it.each([
    ['databaseAttribute', { databaseAttribute: 'STANDBY' }],
    ['schemaName', { schemaName: 'billing' }],
    ['schemaName cleared', { schemaName: null }],
    ['heartbeatEnabled', { heartbeatEnabled: true }],
  ] as const)('yes for %s, without retargeting', (_case, patch) => {
    expect(patched(patch)).toMatchObject({ retargeted: [], connectionChanged: true, errors: [] });
  });

  it.each([
    ['identifier', { identifier: 'orders-eu' }],
    ['remarks', { remarks: 'moved' }],
  ] as const)('no for %s', (_case, patch) => {
    expect(patched(patch)).toMatchObject({ retargeted: [], connectionChanged: false, errors: [] });
  });
});
