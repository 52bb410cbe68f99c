import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CANARY_PASSWORD } from '../support/env.js';
import { CREATE_DATA_SOURCE, dataSourceInput, UPDATE_DATA_SOURCE } from '../support/factories.js';
import { nextValue, startHarness, type Harness } from '../support/harness.js';

interface EventData {
  dataSourceEvents: {
    kind: string;
    dataSourceId: string;
    at: string;
    dataSource: {
      id: string;
      identifier: string;
      version: number;
      createdAt: string;
      hasPassword: boolean;
    } | null;
  };
}

const SUBSCRIBE = /* GraphQL */ `
  subscription ($id: ID) {
    dataSourceEvents(id: $id) {
      kind
      dataSourceId
      at
      dataSource {
        id
        identifier
        version
        createdAt
        hasPassword
      }
    }
  }
`;

// Two service instances on one metadata store and one transport, as two processes would be.
let a: Harness;
let b: Harness;
beforeAll(async () => {
  a = await startHarness();
  b = await startHarness({ sharedWith: a });
});
afterAll(async () => {
  await b.stop();
  await a.stop();
});

describe('dataSourceEvents', () => {
  it('reaches a subscriber on one instance when the data source is created through another', async () => {
    const events = await a.subscribe<EventData>(SUBSCRIBE);
    const created = await b.gql<{ createDataSource: { dataSource: { id: string; createdAt: string } } }>(
      CREATE_DATA_SOURCE,
      { input: dataSourceInput({ identifier: 'cross-instance' }) },
    );
    const event = await nextValue(events, 'CREATED on instance A');
    expect(event.data?.dataSourceEvents).toMatchObject({
      kind: 'CREATED',
      dataSourceId: created.data?.createDataSource.dataSource.id,
      dataSource: {
        identifier: 'cross-instance',
        version: 1,
        hasPassword: true,
        createdAt: created.data?.createDataSource.dataSource.createdAt,
      },
    });
    expect(new Date(event.data!.dataSourceEvents.at).toISOString()).toBe(event.data!.dataSourceEvents.at);
    expect(JSON.stringify(event)).not.toContain(CANARY_PASSWORD);
    await events.return?.();
  });

  it('sends UPDATED and DELETED of one data source to its subscribers, and nothing of others', async () => {
    const mine = await a.gql<{ createDataSource: { dataSource: { id: string } } }>(CREATE_DATA_SOURCE, {
      input: dataSourceInput(),
    });
    const id = mine.data!.createDataSource.dataSource.id;
    const events = await b.subscribe<EventData>(SUBSCRIBE, { id });

    await a.gql(CREATE_DATA_SOURCE, { input: dataSourceInput() }); // another data source: not for this subscriber
    await a.gql(UPDATE_DATA_SOURCE, { id, input: { remarks: 'changed' } });
    const updated = await nextValue(events, 'UPDATED');
    expect(updated.data?.dataSourceEvents).toMatchObject({
      kind: 'UPDATED',
      dataSourceId: id,
      dataSource: { version: 2 },
    });

    await a.gql(`mutation($id: ID!) { deleteDataSource(id: $id) { id } }`, { id });
    const deleted = await nextValue(events, 'DELETED');
    expect(deleted.data?.dataSourceEvents).toMatchObject({
      kind: 'DELETED',
      dataSourceId: id,
      dataSource: null,
    });
    await events.return?.();
  });

  it('sends a subscription started after a mutation answered nothing of that mutation, also under load', async () => {
    // Twenty at once keep the transport busy: a mutation answers only once its event has been sent.
    const firstEvents = await Promise.all(
      Array.from({ length: 20 }, async () => {
        const created = await a.gql<{ createDataSource: { dataSource: { id: string } } }>(
          CREATE_DATA_SOURCE,
          {
            input: dataSourceInput(),
          },
        );
        const id = created.data!.createDataSource.dataSource.id;
        const events = await b.subscribe<EventData>(SUBSCRIBE, { id });
        await a.gql(UPDATE_DATA_SOURCE, { id, input: { remarks: 'changed' } });
        const first = await nextValue(events, `the first event of ${id}`);
        await events.return?.();
        return first.data?.dataSourceEvents;
      }),
    );
    for (const event of firstEvents)
      expect(event).toMatchObject({ kind: 'UPDATED', dataSource: { version: 2 } });
  });

  it('does not publish a rejected change', async () => {
    const events = await a.subscribe<EventData>(SUBSCRIBE);
    const rejected = await b.gql(CREATE_DATA_SOURCE, { input: dataSourceInput({ port: 0 }) });
    expect(rejected.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    await b.gql(CREATE_DATA_SOURCE, { input: dataSourceInput({ identifier: 'after-the-rejected-one' }) });
    // Events arrive in order: the first one seen must be the valid create, not the rejected one.
    const first = await nextValue(events, 'the next event');
    expect(first.data?.dataSourceEvents.dataSource?.identifier).toBe('after-the-rejected-one');
    await events.return?.();
  });
});
