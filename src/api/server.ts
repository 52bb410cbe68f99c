import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import { GraphQLError } from 'graphql';
import { CloseCode } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { Principal } from '../config.js';
import { bullBoard, BULL_BOARD_PATH } from './admin.js';
import { AppError } from '../errors.js';
import { authenticate } from './auth.js';
import type { ApiContext, ApiDeps } from './context.js';
import { formatError, toPublicError } from './errors.js';
import { httpTiming, opsRouter } from './ops.js';
import { buildApiSchema } from './schema.js';

export interface ApiServerOptions {
  host: string;
  port: number;
  /** Whether the metadata store and Redis answer (/readyz). */
  ready: () => Promise<boolean>;
}

export interface ApiServer {
  url: string;
  wsUrl: string;
  stop(): Promise<void>;
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * GraphQL over HTTP and graphql-ws on one server and one path, /graphql; /healthz, /readyz and
 * /metrics; Bull Board at /admin/queues.
 */
export async function createApiServer(deps: ApiDeps, options: ApiServerOptions): Promise<ApiServer> {
  const { config, logger } = deps;
  const schema = await buildApiSchema();
  const app = express();
  app.disable('x-powered-by');
  app.use(httpTiming(deps.metrics));
  const httpServer = http.createServer(app);

  const wsServer = new WebSocketServer({ server: httpServer, path: '/graphql' });
  wsServer.on('error', (error) => logger.error({ err: error }, 'websocket server error'));
  const principals = new WeakMap<object, Principal>();
  const publicError = (error: GraphQLError) =>
    formatError(toPublicError(error, randomUUID(), logger).toJSON());
  const wsCleanup = useServer<Record<string, unknown>>(
    {
      schema,
      onConnect: (ctx) => {
        try {
          principals.set(ctx, authenticate(ctx.connectionParams?.authorization, config.apiTokens));
          return true;
        } catch (error) {
          const message = error instanceof GraphQLError ? error.message : 'Unauthenticated';
          ctx.extra.socket.close(CloseCode.Unauthorized, `UNAUTHENTICATED: ${message}`.slice(0, 120));
          return false;
        }
      },
      context: (ctx): ApiContext => {
        const principal = principals.get(ctx);
        // onConnect admitted every socket that gets here; a missing entry would be a bug, so deny.
        if (!principal) throw new AppError('UNAUTHENTICATED', 'The connection was not authenticated');
        return {
          ...deps,
          requestId: randomUUID(),
          principal,
          clientAddress: ctx.extra.request.socket.remoteAddress ?? 'unknown',
        };
      },
      // Errors reach graphql-ws clients in two ways: as an `error` message (the operation failed to
      // start) and inside a `next` result (a resolver or subscribe function threw). Both are mapped.
      onError: (_ctx, _id, _payload, errors) => errors.map((error) => publicError(error)),
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors ? { ...result, errors: result.errors.map((error) => publicError(error)) } : undefined,
    },
    wsServer,
  );

  const apollo = new ApolloServer<ApiContext>({
    schema,
    formatError,
    includeStacktraceInErrorResponses: false,
    // main.ts owns the signals; Apollo's own handlers (on outside NODE_ENV=test) would race with it.
    stopOnTerminationSignals: false,
    logger: { debug: () => {}, info: () => {}, warn: (m) => logger.warn(m), error: (m) => logger.error(m) },
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: config.shutdownTimeoutMs }),
      {
        serverWillStart: () =>
          Promise.resolve({
            drainServer: async () => {
              await wsCleanup.dispose();
            },
          }),
      },
    ],
  });
  await apollo.start();

  app.use(
    opsRouter({
      ready: options.ready,
      metrics: config.opsPort === undefined ? deps.metrics : undefined,
      metricsToken: config.metricsToken,
    }),
  );
  app.use(BULL_BOARD_PATH, ...bullBoard(deps.queues, config.apiTokens));
  app.use(
    '/graphql',
    express.json({ limit: '256kb' }),
    expressMiddleware(apollo, {
      context: ({ req, res }) => {
        const header = req.header('x-request-id');
        const requestId = header && REQUEST_ID.test(header) ? header : randomUUID();
        res.setHeader('x-request-id', requestId);
        const principal = authenticate(req.header('authorization'), config.apiTokens);
        return Promise.resolve({
          ...deps,
          requestId,
          principal,
          clientAddress: req.socket.remoteAddress ?? 'unknown',
        });
      },
    }),
  );

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(options.port, options.host, () => {
      httpServer.off('error', reject);
      resolve();
    });
  });
  const address = httpServer.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const shownHost = host === '0.0.0.0' || host === '[::]' ? 'localhost' : host;
  return {
    url: `http://${shownHost}:${address.port}/graphql`,
    wsUrl: `ws://${shownHost}:${address.port}/graphql`,
    async stop() {
      // Apollo's drain plugin stops accepting, waits for in-flight requests, then disposes graphql-ws.
      await apollo.stop();
      await new Promise<void>((resolve) => wsServer.close(() => resolve()));
    },
  };
}
