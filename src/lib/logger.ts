import { isSpanContextValid, trace } from '@opentelemetry/api';
import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/**
 * Wherever a password or token could ride along in a logged object, pino replaces it. The service
 * never logs GraphQL variables or job payloads with secrets in the first place; this is the net
 * under that rule.
 */
export const REDACTED_PATHS = [
  'password',
  '*.password',
  '*.*.password',
  '*.*.*.password',
  'input.password',
  'variables.input.password',
  'variables.input.draft.password',
  'passwordCiphertext',
  '*.passwordCiphertext',
  'authorization',
  'req.headers.authorization',
  'headers.authorization',
  'connectionParams.authorization',
  'secretKey',
  '*.secretKey',
];

/**
 * A line written inside a traced operation (a GraphQL request, a job) names its trace and span, as
 * OpenTelemetry's log data model spells them, so that an operator goes from the line to the trace.
 * Without tracing (no SDK registered) there is no active span and nothing is added.
 */
function traceIds(): Record<string, string> {
  const ids = trace.getActiveSpan()?.spanContext();
  return ids && isSpanContextValid(ids) ? { trace_id: ids.traceId, span_id: ids.spanId } : {};
}

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'data-source-service' },
      mixin: traceIds,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      serializers: { err: pino.stdSerializers.err },
    },
    destination,
  );
}
