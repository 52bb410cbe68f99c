import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CANARY_PASSWORD } from '../support/env.js';
import { count, one } from '../support/db.js';
import {
  CREATE_DATA_SOURCE,
  DATA_SOURCE_FIELDS,
  dataSourceInput,
  UPDATE_DATA_SOURCE,
} from '../support/factories.js';
import { startHarness, type Harness } from '../support/harness.js';

interface DataSourceData {
  id: string;
  identifier: string;
  version: number;
  host: string;
  remarks: string | null;
  createdAt: string;
  updatedAt: string;
  lastTest: { id: string; status: string } | null;
  heartbeat: { state: string; enabled: boolean };
  [key: string]: unknown;
}

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.stop();
});

async function create(overrides: Record<string, unknown> = {}) {
  const result = await h.gql<{ createDataSource: { dataSource: DataSourceData; test: { id: string } } }>(
    CREATE_DATA_SOURCE,
    { input: dataSourceInput(overrides) },
  );
  expect(result.errors).toBeUndefined();
  return result.data!.createDataSource;
}

async function update(id: string, input: Record<string, unknown>, expectedVersion?: number) {
  return h.gql<{
    updateDataSource: { dataSource: DataSourceData; test: { id: string; status: string } | null };
  }>(UPDATE_DATA_SOURCE, { id, input, expectedVersion });
}

describe('createDataSource', () => {
  it('saves a data source with the documented defaults and returns its queued test', async () => {
    const { dataSource, test } = await create({ identifier: 'orders-primary' });
    expect(dataSource).toMatchObject({
      identifier: 'orders-primary',
      type: 'POSTGRESQL',
      region: null,
      databaseAttribute: 'PRIMARY',
      host: 'db.internal.example',
      port: 5432,
      standby: null,
      username: 'migrator',
      hasPassword: true,
      databaseName: 'orders',
      schemaName: null,
      remarks: null,
      sslMode: 'PREFER',
      heartbeat: {
        enabled: false,
        state: 'DISABLED',
        table: 'drc.heartbeat',
        intervalSeconds: 5,
        lastBeatAt: null,
      },
      connectionStatus: 'TESTING',
      version: 1,
    });
    expect(test).toMatchObject({ status: 'QUEUED', dataSourceId: dataSource.id });
    expect(dataSource.lastTest).toEqual({ id: test.id, status: 'QUEUED' });
    // The job carries the test id and nothing else (no parameters, no password).
    const job = await h.queue('connection-test').getJob(test.id);
    expect(job?.data).toEqual({ testId: test.id });
    expect(new Date(dataSource.createdAt).toISOString()).toBe(dataSource.createdAt);
  });

  it('keeps every given field and starts the heartbeat PENDING when enabled', async () => {
    const { dataSource } = await create({
      databaseAttribute: 'PRIMARY_STANDBY',
      host: '10.0.0.5',
      port: 6432,
      standby: { host: '10.0.0.6' },
      schemaName: 'sales',
      remarks: 'Orders of the EU shop',
      sslMode: 'VERIFY_FULL',
      heartbeatEnabled: true,
    });
    expect(dataSource).toMatchObject({
      databaseAttribute: 'PRIMARY_STANDBY',
      host: '10.0.0.5',
      port: 6432,
      standby: { host: '10.0.0.6', port: 5432 },
      schemaName: 'sales',
      remarks: 'Orders of the EU shop',
      sslMode: 'VERIFY_FULL',
      heartbeat: { enabled: true, state: 'PENDING' },
    });
  });

  it('takes an identifier once, compared case-insensitively', async () => {
    await create({ identifier: 'Billing' });
    const again = await h.gql(CREATE_DATA_SOURCE, { input: dataSourceInput({ identifier: 'bILLING' }) });
    expect(again.errors?.[0]?.extensions).toMatchObject({
      code: 'IDENTIFIER_TAKEN',
      fields: [{ field: 'identifier' }],
    });
    expect(again.data).toBeNull();
  });

  it('gives exactly one row and nine IDENTIFIER_TAKEN to 10 parallel creates of one identifier', async () => {
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        h.gql(CREATE_DATA_SOURCE, { input: dataSourceInput({ identifier: i % 2 ? 'RACE-1' : 'race-1' }) }),
      ),
    );
    const codes = results.map((r) => r.errors?.[0]?.extensions?.code ?? 'OK').sort();
    expect(codes).toEqual([...Array<string>(9).fill('IDENTIFIER_TAKEN'), 'OK']);
    expect(await count(h.pool, "data_sources WHERE lower(identifier) = 'race-1'")).toBe(1);
    expect(
      await count(
        h.pool,
        "connection_tests t JOIN data_sources d ON d.id = t.data_source_id WHERE lower(d.identifier) = 'race-1'",
      ),
    ).toBe(1);
  });

  it('stores the password encrypted, never as given', async () => {
    const { dataSource } = await create();
    const row = await one(h.pool, 'SELECT * FROM data_sources WHERE id = $1', [dataSource.id]);
    expect(JSON.stringify(row)).not.toContain(CANARY_PASSWORD);
    expect(row.password_key_id).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe('dataSource', () => {
  it('finds one by id', async () => {
    const { dataSource } = await create({ identifier: 'Lookup-By-Id' });
    const byId = await h.gql(`query($id: ID) { dataSource(id: $id) { id identifier } }`, {
      id: dataSource.id,
    });
    expect(byId.data).toEqual({ dataSource: { id: dataSource.id, identifier: 'Lookup-By-Id' } });
  });

  it('finds one by identifier, compared case-insensitively', async () => {
    const { dataSource } = await create({ identifier: 'Lookup-Me' });
    const byIdentifier = await h.gql(`{ dataSource(identifier: "lookup-me") { id } }`);
    expect(byIdentifier.data).toEqual({ dataSource: { id: dataSource.id } });
  });

  it.each([
    ['an unknown id', 'id: "0e9c7e55-0000-4000-8000-000000000000"'],
    ['an id that is no UUID', 'id: "not-a-uuid"'],
    ['an unknown identifier', 'identifier: "nobody"'],
  ])('answers null for %s', async (_case, argument) => {
    expect(await h.gql(`{ dataSource(${argument}) { id } }`)).toEqual({ data: { dataSource: null } });
  });

  it('wants one of id and identifier', async () => {
    const neither = await h.gql(`{ dataSource { id } }`);
    expect(neither.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('refuses both id and identifier, naming both', async () => {
    const both = await h.gql(`{ dataSource(id: "x", identifier: "y") { id } }`);
    expect(both.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(both.errors?.[0]?.extensions?.fields?.map((f) => f.field)).toEqual(['id', 'identifier']);
  });
});

describe('updateDataSource', () => {
  it('changes what it is given, bumps the version and keeps the rest', async () => {
    const { dataSource } = await create({ remarks: 'old' });
    const result = await update(dataSource.id, { remarks: 'new', identifier: 'renamed-1' }, 1);
    expect(result.errors).toBeUndefined();
    const updated = result.data!.updateDataSource;
    expect(updated.dataSource).toMatchObject({
      remarks: 'new',
      identifier: 'renamed-1',
      version: 2,
      host: dataSource.host,
    });
    expect(updated.dataSource.createdAt).toBe(dataSource.createdAt);
    expect(updated.test).toBeNull(); // remarks and identifier do not affect the connection
    expect(new Date(updated.dataSource.updatedAt).getTime()).toBeGreaterThanOrEqual(
      new Date(dataSource.updatedAt).getTime(),
    );
  });

  it('clears a nullable field given null', async () => {
    const { dataSource } = await create({ remarks: 'temporary', schemaName: 'public' });
    const cleared = await update(dataSource.id, { remarks: null, schemaName: null });
    expect(cleared.data?.updateDataSource.dataSource).toMatchObject({ remarks: null, schemaName: null });
  });

  it('refuses null for a required field, naming each', async () => {
    const { dataSource } = await create();
    const refused = await update(dataSource.id, { identifier: null, sslMode: null });
    expect(refused.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(refused.errors?.[0]?.extensions?.fields?.map((f) => f.field)).toEqual(['identifier', 'sslMode']);
  });

  it('fails with VERSION_CONFLICT on a stale expectedVersion and changes nothing', async () => {
    const { dataSource } = await create({ remarks: 'v1' });
    await update(dataSource.id, { remarks: 'v2' }, 1);
    const stale = await update(dataSource.id, { remarks: 'v3' }, 1);
    expect(stale.errors?.[0]?.extensions?.code).toBe('VERSION_CONFLICT');
    expect(stale.data).toBeNull();
    const now = await h.gql<{ dataSource: DataSourceData }>(
      `query($id: ID) { dataSource(id: $id) { remarks version } }`,
      {
        id: dataSource.id,
      },
    );
    expect(now.data?.dataSource).toEqual({ remarks: 'v2', version: 2 });
  });

  it.each([
    ['host', { host: 'elsewhere.example' }],
    ['port', { port: 15432 }],
    ['username', { username: 'someone-else' }],
    ['databaseName', { databaseName: 'other' }],
    ['standby', { databaseAttribute: 'PRIMARY_STANDBY', standby: { host: 'replica.example' } }],
    ['sslMode', { sslMode: 'DISABLE' }],
    ['sslMode', { sslMode: 'REQUIRE' }, 'VERIFY_FULL'],
    ['sslMode', { sslMode: 'VERIFY_CA' }, 'VERIFY_FULL'],
  ])(
    'requires the password again when %s changes (PASSWORD_REQUIRED)',
    async (field, change, sslMode = 'PREFER') => {
      const { dataSource } = await create({ sslMode });
      const refused = await update(dataSource.id, change);
      expect(refused.errors?.[0]?.extensions?.code).toBe('PASSWORD_REQUIRED');
      expect(refused.errors?.[0]?.message).toContain(field);
      const unchanged = await one(h.pool, 'SELECT version, host, port FROM data_sources WHERE id = $1', [
        dataSource.id,
      ]);
      expect(unchanged).toMatchObject({ version: 1, host: dataSource.host, port: 5432 });

      const accepted = await update(dataSource.id, { ...change, password: `${CANARY_PASSWORD}-new` });
      expect(accepted.errors).toBeUndefined();
      expect(accepted.data?.updateDataSource.test?.status).toBe('QUEUED');
      expect(accepted.data?.updateDataSource.dataSource.lastTest?.id).toBe(
        accepted.data?.updateDataSource.test?.id,
      );
    },
  );

  it('does not ask for the password when a retargeting field is given unchanged', async () => {
    const { dataSource } = await create();
    const same = await update(dataSource.id, { host: dataSource.host, port: 5432, remarks: 'touched' });
    expect(same.errors).toBeUndefined();
    expect(same.data?.updateDataSource.test).toBeNull();
  });

  it('queues a test without asking for the password when sslMode becomes stricter', async () => {
    const { dataSource } = await create({ sslMode: 'DISABLE' });
    for (const [sslMode, version] of [
      ['PREFER', 2],
      ['VERIFY_FULL', 3],
    ] as const) {
      const stricter = await update(dataSource.id, { sslMode });
      expect(stricter.errors).toBeUndefined();
      expect(stricter.data?.updateDataSource.test?.status).toBe('QUEUED');
      expect(stricter.data?.updateDataSource.dataSource.version).toBe(version);
    }
  });

  it.each([
    ['sslMode', { sslMode: 'REQUIRE' }],
    ['schemaName', { schemaName: 'sales' }],
    ['the password', { password: 'another-secret' }],
  ])('queues a test when %s changes', async (_what, change) => {
    const { dataSource } = await create();
    const changed = await update(dataSource.id, change);
    expect(changed.errors).toBeUndefined();
    expect(changed.data?.updateDataSource.test?.status).toBe('QUEUED');
    expect(changed.data?.updateDataSource.dataSource.version).toBe(2);
  });

  it('validates the merged result: heartbeat cannot stay on when the data source becomes a STANDBY', async () => {
    const { dataSource } = await create({ heartbeatEnabled: true });
    const refused = await update(dataSource.id, { databaseAttribute: 'STANDBY' });
    expect(refused.errors?.[0]?.extensions?.fields).toEqual([
      expect.objectContaining({ field: 'heartbeatEnabled' }),
    ]);
    const turnedOff = await update(dataSource.id, { databaseAttribute: 'STANDBY', heartbeatEnabled: false });
    expect(turnedOff.data?.updateDataSource.dataSource.heartbeat).toMatchObject({
      enabled: false,
      state: 'DISABLED',
    });
  });

  it('maps an identifier taken by another data source to IDENTIFIER_TAKEN', async () => {
    await create({ identifier: 'taken-by-first' });
    const { dataSource } = await create();
    const result = await update(dataSource.id, { identifier: 'TAKEN-BY-FIRST' });
    expect(result.errors?.[0]?.extensions?.code).toBe('IDENTIFIER_TAKEN');
  });

  it('answers NOT_FOUND for an unknown data source', async () => {
    const result = await update('0e9c7e55-0000-4000-8000-000000000000', { remarks: 'x' });
    expect(result.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});

describe('deleteDataSource', () => {
  it('deletes the data source and its test history, then answers NOT_FOUND', async () => {
    const { dataSource } = await create();
    const deleted = await h.gql(`mutation($id: ID!) { deleteDataSource(id: $id) { id } }`, {
      id: dataSource.id,
    });
    expect(deleted.data).toEqual({ deleteDataSource: { id: dataSource.id } });
    expect(await count(h.pool, 'connection_tests WHERE data_source_id = $1', [dataSource.id])).toBe(0);
    const again = await h.gql(`mutation($id: ID!) { deleteDataSource(id: $id) { id } }`, {
      id: dataSource.id,
    });
    expect(again.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});

describe('dataSources', () => {
  const LIST = /* GraphQL */ `
    query List($filter: DataSourceFilter, $first: Int, $after: String) {
      dataSources(filter: $filter, first: $first, after: $after) {
        totalCount
        pageInfo {
          hasNextPage
          endCursor
        }
        edges {
          cursor
          node {
            id
            identifier
          }
        }
      }
    }
  `;
  interface ListData {
    dataSources: {
      totalCount: number;
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
      edges: { cursor: string; node: { id: string; identifier: string } }[];
    };
  }

  it('walks 45 rows in pages of 20, newest first, with no duplicate or gap', async () => {
    const tag = `page${Date.now().toString(36)}`;
    const created: string[] = [];
    for (let i = 0; i < 45; i += 1) {
      created.push((await create({ identifier: `${tag}-${i}`, remarks: tag })).dataSource.id);
    }
    const seen: string[] = [];
    const pages: number[] = [];
    let after: string | null = null;
    for (;;) {
      const result: { data?: ListData | null } = await h.gql<ListData>(LIST, {
        filter: { search: tag },
        first: 20,
        after,
      });
      const page: ListData['dataSources'] = result.data!.dataSources;
      expect(page.totalCount).toBe(45);
      pages.push(page.edges.length);
      seen.push(...page.edges.map((edge) => edge.node.id));
      expect(page.pageInfo.endCursor).toBe(page.edges.at(-1)?.cursor ?? null);
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(pages).toEqual([20, 20, 5]);
    expect(seen).toEqual([...created].reverse());
  });

  describe('filters', () => {
    const tag = `filt${Date.now().toString(36)}`;
    const ids: Record<'plain' | 'standby' | 'beating', string> = { plain: '', standby: '', beating: '' };
    beforeAll(async () => {
      ids.plain = (await create({ identifier: `${tag}-plain`, host: 'plain.example' })).dataSource.id;
      ids.standby = (
        await create({ identifier: `${tag}-standby`, databaseAttribute: 'STANDBY' })
      ).dataSource.id;
      ids.beating = (
        await create({ identifier: `${tag}-beat`, heartbeatEnabled: true, remarks: '100%_sure' })
      ).dataSource.id;
    });
    const found = async (filter: Record<string, unknown>) => {
      const result = await h.gql<ListData>(LIST, { filter, first: 100 });
      return result.data!.dataSources.edges.map((edge) => edge.node.id).sort();
    };

    it.each<[string, Record<string, unknown>, (keyof typeof ids)[]]>([
      ['search alone', {}, ['plain', 'standby', 'beating']],
      ['databaseAttribute', { databaseAttribute: 'STANDBY' }, ['standby']],
      ['heartbeatState', { heartbeatState: 'PENDING' }, ['beating']],
      ['connectionStatus', { connectionStatus: 'PASSED' }, []],
      ['region', { region: 'nowhere' }, []],
    ])('by %s', async (_by, filter, expected) => {
      expect(await found({ search: tag, ...filter })).toEqual(expected.map((name) => ids[name]).sort());
    });

    it('by search as a literal substring (% and _ are not wildcards)', async () => {
      expect(await found({ search: '0%_S' })).toEqual([ids.beating]);
    });

    it('by search in the host, case-insensitively', async () => {
      expect(await found({ search: 'PLAIN.EXAMPLE' })).toEqual([ids.plain]);
    });
  });

  it.each([0, 101, -1])('rejects a page size of %d (outside 1..100)', async (first) => {
    const result = await h.gql(LIST, { first });
    expect(result.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: [{ field: 'first' }],
    });
  });

  it('rejects a cursor it did not issue', async () => {
    const forged = await h.gql(LIST, { after: 'bm90LWEtY3Vyc29y' });
    expect(forged.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: [{ field: 'after' }],
    });
  });
});

describe('tests and testConnection', () => {
  const TESTS = /* GraphQL */ `
    query ($id: ID) {
      dataSource(id: $id) {
        tests(first: 2) {
          totalCount
          pageInfo {
            hasNextPage
            endCursor
          }
          edges {
            node {
              id
              status
            }
          }
        }
      }
    }
  `;

  it("lists a data source's tests newest first", async () => {
    const { dataSource, test } = await create();
    const second = await update(dataSource.id, { sslMode: 'DISABLE', password: 'retyped-for-a-weaker-mode' });
    const third = await update(dataSource.id, { sslMode: 'REQUIRE' });
    const result = await h.gql<{
      dataSource: {
        tests: { totalCount: number; pageInfo: { hasNextPage: boolean }; edges: { node: { id: string } }[] };
      };
    }>(TESTS, { id: dataSource.id });
    const tests = result.data!.dataSource.tests;
    expect(tests.totalCount).toBe(3);
    expect(tests.pageInfo.hasNextPage).toBe(true);
    expect(tests.edges.map((edge) => edge.node.id)).toEqual([
      third.data!.updateDataSource.test!.id,
      second.data!.updateDataSource.test!.id,
    ]);
    expect(test.id).not.toBe(third.data!.updateDataSource.test!.id);
  });

  it('returns the open test to twenty parallel testConnection calls', async () => {
    const { dataSource, test } = await create();
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        h.gql<{ testConnection: { id: string } }>(
          `mutation($id: ID) { testConnection(input: { dataSourceId: $id }) { id status } }`,
          { id: dataSource.id },
        ),
      ),
    );
    expect(new Set(results.map((r) => r.data?.testConnection.id))).toEqual(new Set([test.id]));
    expect(await count(h.pool, 'connection_tests WHERE data_source_id = $1', [dataSource.id])).toBe(1);
  });

  const DRAFT = `mutation($draft: ConnectionDraftInput) { testConnection(input: { draft: $draft }) { id status dataSourceId } }`;

  it('records a draft test with the password sealed in its row', async () => {
    const draft = { host: 'draft.example', username: 'u', password: CANARY_PASSWORD, databaseName: 'd' };
    const result = await h.gql<{ testConnection: { id: string; dataSourceId: null } }>(DRAFT, { draft });
    expect(result.data?.testConnection).toMatchObject({ status: 'QUEUED', dataSourceId: null });
    const row = await one(h.pool, 'SELECT * FROM connection_tests WHERE id = $1', [
      result.data?.testConnection.id,
    ]);
    expect(row.draft).toMatchObject({ host: 'draft.example', port: 5432, sslMode: 'PREFER' });
    expect(JSON.stringify(row)).not.toContain(CANARY_PASSWORD);
  });

  it('validates a draft, naming its fields under draft.', async () => {
    const draft = { host: 'a b', port: 0, username: 'u', password: CANARY_PASSWORD, databaseName: 'd' };
    const invalid = await h.gql(DRAFT, { draft });
    expect(invalid.errors?.[0]?.extensions?.fields?.map((f) => f.field).sort()).toEqual([
      'draft.host',
      'draft.port',
    ]);
  });

  it('wants a data source or a draft', async () => {
    const neither = await h.gql(`mutation { testConnection(input: {}) { id } }`);
    expect(neither.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('reads one test by id', async () => {
    const { test } = await create();
    const result = await h.gql<{
      connectionTest: { status: string; checks: { endpoint: string; name: string; status: string }[] };
    }>(`query($id: ID!) { connectionTest(id: $id) { id status checks { endpoint name status } } }`, {
      id: test.id,
    });
    expect(result.data?.connectionTest.status).toBe('QUEUED');
    expect(result.data?.connectionTest.checks.map((c) => c.name)).toEqual([
      'RESOLVE',
      'CONNECT',
      'TLS',
      'AUTHENTICATE',
      'SERVER',
      'SCHEMA',
      'READ_PRIVILEGES',
      'INCREMENTAL',
      'HEARTBEAT',
    ]);
    expect(new Set(result.data?.connectionTest.checks.map((c) => `${c.endpoint}:${c.status}`))).toEqual(
      new Set(['PRIMARY:PENDING']),
    );
  });
});

it('never returns the password, whatever is selected', async () => {
  const { dataSource } = await create();
  const everything = await h.gql(`query($id: ID) { dataSource(id: $id) { ${DATA_SOURCE_FIELDS} } }`, {
    id: dataSource.id,
  });
  expect(JSON.stringify(everything)).not.toContain(CANARY_PASSWORD);
  const asked = await h.gql(`query($id: ID) { dataSource(id: $id) { password } }`, { id: dataSource.id });
  expect(asked.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
});
