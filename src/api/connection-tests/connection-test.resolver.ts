import { Arg, Ctx, ID, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import { getTest, requestTest, type ConnectionTestView } from '../../connection-tests/service.js';
import { AppError } from '../../errors.js';
import { actorOf, admitMutation, type ApiContext } from '../context.js';
import { TestConnectionInput } from '../datasources/datasource.input.js';
import { ConnectionTest } from './connection-test.type.js';

const isFinished = (test: { status: string }) => test.status === 'PASSED' || test.status === 'FAILED';

/** JSON turned the dates into strings on the way through the event bus. */
function reviveTest(json: ConnectionTestView): ConnectionTestView {
  const date = (value: Date | string | null) => (value === null ? null : new Date(value));
  return {
    ...json,
    queuedAt: new Date(json.queuedAt),
    startedAt: date(json.startedAt),
    finishedAt: date(json.finishedAt),
  };
}

/**
 * The test as it stands, then every change, then the end (PRODUCT.md §2). It listens before it reads,
 * so that a change between the read and the subscription is not lost; an unknown test is refused
 * before the stream starts (a NOT_FOUND error, not an empty stream).
 */
async function testUpdates(ctx: ApiContext, testId: string): Promise<AsyncIterable<ConnectionTestView>> {
  const changes = ctx.events.subscribe('connectionTests', testId);
  const firstChange = changes.next();
  const current = await getTest(ctx.db, testId).catch(async (error: unknown) => {
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
        const test = reviveTest(next.value);
        revision = test.revision;
        yield test;
        if (isFinished(test)) return;
      }
    } finally {
      await changes.return?.();
    }
  })();
}

@Resolver(() => ConnectionTest)
export class ConnectionTestResolver {
  @Query(() => ConnectionTest, { nullable: true })
  connectionTest(@Ctx() ctx: ApiContext, @Arg('id', () => ID) id: string) {
    return getTest(ctx.db, id);
  }

  @Mutation(() => ConnectionTest)
  async testConnection(
    @Ctx() ctx: ApiContext,
    @Arg('input', () => TestConnectionInput) input: TestConnectionInput,
  ) {
    await admitMutation(ctx, { startsTest: true });
    return requestTest(ctx, input, actorOf(ctx));
  }

  @Subscription(() => ConnectionTest, {
    description: 'First the test as it stands now, then every change; completes after PASSED or FAILED.',
    subscribe: ({ args, context }) => testUpdates(context as ApiContext, (args as { testId: string }).testId),
  })
  connectionTestUpdated(@Root() test: ConnectionTestView, @Arg('testId', () => ID) _testId: string) {
    return test;
  }
}
