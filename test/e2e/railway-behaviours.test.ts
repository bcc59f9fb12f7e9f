// What real Railway does that a kind emulator would not (issue 12), and a clone that survives it:
// private databases (no proxy, no public variables), proxies that take time to become active, first
// deploys of services that never had one, each deployment state, rate limits, deploying only once.
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runClone } from '../../src/clone/pipeline.js';
import { RailwayRateLimitError } from '../../src/railway/errors.js';
import type { DeploymentStatus } from '../../src/railway/types.js';
import { dumpDatabase, physicalUrl, startHarness, type Harness } from './helpers.js';

const id = randomUUID().slice(0, 6);

async function deploymentsOf(h: Harness, environmentId: string, service: string) {
  return h.railway.listDeployments({
    projectId: h.emulator.projectId,
    environmentId,
    serviceId: await h.serviceId(service),
  });
}

describe.each([
  { scenario: 'postgres-app-private' as const, db: 'Postgres', app: 'web' },
  { scenario: 'wordpress-private' as const, db: 'MariaDB', app: 'Primary' },
])('$scenario: a private database (no TCP proxy, no public variables)', ({ scenario, db, app }) => {
  let h: Harness;
  let outcome: Awaited<ReturnType<typeof runClone>>;
  let envId: string;

  beforeAll(async () => {
    h = await startHarness(scenario, `rcpv${id}${db === 'Postgres' ? 'p' : 'm'}`, {
      tcpProxyActivationMs: 1_500,
    });
    outcome = await runClone(h.context({ client_name: 'Private', environment_name: 'private-staging' }));
    if (!outcome.ok) throw outcome.error;
    envId = String(outcome.outputs.finalize!.environment_id);
  }, 180_000);

  afterAll(async () => {
    await h?.emulator.stop();
  });

  it('starts private: the source has no proxy and no public URL variable', async () => {
    const prod = h.emulator.productionEnvironmentId;
    const vars = await h.vars(prod, db, true);
    expect(Object.keys(vars).filter((n) => n.includes('PUBLIC'))).toEqual([]);
    expect(Object.values(vars).join(' ')).not.toContain('RAILWAY_TCP_PROXY');
    // (A DELETING one may linger from the clone's own temporary proxy.)
    const proxies = await h.railway.listTcpProxies({ environmentId: prod, serviceId: await h.serviceId(db) });
    expect(proxies.filter((p) => p.syncStatus !== 'DELETING')).toEqual([]);
  });

  it('copies the data through proxies it opened, waited for and closed again', async () => {
    expect(Number(outcome.outputs['sync-database']!.rows)).toBeGreaterThan(100);
    const source = await dumpDatabase(physicalUrl(h.emulator, h.emulator.productionEnvironmentId, db));
    const target = await dumpDatabase(physicalUrl(h.emulator, envId, db));
    expect(Object.keys(target).sort()).toEqual(Object.keys(source).sort());
    for (const t of Object.keys(source)) expect(target[t]!.length, t).toBe(source[t]!.length);
    // It waited while the new proxies were CREATING (they refuse connections until ACTIVE).
    expect(h.events.some((e) => e.kind === 'service' && e.status === 'proxy CREATING')).toBe(true);
    // Nothing stays exposed: the proxies it opened (source and clone) are gone or going.
    for (const env of [h.emulator.productionEnvironmentId, envId]) {
      const live = (
        await h.railway.listTcpProxies({ environmentId: env, serviceId: await h.serviceId(db) })
      ).filter((p) => p.syncStatus === 'ACTIVE' || p.syncStatus === 'CREATING');
      expect(live, env).toEqual([]);
    }
  });

  it('deploys the database once and the app once, with serviceInstanceDeployV2', async () => {
    const dbDeploys = await deploymentsOf(h, envId, db);
    expect(dbDeploys.map((d) => d.status)).toEqual(['SUCCESS']);
    const appDeploys = await deploymentsOf(h, envId, app);
    expect(appDeploys).toHaveLength(1);
    // Redeploying a service that was never deployed has nothing to redeploy.
    const fresh = await h.railway.createEnvironment({
      projectId: h.emulator.projectId,
      name: 'never-deployed',
      sourceEnvironmentId: h.emulator.productionEnvironmentId,
      skipInitialDeploys: true,
    });
    const res = await fetch(h.emulator.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${h.emulator.tokens.account}` },
      body: JSON.stringify({
        query:
          'mutation($e: String!, $s: String!) { serviceInstanceRedeploy(environmentId: $e, serviceId: $s) }',
        variables: { e: fresh.id, s: await h.serviceId(app) },
      }),
    });
    expect(((await res.json()) as { errors: { message: string }[] }).errors[0]!.message).toMatch(
      /No deployment found/,
    );
    await h.railway.deleteEnvironment(fresh.id);
  });
});

describe('deployments: each state ends the wait as it should', () => {
  let h: Harness;
  const saved = process.env.RAILCLONE_DEPLOY_TIMEOUT_MS;

  beforeAll(async () => {
    h = await startHarness('postgres-app', `rcds${id}`);
    process.env.RAILCLONE_DEPLOY_TIMEOUT_MS = '4000';
  });

  afterEach(() => h.emulator.faults.clear());

  afterAll(async () => {
    if (saved === undefined) delete process.env.RAILCLONE_DEPLOY_TIMEOUT_MS;
    else process.env.RAILCLONE_DEPLOY_TIMEOUT_MS = saved;
    await h?.emulator.stop();
  });

  const cases: [DeploymentStatus, RegExp | null][] = [
    [
      'NEEDS_APPROVAL',
      /not deployed within 4 s: waiting for approval.*approve the deployment in the Railway dashboard/,
    ],
    ['SKIPPED', /ended SKIPPED: skipped by Railway/],
    ['CRASHED', /ended CRASHED: crashed after starting/],
    ['FAILED', /ended FAILED: failed to build/],
    ['SLEEPING', null],
  ];
  it.each(cases)(
    'the database deployment ends %s',
    async (status, failure) => {
      h.emulator.faults.deploymentEnds(status, { service: 'Postgres' });
      const name = `state-${status.toLowerCase().replace('_', '-')}`;
      const outcome = await runClone(h.context({ client_name: 'States', environment_name: name }));
      if (failure === null) {
        expect(outcome.ok, outcome.error?.message).toBe(true);
        return;
      }
      expect(outcome.ok).toBe(false);
      expect(outcome.failedStep).toBe('wait-for-databases');
      expect(outcome.error!.message).toMatch(failure);
      // Rolled back: nothing left.
      expect(await h.railway.findEnvironmentByName(h.emulator.projectId, name)).toBeNull();
    },
    60_000,
  );
});

describe('MySQL/MariaDB first start', () => {
  it('a second deploy during the first start crashes it (the emulator is as hard as Railway)', async () => {
    const h = await startHarness('wordpress', `rcdd${id}`, { deploymentStepMs: 200 });
    try {
      const env = await h.railway.createEnvironment({
        projectId: h.emulator.projectId,
        name: 'twice',
        sourceEnvironmentId: h.emulator.productionEnvironmentId,
        skipInitialDeploys: true,
      });
      const scope = { environmentId: env.id, serviceId: await h.serviceId('MariaDB') };
      const first = await h.railway.deployService(scope);
      const second = await h.railway.deployService(scope);
      await expect
        .poll(async () => (await h.railway.getDeployment(second)).status, { timeout: 5_000 })
        .toBe('CRASHED');
      expect((await h.railway.getDeployment(first)).status).toBe('REMOVED');
    } finally {
      await h.emulator.stop();
    }
  }, 30_000);
});

describe('rate limits', () => {
  it('a clone fits in the Free plan’s 100 requests an hour', async () => {
    const h = await startHarness('wordpress-private', `rcrl${id}`, { requestsPerHour: 100 });
    try {
      const outcome = await runClone(h.context({ client_name: 'Free', environment_name: 'free-plan' }));
      expect(outcome.ok, outcome.error?.message).toBe(true);
      expect(h.emulator.requests().total).toBeLessThanOrEqual(100);
    } finally {
      await h.emulator.stop();
    }
  }, 120_000);

  it('a spent quota fails the step at once, retryable, naming the wait', async () => {
    const h = await startHarness('postgres-app', `rcrq${id}`, { requestsPerHour: 5 });
    try {
      const outcome = await runClone(h.context({ client_name: 'Quota', environment_name: 'quota' }));
      expect(outcome.ok).toBe(false);
      const cause = outcome.error!.cause;
      expect(cause).toBeInstanceOf(RailwayRateLimitError);
      expect(outcome.error!.details).toMatchObject({ retryable: true });
      expect(outcome.error!.message).toMatch(
        /Railway asks to wait (3[0-5]\d\d|\d{1,4}) s; retry the step after that/,
      );
    } finally {
      await h.emulator.stop();
    }
  }, 60_000);
});
