import type { HeartbeatService } from '../heartbeat/service.js';
import type { JobHandler } from '../jobs/catalog.js';
import { annotate, ATTR } from '../lib/tracing.js';

/** Job `heartbeat-install`: the table, the first beat, then a beat every interval. */
export const heartbeatInstallHandler = (heartbeat: HeartbeatService): JobHandler<'heartbeat-install'> => ({
  run: async ({ dataSourceId }) => annotate({ [ATTR.status]: await heartbeat.install(dataSourceId) }),
  exhausted: ({ dataSourceId }) => heartbeat.installExhausted(dataSourceId),
});

/** Job `heartbeat-beat`: one beat (a data source that should no longer beat loses its scheduler). */
export const heartbeatBeatHandler = (heartbeat: HeartbeatService): JobHandler<'heartbeat-beat'> => ({
  run: async ({ dataSourceId }) => annotate({ [ATTR.status]: await heartbeat.beat(dataSourceId) }),
});
