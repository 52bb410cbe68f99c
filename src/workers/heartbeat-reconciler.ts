import { and, eq, inArray } from 'drizzle-orm';
import { shouldBeatWhere, type HeartbeatDeps } from '../heartbeat/heartbeat.js';
import type { Queues } from '../lib/queues.js';
import { dataSources } from '../schema/index.js';
import { beatSchedulerId, startBeating } from './heartbeat.handlers.js';

/**
 * Makes the beat schedulers in Redis match the metadata store: every data source that should be
 * beating has one, nothing else does; a heartbeat waiting for its install gets the job again. Runs at
 * worker start-up (so a restart, or a Redis that lost its keys, restores the beats) and then
 * periodically. Idempotent, so any number of workers may run it at once.
 */
export async function reconcileHeartbeats(deps: HeartbeatDeps & { queues: Queues }): Promise<void> {
  const beating = await deps.db.select({ id: dataSources.id }).from(dataSources).where(shouldBeatWhere);
  const wanted = new Set(beating.map((row) => beatSchedulerId(row.id)));
  const existing = new Set(await deps.queues.repeating('heartbeat-beat'));
  for (const row of beating) {
    if (!existing.has(beatSchedulerId(row.id))) await startBeating(deps, row.id);
  }
  for (const id of existing) {
    if (!wanted.has(id)) await deps.queues.stopRepeating('heartbeat-beat', id);
  }

  const waiting = await deps.db
    .select({ id: dataSources.id, lastTestId: dataSources.lastTestId })
    .from(dataSources)
    .where(
      and(
        eq(dataSources.heartbeatEnabled, true),
        eq(dataSources.connectionStatus, 'PASSED'),
        inArray(dataSources.heartbeatState, ['PENDING', 'INSTALLING']),
      ),
    );
  for (const row of waiting) {
    await deps.queues.add(
      'heartbeat-install',
      { dataSourceId: row.id },
      `install-${row.id}-${row.lastTestId ?? 'none'}`,
    );
  }
}
