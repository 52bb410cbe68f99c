import pg from 'pg';
import { TargetError } from '../../postgresql/errors.js';
import type { Query } from '../../postgresql/session.js';
import { passed, skipped, type CheckResult } from './check.js';

/**
 * READ_PRIVILEGES's catalogue read. The schemas in scope are the ones SCHEMA found: the schema given,
 * or without one the schemas the user may use, chosen here by the same condition, so that the read
 * needs no answer of SCHEMA's and goes out with it (checks/endpoint.ts).
 */
export function readPrivilegesRead(schemaName: string | null): { text: string; values: unknown[] } {
  return {
    text: `SELECT count(*)::int AS total,
            count(*) FILTER (WHERE has_table_privilege(c.oid, 'SELECT'))::int AS readable,
            (array_agg(quote_ident(n.nspname) || '.' || quote_ident(c.relname) ORDER BY n.nspname, c.relname)
               FILTER (WHERE NOT has_table_privilege(c.oid, 'SELECT')))[1:20] AS unreadable
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
        AND CASE WHEN $1::text IS NULL
                 THEN n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
                      AND has_schema_privilege(n.oid, 'USAGE')
                 ELSE n.nspname = $1 END`,
    values: [schemaName],
  };
}

/** READ_PRIVILEGES: SELECT on the tables of the schemas in scope; a warning names up to 20 unreadable. */
export async function checkReadPrivileges(
  query: Query,
  schemas: readonly string[],
  schemaName: string | null,
  username: string,
): Promise<CheckResult<undefined>> {
  if (schemas.length === 0) return skipped('No schema in scope.');
  const read = readPrivilegesRead(schemaName);
  const [row] = await query<{ total: number; readable: number; unreadable: string[] | null }>(
    read.text,
    read.values,
  );
  const total = row?.total ?? 0;
  const readable = row?.readable ?? 0;
  const grant = `GRANT SELECT ON ALL TABLES IN SCHEMA ${schemas.map((schema) => pg.escapeIdentifier(schema)).join(', ')} TO ${pg.escapeIdentifier(username)};`;
  if (total === 0) return passed(`No tables yet in ${schemas.join(', ')}.`, undefined);
  if (readable === total) return passed(`${username} can read all ${total} table(s).`, undefined);
  if (readable === 0)
    throw new TargetError('PERMISSION_DENIED', `no SELECT on any of the ${total} table(s)`, grant);
  const missing = row?.unreadable ?? [];
  const more = total - readable > missing.length ? `, and ${total - readable - missing.length} more` : '';
  return {
    status: 'WARNING',
    code: 'PERMISSION_DENIED',
    detail: `no SELECT on ${total - readable} of ${total} table(s): ${missing.join(', ')}${more}`,
    hint: grant,
    value: undefined,
  };
}
