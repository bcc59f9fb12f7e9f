// Issue 11: what the clone API refuses before it starts anything — deletes by key rights (1), names (2),
// media type (3), one error shape (4), client address (8), no enumeration (9) — over a real HTTP server,
// the local backend and the Railway emulator with real MariaDB.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { ENVIRONMENT_NAME_PATTERN } from '../../src/inputs/index.js';
import type { RailwayApi } from '../../src/railway/types.js';
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

const prefix = `rcgwadm${randomUUID().slice(0, 6)}`;
let emulator: RunningEmulator;
let railway: RailwayApi;
let gw: TestGateway;
let key: string;
let other: string;
let admin: string;

const ENVS = '/api/v1/main/environments/railclone';
const keyId = (k: string) => k.split('_')[1]!;

async function cloneNamed(k: string, name: string): Promise<void> {
  const res = await post(`${gw.url}${CLONE}`, { client_name: 'adm', environment_name: name }, bearer(k));
  expect(res.status).toBe(202);
  const done = await pollUntilDone(gw.url, (await res.json()).polling_url, k);
  expect(done.state).toBe('SUCCESS');
}

async function envNames(): Promise<string[]> {
  return (await railway.listEnvironments(emulator.projectId)).map((e) => e.name);
}

async function executions(): Promise<number> {
  return (
    await gw.deps.store.searchExecutions({
      namespace: 'railclone',
      flowId: 'clone-staging-api',
      page: 1,
      size: 100,
    })
  ).total;
}

beforeAll(async () => {
  ({ emulator, railway } = await startTestEmulator(prefix));
  const { store } = await tempFileStore();
  gw = await startTestGateway({ store, railway, projectId: emulator.projectId });
  key = await gw.key();
  other = await gw.key();
  admin = await gw.key({ admin: true });
}, 60_000);

afterAll(async () => {
  await gw?.stop();
  await emulator?.stop();
});

describe('1: deleting is a right of the key that may', () => {
  beforeAll(async () => {
    await railway.createEnvironment({ projectId: emulator.projectId, name: 'hand-made' });
    await cloneNamed(key, 'staging-owned-a');
  }, 120_000);

  const del = (env: string, k: string, query = '') =>
    fetch(`${gw.url}${ENVS}/${env}${query}`, { method: 'DELETE', headers: bearer(k) });

  it('force is refused at once for an ordinary key; the environment stays', async () => {
    for (const q of ['?force=true', '?force=1']) {
      const res = await del('hand-made', key, q);
      expect(res.status).toBe(403);
      expect((await res.json()).details).toMatchObject({ field: 'force', provided: true });
    }
    const webhook = await post(
      `${gw.url}/api/v1/main/executions/webhook/railclone/delete-environment/k`,
      { environment: 'hand-made', force: true },
      bearer(key),
    );
    expect(webhook.status).toBe(403);
    expect(await envNames()).toContain('hand-made');
  });

  it('an ordinary key cannot delete what railclone did not make, even without force', async () => {
    const res = await del('hand-made', key);
    expect(res.status).toBe(403);
    expect((await res.json()).message).toMatch(/not created by railclone/);
  });

  it('production is 403 at once, for admin keys too, on both paths', async () => {
    for (const k of [key, admin]) {
      expect((await del('production', k, '?force=true')).status).toBe(403);
      const res = await post(
        `${gw.url}/api/v1/main/executions/webhook/railclone/delete-environment/k`,
        { environment: 'production' },
        bearer(k),
      );
      expect(res.status).toBe(403);
    }
    expect(await envNames()).toContain('production');
  });

  it('an ordinary key cannot delete a clone another key started; the key that started it can', async () => {
    const refused = await del('staging-owned-a', other);
    expect(refused.status).toBe(403);
    expect((await refused.json()).message).toMatch(/another API key/);
    const ok = await del('staging-owned-a', key);
    expect(ok.status).toBe(202);
    expect((await pollUntilDone(gw.url, (await ok.json()).polling_url, key)).state).toBe('SUCCESS');
    expect(await envNames()).not.toContain('staging-owned-a');
  }, 60_000);

  it('an admin key with force=1 deletes an environment railclone did not make', async () => {
    const res = await del('hand-made', admin, '?force=1');
    expect(res.status).toBe(202);
    expect((await pollUntilDone(gw.url, (await res.json()).polling_url, admin)).state).toBe('SUCCESS');
    expect(await envNames()).not.toContain('hand-made');
  }, 60_000);
});

describe('2: the name is checked before the 202, without using quota', () => {
  it('refuses bad names with field, provided and the one pattern; nothing starts, no quota used', async () => {
    const limited = await gw.key({ rate_limit: 1 });
    const before = await executions();
    for (const name of ['production', '../x', 'Staging-X', 'stagíng', 'ab', 'x'.repeat(51), '1abc']) {
      const res = await post(
        `${gw.url}${CLONE}`,
        { client_name: 'acme', environment_name: name },
        bearer(limited),
      );
      expect(res.status, name).toBe(400);
      expect((await res.json()).details, name).toMatchObject({
        field: 'environment_name',
        provided: name,
        pattern: ENVIRONMENT_NAME_PATTERN.source,
      });
    }
    expect(await executions()).toBe(before);
    const ok = await post(
      `${gw.url}${CLONE}`,
      { client_name: 'acme', source_environment: 'nope' },
      bearer(limited),
    );
    expect(ok.status).toBe(202);
    expect(ok.headers.get('ratelimit-remaining')).toBe('0');
  });

  it('refuses a name that exists with 409, before the 202 and without using quota', async () => {
    const limited = await gw.key({ rate_limit: 1 });
    const before = await executions();
    await railway.createEnvironment({ projectId: emulator.projectId, name: 'taken-env-2' });
    for (const path of [CLONE, `${ENVS}/preview`]) {
      const res = await post(
        `${gw.url}${path}`,
        { client_name: 'acme', environment_name: 'taken-env-2' },
        bearer(limited),
      );
      expect(res.status, path).toBe(409);
      expect((await res.json()).details).toMatchObject({
        field: 'environment_name',
        provided: 'taken-env-2',
      });
    }
    expect(await executions()).toBe(before);
    const ok = await post(
      `${gw.url}${CLONE}`,
      { client_name: 'acme', source_environment: 'nope' },
      bearer(limited),
    );
    expect(ok.status).toBe(202);
  });

  it('the OpenAPI document shows the pattern', async () => {
    const doc = await (await fetch(`${gw.url}/openapi.json`)).json();
    expect(doc.components.schemas.CloneRequest.properties.environment_name.pattern).toBe(
      ENVIRONMENT_NAME_PATTERN.source,
    );
  });
});

describe('3: JSON only', () => {
  it('415 for a body of another media type, or none named', async () => {
    const body = JSON.stringify({ client_name: 'acme' });
    for (const type of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data',
      undefined,
    ]) {
      for (const path of [CLONE, `${ENVS}/preview`]) {
        const res = await fetch(`${gw.url}${path}`, {
          method: 'POST',
          headers: { ...bearer(key), ...(type ? { 'content-type': type } : {}) },
          // bytes, so fetch adds no Content-Type of its own
          body: new TextEncoder().encode(body),
        });
        expect(res.status, `${path} ${type}`).toBe(415);
        expect((await res.json()).details).toMatchObject({
          field: 'Content-Type',
          provided: type ?? null,
          allowed: ['application/json'],
        });
      }
    }
    const charset = await post(
      `${gw.url}${CLONE}`,
      { client_name: 'acme', colour: 1 },
      { ...bearer(key), 'content-type': 'application/json; charset=utf-8' },
    );
    expect(charset.status).toBe(400);
  });
});

describe('4: one error shape for every 400', () => {
  it('field, provided (or missing), and pattern (^…$) or allowed', async () => {
    const hook = (flow: string) => `${gw.url}/api/v1/main/executions/webhook/railclone/${flow}/k`;
    const cases: [string, string | object, string][] = [
      [hook('clone-staging-api'), {}, 'client_name'],
      [hook('clone-staging-api'), { client_name: '-x' }, 'client_name'],
      [hook('clone-staging-api'), { client_name: 'a', environment_type: 'qa' }, 'environment_type'],
      [hook('clone-staging-api'), { client_name: 'a', ttl: 'forever' }, 'ttl'],
      [hook('clone-staging-api'), { client_name: 'a', database: { jobs: 99 } }, 'database.jobs'],
      [hook('clone-staging-api'), { client_name: 'a', database: { nope: 1 } }, 'database.nope'],
      [hook('clone-staging-api'), { client_name: 'a', colour: 'red' }, 'colour'],
      [hook('clone-staging-api'), { client_name: 'a', enable_basic_auth: 'yes' }, 'enable_basic_auth'],
      [hook('clone-staging-api'), 'null', 'body'],
      [hook('clone-staging-api'), '[1]', 'body'],
      [hook('clone-staging-api'), '{not json', 'body'],
      [hook('delete-environment'), {}, 'environment'],
      [hook('delete-environment'), { environment: 'x', force: 'yes' }, 'force'],
      [`${gw.url}${ENVS}/preview`, { client_name: 'a', environment_name: 'Bad' }, 'environment_name'],
    ];
    const gets: [string, string][] = [
      [`${gw.url}${ENVS}/staging-x?force=maybe`, 'force'],
      [`${gw.url}${ENVS}?colour=red`, 'colour'],
      [`${gw.url}/api/v1/main/executions/railclone/clone-staging-api?size=0`, 'size'],
      [`${gw.url}/api/v1/main/executions/railclone/clone-staging-api?state=DONE`, 'state.0'],
    ];
    const responses = [
      ...(await Promise.all(cases.map(([url, body]) => post(url, body, bearer(key))))).map((r, i) => ({
        r,
        field: cases[i]![2],
      })),
      ...(
        await Promise.all(
          gets.map(([url]) =>
            fetch(url, { method: url.includes('force') ? 'DELETE' : 'GET', headers: bearer(key) }),
          ),
        )
      ).map((r, i) => ({ r, field: gets[i]![1] })),
    ];
    for (const { r, field } of responses) {
      expect(r.status, field).toBe(400);
      const { details } = await r.json();
      expect(details.field, field).toBe(field);
      expect(Object.hasOwn(details, 'provided'), field).toBe(true);
      expect(details.pattern !== undefined || details.allowed !== undefined, field).toBe(true);
      if (details.pattern !== undefined) expect(details.pattern, field).toMatch(/^\^.*\$$/);
    }
    const missing = await (await post(hook('clone-staging-api'), {}, bearer(key))).json();
    expect(missing.details).toMatchObject({ provided: null, missing: true, allowed: 'a string' });
    const nul = await (await post(hook('clone-staging-api'), 'null', bearer(key))).json();
    expect(nul.details).toMatchObject({ provided: 'null', allowed: 'a JSON object' });
    const unknown = await (
      await post(hook('clone-staging-api'), { client_name: 'a', colour: 1 }, bearer(key))
    ).json();
    expect(unknown.details.allowed).toContain('environment_name');
  });
});

describe('8: the audited address is the socket, forwarded only through trusted proxies', () => {
  it('ignores X-Forwarded-For from an untrusted peer and reads it from a trusted one', async () => {
    const trusting = await startTestGateway({
      store: gw.deps.store,
      railway,
      projectId: emulator.projectId,
      ownsStore: false,
      settings: { trustedProxies: ['127.0.0.1', '10.0.0.0/8'] },
    });
    try {
      const xff = (v: string) => ({ ...bearer(key), 'x-forwarded-for': v });
      await post(`${gw.url}${CLONE}`, { client_name: '' }, xff('6.6.6.1'));
      await post(`${trusting.url}${CLONE}`, { client_name: '' }, xff('6.6.6.2'));
      await post(`${trusting.url}${CLONE}`, { client_name: '' }, xff('1.1.1.1, 6.6.6.3, 10.1.2.3'));
      const audit = await gw.deps.store.listAudit();
      const last = audit.slice(-3).map((e) => e.remote);
      expect(last).toEqual(['127.0.0.1', '6.6.6.2', '6.6.6.3']);
    } finally {
      await trusting.stop();
    }
  });
});

describe('9: no enumeration', () => {
  it('an unknown environment is 404 without listing what exists', async () => {
    for (const path of ['nope-nope', 'nope-nope/lineage', 'nope-nope/clones']) {
      const res = await fetch(`${gw.url}${ENVS}/${path}`, { headers: bearer(key) });
      expect(res.status, path).toBe(404);
      const text = await res.text();
      expect(text).not.toContain('production');
      expect(JSON.parse(text).details).toEqual({ field: 'environment', provided: 'nope-nope' });
    }
    const del = await fetch(`${gw.url}${ENVS}/nope-nope`, { method: 'DELETE', headers: bearer(key) });
    expect(del.status).toBe(404);
  });

  it('a route-level 404 with a valid key is audited under that key', async () => {
    const res = await fetch(`${gw.url}/api/v1/main/no/such/route`, { headers: bearer(other) });
    expect(res.status).toBe(404);
    const last = (await gw.deps.store.listAudit()).at(-1)!;
    expect(last).toMatchObject({ result: 'refused:404', key_id: keyId(other) });
  });
});
