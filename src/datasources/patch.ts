import type { FieldError } from '../errors.js';
import { CONNECTION_FIELDS, RETARGETING_FIELDS, weakensTls, type DataSourceSpec } from './model.js';
import { defaultRegion, validateDataSource, validatePassword } from './rules.js';

/** Omitted (undefined) means unchanged; null clears a nullable field and is an error elsewhere. */
export type UpdateDataSourceCommand = { [K in keyof DataSourceSpec]?: DataSourceSpec[K] | null } & {
  password?: string | null;
};

const NULLABLE_FIELDS = new Set<keyof DataSourceSpec>(['region', 'standby', 'schemaName', 'remarks']);

export interface Patched {
  next: DataSourceSpec;
  /** The fields whose value the patch changes (the password is never among them). */
  changed: (keyof DataSourceSpec)[];
  /** The new password, when the patch carries one. */
  password: string | undefined;
  /** Every rule the result breaks, each naming its field. */
  errors: FieldError[];
  /**
   * Why the stored password may not be kept: the changes that would send it to another server
   * (PRODUCT.md §1), including a weaker sslMode. Empty when it may.
   */
  retargeted: string[];
  /** Whether a connection test would find something else now (a new test is due). */
  connectionChanged: boolean;
}

/** What an update makes of a data source's parameters: the merge, its validation, what it changes. */
export function applyPatch(
  before: DataSourceSpec,
  patch: UpdateDataSourceCommand,
  regions: readonly string[],
): Patched {
  const errors: FieldError[] = [];
  const next: DataSourceSpec = { ...before };
  for (const [key, value] of Object.entries(patch) as [keyof UpdateDataSourceCommand, unknown][]) {
    if (value === undefined || key === 'password') continue;
    if (value === null && !NULLABLE_FIELDS.has(key)) {
      errors.push({ field: key, message: 'must not be null (omit it to keep the current value)' });
      continue;
    }
    Object.assign(next, { [key]: value });
  }
  if (patch.remarks === '') next.remarks = null;
  // A data source whose only configured region is dropped keeps working: null means "the default".
  if (patch.region === null) next.region = defaultRegion(regions);

  const differs = (field: keyof DataSourceSpec) =>
    JSON.stringify(next[field] ?? null) !== JSON.stringify(before[field] ?? null);
  const changed = (Object.keys(patch) as (keyof UpdateDataSourceCommand)[]).filter(
    (field): field is keyof DataSourceSpec => field !== 'password' && differs(field),
  );
  const { password } = patch;
  if (password === null) errors.push({ field: 'password', message: 'must not be null (omit it to keep it)' });
  if (typeof password === 'string') errors.push(...validatePassword(password));
  errors.push(...validateDataSource(next, regions));

  const retargeted: string[] = RETARGETING_FIELDS.filter((field) => changed.includes(field));
  if (weakensTls(before.sslMode, next.sslMode)) retargeted.push('sslMode (to a weaker mode)');
  const given = typeof password === 'string' ? password : undefined;
  return {
    next,
    changed,
    password: given,
    errors,
    retargeted,
    connectionChanged: given !== undefined || CONNECTION_FIELDS.some((field) => changed.includes(field)),
  };
}
