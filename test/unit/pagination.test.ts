import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.js';
import {
  checkPageSize,
  decodeCursor,
  encodeCursor,
  isUuid,
  MAX_PAGE_SIZE,
  toPage,
  type CursorKey,
} from '../../src/lib/pagination.js';

const ID = '0e9c7e55-0000-4000-8000-000000000001';
const key = (ms: number, id = ID): CursorKey => ({ at: new Date(ms), id });
const raw = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** The typed error a malformed input must produce, or a failure saying what happened instead. */
function badInputOf(run: () => unknown): AppError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    const appError = error as AppError;
    expect(appError.code).toBe('BAD_USER_INPUT');
    return appError;
  }
  throw new Error('expected a BAD_USER_INPUT error, and nothing was thrown');
}

describe('cursors', () => {
  it.each([
    ['a millisecond timestamp', key(Date.UTC(2024, 4, 17, 9, 30, 12, 345))],
    ['the epoch', key(0)],
    ['an upper-case id', key(1_700_000_000_000, ID.toUpperCase())],
  ])('round-trip %s exactly', (_case, original) => {
    const decoded = decodeCursor(encodeCursor(original));
    expect(decoded.at.getTime()).toBe(original.at.getTime());
    expect(decoded.id).toBe(original.id);
  });

  it('are opaque and URL-safe', () => {
    const cursor = encodeCursor(key(Date.UTC(2024, 0, 1)));
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(cursor).not.toContain(ID);
  });

  it('differ for different keys (the id breaks ties of equal timestamps)', () => {
    const at = Date.UTC(2024, 0, 1);
    expect(encodeCursor(key(at))).not.toBe(encodeCursor(key(at, '0e9c7e55-0000-4000-8000-000000000002')));
    expect(encodeCursor(key(at))).not.toBe(encodeCursor(key(at + 1)));
  });

  it.each([
    ['empty', ''],
    ['not base64', '%%%not-a-cursor%%%'],
    ['not JSON', Buffer.from('hello').toString('base64url')],
    ['JSON null', raw(null)],
    ['an object', raw({ at: '2024-01-01T00:00:00.000Z', id: ID })],
    ['one element', raw(['2024-01-01T00:00:00.000Z'])],
    ['three elements', raw(['2024-01-01T00:00:00.000Z', ID, 'x'])],
    ['a numeric timestamp', raw([1_704_067_200_000, ID])],
    ['a numeric id', raw(['2024-01-01T00:00:00.000Z', 42])],
    ['an invalid date', raw(['yesterday', ID])],
    ['an id that is no UUID', raw(['2024-01-01T00:00:00.000Z', 'not-a-uuid'])],
    ['an id with SQL in it', raw(['2024-01-01T00:00:00.000Z', `${ID}' OR 1=1 --`])],
  ])('refuse %s as BAD_USER_INPUT on `after`', (_case, cursor) => {
    const error = badInputOf(() => decodeCursor(cursor));
    expect(error.fields).toEqual([{ field: 'after', message: 'is not a cursor returned by this list' }]);
  });
});

describe('checkPageSize', () => {
  it.each([1, 20, MAX_PAGE_SIZE])('accepts %d', (first) => {
    expect(() => checkPageSize(first)).not.toThrow();
  });

  it.each([0, -1, MAX_PAGE_SIZE + 1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('refuses %d', (first) => {
    expect(badInputOf(() => checkPageSize(first)).fields).toEqual([
      { field: 'first', message: 'must be between 1 and 100' },
    ]);
  });

  it('allows at most 100', () => {
    expect(MAX_PAGE_SIZE).toBe(100);
  });
});

describe('toPage', () => {
  const rows = (n: number) =>
    Array.from({ length: n }, (_, i) => ({
      id: `0e9c7e55-0000-4000-8000-${String(i).padStart(12, '0')}`,
      createdAt: new Date(Date.UTC(2024, 0, 1) - i * 1000),
    }));
  const keyOf = (row: { id: string; createdAt: Date }) => ({ at: row.createdAt, id: row.id });

  it('uses the extra row only to say there is a next page', () => {
    const fetched = rows(4);
    const page = toPage(fetched, 3, keyOf, 10);
    expect(page.nodes).toEqual(fetched.slice(0, 3));
    expect(page.hasNextPage).toBe(true);
    expect(page.totalCount).toBe(10);
  });

  it('has no next page when no extra row came back', () => {
    expect(toPage(rows(3), 3, keyOf, 3).hasNextPage).toBe(false);
    expect(toPage(rows(2), 3, keyOf, 2)).toMatchObject({ hasNextPage: false, nodes: rows(2) });
  });

  it('gives each node the cursor of its own key', () => {
    const page = toPage(rows(4), 3, keyOf, 4);
    expect(page.cursors).toHaveLength(3);
    expect(page.cursors.map((cursor) => decodeCursor(cursor))).toEqual(page.nodes.map(keyOf));
  });

  it('is empty for no rows', () => {
    expect(toPage([], 20, keyOf, 0)).toEqual({ nodes: [], cursors: [], hasNextPage: false, totalCount: 0 });
  });
});

describe('isUuid', () => {
  it.each([ID, ID.toUpperCase(), 'ffffffff-ffff-ffff-ffff-ffffffffffff'])('accepts %s', (value) => {
    expect(isUuid(value)).toBe(true);
  });

  it.each(['', 'not-a-uuid', `{${ID}}`, ID.replace(/-/g, ''), `${ID}0`, ID.slice(1), ` ${ID}`, `${ID}\n`])(
    'refuses %j',
    (value) => {
      expect(isUuid(value)).toBe(false);
    },
  );
});
