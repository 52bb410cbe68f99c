import {
  getOperationAST,
  getVariableValues,
  GraphQLError,
  parse,
  validate,
  type GraphQLFormattedError,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count } from '../support/db.js';
import { formatError } from '../../src/api/errors.js';
import { buildApiSchema } from '../../src/api/schema.js';
import { CANARY_PASSWORD } from '../support/env.js';
import { CREATE_DATA_SOURCE, dataSourceInput } from '../support/factories.js';
import { ADMIN_TOKEN, assertNoCanary, startHarness, type Harness } from '../support/harness.js';

// No error, on either transport, echoes an input value: the canary password rides inside every
// malformed input below and must come back in no response, no WebSocket message and no log line.

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.stop();
});

interface Body {
  data?: unknown;
  errors?: GraphQLFormattedError[];
}

/** Sends a raw body; returns the status, the text as received, and the JSON when it is JSON. */
async function post(body: string) {
  const response = await fetch(h.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
    body,
  });
  const text = await response.text();
  return {
    status: response.status,
    type: response.headers.get('content-type') ?? '',
    text,
    json: (): Body => JSON.parse(text) as Body,
  };
}

/** One operation over graphql-ws; resolves with every message the server sent for it, as text. */
function overWebSocket(query: string, variables?: Record<string, unknown>) {
  const messages: string[] = [];
  const client = h.wsClient();
  const done = new Promise<Body>((resolve, reject) => {
    let body: Body = {};
    client.subscribe(
      { query, variables },
      {
        next: (value) => {
          body = value as Body;
        },
        error: (error) => (Array.isArray(error) ? resolve({ errors: error }) : reject(error as Error)),
        complete: () => resolve(body),
      },
    );
  });
  client.on('message', (message) => void messages.push(JSON.stringify(message)));
  return done.then((body) => ({ body, messages }));
}

const fieldsOf = (body: Body) =>
  ((body.errors?.[0]?.extensions?.fields ?? []) as { field: string; message: string }[]).map((f) => f.field);

const LITERAL = (fields: string) => /* GraphQL */ `
  mutation {
    createDataSource(input: { identifier: "literal-ds", host: "db.example", username: "u",
      databaseName: "d", ${fields} }) { dataSource { id } }
  }
`;

describe.each([
  [
    'a wrong-typed sibling of the password in variables',
    { input: dataSourceInput({ port: 'not-a-port' }) },
    ['input.port'],
  ],
  [
    'a password that is no string',
    { input: dataSourceInput({ password: [CANARY_PASSWORD] }) },
    ['input.password'],
  ],
  [
    'an unknown field next to the password',
    { input: { ...dataSourceInput(), pasword: CANARY_PASSWORD } },
    ['input.pasword'],
  ],
  [
    'a missing required field next to the password',
    { input: { ...dataSourceInput(), host: undefined } },
    ['input.host'],
  ],
  [
    'a password of the wrong type nested in a test draft',
    {
      input: { draft: { host: 'h', username: 'u', databaseName: 'd', password: { value: CANARY_PASSWORD } } },
    },
    ['input.draft.password'],
  ],
])('variables: %s', (_case, variables, fields) => {
  const query = fields[0]?.startsWith('input.draft')
    ? 'mutation ($input: TestConnectionInput!) { testConnection(input: $input) { id } }'
    : CREATE_DATA_SOURCE;

  it('are refused with BAD_USER_INPUT naming the path and type, not the value, on both transports', async () => {
    const http = await post(JSON.stringify({ query, variables }));
    expect(http.status).toBe(400);
    expect(http.text).not.toContain(CANARY_PASSWORD);
    expect(http.text).not.toContain('not-a-port');
    const body = http.json();
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(fieldsOf(body)).toEqual(fields);
    expect(body.errors?.[0]?.message).toContain(fields[0]);

    const ws = await overWebSocket(query, variables);
    expect(ws.body.errors).toEqual(body.errors);
    assertNoCanary(ws.messages);
    assertNoCanary(h.logs);
  });
});

describe.each([
  [
    'a string where an Int is expected',
    `password: "${CANARY_PASSWORD}", port: "${CANARY_PASSWORD}"`,
    'input.port',
    'Int',
  ],
  [
    'a string where an enum is expected',
    `password: "x", sslMode: "${CANARY_PASSWORD}"`,
    'input.sslMode',
    'SslMode',
  ],
  [
    'a number where the password is expected',
    `password: 4242424242, remarks: "${CANARY_PASSWORD}"`,
    'input.password',
    'String!',
  ],
])('an inline literal: %s', (_case, fields, field, type) => {
  it('is refused naming the argument path and the expected type, not the value', async () => {
    const http = await post(JSON.stringify({ query: LITERAL(fields) }));
    expect(http.status).toBe(400);
    expect(http.text).not.toContain(CANARY_PASSWORD);
    expect(http.text).not.toContain('4242424242');
    const body = http.json();
    expect(body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(body.errors?.[0]?.message).toContain(field);
    expect(body.errors?.[0]?.message).toContain(type);
    expect(fieldsOf(body)).toEqual([field]);

    const ws = await overWebSocket(LITERAL(fields));
    expect(ws.body.errors).toEqual(body.errors);
    assertNoCanary(ws.messages);
  });
});

describe('a syntax error next to a string', () => {
  it('names the position and the kind of token, not its text', async () => {
    const query = `{ regions "${CANARY_PASSWORD}" }`;
    const http = await post(JSON.stringify({ query }));
    expect(http.status).toBe(400);
    expect(http.text).not.toContain(CANARY_PASSWORD);
    const body = http.json();
    expect(body.errors?.[0]).toMatchObject({
      message: 'Syntax Error: Expected Name, found String.',
      locations: [{ line: 1, column: 11 }],
      extensions: { code: 'GRAPHQL_PARSE_FAILED' },
    });

    const ws = await overWebSocket(query);
    expect(ws.body.errors).toEqual(body.errors);
    assertNoCanary(ws.messages);
  });
});

describe('a request body that is not JSON', () => {
  it('gets a JSON 400 that quotes nothing of the body, and nothing reaches the log', async () => {
    const before = await count(h.pool, 'data_sources');
    // JSON.parse's own message would quote the text around the error: "password":canary-Pa5…
    const http = await post(
      `{"query":${JSON.stringify(CREATE_DATA_SOURCE)},"variables":{"input":{"password":${CANARY_PASSWORD}}}}`,
    );
    expect(http.status).toBe(400);
    expect(http.type).toMatch(/^application\/json/);
    expect(http.json()).toEqual({
      errors: [{ message: 'The request body is not valid JSON', extensions: { code: 'BAD_REQUEST' } }],
    });
    for (const text of [http.text, ...h.logs]) expect(text).not.toContain(CANARY_PASSWORD.slice(0, 8));
    expect(await count(h.pool, 'data_sources')).toBe(before);
  });
});

describe('the net in formatError, should a graphql-js message ever get past the guard', () => {
  it('rewrites the value-quoting ones and keeps the others', async () => {
    const schema = await buildApiSchema();
    const document = parse(`${CREATE_DATA_SOURCE} query Unused($never: Int) { regions }`);
    const create = getOperationAST(document, 'Create');
    const { errors = [] } = getVariableValues(schema, create?.variableDefinitions ?? [], {
      input: { ...dataSourceInput(), pasword: CANARY_PASSWORD },
    });
    // As Apollo wraps execution's variable coercion errors (UserInputError).
    const coercion = new GraphQLError(errors[0]?.message ?? '', {
      nodes: errors[0]?.nodes,
      extensions: { code: 'BAD_USER_INPUT' },
    });
    expect(coercion.message).toContain(CANARY_PASSWORD);
    expect(formatError(coercion.toJSON(), coercion).message).toBe(
      'Variable "$input" has a value of the wrong type',
    );

    const syntax = new GraphQLError(`Syntax Error: Expected Name, found String "${CANARY_PASSWORD}".`, {
      extensions: { code: 'GRAPHQL_PARSE_FAILED' },
    });
    expect(formatError(syntax.toJSON(), syntax).message).toBe('Syntax Error: Expected Name, found String.');

    const [unused] = validate(schema, document).map(
      (error) =>
        new GraphQLError(error.message, {
          nodes: error.nodes,
          extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
        }),
    );
    expect(formatError(unused!.toJSON(), unused).message).toBe(
      'Variable "$never" is never used in operation "Unused".',
    );
  });
});
