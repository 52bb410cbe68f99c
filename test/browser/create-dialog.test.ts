// Callbacks passed to page.evaluate run in the page: they see the DOM.
/// <reference lib="dom" />
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, targets } from '../support/connection-tests.js';
import { ADMIN_TOKEN, startHarness, type Harness } from '../support/harness.js';
import { ROLES, SETUP_APPDB, type PgTarget } from '../support/pg-targets.js';
import { launchChromium } from './support/browser.js';
import {
  checkStatuses,
  dataSourceNamed,
  expectAccessible,
  originOf,
  screenshot,
  signedIn,
  type Watched,
} from './support/console.js';

// The seed's procedure in the Create Data Source dialog, in Chromium, against a service with two
// regions, its workers running connection tests against real PostgreSQL servers.

let h: Harness;
let browser: Browser;
let origin: string;
const opened: Watched[] = [];
// A database of this file's own, with appdb's tables and grants: its heartbeats write drc.heartbeat, which other files must not see.
let database: string;

beforeAll(async () => {
  [h, browser, database] = await Promise.all([
    // Beats every second, so that the list shows heartbeats and a replication lag soon.
    startHarness({ role: 'all', env: { REGIONS: 'eu-central,us-east', HEARTBEAT_INTERVAL_SECONDS: '1' } }),
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
  const watched = await signedIn(browser, origin, ADMIN_TOKEN, { viewport: { width: 1440, height: 1000 } });
  opened.push(watched);
  return watched.page;
}

const HEARTBEAT_LABEL = /^Allow OMS to automatically write heartbeat data into this instance/;

/** Fills the Create Data Source dialog's connection fields for `target` (app_full on this file's database). */
async function fillConnection(page: Page, target: PgTarget, overrides: { password?: string } = {}) {
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Host IP Address', { exact: true }).fill(target.host);
  await dialog.getByLabel('Port', { exact: true }).fill(String(target.port));
  await dialog.getByLabel('Username').fill('app_full');
  await dialog.getByLabel('Password').fill(overrides.password ?? ROLES.app_full.password);
  await dialog.getByLabel('DB Name').fill(database);
}

/** Records every status each check row shows, from now on (the page's own DOM, as a person sees it). */
async function recordCheckStatuses(page: Page): Promise<() => Promise<Record<string, string[]>>> {
  await page.evaluate(() => {
    const seen: Record<string, string[]> = {};
    const scan = () => {
      for (const row of Array.from(document.querySelectorAll('tr[data-check]'))) {
        const key = `${row.closest('table')?.getAttribute('aria-label') ?? ''} ${row.getAttribute('data-check') ?? ''}`;
        const status = row.getAttribute('data-status') ?? '';
        const list = (seen[key] ??= []);
        if (list.at(-1) !== status) list.push(status);
      }
    };
    new MutationObserver(scan).observe(document.body, {
      subtree: true,
      childList: true,
      attributes: true,
      attributeFilter: ['data-status'],
    });
    (window as unknown as { seenChecks: typeof seen }).seenChecks = seen;
  });
  return () =>
    page.evaluate(() => (window as unknown as { seenChecks: Record<string, string[]> }).seenChecks);
}

async function countTests(): Promise<number> {
  const { rows } = await h.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM connection_tests');
  return rows[0]?.n ?? 0;
}

describe("the seed's procedure", () => {
  it('Data Source Management → Create Data Source → parameters → Test Connection (checks move live) → OK → the row', async () => {
    const page = await admin();
    const target = targets().scram;
    await page.getByRole('button', { name: 'Create Data Source' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create Data Source' });
    await expect.poll(() => dialog.isVisible()).toBe(true);

    // The seed's parameters, by their labels.
    await expect.poll(() => dialog.getByLabel('Data Source Type').inputValue()).toBe('POSTGRESQL');
    await dialog.getByLabel('Data Source Identifier').fill('orders-eu');
    await dialog.getByLabel('Region').selectOption('eu-central');
    await expect
      .poll(() => dialog.getByRole('radio', { name: 'Primary Database', exact: true }).isChecked())
      .toBe(true);
    await dialog.getByRole('checkbox', { name: HEARTBEAT_LABEL }).check();
    await fillConnection(page, target);
    await dialog.getByLabel('Schema Name (optional)').fill('sales');
    await dialog.getByLabel('Remarks (optional)').fill('EU orders, Frankfurt');

    const seen = await recordCheckStatuses(page);
    await dialog.getByRole('button', { name: 'Test Connection' }).click();
    const checks = dialog.getByRole('region', { name: 'Test Connection' });
    await dialog.getByText('The test passed').waitFor();
    expect(await checks.getByText('Passed').count()).toBeGreaterThan(0);

    const final = await checkStatuses(dialog);
    expect(Object.keys(final)).toEqual([
      'RESOLVE',
      'CONNECT',
      'TLS',
      'AUTHENTICATE',
      'SERVER',
      'SCHEMA',
      'READ_PRIVILEGES',
      'INCREMENTAL',
      'HEARTBEAT',
    ]);
    for (const status of Object.values(final)) expect(['PASSED', 'WARNING']).toContain(status);
    // Each check was shown before it was done, and then moved on without a reload.
    const history = await seen();
    for (const name of Object.keys(final)) {
      const shown = history[`Primary endpoint ${name}`] ?? [];
      expect(shown.length, `${name}: ${shown.join(' → ')}`).toBeGreaterThanOrEqual(2);
      expect(['PENDING', 'RUNNING']).toContain(shown[0]);
      expect(shown.at(-1)).toBe(final[name]);
    }
    await screenshot(page, 'console-create-dialog.png');
    await expectAccessible(page);

    const before = await countTests();
    await dialog.getByRole('button', { name: 'OK' }).click();
    await expect.poll(() => dialog.isVisible()).toBe(false);
    const row = page.getByRole('row', { name: /orders-eu/ });
    await row.waitFor();
    await expect.poll(() => row.getByText('Passed').isVisible()).toBe(true);
    expect(await row.textContent()).toContain(`${target.host}:${target.port}`);
    expect(await row.textContent()).toContain('EU orders, Frankfurt');
    // OK after a passed test saved it with that test: no second test ran.
    expect(await countTests()).toBe(before);
    expect((await dataSourceNamed(h, 'orders-eu'))?.connectionStatus).toBe('PASSED');
  });

  it('shows a failing check with its code and hint, and skips the rest of the endpoint', async () => {
    const page = await admin();
    await page.getByRole('button', { name: 'Create Data Source' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create Data Source' });
    await fillConnection(page, targets().closed);
    await dialog.getByRole('button', { name: 'Test Connection' }).click();
    const connect = dialog.locator('tr[data-check="CONNECT"][data-status="FAILED"]');
    await connect.waitFor();
    expect(await connect.textContent()).toContain('CONNECTION_REFUSED');
    expect(await connect.textContent()).toMatch(/Hint: Check the port/);
    const statuses = await checkStatuses(dialog);
    expect(statuses.RESOLVE).toBe('PASSED');
    for (const name of [
      'TLS',
      'AUTHENTICATE',
      'SERVER',
      'SCHEMA',
      'READ_PRIVILEGES',
      'INCREMENTAL',
      'HEARTBEAT',
    ]) {
      expect(statuses[name]).toBe('SKIPPED');
    }
    await expect
      .poll(() => dialog.getByRole('status').filter({ hasText: 'failed' }).count())
      .toBeGreaterThan(0);
    await expectAccessible(page);
  });

  it('after a passed test, changing a connection field invalidates it; OK then saves and tests', async () => {
    const page = await admin();
    await page.getByRole('button', { name: 'Create Data Source' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create Data Source' });
    await dialog.getByLabel('Data Source Identifier').fill('orders-retested');
    await dialog.getByLabel('Region').selectOption('us-east');
    await fillConnection(page, targets().scram);
    await dialog.getByRole('button', { name: 'Test Connection' }).click();
    await dialog.getByText('The test passed').waitFor();

    await dialog.getByLabel('DB Name').fill('postgres');
    await dialog.getByText('The connection parameters changed since the last test').waitFor();
    expect(await dialog.getByText('The test passed').count()).toBe(0);

    const before = await countTests();
    await dialog.getByRole('button', { name: 'OK' }).click();
    await expect.poll(() => dialog.isVisible()).toBe(false);
    await page.getByRole('row', { name: /orders-retested/ }).waitFor();
    // Saved without the stale test: the service queued a test of its own.
    expect(await countTests()).toBe(before + 1);
  });

  it('shows every violation beside its field at once', async () => {
    const page = await admin();
    await page.getByRole('button', { name: 'Create Data Source' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create Data Source' });
    await dialog.getByLabel('Data Source Identifier').fill('has a space');
    await dialog.getByLabel('Host IP Address', { exact: true }).fill('http://db.example.com/x');
    await dialog.getByLabel('Port', { exact: true }).fill('70000');
    await dialog.getByLabel('Remarks (optional)').fill('x'.repeat(300));
    // No region (two are configured), no username, password or DB name.
    await dialog.getByRole('button', { name: 'OK' }).click();

    const expected: [string, RegExp][] = [
      ['Data Source Identifier', /whitespace/],
      ['Region', /required/],
      ['Host IP Address', /DNS name or an IP address/],
      ['Port', /between 1 and 65535/],
      ['Username', /.+/],
      ['Password', /1 to 1024 characters/],
      ['DB Name', /.+/],
      ['Remarks (optional)', /256 characters/],
    ];
    await dialog.getByText(`${expected.length} fields need your attention`).waitFor();
    for (const [label, message] of expected) {
      const input = dialog.getByLabel(label, { exact: true });
      expect(await input.getAttribute('aria-invalid'), label).toBe('true');
      const described = (await input.getAttribute('aria-describedby')) ?? '';
      const errorId = described.split(' ').find((id) => id.endsWith('-error')) ?? '';
      expect(await dialog.locator(`[id="${errorId}"]`).textContent(), label).toMatch(message);
    }
    // The first field to fix has the focus.
    await expect
      .poll(() => dialog.getByLabel('Data Source Identifier').evaluate((el) => el === document.activeElement))
      .toBe(true);
    expect(await dialog.locator('[aria-invalid="true"]').count()).toBe(expected.length);
    await expectAccessible(page);
  });

  it('Primary + Standby: the standby endpoint appears, and both endpoints are tested', async () => {
    const page = await admin();
    const { scram, standby } = targets();
    await page.getByRole('button', { name: 'Create Data Source' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create Data Source' });
    const heartbeat = dialog.getByRole('checkbox', { name: HEARTBEAT_LABEL });

    expect(await dialog.getByLabel('Standby Host IP Address').count()).toBe(0);
    await dialog.getByRole('radio', { name: 'Standby Database', exact: true }).check();
    // A standby is read-only: no heartbeat option.
    await expect.poll(() => heartbeat.count()).toBe(0);
    await dialog.getByRole('radio', { name: 'Primary Database + Standby Database' }).check();
    await expect.poll(() => heartbeat.count()).toBe(1);

    await dialog.getByLabel('Data Source Identifier').fill('orders-ha');
    await heartbeat.check();
    await dialog.getByLabel('Region').selectOption('eu-central');
    await fillConnection(page, scram);
    await dialog.getByLabel('Standby Host IP Address').fill(standby.host);
    await dialog.getByLabel('Standby Port').fill(String(standby.port));
    await dialog.getByRole('button', { name: 'Test Connection' }).click();
    await dialog.getByText('The test passed').waitFor();
    const primary = await checkStatuses(dialog, 'Primary endpoint');
    const onStandby = await checkStatuses(dialog, 'Standby endpoint');
    expect(onStandby.SERVER).toBe('PASSED');
    expect(onStandby.INCREMENTAL).toBe('SKIPPED');
    expect(primary.SERVER).toBe('PASSED');

    await dialog.getByRole('button', { name: 'OK' }).click();
    const row = page.getByRole('row', { name: /orders-ha/ });
    await row.waitFor();
    expect(await row.textContent()).toContain(`standby ${standby.host}:${standby.port}`);
    expect(await row.textContent()).toContain('Primary Database + Standby Database');
  });
});

describe('the list after the procedure', () => {
  it('shows every data source with its connection status, heartbeat and lag', async () => {
    const { scram, standby } = targets();
    const create = async (input: Record<string, unknown>) => {
      const result = await h.gql(
        `mutation($input: CreateDataSourceInput!) { createDataSource(input: $input) { dataSource { id } } }`,
        { input: { username: 'app_full', databaseName: database, sslMode: 'PREFER', ...input } },
      );
      expect(result.errors).toBeUndefined();
    };
    await create({
      identifier: 'billing-replica',
      region: 'us-east',
      databaseAttribute: 'STANDBY',
      host: standby.host,
      port: standby.port,
      password: ROLES.app_full.password,
      remarks: 'Read replica of billing',
    });
    await create({
      identifier: 'crm-legacy',
      region: 'us-east',
      host: scram.host,
      port: scram.port,
      password: 'an-old-password',
      remarks: 'Password rotated last week',
    });

    const page = await admin();
    const row = (name: string) => page.getByRole('row', { name: new RegExp(name) });
    await expect
      .poll(
        () =>
          row('crm-legacy')
            .getByText(/Failed/)
            .count(),
        { timeout: 15_000 },
      )
      .toBe(1);
    await expect
      .poll(
        () =>
          row('billing-replica')
            .getByText(/Passed/)
            .count(),
        { timeout: 15_000 },
      )
      .toBe(1);
    await expect
      .poll(
        () =>
          row('orders-eu')
            .getByText(/Active/)
            .count(),
        { timeout: 15_000 },
      )
      .toBe(1);
    await expect.poll(() => row('orders-ha').getByText(/^lag /).count(), { timeout: 15_000 }).toBe(1);
    expect(await row('crm-legacy').getByText('AUTH_FAILED').count()).toBe(1);
    await screenshot(page, 'console-data-sources.png');
    await expectAccessible(page);
  });
});
