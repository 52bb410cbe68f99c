// The floor of this design with its contract's API: the floor of bench/floor.ts behind GraphQL over
// HTTP (Apollo Server 5 on Express 5) for `testConnection` and graphql-ws on the same server for
// `connectionTestUpdated`, with the service's libraries and none of its code (no auth, rate limits,
// target slot, recorder, metrics or tracing). One process is the API and the worker, as
// `node dist/main.js all` is. The subscription follows the test as PRODUCT.md §2 asks: its channel
// subscribed first, then the stored test, then every change until the end. Started by bench/run.ts
// with FLOOR_DATABASE_URL, FLOOR_REDIS_URL and FLOOR_TARGET (`host:port` of the scram target); prints
// `ready <url>` once it listens; stops on SIGTERM.
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { Queue, Worker, type Job } from 'bullmq';
import express from 'express';
import {
  GraphQLBoolean,
  GraphQLEnumType,
  GraphQLID,
  GraphQLInputObjectType,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLSchema,
} from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { Redis } from 'ioredis';
import pg from 'pg';
import { WebSocketServer } from 'ws';
import { cacheScramKeys } from '../src/postgresql/scram.js';
import { dropFloorTables, prepareFloorTables, queueFloorTest, runFloorTest } from './floor.js';

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};
// The one piece of the service's own code here: its SCRAM key cache (src/postgresql/scram.ts), which
// saves every login of a data source after its first the PBKDF2 derivation. Without it, this floor's
// logins would cost more than the service's, and it would be no floor.
cacheScramKeys();

const [targetHost, targetPort] = env('FLOOR_TARGET').split(':');
const target = { host: targetHost!, port: Number(targetPort) };
const redisUrl = env('FLOOR_REDIS_URL');

const db = new pg.Pool({ connectionString: env('FLOOR_DATABASE_URL'), max: 10, pipeline: true });
const fixture = await prepareFloorTables(db);
const prefix = 'bench-floor-api';
const queue = new Queue('floor', { connection: new Redis(redisUrl, { maxRetriesPerRequest: null }), prefix });
const publisher = new Redis(redisUrl, { enableAutoPipelining: true });
const subscriber = new Redis(redisUrl);

interface FloorTest {
  id: string;
  status: string;
}
const FINAL = new Set(['PASSED', 'FAILED']);

// One Redis subscription per followed test, each message decoded once for every local follower.
const followers = new Map<string, Set<(test: FloorTest) => void>>();
subscriber.on('message', (channel: string, message: string) => {
  const listeners = followers.get(channel);
  if (!listeners) return;
  const test = JSON.parse(message) as FloorTest;
  for (const listener of listeners) listener(test);
});

/** Snapshot, then stream: the stored test, then every change published after the subscription. */
async function* follow(id: string): AsyncGenerator<FloorTest> {
  const channel = `test:${id}`;
  const arrived: FloorTest[] = [];
  let wake: (() => void) | undefined;
  const listener = (test: FloorTest) => {
    arrived.push(test);
    wake?.();
  };
  const listeners = followers.get(channel) ?? new Set();
  followers.set(channel, listeners.add(listener));
  try {
    if (listeners.size === 1) await subscriber.subscribe(channel);
    const { rows } = await db.query<FloorTest>('SELECT id, status FROM floor_tests WHERE id = $1', [id]);
    let test = rows[0];
    while (test) {
      yield test;
      if (FINAL.has(test.status)) return;
      while (arrived.length === 0) await new Promise<void>((resolve) => (wake = resolve));
      test = arrived.shift();
    }
  } finally {
    listeners.delete(listener);
    if (listeners.size === 0) {
      followers.delete(channel);
      void subscriber.unsubscribe(channel);
    }
  }
}

const ConnectionTest = new GraphQLObjectType<FloorTest>({
  name: 'ConnectionTest',
  fields: {
    id: { type: new GraphQLNonNull(GraphQLID) },
    status: {
      type: new GraphQLNonNull(
        new GraphQLEnumType({
          name: 'ConnectionTestStatus',
          values: { QUEUED: {}, RUNNING: {}, PASSED: {}, FAILED: {} },
        }),
      ),
    },
  },
});
const schema = new GraphQLSchema({
  query: new GraphQLObjectType({ name: 'Query', fields: { ok: { type: GraphQLBoolean } } }),
  mutation: new GraphQLObjectType({
    name: 'Mutation',
    fields: {
      testConnection: {
        type: new GraphQLNonNull(ConnectionTest),
        args: {
          input: {
            type: new GraphQLNonNull(
              new GraphQLInputObjectType({
                name: 'TestConnectionInput',
                fields: { dataSourceId: { type: GraphQLID } },
              }),
            ),
          },
        },
        resolve: async (_, { input }: { input: { dataSourceId: string } }) => {
          const id = randomUUID();
          await queueFloorTest(db, queue, fixture, input.dataSourceId, id);
          return { id, status: 'QUEUED' };
        },
      },
    },
  }),
  subscription: new GraphQLObjectType({
    name: 'Subscription',
    fields: {
      connectionTestUpdated: {
        type: new GraphQLNonNull(ConnectionTest),
        args: { testId: { type: new GraphQLNonNull(GraphQLID) } },
        subscribe: (_, { testId }: { testId: string }) => follow(testId),
        resolve: (test: FloorTest) => test,
      },
    },
  }),
});

const worker = new Worker(
  'floor',
  (job: Job<{ testId: string }>) => {
    const id = job.data.testId;
    const publish = (status: string) =>
      void publisher.publish(
        `test:${id}`,
        JSON.stringify({ id, status, checks: fixture.checks, server: fixture.server }),
      );
    return runFloorTest(db, target, fixture, id, publish);
  },
  { connection: new Redis(redisUrl, { maxRetriesPerRequest: null }), prefix, concurrency: 32 },
);
await worker.waitUntilReady();

const server = new ApolloServer({ schema });
await server.start();
const app = express();
app.use('/graphql', express.json(), expressMiddleware(server));
const httpServer = http.createServer(app);
useServer({ schema }, new WebSocketServer({ server: httpServer, path: '/graphql' }));
await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
const { port } = httpServer.address() as AddressInfo;
console.log(`ready http://127.0.0.1:${port}/graphql`);
process.once('SIGTERM', () => {
  httpServer.closeAllConnections();
  httpServer.close();
  void Promise.all([server.stop(), worker.close(), queue.obliterate({ force: true })])
    .then(() => queue.close())
    .then(() => dropFloorTables(db))
    .then(() => db.end())
    .then(() => process.exit(0));
});
