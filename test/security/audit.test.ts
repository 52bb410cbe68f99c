import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postGraphQL } from '../support/client.js';
import { count } from '../support/db.js';
import { CREATE_DATA_SOURCE, dataSourceInput, UPDATE_DATA_SOURCE } from '../support/factories.js';
import { startHarness, VIEWER_TOKEN, type Harness } from '../support/harness.js';
import { CANARY_PASSWORD } from '../support/env.js';

// The audit trail (PRODUCT.md §5): who did what, written with the change, read by admins.

const ALICE = 'alice-token-0123456789abcdef';
const BOB = 'bob-token-0123456789abcdef01';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    env: { API_TOKENS: `alice:admin:${ALICE},bob:admin:${BOB},viewer:${VIEWER_TOKEN}` },
    token: ALICE,
  });
});
afterAll(async () => {
  await h.stop();
});

interface AuditEventData {
  id: string;
  at: string;
  actor: string;
  action: string;
  dataSourceId: string | null;
  testId: string | null;
  changedFields: string[];
  requestId: string;
  clientAddress: string;
}

const AUDIT = /* GraphQL */ `
  query ($filter: AuditEventFilter, $first: Int, $after: String) {
    auditEvents(filter: $filter, first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          id
          at
          actor
          action
          dataSourceId
          testId
          changedFields
          requestId
          clientAddress
        }
      }
    }
  }
`;

async function audit(filter: Record<string, unknown> = {}, first = 50, after?: string) {
  const result = await h.gql<{
    auditEvents: {
      totalCount: number;
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
      edges: { node: AuditEventData }[];
    };
  }>(AUDIT, { filter, first, after });
  if (!result.data) throw new Error(JSON.stringify(result.errors));
  return result.data.auditEvents;
}

/** A mutation sent with its own request id, so that the trail can be matched to it. */
async function mutate(token: string, requestId: string, query: string, variables: Record<string, unknown>) {
  const { body } = await postGraphQL(h.url, query, variables, {
    token,
    headers: { 'x-request-id': requestId },
  });
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data!;
}

describe('auditEvents', () => {
  it("records each mutation and test request with its actor, the changed fields' names and the request", async () => {
    const created = (await mutate(ALICE, 'req-audit-create', CREATE_DATA_SOURCE, {
      input: dataSourceInput({ remarks: 'first' }),
    })) as { createDataSource: { dataSource: { id: string }; test: { id: string } } };
    const id = created.createDataSource.dataSource.id;
    const updated = (await mutate(BOB, 'req-audit-update', UPDATE_DATA_SOURCE, {
      id,
      input: { remarks: 'second', host: 'moved.example', password: `${CANARY_PASSWORD}-2` },
    })) as { updateDataSource: { test: { id: string } } };
    await mutate(
      ALICE,
      'req-audit-test',
      `mutation ($id: ID!) { testConnection(input: { dataSourceId: $id }) { id } }`,
      {
        id,
      },
    );
    await mutate(BOB, 'req-audit-delete', `mutation ($id: ID!) { deleteDataSource(id: $id) { id } }`, { id });

    const trail = await audit({ dataSourceId: id });
    expect(trail.totalCount).toBe(4);
    const events = trail.edges.map((edge) => edge.node);
    // Newest first; the record of the deletion outlives the data source.
    expect(events.map((e) => [e.actor, e.action, e.requestId])).toEqual([
      ['bob', 'DELETE_DATA_SOURCE', 'req-audit-delete'],
      ['alice', 'TEST_CONNECTION', 'req-audit-test'],
      ['bob', 'UPDATE_DATA_SOURCE', 'req-audit-update'],
      ['alice', 'CREATE_DATA_SOURCE', 'req-audit-create'],
    ]);
    expect(events[2]).toMatchObject({
      testId: updated.updateDataSource.test.id,
      changedFields: expect.arrayContaining(['remarks', 'host', 'password']) as unknown,
    });
    expect(events[2]!.changedFields).toHaveLength(3);
    expect(events[3]).toMatchObject({ testId: created.createDataSource.test.id });
    expect(events[3]!.changedFields).toEqual(
      expect.arrayContaining(['identifier', 'host', 'username', 'password', 'databaseName', 'remarks']),
    );
    for (const event of events) {
      expect(event.dataSourceId).toBe(id);
      expect(event.clientAddress).toMatch(/^(::ffff:)?127\.0\.0\.1$/);
    }
    // Names, never values: the password is nowhere in the trail's table.
    const stored = await h.pool.query('SELECT * FROM audit_events');
    expect(JSON.stringify(stored.rows)).not.toContain(CANARY_PASSWORD);
    // One info line per mutation, with the same facts.
    const lines = h.logs
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((l) => l.msg === 'audit');
    expect(lines.find((l) => l.requestId === 'req-audit-update')).toMatchObject({
      level: 30,
      actor: 'bob',
      action: 'UPDATE_DATA_SOURCE',
      dataSourceId: id,
    });
  });

  it('records draft tests and queue operations, and filters by actor, action and time, a page at a time', async () => {
    const since = new Date().toISOString();
    await mutate(
      BOB,
      'req-draft',
      `mutation ($d: ConnectionDraftInput!) { testConnection(input: { draft: $d }) { id } }`,
      {
        d: { host: 'draft.example', username: 'u', password: CANARY_PASSWORD, databaseName: 'd' },
      },
    );
    await mutate(BOB, 'req-pause', `mutation { pauseQueue(queue: "heartbeat") { paused } }`, {});
    await mutate(BOB, 'req-resume', `mutation { resumeQueue(queue: "heartbeat") { paused } }`, {});

    const bobs = await audit({ actor: 'bob', from: since });
    expect(bobs.edges.map((e) => [e.node.action, e.node.changedFields])).toEqual([
      ['RESUME_QUEUE', ['queue:heartbeat']],
      ['PAUSE_QUEUE', ['queue:heartbeat']],
      ['TEST_CONNECTION', []],
    ]);
    expect(bobs.edges[2]!.node).toMatchObject({ dataSourceId: null, testId: expect.any(String) as unknown });

    const pauses = await audit({ action: 'PAUSE_QUEUE' });
    expect(pauses.edges.map((e) => e.node.requestId)).toEqual(['req-pause']);
    expect((await audit({ to: since })).edges.every((e) => e.node.at <= since)).toBe(true);
    expect((await audit({ actor: 'nobody' })).totalCount).toBe(0);
    expect((await audit({ dataSourceId: 'not-a-uuid' })).totalCount).toBe(0);

    const all = await audit();
    const firstPage = await audit({}, 2);
    const secondPage = await audit({}, 2, firstPage.pageInfo.endCursor!);
    expect([...firstPage.edges, ...secondPage.edges].map((e) => e.node.id)).toEqual(
      all.edges.slice(0, 4).map((e) => e.node.id),
    );
  });

  it('is for admins only', async () => {
    const result = await h.gql(AUDIT, {}, { token: VIEWER_TOKEN });
    expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('is written in the transaction of the change: no record, no change', async () => {
    await h.pool.query('ALTER TABLE audit_events RENAME TO audit_events_away');
    try {
      const result = await h.gql(CREATE_DATA_SOURCE, {
        input: dataSourceInput({ identifier: 'unrecorded' }),
      });
      expect(result.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    } finally {
      await h.pool.query('ALTER TABLE audit_events_away RENAME TO audit_events');
    }
    expect(await count(h.pool, "data_sources WHERE identifier = 'unrecorded'")).toBe(0);
    expect(
      await count(
        h.pool,
        'connection_tests WHERE data_source_id IS NOT NULL AND data_source_id NOT IN (SELECT id FROM data_sources)',
      ),
    ).toBe(0);
  });
});
