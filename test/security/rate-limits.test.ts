import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRateLimits } from '../../src/api/rate-limits.js';
import { count } from '../support/db.js';
import { redisUrl, transport } from '../support/env.js';
import { CREATE_DATA_SOURCE, dataSourceInput, UPDATE_DATA_SOURCE } from '../support/factories.js';
import { ADMIN_TOKEN, startHarness, type Harness } from '../support/harness.js';

// Per-token rate limits (PRODUCT.md §5), shared by every API process through the transport (Redis, or
// the metadata store). Workers are not started: what is measured is what the API lets through to the
// queue.

const SECOND_ADMIN = 'second-admin-token-0123456789';
const DRAFT = /* GraphQL */ `
  mutation ($draft: ConnectionDraftInput!) {
    testConnection(input: { draft: $draft }) {
      id
    }
  }
`;
const draft = (i: number) => ({
  host: 'guessing.example',
  username: 'postgres',
  password: `guess-${i}`,
  databaseName: 'postgres',
});

let a: Harness;
let b: Harness;
beforeAll(async () => {
  a = await startHarness({
    env: {
      API_TOKENS: `admin:${ADMIN_TOKEN},second:admin:${SECOND_ADMIN}`,
      RATE_LIMIT_TESTS_PER_MINUTE: '5',
      RATE_LIMIT_MUTATIONS_PER_MINUTE: '8',
    },
  });
  // A second API process of the same deployment: same prefix, same metadata store, same transport.
  b = await startHarness({
    sharedWith: a,
    env: {
      API_TOKENS: `admin:${ADMIN_TOKEN},second:admin:${SECOND_ADMIN}`,
      RATE_LIMIT_TESTS_PER_MINUTE: '5',
      RATE_LIMIT_MUTATIONS_PER_MINUTE: '8',
    },
  });
});
afterAll(async () => {
  await b.stop();
  await a.stop();
});

describe('rate limits', () => {
  it('stop a token from guessing passwords through draft tests, across API processes', async () => {
    const results = [];
    for (let i = 0; i < 10; i += 1) results.push(await (i % 2 === 0 ? a : b).gql(DRAFT, { draft: draft(i) }));
    const accepted = results.filter((result) => !result.errors);
    const limited = results.filter((result) => result.errors?.[0]?.extensions?.code === 'RATE_LIMITED');
    expect(accepted).toHaveLength(5);
    expect(limited).toHaveLength(5);
    for (const result of limited) {
      const extensions = result.errors![0]!.extensions as { retryAfterSeconds?: number };
      expect(extensions.retryAfterSeconds).toBeGreaterThanOrEqual(1);
      expect(extensions.retryAfterSeconds).toBeLessThanOrEqual(60);
      // Refused requests count too: past the tests' limit, the changes' limit is reached as well.
      expect(result.errors![0]!.message).toMatch(/^Too many (connection tests|changes): try again in \d+ s$/);
    }
    // Nothing was queued for a refused request.
    expect(await count(a.pool, 'connection_tests')).toBe(5);

    // A create tests too (with or without verifiedByTestId), so it cannot be used to guess instead.
    const create = await a.gql(CREATE_DATA_SOURCE, { input: dataSourceInput({ verifiedByTestId: null }) });
    expect(create.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    expect(await count(a.pool, 'data_sources')).toBe(0);

    // Another token has a budget of its own.
    const other = await a.gql(DRAFT, { draft: draft(99) }, { token: SECOND_ADMIN });
    expect(other.errors).toBeUndefined();
  });

  it('count every mutation against the token, tests or not', async () => {
    const created = await a.gql<{ createDataSource: { dataSource: { id: string } } }>(
      CREATE_DATA_SOURCE,
      { input: dataSourceInput() },
      { token: SECOND_ADMIN },
    );
    const id = created.data!.createDataSource.dataSource.id;
    // second: one draft test and one create so far; 6 of 8 changes left.
    const outcomes: string[] = [];
    for (let i = 0; i < 8; i += 1) {
      const result = await b.gql(
        UPDATE_DATA_SOURCE,
        { id, input: { remarks: `edit ${i}` } },
        { token: SECOND_ADMIN },
      );
      outcomes.push(result.errors?.[0]?.extensions?.code ?? 'OK');
    }
    expect(outcomes).toEqual(['OK', 'OK', 'OK', 'OK', 'OK', 'OK', 'RATE_LIMITED', 'RATE_LIMITED']);
    // Queries are not limited.
    const read = await a.gql('{ dataSources { totalCount } }', {}, { token: SECOND_ADMIN });
    expect(read.errors).toBeUndefined();
  });

  it('ask both limits of a test at once, yet as if in order: a test the changes limit refused is not counted as a test', async () => {
    const redis = transport() === 'redis' ? new Redis(redisUrl()) : undefined;
    const limits = createRateLimits({
      store: redis
        ? { kind: 'redis', redis, prefix: `order-${randomUUID()}` }
        : { kind: 'postgres', pool: a.pool },
      perMinute: { mutations: 1, tests: 2 },
    });
    const key = `token:order-${randomUUID()}`;
    try {
      await limits.consume(['mutations', 'tests'], key);
      await expect(limits.consume(['mutations', 'tests'], key)).rejects.toThrow(/^Too many changes/);
      // The second test's point was given back, so one test is left.
      await limits.consume(['tests'], key);
      await expect(limits.consume(['tests'], key)).rejects.toThrow(/^Too many connection tests/);
    } finally {
      redis?.disconnect();
    }
  });
});
