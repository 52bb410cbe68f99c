import type { GraphQLFormattedError } from 'graphql';
import type { Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postGraphQL } from '../support/client.js';
import { ADMIN_TOKEN, startHarness, type Harness } from '../support/harness.js';

// In production (NODE_ENV=production) the schema is not for browsing: no "Did you mean …"
// suggestions and no introspection, on HTTP and graphql-ws alike. Development keeps both.

let production: Harness;
let development: Harness;
beforeAll(async () => {
  [production, development] = await Promise.all([
    startHarness({ env: { NODE_ENV: 'production' } }),
    startHarness(),
  ]);
});
afterAll(async () => {
  await Promise.all([production.stop(), development.stop()]);
});

type Errors = GraphQLFormattedError[] | undefined;

async function overHttp(h: Harness, query: string, variables?: Record<string, unknown>): Promise<Errors> {
  const { text } = await postGraphQL(h.url, query, variables, { token: ADMIN_TOKEN });
  return (JSON.parse(text) as { errors?: GraphQLFormattedError[] }).errors;
}

function overWebSocket(client: Client, query: string, variables?: Record<string, unknown>): Promise<Errors> {
  return new Promise((resolve, reject) => {
    let errors: Errors;
    client.subscribe(
      { query, variables },
      {
        next: (value) => {
          errors = value.errors as Errors;
        },
        error: (error) => (Array.isArray(error) ? resolve(error as Errors) : reject(error as Error)),
        complete: () => resolve(errors),
      },
    );
  });
}

const MISTAKES: [string, string, Record<string, unknown>?][] = [
  ['a misspelt field', '{ dataSorces { totalCount } }'],
  ['a misspelt argument', '{ dataSources(frist: 1) { totalCount } }'],
  ['a misspelt input field', '{ dataSources(filter: { serch: "x" }) { totalCount } }'],
  ['a misspelt enum value', '{ dataSources(filter: { heartbeatState: ACTVE }) { totalCount } }'],
  ['a misspelt type', 'query ($f: DataSourceFiltr) { dataSources(filter: $f) { totalCount } }'],
  [
    'a misspelt field in variables',
    'query ($f: DataSourceFilter) { dataSources(filter: $f) { totalCount } }',
    { f: { serch: 'x' } },
  ],
];

describe('suggestions', () => {
  it.each(MISTAKES)(
    'are not given in production: %s, on either transport',
    async (_case, query, variables) => {
      const http = await overHttp(production, query, variables);
      expect(http?.length).toBeGreaterThan(0);
      expect(JSON.stringify(http)).not.toMatch(/Did you mean/i);
      const ws = await overWebSocket(production.wsClient(), query, variables);
      expect(ws).toEqual(http);
    },
  );

  it('still say what is wrong in production, and are given in development', async () => {
    expect((await overHttp(production, '{ dataSorces { totalCount } }'))?.[0]?.message).toBe(
      'Cannot query field "dataSorces" on type "Query".',
    );
    // The mistakes above do draw suggestions where they are allowed.
    for (const [, query, variables] of MISTAKES.slice(0, 3)) {
      expect(JSON.stringify(await overHttp(development, query, variables))).toContain('Did you mean');
    }
  });
});

describe('introspection', () => {
  it.each([
    ['__schema', '{ __schema { types { name } } }'],
    ['__type', '{ __type(name: "DataSource") { fields { name } } }'],
  ])('is refused in production through %s, on either transport', async (_field, query) => {
    const http = await overHttp(production, query);
    expect(http?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(await overWebSocket(production.wsClient(), query)).toEqual(http);
    // …and answered in development.
    expect(await overHttp(development, query)).toBeUndefined();
  });
});
