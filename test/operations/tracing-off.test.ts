import { context, propagation, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTracing } from '../../src/lib/tracing.js';
import { CREATE_DATA_SOURCE, dataSourceInput } from '../support/factories.js';
import { startHarness, type Harness } from '../support/harness.js';

// Traces are off unless configured: nothing registered, nothing recorded, nothing added to jobs.

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ role: 'api' });
});
afterAll(async () => {
  await h.stop();
});

describe('traces off (the default)', () => {
  it('registers no SDK, records no span and puts no trace context into jobs', async () => {
    expect(h.config.tracing.exporter).toBeUndefined();
    expect(await startTracing(h.config.tracing)).toBeUndefined();

    const created = await h.gql<{ createDataSource: { test: { id: string } } }>(CREATE_DATA_SOURCE, {
      input: dataSourceInput(),
    });
    const testId = created.data!.createDataSource.test.id;
    // The job carries its id and nothing else.
    const job = await h.queue('connection-test').getJob(testId);
    expect(job?.data).toEqual({ testId });

    // The API's no-op implementations are still the ones in place.
    const span = trace.getTracer('probe').startSpan('probe');
    expect(span.isRecording()).toBe(false);
    expect(trace.isSpanContextValid(span.spanContext())).toBe(false);
    span.end();
    expect(propagation.fields()).toEqual([]);
    context.with(trace.setSpan(context.active(), span), () => {
      // No context manager: nothing is ever active.
      expect(context.active()).toBe(ROOT_CONTEXT);
    });
  });
});
