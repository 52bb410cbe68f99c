import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { useMutation } from 'urql';
import { CreateDataSourceMutation, TestConnectionMutation, UpdateDataSourceMutation } from '../api/documents';
import { problemOf, type Problem } from '../api/errors';
import type {
  DataSourceRowFragment,
  DatabaseAttribute,
  SslMode,
  TestFieldsFragment,
  UpdateDataSourceInput,
} from '../gql/graphql';
import { useConsole, useFollowTest } from '../state';
import { Checks } from './Checks';
import { Modal } from './Modal';

/** The seed's heartbeat option, word for word (Database Attributes). */
export const HEARTBEAT_OPTION =
  'Allow OMS to automatically write heartbeat data into this instance during incremental synchronization. This resolves the problem of high latency when no business data is written in the source database.';

interface FormState {
  type: 'POSTGRESQL';
  identifier: string;
  region: string;
  databaseAttribute: DatabaseAttribute;
  heartbeatEnabled: boolean;
  host: string;
  port: string;
  standbyHost: string;
  standbyPort: string;
  username: string;
  password: string;
  databaseName: string;
  schemaName: string;
  remarks: string;
  sslMode: SslMode;
}
type Key = keyof FormState;

/** What a connection test depends on: changing one after a passed test means testing again. */
const CONNECTION_KEYS: Key[] = [
  'type',
  'databaseAttribute',
  'heartbeatEnabled',
  'host',
  'port',
  'standbyHost',
  'standbyPort',
  'username',
  'password',
  'databaseName',
  'schemaName',
  'sslMode',
];
/** Changes that would send the stored password to another server: the service asks for it again. */
const RETARGETING_KEYS: Key[] = ['host', 'port', 'standbyHost', 'standbyPort', 'username', 'databaseName'];

/** The service's field names (rules and variable paths) as the form's. */
function keyOf(field: string): Key | 'general' {
  const known: Record<string, Key> = {
    standby: 'standbyHost',
    'standby.host': 'standbyHost',
    'standby.port': 'standbyPort',
  };
  if (known[field]) return known[field];
  const blank: FormState = EMPTY;
  return field in blank ? (field as Key) : 'general';
}

const EMPTY: FormState = {
  type: 'POSTGRESQL',
  identifier: '',
  region: '',
  databaseAttribute: 'PRIMARY',
  heartbeatEnabled: false,
  host: '',
  port: '5432',
  standbyHost: '',
  standbyPort: '5432',
  username: '',
  password: '',
  databaseName: '',
  schemaName: '',
  remarks: '',
  sslMode: 'PREFER',
};

/** A saved data source in the form's terms (the password is never known). */
export interface Saved extends DataSourceRowFragment {
  username: string;
  databaseName: string;
  schemaName?: string | null;
  sslMode: SslMode;
}

function stateOf(saved: Saved): FormState {
  return {
    type: 'POSTGRESQL',
    identifier: saved.identifier,
    region: saved.region ?? '',
    databaseAttribute: saved.databaseAttribute,
    heartbeatEnabled: saved.heartbeat.enabled,
    host: saved.host,
    port: String(saved.port),
    standbyHost: saved.standby?.host ?? '',
    standbyPort: String(saved.standby?.port ?? 5432),
    username: saved.username,
    password: '',
    databaseName: saved.databaseName,
    schemaName: saved.schemaName ?? '',
    remarks: saved.remarks ?? '',
    sslMode: saved.sslMode,
  };
}

/** A port as typed; anything but an integer goes as 0, which the service refuses beside the field. */
const portOf = (text: string) => (/^\s*\d{1,5}\s*$/.test(text) ? Number(text) : 0);
const optional = (text: string) => (text.trim() === '' ? null : text);

function draftOf(form: FormState) {
  return {
    type: form.type,
    databaseAttribute: form.databaseAttribute,
    host: form.host.trim(),
    port: portOf(form.port),
    standby:
      form.databaseAttribute === 'PRIMARY_STANDBY'
        ? { host: form.standbyHost.trim(), port: portOf(form.standbyPort) }
        : null,
    username: form.username,
    password: form.password,
    databaseName: form.databaseName,
    schemaName: optional(form.schemaName),
    sslMode: form.sslMode,
    heartbeatEnabled: form.databaseAttribute !== 'STANDBY' && form.heartbeatEnabled,
  };
}

const connectionSignature = (form: FormState) => JSON.stringify(CONNECTION_KEYS.map((key) => form[key]));

export type FormResult = { kind: 'created' | 'updated'; dataSource: DataSourceRowFragment; testId?: string };

/**
 * The Create Data Source dialog (and, with `saved`, the edit dialog): the seed's parameters with its
 * labels, Test Connection with every check live, then OK.
 */
export function DataSourceDialog({
  saved,
  onClose,
  onDone,
  onReload,
}: {
  saved?: Saved;
  onClose: () => void;
  onDone: (result: FormResult) => void;
  /** Edit only: fetch the current version after a conflict; resolves to it. */
  onReload?: () => Promise<Saved | undefined>;
}) {
  const { regions } = useConsole();
  const editing = saved !== undefined;
  const [base, setBase] = useState<Saved | undefined>(saved);
  const [form, setForm] = useState<FormState>(() =>
    saved ? stateOf(saved) : { ...EMPTY, region: regions.length === 1 ? (regions[0] ?? '') : '' },
  );
  const [errors, setErrors] = useState<Partial<Record<Key | 'general', string[]>>>({});
  const [problem, setProblem] = useState<Problem | null>(null);
  const [reported, setReported] = useState(0);
  const [tested, setTested] = useState<{ test: TestFieldsFragment; signature: string } | null>(null);
  const [staleTest, setStaleTest] = useState(false);
  const [, testConnection] = useMutation(TestConnectionMutation);
  const [, createDataSource] = useMutation(CreateDataSourceMutation);
  const [, updateDataSource] = useMutation(UpdateDataSourceMutation);
  const [busy, setBusy] = useState<'test' | 'save' | null>(null);
  const test = useFollowTest(tested?.test ?? null);
  const formRef = useRef<HTMLFormElement>(null);
  const showRegion = regions.length > 1 || (editing && regions.length > 0 && form.region !== '');

  const retargeting = editing && base && RETARGETING_KEYS.some((key) => form[key] !== stateOf(base)[key]);

  const set = <K extends Key>(key: K, value: FormState[K]) => {
    const next = { ...form, [key]: value };
    setForm(next);
    // A passed test vouches for the parameters it tested, and only for those.
    if (tested && CONNECTION_KEYS.includes(key) && connectionSignature(next) !== tested.signature) {
      setTested(null);
      setStaleTest(true);
    }
  };

  const report = (found: Problem) => {
    const byKey: Partial<Record<Key | 'general', string[]>> = {};
    for (const { field, message } of found.fields) {
      const key = keyOf(field);
      const text = key === 'general' ? `${field}: ${message}` : sentence(message);
      (byKey[key] ??= []).push(text);
    }
    setErrors(byKey);
    setProblem(found);
    setReported((count) => count + 1);
  };
  // Once a report is on screen, the first field that needs attention (in the form's order) has focus.
  useEffect(() => {
    if (reported === 0) return;
    formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [reported]);
  const clear = () => {
    setErrors({});
    setProblem(null);
  };

  const runTest = async () => {
    clear();
    setStaleTest(false);
    setBusy('test');
    const result = await testConnection({ input: { draft: draftOf(form) } });
    setBusy(null);
    if (result.error) return report(problemOf(result.error));
    if (result.data) setTested({ test: result.data.testConnection, signature: connectionSignature(form) });
  };

  const passedTest =
    test && test.status === 'PASSED' && tested && tested.signature === connectionSignature(form)
      ? test
      : null;

  const submit = async () => {
    clear();
    setBusy('save');
    try {
      if (!editing || !base) {
        const draft = draftOf(form);
        const result = await createDataSource({
          input: {
            ...draft,
            identifier: form.identifier.trim(),
            region: showRegion ? optional(form.region) : null,
            remarks: optional(form.remarks),
            verifiedByTestId: passedTest?.id ?? null,
          },
        });
        if (result.error) return report(problemOf(result.error));
        const created = result.data?.createDataSource;
        if (created) onDone({ kind: 'created', dataSource: created.dataSource, testId: created.test.id });
        return;
      }
      const input = changesOf(stateOf(base), form, showRegion);
      if (Object.keys(input).length === 0) return onClose();
      const result = await updateDataSource({ id: base.id, expectedVersion: base.version, input });
      if (result.error) return report(problemOf(result.error));
      const updated = result.data?.updateDataSource;
      if (updated) onDone({ kind: 'updated', dataSource: updated.dataSource, testId: updated.test?.id });
    } finally {
      setBusy(null);
    }
  };

  const reload = async () => {
    const latest = await onReload?.();
    if (!latest) return;
    setBase(latest);
    setForm(stateOf(latest));
    clear();
  };

  const id = useId();
  const field = (key: Key) => ({
    id: `${id}-${key}`,
    name: key,
    'aria-invalid': errors[key] ? true : undefined,
    'aria-describedby':
      [errors[key] ? `${id}-${key}-error` : '', help[key] ? `${id}-${key}-help` : '']
        .filter(Boolean)
        .join(' ') || undefined,
  });
  const help: Partial<Record<Key, string>> = {
    identifier: 'Letters and digits recommended; no spaces; at most 32 characters.',
    password: editing
      ? retargeting
        ? 'Required: the endpoint, user or database changed, so the stored password is not sent there.'
        : 'Leave empty to keep the stored password.'
      : undefined,
    schemaName: 'Without one, every schema the user can read can be migrated.',
    heartbeatEnabled:
      'Creates drc.heartbeat in the database; the user needs privileges to create and write tables.',
  };

  const errorCount = Object.values(errors).reduce((sum, list) => sum + (list?.length ?? 0), 0);
  const conflict = problem?.code === 'VERSION_CONFLICT';

  const row = (key: Key, label: string, control: ReactNode, className = '') => (
    <div className={`field ${className}`}>
      <label htmlFor={`${id}-${key}`}>{label}</label>
      {control}
      {help[key] && (
        <p className="field-help" id={`${id}-${key}-help`}>
          {help[key]}
        </p>
      )}
      <FieldErrors id={`${id}-${key}-error`} messages={errors[key]} />
    </div>
  );
  const text = (key: Key, label: string, props: Record<string, unknown> = {}, className = '') =>
    row(
      key,
      label,
      <input
        {...field(key)}
        type="text"
        value={form[key] as string}
        onChange={(event) => set(key, event.target.value as never)}
        {...props}
      />,
      className,
    );

  const footer = (
    <>
      {!editing && (
        <button
          type="button"
          className="button"
          onClick={() => void runTest()}
          disabled={busy !== null || test?.status === 'QUEUED' || test?.status === 'RUNNING'}
        >
          Test Connection
        </button>
      )}
      <span className="spacer" />
      <button type="button" className="button" onClick={onClose}>
        Cancel
      </button>
      <button type="submit" form={`${id}-form`} className="button button-primary" disabled={busy !== null}>
        OK
      </button>
    </>
  );

  return (
    <Modal
      title={editing ? `Edit ${base?.identifier ?? ''}` : 'Create Data Source'}
      onClose={onClose}
      footer={footer}
      size={test || staleTest ? 'extra-wide' : 'wide'}
    >
      <div className={test || staleTest ? 'dialog-split' : undefined}>
        <form
          id={`${id}-form`}
          ref={formRef}
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            void submit();
          }}
        >
          {problem && (
            <div className={conflict ? 'alert alert-warn' : 'alert alert-error'} role="alert">
              {conflict ? (
                <>
                  <p>
                    <strong>Someone else changed this data source</strong> after you opened this form, so
                    nothing was saved. Reload to see the current values, then make your change again.
                  </p>
                  <button type="button" className="button" onClick={() => void reload()}>
                    Reload
                  </button>
                </>
              ) : errorCount > 0 ? (
                <p>
                  {errorCount === 1 ? '1 field needs' : `${errorCount} fields need`} your attention: see the
                  messages beside {errorCount === 1 ? 'it' : 'them'}.
                </p>
              ) : (
                <p>{problem.message}</p>
              )}
              {errors.general && <FieldErrors messages={errors.general} />}
            </div>
          )}
          <div className="form-grid">
            {row(
              'type',
              'Data Source Type',
              <select
                {...field('type')}
                value={form.type}
                disabled={editing}
                onChange={() => set('type', 'POSTGRESQL')}
              >
                <option value="POSTGRESQL">PostgreSQL</option>
              </select>,
            )}
            {text('identifier', 'Data Source Identifier', {
              maxLength: 64,
              autoComplete: 'off',
              spellCheck: false,
            })}
            {showRegion &&
              row(
                'region',
                'Region',
                <select
                  {...field('region')}
                  value={form.region}
                  onChange={(event) => set('region', event.target.value)}
                >
                  <option value="">Select a region</option>
                  {regions.map((region) => (
                    <option key={region} value={region}>
                      {region}
                    </option>
                  ))}
                </select>,
              )}
            <fieldset
              className="field field-wide"
              aria-describedby={errors.databaseAttribute ? `${id}-databaseAttribute-error` : undefined}
            >
              <legend>Database Attributes</legend>
              <div className="radio-row">
                {(
                  [
                    ['PRIMARY', 'Primary Database'],
                    ['PRIMARY_STANDBY', 'Primary Database + Standby Database'],
                    ['STANDBY', 'Standby Database'],
                  ] as const
                ).map(([value, label]) => (
                  <label key={value} className="radio">
                    <input
                      type="radio"
                      name={`${id}-databaseAttribute`}
                      value={value}
                      checked={form.databaseAttribute === value}
                      onChange={() => set('databaseAttribute', value)}
                    />
                    {label}
                  </label>
                ))}
              </div>
              <FieldErrors id={`${id}-databaseAttribute-error`} messages={errors.databaseAttribute} />
            </fieldset>
            {form.databaseAttribute !== 'STANDBY' && (
              <div className="field field-wide checkbox-field">
                <label className="checkbox">
                  <input
                    {...field('heartbeatEnabled')}
                    type="checkbox"
                    checked={form.heartbeatEnabled}
                    onChange={(event) => set('heartbeatEnabled', event.target.checked)}
                  />
                  <span>{HEARTBEAT_OPTION}</span>
                </label>
                <p className="field-help" id={`${id}-heartbeatEnabled-help`}>
                  {help.heartbeatEnabled}
                </p>
                <FieldErrors id={`${id}-heartbeatEnabled-error`} messages={errors.heartbeatEnabled} />
              </div>
            )}
            {text('host', 'Host IP Address', { autoComplete: 'off', spellCheck: false })}
            {text('port', 'Port', { inputMode: 'numeric', autoComplete: 'off' }, 'field-narrow')}
            {form.databaseAttribute === 'PRIMARY_STANDBY' && (
              <>
                {text('standbyHost', 'Standby Host IP Address', { autoComplete: 'off', spellCheck: false })}
                {text(
                  'standbyPort',
                  'Standby Port',
                  { inputMode: 'numeric', autoComplete: 'off' },
                  'field-narrow',
                )}
              </>
            )}
            {text('username', 'Username', { autoComplete: 'off', spellCheck: false })}
            {row(
              'password',
              'Password',
              <input
                {...field('password')}
                type="password"
                autoComplete="new-password"
                value={form.password}
                required={!editing || retargeting}
                onChange={(event) => set('password', event.target.value)}
              />,
            )}
            {text('databaseName', 'DB Name', { autoComplete: 'off', spellCheck: false })}
            {text('schemaName', 'Schema Name (optional)', { autoComplete: 'off', spellCheck: false })}
            {row(
              'sslMode',
              'SSL Mode',
              <select
                {...field('sslMode')}
                value={form.sslMode}
                onChange={(event) => set('sslMode', event.target.value as SslMode)}
              >
                <option value="DISABLE">Disable</option>
                <option value="PREFER">Prefer (TLS when offered)</option>
                <option value="REQUIRE">Require</option>
                <option value="VERIFY_CA">Verify CA</option>
                <option value="VERIFY_FULL">Verify full</option>
              </select>,
            )}
            {row(
              'remarks',
              'Remarks (optional)',
              <textarea
                {...field('remarks')}
                rows={2}
                value={form.remarks}
                onChange={(event) => set('remarks', event.target.value)}
              />,
              'field-wide',
            )}
          </div>
        </form>
        {(test || staleTest) && (
          <div className="dialog-checks">
            {staleTest && !test && (
              <p className="alert alert-info" role="status">
                The connection parameters changed since the last test: test the connection again, or click OK
                to save and test.
              </p>
            )}
            {test && <Checks test={test} title="Test Connection" />}
            {passedTest && (
              <p className="alert alert-ok" role="status">
                The test passed. Click OK to save the data source; it will not be tested again.
              </p>
            )}
          </div>
        )}
      </div>
    </Modal>
  );
}

/** The fields of `next` that differ from `before`, as updateDataSource takes them. */
function changesOf(before: FormState, next: FormState, showRegion: boolean): UpdateDataSourceInput {
  const input: UpdateDataSourceInput = {};
  const draftBefore = draftOf(before);
  const draftNext = draftOf(next);
  if (next.identifier.trim() !== before.identifier) input.identifier = next.identifier.trim();
  if (showRegion && next.region !== before.region) input.region = optional(next.region);
  if (draftNext.databaseAttribute !== draftBefore.databaseAttribute)
    input.databaseAttribute = draftNext.databaseAttribute;
  if (draftNext.host !== draftBefore.host) input.host = draftNext.host;
  if (draftNext.port !== draftBefore.port) input.port = draftNext.port;
  if (JSON.stringify(draftNext.standby) !== JSON.stringify(draftBefore.standby))
    input.standby = draftNext.standby;
  if (next.username !== before.username) input.username = next.username;
  if (next.password !== '') input.password = next.password;
  if (next.databaseName !== before.databaseName) input.databaseName = next.databaseName;
  if (next.schemaName !== before.schemaName) input.schemaName = optional(next.schemaName);
  if (next.remarks !== before.remarks) input.remarks = optional(next.remarks);
  if (next.sslMode !== before.sslMode) input.sslMode = next.sslMode;
  if (draftNext.heartbeatEnabled !== draftBefore.heartbeatEnabled)
    input.heartbeatEnabled = draftNext.heartbeatEnabled;
  return input;
}

/** "must be between 1 and 65535" → "Must be between 1 and 65535." */
function sentence(message: string): string {
  const text = message.charAt(0).toUpperCase() + message.slice(1);
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

function FieldErrors({ id, messages }: { id?: string; messages?: string[] }) {
  if (!messages || messages.length === 0) return null;
  return (
    <ul className="field-error" id={id}>
      {messages.map((message) => (
        <li key={message}>
          <span aria-hidden="true">✕ </span>
          {message}
        </li>
      ))}
    </ul>
  );
}
