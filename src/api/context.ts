import type { Actor, AuditTrail } from '../audit/trail.js';
import type { Config, Principal } from '../config.js';
import type { EnqueueTest } from '../connection-tests/service.js';
import type { DataSourceService } from '../datasources/service.js';
import type { Events } from '../events.js';
import type { Database } from '../lib/db.js';
import type { Logger } from '../lib/logger.js';
import type { Metrics } from '../lib/metrics.js';
import type { Queues } from '../lib/queues.js';
import type { SecretBox } from '../secrets/secret-box.js';
import { ANONYMOUS, requireAdmin } from './auth.js';
import type { RateLimits } from './rate-limits.js';

/** What the API needs from the rest of the service; main.ts and the tests build it. */
export interface ApiDeps {
  config: Config;
  db: Database;
  secrets: SecretBox;
  events: Events;
  queues: Queues;
  dataSources: DataSourceService;
  enqueueTest: EnqueueTest;
  logger: Logger;
  metrics: Metrics;
  audit: AuditTrail;
  rateLimits: RateLimits;
}

/** Per request (HTTP) or per operation (WebSocket). */
export interface ApiContext extends ApiDeps {
  requestId: string;
  /** Who the request acts as (its token's name and role). */
  principal: Principal;
  /** The client's address as the socket saw it (audit trail). */
  clientAddress: string;
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
  await ctx.rateLimits.consume('mutations', key);
  if (options.startsTest) await ctx.rateLimits.consume('tests', key);
}
