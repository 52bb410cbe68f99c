import type { ConnectionErrorCode } from '../../postgresql/errors.js';
import type { CheckName } from '../model.js';

export interface Problem {
  code: ConnectionErrorCode;
  detail?: string;
}

/**
 * A check that did not fail. `value` is what the next checks build on. A WARNING carries a code (and
 * maybe more problems in `also`); its message and hint come from the code's text (postgresql/codes.ts).
 * A check that fails throws a TargetError.
 */
export type CheckResult<T> =
  | { status: 'PASSED' | 'SKIPPED'; message: string; value: T }
  | {
      status: 'WARNING';
      code: ConnectionErrorCode;
      detail?: string;
      hint?: string;
      also?: Problem[];
      value: T;
    };

/** Runs one check and records it; throws CheckFailed (ending the endpoint's checks) when it failed. */
export type Step = <T>(name: CheckName, run: () => Promise<CheckResult<T>>) => Promise<T>;

/** Thrown by a Step after it recorded a failed check: the endpoint's remaining checks do not run. */
export class CheckFailed extends Error {
  constructor(readonly check: CheckName) {
    super(`${check} failed`);
    this.name = 'CheckFailed';
  }
}

export const passed = <T>(message: string, value: T): CheckResult<T> => ({
  status: 'PASSED',
  message,
  value,
});

export const skipped = <T = undefined>(message: string, value?: T): CheckResult<T> => ({
  status: 'SKIPPED',
  message,
  value: value as T,
});
