import { Arg, Ctx, Field, ID, InputType, Int, ObjectType, Query, Resolver } from 'type-graphql';
import type { AuditAction } from '../../audit/trail.js';
import { requireAdmin } from '../auth.js';
import type { ApiContext } from '../context.js';
import { toConnection } from '../datasources/datasource.resolver.js';
import { AuditActionEnum } from '../enums.js';
import { PageInfo } from '../page-info.type.js';
import { DateTimeScalar } from '../scalars.js';

@ObjectType({ description: 'One change or test request, as the audit trail recorded it (admin only).' })
export class AuditEvent {
  @Field(() => ID)
  id!: string;

  @Field(() => DateTimeScalar)
  at!: Date;

  @Field(() => String, { description: "The API token's name (`anonymous` when the API is open)." })
  actor!: string;

  @Field(() => AuditActionEnum)
  action!: string;

  @Field(() => ID, { nullable: true, description: 'Kept after the data source is deleted.' })
  dataSourceId!: string | null;

  @Field(() => ID, { nullable: true, description: 'The connection test the action started or returned.' })
  testId!: string | null;

  @Field(() => [String], { description: 'Names of the fields the action set or changed; never values.' })
  changedFields!: string[];

  @Field(() => String)
  requestId!: string;

  @Field(() => String, { description: "The client's address as the service saw it." })
  clientAddress!: string;
}

@ObjectType()
export class AuditEventEdge {
  @Field(() => String)
  cursor!: string;

  @Field(() => AuditEvent)
  node!: AuditEvent;
}

@ObjectType()
export class AuditEventConnection {
  @Field(() => [AuditEventEdge])
  edges!: AuditEventEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  @Field(() => Int)
  totalCount!: number;
}

@InputType({ description: 'Every field optional; given ones must all match.' })
export class AuditEventFilter {
  @Field(() => String, { nullable: true, description: "An API token's name." })
  actor?: string | null;

  @Field(() => ID, { nullable: true })
  dataSourceId?: string | null;

  @Field(() => AuditActionEnum, { nullable: true })
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
    @Arg('filter', () => AuditEventFilter, { nullable: true }) filter?: AuditEventFilter | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 20 }) first?: number | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
  ) {
    requireAdmin(ctx.principal);
    return toConnection(await ctx.audit.list(filter ?? {}, first ?? 20, after));
  }
}
