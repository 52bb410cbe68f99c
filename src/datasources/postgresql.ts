import type { FieldError } from '../errors.js';
import { DEFAULT_PORT, type ConnectionSpec } from './model.js';
import { controlCharacterProblem } from './text.js';

/**
 * What is particular to PostgreSQL data sources. A second data source type adds a module like this
 * one (and its probe), not branches through the rest of the code.
 */
export const postgresql = {
  type: 'POSTGRESQL',
  defaultPort: DEFAULT_PORT,
  /** NAMEDATALEN - 1: PostgreSQL truncates longer names, so they would silently mean something else. */
  maxNameBytes: 63,

  validate(spec: ConnectionSpec): FieldError[] {
    const errors: FieldError[] = [];
    const name = (field: string, value: string | null, required: boolean) => {
      if (value === null) {
        if (required) errors.push({ field, message: 'is required' });
        return;
      }
      const bytes = Buffer.byteLength(value, 'utf8');
      // Control characters include NUL, which PostgreSQL's C strings cannot hold at all.
      const control = controlCharacterProblem(value);
      if (bytes < 1 || bytes > postgresql.maxNameBytes) {
        errors.push({ field, message: `must be 1 to ${postgresql.maxNameBytes} bytes long (got ${bytes})` });
      } else if (control !== null) {
        errors.push({ field, message: control });
      }
    };
    name('username', spec.username, true);
    name('databaseName', spec.databaseName, true);
    name('schemaName', spec.schemaName, false);
    return errors;
  },
} as const;
