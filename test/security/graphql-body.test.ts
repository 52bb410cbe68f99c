import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { CANARY_PASSWORD } from '../support/env.js';
import { deploymentEnv, dropTestDatabase } from '../support/harness.js';
import { assertNoCanaryIn, spawnService } from '../support/service-process.js';

// Bodies Express refuses before GraphQL sees them: the service as an operator runs it (its own
// process, NODE_ENV=development), so that what Express would print on stderr is seen too.

const name = `dss_proc_${randomBytes(4).toString('hex')}`;
afterAll(async () => {
  await dropTestDatabase(name, `test-proc-${name}`);
});

const TOKEN = 'body-test-admin-token-0123';

describe('a request body Express refuses', () => {
  it('gets a JSON answer and one log line, with no stack trace and nothing of the body', async () => {
    const service = await spawnService('api', {
      ...deploymentEnv({
        databaseName: name,
        redisPrefix: `test-proc-${name}`,
        secretKey: randomBytes(32).toString('base64'),
      }),
      NODE_ENV: 'development',
      API_TOKENS: `admin:${TOKEN}`,
    });
    await service.ready();
    const post = (body: string) =>
      fetch(service.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
        body,
      });

    // 300 KiB, over the 256 KiB limit, with the canary inside.
    const oversized = JSON.stringify({
      query: '{ regions }',
      variables: { password: CANARY_PASSWORD, padding: 'x'.repeat(300 * 1024) },
    });
    const tooLarge = await post(oversized);
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.headers.get('content-type')).toMatch(/^application\/json/);
    const tooLargeBody = (await tooLarge.json()) as {
      errors: { message: string; extensions: { code: string } }[];
    };
    expect(tooLargeBody.errors).toHaveLength(1);
    expect(tooLargeBody.errors[0]?.extensions.code).toBe('PAYLOAD_TOO_LARGE');
    expect(tooLargeBody.errors[0]?.message).toMatch(/262144 bytes/);

    const notJson = await post(`{"query":"{ regions }","variables":{"password":${CANARY_PASSWORD}}}`);
    expect(notJson.status).toBe(400);
    const notJsonText = await notJson.text();
    expect(JSON.parse(notJsonText)).toEqual({
      errors: [{ message: 'The request body is not valid JSON', extensions: { code: 'BAD_REQUEST' } }],
    });

    // A request that is fine still is.
    expect((await post(JSON.stringify({ query: '{ regions }' }))).status).toBe(200);

    service.child.kill('SIGTERM');
    expect((await service.exited).code).toBe(0);
    // Everything the process wrote is in now: one line for the 413, no stack trace, no body.
    const lines = service.lines;
    expect(lines.filter((line) => line.includes('"status":413'))).toHaveLength(1);
    expect(lines.filter((line) => /PayloadTooLargeError|SyntaxError|^\s+at /.test(line))).toEqual([]);
    for (const line of [...lines, notJsonText]) expect(line).not.toContain(CANARY_PASSWORD.slice(0, 8));
    assertNoCanaryIn(lines);
  });
});
