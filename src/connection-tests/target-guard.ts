import { createHash } from 'node:crypto';
import net from 'node:net';
import type { RedisClient } from '../lib/redis.js';
import ipaddr from 'ipaddr.js';
import type pg from 'pg';
import { RateLimiterPostgres, RateLimiterRedis } from 'rate-limiter-flexible';

/** A database server connection tests reach. */
export interface TargetAddress {
  host: string;
  port: number;
}

/** One login on a target. */
export interface TargetAccount extends TargetAddress {
  username: string;
}

/** Slots held by one test, until release(). */
export interface TargetLease {
  readonly id: string;
  readonly targets: readonly TargetAddress[];
}

/**
 * What keeps connection tests from hurting the databases they test (PRODUCT.md §5), shared by every
 * worker process: at most a few tests of one target at a time, so that a black-holed host cannot take
 * every worker, and no more logins to an account after repeated authentication failures, so that
 * tests neither lock the account out (servers with a lockout policy) nor serve to guess its password.
 * The runner knows only this interface; Redis is one implementation (a PostgreSQL one can follow,
 * PRODUCT.md §4).
 */
export interface TargetGuard {
  /**
   * A slot on every one of `targets` for `holder` (a test id), or on none: undefined when one of them
   * has no free slot. A holder that already has a slot keeps it: a test run again after its worker
   * died is not kept waiting by the lease that worker left behind.
   */
  acquire(holder: string, targets: readonly TargetAddress[]): Promise<TargetLease | undefined>;
  release(lease: TargetLease): Promise<void>;
  /**
   * The failed logins to this account that count now, and the milliseconds until logins may be tried
   * again (0 when they may now), in one look.
   */
  authFailures(account: TargetAccount): Promise<{ count: number; lockedForMs: number }>;
  authFailed(account: TargetAccount): Promise<void>;
  /** A login worked: the failures so far no longer count. */
  authSucceeded(account: TargetAccount): Promise<void>;
}

/** Where the guard keeps its counts: Redis, or the metadata store (no Redis). */
export type GuardStore =
  { kind: 'redis'; redis: RedisClient; prefix: string } | { kind: 'postgres'; pool: pg.Pool };

export interface TargetGuardOptions {
  store: GuardStore;
  /** TARGET_MAX_CONCURRENT_TESTS. */
  maxConcurrentTests: number;
  /** TEST_TIMEOUT_MS: a slot outlives a test by a margin, and lapses after a crashed worker. */
  testTimeoutMs: number;
  /** AUTH_FAILURE_LIMIT failures within AUTH_FAILURE_WINDOW_SECONDS lock the account's tests out. */
  authFailureLimit: number;
  authFailureWindowSeconds: number;
}

// A test stops contacting its target at TEST_TIMEOUT_MS (every socket is destroyed then); the margin
// covers loading the test before and recording it after.
const LEASE_MARGIN_MS = 10_000;

/**
 * One spelling per target: host names compare case-insensitively (and without a trailing dot), IP
 * literals in their canonical form, so that `DB.example.com` or `0:0::1` is not a way around a limit.
 */
function canonicalHost(host: string): string {
  if (net.isIP(host) !== 0) return ipaddr.parse(host).toString();
  return host.toLowerCase().replace(/\.$/, '');
}

// Hashed, so that Redis holds no host or user name in clear; JSON, so that no two (host, port,
// user) triples share a spelling (IPv6 hosts and user names may contain ':').
const hashOf = (parts: readonly (string | number)[]) =>
  createHash('sha256').update(JSON.stringify(parts)).digest('hex');

/**
 * Takes one slot on every key, or none. Each key is a sorted set of leases scored by their expiry,
 * judged by Redis's clock so that workers' clocks need not agree; expired leases (a crashed worker's)
 * are dropped first, and a holder's own lease is renewed rather than counted against it.
 * KEYS: one per target. ARGV: limit, lease ms, holder.
 */
const ACQUIRE = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local limit = tonumber(ARGV[1])
local lease = tonumber(ARGV[2])
for _, key in ipairs(KEYS) do
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now)
  if redis.call('ZCARD', key) >= limit and not redis.call('ZSCORE', key, ARGV[3]) then return 0 end
end
for _, key in ipairs(KEYS) do
  redis.call('ZADD', key, now + lease, ARGV[3])
  redis.call('PEXPIRE', key, lease)
end
return 1
`;

/** Slots on targets: take one on every key or none, give back, renewing a holder's own. */
interface Slots {
  take(keys: string[], holder: string, limit: number, leaseMs: number): Promise<boolean>;
  give(keys: string[], holder: string): Promise<void>;
}

function redisSlots(redis: RedisClient, prefix: string): Slots {
  const key = (target: string) => `${prefix}:target-guard:slots:${target}`;
  return {
    async take(keys, holder, limit, leaseMs) {
      return (await redis.eval(ACQUIRE, keys.length, ...keys.map(key), limit, leaseMs, holder)) === 1;
    },
    async give(keys, holder) {
      const pipeline = redis.pipeline();
      for (const target of keys) pipeline.zrem(key(target), holder);
      await pipeline.exec();
    },
  };
}

/**
 * The same in the metadata store: one transaction that locks the targets' keys (advisory locks, in a
 * fixed order, so two tests of the same two endpoints cannot deadlock), drops expired leases, counts,
 * and takes.
 */
function postgresSlots(pool: pg.Pool): Slots {
  return {
    async take(keys, holder, limit, leaseMs) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        for (const target of [...keys].sort()) {
          await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 7302114))', [target]);
        }
        await client.query('DELETE FROM target_slots WHERE target = ANY($1) AND expires_at <= now()', [keys]);
        const { rows } = await client.query<{ full: number }>(
          `SELECT count(*)::int AS full FROM unnest($1::text[]) AS k(target)
            WHERE (SELECT count(*) FROM target_slots s WHERE s.target = k.target AND s.holder <> $2) >= $3`,
          [keys, holder, limit],
        );
        if ((rows[0]?.full ?? 0) > 0) {
          await client.query('ROLLBACK');
          return false;
        }
        await client.query(
          `INSERT INTO target_slots (target, holder, expires_at)
           SELECT target, $2, now() + make_interval(secs => $3::float8 / 1000) FROM unnest($1::text[]) AS k(target)
           ON CONFLICT (target, holder) DO UPDATE SET expires_at = EXCLUDED.expires_at`,
          [keys, holder, leaseMs],
        );
        await client.query('COMMIT');
        return true;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    async give(keys, holder) {
      await pool.query('DELETE FROM target_slots WHERE target = ANY($1) AND holder = $2', [keys, holder]);
    },
  };
}

export function createTargetGuard(options: TargetGuardOptions): TargetGuard {
  const { store } = options;
  const leaseMs = options.testTimeoutMs + LEASE_MARGIN_MS;
  const slotKey = (target: TargetAddress) => hashOf([canonicalHost(target.host), target.port]);
  const accountKey = (account: TargetAccount) =>
    hashOf([canonicalHost(account.host), account.port, account.username]);
  const slots = store.kind === 'redis' ? redisSlots(store.redis, store.prefix) : postgresSlots(store.pool);
  // A fixed window that starts at the first failure (rate-limiter-flexible); the key expires with it.
  const window = { points: options.authFailureLimit, duration: options.authFailureWindowSeconds };
  const failures =
    store.kind === 'redis'
      ? new RateLimiterRedis({
          storeClient: store.redis,
          keyPrefix: `${store.prefix}:target-guard:auth-failures`,
          ...window,
        })
      : new RateLimiterPostgres({
          storeClient: store.pool,
          tableName: 'rate_limits',
          tableCreated: true,
          keyPrefix: 'target-guard:auth-failures',
          ...window,
        });

  return {
    async acquire(holder, targets) {
      // Two endpoints of one test on the same server take one slot, not two.
      const keys = [...new Set(targets.map(slotKey))];
      return (await slots.take(keys, holder, options.maxConcurrentTests, leaseMs))
        ? { id: holder, targets }
        : undefined;
    },
    async release(lease) {
      await slots.give([...new Set(lease.targets.map(slotKey))], lease.id);
    },
    async authFailures(account) {
      const counted = await failures.get(accountKey(account));
      const count = counted?.consumedPoints ?? 0;
      if (!counted || count < options.authFailureLimit) return { count, lockedForMs: 0 };
      return { count, lockedForMs: Math.max(counted.msBeforeNext, 1) };
    },
    async authFailed(account) {
      await failures.penalty(accountKey(account));
    },
    async authSucceeded(account) {
      await failures.delete(accountKey(account));
    },
  };
}
