// The clone's cost estimate from Railway's own usage figures (the emulator's `usage`, strict to the real
// schema): per hour, over the TTL, per service; "unknown" with the reason for a token that cannot read usage.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asCloned, estimateCloneCost, type CostEstimate } from '../../src/clone/cost-estimate.js';
import { directEnvironments } from '../../src/gateway/environments.js';
import { CloneRequestSchema, parseInput } from '../../src/inputs/index.js';
import { USD_PER_UNIT } from '../../src/railway/pricing.js';
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

  it('follows what the clone will be: excluded services left out, replicas as the request sets them', async () => {
    const envs = directEnvironments(railway, emulator.projectId);
    const preview = async (extra: Record<string, unknown>) =>
      (await envs.preview(parseInput(CloneRequestSchema, { client_name: 'acme', ttl: '2d', ...extra }))) as {
        estimated_cost: CostEstimate;
      };
    const plain = (await preview({})).estimated_cost;
    const sized = (
      await preview({ exclude_services: ['MariaDB'], resources: { Primary: { replicas: 3, sleep: true } } })
    ).estimated_cost;
    if (!plain.available || !sized.available) throw new Error('no estimate');
    expect(plain.services.map((s) => s.name).sort()).toEqual(['MariaDB', 'Primary']);
    expect(sized.services.map((s) => s.name)).toEqual(['Primary']);
    const primary = (e: Extract<CostEstimate, { available: true }>) =>
      e.services.find((s) => s.name === 'Primary')!;
    expect(primary(sized)).toMatchObject({ replicas: 3 });
    expect(primary(sized).adjusted.join('; ')).toMatch(/3 replica\(s\) instead of 1; app sleeping on/);
    expect(primary(plain).adjusted).toEqual([]);
    // The emulator's app uses 0.02 vCPU, 0.12 GB and sends 0.0002 GB a minute per replica: CPU and memory
    // triple, egress does not.
    const perMinute = (r: number) =>
      0.02 * r * USD_PER_UNIT.CPU_USAGE +
      0.12 * r * USD_PER_UNIT.MEMORY_USAGE_GB +
      0.0002 * USD_PER_UNIT.NETWORK_TX_GB;
    expect(primary(sized).usd_per_hour / primary(plain).usd_per_hour).toBeCloseTo(
      perMinute(3) / perMinute(1),
      2,
    );
    expect(sized.usd_per_hour).toBeCloseTo(primary(sized).usd_per_hour, 9);
    expect(sized.usd_total).toBeCloseTo(sized.usd_per_hour * 48, 6);
  }, 60_000);
});

describe('a service as cloned', () => {
  const use = { CPU_USAGE: 2, MEMORY_USAGE_GB: 4, DISK_USAGE_GB: 10, NETWORK_TX_GB: 0.5 };
  it('is the source’s use without resources', () => {
    expect(asCloned(use, 2, undefined)).toEqual({ units: use, adjusted: [], replicas: 2 });
  });
  it('scales CPU and memory per replica, caps them at the limits, and keeps volume and egress', () => {
    // 2 replicas of 1 vCPU and 2 GB each → 4 replicas capped at 0.5 vCPU, memory uncapped
    const r = asCloned(use, 2, { replicas: 4, vcpus: 0.5, memory_gb: 8 });
    expect(r.units).toEqual({ CPU_USAGE: 2, MEMORY_USAGE_GB: 8, DISK_USAGE_GB: 10, NETWORK_TX_GB: 0.5 });
    expect(r.replicas).toBe(4);
    expect(r.adjusted).toEqual(['4 replica(s) instead of 2', 'vCPU capped at 0.5 per replica']);
    expect(asCloned(use, 1, { memory_gb: 1 }).units.MEMORY_USAGE_GB).toBe(1);
    expect(asCloned(use, 1, { region: 'us-west2' })).toEqual({ units: use, adjusted: [], replicas: 1 });
  });
});
