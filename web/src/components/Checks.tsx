import type { TestFieldsFragment } from '../gql/graphql';
import { duration } from '../format';
import { CheckBadge, TestBadge } from './Badge';

const ENDPOINTS: Record<string, string> = { PRIMARY: 'Primary endpoint', STANDBY: 'Standby endpoint' };

/** A connection test's checks, per endpoint, as they move: status, duration, message, code and hint. */
export function Checks({ test, title = 'Connection test' }: { test: TestFieldsFragment; title?: string }) {
  const endpoints = [...new Set(test.checks.map((check) => check.endpoint))];
  const done = test.status === 'PASSED' || test.status === 'FAILED';
  return (
    <section className="checks" aria-label={title}>
      <div className="checks-summary">
        <h3>{title}</h3>
        <TestBadge status={test.status} />
        {done && test.durationMs !== null && test.durationMs !== undefined && (
          <span className="muted">in {duration(test.durationMs)}</span>
        )}
      </div>
      <p className="visually-hidden" role="status">
        {done
          ? `Connection test ${test.status === 'PASSED' ? 'passed' : `failed: ${test.errorCode ?? ''}`}`
          : ''}
      </p>
      {endpoints.map((role) => (
        <table key={role} className="check-table" aria-label={ENDPOINTS[role] ?? role}>
          {endpoints.length > 1 && <caption>{ENDPOINTS[role] ?? role}</caption>}
          <thead>
            <tr>
              <th scope="col">Check</th>
              <th scope="col">Status</th>
              <th scope="col">Duration</th>
              <th scope="col">Result</th>
            </tr>
          </thead>
          <tbody>
            {test.checks
              .filter((check) => check.endpoint === role)
              .map((check) => (
                <tr
                  key={`${check.endpoint}-${check.name}`}
                  data-check={check.name}
                  data-status={check.status}
                >
                  <th scope="row">
                    <code>{check.name}</code>
                  </th>
                  <td>
                    <CheckBadge status={check.status} />
                  </td>
                  <td className="numeric">{duration(check.durationMs)}</td>
                  <td>
                    {check.message && <div>{check.message}</div>}
                    {check.code && (check.status === 'FAILED' || check.status === 'WARNING') && (
                      <div className="check-detail">
                        <span
                          className={check.status === 'WARNING' ? 'check-code check-code-warn' : 'check-code'}
                        >
                          Code <code>{check.code}</code>
                        </span>
                        {check.hint && <span className="check-hint">Hint: {check.hint}</span>}
                      </div>
                    )}
                  </td>
                </tr>
              ))}
          </tbody>
        </table>
      ))}
    </section>
  );
}
