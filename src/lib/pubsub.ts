import { EventEmitter } from 'node:events';
import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { createPubSub, type PubSub } from '@graphql-yoga/subscription';
import type { RedisClient } from './redis.js';
import type { Logger } from './logger.js';
import type { BusTarget } from './pg-event-target.js';

/**
 * A kind of event and how it travels: `encode` turns a value into the JSON sent between processes,
 * `decode` turns what arrives back into the value. The wire type says what really crosses (strings
 * for dates, no secrets), so no subscriber has to guess.
 */
export interface Topic<T, Wire = unknown> {
  readonly name: string;
  encode(value: T): Wire;
  decode(wire: Wire): T;
  /** Followed only by id: a value is published on its id's channel alone (half the messages). */
  readonly byIdOnly?: boolean;
}

export const defineTopic = <T, Wire>(
  name: string,
  codec: { encode(value: T): Wire; decode(wire: Wire): T; byIdOnly?: boolean },
): Topic<T, Wire> => ({ name, ...codec });

/**
 * Events between processes, over Redis pub/sub (redisBusTarget) or PostgreSQL LISTEN/NOTIFY
 * (lib/pg-event-target.ts): the transport is the target the bus is given, and nothing else knows.
 * Each message is decoded once per process, whatever its number of subscribers.
 */
export interface EventBus {
  publish<T, W>(topic: Topic<T, W>, id: string, value: T): void;
  /** Every value of `topic`, or only those published for `id` when given. */
  subscribe<T, W>(topic: Topic<T, W>, id?: string): AsyncIterableIterator<T>;
  /** Local subscribers right now. */
  readonly subscribers: number;
  /** Local subscriptions started since this bus was created; only ever grows. */
  readonly started: number;
  /** Resolves once `started` reaches `count` and the transport has confirmed those subscriptions. */
  waitForStarted(count: number): Promise<void>;
  /** Resolves once every subscription started so far is in effect (nothing published after is missed). */
  subscribed(): Promise<void>;
  close(): Promise<void>;
}

/** Redis pub/sub as the bus's transport: separate publish and subscribe clients. */
export function redisBusTarget(options: {
  publishClient: RedisClient;
  subscribeClient: RedisClient;
  logger: Logger;
}): BusTarget {
  const { publishClient, subscribeClient, logger } = options;
  const target = createRedisEventTarget<CustomEvent>({ publishClient, subscribeClient });
  // Publishing must never throw into the caller or reject unhandled: the mutation that produced the
  // event has already committed, and a Redis outage is reported by the redis client's own logging.
  target.dispatchEvent = (event: Event) => {
    const detail = (event as CustomEvent).detail as unknown;
    publishClient.publish(event.type, JSON.stringify(detail)).catch((error: unknown) => {
      logger.warn({ topic: event.type, err: error }, 'event not published');
    });
    return true;
  };
  const bus: BusTarget = Object.assign(target, {
    // Replies come in command order on one connection: once PING answers, every SUBSCRIBE before it is in effect.
    ready: async () => {
      await subscribeClient.ping();
    },
    close: () => Promise.resolve(),
  });
  return bus;
}

export function createEventBus(options: { prefix: string; target: BusTarget }): EventBus {
  const { prefix, target } = options;
  const pubSub: PubSub<Record<string, [unknown]>> = createPubSub({ eventTarget: target });
  const channel = (topic: string, id?: string) =>
    id === undefined ? `${prefix}:${topic}` : `${prefix}:${topic}:${id}`;
  const counter = new EventEmitter();
  const subscribed = () => target.ready();
  let subscribers = 0;
  let started = 0;

  // A message reaches every subscriber of its channel in this process as the same parsed object.
  const decoded = new WeakMap<object, unknown>();
  const decodeOnce = <T, W>(topic: Topic<T, W>, wire: W): T => {
    if (typeof wire !== 'object' || wire === null) return topic.decode(wire);
    if (!decoded.has(wire)) decoded.set(wire, topic.decode(wire));
    return decoded.get(wire) as T;
  };

  return {
    publish(topic, id, value) {
      const wire = topic.encode(value);
      // Published twice: once for subscribers of this id, once for those of every id (if it has any).
      pubSub.publish(channel(topic.name, id), wire);
      if (!topic.byIdOnly) pubSub.publish(channel(topic.name), wire);
    },
    subscribe<T, W>(topic: Topic<T, W>, id?: string) {
      if (topic.byIdOnly && id === undefined) throw new Error(`${topic.name} is followed by id only`);
      const source = pubSub.subscribe(channel(topic.name, id)) as AsyncIterableIterator<W>;
      let counted = false;
      const release = () => {
        if (!counted) return;
        counted = false;
        subscribers -= 1;
      };
      const done = { done: true, value: undefined } as const;
      const iterator: AsyncIterableIterator<T> = {
        next() {
          // The first next() starts the repeater, which issues Redis SUBSCRIBE synchronously.
          const result = source.next();
          if (!counted) {
            counted = true;
            subscribers += 1;
            started += 1;
            counter.emit('change');
          }
          return result.then((next) =>
            next.done ? done : { done: false, value: decodeOnce(topic, next.value) },
          );
        },
        async return() {
          release();
          await source.return?.();
          return done;
        },
        async throw(error?: unknown) {
          release();
          await source.return?.();
          throw error instanceof Error ? error : new Error(String(error));
        },
        [Symbol.asyncIterator]() {
          return iterator;
        },
      };
      return iterator;
    },
    get subscribers() {
      return subscribers;
    },
    get started() {
      return started;
    },
    async waitForStarted(count) {
      if (started < count) {
        await new Promise<void>((resolve) => {
          const check = () => {
            if (started < count) return;
            counter.off('change', check);
            resolve();
          };
          counter.on('change', check);
        });
      }
      await subscribed();
    },
    subscribed,
    close() {
      counter.removeAllListeners();
      return target.close();
    },
  };
}
