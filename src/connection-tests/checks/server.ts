import type { EndpointRole } from '../../datasources/model.js';
import { TargetError } from '../../postgresql/errors.js';
import type { Query } from '../../postgresql/session.js';
import { passed, type CheckResult } from './check.js';

/** What SERVER reads of a server. */
export interface ServerFacts {
  version: string;
  versionNum: number;
  inRecovery: boolean;
  walLevel: string | null;
}

/** SERVER's catalogue read (sent ahead with the others': checks/endpoint.ts). */
export const serverRead = {
  text: `SELECT current_setting('server_version') AS version, current_setting('server_version_num')::int AS version_num,
            pg_is_in_recovery() AS in_recovery, current_setting('wal_level') AS wal_level`,
};

export async function readServer(query: Query): Promise<ServerFacts> {
  const [row] = await query<{
    version: string;
    version_num: number;
    in_recovery: boolean;
    wal_level: string;
  }>(serverRead.text);
  if (!row) throw new TargetError('NOT_POSTGRES');
  return {
    version: row.version,
    versionNum: row.version_num,
    inRecovery: row.in_recovery,
    walLevel: row.wal_level,
  };
}

/** SERVER: version ≥ 10, and the role the endpoint must have (the primary not in recovery, a standby in it). */
export function checkServer(facts: ServerFacts, role: EndpointRole): CheckResult<ServerFacts> {
  if (facts.versionNum < 100_000) throw new TargetError('UNSUPPORTED_VERSION', `PostgreSQL ${facts.version}`);
  if (role === 'PRIMARY' && facts.inRecovery)
    throw new TargetError(
      'ROLE_MISMATCH',
      'is a standby (in recovery), but this endpoint must be the primary',
    );
  if (role === 'STANDBY' && !facts.inRecovery)
    throw new TargetError(
      'ROLE_MISMATCH',
      'is a primary (not in recovery), but this endpoint must be a standby',
    );
  const described = facts.inRecovery ? 'standby (in recovery)' : 'primary';
  return passed(
    `PostgreSQL ${facts.version}, ${described}, wal_level ${facts.walLevel ?? 'unknown'}.`,
    facts,
  );
}
