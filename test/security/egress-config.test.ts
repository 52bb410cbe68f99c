import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { deploymentEnv } from '../support/harness.js';
import { spawnService } from '../support/service-process.js';

// A malformed egress CIDR stops the process before it touches anything, with one line an operator
// can act on: the variable's name and what is wrong, no stack trace.

function environment(overrides: Record<string, string>) {
  return {
    ...deploymentEnv({
      // Never created: the process must stop before it connects anywhere.
      databaseName: `dss_never_${randomBytes(4).toString('hex')}`,
      redisPrefix: `test-egress-config-${randomBytes(4).toString('hex')}`,
      secretKey: randomBytes(32).toString('base64'),
    }),
    NODE_ENV: 'development',
    API_TOKENS: 'admin:egress-config-admin-token',
    ...overrides,
  };
}

describe.each([
  ['TARGET_ALLOW_CIDRS', '10.0.0.0/8,10.0.0.0/99'],
  ['TARGET_DENY_CIDRS', 'fd00::/200'],
  ['TARGET_DENY_CIDRS', '300.1.2.3/8'],
])('%s=%s', (variable, value) => {
  it('exits 1 with exactly one line naming the variable, and no stack trace', async () => {
    const service = await spawnService('all', environment({ [variable]: value }));
    const stderr: string[] = [];
    service.child.stderr?.on('data', (chunk: string) => stderr.push(chunk));
    expect(await service.exited).toEqual({ code: 1, signal: null });
    const lines = stderr
      .join('')
      .split('\n')
      .filter((line) => line.length > 0);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^Invalid configuration: ${variable}: expected CIDRs`));
    expect(service.lines.join('\n')).not.toMatch(/\n\s+at |Error:|ZodError/);
    // Nothing else was printed either (no log line claiming a start).
    expect(service.lines).toEqual(lines);
  });
});
