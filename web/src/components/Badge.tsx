// Status shown as a coloured badge that always says its state in words (and a shape), so that
// colour is never the only signal.

type Tone = 'ok' | 'bad' | 'warn' | 'busy' | 'idle';

const ICON: Record<Tone, string> = { ok: '✓', bad: '✕', warn: '!', busy: '●', idle: '–' };

export function Badge({ tone, children }: { tone: Tone; children: string }) {
  return (
    <span className={`badge badge-${tone}`}>
      <span className="badge-icon" aria-hidden="true">
        {ICON[tone]}
      </span>
      {children}
    </span>
  );
}

const CONNECTION: Record<string, [Tone, string]> = {
  UNTESTED: ['idle', 'Untested'],
  TESTING: ['busy', 'Testing'],
  PASSED: ['ok', 'Passed'],
  FAILED: ['bad', 'Failed'],
};
export function ConnectionBadge({ status }: { status: string }) {
  const [tone, label] = CONNECTION[status] ?? ['idle', status];
  return <Badge tone={tone}>{label}</Badge>;
}

const TEST: Record<string, [Tone, string]> = {
  QUEUED: ['idle', 'Queued'],
  RUNNING: ['busy', 'Running'],
  PASSED: ['ok', 'Passed'],
  FAILED: ['bad', 'Failed'],
};
export function TestBadge({ status }: { status: string }) {
  const [tone, label] = TEST[status] ?? ['idle', status];
  return <Badge tone={tone}>{label}</Badge>;
}

const CHECK: Record<string, [Tone, string]> = {
  PENDING: ['idle', 'Pending'],
  RUNNING: ['busy', 'Running'],
  PASSED: ['ok', 'Passed'],
  WARNING: ['warn', 'Warning'],
  FAILED: ['bad', 'Failed'],
  SKIPPED: ['idle', 'Skipped'],
};
export function CheckBadge({ status }: { status: string }) {
  const [tone, label] = CHECK[status] ?? ['idle', status];
  return <Badge tone={tone}>{label}</Badge>;
}

const HEARTBEAT: Record<string, [Tone, string]> = {
  DISABLED: ['idle', 'Off'],
  PENDING: ['idle', 'Pending'],
  INSTALLING: ['busy', 'Installing'],
  ACTIVE: ['ok', 'Active'],
  DEGRADED: ['warn', 'Degraded'],
  FAILED: ['bad', 'Failed'],
};
export function HeartbeatBadge({ state }: { state: string }) {
  const [tone, label] = HEARTBEAT[state] ?? ['idle', state];
  return <Badge tone={tone}>{label}</Badge>;
}
