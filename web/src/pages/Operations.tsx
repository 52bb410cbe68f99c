import { useEffect, useId, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import {
  FailedJobsQuery,
  PauseQueueMutation,
  QueuesQuery,
  ResumeQueueMutation,
  RetryFailedJobsMutation,
} from '../api/documents';
import { problemOf } from '../api/errors';
import { Badge } from '../components/Badge';
import { dateTime } from '../format';
import { useConsole, useIsAdmin } from '../state';

const POLL_MS = 2000;
/** The queue counts shown, in their columns' order. */
const COUNTS = ['waiting', 'active', 'delayed', 'completed', 'failed', 'workers'] as const;

/** The job queues for operators: counts (refreshed every 2 s), failed jobs, retry, pause, resume. */
export function Operations() {
  const admin = useIsAdmin();
  const { principal, notify } = useConsole();
  const id = useId();
  const [{ data, error }, refetch] = useQuery({ query: QueuesQuery });
  const [selected, setSelected] = useState('connection-test');
  const [failed, refetchFailed] = useQuery({
    query: FailedJobsQuery,
    variables: { queue: selected },
    pause: !admin,
  });
  const [, retry] = useMutation(RetryFailedJobsMutation);
  const [, pause] = useMutation(PauseQueueMutation);
  const [, resume] = useMutation(ResumeQueueMutation);
  const [actionError, setActionError] = useState<string | null>(null);

  useEffect(() => {
    const timer = setInterval(() => {
      refetch({ requestPolicy: 'network-only' });
      if (admin) refetchFailed({ requestPolicy: 'network-only' });
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [refetch, refetchFailed, admin]);

  const act = async (run: () => Promise<{ error?: Parameters<typeof problemOf>[0] }>, done: string) => {
    setActionError(null);
    const result = await run();
    if (result.error) return setActionError(problemOf(result.error).message);
    notify(done);
    refetch({ requestPolicy: 'network-only' });
    if (admin) refetchFailed({ requestPolicy: 'network-only' });
  };

  const queues = data?.queues ?? [];
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Operations</h1>
          <p className="muted">The service's job queues: connection tests, heartbeats and maintenance.</p>
        </div>
        {admin && principal.bullBoard && (
          <a className="button" href="/admin/queues" target="_blank" rel="noopener noreferrer">
            Open Bull Board<span className="visually-hidden"> (opens in a new tab)</span>
            <span aria-hidden="true"> ↗</span>
          </a>
        )}
      </div>
      {actionError && (
        <p className="alert alert-error" role="alert">
          {actionError}
        </p>
      )}
      {error && !data && (
        <p className="alert alert-error" role="alert">
          The queues could not be loaded: {error.message}
        </p>
      )}
      <section className="card" aria-labelledby={`${id}-queues`}>
        <div className="card-header">
          <h2 id={`${id}-queues`}>Queues</h2>
          <span className="muted small">Refreshed every {POLL_MS / 1000} s</span>
        </div>
        <div className="table-scroll" tabIndex={0} role="region" aria-label="Queues table">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Queue</th>
                <th scope="col">State</th>
                <th scope="col" className="numeric">
                  Waiting
                </th>
                <th scope="col" className="numeric">
                  Active
                </th>
                <th scope="col" className="numeric">
                  Delayed
                </th>
                <th scope="col" className="numeric">
                  Completed
                </th>
                <th scope="col" className="numeric">
                  Failed
                </th>
                <th scope="col" className="numeric">
                  Workers
                </th>
                {admin && <th scope="col">Actions</th>}
              </tr>
            </thead>
            <tbody>
              {queues.map((queue) => (
                <tr key={queue.name} data-queue={queue.name}>
                  <th scope="row" className="mono">
                    {queue.name}
                  </th>
                  <td>
                    {queue.paused ? <Badge tone="warn">Paused</Badge> : <Badge tone="ok">Running</Badge>}
                  </td>
                  {COUNTS.map((count) => (
                    <td key={count} className="numeric" data-count={count}>
                      {queue[count]}
                    </td>
                  ))}
                  {admin && (
                    <td>
                      <div className="row-actions">
                        <button
                          type="button"
                          className="button button-small"
                          aria-label={`${queue.paused ? 'Resume' : 'Pause'} ${queue.name}`}
                          onClick={() =>
                            void (queue.paused
                              ? act(() => resume({ queue: queue.name }), `Queue ${queue.name} resumed.`)
                              : act(() => pause({ queue: queue.name }), `Queue ${queue.name} paused.`))
                          }
                        >
                          {queue.paused ? 'Resume' : 'Pause'}
                        </button>
                        <button
                          type="button"
                          className="button button-small"
                          aria-label={`Retry failed jobs of ${queue.name}`}
                          disabled={queue.failed === 0}
                          onClick={() =>
                            void act(
                              () => retry({ queue: queue.name }),
                              `Failed jobs of ${queue.name} retried.`,
                            )
                          }
                        >
                          Retry failed
                        </button>
                      </div>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      {admin ? (
        <section className="card" aria-labelledby={`${id}-failed`}>
          <div className="card-header">
            <h2 id={`${id}-failed`}>Failed jobs</h2>
            <div className="field field-inline">
              <label htmlFor={`${id}-queue`}>Queue</label>
              <select
                id={`${id}-queue`}
                value={selected}
                onChange={(event) => setSelected(event.target.value)}
              >
                {queues.map((queue) => (
                  <option key={queue.name} value={queue.name}>
                    {queue.name}
                  </option>
                ))}
              </select>
            </div>
          </div>
          {failed.data?.failedJobs.length ? (
            <div className="table-scroll" tabIndex={0} role="region" aria-label="Failed jobs table">
              <table className="table">
                <thead>
                  <tr>
                    <th scope="col">Job</th>
                    <th scope="col">Reason</th>
                    <th scope="col" className="numeric">
                      Attempts
                    </th>
                    <th scope="col">Failed at</th>
                  </tr>
                </thead>
                <tbody>
                  {failed.data.failedJobs.map((job) => (
                    <tr key={job.id}>
                      <th scope="row" className="mono">
                        {job.name} <span className="muted">#{job.id}</span>
                      </th>
                      <td>{job.reason}</td>
                      <td className="numeric">{job.attemptsMade}</td>
                      <td>{dateTime(job.failedAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : (
            <p className="muted">No failed jobs in {selected}.</p>
          )}
        </section>
      ) : (
        <p className="muted">Failed jobs, retry, pause and resume need an admin token.</p>
      )}
    </>
  );
}
