// The console in a real browser (Debian's Chromium) against the gateway, the built-in emulator and real
// databases: the whole wizard to a finished clone with per-service progress seen, a clone of that clone
// made with the keyboard only and shown in the lineage tree, the diff page's colours, no serious axe-core
// violation on any page, and the API key only ever in sessionStorage and the Authorization header.
// Screenshots of each step go to a temp dir, or to docs/console/ (shown in the README) with
// RAILCLONE_UPDATE_SCREENSHOTS=1.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  keyLeaks,
  seriousViolations,
  shot,
  signedInTab,
  startConsoleRig,
  type ConsoleRig,
} from './console-helpers.js';

let rig: ConsoleRig;
let key: string;
const violations: Record<string, string[]> = {};

beforeAll(async () => {
  rig = await startConsoleRig('rccon');
  key = await rig.gw.key();
});
afterAll(async () => {
  await rig?.stop();
});

async function audit(page: Page, name: string) {
  violations[name] = await seriousViolations(page);
}

const heading = (page: Page, text: RegExp) => page.getByRole('heading', { level: 1, name: text }).waitFor();

/** Presses Tab until the focused element has this accessible label/text; fails after 60 presses. */
async function tabTo(page: Page, name: string | RegExp): Promise<void> {
  for (let i = 0; i < 60; i++) {
    await page.keyboard.press('Tab');
    const label = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el) return '';
      const labelled = el.id ? document.querySelector(`label[for="${el.id}"]`)?.textContent : null;
      return (labelled ?? el.closest('label')?.textContent ?? el.textContent ?? '').trim();
    });
    if (typeof name === 'string' ? label === name : name.test(label)) return;
  }
  throw new Error(`Tab never reached ${String(name)}`);
}

const rowStatus = (page: Page, section: string, variable: string) =>
  page
    .locator('details', { has: page.locator('summary', { hasText: section }) })
    .locator(`tr[data-name="${variable}"]`)
    .getAttribute('data-status');

const rowColour = (page: Page, section: string, variable: string) =>
  page
    .locator('details', { has: page.locator('summary', { hasText: section }) })
    .locator(`tr[data-name="${variable}"]`)
    .evaluate((el) => getComputedStyle(el).backgroundColor);

const GREEN = 'rgb(218, 251, 225)';
const YELLOW = 'rgb(255, 243, 196)';
const RED = 'rgb(255, 225, 224)';
const GREY = 'rgb(238, 240, 242)';

describe('the clone console', () => {
  it('runs the whole wizard to a finished clone, with each service seen in progress', async () => {
    const { page, requests } = await signedInTab(rig, key);
    await audit(page, 'environments');
    await page.getByRole('link', { name: 'production' }).click();
    const cloneButton = page.getByRole('button', { name: 'Clone Environment' });
    await cloneButton.hover();
    await expect
      .poll(() => page.getByRole('tooltip').textContent())
      .toContain('Clones 2 service(s) — MariaDB, Primary');
    await audit(page, 'environment');
    await cloneButton.click();

    // 1. Source
    await heading(page, /step 1 of 5: Source/);
    await page.locator('section[data-ready="true"]').waitFor(); // variables counted by the preview
    await page.getByRole('cell', { name: '15' }).waitFor(); // Primary's
    await shot(page, 'wizard-1-source');
    await audit(page, 'wizard-1');
    await page.getByRole('button', { name: 'Next' }).click();

    // 2. Target: the name is checked live by the API's own rule
    await heading(page, /step 2 of 5: Target/);
    const name = page.getByLabel('Environment name');
    await name.fill('production');
    // the API's own rule refuses a protected name (its message names the pattern, which excludes it)
    await expect
      .poll(() => page.locator('#env-name-error').textContent())
      .toMatch(/environment_name .*production/);
    await name.fill('x!');
    await expect
      .poll(() => page.locator('#env-name-error').textContent())
      .toContain('must become a name matching');
    await name.fill('staging-acme');
    await expect
      .poll(() => page.locator('#env-name-hint').textContent())
      .toContain('Will be created as “staging-acme”');
    await page.getByRole('button', { name: 'Next' }).click(); // no client name yet
    await expect.poll(() => page.locator('#client-error').textContent()).toContain('client name is required');
    await page.getByLabel('Client name').fill('acme');
    await shot(page, 'wizard-2-target');
    await audit(page, 'wizard-2');
    await page.getByRole('button', { name: 'Next' }).click();

    // 3. Customisation: one changed and one new variable, values masked
    await heading(page, /step 3 of 5: Customisation/);
    await page.getByRole('button', { name: 'Add override' }).click();
    await page.getByLabel('Service 1').selectOption('Primary');
    await page.getByLabel('Name 1').fill('WORDPRESS_CONFIG_EXTRA');
    await page.getByLabel('Value 1').fill('define("WP_DEBUG", true);');
    expect(await page.getByLabel('Value 1').getAttribute('type')).toBe('password');
    await page.getByRole('button', { name: 'Add override' }).click();
    await page.getByLabel('Service 2').selectOption('Primary');
    await page.getByLabel('Name 2').fill('NEW_FLAG');
    await page.getByLabel('Value 2').fill('on');
    await page.getByLabel('Primary replicas').fill('2');
    await page.getByLabel('Primary vCPU').fill('1.5');
    await page.getByLabel('Primary memory in GB').fill('0'); // below Railway's minimum: said inline
    await page.getByRole('button', { name: 'Next' }).click();
    await expect
      .poll(() => page.locator('.field-error').allTextContents())
      .toContain('Primary: memory_gb is 0.25 to 32');
    await page.getByLabel('Primary memory in GB').fill('2');
    await shot(page, 'wizard-3-customisation');
    await audit(page, 'wizard-3');
    await page.getByRole('button', { name: 'Next' }).click();

    // 4. Review: side by side, coloured, no values
    await heading(page, /step 4 of 5: Review/);
    await page.getByText('Creates staging-acme from production').waitFor();
    expect(await rowStatus(page, 'Primary', 'WORDPRESS_CONFIG_EXTRA')).toBe('modified');
    expect(await rowStatus(page, 'Primary', 'NEW_FLAG')).toBe('added');
    expect(await rowStatus(page, 'Primary', 'STRIPE_SECRET_KEY')).toBe('removed'); // sealed
    expect(await rowStatus(page, 'Primary', 'PORT')).toBe('unchanged');
    expect(await rowColour(page, 'Primary', 'WORDPRESS_CONFIG_EXTRA')).toBe(YELLOW);
    expect(await rowColour(page, 'Primary', 'NEW_FLAG')).toBe(GREEN);
    expect(await rowColour(page, 'Primary', 'STRIPE_SECRET_KEY')).toBe(RED);
    expect(await rowColour(page, 'Primary', 'PORT')).toBe(GREY);
    expect(await rowStatus(page, 'Primary', '(resources)')).toBe('modified');
    expect(await page.locator('main').innerText()).not.toContain('WP_DEBUG');
    // priced from Railway's usage of the source services (the emulator's `usage`), over the 14-day TTL
    await expect
      .poll(() => page.locator('[data-cost="estimate"]').textContent())
      .toMatch(/Estimated cost: about \$\d+\.\d+ over its 14 days \(\$\d+\.\d+ an hour\)\. An estimate/);
    // sized as Customisation set it: Primary's two replicas (its 1.5 vCPU limit is above what it uses)
    expect(await page.locator('.cost-services').innerText()).toMatch(
      /^Primary: \$\d+\.\d+ an hour — 2 replica\(s\) instead of 1$/,
    );
    expect(await page.getByRole('button', { name: 'Start clone' }).isDisabled()).toBe(true);
    await page.getByLabel(/I have reviewed the changes/).check();
    await shot(page, 'wizard-4-review');
    await audit(page, 'wizard-4');
    await page.getByRole('button', { name: 'Start clone' }).click();

    // 5. Execution: a service's progress (its deployment status, past "waiting") is seen while the clone
    // is still running
    await heading(page, /step 5 of 5: Execution/);
    expect(page.url()).toMatch(/\/ui\/executions\/clone-staging-api\/[A-Za-z0-9_-]+$/);
    await page.waitForFunction(
      () =>
        !['waiting', null, undefined].includes(
          document.querySelector('[data-service="MariaDB"]')?.getAttribute('data-status'),
        ) && document.querySelector('[data-step="finalize"]')?.getAttribute('data-state') !== 'SUCCESS',
      undefined,
      { timeout: 120_000, polling: 50 },
    );
    await shot(page, 'wizard-5-execution-running');
    await page.getByRole('heading', { name: 'The clone is ready' }).waitFor({ timeout: 180_000 });
    for (const step of ['create-environment', 'sync-database', 'finalize'])
      expect(await page.locator(`[data-step="${step}"]`).getAttribute('data-state')).toBe('SUCCESS');
    await expect
      .poll(() => page.locator('[data-service="MariaDB"]').getAttribute('data-status'))
      .toBe('SUCCESS');
    await expect
      .poll(() => page.locator('[data-service="Primary"]').getAttribute('data-status'))
      .toBe('SUCCESS');
    // every table the execution's progress reported is done (rows and bytes came from the API, not the logs)
    expect(await page.locator('tr[data-table]').count()).toBeGreaterThan(3);
    expect(await page.locator('tr[data-table]:not([data-status="done"])').count()).toBe(0);
    await page.getByRole('link', { name: 'staging-acme', exact: true }).waitFor();
    await page.getByRole('link', { name: /^https:\/\/.*\.up\.railway\.app$/ }).waitFor();
    await shot(page, 'wizard-5-execution');
    // the resources reached Railway (the emulator) on the clone's Primary
    const env = [...rig.emulator.state.environments.values()].find((e) => e.name === 'staging-acme')!;
    const primary = [...rig.emulator.state.services.values()].find((s) => s.name === 'Primary')!;
    const inst = rig.emulator.state.instance(env.id, primary.id)!;
    expect([inst.numReplicas, inst.limits]).toEqual([2, { vCPUs: 1.5, memoryGB: 2 }]);
    await audit(page, 'wizard-5');

    await page.getByRole('link', { name: 'History' }).click();
    await heading(page, /History/);
    await page.getByRole('cell', { name: 'SUCCESS' }).first().waitFor();
    await audit(page, 'history');
    // the client filter is the API's query parameter, not a filter of the page shown
    await page.getByLabel('Client').fill('no-such-client');
    await expect.poll(() => page.getByRole('cell', { name: 'SUCCESS' }).count()).toBe(0);
    await page.getByLabel('Client').fill('acme');
    await page.getByRole('cell', { name: 'SUCCESS' }).first().waitFor();
    expect(
      requests.some((r) => /\/executions\/railclone\/clone-staging-api\?.*client=no-such-client/.test(r.url)),
    ).toBe(true);

    expect(await keyLeaks(page, requests, key)).toEqual([]);
    expect(requests.some((r) => r.headers.authorization === `Bearer ${key}`)).toBe(true);
  }, 300_000);

  it('clones the clone with the keyboard only, and the lineage tree shows both generations', async () => {
    const { page, requests } = await signedInTab(rig, key);
    await page.goto(`${rig.gw.url}/ui/env/staging-acme`);
    await heading(page, /staging-acme/);
    await page.getByRole('button', { name: 'Clone Environment' }).waitFor();
    await page.locator('body').focus();
    await tabTo(page, 'Clone Environment');
    await page.keyboard.press('Enter');
    await heading(page, /step 1 of 5/);
    await page.locator('section[data-ready="true"]').waitFor();
    await tabTo(page, 'Next');
    await page.keyboard.press('Enter');
    await heading(page, /step 2 of 5/);
    await tabTo(page, 'Client name');
    await page.keyboard.type('kbd');
    await tabTo(page, 'Environment name');
    await page.keyboard.type('staging-kbd');
    await page.keyboard.press('Enter'); // submits the step's form: Next
    await heading(page, /step 3 of 5/);
    await tabTo(page, 'Next');
    await page.keyboard.press('Enter');
    await heading(page, /step 4 of 5/);
    await page.getByText('Creates staging-kbd from staging-acme').waitFor();
    await tabTo(page, /I have reviewed the changes/);
    await page.keyboard.press('Space');
    await tabTo(page, 'Start clone');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'The clone is ready' }).waitFor({ timeout: 180_000 });

    await page.goto(`${rig.gw.url}/ui/env/staging-kbd/lineage`);
    await heading(page, /Lineage of staging-kbd/);
    const tree = page.locator('.tree');
    await tree.locator('[data-env="staging-kbd"]').waitFor();
    // production ⟶ staging-acme ⟶ staging-kbd, each nested in its parent's list item
    const nested = tree.locator(
      'li:has(> span > [data-env="production"]) li:has(> span > [data-env="staging-acme"]) [data-env="staging-kbd"]',
    );
    await expect.poll(() => nested.count()).toBe(1);
    await expect
      .poll(() => tree.locator('[data-env="staging-kbd"]').getAttribute('aria-current'))
      .toBe('page');
    await expect.poll(() => tree.locator('[data-env="staging-acme"]').textContent()).toContain('cloned');
    await tree.locator('[data-env="staging-acme"]').focus();
    await expect.poll(() => page.getByRole('tooltip').textContent()).toContain('from production');
    await shot(page, 'lineage');
    await audit(page, 'lineage');
    expect(await keyLeaks(page, requests, key)).toEqual([]);
  }, 300_000);

  it('colours a changed, an added and a removed variable on the diff page', async () => {
    // A variable the source gains after the clone was made is one the clone lacks: removed.
    const prod = (await rig.railway.listEnvironments(rig.emulator.projectId)).find(
      (e) => e.name === 'production',
    )!;
    const primary = (await rig.railway.getEnvironment(prod.id, rig.emulator.projectId)).serviceInstances.find(
      (s) => s.serviceName === 'Primary',
    )!;
    await rig.railway.upsertVariables({
      projectId: rig.emulator.projectId,
      environmentId: prod.id,
      serviceId: primary.serviceId,
      variables: { LATE_SOURCE_VAR: 'only-in-production' },
      skipDeploys: true,
    });
    const { page, requests } = await signedInTab(rig, key);
    await page.goto(`${rig.gw.url}/ui/env/staging-acme/diff`);
    await heading(page, /Diff: production → staging-acme/);
    await page.locator('tr[data-name="NEW_FLAG"]').waitFor();
    expect(await rowStatus(page, 'Primary', 'WORDPRESS_CONFIG_EXTRA')).toBe('modified');
    expect(await rowStatus(page, 'Primary', 'NEW_FLAG')).toBe('added');
    expect(await rowStatus(page, 'Primary', 'LATE_SOURCE_VAR')).toBe('removed');
    expect(await rowStatus(page, 'Primary', 'PORT')).toBe('unchanged');
    expect(await rowColour(page, 'Primary', 'WORDPRESS_CONFIG_EXTRA')).toBe(YELLOW);
    expect(await rowColour(page, 'Primary', 'NEW_FLAG')).toBe(GREEN);
    expect(await rowColour(page, 'Primary', 'LATE_SOURCE_VAR')).toBe(RED);
    expect(await rowColour(page, 'Primary', 'PORT')).toBe(GREY);
    expect(await page.locator('main').innerText()).not.toContain('only-in-production');
    await shot(page, 'diff');
    await audit(page, 'diff');
    expect(await keyLeaks(page, requests, key)).toEqual([]);
  }, 120_000);

  it('has no serious or critical accessibility violation on any page visited', () => {
    expect(Object.keys(violations).length).toBeGreaterThanOrEqual(10);
    expect(Object.fromEntries(Object.entries(violations).filter(([, v]) => v.length > 0))).toEqual({});
  });
});
