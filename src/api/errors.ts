import type { ErrorRequestHandler, Request, Response } from 'express';
import { GraphQLError, Kind, type ASTNode, type GraphQLFormattedError } from 'graphql';
import { AppError, type AppErrorCode } from '../errors.js';
import type { Logger } from '../lib/logger.js';
import { isRedisUnavailable, isStoreUnavailable } from '../lib/failures.js';

/** Codes that clients may see as they are: ours (PRODUCT.md §6) and the GraphQL server's own. */
const PUBLIC_CODES = new Set<string>([
  'BAD_USER_INPUT',
  'IDENTIFIER_TAKEN',
  'NOT_FOUND',
  'VERSION_CONFLICT',
  'PASSWORD_REQUIRED',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'RATE_LIMITED',
  'QUERY_TOO_COMPLEX',
  'SERVICE_UNAVAILABLE',
  'INTERNAL_SERVER_ERROR',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  // A request body over express.json's limit (HTTP 413).
  'PAYLOAD_TOO_LARGE',
]);

function extensionsOf(error: AppError): Record<string, unknown> {
  const code: AppErrorCode = error.code;
  switch (code) {
    case 'BAD_USER_INPUT':
    case 'IDENTIFIER_TAKEN':
    case 'PASSWORD_REQUIRED':
      return { code, fields: error.fields };
    case 'NOT_FOUND':
    case 'VERSION_CONFLICT':
    case 'FORBIDDEN':
    case 'SERVICE_UNAVAILABLE':
      return { code };
    case 'UNAUTHENTICATED':
      return { code, http: { status: 401 } };
    case 'RATE_LIMITED':
    case 'QUERY_TOO_COMPLEX':
      return { code, ...error.details };
  }
}

/** A domain error as GraphQL carries it: its message, and the extensions its code calls for. */
export function fromAppError(error: AppError): GraphQLError {
  return new GraphQLError(error.message, { extensions: extensionsOf(error) });
}

/**
 * The one place errors become what clients see. Domain errors keep their code; the metadata store or
 * Redis being down is SERVICE_UNAVAILABLE; anything else is a bug: logged with the request id, and
 * masked so that no internal text (or secret) leaves the service.
 */
export function toPublicError(error: unknown, requestId: string, logger: Logger): GraphQLError {
  if (error instanceof AppError) return fromAppError(error);
  if (error instanceof GraphQLError) {
    if (error.originalError && !(error.originalError instanceof GraphQLError)) {
      const mapped = toPublicError(error.originalError, requestId, logger);
      return new GraphQLError(mapped.message, {
        nodes: error.nodes,
        source: error.source,
        positions: error.positions,
        path: error.path,
        extensions: mapped.extensions,
      });
    }
    if (typeof error.extensions.code === 'string' && PUBLIC_CODES.has(error.extensions.code)) return error;
  }
  if (isStoreUnavailable(error) || isRedisUnavailable(error)) {
    logger.warn({ requestId, err: error }, 'dependency unavailable');
    return new GraphQLError(
      'The service is temporarily unavailable (metadata store or Redis); try again shortly',
      {
        extensions: { code: 'SERVICE_UNAVAILABLE', requestId },
      },
    );
  }
  logger.error({ requestId, err: error }, 'unexpected error');
  return new GraphQLError(`Internal server error (request id ${requestId})`, {
    extensions: { code: 'INTERNAL_SERVER_ERROR', requestId },
  });
}

/** Value nodes whose literal graphql-js quotes in its message when the value has the wrong type. */
const LITERAL_KINDS = new Set<string>([
  Kind.INT,
  Kind.FLOAT,
  Kind.STRING,
  Kind.BOOLEAN,
  Kind.ENUM,
  Kind.NULL,
]);

function firstNodeOf(error: unknown): ASTNode | undefined {
  if (!(error instanceof GraphQLError)) return undefined;
  const original = error.originalError instanceof GraphQLError ? error.originalError : undefined;
  return error.nodes?.[0] ?? original?.nodes?.[0];
}

/**
 * graphql-js syntax errors end with the offending token, value included (`found String "…"`), and
 * lexer errors quote the characters they stopped at: the kind of token and the position (in
 * `locations`) say enough, so the text goes.
 */
export function withoutTokenText(message: string): string {
  return message
    .replace(/ (Name|Int|Float|String|BlockString|Comment) "[\s\S]*"(\.?)$/, ' $1$2')
    .replace(/: "[\s\S]*"(\.?)$/, '$2');
}

/**
 * The net under the rule that no error echoes an input value. The operation guard and our own
 * coercion already write value-free messages (with `fields`); should an error that graphql-js
 * worded (it quotes the value) still get here, its message is replaced, judged by its AST node.
 */
function withoutInputValues(message: string, code: string, error: unknown, hasFields: boolean): string {
  if (code === 'GRAPHQL_PARSE_FAILED') return withoutTokenText(message);
  if (hasFields) return message;
  const node = firstNodeOf(error);
  // Execution's variable coercion (Apollo's UserInputError); validation's own errors about
  // variables ("is never used") quote no value.
  if (code === 'BAD_USER_INPUT' && node?.kind === Kind.VARIABLE_DEFINITION) {
    return `Variable "$${node.variable.name.value}" has a value of the wrong type`;
  }
  // ValuesOfCorrectTypeRule is the one rule that reports on a literal, and it quotes it.
  if (code === 'GRAPHQL_VALIDATION_FAILED' && node && LITERAL_KINDS.has(node.kind)) {
    return 'A value in the operation is not of the type its position expects';
  }
  return message;
}

/**
 * Apollo's last word on every error of a response, and graphql-ws's through `toClientError`.
 * Resolver errors were already mapped by the middleware; this catches the rest (a thrown non-GraphQL
 * error elsewhere), strips anything not meant for clients (stack traces, the `http` hint Apollo reads
 * before this), and keeps input values out of messages.
 */
export function formatError(formatted: GraphQLFormattedError, error?: unknown): GraphQLFormattedError {
  const code = formatted.extensions?.code;
  if (typeof code === 'string' && PUBLIC_CODES.has(code)) {
    const {
      stacktrace: _stacktrace,
      exception: _exception,
      http: _http,
      ...extensions
    } = formatted.extensions ?? {};
    const message = withoutInputValues(formatted.message, code, error, extensions.fields !== undefined);
    return { ...formatted, message, extensions };
  }
  return {
    message: 'Internal server error',
    locations: formatted.locations,
    path: formatted.path,
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
  };
}

/** An error as a client receives it, for the transports that format errors themselves (graphql-ws). */
export function toClientError(error: unknown, requestId: string, logger: Logger): GraphQLFormattedError {
  const mapped = toPublicError(error, requestId, logger);
  return formatError(mapped.toJSON(), mapped);
}

/** What body-parser (express.json) attaches to the errors it raises. */
interface BodyParserError {
  type?: unknown;
  status?: unknown;
  limit?: unknown;
}

/**
 * Errors that reach Express rather than Apollo: body-parser's refusals, and bugs in any route. Each
 * gets the JSON error shape GraphQL clients already read, never Express's HTML page (whose stack trace
 * quotes JSON.parse, which quotes the body), and at most one log line that carries nothing of the body.
 */
export function httpErrorHandler(
  logger: Logger,
  requestIdOf: (req: Request, res: Response) => string,
): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    // Too late for an answer of our own: Express's handler closes the connection.
    if (res.headersSent) return next(error);
    const requestId = requestIdOf(req, res);
    const { type, status, limit } = (
      typeof error === 'object' && error !== null ? error : {}
    ) as BodyParserError;
    const send = (statusCode: number, code: string, message: string, extra: Record<string, unknown> = {}) =>
      res.status(statusCode).json({ errors: [{ message, extensions: { code, ...extra } }] });
    if (type === 'entity.too.large') {
      logger.warn({ requestId, status: 413, limitBytes: limit }, 'request body over the size limit: refused');
      return send(
        413,
        'PAYLOAD_TOO_LARGE',
        `The request body is larger than the limit of ${String(limit)} bytes`,
      );
    }
    if (typeof status === 'number' && status >= 400 && status < 500) {
      // body-parser's message (and its `body` property) may hold part of the request: neither is logged.
      logger.info({ requestId, status, type }, 'malformed request refused');
      const message =
        type === 'entity.parse.failed'
          ? 'The request body is not valid JSON'
          : 'The request could not be read';
      return send(status, 'BAD_REQUEST', message);
    }
    logger.error({ requestId, err: error }, 'unexpected error');
    return send(500, 'INTERNAL_SERVER_ERROR', `Internal server error (request id ${requestId})`, {
      requestId,
    });
  };
}
