import http from 'node:http';
import { networkInterfaces } from 'node:os';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.js';

// With no API_TOKENS (the open development mode) anyone who reaches the API is an admin, so it is
// reachable from this machine only, whatever HOST says.

let open: Harness;
beforeAll(async () => {
  open = await startHarness({ env: { API_TOKENS: '', HOST: '0.0.0.0' } });
});
afterAll(async () => {
  await open.stop();
});

/** This machine's addresses that other machines can reach it on. */
const externalAddresses = () =>
  Object.values(networkInterfaces())
    .flat()
    .filter((address) => address !== undefined && !address.internal && address.family === 'IPv4')
    .map((address) => address!.address);

describe('the open development mode', () => {
  it('listens on 127.0.0.1 although HOST is 0.0.0.0, says why and how to open it; with tokens HOST stands', async () => {
    expect(new URL(open.url).hostname).toBe('127.0.0.1');
    expect((await fetch(open.url.replace('/graphql', '/healthz'))).status).toBe(200);
    const port = new URL(open.url).port;
    for (const address of externalAddresses()) {
      await expect(fetch(`http://${address}:${port}/healthz`)).rejects.toThrow();
    }
    const warnings = open.logs
      .map((line) => JSON.parse(line) as { level: number; msg: string; host?: string })
      .filter((line) => line.level === 40 && line.msg.includes('127.0.0.1'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ host: '0.0.0.0' });
    expect(warnings[0]?.msg).toContain('set API_TOKENS');

    // With tokens, HOST is kept as it is.
    const closed = await startHarness({ env: { HOST: '0.0.0.0' } });
    try {
      expect(new URL(closed.url).hostname).toBe('localhost');
      expect(closed.logs.some((line) => line.includes('set API_TOKENS'))).toBe(false);
    } finally {
      await closed.stop();
    }
  });

  it('answers only requests addressed to this machine, so a page that rebinds its name to 127.0.0.1 gets nothing', async () => {
    const { port } = new URL(open.url);
    const post = (host: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const request = http.request(
          {
            host: '127.0.0.1',
            port,
            path: '/graphql',
            method: 'POST',
            headers: { host, 'content-type': 'application/json' },
          },
          (response) => {
            let body = '';
            response.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
            response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
          },
        );
        request.on('error', reject);
        request.end(
          JSON.stringify({
            query: 'mutation { deleteDataSource(id: "0e9c7e55-0000-4000-8000-000000000000") { id } }',
          }),
        );
      });
    const rebound = await post(`rebound.example:${port}`);
    expect(rebound.status).toBe(403);
    expect(JSON.parse(rebound.body)).toMatchObject({ errors: [{ extensions: { code: 'FORBIDDEN' } }] });
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`]) {
      const local = await post(host);
      expect(local.status).toBe(200);
      expect(JSON.parse(local.body)).toMatchObject({ errors: [{ extensions: { code: 'NOT_FOUND' } }] });
    }

    const handshake = (host: string) =>
      new Promise<number>((resolve) => {
        const socket = new WebSocket(open.wsUrl, 'graphql-transport-ws', { headers: { host } });
        socket.on('open', () => {
          socket.close();
          resolve(101);
        });
        socket.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
        socket.on('error', () => undefined);
      });
    expect(await handshake(`rebound.example:${port}`)).toBe(403);
    expect(await handshake(`localhost:${port}`)).toBe(101);
  });
});
