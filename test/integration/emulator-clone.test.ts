// The emulator's core over real HTTP, on the postgres-app scenario with a real PostgreSQL behind it:
// the CLI's own operations, cloning, rendering, staging, deployments and deletion.
/* eslint-disable @typescript-eslint/no-explicit-any -- tests walk arbitrary GraphQL JSON */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { cliOperation, gql, ok, randomSuffix, scramAccepts, until } from './emulator-helpers.js';

let em: RunningEmulator;
const ADMIN = 'postgresql://postgres@127.0.0.1:5432/postgres';

async function pgQuery<T = any>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(sql, params)).rows as T[];
  } finally {
    await c.end();
  }
}

const serviceId = (name: string) => [...em.state.services.values()].find((s) => s.name === name)!.id;

const CREATE = `mutation($input: EnvironmentCreateInput!) { environmentCreate(input: $input) { id name isEphemeral sourceEnvironment { id name } } }`;
const VARS = `query($p: String!, $e: String!, $s: String, $u: Boolean) { variables(projectId: $p, environmentId: $e, serviceId: $s, unrendered: $u) }`;

async function vars(
  environmentId: string,
  service: string | null,
  unrendered = false,
): Promise<Record<string, string>> {
  const d = await ok(em, VARS, {
    p: em.projectId,
    e: environmentId,
    s: service ? serviceId(service) : null,
    u: unrendered,
  });
  return d.variables;
}

beforeAll(async () => {
  em = await startEmulator({
    scenario: 'postgres-app',
    dbPrefix: `emuclone_${randomSuffix()}`,
    deploymentStepMs: 15,
  });
});

afterAll(async () => {
  await em?.stop();
});

describe('the CLI operations', () => {
  it('Project answers with the project, its environments and services', async () => {
    const d = await ok(em, cliOperation('Project'), { id: em.projectId });
    expect(d.project.id).toBe(em.projectId);
    expect(d.project.name).toBe('shop-api');
    expect(d.project.workspace.name).toBeTruthy();
    expect(d.project.deletedAt).toBeNull();
    expect(d.project.buckets.edges).toEqual([]);
    expect(d.project.environments.edges.map((e: any) => e.node)).toEqual([
      {
        id: em.productionEnvironmentId,
        name: 'production',
        canAccess: true,
        deletedAt: null,
        unmergedChangesCount: 0,
      },
    ]);
    expect(d.project.services.edges.map((e: any) => e.node.name).sort()).toEqual(['Postgres', 'web']);
  });

  it('Environments pages with first/after and filters on isEphemeral', async () => {
    const a = await ok(em, CREATE, {
      input: { projectId: em.projectId, name: `pr-${randomSuffix()}`, ephemeral: true },
    });
    const all = await ok(em, cliOperation('Environments'), { projectId: em.projectId, first: 500 });
    const names = all.environments.edges.map((e: any) => e.node.name);
    expect(names).toContain(a.environmentCreate.name);
    const node = all.environments.edges.find((e: any) => e.node.id === a.environmentCreate.id).node;
    expect(node).toMatchObject({
      isEphemeral: true,
      canAccess: true,
      unmergedChangesCount: 0,
      sourceEnvironment: null,
      meta: null,
    });
    expect(Date.parse(node.createdAt)).not.toBeNaN();
    const stable = await ok(em, cliOperation('Environments'), {
      projectId: em.projectId,
      isEphemeral: false,
    });
    expect(stable.environments.edges.map((e: any) => e.node.name)).not.toContain(a.environmentCreate.name);
    const page1 = await ok(em, cliOperation('Environments'), { projectId: em.projectId, first: 1 });
    expect(page1.environments.edges).toHaveLength(1);
    expect(page1.environments.pageInfo.hasNextPage).toBe(true);
    const page2 = await ok(em, cliOperation('Environments'), {
      projectId: em.projectId,
      first: 1,
      after: page1.environments.pageInfo.endCursor,
    });
    expect(page2.environments.edges[0].node.id).not.toBe(page1.environments.edges[0].node.id);
    await ok(em, 'mutation($id: String!) { environmentDelete(id: $id) }', { id: a.environmentCreate.id });
  });

  it('EnvironmentInstances, EnvironmentConfig, VariablesForServiceDeployment, UserMeta and ProjectToken answer', async () => {
    const inst = await ok(em, cliOperation('EnvironmentInstances'), {
      environmentId: em.productionEnvironmentId,
      projectId: em.projectId,
      serviceInstancesFirst: 500,
    });
    const web = inst.environment.serviceInstances.edges.find((e: any) => e.node.serviceName === 'web').node;
    expect(web.source).toEqual({ repo: 'acme/shop-api', image: null });
    expect(web.startCommand).toBe('npm run start');
    expect(web.numReplicas).toBe(2);
    expect(web.latestDeployment.status).toBe('SUCCESS');
    expect(web.domains.serviceDomains[0].domain).toMatch(/^web-production-[0-9a-f]{4}\.up\.railway\.app$/);
    expect(inst.environment.volumeInstances.edges[0].node.mountPath).toBe('/var/lib/postgresql/data');

    const cfg = await ok(em, cliOperation('EnvironmentConfig'), {
      id: em.productionEnvironmentId,
      decryptVariables: true,
    });
    const webCfg = cfg.environment.config.services[serviceId('web')];
    expect(webCfg.variables.DATABASE_URL).toEqual({ value: '${{Postgres.DATABASE_URL}}' });
    expect(webCfg.variables.SESSION_SECRET).toEqual({ isSealed: true });
    expect(cfg.environment.config.sharedVariables.APP_ENV).toEqual({ value: 'production' });
    const hidden = await ok(em, cliOperation('EnvironmentConfig'), { id: em.productionEnvironmentId });
    expect(hidden.environment.config.services[serviceId('web')].variables.DATABASE_URL).toEqual({});

    const deployVars = await ok(em, cliOperation('VariablesForServiceDeployment'), {
      projectId: em.projectId,
      environmentId: em.productionEnvironmentId,
      serviceId: serviceId('web'),
    });
    expect(deployVars.variablesForServiceDeployment.APP_ENV).toBe('production');
    expect(deployVars.variablesForServiceDeployment.LOG_LEVEL).toBe('info');
    expect(deployVars.variablesForServiceDeployment).not.toHaveProperty('SESSION_SECRET');

    const me = await ok(em, cliOperation('UserMeta'));
    expect(me.me.email).toContain('@');
    const pt = await ok(em, cliOperation('ProjectToken'), {}, 'project');
    expect(pt.projectToken.project.id).toBe(em.projectId);
    expect(pt.projectToken.environment).toEqual({ id: em.productionEnvironmentId, name: 'production' });
  });
});

const proxiesActive = (cloneId: string) =>
  until('the clone’s TCP proxies to be ACTIVE', async () =>
    em.state.tcpProxiesOf(cloneId).every((p) => p.syncStatus === 'ACTIVE'),
  );

describe('environmentCreate from a source', () => {
  let cloneId: string;

  beforeAll(async () => {
    // A custom domain and a row of data on production: neither may reach the clone.
    await ok(em, `mutation($i: CustomDomainCreateInput!) { customDomainCreate(input: $i) { id domain } }`, {
      i: {
        domain: `shop-${randomSuffix()}.example.com`,
        environmentId: em.productionEnvironmentId,
        projectId: em.projectId,
        serviceId: serviceId('web'),
      },
    });
    const d = await ok(em, CREATE, {
      input: { projectId: em.projectId, name: 'staging', sourceEnvironmentId: em.productionEnvironmentId },
    });
    cloneId = d.environmentCreate.id;
    expect(d.environmentCreate.sourceEnvironment).toEqual({
      id: em.productionEnvironmentId,
      name: 'production',
    });
  });

  it('copies services, settings, unrendered variables and shared variables, but not sealed variables', async () => {
    const inst = await ok(em, cliOperation('EnvironmentInstances'), {
      environmentId: cloneId,
      projectId: em.projectId,
    });
    const nodes = inst.environment.serviceInstances.edges.map((e: any) => e.node);
    expect(nodes.map((n: any) => n.serviceName).sort()).toEqual(['Postgres', 'web']);
    // Same service ids (project-level), new instances.
    expect(nodes.map((n: any) => n.serviceId).sort()).toEqual(
      [serviceId('Postgres'), serviceId('web')].sort(),
    );
    const web = nodes.find((n: any) => n.serviceName === 'web');
    expect(web).toMatchObject({
      startCommand: 'npm run start',
      numReplicas: 2,
      source: { repo: 'acme/shop-api', image: null },
    });

    const prodRaw = await vars(em.productionEnvironmentId, 'web', true);
    const cloneRaw = await vars(cloneId, 'web', true);
    expect(cloneRaw).toEqual(prodRaw);
    expect(cloneRaw.DATABASE_URL).toBe('${{Postgres.DATABASE_URL}}');
    expect(await vars(cloneId, null, true)).toEqual({ APP_ENV: 'production', LOG_LEVEL: 'info' });
    // The sealed variable exists in production (state) but was not copied.
    expect(em.state.vars(em.productionEnvironmentId, serviceId('web')).get('SESSION_SECRET')?.sealed).toBe(
      true,
    );
    expect(em.state.vars(cloneId, serviceId('web')).has('SESSION_SECRET')).toBe(false);
    const listed = await ok(
      em,
      `query($id: String!) { environment(id: $id) { variables { edges { node { name isSealed serviceId } } } } }`,
      { id: em.productionEnvironmentId },
    );
    expect(listed.environment.variables.edges.map((e: any) => e.node)).toContainEqual({
      name: 'SESSION_SECRET',
      isSealed: true,
      serviceId: serviceId('web'),
    });
  });

  it('gives new service domains, no custom domains and new empty volume instances', async () => {
    const q = `query($e: String!, $p: String!, $s: String!) { domains(environmentId: $e, projectId: $p, serviceId: $s) { serviceDomains { domain } customDomains { domain } } }`;
    const prod = await ok(em, q, { e: em.productionEnvironmentId, p: em.projectId, s: serviceId('web') });
    const clone = await ok(em, q, { e: cloneId, p: em.projectId, s: serviceId('web') });
    expect(prod.domains.customDomains).toHaveLength(1);
    expect(clone.domains.customDomains).toEqual([]);
    expect(clone.domains.serviceDomains).toHaveLength(1);
    expect(clone.domains.serviceDomains[0].domain).toMatch(/^web-staging-[0-9a-f]{4}\.up\.railway\.app$/);
    expect(clone.domains.serviceDomains[0].domain).not.toBe(prod.domains.serviceDomains[0].domain);
    const avail = await ok(
      em,
      `query($d: String!) { customDomainAvailable(domain: $d) { available message } }`,
      { d: prod.domains.customDomains[0].domain },
    );
    expect(avail.customDomainAvailable.available).toBe(false);
    const bad = await ok(em, `query { customDomainAvailable(domain: "not a domain") { available } }`);
    expect(bad.customDomainAvailable.available).toBe(false);
    const free = await ok(
      em,
      `query { customDomainAvailable(domain: "fresh-name.example.org") { available } }`,
    );
    expect(free.customDomainAvailable.available).toBe(true);

    const vq = `query($id: String!) { environment(id: $id) { volumeInstances { edges { node { id volume { id } currentSizeMB mountPath } } } } }`;
    const pv = (await ok(em, vq, { id: em.productionEnvironmentId })).environment.volumeInstances.edges[0]
      .node;
    const cv = (await ok(em, vq, { id: cloneId })).environment.volumeInstances.edges[0].node;
    expect(cv.volume.id).toBe(pv.volume.id);
    expect(cv.id).not.toBe(pv.id);
    expect(cv.currentSizeMB).toBe(0);
    expect(cv.mountPath).toBe('/var/lib/postgresql/data');
  });

  it('renders references against the clone, and its database is a new, empty, reachable one', async () => {
    const prodPg = await vars(em.productionEnvironmentId, 'Postgres');
    await proxiesActive(cloneId); // a copied proxy answers once ACTIVE, as on Railway
    const clonePg = await vars(cloneId, 'Postgres');
    const cloneWeb = await vars(cloneId, 'web');
    expect(cloneWeb.DATABASE_URL).toBe(clonePg.DATABASE_URL);
    expect(cloneWeb.PUBLIC_URL).toBe(`https://${cloneWeb.RAILWAY_PUBLIC_DOMAIN}`);
    expect(cloneWeb.RAILWAY_ENVIRONMENT_NAME).toBe('staging');
    expect(cloneWeb.RAILWAY_ENVIRONMENT_ID).toBe(cloneId);
    expect(cloneWeb.RAILWAY_PRIVATE_DOMAIN).toBe('web.railway.internal');
    expect(clonePg.POSTGRES_DB).not.toBe(prodPg.POSTGRES_DB);
    expect(clonePg.PGDATABASE).toBe(clonePg.POSTGRES_DB);
    expect(clonePg.RAILWAY_TCP_PROXY_DOMAIN).toBe('127.0.0.1');
    expect(clonePg.RAILWAY_TCP_APPLICATION_PORT).toBe('5432');
    // Copied credentials: the clone shares the source's password until someone rotates it.
    expect(clonePg.POSTGRES_PASSWORD).toBe(prodPg.POSTGRES_PASSWORD);

    const prodTables = await pgQuery(
      prodPg.DATABASE_PUBLIC_URL!,
      `select count(*)::int as n from information_schema.tables where table_schema = 'public'`,
    );
    const cloneTables = await pgQuery(
      clonePg.DATABASE_PUBLIC_URL!,
      `select current_database() as db, (select count(*)::int from information_schema.tables where table_schema = 'public') as n`,
    );
    expect(prodTables[0].n).toBeGreaterThan(0);
    expect(cloneTables[0]).toEqual({ db: clonePg.POSTGRES_DB, n: 0 });
  });

  it('a password change after the database started does not reach it: images apply it at first initialisation only', async () => {
    const before = await vars(cloneId, 'Postgres');
    await ok(em, `mutation($i: VariableCollectionUpsertInput!) { variableCollectionUpsert(input: $i) }`, {
      i: {
        projectId: em.projectId,
        environmentId: cloneId,
        serviceId: serviceId('Postgres'),
        variables: { POSTGRES_PASSWORD: 'Rotated-pw-123456' },
        skipDeploys: true,
      },
    });
    await proxiesActive(cloneId);
    const clonePg = await vars(cloneId, 'Postgres');
    // The variable says the new password, the database still has the one it started with (trust auth
    // accepts anything, so the stored verifier is checked).
    expect(clonePg.DATABASE_PUBLIC_URL).toContain(':Rotated-pw-123456@');
    const [row] = await pgQuery<{ v: string }>(
      ADMIN,
      'select rolpassword as v from pg_authid where rolname = $1',
      [clonePg.PGUSER],
    );
    expect(scramAccepts(row!.v, before.POSTGRES_PASSWORD!)).toBe(true);
    expect(scramAccepts(row!.v, 'Rotated-pw-123456')).toBe(false);
    // Put back, so the tests after this one see a consistent clone.
    await ok(em, `mutation($i: VariableCollectionUpsertInput!) { variableCollectionUpsert(input: $i) }`, {
      i: {
        projectId: em.projectId,
        environmentId: cloneId,
        serviceId: serviceId('Postgres'),
        variables: { POSTGRES_PASSWORD: before.POSTGRES_PASSWORD! },
        skipDeploys: true,
      },
    });
  });

  it('deploys every service of the clone to SUCCESS, and a redeploy retires the previous deployment', async () => {
    const q = `query($i: DeploymentListInput!) { deployments(input: $i) { edges { node { id status serviceId } } } }`;
    const latest = async () => {
      const d = await ok(em, q, { i: { projectId: em.projectId, environmentId: cloneId } });
      const bySvc = new Map<string, { id: string; status: string }>();
      for (const e of d.deployments.edges)
        if (!bySvc.has(e.node.serviceId)) bySvc.set(e.node.serviceId, e.node);
      return bySvc;
    };
    await until('clone deployments to succeed', async () => {
      const bySvc = await latest();
      return bySvc.size === 2 && [...bySvc.values()].every((d) => d.status === 'SUCCESS');
    });
    const before = (await latest()).get(serviceId('web'))!;
    await ok(
      em,
      `mutation($e: String!, $s: String!) { serviceInstanceRedeploy(environmentId: $e, serviceId: $s) }`,
      { e: cloneId, s: serviceId('web') },
    );
    const fresh = (await latest()).get(serviceId('web'))!;
    expect(fresh.id).not.toBe(before.id);
    // A new deployment on its way (15 ms per stage: a loaded machine may already show BUILDING).
    expect(['QUEUED', 'BUILDING', 'DEPLOYING']).toContain(fresh.status);
    await until(
      'redeploy to succeed',
      async () => (await latest()).get(serviceId('web'))!.status === 'SUCCESS',
    );
    const old = await ok(em, `query($id: String!) { deployment(id: $id) { status deploymentStopped } }`, {
      id: before.id,
    });
    expect(old.deployment).toEqual({ status: 'REMOVED', deploymentStopped: true });
  });

  it('refuses a second environment with the same name', async () => {
    const r = await gql(em, CREATE, {
      input: { projectId: em.projectId, name: 'staging', sourceEnvironmentId: em.productionEnvironmentId },
    });
    expect(r.status).toBe(200);
    expect(r.body.errors![0]!.message).toContain('environment with that name already exists');
    expect(r.body.data).toBeNull();
  });

  it('environmentDelete removes it from every read and drops its physical database', async () => {
    const clonePg = await vars(cloneId, 'Postgres');
    const dbName = clonePg.POSTGRES_DB!;
    expect(await pgQuery(ADMIN, 'select 1 from pg_database where datname = $1', [dbName])).toHaveLength(1);
    expect(
      (await ok(em, 'mutation($id: String!) { environmentDelete(id: $id) }', { id: cloneId }))
        .environmentDelete,
    ).toBe(true);
    const list = await ok(em, cliOperation('Environments'), { projectId: em.projectId });
    expect(list.environments.edges.map((e: any) => e.node.id)).not.toContain(cloneId);
    const r = await gql(em, 'query($id: String!) { environment(id: $id) { id } }', { id: cloneId });
    expect(r.body.errors![0]!.message).toBe('Not Authorized');
    expect(r.body.data).toBeNull();
    expect(await pgQuery(ADMIN, 'select 1 from pg_database where datname = $1', [dbName])).toHaveLength(0);
    // Production is untouched.
    const prodPg = await vars(em.productionEnvironmentId, 'Postgres');
    expect((await pgQuery(prodPg.DATABASE_PUBLIC_URL!, 'select 1 as one'))[0].one).toBe(1);
  });
});

describe('staged and background creation', () => {
  it('stageInitialChanges stages everything and deploys nothing until environmentPatchCommitStaged', async () => {
    const d = await ok(em, CREATE, {
      input: {
        projectId: em.projectId,
        name: 'review',
        sourceEnvironmentId: em.productionEnvironmentId,
        stageInitialChanges: true,
      },
    });
    const id = d.environmentCreate.id;
    const staged = await ok(
      em,
      `query($id: String!) { environmentStagedChanges(environmentId: $id) { id status patch } environment(id: $id) { unmergedChangesCount serviceInstances { edges { node { id } } } } }`,
      { id },
    );
    expect(staged.environmentStagedChanges.status).toBe('STAGED');
    expect(Object.keys(staged.environmentStagedChanges.patch.services)).toHaveLength(2);
    expect(staged.environment.unmergedChangesCount).toBeGreaterThan(0);
    expect(staged.environment.serviceInstances.edges).toEqual([]);
    expect(em.state.deploymentsOf({ environmentId: id })).toEqual([]);

    const commit = await ok(
      em,
      `mutation($id: String!) { environmentPatchCommitStaged(environmentId: $id) }`,
      { id },
    );
    expect(typeof commit.environmentPatchCommitStaged).toBe('string');
    const after = await ok(
      em,
      `query($id: String!) { environment(id: $id) { unmergedChangesCount serviceInstances { edges { node { serviceName } } } } }`,
      { id },
    );
    expect(after.environment.unmergedChangesCount).toBe(0);
    expect(after.environment.serviceInstances.edges).toHaveLength(2);
    expect(em.state.deploymentsOf({ environmentId: id }).length).toBe(2);
    await ok(em, 'mutation($id: String!) { environmentDelete(id: $id) }', { id });
  });

  it('applyChangesInBackground answers at once, APPLYING then COMMITTED', async () => {
    const d = await ok(em, CREATE, {
      input: {
        projectId: em.projectId,
        name: 'bg',
        sourceEnvironmentId: em.productionEnvironmentId,
        applyChangesInBackground: true,
        skipInitialDeploys: true,
      },
    });
    const id = d.environmentCreate.id;
    const q = `query($id: String!) { environmentStagedChanges(environmentId: $id) { status } }`;
    expect((await ok(em, q, { id })).environmentStagedChanges.status).toBe('APPLYING');
    await until(
      'background apply',
      async () => (await ok(em, q, { id })).environmentStagedChanges.status === 'COMMITTED',
    );
    expect(em.state.instancesOf(id)).toHaveLength(2);
    expect(em.state.deploymentsOf({ environmentId: id })).toEqual([]);
    await ok(em, 'mutation($id: String!) { environmentDelete(id: $id) }', { id });
  });

  it('a committed patch creates a TCP proxy, and only one per service instance', async () => {
    const web = serviceId('web');
    const commit = `mutation($e: String!, $p: EnvironmentConfig) { environmentPatchCommit(environmentId: $e, patch: $p) }`;
    await ok(em, commit, {
      e: em.productionEnvironmentId,
      p: { services: { [web]: { networking: { tcpProxies: { '8080': {} } } } } },
    });
    const proxies = await ok(
      em,
      `query($e: String!, $s: String!) { tcpProxies(environmentId: $e, serviceId: $s) { domain proxyPort applicationPort } }`,
      { e: em.productionEnvironmentId, s: web },
    );
    expect(proxies.tcpProxies).toHaveLength(1);
    expect(proxies.tcpProxies[0].applicationPort).toBe(8080);
    expect((await vars(em.productionEnvironmentId, 'web')).RAILWAY_TCP_PROXY_PORT).toBe(
      String(proxies.tcpProxies[0].proxyPort),
    );
    const r = await gql(em, commit, {
      e: em.productionEnvironmentId,
      p: { services: { [web]: { networking: { tcpProxies: { '9090': {} } } } } },
    });
    expect(r.body.errors![0]!.message).toContain('single TCP proxy is allowed per service instance');
  });
});
