// A frontend + API project (two web services, each with a Railway domain and a custom domain) cloned:
// every host of each service becomes THAT service's clone domain, e-mail and CDN hosts stay, the
// plan shows the mapping, and sync-database reports "0 left".
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runClone } from '../../src/clone/pipeline.js';
import { publicDatabaseUrl } from '../../src/clone/services.js';
import { API_CUSTOM_DOMAIN, FRONTEND_CUSTOM_DOMAIN } from '../../src/emulator/scenarios/frontend-api.js';
import { dumpDatabase, startHarness, type Harness } from './helpers.js';

const prefix = `rcfa${randomUUID().slice(0, 6)}`;
let h: Harness;
let outcome: Awaited<ReturnType<typeof runClone>>;

const domainOf = async (envId: string, service: string) =>
  (await h.railway.getEnvironment(envId, h.emulator.projectId)).serviceInstances.find(
    (s) => s.serviceName === service,
  )!.domains.serviceDomains[0]!.domain;

beforeAll(async () => {
  process.env.RAILCLONE_EMULATOR = '1';
  h = await startHarness('frontend-api', prefix);
  outcome = await runClone(
    h.context({
      client_name: 'Split QA',
      environment_name: 'qa-split',
      environment_type: 'dev',
      enable_basic_auth: false,
      host_rewrites: [{ from: 'cdn.example-shop.com', to: 'cdn.example-shop.com' }],
    }),
  );
  if (!outcome.ok) throw outcome.error;
}, 240_000);

afterAll(async () => {
  await h?.emulator.stop();
});

describe('clone of a frontend + API project', () => {
  it('maps each service’s hosts to its own clone domain in the data', async () => {
    const prodId = h.emulator.productionEnvironmentId;
    const envId = (await h.railway.findEnvironmentByName(h.emulator.projectId, 'qa-split'))!.id;
    const [srcFront, srcApi, dstFront, dstApi] = await Promise.all([
      domainOf(prodId, 'frontend'),
      domainOf(prodId, 'api'),
      domainOf(envId, 'frontend'),
      domainOf(envId, 'api'),
    ]);
    expect(dstFront).not.toBe(dstApi);
    const url = publicDatabaseUrl('postgres', await h.vars(envId, 'Postgres'))!;
    const settings = Object.fromEntries(
      (await dumpDatabase(url))['public.settings']!.map((r) => {
        const row = JSON.parse(r) as { key: string; value: string };
        return [row.key, row.value];
      }),
    );
    expect(settings).toEqual({
      site_url: `https://${dstFront}`,
      api_url: `https://${dstApi}/v1`,
      frontend_railway: `https://${dstFront}/`,
      api_railway: `https://${dstApi}/health`,
      cors_origins: `https://${dstFront},https://${dstFront}`,
      contact: 'orders@example-shop.com',
      cdn: 'https://cdn.example-shop.com/logo.png',
    });
    const pages = (await dumpDatabase(url))['public.pages']!.map(
      (r) => JSON.parse(r) as { id: number; body: string; meta: unknown },
    );
    const page3 = pages.find((p) => p.id === 3)!;
    expect(page3.body).toBe(
      `<a href="https://${dstFront}/p/3">page</a> <script src="https://${dstApi}/v1/p/3.js"></script>`,
    );
    expect(page3.meta).toEqual({ canonical: `https://${dstFront}/p/3`, api: `https://${dstApi}/v1/p/3` });
    expect(JSON.stringify(pages)).not.toContain(srcFront);
    expect(JSON.stringify(pages)).not.toContain(srcApi);
  });

  it('shows the mapping in the plan and "0 left" after the copy', () => {
    const plan = outcome.outputs.plan as { host_rewrites: { service: string; from: string[]; to: string }[] };
    const front = plan.host_rewrites.find((m) => m.service === 'frontend')!;
    const api = plan.host_rewrites.find((m) => m.service === 'api')!;
    expect(front.from).toContain(FRONTEND_CUSTOM_DOMAIN);
    expect(front.to).toMatch(/new Railway domain of frontend/);
    expect(api.from).toContain(API_CUSTOM_DOMAIN);
    expect(api.to).toMatch(/new Railway domain of api/);
    expect(plan.host_rewrites).toContainEqual({
      service: '(request)',
      from: ['cdn.example-shop.com'],
      to: 'cdn.example-shop.com (kept)',
    });
    const sync = outcome.outputs['sync-database'] as {
      hosts_left: number;
      databases: { hosts_left: { total: number } }[];
    };
    expect(sync.hosts_left).toBe(0);
    expect(sync.databases[0]!.hosts_left.total).toBe(0);
    expect(h.logs.some((l) => /source hosts 0 left/.test(l))).toBe(true);
  });
});
