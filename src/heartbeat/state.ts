import type { ConnectionStatus, HeartbeatState } from '../datasources/model.js';

// The heartbeat's states and every rule that moves between them (PRODUCT.md §3), in one place:
//
//   DISABLED ──on──▶ PENDING ──test PASSED──▶ INSTALLING ──first beat──▶ ACTIVE ⇄ DEGRADED
//                       │                          │
//                       └──HEARTBEAT check FAILED──┴──no privilege──▶ FAILED
//
// Turning it off is DISABLED from anywhere; a change that needs a new test is PENDING again.

/** The facts of a data source that decide its heartbeat. */
export interface HeartbeatSubject {
  heartbeatEnabled: boolean;
  connectionStatus: ConnectionStatus;
  heartbeatState: HeartbeatState;
}

/** States in which the beats run (the data source has a beat scheduler). */
export const BEATING_STATES = ['ACTIVE', 'DEGRADED'] as const satisfies readonly HeartbeatState[];
/** States waiting for the install job (queued again by reconciliation when lost). */
export const INSTALLING_STATES = ['PENDING', 'INSTALLING'] as const satisfies readonly HeartbeatState[];

export const initialState = (enabled: boolean): HeartbeatState => (enabled ? 'PENDING' : 'DISABLED');

/**
 * After a change of the data source: off is DISABLED; on, with anything that needs a new test,
 * PENDING until that test passes and the install runs again; otherwise as it was.
 */
export function stateAfterChange(
  current: HeartbeatState,
  change: { enabled: boolean; connectionChanged: boolean },
): HeartbeatState {
  if (!change.enabled) return 'DISABLED';
  return change.connectionChanged ? 'PENDING' : current;
}

/** The install may run: the heartbeat is on and the latest test passed. */
export const mayInstall = (subject: HeartbeatSubject) =>
  subject.heartbeatEnabled && subject.connectionStatus === 'PASSED';

/** A scheduled beat may be written now. */
export const mayBeat = (subject: HeartbeatSubject) =>
  mayInstall(subject) && (BEATING_STATES as readonly HeartbeatState[]).includes(subject.heartbeatState);

/** The install's own first beat, which makes the heartbeat ACTIVE, may be written now. */
export const mayBeatFirst = (subject: HeartbeatSubject) =>
  mayInstall(subject) && subject.heartbeatState === 'INSTALLING';

/** A beat written: ACTIVE; a beat that failed: DEGRADED (ACTIVE again once beats succeed). */
export const afterBeat = (succeeded: boolean): HeartbeatState => (succeeded ? 'ACTIVE' : 'DEGRADED');

export type AfterTest = { action: 'none' } | { action: 'install' } | { action: 'fail'; lastError: string };

/**
 * After a connection test of a data source with the heartbeat on: PASSED installs it; a FAILED
 * HEARTBEAT check means it cannot be installed (FAILED, saying which GRANT would fix it).
 */
export function afterTest(
  subject: Pick<HeartbeatSubject, 'heartbeatEnabled'>,
  test: { status: string; heartbeatCheck?: { status: string; message: string | null; hint: string | null } },
): AfterTest {
  if (!subject.heartbeatEnabled) return { action: 'none' };
  if (test.status === 'PASSED') return { action: 'install' };
  const check = test.heartbeatCheck;
  if (check?.status !== 'FAILED') return { action: 'none' };
  return { action: 'fail', lastError: [check.message, check.hint].filter(Boolean).join(' ') };
}
