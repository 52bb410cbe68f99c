import { EventEmitter } from 'node:events';
import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { createPubSub, type PubSub } from '@graphql-yoga/subscription';
import type { Redis } from 'ioredis';
import type { Logger } from './logger.js';

/**
 * Events between processes travel over Redis pub/sub; this module is the only place that knows, so
 * that another transport (PostgreSQL LISTEN/NOTIFY, PRODUCT.md §4) replaces this file alone.
 * Messages are JSON: plain data, no secrets, no Date objects.
 */
export interface EventBus<Topics extends Record<string, unknown>> {
  publish<K extends keyof Topics & string>(topic: K, id: string, message: Topics[K]): void;
  /** Every message of `topic`, or only those published for `id` when given. */
  subscribe<K extends keyof Topics & string>(topic: K, id?: string): AsyncIterableIterator<Topics[K]>;
  /** Local subscribers right now. */
  readonly subscribers: number;
  /** Local subscriptions started since this bus was created; only ever grows. */
  readonly started: number;
  /** Resolves once `started` reaches `count` and Redis has confirmed those subscriptions. */
  waitForStarted(count: number): Promise<void>;
  close(): Promise<void>;
}

export function createEventBus<Topics extends Record<string, unknown>>(options: {
  prefix: string;
  publishClient: Redis;
  subscribeClient: Redis;
  logger: Logger;
}): EventBus<Topics> {
  const { prefix, publishClient, subscribeClient, logger } = options;
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
  const pubSub: PubSub<Record<string, [unknown]>> = createPubSub({ eventTarget: target });
  const channel = (topic: string, id?: string) =>
    id === undefined ? `${prefix}:${topic}` : `${prefix}:${topic}:${id}`;
  const counter = new EventEmitter();
  let subscribers = 0;
  let started = 0;

  return {
    publish(topic, id, message) {
      // Published twice: once for subscribers of this id, once for those of every id.
      pubSub.publish(channel(topic, id), message);
      pubSub.publish(channel(topic), message);
    },
    subscribe<K extends keyof Topics & string>(topic: K, id?: string) {
      const source = pubSub.subscribe(channel(topic, id)) as AsyncIterableIterator<Topics[K]>;
      let counted = false;
      const release = () => {
        if (!counted) return;
        counted = false;
        subscribers -= 1;
      };
      const iterator: AsyncIterableIterator<Topics[K]> = {
        next() {
          // The first next() starts the repeater, which issues Redis SUBSCRIBE synchronously.
          const result = source.next();
          if (!counted) {
            counted = true;
            subscribers += 1;
            started += 1;
            counter.emit('change');
          }
          return result;
        },
        return(value?: unknown) {
          release();
          return source.return ? source.return(value) : Promise.resolve({ done: true, value: undefined });
        },
        throw(error?: unknown) {
          release();
          return source.throw
            ? source.throw(error)
            : Promise.reject(error instanceof Error ? error : new Error(String(error)));
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
      // Replies come in command order on one connection: once PING answers, SUBSCRIBE is in effect.
      await subscribeClient.ping();
    },
    close() {
      counter.removeAllListeners();
      return Promise.resolve();
    },
  };
}
