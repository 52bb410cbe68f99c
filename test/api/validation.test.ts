import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count } from '../support/db.js';
import { CREATE_DATA_SOURCE, dataSourceInput } from '../support/factories.js';
import { startHarness, type Harness } from '../support/harness.js';

// Every field rule of PRODUCT.md §1, through the API, one case each, with the boundaries.

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.stop();
});

async function create(harness: Harness, overrides: Record<string, unknown>) {
  return harness.gql<{ createDataSource: { dataSource: Record<string, unknown> } }>(CREATE_DATA_SOURCE, {
    input: dataSourceInput(overrides),
  });
}

/** The fields named by a BAD_USER_INPUT answer, or [] when the create succeeded. */
async function rejectedFields(overrides: Record<string, unknown>, harness = h): Promise<string[]> {
  const result = await create(harness, overrides);
  if (!result.errors) return [];
  expect(result.errors[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  expect(result.data).toBeNull();
  return (result.errors[0]?.extensions?.fields ?? []).map((f) => f.field);
}

const a = (n: number) => 'a'.repeat(n);
const label63 = a(63);

describe.each([
  // [rule, overrides, the field it must name, or null when the input is valid]
  ['identifier of 32 characters', { identifier: `x${a(31)}` }, null],
  ['identifier of 33 characters', { identifier: `x${a(32)}` }, 'identifier'],
  ['empty identifier', { identifier: '' }, 'identifier'],
  ['identifier with a space', { identifier: 'orders db' }, 'identifier'],
  ['identifier with a tab', { identifier: 'orders\tdb' }, 'identifier'],
  ['identifier with letters, digits, _ - .', { identifier: 'Orders_2.db-1' }, null],
  ['identifier starting with -', { identifier: '-orders' }, 'identifier'],
  ['identifier starting with .', { identifier: '.orders' }, 'identifier'],
  ['identifier with /', { identifier: 'orders/db' }, 'identifier'],
  ['host as a DNS name', { host: 'pg-1.eu.example.com' }, null],
  ['host as IPv4', { host: '10.1.2.3' }, null],
  ['host as IPv6', { host: 'fd00::12' }, null],
  ['host of 253 characters', { host: `${label63}.${label63}.${label63}.${a(61)}` }, null],
  ['host of 254 characters', { host: `${label63}.${label63}.${label63}.${a(62)}` }, 'host'],
  ['host label of 64 characters', { host: `${a(64)}.example` }, 'host'],
  ['host as a URL', { host: 'postgres://db.example' }, 'host'],
  ['host with a port', { host: 'db.example:5432' }, 'host'],
  ['host with a comma', { host: 'db1.example,db2.example' }, 'host'],
  ['host with =', { host: 'host=db.example' }, 'host'],
  ['host with ?', { host: 'db.example?sslmode=disable' }, 'host'],
  ['host with %', { host: 'fe80::1%eth0' }, 'host'],
  ['host with a space', { host: 'db example' }, 'host'],
  ['host that is no IPv4 address', { host: '300.1.1.1' }, 'host'],
  ['empty host', { host: '' }, 'host'],
  ['port 0', { port: 0 }, 'port'],
  ['port 1', { port: 1 }, null],
  ['port 65535', { port: 65535 }, null],
  ['port 65536', { port: 65536 }, 'port'],
  ['PRIMARY_STANDBY without standby', { databaseAttribute: 'PRIMARY_STANDBY' }, 'standby'],
  [
    'PRIMARY_STANDBY with a standby',
    { databaseAttribute: 'PRIMARY_STANDBY', standby: { host: 'replica.example', port: 5433 } },
    null,
  ],
  [
    'standby equal to the primary endpoint',
    { databaseAttribute: 'PRIMARY_STANDBY', host: 'db.example', standby: { host: 'DB.example', port: 5432 } },
    'standby',
  ],
  [
    'standby on the primary host, another port',
    { databaseAttribute: 'PRIMARY_STANDBY', host: 'db.example', standby: { host: 'db.example', port: 5433 } },
    null,
  ],
  [
    'standby with an invalid host',
    { databaseAttribute: 'PRIMARY_STANDBY', standby: { host: 'a b', port: 5432 } },
    'standby.host',
  ],
  [
    'standby with port 0',
    { databaseAttribute: 'PRIMARY_STANDBY', standby: { host: 'replica.example', port: 0 } },
    'standby.port',
  ],
  ['standby on a PRIMARY data source', { standby: { host: 'replica.example', port: 5432 } }, 'standby'],
  [
    'standby on a STANDBY data source',
    { databaseAttribute: 'STANDBY', standby: { host: 'replica.example', port: 5432 } },
    'standby',
  ],
  ['heartbeat on PRIMARY', { heartbeatEnabled: true }, null],
  [
    'heartbeat on PRIMARY_STANDBY',
    {
      databaseAttribute: 'PRIMARY_STANDBY',
      standby: { host: 'replica.example', port: 5432 },
      heartbeatEnabled: true,
    },
    null,
  ],
  ['heartbeat on STANDBY', { databaseAttribute: 'STANDBY', heartbeatEnabled: true }, 'heartbeatEnabled'],
  ['username of 63 bytes', { username: a(63) }, null],
  ['username of 64 bytes (32 two-byte characters)', { username: 'é'.repeat(32) }, 'username'],
  ['empty username', { username: '' }, 'username'],
  ['username with NUL', { username: 'mig\u0000rator' }, 'username'],
  ['password of 1024 characters', { password: `canary-Pa55w0rd-7f3a9c1e${a(1000)}` }, null],
  ['password of 1025 characters', { password: `canary-Pa55w0rd-7f3a9c1e${a(1001)}` }, 'password'],
  ['empty password', { password: '' }, 'password'],
  ['databaseName of 63 bytes', { databaseName: a(63) }, null],
  ['databaseName of 64 bytes', { databaseName: a(64) }, 'databaseName'],
  ['empty databaseName', { databaseName: '' }, 'databaseName'],
  ['schemaName of 63 bytes', { schemaName: a(63) }, null],
  ['schemaName of 64 bytes', { schemaName: a(64) }, 'schemaName'],
  ['empty schemaName', { schemaName: '' }, 'schemaName'],
  ['remarks of 256 characters', { remarks: '备'.repeat(256) }, null],
  ['remarks of 257 characters', { remarks: a(257) }, 'remarks'],
  ['region when no region is configured', { region: 'eu-west-1' }, 'region'],
] as const)('%s', (_rule, overrides, field) => {
  it(field ? `is rejected naming ${field}` : 'is accepted', async () => {
    const fields = await rejectedFields(overrides);
    expect(fields).toEqual(field ? [field] : []);
  });
});

it('reports every violation of one input together, each naming its field', async () => {
  const result = await create(h, {
    identifier: 'has space',
    host: 'http://x',
    port: 0,
    username: '',
    password: '',
    databaseName: '',
    databaseAttribute: 'STANDBY',
    heartbeatEnabled: true,
    remarks: a(300),
  });
  const fields = (result.errors?.[0]?.extensions?.fields ?? []).map((f) => f.field).sort();
  expect(fields).toEqual(
    [
      'databaseName',
      'heartbeatEnabled',
      'host',
      'identifier',
      'password',
      'port',
      'remarks',
      'username',
    ].sort(),
  );
  for (const error of result.errors?.[0]?.extensions?.fields ?? [])
    expect(error.message.length).toBeGreaterThan(5);
});

it('writes nothing when an input is rejected', async () => {
  const before = await count(h.pool, 'data_sources');
  await create(h, { port: 70000 });
  expect(await count(h.pool, 'data_sources')).toBe(before);
});

it('rejects a type the service does not support at the schema level', async () => {
  const result = await create(h, { type: 'MYSQL' });
  expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  expect(result.errors?.[0]?.message).toContain('DataSourceType');
});

describe('regions', () => {
  describe('with one region configured', () => {
    let one: Harness;
    beforeAll(async () => {
      one = await startHarness({ env: { REGIONS: 'cn-hangzhou' } });
    });
    afterAll(async () => {
      await one.stop();
    });

    it('defaults to it when none is given', async () => {
      const defaulted = await create(one, {});
      expect(defaulted.data?.createDataSource.dataSource.region).toBe('cn-hangzhou');
    });

    it('accepts it given', async () => {
      const explicit = await create(one, { region: 'cn-hangzhou' });
      expect(explicit.data?.createDataSource.dataSource.region).toBe('cn-hangzhou');
    });

    it('refuses any other', async () => {
      expect(await rejectedFields({ region: 'eu-west-1' }, one)).toEqual(['region']);
    });

    it('lists it in regions', async () => {
      expect((await one.gql('{ regions }')).data).toEqual({ regions: ['cn-hangzhou'] });
    });
  });

  describe('with two regions configured', () => {
    let two: Harness;
    beforeAll(async () => {
      two = await startHarness({ env: { REGIONS: 'cn-hangzhou, eu-west-1' } });
    });
    afterAll(async () => {
      await two.stop();
    });

    it('requires one', async () => {
      expect(await rejectedFields({}, two)).toEqual(['region']);
    });

    it('refuses one not configured', async () => {
      expect(await rejectedFields({ region: 'us-east-1' }, two)).toEqual(['region']);
    });

    it('accepts one of them', async () => {
      const ok = await create(two, { region: 'eu-west-1' });
      expect(ok.data?.createDataSource.dataSource.region).toBe('eu-west-1');
    });

    it('lists both in regions, in order', async () => {
      expect((await two.gql('{ regions }')).data).toEqual({ regions: ['cn-hangzhou', 'eu-west-1'] });
    });
  });

  describe('with no region configured', () => {
    it('leaves it absent', async () => {
      const ok = await create(h, {});
      expect(ok.data?.createDataSource.dataSource.region).toBeNull();
    });

    it('lists no regions', async () => {
      expect((await h.gql('{ regions }')).data).toEqual({ regions: [] });
    });
  });
});
