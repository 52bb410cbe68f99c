// What a failure of the metadata store or Redis looks like, so that callers can tell "the dependency
// is down" (SERVICE_UNAVAILABLE) from "the query was wrong", and find PostgreSQL's own error codes.

/** The PostgreSQL or socket error behind `error`, unwrapping drizzle's query error. */
export function pgErrorOf(
  error: unknown,
): { code?: string; constraint?: string; message?: string } | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== null && typeof current === 'object'; depth += 1) {
    const candidate = current as { code?: unknown; cause?: unknown };
    if (typeof candidate.code === 'string') return candidate as { code: string };
    current = candidate.cause;
  }
  return undefined;
}

// Class 08 (connection exception), 57P0x (shutdown, cannot connect now), 53300 and socket errors.
const UNAVAILABLE_CODES =
  /^(08...|57P0[1-4]|53300|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|EAI_AGAIN|EPIPE)$/;

/** True when the metadata store could not be reached, as opposed to a query being wrong. */
export function isStoreUnavailable(error: unknown): boolean {
  const pgError = pgErrorOf(error);
  if (pgError?.code !== undefined) return UNAVAILABLE_CODES.test(pgError.code);
  // node-postgres raises these two without a code; matching its own fixed text is the only way.
  const message =
    error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : '';
  return /^(timeout exceeded when trying to connect|Connection terminated)/.test(message);
}

/** True when a command failed because Redis could not be reached (as opposed to a wrong command). */
export function isRedisUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (
    typeof code === 'string' &&
    /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|EPIPE)$/.test(code)
  )
    return true;
  // ioredis raises these without a code: its offline-queue refusal, its retry limit, a closed client.
  return (
    error.name === 'MaxRetriesPerRequestError' ||
    /^(Stream isn't writeable|Connection is closed|redis not ready)/.test(error.message)
  );
}
