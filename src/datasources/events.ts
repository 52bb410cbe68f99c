import { defineTopic, type EventBus } from '../lib/pubsub.js';
import type { DataSourceView } from './model.js';

export const DATA_SOURCE_EVENT_KINDS = [
  'CREATED',
  'UPDATED',
  'DELETED',
  'TEST_STARTED',
  'TEST_FINISHED',
  'HEARTBEAT_CHANGED',
] as const;
export type DataSourceEventKind = (typeof DATA_SOURCE_EVENT_KINDS)[number];

export interface DataSourceEvent {
  kind: DataSourceEventKind;
  dataSourceId: string;
  /** Null for DELETED. */
  dataSource: DataSourceView | null;
  at: Date;
}

/** A view as JSON carries it: dates as ISO strings. */
type DataSourceViewWire = Omit<DataSourceView, 'createdAt' | 'updatedAt' | 'heartbeat'> & {
  heartbeat: Omit<DataSourceView['heartbeat'], 'lastBeatAt'> & { lastBeatAt: string | null };
  createdAt: string;
  updatedAt: string;
};

interface DataSourceEventWire {
  kind: DataSourceEventKind;
  dataSourceId: string;
  dataSource: DataSourceViewWire | null;
  at: string;
}

const encodeView = (view: DataSourceView): DataSourceViewWire => ({
  ...view,
  heartbeat: { ...view.heartbeat, lastBeatAt: view.heartbeat.lastBeatAt?.toISOString() ?? null },
  createdAt: view.createdAt.toISOString(),
  updatedAt: view.updatedAt.toISOString(),
});

const decodeView = (wire: DataSourceViewWire): DataSourceView => ({
  ...wire,
  heartbeat: {
    ...wire.heartbeat,
    lastBeatAt: wire.heartbeat.lastBeatAt === null ? null : new Date(wire.heartbeat.lastBeatAt),
  },
  createdAt: new Date(wire.createdAt),
  updatedAt: new Date(wire.updatedAt),
});

/** Every change of a data source (the contract's `dataSourceEvents`), by data source id. */
export const dataSourceEvents = defineTopic<DataSourceEvent, DataSourceEventWire>('dataSourceEvents', {
  encode: (event) => ({
    ...event,
    dataSource: event.dataSource && encodeView(event.dataSource),
    at: event.at.toISOString(),
  }),
  decode: (wire) => ({
    ...wire,
    dataSource: wire.dataSource && decodeView(wire.dataSource),
    at: new Date(wire.at),
  }),
});

export function publishDataSourceEvent(
  events: EventBus,
  kind: DataSourceEventKind,
  id: string,
  view: DataSourceView | null,
): void {
  events.publish(dataSourceEvents, id, { kind, dataSourceId: id, dataSource: view, at: new Date() });
}
