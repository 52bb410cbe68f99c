import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { AppError, type AppErrorCode } from '../errors.js';
import { isStoreUnavailable } from '../lib/db.js';
import type { Logger } from '../lib/logger.js';
import { isRedisUnavailable } from '../lib/redis.js';

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

/**
 * The one place errors become what clients see. Domain errors keep their code; the metadata store or
 * Redis being down is SERVICE_UNAVAILABLE; anything else is a bug: logged with the request id, and
 * masked so that no internal text (or secret) leaves the service.
 */
export function toPublicError(error: unknown, requestId: string, logger: Logger): GraphQLError {
  if (error instanceof AppError) return new GraphQLError(error.message, { extensions: extensionsOf(error) });
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

/**
 * Apollo's last word on every error of a response. Resolver errors were already mapped by the
 * middleware; this catches the rest (a thrown non-GraphQL error elsewhere) and strips anything
 * not meant for clients.
 */
export function formatError(formatted: GraphQLFormattedError): GraphQLFormattedError {
  const code = formatted.extensions?.code;
  if (typeof code === 'string' && PUBLIC_CODES.has(code)) {
    const { stacktrace: _stacktrace, exception: _exception, ...extensions } = formatted.extensions ?? {};
    return { ...formatted, extensions };
  }
  return {
    message: 'Internal server error',
    locations: formatted.locations,
    path: formatted.path,
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
  };
}
