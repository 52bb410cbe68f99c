import { index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Console sessions signed out before they expired (api/session.ts), kept until they would have
 * expired anyway: a process started after the sign-out refuses the session's cookie too.
 */
export const sessionRevocations = pgTable(
  'session_revocations',
  {
    sid: text('sid').primaryKey(),
    expiresAt: timestamp('expires_at', { withTimezone: true, precision: 3 }).notNull(),
  },
  (t) => [index('session_revocations_expires_at_idx').on(t.expiresAt)],
);
