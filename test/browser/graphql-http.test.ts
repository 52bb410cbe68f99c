import { auditServer } from 'graphql-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, startHarness, type Harness } from '../support/harness.js';

// graphql-http's own audit of the GraphQL-over-HTTP spec, against a started service: no error (MUST)
// and no warning (SHOULD). Notices (MAY: GET requests, which the service refuses without a CSRF
// preflight header) are allowed.

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h?.stop();
});

describe("graphql-http's auditServer", () => {
  it('passes with no error and no warning', async () => {
    const results = await auditServer({
      url: h.url,
      // Every audit request carries a valid token, as a client of this API would.
      fetchFn: (input: RequestInfo | URL, init?: RequestInit) => {
        const headers = new Headers(init?.headers);
        headers.set('authorization', `Bearer ${ADMIN_TOKEN}`);
        return fetch(input, { ...init, headers });
      },
    });
    const failures = results
      .filter((result) => result.status === 'error' || result.status === 'warn')
      .map(
        (result) =>
          `${result.status} ${result.id} ${result.name}: ${'reason' in result ? result.reason : ''}`,
      );
    expect(failures).toEqual([]);
    expect(results.filter((result) => result.status === 'ok').length).toBeGreaterThan(40);
  });
});
