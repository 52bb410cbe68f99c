import type { CombinedError } from '@urql/core';

export interface FieldError {
  field: string;
  message: string;
}

/** What a failed operation means for a form: field errors, a code, one sentence. */
export interface Problem {
  code: string;
  message: string;
  fields: FieldError[];
}

/** `input.standby.port` and `input.draft.port` (variable paths) are the form's `standby.port`, `port`. */
const formField = (field: string) => field.replace(/^input\.(draft\.)?/, '');

export function problemOf(error: CombinedError): Problem {
  const first = error.graphQLErrors[0];
  if (!first) {
    return {
      code: 'NETWORK',
      message: 'The service could not be reached. Check your connection and try again.',
      fields: [],
    };
  }
  const fields = error.graphQLErrors.flatMap((e) =>
    ((e.extensions.fields as FieldError[] | undefined) ?? []).map((f) => ({
      ...f,
      field: formField(f.field),
    })),
  );
  const code = typeof first.extensions.code === 'string' ? first.extensions.code : 'ERROR';
  const retry = first.extensions.retryAfterSeconds;
  const message =
    code === 'RATE_LIMITED' && typeof retry === 'number'
      ? `Too many requests: try again in ${retry} s.`
      : first.message;
  return { code, message, fields };
}
