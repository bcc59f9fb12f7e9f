// Shared by the console's browser tests: the gateway over the built-in emulator with real databases (the
// console served at /ui/ from dist/console), Debian's Chromium driven by playwright-core, and a tab that
// records every request it makes so tests can check where the API key goes.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
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
export const SHOTS = 'docs/console';

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
