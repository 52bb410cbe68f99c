import 'reflect-metadata';
import { printSchema, type GraphQLSchema } from 'graphql';
import { buildSchema, type MiddlewareFn } from 'type-graphql';
import { ConnectionTestResolver } from './connection-tests/connection-test.resolver.js';
import type { ApiContext } from './context.js';
import { DataSourceResolver } from './datasources/datasource.resolver.js';
import './enums.js';
import { toPublicError } from './errors.js';
import { OperationsResolver } from './operations/operations.resolver.js';
import { DateTimeScalar } from './scalars.js';
// Last: type-graphql prints types in the order their classes were loaded.
import { AuditEventResolver } from './audit/audit-event.resolver.js';

/**
 * Every resolver error passes here, where its request id and the logger are at hand. Only resolvers
 * (queries, mutations, subscriptions, field resolvers) can throw: every object type is declared with
 * `simpleResolvers`, so that its plain fields are read by graphql's default resolver rather than
 * through this middleware, which would make each field of each result an async call of its own.
 */
const mapErrors: MiddlewareFn<ApiContext> = async ({ context }, next) => {
  try {
    return (await next()) as unknown;
  } catch (error) {
    throw toPublicError(error, context.requestId, context.logger);
  }
};

let built: Promise<GraphQLSchema> | undefined;

/** The schema has no per-instance state (services come through the context), so one is built per process. */
export function buildApiSchema(): Promise<GraphQLSchema> {
  built ??= buildSchema({
    resolvers: [DataSourceResolver, ConnectionTestResolver, OperationsResolver, AuditEventResolver],
    scalarsMap: [{ type: Date, scalar: DateTimeScalar }],
    globalMiddlewares: [mapErrors],
    validate: false,
    // type-graphql insists on a pubSub; ours is per server instance and reaches the subscription
    // resolvers through the context (`subscribe` option), so this one is never used.
    pubSub: {
      publish: () => {
        throw new Error('publish through the context event bus');
      },
      subscribe: () => {
        throw new Error('subscribe through the context event bus');
      },
    },
  }).then((schema) => {
    // type-graphql has no option for the root types' own descriptions.
    const roots = {
      Query: 'Reads: data sources, their connection tests, regions, queues and the audit trail.',
      Mutation: 'Changes: data sources, connection tests and queues (admin tokens only).',
      Subscription: 'Live updates over graphql-ws, on the same path as HTTP (/graphql).',
    };
    for (const type of [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]) {
      if (type) type.description = roots[type.name as keyof typeof roots];
    }
    return schema;
  });
  return built;
}

/** The SDL as committed in schema.graphql. */
export async function printSchemaSdl(): Promise<string> {
  return `${printSchema(await buildApiSchema())}\n`;
}
