// Resource allocation through the clone API: replicas, region, app sleeping and vCPU/memory limits land
// on the clone's service instance (serviceInstanceUpdate, serviceInstanceLimitsUpdate in the emulator,
// which takes them as Railway's schema declares them); a service that is not cloned, or a bad value, is
// refused before anything starts.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import {
  CLONE,
  bearer,
  pollUntilDone,
  post,
  startTestEmulator,
  startTestGateway,
  tempFileStore,
  type TestGateway,
} from '../integration/gateway-helpers.js';

let emulator: RunningEmulator;
let gw: TestGateway;
let key: string;

beforeAll(async () => {
  process.env.RAILCLONE_EMULATOR = '1';
  const emu = await startTestEmulator(`rcres${randomUUID().slice(0, 6)}`);
  emulator = emu.emulator;
  const { store } = await tempFileStore();
  gw = await startTestGateway({ store, railway: emu.railway, projectId: emulator.projectId });
  key = await gw.key();
});
afterAll(async () => {
  await gw?.stop();
  await emulator?.stop();
});

describe('resources in a clone request', () => {
  it('sets replicas, region, sleeping and limits on the cloned service', async () => {
    const res = await post(
      `${gw.url}${CLONE}`,
      {
        client_name: 'res',
        environment_name: 'staging-res',
        resources: { Primary: { replicas: 3, region: 'europe-west4', sleep: true, vcpus: 2, memory_gb: 4 } },
      },
      bearer(key),
    );
    expect(res.status).toBe(202);
    const done = await pollUntilDone(
      gw.url,
      ((await res.json()) as { polling_url: string }).polling_url,
      key,
    );
    expect(done.state).toBe('SUCCESS');
    const env = [...emulator.state.environments.values()].find((e) => e.name === 'staging-res')!;
    const primary = [...emulator.state.services.values()].find((s) => s.name === 'Primary')!;
    const maria = [...emulator.state.services.values()].find((s) => s.name === 'MariaDB')!;
    const inst = emulator.state.instance(env.id, primary.id)!;
    expect([inst.numReplicas, inst.region, inst.sleepApplication]).toEqual([3, 'europe-west4', true]);
    expect(inst.limits).toEqual({ vCPUs: 2, memoryGB: 4 });
    const untouched = emulator.state.instance(env.id, maria.id)!;
    expect(untouched.limits).toBeUndefined();
    const prodInst = emulator.state.instance(emulator.productionEnvironmentId, primary.id)!;
    expect([prodInst.numReplicas, prodInst.limits]).toEqual([1, undefined]); // the source is never written
  }, 180_000);

  it('refuses a bad value at the API and an uncloned service at preflight, creating nothing', async () => {
    const before = emulator.state.environments.size;
    const bad = await post(
      `${gw.url}${CLONE}`,
      { client_name: 'res', resources: { Primary: { vcpus: 64 } } },
      bearer(key),
    );
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string }).message).toContain('vcpus is 0.1 to 32');
    const empty = await post(
      `${gw.url}${CLONE}`,
      { client_name: 'res', resources: { Primary: {} } },
      bearer(key),
    );
    expect(empty.status).toBe(400);
    const res = await post(
      `${gw.url}${CLONE}`,
      { client_name: 'res', exclude_services: ['Primary'], resources: { Primary: { replicas: 2 } } },
      bearer(key),
    );
    expect(res.status).toBe(202);
    const done = await pollUntilDone(
      gw.url,
      ((await res.json()) as { polling_url: string }).polling_url,
      key,
    );
    expect(done.state).toBe('FAILED');
    expect((done.error as { message: string }).message).toMatch(
      /resources name "Primary", which is not cloned/,
    );
    expect(emulator.state.environments.size).toBe(before);
  }, 180_000);
});
