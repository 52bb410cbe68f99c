import { EventEmitter } from 'node:events';
import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
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
  /**
   * Resolves once every value published so far has reached the transport, so that a subscription
   * started after it cannot receive them: a mutation awaits it before it answers. Never rejects.
   */
  published(): Promise<void>;
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
  // Replies come in command order on one connection: once the last PUBLISH answers, so have all before it.
  let lastPublish: Promise<unknown> = Promise.resolve();
  target.dispatchEvent = (event: Event) => {
    const detail = (event as CustomEvent).detail as unknown;
    lastPublish = publishClient.publish(event.type, JSON.stringify(detail)).catch((error: unknown) => {
      logger.warn({ topic: event.type, err: error }, 'event not published');
    });
    return true;
  };
  const bus: BusTarget = Object.assign(target, {
    // Replies come in command order on one connection: once PING answers, every SUBSCRIBE before it is in effect.
    ready: async () => {
      await subscribeClient.ping();
    },
    sent: () => lastPublish.then(() => undefined),
    close: () => Promise.resolve(),
  });
  return bus;
}

/** How many events a subscriber may be behind (a client that does not read) before it is ended. */
export const MAX_EVENTS_BEHIND = 1024;

export function createEventBus(options: { prefix: string; target: BusTarget }): EventBus {
  const { prefix, target } = options;
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
      target.dispatchEvent(new CustomEvent(channel(topic.name, id), { detail: wire }));
      if (!topic.byIdOnly) target.dispatchEvent(new CustomEvent(channel(topic.name), { detail: wire }));
    },
    /**
     * A listener on the target and a queue: the least a subscriber can cost, since an event reaches
     * every subscriber of its channel in turn (a thousand clients of one selection, issue 12).
     */
    subscribe<T, W>(topic: Topic<T, W>, id?: string) {
      if (topic.byIdOnly && id === undefined) throw new Error(`${topic.name} is followed by id only`);
      const name = channel(topic.name, id);
      const done = { done: true, value: undefined } as const;
      const queue: T[] = [];
      const waiting: ((result: IteratorResult<T>) => void)[] = [];
      let state: 'new' | 'listening' | 'ended' = 'new';
      const end = () => {
        if (state === 'listening') {
          target.removeEventListener(name, listener);
          subscribers -= 1;
        }
        state = 'ended';
        queue.length = 0;
        for (const resolve of waiting.splice(0)) resolve(done);
      };
      function listener(event: Event) {
        const value = decodeOnce(topic, (event as CustomEvent<W>).detail);
        const resolve = waiting.shift();
        if (resolve) resolve({ done: false, value });
        else if (queue.push(value) > MAX_EVENTS_BEHIND) end();
      }
      const iterator: AsyncIterableIterator<T> = {
        next() {
          if (state === 'new') {
            // The first next() listens; the transport subscribes at once (Redis SUBSCRIBE, LISTEN).
            state = 'listening';
            target.addEventListener(name, listener);
            subscribers += 1;
            started += 1;
            counter.emit('change');
          }
          if (queue.length > 0) return Promise.resolve({ done: false, value: queue.shift()! });
          if (state === 'ended') return Promise.resolve(done);
          return new Promise((resolve) => waiting.push(resolve));
        },
        return() {
          end();
          return Promise.resolve(done);
        },
        throw(error?: unknown) {
          end();
          return Promise.reject(error instanceof Error ? error : new Error(String(error)));
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
    published: () => target.sent(),
    subscribed,
    close() {
      counter.removeAllListeners();
      return target.close();
    },
  };
}
