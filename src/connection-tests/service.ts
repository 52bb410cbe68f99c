import type { Actor, AuditTrail } from '../audit/trail.js';
import type { DataSourceTests } from '../datasources/service.js';
import { withConnectionDefaults, type ConnectionInput, type ConnectionSpec } from '../datasources/model.js';
import { validateConnection, validatePassword } from '../datasources/rules.js';
import { lockRow, specOf } from '../datasources/store.js';
import { AppError } from '../errors.js';
import type { Database, MetadataStore } from '../lib/db.js';
import type { Page } from '../lib/pagination.js';
import type { EventBus } from '../lib/pubsub.js';
import type { SecretBox } from '../secrets/secret-box.js';
import { connectionTestChanges } from './events.js';
import { draftPasswordBinding, isFinished, toTestView, type ConnectionTestView } from './model.js';
import {
  adoptTest,
  findOpenTest,
  findTests,
  findVerifyingTest,
  listTestPages,
  queueDraftTest,
  queueSavedTest,
  type EnqueueTest,
} from './store.js';

export interface ConnectionTestServiceDeps {
  db: Database;
  /** The metadata store's transactions with statements prepared per connection (testConnection's). */
  preparedTransaction: MetadataStore['preparedTransaction'];
  secrets: SecretBox;
  events: EventBus;
  audit: AuditTrail;
  enqueue: EnqueueTest;
}

export interface TestRequest {
  dataSourceId?: string | null;
  draft?: (Partial<ConnectionInput> & { password: string }) | null;
}

/** Connection tests as the API asks for them: requested, read, paged and followed live. */
export function createConnectionTestService(deps: ConnectionTestServiceDeps) {
  const { db, secrets, enqueue } = deps;

  async function getMany(ids: readonly string[]): Promise<Map<string, ConnectionTestView>> {
    return findTests(db, ids);
  }
  const get = async (id: string) => (await getMany([id])).get(id) ?? null;

  /** What data sources need of tests (datasources/service.ts builds on it without importing this folder). */
  const forDataSources: DataSourceTests<ConnectionTestView> = {
    queue: async (tx, dataSource) => toTestView(await queueSavedTest(tx, dataSource, enqueue)),
    findVerifying: async (tx, testId, spec, password) => {
      const row = await findVerifyingTest(tx, secrets, testId, spec, password);
      return row && toTestView(row);
    },
    adopt: async (tx, testId, dataSourceId) => toTestView(await adoptTest(tx, testId, dataSourceId)),
  };

  return {
    forDataSources,

    get,

    getMany,

    /** A page of tests of each data source, newest first. */
    listFor(
      dataSourceIds: readonly string[],
      first: number,
      after?: string | null,
    ): Promise<Map<string, Page<ConnectionTestView>>> {
      return listTestPages(db, dataSourceIds, first, after);
    },

    /**
     * `testConnection`: a saved data source (returning the test already QUEUED or RUNNING, if any) or a
     * draft, whose parameters are stored in the test row with the password sealed to that row.
     */
    async request(input: TestRequest, actor: Actor): Promise<ConnectionTestView> {
      const given = [input.dataSourceId, input.draft].filter((value) => value != null).length;
      if (given !== 1) {
        const message = 'give exactly one of dataSourceId and draft';
        throw AppError.badInput([
          { field: 'dataSourceId', message },
          { field: 'draft', message },
        ]);
      }

      if (input.draft) {
        const { password, ...fields } = input.draft;
        const spec: ConnectionSpec = withConnectionDefaults({
          ...fields,
          host: fields.host ?? '',
          username: fields.username ?? '',
          databaseName: fields.databaseName ?? '',
        });
        const errors = [...validateConnection(spec), ...validatePassword(password)];
        if (errors.length > 0)
          throw AppError.badInput(errors.map((e) => ({ ...e, field: `draft.${e.field}` })));
        const test = await db.transaction(async (tx) => {
          const row = await queueDraftTest(
            tx,
            spec,
            (id) => secrets.seal(password, draftPasswordBinding(id)),
            enqueue,
            (queued) => deps.audit.record(tx, actor, { action: 'TEST_CONNECTION', testId: queued.id }),
          );
          return toTestView(row);
        });
        deps.audit.announce(actor, { action: 'TEST_CONNECTION', testId: test.id });
        return test;
      }

      const dataSourceId = input.dataSourceId ?? '';
      // Every connection test runs this transaction: its statements are prepared on its connection.
      const test = await deps.preparedTransaction(async (connection) => {
        // The row lock serializes concurrent requests for one data source: the first queues a test,
        // the others find it open and return it.
        // Sent together: the second statement starts once the first holds the lock, so it sees a test
        // that the transaction which held the lock committed.
        const [source, open] = await Promise.all([
          lockRow(connection, dataSourceId),
          findOpenTest(connection, dataSourceId),
        ]);
        if (!source) throw AppError.notFound('Data source');
        const audit = (test: { id: string }) =>
          deps.audit.record(connection, actor, { action: 'TEST_CONNECTION', dataSourceId, testId: test.id });
        if (open) {
          // A request answered with the test already running is recorded too: it is still a request.
          await audit(open);
          return toTestView(open);
        }
        const saved = { ...specOf(source), id: source.id };
        return toTestView(await queueSavedTest(connection, saved, enqueue, audit));
      });
      deps.audit.announce(actor, { action: 'TEST_CONNECTION', dataSourceId, testId: test.id });
      return test;
    },

    /**
     * The test as it stands, then every change, then the end (PRODUCT.md §2). It listens before it
     * reads, so that a change between the read and the subscription is not lost; an unknown test is
     * refused before the stream starts (NOT_FOUND, not an empty stream).
     */
    async follow(testId: string): Promise<AsyncIterable<ConnectionTestView>> {
      const changes = deps.events.subscribe(connectionTestChanges, testId);
      const firstChange = changes.next();
      // Read only once the subscription is in effect, so that no change falls between the two.
      const current = await deps.events
        .subscribed()
        .then(() => get(testId))
        .catch(async (error: unknown) => {
          await changes.return?.();
          throw error;
        });
      if (!current) {
        await changes.return?.();
        throw AppError.notFound('Connection test');
      }
      return (async function* () {
        try {
          yield current;
          if (isFinished(current)) return;
          let revision = current.revision;
          for (let next = await firstChange; !next.done; next = await changes.next()) {
            // A change published before our read is already in `current`.
            if (next.value.revision <= revision) continue;
            revision = next.value.revision;
            yield next.value;
            if (isFinished(next.value)) return;
          }
        } finally {
          await changes.return?.();
        }
      })();
    },
  };
}

export type ConnectionTestService = ReturnType<typeof createConnectionTestService>;
