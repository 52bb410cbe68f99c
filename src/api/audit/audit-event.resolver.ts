import { Arg, Ctx, Field, ID, InputType, Int, ObjectType, Query, Resolver } from 'type-graphql';
import type { AuditAction } from '../../audit/trail.js';
import { requireAdmin } from '../auth.js';
import type { ApiContext } from '../context.js';
import { toConnection } from '../datasources/datasource.resolver.js';
import { AuditActionEnum } from '../enums.js';
import { PageInfo } from '../page-info.type.js';
import { DateTimeScalar } from '../scalars.js';

@ObjectType({
  simpleResolvers: true,
  description: 'One change or test request, as the audit trail recorded it (admin only).',
})
export class AuditEvent {
  @Field(() => ID, { description: 'Assigned when it was recorded.' })
  id!: string;

  @Field(() => DateTimeScalar, { description: 'When it happened.' })
  at!: Date;

  @Field(() => String, { description: "The API token's name (`anonymous` when the API is open)." })
  actor!: string;

  @Field(() => AuditActionEnum, { description: 'What was asked for.' })
  action!: string;

  @Field(() => ID, { nullable: true, description: 'Kept after the data source is deleted.' })
  dataSourceId!: string | null;

  @Field(() => ID, { nullable: true, description: 'The connection test the action started or returned.' })
  testId!: string | null;

  @Field(() => [String], { description: 'Names of the fields the action set or changed; never values.' })
  changedFields!: string[];

  @Field(() => String, { description: "The request's x-request-id, as in the log." })
  requestId!: string;

  @Field(() => String, { description: "The client's address as the service saw it." })
  clientAddress!: string;
}

@ObjectType({ simpleResolvers: true, description: 'One event in a page of the audit trail.' })
export class AuditEventEdge {
  @Field(() => String, { description: 'Pass as `after` to get the events after this one.' })
  cursor!: string;

  @Field(() => AuditEvent, { description: 'The event.' })
  node!: AuditEvent;
}

@ObjectType({ simpleResolvers: true, description: 'A page of the audit trail, newest first.' })
export class AuditEventConnection {
  @Field(() => [AuditEventEdge], { description: 'The events of this page.' })
  edges!: AuditEventEdge[];

  @Field(() => PageInfo, { description: 'Whether there is a next page, and its cursor.' })
  pageInfo!: PageInfo;

  @Field(() => Int, { description: 'How many events match the filter.' })
  totalCount!: number;
}

@InputType({ description: 'Every field optional; given ones must all match.' })
export class AuditEventFilter {
  @Field(() => String, { nullable: true, description: "An API token's name." })
  actor?: string | null;

  @Field(() => ID, { nullable: true, description: 'A data source, deleted ones included.' })
  dataSourceId?: string | null;

  @Field(() => AuditActionEnum, { nullable: true, description: 'One kind of action.' })
  action?: AuditAction | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'At or after this time.' })
  from?: Date | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'At or before this time.' })
  to?: Date | null;
}

@Resolver()
export class AuditEventResolver {
  @Query(() => AuditEventConnection, { description: 'The audit trail, newest first (admin only).' })
  async auditEvents(
    @Ctx() ctx: ApiContext,
    @Arg('filter', () => AuditEventFilter, { nullable: true, description: 'Which events; all when omitted.' })
    filter?: AuditEventFilter | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 20, description: 'Page size, 1–100.' })
    first?: number | null,
    @Arg('after', () => String, {
      nullable: true,
      description: 'The endCursor of the previous page; omitted for the first page.',
    })
    after?: string | null,
  ) {
    requireAdmin(ctx.principal);
    return toConnection(await ctx.audit.list(filter ?? {}, first ?? 20, after));
  }
}
