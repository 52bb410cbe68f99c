import { useEffect, useRef, useState } from 'react';
import { useClient, useMutation, useQuery } from 'urql';
import {
  DataSourceEventsSubscription,
  DataSourceQuery,
  DeleteDataSourceMutation,
  TestConnectionMutation,
} from '../api/documents';
import { problemOf } from '../api/errors';
import { ConnectionBadge, HeartbeatBadge, TestBadge } from '../components/Badge';
import { Checks } from '../components/Checks';
import { DataSourceDialog, HEARTBEAT_OPTION, type Saved } from '../components/DataSourceForm';
import { Modal } from '../components/Modal';
import type { TestFieldsFragment } from '../gql/graphql';
import { ago, attributeLabel, dateTime, duration, endpoint, lag, sslLabel, typeLabel } from '../format';
import { navigate } from '../router';
import { useConsole, useFollowTest, useIsAdmin } from '../state';
import { BackLink, LiveIndicator } from './Layout';

/** One data source: its parameters, heartbeat, test history; test, edit and delete it. */
export function DataSourceDetail({ id }: { id: string }) {
  const { notify } = useConsole();
  const admin = useIsAdmin();
  const client = useClient();
  const [{ data, error, fetching }, refetch] = useQuery({ query: DataSourceQuery, variables: { id } });
  const [, testConnection] = useMutation(TestConnectionMutation);
  const [, deleteDataSource] = useMutation(DeleteDataSourceMutation);
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [deleted, setDeleted] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);
  const [running, setRunning] = useState<TestFieldsFragment | null>(null);
  const source = data?.dataSource;

  // A test in progress (ours or anyone's) is followed live.
  const lastTest = source?.lastTest ?? null;
  const inProgress =
    lastTest && (lastTest.status === 'QUEUED' || lastTest.status === 'RUNNING') ? lastTest : null;
  const followed = useFollowTest(running ?? inProgress);

  const refetchRef = useRef(refetch);
  refetchRef.current = refetch;
  useEffect(() => {
    const subscription = client.subscription(DataSourceEventsSubscription, { id }).subscribe((result) => {
      const event = result.data?.dataSourceEvents;
      if (!event) return;
      if (event.kind === 'DELETED') setDeleted(true);
      else refetchRef.current({ requestPolicy: 'network-only' });
    });
    return () => subscription.unsubscribe();
  }, [client, id]);

  if (deleted) {
    return (
      <>
        <BackLink />
        <div className="card empty">
          <h1>Data source deleted</h1>
          <p>This data source no longer exists.</p>
        </div>
      </>
    );
  }
  if (!source) {
    return (
      <>
        <BackLink />
        <div className="card empty">
          {fetching ? (
            <p>Loading…</p>
          ) : (
            <h1>{error ? `Could not load: ${error.message}` : 'No such data source'}</h1>
          )}
        </div>
      </>
    );
  }

  const testNow = async () => {
    setActionError(null);
    const result = await testConnection({ input: { dataSourceId: source.id } });
    if (result.error) setActionError(problemOf(result.error).message);
    else if (result.data) setRunning(result.data.testConnection);
  };

  const saved: Saved = { ...source, schemaName: source.schemaName ?? null };
  const tests = source.tests.edges.map((edge) => edge.node);
  const live =
    followed &&
    (followed.status === 'QUEUED' || followed.status === 'RUNNING' || followed.id === running?.id);

  return (
    <>
      <BackLink />
      <div className="page-header">
        <div>
          <h1>{source.identifier}</h1>
          <div className="badges">
            <ConnectionBadge status={source.connectionStatus} />
            <span className="muted">
              {typeLabel(source.type)} · {attributeLabel(source.databaseAttribute)} · version {source.version}
            </span>
          </div>
        </div>
        {admin && (
          <div className="actions">
            <button
              type="button"
              className="button"
              onClick={() => void testNow()}
              disabled={followed?.status === 'QUEUED' || followed?.status === 'RUNNING'}
            >
              Test Connection
            </button>
            <button type="button" className="button" onClick={() => setEditing(true)}>
              Edit
            </button>
            <button type="button" className="button button-danger" onClick={() => setDeleting(true)}>
              Delete
            </button>
          </div>
        )}
      </div>
      {actionError && (
        <p className="alert alert-error" role="alert">
          {actionError}
        </p>
      )}

      {live && followed && (
        <div className="card">
          <Checks test={followed} title="Test Connection" />
        </div>
      )}

      <div className="grid-2">
        <section className="card" aria-labelledby="parameters-title">
          <div className="card-header">
            <h2 id="parameters-title">Parameters</h2>
            <LiveIndicator />
          </div>
          <dl className="details">
            <dt>Data Source Type</dt>
            <dd>{typeLabel(source.type)}</dd>
            <dt>Region</dt>
            <dd>{source.region ?? '—'}</dd>
            <dt>Database Attributes</dt>
            <dd>{attributeLabel(source.databaseAttribute)}</dd>
            <dt>Host IP Address : Port</dt>
            <dd className="mono">{endpoint(source.host, source.port)}</dd>
            {source.standby && (
              <>
                <dt>Standby</dt>
                <dd className="mono">{endpoint(source.standby.host, source.standby.port)}</dd>
              </>
            )}
            <dt>Username</dt>
            <dd className="mono">{source.username}</dd>
            <dt>Password</dt>
            <dd>{source.hasPassword ? 'Stored (never shown)' : 'None'}</dd>
            <dt>DB Name</dt>
            <dd className="mono">{source.databaseName}</dd>
            <dt>Schema Name</dt>
            <dd className="mono">{source.schemaName ?? 'All readable schemas'}</dd>
            <dt>SSL Mode</dt>
            <dd>{sslLabel(source.sslMode)}</dd>
            <dt>Remarks</dt>
            <dd className="remarks">{source.remarks ?? '—'}</dd>
            <dt>Created</dt>
            <dd>{dateTime(source.createdAt)}</dd>
            <dt>Updated</dt>
            <dd>{dateTime(source.updatedAt)}</dd>
          </dl>
        </section>

        <section className="card" aria-labelledby="heartbeat-title">
          <h2 id="heartbeat-title">Heartbeat</h2>
          <dl className="details">
            <dt>State</dt>
            <dd>
              <HeartbeatBadge state={source.heartbeat.state} />
            </dd>
            <dt>Option</dt>
            <dd>{source.heartbeat.enabled ? 'On' : 'Off'}</dd>
            <dt>Table</dt>
            <dd className="mono">{source.heartbeat.table}</dd>
            <dt>Interval</dt>
            <dd>{source.heartbeat.intervalSeconds} s</dd>
            <dt>Last beat</dt>
            <dd>{ago(source.heartbeat.lastBeatAt)}</dd>
            {source.databaseAttribute === 'PRIMARY_STANDBY' && (
              <>
                <dt>Replication lag</dt>
                <dd>{lag(source.heartbeat.replicationLagSeconds) || '—'}</dd>
              </>
            )}
            {source.heartbeat.lastError && (
              <>
                <dt>Last error</dt>
                <dd>{source.heartbeat.lastError}</dd>
              </>
            )}
          </dl>
          {!source.heartbeat.enabled && source.databaseAttribute !== 'STANDBY' && (
            <p className="muted small">Off. Edit the data source to turn on: “{HEARTBEAT_OPTION}”</p>
          )}
        </section>
      </div>

      <section className="card" aria-labelledby="history-title">
        <h2 id="history-title">Connection test history</h2>
        {tests.length === 0 ? (
          <p className="muted">No connection test yet.</p>
        ) : (
          <ol className="history">
            {tests.map((test) => (
              <li key={test.id}>
                <details>
                  <summary>
                    <TestBadge status={test.status} />
                    <span>{dateTime(test.queuedAt)}</span>
                    {test.durationMs !== null && test.durationMs !== undefined && (
                      <span className="muted">{duration(test.durationMs)}</span>
                    )}
                    {test.errorCode && <code>{test.errorCode}</code>}
                  </summary>
                  <Checks test={test} title={`Test of ${dateTime(test.queuedAt)}`} />
                </details>
              </li>
            ))}
          </ol>
        )}
        {source.tests.totalCount > tests.length && (
          <p className="muted small">
            Showing the latest {tests.length} of {source.tests.totalCount} tests.
          </p>
        )}
      </section>

      {editing && (
        <DataSourceDialog
          saved={saved}
          onClose={() => setEditing(false)}
          onReload={async () => {
            const result = await client
              .query(DataSourceQuery, { id }, { requestPolicy: 'network-only' })
              .toPromise();
            const latest = result.data?.dataSource;
            return latest ? { ...latest, schemaName: latest.schemaName ?? null } : undefined;
          }}
          onDone={({ dataSource }) => {
            setEditing(false);
            notify(`Data source ${dataSource.identifier} saved.`);
            refetch({ requestPolicy: 'network-only' });
          }}
        />
      )}
      {deleting && (
        <Modal
          title={`Delete ${source.identifier}?`}
          labelledBy="delete-title"
          onClose={() => setDeleting(false)}
          footer={
            <>
              <span className="spacer" />
              <button type="button" className="button" onClick={() => setDeleting(false)}>
                Cancel
              </button>
              <button
                type="button"
                className="button button-danger"
                onClick={() => {
                  void deleteDataSource({ id: source.id }).then((result) => {
                    setDeleting(false);
                    if (result.error) return setActionError(problemOf(result.error).message);
                    notify(`Data source ${source.identifier} deleted.`);
                    navigate('/');
                  });
                }}
              >
                Delete
              </button>
            </>
          }
        >
          <p>
            The data source <strong>{source.identifier}</strong> and its connection test history are deleted,
            and its heartbeat stops. The table drc.heartbeat stays in the database.
          </p>
        </Modal>
      )}
    </>
  );
}
