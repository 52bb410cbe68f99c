import type { RoledEndpoint } from '../datasources/model.js';
import { TEST_STATUSES, type CheckRecord, type ConnectionTestRow } from '../schema/index.js';

export { TEST_STATUSES };

export const CHECK_NAMES = [
  'RESOLVE',
  'CONNECT',
  'TLS',
  'AUTHENTICATE',
  'SERVER',
  'SCHEMA',
  'READ_PRIVILEGES',
  'INCREMENTAL',
  'HEARTBEAT',
] as const;
export type CheckName = (typeof CHECK_NAMES)[number];

export const CHECK_STATUSES = ['PENDING', 'RUNNING', 'PASSED', 'WARNING', 'FAILED', 'SKIPPED'] as const;
export type CheckStatus = (typeof CHECK_STATUSES)[number];

/** A test as the API and events show it: every column but the draft's parameters and password. */
export type ConnectionTestView = Omit<
  ConnectionTestRow,
  'draft' | 'draftPasswordCiphertext' | 'draftPasswordKeyId'
>;

export function toTestView(row: ConnectionTestRow): ConnectionTestView {
  const { draft: _draft, draftPasswordCiphertext: _ciphertext, draftPasswordKeyId: _keyId, ...view } = row;
  return view;
}

export const isFinished = (test: { status: string }) => test.status === 'PASSED' || test.status === 'FAILED';

/** The associated data that binds a draft test's password to its row (src/secrets). */
export const draftPasswordBinding = (id: string) => `connection_tests:${id}:password`;

/** A PASSED draft test can stand in for a new test of the same parameters this long (PRODUCT.md §2). */
export const VERIFIED_TEST_MAX_AGE_MS = 10 * 60 * 1000;

export function pendingChecks(endpoints: readonly RoledEndpoint[]): CheckRecord[] {
  return endpoints.flatMap((endpoint) =>
    CHECK_NAMES.map((name) => ({
      endpoint: endpoint.role,
      name,
      status: 'PENDING',
      code: null,
      message: null,
      hint: null,
      durationMs: null,
    })),
  );
}
