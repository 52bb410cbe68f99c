import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

const exporterOf = (env: Record<string, string>) => loadConfig(env).tracing.exporter;

describe('traces configuration (OTEL_*)', () => {
  it('is off by default, and on with an exporter or an OTLP endpoint', () => {
    expect(loadConfig({}).tracing).toEqual({
      exporter: undefined,
      serviceName: 'data-source-service',
      sampler: { name: 'parentbased_always_on', ratio: 1 },
    });
    expect(exporterOf({ OTEL_TRACES_EXPORTER: 'otlp' })).toBe('otlp');
    expect(exporterOf({ OTEL_TRACES_EXPORTER: 'console' })).toBe('console');
    expect(exporterOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toBe('otlp');
    expect(exporterOf({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://collector/v1/traces' })).toBe('otlp');
  });

  it('stays off with OTEL_TRACES_EXPORTER=none or OTEL_SDK_DISABLED=true, whatever else is set', () => {
    const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' };
    expect(exporterOf({ ...endpoint, OTEL_TRACES_EXPORTER: 'none' })).toBeUndefined();
    expect(exporterOf({ ...endpoint, OTEL_SDK_DISABLED: 'true' })).toBeUndefined();
    expect(
      exporterOf({ ...endpoint, OTEL_TRACES_EXPORTER: 'otlp', OTEL_SDK_DISABLED: 'TRUE' }),
    ).toBeUndefined();
    expect(exporterOf({ ...endpoint, OTEL_SDK_DISABLED: 'false' })).toBe('otlp');
  });

  it('takes the service name and the sampler', () => {
    const { tracing } = loadConfig({
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_SERVICE_NAME: 'dss-eu',
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.25',
    });
    expect(tracing).toEqual({
      exporter: 'otlp',
      serviceName: 'dss-eu',
      sampler: { name: 'parentbased_traceidratio', ratio: 0.25 },
    });
  });

  it.each([
    [{ OTEL_TRACES_EXPORTER: 'jaeger' }, 'OTEL_TRACES_EXPORTER'],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' }, 'OTEL_EXPORTER_OTLP_ENDPOINT'],
    [{ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'grpc://collector:4317' }, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'],
    [{ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }, 'OTEL_EXPORTER_OTLP_PROTOCOL: only http/protobuf'],
    [{ OTEL_TRACES_SAMPLER: 'sometimes' }, 'OTEL_TRACES_SAMPLER'],
    [{ OTEL_TRACES_SAMPLER_ARG: '2' }, 'OTEL_TRACES_SAMPLER_ARG'],
    [{ OTEL_SDK_DISABLED: 'perhaps' }, 'OTEL_SDK_DISABLED'],
  ])('refuses %j, naming the variable', (env, named) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(named);
  });
});
