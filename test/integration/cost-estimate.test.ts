// The clone's cost estimate from Railway's own usage figures (the emulator's `usage`, strict to the real
// schema): per hour, over the TTL, per service; "unknown" with the reason for a token that cannot read usage.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { estimateCloneCost } from '../../src/clone/cost-estimate.js';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { railwayClientFromEnv } from '../../src/railway/index.js';
import type { RailwayApi } from '../../src/railway/types.js';
import { startTestEmulator } from './gateway-helpers.js';

let emulator: RunningEmulator;
let railway: RailwayApi;
let source: { id: string; createdAt: string };
let services: { id: string; name: string }[];

beforeAll(async () => {
  ({ emulator, railway } = await startTestEmulator('rccost'));
  const env = (await railway.listEnvironments(emulator.projectId)).find(
    (e) => e.id === emulator.productionEnvironmentId,
  )!;
  source = env;
  services = (await railway.getProject(emulator.projectId)).services.map((s) => ({ id: s.id, name: s.name }));
});
afterAll(async () => {
  await emulator?.stop();
});

describe('clone cost estimate', () => {
  it('prices the source services’ usage per hour and over the TTL', async () => {
    const est = await estimateCloneCost(railway, {
      projectId: emulator.projectId,
      sourceEnvironment: source,
      services,
      ttlMs: 14 * 24 * 3_600_000,
    });
    if (!est.available) throw new Error(`no estimate: ${est.reason}`);
    expect(est.services.map((s) => s.name).sort()).toEqual(services.map((s) => s.name).sort());
    for (const s of est.services) expect(s.usd_per_hour).toBeGreaterThan(0);
    expect(est.usd_per_hour).toBeCloseTo(
      est.services.reduce((sum, s) => sum + s.usd_per_hour, 0),
      9,
    );
    expect(est.usd_total).toBeCloseTo(est.usd_per_hour * 14 * 24, 6);
    expect(est.usd_per_month).toBeCloseTo(est.usd_per_hour * 24 * 30, 6);
    // the database (more CPU and memory, plus its volume) costs more than the app
    const by = Object.fromEntries(est.services.map((s) => [s.name, s.usd_per_hour]));
    expect(by.MariaDB!).toBeGreaterThan(by.Primary!);

    const appOnly = await estimateCloneCost(railway, {
      projectId: emulator.projectId,
      sourceEnvironment: source,
      services: services.filter((s) => s.name === 'Primary'),
      ttlMs: null,
    });
    if (!appOnly.available) throw new Error(appOnly.reason);
    expect(appOnly.usd_per_hour).toBeLessThan(est.usd_per_hour);
    expect(appOnly.usd_total).toBeNull();
  });

  it('is unknown, with the reason, when the token cannot read usage (a project token)', async () => {
    const projectToken = railwayClientFromEnv({
      RAILWAY_TOKEN: emulator.tokens.project,
      RAILWAY_API_URL: emulator.url,
    });
    const est = await estimateCloneCost(projectToken, {
      projectId: emulator.projectId,
      sourceEnvironment: source,
      services,
      ttlMs: 3_600_000,
    });
    expect(est).toEqual({
      available: false,
      reason: "the Railway token cannot read the project's usage figures",
    });
  });

  it('is unknown when Railway has no usage for the services', async () => {
    const est = await estimateCloneCost(railway, {
      projectId: emulator.projectId,
      sourceEnvironment: source,
      services: [{ id: 'no-such-service', name: 'ghost' }],
      ttlMs: 3_600_000,
    });
    expect(est).toEqual({ available: false, reason: 'Railway reports no usage for these services yet' });
  });
});
