import type pg from 'pg';

/** The first row of a query, typed by the caller (pg's rows are untyped). */
export async function one<T extends Record<string, unknown>>(
  pool: pg.Pool,
  sql: string,
  params: unknown[] = [],
): Promise<T> {
  const result = await pool.query<T>(sql, params);
  const row = result.rows[0];
  if (!row) throw new Error(`no row for: ${sql}`);
  return row;
}

export async function all<T extends Record<string, unknown>>(
  pool: pg.Pool,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  return (await pool.query<T>(sql, params)).rows;
}

/** `SELECT count(*) FROM <from>` as a number. */
export async function count(pool: pg.Pool, from: string, params: unknown[] = []): Promise<number> {
  return (await one<{ n: number }>(pool, `SELECT count(*)::int AS n FROM ${from}`, params)).n;
}
