import type { DataSourceRow } from '../schema/index.js';
import { HEARTBEAT_TABLE, type DataSourceSpec, type DataSourceView } from './model.js';

/** A row's parameters, as validated and as tested. */
export function specOf(row: DataSourceRow): DataSourceSpec {
  return {
    identifier: row.identifier,
    type: row.type,
    region: row.region,
    databaseAttribute: row.databaseAttribute,
    host: row.host,
    port: row.port,
    standby:
      row.standbyHost !== null && row.standbyPort !== null
        ? { host: row.standbyHost, port: row.standbyPort }
        : null,
    username: row.username,
    databaseName: row.databaseName,
    schemaName: row.schemaName,
    remarks: row.remarks,
    sslMode: row.sslMode,
    heartbeatEnabled: row.heartbeatEnabled,
  };
}

/** The public face of a row: everything but the password's ciphertext. */
export function toView(row: DataSourceRow, heartbeatIntervalSeconds: number): DataSourceView {
  return {
    ...specOf(row),
    id: row.id,
    hasPassword: row.passwordCiphertext.length > 0,
    heartbeat: {
      enabled: row.heartbeatEnabled,
      state: row.heartbeatState,
      table: HEARTBEAT_TABLE,
      intervalSeconds: heartbeatIntervalSeconds,
      lastBeatAt: row.heartbeatLastBeatAt,
      lastError: row.heartbeatLastError,
      replicationLagSeconds: row.heartbeatReplicationLagSeconds,
    },
    connectionStatus: row.connectionStatus,
    lastTestId: row.lastTestId,
    version: row.version,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** Undoes what JSON did to a view's dates on its way through the event bus. */
export function reviveView(json: DataSourceView): DataSourceView {
  const date = (value: Date | string | null) => (value === null ? null : new Date(value));
  return {
    ...json,
    heartbeat: { ...json.heartbeat, lastBeatAt: date(json.heartbeat.lastBeatAt) },
    createdAt: new Date(json.createdAt),
    updatedAt: new Date(json.updatedAt),
  };
}
