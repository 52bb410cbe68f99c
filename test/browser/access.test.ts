// Callbacks passed to page.evaluate run in the page: they see the DOM.
/// <reference lib="dom" />
import http from 'node:http';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { draftFor, targets } from '../support/connection-tests.js';
import { ADMIN_TOKEN, startHarness, VIEWER_TOKEN, type Harness } from '../support/harness.js';
import { launchChromium } from './support/browser.js';
import {
  expectAccessible,
  openConsole,
  originOf,
  screenshot,
  signedIn,
  type Watched,
} from './support/console.js';

// Signing in, the viewer's read-only console, the Operations page, Bull Board through the console's
// session cookie, and the headers that protect a page holding a token.

let h: Harness;
let browser: Browser;
let origin: string;
const opened: Watched[] = [];

beforeAll(async () => {
  [h, browser] = await Promise.all([startHarness({ role: 'all' }), launchChromium()]);
  origin = originOf(h);
});

afterAll(async () => {
  const problems = opened.flatMap((watched) => watched.problems);
  await browser?.close();
  await h?.stop();
  expect(problems).toEqual([]);
});

const watch = (watched: Watched) => {
  opened.push(watched);
  return watched;
};

const SESSION_COOKIE = 'dss_admin_session';

async function createDataSource(identifier: string): Promise<string> {
  const result = await h.gql<{ createDataSource: { dataSource: { id: string } } }>(
    `mutation($input: CreateDataSourceInput!) { createDataSource(input: $input) { dataSource { id } } }`,
    { input: { identifier, ...draftFor(targets().scram) } },
  );
  const id = result.data?.createDataSource.dataSource.id;
  if (!id) throw new Error(JSON.stringify(result.errors));
  return id;
}

/** A request with a Host header of our choosing (fetch may not set Host). */
function request(
  path: string,
  options: { method?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  const { hostname, port } = new URL(origin);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { hostname, port, path, method: options.method ?? 'GET', headers: options.headers },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('signing in', () => {
  it('asks for a token, keeps it for the tab only, and never puts it in a URL or a log line', async () => {
    const watched = watch(await openConsole(browser, origin));
    const { page, context, requests } = watched;
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await screenshot(page, 'console-sign-in.png');
    await expectAccessible(page);

    await page.getByLabel('API token').fill('not-a-valid-token-0123456789');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('This token is not valid.').waitFor();

    await page.getByLabel('API token').fill(ADMIN_TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Data Source Management', level: 1 }).waitFor();
    await page.getByText('Signed in as').waitFor();
    await page.getByRole('link', { name: 'Operations' }).click();
    await page.getByRole('heading', { name: 'Operations', level: 1 }).waitFor();

    expect(await page.evaluate(() => sessionStorage.getItem('dss.console.token'))).toBe(ADMIN_TOKEN);
    expect(await page.evaluate(() => JSON.stringify(localStorage))).not.toContain(ADMIN_TOKEN);
    // A reload of the tab keeps the session; a new tab of the same browser does not get the token.
    await page.reload();
    await page.getByRole('heading', { name: 'Operations', level: 1 }).waitFor();
    const other = await context.newPage();
    await other.goto(origin);
    await other.getByRole('heading', { name: 'Sign in' }).waitFor();
    await other.close();

    expect(requests.filter((url) => url.includes(ADMIN_TOKEN))).toEqual([]);
    expect(h.logs.filter((line) => line.includes(ADMIN_TOKEN))).toEqual([]);
  });

  it('returns to sign-in when the token is refused (401)', async () => {
    const { page } = watch(await signedIn(browser, origin, ADMIN_TOKEN));
    // As if the token had been removed from API_TOKENS: the next answer is a 401.
    await page.route('**/graphql', (route) =>
      route.fulfill({
        status: 401,
        contentType: 'application/json',
        body: JSON.stringify({
          errors: [{ message: 'The API token is not valid', extensions: { code: 'UNAUTHENTICATED' } }],
        }),
      }),
    );
    await page.getByRole('link', { name: 'Operations' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.getByText('Your session ended').waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem('dss.console.token'))).toBeNull();
  });

  it('with no tokens configured there is no sign-in, and no Region where no region is configured', async () => {
    const open = await startHarness({ sharedWith: undefined, role: 'api', env: { API_TOKENS: '' } });
    try {
      const { page } = watch(await openConsole(browser, originOf(open)));
      await page.getByRole('heading', { name: 'Data Source Management', level: 1 }).waitFor();
      await page.getByText('Open instance: no API tokens are configured.').waitFor();
      await page.getByRole('button', { name: 'Create Data Source' }).click();
      const dialog = page.getByRole('dialog', { name: 'Create Data Source' });
      await dialog.getByLabel('Data Source Identifier').waitFor();
      expect(await dialog.getByLabel('Region').count()).toBe(0);
      await page.close();
    } finally {
      await open.stop();
    }
  });
});

describe("a viewer's console", () => {
  it('is read-only: nothing offers a change, and Bull Board is not for viewers', async () => {
    const id = await createDataSource('seen-by-viewer');
    const { page, context } = watch(await signedIn(browser, origin, VIEWER_TOKEN));
    await page.getByText('Read-only: your token is a viewer token').waitFor();
    await page.getByRole('row', { name: /seen-by-viewer/ }).waitFor();
    expect(await page.getByRole('button', { name: 'Create Data Source' }).count()).toBe(0);
    await expectAccessible(page);

    await page.getByRole('link', { name: 'seen-by-viewer' }).click();
    await page.getByRole('heading', { name: 'seen-by-viewer', level: 1 }).waitFor();
    for (const name of ['Test Connection', 'Edit', 'Delete']) {
      expect(await page.getByRole('button', { name }).count(), name).toBe(0);
    }
    expect(new URL(page.url()).pathname).toBe(`/data-sources/${id}`);

    await page.getByRole('link', { name: 'Operations' }).click();
    await page.locator('tr[data-queue="connection-test"]').waitFor();
    expect(await page.getByRole('button', { name: /Pause|Resume|Retry/ }).count()).toBe(0);
    expect(await page.getByRole('link', { name: /Bull Board/ }).count()).toBe(0);
    await page.getByText('Failed jobs, retry, pause and resume need an admin token.').waitFor();
    await expectAccessible(page);

    // No cookie for a viewer, so Bull Board answers 401 to this browser.
    expect((await context.cookies()).map((cookie) => cookie.name)).not.toContain(SESSION_COOKIE);
    const board = await page.goto(`${origin}/admin/queues`);
    expect(board?.status()).toBe(401);
  });
});

describe('the Operations page', () => {
  it('shows the queues live, failed jobs with their reasons, retry, pause and resume, and opens Bull Board', async () => {
    const { page, context } = watch(await signedIn(browser, origin, ADMIN_TOKEN));
    await page.getByRole('link', { name: 'Operations' }).click();
    const row = (queue: string) => page.locator(`tr[data-queue="${queue}"]`);
    for (const queue of ['connection-test', 'heartbeat', 'maintenance']) await row(queue).waitFor();

    // A job that fails for good: a payload the worker refuses (UnrecoverableError).
    const queue = h.queue('connection-test');
    await queue.add('connection-test', { testId: 'not-a-test-id' });
    const failed = row('connection-test').locator('[data-count="failed"]');
    await expect.poll(() => failed.textContent(), { timeout: 15_000 }).toBe('1');
    const reasons = page.locator('section', { has: page.getByRole('heading', { name: 'Failed jobs' }) });
    await expect.poll(() => reasons.locator('tbody tr').count(), { timeout: 10_000 }).toBe(1);
    expect(await reasons.locator('tbody tr').textContent()).toMatch(/connection-test/);

    await page.getByRole('button', { name: 'Retry failed jobs of connection-test' }).click();
    await page.getByText('Failed jobs of connection-test retried.').waitFor();
    // The payload has not changed, so it fails again and is listed again.
    await expect.poll(() => failed.textContent(), { timeout: 15_000 }).toBe('1');
    await expect.poll(() => reasons.locator('tbody tr').count(), { timeout: 10_000 }).toBe(1);

    await page.getByRole('button', { name: 'Pause heartbeat' }).click();
    await row('heartbeat').getByText('Paused').waitFor();
    await screenshot(page, 'console-operations.png');
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Resume heartbeat' }).click();
    await row('heartbeat').getByText('Running').waitFor();

    // Bull Board opens in the browser: signing in gave it the session cookie.
    const [board] = await Promise.all([
      context.waitForEvent('page'),
      page.getByRole('link', { name: /Open Bull Board/ }).click(),
    ]);
    const response = await board.waitForResponse((r) =>
      new URL(r.url()).pathname.startsWith('/admin/queues/api/queues'),
    );
    expect(response.status()).toBe(200);
    await board.getByText('connection-test').first().waitFor();
    await board.close();
  });
});

describe("Bull Board's session cookie", () => {
  it('is HttpOnly, SameSite=Strict, expiring; refuses cross-site changes; ends with signing out; the bearer header still works', async () => {
    const watched = watch(await signedIn(browser, origin, ADMIN_TOKEN));
    const { page, context } = watched;
    const cookie = (await context.cookies()).find((c) => c.name === SESSION_COOKIE);
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/admin', secure: false });
    const hours = ((cookie?.expires ?? 0) * 1000 - Date.now()) / 3_600_000;
    expect(hours).toBeGreaterThan(7.9);
    expect(hours).toBeLessThanOrEqual(8);
    // No script of the page can read it.
    expect(await page.evaluate(() => document.cookie)).not.toContain(SESSION_COOKIE);
    const value = cookie?.value ?? '';
    const withCookie = { cookie: `${SESSION_COOKIE}=${value}` };

    expect((await request('/admin/queues', { headers: withCookie })).status).toBe(200);
    // A state-changing request carrying the cookie from another site is refused; from this origin it is not.
    const pause = '/admin/queues/api/queues/maintenance/pause';
    const host = new URL(origin).host;
    expect(
      (await request(pause, { method: 'PUT', headers: { ...withCookie, origin: 'https://evil.example' } }))
        .status,
    ).toBe(401);
    expect(
      (await request(pause, { method: 'PUT', headers: { ...withCookie, 'sec-fetch-site': 'cross-site' } }))
        .status,
    ).toBe(401);
    expect((await request(pause, { method: 'PUT', headers: withCookie })).status).toBe(401);
    const sameSite = await request(pause, {
      method: 'PUT',
      headers: { ...withCookie, origin: `http://${host}` },
    });
    expect(sameSite.status).toBe(200);
    await request('/admin/queues/api/queues/maintenance/resume', {
      method: 'PUT',
      headers: { ...withCookie, origin: `http://${host}` },
    });

    // Outside localhost the cookie is Secure.
    const remote = await request('/admin/session', {
      method: 'POST',
      headers: {
        host: `console.example.com:${new URL(origin).port}`,
        authorization: `Bearer ${ADMIN_TOKEN}`,
      },
    });
    expect(String(remote.headers['set-cookie'])).toMatch(/; Secure/);

    // Signing out revokes it: the same cookie, replayed, no longer opens Bull Board.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect((await context.cookies()).map((c) => c.name)).not.toContain(SESSION_COOKIE);
    expect((await request('/admin/queues', { headers: withCookie })).status).toBe(401);
    expect(
      (await request('/admin/queues', { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).status,
    ).toBe(200);
    expect(
      (await request('/admin/queues', { headers: { authorization: `Bearer ${VIEWER_TOKEN}` } })).status,
    ).toBe(403);
  });
});

describe('security headers', () => {
  it('the console forbids inline scripts and framing, and Bull Board forbids framing', async () => {
    const page = await request('/');
    const csp = String(page.headers['content-security-policy']);
    const scriptSrc = /script-src ([^;]*)/.exec(csp)?.[1] ?? '';
    expect(scriptSrc).toBe("'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    // A path of the console's own router gets the console, with the same headers.
    const detail = await request('/data-sources/0e9c7e55-0000-4000-8000-000000000000', {
      headers: { accept: 'text/html' },
    });
    expect(detail.status).toBe(200);
    expect(detail.headers['content-security-policy']).toBe(csp);
    // The API's paths stay the API's.
    expect(
      (await request('/graphql', { headers: { accept: 'text/html' } })).headers['content-security-policy'],
    ).toBeUndefined();

    const board = await request('/admin/queues', { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    const boardCsp = String(board.headers['content-security-policy']);
    expect(boardCsp).toContain("frame-ancestors 'none'");
    expect(/script-src ([^;]*)/.exec(boardCsp)?.[1]).toBe("'self'");
  });
});
