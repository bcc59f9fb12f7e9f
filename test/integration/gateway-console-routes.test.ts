// The gateway's routes for the console: /ui/ (static files with a strict CSP, index.html for the console's
// own paths), every environment with ?all=true, and the diff's refusals and its names-only answer.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { compareVariables } from '../../src/gateway/environment-diff.js';
import { consoleDir } from '../../src/gateway/routes/console-ui.js';
import {
  bearer,
  startTestEmulator,
  startTestGateway,
  tempFileStore,
  type TestGateway,
} from './gateway-helpers.js';

let emulator: RunningEmulator;
let gw: TestGateway;
let key: string;
const ENVS = '/api/v1/main/environments/railclone';

beforeAll(async () => {
  process.env.RAILCLONE_EMULATOR = '1';
  const emu = await startTestEmulator(`rcgwui${randomUUID().slice(0, 6)}`);
  emulator = emu.emulator;
  const { store } = await tempFileStore();
  gw = await startTestGateway({ store, railway: emu.railway, projectId: emulator.projectId });
  key = await gw.key();
});
afterAll(async () => {
  await gw?.stop();
  await emulator?.stop();
});

describe('console routes', () => {
  it('serves the built console at /ui/ and its own paths, with a CSP that allows only this origin', async () => {
    expect(consoleDir(), 'run npm run build first').not.toBeNull();
    for (const path of ['/ui/', '/ui/env/production/clone']) {
      const res = await fetch(`${gw.url}${path}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      const html = await res.text();
      expect(html).toContain('<div id="root">');
      const asset = /src="(\/ui\/assets\/[^"]+\.js)"/.exec(html)?.[1];
      expect(asset).toBeDefined();
      const js = await fetch(`${gw.url}${asset}`);
      expect(js.status).toBe(200);
      expect(js.headers.get('content-type')).toMatch(/javascript/);
    }
    expect((await fetch(`${gw.url}/ui/assets/missing.js`)).status).toBe(404);
    const root = await fetch(`${gw.url}/`, { redirect: 'manual' });
    expect(root.headers.get('location')).toBe('/ui/');
  });

  it('lists every environment with all=true, and only railclone’s without', async () => {
    const all = await fetch(`${gw.url}${ENVS}?all=true`, { headers: bearer(key) });
    expect(all.status).toBe(200);
    const names = ((await all.json()) as { environments: { name: string }[] }).environments.map(
      (e) => e.name,
    );
    expect(names).toContain('production');
    const plain = await fetch(`${gw.url}${ENVS}`, { headers: bearer(key) });
    expect(((await plain.json()) as { environments: unknown[] }).environments).toEqual([]);
    const bad = await fetch(`${gw.url}${ENVS}?all=yes`, { headers: bearer(key) });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { details: { field: string } }).details.field).toBe('all');
    expect((await fetch(`${gw.url}${ENVS}?all=true`)).status).toBe(401);
    const narrow = await gw.key({ flows: ['clone-staging-api'] });
    expect((await fetch(`${gw.url}${ENVS}?all=true`, { headers: bearer(narrow) })).status).toBe(403);
  });

  it('refuses a diff of an environment that is not a clone, and unknown query fields', async () => {
    const res = await fetch(`${gw.url}${ENVS}/production/diff`, { headers: bearer(key) });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { details: { field: string } }).details.field).toBe('against');
    const odd = await fetch(`${gw.url}${ENVS}/production/diff?colour=red`, { headers: bearer(key) });
    expect(odd.status).toBe(400);
    const self = await fetch(`${gw.url}${ENVS}/production/diff?against=production`, { headers: bearer(key) });
    expect(self.status).toBe(200);
    const body = (await self.json()) as { services: { status: string }[] };
    expect(body.services.length).toBeGreaterThan(0);
    expect(body.services.every((s) => s.status === 'unchanged')).toBe(true);
    expect(JSON.stringify(body)).not.toMatch(/"value"/);
  });

  it('compares values without returning them', () => {
    expect(
      compareVariables({ A: '1', B: '2', C: '3' }, { A: '1', B: 'x', D: '4', RAILCLONE_META: '{}' }),
    ).toEqual([
      { name: 'A', status: 'unchanged' },
      { name: 'B', status: 'modified' },
      { name: 'C', status: 'removed' },
      { name: 'D', status: 'added' },
    ]);
  });
});
