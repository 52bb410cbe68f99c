/** Every error the domain raises on purpose. Anything else is a bug and is masked (PRODUCT.md §6). */
export type AppErrorCode =
  | 'BAD_USER_INPUT'
  | 'IDENTIFIER_TAKEN'
  | 'NOT_FOUND'
  | 'VERSION_CONFLICT'
  | 'PASSWORD_REQUIRED'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'RATE_LIMITED'
  | 'QUERY_TOO_COMPLEX'
  | 'SERVICE_UNAVAILABLE';

export interface FieldError {
  /** The input field, dotted for nested ones: `standby.port`. */
  field: string;
  message: string;
}

export class AppError extends Error {
  constructor(
    readonly code: AppErrorCode,
    message: string,
    readonly fields: readonly FieldError[] = [],
    /** Facts a client acts on, safe to show: `retryAfterSeconds`, the `limit` that was exceeded. */
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = 'AppError';
  }

  static rateLimited(what: string, retryAfterSeconds: number): AppError {
    return new AppError('RATE_LIMITED', `Too many ${what}: try again in ${retryAfterSeconds} s`, [], {
      retryAfterSeconds,
    });
  }

  static notFound(what: string): AppError {
    return new AppError('NOT_FOUND', `${what} not found`);
  }

  static badInput(fields: readonly FieldError[]): AppError {
    const summary = fields.map((f) => `${f.field}: ${f.message}`).join('; ');
    return new AppError('BAD_USER_INPUT', `Invalid input: ${summary}`, fields);
  }
}
