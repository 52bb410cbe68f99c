import { describe, expect, it } from 'vitest';
import type { DataSourceSpec } from '../../src/datasources/model.js';
import { hostProblem, validateConnection, validateDataSource } from '../../src/datasources/rules.js';
import { firstControlCharacter } from '../../src/datasources/text.js';

// The control-character rule of the field rules, as pure functions: every code point of C0, DEL and
// C1 is refused in every field, and remarks keep their line feeds and tabs.

const spec = (overrides: Partial<DataSourceSpec> = {}): DataSourceSpec => ({
  identifier: 'orders',
  region: null,
  remarks: null,
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
  ...overrides,
});

const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => String.fromCodePoint(from + i));
const CONTROLS = [...range(0x00, 0x1f), '\u007f', ...range(0x80, 0x9f)];

const fieldsOf = (errors: { field: string }[]) => errors.map((e) => e.field);

describe('firstControlCharacter', () => {
  it('finds every C0, DEL and C1 code point, and names it as U+XXXX', () => {
    for (const character of CONTROLS) {
      const code = `U+${(character.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
      expect(firstControlCharacter(`a${character}b`)).toBe(code);
    }
  });

  it('leaves printable characters alone, including the ones next to the ranges', () => {
    expect(firstControlCharacter(' ~\u00a0\u00ff€日本😀')).toBeUndefined();
  });

  it('skips the allowed ones and reports the first other', () => {
    expect(firstControlCharacter('a\nb\tc', ['\n', '\t'])).toBeUndefined();
    expect(firstControlCharacter('a\n\r', ['\n', '\t'])).toBe('U+000D');
  });
});

describe.each(['identifier', 'host', 'username', 'databaseName', 'schemaName'] as const)('%s', (field) => {
  it('refuses every control character, naming the field once', () => {
    for (const character of CONTROLS) {
      const errors = validateDataSource(spec({ [field]: `ab${character}cd` }), []);
      expect(fieldsOf(errors), JSON.stringify(character)).toEqual([field]);
      expect(errors[0]?.message).toMatch(/^must not contain control characters \(found U\+00[0-9A-F]{2}\)$/);
    }
  });
});

it('standby.host refuses control characters (hostProblem)', () => {
  const errors = validateConnection(
    spec({ databaseAttribute: 'PRIMARY_STANDBY', standby: { host: 'replica\r.example', port: 5432 } }),
  );
  expect(errors).toEqual([
    { field: 'standby.host', message: 'must not contain control characters (found U+000D)' },
  ]);
  expect(hostProblem('::1\n')).toBe('must not contain control characters (found U+000A)');
});

describe('remarks', () => {
  it('keep line feeds and tabs', () => {
    expect(validateDataSource(spec({ remarks: 'one\n\ttwo\n' }), [])).toEqual([]);
  });

  it('refuse every other control character', () => {
    for (const character of CONTROLS.filter((c) => c !== '\n' && c !== '\t')) {
      expect(fieldsOf(validateDataSource(spec({ remarks: `x${character}` }), []))).toEqual(['remarks']);
    }
  });
});

it('reports every field with a control character together', () => {
  const errors = validateDataSource(
    spec({
      identifier: 'a\u0085',
      host: '\u0007db',
      username: 'u\u0000',
      databaseName: 'd\u001b',
      schemaName: 's\u007f',
      remarks: 'r\r',
      databaseAttribute: 'PRIMARY_STANDBY',
      standby: { host: 'r\u009f', port: 5432 },
    }),
    [],
  );
  expect(fieldsOf(errors).sort()).toEqual(
    ['databaseName', 'host', 'identifier', 'remarks', 'schemaName', 'standby.host', 'username'].sort(),
  );
});
