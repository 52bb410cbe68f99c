import { execFileSync } from 'node:child_process';
import { accessSync, constants, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { opsRouter } from '../../src/api/ops.js';
import { CONFIG_VARIABLES, loadConfig } from '../../src/config.js';

// The Kubernetes manifests (deploy/k8s/base) and docker-compose.yml agree with the service: the ports
// it listens on, the paths it serves, the variables it reads, how long it takes to stop.

const ROOT = path.resolve(import.meta.dirname, '../..');
const BASE = path.join(ROOT, 'deploy/k8s/base');
const KUBECTL = process.env.KUBECTL_PATH ?? '/usr/bin/kubectl';

interface Probe {
  httpGet: { path: string; port: string };
}
interface Container {
  name: string;
  args: string[];
  envFrom?: ({ configMapRef: { name: string } } | { secretRef: { name: string } })[];
  env?: { name: string }[];
  ports: { name: string; containerPort: number }[];
  startupProbe: Probe;
  livenessProbe: Probe;
  readinessProbe: Probe;
  lifecycle?: { preStop?: { exec: { command: string[] } } };
  securityContext: {
    allowPrivilegeEscalation: boolean;
    readOnlyRootFilesystem: boolean;
    capabilities: { drop: string[] };
  };
}
interface Resource {
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  data?: Record<string, string>;
  stringData?: Record<string, string>;
  spec: {
    selector: { matchLabels?: Record<string, string> } & Record<string, string>;
    template: {
      metadata: { labels: Record<string, string>; annotations: Record<string, string> };
      spec: {
        terminationGracePeriodSeconds: number;
        securityContext: { runAsNonRoot: boolean; runAsUser: number };
        containers: Container[];
      };
    };
    ports: { targetPort: string }[];
    scaleTargetRef: { kind: string; name: string };
  };
}

const kubectl = (() => {
  try {
    accessSync(KUBECTL, constants.X_OK);
    return true;
  } catch {
    return false;
  }
})();

const kustomization = parse(readFileSync(path.join(BASE, 'kustomization.yaml'), 'utf8')) as {
  resources: string[];
};
/** What `kubectl apply -k` would apply: kustomize's output when kubectl is here, else the files parsed. */
const rendered = kubectl
  ? execFileSync(KUBECTL, ['kustomize', BASE], { encoding: 'utf8' })
  : kustomization.resources.map((file) => readFileSync(path.join(BASE, file), 'utf8')).join('\n---\n');
const resources = parseAllDocuments(rendered).map((document) => document.toJS() as Resource);
const find = (kind: string, name: string) => {
  const found = resources.find((resource) => resource.kind === kind && resource.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name}`);
  return found;
};

const configMap = find('ConfigMap', 'data-source-service').data ?? {};
const secret = find('Secret', 'data-source-service').stringData ?? {};
/** The service's configuration as the pods get it, with the secrets an operator fills in. */
const config = loadConfig({
  ...configMap,
  ...secret,
  SECRET_KEY: Buffer.alloc(32, 7).toString('base64'),
  API_TOKENS: 'ops:admin:0123456789abcdef0123',
});
const api = find('Deployment', 'data-source-service-api');
const worker = find('Deployment', 'data-source-service-worker');
const container = (deployment: Resource) => deployment.spec.template.spec.containers[0]!;
const portNumber = (deployment: Resource, name: string) =>
  container(deployment).ports.find((port) => port.name === name)?.containerPort;

describe('the Kubernetes base', () => {
  it('lists every file of its directory', () => {
    const files = readdirSync(BASE).filter((file) => file.endsWith('.yaml') && file !== 'kustomization.yaml');
    expect([...kustomization.resources].sort()).toEqual(files.sort());
    expect(resources.map((resource) => resource.kind).sort()).toEqual([
      'ConfigMap',
      'Deployment',
      'Deployment',
      'HorizontalPodAutoscaler',
      'PodDisruptionBudget',
      'PodDisruptionBudget',
      'Secret',
      'Service',
    ]);
  });

  it('names only variables the service reads, and its ConfigMap values pass its validation', () => {
    const names = [
      ...Object.keys(configMap),
      ...Object.keys(secret),
      ...[api, worker].flatMap((deployment) => (container(deployment).env ?? []).map((env) => env.name)),
    ];
    expect(names.filter((name) => !CONFIG_VARIABLES.includes(name))).toEqual([]);
    expect(config.env).toBe('production');
    for (const deployment of [api, worker]) {
      expect(container(deployment).envFrom).toEqual([
        { configMapRef: { name: 'data-source-service' } },
        { secretRef: { name: 'data-source-service' } },
      ]);
    }
  });

  it('refuses to start, naming them, until the secrets are filled in', () => {
    expect(() => loadConfig({ ...configMap, ...secret })).toThrow(
      /SECRET_KEY: is required.*API_TOKENS: is required/,
    );
  });

  it('runs each role on the ports the service listens on for it', () => {
    expect(container(api).args).toEqual(['api']);
    expect(container(worker).args).toEqual(['worker']);
    // PORT is the default the image also exposes; OPS_PORT takes /metrics off it.
    expect(config.port).toBe(loadConfig({}).port);
    expect(readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8')).toContain(`EXPOSE ${config.port}`);
    expect(portNumber(api, 'http')).toBe(config.port);
    expect(config.opsPort).toBeDefined();
    for (const deployment of [api, worker]) {
      expect(portNumber(deployment, 'metrics')).toBe(config.opsPort);
      expect(deployment.spec.template.metadata.annotations['prometheus.io/port']).toBe(
        String(config.opsPort),
      );
    }
    // A worker serves nothing on PORT when OPS_PORT is set (app.ts).
    expect(portNumber(worker, 'http')).toBeUndefined();
  });

  it('probes /healthz for liveness and /readyz for readiness, where each role serves them', () => {
    const router = opsRouter({ ready: () => Promise.resolve(true) }) as unknown as {
      stack: { route?: { path: string } }[];
    };
    const served = router.stack.map((layer) => layer.route?.path);
    // The api serves them on PORT (beside /graphql); a worker on OPS_PORT, its only server.
    for (const [deployment, port] of [
      [api, 'http'],
      [worker, 'metrics'],
    ] as const) {
      const { startupProbe, livenessProbe, readinessProbe } = container(deployment);
      expect(startupProbe.httpGet).toEqual({ path: '/healthz', port });
      expect(livenessProbe.httpGet).toEqual({ path: '/healthz', port });
      expect(readinessProbe.httpGet).toEqual({ path: '/readyz', port });
      expect(served).toContain(livenessProbe.httpGet.path);
      expect(served).toContain(readinessProbe.httpGet.path);
    }
  });

  it('gives a stopping pod longer than the service takes to stop', () => {
    for (const deployment of [api, worker]) {
      const preStop = container(deployment).lifecycle?.preStop?.exec.command ?? [];
      const sleep = preStop[0] === 'sleep' ? Number(preStop[1]) : 0;
      // main.ts exits by itself SHUTDOWN_TIMEOUT_MS + 5 s after SIGTERM, which comes after preStop.
      expect(deployment.spec.template.spec.terminationGracePeriodSeconds).toBeGreaterThan(
        config.shutdownTimeoutMs / 1000 + 5 + sleep,
      );
    }
    expect(container(api).lifecycle?.preStop?.exec.command).toEqual(['sleep', '5']);
  });

  it('runs as a non-root user on a read-only root filesystem without capabilities', () => {
    for (const deployment of [api, worker]) {
      expect(deployment.spec.template.spec.securityContext).toMatchObject({
        runAsNonRoot: true,
        runAsUser: 1000,
      });
      expect(container(deployment).securityContext).toEqual({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
      });
    }
  });

  it('points its Service, budgets and autoscaler at the right pods', () => {
    const labels = (deployment: Resource) => deployment.spec.template.metadata.labels;
    const service = find('Service', 'data-source-service-api');
    expect(labels(api)).toMatchObject(service.spec.selector);
    expect(service.spec.ports.map((port) => port.targetPort)).toEqual(['http']);
    expect(labels(api)).toMatchObject(
      find('PodDisruptionBudget', 'data-source-service-api').spec.selector.matchLabels!,
    );
    expect(labels(worker)).toMatchObject(
      find('PodDisruptionBudget', 'data-source-service-worker').spec.selector.matchLabels!,
    );
    expect(labels(worker)).not.toMatchObject(service.spec.selector);
    expect(find('HorizontalPodAutoscaler', 'data-source-service-worker').spec.scaleTargetRef).toMatchObject({
      kind: 'Deployment',
      name: worker.metadata.name,
    });
    // The autoscaler owns the workers' count: one in the Deployment would reset it on every apply.
    expect(worker.spec).not.toHaveProperty('replicas');
  });
});

describe('docker-compose.yml', () => {
  const compose = parse(readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8')) as {
    services: {
      service: {
        environment: Record<string, string>;
        healthcheck: { test: string[] };
        stop_grace_period: string;
      };
    };
  };
  const service = compose.services.service;

  it('names only variables the service reads, probes /readyz on PORT and waits for it to stop', () => {
    expect(Object.keys(service.environment).filter((name) => !CONFIG_VARIABLES.includes(name))).toEqual([]);
    expect(service.healthcheck.test.join(' ')).toContain(`:${service.environment.PORT}/readyz`);
    expect(parseInt(service.stop_grace_period, 10)).toBeGreaterThan(
      loadConfig({}).shutdownTimeoutMs / 1000 + 5,
    );
  });
});
