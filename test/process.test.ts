import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createGraphQLClient } from './support/client.js';
import { CREATE_DATA_SOURCE, dataSourceInput } from './support/factories.js';
import { deploymentEnv, dropTestDatabase } from './support/harness.js';
import { assertNoCanaryIn, spawnService } from './support/service-process.js';

// The service as an operator runs it: src/main.ts in its own process, configured by environment only.

const created: string[] = [];
afterAll(async () => {
  for (const name of created) await dropTestDatabase(name, `test-proc-${name}`);
});

function environment(overrides: Record<string, string> = {}) {
  const name = `dss_proc_${randomBytes(4).toString('hex')}`;
  created.push(name);
  return {
    ...deploymentEnv({
      databaseName: name,
      redisPrefix: `test-proc-${name}`,
      secretKey: randomBytes(32).toString('base64'),
    }),
    // Not 'test': libraries (Apollo's signal handlers) behave differently under NODE_ENV=test.
    NODE_ENV: 'development',
    API_TOKENS: 'admin:process-test-admin-token',
    ...overrides,
  };
}

describe('role all', () => {
  it('creates its missing database, serves a create/list round trip, and exits 0 on SIGTERM', async () => {
    const service = await spawnService('all', environment());
    await service.ready();
    const client = createGraphQLClient(service.url, { token: 'process-test-admin-token' });
    const create = await client.request(CREATE_DATA_SOURCE, {
      input: dataSourceInput({ identifier: 'from-process' }),
    });
    expect(create.errors).toBeUndefined();
    const list = await client.request('{ dataSources { totalCount edges { node { identifier } } } }');
    expect(list.data?.dataSources).toEqual({
      totalCount: 1,
      edges: [{ node: { identifier: 'from-process' } }],
    });

    service.child.kill('SIGTERM');
    expect(await service.exited).toEqual({ code: 0, signal: null });
    expect(service.lines.some((line) => line.includes('"msg":"stopped"'))).toBe(true);
    assertNoCanaryIn(service.lines);
  });
});

describe('roles api and worker', () => {
  it('run separately: only the api role serves GraphQL; the worker serves its health endpoints', async () => {
    const env = environment();
    const api = await spawnService('api', env);
    await api.ready();
    const worker = await spawnService('worker', env);
    await worker.ready();
    const query = JSON.stringify({ query: '{ regions }' });
    const headers = { 'content-type': 'application/json', authorization: 'Bearer process-test-admin-token' };
    expect((await fetch(api.url, { method: 'POST', headers, body: query })).status).toBe(200);
    expect((await fetch(worker.url, { method: 'POST', headers, body: query })).status).toBe(404);
    expect((await fetch(`${worker.baseUrl}/healthz`)).status).toBe(200);
    api.child.kill('SIGTERM');
    worker.child.kill('SIGTERM');
    expect((await api.exited).code).toBe(0);
    expect((await worker.exited).code).toBe(0);
  });

  it('refuses an unknown role', async () => {
    const service = await spawnService('everything', environment());
    expect((await service.exited).code).toBe(2);
    expect(service.lines.join('\n')).toContain('Unknown role "everything"');
  });
});

describe('start-up failures', () => {
  it('names every invalid variable and exits 1', async () => {
    const service = await spawnService(
      'all',
      environment({ PORT: 'eighty', REDIS_URL: 'http://127.0.0.1', REGIONS: 'a b' }),
    );
    expect((await service.exited).code).toBe(1);
    const output = service.lines.join('\n');
    expect(output).toMatch(/PORT:/);
    expect(output).toMatch(/REDIS_URL:/);
    expect(output).toMatch(/REGIONS:/);
  });

  it('refuses to start in production without SECRET_KEY and API_TOKENS', async () => {
    const service = await spawnService(
      'all',
      environment({ NODE_ENV: 'production', SECRET_KEY: '', API_TOKENS: '' }),
    );
    expect((await service.exited).code).toBe(1);
    expect(service.lines.join('\n')).toMatch(
      /SECRET_KEY: is required in production[\s\S]*API_TOKENS: is required/,
    );
  });

  it('says to start PostgreSQL when the metadata store cannot be reached', async () => {
    const service = await spawnService(
      'all',
      environment({ DATABASE_URL: 'postgres://postgres@127.0.0.1:1/nothing' }),
    );
    expect((await service.exited).code).toBe(1);
    expect(service.lines.join('\n')).toContain('Start PostgreSQL or set DATABASE_URL');
  });

  it('says to start Redis when Redis cannot be reached', async () => {
    // Nothing listens on port 1: this needs no Redis, so it runs on both transports' projects.
    const service = await spawnService(
      'all',
      environment({ QUEUE_TRANSPORT: 'redis', REDIS_URL: 'redis://127.0.0.1:1' }),
    );
    expect((await service.exited).code).toBe(1);
    expect(service.lines.join('\n')).toContain('Start Redis or set REDIS_URL');
  });
});
