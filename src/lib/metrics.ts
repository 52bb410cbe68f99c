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

  new Gauge({
    name: 'dss_queue_jobs',
    help: 'Jobs per queue and state (read from Redis at scrape time).',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      this.reset();
      // A scrape during a Redis outage still answers, without these series.
      const stats = await sources.queues.stats().catch(() => []);
      for (const queue of stats) {
        for (const state of ['waiting', 'active', 'delayed', 'completed', 'failed'] as const) {
          this.set({ queue: queue.name, state }, queue[state]);
        }
      }
    },
  });

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
