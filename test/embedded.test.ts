import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGraphQLClient } from './support/client.js';
import { CREATE_DATA_SOURCE, dataSourceInput } from './support/factories.js';
import { spawnService, type ServiceProcess } from './support/service-process.js';

// `npm start` on a machine with nothing installed: no DATABASE_URL, no REDIS_URL. The metadata store is
// an embedded PostgreSQL under DATA_DIR, the queues and events live in it.

let dataDir: string;
const spawned: ServiceProcess[] = [];

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'dss-data-'));
  // As root, PostgreSQL runs as the user postgres, who must be able to reach DATA_DIR.
  await chmod(dataDir, 0o755);
});
afterAll(async () => {
  for (const service of spawned) {
    if (service.child.exitCode === null && service.child.signalCode === null) service.child.kill('SIGKILL');
    await service.exited;
  }
  // A postmaster left by a test that failed half-way must not outlive the suite.
  postmasterRunning(true);
  await rm(dataDir, { recursive: true, force: true });
});

/** The service with only what a newcomer sets (nothing), on its own DATA_DIR. */
async function start(): Promise<ServiceProcess> {
  const service = await spawnService('all', {
    NODE_ENV: 'development',
    DATA_DIR: dataDir,
    SECRET_KEY_FILE: path.join(dataDir, 'secret-key'),
  });
  spawned.push(service);
  return service;
}

const postmasterPid = () => {
  const file = path.join(dataDir, 'postgres', 'postmaster.pid');
  return existsSync(file) ? Number(readFileSync(file, 'utf8').split('\n')[0]) : undefined;
};

/** Whether the embedded postmaster runs; `kill` stops it (clean-up after a failed test). */
function postmasterRunning(kill = false): boolean {
  const pid = postmasterPid();
  if (pid === undefined) return false;
  const alive = spawnSync('kill', ['-0', String(pid)]).status === 0;
  if (alive && kill) spawnSync('kill', ['-INT', String(pid)]);
  return alive;
}

const identifiers = async (service: ServiceProcess) => {
  const result = await createGraphQLClient(service.url).request<{
    dataSources: { edges: { node: { identifier: string } }[] };
  }>('{ dataSources { edges { node { identifier } } } }');
  return result.data?.dataSources.edges.map((edge) => edge.node.identifier);
};

describe('the embedded default', () => {
  it('starts PostgreSQL under DATA_DIR, keeps its password 0600, says what it uses, and stops it on SIGTERM', async () => {
    const service = await start();
    await service.ready();
    const created = await createGraphQLClient(service.url).request(CREATE_DATA_SOURCE, {
      input: dataSourceInput({ identifier: 'kept-across-restarts' }),
    });
    expect(created.errors).toBeUndefined();
    expect(statSync(path.join(dataDir, 'postgres.password')).mode & 0o777).toBe(0o600);
    const chosen = service.lines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((line) => line.transport !== undefined);
    expect(chosen).toMatchObject({
      metadataStore: expect.stringMatching(/^embedded PostgreSQL \d+/) as unknown,
      dataDir,
      transport: 'postgres',
      msg: expect.stringContaining('set DATABASE_URL') as unknown,
    });
    expect(postmasterRunning()).toBe(true);

    service.child.kill('SIGTERM');
    expect(await service.exited).toEqual({ code: 0, signal: null });
    expect(postmasterRunning()).toBe(false);
    expect(existsSync(path.join(dataDir, 'service.pid'))).toBe(false);
  });

  it('keeps every data source across a restart', async () => {
    const service = await start();
    await service.ready();
    expect(await identifiers(service)).toEqual(['kept-across-restarts']);
    service.child.kill('SIGTERM');
    await service.exited;
  });

  it('refuses a second service on the same DATA_DIR with one line naming it', async () => {
    const first = await start();
    await first.ready();
    const second = await start();
    expect(await second.exited).toEqual({ code: 1, signal: null });
    const lines = second.lines.filter((line) => line.trim().length > 0);
    expect(lines).toHaveLength(1);
    expect((JSON.parse(lines[0]!) as { msg: string }).msg).toBe(
      `DATA_DIR ${dataDir} is in use by another data source service (pid ${first.child.pid}): stop that one, or start this one with another DATA_DIR.`,
    );
    // The first one is untouched.
    expect(await identifiers(first)).toEqual(['kept-across-restarts']);
    first.child.kill('SIGTERM');
    await first.exited;
  });

  it('recovers the PostgreSQL a crashed service left running, and keeps its data', async () => {
    const crashed = await start();
    await crashed.ready();
    crashed.child.kill('SIGKILL');
    await crashed.exited;
    const orphan = postmasterPid();
    expect(postmasterRunning()).toBe(true);

    const next = await start();
    await next.ready();
    expect(postmasterPid()).not.toBe(orphan);
    expect(await identifiers(next)).toEqual(['kept-across-restarts']);
    expect(
      next.lines.some((line) => line.includes('left running by a service that did not stop cleanly')),
    ).toBe(true);
    next.child.kill('SIGTERM');
    await next.exited;
    expect(postmasterRunning()).toBe(false);
  });

  it('runs a connection test end to end on the PostgreSQL transport', async () => {
    const service = await start();
    await service.ready();
    const client = createGraphQLClient(service.url);
    const draft = {
      host: '127.0.0.1',
      port: 1, // nothing listens there: CONNECTION_REFUSED, from a real worker on the embedded queue
      username: 'nobody',
      password: randomBytes(8).toString('hex'),
      databaseName: 'nothing',
    };
    const started = await client.request<{ testConnection: { id: string } }>(
      'mutation($draft: ConnectionDraftInput!) { testConnection(input: { draft: $draft }) { id } }',
      { draft },
    );
    const id = started.data!.testConnection.id;
    const statuses: string[] = [];
    for await (const message of client.subscribe<{
      connectionTestUpdated: { status: string; errorCode: string };
    }>('subscription($id: ID!) { connectionTestUpdated(testId: $id) { status errorCode } }', { id })) {
      statuses.push(
        `${message.data?.connectionTestUpdated.status}:${message.data?.connectionTestUpdated.errorCode}`,
      );
    }
    expect(statuses.at(-1)).toBe('FAILED:CONNECTION_REFUSED');
    await client.close();
    service.child.kill('SIGTERM');
    await service.exited;
  });
});
