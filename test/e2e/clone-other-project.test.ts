// Clones into ANOTHER project (a new one, an existing one), against the emulator with real databases:
// renamed services, references that follow the renames, data copied and rewritten, metadata and
// lineage readable, delete and rollback leaving nothing behind.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runClone, runStep } from '../../src/clone/pipeline.js';
import { RETRIES } from '../../src/flows/table.js';
import { ALL_STEPS } from '../../src/clone/steps/index.js';
import {
  deleteEnvironment,
  getEnvironment,
  lineage,
  listEnvironments,
} from '../../src/clone/environments.js';
import { parseMeta, META_VARIABLE } from '../../src/clone/metadata.js';
import { publicDatabaseUrl } from '../../src/clone/services.js';
import { RailwayClient } from '../../src/railway/client.js';
import type { RailwayApi } from '../../src/railway/types.js';
import { dumpDatabase, physicalDatabases, physicalUrl, startHarness, type Harness } from './helpers.js';

const failingStep = async (): Promise<never> => {
  throw new Error('injected failure');
};
const noWait = async () => undefined;
/** The second serviceCreate fails, and so does the one each retry of create-environment makes. */
const failServiceCreateEveryAttempt = (h: Harness) => {
  for (let n = 2; n < 2 + RETRIES['create-environment']!.maxAttempts; n++)
    h.emulator.faults.failNth('serviceCreate', n);
};

const id = randomUUID().slice(0, 6);
const wpPrefix = `rcxw${id}`;
const pgPrefix = `rcxp${id}`;

/** The client this suite uses offers every optional call the cross-project path needs. */
const api = (h: Harness) => h.railway as RailwayClient & Required<RailwayApi>;

async function serviceIdIn(h: Harness, projectId: string, name: string): Promise<string> {
  const svc = (await h.railway.getProject(projectId)).services.find((s) => s.name === name);
  if (!svc) throw new Error(`no service ${name} in project ${projectId}`);
  return svc.id;
}

async function varsIn(
  h: Harness,
  projectId: string,
  environmentId: string,
  service: string,
  unrendered = false,
) {
  return h.railway.getVariables({
    projectId,
    environmentId,
    serviceId: await serviceIdIn(h, projectId, service),
    unrendered,
  });
}

async function projectNames(h: Harness): Promise<string[]> {
  return (await api(h).listProjects({ workspaceId: h.emulator.workspaceId })).map((p) => p.name).sort();
}

/** Rows of the source and the clone, compared as clone-wordpress does: every source host rewritten, everything else equal. */
async function expectDataCopied(
  source: Record<string, string[]>,
  target: Record<string, string[]>,
  sourceHosts: string[],
  stagingHost: string,
) {
  expect(sourceHosts.length).toBeGreaterThan(0);
  expect(Object.keys(target).sort()).toEqual(Object.keys(source).sort());
  let rewritten = 0;
  for (const [table, rows] of Object.entries(source)) {
    const expected = rows.map((r) => sourceHosts.reduce((row, host) => row.split(host).join(stagingHost), r));
    rewritten += rows.filter((r) => sourceHosts.some((host) => r.includes(host))).length;
    if (rows.some((r) => sourceHosts.some((host) => r.includes(host)))) {
      // Rewrites can change serialized lengths: compare counts and that no source host is left.
      expect(target[table]!.length, table).toBe(rows.length);
      for (const row of target[table]!)
        for (const host of sourceHosts)
          expect(row.includes(host), `${table} still names ${host}`).toBe(false);
      const targetRows = new Set(target[table]);
      for (const row of rows.filter((r) => !sourceHosts.some((host) => r.includes(host))))
        expect(targetRows.has(row), `${table}: untouched row changed`).toBe(true);
    } else {
      expect(target[table], table).toEqual(expected.sort());
    }
  }
  expect(rewritten).toBeGreaterThan(0);
}

describe('wordpress into a NEW project with prefix stg-', () => {
  let h: Harness;
  let sourceProjectId: string;
  let productionId: string;
  let outcome: Awaited<ReturnType<typeof runClone>>;
  let newProjectId: string;
  let envId: string;
  const projectName = `acme-staging-${id}`;
  const canary = `canary-${randomUUID()}`;

  beforeAll(async () => {
    h = await startHarness('wordpress', wpPrefix);
    sourceProjectId = h.emulator.projectId;
    productionId = h.emulator.productionEnvironmentId;
    await h.railway.upsertVariables({
      projectId: sourceProjectId,
      environmentId: productionId,
      serviceId: await serviceIdIn(h, sourceProjectId, 'Primary'),
      variables: { CANARY_SECRET: canary },
      skipDeploys: true,
    });
    outcome = await runClone(
      h.context({
        client_name: 'acme',
        environment_name: 'staging-acme',
        new_project_name: projectName,
        service_name_prefix: 'stg-',
        // An exact copy: this block checks copying; masking and quiet WordPress are tested on their own.
        mask: 'none',
        quiet_wordpress: false,
      }),
    );
    if (!outcome.ok) throw outcome.error;
    newProjectId = String(outcome.outputs['create-environment']!.project_id);
    envId = String(outcome.outputs.finalize!.environment_id);
  }, 180_000);

  afterAll(async () => {
    await h?.emulator.stop();
  });

  it('creates the project with the clone as its only environment and the services renamed', async () => {
    expect(newProjectId).not.toBe(sourceProjectId);
    const project = await h.railway.getProject(newProjectId);
    expect(project.name).toBe(projectName);
    expect(project.environments.map((e) => e.name)).toEqual(['staging-acme']);
    expect(project.services.map((s) => s.name).sort()).toEqual(['stg-MariaDB', 'stg-Primary']);
    expect((await h.railway.getProject(sourceProjectId)).services.map((s) => s.name).sort()).toEqual([
      'MariaDB',
      'Primary',
    ]);
    const clone = await h.railway.getEnvironment(envId, newProjectId);
    expect(clone.serviceInstances.map((s) => s.serviceName).sort()).toEqual(['stg-MariaDB', 'stg-Primary']);
    expect(clone.serviceInstances.find((s) => s.serviceName === 'stg-Primary')!.source?.image).toBe(
      'wordpress',
    );
    expect(clone.serviceInstances.find((s) => s.serviceName === 'stg-MariaDB')!.source?.image).toBe(
      'mariadb',
    );
  });

  it('gives every service new, empty volumes at the same mount paths', async () => {
    const [source, clone] = await Promise.all([
      h.railway.getEnvironment(productionId, sourceProjectId),
      h.railway.getEnvironment(envId, newProjectId),
    ]);
    const mounts = (e: typeof source) => e.volumeInstances.map((v) => v.mountPath).sort();
    expect(mounts(clone)).toEqual(mounts(source));
    expect(new Set(clone.volumeInstances.map((v) => v.volumeId)).size).toBe(clone.volumeInstances.length);
    for (const v of clone.volumeInstances)
      expect(source.volumeInstances.map((s) => s.volumeId)).not.toContain(v.volumeId);
  });

  it('copies variables unrendered with references pointing at the renamed services', async () => {
    const [srcRaw, cloneRaw] = await Promise.all([
      varsIn(h, sourceProjectId, productionId, 'Primary', true),
      varsIn(h, newProjectId, envId, 'stg-Primary', true),
    ]);
    expect(cloneRaw.WORDPRESS_DB_HOST).toBe(
      '${{stg-MariaDB.MARIADB_PRIVATE_HOST}}:${{stg-MariaDB.MARIADB_PRIVATE_PORT}}',
    );
    let references = 0;
    for (const [name, value] of Object.entries(srcRaw)) {
      if (!value.includes('${{')) continue;
      references++;
      expect(cloneRaw[name], name).toBe(value.split('${{MariaDB.').join('${{stg-MariaDB.'));
    }
    expect(references).toBeGreaterThan(3);
    expect(cloneRaw.STRIPE_SECRET_KEY).toBeUndefined();
    expect(outcome.outputs.plan!.sealed_variables_not_copied).toContain('Primary.STRIPE_SECRET_KEY');
    // Rendered: the clone's WordPress talks to the clone's own database, with a rotated password.
    const [wp, db, srcDb] = await Promise.all([
      varsIn(h, newProjectId, envId, 'stg-Primary'),
      varsIn(h, newProjectId, envId, 'stg-MariaDB'),
      varsIn(h, sourceProjectId, productionId, 'MariaDB'),
    ]);
    expect(wp.WORDPRESS_DB_NAME).toBe(db.MARIADB_DATABASE);
    expect(db.MARIADB_DATABASE).not.toBe(srcDb.MARIADB_DATABASE);
    expect(wp.WORDPRESS_DB_PASSWORD).toBe(db.MARIADB_PASSWORD);
    expect(db.MARIADB_PASSWORD).not.toBe(srcDb.MARIADB_PASSWORD);
    expect(wp.WORDPRESS_DB_HOST).toBe('stg-mariadb.railway.internal:3306');
  });

  it('copies the shared variables, without the source’s own metadata', async () => {
    const shared = await h.railway.getVariables({
      projectId: newProjectId,
      environmentId: envId,
      unrendered: true,
    });
    expect(shared.APP_ENV).toBe('production');
    expect(shared.SUPPORT_EMAIL).toBe('support@example-shop.com');
    const meta = parseMeta(shared[META_VARIABLE])!;
    expect(meta.created_project_id).toBe(newProjectId);
    expect(meta.cloned_from.project_id).toBe(sourceProjectId);
    expect(meta.created_services!.map((s) => s.name).sort()).toEqual(['stg-MariaDB', 'stg-Primary']);
    expect(meta.created_services!.every((s) => s.id)).toBe(true);
  });

  it('copies the data with the production URLs rewritten to the staging host', async () => {
    // The clone's temporary proxy is closed again: read its database directly.
    const [source, target] = await Promise.all([
      dumpDatabase(physicalUrl(h.emulator, productionId, 'MariaDB')),
      dumpDatabase(physicalUrl(h.emulator, envId, 'stg-MariaDB')),
    ]);
    const sourceHosts = (await h.railway.getEnvironment(productionId, sourceProjectId)).serviceInstances
      .filter((s) => s.serviceName === 'Primary')
      .flatMap((s) => [...s.domains.serviceDomains, ...s.domains.customDomains].map((d) => d.domain));
    const staging = new URL(String(outcome.outputs.finalize!.staging_url)).host;
    await expectDataCopied(source, target, sourceHosts, staging);
    expect(target.wp_options!.some((r) => r.includes('"option_name":"siteurl"') && r.includes(staging))).toBe(
      true,
    );
    const clone = await h.railway.getEnvironment(envId, newProjectId);
    expect(
      clone.serviceInstances
        .find((s) => s.serviceName === 'stg-Primary')!
        .domains.serviceDomains.map((d) => d.domain),
    ).toEqual([staging]);
  });

  it('sets basic auth on the renamed web service', async () => {
    const wp = await varsIn(h, newProjectId, envId, 'stg-Primary');
    expect(wp.HTTP_AUTH_USER).toBe(outcome.outputs['configure-basic-auth']!.basic_auth_user);
    expect(wp.HTTP_AUTH_PASSWORD?.length).toBeGreaterThan(16);
  });

  it('has readable metadata and lineage that names the source project', async () => {
    const got = await getEnvironment(h.railway, newProjectId, 'staging-acme');
    expect(got.status).toBe('ready');
    expect(got.cloned_from).toBe('production');
    expect(got.cloned_from_project_id).toBe(sourceProjectId);
    expect(got.services.map((s) => s.name).sort()).toEqual(['stg-MariaDB', 'stg-Primary']);
    expect((await lineage(h.railway, newProjectId, 'staging-acme')).ancestors).toEqual([
      `production (project ${sourceProjectId})`,
    ]);
    expect((await listEnvironments(h.railway, newProjectId)).map((e) => e.name)).toEqual(['staging-acme']);
    // The source project does not count a clone elsewhere as one of its own.
    expect((await lineage(h.railway, sourceProjectId, 'production')).descendants).toEqual([]);
  });

  it('copies the canary secret into the clone and never lets it out', async () => {
    expect((await varsIn(h, newProjectId, envId, 'stg-Primary', true)).CANARY_SECRET).toBe(canary);
    const everything = [...h.logs, JSON.stringify(outcome.outputs)].join('\n');
    expect(everything).toContain('stg-MariaDB');
    expect(everything).not.toContain(canary);
    expect(outcome.outputs.finalize!.project_id).toBe(newProjectId);
  });

  it('deleting the clone deletes the project it created, with its databases', async () => {
    const before = await physicalDatabases(wpPrefix);
    const result = await deleteEnvironment(h.railway, newProjectId, 'staging-acme');
    expect(result.deleted_project).toBe(newProjectId);
    expect(await projectNames(h)).not.toContain(projectName);
    const after = await physicalDatabases(wpPrefix);
    expect(after.length).toBe(before.length - 1);
    expect(await h.railway.findEnvironmentByName(sourceProjectId, 'production')).not.toBeNull();
  });

  it('create-environment re-run after a transient failure reuses what it made, then rollback removes it all', async () => {
    const name = `retry-${randomUUID().slice(0, 6)}`;
    const dbs = await physicalDatabases(wpPrefix);
    const projects = await projectNames(h);
    let ctx = h.context({
      client_name: 'acme',
      environment_name: 'staging-retry',
      new_project_name: name,
      service_name_prefix: 'r-',
    });
    for (const step of ['validate-inputs', 'preflight', 'plan'])
      ctx = { ...ctx, state: (await runStep(step, ALL_STEPS[step]!, ctx)).state };
    h.emulator.faults.failNth('serviceCreate', 2);
    await expect(runStep('create-environment', ALL_STEPS['create-environment']!, ctx)).rejects.toThrow(
      /create-environment/,
    );
    const created = (await api(h).listProjects({ workspaceId: h.emulator.workspaceId })).filter(
      (p) => p.name === name,
    );
    expect(created).toHaveLength(1);
    expect((await h.railway.getProject(created[0]!.id)).services.map((s) => s.name)).toEqual(['r-MariaDB']);
    // The same state again (as Kestra retries a task): the project, environment and first service are reused.
    const again = await runStep('create-environment', ALL_STEPS['create-environment']!, ctx);
    expect(again.state.target_project_id).toBe(created[0]!.id);
    expect(again.state.created_project_id).toBe(created[0]!.id);
    expect((await h.railway.getProject(created[0]!.id)).services.map((s) => s.name).sort()).toEqual([
      'r-MariaDB',
      'r-Primary',
    ]);
    expect(
      (await api(h).listProjects({ workspaceId: h.emulator.workspaceId })).filter((p) => p.name === name),
    ).toHaveLength(1);
    const db = await varsIn(h, created[0]!.id, again.state.environment_id!, 'r-MariaDB');
    expect(publicDatabaseUrl('mariadb', db)).toBeTruthy();
    const rolled = await runStep('rollback', ALL_STEPS.rollback!, { ...ctx, state: again.state });
    expect(rolled.outputs.deleted).toContain(`project ${name} (${created[0]!.id})`);
    expect(await projectNames(h)).toEqual(projects);
    expect(await physicalDatabases(wpPrefix)).toEqual(dbs);
  }, 120_000);

  describe('a failure leaves nothing behind', () => {
    const cases: [string, () => void, string | undefined][] = [
      ['a failed step after create-environment', () => undefined, 'wait-for-databases'],
      ['the second serviceCreate failing', () => failServiceCreateEveryAttempt(h), undefined],
    ];
    for (const [what, inject, failStep] of cases) {
      it(
        what,
        async () => {
          const dbs = await physicalDatabases(wpPrefix);
          const projects = await projectNames(h);
          const name = `fail-${randomUUID().slice(0, 6)}`;
          inject();
          const failed = await runClone(
            h.context({
              client_name: 'acme',
              environment_name: 'staging-fail',
              new_project_name: name,
              service_name_prefix: 'x-',
            }),
            { ...(failStep ? { steps: { [failStep]: failingStep } } : {}), sleep: noWait },
          );
          h.emulator.faults.clear();
          expect(failed.ok).toBe(false);
          expect(failed.failedStep).toBe(failStep ?? 'create-environment');
          const deleted = (failed.outputs.rollback?.deleted ?? []) as string[];
          expect(deleted.some((d) => d.startsWith(`project ${name}`))).toBe(true);
          expect(await projectNames(h)).toEqual(projects);
          expect(await physicalDatabases(wpPrefix)).toEqual(dbs);
          expect([...h.emulator.state.services.values()].filter((s) => s.name.startsWith('x-'))).toEqual([]);
          expect((await h.railway.getProject(sourceProjectId)).services.map((s) => s.name).sort()).toEqual([
            'MariaDB',
            'Primary',
          ]);
          expect(h.logs.some((l) => l.includes(`deleted project "${name}"`))).toBe(true);
        },
        120_000,
      );
    }
  });
});

describe('postgres-app into an EXISTING second project with suffix -qa', () => {
  let h: Harness;
  let sourceProjectId: string;
  let productionId: string;
  let targetProjectId: string;
  let envId: string;
  let outcome: Awaited<ReturnType<typeof runClone>>;

  beforeAll(async () => {
    h = await startHarness('postgres-app', pgPrefix);
    sourceProjectId = h.emulator.projectId;
    productionId = h.emulator.productionEnvironmentId;
    targetProjectId = (
      await h.railway.createProject({ name: 'shop-qa', workspaceId: h.emulator.workspaceId })
    ).id;
    outcome = await runClone(
      h.context({
        client_name: 'Shop QA',
        environment_name: 'qa-shop',
        target_project_id: targetProjectId,
        service_name_suffix: '-qa',
        variable_overrides: { web: { NODE_ENV: 'staging' }, shared: { LOG_LEVEL: 'debug' } },
      }),
    );
    if (!outcome.ok) throw outcome.error;
    envId = String(outcome.outputs.finalize!.environment_id);
  }, 180_000);

  afterAll(async () => {
    await h?.emulator.stop();
  });

  it('creates the environment and renamed services in the target project only', async () => {
    const target = await h.railway.getProject(targetProjectId);
    expect(target.environments.map((e) => e.name).sort()).toEqual(['production', 'qa-shop']);
    expect(target.services.map((s) => s.name).sort()).toEqual(['Postgres-qa', 'web-qa']);
    const targetProduction = target.environments.find((e) => e.name === 'production')!;
    expect((await h.railway.getEnvironment(targetProduction.id, targetProjectId)).serviceInstances).toEqual(
      [],
    );
    expect((await h.railway.listEnvironments(sourceProjectId)).map((e) => e.name)).toEqual(['production']);
  });

  it('copies build and deploy settings and the repo source', async () => {
    const clone = await h.railway.getEnvironment(envId, targetProjectId);
    const web = clone.serviceInstances.find((s) => s.serviceName === 'web-qa')!;
    expect(web).toMatchObject({ startCommand: 'npm run start', healthcheckPath: '/healthz', numReplicas: 2 });
    expect(web.source?.repo).toBe('acme/shop-api');
  });

  it('rewrites references, keeps shared ones, applies overrides and points at the clone’s database', async () => {
    const raw = await varsIn(h, targetProjectId, envId, 'web-qa', true);
    expect(raw.DATABASE_URL).toBe('${{Postgres-qa.DATABASE_URL}}');
    expect(raw.APP_ENV).toBe('${{shared.APP_ENV}}');
    expect(raw.PUBLIC_URL).toBe('https://${{RAILWAY_PUBLIC_DOMAIN}}');
    const [web, db, srcDb] = await Promise.all([
      varsIn(h, targetProjectId, envId, 'web-qa'),
      varsIn(h, targetProjectId, envId, 'Postgres-qa'),
      varsIn(h, sourceProjectId, productionId, 'Postgres'),
    ]);
    expect(new URL(web.DATABASE_URL!).pathname).toBe(`/${db.POSTGRES_DB}`);
    expect(db.POSTGRES_DB).not.toBe(srcDb.POSTGRES_DB);
    expect(db.POSTGRES_PASSWORD).not.toBe(srcDb.POSTGRES_PASSWORD);
    expect(web.NODE_ENV).toBe('staging');
    expect(web.APP_ENV).toBe('production');
    expect(web.LOG_LEVEL).toBeUndefined();
    const shared = await h.railway.getVariables({ projectId: targetProjectId, environmentId: envId });
    expect(shared.LOG_LEVEL).toBe('debug');
  });

  it('copies every table with the public URL rewritten', async () => {
    const [srcUrl, dstUrl] = [
      physicalUrl(h.emulator, productionId, 'Postgres'),
      physicalUrl(h.emulator, envId, 'Postgres-qa'),
    ];
    const [source, target] = await Promise.all([dumpDatabase(srcUrl), dumpDatabase(dstUrl)]);
    const sourceHost = (await h.railway.getEnvironment(productionId, sourceProjectId)).serviceInstances.find(
      (s) => s.serviceName === 'web',
    )!.domains.serviceDomains[0]!.domain;
    await expectDataCopied(
      source,
      target,
      [sourceHost],
      new URL(String(outcome.outputs.finalize!.staging_url)).host,
    );
  });

  it('refuses service names that are taken in the target project, before creating anything', async () => {
    const envs = (await h.railway.listEnvironments(targetProjectId)).map((e) => e.name).sort();
    const failed = await runClone(
      h.context({
        client_name: 'x',
        environment_name: 'qa-two',
        target_project_id: targetProjectId,
        service_name_suffix: '-qa',
      }),
    );
    expect(failed.ok).toBe(false);
    expect(failed.failedStep).toBe('preflight');
    expect(failed.error?.message).toMatch(/already has service\(s\) named "Postgres-qa", "web-qa"/);
    expect((await h.railway.listEnvironments(targetProjectId)).map((e) => e.name).sort()).toEqual(envs);
  }, 60_000);

  describe('a failure leaves nothing behind in the existing project', () => {
    const cases: [string, () => void, string | undefined][] = [
      ['a failed step after create-environment', () => undefined, 'wait-for-databases'],
      ['the second serviceCreate failing', () => failServiceCreateEveryAttempt(h), undefined],
    ];
    for (const [what, inject, failStep] of cases) {
      it(
        what,
        async () => {
          const dbs = await physicalDatabases(pgPrefix);
          const before = await h.railway.getProject(targetProjectId);
          inject();
          const failed = await runClone(
            h.context({
              client_name: 'x',
              environment_name: 'qa-fail',
              target_project_id: targetProjectId,
              service_name_prefix: 'f-',
            }),
            { ...(failStep ? { steps: { [failStep]: failingStep } } : {}), sleep: noWait },
          );
          h.emulator.faults.clear();
          expect(failed.ok).toBe(false);
          expect(failed.failedStep).toBe(failStep ?? 'create-environment');
          const deleted = (failed.outputs.rollback?.deleted ?? []) as string[];
          expect(deleted.some((d) => d.startsWith('environment qa-fail'))).toBe(true);
          expect(deleted.some((d) => d.startsWith('service f-Postgres'))).toBe(true);
          const after = await h.railway.getProject(targetProjectId);
          expect(after.environments.map((e) => e.name).sort()).toEqual(
            before.environments.map((e) => e.name).sort(),
          );
          expect(after.services.map((s) => s.name).sort()).toEqual(before.services.map((s) => s.name).sort());
          expect(await physicalDatabases(pgPrefix)).toEqual(dbs);
        },
        120_000,
      );
    }
  });

  it('a lost serviceCreate answer is found, not repeated', async () => {
    h.emulator.faults.dropConnection('serviceCreate', 1);
    const ok = await runClone(
      h.context({
        client_name: 'x',
        environment_name: 'qa-lost',
        target_project_id: targetProjectId,
        service_name_prefix: 'l-',
      }),
    );
    h.emulator.faults.clear();
    if (!ok.ok) throw ok.error;
    const names = (await h.railway.getProject(targetProjectId)).services
      .map((s) => s.name)
      .filter((n) => n.startsWith('l-'));
    expect(names.sort()).toEqual(['l-Postgres', 'l-web']);
    await deleteEnvironment(h.railway, targetProjectId, 'qa-lost');
  }, 120_000);

  it('deleting the clone removes its environment and the services it created, and keeps the project', async () => {
    const before = await physicalDatabases(pgPrefix);
    await deleteEnvironment(h.railway, targetProjectId, 'qa-shop');
    const target = await h.railway.getProject(targetProjectId);
    expect(target.environments.map((e) => e.name)).toEqual(['production']);
    expect(target.services).toEqual([]);
    expect((await physicalDatabases(pgPrefix)).length).toBe(before.length - 1);
    expect((await h.railway.getProject(sourceProjectId)).services.map((s) => s.name).sort()).toEqual([
      'Postgres',
      'web',
    ]);
  });
});

describe('validation of the new fields', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness('postgres-app', `${pgPrefix}v`);
  });

  afterAll(async () => {
    await h?.emulator.stop();
  });

  it('names the field when the request itself is wrong', () => {
    expect(() => h.context({ client_name: 'x', target_project_id: h.emulator.projectId })).toThrow(
      /target_project_id/,
    );
    expect(() => h.context({ client_name: 'x', service_name_prefix: 'stg-' })).toThrow(/service_name_prefix/);
    expect(() =>
      h.context({ client_name: 'x', target_project_id: 'another-project', new_project_name: 'p' }),
    ).toThrow(/new_project_name/);
  });

  it('refuses the default project as target once validate-inputs knows it', async () => {
    const ctx = h.context({
      client_name: 'x',
      target_project_id: h.emulator.projectId.replace(/.$/, (c) => (c === '0' ? '1' : '0')),
    });
    const outcome = await runClone({
      ...ctx,
      request: { ...ctx.request, railway_project_id: undefined, target_project_id: h.emulator.projectId },
      defaultProjectId: h.emulator.projectId,
    });
    expect(outcome.ok).toBe(false);
    expect(outcome.failedStep).toBe('validate-inputs');
    expect(outcome.error?.message).toMatch(/target_project_id must differ/);
  });

  it('fails preflight, creating nothing, when the target project cannot be read', async () => {
    const projects = (await api(h).listProjects({ workspaceId: h.emulator.workspaceId })).length;
    const outcome = await runClone(
      h.context({ client_name: 'x', environment_name: 'qa-nowhere', target_project_id: randomUUID() }),
    );
    expect(outcome.ok).toBe(false);
    expect(outcome.failedStep).toBe('preflight');
    expect(outcome.error?.message).toMatch(/target project .* cannot be read/);
    expect((await api(h).listProjects({ workspaceId: h.emulator.workspaceId })).length).toBe(projects);
  });
});
