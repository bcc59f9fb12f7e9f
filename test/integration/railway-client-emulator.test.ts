// RailwayClient against the Railway emulator (src/emulator) over real HTTP, with its real
// PostgreSQL-backed "postgres-app" scenario: the calls a clone makes, end to end.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { RailwayClient } from '../../src/railway/client.js';
import { RailwayAuthError, RailwayConflictError } from '../../src/railway/errors.js';
import { redact } from '../../src/util/secrets.js';

let em: RunningEmulator;
let delays: number[] = [];

function client(as: 'account' | 'workspace' | 'project' = 'account', timeoutMs = 10_000): RailwayClient {
  return new RailwayClient({
    endpoint: em.url,
    ...(as === 'project' ? { projectToken: em.tokens.project } : { apiToken: em.tokens[as] }),
    retry: { retries: 3, baseDelayMs: 10, maxDelayMs: 5_000 },
    timeoutMs,
    sleep: async (ms) => {
      delays.push(ms);
    },
    tcpProxyPoll: { intervalMs: 50, timeoutMs: 10_000 },
  });
}

const suffix = Math.random().toString(36).slice(2, 8);

beforeAll(async () => {
  em = await startEmulator({ scenario: 'postgres-app', dbPrefix: `rwclient_${suffix}`, deploymentStepMs: 5 });
});

afterAll(async () => {
  await em?.stop();
});

describe('RailwayClient × emulator', () => {
  it('whoami for the three token kinds', async () => {
    expect((await client('account').whoami()).kind).toBe('account');
    const ws = await client('workspace').whoami();
    expect(ws).toEqual({ kind: 'workspace', workspaces: [{ id: em.workspaceId, name: expect.any(String) }] });
    expect(await client('project').whoami()).toMatchObject({
      kind: 'project',
      projectId: em.projectId,
      environmentId: em.productionEnvironmentId,
    });
  });

  it('reads the project and production with its service and volume instances', async () => {
    const c = client();
    const p = await c.getProject(em.projectId);
    expect(p.environments.map((e) => e.id)).toContain(em.productionEnvironmentId);
    expect(p.services.length).toBeGreaterThan(0);
    const prod = await c.getEnvironment(em.productionEnvironmentId, em.projectId);
    expect(prod.name).toBe('production');
    expect(prod.serviceInstances.map((s) => s.serviceId).sort()).toEqual(p.services.map((s) => s.id).sort());
    expect(prod.volumeInstances.length).toBeGreaterThan(0);
  });

  it('clones production, copies unrendered variables (registered as secrets), edits and deletes', async () => {
    const c = client();
    const p = await c.getProject(em.projectId);
    const name = `staging-${suffix}`;
    const clone = await c.createEnvironment({
      projectId: em.projectId,
      name,
      sourceEnvironmentId: em.productionEnvironmentId,
      skipInitialDeploys: true,
    });
    expect(clone.name).toBe(name);
    expect(clone.sourceEnvironment?.id).toBe(em.productionEnvironmentId);
    expect((await c.findEnvironmentByName(em.projectId, name))?.id).toBe(clone.id);
    await expect(c.createEnvironment({ projectId: em.projectId, name })).rejects.toBeInstanceOf(
      RailwayConflictError,
    );

    let compared = 0;
    let references = 0;
    let secrets = 0;
    for (const svc of p.services) {
      const scope = { projectId: em.projectId, serviceId: svc.id, unrendered: true };
      const src = await c.getVariables({ ...scope, environmentId: em.productionEnvironmentId });
      const dst = await c.getVariables({ ...scope, environmentId: clone.id });
      // Same names; references stay unrendered templates. (The emulator gives each environment's
      // database its own physical name and user, so those two values legitimately differ.)
      expect(Object.keys(dst).sort()).toEqual(Object.keys(src).sort());
      for (const [k, v] of Object.entries(src)) if (v.includes('${{')) expect(dst[k], k).toBe(v);
      // Every secret-looking value read is masked from then on (names like "production" stay public).
      for (const [k, v] of Object.entries(src)) {
        if (/PASSWORD|SECRET|TOKEN|KEY/.test(k) && !v.includes('${{') && v.length >= 6) {
          expect(redact(`x${v}x`), k).toBe('x***x');
          secrets++;
        }
      }
      compared += Object.keys(src).length;
      references += Object.values(src).filter((v) => v.includes('${{')).length;
    }
    expect(compared).toBeGreaterThan(0);
    expect(references).toBeGreaterThan(0);
    expect(secrets).toBeGreaterThan(0);

    const svcId = p.services[0]!.id;
    const scope = { projectId: em.projectId, environmentId: clone.id, serviceId: svcId };
    await c.upsertVariables({ ...scope, variables: { RAILCLONE_MARK: 'staging-copy-1' }, skipDeploys: true });
    expect((await c.getVariables(scope)).RAILCLONE_MARK).toBe('staging-copy-1');
    await c.deleteVariable({ ...scope, name: 'RAILCLONE_MARK' });
    expect(await c.getVariables(scope)).not.toHaveProperty('RAILCLONE_MARK');

    const config = await c.getEnvironmentConfig(clone.id, { decryptVariables: true });
    expect(Object.keys(config.services ?? {})).toContain(svcId);

    expect(await c.deleteEnvironment(clone.id)).toBe(true);
    expect((await c.listEnvironments(em.projectId)).map((e) => e.id)).not.toContain(clone.id);
  });

  it('a create whose connection drops after it ran is found, not made twice', async () => {
    const c = client();
    const name = `dropped-${suffix}`;
    em.faults.dropConnection('environmentCreate', 1);
    try {
      const env = await c.createEnvironment({ projectId: em.projectId, name });
      expect(env.name).toBe(name);
      const same = (await c.listEnvironments(em.projectId)).filter((e) => e.name === name);
      expect(same).toHaveLength(1);
      expect(same[0]!.id).toBe(env.id);
      await c.deleteEnvironment(env.id);
    } finally {
      em.faults.clear();
    }
  });

  it('honours the emulator 429 Retry-After', async () => {
    delays = [];
    em.faults.rateLimit(1, 2);
    try {
      expect((await client().getProject(em.projectId)).id).toBe(em.projectId);
      expect(delays[0]).toBeGreaterThanOrEqual(2000);
    } finally {
      em.faults.clear();
    }
  });

  it('a project token cannot create environments: RailwayAuthError naming RAILWAY_TOKEN', async () => {
    const err = await client('project')
      .createEnvironment({ projectId: em.projectId, name: `nope-${suffix}` })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RailwayAuthError);
    expect((err as Error).message).toMatch(/^RAILWAY_TOKEN cannot access/);
    expect((err as Error).message).not.toContain(em.tokens.project);
  });

  it('enables a TCP proxy on the database service through a committed patch', async () => {
    const c = client();
    const prod = await c.getEnvironment(em.productionEnvironmentId, em.projectId);
    const db = prod.serviceInstances.find((s) => /postgres/i.test(s.source?.image ?? ''));
    expect(db).toBeTruthy();
    const proxy = await c.enableTcpProxy({
      environmentId: em.productionEnvironmentId,
      serviceId: db!.serviceId,
      applicationPort: 5432,
    });
    expect(proxy.applicationPort).toBe(5432);
    expect(proxy.proxyPort).toBeGreaterThan(0);
    const listed = await c.listTcpProxies({
      environmentId: em.productionEnvironmentId,
      serviceId: db!.serviceId,
    });
    expect(listed.map((x) => x.id)).toContain(proxy.id);
  });
});
