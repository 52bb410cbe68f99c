import { eq } from 'drizzle-orm';
import { beat, failInstall, install, type HeartbeatDeps } from '../heartbeat/heartbeat.js';
import type { Queues } from '../lib/queues.js';
import { dataSources } from '../schema/index.js';
import type { JobHandler } from '../jobs/catalog.js';

export const beatSchedulerId = (dataSourceId: string) => `beat-${dataSourceId}`;

type Deps = HeartbeatDeps & { queues: Queues };

export function startBeating(deps: Deps, dataSourceId: string): Promise<void> {
  return deps.queues.repeat(
    'heartbeat-beat',
    { dataSourceId },
    beatSchedulerId(dataSourceId),
    deps.heartbeatIntervalSeconds * 1000,
  );
}

/** Job `heartbeat-install`: the table, then a beat every interval (the first at once). */
export function heartbeatInstallHandler(deps: Deps): JobHandler<'heartbeat-install'> {
  return {
    async run({ dataSourceId }) {
      if ((await install(deps, dataSourceId)) === 'installed') await startBeating(deps, dataSourceId);
    },
    async exhausted({ dataSourceId }) {
      const [row] = await deps.db.select().from(dataSources).where(eq(dataSources.id, dataSourceId));
      if (row?.heartbeatState === 'INSTALLING') {
        await failInstall(
          deps,
          row,
          'drc.heartbeat could not be installed after several attempts: the data source was unreachable.',
        );
      }
    },
  };
}

/** Job `heartbeat-beat`: one beat; a data source that should no longer beat loses its scheduler. */
export function heartbeatBeatHandler(deps: Deps): JobHandler<'heartbeat-beat'> {
  return {
    async run({ dataSourceId }) {
      if ((await beat(deps, dataSourceId)) === 'stopped') {
        await deps.queues.stopRepeating('heartbeat-beat', beatSchedulerId(dataSourceId));
      }
    },
  };
}
