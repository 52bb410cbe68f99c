// Callbacks passed to page.evaluate run in the page: they see the DOM.
/// <reference lib="dom" />
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { draftFor, freshDatabase, targets } from '../support/connection-tests.js';
import { ADMIN_TOKEN, startHarness, type Harness } from '../support/harness.js';
import { ROLES, SETUP_APPDB } from '../support/pg-targets.js';
import { launchChromium } from './support/browser.js';
import { dataSourceNamed, expectAccessible, originOf, signedIn, type Watched } from './support/console.js';

// The Data Source Management page (search, regions, pages, live rows), the detail view, edit and
// delete, in Chromium, against a service with two regions whose workers run connection tests against
// real PostgreSQL servers.

let h: Harness;
let browser: Browser;
let origin: string;
const opened: Watched[] = [];
// A database of this file's own, with appdb's tables and grants: its heartbeat writes drc.heartbeat, which other files must not see.
let database: string;

beforeAll(async () => {
  [h, browser, database] = await Promise.all([
    startHarness({ role: 'all', env: { REGIONS: 'eu-central,us-east' } }),
    launchChromium(),
    freshDatabase({ setup: SETUP_APPDB }),
  ]);
  origin = originOf(h);
});

afterAll(async () => {
  // Whatever the tests did, no page hit a script error or a CSP violation.
  const problems = opened.flatMap((watched) => watched.problems);
  await browser?.close();
  await h?.stop();
  expect(problems).toEqual([]);
});

async function admin(): Promise<Page> {
  const watched = await signedIn(browser, origin, ADMIN_TOKEN);
  opened.push(watched);
  return watched.page;
}

async function createByApi(identifier: string, extra: Record<string, unknown> = {}) {
  const result = await h.gql<{ createDataSource: { dataSource: { id: string; version: number } } }>(
    `mutation($input: CreateDataSourceInput!) { createDataSource(input: $input) { dataSource { id version } } }`,
    {
      input: {
        identifier,
        region: 'eu-central',
        ...draftFor(targets().scram, { databaseName: database }),
        ...extra,
      },
    },
  );
  const created = result.data?.createDataSource.dataSource;
  if (!created) throw new Error(JSON.stringify(result.errors));
  return created;
}

describe('the Data Source Management page', () => {
  it('searches, filters by region and pages with cursors', async () => {
    for (let i = 0; i < 23; i += 1) {
      await createByApi(`bulk-${String(i).padStart(2, '0')}`, { region: i < 5 ? 'us-east' : 'eu-central' });
    }
    const page = await admin();
    const rows = page.getByRole('region', { name: 'Data sources table' }).locator('tbody tr');
    await page.getByLabel('Search').fill('bulk-');
    await page.getByText('23 data sources matching “bulk-”').waitFor();
    await expect.poll(() => rows.count()).toBe(20);
    // Newest first.
    expect(await rows.first().textContent()).toContain('bulk-22');

    await page.getByRole('button', { name: 'Next page' }).click();
    await page.getByText('Page 2').waitFor();
    await expect.poll(() => rows.count()).toBe(3);
    expect(await rows.last().textContent()).toContain('bulk-00');
    expect(await page.getByRole('button', { name: 'Next page' }).isDisabled()).toBe(true);
    await page.getByRole('button', { name: 'Previous page' }).click();
    await expect.poll(() => rows.count()).toBe(20);

    await page.getByLabel('Region').selectOption('us-east');
    await page.getByText('5 data sources matching “bulk-”').waitFor();
    await expect.poll(() => rows.count()).toBe(5);
    await page.getByLabel('Search').fill('bulk-03');
    await page.getByText('1 data source matching “bulk-03”').waitFor();
    await page.getByLabel('Search').fill('');
    await page.getByLabel('Region').selectOption('');
    await expectAccessible(page);
  });

  it('shows a change made in another browser, and one made by another client, without a reload', async () => {
    const { id } = await createByApi('live-one');
    const watcher = await admin();
    const row = () => watcher.getByRole('row', { name: /live-one/ });
    await row().waitFor();
    const navigations: string[] = [];
    watcher.on('framenavigated', (frame) => navigations.push(frame.url()));

    // Another browser context (another person) edits the remarks through the console.
    const editor = await admin();
    await editor.goto(`${origin}/data-sources/${id}`);
    await editor.getByRole('button', { name: 'Edit' }).click();
    const dialog = editor.getByRole('dialog');
    await dialog.getByLabel('Remarks (optional)').fill('edited in another tab');
    await dialog.getByRole('button', { name: 'OK' }).click();
    await expect.poll(() => row().textContent(), { timeout: 10_000 }).toContain('edited in another tab');

    // Another client creates one.
    await createByApi('live-two');
    await watcher.getByRole('row', { name: /live-two/ }).waitFor({ timeout: 10_000 });
    expect(navigations).toEqual([]);
  });

  it('detail view: parameters, heartbeat, test history with every check, Test Connection again', async () => {
    const { id } = await createByApi('detail-one', {
      heartbeatEnabled: true,
      remarks: 'for the detail view',
    });
    const page = await admin();
    await page.getByRole('link', { name: 'detail-one' }).click();
    await page.getByRole('heading', { name: 'detail-one', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/data-sources/${id}`);
    await page.getByRole('heading', { name: 'Heartbeat' }).waitFor();
    await expect
      .poll(() => page.locator('section', { hasText: 'Heartbeat' }).getByText('Active').count(), {
        timeout: 15_000,
      })
      .toBeGreaterThan(0);

    await page.getByRole('button', { name: 'Test Connection' }).click();
    const live = page.getByRole('region', { name: 'Test Connection' });
    await live.getByText('Passed').first().waitFor();
    // The history lists both tests; each opens on its checks.
    const history = page
      .getByRole('region', { name: 'Connection test history' })
      .or(page.locator('section', { has: page.getByRole('heading', { name: 'Connection test history' }) }));
    await expect.poll(() => history.locator('details').count()).toBe(2);
    await history.locator('summary').first().click();
    await history.locator('details[open] tr[data-check="AUTHENTICATE"]').waitFor();
    await expectAccessible(page);
  });

  it('edit: a version conflict is explained and offers a reload; a new host asks for the password', async () => {
    const { id } = await createByApi('conflicted', { remarks: 'first' });
    const page = await admin();
    await page.goto(`${origin}/data-sources/${id}`);
    await page.getByRole('button', { name: 'Edit' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Remarks (optional)').fill('mine');

    // Meanwhile someone else saves a change.
    const other = await h.gql(
      `mutation($id: ID!) { updateDataSource(id: $id, input: { remarks: "theirs" }) { dataSource { version } } }`,
      {
        id,
      },
    );
    expect(other.errors).toBeUndefined();

    await dialog.getByRole('button', { name: 'OK' }).click();
    const alert = dialog.getByRole('alert');
    await alert.getByText('Someone else changed this data source').waitFor();
    expect((await dataSourceNamed(h, 'conflicted'))?.remarks).toBe('theirs');
    await alert.getByRole('button', { name: 'Reload' }).click();
    await expect.poll(() => dialog.getByLabel('Remarks (optional)').inputValue()).toBe('theirs');

    // A new host without the password: the service asks for it, beside the field.
    await dialog.getByLabel('Host IP Address', { exact: true }).fill('localhost');
    await dialog.getByText(/Required: the endpoint, user or database changed/).waitFor();
    await dialog.getByRole('button', { name: 'OK' }).click();
    const password = dialog.getByLabel('Password');
    await expect.poll(() => password.getAttribute('aria-invalid')).toBe('true');
    expect((await dataSourceNamed(h, 'conflicted'))?.host).toBe(targets().scram.host);
    await expectAccessible(page);

    await password.fill(ROLES.app_full.password);
    await dialog.getByRole('button', { name: 'OK' }).click();
    await expect.poll(() => dialog.isVisible()).toBe(false);
    await expect.poll(async () => (await dataSourceNamed(h, 'conflicted'))?.host).toBe('localhost');
    await page.getByText('Data source conflicted saved.').waitFor();
  });

  it('delete asks for confirmation, then the data source is gone', async () => {
    const { id } = await createByApi('to-delete');
    const page = await admin();
    await page.goto(`${origin}/data-sources/${id}`);
    await page.getByRole('button', { name: 'Delete' }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete to-delete?' });
    await confirm.waitFor();
    await expectAccessible(page);
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    expect(await dataSourceNamed(h, 'to-delete')).not.toBeNull();

    await page.getByRole('button', { name: 'Delete' }).click();
    await page
      .getByRole('dialog', { name: 'Delete to-delete?' })
      .getByRole('button', { name: 'Delete' })
      .click();
    await page.getByRole('heading', { name: 'Data Source Management', level: 1 }).waitFor();
    await page.getByText('Data source to-delete deleted.').waitFor();
    expect(await page.getByRole('row', { name: /to-delete/ }).count()).toBe(0);
    expect(await dataSourceNamed(h, 'to-delete')).toBeNull();
  });

  it('is usable in a narrow window', async () => {
    const watched = await signedIn(browser, origin, ADMIN_TOKEN);
    opened.push(watched);
    const { page } = watched;
    await page.setViewportSize({ width: 420, height: 860 });
    await page.getByRole('button', { name: 'Create Data Source' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create Data Source' });
    const box = await dialog.boundingBox();
    expect(box && box.width <= 420).toBe(true);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    // Keyboard only: the navigation is reachable and names the page it is on.
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => document.activeElement?.textContent ?? '');
    expect(focused).toMatch(/Data Source Management|Skip to content/);
    await expectAccessible(page);
  });
});
