import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type Request, type Response } from 'express';
import { execute, GraphQLError } from 'graphql';
import { CloseCode } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { Principal } from '../config.js';
import { AppError } from '../errors.js';
import { bullBoard, BULL_BOARD_PATH } from './admin.js';
import { authenticate } from './auth.js';
import { contextOf, type ApiContext, type ApiDeps } from './context.js';
import { bullBoardHeaders, consoleRouter } from './console.js';
import { formatError, httpErrorHandler, toClientError } from './errors.js';
import { createOperationGuard, operationGuardPlugin, tokenLimit } from './operation-guard.js';
import { listenHost, refuseForeignHosts } from './open-mode.js';
import { httpTiming, opsRouter } from './ops.js';
import { buildApiSchema } from './schema.js';
import { createSessions } from './session.js';
import { sharedSubscribe } from './shared-subscriptions.js';
import { traceGraphQLRequests, traced, tracingPlugin } from './tracing.js';
import { createWsAdmission, WS_MAX_PAYLOAD } from './ws-admission.js';

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

/** The client's X-Request-Id when it is a sane one, else a new id; echoed in the response. */
function requestIdOf(req: Request, res: Response): string {
  const header = req.header('x-request-id');
  const requestId = header && REQUEST_ID.test(header) ? header : randomUUID();
  res.setHeader('x-request-id', requestId);
  return requestId;
}

/**
 * GraphQL over HTTP and graphql-ws on one server and one path, /graphql; /healthz, /readyz and
 * /metrics; Bull Board at /admin/queues; the console at `/`.
 */
export async function createApiServer(deps: ApiDeps, options: ApiServerOptions): Promise<ApiServer> {
  const { config, logger } = deps;
  const schema = await buildApiSchema();
  const open = config.apiTokens.size === 0;
  const app = express();
  app.disable('x-powered-by');
  app.use(httpTiming(deps.metrics));
  if (open) app.use(refuseForeignHosts());
  const httpServer = http.createServer(app);

  const guard = createOperationGuard(schema, {
    limits: config.queryLimits,
    production: config.env === 'production',
  });

  const wsServer = new WebSocketServer({ noServer: true, maxPayload: WS_MAX_PAYLOAD });
  wsServer.on('error', (error) => logger.error({ err: error }, 'websocket server error'));
  const admission = createWsAdmission({
    allowedOrigins: config.allowedOrigins,
    maxSockets: config.wsMaxSockets,
    maxSocketsPerToken: config.wsMaxSocketsPerToken,
    maxOperationsPerSocket: config.wsMaxSubscriptionsPerSocket,
    loopbackHostsOnly: open,
    logger,
  });
  const detachUpgrades = admission.attach(httpServer, wsServer, '/graphql');
  const principals = new WeakMap<object, Principal>();
  const publicError = (error: GraphQLError) => toClientError(error, randomUUID(), logger);
  const wsCleanup = useServer<Record<string, unknown>>(
    {
      schema,
      execute: traced(execute),
      // One execution per event and distinct operation, whatever the number of its subscribers.
      // Results depend on who asks only through the principal (its role, its name).
      subscribe: traced(sharedSubscribe((context) => JSON.stringify((context as ApiContext).principal))),
      onConnect: (ctx) => {
        let principal: Principal;
        try {
          principal = authenticate(ctx.connectionParams?.authorization, config.apiTokens);
        } catch (error) {
          const message = error instanceof GraphQLError ? error.message : 'Unauthenticated';
          ctx.extra.socket.close(CloseCode.Unauthorized, `UNAUTHENTICATED: ${message}`.slice(0, 120));
          return false;
        }
        if (!admission.admitToken(ctx.extra.socket, principal.name)) return false;
        principals.set(ctx, principal);
        return true;
      },
      // Everything the HTTP path checks, checked the same way (the guard) before anything runs.
      onSubscribe: (ctx, id, payload) => {
        const refused = admission.admitOperation(ctx.extra.socket, id, Object.keys(ctx.subscriptions).length);
        if (refused) return refused;
        const document = guard.parse(payload.query);
        if (document instanceof GraphQLError) return [document];
        const errors = guard.check({
          document,
          operationName: payload.operationName,
          variables: payload.variables,
        });
        if (errors.length > 0) return errors;
        return { schema, document, operationName: payload.operationName, variableValues: payload.variables };
      },
      context: (ctx): ApiContext => {
        const principal = principals.get(ctx);
        // onConnect admitted every socket that gets here; a missing entry would be a bug, so deny.
        if (!principal) throw new AppError('UNAUTHENTICATED', 'The connection was not authenticated');
        return contextOf(deps, {
          requestId: randomUUID(),
          principal,
          clientAddress: ctx.extra.request.socket.remoteAddress ?? 'unknown',
        });
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
    // The operation guard validates instead, with graphql-ws's rules (see operationGuardPlugin).
    dangerouslyDisableValidation: true,
    // tokenLimit has counted already; this only keeps Apollo's parse bounded should it ever not have.
    parseOptions: { maxTokens: config.queryLimits.tokens },
    // main.ts owns the signals; Apollo's own handlers (on outside NODE_ENV=test) would race with it.
    stopOnTerminationSignals: false,
    logger: { debug: () => {}, info: () => {}, warn: (m) => logger.warn(m), error: (m) => logger.error(m) },
    plugins: [
      tracingPlugin,
      operationGuardPlugin(guard),
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
  // The console's session cookie opens Bull Board in a browser (session.ts).
  const sessions = await createSessions({
    tokens: config.apiTokens,
    events: deps.events,
    revocations: deps.sessionRevocations,
    logger,
  });
  app.use(sessions.router);
  app.use(
    BULL_BOARD_PATH,
    bullBoardHeaders,
    ...bullBoard(deps.operations.boardQueues(), config.apiTokens, (req) => sessions.principalOf(req)),
  );
  app.use(
    '/graphql',
    express.json({ limit: '256kb' }),
    tokenLimit(guard),
    // After the body is read: body-parser's stream events would not carry the span's context.
    traceGraphQLRequests,
    expressMiddleware(apollo, {
      context: ({ req, res }) => {
        const requestId = requestIdOf(req, res);
        const principal = authenticate(req.header('authorization'), config.apiTokens);
        return Promise.resolve(
          contextOf(deps, { requestId, principal, clientAddress: req.socket.remoteAddress ?? 'unknown' }),
        );
      },
    }),
  );
  // The console (web/) at `/`, after every API path.
  app.use(consoleRouter());
  // Last: whatever an Express route or middleware (body-parser) passes on as an error.
  app.use(httpErrorHandler(logger, requestIdOf));

  const host = listenHost(options.host, open, logger);
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(options.port, host, () => {
      httpServer.off('error', reject);
      resolve();
    });
  });
  const address = httpServer.address() as AddressInfo;
  const boundHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const shownHost = boundHost === '0.0.0.0' || boundHost === '[::]' ? 'localhost' : boundHost;
  return {
    url: `http://${shownHost}:${address.port}/graphql`,
    wsUrl: `ws://${shownHost}:${address.port}/graphql`,
    async stop() {
      // Apollo's drain plugin stops accepting, waits for in-flight requests, then disposes graphql-ws.
      await apollo.stop();
      detachUpgrades();
      await new Promise<void>((resolve) => wsServer.close(() => resolve()));
      await sessions.close();
    },
  };
}
