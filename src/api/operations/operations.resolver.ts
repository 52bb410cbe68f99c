import { Ctx, Field, Int, ObjectType, Query, Resolver } from 'type-graphql';
import type { ApiContext } from '../context.js';

@ObjectType()
export class QueueStats {
  @Field(() => String)
  name!: string;

  @Field(() => Int)
  waiting!: number;

  @Field(() => Int)
  active!: number;

  @Field(() => Int)
  delayed!: number;

  @Field(() => Int)
  completed!: number;

  @Field(() => Int)
  failed!: number;

  @Field(() => Boolean)
  paused!: boolean;

  @Field(() => Int)
  workers!: number;
}

@Resolver()
export class OperationsResolver {
  @Query(() => [QueueStats])
  queues(@Ctx() ctx: ApiContext) {
    return ctx.queues.stats();
  }
}
