import type { Actor, AuditTrail } from '../audit/trail.js';
import type { Config, Principal } from '../config.js';
import type { ConnectionTestView } from '../connection-tests/model.js';
import type { ConnectionTestService } from '../connection-tests/service.js';
import type { DataSourceService } from '../datasources/service.js';
import type { Logger } from '../lib/logger.js';
import type { Metrics } from '../lib/metrics.js';
import type { EventBus } from '../lib/pubsub.js';
import type { OperationsService } from '../operations/service.js';
import type { SessionRevocations } from '../operations/session-revocations.js';
import { ANONYMOUS, requireAdmin } from './auth.js';
import type { RateLimits } from './rate-limits.js';

/** The domain as resolvers reach it: services and the event bus, never the database or the secrets. */
export interface ApiServices {
  dataSources: DataSourceService<ConnectionTestView>;
  connectionTests: ConnectionTestService;
  operations: OperationsService;
  audit: AuditTrail;
  rateLimits: RateLimits;
  events: EventBus;
  /** Signed-out console sessions (session.ts). */
  sessionRevocations: SessionRevocations;
}

/** What the API server needs; app.ts and the tests build it. */
export interface ApiDeps extends ApiServices {
  config: Config;
  logger: Logger;
  metrics: Metrics;
}

/** Per request (HTTP) or per operation (WebSocket). */
export interface ApiContext extends ApiServices {
  config: Config;
  logger: Logger;
  requestId: string;
  /** Who the request acts as (its token's name and role). */
  principal: Principal;
  /** The client's address as the socket saw it (audit trail). */
  clientAddress: string;
}

/** A request's context: the services, and who is asking. */
export function contextOf(
  deps: ApiDeps,
  request: { requestId: string; principal: Principal; clientAddress: string },
): ApiContext {
  const { metrics: _metrics, ...services } = deps;
  return { ...services, ...request };
}

/** The request's actor for the audit trail. */
export const actorOf = (ctx: ApiContext): Actor => ({
  name: ctx.principal.name,
  requestId: ctx.requestId,
  clientAddress: ctx.clientAddress,
});

/**
 * A mutation's admission: an admin token, then its token's rate limits (PRODUCT.md §5): every
 * mutation counts as a change, and one that starts a connection test counts as a test too. The open
 * development mode has one anonymous principal, so there the client's address is the key.
 */
export async function admitMutation(ctx: ApiContext, options: { startsTest: boolean }): Promise<void> {
  requireAdmin(ctx.principal);
  const key = ctx.principal === ANONYMOUS ? `address:${ctx.clientAddress}` : `token:${ctx.principal.name}`;
  await ctx.rateLimits.consume(options.startsTest ? ['mutations', 'tests'] : ['mutations'], key);
}
