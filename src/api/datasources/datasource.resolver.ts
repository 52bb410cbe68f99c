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
    @Arg('id', () => ID, { nullable: true, description: 'The data source with this id.' }) id?: string | null,
    @Arg('identifier', () => String, {
      nullable: true,
      description: 'The data source with this identifier (compared case-insensitively).',
    })
    identifier?: string | null,
  ): Promise<DataSourceView | null> {
    return ctx.dataSources.get({ id, identifier });
  }

  @Query(() => DataSourceConnection, {
    description: "The Data Source Management page's list: newest first, filtered, a page at a time.",
  })
  async dataSources(
    @Ctx() ctx: ApiContext,
    @Arg('filter', () => DataSourceFilter, {
      nullable: true,
      description: 'Which data sources; all when omitted.',
    })
    filter?: DataSourceFilter | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 20, description: 'Page size, 1–100.' })
    first?: number | null,
    @Arg('after', () => String, {
      nullable: true,
      description: 'The endCursor of the previous page; omitted for the first page.',
    })
    after?: string | null,
  ) {
    return toConnection(await ctx.dataSources.list(filter ?? {}, first ?? 20, after));
  }

  @Query(() => [String], {
    description: 'The regions configured for this deployment (cm_region); empty when none.',
  })
  regions(@Ctx() ctx: ApiContext): readonly string[] {
    return ctx.config.regions;
  }

  @Mutation(() => CreateDataSourcePayload, {
    description:
      "The Create Data Source dialog's OK: saves the data source and tests it, unless verifiedByTestId names a passing draft test of the same parameters (admin only).",
  })
  async createDataSource(
    @Ctx() ctx: ApiContext,
    @Arg('input', () => CreateDataSourceInput, {
      description: 'The parameters; every violation is reported at once.',
    })
    input: CreateDataSourceInput,
  ) {
    // A create tests its parameters (or checks a password against a draft's): a test either way.
    await admitMutation(ctx, { startsTest: true });
    return ctx.dataSources.create(input, actorOf(ctx));
  }

  @Mutation(() => UpdateDataSourcePayload, {
    description:
      'Changes the given fields; a change of connection parameters starts a new test (admin only).',
  })
  async updateDataSource(
    @Ctx() ctx: ApiContext,
    @Arg('id', () => ID, { description: 'The data source to change.' }) id: string,
    @Arg('input', () => UpdateDataSourceInput, { description: 'The fields to change; omitted ones stay.' })
    input: UpdateDataSourceInput,
    @Arg('expectedVersion', () => Int, {
      nullable: true,
      description: 'The version the change was made against: VERSION_CONFLICT, and no change, if it moved.',
    })
    expectedVersion?: number | null,
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

  @Mutation(() => DeleteDataSourcePayload, {
    description: 'Deletes a data source, stops its heartbeat and drops its test history (admin only).',
  })
  async deleteDataSource(
    @Ctx() ctx: ApiContext,
    @Arg('id', () => ID, { description: 'The data source to delete.' }) id: string,
  ) {
    await admitMutation(ctx, { startsTest: false });
    return ctx.dataSources.delete(id, actorOf(ctx));
  }

  @FieldResolver(() => ConnectionTest, { nullable: true, description: 'Its most recent connection test.' })
  lastTest(@Root() source: DataSourceView, @Ctx() ctx: ApiContext) {
    return source.lastTestId ? loadersOf(ctx).test.load(source.lastTestId) : null;
  }

  @FieldResolver(() => ConnectionTestConnection, {
    description: 'Its connection tests, newest first (the Test Connection history).',
  })
  async tests(
    @Root() source: DataSourceView,
    @Ctx() ctx: ApiContext,
    @Arg('first', () => Int, { nullable: true, defaultValue: 10, description: 'Page size, 1–100.' })
    first?: number | null,
    @Arg('after', () => String, {
      nullable: true,
      description: 'The endCursor of the previous page; omitted for the first page.',
    })
    after?: string | null,
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
    @Arg('id', () => ID, { nullable: true, description: 'Follow this data source only.' })
    _id?: string | null,
  ) {
    return event;
  }
}
