import pg from 'pg';
import { TargetError } from '../../postgresql/errors.js';
import type { Query } from '../../postgresql/session.js';
import { passed, skipped, type CheckResult } from './check.js';

/** READ_PRIVILEGES: SELECT on the tables of the schemas in scope; a warning names up to 20 unreadable. */
export async function checkReadPrivileges(
  query: Query,
  schemas: readonly string[],
  username: string,
): Promise<CheckResult<undefined>> {
  if (schemas.length === 0) return skipped('No schema in scope.');
  const [row] = await query<{ total: number; readable: number; unreadable: string[] | null }>(
    `SELECT count(*)::int AS total,
            count(*) FILTER (WHERE has_table_privilege(c.oid, 'SELECT'))::int AS readable,
            (array_agg(quote_ident(n.nspname) || '.' || quote_ident(c.relname) ORDER BY n.nspname, c.relname)
               FILTER (WHERE NOT has_table_privilege(c.oid, 'SELECT')))[1:20] AS unreadable
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = ANY($1) AND c.relkind IN ('r', 'p', 'v', 'm', 'f')`,
    [schemas],
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
