import type { ApolloServerPlugin } from '@apollo/server';
import { context, propagation, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import type { RequestHandler } from 'express';
import { getOperationAST, type ExecutionArgs, type ExecutionResult, type GraphQLError } from 'graphql';
import { AppError } from '../errors.js';
import { ATTR, inSpan, tracer } from '../lib/tracing.js';

/**
 * A span per GraphQL operation, over HTTP and over graphql-ws. It names the operation's type and name
 * and, on failure, the first error's code: never the document, the variables (passwords), headers
 * (tokens) or error messages. Resolvers run inside it, so that what they start (a queued test) is its
 * child.
 */

/** Codes that are the service's failure, not the client's. */
const SERVER_FAULTS = new Set(['INTERNAL_SERVER_ERROR', 'SERVICE_UNAVAILABLE']);

function describeOperation(span: Span, type: string, name: string | null | undefined): void {
  span.updateName(name ? `${type} ${name}` : type);
  span.setAttributes({
    'graphql.operation.type': type,
    ...(name ? { 'graphql.operation.name': name } : {}),
  });
}

function recordCodes(span: Span, codes: readonly unknown[]): void {
  const code = codes.find((value): value is string => typeof value === 'string');
  if (!code) return;
  span.setAttribute(ATTR.errorCode, code);
  if (codes.some((value) => typeof value === 'string' && SERVER_FAULTS.has(value)))
    span.setStatus({ code: SpanStatusCode.ERROR });
}

/**
 * HTTP: the request's span, active for everything Apollo then does. It continues a caller's W3C
 * `traceparent`; the Apollo plugin below names it once the operation is known.
 */
export const traceGraphQLRequests: RequestHandler = (req, res, next) => {
  const parent = propagation.extract(context.active(), req.headers);
  const attributes = { 'http.request.method': req.method, 'http.route': '/graphql' };
  tracer.startActiveSpan('graphql', { kind: SpanKind.SERVER, attributes }, parent, (span) => {
    res.once('close', () => {
      span.setAttribute('http.response.status_code', res.statusCode);
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    });
    next();
  });
};

/** Names the HTTP request's span after its operation, and records its errors' codes. */
export const tracingPlugin: ApolloServerPlugin = {
  requestDidStart: () =>
    Promise.resolve({
      didResolveOperation: ({ operation, operationName }) => {
        const span = trace.getActiveSpan();
        if (span && operation) describeOperation(span, operation.operation, operationName);
        return Promise.resolve();
      },
      willSendResponse: ({ response }) => {
        const span = trace.getActiveSpan();
        if (span && response.body.kind === 'single') {
          recordCodes(
            span,
            (response.body.singleResult.errors ?? []).map((error) => error.extensions?.code),
          );
        }
        return Promise.resolve();
      },
    }),
};

/** The code a raw (not yet formatted) error will reach the client with. */
const codeOf = (error: GraphQLError): unknown =>
  error.originalError instanceof AppError
    ? error.originalError.code
    : (error.extensions.code ?? 'INTERNAL_SERVER_ERROR');

/**
 * graphql-ws: `execute` and `subscribe` each in a span of their own. A subscription's span covers
 * its start (up to its first result stream), not its life.
 */
export function traced<R extends object>(run: (args: ExecutionArgs) => R | Promise<R | ExecutionResult>) {
  return (args: ExecutionArgs) => {
    const operation = getOperationAST(args.document, args.operationName);
    return inSpan('graphql', { kind: SpanKind.SERVER }, async (span) => {
      describeOperation(span, operation?.operation ?? 'unknown', operation?.name?.value);
      const result = await run(args);
      if ('errors' in result && result.errors) recordCodes(span, result.errors.map(codeOf));
      return result;
    });
  };
}
