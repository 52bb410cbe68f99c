import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';

describe('loadConfig', () => {
  it('has defaults that reach PostgreSQL and Redis on localhost', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      env: 'development',
      port: 4000,
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/data_sources',
      redisUrl: 'redis://127.0.0.1:6379',
      heartbeatIntervalSeconds: 5,
      connectTimeoutMs: 10_000,
      queryTimeoutMs: 5_000,
      testTimeoutMs: 30_000,
      regions: [],
    });
    expect(config.apiTokens.size).toBe(0);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('parses API_TOKENS into roles and REGIONS into a list', () => {
    const config = loadConfig({
      API_TOKENS: 'admin:aaaaaaaaaaaaaaaaaaaa, viewer:bbbbbbbbbbbbbbbbbbbb',
      REGIONS: 'cn-hangzhou,eu-west-1,cn-hangzhou',
    });
    expect([...config.apiTokens]).toEqual([
      ['aaaaaaaaaaaaaaaaaaaa', 'admin'],
      ['bbbbbbbbbbbbbbbbbbbb', 'viewer'],
    ]);
    expect(config.regions).toEqual(['cn-hangzhou', 'eu-west-1']);
  });

  it('names each bad variable without echoing a secret', () => {
    let message = '';
    try {
      loadConfig({
        PORT: '70000',
        API_TOKENS: 'root:super-secret-token-value',
        SECRET_KEY: 'dG9vLXNob3J0',
        HEARTBEAT_INTERVAL_SECONDS: '0',
        TARGET_DENY_CIDRS: '10.0.0.0',
      });
    } catch (error) {
      message = (error as Error).message;
    }
    for (const name of [
      'PORT',
      'API_TOKENS',
      'SECRET_KEY',
      'HEARTBEAT_INTERVAL_SECONDS',
      'TARGET_DENY_CIDRS',
    ]) {
      expect(message).toContain(`${name}:`);
    }
    expect(message).not.toContain('super-secret-token-value');
    expect(message).not.toContain('dG9vLXNob3J0');
  });
});
