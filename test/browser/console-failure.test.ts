// A clone that fails in the browser: the emulator refuses the domain step and then the flow's own
// rollback, so the clone is left half-made; the console's failure dialog says what succeeded and what
// failed, and its Roll back button (delete-environment through the API) leaves nothing behind.
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  keyLeaks,
  seriousViolations,
  shot,
  signedInTab,
  startConsoleRig,
  type ConsoleRig,
} from './console-helpers.js';

let rig: ConsoleRig;

beforeAll(async () => {
  rig = await startConsoleRig('rcconf');
});
afterAll(async () => {
  await rig?.stop();
});

const names = async () =>
  (await rig.railway.listEnvironments(rig.emulator.projectId)).map((e) => e.name).sort();

it('shows the failure dialog and rolls back through the API, leaving nothing', async () => {
  const key = await rig.gw.key();
  const before = await names();
  const { page, requests } = await signedInTab(rig, key);
  await page.goto(`${rig.gw.url}/ui/env/production/clone`);
  await page.locator('section[data-ready="true"]').waitFor();
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByLabel('Client name').fill('broken');
  await page.getByLabel('Environment name').fill('staging-broken');
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByText('Creates staging-broken from production').waitFor();
  await page.getByLabel(/I have reviewed the changes/).check();

  // Every environmentDelete the flow's rollback tries fails (a 400, which the Railway client does not
  // retry); once the data copy runs, the next domains read (assign-domain's) fails too.
  for (let n = 1; n <= 6; n++)
    rig.emulator.faults.failNth('environmentDelete', n, { status: 400, message: 'injected: delete refused' });
  await page.getByRole('button', { name: 'Start clone' }).click();
  await page.waitForFunction(
    () => document.querySelector('[data-step="sync-database"]')?.getAttribute('data-state') === 'RUNNING',
    undefined,
    { timeout: 120_000, polling: 20 },
  );
  rig.emulator.faults.failNth('domains', 1, { status: 400, message: 'injected: domain service down' });

  const dialog = page.getByRole('dialog', { name: 'The clone failed' });
  await dialog.waitFor({ timeout: 40_000 }).catch(async (e) => {
    console.log(await page.locator('main').innerText());
    throw e;
  });
  await expect.poll(() => dialog.textContent()).toContain('injected: domain service down');
  const text = (await dialog.textContent()) ?? '';
  expect(text).toMatch(/Failed:\s*assign-domain/);
  expect(text).toContain('create-environment');
  expect(text).toContain('sync-database');
  expect(text).toMatch(/Automatic rollback:\s*ended FAILED/);
  expect(await names()).toContain('staging-broken'); // the half-made clone is still there
  expect(await seriousViolations(page)).toEqual([]);
  await shot(page, 'failure-dialog');

  rig.emulator.faults.clear();
  await dialog.getByRole('button', { name: 'Roll back' }).click();
  await dialog.getByRole('status').waitFor({ timeout: 120_000 });
  expect(await dialog.getByRole('status').textContent()).toMatch(/Rolled back: “staging-broken” was deleted/);
  expect(await names()).toEqual(before);
  expect(await keyLeaks(page, requests, key)).toEqual([]);
  // Roll back went through the public API: a DELETE of the environment, then its execution was polled.
  expect(requests.some((r) => r.url.endsWith('/environments/railclone/staging-broken'))).toBe(true);
}, 300_000);
