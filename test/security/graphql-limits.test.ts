import { getIntrospectionQuery, type GraphQLFormattedError } from 'graphql';
import type { Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postGraphQL } from '../support/client.js';
import { pgPort } from '../support/env.js';
import { DATA_SOURCE_FIELDS } from '../support/factories.js';
import { startHarness, VIEWER_TOKEN, type Harness } from '../support/harness.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';

// Operation limits (PRODUCT.md §6, QUERY_TOO_COMPLEX): aliases, depth, tokens and a cost that counts
// list sizes, enforced alike on HTTP and graphql-ws, before any resolver runs.

let h: Harness;
let proxy: TcpProxy;
beforeAll(async () => {
  proxy = await startTcpProxy(pgPort());
  h = await startHarness({ databasePort: proxy.port });
});
afterAll(async () => {
  await h.stop();
  await proxy.close();
});

interface Outcome {
  status?: number;
  body: { data?: unknown; errors?: GraphQLFormattedError[] };
}

async function overHttp(
  query: string,
  variables?: Record<string, unknown>,
  token?: string,
): Promise<Outcome> {
  const { status, text } = await postGraphQL(h.url, query, variables, { token: token ?? VIEWER_TOKEN });
  return { status, body: JSON.parse(text) as Outcome['body'] };
}

/** One operation over graphql-ws: its result, or the errors of an `error` message. */
function overWebSocket(client: Client, query: string, variables?: Record<string, unknown>): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    let body: Outcome['body'] = {};
    client.subscribe(
      { query, variables },
      {
        next: (value) => {
          body = value as Outcome['body'];
        },
        error: (error) =>
          Array.isArray(error) ? resolve({ body: { errors: error } }) : reject(error as Error),
        complete: () => resolve({ body }),
      },
    );
  });
}

const limitOf = (outcome: Outcome) => outcome.body.errors?.[0]?.extensions?.limit;
const codeOf = (outcome: Outcome) => outcome.body.errors?.[0]?.extensions?.code;

// The abuse from issue #9: 500 aliases, each a list of 100 data sources with 100 tests each.
const FIVE_HUNDRED_ALIASES = `{ ${Array.from(
  { length: 500 },
  (_, i) =>
    `a${i}: dataSources(first: 100) { edges { node { tests(first: 100) { edges { node { id } } } } } }`,
).join(' ')} }`;

describe('the 500-alias query of issue #9', () => {
  it('is refused from a viewer token with QUERY_TOO_COMPLEX before any resolver runs, on both transports', async () => {
    // With the metadata store unreachable, any resolver that ran would answer SERVICE_UNAVAILABLE.
    await proxy.cut();
    try {
      const http = await overHttp(FIVE_HUNDRED_ALIASES);
      expect(http.status).toBe(400);
      expect('data' in http.body).toBe(false);
      expect(http.body.errors).toHaveLength(1);
      expect(codeOf(http)).toBe('QUERY_TOO_COMPLEX');
      expect(limitOf(http)).toEqual({ name: 'tokens', max: 2000 });

      const ws = await overWebSocket(h.wsClient({ token: VIEWER_TOKEN }), FIVE_HUNDRED_ALIASES);
      expect(ws.body.errors).toEqual(http.body.errors);
    } finally {
      await proxy.restore();
    }
  });
});

describe('each limit', () => {
  const aliases = `{ ${Array.from({ length: 16 }, (_, i) => `r${i}: regions`).join(' ')} }`;
  const fifteenAliases = `{ ${Array.from({ length: 15 }, (_, i) => `r${i}: regions`).join(' ')} }`;
  // Eleven levels: every inline fragment counts as one.
  const deep = `{ ${'... on Query { '.repeat(10)} regions ${'} '.repeat(10)} }`;
  const tokens = `{ ${'__typename '.repeat(2000)} }`;
  // 100 data sources × 100 tests: a cost of 30,301 against a limit of 10,000.
  const cost =
    '{ dataSources(first: 100) { edges { node { tests(first: 100) { edges { node { id } } } } } } }';

  it.each([
    ['aliases', aliases, { name: 'aliases', max: 15 }],
    ['depth', deep, { name: 'depth', max: 10 }],
    ['tokens', tokens, { name: 'tokens', max: 2000 }],
    ['cost', cost, { name: 'cost', max: 10000 }],
  ])(
    '%s: refused over HTTP and WebSocket with the same error, naming the limit',
    async (_name, query, limit) => {
      const http = await overHttp(query);
      expect(http.status).toBe(400);
      expect('data' in http.body).toBe(false);
      expect(codeOf(http)).toBe('QUERY_TOO_COMPLEX');
      expect(limitOf(http)).toEqual(limit);
      expect(http.body.errors?.[0]?.message).toMatch(/limit/);

      const ws = await overWebSocket(h.wsClient(), query);
      expect(ws.body.errors).toEqual(http.body.errors);
    },
  );

  it('counts `first` from variables, and its default when omitted', async () => {
    const tests = 'tests(first: 100) { edges { node { id status checks { name } } } }';
    // Omitted, `first` is 20: 20 × (100 tests × 6) is over 10,000; 10 data sources are not.
    const omitted = await overHttp(`{ dataSources { edges { node { ${tests} } } } }`);
    expect(limitOf(omitted)).toEqual({ name: 'cost', max: 10000 });
    const ten = await overHttp(`{ dataSources(first: 10) { edges { node { ${tests} } } } }`);
    expect(ten.body.errors).toBeUndefined();
    expect(ten.body.data).toEqual({ dataSources: { edges: [] } });

    const fromVariable = await overHttp(
      `query ($n: Int) { dataSources(first: $n) { edges { node { ${tests} } } } }`,
      { n: 100 },
    );
    expect(limitOf(fromVariable)).toEqual({ name: 'cost', max: 10000 });
  });

  it('refuses a deep query and 16 aliases, while 15 aliases, introspection and a console list pass', async () => {
    expect(codeOf(await overHttp(deep))).toBe('QUERY_TOO_COMPLEX');
    expect(codeOf(await overHttp(aliases))).toBe('QUERY_TOO_COMPLEX');
    const atTheLimit = await overHttp(fifteenAliases);
    expect(atTheLimit.body.errors).toBeUndefined();
    expect(Object.keys(atTheLimit.body.data as object)).toHaveLength(15);

    const introspection = await overHttp(getIntrospectionQuery());
    expect(introspection.body.errors).toBeUndefined();
    expect(
      (introspection.body.data as { __schema: { types: unknown[] } }).__schema.types.length,
    ).toBeGreaterThan(10);
    const overSocket = await overWebSocket(h.wsClient(), getIntrospectionQuery());
    expect(overSocket.body.errors).toBeUndefined();

    const list = await overHttp(
      `{ dataSources(first: 100) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { ${DATA_SOURCE_FIELDS} } } } }`,
    );
    expect(list.body.errors).toBeUndefined();
  });
});
