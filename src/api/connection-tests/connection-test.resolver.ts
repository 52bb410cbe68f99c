import { Arg, Ctx, ID, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import type { ConnectionTestView } from '../../connection-tests/model.js';
import { actorOf, admitMutation, type ApiContext } from '../context.js';
import { TestConnectionInput } from '../datasources/datasource.input.js';
import { ConnectionTest } from './connection-test.type.js';

@Resolver(() => ConnectionTest)
export class ConnectionTestResolver {
  @Query(() => ConnectionTest, { nullable: true })
  connectionTest(@Ctx() ctx: ApiContext, @Arg('id', () => ID) id: string) {
    return ctx.connectionTests.get(id);
  }

  @Mutation(() => ConnectionTest)
  async testConnection(
    @Ctx() ctx: ApiContext,
    @Arg('input', () => TestConnectionInput) input: TestConnectionInput,
  ) {
    await admitMutation(ctx, { startsTest: true });
    return ctx.connectionTests.request(input, actorOf(ctx));
  }

  @Subscription(() => ConnectionTest, {
    description: 'First the test as it stands now, then every change; completes after PASSED or FAILED.',
    subscribe: ({ args, context }) =>
      (context as ApiContext).connectionTests.follow((args as { testId: string }).testId),
  })
  connectionTestUpdated(@Root() test: ConnectionTestView, @Arg('testId', () => ID) _testId: string) {
    return test;
  }
}
