// Contract tests of the clone API: every endpoint and error path, over a real HTTP server, the local
// backend and the Railway emulator with real MariaDB.
import { randomUUID } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { verifyAudit } from '../../src/gateway/admin.js';
import {
  CLONE,
  bearer,
  pollUntilDone,
  post,
  startTestEmulator,
  startTestGateway,
  tempFileStore,
  type TestGateway,
} from './gateway-helpers.js';

const prefix = `rcgwapi${randomUUID().slice(0, 6)}`;
let emulator: RunningEmulator;
let gw: TestGateway;
let key: string;
let storeDir: string;
let railway: Awaited<ReturnType<typeof startTestEmulator>>['railway'];

beforeAll(async () => {
  const emu = await startTestEmulator(prefix);
  emulator = emu.emulator;
  railway = emu.railway;
  const { store, dir } = await tempFileStore();
  storeDir = dir;
  gw = await startTestGateway({
    store,
    railway: emu.railway,
    projectId: emulator.projectId,
    settings: { corsOrigins: ['http://allowed.test'], bodyLimit: 4_096 },
  });
  key = await gw.key();
});

afterAll(async () => {
  await gw?.stop();
  await emulator?.stop();
});

describe('meta', () => {
  it('answers /health and /openapi.json without a key', async () => {
    const health = await (await fetch(`${gw.url}/health`)).json();
    expect(health).toEqual({ status: 'ok', engine: 'local', store: 'file' });
    const doc = await (await fetch(`${gw.url}/openapi.json`)).json();
    expect(doc.openapi).toBe('3.0.3');
    expect(doc.components.schemas.CloneRequest.properties.client_name.pattern).toBe('^[A-Za-z0-9][\\w .-]*$');
    expect(doc.components.schemas.CloneRequest.additionalProperties).toBe(false);
    expect(Object.keys(doc.paths)).toContain('/api/v1/main/executions/webhook/{namespace}/{flowId}/{key}');
  });
});

describe('a clone through the gateway', () => {
  let accepted: Record<string, unknown>;
  let location: string | null;
  let final: Record<string, unknown>;

  beforeAll(async () => {
    const res = await post(
      `${gw.url}${CLONE}`,
      {
        client_name: 'acme',
        environment_name: 'staging-gw-acme',
        variable_overrides: { Primary: { API_TOKEN: 'super-secret-value-123' } },
      },
      bearer(key),
    );
    expect(res.status).toBe(202);
    location = res.headers.get('location');
    expect(res.headers.get('ratelimit-limit')).toBe('10');
    expect(res.headers.get('ratelimit-remaining')).toBe('9');
    expect(res.headers.get('server-timing')).toMatch(/^gw;dur=\d+(\.\d+)?$/);
    accepted = (await res.json()) as Record<string, unknown>;
    final = await pollUntilDone(gw.url, String(accepted.polling_url), key);
  }, 180_000);

  it('answers 202 with the stable contract and a Location', () => {
    expect(accepted).toMatchObject({
      status: 'CREATED',
      namespace: 'railclone',
      flow_id: 'clone-staging-api',
    });
    expect(accepted.execution_id).toMatch(/^[A-Za-z0-9]{22}$/);
    expect(accepted.polling_url).toBe(
      `/api/v1/main/executions/railclone/clone-staging-api/${String(accepted.execution_id)}`,
    );
    expect(location).toBe(accepted.polling_url);
    expect(accepted.estimated_completion).toBeNull(); // no successful run yet
  });

  it('reaches SUCCESS with outputs and every task recorded', () => {
    expect(final.state).toBe('SUCCESS');
    expect(final.outputs).toMatchObject({
      environment_name: 'staging-gw-acme',
      basic_auth_user: expect.any(String),
    });
    expect(String((final.outputs as Record<string, unknown>).staging_url)).toMatch(/^https:\/\//);
    const tasks = final.tasks as {
      name: string;
      state: string;
      attempts: number;
      duration_ms: number;
      next_retry_at: unknown;
    }[];
    expect(tasks.map((t) => t.name)).toEqual(
      expect.arrayContaining([
        'validate-inputs',
        'preflight',
        'plan',
        'create-environment',
        'sync-database',
        'finalize',
        'close-database-access',
      ]),
    );
    for (const t of tasks) {
      expect(t.state).toBe('SUCCESS');
      expect(t.attempts).toBe(1);
      expect(t.duration_ms).toBeGreaterThanOrEqual(0);
      expect(t.next_retry_at).toBeNull();
    }
    expect(final.elapsed_ms).toBeGreaterThan(0);
    expect(final.started_by).toMatch(/^[a-z0-9]{12}$/);
  });

  it('serves the logs as JSON with timestamps and task names', async () => {
    const res = await fetch(`${gw.url}${String(accepted.polling_url)}/logs`, { headers: bearer(key) });
    const logs = (await res.json()) as { timestamp: string; task: string | null; message: string }[];
    expect(logs.length).toBeGreaterThan(3);
    expect(logs.some((l) => l.task === 'preflight' && /source production/.test(l.message))).toBe(true);
    expect(new Date(logs[0]!.timestamp).getTime()).not.toBeNaN();
    expect(JSON.stringify(logs)).not.toContain('super-secret-value-123');
  });

  it('streams the logs as SSE and ends with the final state', async () => {
    const res = await fetch(`${gw.url}${String(accepted.polling_url)}/logs/follow`, { headers: bearer(key) });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const text = await res.text();
    expect(text).toMatch(/event: log\ndata: \{"timestamp"/);
    expect(text).toContain('event: end\ndata: {"state":"SUCCESS"}');
  });

  it('sets the override value in the clone, in clear', async () => {
    const clone = (await railway.listEnvironments(emulator.projectId)).find(
      (e) => e.name === 'staging-gw-acme',
    )!;
    const primary = (await railway.getProject(emulator.projectId)).services.find(
      (s) => s.name === 'Primary',
    )!;
    const vars = await railway.getVariables({
      projectId: emulator.projectId,
      environmentId: clone.id,
      serviceId: primary.id,
    });
    expect(vars.API_TOKEN).toBe('super-secret-value-123');
  });

  it('lists the run in the history with redacted inputs, outputs and who started it; filters work', async () => {
    const h = await (
      await fetch(
        `${gw.url}/api/v1/main/executions/railclone/clone-staging-api?page=1&size=5&state=SUCCESS`,
        { headers: bearer(key) },
      )
    ).json();
    const row = h.results.find((r: { id: string }) => r.id === accepted.execution_id);
    expect(row.inputs.variable_overrides.Primary.API_TOKEN).toBe('***');
    expect(row.outputs.environment_name).toBe('staging-gw-acme');
    expect(row.started_by).toBe(final.started_by);
    const failedOnly = await (
      await fetch(`${gw.url}/api/v1/executions/railclone/clone-staging-api?state=FAILED`, {
        headers: bearer(key),
      })
    ).json();
    expect(failedOnly.results.map((r: { id: string }) => r.id)).not.toContain(accepted.execution_id);
    const future = await (
      await fetch(`${gw.url}/api/v1/main/executions/railclone/clone-staging-api?from=2999-01-01T00:00:00Z`, {
        headers: bearer(key),
      })
    ).json();
    expect(future.total).toBe(0);
    const ids = async (query: string) =>
      (
        await (
          await fetch(`${gw.url}/api/v1/main/executions/railclone/clone-staging-api?${query}`, {
            headers: bearer(key),
          })
        ).json()
      ).results.map((r: { id: string }) => r.id);
    expect(await ids('client=acme')).toContain(accepted.execution_id);
    expect(await ids('client=not-acme')).toEqual([]);
    expect(await ids(`started_by=${String(final.started_by)}&client=acme`)).toContain(accepted.execution_id);
    expect(await ids('started_by=someone-else')).toEqual([]);
    const bad = await fetch(`${gw.url}/api/v1/main/executions/railclone/clone-staging-api?size=1000`, {
      headers: bearer(key),
    });
    expect(bad.status).toBe(400);
    expect((await bad.json()).details.field).toBe('size');
  });

  it('estimates completion from past successful runs', async () => {
    const res = await post(
      `${gw.url}${CLONE}`,
      { client_name: 'acme', source_environment: 'no-such-env' },
      bearer(key),
    );
    const body = await res.json();
    expect(body.estimated_completion).not.toBeNull();
    expect(new Date(body.estimated_completion).getTime()).toBeGreaterThan(Date.now() - 1_000);
    const done = await pollUntilDone(gw.url, body.polling_url, key);
    expect(done.state).toBe('FAILED');
    expect((done.error as { message: string }).message).toContain('no-such-env');
    expect((done.tasks as { name: string; state: string }[]).find((t) => t.name === 'preflight')!.state).toBe(
      'FAILED',
    );
  });

  it('environments: list, get, lineage, clones-of, preview, delete', async () => {
    const base = `${gw.url}/api/v1/main/environments/railclone`;
    const list = await (await fetch(base, { headers: bearer(key) })).json();
    expect(list.environments.map((e: { name: string }) => e.name)).toContain('staging-gw-acme');
    const one = await (await fetch(`${base}/staging-gw-acme`, { headers: bearer(key) })).json();
    expect(one.cloned_from).toBe('production');
    const lin = await (await fetch(`${base}/staging-gw-acme/lineage`, { headers: bearer(key) })).json();
    expect(lin.ancestors).toEqual(['production']);
    const clones = await (await fetch(`${base}/production/clones`, { headers: bearer(key) })).json();
    expect(clones.clones).toContain('staging-gw-acme');
    const envsBefore = (await (await fetch(base, { headers: bearer(key) })).json()).environments.length;
    const preview = await post(
      `${base}/preview`,
      { client_name: 'acme', environment_name: 'staging-preview' },
      bearer(key),
    );
    expect(preview.status).toBe(200);
    const plan = await preview.json();
    expect(plan.environment_name).toBe('staging-preview');
    expect(plan.plan.length).toBeGreaterThan(0);
    expect((await (await fetch(base, { headers: bearer(key) })).json()).environments.length).toBe(envsBefore);
    const taken = await post(
      `${base}/preview`,
      { client_name: 'acme', environment_name: 'staging-gw-acme' },
      bearer(key),
    );
    expect(taken.status).toBe(409);
    const missing = await fetch(`${base}/nope-nope`, { headers: bearer(key) });
    expect(missing.status).toBe(404);
    expect((await missing.json()).details).toEqual({ field: 'environment', provided: 'nope-nope' });
    const badForce = await fetch(`${base}/staging-gw-acme?force=yes`, {
      method: 'DELETE',
      headers: bearer(key),
    });
    expect(badForce.status).toBe(400);
    expect((await badForce.json()).details.field).toBe('force');
    const del = await fetch(`${base}/staging-gw-acme`, { method: 'DELETE', headers: bearer(key) });
    expect(del.status).toBe(202);
    const done = await pollUntilDone(gw.url, (await del.json()).polling_url, key);
    expect(done.state).toBe('SUCCESS');
    expect(done.outputs).toMatchObject({ result: { deleted: 'staging-gw-acme' } });
    const prod = await fetch(`${base}/production`, { method: 'DELETE', headers: bearer(key) });
    expect(prod.status).toBe(403);
  }, 120_000);
});

describe('refusals', () => {
  const webhook = (path = CLONE) => `${gw.url}${path}`;
  const good = { client_name: 'acme' };

  it('401 without a key, with a wrong, malformed, revoked or conflicting key', async () => {
    const cases: Record<string, string>[] = [
      {},
      bearer('rck_aaaaaaaaaaaa_' + 'A'.repeat(43)),
      bearer(key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A')),
      { authorization: `Basic ${Buffer.from(`x:${key}`).toString('base64')}` },
      { authorization: `Bearer ${key} extra` },
      { authorization: `Bearer ${key}`, 'x-api-key': 'rck_bbbbbbbbbbbb_' + 'B'.repeat(43) },
      { 'x-api-key': '' },
    ];
    for (const headers of cases) {
      const res = await post(webhook(), good, headers);
      expect(res.status, JSON.stringify(headers)).toBe(401);
      expect((await res.json()).error).toBe('Unauthorized');
    }
    const revokedKey = await gw.key();
    const id = revokedKey.split('_')[1]!;
    expect(await gw.deps.store.revokeKey(id, new Date().toISOString())).toBe(true);
    expect((await post(webhook(), good, bearer(revokedKey))).status).toBe(401);
  });

  it('accepts the scheme in any case and X-API-Key', async () => {
    const k = await gw.key({ rate_limit: 5 });
    expect(
      (await post(webhook(), { ...good, source_environment: 'nope' }, { AUTHORIZATION: `bEaReR ${k}` }))
        .status,
    ).toBe(202);
    expect((await post(webhook(), { ...good, source_environment: 'nope' }, { 'X-Api-KEY': k })).status).toBe(
      202,
    );
  });

  it('403 outside the key’s namespaces or flows', async () => {
    const other = await gw.key({ namespaces: ['other'] });
    expect((await post(webhook(), good, bearer(other))).status).toBe(403);
    const deleteOnly = await gw.key({ flows: ['delete-environment'] });
    const res = await post(webhook(), good, bearer(deleteOnly));
    expect(res.status).toBe(403);
    expect((await res.json()).details).toMatchObject({ flow_id: 'clone-staging-api' });
    expect(
      (await fetch(`${gw.url}/api/v1/main/environments/railclone`, { headers: bearer(deleteOnly) })).status,
    ).toBe(403);
  });

  it('404 for traversal, unknown flows, namespaces and tenants — never a start', async () => {
    const paths = [
      '/api/v1/main/executions/webhook/..%2F..%2Fetc/clone-staging-api/k',
      '/api/v1/main/executions/webhook/railclone/..%2Fclone-staging-api/k',
      '/api/v1/main/executions/webhook/other/clone-staging-api/k',
      '/api/v1/main/executions/webhook/railclone/no-such-flow/k',
      '/api/v1/evil/executions/webhook/railclone/clone-staging-api/k',
      '/api/v1/main/executions/webhook/railclone/clone-staging-api/../../k',
      `/api/v1/main/executions/webhook/railclone/clone-staging-api/${'k'.repeat(300)}`,
    ];
    const star = await gw.key({ namespaces: ['*'] });
    for (const p of paths) {
      const res = await post(`${gw.url}${p}`, good, bearer(star));
      expect(res.status, p).toBe(404);
    }
    const exec = await fetch(`${gw.url}/api/v1/main/executions/railclone/clone-staging-api/..%2F..%2Fkeys`, {
      headers: bearer(key),
    });
    expect(exec.status).toBe(404);
  });

  it('a key cannot read an execution through another flow’s path', async () => {
    const res = await post(webhook(), { ...good, source_environment: 'nope' }, bearer(key));
    const { execution_id } = await res.json();
    const wrong = await fetch(`${gw.url}/api/v1/main/executions/railclone/get-environment/${execution_id}`, {
      headers: bearer(key),
    });
    expect(wrong.status).toBe(404);
    const getOnly = await gw.key({ flows: ['get-environment'] });
    expect(
      (
        await fetch(`${gw.url}/api/v1/main/executions/railclone/clone-staging-api/${execution_id}`, {
          headers: bearer(getOnly),
        })
      ).status,
    ).toBe(403);
  });

  it('400 naming the field, what was given and the pattern; unknown fields named', async () => {
    let res = await post(webhook(), { client_name: '-bad name!' }, bearer(key));
    expect(res.status).toBe(400);
    let body = await res.json();
    expect(body).toMatchObject({
      error: 'ValidationError',
      details: { field: 'client_name', provided: '-bad name!', pattern: '^[A-Za-z0-9][\\w .-]*$' },
    });
    res = await post(webhook(), { client_name: 'acme', colour: 'red', size: 1 }, bearer(key));
    body = await res.json();
    expect(res.status).toBe(400);
    expect(body.details.field).toBe('colour,size');
    expect(body.message).toContain('colour');
    for (const raw of ['{not json', '[1,2]', '"text"', 'null']) {
      const r = await post(webhook(), raw, bearer(key));
      expect(r.status, raw).toBe(400);
    }
    res = await post(
      `${gw.url}/api/v1/executions/webhook/railclone/delete-environment/k`,
      { environment: 'x', force: 'yes' },
      bearer(key),
    );
    expect((await res.json()).details.field).toBe('force');
  });

  it('413 for a body over the limit', async () => {
    const res = await post(webhook(), { client_name: 'acme', requested_by: 'x'.repeat(10_000) }, bearer(key));
    expect(res.status).toBe(413);
    expect((await res.json()).error).toBe('PayloadTooLarge');
  });

  it('429 with Retry-After and RateLimit headers once the key’s limit is used', async () => {
    const k = await gw.key({ rate_limit: 2 });
    const body = { ...good, source_environment: 'nope' };
    expect((await post(webhook(), body, bearer(k))).status).toBe(202);
    expect((await post(webhook(), body, bearer(k))).status).toBe(202);
    const res = await post(webhook(), body, bearer(k));
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(res.headers.get('ratelimit-limit')).toBe('2');
    expect(res.headers.get('ratelimit-remaining')).toBe('0');
    expect(Number(res.headers.get('ratelimit-reset'))).toBeLessThanOrEqual(3_600);
    // invalid requests do not use the allowance
    const k2 = await gw.key({ rate_limit: 1 });
    expect((await post(webhook(), { client_name: '' }, bearer(k2))).status).toBe(400);
    expect((await post(webhook(), body, bearer(k2))).status).toBe(202);
  });

  it('CORS: preflight answered for allowed origins only', async () => {
    const pre = await fetch(`${gw.url}${CLONE}`, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://allowed.test',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type',
      },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('http://allowed.test');
    expect(pre.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
    const evil = await fetch(`${gw.url}${CLONE}`, {
      method: 'OPTIONS',
      headers: { origin: 'http://evil.test', 'access-control-request-method': 'POST' },
    });
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('audits clones and refusals in a chain that verifies', async () => {
    const entries = await gw.deps.store.listAudit();
    expect(entries.some((e) => e.action === 'clone' && e.result === 'accepted:202' && e.execution_id)).toBe(
      true,
    );
    expect(entries.some((e) => e.result === 'refused:401' && e.key_id === null)).toBe(true);
    expect(entries.some((e) => e.result === 'refused:403' && e.key_id)).toBe(true);
    expect(entries.some((e) => e.result === 'refused:429')).toBe(true);
    expect(entries.some((e) => e.action === 'delete' && e.result === 'accepted:202')).toBe(true);
    expect(JSON.stringify(entries)).not.toContain('super-secret-value-123');
    expect(JSON.stringify(entries)).not.toContain(key);
    expect((await verifyAudit(gw.deps.store)).ok).toBe(true);
  });

  it('keeps no override value in any file of the history store', async () => {
    let files = '';
    // A write in flight renames its .tmp file away under us: a vanished file was never the last word.
    for (const e of await readdir(storeDir, { withFileTypes: true, recursive: true }))
      if (e.isFile()) files += await readFile(join(e.parentPath, e.name), 'utf8').catch(() => '');
    expect(files).toContain('API_TOKEN');
    expect(files).not.toContain('super-secret-value-123');
  });
});
