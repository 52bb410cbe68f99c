import { describe, expect, it } from 'vitest';
import { createEventBus, defineTopic, MAX_EVENTS_BEHIND } from '../../src/lib/pubsub.js';

// The bus's own bookkeeping over an in-process EventTarget; the transports (Redis, PostgreSQL) are
// covered by the integration tests of events (test/api/events.test.ts, on both).
const inProcess = () =>
  Object.assign(new EventTarget(), {
    ready: () => Promise.resolve(),
    sent: () => Promise.resolve(),
    close: () => Promise.resolve(),
  });
const numbers = defineTopic<{ n: number }, { n: number }>('numbers', {
  encode: (value) => value,
  decode: (wire) => ({ n: wire.n }),
});

describe('the event bus', () => {
  it('gives each subscriber every value in order, one decoded object for all of them', async () => {
    const bus = createEventBus({ prefix: 'p', target: inProcess() });
    const [a, b] = [bus.subscribe(numbers), bus.subscribe(numbers)];
    const firstA = a.next();
    const firstB = b.next();
    expect(bus.subscribers).toBe(2);
    bus.publish(numbers, 'x', { n: 1 });
    bus.publish(numbers, 'x', { n: 2 });
    const one = (await firstA).value as { n: number };
    const oneAgain = (await firstB).value as { n: number };
    expect(one).toEqual({ n: 1 });
    expect(one).toBe(oneAgain);
    expect((await a.next()).value).toEqual({ n: 2 });
    await a.return?.();
    await b.return?.();
    expect(bus.subscribers).toBe(0);
  });

  it(`ends a subscriber that is more than ${MAX_EVENTS_BEHIND} values behind, and only that one`, async () => {
    const bus = createEventBus({ prefix: 'p', target: inProcess() });
    const stuck = bus.subscribe(numbers, 'x');
    const reading = bus.subscribe(numbers, 'x');
    const stuckFirst = stuck.next(); // takes the first value, then reads nothing more
    for (let n = 0; n <= MAX_EVENTS_BEHIND + 1; n += 1) {
      const next = reading.next();
      bus.publish(numbers, 'x', { n });
      expect((await next).value).toEqual({ n });
    }
    expect((await stuckFirst).value).toEqual({ n: 0 });
    expect(await stuck.next()).toEqual({ done: true, value: undefined });
    expect(bus.subscribers).toBe(1);
    await reading.return?.();
    expect(bus.subscribers).toBe(0);
  });
});
