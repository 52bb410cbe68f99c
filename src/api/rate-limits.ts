import type { RedisClient } from '../lib/redis.js';
import type pg from 'pg';
import {
  RateLimiterMemory,
  RateLimiterPostgres,
  RateLimiterRedis,
  RateLimiterRes,
} from 'rate-limiter-flexible';
import { AppError } from '../errors.js';

export type RateLimitKind = 'mutations' | 'tests';

export interface RateLimits {
  /**
   * Counts one request of each kind for `key` (a token's name), as if asked in the order given:
   * RATE_LIMITED by the first limit that refuses, and a later kind's point taken meanwhile given back.
   * The limits are asked at once (one round trip to Redis rather than one per kind).
   */
  consume(kinds: readonly RateLimitKind[], key: string): Promise<void>;
}

const WHAT: Record<RateLimitKind, string> = {
  mutations: 'changes',
  tests: 'connection tests',
};

/**
 * Per-token limits on mutations and on connection tests (PRODUCT.md §5), counted in Redis so that
 * every API process shares them: without them the service is a password-guessing proxy (100 draft
 * tests with 100 passwords reach one target in half a second). While Redis is down, each process
 * falls back to counting alone (the insurance limiter) rather than refusing everything.
 */
export function createRateLimits(options: {
  /** Redis, or the metadata store's rate_limits table when there is no Redis. */
  store: { kind: 'redis'; redis: RedisClient; prefix: string } | { kind: 'postgres'; pool: pg.Pool };
  perMinute: Record<RateLimitKind, number>;
}): RateLimits {
  const { store } = options;
  const limiters = Object.fromEntries(
    (Object.keys(WHAT) as RateLimitKind[]).map((kind) => {
      const points = options.perMinute[kind];
      const common = {
        points,
        duration: 60,
        insuranceLimiter: new RateLimiterMemory({ points, duration: 60 }),
      };
      const limiter =
        store.kind === 'redis'
          ? new RateLimiterRedis({
              ...common,
              storeClient: store.redis,
              keyPrefix: `${store.prefix}:rate:${kind}`,
              rejectIfRedisNotReady: true,
            })
          : new RateLimiterPostgres({
              ...common,
              storeClient: store.pool,
              tableName: 'rate_limits',
              tableCreated: true,
              keyPrefix: `rate:${kind}`,
            });
      return [kind, limiter];
    }),
  ) as Record<RateLimitKind, RateLimiterRedis | RateLimiterPostgres>;

  return {
    async consume(kinds, key) {
      const taken = await Promise.allSettled(kinds.map((kind) => limiters[kind].consume(key)));
      const refused = taken.findIndex((result) => result.status === 'rejected');
      if (refused < 0) return;
      // As if asked in order, a later limit does not count a request that an earlier one refused. Its
      // point is given back whether it was refused or not (a refused request is counted too); a point
      // that cannot be given back lapses with its minute.
      const counted = kinds.filter((_, i) => {
        const result = taken[i]!;
        return i > refused && (result.status === 'fulfilled' || result.reason instanceof RateLimiterRes);
      });
      await Promise.all(counted.map((kind) => limiters[kind].reward(key, 1).catch(() => undefined)));
      const rejection = (taken[refused] as PromiseRejectedResult).reason as unknown;
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      throw AppError.rateLimited(
        WHAT[kinds[refused]!],
        Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)),
      );
    },
  };
}
