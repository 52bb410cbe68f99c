import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
  type SpanOptions,
} from '@opentelemetry/api';
import type { SpanExporter } from '@opentelemetry/sdk-trace';
import { z } from 'zod';
import type { TracingConfig } from '../config.js';

/**
 * OpenTelemetry traces. The code paths use @opentelemetry/api only: until `startTracing` registers an
 * SDK (when the configuration turns traces on), its tracer is the no-op one, its propagator injects
 * nothing and no SDK module is even loaded. Spans carry ids, names, statuses and codes: never a
 * password, a token, a host's credentials, user-typed connection parameters or an error's message.
 */
export const tracer = trace.getTracer('data-source-service');

/** The service's own span attributes (README, Operations, Traces). */
export const ATTR = {
  dataSourceId: 'dss.data_source.id',
  testId: 'dss.connection_test.id',
  checkName: 'dss.check.name',
  /** PRIMARY or STANDBY: which endpoint of the data source a check ran against. */
  endpoint: 'dss.check.endpoint',
  /** The result: a check's or a test's status, or a job's outcome. */
  status: 'dss.status',
  /** A check's or a test's code (postgresql/codes.ts), or a GraphQL error's extensions.code. */
  errorCode: 'dss.error_code',
  jobName: 'dss.job.name',
  jobAttempt: 'dss.job.attempt',
} as const;

/**
 * W3C trace context (traceparent, tracestate) as a job's payload carries it from the process that
 * added the job to the one that runs it. Optional, and never a reason to refuse a job: a malformed
 * one is dropped.
 */
export const traceCarrier = z
  .object({ traceparent: z.string().max(128), tracestate: z.string().max(512).optional() })
  .optional()
  .catch(undefined);
export type TraceCarrier = z.infer<typeof traceCarrier>;

/** The active span's context to put into a job; undefined when tracing is off or nothing is sampled. */
export function injectTrace(): TraceCarrier {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent
    ? { traceparent: carrier.traceparent, tracestate: carrier.tracestate }
    : undefined;
}

/** The context a job's span continues: the producer's, from its payload, else a new trace. */
export const extractTrace = (carrier: TraceCarrier): Context =>
  carrier ? propagation.extract(ROOT_CONTEXT, carrier) : ROOT_CONTEXT;

/** Sets attributes on the active span (a job's, a GraphQL operation's), if any is recording. */
export function annotate(attributes: Attributes): void {
  trace.getActiveSpan()?.setAttributes(attributes);
}

/** Marks a span failed by the error's class name only: messages may quote input or SQL. */
export function recordFailure(span: Span, error: unknown): void {
  span.setAttribute('error.type', error instanceof Error ? error.name : 'unknown');
  span.setStatus({ code: SpanStatusCode.ERROR });
}

/**
 * Runs `fn` in a new active span (a child of `parent`, by default the active context) and ends it;
 * an error thrown is recorded (`recordFailure`) unless `expected` says it is part of the flow.
 */
export function inSpan<T>(
  name: string,
  options: SpanOptions & { parent?: Context; expected?: (error: unknown) => boolean },
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  const { parent = context.active(), expected, ...spanOptions } = options;
  return tracer.startActiveSpan(name, spanOptions, parent, async (span) => {
    try {
      return await fn(span);
    } catch (error) {
      if (!expected?.(error)) recordFailure(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

export interface Tracing {
  /** Exports what is buffered now. */
  flush(): Promise<void>;
  /** Exports what is buffered, then stops and unregisters the SDK. */
  stop(): Promise<void>;
}

/**
 * Registers the SDK when the configuration turns traces on: an OTLP/HTTP (protobuf) exporter, which
 * reads the standard OTEL_EXPORTER_OTLP_* variables itself (endpoint, headers, timeout, compression),
 * or the console one; W3C trace context; spans of one async flow nested (AsyncLocalStorage).
 * Off: undefined, and nothing is loaded or registered. `exporter` replaces the configured one (tests).
 */
export async function startTracing(
  config: TracingConfig,
  exporter?: SpanExporter,
): Promise<Tracing | undefined> {
  if (!config.exporter) return undefined;
  const [sdk, { AsyncLocalStorageContextManager }, { W3CTraceContextPropagator }, resources] =
    await Promise.all([
      import('@opentelemetry/sdk-trace'),
      import('@opentelemetry/context-async-hooks'),
      import('@opentelemetry/core'),
      import('@opentelemetry/resources'),
    ]);
  exporter ??=
    config.exporter === 'otlp'
      ? new (await import('@opentelemetry/exporter-trace-otlp-proto')).OTLPTraceExporter()
      : new sdk.ConsoleSpanExporter();
  const ratio = new sdk.TraceIdRatioBasedSampler(config.sampler.ratio);
  const root = {
    always_on: new sdk.AlwaysOnSampler(),
    always_off: new sdk.AlwaysOffSampler(),
    traceidratio: ratio,
  };
  const name = config.sampler.name;
  const sampler = name.startsWith('parentbased_')
    ? new sdk.ParentBasedSampler({ root: root[name.slice('parentbased_'.length) as keyof typeof root] })
    : root[name as keyof typeof root];
  const provider = new sdk.TracerProvider({
    resource: resources
      .defaultResource()
      .merge(resources.resourceFromAttributes({ 'service.name': config.serviceName })),
    sampler,
    spanProcessors: [new sdk.BatchSpanProcessor({ exporter })],
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  return {
    flush: () => provider.forceFlush(),
    async stop() {
      await provider.shutdown();
      trace.disable();
      propagation.disable();
      context.disable();
    },
  };
}
