/// <reference lib="dom" />
import { mkdir } from 'node:fs/promises';
import AxeBuilder from '@axe-core/playwright';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';
import type { Harness } from '../../support/harness.js';

/** The console's origin for a harness (its GraphQL URL without /graphql). */
export const originOf = (h: Harness) => h.url.replace(/\/graphql$/, '');

/** The data source `identifier` as the API sees it (what a page did, checked outside the browser). */
export async function dataSourceNamed(h: Harness, identifier: string) {
  const result = await h.gql<{
    dataSource: {
      id: string;
      version: number;
      connectionStatus: string;
      remarks: string | null;
      host: string;
    } | null;
  }>(
    `query($identifier: String!) { dataSource(identifier: $identifier) { id version connectionStatus remarks host } }`,
    { identifier },
  );
  return result.data?.dataSource ?? null;
}

/** What went wrong in a page that no assertion looked at: script errors, CSP violations. */
export interface Watched {
  page: Page;
  context: BrowserContext;
  problems: string[];
  /** Every URL the page requested. */
  requests: string[];
}

export async function openConsole(
  browser: Browser,
  origin: string,
  options: { viewport?: { width: number; height: number } } = {},
): Promise<Watched> {
  const context = await browser.newContext({ viewport: options.viewport ?? { width: 1360, height: 860 } });
  const page = await context.newPage();
  const problems: string[] = [];
  const requests: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    const text = message.text();
    if (/Content.Security.Policy|Refused to/i.test(text)) problems.push(`CSP: ${text}`);
  });
  page.on('request', (request) => requests.push(request.url()));
  await page.goto(origin);
  return { page, context, problems, requests };
}

/** Opens the console and signs in with `token` through the sign-in page. */
export async function signedIn(
  browser: Browser,
  origin: string,
  token: string,
  options: { viewport?: { width: number; height: number } } = {},
): Promise<Watched> {
  const watched = await openConsole(browser, origin, options);
  const { page } = watched;
  await page.getByLabel('API token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Data Source Management', level: 1 }).waitFor();
  return watched;
}

/** No serious or critical accessibility violation (axe-core's WCAG 2.x A and AA rules) on the page. */
export async function expectAccessible(page: Page, include?: string): Promise<void> {
  let builder = new AxeBuilder({ page }).withTags([
    'wcag2a',
    'wcag2aa',
    'wcag21a',
    'wcag21aa',
    'best-practice',
  ]);
  if (include) builder = builder.include(include);
  const { violations } = await builder.analyze();
  const serious = violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map(
      (violation) =>
        `${violation.id}: ${violation.help} (${violation.nodes.map((n) => n.target.join(' ')).join(', ')})`,
    );
  expect(serious).toEqual([]);
}

/** With SCREENSHOTS=1 (`npm run screenshots`), saves a screenshot of the page under docs/. */
export async function screenshot(page: Page, name: string): Promise<void> {
  if (process.env.SCREENSHOTS !== '1') return;
  // As a person would see it: no focus ring left where the test last typed.
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  const dir = new URL('../../../docs/', import.meta.url);
  await mkdir(dir, { recursive: true });
  await page.screenshot({ path: new URL(name, dir).pathname, animations: 'disabled' });
}

/** The check rows of the visible connection test, as the page shows them: name → status. */
export async function checkStatuses(
  scope: Page | ReturnType<Page['locator']>,
  endpoint = 'Primary endpoint',
) {
  const rows = scope.getByRole('table', { name: endpoint }).locator('tbody tr');
  return Object.fromEntries(
    await rows.evaluateAll((elements) =>
      elements.map((row) => [row.getAttribute('data-check') ?? '', row.getAttribute('data-status') ?? '']),
    ),
  ) as Record<string, string>;
}
