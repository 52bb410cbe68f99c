import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { count } from '../support/db.js';
import { CREATE_DATA_SOURCE, dataSourceInput } from '../support/factories.js';
import { ADMIN_TOKEN, nextValue, startHarness, VIEWER_TOKEN, type Harness } from '../support/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.stop();
});

async function post(token?: string) {
  const response = await fetch(h.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: token } : {}) },
    body: JSON.stringify({ query: '{ regions }' }),
  });
  return {
    status: response.status,
    body: (await response.json()) as { errors?: { extensions: { code: string } }[] },
  };
}

/** Opens a raw graphql-ws connection and resolves with how the server closed it, or 'acknowledged'. */
function connect(
  params: Record<string, unknown>,
): Promise<{ code: number; reason: string } | 'acknowledged'> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(h.wsUrl, 'graphql-transport-ws');
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: params })));
    socket.on('message', (data) => {
      if ((JSON.parse((data as Buffer).toString('utf8')) as { type: string }).type === 'connection_ack') {
        socket.close();
        resolve('acknowledged');
      }
    });
    socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
    socket.on('error', reject);
  });
}

describe('HTTP', () => {
  it('rejects a request without a token as UNAUTHENTICATED (401)', async () => {
    const { status, body } = await post();
    expect(status).toBe(401);
    expect(body.errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
  });

  it.each([
    ['a wrong token', 'Bearer not-a-real-token-0000000'],
    ['another scheme', 'Basic YWRtaW46YWRtaW4='],
    ['a token without its scheme', VIEWER_TOKEN],
  ])('rejects %s as UNAUTHENTICATED (401)', async (_case, header) => {
    const { status, body } = await post(header);
    expect(status).toBe(401);
    expect(body.errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
  });

  it('lets a viewer query', async () => {
    const query = await h.gql('{ regions dataSources { totalCount } }', {}, { token: VIEWER_TOKEN });
    expect(query.errors).toBeUndefined();
  });

  it('refuses a viewer createDataSource as FORBIDDEN, and writes nothing', async () => {
    const mutation = await h.gql(CREATE_DATA_SOURCE, { input: dataSourceInput() }, { token: VIEWER_TOKEN });
    expect(mutation.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(mutation.data).toBeNull();
    expect(await count(h.pool, 'data_sources')).toBe(0);
  });

  it.each([
    ['deleteDataSource', `mutation { deleteDataSource(id: "0e9c7e55-0000-4000-8000-000000000000") { id } }`],
    [
      'updateDataSource',
      `mutation { updateDataSource(id: "0e9c7e55-0000-4000-8000-000000000000", input: {}) { test { id } } }`,
    ],
    ['testConnection', `mutation { testConnection(input: {}) { id } }`],
  ])('refuses a viewer %s as FORBIDDEN', async (_mutation, forbidden) => {
    const result = await h.gql(forbidden, {}, { token: VIEWER_TOKEN });
    expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('accepts the admin token for mutations', async () => {
    const result = await h.gql(CREATE_DATA_SOURCE, { input: dataSourceInput() });
    expect(result.errors).toBeUndefined();
  });
});

describe('WebSocket (graphql-ws)', () => {
  it.each([
    ['without a token', {}],
    ['with a wrong token', { authorization: 'Bearer wrong-token-000000000000' }],
  ])('closes a connection %s as UNAUTHENTICATED (4401)', async (_case, params) => {
    const closed = await connect(params);
    expect(closed).toMatchObject({ code: 4401 });
    expect(closed !== 'acknowledged' && closed.reason).toMatch(/^UNAUTHENTICATED/);
  });

  it('lets a viewer subscribe', async () => {
    expect(await connect({ authorization: `Bearer ${VIEWER_TOKEN}` })).toBe('acknowledged');
    const events = await h.subscribe<{ dataSourceEvents: { kind: string } }>(
      'subscription { dataSourceEvents { kind } }',
      {},
      { token: VIEWER_TOKEN },
    );
    await h.gql(CREATE_DATA_SOURCE, { input: dataSourceInput() });
    const event = await nextValue(events, 'the CREATED event');
    expect(event.data?.dataSourceEvents.kind).toBe('CREATED');
    await events.return?.();
  });
});

describe('an API without tokens (development)', () => {
  it('is open, and says so loudly at start-up', async () => {
    const open = await startHarness({ env: { API_TOKENS: '' }, token: null });
    try {
      const result = await open.gql(CREATE_DATA_SOURCE, { input: dataSourceInput() });
      expect(result.errors).toBeUndefined();
      expect(open.logs.join('')).toContain('the API is OPEN');
    } finally {
      await open.stop();
    }
  });
});

describe("the console's session cookie", () => {
  const origin = () => new URL(h.url).origin;
  /** Bull Board's status for a request that carries only the cookie. */
  const board = async (url: string, cookie: string) =>
    (await fetch(`${url}/admin/queues`, { headers: { cookie }, redirect: 'manual' })).status;
  /** Signs in as the admin on `url`: the answer's status and the cookie it set. */
  const signIn = async (url: string) => {
    const response = await fetch(`${url}/admin/session`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    return { status: response.status, cookie: response.headers.getSetCookie()[0]!.split(';')[0]! };
  };
  const signOut = (cookie: string) =>
    fetch(`${origin()}/admin/session`, { method: 'DELETE', headers: { cookie, origin: origin() } });

  it('stays signed out on a process started after the sign-out', async () => {
    const first = await signIn(origin());
    expect(first.status).toBe(200);
    const { cookie } = first;
    expect(await board(origin(), cookie)).toBe(200);

    expect((await signOut(cookie)).status).toBe(204);
    expect(await board(origin(), cookie)).toBe(401);
    expect(await count(h.pool, 'session_revocations')).toBe(1);

    // A process of the same deployment started now never heard the sign-out on the event bus.
    const later = await startHarness({ sharedWith: h, role: 'api' });
    try {
      const laterOrigin = new URL(later.url).origin;
      expect(await board(laterOrigin, cookie)).toBe(401);
      // The bearer token itself still opens it, and a new session does too.
      expect(await board(laterOrigin, (await signIn(laterOrigin)).cookie)).toBe(200);
    } finally {
      await later.stop();
    }
  });

  it('says so (503) when the metadata store cannot keep a sign-out, and still ends the session here', async () => {
    const { cookie } = await signIn(origin());
    await h.pool.query('ALTER TABLE session_revocations RENAME TO session_revocations_away');
    try {
      const refused = await signOut(cookie);
      expect(refused.status).toBe(503);
      expect(((await refused.json()) as { code: string }).code).toBe('UNAVAILABLE');
      expect(refused.headers.getSetCookie()[0]).toMatch(/Max-Age=0/);
      expect(await board(origin(), cookie)).toBe(401);
    } finally {
      await h.pool.query('ALTER TABLE session_revocations_away RENAME TO session_revocations');
    }
  });
});
