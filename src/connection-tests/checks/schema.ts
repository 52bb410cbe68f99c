import pg from 'pg';
import { TargetError } from '../../postgresql/errors.js';
import type { Query } from '../../postgresql/session.js';
import { passed, type CheckResult } from './check.js';

/** SCHEMA's catalogue read (sent ahead with the others': checks/endpoint.ts). */
export function schemaRead(schemaName: string | null): { text: string; values?: unknown[] } {
  if (schemaName !== null) {
    return {
      text: `SELECT has_schema_privilege(oid, 'USAGE') AS usage FROM pg_namespace WHERE nspname = $1`,
      values: [schemaName],
    };
  }
  return {
    text: `SELECT nspname AS name FROM pg_namespace
      WHERE nspname NOT IN ('pg_catalog', 'information_schema') AND nspname NOT LIKE 'pg\\_%'
        AND has_schema_privilege(oid, 'USAGE')
      ORDER BY nspname`,
  };
}

/**
 * SCHEMA: the schema given exists and the user may use it; without one, the schemas the user can
 * read. The value is the schemas in scope.
 */
export async function checkSchema(
  query: Query,
  schemaName: string | null,
  username: string,
): Promise<CheckResult<string[]>> {
  if (schemaName !== null) {
    const read = schemaRead(schemaName);
    const [row] = await query<{ usage: boolean }>(read.text, read.values);
    if (!row) throw new TargetError('SCHEMA_NOT_FOUND');
    if (!row.usage) {
      throw new TargetError(
        'PERMISSION_DENIED',
        `no USAGE on schema ${schemaName}`,
        `GRANT USAGE ON SCHEMA ${pg.escapeIdentifier(schemaName)} TO ${pg.escapeIdentifier(username)};`,
      );
    }
    return passed(`Schema ${schemaName} exists and ${username} may use it.`, [schemaName]);
  }
  const rows = await query<{ name: string }>(schemaRead(null).text);
  const readable = rows.map((row) => row.name);
  if (readable.length === 0) {
    return {
      status: 'WARNING',
      code: 'PERMISSION_DENIED',
      detail: 'no schema is readable, so there is nothing to migrate',
      hint: `GRANT USAGE ON SCHEMA <schema> TO ${pg.escapeIdentifier(username)};`,
      value: readable,
    };
  }
  return passed(`${username} can read ${readable.length} schema(s): ${readable.join(', ')}.`, readable);
}
