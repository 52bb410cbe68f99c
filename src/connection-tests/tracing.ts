import { SpanStatusCode, type Span } from '@opentelemetry/api';
import { annotate, ATTR, tracer } from '../lib/tracing.js';
import type { CheckRecord } from '../schema/index.js';
import type { CheckName, ConnectionTestView } from './model.js';

/**
 * A span per check of a test, children of the job's span: opened when the runner records the check
 * RUNNING, ended when it records it done, with its status and code. Never the check's message (it
 * names hosts, users and databases) nor anything of the connection's parameters.
 */
export function checkSpans(test: { id: string; dataSourceId: string | null }) {
  const open = new Map<string, Span>();
  return (endpoint: CheckRecord['endpoint'], name: CheckName, changes: Partial<CheckRecord>): void => {
    const key = `${endpoint} ${name}`;
    if (changes.status === 'RUNNING') {
      const span = tracer.startSpan(`check ${name}`, {
        attributes: {
          [ATTR.testId]: test.id,
          ...(test.dataSourceId ? { [ATTR.dataSourceId]: test.dataSourceId } : {}),
          [ATTR.checkName]: name,
          [ATTR.endpoint]: endpoint,
        },
      });
      open.set(key, span);
      return;
    }
    const span = open.get(key);
    if (!span || !changes.status) return;
    open.delete(key);
    span.setAttribute(ATTR.status, changes.status);
    if (changes.code) span.setAttribute(ATTR.errorCode, changes.code);
    if (changes.status === 'FAILED') span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  };
}

/** A finished test's outcome on the active span (the job's). */
export function traceTestOutcome(test: ConnectionTestView): void {
  annotate({
    ...(test.dataSourceId ? { [ATTR.dataSourceId]: test.dataSourceId } : {}),
    [ATTR.status]: test.status,
    ...(test.errorCode ? { [ATTR.errorCode]: test.errorCode } : {}),
  });
}
