import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count } from '../support/db.js';
import { CANARY_PASSWORD } from '../support/env.js';
import { CREATE_DATA_SOURCE, dataSourceInput, UPDATE_DATA_SOURCE } from '../support/factories.js';
import { startHarness, type GraphQLResponse, type Harness } from '../support/harness.js';

// Control characters (C0, DEL, C1) in any saved parameter would reach log lines, pg_stat_activity and
// connection strings: CR/LF forge log lines, NUL truncates in C code. Through the API, for create,
// update and draft tests alike; remarks may hold line feeds and tabs only.

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.stop();
});

/** One of each kind: CR, LF, NUL, TAB and the rest of C0, DEL, and C1 (NEL, the first and the last). */
const CONTROLS: [string, string][] = [
  ['CR', '\r'],
  ['LF', '\n'],
  ['NUL', '\u0000'],
  ['TAB', '\t'],
  ['U+0001', '\u0001'],
  ['ESC', '\u001b'],
  ['U+001F', '\u001f'],
  ['DEL', '\u007f'],
  ['U+0080', '\u0080'],
  ['NEL', '\u0085'],
  ['U+009F', '\u009f'],
];
const codeOf = (character: string) =>
  `U+${(character.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;

type Fields = { field: string; message: string }[];
const fieldsOf = (result: GraphQLResponse) => {
  expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  return (result.errors?.[0]?.extensions?.fields ?? []) as Fields;
};

/** A value of the field with `character` in the middle, otherwise valid for it. */
const WITH: Record<string, (character: string) => unknown> = {
  identifier: (c) => `orders${c}db`,
  host: (c) => `db${c}.example`,
  username: (c) => `mig${c}rator`,
  databaseName: (c) => `orders${c}`,
  schemaName: (c) => `${c}public`,
};

const create = (overrides: Record<string, unknown>) =>
  h.gql<{ createDataSource: { dataSource: { id: string; remarks: string | null } } }>(CREATE_DATA_SOURCE, {
    input: dataSourceInput(overrides),
  });

describe('createDataSource', () => {
  describe.each(Object.keys(WITH))('%s', (field) => {
    it.each(CONTROLS)('with %s is rejected, naming the field and the character', async (_name, character) => {
      const fields = fieldsOf(await create({ [field]: WITH[field]?.(character) }));
      expect(fields).toEqual([
        { field, message: `must not contain control characters (found ${codeOf(character)})` },
      ]);
    });
  });

  it.each(CONTROLS)('standby.host with %s is rejected, naming standby.host', async (_name, character) => {
    const fields = fieldsOf(
      await create({
        databaseAttribute: 'PRIMARY_STANDBY',
        standby: { host: `replica${character}.example`, port: 5432 },
      }),
    );
    expect(fields).toEqual([
      { field: 'standby.host', message: `must not contain control characters (found ${codeOf(character)})` },
    ]);
  });

  it('keeps line feeds and tabs in remarks as written, but refuses a CR beside them', async () => {
    const remarks = 'Orders primary.\n\tOwner: data team\n';
    const result = await create({ remarks });
    expect(result.errors).toBeUndefined();
    expect(result.data?.createDataSource.dataSource.remarks).toBe(remarks);
    expect(fieldsOf(await create({ remarks: remarks.replaceAll('\n', '\r\n') })).map((f) => f.field)).toEqual(
      ['remarks'],
    );
  });

  it.each(CONTROLS.filter(([name]) => name !== 'LF' && name !== 'TAB'))(
    'rejects %s in remarks, naming remarks',
    async (_name, character) => {
      const fields = fieldsOf(await create({ remarks: `line one${character}line two` }));
      expect(fields).toEqual([
        {
          field: 'remarks',
          message: `may contain line feeds and tabs, but no other control characters (found ${codeOf(character)})`,
        },
      ]);
    },
  );

  it('reports every field with a control character together, and writes nothing', async () => {
    const before = await count(h.pool, 'data_sources');
    const fields = fieldsOf(
      await create({
        identifier: 'a\rb',
        host: 'db\n.example',
        username: 'u\u0000',
        databaseName: 'd\u007f',
        schemaName: 's\u0085',
        remarks: 'r\r\nx',
        port: 0,
      }),
    );
    expect(fields.map((f) => f.field).sort()).toEqual(
      ['databaseName', 'host', 'identifier', 'port', 'remarks', 'schemaName', 'username'].sort(),
    );
    expect(await count(h.pool, 'data_sources')).toBe(before);
  });
});

describe('updateDataSource', () => {
  let id: string;
  beforeAll(async () => {
    const created = await create({});
    if (!created.data) throw new Error(JSON.stringify(created.errors));
    id = created.data.createDataSource.dataSource.id;
  });

  const update = (input: Record<string, unknown>) => h.gql(UPDATE_DATA_SOURCE, { id, input });

  it.each([
    ['identifier', { identifier: 'orders\u0085db' }, 'U+0085'],
    ['host', { host: 'db.example\r', password: CANARY_PASSWORD }, 'U+000D'],
    ['username', { username: 'mig\nrator', password: CANARY_PASSWORD }, 'U+000A'],
    ['databaseName', { databaseName: 'orders\u0000', password: CANARY_PASSWORD }, 'U+0000'],
    ['schemaName', { schemaName: 'public\u009b' }, 'U+009B'],
  ])('rejects a control character in %s and changes nothing', async (field, input, code) => {
    const fields = fieldsOf(await update(input));
    expect(fields).toEqual([{ field, message: `must not contain control characters (found ${code})` }]);
    const row = await h.pool.query<{ version: number }>('SELECT version FROM data_sources WHERE id = $1', [
      id,
    ]);
    expect(row.rows[0]?.version).toBe(1);
  });

  it('rejects a CR in remarks, naming remarks', async () => {
    const fields = fieldsOf(await update({ remarks: 'first\r\nsecond' }));
    expect(fields).toEqual([
      {
        field: 'remarks',
        message: 'may contain line feeds and tabs, but no other control characters (found U+000D)',
      },
    ]);
  });

  it('rejects a control character in standby.host', async () => {
    const fields = fieldsOf(
      await update({
        databaseAttribute: 'PRIMARY_STANDBY',
        standby: { host: 'replica\u001b.example', port: 5432 },
        password: CANARY_PASSWORD,
      }),
    );
    expect(fields).toEqual([
      { field: 'standby.host', message: 'must not contain control characters (found U+001B)' },
    ]);
  });
});

describe('testConnection of a draft', () => {
  const DRAFT = /* GraphQL */ `
    mutation ($draft: ConnectionDraftInput!) {
      testConnection(input: { draft: $draft }) {
        id
      }
    }
  `;
  const draft = (overrides: Record<string, unknown>) => ({
    host: 'draft.example',
    username: 'u',
    password: CANARY_PASSWORD,
    databaseName: 'd',
    ...overrides,
  });

  it('rejects control characters in every connection field, prefixed draft., and records no test', async () => {
    const before = await count(h.pool, 'connection_tests');
    const fields = fieldsOf(
      await h.gql(DRAFT, {
        draft: draft({
          host: 'draft\r.example',
          username: 'u\n',
          databaseName: 'd\u0000',
          schemaName: 's\u0080',
          databaseAttribute: 'PRIMARY_STANDBY',
          standby: { host: 'replica\u007f.example', port: 5432 },
        }),
      }),
    );
    expect(fields).toEqual(
      expect.arrayContaining([
        { field: 'draft.host', message: 'must not contain control characters (found U+000D)' },
        { field: 'draft.username', message: 'must not contain control characters (found U+000A)' },
        { field: 'draft.databaseName', message: 'must not contain control characters (found U+0000)' },
        { field: 'draft.schemaName', message: 'must not contain control characters (found U+0080)' },
        { field: 'draft.standby.host', message: 'must not contain control characters (found U+007F)' },
      ]),
    );
    expect(fields).toHaveLength(5);
    expect(await count(h.pool, 'connection_tests')).toBe(before);
  });
});
