import { createClient, type Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { count } from '../support/db.js';
import { CREATE_DATA_SOURCE, dataSourceInput } from '../support/factories.js';
import { ADMIN_TOKEN, startHarness, VIEWER_TOKEN, type Harness } from '../support/harness.js';

// Who may open a WebSocket, how many, and what one socket may do (PRODUCT.md §5, issue #9 §3).

type Message = { type: string; id?: string; payload?: unknown };

interface Opened {
  kind: 'open';
  socket: WebSocket;
  /** The next message from the server that matches, already received or still to come. */
  next(match: (message: Message) => boolean): Promise<Message>;
  closed: Promise<{ code: number; reason: string }>;
  send(message: Message): void;
}
interface Refused {
  kind: 'refused';
  status: number;
  body: string;
}

/** A raw graphql-transport-ws socket, so that a test sees exactly what the server sends and when it closes. */
function open(url: string, headers: { origin?: string } = {}): Promise<Opened | Refused> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(
      url,
      'graphql-transport-ws',
      headers.origin ? { origin: headers.origin } : {},
    );
    const received: Message[] = [];
    const waiters = new Set<() => void>();
    const closed = new Promise<{ code: number; reason: string }>((done) =>
      socket.on('close', (code, reason) => done({ code, reason: reason.toString() })),
    );
    socket.on('message', (data: Buffer) => {
      received.push(JSON.parse(data.toString('utf8')) as Message);
      for (const wake of waiters) wake();
    });
    socket.on('unexpected-response', (request, response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => {
        resolve({ kind: 'refused', status: response.statusCode ?? 0, body });
        request.destroy();
      });
    });
    socket.on('error', (error) => reject(error));
    socket.on('open', () =>
      resolve({
        kind: 'open',
        socket,
        closed,
        send: (message) => socket.send(JSON.stringify(message)),
        next: (match) =>
          new Promise((found, failed) => {
            const check = () => {
              const message = received.find(match);
              if (message) {
                waiters.delete(check);
                found(message);
              }
            };
            waiters.add(check);
            void closed.then(({ code, reason }) => failed(new Error(`closed ${code} ${reason}`)));
            check();
          }),
      }),
    );
  });
}

async function opened(url: string, headers?: { origin?: string }): Promise<Opened> {
  const result = await open(url, headers);
  if (result.kind !== 'open') throw new Error(`refused with ${result.status}: ${result.body}`);
  return result;
}

/** connection_init with a token: 'acknowledged', or how the server closed the socket. */
async function init(
  session: Opened,
  token?: string,
): Promise<'acknowledged' | { code: number; reason: string }> {
  session.send({ type: 'connection_init', payload: token ? { authorization: `Bearer ${token}` } : {} });
  return Promise.race([
    session.next((m) => m.type === 'connection_ack').then(() => 'acknowledged' as const),
    session.closed,
  ]);
}

/** A graphql-ws client whose sockets send this Origin header, as a browser on that origin would. */
function browserClient(url: string, origin: string, clients: Client[]): Client {
  class BrowserSocket extends WebSocket {
    constructor(address: string, protocols?: string | string[]) {
      super(address, protocols, { origin });
    }
  }
  const client = createClient({ url, webSocketImpl: BrowserSocket, retryAttempts: 0 });
  clients.push(client);
  return client;
}

function run(client: Client, query: string, variables?: Record<string, unknown>) {
  return new Promise<{ data?: unknown; errors?: unknown }>((resolve, reject) => {
    let result = {};
    client.subscribe(
      { query, variables },
      {
        next: (value) => void (result = value),
        error: (error) => reject(error instanceof Error ? error : new Error(JSON.stringify(error))),
        complete: () => resolve(result),
      },
    );
  });
}

describe('the Origin of a WebSocket', () => {
  let h: Harness;
  const clients: Client[] = [];
  beforeAll(async () => {
    // The open development mode: no tokens, so the Origin check is all that stands between a web
    // page the developer visits and the local instance.
    h = await startHarness({ env: { API_TOKENS: '', ALLOWED_ORIGINS: 'https://console.example.com' } });
  });
  afterAll(async () => {
    for (const client of clients) await client.dispose();
    await h.stop();
  });

  it('refuses another site at the upgrade (403) and admits no Origin, its own origin and ALLOWED_ORIGINS', async () => {
    const before = await count(h.pool, 'data_sources');
    for (const origin of [
      'https://evil.example',
      'null',
      `http://127.0.0.1.evil.example:${new URL(h.url).port}`,
    ]) {
      const refused = await open(h.wsUrl, { origin });
      expect(refused).toMatchObject({ kind: 'refused', status: 403 });
      expect(JSON.parse((refused as Refused).body)).toMatchObject({
        errors: [{ extensions: { code: 'FORBIDDEN' } }],
      });
    }
    await expect(
      run(browserClient(h.wsUrl, 'https://evil.example', clients), CREATE_DATA_SOURCE, {
        input: dataSourceInput({ identifier: 'from-evil' }),
      }),
    ).rejects.toThrow();
    expect(await count(h.pool, 'data_sources')).toBe(before);

    // A non-browser client sends no Origin.
    const tool = await opened(h.wsUrl);
    expect(await init(tool)).toBe('acknowledged');
    tool.socket.close();
    // A console served by this service, and one configured in ALLOWED_ORIGINS.
    const own = `http://${new URL(h.url).host}`;
    for (const [origin, identifier] of [
      [own, 'from-own-origin'],
      ['https://console.example.com', 'from-allowed-origin'],
    ] as const) {
      const created = await run(browserClient(h.wsUrl, origin, clients), CREATE_DATA_SOURCE, {
        input: dataSourceInput({ identifier }),
      });
      expect(created.errors).toBeUndefined();
    }
    expect(await count(h.pool, 'data_sources')).toBe(before + 2);
  });
});

describe('limits on sockets and subscriptions', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { WS_MAX_SOCKETS_PER_TOKEN: '2', WS_MAX_SUBSCRIPTIONS_PER_SOCKET: '1' } });
  });
  afterAll(async () => {
    await h.stop();
  });

  it('closes a token’s socket over its cap with 4429 and a reason, counts tokens apart, and frees a closed socket’s place', async () => {
    const first = await opened(h.wsUrl);
    const second = await opened(h.wsUrl);
    const third = await opened(h.wsUrl);
    const viewer = await opened(h.wsUrl);
    try {
      expect(await init(first, ADMIN_TOKEN)).toBe('acknowledged');
      expect(await init(second, ADMIN_TOKEN)).toBe('acknowledged');
      expect(await init(third, ADMIN_TOKEN)).toEqual({
        code: 4429,
        reason: 'RATE_LIMITED: too many WebSockets for this token (limit 2)',
      });
      expect(await init(viewer, VIEWER_TOKEN)).toBe('acknowledged');

      first.socket.close();
      await first.closed;
      // The server has seen the close before it sees the next socket's upgrade and connection_init.
      const again = await opened(h.wsUrl);
      expect(await init(again, ADMIN_TOKEN)).toBe('acknowledged');
      again.socket.close();
    } finally {
      for (const session of [first, second, third, viewer]) session.socket.close();
    }
  });

  it('answers a subscription over the per-socket cap with an error for its id, and keeps the socket', async () => {
    const session = await opened(h.wsUrl);
    try {
      expect(await init(session, VIEWER_TOKEN)).toBe('acknowledged');
      session.send({
        id: 'live',
        type: 'subscribe',
        payload: { query: 'subscription { dataSourceEvents { kind } }' },
      });
      session.send({ id: 'extra', type: 'subscribe', payload: { query: '{ regions }' } });
      const refused = await session.next((m) => m.id === 'extra');
      expect(refused).toEqual({
        id: 'extra',
        type: 'error',
        payload: [
          {
            message: 'Too many operations on this WebSocket: the limit is 1',
            extensions: { code: 'RATE_LIMITED', limit: { name: 'subscriptionsPerSocket', max: 1 } },
          },
        ],
      });
      session.send({ id: 'live', type: 'complete' });
      session.send({ id: 'after', type: 'subscribe', payload: { query: '{ regions }' } });
      expect(await session.next((m) => m.id === 'after')).toEqual({
        id: 'after',
        type: 'next',
        payload: { data: { regions: [] } },
      });
    } finally {
      session.socket.close();
    }
  });

  it('accepts a subscription id of 128 safe characters, and closes the socket with 4400 on any other', async () => {
    const accepted = await opened(h.wsUrl);
    try {
      expect(await init(accepted, VIEWER_TOKEN)).toBe('acknowledged');
      const id = `${'a1-_.:'.repeat(21)}ab`;
      accepted.send({ id, type: 'subscribe', payload: { query: '{ regions }' } });
      expect(await accepted.next((m) => m.id === id)).toMatchObject({ type: 'next' });
    } finally {
      accepted.socket.close();
    }
    for (const id of ['k'.repeat(129), 'id <script>']) {
      const session = await opened(h.wsUrl);
      expect(await init(session, VIEWER_TOKEN)).toBe('acknowledged');
      session.send({ id, type: 'subscribe', payload: { query: '{ regions }' } });
      expect(await session.closed).toEqual({ code: 4400, reason: 'Invalid subscription id' });
    }
  });

  it('closes the socket with 1009 on a message over 64 KiB', async () => {
    const session = await opened(h.wsUrl);
    expect(await init(session, VIEWER_TOKEN)).toBe('acknowledged');
    // A valid operation: only its size is wrong.
    const query = `{ regions } # ${'x'.repeat(64 * 1024)}`;
    session.send({ id: 'big', type: 'subscribe', payload: { query } });
    expect((await session.closed).code).toBe(1009);
  });
});

describe('the cap on sockets in total', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { WS_MAX_SOCKETS: '2' } });
  });
  afterAll(async () => {
    await h.stop();
  });

  it('refuses the upgrade over it with 503', async () => {
    const sessions = [await opened(h.wsUrl), await opened(h.wsUrl)];
    try {
      const refused = await open(h.wsUrl);
      expect(refused).toMatchObject({ kind: 'refused', status: 503 });
      expect(JSON.parse((refused as Refused).body)).toMatchObject({
        errors: [{ extensions: { code: 'SERVICE_UNAVAILABLE' } }],
      });
    } finally {
      for (const session of sessions) session.socket.close();
    }
  });
});
