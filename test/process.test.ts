import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { PG_URL, REDIS_URL } from './support/env.js';
import { CREATE_DATA_SOURCE, dataSourceInput } from './support/factories.js';
import { dropTestDatabase } from './support/harness.js';
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
    // Not 'test': libraries (Apollo's signal handlers) behave differently under NODE_ENV=test.
    NODE_ENV: 'development',
    HOST: '127.0.0.1',
    PORT: '0',
    DATABASE_URL: `${PG_URL}/${name}`,
    REDIS_URL,
    REDIS_PREFIX: `test-proc-${name}`,
    SECRET_KEY: randomBytes(32).toString('base64'),
    API_TOKENS: 'admin:process-test-admin-token',
    ...overrides,
  };
}

const urlFrom = (line: string) => (JSON.parse(line) as { url: string }).url;

describe('role all', () => {
  it('creates its missing database, serves a create/list round trip, and exits 0 on SIGTERM', async () => {
    const service = spawnService('all', environment());
    const url = urlFrom(await service.waitForLine(/GraphQL API listening/));
    const call = async (query: string, variables?: unknown) => {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer process-test-admin-token' },
        body: JSON.stringify({ query, variables }),
      });
      return (await response.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
    };
    const create = await call(CREATE_DATA_SOURCE, { input: dataSourceInput({ identifier: 'from-process' }) });
    expect(create.errors).toBeUndefined();
    const list = await call('{ dataSources { totalCount edges { node { identifier } } } }');
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
  it('run separately: only the api role listens', async () => {
    const env = environment();
    const api = spawnService('api', env);
    await api.waitForLine(/GraphQL API listening/);
    const worker = spawnService('worker', env);
    await worker.waitForLine(/data source service started/);
    expect(worker.lines.some((line) => line.includes('GraphQL API listening'))).toBe(false);
    api.child.kill('SIGTERM');
    worker.child.kill('SIGTERM');
    expect((await api.exited).code).toBe(0);
    expect((await worker.exited).code).toBe(0);
  });

  it('refuses an unknown role', async () => {
    const service = spawnService('everything', environment());
    expect((await service.exited).code).toBe(2);
    expect(service.lines.join('\n')).toContain('Unknown role "everything"');
  });
});

describe('start-up failures', () => {
  it('names every invalid variable and exits 1', async () => {
    const service = spawnService(
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
    const service = spawnService(
      'all',
      environment({ NODE_ENV: 'production', SECRET_KEY: '', API_TOKENS: '' }),
    );
    expect((await service.exited).code).toBe(1);
    expect(service.lines.join('\n')).toMatch(
      /SECRET_KEY: is required in production[\s\S]*API_TOKENS: is required/,
    );
  });

  it('says to start PostgreSQL when the metadata store cannot be reached', async () => {
    const service = spawnService(
      'all',
      environment({ DATABASE_URL: 'postgres://postgres@127.0.0.1:1/nothing' }),
    );
    expect((await service.exited).code).toBe(1);
    expect(service.lines.join('\n')).toContain('Start PostgreSQL or set DATABASE_URL');
  });

  it('says to start Redis when Redis cannot be reached', async () => {
    const service = spawnService('all', environment({ REDIS_URL: 'redis://127.0.0.1:1' }));
    expect((await service.exited).code).toBe(1);
    expect(service.lines.join('\n')).toContain('Start Redis or set REDIS_URL');
  });
});
