import { and, eq, inArray } from 'drizzle-orm';
import type { ServiceQueues } from '../jobs/catalog.js';
import type { Database } from '../lib/db.js';
import { dataSources } from '../schema/index.js';
import { BEATING_STATES, INSTALLING_STATES } from './state.js';

/** One BullMQ job scheduler per beating data source: one beat per interval, whatever the workers. */
export const beatSchedulerId = (dataSourceId: string) => `beat-${dataSourceId}`;

/** Beats every interval from one interval on (the install writes the first beat itself). */
export function startBeats(
  queues: ServiceQueues,
  dataSourceId: string,
  intervalSeconds: number,
): Promise<void> {
  const everyMs = intervalSeconds * 1000;
  const firstAt = new Date(Date.now() + everyMs);
  return queues.repeat('heartbeat-beat', { dataSourceId }, beatSchedulerId(dataSourceId), everyMs, firstAt);
}

export function stopBeats(queues: ServiceQueues, dataSourceId: string): Promise<void> {
  return queues.stopRepeating('heartbeat-beat', beatSchedulerId(dataSourceId));
}

/** The install job of a data source after its test `testId` (one per test, so a retest installs again). */
export function queueInstall(
  queues: ServiceQueues,
  dataSourceId: string,
  testId: string | null,
): Promise<void> {
  return queues.add('heartbeat-install', { dataSourceId }, `install-${dataSourceId}-${testId ?? 'none'}`);
}

/**
 * Makes the beat schedulers match the metadata store: every data source in a beating state has one,
 * nothing else does; a heartbeat waiting for its install gets the job again. Idempotent, so any number
 * of workers may run it at once (the `reconcile` job, and every worker's start).
 */
export async function reconcileBeats(
  db: Database,
  queues: ServiceQueues,
  intervalSeconds: number,
): Promise<void> {
  const passedWithHeartbeat = and(
    eq(dataSources.heartbeatEnabled, true),
    eq(dataSources.connectionStatus, 'PASSED'),
  );
  const beating = await db
    .select({ id: dataSources.id })
    .from(dataSources)
    .where(and(passedWithHeartbeat, inArray(dataSources.heartbeatState, [...BEATING_STATES])));
  const wanted = new Set(beating.map((row) => beatSchedulerId(row.id)));
  const existing = new Set(await queues.repeating('heartbeat-beat'));
  for (const row of beating) {
    if (!existing.has(beatSchedulerId(row.id))) await startBeats(queues, row.id, intervalSeconds);
  }
  for (const id of existing) {
    if (!wanted.has(id)) await queues.stopRepeating('heartbeat-beat', id);
  }

  const waiting = await db
    .select({ id: dataSources.id, lastTestId: dataSources.lastTestId })
    .from(dataSources)
    .where(and(passedWithHeartbeat, inArray(dataSources.heartbeatState, [...INSTALLING_STATES])));
  for (const row of waiting) await queueInstall(queues, row.id, row.lastTestId);
}
