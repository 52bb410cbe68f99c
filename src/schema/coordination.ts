import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
  varchar,
} from 'drizzle-orm/pg-core';

// What the processes of one deployment share when there is no Redis (QUEUE_TRANSPORT=postgres): the
// rate limits' counters, the target guard's slots, and event payloads too large for NOTIFY. The queues
// themselves live in BullMQ's own schema (`bullmq`), migrated by BullMQ.

/** rate-limiter-flexible's RateLimiterPostgres table, in the shape it expects (tableCreated: true). */
export const rateLimits = pgTable('rate_limits', {
  key: varchar('key', { length: 255 }).primaryKey(),
  points: integer('points').notNull().default(0),
  expire: bigint('expire', { mode: 'number' }),
});

/** Leases of connection tests on a target (TARGET_MAX_CONCURRENT_TESTS), by hashed target key. */
export const targetSlots = pgTable(
  'target_slots',
  {
    target: text('target').notNull(),
    holder: text('holder').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true, precision: 3 }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.target, t.holder] })],
);

/** An event whose payload is over NOTIFY's 8,000 bytes: the notification carries its id instead. */
export const eventPayloads = pgTable(
  'event_payloads',
  {
    id: uuid('id').primaryKey(),
    payload: text('payload').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [index('event_payloads_created_at_idx').on(t.createdAt)],
);

/**
 * This deployment's id: one row, created by the first process that starts on this metadata store. It
 * is kept under the Redis prefix too, so that a second deployment on the same Redis and prefix (which
 * would take this one's jobs) is refused at start-up.
 */
export const deployment = pgTable(
  'deployment',
  {
    singleton: boolean('singleton').primaryKey().default(true),
    id: uuid('id').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [check('deployment_singleton', sql`${t.singleton}`)],
);
