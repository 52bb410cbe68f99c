import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';

describe('loadConfig', () => {
  it('needs nothing installed by default: an embedded PostgreSQL under ./.data, and queues in it', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      env: 'development',
      port: 4000,
      databaseUrl: undefined,
      dataDir: '.data',
      queueTransport: 'postgres',
      redis: undefined,
      heartbeatIntervalSeconds: 5,
      connectTimeoutMs: 10_000,
      queryTimeoutMs: 5_000,
      testTimeoutMs: 30_000,
      regions: [],
    });
    expect(config.apiTokens.size).toBe(0);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('moves queues and events to Redis when REDIS_URL is set, unless QUEUE_TRANSPORT says otherwise', () => {
    expect(loadConfig({ REDIS_URL: 'redis://cache:6380' })).toMatchObject({
      queueTransport: 'redis',
      redis: { kind: 'standalone', url: 'redis://cache:6380' },
    });
    expect(loadConfig({ REDIS_URL: 'redis://cache:6380', QUEUE_TRANSPORT: 'postgres' })).toMatchObject({
      queueTransport: 'postgres',
    });
    expect(loadConfig({ QUEUE_TRANSPORT: 'redis' })).toMatchObject({
      queueTransport: 'redis',
      redis: { kind: 'standalone', url: 'redis://127.0.0.1:6379' },
    });
    expect(() => loadConfig({ QUEUE_TRANSPORT: 'kafka' })).toThrow(/QUEUE_TRANSPORT/);
  });

  it('reaches Redis through Sentinel or a Cluster, either of which selects the Redis transport', () => {
    expect(
      loadConfig({
        REDIS_SENTINELS: 's1:26379, [fd00::2]:26380',
        REDIS_SENTINEL_NAME: 'mymaster',
        REDIS_SENTINEL_PASSWORD: 'sentinel-secret',
        REDIS_PASSWORD: 'master-secret',
      }),
    ).toMatchObject({
      queueTransport: 'redis',
      redisPrefix: 'dss',
      redis: {
        kind: 'sentinel',
        name: 'mymaster',
        sentinels: [
          { host: 's1', port: 26379 },
          { host: 'fd00::2', port: 26380 },
        ],
        password: 'master-secret',
        sentinelPassword: 'sentinel-secret',
      },
    });
    // On a Cluster every key of the deployment shares one hash slot: the prefix becomes a hash tag.
    expect(loadConfig({ REDIS_CLUSTER_NODES: '10.0.0.1:7000,10.0.0.2:7000' })).toMatchObject({
      queueTransport: 'redis',
      redisPrefix: '{dss}',
      redis: {
        kind: 'cluster',
        nodes: [
          { host: '10.0.0.1', port: 7000 },
          { host: '10.0.0.2', port: 7000 },
        ],
      },
    });
    expect(loadConfig({ REDIS_CLUSTER_NODES: 'n:7000', REDIS_PREFIX: 'eu:{orders}' }).redisPrefix).toBe(
      'eu:{orders}',
    );
    expect(loadConfig({ REDIS_CLUSTER_NODES: 'n:7000', QUEUE_TRANSPORT: 'postgres' }).redis).toBeUndefined();
  });

  it('refuses malformed or conflicting Redis topologies in one line naming the variable', () => {
    const problems = (env: Record<string, string>) => {
      try {
        loadConfig(env);
      } catch (error) {
        const message = (error as Error).message;
        expect(message.split('\n')).toHaveLength(1);
        return message;
      }
      throw new Error('accepted');
    };
    expect(problems({ REDIS_CLUSTER_NODES: 'n1:7000,n2' })).toMatch(
      /^Invalid configuration: REDIS_CLUSTER_NODES: /,
    );
    expect(problems({ REDIS_SENTINELS: 's1:99999', REDIS_SENTINEL_NAME: 'm' })).toMatch(/REDIS_SENTINELS: /);
    expect(problems({ REDIS_SENTINELS: 's1:26379' })).toMatch(/REDIS_SENTINEL_NAME: is required/);
    expect(problems({ REDIS_SENTINEL_NAME: 'mymaster' })).toMatch(/REDIS_SENTINELS: is required/);
    expect(problems({ REDIS_URL: 'redis://r:6379', REDIS_CLUSTER_NODES: 'n:7000' })).toMatch(
      /REDIS_CLUSTER_NODES: set only one of REDIS_URL, REDIS_CLUSTER_NODES/,
    );
    expect(
      problems({ REDIS_SENTINELS: 's:26379', REDIS_SENTINEL_NAME: 'm', REDIS_CLUSTER_NODES: 'n:7000' }),
    ).toMatch(/REDIS_CLUSTER_NODES: set only one of REDIS_SENTINELS, REDIS_CLUSTER_NODES/);
    expect(problems({ REDIS_URL: 'redis://r:6379', REDIS_PASSWORD: 'pw' })).toMatch(
      /REDIS_PASSWORD: is for REDIS_SENTINELS or REDIS_CLUSTER_NODES/,
    );
    expect(problems({ REDIS_CLUSTER_NODES: 'n:7000', REDIS_SENTINEL_PASSWORD: 'pw' })).toMatch(
      /REDIS_SENTINEL_PASSWORD: is for REDIS_SENTINELS only/,
    );
    const secret = problems({
      REDIS_SENTINELS: 'bad',
      REDIS_SENTINEL_NAME: 'm',
      REDIS_SENTINEL_PASSWORD: 'sentinel-secret-value',
    });
    expect(secret).not.toContain('sentinel-secret-value');
  });

  it('parses API_TOKENS into named principals (name:role:token, or role:token named after its role)', () => {
    const config = loadConfig({
      API_TOKENS:
        'ci-bot:admin:aaaaaaaaaaaaaaaaaaaa, viewer:bbbbbbbbbbbbbbbbbbbb,alice:viewer:cc:cccccccccccccccccc',
      REGIONS: 'cn-hangzhou,eu-west-1,cn-hangzhou',
    });
    expect([...config.apiTokens]).toEqual([
      ['aaaaaaaaaaaaaaaaaaaa', { name: 'ci-bot', role: 'admin' }],
      ['bbbbbbbbbbbbbbbbbbbb', { name: 'viewer', role: 'viewer' }],
      ['cc:cccccccccccccccccc', { name: 'alice', role: 'viewer' }],
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
    expect(message.split('\n')).toHaveLength(1);
  });

  it('refuses duplicate token names, a token of another role and CIDRs whose prefix does not fit', () => {
    const problems = (env: Record<string, string>) => {
      try {
        loadConfig(env);
        return '';
      } catch (error) {
        return (error as Error).message;
      }
    };
    expect(problems({ API_TOKENS: 'a:admin:aaaaaaaaaaaaaaaaaaaa,a:viewer:bbbbbbbbbbbbbbbbbbbb' })).toMatch(
      /API_TOKENS: token names must be unique/,
    );
    expect(problems({ API_TOKENS: 'a:root:aaaaaaaaaaaaaaaaaaaa' })).toMatch(/API_TOKENS: each entry/);
    for (const bad of ['10.0.0.0/99', '10.0.0.0/33', 'fd00::/129', '300.0.0.0/8', '10.0.0.0']) {
      expect(problems({ TARGET_ALLOW_CIDRS: bad })).toMatch(/^Invalid configuration: TARGET_ALLOW_CIDRS: /);
    }
    expect(problems({ ALLOWED_ORIGINS: 'https://console.example.com/path' })).toMatch(/ALLOWED_ORIGINS: /);
    expect(
      problems({ TARGET_DENY_CIDRS: '10.0.0.0/8, fd00::/8', ALLOWED_ORIGINS: 'http://localhost:5173' }),
    ).toBe('');
  });
});
