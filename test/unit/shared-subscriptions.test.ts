import { buildSchema, parse, type ExecutionResult } from 'graphql';
import { describe, expect, it } from 'vitest';
import { sharedSubscribe } from '../../src/api/shared-subscriptions.js';

// sharedSubscribe against graphql-js itself: a schema whose subscription streams the objects pushed
// to `emit`, the same object to every subscriber, as the event bus hands out one decoded event.
const schema = buildSchema(`
  type Query { ok: Boolean }
  type Event { value: Int, seenBy: String }
  type Subscription { events(times: Int): Event }
`);

function harness() {
  const streams = new Set<{ push(event: unknown): void; end(): void }>();
  const executions: { event: unknown; context: object }[] = [];
  const fields = schema.getSubscriptionType()!.getFields();
  // A queue per subscriber, as the event bus gives each one (lib/pubsub.ts).
  fields.events!.subscribe = () => {
    const queue: unknown[] = [];
    const waiting: ((result: IteratorResult<unknown>) => void)[] = [];
    const stream = {
      push: (event: unknown) => {
        const next = waiting.shift();
        if (next) next({ value: event, done: false });
        else queue.push(event);
      },
      end: () => {
        streams.delete(stream);
        for (const next of waiting.splice(0)) next({ value: undefined, done: true });
      },
    };
    streams.add(stream);
    const iterator: AsyncIterableIterator<unknown> = {
      next: () =>
        queue.length > 0
          ? Promise.resolve({ value: queue.shift(), done: false })
          : new Promise((resolve) => waiting.push(resolve)),
      return: () => (stream.end(), Promise.resolve({ value: undefined, done: true })),
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  };
  fields.events!.resolve = (event: number | { value: number }, args: { times?: number }, context: object) => {
    executions.push({ event, context });
    const value = typeof event === 'number' ? event : event.value;
    return { value: value * (args.times ?? 1), seenBy: (context as { who: string }).who };
  };
  const subscribe = sharedSubscribe((context) => (context as { who: string }).who);
  const document = parse('subscription($times: Int) { events(times: $times) { value seenBy } }');
  const start = async (who: string, times?: number) => {
    const stream = await subscribe({
      schema,
      document,
      contextValue: { who },
      variableValues: times === undefined ? {} : { times },
    });
    if (!(Symbol.asyncIterator in stream)) throw new Error(JSON.stringify(stream));
    return stream as AsyncIterableIterator<ExecutionResult>;
  };

  const emit = (event: unknown) => streams.forEach((stream) => stream.push(event));
  return { start, emit, executions, streams };
}

type Events = ExecutionResult<{ events: { value: number; seenBy: string } }>;
/** A subscriber's next result. */
const next = async (subscriber: AsyncIterableIterator<ExecutionResult>) =>
  (await subscriber.next()).value as Events;

describe('sharedSubscribe', () => {
  it('executes an event once for every subscriber of the same operation, and each gets the same result', async () => {
    const { start, emit, executions } = harness();
    const subscribers = await Promise.all([start('ada'), start('ada'), start('ada')]);
    const event = { value: 7 };
    emit(event);
    const results = await Promise.all(subscribers.map(next));
    expect(results).toEqual(Array(3).fill({ data: { events: { value: 7, seenBy: 'ada' } } }));
    expect(new Set(results).size).toBe(1);
    expect(executions).toHaveLength(1);
  });

  it('executes apart what differs: the variables, or who is asking', async () => {
    const { start, emit, executions } = harness();
    const subscribers = await Promise.all([
      start('ada', 2),
      start('ada', 3),
      start('bob', 2),
      start('ada', 2),
    ]);
    emit({ value: 5 });
    const values = (await Promise.all(subscribers.map(next))).map((r) => r.data?.events);
    expect(values).toEqual([
      { value: 10, seenBy: 'ada' },
      { value: 15, seenBy: 'ada' },
      { value: 10, seenBy: 'bob' },
      { value: 10, seenBy: 'ada' },
    ]);
    expect(executions).toHaveLength(3);
  });

  it('executes every event afresh, in a context of its own, and a value that is not a shared object per subscriber', async () => {
    const { start, emit, executions } = harness();
    const [first, second] = await Promise.all([start('ada'), start('ada')]);
    emit({ value: 1 });
    emit({ value: 2 });
    emit(3); // not an object: nothing to key a shared result on
    for (const s of [first, second]) {
      const seen = [await next(s), await next(s), await next(s)].map((r) => r.data?.events);
      expect(seen).toEqual([1, 2, 3].map((value) => ({ value, seenBy: 'ada' })));
    }
    // Two shared events, then the number once per subscriber.
    expect(executions).toHaveLength(4);
    const contexts = new Set(executions.map((e) => e.context));
    expect(contexts.size).toBe(4);
  });

  it('closes the source when a subscriber returns', async () => {
    const { start, streams } = harness();
    const subscriber = await start('ada');
    const pending = subscriber.next();
    expect(streams.size).toBe(1);
    await subscriber.return?.();
    expect(streams.size).toBe(0);
    await expect(pending).resolves.toMatchObject({ done: true });
  });
});
