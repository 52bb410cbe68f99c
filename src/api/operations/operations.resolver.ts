import { Arg, Ctx, Field, Int, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import { requireAdmin } from '../auth.js';
import { actorOf, admitMutation, type ApiContext } from '../context.js';
import { DateTimeScalar } from '../scalars.js';

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

@ObjectType({ description: 'A job that failed its last attempt (admin only).' })
export class FailedJob {
  @Field(() => String)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { description: 'Why it failed. Payloads hold ids only, so no secret appears here.' })
  reason!: string;

  @Field(() => Int)
  attemptsMade!: number;

  @Field(() => DateTimeScalar, { nullable: true })
  failedAt!: Date | null;

  @Field(() => String, { description: 'The payload, as JSON.' })
  data!: string;
}

@Resolver()
export class OperationsResolver {
  @Query(() => [QueueStats])
  queues(@Ctx() ctx: ApiContext) {
    return ctx.operations.stats();
  }

  @Query(() => [FailedJob], { description: 'Failed jobs of a queue, newest first (admin only).' })
  failedJobs(
    @Ctx() ctx: ApiContext,
    @Arg('queue', () => String) queue: string,
    @Arg('first', () => Int, { defaultValue: 20 }) first: number,
  ) {
    requireAdmin(ctx.principal);
    return ctx.operations.failed(queue, first);
  }

  @Mutation(() => Int, { description: 'Retries every failed job of a queue; returns how many (admin only).' })
  async retryFailedJobs(@Ctx() ctx: ApiContext, @Arg('queue', () => String) queue: string) {
    await admitMutation(ctx, { startsTest: false });
    return ctx.operations.retryFailed(queue, actorOf(ctx));
  }

  @Mutation(() => QueueStats, { description: 'Workers stop taking jobs of this queue (admin only).' })
  async pauseQueue(@Ctx() ctx: ApiContext, @Arg('queue', () => String) queue: string) {
    await admitMutation(ctx, { startsTest: false });
    return ctx.operations.pause(queue, actorOf(ctx));
  }

  @Mutation(() => QueueStats, { description: 'Workers take jobs of this queue again (admin only).' })
  async resumeQueue(@Ctx() ctx: ApiContext, @Arg('queue', () => String) queue: string) {
    await admitMutation(ctx, { startsTest: false });
    return ctx.operations.resume(queue, actorOf(ctx));
  }
}
