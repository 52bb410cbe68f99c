import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.js';

// /metrics on its own port (OPS_PORT) and behind METRICS_TOKEN, so that the API's port exposes no
// operational detail and scrapes are authenticated.

const METRICS_TOKEN = 'metrics-token-0123456789abcdef';
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { OPS_PORT: '0', METRICS_TOKEN } });
});
afterAll(async () => {
  await h.stop();
});

describe('metrics access', () => {
  it('serves /metrics on OPS_PORT only, and only with the metrics token', async () => {
    const api = h.url.replace(/\/graphql$/, '');
    expect(h.opsUrl).toBeDefined();
    expect(h.opsUrl).not.toBe(api);
    expect((await fetch(`${api}/metrics`)).status).toBe(404);
    // Probes stay on the API's port too, where load balancers look for them.
    expect((await fetch(`${api}/healthz`)).status).toBe(200);

    const anonymous = await fetch(`${h.opsUrl}/metrics`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.text()).not.toContain('dss_');
    const wrong = await fetch(`${h.opsUrl}/metrics`, {
      headers: { authorization: 'Bearer not-the-token-000000' },
    });
    expect(wrong.status).toBe(401);
    const scraped = await fetch(`${h.opsUrl}/metrics`, {
      headers: { authorization: `Bearer ${METRICS_TOKEN}` },
    });
    expect(scraped.status).toBe(200);
    expect(await scraped.text()).toContain('dss_metadata_store_queries_total');
    expect((await fetch(`${h.opsUrl}/readyz`)).status).toBe(200);
  });
});
