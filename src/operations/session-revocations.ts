import { gt, lt, sql } from 'drizzle-orm';
import type { Database } from '../lib/db.js';
import { sessionRevocations } from '../schema/index.js';

/** A signed-out console session: its id and when it would have expired (seconds since the epoch). */
export interface Revocation {
  sid: string;
  exp: number;
}

/**
 * Signed-out console sessions (api/session.ts), in the metadata store until they would have expired,
 * so that an API process started after a sign-out refuses that session's cookie too. Running processes
 * also learn of a sign-out at once over the event bus.
 */
export interface SessionRevocations {
  /** Records a sign-out, and forgets the revocations whose sessions have expired since. */
  add(revocation: Revocation): Promise<void>;
  /** The revocations of sessions that have not expired yet. */
  current(): Promise<Revocation[]>;
}

export function createSessionRevocations(db: Database): SessionRevocations {
  return {
    async add({ sid, exp }) {
      await db.transaction(async (tx) => {
        await tx.delete(sessionRevocations).where(lt(sessionRevocations.expiresAt, sql`now()`));
        await tx
          .insert(sessionRevocations)
          .values({ sid, expiresAt: new Date(exp * 1000) })
          .onConflictDoNothing();
      });
    },
    async current() {
      const rows = await db
        .select()
        .from(sessionRevocations)
        .where(gt(sessionRevocations.expiresAt, sql`now()`));
      return rows.map((row) => ({ sid: row.sid, exp: Math.floor(row.expiresAt.getTime() / 1000) }));
    },
  };
}
