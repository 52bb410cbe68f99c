import { describe, expect, it } from 'vitest';
import {
  defaultRegion,
  hostProblem,
  validateConnection,
  validateDataSource,
  validatePassword,
} from '../../src/datasources/rules.js';
import { fieldsOf, repeat, spec } from '../support/unit.js';

// The field rules of PRODUCT.md §1 as pure functions, every rule at its boundaries. The API tests
// (test/api/validation.test.ts) check that the service applies them; these check the rules.

const label63 = repeat(63);
const NOT_A_NAME = 'must be a DNS name or an IP address, not a URL or list';
const BAD_LABELS =
  'must be a DNS name (letters, digits and hyphens in dot-separated labels) or an IP address';

describe('hostProblem', () => {
  it.each([
    ['a DNS name', 'pg-1.eu.example.com'],
    ['a single label', 'localhost'],
    ['upper case', 'DB.Example.COM'],
    ['a label of 63 characters', `${label63}.example`],
    ['a label of one character', 'a.b'],
    ['a label that starts with a digit', '1db.example'],
    ['253 characters', `${label63}.${label63}.${label63}.${repeat(61)}`],
    ['IPv4', '10.1.2.3'],
    ['IPv6', 'fd00::12'],
    ['IPv6 in upper case', 'FD00::12'],
    ['the IPv6 loopback', '::1'],
    ['an IPv4-mapped IPv6 address', '::ffff:10.0.0.1'],
  ])('accepts %s', (_case, host) => {
    expect(hostProblem(host)).toBeNull();
  });

  it.each([
    ['empty', '', 'is required'],
    ['254 characters', `${label63}.${label63}.${label63}.${repeat(62)}`, 'must be at most 253 characters'],
    ['a label of 64 characters', `${repeat(64)}.example`, BAD_LABELS],
    ['a label that starts with -', '-db.example', BAD_LABELS],
    ['a label that ends with -', 'db-.example', BAD_LABELS],
    ['an empty label', 'db..example', BAD_LABELS],
    ['a trailing dot', 'db.example.', BAD_LABELS],
    ['an underscore', 'db_1.example', BAD_LABELS],
    ['a non-ASCII letter', 'bücher.example', BAD_LABELS],
    ['a URL', 'postgres://db.example', NOT_A_NAME],
    ['a port', 'db.example:5432', NOT_A_NAME],
    ['a bracketed IPv6 address', '[::1]', NOT_A_NAME],
    ['a list', 'db1.example,db2.example', NOT_A_NAME],
    ['a connection string', 'host=db.example', NOT_A_NAME],
    ['a query', 'db.example?sslmode=disable', NOT_A_NAME],
    ['a user', 'migrator@db.example', NOT_A_NAME],
    ['a path', 'db.example/orders', NOT_A_NAME],
    ['a space', 'db example', NOT_A_NAME],
    ['a no-break space', 'db\u00a0example', NOT_A_NAME],
    ['% outside an IPv6 address', 'db%1.example', NOT_A_NAME],
    ['an IPv6 zone id', 'fe80::1%eth0', 'must not carry an IPv6 zone id (%)'],
    ['four numbers that are no IPv4 address', '300.1.1.1', 'is not a valid IPv4 address'],
    ['three numbers', '10.1.2', 'is not a valid IPv4 address'],
    ['one number', '2130706433', 'is not a valid IPv4 address'],
    ['a control character', 'db\u0000.example', 'must not contain control characters (found U+0000)'],
  ])('refuses %s', (_case, host, message) => {
    expect(hostProblem(host)).toBe(message);
  });
});

describe('validateConnection', () => {
  it('accepts a valid PRIMARY data source', () => {
    expect(validateConnection(spec())).toEqual([]);
  });

  it('refuses any type but POSTGRESQL', () => {
    expect(validateConnection(spec({ type: 'MYSQL' as 'POSTGRESQL' }))).toEqual([
      { field: 'type', message: 'must be POSTGRESQL' },
    ]);
  });

  it('names the host', () => {
    expect(validateConnection(spec({ host: 'http://db' }))).toEqual([{ field: 'host', message: NOT_A_NAME }]);
  });

  describe('port', () => {
    it.each([1, 5432, 65535])('accepts %d', (port) => {
      expect(validateConnection(spec({ port }))).toEqual([]);
    });

    it.each([0, -1, 65536, 1.5, Number.NaN])('refuses %d', (port) => {
      expect(validateConnection(spec({ port }))).toEqual([
        { field: 'port', message: 'must be between 1 and 65535' },
      ]);
    });
  });

  describe('standby', () => {
    const standby = { host: 'replica.example', port: 5433 };

    it('is required for PRIMARY_STANDBY', () => {
      expect(validateConnection(spec({ databaseAttribute: 'PRIMARY_STANDBY' }))).toEqual([
        { field: 'standby', message: 'is required when databaseAttribute is PRIMARY_STANDBY' },
      ]);
    });

    it('is accepted for PRIMARY_STANDBY', () => {
      expect(validateConnection(spec({ databaseAttribute: 'PRIMARY_STANDBY', standby }))).toEqual([]);
    });

    it.each(['PRIMARY', 'STANDBY'] as const)('is refused for %s', (databaseAttribute) => {
      expect(validateConnection(spec({ databaseAttribute, standby }))).toEqual([
        { field: 'standby', message: 'is allowed only when databaseAttribute is PRIMARY_STANDBY' },
      ]);
    });

    it('must differ from the primary endpoint, host compared case-insensitively', () => {
      const errors = validateConnection(
        spec({
          databaseAttribute: 'PRIMARY_STANDBY',
          host: 'db.example',
          standby: { host: 'DB.Example', port: 5432 },
        }),
      );
      expect(errors).toEqual([
        { field: 'standby', message: 'must differ from the primary endpoint (host and port)' },
      ]);
    });

    it('may share the primary host on another port, or the port on another host', () => {
      for (const other of [
        { host: 'db.example', port: 5433 },
        { host: 'replica.example', port: 5432 },
      ]) {
        expect(
          validateConnection(
            spec({ databaseAttribute: 'PRIMARY_STANDBY', host: 'db.example', standby: other }),
          ),
        ).toEqual([]);
      }
    });

    it('names standby.host and standby.port, both at once', () => {
      const errors = validateConnection(
        spec({ databaseAttribute: 'PRIMARY_STANDBY', standby: { host: 'a b', port: 0 } }),
      );
      expect(errors).toEqual([
        { field: 'standby.host', message: NOT_A_NAME },
        { field: 'standby.port', message: 'must be between 1 and 65535' },
      ]);
    });

    it('checks standby.port at its boundaries', () => {
      const at = (port: number) =>
        fieldsOf(
          validateConnection(
            spec({ databaseAttribute: 'PRIMARY_STANDBY', standby: { host: 'r.example', port } }),
          ),
        );
      expect([at(1), at(65535), at(0), at(65536)]).toEqual([[], [], ['standby.port'], ['standby.port']]);
    });
  });

  describe('heartbeatEnabled', () => {
    it.each([
      ['PRIMARY', null],
      ['PRIMARY_STANDBY', { host: 'replica.example', port: 5432 }],
    ] as const)('is allowed for %s', (databaseAttribute, standby) => {
      expect(validateConnection(spec({ databaseAttribute, standby, heartbeatEnabled: true }))).toEqual([]);
    });

    it('is refused for STANDBY (read-only), and off is fine there', () => {
      expect(validateConnection(spec({ databaseAttribute: 'STANDBY', heartbeatEnabled: true }))).toEqual([
        {
          field: 'heartbeatEnabled',
          message: 'is allowed only for PRIMARY and PRIMARY_STANDBY (a standby is read-only)',
        },
      ]);
      expect(validateConnection(spec({ databaseAttribute: 'STANDBY', heartbeatEnabled: false }))).toEqual([]);
    });
  });

  // NAMEDATALEN - 1: PostgreSQL truncates longer names, so the limit is in bytes, not characters.
  describe.each(['username', 'databaseName', 'schemaName'] as const)('%s', (field) => {
    it('accepts 1 and 63 bytes', () => {
      expect(validateConnection(spec({ [field]: 'a' }))).toEqual([]);
      expect(validateConnection(spec({ [field]: label63 }))).toEqual([]);
      expect(validateConnection(spec({ [field]: `${repeat(61)}é` }))).toEqual([]); // 61 + 2 bytes
    });

    it('refuses 64 bytes, counted in UTF-8', () => {
      for (const value of [repeat(64), repeat(32, 'é'), `${repeat(62)}é`]) {
        expect(validateConnection(spec({ [field]: value }))).toEqual([
          { field, message: 'must be 1 to 63 bytes long (got 64)' },
        ]);
      }
    });

    it('refuses an empty name', () => {
      expect(validateConnection(spec({ [field]: '' }))).toEqual([
        { field, message: 'must be 1 to 63 bytes long (got 0)' },
      ]);
    });

    it('refuses NUL', () => {
      expect(validateConnection(spec({ [field]: 'mig\u0000rator' }))).toEqual([
        { field, message: 'must not contain control characters (found U+0000)' },
      ]);
    });
  });

  it('lets schemaName be absent (every readable schema)', () => {
    expect(validateConnection(spec({ schemaName: null }))).toEqual([]);
  });
});

describe('validateDataSource', () => {
  it('accepts a valid data source', () => {
    expect(validateDataSource(spec(), [])).toEqual([]);
  });

  describe('identifier', () => {
    it.each([
      ['1 character', 'o'],
      ['32 characters', `x${repeat(31)}`],
      ['letters, digits, _ - .', 'Orders_2.db-1'],
      ['a leading digit', '1orders'],
    ])('accepts %s', (_case, identifier) => {
      expect(validateDataSource(spec({ identifier }), [])).toEqual([]);
    });

    it.each([
      ['empty', '', 'must be 1 to 32 characters long (got 0)'],
      ['33 characters', `x${repeat(32)}`, 'must be 1 to 32 characters long (got 33)'],
      ['a space', 'orders db', 'must not contain whitespace'],
      ['a no-break space', 'orders\u00a0db', 'must not contain whitespace'],
      ['a tab', 'orders\tdb', 'must not contain control characters (found U+0009)'],
      [
        'a leading -',
        '-orders',
        'may contain only letters, digits, _, - and ., and must start with a letter or digit',
      ],
      [
        'a leading .',
        '.orders',
        'may contain only letters, digits, _, - and ., and must start with a letter or digit',
      ],
      [
        'a leading _',
        '_orders',
        'may contain only letters, digits, _, - and ., and must start with a letter or digit',
      ],
      [
        'a /',
        'orders/db',
        'may contain only letters, digits, _, - and ., and must start with a letter or digit',
      ],
      [
        'a non-ASCII letter',
        'ordérs',
        'may contain only letters, digits, _, - and ., and must start with a letter or digit',
      ],
    ])('refuses %s', (_case, identifier, message) => {
      expect(validateDataSource(spec({ identifier }), [])).toEqual([{ field: 'identifier', message }]);
    });

    it('counts characters, not UTF-16 code units', () => {
      // 32 astral characters are 64 code units: the length rule passes, the character rule names it.
      const [error] = validateDataSource(spec({ identifier: repeat(32, '😀') }), []);
      expect(error?.message).toMatch(/^may contain only/);
      expect(validateDataSource(spec({ identifier: repeat(33, '😀') }), [])[0]?.message).toBe(
        'must be 1 to 32 characters long (got 33)',
      );
    });
  });

  describe('region', () => {
    it('must be absent when no region is configured', () => {
      expect(validateDataSource(spec({ region: null }), [])).toEqual([]);
      expect(validateDataSource(spec({ region: 'eu-west-1' }), [])).toEqual([
        { field: 'region', message: 'must be absent: this deployment has no regions configured' },
      ]);
    });

    it('is optional with one region configured, and must be that one', () => {
      const one = ['cn-hangzhou'];
      expect(validateDataSource(spec({ region: null }), one)).toEqual([]);
      expect(validateDataSource(spec({ region: 'cn-hangzhou' }), one)).toEqual([]);
      expect(validateDataSource(spec({ region: 'eu-west-1' }), one)).toEqual([
        { field: 'region', message: 'must be one of cn-hangzhou' },
      ]);
    });

    it('is required with two or more configured, and must be one of them (exactly)', () => {
      const two = ['cn-hangzhou', 'eu-west-1'];
      expect(validateDataSource(spec({ region: 'eu-west-1' }), two)).toEqual([]);
      expect(validateDataSource(spec({ region: null }), two)).toEqual([
        { field: 'region', message: 'is required: one of cn-hangzhou, eu-west-1' },
      ]);
      for (const region of ['us-east-1', 'EU-WEST-1']) {
        expect(validateDataSource(spec({ region }), two)).toEqual([
          { field: 'region', message: 'must be one of cn-hangzhou, eu-west-1' },
        ]);
      }
    });
  });

  describe('remarks', () => {
    it.each([
      ['absent', null],
      ['empty', ''],
      ['256 characters of three UTF-8 bytes', repeat(256, '备')],
      ['256 astral characters (512 UTF-16 code units)', repeat(256, '😀')],
      ['line feeds and tabs', 'line one\n\tline two\n'],
    ])('accepts %s', (_case, remarks) => {
      expect(validateDataSource(spec({ remarks }), [])).toEqual([]);
    });

    it('refuses 257 characters', () => {
      expect(validateDataSource(spec({ remarks: repeat(257) }), [])).toEqual([
        { field: 'remarks', message: 'must be at most 256 characters' },
      ]);
    });

    it('refuses a carriage return (a forged log line)', () => {
      expect(validateDataSource(spec({ remarks: 'one\r\ntwo' }), [])).toEqual([
        {
          field: 'remarks',
          message: 'may contain line feeds and tabs, but no other control characters (found U+000D)',
        },
      ]);
    });
  });

  it('includes the connection rules', () => {
    expect(fieldsOf(validateDataSource(spec({ port: 0, username: '' }), []))).toEqual(['port', 'username']);
  });

  it('reports every violation of one input together, each naming its field once', () => {
    const errors = validateDataSource(
      spec({
        identifier: 'has space',
        region: 'eu-west-1',
        remarks: repeat(300),
        host: 'http://x',
        port: 0,
        username: '',
        databaseName: '',
        schemaName: repeat(64),
        databaseAttribute: 'STANDBY',
        standby: { host: 'replica.example', port: 5432 },
        heartbeatEnabled: true,
      }),
      [],
    );
    expect(fieldsOf(errors).sort()).toEqual(
      [
        'databaseName',
        'heartbeatEnabled',
        'host',
        'identifier',
        'port',
        'region',
        'remarks',
        'schemaName',
        'standby',
        'username',
      ].sort(),
    );
  });
});

describe('validatePassword', () => {
  it.each([
    ['1 character', 'x'],
    ['1024 characters', repeat(1024)],
    ['1024 astral characters (2048 UTF-16 code units)', repeat(1024, '😀')],
    ['control characters other than NUL', 'pa\tss\r\nword\u001b'],
  ])('accepts %s', (_case, password) => {
    expect(validatePassword(password)).toEqual([]);
  });

  it.each([
    ['empty', ''],
    ['1025 characters', repeat(1025)],
  ])('refuses %s', (_case, password) => {
    expect(validatePassword(password)).toEqual([
      { field: 'password', message: 'must be 1 to 1024 characters long' },
    ]);
  });

  it('refuses NUL, which no C string can carry', () => {
    expect(validatePassword('pass\u0000word')).toEqual([
      { field: 'password', message: 'must not contain a NUL character' },
    ]);
  });
});

describe('defaultRegion', () => {
  it('is the only region when exactly one is configured', () => {
    expect(defaultRegion(['cn-hangzhou'])).toBe('cn-hangzhou');
  });

  it('is null with none or several', () => {
    expect(defaultRegion([])).toBeNull();
    expect(defaultRegion(['cn-hangzhou', 'eu-west-1'])).toBeNull();
  });
});
