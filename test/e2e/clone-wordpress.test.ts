// A whole clone of the WordPress scenario against the emulator, with real MariaDB behind it.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import mysql from 'mysql2/promise';
import { runClone } from '../../src/clone/pipeline.js';
import { CLONE_STEPS } from '../../src/clone/steps/index.js';
import {
  deleteEnvironment,
  getEnvironment,
  lineage,
  listEnvironments,
} from '../../src/clone/environments.js';
import { decryptOutput } from '../../src/clone/output-crypto.js';
import { publicDatabaseUrl } from '../../src/clone/services.js';
import { dumpDatabase, physicalDatabases, startHarness, type Harness } from './helpers.js';

const prefix = `rcwp${randomUUID().slice(0, 6)}`;
let h: Harness;
let projectId: string;
let productionId: string;

const serviceId = (name: string) => h.serviceId(name);
const vars = (envId: string, service: string, unrendered = false) => h.vars(envId, service, unrendered);

beforeAll(async () => {
  h = await startHarness('wordpress', prefix);
  projectId = h.emulator.projectId;
  productionId = h.emulator.productionEnvironmentId;
});

afterAll(async () => {
  await h?.emulator.stop();
});

describe('clone of the wordpress scenario', () => {
  const canary = `canary-${randomUUID()}`;
  let envId: string;
  let outcome: Awaited<ReturnType<typeof runClone>>;
  const stdout: string[] = [];

  beforeAll(async () => {
    await h.railway.upsertVariables({
      projectId,
      environmentId: productionId,
      serviceId: await serviceId('Primary'),
      variables: { CANARY_SECRET: canary },
      skipDeploys: true,
    });
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stdout.push(String(chunk));
      return true;
    });
    try {
      // An exact copy (as environment_type prod would be): this file checks copying and the URL rewrite;
      // masking and the quiet-WordPress defaults of staging have their own tests (mask-copy, mask-request).
      outcome = await runClone(
        h.context({
          client_name: 'acme',
          environment_name: 'staging-acme',
          mask: 'none',
          quiet_wordpress: false,
        }),
      );
    } finally {
      spy.mockRestore();
    }
    if (!outcome.ok) throw outcome.error;
    envId = String(outcome.outputs.finalize!.environment_id);
  }, 180_000);

  it('names the environment as asked and gives it the same services', async () => {
    expect(outcome.outputs.finalize!.environment_name).toBe('staging-acme');
    const [source, clone] = await Promise.all([
      h.railway.getEnvironment(productionId, projectId),
      h.railway.getEnvironment(envId, projectId),
    ]);
    expect(clone.serviceInstances.map((s) => s.serviceName).sort()).toEqual(
      source.serviceInstances.map((s) => s.serviceName).sort(),
    );
    expect(clone.sourceEnvironment?.id).toBe(productionId);
  });

  it('copies variables unrendered so references resolve to the clone’s own services', async () => {
    const [srcRaw, cloneRaw] = await Promise.all([
      vars(productionId, 'Primary', true),
      vars(envId, 'Primary', true),
    ]);
    const references = Object.entries(srcRaw).filter(([, value]) => value.includes('${{'));
    expect(references.length).toBeGreaterThan(0);
    for (const [name, value] of references) expect(cloneRaw[name], name).toBe(value);
    const [cloneWp, cloneDb, srcDb] = await Promise.all([
      vars(envId, 'Primary'),
      vars(envId, 'MariaDB'),
      vars(productionId, 'MariaDB'),
    ]);
    expect(cloneWp.WORDPRESS_DB_NAME).toBe(cloneDb.MARIADB_DATABASE);
    expect(cloneDb.MARIADB_DATABASE).not.toBe(srcDb.MARIADB_DATABASE);
    expect(cloneWp.WORDPRESS_DB_PASSWORD).toBe(cloneDb.MARIADB_PASSWORD);
  });

  it('rotates the database password and does not copy sealed variables', async () => {
    const [srcDb, cloneDb] = await Promise.all([
      vars(productionId, 'MariaDB', true),
      vars(envId, 'MariaDB', true),
    ]);
    expect(cloneDb.MARIADB_PASSWORD).toBeTruthy();
    expect(cloneDb.MARIADB_PASSWORD).not.toBe(srcDb.MARIADB_PASSWORD);
    const sealed = outcome.outputs.plan!.sealed_variables_not_copied as string[];
    expect(sealed.length).toBeGreaterThan(0);
    for (const entry of sealed) {
      const [service, name] = entry.split('.');
      expect(Object.keys(await vars(envId, service!, true))).not.toContain(name);
    }
  });

  it('copies the data with production URLs rewritten to the staging host', async () => {
    const [srcVars, cloneVars] = await Promise.all([vars(productionId, 'MariaDB'), vars(envId, 'MariaDB')]);
    const [source, target] = await Promise.all([
      dumpDatabase(publicDatabaseUrl('mariadb', srcVars)!),
      dumpDatabase(publicDatabaseUrl('mariadb', cloneVars)!),
    ]);
    const sourceHosts = (await h.railway.getEnvironment(productionId, projectId)).serviceInstances
      .filter((s) => s.serviceName === 'Primary')
      .flatMap((s) => [...s.domains.serviceDomains, ...s.domains.customDomains].map((d) => d.domain));
    expect(sourceHosts.length).toBeGreaterThan(0);
    expect(Object.keys(target).sort()).toEqual(Object.keys(source).sort());
    let untouched = 0;
    for (const [table, rows] of Object.entries(source)) {
      expect(target[table]!.length, table).toBe(rows.length);
      const targetRows = new Set(target[table]);
      for (const row of rows) {
        if (!sourceHosts.some((host) => row.includes(host))) {
          expect(targetRows.has(row), `${table}: untouched row changed`).toBe(true);
          untouched++;
        }
      }
      for (const row of target[table]!)
        for (const host of sourceHosts)
          expect(row.includes(host), `${table} still names ${host}`).toBe(false);
    }
    expect(untouched).toBeGreaterThan(0);
    const staging = String(outcome.outputs.finalize!.staging_url);
    expect(target.wp_options!.some((r) => r.includes(`"option_name":"siteurl"`) && r.includes(staging))).toBe(
      true,
    );
    expect(Number(outcome.outputs['sync-database']!.rows)).toBeGreaterThan(0);
  });

  it('sets basic auth and a domain of its own', async () => {
    const wp = await vars(envId, 'Primary');
    const auth = outcome.outputs['configure-basic-auth']!;
    expect(wp.HTTP_AUTH_USER).toBe(auth.basic_auth_user);
    expect(decryptOutput(String(auth.basic_auth_password_encrypted), 'test-output-key-0123456789')).toBe(
      wp.HTTP_AUTH_PASSWORD,
    );
    const clone = await h.railway.getEnvironment(envId, projectId);
    const domains = clone.serviceInstances
      .find((s) => s.serviceName === 'Primary')!
      .domains.serviceDomains.map((d) => d.domain);
    expect(outcome.outputs.finalize!.staging_url).toBe(`https://${domains[0]}`);
    const source = await h.railway.getEnvironment(productionId, projectId);
    const sourceDomains = source.serviceInstances.find((s) => s.serviceName === 'Primary')!.domains;
    expect(domains).not.toContain(sourceDomains.serviceDomains[0]?.domain);
    expect(clone.serviceInstances.flatMap((s) => s.domains.customDomains)).toEqual([]);
  });

  it('records lineage and TTL on the clone and lists it', async () => {
    const got = await getEnvironment(h.railway, projectId, 'staging-acme');
    expect(got.status).toBe('ready');
    expect(got.cloned_from).toBe('production');
    const days = (new Date(got.expires_at!).getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(13.9);
    expect(days).toBeLessThan(14.1);
    expect((await lineage(h.railway, projectId, 'staging-acme')).ancestors).toEqual(['production']);
    expect((await lineage(h.railway, projectId, 'production')).descendants.map((d) => d.name)).toContain(
      'staging-acme',
    );
    expect((await listEnvironments(h.railway, projectId)).map((e) => e.name)).toContain('staging-acme');
  });

  it('never lets the canary secret out', () => {
    const everything = [...h.logs, ...stdout, JSON.stringify(outcome.outputs)].join('\n');
    expect(everything.length).toBeGreaterThan(1000);
    expect(everything).not.toContain(canary);
  });

  it('deletes the clone with its databases, and refuses production', async () => {
    await expect(deleteEnvironment(h.railway, projectId, 'production', { force: true })).rejects.toThrow(
      /protected/,
    );
    const before = await physicalDatabases(prefix);
    await deleteEnvironment(h.railway, projectId, 'staging-acme');
    expect((await h.railway.listEnvironments(projectId)).map((e) => e.name)).not.toContain('staging-acme');
    const after = await physicalDatabases(prefix);
    expect(after.length).toBe(before.length - 1);
  });
});

describe('a failure at any step leaves nothing behind', () => {
  for (const [step] of CLONE_STEPS) {
    it(`fails at ${step}`, async () => {
      const baseline = await physicalDatabases(prefix);
      const envsBefore = (await h.railway.listEnvironments(projectId)).map((e) => e.name).sort();
      const outcome = await runClone(h.context({ client_name: 'acme', environment_name: `fail-${step}` }), {
        steps: {
          [step]: async () => {
            throw new Error('injected failure');
          },
        },
        sleep: async () => undefined,
      });
      expect(outcome.ok).toBe(false);
      expect(outcome.failedStep).toBe(step);
      expect(outcome.error?.message).toContain(step);
      expect((await h.railway.listEnvironments(projectId)).map((e) => e.name).sort()).toEqual(envsBefore);
      expect(await physicalDatabases(prefix)).toEqual(baseline);
      const sourceProxies = await h.railway.listTcpProxies({
        environmentId: productionId,
        serviceId: await serviceId('MariaDB'),
      });
      expect(sourceProxies.length).toBeLessThanOrEqual(1);
      const created =
        CLONE_STEPS.findIndex(([n]) => n === step) >
        CLONE_STEPS.findIndex(([n]) => n === 'create-environment');
      const deleted = (outcome.outputs.rollback?.deleted ?? []) as string[];
      expect(deleted.some((d) => d.startsWith(`environment fail-${step}`))).toBe(created);
      expect(h.logs.some((l) => l.includes(`deleted environment "fail-${step}"`))).toBe(created);
    }, 120_000);
  }
});

describe('a transient failure while copying', () => {
  it('is retried and the clone succeeds', async () => {
    const sourceDb = (await vars(productionId, 'MariaDB')).MARIADB_DATABASE!;
    const admin = await mysql.createConnection({ host: '127.0.0.1', port: 3306, user: 'root' });
    let killed = 0;
    let killing: Promise<void> | undefined;
    // The transient failure: the server drops the clone's connections in the middle of the copy.
    const dropTargetConnections = async () => {
      const [rows] = await admin.query<mysql.RowDataPacket[]>(
        'SELECT ID FROM information_schema.PROCESSLIST WHERE DB LIKE ? AND DB <> ?',
        [`${prefix}%`, sourceDb],
      );
      for (const r of rows)
        await admin.query(`KILL ${Number(r.ID)}`).then(
          () => killed++,
          () => undefined,
        );
    };
    const ctx = h.context({ client_name: 'acme', environment_name: 'retry-sync', database: { jobs: 1 } });
    const events: string[] = [];
    const outcome = await runClone({
      ...ctx,
      progress: (e) => {
        if (e.kind === 'step') events.push(`${e.step}:${e.status}`);
        if (e.kind === 'table' && e.status === 'done' && !killing) killing = dropTargetConnections();
      },
    });
    await killing;
    await admin.end();
    if (!outcome.ok) throw outcome.error;
    expect(killed).toBeGreaterThan(0);
    expect(events).toContain('sync-database:failed');
    expect(events.filter((e) => e === 'sync-database:started').length).toBe(2);
    expect(events.at(-1)).toBe('close-database-access:succeeded');
    const [srcVars, cloneVars] = await Promise.all([
      vars(productionId, 'MariaDB'),
      vars(String(outcome.outputs.finalize!.environment_id), 'MariaDB'),
    ]);
    const [source, target] = await Promise.all([
      dumpDatabase(publicDatabaseUrl('mariadb', srcVars)!),
      dumpDatabase(publicDatabaseUrl('mariadb', cloneVars)!),
    ]);
    for (const table of Object.keys(source)) expect(target[table]?.length, table).toBe(source[table]!.length);
    await deleteEnvironment(h.railway, projectId, 'retry-sync');
  }, 120_000);
});

describe('a staging clone with the defaults', () => {
  it('masks the customers’ personal data in flight and keeps WordPress quiet', async () => {
    const outcome = await runClone(h.context({ client_name: 'acme', environment_name: 'staging-masked' }));
    expect(outcome.ok, outcome.error?.message).toBe(true);
    expect(outcome.outputs.plan!.masking).toBeTruthy();
    expect(Number(outcome.outputs['sync-database']!.masked)).toBeGreaterThan(0);
    const envId = (await listEnvironments(h.railway, projectId)).find((e) => e.name === 'staging-masked')!.id;
    const [srcVars, cloneVars] = await Promise.all([vars(productionId, 'MariaDB'), vars(envId, 'MariaDB')]);
    const [source, target] = await Promise.all([
      dumpDatabase(publicDatabaseUrl('mariadb', srcVars)!),
      dumpDatabase(publicDatabaseUrl('mariadb', cloneVars)!),
    ]);
    const emails = (rows: string[] | undefined) =>
      (rows ?? []).map((r) => String((JSON.parse(r) as { user_email: string }).user_email));
    const before = emails(source.wp_users);
    const after = emails(target.wp_users);
    expect(before.length).toBeGreaterThan(0);
    expect(new Set(after).size).toBe(after.length); // still unique
    const everything = JSON.stringify(target);
    for (const email of before) expect(everything, email).not.toContain(email);
    const wp = await vars(envId, 'Primary', true);
    expect(wp.WORDPRESS_CONFIG_EXTRA ?? '').toContain('DISABLE_WP_CRON');
  });
});
