import {
  Arg,
  Ctx,
  FieldResolver,
  ID,
  Int,
  Mutation,
  Query,
  Resolver,
  Root,
  Subscription,
} from 'type-graphql';
import { CONNECTION_FIELDS, type DataSourceView } from '../../datasources/model.js';
import { dataSourceEvents, type DataSourceEvent as DataSourceEventValue } from '../../datasources/events.js';
import type { Page } from '../../lib/pagination.js';
import { ConnectionTest, ConnectionTestConnection } from '../connection-tests/connection-test.type.js';
import { actorOf, admitMutation, type ApiContext } from '../context.js';
import { loadersOf } from '../loaders.js';
import { CreateDataSourceInput, DataSourceFilter, UpdateDataSourceInput } from './datasource.input.js';
import {
  CreateDataSourcePayload,
  DataSource,
  DataSourceConnection,
  DataSourceEvent,
  DeleteDataSourcePayload,
  UpdateDataSourcePayload,
} from './datasource.type.js';

/** A Page as a Relay connection. */
export function toConnection<T>(page: Page<T>) {
  return {
    edges: page.nodes.map((node, i) => ({ node, cursor: page.cursors[i] ?? '' })),
    pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.cursors.at(-1) ?? null },
    totalCount: page.totalCount,
  };
}

@Resolver(() => DataSource)
export class DataSourceResolver {
  @Query(() => DataSource, { nullable: true, description: 'Exactly one of id or identifier.' })
  dataSource(
    @Ctx() ctx: ApiContext,
    @Arg('id', () => ID, { nullable: true }) id?: string | null,
    @Arg('identifier', () => String, { nullable: true }) identifier?: string | null,
  ): Promise<DataSourceView | null> {
    return ctx.dataSources.get({ id, identifier });
  }

  @Query(() => DataSourceConnection)
  async dataSources(
    @Ctx() ctx: ApiContext,
    @Arg('filter', () => DataSourceFilter, { nullable: true }) filter?: DataSourceFilter | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 20 }) first?: number | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
  ) {
    return toConnection(await ctx.dataSources.list(filter ?? {}, first ?? 20, after));
  }

  @Query(() => [String], {
    description: 'The regions configured for this deployment (cm_region); empty when none.',
  })
  regions(@Ctx() ctx: ApiContext): readonly string[] {
    return ctx.config.regions;
  }

  @Mutation(() => CreateDataSourcePayload)
  async createDataSource(
    @Ctx() ctx: ApiContext,
    @Arg('input', () => CreateDataSourceInput) input: CreateDataSourceInput,
  ) {
    // A create tests its parameters (or checks a password against a draft's): a test either way.
    await admitMutation(ctx, { startsTest: true });
    return ctx.dataSources.create(input, actorOf(ctx));
  }

  @Mutation(() => UpdateDataSourcePayload)
  async updateDataSource(
    @Ctx() ctx: ApiContext,
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateDataSourceInput) input: UpdateDataSourceInput,
    @Arg('expectedVersion', () => Int, { nullable: true }) expectedVersion?: number | null,
  ) {
    const touched = Object.keys(input).filter(
      (field) => input[field as keyof UpdateDataSourceInput] !== undefined,
    );
    const startsTest = touched.some(
      (field) => field === 'password' || (CONNECTION_FIELDS as readonly string[]).includes(field),
    );
    await admitMutation(ctx, { startsTest });
    return ctx.dataSources.update(id, input, expectedVersion, actorOf(ctx));
  }

  @Mutation(() => DeleteDataSourcePayload)
  async deleteDataSource(@Ctx() ctx: ApiContext, @Arg('id', () => ID) id: string) {
    await admitMutation(ctx, { startsTest: false });
    return ctx.dataSources.delete(id, actorOf(ctx));
  }

  @FieldResolver(() => ConnectionTest, { nullable: true })
  lastTest(@Root() source: DataSourceView, @Ctx() ctx: ApiContext) {
    return source.lastTestId ? loadersOf(ctx).test.load(source.lastTestId) : null;
  }

  @FieldResolver(() => ConnectionTestConnection)
  async tests(
    @Root() source: DataSourceView,
    @Ctx() ctx: ApiContext,
    @Arg('first', () => Int, { nullable: true, defaultValue: 10 }) first?: number | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
  ) {
    return toConnection(
      await loadersOf(ctx).tests.load({ dataSourceId: source.id, first: first ?? 10, after: after ?? null }),
    );
  }

  @Subscription(() => DataSourceEvent, {
    description: 'Events of one data source, or of all when id is omitted.',
    subscribe: ({ args, context }) =>
      (context as ApiContext).events.subscribe(
        dataSourceEvents,
        (args as { id?: string | null }).id ?? undefined,
      ),
  })
  dataSourceEvents(
    @Root() event: DataSourceEventValue,
    @Arg('id', () => ID, { nullable: true }) _id?: string | null,
  ) {
    return event;
  }
}
