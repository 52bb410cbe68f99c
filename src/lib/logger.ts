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

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'data-source-service' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      serializers: { err: pino.stdSerializers.err },
    },
    destination,
  );
}
