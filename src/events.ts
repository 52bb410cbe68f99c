import type { ConnectionTestView } from './connection-tests/service.js';
import type { DataSourceView } from './datasources/model.js';
import type { EventBus } from './lib/pubsub.js';

export type DataSourceEventKind =
  'CREATED' | 'UPDATED' | 'DELETED' | 'TEST_STARTED' | 'TEST_FINISHED' | 'HEARTBEAT_CHANGED';

/** On the wire as JSON; `dataSource` is null for DELETED. */
export interface DataSourceEventMessage {
  kind: DataSourceEventKind;
  dataSourceId: string;
  dataSource: DataSourceView | null;
  at: string;
}

/** Every topic of the service's event bus and the message it carries. */
export interface Topics extends Record<string, unknown> {
  dataSourceEvents: DataSourceEventMessage;
  /** Every change of a connection test, as the test now stands. */
  connectionTests: ConnectionTestView;
}

export type Events = EventBus<Topics>;

export function publishDataSourceEvent(
  events: Events,
  kind: DataSourceEventKind,
  id: string,
  view: DataSourceView | null,
) {
  events.publish('dataSourceEvents', id, {
    kind,
    dataSourceId: id,
    dataSource: view,
    at: new Date().toISOString(),
  });
}
