import { defineTopic } from '../lib/pubsub.js';
import type { ConnectionTestView } from './model.js';

/** A test as JSON carries it: dates as ISO strings. */
type ConnectionTestWire = Omit<ConnectionTestView, 'queuedAt' | 'startedAt' | 'finishedAt'> & {
  queuedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
};

const date = (value: string | null) => (value === null ? null : new Date(value));

/** Every change of a connection test, as the test now stands, by test id (followed only by id). */
export const connectionTestChanges = defineTopic<ConnectionTestView, ConnectionTestWire>('connectionTests', {
  byIdOnly: true,
  encode: (test) => ({
    ...test,
    queuedAt: test.queuedAt.toISOString(),
    startedAt: test.startedAt?.toISOString() ?? null,
    finishedAt: test.finishedAt?.toISOString() ?? null,
  }),
  decode: (wire) => ({
    ...wire,
    queuedAt: new Date(wire.queuedAt),
    startedAt: date(wire.startedAt),
    finishedAt: date(wire.finishedAt),
  }),
});
