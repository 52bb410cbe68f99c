import { execFile } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { draftFor, freshDatabase, runDraft, targets } from '../support/connection-tests.js';
import { CREATE_DATA_SOURCE, dataSourceInput } from '../support/factories.js';
import { nextValue, startHarness, type Harness } from '../support/harness.js';

// The dashboard and the alert rules in deploy/ against what a started service really serves: every
// metric and label they name exists, the rules pass promtool, and the gauges they rely on move.

const DEPLOY = path.resolve(import.meta.dirname, '../../deploy');
const ALERTS = path.join(DEPLOY, 'prometheus/alerts.yml');
const ALERT_TESTS = path.join(DEPLOY, 'prometheus/alerts.test.yml');
const DASHBOARD = path.join(DEPLOY, 'grafana/data-source-service.json');
const PROMTOOL = process.env.PROMTOOL_PATH ?? '/usr/bin/promtool';

interface Panel {
  type: string;
  title: string;
  datasource?: { type: string; uid: string };
  targets?: { expr: string; datasource?: { uid: string } }[];
}
interface Dashboard {
  templating: { list: { name: string; type: string; query: string }[] };
  panels: Panel[];
}
const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as Dashboard;
const rules = parse(readFileSync(ALERTS, 'utf8')) as {
  groups: { name: string; rules: { alert: string; expr: string }[] }[];
};

/** Grafana's range macro as Prometheus would see it. */
const promql = (expr: string) => expr.replaceAll('$__rate_interval', '5m');

const queries = [
  ...rules.groups.flatMap((group) =>
    group.rules.map((rule) => ({ where: `alert ${rule.alert}`, expr: rule.expr })),
  ),
  ...dashboard.panels.flatMap((panel) =>
    (panel.targets ?? []).map((target) => ({ where: `panel "${panel.title}"`, expr: promql(target.expr) })),
  ),
];

const KEYWORDS = new Set([
  'and',
  'or',
  'unless',
  'bool',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'offset',
  'inf',
  'nan',
]);
/** Labels Prometheus adds or histograms carry, not the service. */
const SCRAPE_LABELS = new Set(['instance', 'job', 'le']);

/** The metric names of a PromQL expression, each with the label names its selectors match on. */
function selectors(expr: string): { metric: string; labels: string[] }[] {
  const found: { metric: string; labels: string[] }[] = [];
  for (const match of expr.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(\{([^}]*)\})?/g)) {
    const [whole, name = '', , matchers = ''] = match;
    const before = expr.slice(0, match.index);
    const after = expr.slice(match.index + whole.length);
    // Skipped: functions and aggregations, keywords, label lists of by/on/…, durations, label values.
    if (!whole.includes('{') && /^\s*(\(|by\b|without\b)/.test(after)) continue;
    if (KEYWORDS.has(name.toLowerCase())) continue;
    if (/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*$/.test(before)) continue;
    if (/\[[^\]]*$/.test(before) || /[0-9.]$/.test(before)) continue;
    if (/"[^"]*$/.test(before.replace(/"(?:[^"\\]|\\.)*"/g, ''))) continue;
    const labels = [...matchers.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)/g)].map((m) => m[1]!);
    found.push({ metric: name, labels });
  }
  return found;
}

/** Label names of `by (…)` and `on (…)` clauses: they must exist on the series they group. */
const groupingLabels = (expr: string) =>
  [...expr.matchAll(/\b(?:by|on)\s*\(([^)]*)\)/g)].flatMap((m) =>
    m[1]!
      .split(',')
      .map((label) => label.trim())
      .filter(Boolean),
  );

/** Every sample name of a scrape, with the label names it carries. */
function served(text: string): Map<string, Set<string>> {
  const samples = new Map<string, Set<string>>();
  for (const line of text.split('\n')) {
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? \S+$/.exec(line);
    if (!sample) continue;
    const labels = samples.get(sample[1]!) ?? new Set<string>();
    for (const label of (sample[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="/g)) labels.add(label[1]!);
    samples.set(sample[1]!, labels);
  }
  return samples;
}

describe('the PromQL reader of this test', () => {
  it('finds metric names and their matchers, and nothing else', () => {
    expect(
      selectors(
        'sum by (queue, job) (rate(dss_x_count{outcome="failed", queue=~"a|b"}[10m])) > 0.05 and on (queue) max by (queue) (dss_y) == 0 or absent(up)',
      ),
    ).toEqual([
      { metric: 'dss_x_count', labels: ['outcome', 'queue'] },
      { metric: 'dss_y', labels: [] },
      { metric: 'up', labels: [] },
    ]);
    expect(groupingLabels('sum by (le, check) (rate(x[5m])) and on (queue) y')).toEqual([
      'le',
      'check',
      'queue',
    ]);
  });
});

describe('the dashboard', () => {
  it('reads every panel from the Prometheus chosen in its datasource variable', () => {
    expect(dashboard.templating.list).toContainEqual(
      expect.objectContaining({ name: 'datasource', type: 'datasource', query: 'prometheus' }),
    );
    const panels = dashboard.panels.filter((panel) => panel.type !== 'row');
    expect(panels.length).toBeGreaterThan(10);
    for (const panel of panels) {
      expect(panel.datasource, panel.title).toEqual({ type: 'prometheus', uid: '${datasource}' });
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
      for (const target of panel.targets ?? [])
        expect(target.datasource?.uid, panel.title).toBe('${datasource}');
    }
  });
});

const promtool = (() => {
  try {
    accessSync(PROMTOOL, constants.X_OK);
    return true;
  } catch {
    return false;
  }
})();

if (promtool) {
  describe('promtool', () => {
    const run = promisify(execFile);

    it('accepts the alert rules, and their unit tests pass', async () => {
      const checked = await run(PROMTOOL, ['check', 'rules', ALERTS]);
      const alerts = rules.groups.flatMap((group) => group.rules).length;
      expect(checked.stdout).toContain(`SUCCESS: ${alerts} rules found`);
      const tested = await run(PROMTOOL, ['test', 'rules', ALERT_TESTS]);
      expect(tested.stdout).toContain('SUCCESS');
    });

    it('parses every query of the dashboard (as recording rules, the one way promtool parses PromQL)', async () => {
      const directory = mkdtempSync(path.join(tmpdir(), 'dashboard-rules-'));
      try {
        const file = path.join(directory, 'dashboard.rules.json');
        // JSON is YAML: no quoting of the queries to get wrong.
        const recorded = dashboard.panels.flatMap((panel) =>
          (panel.targets ?? []).map((target, index) => ({
            record: `dashboard:panel_${panel.title.replace(/[^a-zA-Z0-9]+/g, '_')}:${index}`,
            expr: promql(target.expr),
          })),
        );
        writeFileSync(file, JSON.stringify({ groups: [{ name: 'dashboard', rules: recorded }] }));
        const checked = await run(PROMTOOL, ['check', 'rules', file]);
        expect(checked.stdout).toContain(`SUCCESS: ${recorded.length} rules found`);
      } finally {
        rmSync(directory, { recursive: true, force: true });
      }
    });
  });
} else {
  // As vitest.config.ts reports a project it leaves out: one line, or under CI a failure.
  const message = `promtool not run: no promtool at ${PROMTOOL} (apt-get install prometheus, or set PROMTOOL_PATH).`;
  if (process.env.CI) throw new Error(`${message} CI must run it.`);
  console.log(message);
}

describe('against a running service', () => {
  let h: Harness;
  const scrape = async () => (await fetch(h.url.replace(/\/graphql$/, '/metrics'))).text();
  const value = async (sample: string) => {
    const line = (await scrape()).split('\n').find((l) => l.startsWith(`${sample} `));
    return line === undefined ? undefined : Number(line.slice(sample.length + 1));
  };

  beforeAll(async () => {
    h = await startHarness({ role: 'all', env: { HEARTBEAT_INTERVAL_SECONDS: '1' } });
    // A failed connection test (every test counter, check and job series), and a beating data source
    // with a standby (the heartbeat's age, state and replication lag).
    await runDraft(h, draftFor(targets().closed));
    const events = await h.subscribe<{
      dataSourceEvents: { dataSourceId: string; dataSource: { heartbeat: { state: string } } };
    }>('subscription { dataSourceEvents { dataSourceId dataSource { heartbeat { state } } } }');
    const { scram, standby } = targets();
    const created = await h.gql<{ createDataSource: { dataSource: { id: string } } }>(CREATE_DATA_SOURCE, {
      input: dataSourceInput({
        ...draftFor(scram),
        databaseName: await freshDatabase(),
        databaseAttribute: 'PRIMARY_STANDBY',
        standby: { host: standby.host, port: standby.port },
        heartbeatEnabled: true,
      }),
    });
    const id = created.data!.createDataSource.dataSource.id;
    for (;;) {
      const event = (await nextValue(events, `the heartbeat of ${id} ACTIVE`, 15_000)).data?.dataSourceEvents;
      if (event?.dataSourceId === id && event.dataSource.heartbeat.state === 'ACTIVE') break;
    }
    await events.return?.();
    // The lag is stored by the beat after ACTIVE, without an event: wait for the gauge itself.
    await vi.waitFor(
      async () => {
        if (!served(await scrape()).has('dss_heartbeat_replication_lag_seconds'))
          throw new Error('no dss_heartbeat_replication_lag_seconds yet');
      },
      { timeout: 10_000, interval: 100 },
    );
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('serves every metric and label the alert rules and the dashboard use', async () => {
    const samples = served(await scrape());
    const problems: string[] = [];
    for (const { where, expr } of queries) {
      const used = selectors(expr);
      if (used.length === 0) problems.push(`${where}: no metric in ${expr}`);
      for (const { metric, labels } of used) {
        const carried = samples.get(metric);
        if (!carried) {
          problems.push(`${where}: ${metric} is not served`);
          continue;
        }
        for (const label of labels)
          if (!carried.has(label)) problems.push(`${where}: ${metric} has no label ${label}`);
      }
      const everyLabel = new Set(used.flatMap(({ metric }) => [...(samples.get(metric) ?? [])]));
      for (const label of groupingLabels(expr))
        if (!everyLabel.has(label) && !SCRAPE_LABELS.has(label))
          problems.push(`${where}: groups by ${label}, which none of its metrics carries`);
    }
    expect(problems).toEqual([]);
    // What the rules and panels were written for is really there.
    const names = new Set(queries.flatMap(({ expr }) => selectors(expr).map(({ metric }) => metric)));
    for (const name of [
      'dss_queue_workers',
      'dss_queue_oldest_waiting_age_seconds',
      'dss_heartbeat_data_sources',
      'dss_heartbeat_age_seconds',
      'dss_heartbeat_replication_lag_seconds',
      'dss_connection_tests_total',
      'dss_job_duration_seconds_bucket',
      'dss_nodejs_eventloop_lag_p99_seconds',
      'dss_process_resident_memory_bytes',
    ])
      expect(names).toContain(name);
  });

  it('counts workers per queue and data sources per heartbeat state', async () => {
    expect(await value('dss_queue_workers{queue="connection-test"}')).toBeGreaterThanOrEqual(1);
    expect(await value('dss_heartbeat_data_sources{state="ACTIVE"}')).toBeGreaterThanOrEqual(1);
    expect(await value('dss_heartbeat_data_sources{state="FAILED"}')).toBe(0);
  });

  it('ages the oldest waiting job of a paused queue from when it was queued, and reads 0 once none waits', async () => {
    const oldest = 'dss_queue_oldest_waiting_age_seconds{queue="connection-test"}';
    const startTest = async () => {
      const started = await h.gql(
        `mutation($draft: ConnectionDraftInput!) { testConnection(input: { draft: $draft }) { id } }`,
        { draft: draftFor(targets().closed) },
      );
      expect(started.errors).toBeUndefined();
    };
    expect(await value(oldest)).toBe(0);
    await h.gql(`mutation { pauseQueue(queue: "connection-test") { paused } }`);
    try {
      const queuedAfter = Date.now();
      await startTest();
      expect(await value('dss_queue_paused{queue="connection-test"}')).toBe(1);
      await expect.poll(() => value(oldest), { timeout: 10_000 }).toBeGreaterThan(1);
      // A newer job behind it changes nothing: the age is the oldest's, and not older than it.
      await startTest();
      const age = await value(oldest);
      expect(age).toBeGreaterThan(1);
      expect(age).toBeLessThanOrEqual((Date.now() - queuedAfter) / 1000);
    } finally {
      await h.gql(`mutation { resumeQueue(queue: "connection-test") { paused } }`);
    }
    await expect.poll(() => value(oldest), { timeout: 10_000 }).toBe(0);
  });
});
