import type { EndpointRole } from '../../datasources/model.js';
import { heartbeatAccess, inspectDrc } from '../../heartbeat/sql.js';
import { TargetError } from '../../postgresql/errors.js';
import type { Query } from '../../postgresql/session.js';
import { passed, skipped, type CheckResult } from './check.js';

/** HEARTBEAT, when it is on and on the primary: the user can create schema drc, or write drc.heartbeat. */
export async function checkHeartbeat(
  query: Query,
  params: { enabled: boolean; role: EndpointRole; username: string; databaseName: string },
): Promise<CheckResult<undefined>> {
  if (!params.enabled) return skipped('The heartbeat is off for this data source.');
  if (params.role === 'STANDBY') return skipped('The heartbeat is written on the primary only.');
  const access = heartbeatAccess(await inspectDrc(query), params.username, params.databaseName);
  if (!access.allowed) throw new TargetError('PERMISSION_DENIED', access.detail, access.grant);
  return passed(access.message, undefined);
}
