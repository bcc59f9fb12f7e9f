// A real browser (Debian's Chromium, headless) on another origin starts a clone through the gateway with an
// API key and polls it to SUCCESS, through CORS. Chromium must be installed (apt-get install chromium);
// without it this test fails — it never skips.
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import {
  startTestEmulator,
  startTestGateway,
  tempFileStore,
  type TestGateway,
} from '../integration/gateway-helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const prefix = `rcgwbr${randomUUID().slice(0, 6)}`;
let emulator: RunningEmulator;
let gw: TestGateway;
let page: Server;
let pageOrigin: string;
let browser: Browser | undefined;

const PAGE = `<!doctype html><html><body><pre id="out">running</pre><script>
async function run(gateway, key) {
  const start = await fetch(gateway + '/api/v1/main/executions/webhook/railclone/clone-staging-api/browser', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Authorization': 'Bearer ' + key },
    body: JSON.stringify({ client_name: 'browser', environment_name: 'staging-from-browser' }),
  });
  const accepted = await start.json();
  const location = start.headers.get('Location');
  for (let i = 0; i < 600; i++) {
    const poll = await fetch(gateway + accepted.polling_url, { headers: { 'X-API-Key': key } });
    const body = await poll.json();
    if (['SUCCESS', 'FAILED'].includes(body.state)) return { status: start.status, location, accepted, final: body, remaining: start.headers.get('RateLimit-Remaining') };
    await new Promise((r) => setTimeout(r, 250));
  }
  return { status: start.status, timeout: true };
}
async function blocked(gateway, key) {
  try { await fetch(gateway + '/api/v1/main/executions/webhook/railclone/clone-staging-api/x', { method: 'POST', headers: { 'Content-Type': 'application/json', 'Authorization': 'Bearer ' + key }, body: '{}' }); return 'allowed'; }
  catch (e) { return 'blocked'; }
}
</script></body></html>`;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is missing at ${CHROMIUM}: install Debian's package (apt-get install -y --no-install-recommends chromium) — this test never skips`,
    );
  }
  page = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(PAGE);
  });
  await new Promise<void>((r) => page.listen(0, '127.0.0.1', () => r()));
  pageOrigin = `http://127.0.0.1:${(page.address() as { port: number }).port}`;
  const emu = await startTestEmulator(prefix);
  emulator = emu.emulator;
  const { store } = await tempFileStore();
  gw = await startTestGateway({
    store,
    railway: emu.railway,
    projectId: emulator.projectId,
    settings: { corsOrigins: [pageOrigin] },
  });
  browser = await chromium.launch({
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
});

afterAll(async () => {
  await browser?.close();
  await gw?.stop();
  await emulator?.stop();
  await new Promise((r) => page?.close(r));
});

describe('a browser on another origin', () => {
  it('starts a clone and polls it to SUCCESS through CORS', async () => {
    const key = await gw.key();
    const tab = await browser!.newPage();
    await tab.goto(pageOrigin);
    const result = await tab.evaluate(
      ([g, k]) =>
        (window as unknown as { run: (g: string, k: string) => Promise<Record<string, unknown>> }).run(
          g!,
          k!,
        ),
      [gw.url, key],
    );
    expect(result.status).toBe(202);
    expect(result.location).toBe((result.accepted as { polling_url: string }).polling_url);
    expect(result.remaining).toBe('9');
    const final = result.final as {
      state: string;
      outputs: { environment_name: string };
      tasks: { state: string }[];
    };
    expect(final.state).toBe('SUCCESS');
    expect(final.outputs.environment_name).toBe('staging-from-browser');
    expect(final.tasks.every((t) => t.state === 'SUCCESS')).toBe(true);
  }, 180_000);

  it('is blocked from an origin not on the allow-list', async () => {
    const tab = await browser!.newPage();
    // the same page, served from a different origin (localhost ≠ 127.0.0.1)
    await tab.goto(pageOrigin.replace('127.0.0.1', 'localhost'));
    const verdict = await tab.evaluate(
      ([g]) =>
        (window as unknown as { blocked: (g: string, k: string) => Promise<string> }).blocked(g!, 'rck_x'),
      [gw.url],
    );
    expect(verdict).toBe('blocked');
  });
});
