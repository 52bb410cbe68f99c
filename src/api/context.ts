import type { Config, Principal } from '../config.js';
import type { EnqueueTest } from '../connection-tests/service.js';
import type { DataSourceService } from '../datasources/service.js';
import type { Events } from '../events.js';
import type { Database } from '../lib/db.js';
import type { Logger } from '../lib/logger.js';
import type { Metrics } from '../lib/metrics.js';
import type { Queues } from '../lib/queues.js';
import type { SecretBox } from '../secrets/secret-box.js';

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
}

/** Per request (HTTP) or per operation (WebSocket). */
export interface ApiContext extends ApiDeps {
  requestId: string;
  /** Who the request acts as (its token's name and role). */
  principal: Principal;
  /** The client's address as the socket saw it (audit trail). */
  clientAddress: string;
}
