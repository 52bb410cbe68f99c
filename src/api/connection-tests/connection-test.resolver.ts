import { Arg, Ctx, ID, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import type { ConnectionTestView } from '../../connection-tests/model.js';
import { actorOf, admitMutation, type ApiContext } from '../context.js';
import { TestConnectionInput } from '../datasources/datasource.input.js';
import { ConnectionTest } from './connection-test.type.js';

@Resolver(() => ConnectionTest)
export class ConnectionTestResolver {
  @Query(() => ConnectionTest, { nullable: true, description: 'One connection test, with every check.' })
  connectionTest(
    @Ctx() ctx: ApiContext,
    @Arg('id', () => ID, { description: 'The test id that testConnection returned.' }) id: string,
  ) {
    return ctx.connectionTests.get(id);
  }

  @Mutation(() => ConnectionTest, {
    description:
      "The seed's Test Connection: queues a test of a saved data source or of a draft; follow it with connectionTestUpdated (admin only).",
  })
  async testConnection(
    @Ctx() ctx: ApiContext,
    @Arg('input', () => TestConnectionInput, { description: 'What to test.' }) input: TestConnectionInput,
  ) {
    await admitMutation(ctx, { startsTest: true });
    return ctx.connectionTests.request(input, actorOf(ctx));
  }

  @Subscription(() => ConnectionTest, {
    description: 'First the test as it stands now, then every change; completes after PASSED or FAILED.',
    subscribe: ({ args, context }) =>
      (context as ApiContext).connectionTests.follow((args as { testId: string }).testId),
  })
  connectionTestUpdated(
    @Root() test: ConnectionTestView,
    @Arg('testId', () => ID, { description: 'The test to follow.' }) _testId: string,
  ) {
    return test;
  }
}
