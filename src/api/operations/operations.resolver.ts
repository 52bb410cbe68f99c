import { Arg, Ctx, Field, Int, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import { AppError } from '../../errors.js';
import type { QueueStats as QueueStatsView } from '../../lib/queues.js';
import { QUEUE_NAMES, type QueueName } from '../../jobs/catalog.js';
import type { AuditAction } from '../../audit/trail.js';
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

/** A queue operation, admitted, then recorded (queues live in Redis: there is no transaction to share). */
async function operate<T>(ctx: ApiContext, action: AuditAction, queue: QueueName, run: () => Promise<T>) {
  await admitMutation(ctx, { startsTest: false });
  const result = await run();
  const entry = { action, changedFields: [`queue:${queue}`] };
  await ctx.audit.record(ctx.db, actorOf(ctx), entry);
  ctx.audit.announce(actorOf(ctx), entry);
  return result;
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
    const name = queueName(queue);
    return operate(ctx, 'RETRY_FAILED_JOBS', name, () => ctx.queues.retryFailed(name));
  }

  @Mutation(() => QueueStats, { description: 'Workers stop taking jobs of this queue (admin only).' })
  pauseQueue(@Ctx() ctx: ApiContext, @Arg('queue', () => String) queue: string) {
    const name = queueName(queue);
    return operate(ctx, 'PAUSE_QUEUE', name, async () => {
      await ctx.queues.pause(name);
      return statsOf(ctx, name);
    });
  }

  @Mutation(() => QueueStats, { description: 'Workers take jobs of this queue again (admin only).' })
  resumeQueue(@Ctx() ctx: ApiContext, @Arg('queue', () => String) queue: string) {
    const name = queueName(queue);
    return operate(ctx, 'RESUME_QUEUE', name, async () => {
      await ctx.queues.resume(name);
      return statsOf(ctx, name);
    });
  }
}
