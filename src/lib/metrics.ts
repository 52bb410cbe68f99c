import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { QueueStats } from './queues.js';

/**
 * Prometheus metrics of one process (prom-client, one registry per process so that test processes
 * with several service instances keep them apart). Names start with `dss_`; the README lists them.
 */
export interface Metrics {
  registry: Registry;
  /** A gauge whose values `collect` reads at scrape time (e.g. a domain's own figures). */
  gauge(options: {
    name: string;
    help: string;
    labelNames: string[];
    collect: (set: (labels: Record<string, string>, value: number) => void) => Promise<void>;
  }): void;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  jobDuration: Histogram<'queue' | 'job' | 'outcome'>;
  testOutcomes: Counter<'status' | 'error_code'>;
  checkDuration: Histogram<'check' | 'status'>;
}

export function createMetrics(sources: {
  queues: { stats(): Promise<QueueStats[]> };
  store: { readonly queries: number };
  events: { subscribers: number };
}): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'dss_' });

  let counted = 0;
  new Counter({
    name: 'dss_metadata_store_queries_total',
    help: 'Queries this process sent to the metadata store.',
    registers: [registry],
    collect() {
      this.inc(sources.store.queries - counted);
      counted = sources.store.queries;
    },
  });

  // One read of the queues per scrape, however many gauges show it: prom-client collects them at once.
  let reading: Promise<QueueStats[]> | undefined;
  const queueStats = () =>
    (reading ??= sources.queues
      .stats()
      // A scrape during a Redis outage still answers, without these series.
      .catch(() => [])
      .finally(() => (reading = undefined)));
  const queueGauge = (
    name: string,
    help: string,
    labelNames: string[],
    fill: (queue: QueueStats, set: (labels: Record<string, string>, value: number) => void) => void,
  ) =>
    new Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      async collect() {
        const stats = await queueStats();
        this.reset();
        for (const queue of stats) fill(queue, (labels, value) => this.set(labels, value));
      },
    });

  queueGauge(
    'dss_queue_jobs',
    'Jobs per queue and state (read from the transport at scrape time).',
    ['queue', 'state'],
    (queue, set) => {
      for (const state of ['waiting', 'active', 'delayed', 'completed', 'failed'] as const) {
        set({ queue: queue.name, state }, queue[state]);
      }
    },
  );
  queueGauge(
    'dss_queue_oldest_waiting_age_seconds',
    'Seconds the oldest waiting job of each queue has been ready to run; 0 when none waits.',
    ['queue'],
    (queue, set) => {
      const since = queue.oldestWaitingSince;
      set({ queue: queue.name }, since === null ? 0 : Math.max(0, (Date.now() - since) / 1000));
    },
  );
  queueGauge(
    'dss_queue_workers',
    'Worker processes connected to each queue, across the deployment.',
    ['queue'],
    (queue, set) => set({ queue: queue.name }, queue.workers),
  );
  queueGauge('dss_queue_paused', '1 while a queue is paused, else 0.', ['queue'], (queue, set) =>
    set({ queue: queue.name }, queue.paused ? 1 : 0),
  );

  new Gauge({
    name: 'dss_graphql_subscriptions',
    help: 'Live GraphQL subscriptions served by this process.',
    registers: [registry],
    collect() {
      this.set(sources.events.subscribers);
    },
  });

  return {
    registry,
    gauge({ name, help, labelNames, collect }) {
      new Gauge({
        name,
        help,
        labelNames,
        registers: [registry],
        async collect() {
          this.reset();
          // A scrape while the source is down still answers, without these series.
          await collect((labels, value) => this.set(labels, value)).catch(() => undefined);
        },
      });
    },
    httpDuration: new Histogram({
      name: 'dss_http_request_duration_seconds',
      help: 'HTTP requests by method, route and status.',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    jobDuration: new Histogram({
      name: 'dss_job_duration_seconds',
      help: 'BullMQ job run time by queue, job name and outcome (completed, failed).',
      labelNames: ['queue', 'job', 'outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    testOutcomes: new Counter({
      name: 'dss_connection_tests_total',
      help: 'Finished connection tests by status and error code ("none" when PASSED).',
      labelNames: ['status', 'error_code'],
      registers: [registry],
    }),
    checkDuration: new Histogram({
      name: 'dss_connection_test_check_duration_seconds',
      help: 'Duration of each connection test check by name and status.',
      labelNames: ['check', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
  };
}
