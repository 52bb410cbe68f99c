// The benchmark's reference for `{ __typename }`: Apollo Server 5 on Express 5 with the same
// packages as the service and nothing else (no auth, guard, metrics or subscriptions), in a process of
// its own, on loopback. Prints `ready <url>` once it listens; stops on SIGTERM.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';

const server = new ApolloServer({ typeDefs: 'type Query { ok: Boolean }', resolvers: {} });
await server.start();
const app = express();
app.use('/graphql', express.json(), expressMiddleware(server));
const httpServer = http.createServer(app);
await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
const { port } = httpServer.address() as AddressInfo;
console.log(`ready http://127.0.0.1:${port}/graphql`);
process.once('SIGTERM', () => {
  httpServer.close();
  void server.stop().then(() => process.exit(0));
});
