import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count } from '../support/db.js';
import { CREATE_DATA_SOURCE, dataSourceInput } from '../support/factories.js';
import { postGraphQL } from '../support/client.js';
import { ADMIN_TOKEN, startHarness, type Harness } from '../support/harness.js';
import { pgPort } from '../support/env.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';

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

describe('an unexpected error', () => {
  it('is masked as INTERNAL_SERVER_ERROR with a request id that is also in the log line', async () => {
    await h.pool.query('ALTER TABLE connection_tests RENAME TO connection_tests_moved');
    try {
      const result = await h.gql(`{ connectionTest(id: "0e9c7e55-0000-4000-8000-000000000000") { id } }`);
      const error = result.errors?.[0];
      expect(error?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
      const requestId = error?.extensions?.requestId;
      expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
      expect(error?.message).toBe(`Internal server error (request id ${requestId})`);
      expect(JSON.stringify(result)).not.toMatch(/connection_tests|relation|stack|at /);
      const logged = h.logs
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .find((line) => line.requestId === requestId);
      expect(logged).toMatchObject({ level: 50, msg: 'unexpected error' });
      expect(JSON.stringify(logged)).toContain('connection_tests');
    } finally {
      await h.pool.query('ALTER TABLE connection_tests_moved RENAME TO connection_tests');
    }
  });

  it('honours a client-sent X-Request-Id', async () => {
    const { headers } = await postGraphQL(h.url, '{ regions }', undefined, {
      token: ADMIN_TOKEN,
      headers: { 'x-request-id': 'req-42' },
    });
    expect(headers.get('x-request-id')).toBe('req-42');
  });
});

describe('the metadata store down', () => {
  it('fails requests with SERVICE_UNAVAILABLE, reports not ready, and recovers by itself', async () => {
    await proxy.cut();
    try {
      const created = await h.gql(CREATE_DATA_SOURCE, {
        input: dataSourceInput({ identifier: 'during-outage' }),
      });
      expect(created.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
      expect(created.data).toBeNull();
      const listed = await h.gql('{ dataSources { totalCount } }');
      expect(listed.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
      const ready = await fetch(h.url.replace('/graphql', '/readyz'));
      expect(ready.status).toBe(503);
      const alive = await fetch(h.url.replace('/graphql', '/healthz'));
      expect(alive.status).toBe(200);
    } finally {
      await proxy.restore();
    }
    expect(await count(h.pool, "data_sources WHERE identifier = 'during-outage'")).toBe(0);
    const after = await h.gql(CREATE_DATA_SOURCE, { input: dataSourceInput({ identifier: 'after-outage' }) });
    expect(after.errors).toBeUndefined();
    // Without Redis the event listener reconnects to the store too, and the process is ready once it has.
    await expect
      .poll(async () => (await fetch(h.url.replace('/graphql', '/readyz'))).status, { timeout: 10_000 })
      .toBe(200);
  });
});
