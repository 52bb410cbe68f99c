import { Arg, Ctx, Field, Int, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import { requireAdmin } from '../auth.js';
import { actorOf, admitMutation, type ApiContext } from '../context.js';
import { DateTimeScalar } from '../scalars.js';

@ObjectType({ simpleResolvers: true, description: "A BullMQ queue's job counts and state." })
export class QueueStats {
  @Field(() => String, { description: 'The queue: connection-test, heartbeat or maintenance.' })
  name!: string;

  @Field(() => Int, { description: 'Jobs waiting for a worker.' })
  waiting!: number;

  @Field(() => Int, { description: 'Jobs a worker is running.' })
  active!: number;

  @Field(() => Int, { description: 'Jobs waiting for their time (retries with backoff, scheduled beats).' })
  delayed!: number;

  @Field(() => Int, { description: 'Completed jobs still kept.' })
  completed!: number;

  @Field(() => Int, { description: 'Jobs that failed their last attempt, still kept.' })
  failed!: number;

  @Field(() => Boolean, { description: 'Whether workers have been told not to take its jobs.' })
  paused!: boolean;

  @Field(() => Int, { description: 'Workers connected to it.' })
  workers!: number;
}

@ObjectType({ simpleResolvers: true, description: 'A job that failed its last attempt (admin only).' })
export class FailedJob {
  @Field(() => String, { description: "BullMQ's job id." })
  id!: string;

  @Field(() => String, { description: 'The job name, e.g. connection-test or heartbeat-beat.' })
  name!: string;

  @Field(() => String, { description: 'Why it failed. Payloads hold ids only, so no secret appears here.' })
  reason!: string;

  @Field(() => Int, { description: 'How many times it was tried.' })
  attemptsMade!: number;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When its last attempt failed.' })
  failedAt!: Date | null;

  @Field(() => String, { description: 'The payload, as JSON.' })
  data!: string;
}

@Resolver()
export class OperationsResolver {
  @Query(() => [QueueStats], { description: 'Every queue of the service with its job counts.' })
  queues(@Ctx() ctx: ApiContext) {
    return ctx.operations.stats();
  }

  @Query(() => [FailedJob], { description: 'Failed jobs of a queue, newest first (admin only).' })
  failedJobs(
    @Ctx() ctx: ApiContext,
    @Arg('queue', () => String, { description: 'The queue, by name.' }) queue: string,
    @Arg('first', () => Int, { defaultValue: 20, description: 'How many, 1–100.' }) first: number,
  ) {
    requireAdmin(ctx.principal);
    return ctx.operations.failed(queue, first);
  }

  @Mutation(() => Int, { description: 'Retries every failed job of a queue; returns how many (admin only).' })
  async retryFailedJobs(
    @Ctx() ctx: ApiContext,
    @Arg('queue', () => String, { description: 'The queue, by name.' }) queue: string,
  ) {
    await admitMutation(ctx, { startsTest: false });
    return ctx.operations.retryFailed(queue, actorOf(ctx));
  }

  @Mutation(() => QueueStats, { description: 'Workers stop taking jobs of this queue (admin only).' })
  async pauseQueue(
    @Ctx() ctx: ApiContext,
    @Arg('queue', () => String, { description: 'The queue, by name.' }) queue: string,
  ) {
    await admitMutation(ctx, { startsTest: false });
    return ctx.operations.pause(queue, actorOf(ctx));
  }

  @Mutation(() => QueueStats, { description: 'Workers take jobs of this queue again (admin only).' })
  async resumeQueue(
    @Ctx() ctx: ApiContext,
    @Arg('queue', () => String, { description: 'The queue, by name.' }) queue: string,
  ) {
    await admitMutation(ctx, { startsTest: false });
    return ctx.operations.resume(queue, actorOf(ctx));
  }
}
