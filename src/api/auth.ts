import { createHash, timingSafeEqual } from 'node:crypto';
import { GraphQLError } from 'graphql';
import type { Principal, Role } from '../config.js';
import { AppError } from '../errors.js';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Who acts when no tokens are configured (development only): the API is open. */
export const ANONYMOUS: Principal = Object.freeze({ name: 'anonymous', role: 'admin' });

/**
 * Who the bearer token in an `Authorization` header value (HTTP header or graphql-ws
 * connectionParams.authorization) belongs to. With no tokens configured the API is open.
 */
export function authenticate(authorization: unknown, tokens: ReadonlyMap<string, Principal>): Principal {
  if (tokens.size === 0) return ANONYMOUS;
  const match = typeof authorization === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(authorization) : null;
  if (match?.[1]) {
    const presented = digest(match[1]);
    // Compare against every token in constant time, so timing tells nothing about near misses.
    let found: Principal | undefined;
    for (const [token, principal] of tokens) {
      if (timingSafeEqual(presented, digest(token))) found = principal;
    }
    if (found) return found;
  }
  throw new GraphQLError(
    match ? 'The API token is not valid' : 'An API token is required: send "Authorization: Bearer <token>"',
    { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } },
  );
}

export function requireAdmin({ role }: { role: Role }): void {
  if (role !== 'admin')
    throw new AppError('FORBIDDEN', 'This operation needs an admin token; yours is a viewer token');
}
