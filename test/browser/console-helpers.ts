// Shared by the console's browser tests: the gateway over the built-in emulator with real databases (the
// console served at /ui/ from dist/console), Debian's Chromium driven by playwright-core, and a tab that
// records every request it makes so tests can check where the API key goes.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { RunningEmulator } from '../../src/emulator/index.js';
import type { RailwayApi } from '../../src/railway/types.js';
import { consoleDir } from '../../src/gateway/routes/console-ui.js';
import {
  startTestEmulator,
  startTestGateway,
  tempFileStore,
  type TestGateway,
} from '../integration/gateway-helpers.js';

export const CHROMIUM = '/usr/bin/chromium';
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
/** Screenshots go to a temp dir, so a test run leaves the tree clean; RAILCLONE_UPDATE_SCREENSHOTS=1
 * writes them to docs/console/ (shown in the README) instead. */
export const SHOTS =
  process.env.RAILCLONE_UPDATE_SCREENSHOTS === '1'
    ? 'docs/console'
    : join(tmpdir(), 'railclone-console-shots');

export interface ConsoleRig {
  emulator: RunningEmulator;
  railway: RailwayApi;
  gw: TestGateway;
  browser: Browser;
  stop(): Promise<void>;
}

export interface RecordedRequest {
  url: string;
  headers: Record<string, string>;
  body: string | null;
}

export async function startConsoleRig(prefix: string): Promise<ConsoleRig> {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `Chromium is missing at ${CHROMIUM}: install Debian's package (apt-get install -y chromium) — this test never skips`,
    );
  if (!consoleDir())
    throw new Error('dist/console is missing: run `npm run build` first (npm test does it in pretest)');
  process.env.RAILCLONE_EMULATOR = '1';
  const emu = await startTestEmulator(`${prefix}${randomUUID().slice(0, 6)}`);
  const { store } = await tempFileStore();
  const gw = await startTestGateway({ store, railway: emu.railway, projectId: emu.emulator.projectId });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  await mkdir(SHOTS, { recursive: true });
  return {
    emulator: emu.emulator,
    railway: emu.railway,
    gw,
    browser,
    stop: async () => {
      await browser.close();
      await gw.stop();
      await emu.emulator.stop();
    },
  };
}

/** A fresh context (its own sessionStorage) and tab, signed in with `key`, recording its requests. */
export async function signedInTab(
  rig: ConsoleRig,
  key: string,
): Promise<{ page: Page; context: BrowserContext; requests: RecordedRequest[] }> {
  const context = await rig.browser.newContext({ viewport: { width: 1200, height: 900 } });
  // axe-core rides in as an init script: the console's CSP (rightly) refuses inline scripts.
  await context.addInitScript({ content: AXE });
  const page = await context.newPage();
  const requests: RecordedRequest[] = [];
  page.on('request', (r) => requests.push({ url: r.url(), headers: r.headers(), body: r.postData() }));
  await page.goto(`${rig.gw.url}/ui/`);
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Environments' }).waitFor();
  return { page, context, requests };
}

export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true, scale: 'css' });
}

/** axe-core's serious and critical violations on the page as it is now (WCAG 2.x A and AA rules). */
export async function seriousViolations(page: Page): Promise<string[]> {
  const result = await page.evaluate(async () => {
    const axe = (
      window as unknown as { axe: { run(o: unknown): Promise<{ violations: unknown[]; passes: unknown[] }> } }
    ).axe;
    return axe.run({ runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
  });
  if (result.passes.length < 5)
    throw new Error(`axe-core checked almost nothing (${result.passes.length} passes)`);
  return (result.violations as { id: string; impact: string; nodes: { target: string[] }[] }[])
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}) at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** Where the key appears in the tab's own storage and URLs, and in requests other than Authorization. */
export async function keyLeaks(page: Page, requests: RecordedRequest[], key: string): Promise<string[]> {
  const leaks: string[] = [];
  const storage = await page.evaluate(() => ({
    local: JSON.stringify({ ...localStorage }),
    session: JSON.stringify({ ...sessionStorage }),
    href: location.href,
    cookies: document.cookie,
  }));
  if (storage.local.includes(key)) leaks.push('localStorage');
  if (storage.href.includes(key)) leaks.push('location');
  if (storage.cookies.includes(key)) leaks.push('cookie');
  if (!storage.session.includes(key)) leaks.push('(not in sessionStorage: the test signed in wrongly)');
  for (const r of requests) {
    if (r.url.includes(key)) leaks.push(`URL ${r.url}`);
    if (r.body?.includes(key)) leaks.push(`body of ${r.url}`);
    for (const [name, value] of Object.entries(r.headers)) {
      if (name !== 'authorization' && value.includes(key)) leaks.push(`header ${name} of ${r.url}`);
      if (name === 'authorization' && value !== `Bearer ${key}`) leaks.push(`odd authorization on ${r.url}`);
    }
  }
  return leaks;
}
