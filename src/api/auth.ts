import { createHash, timingSafeEqual } from 'node:crypto';
import { GraphQLError } from 'graphql';
import type { Role } from '../config.js';
import { AppError } from '../errors.js';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * The role of the bearer token in an `Authorization` header value (HTTP header or graphql-ws
 * connectionParams.authorization). With no tokens configured (development only) the API is open.
 */
export function authenticate(authorization: unknown, tokens: ReadonlyMap<string, Role>): Role {
  if (tokens.size === 0) return 'admin';
  const match = typeof authorization === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(authorization) : null;
  if (match?.[1]) {
    const presented = digest(match[1]);
    // Compare against every token in constant time, so timing tells nothing about near misses.
    let role: Role | undefined;
    for (const [token, tokenRole] of tokens) {
      if (timingSafeEqual(presented, digest(token))) role = tokenRole;
    }
    if (role) return role;
  }
  throw new GraphQLError(
    match ? 'The API token is not valid' : 'An API token is required: send "Authorization: Bearer <token>"',
    { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } },
  );
}

export function requireAdmin(role: Role): void {
  if (role !== 'admin')
    throw new AppError('FORBIDDEN', 'This operation needs an admin token; yours is a viewer token');
}
