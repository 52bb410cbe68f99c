import { AppError } from '../errors.js';

/** Relay cursors over a (timestamp, id) key, newest first. Opaque to clients: base64url JSON. */
export interface Page<T> {
  nodes: T[];
  cursors: string[];
  hasNextPage: boolean;
  totalCount: number;
}

export interface CursorKey {
  at: Date;
  id: string;
}

export const MAX_PAGE_SIZE = 100;

export function encodeCursor(key: CursorKey): string {
  return Buffer.from(JSON.stringify([key.at.toISOString(), key.id])).toString('base64url');
}

export function decodeCursor(cursor: string): CursorKey {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      typeof value[0] === 'string' &&
      typeof value[1] === 'string'
    ) {
      const at = new Date(value[0]);
      if (!Number.isNaN(at.getTime()) && isUuid(value[1])) return { at, id: value[1] };
    }
  } catch {
    // fall through to the typed error below
  }
  throw AppError.badInput([{ field: 'after', message: 'is not a cursor returned by this list' }]);
}

export function checkPageSize(first: number): void {
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw AppError.badInput([{ field: 'first', message: `must be between 1 and ${MAX_PAGE_SIZE}` }]);
  }
}

/** Turns `first + 1` fetched rows into a page: the extra row only says whether there is a next page. */
export function toPage<T>(
  rows: T[],
  first: number,
  keyOf: (row: T) => CursorKey,
  totalCount: number,
): Page<T> {
  const nodes = rows.slice(0, first);
  return {
    nodes,
    cursors: nodes.map((node) => encodeCursor(keyOf(node))),
    hasNextPage: rows.length > first,
    totalCount,
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}
