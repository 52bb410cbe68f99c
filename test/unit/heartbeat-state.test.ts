import { describe, expect, it } from 'vitest';
import type { ConnectionStatus } from '../../src/datasources/model.js';
import {
  afterBeat,
  afterTest,
  BEATING_STATES,
  initialState,
  INSTALLING_STATES,
  mayBeat,
  mayBeatFirst,
  mayInstall,
  stateAfterChange,
  type HeartbeatSubject,
} from '../../src/heartbeat/state.js';
import { CONNECTION_STATUSES, HEARTBEAT_STATES } from '../../src/schema/enums.js';

// Every transition of the heartbeat (PRODUCT.md §3), over every state and connection status.

const subjects = (): HeartbeatSubject[] =>
  [true, false].flatMap((heartbeatEnabled) =>
    CONNECTION_STATUSES.flatMap((connectionStatus) =>
      HEARTBEAT_STATES.map((heartbeatState) => ({ heartbeatEnabled, connectionStatus, heartbeatState })),
    ),
  );
const describeSubject = (s: HeartbeatSubject) =>
  `${s.heartbeatEnabled ? 'on' : 'off'}, ${s.connectionStatus}, ${s.heartbeatState}`;

describe('initialState', () => {
  it('is PENDING (until a test passes) when on, DISABLED when off', () => {
    expect(initialState(true)).toBe('PENDING');
    expect(initialState(false)).toBe('DISABLED');
  });
});

describe('stateAfterChange', () => {
  it.each(HEARTBEAT_STATES)('from %s: off is DISABLED, whatever else changed', (current) => {
    expect(stateAfterChange(current, { enabled: false, connectionChanged: false })).toBe('DISABLED');
    expect(stateAfterChange(current, { enabled: false, connectionChanged: true })).toBe('DISABLED');
  });

  it.each(HEARTBEAT_STATES)('from %s: on, with a change that needs a new test, is PENDING', (current) => {
    expect(stateAfterChange(current, { enabled: true, connectionChanged: true })).toBe('PENDING');
  });

  it.each(HEARTBEAT_STATES)('from %s: on, with no such change, stays as it was', (current) => {
    expect(stateAfterChange(current, { enabled: true, connectionChanged: false })).toBe(current);
  });
});

// Each predicate as the exact list of (heartbeat, connection status, state) where it holds, out of all
// 2 × 4 × 6 combinations.
const where = (predicate: (subject: HeartbeatSubject) => boolean) =>
  subjects().filter(predicate).map(describeSubject);

describe('mayInstall', () => {
  it('holds only when on and the latest test PASSED, in any state', () => {
    expect(where(mayInstall)).toEqual(HEARTBEAT_STATES.map((state) => `on, PASSED, ${state}`));
  });
});

describe('mayBeat', () => {
  it('holds only when on, PASSED, and ACTIVE or DEGRADED', () => {
    expect(where(mayBeat)).toEqual(['on, PASSED, ACTIVE', 'on, PASSED, DEGRADED']);
  });
});

describe('mayBeatFirst', () => {
  it('holds only when on, PASSED, and INSTALLING (the install’s own beat)', () => {
    expect(where(mayBeatFirst)).toEqual(['on, PASSED, INSTALLING']);
  });
});

describe('afterBeat', () => {
  it('is ACTIVE after a beat written, DEGRADED after a beat that failed', () => {
    expect(afterBeat(true)).toBe('ACTIVE');
    expect(afterBeat(false)).toBe('DEGRADED');
  });
});

describe('afterTest', () => {
  const on = { heartbeatEnabled: true };
  const off = { heartbeatEnabled: false };
  const heartbeatCheck = (status: string, message: string | null, hint: string | null) => ({
    status,
    message,
    hint,
  });
  const denied = heartbeatCheck(
    'FAILED',
    'User app may not create schema drc.',
    'GRANT CREATE ON DATABASE "appdb" TO "app";',
  );

  it('installs after a PASSED test', () => {
    expect(afterTest(on, { status: 'PASSED' })).toEqual({ action: 'install' });
  });

  it('fails, saying which GRANT would fix it, after a FAILED HEARTBEAT check', () => {
    expect(afterTest(on, { status: 'FAILED', heartbeatCheck: denied })).toEqual({
      action: 'fail',
      lastError: 'User app may not create schema drc. GRANT CREATE ON DATABASE "appdb" TO "app";',
    });
  });

  it('fails with what there is when the check has no message or no hint', () => {
    expect(
      afterTest(on, { status: 'FAILED', heartbeatCheck: heartbeatCheck('FAILED', null, 'the hint') }),
    ).toEqual({ action: 'fail', lastError: 'the hint' });
    expect(
      afterTest(on, { status: 'FAILED', heartbeatCheck: heartbeatCheck('FAILED', 'the message', null) }),
    ).toEqual({ action: 'fail', lastError: 'the message' });
  });

  it.each(['SKIPPED', 'PASSED', 'WARNING', 'PENDING'])(
    'does nothing after a test that failed elsewhere (HEARTBEAT check %s): a new test decides',
    (status) => {
      expect(afterTest(on, { status: 'FAILED', heartbeatCheck: heartbeatCheck(status, null, null) })).toEqual(
        {
          action: 'none',
        },
      );
    },
  );

  it('does nothing after a FAILED test without a HEARTBEAT check', () => {
    expect(afterTest(on, { status: 'FAILED' })).toEqual({ action: 'none' });
  });

  it('does nothing while the test is still open', () => {
    expect(afterTest(on, { status: 'RUNNING' })).toEqual({ action: 'none' });
  });

  it('does nothing when the heartbeat is off, whatever the test found', () => {
    expect(afterTest(off, { status: 'PASSED' })).toEqual({ action: 'none' });
    expect(afterTest(off, { status: 'FAILED', heartbeatCheck: denied })).toEqual({ action: 'none' });
  });
});

describe('state groups', () => {
  it('beats run in ACTIVE and DEGRADED; the install is awaited in PENDING and INSTALLING', () => {
    expect([...BEATING_STATES]).toEqual(['ACTIVE', 'DEGRADED']);
    expect([...INSTALLING_STATES]).toEqual(['PENDING', 'INSTALLING']);
  });

  it('every connection status and heartbeat state is covered above', () => {
    const statuses: readonly ConnectionStatus[] = CONNECTION_STATUSES;
    expect(statuses).toEqual(['UNTESTED', 'TESTING', 'PASSED', 'FAILED']);
    expect(HEARTBEAT_STATES).toEqual(['DISABLED', 'PENDING', 'INSTALLING', 'ACTIVE', 'DEGRADED', 'FAILED']);
  });
});
