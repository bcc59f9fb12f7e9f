// The console with a key whose token sees two projects: the project picker (the choice names the project in
// every environment read), and a clone into the other project with a service-name prefix and suffix —
// refused inline when the affix breaks the API's rule, shown renamed in the review, and made with the
// renamed services in that project. Debian's Chromium against the gateway, the emulator and real databases.
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
let other: { id: string; name: string };

beforeAll(async () => {
  rig = await startConsoleRig('rcprj');
  key = await rig.gw.key();
  other = await rig.railway.createProject({ name: 'second-site', workspaceId: rig.emulator.workspaceId });
});
afterAll(async () => {
  await rig?.stop();
});

const heading = (page: Page, text: RegExp) => page.getByRole('heading', { level: 1, name: text }).waitFor();
const rowNames = (page: Page) => page.locator('main table.list tbody tr td:first-child a').allTextContents();

describe('a token that sees several projects', () => {
  it('offers a project picker, and every environment read names the chosen project', async () => {
    const { page, requests } = await signedInTab(rig, key);
    const picker = page.getByLabel('Project');
    await picker.waitFor();
    const options = await picker.locator('option').allTextContents();
    expect(options).toEqual(expect.arrayContaining([expect.stringMatching(/^second-site \(/)]));
    expect(options.length).toBe(2);
    await expect.poll(() => rowNames(page)).toContain('production');
    const before = requests.length;
    await picker.selectOption({ label: options.find((o) => o.startsWith('second-site'))! });
    // the other project has only its own default environment
    await expect.poll(() => rowNames(page)).toEqual(['production']);
    expect(
      requests
        .slice(before)
        .some(
          (r) => /\/environments\/railclone\?.*railway_project_id=/.test(r.url) && r.url.includes(other.id),
        ),
    ).toBe(true);
    expect(await seriousViolations(page)).toEqual([]);
    await shot(page, 'project-picker');
    expect(await keyLeaks(page, requests, key)).toEqual([]);
  }, 60_000);

  it('clones into the other project with a service-name prefix and suffix', async () => {
    const { page } = await signedInTab(rig, key);
    await page.goto(`${rig.gw.url}/ui/env/production/clone`);
    await heading(page, /step 1 of 5: Source/);
    await page.locator('section[data-ready="true"]').waitFor();
    await page.getByRole('button', { name: 'Next' }).click();
    await heading(page, /step 2 of 5: Target/);
    await page.getByLabel('Client name').fill('globex');
    await page.getByLabel('An existing project').check();
    await page.getByLabel('Target project id').fill(other.id);
    await page.getByLabel('Environment name').fill('staging-globex');
    await page.getByRole('button', { name: 'Next' }).click();
    await heading(page, /step 3 of 5: Customisation/);
    // the API's own rule, said inline before anything is sent
    await page.getByLabel('Prefix').fill('stg/');
    await page.getByLabel('Suffix').fill('-b');
    await page.getByRole('button', { name: 'Next' }).click();
    await expect
      .poll(() => page.locator('#prefix-error').textContent())
      .toContain('service_name_prefix is 1 to 20 letters, digits, dots, underscores or hyphens');
    await page.getByLabel('Prefix').fill('stg-');
    await page.getByRole('button', { name: 'Next' }).click();
    await heading(page, /step 4 of 5: Review/);
    await page.locator('summary', { hasText: 'Primary → stg-Primary-b' }).waitFor();
    await page.locator('summary', { hasText: 'MariaDB → stg-MariaDB-b' }).waitFor();
    await page.getByLabel(/I have reviewed the changes/).check();
    await page.getByRole('button', { name: 'Start clone' }).click();
    await heading(page, /step 5 of 5: Execution/);
    await page.getByRole('heading', { name: 'The clone is ready' }).waitFor({ timeout: 180_000 });
    const names = (await rig.railway.getProject(other.id)).services.map((s) => s.name).sort();
    expect(names).toEqual(['stg-MariaDB-b', 'stg-Primary-b']);
  }, 240_000);
});
