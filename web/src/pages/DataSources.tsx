import { useEffect, useId, useRef, useState } from 'react';
import { useClient, useQuery } from 'urql';
import { DataSourceEventsSubscription, DataSourcesQuery } from '../api/documents';
import { ConnectionBadge, HeartbeatBadge } from '../components/Badge';
import { DataSourceDialog } from '../components/DataSourceForm';
import type { DataSourceRowFragment } from '../gql/graphql';
import { attributeLabel, endpoint, lag, typeLabel } from '../format';
import { navigate } from '../router';
import { useConsole, useIsAdmin } from '../state';
import { LiveIndicator } from './Layout';

const PAGE_SIZE = 20;

/** The seed's Data Source Management page: every data source, searchable, live. */
export function DataSources() {
  const { regions, notify } = useConsole();
  const admin = useIsAdmin();
  const client = useClient();
  const id = useId();
  const [search, setSearch] = useState('');
  const [appliedSearch, setAppliedSearch] = useState('');
  const [region, setRegion] = useState('');
  // Cursors of the pages before this one: Previous pops, Next pushes.
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [creating, setCreating] = useState(false);
  const [rows, setRows] = useState<DataSourceRowFragment[] | null>(null);
  const [changed, setChanged] = useState<ReadonlySet<string>>(new Set());
  const after = cursors.at(-1) ?? null;

  // The search applies once typing pauses, and starts again from the first page.
  useEffect(() => {
    const timer = setTimeout(() => {
      const next = search.trim();
      setAppliedSearch((current) => {
        if (current !== next) setCursors([null]);
        return next;
      });
    }, 250);
    return () => clearTimeout(timer);
  }, [search]);

  const filter = {
    ...(appliedSearch ? { search: appliedSearch } : {}),
    ...(region ? { region } : {}),
  };
  const [{ data, error, fetching }, refetch] = useQuery({
    query: DataSourcesQuery,
    variables: { first: PAGE_SIZE, after, filter },
  });
  const page = data?.dataSources;
  useEffect(() => {
    if (page) setRows(page.edges.map((edge) => edge.node));
  }, [page]);

  // Live: a change to a row on this page replaces it at once; a data source created or deleted
  // anywhere reloads the page (it may now hold other rows).
  const refetchRef = useRef(refetch);
  refetchRef.current = refetch;
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const subscription = client.subscription(DataSourceEventsSubscription, {}).subscribe((result) => {
      const event = result.data?.dataSourceEvents;
      if (!event) return;
      if (event.kind === 'CREATED' || event.kind === 'DELETED') {
        if (event.kind === 'DELETED')
          setRows((current) => current?.filter((row) => row.id !== event.dataSourceId) ?? null);
        clearTimeout(timer);
        timer = setTimeout(() => refetchRef.current({ requestPolicy: 'network-only' }), 150);
      } else if (event.dataSource) {
        const next = event.dataSource;
        setRows((current) => current?.map((row) => (row.id === next.id ? next : row)) ?? null);
      }
      setChanged((current) => new Set(current).add(event.dataSourceId));
      setTimeout(
        () =>
          setChanged((current) => {
            const rest = new Set(current);
            rest.delete(event.dataSourceId);
            return rest;
          }),
        1500,
      );
    });
    return () => {
      clearTimeout(timer);
      subscription.unsubscribe();
    };
  }, [client]);

  const showRegion = regions.length > 0;
  const total = page?.totalCount ?? 0;
  const pageNumber = cursors.length;

  return (
    <>
      <div className="page-header">
        <div>
          <h1>Data Source Management</h1>
          <p className="muted">
            PostgreSQL databases registered as data sources, with their connection and heartbeat.
          </p>
        </div>
        {admin && (
          <button type="button" className="button button-primary" onClick={() => setCreating(true)}>
            <span aria-hidden="true">+</span> Create Data Source
          </button>
        )}
      </div>

      <div className="card">
        <div className="toolbar" role="search" aria-label="Data sources">
          <div className="field field-inline">
            <label htmlFor={`${id}-search`}>Search</label>
            <input
              id={`${id}-search`}
              className="search"
              type="search"
              placeholder="Identifier, host, database or remarks"
              value={search}
              onChange={(event) => setSearch(event.target.value)}
            />
          </div>
          {regions.length > 1 && (
            <div className="field field-inline">
              <label htmlFor={`${id}-region`}>Region</label>
              <select
                id={`${id}-region`}
                value={region}
                onChange={(event) => {
                  setRegion(event.target.value);
                  setCursors([null]);
                }}
              >
                <option value="">All regions</option>
                {regions.map((name) => (
                  <option key={name} value={name}>
                    {name}
                  </option>
                ))}
              </select>
            </div>
          )}
          <span className="spacer" />
          <span className="muted" aria-live="polite">
            {page
              ? `${total} data source${total === 1 ? '' : 's'}${appliedSearch ? ` matching “${appliedSearch}”` : ''}`
              : ''}
          </span>
          <LiveIndicator />
        </div>

        {error && !data && (
          <p className="alert alert-error" role="alert">
            The data sources could not be loaded: {error.message}
          </p>
        )}

        <div className="table-scroll" tabIndex={0} role="region" aria-label="Data sources table">
          <table className="table" aria-busy={fetching}>
            <thead>
              <tr>
                <th scope="col">Data Source Identifier</th>
                <th scope="col">Type</th>
                {showRegion && <th scope="col">Region</th>}
                <th scope="col">Database Attributes</th>
                <th scope="col">Host : Port</th>
                <th scope="col">Connection</th>
                <th scope="col">Heartbeat</th>
                <th scope="col">Remarks</th>
              </tr>
            </thead>
            <tbody>
              {rows?.map((row) => (
                <tr key={row.id} data-id={row.id} className={changed.has(row.id) ? 'row-changed' : undefined}>
                  <th scope="row">
                    <a
                      href={`/data-sources/${row.id}`}
                      onClick={(event) => {
                        if (event.metaKey || event.ctrlKey || event.shiftKey) return;
                        event.preventDefault();
                        navigate(`/data-sources/${row.id}`);
                      }}
                    >
                      {row.identifier}
                    </a>
                  </th>
                  <td>{typeLabel(row.type)}</td>
                  {showRegion && <td className="nowrap">{row.region ?? '—'}</td>}
                  <td>{attributeLabel(row.databaseAttribute)}</td>
                  <td className="mono nowrap">
                    {endpoint(row.host, row.port)}
                    {row.standby && (
                      <div className="muted small">
                        standby {endpoint(row.standby.host, row.standby.port)}
                      </div>
                    )}
                  </td>
                  <td className="nowrap">
                    <ConnectionBadge status={row.connectionStatus} />
                    {row.connectionStatus === 'FAILED' && row.lastTest?.errorCode && (
                      <div className="mono small error-code">{row.lastTest.errorCode}</div>
                    )}
                  </td>
                  <td>
                    <HeartbeatBadge state={row.heartbeat.state} />
                    {row.heartbeat.replicationLagSeconds !== null &&
                      row.heartbeat.replicationLagSeconds !== undefined && (
                        <div className="muted small">lag {lag(row.heartbeat.replicationLagSeconds)}</div>
                      )}
                  </td>
                  <td className="remarks">{row.remarks ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {rows && rows.length === 0 && (
            <div className="empty">
              {appliedSearch || region ? (
                <p>No data source matches this search.</p>
              ) : (
                <p>
                  No data sources yet.
                  {admin ? ' Click Create Data Source to add the first one.' : ''}
                </p>
              )}
            </div>
          )}
        </div>

        <nav className="pagination" aria-label="Pages">
          <button
            type="button"
            className="button"
            disabled={pageNumber === 1}
            onClick={() => setCursors((current) => current.slice(0, -1))}
          >
            Previous page
          </button>
          <span className="muted">Page {pageNumber}</span>
          <button
            type="button"
            className="button"
            disabled={!page?.pageInfo.hasNextPage}
            onClick={() => {
              const next = page?.pageInfo.endCursor;
              if (next) setCursors((current) => [...current, next]);
            }}
          >
            Next page
          </button>
        </nav>
      </div>

      {creating && (
        <DataSourceDialog
          onClose={() => setCreating(false)}
          onDone={({ dataSource }) => {
            setCreating(false);
            notify(`Data source ${dataSource.identifier} created.`);
            refetch({ requestPolicy: 'network-only' });
          }}
        />
      )}
    </>
  );
}
