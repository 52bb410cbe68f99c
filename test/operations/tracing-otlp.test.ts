import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGraphQLClient, nextValue } from '../support/client.js';
import { draftFor, targets } from '../support/connection-tests.js';
import { CANARY_PASSWORD } from '../support/env.js';
import { cloneTemplate, deploymentEnv, dropTestDatabase } from '../support/harness.js';
import { assertNoCanaryIn, spawnService, type ServiceProcess } from '../support/service-process.js';

// The service as an operator runs it (src/main.ts, a child process) with OTEL_EXPORTER_OTLP_ENDPOINT
// set: its spans reach an OTLP/HTTP receiver as protobuf, the last of them when it stops on SIGTERM.

const TOKEN = 'tracing-admin-token-0123';
const database = `dss_otlp_${randomBytes(4).toString('hex')}`;
const redisPrefix = `test-${database}`;

/** What the collector received: each request's path, content type and body. */
const received: { path: string; type: string; body: Buffer }[] = [];
const collector = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    received.push({
      path: req.url ?? '',
      type: req.headers['content-type'] ?? '',
      body: Buffer.concat(chunks),
    });
    res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
  });
});
let service: ServiceProcess;

beforeAll(async () => {
  collector.listen(0, '127.0.0.1');
  await once(collector, 'listening');
  const { port } = collector.address() as AddressInfo;
  await cloneTemplate(database);
  service = await spawnService('all', {
    ...deploymentEnv({ databaseName: database, redisPrefix, secretKey: randomBytes(32).toString('base64') }),
    API_TOKENS: `admin:${TOKEN}`,
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
    OTEL_SERVICE_NAME: 'dss-otlp-test',
  });
  await service.ready();
});
afterAll(async () => {
  if (service && service.child.exitCode === null && service.child.signalCode === null) {
    service.child.kill('SIGKILL');
    await service.exited;
  }
  await new Promise((resolve) => collector.close(resolve));
  await dropTestDatabase(database, redisPrefix);
});

describe('OTLP export', () => {
  it('sends the spans of a connection test to the configured endpoint, and no secret', async () => {
    const client = createGraphQLClient(service.url, { token: TOKEN });
    try {
      const started = await client.request<{ testConnection: { id: string } }>(
        `mutation($draft: ConnectionDraftInput!) { testConnection(input: { draft: $draft }) { id } }`,
        { draft: { ...draftFor(targets().scram), password: CANARY_PASSWORD } },
      );
      const testId = started.data!.testConnection.id;
      const updates = client.subscribe<{
        connectionTestUpdated: { status: string; errorCode: string | null };
      }>(`subscription($id: ID!) { connectionTestUpdated(testId: $id) { status errorCode } }`, {
        id: testId,
      });
      let test = (await nextValue(updates, `test ${testId}`, 30_000)).data?.connectionTestUpdated;
      while (test?.status !== 'FAILED' && test?.status !== 'PASSED')
        test = (await nextValue(updates, `test ${testId}`, 30_000)).data?.connectionTestUpdated;
      expect(test).toEqual({ status: 'FAILED', errorCode: 'AUTH_FAILED' });
    } finally {
      await client.close();
    }

    // SIGTERM: the service stops, then exports what it still buffers before it exits.
    service.child.kill('SIGTERM');
    expect(await service.exited).toEqual({ code: 0, signal: null });

    expect(received.length).toBeGreaterThan(0);
    for (const request of received)
      expect(request).toMatchObject({ path: '/v1/traces', type: 'application/x-protobuf' });
    // Protobuf keeps strings as they are: the names and values can be looked for in the bytes.
    const bytes = Buffer.concat(received.map((request) => request.body)).toString('latin1');
    for (const expected of [
      'dss-otlp-test',
      'graphql.operation.type',
      'send connection-test',
      'process connection-test',
      'check AUTHENTICATE',
      'AUTH_FAILED',
    ]) {
      expect(bytes).toContain(expected);
    }
    for (const secret of [CANARY_PASSWORD, TOKEN, 'app_full', 'appdb']) expect(bytes).not.toContain(secret);
    assertNoCanaryIn(service.lines);
  });
});
