import { Arg, Ctx, Field, Int, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import { AppError } from '../../errors.js';
import type { QueueStats as QueueStatsView } from '../../lib/queues.js';
import { QUEUE_NAMES, type QueueName } from '../../workers/jobs.js';
import { requireAdmin } from '../auth.js';
import type { ApiContext } from '../context.js';
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

function queueName(name: string): QueueName {
  if (!(QUEUE_NAMES as readonly string[]).includes(name)) {
    throw AppError.badInput([{ field: 'queue', message: `must be one of ${QUEUE_NAMES.join(', ')}` }]);
  }
  return name as QueueName;
}

async function statsOf(ctx: ApiContext, name: QueueName): Promise<QueueStatsView> {
  const stats = await ctx.queues.stats();
  return stats.find((queue) => queue.name === name)!;
}

@Resolver()
export class OperationsResolver {
  @Query(() => [QueueStats])
  queues(@Ctx() ctx: ApiContext) {
    return ctx.queues.stats();
  }

  @Query(() => [FailedJob], { description: 'Failed jobs of a queue, newest first (admin only).' })
  failedJobs(
    @Ctx() ctx: ApiContext,
    @Arg('queue', () => String) queue: string,
    @Arg('first', () => Int, { defaultValue: 20 }) first: number,
  ) {
    requireAdmin(ctx.principal);
    if (first < 1 || first > 100)
      throw AppError.badInput([{ field: 'first', message: 'must be between 1 and 100' }]);
    return ctx.queues.failed(queueName(queue), first);
  }

  @Mutation(() => Int, { description: 'Retries every failed job of a queue; returns how many (admin only).' })
  retryFailedJobs(@Ctx() ctx: ApiContext, @Arg('queue', () => String) queue: string) {
    requireAdmin(ctx.principal);
    return ctx.queues.retryFailed(queueName(queue));
  }

  @Mutation(() => QueueStats, { description: 'Workers stop taking jobs of this queue (admin only).' })
  async pauseQueue(@Ctx() ctx: ApiContext, @Arg('queue', () => String) queue: string) {
    requireAdmin(ctx.principal);
    await ctx.queues.pause(queueName(queue));
    return statsOf(ctx, queueName(queue));
  }

  @Mutation(() => QueueStats, { description: 'Workers take jobs of this queue again (admin only).' })
  async resumeQueue(@Ctx() ctx: ApiContext, @Arg('queue', () => String) queue: string) {
    requireAdmin(ctx.principal);
    await ctx.queues.resume(queueName(queue));
    return statsOf(ctx, queueName(queue));
  }
}
