// The postgres-app scenario: PostgreSQL data, a custom domain, overrides, clones of clones, TTL cleanup.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runClone } from '../../src/clone/pipeline.js';
import { deleteEnvironment, getEnvironment, lineage } from '../../src/clone/environments.js';
import { cleanupEnvironments } from '../../src/clone/cleanup.js';
import { publicDatabaseUrl } from '../../src/clone/services.js';
import { dumpDatabase, physicalDatabases, startHarness, type Harness } from './helpers.js';

const prefix = `rcpg${randomUUID().slice(0, 6)}`;
let h: Harness;
let projectId: string;
let productionId: string;

const vars = (envId: string, service: string, unrendered = false) => h.vars(envId, service, unrendered);
const envIdOf = async (name: string) => (await h.railway.findEnvironmentByName(projectId, name))!.id;

beforeAll(async () => {
  h = await startHarness('postgres-app', prefix);
  projectId = h.emulator.projectId;
  productionId = h.emulator.productionEnvironmentId;
});

afterAll(async () => {
  await h?.emulator.stop();
});

describe('clone of the postgres-app scenario', () => {
  let outcome: Awaited<ReturnType<typeof runClone>>;

  beforeAll(async () => {
    outcome = await runClone(
      h.context({
        client_name: 'Shop QA',
        environment_name: 'qa-shop',
        environment_type: 'ephemeral',
        ttl: '12h',
        custom_domain: 'qa.shop-staging.example.com',
        variable_overrides: { web: { NODE_ENV: 'staging' }, shared: { APP_ENV: 'staging' } },
        mask: 'none', // an exact copy: this file checks the copy and rewrite; masking is tested on its own
      }),
    );
    if (!outcome.ok) throw outcome.error;
  }, 180_000);

  it('points the app at the clone’s own database and applies overrides', async () => {
    const envId = await envIdOf('qa-shop');
    const [web, db, srcDb] = await Promise.all([
      vars(envId, 'web'),
      vars(envId, 'Postgres'),
      vars(productionId, 'Postgres'),
    ]);
    expect(new URL(web.DATABASE_URL!).pathname).toBe(`/${db.POSTGRES_DB}`);
    expect(db.POSTGRES_DB).not.toBe(srcDb.POSTGRES_DB);
    expect(web.NODE_ENV).toBe('staging');
    expect(web.APP_ENV).toBe('staging');
    expect((await vars(productionId, 'web')).NODE_ENV).toBe('production');
    expect((await h.railway.getEnvironment(envId, projectId)).isEphemeral).toBe(true);
  });

  it('copies every table with the public URL rewritten to the custom domain', async () => {
    const envId = await envIdOf('qa-shop');
    const [srcUrl, dstUrl] = [
      publicDatabaseUrl('postgres', await vars(productionId, 'Postgres'))!,
      publicDatabaseUrl('postgres', await vars(envId, 'Postgres'))!,
    ];
    const [source, target] = await Promise.all([dumpDatabase(srcUrl), dumpDatabase(dstUrl)]);
    const sourceHost = (await h.railway.getEnvironment(productionId, projectId)).serviceInstances.find(
      (s) => s.serviceName === 'web',
    )!.domains.serviceDomains[0]!.domain;
    expect(Object.keys(target)).toEqual(Object.keys(source));
    let rewritten = 0;
    for (const [table, rows] of Object.entries(source)) {
      const expected = rows.map((r) => r.split(sourceHost).join('qa.shop-staging.example.com')).sort();
      expect(target[table], table).toEqual(expected);
      rewritten += rows.filter((r) => r.includes(sourceHost)).length;
    }
    expect(rewritten).toBeGreaterThan(0);
    expect(outcome.outputs.finalize!.staging_url).toBe('https://qa.shop-staging.example.com');
    const clone = await h.railway.getEnvironment(envId, projectId);
    expect(
      clone.serviceInstances.find((s) => s.serviceName === 'web')!.domains.customDomains.map((d) => d.domain),
    ).toEqual(['qa.shop-staging.example.com']);
  });

  it('refuses a custom domain that is taken', async () => {
    const failed = await runClone(
      h.context({
        client_name: 'x',
        environment_name: 'qa-taken',
        custom_domain: 'qa.shop-staging.example.com',
      }),
    );
    expect(failed.ok).toBe(false);
    expect(failed.failedStep).toBe('assign-domain');
    expect(failed.error?.message).toMatch(/not available/);
    expect(await h.railway.findEnvironmentByName(projectId, 'qa-taken')).toBeNull();
  }, 120_000);

  it('tracks clones of clones and protects a source', async () => {
    const second = await runClone(
      h.context({ client_name: 'x', environment_name: 'qa-shop-child', source_environment: 'qa-shop' }),
    );
    if (!second.ok) throw second.error;
    expect((await lineage(h.railway, projectId, 'qa-shop-child')).ancestors).toEqual([
      'qa-shop',
      'production',
    ]);
    expect((await lineage(h.railway, projectId, 'production')).descendants).toEqual([
      { name: 'qa-shop', parent: 'production' },
      { name: 'qa-shop-child', parent: 'qa-shop' },
    ]);
    await expect(deleteEnvironment(h.railway, projectId, 'qa-shop')).rejects.toThrow(
      /source of qa-shop-child/,
    );
    const got = await getEnvironment(h.railway, projectId, 'qa-shop-child');
    expect(got.services.map((s) => s.name).sort()).toEqual(['Postgres', 'web']);
    expect(got.database_size_bytes).toBeGreaterThan(0);
  }, 180_000);

  it('cleanup deletes what has expired, and only that', async () => {
    const expiresAt = new Date((await getEnvironment(h.railway, projectId, 'qa-shop')).expires_at!);
    expect(Math.round((expiresAt.getTime() - Date.now()) / 3_600_000)).toBe(12);
    const early = await cleanupEnvironments(h.railway, projectId, { now: new Date(Date.now() + 3_600_000) });
    expect(early.deleted).toEqual([]);
    const dbsBefore = await physicalDatabases(prefix);
    const later = await cleanupEnvironments(h.railway, projectId, {
      now: new Date(Date.now() + 13 * 3_600_000),
    });
    expect(later.deleted).toEqual(['qa-shop']);
    expect(await h.railway.findEnvironmentByName(projectId, 'qa-shop')).toBeNull();
    expect(await h.railway.findEnvironmentByName(projectId, 'production')).not.toBeNull();
    expect((await physicalDatabases(prefix)).length).toBe(dbsBefore.length - 1);
  }, 60_000);
});
