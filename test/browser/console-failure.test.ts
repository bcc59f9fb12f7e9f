// A clone that fails in the browser: the emulator refuses the domain step and then the flow's own
// rollback, so the clone is left half-made; the console's failure dialog says what succeeded and what
// failed, and its Roll back button (delete-environment through the API) leaves nothing behind; Retry then
// starts the same request again.
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  keyLeaks,
  seriousViolations,
  shot,
  signedInTab,
  startConsoleRig,
  type ConsoleRig,
} from './console-helpers.js';
import { CLONE, bearer, pollUntilDone, post } from '../integration/gateway-helpers.js';

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

  // Every environmentDelete of the run fails (a 400, which the Railway client does not retry): the
  // rollback's, and the one that removes the coordination environment once the clone stops reading the
  // source; the second domains read — assign-domain's, after create-environment's one for the one web
  // service — fails too. Injected before the start, not when the copy is seen running: a fast clone
  // could pass assign-domain before a fault set then.
  for (let n = 1; n <= 20; n++)
    rig.emulator.faults.failNth('environmentDelete', n, { status: 400, message: 'injected: delete refused' });
  rig.emulator.faults.failNth('domains', 2, { status: 400, message: 'injected: domain service down' });
  await page.getByRole('button', { name: 'Start clone' }).click();

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
  // The logs came over the API's SSE stream (key in the header, as everywhere), not by polling.
  const logReads = requests.filter((r) => /\/logs(\/follow)?$/.test(r.url));
  expect(logReads.length).toBeGreaterThan(0);
  expect(logReads.every((r) => r.url.endsWith('/logs/follow'))).toBe(true);
  expect(logReads.every((r) => r.headers.authorization === `Bearer ${key}`)).toBe(true);

  // Retry sends the same request again as a new execution, which now succeeds.
  const failedUrl = page.url();
  await dialog.getByRole('button', { name: 'Retry' }).click();
  await page.waitForURL((u) => u.href !== failedUrl && /\/ui\/executions\/clone-staging-api\//.test(u.href));
  await page.getByRole('heading', { name: 'The clone is ready' }).waitFor({ timeout: 180_000 });
  expect(await names()).toContain('staging-broken');
}, 300_000);

it('says 401, 403 and 429 as what they mean, with a Retry-After countdown', async () => {
  // 401: a wrong key is refused at sign-in and not kept
  const context = await rig.browser.newContext();
  const page = await context.newPage();
  await page.goto(`${rig.gw.url}/ui/`);
  await page.getByLabel('API key').fill('rck_000000000000_wrong');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect.poll(() => page.getByRole('alert').textContent()).toContain('Not signed in');
  expect(await page.evaluate(() => sessionStorage.length)).toBe(0);

  // 403: a key that may clone but not list environments
  const narrow = await rig.gw.key({ flows: ['clone-staging-api'] });
  const p403 = await context.newPage();
  await p403.goto(`${rig.gw.url}/ui/`);
  await p403.getByLabel('API key').fill(narrow);
  await p403.getByRole('button', { name: 'Sign in' }).click();
  await expect.poll(() => p403.getByRole('alert').textContent()).toContain('Not allowed');
  await context.close();

  // 429: a key with one clone start per window, used up by another client
  const once = await rig.gw.key({ rate_limit: 1 });
  const first = await post(
    `${rig.gw.url}${CLONE}`,
    { client_name: 'other', environment_name: 'staging-other' },
    bearer(once),
  );
  expect(first.status).toBe(202);
  const { page: tab } = await signedInTab(rig, once);
  await tab.goto(`${rig.gw.url}/ui/env/production/clone`);
  await tab.locator('section[data-ready="true"]').waitFor();
  await tab.getByRole('button', { name: 'Next' }).click();
  await tab.getByLabel('Client name').fill('limited');
  await tab.getByRole('button', { name: 'Next' }).click();
  await tab.getByRole('button', { name: 'Next' }).click();
  await tab.getByText(/^Creates staging-limited-/).waitFor();
  await tab.getByLabel(/I have reviewed the changes/).check();
  await tab.getByRole('button', { name: 'Start clone' }).click();
  const alert = tab.getByRole('alert');
  await expect.poll(() => alert.textContent()).toContain('Too many clone starts');
  const seconds = async () =>
    Number((await tab.getByTestId('retry-after').textContent())?.replace(/\D/g, ''));
  const before = await seconds();
  expect(before).toBeGreaterThan(1); // seconds to the end of the fixed rate window (at most an hour)
  expect(before).toBeLessThanOrEqual(3600);
  await expect.poll(seconds, { timeout: 5_000 }).toBeLessThan(before);
  await pollUntilDone(rig.gw.url, ((await first.json()) as { polling_url: string }).polling_url, once);
}, 300_000);
